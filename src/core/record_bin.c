/*
 * record_bin.c - the store's binary form of a record: evident's own
 * versioned, length-prefixed field format (not JSON: JSON is for users and
 * goes through jansson in record_json.c). Reading a record back is the hot
 * path of search indexing, dedup and export; this form decodes with one copy
 * of the blob into the record's arena and no per-string allocation, because
 * every string is stored NUL-terminated and used in place.
 *
 * Layout (docs/internals/store.md, "record encoding"), version 1:
 *   "ev" 0x01
 *   uint format, uint source_line
 *   str  x every ev__rj_strings member (table order)
 *   uint bitmask of the ev__rj_bools members (bit i = table entry i)
 *   date x every ev__rj_dates member: uint year, month, day; str season, raw
 *   uint n, n x section {str label, category, text}
 *   uint n, n x author {str family, given, initials, suffix, collective,
 *                       orcid; uint n, n x str affiliation; uint invalid}
 *   uint n, n x heading {str ui, name; uint flags (1 major, 2 geographic);
 *                        uint n, n x qualifier {str ui, name; uint major}}
 *   uint n, n x keyword {str text, owner; uint major}
 *   per ev__rj_str_lists member: uint n, n x str
 *   per ev__rj_kv_lists member: uint n, n x {str key, value}
 * uint: LEB128 (7 bits a byte, low first, at most 10 bytes). str: uint 0 for
 * NULL, else uint len+1, len bytes, a NUL byte. raw is not encoded (the store
 * keeps it in its own column). Adding a member means a new version number:
 * the decoder refuses versions it does not know.
 */
#include "record_json_int.h"

#define BIN_VERSION 1

#define CAT EV__RJ_CAT
#define AT EV__RJ_AT

/* ---- encoder ------------------------------------------------------------------ */

typedef struct enc {
    ev_buf *b;
    ev_status st;
} enc;

static void put(enc *e, const void *p, size_t n)
{
    ev_buf *b = e->b;
    if (e->st == EV_OK && b->ptr && n < b->cap - b->len && b->len + n <= b->max) {
        memcpy(b->ptr + b->len, p, n);
        b->len += n;
        return; /* the NUL ev_buf keeps is written at the end */
    }
    if (e->st == EV_OK)
        e->st = ev_buf_append(b, p, n);
}

static void put_uint(enc *e, uint64_t v)
{
    unsigned char tmp[10];
    size_t n = 0;
    do {
        unsigned char c = v & 0x7F;
        v >>= 7;
        tmp[n++] = (unsigned char)(c | (v ? 0x80 : 0));
    } while (v);
    put(e, tmp, n);
}

static void put_str(enc *e, const char *s)
{
    if (s == NULL) {
        put_uint(e, 0);
        return;
    }
    size_t n = strlen(s);
    put_uint(e, (uint64_t)n + 1);
    put(e, s, n + 1);
}

static void put_date(enc *e, const ev_date *d)
{
    put_uint(e, (uint64_t)(d->year > 0 ? d->year : 0));
    put_uint(e, (uint64_t)(d->month > 0 ? d->month : 0));
    put_uint(e, (uint64_t)(d->day > 0 ? d->day : 0));
    put_str(e, d->season);
    put_str(e, d->raw);
}

static void put_author(enc *e, const ev_author *a)
{
    put_str(e, a->family);
    put_str(e, a->given);
    put_str(e, a->initials);
    put_str(e, a->suffix);
    put_str(e, a->collective);
    put_str(e, a->orcid);
    put_uint(e, a->n_affiliations);
    for (size_t j = 0; j < a->n_affiliations; j++)
        put_str(e, a->affiliations[j]);
    put_uint(e, a->invalid);
}

static void put_heading(enc *e, const ev_mesh_heading *h)
{
    put_str(e, h->ui);
    put_str(e, h->name);
    put_uint(e, (h->major ? 1u : 0u) | (h->geographic ? 2u : 0u));
    put_uint(e, h->n_qualifiers);
    for (size_t j = 0; j < h->n_qualifiers; j++) {
        put_str(e, h->qualifiers[j].ui);
        put_str(e, h->qualifiers[j].name);
        put_uint(e, h->qualifiers[j].major);
    }
}

static void put_fixed(enc *e, const ev_record *rec)
{
    put(e, "ev\x01", 3);
    put_uint(e, (uint64_t)rec->format);
    put_uint(e, rec->source_line);
    for (size_t i = 0; i < ev__rj_n_strings; i++)
        put_str(e, *CAT(rec, ev__rj_strings[i].off, const char *));
    uint64_t bits = 0;
    for (size_t i = 0; i < ev__rj_n_bools; i++)
        if (*CAT(rec, ev__rj_bools[i].off, bool))
            bits |= (uint64_t)1 << i;
    put_uint(e, bits);
    for (size_t i = 0; i < ev__rj_n_dates; i++)
        put_date(e, CAT(rec, ev__rj_dates[i].off, ev_date));
}

