/*
 * fuzz_formats_medline_xml.c - the PubMed XML reader on arbitrary bytes:
 * forced to the XML format (so detection does not filter inputs out), raw
 * kept, and every string of every record read so that AddressSanitizer sees
 * any pointer into freed or foreign memory. Then the XML scanner alone, fed
 * the same bytes whole and in small chunks: the events (and the bytes kept
 * for each top-level record) must not depend on the chunking.
 */
#include "evident/ev_formats.h"
#include "../src/formats/xmlscan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const char *s)
{
    return s ? strlen(s) : 0;
}

static size_t touch_authors(const ev_record *rec)
{
    size_t n = 0;
    for (size_t i = 0; i < rec->n_authors; i++) {
        const ev_author *a = &rec->authors[i];
        n += touch(a->family) + touch(a->given) + touch(a->initials) + touch(a->collective);
        for (size_t j = 0; j < a->n_affiliations; j++)
            n += touch(a->affiliations[j]);
    }
    return n;
}

static ev_status on_record(ev_record *rec, void *payload)
{
    size_t *sum = payload;
    *sum += touch(rec->pmid) + touch(rec->title) + touch(rec->title_markup) + touch(rec->doi);
    *sum += touch(rec->pub_date.raw) + touch(rec->date_entrez.raw) + touch_authors(rec);
    for (size_t i = 0; i < rec->n_abstract; i++)
        *sum += touch(rec->abstract[i].text) + touch(rec->abstract[i].label);
    for (size_t i = 0; i < rec->n_mesh; i++)
        for (size_t j = 0; j < rec->mesh[i].n_qualifiers; j++)
            *sum += touch(rec->mesh[i].qualifiers[j].name);
    for (size_t i = 0; i < rec->n_extra; i++)
        *sum += touch(rec->extra[i].key) + touch(rec->extra[i].value);
    for (size_t i = 0; i < rec->n_links; i++)
        *sum += touch(rec->links[i].value);
    for (size_t i = 0; i < rec->raw_len; i++)
        *sum += (unsigned char)rec->raw[i];
    return EV_OK;
}

static ev_status on_deleted(const char *pmid, void *payload)
{
    *(size_t *)payload += touch(pmid);
    return EV_OK;
}

/* ---- chunking must not change the events ---------------------------------- */

typedef struct trace {
    uint64_t h; /* FNV-1a over every event */
    ev__xml *x;
    uint64_t kept;
    size_t depth;
} trace;

static void mix(trace *t, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        t->h = (t->h ^ (unsigned char)s[i]) * 1099511628211ull;
}

static void t_start(void *ud, const char *name, size_t len, const char **atts)
{
    trace *t = ud;
    mix(t, "<", 1);
    mix(t, name, len);
    for (size_t i = 0; atts[i]; i++)
        mix(t, atts[i], strlen(atts[i]) + 1);
    if (++t->depth == 2) { /* keep each record, as the reader does */
        t->kept = t->x->tok_start;
        ev__xml_keep(t->x, t->kept);
    }
}

static void t_end(void *ud, const char *name, size_t len)
{
    trace *t = ud;
    mix(t, "</", 2);
    mix(t, name, len);
    if (t->depth-- == 2) {
        const char *b = ev__xml_bytes(t->x, t->kept, t->x->tok_end);
        if (b == NULL)
            abort();
        mix(t, b, (size_t)(t->x->tok_end - t->kept));
        ev__xml_keep(t->x, UINT64_MAX);
    }
}

static void t_text(void *ud, const char *s, size_t n)
{
    mix(ud, s, n); /* pieces may differ, their concatenation may not */
}

static uint64_t scan_chunked(const uint8_t *data, size_t size, size_t chunk, ev_error *err)
{
    trace t = {14695981039346656037ull, NULL, 0, 0};
    ev__xml x;
    ev__xml_handlers h = {t_start, t_end, t_text, NULL, &t};
    ev__xml_init(&x, &h, "fuzz", (size_t)1 << 24, err);
    t.x = &x;
    ev_status s = EV_OK;
    char *piece = malloc(chunk);
    for (size_t off = 0; s == EV_OK && off < size; off += chunk) {
        size_t k = size - off < chunk ? size - off : chunk;
        memcpy(piece, data + off, k); /* a fresh buffer each time, as the reader's */
        s = ev__xml_feed(&x, piece, k, false);
        memset(piece, 0, k);
    }
    if (s == EV_OK)
        s = ev__xml_feed(&x, NULL, 0, true);
    free(piece);
    ev__xml_release(&x);
    return s == EV_OK ? t.h : (uint64_t)s * 1000003u + err->line * 1009u + err->column;
}

static void check_chunking(const uint8_t *data, size_t size)
{
    if (size < 2)
        return;
    size_t chunk = 1 + data[0] % 61; /* the input chooses how it is cut */
    ev_error e1 = EV_ERROR_INIT, e2 = EV_ERROR_INIT;
    uint64_t whole = scan_chunked(data + 1, size - 1, size, &e1);
    uint64_t cut = scan_chunked(data + 1, size - 1, chunk, &e2);
    if (whole != cut)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_chunking(data, size);
    size_t sum = 0;
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    opts.format = EV_FORMAT_MEDLINE_XML;
    ev_parse_sink sink = {on_record, on_deleted, NULL, NULL, &sum};
    ev_error err = EV_ERROR_INIT;
    ev_status s = ev_parse_buffer("fuzz.xml", (const char *)data, size, &opts, &sink, NULL, &err);
    (void)s;
    return sum == 1 ? 1 : 0; /* keep sum alive */
}
