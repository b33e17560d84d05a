/*
 * test_formats_xmlscan.c - the streaming XML scanner on its own: the events
 * and error positions do not depend on how the input is cut into chunks;
 * references, CDATA, comments, declarations; and the well-formedness errors
 * expat would also report (expected messages written from the XML 1.0
 * rules, not from our output).
 */
#include <setjmp.h>
#include <cmocka.h>

#include "xmlscan.h"

/* ---- an event log ------------------------------------------------------------- */

typedef struct logbuf {
    ev_buf out;
    bool in_text;
    ev__xml *x;
    uint64_t keep_from; /* element named "keep": its bytes are logged */
} logbuf;

static void on_start(void *ud, const char *name, size_t len, const char **atts)
{
    logbuf *l = ud;
    assert_int_equal(strlen(name), len);
    assert_int_equal(ev_buf_printf(&l->out, "<%s", name), EV_OK);
    for (size_t i = 0; atts[i]; i += 2)
        assert_int_equal(ev_buf_printf(&l->out, " %s=[%s]", atts[i], atts[i + 1]), EV_OK);
    assert_int_equal(ev_buf_puts(&l->out, ">"), EV_OK);
    l->in_text = false;
    if (strcmp(name, "keep") == 0) {
        l->keep_from = l->x->tok_start;
        ev__xml_keep(l->x, l->x->tok_start);
    }
}

static void on_end(void *ud, const char *name, size_t len)
{
    logbuf *l = ud;
    (void)len;
    assert_int_equal(ev_buf_printf(&l->out, "</%s>", name), EV_OK);
    l->in_text = false;
    if (strcmp(name, "keep") == 0) {
        const char *b = ev__xml_bytes(l->x, l->keep_from, l->x->tok_end);
        assert_non_null(b);
        assert_int_equal(ev_buf_printf(&l->out, "{%.*s}", (int)(l->x->tok_end - l->keep_from), b),
                         EV_OK);
        ev__xml_keep(l->x, UINT64_MAX);
    }
}

/* Text pieces are joined ("|" opens a run): chunking may split them
 * differently. */
static void on_text(void *ud, const char *s, size_t n)
{
    logbuf *l = ud;
    if (!l->in_text)
        assert_int_equal(ev_buf_puts(&l->out, "|"), EV_OK);
    assert_int_equal(ev_buf_append(&l->out, s, n), EV_OK);
    l->in_text = true;
}

/* Scan `doc` fed in chunks of `chunk` bytes (0 = all at once); the log, or
 * "ERROR line:col message". Caller frees. */
static char *run(const char *doc, size_t n, size_t chunk)
{
    logbuf l;
    memset(&l, 0, sizeof l);
    ev_buf_init(&l.out, 0);
    ev__xml x;
    ev_error err = EV_ERROR_INIT;
    ev__xml_handlers h = {on_start, on_end, on_text, NULL, &l};
    ev__xml_init(&x, &h, "doc", (size_t)1 << 24, &err);
    l.x = &x;
    if (chunk == 0)
        chunk = n ? n : 1;
    ev_status s = EV_OK;
    size_t off = 0;
    /* the caller's buffer changes between calls, as a reader's does */
    char *piece = malloc(chunk);
    while (s == EV_OK && off < n) {
        size_t k = n - off < chunk ? n - off : chunk;
        memcpy(piece, doc + off, k);
        s = ev__xml_feed(&x, piece, k, false);
        memset(piece, '#', k);
        off += k;
    }
    if (s == EV_OK)
        s = ev__xml_feed(&x, NULL, 0, true);
    free(piece);
    ev__xml_release(&x);
    if (s != EV_OK) {
        ev_buf_clear(&l.out);
        assert_int_equal(ev_buf_printf(&l.out, "ERROR %zu:%zu %s", err.line, err.column,
                                       err.message),
                         EV_OK);
    }
    return ev_buf_detach(&l.out);
}

/* The same result for every chunk size from 1 to 64 and a few larger. */
static char *run_all_chunkings(const char *doc)
{
    size_t n = strlen(doc);
    char *want = run(doc, n, 0);
    static const size_t sizes[] = {1, 2, 3, 5, 7, 8, 13, 16, 31, 64, 100, 1000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char *got = run(doc, n, sizes[i]);
        if (strcmp(got, want) != 0)
            fail_msg("chunk %zu:\n got  %s\n want %s", sizes[i], got, want);
        ev_free(got);
    }
    return want;
}

static void check(const char *doc, const char *want)
{
    char *got = run_all_chunkings(doc);
    assert_string_equal(got, want);
    ev_free(got);
}

/* ---- tests ---------------------------------------------------------------------- */

static void elements_attributes_and_text_in_any_chunking(void **state)
{
    (void)state;
    check("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<!DOCTYPE a PUBLIC \"-//NLM//DTD x//EN\" \"https://x/y.dtd\">\n"
          "<a x='1' y=\"two words\"><b/>t1<c  z = \"3\" >t2</c ></a>\n",
          "<a x=[1] y=[two words]><b></b>|t1<c z=[3]>|t2</c></a>");
}

static void references_are_decoded_and_whitespace_in_attributes_normalised(void **state)
{
    (void)state;
    check("<a v=\"x&amp;y&#x9;z\nw\">&lt;&gt;&amp;&quot;&apos; &#946;&#x3B2; caf\xc3\xa9</a>",
          /* section 3.3.3: a literal newline becomes a space, a character
           * reference to a tab stays a tab */
          "<a v=[x&y\tz w]>|<>&\"' \xce\xb2\xce\xb2 caf\xc3\xa9</a>");
}