static void put_lists(enc *e, const ev_record *rec)
{
    for (size_t i = 0; i < ev__rj_n_str_lists; i++) {
        const char *const *v = *CAT(rec, ev__rj_str_lists[i].off, const char *const *);
        size_t n = *CAT(rec, ev__rj_str_lists[i].count_off, size_t);
        put_uint(e, n);
        for (size_t j = 0; j < n; j++)
            put_str(e, v[j]);
    }
    for (size_t i = 0; i < ev__rj_n_kv_lists; i++) {
        const ev_kv *v = *CAT(rec, ev__rj_kv_lists[i].off, const ev_kv *);
        size_t n = *CAT(rec, ev__rj_kv_lists[i].count_off, size_t);
        put_uint(e, n);
        for (size_t j = 0; j < n; j++) {
            put_str(e, v[j].key);
            put_str(e, v[j].value);
        }
    }
}

ev_status ev_record_to_bin(ev_buf *out, const ev_record *rec)
{
    enc e = {out, EV_OK};
    size_t start = out->len;
    put_fixed(&e, rec);
    put_uint(&e, rec->n_abstract);
    for (size_t i = 0; i < rec->n_abstract; i++) {
        put_str(&e, rec->abstract[i].label);
        put_str(&e, rec->abstract[i].category);
        put_str(&e, rec->abstract[i].text);
    }
    put_uint(&e, rec->n_authors);
    for (size_t i = 0; i < rec->n_authors; i++)
        put_author(&e, &rec->authors[i]);
    put_uint(&e, rec->n_mesh);
    for (size_t i = 0; i < rec->n_mesh; i++)
        put_heading(&e, &rec->mesh[i]);
    put_uint(&e, rec->n_keywords);
    for (size_t i = 0; i < rec->n_keywords; i++) {
        put_str(&e, rec->keywords[i].text);
        put_str(&e, rec->keywords[i].owner);
        put_uint(&e, rec->keywords[i].major);
    }
    put_lists(&e, rec);
    if (out->ptr)
        out->ptr[e.st == EV_OK ? out->len : (out->len = start)] = '\0';
    return e.st;
}

/* ---- decoder ------------------------------------------------------------------ */

typedef struct dec {
    char *p, *end; /* the blob's copy in the record's arena */
    ev_record *rec;
    bool bad; /* damaged, or out of memory (then oom too): stop reading */
    bool oom;
} dec;

static uint64_t get_uint(dec *d)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64 && d->p < d->end; shift += 7) {
        unsigned char c = (unsigned char)*d->p++;
        v |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80))
            return v;
    }
    d->bad = true;
    return 0;
}

static bool get_bool(dec *d)
{
    uint64_t v = get_uint(d);
    if (v > 1)
        d->bad = true;
    return v == 1;
}

static int get_int(dec *d, uint64_t max)
{
    uint64_t v = get_uint(d);
    if (v > max)
        d->bad = true;
    return (int)(v > max ? 0 : v);
}

static const char *get_str(dec *d)
{
    uint64_t n = get_uint(d);
    if (n == 0 || d->bad)
        return NULL;
    if (n > (uint64_t)(d->end - d->p) || d->p[n - 1] != '\0') {
        d->bad = true;
        return NULL;
    }
    const char *s = d->p;
    d->p += n;
    return s;
}

/* A count of elements that take at least one byte each: bounded by what is
 * left, so a damaged count cannot ask for a huge allocation. */
static void *get_array(dec *d, size_t size, size_t *n)
{
    uint64_t count = get_uint(d);
    *n = 0;
    if (count == 0 || d->bad)
        return NULL;
    if (count > (uint64_t)(d->end - d->p)) {
        d->bad = true;
        return NULL;
    }
    void *arr = ev_arena_alloc(d->rec->arena, (size_t)count * size);
    if (arr == NULL) {
        d->bad = d->oom = true;
        return NULL;
    }
    *n = (size_t)count;
    return arr;
}

static void get_date(dec *d, ev_date *out)
{
    /* any int the encoder was given reads back: the parsers own the ranges */
    out->year = get_int(d, INT_MAX);
    out->month = get_int(d, INT_MAX);
    out->day = get_int(d, INT_MAX);
    out->season = get_str(d);
    out->raw = get_str(d);
}

static void get_author(dec *d, ev_author *a)
{
    a->family = get_str(d);
    a->given = get_str(d);
    a->initials = get_str(d);
    a->suffix = get_str(d);
    a->collective = get_str(d);
    a->orcid = get_str(d);
    a->affiliations = get_array(d, sizeof *a->affiliations, &a->n_affiliations);
    for (size_t j = 0; j < a->n_affiliations && !d->bad; j++)
        a->affiliations[j] = get_str(d);
    a->invalid = get_bool(d);
}

