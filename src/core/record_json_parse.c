/*
 * record_json_parse.c - ev_record_from_json: jansson parses the document
 * (strict RFC 8259, UTF-8 checked); this file walks the value tree into a
 * record, copying strings into the record's arena. Unknown members are
 * skipped, null means absent, of duplicate members the last wins (jansson
 * keeps the last). Errors name the member, or the line and column of broken
 * JSON (docs/record-json.md).
 */
#include "record_json_int.h"

#include <jansson.h>
#include <sodium.h>

typedef struct rd {
    ev_record *rec;
    ev_error *err;
    ev_status st;
} rd;

static bool bad(rd *r, const char *key, const char *what)
{
    if (r->st == EV_OK)
        r->st = ev_error_set(r->err, EV_EINPUT, NULL, 0, 0, "record json: '%s' %s", key, what);
    return false;
}

static bool nomem(rd *r)
{
    if (r->st == EV_OK)
        r->st = ev_error_set(r->err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    return false;
}

/* A string member: "" and null (or absent) are NULL. */
static bool get_str(rd *r, json_t *v, const char *key, const char **out)
{
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_string(v))
        return bad(r, key, "is not a string");
    size_t n = json_string_length(v);
    if (n == 0)
        return true;
    *out = ev_arena_strndup(r->rec->arena, json_string_value(v), n);
    return *out ? true : nomem(r);
}

static bool get_bool(rd *r, json_t *v, const char *key, bool *out)
{
    *out = false;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_boolean(v))
        return bad(r, key, "is not true or false");
    *out = json_is_true(v);
    return true;
}

static bool get_int(rd *r, json_t *v, const char *key, json_int_t max, json_int_t *out)
{
    *out = 0;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
        return bad(r, key, "is not a valid number");
    *out = json_integer_value(v);
    return true;
}

/* An array of `size`-byte elements, each read by `elem` into zeroed arena
 * memory. null or absent: (NULL, 0). */
typedef bool (*elem_fn)(rd *r, const char *key, json_t *v, void *elem);

static bool array(rd *r, json_t *v, const char *key, size_t size, elem_fn elem, void **out,
                  size_t *n)
{
    *out = NULL;
    *n = 0;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_array(v))
        return bad(r, key, "is not an array");
    size_t count = json_array_size(v);
    if (count == 0)
        return true;
    if (count > SIZE_MAX / size)
        return nomem(r);
    unsigned char *arr = ev_arena_alloc(r->rec->arena, count * size);
    if (arr == NULL)
        return nomem(r);
    for (size_t i = 0; i < count; i++)
        if (!elem(r, key, json_array_get(v, i), arr + i * size))
            return false;
    *out = arr;
    *n = count;
    return true;
}

static bool e_string(rd *r, const char *key, json_t *v, void *elem)
{
    if (!json_is_string(v))
        return bad(r, key, "holds a value that is not a string");
    return get_str(r, v, key, elem);
}

static bool is_obj(rd *r, const char *key, json_t *v)
{
    return json_is_object(v) ? true : bad(r, key, "holds a value that is not an object");
}

#define MEMBER(o, k) json_object_get((o), (k))

static bool e_kv(rd *r, const char *key, json_t *v, void *elem)
{
    ev_kv *kv = elem;
    return is_obj(r, key, v) && get_str(r, MEMBER(v, "key"), "key", &kv->key) &&
           get_str(r, MEMBER(v, "value"), "value", &kv->value);
}

static bool e_section(rd *r, const char *key, json_t *v, void *elem)
{
    ev_abstract_section *s = elem;
    return is_obj(r, key, v) && get_str(r, MEMBER(v, "label"), "label", &s->label) &&
           get_str(r, MEMBER(v, "category"), "category", &s->category) &&
           get_str(r, MEMBER(v, "text"), "text", &s->text);
}

