/*
 * ris.c - the RIS reader, for RIS as PubMed-fed reference managers, Ovid,
 * Embase, Scopus, Web of Science, EBSCOhost, Dimensions, Lens and Zotero
 * write it (spec Part D). Records run from "TY  -" to "ER  -"; lines
 * outside records (record numbers, provider headers, Ovid links) are
 * ignored; a line that is not a tag line continues the previous field.
 */
#include "tagged_int.h"

/* Fields whose parts can only be combined at the end of the record, and
 * the keywords, which are split into MeSH and keywords once DB is known. */
typedef struct ris_state {
    const char *sp, *ep, *py, *y1, *da, *db;
    const char **kw;
    size_t n_kw;
    bool has_fields; /* anything besides TY */
} ris_state;

static bool tag_is(const char *tag, const char *want)
{
    return strcmp(tag, want) == 0;
}

/* Tags whose continuation lines are new items (one author or keyword per
 * line, as the Corrupted and colrev files write them). */
static bool list_tag(const char *tag)
{
    return tag_is(tag, "AU") || tag_is(tag, "A1") || tag_is(tag, "A2") || tag_is(tag, "A3") ||
           tag_is(tag, "A4") || tag_is(tag, "KW");
}

/* Types whose T2 is a book or proceedings title, not a journal. */
static bool in_book(const ev_record *rec)
{
    static const char *const types[] = {"CHAP", "CONF", "CPAPER", "BOOK", "EDBOOK", "ECHAP"};
    for (size_t i = 0; rec->type && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(rec->type, types[i]) == 0)
            return true;
    return false;
}

static bool all_digits(const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)v[i]))
            return false;
    return n > 0;
}

/* Set *field if unset; otherwise keep the value in extra under `tag`. */
static ev_status set_or_extra(ev__tagged *t, const char **field, const char *tag, const char *v,
                              size_t n)
{
    if (*field == NULL)
        return ev__tagged_check(t, ev_record_set(t->rec, field, v, n));
    return ev__tagged_extra(t, tag, v, n);
}

static ev_status keep(ev__tagged *t, const char **slot, const char *v, size_t n)
{
    return ev__tagged_check(t, ev_record_set(t->rec, slot, v, n));
}

/* U1 "35957633 [PMID]", "PMC9359172 [PMCID]" (Dimensions); else extra. */
static ev_status bracketed_id(ev__tagged *t, const char *tag, const char *v, size_t n)
{
    ev_record *rec = t->rec;
    static const char pm[] = "[PMID]", pmc[] = "[PMCID]";
    if (n > sizeof pmc && memcmp(v + n - (sizeof pmc - 1), pmc, sizeof pmc - 1) == 0)
        return set_or_extra(t, &rec->pmcid, tag, v, n - (sizeof pmc - 1));
    if (n > sizeof pm && memcmp(v + n - (sizeof pm - 1), pm, sizeof pm - 1) == 0)
        return set_or_extra(t, &rec->pmid, tag, v, n - (sizeof pm - 1));
    return ev__tagged_extra(t, tag, v, n);
}

/* SN: ISSNs with optional "(Print)"-style notes; an ISBN or anything else
 * goes to other_ids / extra. */
static ev_status issn_field(ev__tagged *t, const char *v, size_t n)
{
    ev_record *rec = t->rec;
    size_t found;
    if (ev__tagged_issns(rec, v, n, &found) != EV_OK)
        return ev__tagged_check(t, EV_ENOMEM);
    if (found)
        return EV_OK;
    size_t digits = 0;
    for (size_t i = 0; i < n; i++)
        digits += isdigit((unsigned char)v[i]) ? 1 : 0;
    if (digits == 10 || digits == 13)
        return ev__tagged_check(
            t, ev_record_push_kv(rec, &rec->other_ids, &rec->n_other_ids, "isbn", v, n));
    return ev__tagged_extra(t, "SN", v, n);
}

