/*
 * wos.c - the Web of Science tagged-text reader (.txt/.ciw/.isi: "FN"/"VR"
 * header, records from "PT" to "ER", "EF" at the end; spec D3). Also reads
 * Zoological Record, Inspec and MEDLINE records delivered through the WoS
 * platform, which share the syntax.
 */
#include "tagged_int.h"

typedef struct wos_state {
    size_t af_next; /* next author an AF line completes */
    const char *py, *pd, *ea, *bp, *ep, *ps;
} wos_state;

static bool tag_is(const char *tag, const char *want)
{
    return strcmp(tag, want) == 0;
}

/* Continuation lines of these start a new item (spec D3). */
static bool list_tag(const char *tag)
{
    return tag_is(tag, "AU") || tag_is(tag, "AF") || tag_is(tag, "CR") || tag_is(tag, "C1") ||
           tag_is(tag, "BA") || tag_is(tag, "BF") || tag_is(tag, "ED") || tag_is(tag, "C3");
}

static ev_status keep(ev__tagged *t, const char **slot, const char *v, size_t n)
{
    return ev__tagged_check(t, ev_record_set(t->rec, slot, v, n));
}

/* "a; b; c" -> one call per item. */
static ev_status split_list(ev__tagged *t, const char *v, size_t n, const char *owner,
                            const char ***list, size_t *count)
{
    ev_record *rec = t->rec;
    while (n) {
        const char *semi = memchr(v, ';', n);
        size_t len = semi ? (size_t)(semi - v) : n;
        ev_status s = list ? ev_record_push_str(rec, list, count, v, len)
                           : ev__tagged_keyword(rec, v, len, owner, false);
        if (s != EV_OK)
            return ev__tagged_check(t, s);
        if (semi == NULL)
            break;
        n -= len + 1;
        v = semi + 1;
    }
    return EV_OK;
}

/* AU "Li, W" adds an author; AF "Li, Wei" (same order) completes it. */
static ev_status one_author(ev__tagged *t, wos_state *st, bool full, const char *v, size_t n)
{
    ev_record *rec = t->rec;
    ev_author *a;
    ev_status s;
    if (full && st->af_next < rec->n_authors) {
        ev_author tmp = {0};
        a = &rec->authors[st->af_next++];
        if ((s = ev_record_author_from_name(rec, &tmp, v, n)) != EV_OK)
            return ev__tagged_check(t, s);
        a->family = tmp.family ? tmp.family : a->family;
        a->given = tmp.given ? tmp.given : a->given;
        a->suffix = tmp.suffix ? tmp.suffix : a->suffix;
        a->initials = a->initials ? a->initials : tmp.initials;
        return EV_OK;
    }
    s = ev_record_add_author(rec, &a);
    if (s == EV_OK && n > 2 && v[0] == '[' && v[n - 1] == ']') /* "[Anonymous]" */
        s = ev_record_set(rec, &a->collective, v, n);
    else if (s == EV_OK)
        s = ev_record_author_from_name(rec, a, v, n);
    if (full)
        st->af_next = rec->n_authors;
    return ev__tagged_check(t, s);
}

/* MEDLINE records from the WoS platform list authors on one line ("Joffe,
 * Hadine; Hall, Janet E"); Zoological Record appends an e-mail address in
 * parentheses ("Stillman, Andrew N. (andrew.stillman@uconn.edu)"). */
static ev_status author(ev__tagged *t, wos_state *st, bool full, const char *v, size_t n)
{
    while (n) {
        const char *semi = memchr(v, ';', n);
        size_t len = semi ? (size_t)(semi - v) : n;
        const char *open = memchr(v, '(', len);
        size_t name_len =
            open && memchr(open, '@', len - (size_t)(open - v)) ? (size_t)(open - v) : len;
        ev_status s = one_author(t, st, full, v, name_len);
        if (s != EV_OK || semi == NULL)
            return s;
        n -= len + 1;
        v = semi + 1;
    }
    return EV_OK;
}

static bool same_person(const ev_author *a, const char *name, size_t n)
{
    const char *comma = memchr(name, ',', n);
    if (comma == NULL || a->family == NULL)
        return false;
    size_t fn = (size_t)(comma - name);
    const char *g = comma + 1;
    size_t gn = n - fn - 1;
    while (gn && *g == ' ') {
        g++;
        gn--;
    }
    while (fn && name[fn - 1] == ' ')
        fn--;
    if (strlen(a->family) != fn || ev_strncasecmp(a->family, name, fn) != 0)
        return false;
    const char *given = a->given ? a->given : a->initials ? a->initials : "";
    return strlen(given) == gn && ev_strncasecmp(given, g, gn) == 0;
}

/* C1 "[Li, Wei; Dou, Zhiguo] Chinese Acad Sci, Beijing, Peoples R China."
 * gives the address to the named authors; an address naming no author is
 * given to a sole author or kept in extra. */