static bool e_author(rd *r, const char *key, json_t *v, void *elem)
{
    ev_author *a = elem;
    static const struct {
        const char *name;
        size_t off;
    } strs[] = {{"family", offsetof(ev_author, family)},
                {"given", offsetof(ev_author, given)},
                {"initials", offsetof(ev_author, initials)},
                {"suffix", offsetof(ev_author, suffix)},
                {"collective", offsetof(ev_author, collective)},
                {"orcid", offsetof(ev_author, orcid)}};
    if (!is_obj(r, key, v))
        return false;
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        if (!get_str(r, MEMBER(v, strs[i].name), strs[i].name,
                     EV__RJ_AT(a, strs[i].off, const char *)))
            return false;
    return array(r, MEMBER(v, "affiliations"), "affiliations", sizeof(const char *), e_string,
                 (void **)&a->affiliations, &a->n_affiliations) &&
           get_bool(r, MEMBER(v, "invalid"), "invalid", &a->invalid);
}

static bool e_qualifier(rd *r, const char *key, json_t *v, void *elem)
{
    ev_mesh_qualifier *q = elem;
    return is_obj(r, key, v) && get_str(r, MEMBER(v, "ui"), "ui", &q->ui) &&
           get_str(r, MEMBER(v, "name"), "name", &q->name) &&
           get_bool(r, MEMBER(v, "major"), "major", &q->major);
}

static bool e_heading(rd *r, const char *key, json_t *v, void *elem)
{
    ev_mesh_heading *h = elem;
    return is_obj(r, key, v) && get_str(r, MEMBER(v, "ui"), "ui", &h->ui) &&
           get_str(r, MEMBER(v, "name"), "name", &h->name) &&
           get_bool(r, MEMBER(v, "major"), "major", &h->major) &&
           get_bool(r, MEMBER(v, "geographic"), "geographic", &h->geographic) &&
           array(r, MEMBER(v, "qualifiers"), "qualifiers", sizeof(ev_mesh_qualifier),
                 e_qualifier, (void **)&h->qualifiers, &h->n_qualifiers);
}

static bool e_keyword(rd *r, const char *key, json_t *v, void *elem)
{
    ev_keyword *k = elem;
    return is_obj(r, key, v) && get_str(r, MEMBER(v, "text"), "text", &k->text) &&
           get_str(r, MEMBER(v, "owner"), "owner", &k->owner) &&
           get_bool(r, MEMBER(v, "major"), "major", &k->major);
}

static bool get_date(rd *r, json_t *v, const char *key, ev_date *d)
{
    json_int_t y, m, day;
    memset(d, 0, sizeof *d);
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_object(v))
        return bad(r, key, "is not an object");
    if (!get_int(r, MEMBER(v, "year"), "year", 9999, &y) ||
        !get_int(r, MEMBER(v, "month"), "month", 12, &m) ||
        !get_int(r, MEMBER(v, "day"), "day", 31, &day))
        return false;
    d->year = (int)y;
    d->month = (int)m;
    d->day = (int)day;
    return get_str(r, MEMBER(v, "season"), "season", &d->season) &&
           get_str(r, MEMBER(v, "raw"), "raw", &d->raw);
}