static ev_status collect_keyword(ev__tagged *t, ris_state *st, const char *v, size_t n)
{
    return ev__tagged_check(t, ev_record_push_str(t->rec, &st->kw, &st->n_kw, v, n));
}

/* "Last, First"; a trailing comma marks a corporate author (EndNote's
 * convention, which the RIS writer follows); "[Anonymous]" (Zotero, WoS) is
 * kept as a collective name, not taken for a family name. */
static ev_status add_author(ev__tagged *t, const char *v, size_t n)
{
    ev_author *a;
    ev_status s = ev_record_add_author(t->rec, &a);
    if (s == EV_OK && n > 1 && v[n - 1] == ',')
        s = ev_record_set(t->rec, &a->collective, v, n - 1);
    else if (s == EV_OK && n > 2 && v[0] == '[' && v[n - 1] == ']')
        s = ev_record_set(t->rec, &a->collective, v, n);
    else if (s == EV_OK)
        s = ev_record_author_from_name(t->rec, a, v, n);
    return ev__tagged_check(t, s);
}

static ev_status add_abstract(ev__tagged *t, const char *tag, const char *v, size_t n)
{
    ev_abstract_section *sec;
    if (t->rec->n_abstract)
        return ev__tagged_extra(t, tag, v, n);
    ev_status s = ev_record_add_section(t->rec, &sec);
    if (s == EV_OK)
        s = ev_record_set(t->rec, &sec->text, v, n);
    return ev__tagged_check(t, s);
}

/* Title, journal and people. Returns false if `tag` is not one of them. */
static bool title_field(ev__tagged *t, const char *tag, const char *v, size_t n, ev_status *s)
{
    ev_record *rec = t->rec;
    if (tag_is(tag, "TI") || tag_is(tag, "T1"))
        *s = set_or_extra(t, &rec->title, tag, v, n);
    else if (tag_is(tag, "BT"))
        *s = set_or_extra(t,
                          rec->title == NULL && rec->type && strcmp(rec->type, "BOOK") == 0
                              ? &rec->title
                              : &rec->book_title,
                          tag, v, n);
    else if (tag_is(tag, "T2"))
        *s = set_or_extra(t, in_book(rec) ? &rec->book_title : &rec->journal, tag, v, n);
    else if (tag_is(tag, "JO") || tag_is(tag, "JF"))
        *s = set_or_extra(t, &rec->journal, tag, v, n);
    else if (tag_is(tag, "JA") || tag_is(tag, "J2") || tag_is(tag, "J1") || tag_is(tag, "JI"))
        *s = set_or_extra(t, &rec->journal_abbrev, tag, v, n);
    else if (tag_is(tag, "AU") || tag_is(tag, "A1"))
        *s = add_author(t, v, n);
    else if (tag_is(tag, "AB") || tag_is(tag, "N2"))
        *s = add_abstract(t, tag, v, n);
    else if (tag_is(tag, "PB"))
        *s = set_or_extra(t, &rec->publisher, tag, v, n);
    else
        return false;
    return true;
}

