/*
 * record_json.c - evident's JSON form of a record (docs/record-json.md):
 * writing, reading and field-by-field equality.
 *
 * Writing is a direct emitter into an ev_buf rather than a jansson tree: it
 * runs once per record on the import hot path (the store keeps this JSON),
 * and building a tree costs an allocation per value. Reading is in
 * record_json_read.c. Field names are the ev_record member names; absent
 * values (NULL strings, empty arrays, false, 0) are omitted.
 */
#include "record_json_int.h"

#include <sodium.h>

/* ---- field tables shared by writer, reader and equality ------------------- */

#define F(f) {#f, offsetof(ev_record, f), 0}
const ev__rj_field ev__rj_strings[] = {
    F(source_record_id), F(type), F(pmid), F(pmcid), F(doi), F(pii), F(title),
    F(title_markup), F(vernacular_title), F(book_title), F(copyright), F(journal),
    F(journal_abbrev), F(medline_ta), F(issn_print), F(issn_electronic), F(issn_linking),
    F(nlm_id), F(country), F(publisher), F(volume), F(issue), F(pages),
    F(article_number), F(status), F(owner), F(publication_status), F(url), F(notes),
};
const ev__rj_field ev__rj_bools[] = {
    F(authors_incomplete), F(retracted), F(is_retraction_notice), F(has_erratum),
};
const ev__rj_field ev__rj_dates[] = {
    F(pub_date), F(epub_date), F(date_entrez), F(date_create),
    F(date_mesh), F(date_completed), F(date_revised),
};
#undef F
#define L(f) {#f, offsetof(ev_record, f), offsetof(ev_record, n_##f)}
const ev__rj_field ev__rj_str_lists[] = {
    L(languages), L(publication_types), L(substances), L(grants),
};
const ev__rj_field ev__rj_kv_lists[] = {
    L(other_ids), L(links), L(extra),
};
#undef L

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
const size_t ev__rj_n_strings = N_OF(ev__rj_strings);
const size_t ev__rj_n_bools = N_OF(ev__rj_bools);
const size_t ev__rj_n_dates = N_OF(ev__rj_dates);
const size_t ev__rj_n_str_lists = N_OF(ev__rj_str_lists);
const size_t ev__rj_n_kv_lists = N_OF(ev__rj_kv_lists);

#define CAT EV__RJ_CAT

/* ---- writer ----------------------------------------------------------------- */

typedef struct writer {
    ev_buf *out;
    ev_status st;
    bool first; /* no member written yet in the current object */
} writer;

/* Append; the common case (room in the buffer) without a call. */
static inline void put(writer *w, const char *s, size_t n)
{
    ev_buf *b = w->out;
    if (w->st == EV_OK && b->ptr && n < b->cap - b->len && b->len + n <= b->max) {
        memcpy(b->ptr + b->len, s, n);
        b->len += n;
        b->ptr[b->len] = '\0';
        return;
    }
    if (w->st == EV_OK)
        w->st = ev_buf_append(b, s, n);
}

static void put_lit(writer *w, const char *s)
{
    put(w, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s (RFC 3629 table), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

static bool utf8_ok(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_len(p + i, n - i);
        if (k == 0)
            return false;
        i += k;
    }
    return true;
}

/* A JSON string. Runs of plain bytes are copied at once; control characters
 * are escaped; invalid UTF-8 bytes become U+FFFD (the header promises UTF-8,
 * so this only guards the JSON against a misbehaving producer). */
static void put_string(writer *w, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0;
    put(w, "\"", 1);
    for (size_t i = 0; i < n;) {
        i += ev__rj_plain_run(p + i, n - i);
        if (i >= n)
            break;
        unsigned char c = p[i];
        size_t k = 1;
        if (c >= 0x80 && (k = utf8_len(p + i, n - i)) != 0) {
            i += k;
            continue;
        }
        put(w, s + run, i - run);
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            put(w, esc, 2);
        } else if (c == '\n') {
            put(w, "\\n", 2);
        } else if (c == '\t') {
            put(w, "\\t", 2);
        } else if (c < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(w, esc, 6);
        } else {
            put(w, "\xEF\xBF\xBD", 3);
        }
        i += 1;
        run = i;
    }
    put(w, s + run, n - run);
    put(w, "\"", 1);
}

static void put_key(writer *w, const char *key)
{
    if (!w->first)
        put(w, ",", 1);
    w->first = false;
    put(w, "\"", 1);
    put_lit(w, key);
    put(w, "\":", 2);
}

static void open_obj(writer *w, const char *key)
{
    if (key)
        put_key(w, key);
    put(w, "{", 1);
    w->first = true;
}

static void close_obj(writer *w)
{
    put(w, "}", 1);
    w->first = false;
}

