/* test_search_parse.c - the query lexer/parser: every construct's canonical
 * translation (spec A11/A15) and every error with its code and caret column
 * (A14). Expected strings are written from the spec's rules by hand. */
#include <setjmp.h>
#include <cmocka.h>

#include "evident/ev_search.h"

static char *canon(const char *q)
{
    ev_query *pq = NULL;
    ev_error err = EV_ERROR_INIT;
    ev_status st = ev_query_parse(&pq, q, &err);
    if (st != EV_OK)
        fail_msg("parse of '%s' failed: %s", q, err.message);
    ev_buf b;
    ev_buf_init(&b, 1 << 20);
    assert_int_equal(ev_query_canonical(pq, &b), EV_OK);
    ev_query_free(pq);
    return ev_buf_detach(&b);
}

#define CANON(q, want)                                                                           \
    do {                                                                                         \
        char *got_ = canon(q);                                                                   \
        assert_string_equal(got_, want);                                                         \
        ev_free(got_);                                                                           \
    } while (0)

/* An error: code prefix and 1-based column. */
static void expect_error(const char *q, const char *code, size_t column)
{
    ev_query *pq = NULL;
    ev_error err = EV_ERROR_INIT;
    ev_status st = ev_query_parse(&pq, q, &err);
    if (st == EV_OK) {
        ev_query_free(pq);
        fail_msg("'%s' parsed but should fail with %s", q, code);
    }
    assert_int_equal(st, EV_EINPUT);
    if (strncmp(err.message, code, strlen(code)) != 0)
        fail_msg("'%s': got '%s', want %s", q, err.message, code);
    if (err.column != column)
        fail_msg("'%s': %s at column %zu, want %zu", q, err.message, err.column, column);
    assert_null(pq);
}

static void operators_apply_left_to_right(void **state)
{
    (void)state;
    CANON("a OR b AND c", "((\"a\"[All Fields] OR \"b\"[All Fields]) AND \"c\"[All Fields])");
    CANON("a NOT b OR c", "((\"a\"[All Fields] NOT \"b\"[All Fields]) OR \"c\"[All Fields])");
    CANON("a OR (b AND c)", "(\"a\"[All Fields] OR (\"b\"[All Fields] AND \"c\"[All Fields]))");
}

static void missing_operator_is_and(void **state)
{
    (void)state;
    CANON("heel spur", "(\"heel\"[All Fields] AND \"spur\"[All Fields])");
    CANON("(a) (b)", "(\"a\"[All Fields] AND \"b\"[All Fields])");
}

static void lowercase_operators_are_words_with_warning(void **state)
{
    (void)state;
    ev_query *q = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_query_parse(&q, "pain or ache[tiab]", &err), EV_OK);
    ev_buf b;
    ev_buf_init(&b, 1 << 16);
    assert_int_equal(ev_query_canonical(q, &b), EV_OK);
    assert_string_equal(ev_buf_cstr(&b), "\"pain or ache\"[Title/Abstract]");
    size_t n;
    const ev_search_note *w = ev_query_warnings(q, &n);
    assert_int_equal(n, 1);
    assert_string_equal(w[0].code, "W-LOWEROP");
    ev_buf_release(&b);
    ev_query_free(q);
}

static void tags_short_long_and_spaced(void **state)
{
    (void)state;
    CANON("eye[mh]", "\"eye\"[MeSH Terms]");
    CANON("Eye [MeSH Terms]", "\"eye\"[MeSH Terms]");
    CANON("Regenerative medicine [Mesh]", "\"regenerative medicine\"[MeSH Terms]");
    CANON("hip pain[Title/Abstract]", "\"hip pain\"[Title/Abstract]");
    CANON("x[TIAB]", "\"x\"[Title/Abstract]");
    CANON("x[ti] OR x[Title]", "(\"x\"[Title] OR \"x\"[Title])");
    CANON("x[ab]", "\"x\"[Abstract]");
    CANON("x[tw] OR x[Text Word]", "(\"x\"[Text Word] OR \"x\"[Text Word])");
    CANON("review[pt] OR review[Publication Type] OR review[ptyp]",
          "((\"review\"[Publication Type] OR \"review\"[Publication Type]) OR "
          "\"review\"[Publication Type])");
    CANON("eng[la]", "\"eng\"[Language]");
    CANON("smith j[au]", "\"smith j\"[Author]");
    CANON("Smith, John[fau]", "\"smith john\"[Author - Full]");
    CANON("smith j[1au] OR smith j[lastau]",
          "(\"smith j\"[Author - First] OR \"smith j\"[Author - Last])");
    CANON("boston[ad]", "\"boston\"[Affiliation]");
    CANON("lancet[ta] OR lancet[Journal] OR lancet[jour]",
          "((\"lancet\"[Journal] OR \"lancet\"[Journal]) OR \"lancet\"[Journal])");
    CANON("12345[pmid] OR 12345[uid]", "(\"12345\"[PMID] OR \"12345\"[PMID])");
    CANON("stem cells[ot] OR stem cells[Keyword]",
          "(\"stem cells\"[Other Term] OR \"stem cells\"[Other Term])");
    CANON("therapy[sh]", "\"therapy\"[MeSH Subheading]");
    CANON("medline[sb]", "\"medline\"[Subset]");
    CANON("12[vi] AND 3[ip] AND 100[pg]", "((\"12\"[Volume] AND \"3\"[Issue]) AND \"100\"[Pagination])");
}

