/*
 * record_json.c - evident's JSON form of a record (docs/record-json.md):
 * the field tables, writing (through jansson) and field-by-field equality.
 * Reading is in record_json_parse.c. Field names are the ev_record member
 * names; absent values (NULL strings, empty arrays, false, 0) are omitted.
 *
 * JSON is for people and other programs (show --json, export, the server):
 * the store keeps records in their binary encoding (record_bin.c), so this
 * code is off the import and read-back hot paths.
 */
#include "record_json_int.h"

#include <jansson.h>
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

/* Builds the jansson tree; `oom` turns true at the first failed allocation
 * (jansson's setters then still free what they were given). */
typedef struct writer {
    bool oom;
} writer;

/* A JSON string of n bytes. Invalid UTF-8 (which jansson refuses) has each
 * bad byte replaced with U+FFFD: the header promises UTF-8, so this only
 * guards the JSON against a misbehaving producer. */
static json_t *jstr(writer *w, const char *s, size_t n)
{
    json_t *v = json_stringn(s, n);
    size_t bad;
    if (v == NULL && !ev_utf8_valid(s, n, &bad)) {
        ev_buf b;
        ev_buf_init(&b, 0);
        ev_status st = EV_OK;
        while (st == EV_OK && !ev_utf8_valid(s, n, &bad) && bad < n) {
            st = ev_buf_append(&b, s, bad);
            if (st == EV_OK)
                st = ev_buf_append(&b, "\xEF\xBF\xBD", 3);
            s += bad + 1;
            n -= bad + 1;
        }
        if (st == EV_OK)
            st = ev_buf_append(&b, s, n);
        v = st == EV_OK ? json_stringn(ev_buf_cstr(&b), b.len) : NULL;
        ev_buf_release(&b);
    }
    if (v == NULL)
        w->oom = true;
    return v;
}

static void set(writer *w, json_t *obj, const char *key, json_t *v)
{
    if (v == NULL || json_object_set_new(obj, key, v) != 0)
        w->oom = true;
}

static void push(writer *w, json_t *arr, json_t *v)
{
    if (v == NULL || json_array_append_new(arr, v) != 0)
        w->oom = true;
}

static void put_str(writer *w, json_t *obj, const char *key, const char *v)
{
    if (v != NULL)
        set(w, obj, key, jstr(w, v, strlen(v)));
}

static void put_true(writer *w, json_t *obj, const char *key, bool v)
{
    if (v)
        set(w, obj, key, json_true());
}

static void put_int(writer *w, json_t *obj, const char *key, long long v)
{
    if (v != 0)
        set(w, obj, key, json_integer(v));
}

static void put_str_list(writer *w, json_t *obj, const char *key, const char *const *v, size_t n)
{
    if (n == 0)
        return;
    json_t *arr = json_array();
    for (size_t i = 0; i < n && arr; i++) {
        const char *s = v[i] ? v[i] : "";
        push(w, arr, jstr(w, s, strlen(s)));
    }
    set(w, obj, key, arr);
}

/* An array of n objects, each filled by fill(w, object, i). */
typedef void (*fill_fn)(writer *w, json_t *o, const void *base, size_t i);

static void put_objects(writer *w, json_t *obj, const char *key, const void *base, size_t n,
                        fill_fn fill)
{
    if (n == 0)
        return;
    json_t *arr = json_array();
    for (size_t i = 0; i < n && arr; i++) {
        json_t *o = json_object();
        if (o)
            fill(w, o, base, i);
        push(w, arr, o);
    }
    set(w, obj, key, arr);
}

static void fill_kv(writer *w, json_t *o, const void *base, size_t i)
{
    const ev_kv *kv = (const ev_kv *)base + i;
    put_str(w, o, "key", kv->key);
    put_str(w, o, "value", kv->value);
}

static void fill_section(writer *w, json_t *o, const void *base, size_t i)
{
    const ev_abstract_section *s = (const ev_abstract_section *)base + i;
    put_str(w, o, "label", s->label);
    put_str(w, o, "category", s->category);
    put_str(w, o, "text", s->text);
}