/* Numbers, dates and identifiers. */
static bool number_field(ev__tagged *t, ris_state *st, const char *tag, const char *v, size_t n,
                         ev_status *s)
{
    ev_record *rec = t->rec;
    const char **slot = tag_is(tag, "PY")                         ? &st->py
                        : tag_is(tag, "Y1")                       ? &st->y1
                        : tag_is(tag, "DA")                       ? &st->da
                        : tag_is(tag, "SP")                       ? &st->sp
                        : tag_is(tag, "EP")                       ? &st->ep
                        : tag_is(tag, "VL")                       ? &rec->volume
                        : tag_is(tag, "IS")                       ? &rec->issue
                        : tag_is(tag, "C7")                       ? &rec->article_number
                        : tag_is(tag, "UR")                       ? &rec->url
                        : tag_is(tag, "PMID") && all_digits(v, n) ? &rec->pmid
                                                                  : NULL;
    if (slot != NULL) {
        *s = set_or_extra(t, slot, tag, v, n);
        return true;
    }
    if (tag_is(tag, "DB")) { /* kept in extra; also decides how KW is read */
        *s = st->db ? EV_OK : keep(t, &st->db, v, n);
        if (*s == EV_OK)
            *s = ev__tagged_extra(t, tag, v, n);
        return true;
    }
    if (tag_is(tag, "DO")) {
        const char *doi = ev_record_doi(rec, v, n);
        *s = doi ? set_or_extra(t, &rec->doi, tag, doi, strlen(doi))
                 : ev__tagged_extra(t, tag, v, n);
    } else if (tag_is(tag, "SN")) {
        *s = issn_field(t, v, n);
    } else if (tag_is(tag, "AN") || tag_is(tag, "ID")) {
        *s = ev__tagged_check(
            t, ev_record_push_kv(rec, &rec->other_ids, &rec->n_other_ids, tag, v, n));
        if (*s == EV_OK && (rec->source_record_id == NULL || tag_is(tag, "AN")))
            *s = keep(t, &rec->source_record_id, v, n);
    } else if (tag[0] == 'U' && tag[1] >= '1' && tag[1] <= '5' && tag[2] == '\0') {
        *s = bracketed_id(t, tag, v, n);
    } else {
        return false;
    }
    return true;
}

static ev_status ris_field(ev__tagged *t, const char *tag, const char *v, size_t n)
{
    ris_state *st = t->fmt;
    ev_record *rec = t->rec;
    ev_status s = EV_OK;
    if (tag_is(tag, "TY"))
        return keep(t, &rec->type, v, n);
    if (n == 0) /* empty tags ("SP  -") carry nothing */
        return EV_OK;
    st->has_fields = true;
    if (title_field(t, tag, v, n, &s) || number_field(t, st, tag, v, n, &s))
        return s;
    if (tag_is(tag, "KW"))
        return collect_keyword(t, st, v, n);
    if (tag_is(tag, "LA"))
        return ev__tagged_check(t,
                                ev_record_push_str(rec, &rec->languages, &rec->n_languages, v, n));
    if (tag_is(tag, "M3"))
        return ev__tagged_check(
            t, ev_record_push_str(rec, &rec->publication_types, &rec->n_publication_types, v, n));
    if (tag_is(tag, "N1"))
        return ev__tagged_check(t, ev__tagged_join(rec, &rec->notes, v, n, "\n"));
    return ev__tagged_extra(t, tag, v, n);
}

/* ---- end of record ----------------------------------------------------------------- */

static bool contains_ci(const char *s, const char *needle)
{
    size_t k = strlen(needle);
    for (; s && *s; s++)
        if (ev_strncasecmp(s, needle, k) == 0)
            return true;
    return false;
}

/* KW: MeSH-looking terms ("*Gambling", "Gambling/ *psychology" (no space), Ovid's
 * "Air Pollution/ae [Adverse Effects]") become headings unless the record
 * comes from Embase, whose starred Emtree terms stay keywords. */
static ev_status finish_keywords(ev_record *rec, const ris_state *st)
{
    bool embase = contains_ci(st->db, "embase");
    for (size_t i = 0; i < st->n_kw; i++) {
        const char *k = st->kw[i];
        size_t n = strlen(k);
        ev_status s;
        if (!embase && ev__tagged_looks_mesh(k, n))
            s = ev__tagged_mesh(rec, k, n);
        else if (k[0] == '*' && n > 1)
            s = ev__tagged_keyword(rec, k + 1, n - 1, embase ? "Emtree" : NULL, true);
        else
            s = ev__tagged_keyword(rec, k, n, embase ? "Emtree" : NULL, false);
        if (s != EV_OK)
            return s;
    }
    return EV_OK;
}