static void mesh_modifiers(void **state)
{
    (void)state;
    CANON("ankle injuries[mh:noexp]", "\"ankle injuries\"[MeSH Terms:noexp]");
    CANON("tendon injuries[majr]", "\"tendon injuries\"[MeSH Major Topic]");
    CANON("tendon injuries[MeSH Major Topic:noexp]",
          "\"tendon injuries\"[MeSH Major Topic:noexp]");
    CANON("thromboembolism/pc[majr]", "\"thromboembolism/prevention and control\"[MeSH Major Topic]");
    CANON("thromboembolism/prevention & control[mh]",
          "\"thromboembolism/prevention and control\"[MeSH Terms]");
}

static void spec_worked_examples(void **state)
{
    (void)state;
    /* A15.1 */
    CANON("ankle injuries[mh] OR \"ankle sprain*\"[tiab]",
          "(\"ankle injuries\"[MeSH Terms] OR \"ankle sprain*\"[Title/Abstract])");
    /* A15.2 (fully parenthesised binary operations, A11) */
    CANON("tendon injuries[majr] AND (stem cell*[tiab] OR mesenchymal stem cells[mh]) AND "
          "2010:2024[dp]",
          "((\"tendon injuries\"[MeSH Major Topic] AND (\"stem cell*\"[Title/Abstract] OR "
          "\"mesenchymal stem cells\"[MeSH Terms])) AND 2010/01/01:2024/12/31[Date - "
          "Publication])");
    /* A15.4 */
    CANON("\"achilles tendon rupture\"[tiab:~2]",
          "\"achilles tendon rupture\"[Title/Abstract:~2]");
    /* A15.5 */
    CANON("#1 AND #2 NOT review[pt]", "((#1 AND #2) NOT \"review\"[Publication Type])");
}

static void phrases_curly_quotes_and_hyphens(void **state)
{
    (void)state;
    CANON("\"growth factor\"[Title/Abstract]", "\"growth factor\"[Title/Abstract]");
    CANON("\xe2\x80\x9cgrowth factor\xe2\x80\x9d[Title/Abstract]",
          "\"growth factor\"[Title/Abstract]");
    CANON("platelet-rich plasma[Title/Abstract]", "\"platelet rich plasma\"[Title/Abstract]");
    CANON("\"kidney allograft\"", "\"kidney allograft\"[All Fields]");
    CANON("covid-19", "\"covid 19\"[All Fields]");
    CANON("\"Caf\xc3\xa9 au lait\"[ti]", "\"cafe au lait\"[Title]");
}

static void wildcards_kept_in_canonical(void **state)
{
    (void)state;
    CANON("colo*[tiab]", "\"colo*\"[Title/Abstract]");
    CANON("organi*ation*[tiab]", "\"organi*ation*\"[Title/Abstract]");
    CANON("breast-feed*[tiab]", "\"breast feed*\"[Title/Abstract]");
    CANON("\"colo* cancer*\"[tiab]", "\"colo* cancer*\"[Title/Abstract]");
}

static void dates_and_ranges(void **state)
{
    (void)state;
    CANON("2015[dp]", "2015/01/01:2015/12/31[Date - Publication]");
    CANON("2020/02[dp]", "2020/02/01:2020/02/29[Date - Publication]");
    CANON("2020/Feb/03[dp]", "2020/02/03:2020/02/03[Date - Publication]");
    CANON("2015:3000[dp]", "2015/01/01:3000/12/31[Date - Publication]");
    CANON("2007:2009 [crdt]", "2007/01/01:2009/12/31[Date - Create]");
    CANON("\"2020/01/01\"[dp] : \"2020/06/30\"[dp]",
          "2020/01/01:2020/06/30[Date - Publication]");
    CANON("2019/11[edat]", "2019/11/01:2019/11/30[Date - Entry]");
}

static void relative_dates_end_today(void **state)
{
    (void)state;
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    char today[16], want[128];
    strftime(today, sizeof today, "%Y/%m/%d", &tm);
    char *got = canon("\"last 5 years\"[dp]");
    snprintf(want, sizeof want, ":%s[Date - Publication]", today);
    assert_non_null(strstr(got, want));
    char y5[16];
    snprintf(y5, sizeof y5, "%04d/", tm.tm_year + 1900 - 5);
    assert_memory_equal(got, y5, 5);
    ev_free(got);
    got = canon("\"last 30 days\"[edat]");
    assert_non_null(strstr(got, "[Date - Entry]"));
    ev_free(got);
    expect_error("\"last 5 weeks\"[dp]", "E-DATE", 1);
}

static void history_references(void **state)
{
    (void)state;
    CANON("#1 OR #2", "(#1 OR #2)");
    CANON("(#3 AND 2015:2020[dp]) NOT #4",
          "((#3 AND 2015/01/01:2020/12/31[Date - Publication]) NOT #4)");
}