static void put_str(writer *w, const char *key, const char *v)
{
    if (v == NULL)
        return;
    put_key(w, key);
    put_string(w, v, strlen(v));
}

static void put_true(writer *w, const char *key, bool v)
{
    if (!v)
        return;
    put_key(w, key);
    put(w, "true", 4);
}

static void put_int(writer *w, const char *key, long long v)
{
    if (v == 0)
        return;
    char tmp[32];
    int k = snprintf(tmp, sizeof tmp, "%lld", v);
    put_key(w, key);
    put(w, tmp, (size_t)k);
}

static void put_str_list(writer *w, const char *key, const char *const *v, size_t n)
{
    if (n == 0)
        return;
    put_key(w, key);
    put(w, "[", 1);
    for (size_t i = 0; i < n; i++) {
        if (i)
            put(w, ",", 1);
        const char *s = v[i] ? v[i] : "";
        put_string(w, s, strlen(s));
    }
    put(w, "]", 1);
}

static void put_kv_list(writer *w, const char *key, const ev_kv *v, size_t n)
{
    if (n == 0)
        return;
    put_key(w, key);
    put(w, "[", 1);
    for (size_t i = 0; i < n; i++) {
        if (i)
            put(w, ",", 1);
        open_obj(w, NULL);
        put_str(w, "key", v[i].key);
        put_str(w, "value", v[i].value);
        close_obj(w);
    }
    put(w, "]", 1);
}

static bool date_empty(const ev_date *d)
{
    return !d->year && !d->month && !d->day && !d->season && !d->raw;
}

static void put_date(writer *w, const char *key, const ev_date *d)
{
    if (date_empty(d))
        return;
    open_obj(w, key);
    put_int(w, "year", d->year);
    put_int(w, "month", d->month);
    put_int(w, "day", d->day);
    put_str(w, "season", d->season);
    put_str(w, "raw", d->raw);
    close_obj(w);
}

static void put_authors(writer *w, const ev_record *rec)
{
    if (rec->n_authors == 0)
        return;
    put_key(w, "authors");
    put(w, "[", 1);
    for (size_t i = 0; i < rec->n_authors; i++) {
        const ev_author *a = &rec->authors[i];
        if (i)
            put(w, ",", 1);
        open_obj(w, NULL);
        put_str(w, "family", a->family);
        put_str(w, "given", a->given);
        put_str(w, "initials", a->initials);
        put_str(w, "suffix", a->suffix);
        put_str(w, "collective", a->collective);
        put_str(w, "orcid", a->orcid);
        put_str_list(w, "affiliations", a->affiliations, a->n_affiliations);
        put_true(w, "invalid", a->invalid);
        close_obj(w);
    }
    put(w, "]", 1);
}

static void put_abstract(writer *w, const ev_record *rec)
{
    if (rec->n_abstract == 0)
        return;
    put_key(w, "abstract");
    put(w, "[", 1);
    for (size_t i = 0; i < rec->n_abstract; i++) {
        if (i)
            put(w, ",", 1);
        open_obj(w, NULL);
        put_str(w, "label", rec->abstract[i].label);
        put_str(w, "category", rec->abstract[i].category);
        put_str(w, "text", rec->abstract[i].text);
        close_obj(w);
    }
    put(w, "]", 1);
}

static void put_mesh(writer *w, const ev_record *rec)
{
    if (rec->n_mesh == 0)
        return;
    put_key(w, "mesh");
    put(w, "[", 1);
    for (size_t i = 0; i < rec->n_mesh; i++) {
        const ev_mesh_heading *h = &rec->mesh[i];
        if (i)
            put(w, ",", 1);
        open_obj(w, NULL);
        put_str(w, "ui", h->ui);
        put_str(w, "name", h->name);
        put_true(w, "major", h->major);
        put_true(w, "geographic", h->geographic);
        if (h->n_qualifiers) {
            put_key(w, "qualifiers");
            put(w, "[", 1);
            for (size_t j = 0; j < h->n_qualifiers; j++) {
                if (j)
                    put(w, ",", 1);
                open_obj(w, NULL);
                put_str(w, "ui", h->qualifiers[j].ui);
                put_str(w, "name", h->qualifiers[j].name);
                put_true(w, "major", h->qualifiers[j].major);
                close_obj(w);
            }
            put(w, "]", 1);
        }
        close_obj(w);
    }
    put(w, "]", 1);
}

static void put_keywords(writer *w, const ev_record *rec)
{
    if (rec->n_keywords == 0)
        return;
    put_key(w, "keywords");
    put(w, "[", 1);
    for (size_t i = 0; i < rec->n_keywords; i++) {
        if (i)
            put(w, ",", 1);
        open_obj(w, NULL);
        put_str(w, "text", rec->keywords[i].text);
        put_str(w, "owner", rec->keywords[i].owner);
        put_true(w, "major", rec->keywords[i].major);
        close_obj(w);
    }
    put(w, "]", 1);
}