static ev_status address(ev__tagged *t, const char *v, size_t n)
{
    ev_record *rec = t->rec;
    const char *close = n && v[0] == '[' ? memchr(v, ']', n) : NULL;
    if (close == NULL) {
        if (rec->n_authors == 1)
            return ev__tagged_check(t, ev__tagged_affiliation(rec, 0, v, n));
        return ev__tagged_extra(t, "C1", v, n);
    }
    const char *addr = close + 1;
    size_t an = n - (size_t)(addr - v);
    size_t matched = 0;
    for (const char *p = v + 1; p < close;) {
        const char *semi = memchr(p, ';', (size_t)(close - p));
        const char *end = semi ? semi : close;
        while (p < end && *p == ' ')
            p++;
        for (size_t i = 0; i < rec->n_authors; i++)
            if (same_person(&rec->authors[i], p, (size_t)(end - p))) {
                if (ev__tagged_affiliation(rec, i, addr, an) != EV_OK)
                    return ev__tagged_check(t, EV_ENOMEM);
                matched++;
                break;
            }
        p = semi ? semi + 1 : close;
    }
    return matched ? EV_OK : ev__tagged_extra(t, "C1", v, n);
}

/* OI "LI, WEI/0000-0002-2133-9287; Dou, Zhiguo/0000-0001-8031-4330": ORCIDs
 * of named authors. The field itself is kept in extra too. */
static ev_status orcids(ev__tagged *t, const char *v, size_t n)
{
    ev_record *rec = t->rec;
    for (const char *p = v, *end = v + n; p < end;) {
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *stop = semi ? semi : end;
        const char *slash = memchr(p, '/', (size_t)(stop - p));
        while (p < stop && *p == ' ')
            p++;
        for (size_t i = 0; slash && slash + 1 < stop && i < rec->n_authors; i++)
            if (rec->authors[i].orcid == NULL &&
                same_person(&rec->authors[i], p, (size_t)(slash - p))) {
                if (ev_record_set(rec, &rec->authors[i].orcid, slash + 1,
                                  (size_t)(stop - slash - 1)) != EV_OK)
                    return ev__tagged_check(t, EV_ENOMEM);
                break;
            }
        p = stop + 1;
    }
    return ev__tagged_extra(t, "OI", v, n);
}

static ev_status abstract(ev__tagged *t, const char *v, size_t n)
{
    ev_abstract_section *sec;
    if (t->rec->n_abstract)
        return ev__tagged_extra(t, "AB", v, n);
    ev_status s = ev_record_add_section(t->rec, &sec);
    if (s == EV_OK)
        s = ev_record_set(t->rec, &sec->text, v, n);
    return ev__tagged_check(t, s);
}