static void fill_author(writer *w, json_t *o, const void *base, size_t i)
{
    const ev_author *a = (const ev_author *)base + i;
    put_str(w, o, "family", a->family);
    put_str(w, o, "given", a->given);
    put_str(w, o, "initials", a->initials);
    put_str(w, o, "suffix", a->suffix);
    put_str(w, o, "collective", a->collective);
    put_str(w, o, "orcid", a->orcid);
    put_str_list(w, o, "affiliations", a->affiliations, a->n_affiliations);
    put_true(w, o, "invalid", a->invalid);
}

static void fill_qualifier(writer *w, json_t *o, const void *base, size_t i)
{
    const ev_mesh_qualifier *q = (const ev_mesh_qualifier *)base + i;
    put_str(w, o, "ui", q->ui);
    put_str(w, o, "name", q->name);
    put_true(w, o, "major", q->major);
}

static void fill_heading(writer *w, json_t *o, const void *base, size_t i)
{
    const ev_mesh_heading *h = (const ev_mesh_heading *)base + i;
    put_str(w, o, "ui", h->ui);
    put_str(w, o, "name", h->name);
    put_true(w, o, "major", h->major);
    put_true(w, o, "geographic", h->geographic);
    put_objects(w, o, "qualifiers", h->qualifiers, h->n_qualifiers, fill_qualifier);
}

static void fill_keyword(writer *w, json_t *o, const void *base, size_t i)
{
    const ev_keyword *k = (const ev_keyword *)base + i;
    put_str(w, o, "text", k->text);
    put_str(w, o, "owner", k->owner);
    put_true(w, o, "major", k->major);
}

static bool date_empty(const ev_date *d)
{
    return !d->year && !d->month && !d->day && !d->season && !d->raw;
}

static void put_date(writer *w, json_t *obj, const char *key, const ev_date *d)
{
    if (date_empty(d))
        return;
    json_t *o = json_object();
    if (o) {
        put_int(w, o, "year", d->year);
        put_int(w, o, "month", d->month);
        put_int(w, o, "day", d->day);
        put_str(w, o, "season", d->season);
        put_str(w, o, "raw", d->raw);
    }
    set(w, obj, key, o);
}

/* raw is the source's bytes: kept as a JSON string when it is UTF-8 (the
 * usual case), else base64 so that nothing is lost. */
static void put_raw(writer *w, json_t *obj, const ev_record *rec)
{
    if (rec->raw == NULL)
        return;
    size_t n = rec->raw_len;
    if (ev_utf8_valid(rec->raw, n, NULL)) {
        set(w, obj, "raw", jstr(w, rec->raw, n));
        return;
    }
    size_t b64 = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *tmp = ev_malloc(b64);
    if (tmp == NULL) {
        w->oom = true;
        return;
    }
    sodium_bin2base64(tmp, b64, (const unsigned char *)rec->raw, n,
                      sodium_base64_VARIANT_ORIGINAL);
    set(w, obj, "raw_base64", jstr(w, tmp, strlen(tmp)));
    ev_free(tmp);
}

static void put_tables(writer *w, json_t *o, const ev_record *rec)
{
    for (size_t i = 0; i < ev__rj_n_strings; i++)
        put_str(w, o, ev__rj_strings[i].name, *CAT(rec, ev__rj_strings[i].off, const char *));
    for (size_t i = 0; i < ev__rj_n_bools; i++)
        put_true(w, o, ev__rj_bools[i].name, *CAT(rec, ev__rj_bools[i].off, bool));
    for (size_t i = 0; i < ev__rj_n_dates; i++)
        put_date(w, o, ev__rj_dates[i].name, CAT(rec, ev__rj_dates[i].off, ev_date));
}