static void errors_quote(void **state)
{
    (void)state;
    expect_error("pain AND \"ankle sprain", "E-QUOTE", 10);
    expect_error("\"\"[tiab]", "E-QUOTE", 1);
    expect_error("a OR \"  \"", "E-QUOTE", 6);
}

static void errors_paren(void **state)
{
    (void)state;
    expect_error("(a OR b", "E-PAREN", 1);
    expect_error("a OR b)", "E-PAREN", 7);
    expect_error("((a) OR (b)", "E-PAREN", 1);
}

static void errors_operand(void **state)
{
    (void)state;
    expect_error("AND a", "E-OPERAND", 1);
    expect_error("NOT review[pt]", "E-OPERAND", 1);
    expect_error("a OR", "E-OPERAND", 3);
    expect_error("a AND OR b", "E-OPERAND", 3);
    expect_error("a AND ()", "E-OPERAND", 8);
    expect_error("(a AND) b", "E-OPERAND", 4);
    expect_error("", "E-OPERAND", 1);
}

static void errors_tags(void **state)
{
    (void)state;
    expect_error("[tiab]pain", "E-TAGPOS", 1);
    expect_error("pain AND [mh]ankle", "E-TAGPOS", 10);
    expect_error("pain[xyz]", "E-TAGUNKNOWN", 6);
    expect_error("pain[tiab:noexp]", "E-TAGUNKNOWN", 11);
    expect_error("pain[tiab", "E-TAGPOS", 5);
    expect_error("(pain OR ache)[tiab]", "E-GROUPTAG", 15);
    expect_error("#1[tiab]", "E-HISTTAG", 3);
    expect_error("#x OR a", "E-HISTREF", 1);
    expect_error("#0", "E-HISTREF", 1);
    expect_error("ankle/zz[mh]", "E-TAGUNKNOWN", 7);
}

static void errors_wildcards(void **state)
{
    (void)state;
    expect_error("AI*[tiab]", "E-WILDSHORT", 3);     /* A15.6 */
    expect_error("a AND col*", "E-WILDSHORT", 10);
    expect_error("\"ankle sp*\"[tiab]", "E-WILDSHORT", 10);
    CANON("\"ankle spra*\"[tiab]", "\"ankle spra*\"[Title/Abstract]");
}

static void errors_proximity(void **state)
{
    (void)state;
    expect_error("\"hip pain\"[mh:~2]", "E-PROXFIELD", 15);
    expect_error("\"hip pain\"[tw:~2]", "E-PROXFIELD", 15);
    expect_error("\"hip pain*\"[tiab:~2]", "E-PROXWILD", 1);
    expect_error("\"hip\"[tiab:~2]", "E-PROXONE", 1);
    expect_error("\"hip pain\"[tiab:~x]", "E-TAGUNKNOWN", 17);
    CANON("\"hip pain\"[ad:~0]", "\"hip pain\"[Affiliation:~0]");
}

static void errors_dates(void **state)
{
    (void)state;
    expect_error("2020:2010[dp]", "E-DATE", 1);
    expect_error("20x0[dp]", "E-DATE", 1);
    expect_error("2020/13[dp]", "E-DATE", 1);
    expect_error("2020/02/30[dp]", "E-DATE", 1);
    expect_error("2010:20x0[dp]", "E-DATE", 6);
    expect_error("\"2020\"[dp] : \"2021\"[edat]", "E-DATE", 20);
    expect_error(": 2020[dp]", "E-DATE", 1);
}

static void caret_points_at_column(void **state)
{
    (void)state;
    ev_buf b;
    ev_buf_init(&b, 1 << 16);
    assert_int_equal(ev_search_caret(&b, "a OR b)", 7), EV_OK);
    assert_string_equal(ev_buf_cstr(&b), "  a OR b)\n        ^\n");
    ev_buf_release(&b);
    /* columns count characters, not bytes */
    expect_error("\xe2\x80\x9c\xc3\xa9t\xc3\xa9\xe2\x80\x9d[ti] OR )", "E-OPERAND", 11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(operators_apply_left_to_right),
        cmocka_unit_test(missing_operator_is_and),
        cmocka_unit_test(lowercase_operators_are_words_with_warning),
        cmocka_unit_test(tags_short_long_and_spaced),
        cmocka_unit_test(mesh_modifiers),
        cmocka_unit_test(spec_worked_examples),
        cmocka_unit_test(phrases_curly_quotes_and_hyphens),
        cmocka_unit_test(wildcards_kept_in_canonical),
        cmocka_unit_test(dates_and_ranges),
        cmocka_unit_test(relative_dates_end_today),
        cmocka_unit_test(history_references),
        cmocka_unit_test(errors_quote),
        cmocka_unit_test(errors_paren),
        cmocka_unit_test(errors_operand),
        cmocka_unit_test(errors_tags),
        cmocka_unit_test(errors_wildcards),
        cmocka_unit_test(errors_proximity),
        cmocka_unit_test(errors_dates),
        cmocka_unit_test(caret_points_at_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