/* raw: the source's bytes as a string (may hold NUL), or raw_base64. */
static bool get_raw(rd *r, json_t *root)
{
    ev_record *rec = r->rec;
    json_t *v = MEMBER(root, "raw");
    bool base64 = v == NULL || json_is_null(v);
    const char *key = base64 ? "raw_base64" : "raw";
    if (base64)
        v = MEMBER(root, "raw_base64");
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_string(v))
        return bad(r, key, "is not a string");
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (!base64) {
        rec->raw = ev_arena_strndup(rec->arena, s, n);
        rec->raw_len = n;
        return rec->raw ? true : nomem(r);
    }
    unsigned char *bin = ev_arena_alloc(rec->arena, n / 4 * 3 + 4);
    size_t len = 0;
    if (bin == NULL)
        return nomem(r);
    if (sodium_base642bin(bin, n / 4 * 3 + 3, s, n, NULL, &len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return bad(r, "raw_base64", "is not valid base64");
    bin[len] = '\0';
    rec->raw = (const char *)bin;
    rec->raw_len = len;
    return true;
}

static bool tables(rd *r, json_t *root)
{
    ev_record *rec = r->rec;
    for (size_t i = 0; i < ev__rj_n_strings; i++) {
        const ev__rj_field *f = &ev__rj_strings[i];
        if (!get_str(r, MEMBER(root, f->name), f->name, EV__RJ_AT(rec, f->off, const char *)))
            return false;
    }
    for (size_t i = 0; i < ev__rj_n_bools; i++) {
        const ev__rj_field *f = &ev__rj_bools[i];
        if (!get_bool(r, MEMBER(root, f->name), f->name, EV__RJ_AT(rec, f->off, bool)))
            return false;
    }
    for (size_t i = 0; i < ev__rj_n_dates; i++) {
        const ev__rj_field *f = &ev__rj_dates[i];
        if (!get_date(r, MEMBER(root, f->name), f->name, EV__RJ_AT(rec, f->off, ev_date)))
            return false;
    }
    return true;
}

static bool lists(rd *r, json_t *root)
{
    for (size_t i = 0; i < ev__rj_n_str_lists; i++) {
        const ev__rj_field *f = &ev__rj_str_lists[i];
        if (!array(r, MEMBER(root, f->name), f->name, sizeof(const char *), e_string,
                   EV__RJ_AT(r->rec, f->off, void *), EV__RJ_AT(r->rec, f->count_off, size_t)))
            return false;
    }
    for (size_t i = 0; i < ev__rj_n_kv_lists; i++) {
        const ev__rj_field *f = &ev__rj_kv_lists[i];
        if (!array(r, MEMBER(root, f->name), f->name, sizeof(ev_kv), e_kv,
                   EV__RJ_AT(r->rec, f->off, void *), EV__RJ_AT(r->rec, f->count_off, size_t)))
            return false;
    }
    return true;
}

static bool record(rd *r, json_t *root)
{
    ev_record *rec = r->rec;
    const char *fmt = NULL;
    json_int_t line = 0;
    if (!get_str(r, MEMBER(root, "format"), "format", &fmt) ||
        !get_int(r, MEMBER(root, "source_line"), "source_line", LLONG_MAX, &line))
        return false;
    rec->format = fmt ? ev_format_from_name(fmt) : EV_FORMAT_UNKNOWN;
    rec->source_line = (size_t)line;
    return tables(r, root) && lists(r, root) &&
           array(r, MEMBER(root, "abstract"), "abstract", sizeof *rec->abstract, e_section,
                 (void **)&rec->abstract, &rec->n_abstract) &&
           array(r, MEMBER(root, "authors"), "authors", sizeof *rec->authors, e_author,
                 (void **)&rec->authors, &rec->n_authors) &&
           array(r, MEMBER(root, "mesh"), "mesh", sizeof *rec->mesh, e_heading,
                 (void **)&rec->mesh, &rec->n_mesh) &&
           array(r, MEMBER(root, "keywords"), "keywords", sizeof *rec->keywords, e_keyword,
                 (void **)&rec->keywords, &rec->n_keywords) &&
           get_raw(r, root);
}

ev_status ev_record_from_json(ev_record **out, const char *json, size_t n, ev_error *err)
{
    *out = NULL;
    json_error_t jerr;
    /* JSON_ALLOW_NUL: raw may hold \u0000 */
    json_t *root = json_loadb(json, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (root == NULL)
        return ev_error_set(err, EV_EINPUT, NULL, (size_t)(jerr.line > 0 ? jerr.line : 0),
                            (size_t)(jerr.column > 0 ? jerr.column : 0), "record json: %s",
                            jerr.text);
    rd r = {ev_record_new(), err, EV_OK};
    if (r.rec == NULL)
        r.st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    else if (!json_is_object(root))
        r.st = ev_error_set(err, EV_EINPUT, NULL, 0, 0, "record json: not an object");
    else
        record(&r, root);
    json_decref(root);
    if (r.st != EV_OK) {
        ev_record_free(r.rec);
        return r.st;
    }
    *out = r.rec;
    return EV_OK;
}
