/*
 * fuzz_formats_export.c - the writers' contract: whatever a reader accepts,
 * each record written as RIS, MEDLINE or BibTeX (generated from the fields,
 * raw dropped) must read back as exactly one record of that format with the
 * same title. A failure aborts: it is a writer (or reader) bug.
 */
#include "evident/ev_formats.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct reread {
    size_t n;
    char *title;
} reread;

static ev_status on_reread(ev_record *rec, void *payload)
{
    reread *r = payload;
    if (r->n++ == 0 && rec->title)
        r->title = ev_strdup(rec->title);
    return EV_OK;
}

/* Titles compared as the formats can carry them: white space runs are one
 * space (BibTeX and wrapped tagged lines fold them), and BibTeX values keep
 * their braces balanced, so the writer turns braces from the data into
 * parentheses (documented). */
static const char *next_char(const char *p, char *c, ev_format f)
{
    if (isspace((unsigned char)*p)) {
        while (isspace((unsigned char)*p))
            p++;
        *c = *p ? ' ' : '\0';
        return p;
    }
    *c = *p;
    if (f == EV_FORMAT_BIBTEX && (*c == '{' || *c == '}'))
        *c = *c == '{' ? '(' : ')';
    return *p ? p + 1 : p;
}

static bool titles_equal(const char *want, const char *got, ev_format f)
{
    if (want == NULL || got == NULL)
        return want == got;
    while (isspace((unsigned char)*want))
        want++;
    while (isspace((unsigned char)*got))
        got++;
    for (;;) {
        char a, b;
        want = next_char(want, &a, f);
        got = next_char(got, &b, EV_FORMAT_UNKNOWN);
        if (a != b)
            return false;
        if (a == '\0')
            return true;
    }
}

/* Write `rec` as `f`, read it back, compare. */
static void round_trip(const ev_record *rec, ev_format f)
{
    ev_buf b;
    ev_buf_init(&b, 0);
    if (ev_export_record(&b, rec, f, NULL) != EV_OK) {
        ev_buf_release(&b);
        return;
    }
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    opts.format = f;
    reread r = {0, NULL};
    ev_parse_sink sink = {on_reread, NULL, NULL, NULL, &r};
    ev_error err = EV_ERROR_INIT;
    ev_status st = ev_parse_buffer("export", ev_buf_cstr(&b), b.len, &opts, &sink, NULL, &err);
    bool same = st == EV_OK && r.n == 1 && titles_equal(rec->title, r.title, f);
    if (!same && st != EV_ENOMEM && getenv("EV_FUZZ_VERBOSE"))
        fprintf(stderr, "%s\nround trip as %s: status %d, %zu records, title [%s], read [%s]\n",
                ev_buf_cstr(&b), ev_format_name(f), (int)st, r.n, rec->title,
                r.title ? r.title : "(none)");
    ev_free(r.title);
    ev_buf_release(&b);
    if (!same && st != EV_ENOMEM)
        abort();
}

static ev_status on_record(ev_record *rec, void *payload)
{
    (void)payload;
    if (rec->title == NULL) /* nothing bibliographic to carry: not a round trip */
        return EV_OK;
    ev_record copy = *rec;
    copy.raw = NULL;
    copy.raw_len = 0;
    round_trip(&copy, EV_FORMAT_RIS);
    round_trip(&copy, EV_FORMAT_MEDLINE);
    round_trip(&copy, EV_FORMAT_BIBTEX);
    return EV_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ev_parse_sink sink = {on_record, NULL, NULL, NULL, NULL};
    ev_error err = EV_ERROR_INIT;
    if (ev_parse_buffer("fuzz", (const char *)data, size, NULL, &sink, NULL, &err) != EV_OK)
        return 0;
    return 0;
}
