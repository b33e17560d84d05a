/*
 * tagged_int.h - what the three line-tagged readers (MEDLINE text, RIS, Web
 * of Science) share: splitting a line into tag and value, a record builder
 * that accumulates a field over its continuation lines and keeps the raw
 * lines, and field helpers (ISSNs, MeSH headings, dates, affiliations).
 */
#ifndef EV_TAGGED_INT_H
#define EV_TAGGED_INT_H

#include "formats_int.h"

/* Longest line / longest field value a tagged file may hold. Real abstracts
 * are under 64 KiB; this only stops runaway input. */
#define EV__TAGGED_MAX_FIELD ((size_t)8 << 20)
/* Longest record (raw text) kept for lossless export. */
#define EV__TAGGED_MAX_RAW ((size_t)64 << 20)

typedef enum ev__line_kind {
    EV__LINE_BLANK, /* empty or white space only */
    EV__LINE_TAG,   /* "TAG - value" */
    EV__LINE_CONT,  /* continuation of the previous field */
    EV__LINE_OTHER  /* neither: malformed, or text outside records */
} ev__line_kind;

typedef struct ev__tagline {
    ev__line_kind kind;
    char tag[6];       /* NUL-terminated, upper case, no padding */
    const char *value; /* trimmed; borrowed from the line */
    size_t value_len;
} ev__tagline;

/* Split one line (no terminator) by each format's syntax. */
void ev__tag_medline(const char *s, size_t n, ev__tagline *out);
void ev__tag_ris(const char *s, size_t n, ev__tagline *out);
void ev__tag_wos(const char *s, size_t n, ev__tagline *out);

typedef struct ev__tagged ev__tagged;
/* Called with one complete field (continuations joined). */
typedef ev_status (*ev__field_fn)(ev__tagged *t, const char *tag, const char *v, size_t n);

/* Per-parse state of a tagged reader. The format's own state hangs off
 * `fmt`. */
struct ev__tagged {
    ev__reader *r;
    const ev_parse_options *opts;
    const ev_parse_sink *sink;
    ev_parse_stats *stats;
    ev_error *err;
    /* Lines straight from the reader's chunks: a line inside one chunk is
     * a view into it (no copy); only a line spanning chunks is assembled in
     * `carry`. The current line is (line, line_len), numbered line_no. */
    const char *chunk;
    size_t chunk_len, chunk_pos;
    ev_buf carry;
    bool eof, cr_pending;
    const char *line;
    size_t line_len, line_no;
    ev_record *rec;
    bool in_record;
    ev_buf raw;   /* lines of the current record, "\n"-terminated */
    char tag[6];  /* field being accumulated, "" if none */
    ev_buf value; /* its value so far */
    size_t field_line;
    ev__field_fn field;
    void *fmt;
};

ev_status ev__tagged_init(ev__tagged *t, ev__reader *r, const ev_parse_options *opts,
                          const ev_parse_sink *sink, ev_parse_stats *stats, ev_error *err,
                          ev_format format, ev__field_fn field, void *fmt);
void ev__tagged_release(ev__tagged *t);
/* Next line into (t->line, t->line_len); *got false at end of input. */
ev_status ev__tagged_next(ev__tagged *t, bool *got);
/* Start a new record at the current line (the record is cleared). */
void ev__tagged_begin(ev__tagged *t);
/* Append the current line to the record's raw text. */
ev_status ev__tagged_raw_line(ev__tagged *t);
/* Start a field (flushing the previous one), append a continuation to it,
 * or flush it through t->field. */
ev_status ev__tagged_start(ev__tagged *t, const char *tag, const char *v, size_t n);
ev_status ev__tagged_append(ev__tagged *t, const char *v, size_t n, const char *sep);
ev_status ev__tagged_flush(ev__tagged *t);
/* Flush, attach the raw text, deliver the record; the record is closed. */
ev_status ev__tagged_emit(ev__tagged *t);
/* Set an EV_EINPUT/EV_ENOMEM error at the current line. */
ev_status ev__tagged_fail(ev__tagged *t, ev_status code, const char *fmt, ...) EV_PRINTF(3, 4);
/* Warn about the current line. */
void ev__tagged_warn(ev__tagged *t, const char *fmt, ...) EV_PRINTF(2, 3);
/* Map a builder status (only EV_ENOMEM is possible) to an error. */
ev_status ev__tagged_check(ev__tagged *t, ev_status s);

/* ---- field helpers ---------------------------------------------------------- */

/* Unknown or homeless field: kept in rec->extra under its tag. */
ev_status ev__tagged_extra(ev__tagged *t, const char *tag, const char *v, size_t n);
/* Append to a string field, joining with `sep` if already set. */
ev_status ev__tagged_join(ev_record *rec, const char **field, const char *v, size_t n,
                          const char *sep);
/* Add one affiliation to author `idx`. */
ev_status ev__tagged_affiliation(ev_record *rec, size_t idx, const char *v, size_t n);
/* One ISSN, typed by a "(Print)"/"(Electronic)"/"(Linking)" note (`note` may
 * be empty): fills issn_print / _electronic / _linking. */
ev_status ev__tagged_issn(ev_record *rec, const char *issn, size_t n, const char *note,
                          size_t note_len);
/* Every ISSN in free text ("1573-3602 1050-5350", "0964-6906 (Print)0964-6906",
 * "20964129 (ISSN)"). Returns EV_OK with *found = 0 when there is none. */
ev_status ev__tagged_issns(ev_record *rec, const char *v, size_t n, size_t *found);
/* A MeSH heading "*Heading/qual/ *qual" (no space; also Ovid's "Heading/ae [Adverse
 * Effects]"). */
ev_status ev__tagged_mesh(ev_record *rec, const char *v, size_t n);
/* Does a keyword look like a MeSH heading (leading '*' or "/qualifier" in
 * lower case)? */
bool ev__tagged_looks_mesh(const char *v, size_t n);
/* A keyword with an owner (static or arena string, may be NULL). */
ev_status ev__tagged_keyword(ev_record *rec, const char *v, size_t n, const char *owner,
                             bool major);
/* Month from an English month name or abbreviation at the start of v: 1-12,
 * or 0. */
int ev__tagged_month(const char *v, size_t n);
/* Refine `d` (already holding a year) with month/day from another date
 * string of the same year, or with a month name alone ("SEP"). */
void ev__tagged_refine_date(ev_record *rec, ev_date *d, const char *v, size_t n);
/* Pages from first and last page: "SP-EP", or SP alone. */
ev_status ev__tagged_pages(ev_record *rec, const char *sp, const char *ep);

#endif /* EV_TAGGED_INT_H */
