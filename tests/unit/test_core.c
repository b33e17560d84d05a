/* test_core.c - errors, buffers, arenas, normalisation, dates, names. */
#include <setjmp.h>
#include <cmocka.h>

#include "evident/ev_core.h"
#include "evident/ev_record.h"

static void first_error_wins(void **state)
{
    (void)state;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_error_set(&err, EV_EINPUT, "a.ris", 3, 7, "bad tag '%s'", "XX"),
                     EV_EINPUT);
    ev_error_set(&err, EV_EIO, "b", 1, 1, "later");
    char out[256];
    ev_error_format(&err, out, sizeof out);
    assert_string_equal(out, "a.ris:3:7: bad tag 'XX'");
}

static void buf_respects_cap(void **state)
{
    (void)state;
    ev_buf b;
    ev_buf_init(&b, 8);
    assert_int_equal(ev_buf_puts(&b, "12345678"), EV_OK);
    assert_int_equal(ev_buf_putc(&b, '9'), EV_EINPUT);
    assert_string_equal(ev_buf_cstr(&b), "12345678");
    ev_buf_release(&b);
}

static void arena_grow_keeps_elements(void **state)
{
    (void)state;
    ev_arena *a = ev_arena_new();
    int *arr = NULL;
    size_t n = 0;
    for (int i = 0; i < 1000; i++) {
        arr = ev_arena_grow(a, arr, n, sizeof *arr);
        assert_non_null(arr);
        arr[n++] = i;
    }
    for (int i = 0; i < 1000; i++)
        assert_int_equal(arr[i], i);
    ev_arena_free(a);
}

static void alloc_failure_is_reported(void **state)
{
    (void)state;
    ev_alloc_fail_after(1, false);
    assert_null(ev_malloc(10));
    void *p = ev_malloc(10);
    assert_non_null(p);
    ev_free(p);
    ev_alloc_fail_after(0, false);
}

static void check_norm(const char *in, const char *want)
{
    ev_buf b;
    ev_buf_init(&b, 0);
    assert_int_equal(ev_text_normalise(&b, in, strlen(in), EV_NORM_DEFAULT), EV_OK);
    assert_string_equal(ev_buf_cstr(&b), want);
    ev_buf_release(&b);
}

static void normalise_folds_marks_markup_punct(void **state)
{
    (void)state;
    check_norm("Caf\xc3\xa9  Stra\xc3\x9f" "e", "cafe strasse");
    check_norm("\xce\xb2<sub>2</sub>-Microglobulin", "\xce\xb2" "2 microglobulin");
    check_norm("at the<i>TERT</i>gene", "at the tert gene");
    check_norm("  COVID-19: a (review). ", "covid 19 a review");
}

static void tokens_are_letter_digit_runs(void **state)
{
    (void)state;
    const char *s = "covid 19 \xce\xb2" "2";
    size_t pos = 0;
    ev_str t;
    const char *want[] = {"covid", "19", "\xce\xb2" "2"};
    for (int i = 0; i < 3; i++) {
        assert_true(ev_text_next_token(s, strlen(s), &pos, &t));
        assert_int_equal(t.len, strlen(want[i]));
        assert_memory_equal(t.ptr, want[i], t.len);
    }
    assert_false(ev_text_next_token(s, strlen(s), &pos, &t));
}

static void cp1252_converts(void **state)
{
    (void)state;
    ev_buf b;
    ev_buf_init(&b, 0);
    assert_int_equal(ev_cp1252_to_utf8(&b, "caf\xe9 \x93q\x94", 8), EV_OK);
    assert_string_equal(ev_buf_cstr(&b), "caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d");
    ev_buf_release(&b);
    size_t bad = 0;
    assert_false(ev_utf8_valid("ab\xe9z", 4, &bad));
    assert_int_equal(bad, 2);
}

static void check_date(const char *s, int y, int m, int d)
{
    ev_record *rec = ev_record_new();
    ev_date date;
    bool ok = ev_record_parse_date(rec, &date, s, strlen(s));
    assert_int_equal(ok, y != 0);
    assert_int_equal(date.year, y);
    assert_int_equal(date.month, m);
    assert_int_equal(date.day, d);
    ev_record_free(rec);
}

static void dates_parse_medline_forms(void **state)
{
    (void)state;
    check_date("2017 Nov 15", 2017, 11, 15);
    check_date("1998 Dec-1999 Jan", 1998, 12, 0);
    check_date("2000 Spring", 2000, 3, 0);
    check_date("1975-1976", 1975, 0, 0);
    check_date("2023/01/09/", 2023, 1, 9);
    check_date("2020//", 2020, 0, 0);
    check_date("20170315", 2017, 3, 15);
    check_date("SEP", 0, 0, 0);
    check_date("Nov 2017", 2017, 11, 0);
}

static void check_name(const char *s, const char *fam, const char *giv, const char *ini)
{
    ev_record *rec = ev_record_new();
    ev_author a = {0};
    assert_int_equal(ev_record_author_from_name(rec, &a, s, strlen(s)), EV_OK);
    assert_string_equal(a.family, fam);
    if (giv)
        assert_string_equal(a.given, giv);
    else
        assert_null(a.given);
    assert_string_equal(a.initials, ini);
    ev_record_free(rec);
}

static void names_split(void **state)
{
    (void)state;
    check_name("Smith, John Charles", "Smith", "John Charles", "JC");
    check_name("Smith JC", "Smith", NULL, "JC");
    check_name("Smith, J. C.", "Smith", NULL, "JC");
    check_name("van der Berg, Anna", "van der Berg", "Anna", "A");
}

static void doi_normalised(void **state)
{
    (void)state;
    ev_record *rec = ev_record_new();
    const char *d = ev_record_doi(rec, "https://doi.org/10.1016/J.Foo.2020.01.002", 41);
    assert_string_equal(d, "10.1016/j.foo.2020.01.002");
    assert_null(ev_record_doi(rec, "no doi here", 11));
    ev_record_free(rec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(first_error_wins),
        cmocka_unit_test(buf_respects_cap),
        cmocka_unit_test(arena_grow_keeps_elements),
        cmocka_unit_test(alloc_failure_is_reported),
        cmocka_unit_test(normalise_folds_marks_markup_punct),
        cmocka_unit_test(tokens_are_letter_digit_runs),
        cmocka_unit_test(cp1252_converts),
        cmocka_unit_test(dates_parse_medline_forms),
        cmocka_unit_test(names_split),
        cmocka_unit_test(doi_normalised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