static void comments_pis_and_cdata(void **state)
{
    (void)state;
    check("<!-- c1 --><a><!-- <b> --><?pi data?><![CDATA[<i>&amp;</i>]]>x</a><!-- end -->",
          "<a>|<i>&amp;</i>x</a>");
}

static void kept_bytes_are_exact_across_chunks(void **state)
{
    (void)state;
    check("<r><keep a=\"1\">one <i>two</i> &amp; three</keep><keep/></r>",
          "<r><keep a=[1]>|one <i>|two</i>| & three</keep>{<keep a=\"1\">one <i>two</i> &amp; "
          "three</keep>}<keep></keep>{<keep/>}</r>");
}

static void byte_order_mark_is_skipped(void **state)
{
    (void)state;
    check("\xEF\xBB\xBF<a>x</a>", "<a>|x</a>");
    check("\xEF\xBB\xBF", "ERROR 1:4 malformed XML: no element found"); /* fuzz find */
}

static void mismatched_tag_reports_the_name_position(void **state)
{
    (void)state;
    check("<a>\n  <b>\n  </a>", "ERROR 3:5 malformed XML: mismatched tag (expected </b>)");
}

static void truncated_input_is_an_unclosed_element_or_token(void **state)
{
    (void)state;
    check("<a><b>text", "ERROR 1:11 malformed XML: unclosed element <b> at the end of the input");
    check("<a><b attr=\"x", "ERROR 1:4 malformed XML: unclosed token");
    check("", "ERROR 1:1 malformed XML: no element found");
}

static void bad_references_are_refused(void **state)
{
    (void)state;
    check("<a>x &nbsp; y</a>", "ERROR 1:6 malformed XML: undefined entity \"&nbsp;\"");
    check("<a>&#0;</a>", "ERROR 1:4 malformed XML: reference to invalid character number");
    check("<a>&#xD800;</a>", "ERROR 1:4 malformed XML: reference to invalid character number");
    check("<a>a & b</a>", "ERROR 1:6 malformed XML: malformed reference (no ';')");
}

static void structure_errors(void **state)
{
    (void)state;
    check("<a></a><b/>", "ERROR 1:8 malformed XML: junk after the document element");
    check("<a></a>text", "ERROR 1:8 malformed XML: junk after the document element");
    check("<a x=\"1\" x=\"2\"/>", "ERROR 1:1 malformed XML: duplicate attribute \"x\"");
    check("<a x=1/>", "ERROR 1:6 malformed XML: attribute value not quoted");
    check("<a x=\"<\"/>", "ERROR 1:7 malformed XML: \"<\" in an attribute value");
    check("<1a/>", "ERROR 1:2 malformed XML: not well-formed (invalid token)");
    check("</a>", "ERROR 1:3 malformed XML: end tag with no open element");
}

static void encoding_errors(void **state)
{
    (void)state;
    check("<a>\xff</a>", "ERROR 1:4 malformed XML: invalid UTF-8 (byte 0xff)");
    check("<a>\xc3</a>", "ERROR 1:4 malformed XML: invalid UTF-8 (byte 0xc3)");
    check("<a>\x01</a>", "ERROR 1:4 malformed XML: invalid character (byte 0x01)");
    /* the first error in the document wins, however it is cut (fuzz find) */
    check("x<a>\x0f</a>", "ERROR 1:1 malformed XML: text before the root element");
    check("<a></b>\xff", "ERROR 1:6 malformed XML: mismatched tag (expected </a>)");
    check("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>",
          "ERROR 1:31 encoding \"ISO-8859-1\" is not supported: save the file as UTF-8");
}

static void entity_declarations_are_refused(void **state)
{
    (void)state;
    check("<!DOCTYPE a [\n <!ENTITY e SYSTEM \"file:///etc/passwd\">\n]><a>&e;</a>",
          "ERROR 2:2 entity declaration \"e\" refused: PubMed XML declares no entities, and "
          "external or expanding entities are never read");
    check("<!DOCTYPE a [ <!ENTITY % p \"x\"> ]><a/>",
          "ERROR 1:15 entity declaration \"p\" refused: PubMed XML declares no entities, and "
          "external or expanding entities are never read");
}

static void deep_nesting_and_long_text(void **state)
{
    (void)state;
    ev_buf b;
    ev_buf_init(&b, 0);
    for (int i = 0; i < 2000; i++)
        assert_int_equal(ev_buf_puts(&b, "<d>"), EV_OK);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(ev_buf_putc(&b, 'x'), EV_OK);
    for (int i = 0; i < 2000; i++)
        assert_int_equal(ev_buf_puts(&b, "</d>"), EV_OK);
    char *a = run(b.ptr, b.len, 0), *c = run(b.ptr, b.len, 4096);
    assert_string_equal(a, c);
    assert_non_null(strstr(a, "xxxxxxxxxx"));
    ev_free(a);
    ev_free(c);
    ev_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(elements_attributes_and_text_in_any_chunking),
        cmocka_unit_test(references_are_decoded_and_whitespace_in_attributes_normalised),
        cmocka_unit_test(comments_pis_and_cdata),
        cmocka_unit_test(kept_bytes_are_exact_across_chunks),
        cmocka_unit_test(byte_order_mark_is_skipped),
        cmocka_unit_test(mismatched_tag_reports_the_name_position),
        cmocka_unit_test(truncated_input_is_an_unclosed_element_or_token),
        cmocka_unit_test(bad_references_are_refused),
        cmocka_unit_test(structure_errors),
        cmocka_unit_test(encoding_errors),
        cmocka_unit_test(entity_declarations_are_refused),
        cmocka_unit_test(deep_nesting_and_long_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