static json_t *record_tree(writer *w, const ev_record *rec)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    put_str(w, o, "format", ev_format_name(rec->format));
    put_int(w, o, "source_line", (long long)rec->source_line);
    put_tables(w, o, rec);
    put_objects(w, o, "abstract", rec->abstract, rec->n_abstract, fill_section);
    put_objects(w, o, "authors", rec->authors, rec->n_authors, fill_author);
    put_objects(w, o, "mesh", rec->mesh, rec->n_mesh, fill_heading);
    put_objects(w, o, "keywords", rec->keywords, rec->n_keywords, fill_keyword);
    for (size_t i = 0; i < ev__rj_n_str_lists; i++)
        put_str_list(w, o, ev__rj_str_lists[i].name,
                     *CAT(rec, ev__rj_str_lists[i].off, const char *const *),
                     *CAT(rec, ev__rj_str_lists[i].count_off, size_t));
    for (size_t i = 0; i < ev__rj_n_kv_lists; i++)
        put_objects(w, o, ev__rj_kv_lists[i].name, *CAT(rec, ev__rj_kv_lists[i].off, const ev_kv *),
                    *CAT(rec, ev__rj_kv_lists[i].count_off, size_t), fill_kv);
    put_raw(w, o, rec);
    return o;
}

static int dump_to_buf(const char *s, size_t n, void *payload)
{
    return ev_buf_append(payload, s, n) == EV_OK ? 0 : -1;
}

ev_status ev_record_to_json(ev_buf *out, const ev_record *rec)
{
    writer w = {false};
    size_t start = out->len;
    json_t *root = record_tree(&w, rec);
    ev_status st = EV_OK;
    if (root == NULL || w.oom)
        st = EV_ENOMEM;
    else if (json_dump_callback(root, dump_to_buf, out, JSON_COMPACT) != 0)
        st = EV_ENOMEM; /* only the buffer can fail: its cap or memory */
    json_decref(root);
    if (st != EV_OK && out->ptr) { /* leave the buffer as it was */
        out->len = start;
        out->ptr[start] = '\0';
    }
    return st;
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
    for (size_t i = 0; i < ev__rj_n_strings; i++)
        if (!same_str(*CAT(a, ev__rj_strings[i].off, const char *),
                      *CAT(b, ev__rj_strings[i].off, const char *)))
            return differ(&c, ev__rj_strings[i].name, 0, NULL);
    for (size_t i = 0; i < ev__rj_n_bools; i++)
        if (*CAT(a, ev__rj_bools[i].off, bool) != *CAT(b, ev__rj_bools[i].off, bool))
            return differ(&c, ev__rj_bools[i].name, 0, NULL);
    for (size_t i = 0; i < ev__rj_n_dates; i++)
        if (!same_date(CAT(a, ev__rj_dates[i].off, ev_date), CAT(b, ev__rj_dates[i].off, ev_date)))
            return differ(&c, ev__rj_dates[i].name, 0, NULL);
    if (!eq_structs(&c, a, b))
        return false;
    for (size_t i = 0; i < ev__rj_n_str_lists; i++)
        if (!eq_str_list(&c, ev__rj_str_lists[i].name, *CAT(a, ev__rj_str_lists[i].off, const char *const *),
                         *CAT(a, ev__rj_str_lists[i].count_off, size_t),
                         *CAT(b, ev__rj_str_lists[i].off, const char *const *),
                         *CAT(b, ev__rj_str_lists[i].count_off, size_t)))
            return false;
    for (size_t i = 0; i < ev__rj_n_kv_lists; i++)
        if (!eq_kv_list(&c, ev__rj_kv_lists[i].name, *CAT(a, ev__rj_kv_lists[i].off, const ev_kv *),
                        *CAT(a, ev__rj_kv_lists[i].count_off, size_t),
                        *CAT(b, ev__rj_kv_lists[i].off, const ev_kv *),
                        *CAT(b, ev__rj_kv_lists[i].count_off, size_t)))
            return false;
    if (why && why_size)
        why[0] = '\0';
    return true;
}