/* raw is the source's bytes: kept as a JSON string when it is UTF-8 (the
 * usual case), else base64 so that nothing is lost. */
static void put_raw(writer *w, const ev_record *rec)
{
    if (rec->raw == NULL)
        return;
    size_t n = rec->raw_len;
    if (utf8_ok(rec->raw, n)) {
        put_key(w, "raw");
        put_string(w, rec->raw, n);
        return;
    }
    size_t b64 = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *tmp = ev_malloc(b64);
    if (tmp == NULL) {
        w->st = w->st ? w->st : EV_ENOMEM;
        return;
    }
    sodium_bin2base64(tmp, b64, (const unsigned char *)rec->raw, n,
                      sodium_base64_VARIANT_ORIGINAL);
    put_key(w, "raw_base64");
    put_string(w, tmp, strlen(tmp));
    ev_free(tmp);
}

ev_status ev_record_to_json(ev_buf *out, const ev_record *rec)
{
    writer w = {out, EV_OK, true};
    size_t start = out->len;
    open_obj(&w, NULL);
    put_str(&w, "format", ev_format_name(rec->format));
    put_int(&w, "source_line", (long long)rec->source_line);
    for (size_t i = 0; i < N_OF(ev__rj_strings); i++)
        put_str(&w, ev__rj_strings[i].name, *CAT(rec, ev__rj_strings[i].off, const char *));
    for (size_t i = 0; i < N_OF(ev__rj_bools); i++)
        put_true(&w, ev__rj_bools[i].name, *CAT(rec, ev__rj_bools[i].off, bool));
    for (size_t i = 0; i < N_OF(ev__rj_dates); i++)
        put_date(&w, ev__rj_dates[i].name, CAT(rec, ev__rj_dates[i].off, ev_date));
    put_abstract(&w, rec);
    put_authors(&w, rec);
    put_mesh(&w, rec);
    put_keywords(&w, rec);
    for (size_t i = 0; i < N_OF(ev__rj_str_lists); i++)
        put_str_list(&w, ev__rj_str_lists[i].name, *CAT(rec, ev__rj_str_lists[i].off, const char *const *),
                     *CAT(rec, ev__rj_str_lists[i].count_off, size_t));
    for (size_t i = 0; i < N_OF(ev__rj_kv_lists); i++)
        put_kv_list(&w, ev__rj_kv_lists[i].name, *CAT(rec, ev__rj_kv_lists[i].off, const ev_kv *),
                    *CAT(rec, ev__rj_kv_lists[i].count_off, size_t));
    put_raw(&w, rec);
    close_obj(&w);
    if (w.st != EV_OK && out->ptr) { /* leave the buffer as it was */
        out->len = start;
        out->ptr[start] = '\0';
    }
    return w.st;
}

/* ---- equality --------------------------------------------------------------- */

typedef struct cmp {
    char *why;
    size_t why_size;
    bool differ;
} cmp;

static bool differ(cmp *c, const char *field, size_t index, const char *sub)
{
    if (!c->differ && c->why && c->why_size) {
        if (sub)
            snprintf(c->why, c->why_size, "%s[%zu].%s", field, index, sub);
        else
            snprintf(c->why, c->why_size, "%s", field);
    }
    c->differ = true;
    return false;
}