static const char **text_slot(ev_record *rec, wos_state *st, const char *tag)
{
    static const struct {
        const char *tag;
        size_t off;
    } map[] = {
        {"TI", offsetof(ev_record, title)},          {"SO", offsetof(ev_record, journal)},
        {"JI", offsetof(ev_record, journal_abbrev)}, {"VL", offsetof(ev_record, volume)},
        {"IS", offsetof(ev_record, issue)},          {"AR", offsetof(ev_record, article_number)},
        {"PM", offsetof(ev_record, pmid)},           {"UT", offsetof(ev_record, source_record_id)},
        {"PU", offsetof(ev_record, publisher)},      {"PT", offsetof(ev_record, type)},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (tag_is(tag, map[i].tag))
            return (const char **)(void *)((char *)rec + map[i].off);
    return tag_is(tag, "PY")   ? &st->py
           : tag_is(tag, "PD") ? &st->pd
           : tag_is(tag, "EA") ? &st->ea
           : tag_is(tag, "BP") ? &st->bp
           : tag_is(tag, "EP") ? &st->ep
           : tag_is(tag, "PS") ? &st->ps /* page span (Inspec, MEDLINE) */
                               : NULL;
}

static ev_status wos_field(ev__tagged *t, const char *tag, const char *v, size_t n)
{
    wos_state *st = t->fmt;
    ev_record *rec = t->rec;
    if (n == 0)
        return EV_OK;
    const char **slot = text_slot(rec, st, tag);
    if (slot)
        return *slot ? ev__tagged_extra(t, tag, v, n) : keep(t, slot, v, n);
    if (tag_is(tag, "AU") || tag_is(tag, "AF"))
        return author(t, st, tag[1] == 'F', v, n);
    if (tag_is(tag, "C1"))
        return address(t, v, n);
    if (tag_is(tag, "AB"))
        return abstract(t, v, n);
    if (tag_is(tag, "OI"))
        return orcids(t, v, n);
    if (tag_is(tag, "DE") || tag_is(tag, "ID"))
        return split_list(t, v, n, tag[0] == 'D' ? "author" : "KeyWords Plus", NULL, NULL);
    if (tag_is(tag, "DT"))
        return split_list(t, v, n, NULL, &rec->publication_types, &rec->n_publication_types);
    if (tag_is(tag, "LA"))
        return split_list(t, v, n, NULL, &rec->languages, &rec->n_languages);
    if (tag_is(tag, "DI")) {
        const char *doi = ev_record_doi(rec, v, n);
        if (doi && rec->doi == NULL)
            return keep(t, &rec->doi, doi, strlen(doi));
    } else if (tag_is(tag, "SN") || tag_is(tag, "EI")) {
        const char *note = tag[0] == 'E' ? "Electronic" : "Print";
        if (n == 9)
            return ev__tagged_check(t, ev__tagged_issn(rec, v, n, note, strlen(note)));
    } else if (tag_is(tag, "GP") || tag_is(tag, "CA")) {
        ev_author *a;
        ev_status s = ev_record_add_author(rec, &a);
        return ev__tagged_check(t, s == EV_OK ? ev_record_set(rec, &a->collective, v, n) : s);
    }
    return ev__tagged_extra(t, tag, v, n);
}

/* ---- the reader --------------------------------------------------------------------- */

static ev_status finish_record(ev__tagged *t, wos_state *st)
{
    ev_record *rec = t->rec;
    ev_status s = ev__tagged_flush(t);
    if (s != EV_OK)
        return s;
    if (st->py)
        ev_record_parse_date(rec, &rec->pub_date, st->py, strlen(st->py));
    if (st->pd)
        ev__tagged_refine_date(rec, &rec->pub_date, st->pd, strlen(st->pd));
    if (st->ea)
        ev_record_parse_date(rec, &rec->epub_date, st->ea, strlen(st->ea));
    if (st->bp == NULL && st->ep == NULL)
        st->bp = st->ps;
    if ((s = ev__tagged_pages(rec, st->bp, st->ep)) != EV_OK)
        return ev__tagged_check(t, s);
    return ev__tagged_emit(t);
}

static ev_status begin_record(ev__tagged *t, wos_state *st, const ev__tagline *tl)
{
    memset(st, 0, sizeof *st);
    ev__tagged_begin(t);
    ev_status s = ev__tagged_raw_line(t);
    return s == EV_OK ? ev__tagged_start(t, tl->tag, tl->value, tl->value_len) : s;
}

/* A tag line. FN/VR/EF are file-level; ER ends a record; PT starts one. */
static ev_status tag_line(ev__tagged *t, wos_state *st, const ev__tagline *tl)
{
    bool header = tag_is(tl->tag, "FN") || tag_is(tl->tag, "VR") || tag_is(tl->tag, "EF");
    ev_status s = EV_OK;
    if (!t->in_record)
        return header || tag_is(tl->tag, "ER") ? EV_OK : begin_record(t, st, tl);
    if (header || tag_is(tl->tag, "PT")) {
        ev__tagged_warn(t, "record starting at line %zu has no 'ER' line", t->rec->source_line);
        s = finish_record(t, st);
        return s == EV_OK && !header ? begin_record(t, st, tl) : s;
    }
    if ((s = ev__tagged_raw_line(t)) != EV_OK)
        return s;
    if (tag_is(tl->tag, "ER"))
        return finish_record(t, st);
    return ev__tagged_start(t, tl->tag, tl->value, tl->value_len);
}

static ev_status wos_line(ev__tagged *t, wos_state *st)
{
    ev__tagline tl;
    ev__tag_wos(t->line, t->line_len, &tl);
    ev_status s;
    switch (tl.kind) {
    case EV__LINE_TAG:
        return tag_line(t, st, &tl);
    case EV__LINE_CONT:
        if (!t->in_record)
            return EV_OK;
        if ((s = ev__tagged_raw_line(t)) != EV_OK)
            return s;
        if (list_tag(t->tag))
            return ev__tagged_start(t, t->tag, tl.value, tl.value_len);
        return ev__tagged_append(t, tl.value, tl.value_len, " ");
    case EV__LINE_OTHER:
        if (t->in_record) { /* its continuation lines must not join the field before */
            ev__tagged_warn(t, "malformed line ignored: expected 'TG value'");
            s = ev__tagged_flush(t);
            return s == EV_OK ? ev__tagged_raw_line(t) : s;
        }
        return EV_OK;
    default:
        return EV_OK;
    }
}

ev_status ev__parse_wos(ev__reader *r, const ev_parse_options *opts, const ev_parse_sink *sink,
                        ev_parse_stats *stats, ev_error *err)
{
    wos_state st = {0};
    ev__tagged t;
    ev__reader_set_encoding(r, EV__ENC_UTF8_OR_1252);
    ev_status s = ev__tagged_init(&t, r, opts, sink, stats, err, EV_FORMAT_WOS, wos_field, &st);
    bool got = true;
    while (s == EV_OK && (s = ev__tagged_next(&t, &got)) == EV_OK && got)
        s = wos_line(&t, &st);
    if (s == EV_OK && t.in_record) {
        ev__tagged_warn(&t, "last record (from line %zu) has no 'ER' line: kept",
                        t.rec->source_line);
        s = finish_record(&t, &st);
    }
    if (s == EV_OK && stats->records == 0)
        s = ev_error_set(err, EV_EINPUT, ev__reader_name(r), 0, 0,
                         "no Web of Science records found: expected 'PT J' ... 'ER' records");
    ev__tagged_release(&t);
    return s;
}