static void get_heading(dec *d, ev_mesh_heading *h)
{
    h->ui = get_str(d);
    h->name = get_str(d);
    uint64_t flags = get_uint(d);
    if (flags > 3)
        d->bad = true;
    h->major = flags & 1;
    h->geographic = (flags & 2) != 0;
    h->qualifiers = get_array(d, sizeof *h->qualifiers, &h->n_qualifiers);
    for (size_t j = 0; j < h->n_qualifiers && !d->bad; j++) {
        h->qualifiers[j].ui = get_str(d);
        h->qualifiers[j].name = get_str(d);
        h->qualifiers[j].major = get_bool(d);
    }
}

static void get_fixed(dec *d)
{
    ev_record *rec = d->rec;
    rec->format = (ev_format)get_int(d, EV_FORMAT_JSON);
    rec->source_line = (size_t)get_uint(d);
    for (size_t i = 0; i < ev__rj_n_strings; i++)
        *AT(rec, ev__rj_strings[i].off, const char *) = get_str(d);
    uint64_t bits = get_uint(d);
    if (bits >> ev__rj_n_bools)
        d->bad = true;
    for (size_t i = 0; i < ev__rj_n_bools; i++)
        *AT(rec, ev__rj_bools[i].off, bool) = (bits >> i) & 1;
    for (size_t i = 0; i < ev__rj_n_dates && !d->bad; i++)
        get_date(d, AT(rec, ev__rj_dates[i].off, ev_date));
}

static void get_structs(dec *d)
{
    ev_record *rec = d->rec;
    rec->abstract = get_array(d, sizeof *rec->abstract, &rec->n_abstract);
    for (size_t i = 0; i < rec->n_abstract && !d->bad; i++) {
        rec->abstract[i].label = get_str(d);
        rec->abstract[i].category = get_str(d);
        rec->abstract[i].text = get_str(d);
    }
    rec->authors = get_array(d, sizeof *rec->authors, &rec->n_authors);
    for (size_t i = 0; i < rec->n_authors && !d->bad; i++)
        get_author(d, &rec->authors[i]);
    rec->mesh = get_array(d, sizeof *rec->mesh, &rec->n_mesh);
    for (size_t i = 0; i < rec->n_mesh && !d->bad; i++)
        get_heading(d, &rec->mesh[i]);
    rec->keywords = get_array(d, sizeof *rec->keywords, &rec->n_keywords);
    for (size_t i = 0; i < rec->n_keywords && !d->bad; i++) {
        rec->keywords[i].text = get_str(d);
        rec->keywords[i].owner = get_str(d);
        rec->keywords[i].major = get_bool(d);
    }
}

static void get_lists(dec *d)
{
    ev_record *rec = d->rec;
    for (size_t i = 0; i < ev__rj_n_str_lists && !d->bad; i++) {
        size_t *n = AT(rec, ev__rj_str_lists[i].count_off, size_t);
        const char **v = get_array(d, sizeof *v, n);
        *AT(rec, ev__rj_str_lists[i].off, const char **) = v;
        for (size_t j = 0; j < *n && !d->bad; j++)
            v[j] = get_str(d);
    }
    for (size_t i = 0; i < ev__rj_n_kv_lists && !d->bad; i++) {
        size_t *n = AT(rec, ev__rj_kv_lists[i].count_off, size_t);
        ev_kv *v = get_array(d, sizeof *v, n);
        *AT(rec, ev__rj_kv_lists[i].off, ev_kv *) = v;
        for (size_t j = 0; j < *n && !d->bad; j++) {
            v[j].key = get_str(d);
            v[j].value = get_str(d);
        }
    }
}

ev_status ev_record_from_bin(ev_record **out, const void *data, size_t n, ev_error *err)
{
    *out = NULL;
    const unsigned char *p = data;
    if (n < 3 || p[0] != 'e' || p[1] != 'v')
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "record encoding: not a record");
    if (p[2] != BIN_VERSION)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                            "record encoding: version %u unknown (this build reads %d)",
                            (unsigned)p[2], BIN_VERSION);
    ev_record *rec = ev_record_new();
    char *copy = rec ? ev_arena_alloc(rec->arena, n) : NULL;
    if (copy == NULL) {
        ev_record_free(rec);
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    memcpy(copy, p, n);
    dec d = {copy + 3, copy + n, rec, false, false};
    get_fixed(&d);
    if (!d.bad)
        get_structs(&d);
    if (!d.bad)
        get_lists(&d);
    if (d.oom) {
        ev_record_free(rec);
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (d.bad || d.p != d.end) {
        size_t at = (size_t)(d.p - copy);
        ev_record_free(rec);
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "record encoding: damaged at byte %zu",
                            at);
    }
    *out = rec;
    return EV_OK;
}