/* Year from PY (else Y1), month and day from DA or Y1 ("2023/01/09/", "SEP"). */
static void finish_dates(ev_record *rec, const ris_state *st)
{
    const char *main = st->py ? st->py : st->y1;
    if (main)
        ev_record_parse_date(rec, &rec->pub_date, main, strlen(main));
    if (st->py && st->y1)
        ev__tagged_refine_date(rec, &rec->pub_date, st->y1, strlen(st->y1));
    if (st->da)
        ev__tagged_refine_date(rec, &rec->pub_date, st->da, strlen(st->da));
}

static ev_status finish_record(ev__tagged *t, ris_state *st)
{
    ev_status s = ev__tagged_flush(t);
    if (s != EV_OK)
        return s;
    finish_dates(t->rec, st);
    s = ev__tagged_pages(t->rec, st->sp, st->ep);
    if (s == EV_OK)
        s = finish_keywords(t->rec, st);
    if (s != EV_OK)
        return ev__tagged_check(t, s);
    if (!st->has_fields) {
        t->in_record = false;
        t->stats->skipped++;
        ev__warn(t->sink, t->stats, ev__reader_name(t->r), t->rec->source_line,
                 "empty record (only 'TY  -') skipped");
        return EV_OK;
    }
    return ev__tagged_emit(t);
}

/* ---- the reader --------------------------------------------------------------------- */

static ev_status begin_record(ev__tagged *t, ris_state *st, const ev__tagline *tl)
{
    memset(st, 0, sizeof *st);
    ev__tagged_begin(t);
    ev_status s = ev__tagged_raw_line(t);
    return s == EV_OK ? ev__tagged_start(t, tl->tag, tl->value, tl->value_len) : s;
}

static ev_status record_line(ev__tagged *t, ris_state *st, const ev__tagline *tl)
{
    ev_status s = ev__tagged_raw_line(t);
    if (s != EV_OK)
        return s;
    if (tl->kind == EV__LINE_CONT) {
        if (list_tag(t->tag))
            return ev__tagged_start(t, t->tag, tl->value, tl->value_len);
        return ev__tagged_append(t, tl->value, tl->value_len, " ");
    }
    if (tl->kind != EV__LINE_TAG)
        return EV_OK;
    if (tag_is(tl->tag, "ER"))
        return finish_record(t, st);
    return ev__tagged_start(t, tl->tag, tl->value, tl->value_len);
}

static ev_status ris_line(ev__tagged *t, ris_state *st)
{
    ev__tagline tl;
    ev__tag_ris(t->line, t->line_len, &tl);
    bool ty = tl.kind == EV__LINE_TAG && tag_is(tl.tag, "TY");
    if (!t->in_record)
        return ty ? begin_record(t, st, &tl) : EV_OK;
    if (ty) {
        ev__tagged_warn(t, "record starting at line %zu has no 'ER  -' line", t->rec->source_line);
        ev_status s = finish_record(t, st);
        return s == EV_OK ? begin_record(t, st, &tl) : s;
    }
    return record_line(t, st, &tl);
}

ev_status ev__parse_ris(ev__reader *r, const ev_parse_options *opts, const ev_parse_sink *sink,
                        ev_parse_stats *stats, ev_error *err)
{
    ris_state st = {0};
    ev__tagged t;
    ev__reader_set_encoding(r, EV__ENC_UTF8_OR_1252);
    ev_status s = ev__tagged_init(&t, r, opts, sink, stats, err, EV_FORMAT_RIS, ris_field, &st);
    bool got = true;
    while (s == EV_OK && (s = ev__tagged_next(&t, &got)) == EV_OK && got)
        s = ris_line(&t, &st);
    if (s == EV_OK && t.in_record) {
        ev__tagged_warn(&t, "last record (from line %zu) has no 'ER  -' line: kept",
                        t.rec->source_line);
        s = finish_record(&t, &st);
    }
    if (s == EV_OK && stats->records == 0)
        s = ev_error_set(err, EV_EINPUT, ev__reader_name(r), stats->skipped ? 0 : 1, 0,
                         stats->skipped ? "no RIS records with content found"
                                        : "no RIS records found: no line starts with 'TY  - '");
    ev__tagged_release(&t);
    return s;
}