static bool same_str(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool same_date(const ev_date *a, const ev_date *b)
{
    return a->year == b->year && a->month == b->month && a->day == b->day &&
           same_str(a->season, b->season) && same_str(a->raw, b->raw);
}

static bool eq_str_list(cmp *c, const char *name, const char *const *a, size_t na,
                        const char *const *b, size_t nb)
{
    if (na != nb)
        return differ(c, name, 0, NULL);
    for (size_t i = 0; i < na; i++)
        if (!same_str(a[i], b[i]))
            return differ(c, name, i, "value");
    return true;
}

static bool eq_kv_list(cmp *c, const char *name, const ev_kv *a, size_t na, const ev_kv *b,
                       size_t nb)
{
    if (na != nb)
        return differ(c, name, 0, NULL);
    for (size_t i = 0; i < na; i++)
        if (!same_str(a[i].key, b[i].key) || !same_str(a[i].value, b[i].value))
            return differ(c, name, i, "key/value");
    return true;
}

static bool eq_author(cmp *c, size_t i, const ev_author *a, const ev_author *b)
{
    if (!same_str(a->family, b->family) || !same_str(a->given, b->given) ||
        !same_str(a->initials, b->initials) || !same_str(a->suffix, b->suffix) ||
        !same_str(a->collective, b->collective) || !same_str(a->orcid, b->orcid))
        return differ(c, "authors", i, "name");
    if (a->invalid != b->invalid)
        return differ(c, "authors", i, "invalid");
    if (a->n_affiliations != b->n_affiliations)
        return differ(c, "authors", i, "affiliations");
    for (size_t j = 0; j < a->n_affiliations; j++)
        if (!same_str(a->affiliations[j], b->affiliations[j]))
            return differ(c, "authors", i, "affiliations");
    return true;
}

static bool eq_heading(cmp *c, size_t i, const ev_mesh_heading *a, const ev_mesh_heading *b)
{
    if (!same_str(a->ui, b->ui) || !same_str(a->name, b->name) || a->major != b->major ||
        a->geographic != b->geographic)
        return differ(c, "mesh", i, "descriptor");
    if (a->n_qualifiers != b->n_qualifiers)
        return differ(c, "mesh", i, "qualifiers");
    for (size_t j = 0; j < a->n_qualifiers; j++) {
        const ev_mesh_qualifier *p = &a->qualifiers[j], *q = &b->qualifiers[j];
        if (!same_str(p->ui, q->ui) || !same_str(p->name, q->name) || p->major != q->major)
            return differ(c, "mesh", i, "qualifiers");
    }
    return true;
}

static bool eq_structs(cmp *c, const ev_record *a, const ev_record *b)
{
    if (a->n_abstract != b->n_abstract)
        return differ(c, "abstract", 0, NULL);
    for (size_t i = 0; i < a->n_abstract; i++)
        if (!same_str(a->abstract[i].label, b->abstract[i].label) ||
            !same_str(a->abstract[i].category, b->abstract[i].category) ||
            !same_str(a->abstract[i].text, b->abstract[i].text))
            return differ(c, "abstract", i, "section");
    if (a->n_authors != b->n_authors)
        return differ(c, "authors", 0, NULL);
    for (size_t i = 0; i < a->n_authors; i++)
        if (!eq_author(c, i, &a->authors[i], &b->authors[i]))
            return false;
    if (a->n_mesh != b->n_mesh)
        return differ(c, "mesh", 0, NULL);
    for (size_t i = 0; i < a->n_mesh; i++)
        if (!eq_heading(c, i, &a->mesh[i], &b->mesh[i]))
            return false;
    if (a->n_keywords != b->n_keywords)
        return differ(c, "keywords", 0, NULL);
    for (size_t i = 0; i < a->n_keywords; i++)
        if (!same_str(a->keywords[i].text, b->keywords[i].text) ||
            !same_str(a->keywords[i].owner, b->keywords[i].owner) ||
            a->keywords[i].major != b->keywords[i].major)
            return differ(c, "keywords", i, "keyword");
    return true;
}

bool ev_record_equal(const ev_record *a, const ev_record *b, char *why, size_t why_size)
{
    cmp c = {why, why_size, false};
    if (a->format != b->format)
        return differ(&c, "format", 0, NULL);
    for (size_t i = 0; i < N_OF(ev__rj_strings); i++)
        if (!same_str(*CAT(a, ev__rj_strings[i].off, const char *),
                      *CAT(b, ev__rj_strings[i].off, const char *)))
            return differ(&c, ev__rj_strings[i].name, 0, NULL);
    for (size_t i = 0; i < N_OF(ev__rj_bools); i++)
        if (*CAT(a, ev__rj_bools[i].off, bool) != *CAT(b, ev__rj_bools[i].off, bool))
            return differ(&c, ev__rj_bools[i].name, 0, NULL);
    for (size_t i = 0; i < N_OF(ev__rj_dates); i++)
        if (!same_date(CAT(a, ev__rj_dates[i].off, ev_date), CAT(b, ev__rj_dates[i].off, ev_date)))
            return differ(&c, ev__rj_dates[i].name, 0, NULL);
    if (!eq_structs(&c, a, b))
        return false;
    for (size_t i = 0; i < N_OF(ev__rj_str_lists); i++)
        if (!eq_str_list(&c, ev__rj_str_lists[i].name, *CAT(a, ev__rj_str_lists[i].off, const char *const *),
                         *CAT(a, ev__rj_str_lists[i].count_off, size_t),
                         *CAT(b, ev__rj_str_lists[i].off, const char *const *),
                         *CAT(b, ev__rj_str_lists[i].count_off, size_t)))
            return false;
    for (size_t i = 0; i < N_OF(ev__rj_kv_lists); i++)
        if (!eq_kv_list(&c, ev__rj_kv_lists[i].name, *CAT(a, ev__rj_kv_lists[i].off, const ev_kv *),
                        *CAT(a, ev__rj_kv_lists[i].count_off, size_t),
                        *CAT(b, ev__rj_kv_lists[i].off, const ev_kv *),
                        *CAT(b, ev__rj_kv_lists[i].count_off, size_t)))
            return false;
    if (why && why_size)
        why[0] = '\0';
    return true;
}
