/*
 * record_json.c - evident's JSON form of a record (docs/record-json.md):
 * writing, reading and field-by-field equality.
 *
 * Writing is a direct emitter into an ev_buf rather than a jansson tree: it
 * runs once per record on the import hot path (the store keeps this JSON),
 * and building a tree costs an allocation per value. Reading goes through
 * jansson. Field names are the ev_record member names; absent values (NULL
 * strings, empty arrays, false, 0) are omitted.
 */
#include "evident/ev_record.h"

#include <jansson.h>
#include <sodium.h>

/* ---- field tables shared by writer, reader and equality ------------------- */

typedef struct str_field {
    const char *name;
    size_t off;
} str_field;

#define SF(f) {#f, offsetof(ev_record, f)}
static const str_field str_fields[] = {
    SF(source_record_id), SF(type), SF(pmid), SF(pmcid), SF(doi), SF(pii), SF(title),
    SF(title_markup), SF(vernacular_title), SF(book_title), SF(copyright), SF(journal),
    SF(journal_abbrev), SF(medline_ta), SF(issn_print), SF(issn_electronic), SF(issn_linking),
    SF(nlm_id), SF(country), SF(publisher), SF(volume), SF(issue), SF(pages),
    SF(article_number), SF(status), SF(owner), SF(publication_status), SF(url), SF(notes),
};
#undef SF

typedef struct bool_field {
    const char *name;
    size_t off;
} bool_field;

#define BF(f) {#f, offsetof(ev_record, f)}
static const bool_field bool_fields[] = {
    BF(authors_incomplete), BF(retracted), BF(is_retraction_notice), BF(has_erratum),
};
#undef BF

#define DF(f) {#f, offsetof(ev_record, f)}
static const str_field date_fields[] = {
    DF(pub_date), DF(epub_date), DF(date_entrez), DF(date_create),
    DF(date_mesh), DF(date_completed), DF(date_revised),
};
#undef DF

/* String lists: the array pointer and its count. */
typedef struct list_field {
    const char *name;
    size_t off, count_off;
} list_field;

#define LF(f) {#f, offsetof(ev_record, f), offsetof(ev_record, n_##f)}
static const list_field list_fields[] = {
    LF(languages), LF(publication_types), LF(substances), LF(grants),
};
static const list_field kv_fields[] = {
    LF(other_ids), LF(links), LF(extra),
};
#undef LF

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define AT(rec, off, type) ((type *)(void *)((char *)(rec) + (off)))
#define CAT(rec, off, type) ((type const *)(const void *)((const char *)(rec) + (off)))

/* ---- writer ----------------------------------------------------------------- */

typedef struct writer {
    ev_buf *out;
    ev_status st;
    bool first; /* no member written yet in the current object */
} writer;

static void put(writer *w, const char *s, size_t n)
{
    if (w->st == EV_OK)
        w->st = ev_buf_append(w->out, s, n);
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
        unsigned char c = p[i];
        size_t k = 1;
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            i++;
            continue;
        }
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
    for (size_t i = 0; i < N_OF(str_fields); i++)
        put_str(&w, str_fields[i].name, *CAT(rec, str_fields[i].off, const char *));
    for (size_t i = 0; i < N_OF(bool_fields); i++)
        put_true(&w, bool_fields[i].name, *CAT(rec, bool_fields[i].off, bool));
    for (size_t i = 0; i < N_OF(date_fields); i++)
        put_date(&w, date_fields[i].name, CAT(rec, date_fields[i].off, ev_date));
    put_abstract(&w, rec);
    put_authors(&w, rec);
    put_mesh(&w, rec);
    put_keywords(&w, rec);
    for (size_t i = 0; i < N_OF(list_fields); i++)
        put_str_list(&w, list_fields[i].name, *CAT(rec, list_fields[i].off, const char *const *),
                     *CAT(rec, list_fields[i].count_off, size_t));
    for (size_t i = 0; i < N_OF(kv_fields); i++)
        put_kv_list(&w, kv_fields[i].name, *CAT(rec, kv_fields[i].off, const ev_kv *),
                    *CAT(rec, kv_fields[i].count_off, size_t));
    put_raw(&w, rec);
    close_obj(&w);
    if (w.st != EV_OK && out->ptr) { /* leave the buffer as it was */
        out->len = start;
        out->ptr[start] = '\0';
    }
    return w.st;
}

/* ---- reader ----------------------------------------------------------------- */

typedef struct reader {
    ev_record *rec;
    ev_error *err;
    ev_status st;
} reader;

static void bad(reader *r, const char *what, const char *key)
{
    if (r->st == EV_OK)
        r->st = ev_error_set(r->err, EV_EINPUT, NULL, 0, 0, "record json: '%s' %s", key, what);
}

/* Copy a JSON string into the arena: exact bytes (no trimming), "" -> NULL. */
static const char *get_str(reader *r, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        bad(r, "is not a string", key);
        return NULL;
    }
    size_t n = json_string_length(v);
    if (n == 0)
        return NULL;
    char *p = ev_arena_strndup(r->rec->arena, json_string_value(v), n);
    if (p == NULL && r->st == EV_OK)
        r->st = ev_error_set(r->err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    return p;
}

static bool get_bool(reader *r, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v))
        return false;
    if (!json_is_boolean(v)) {
        bad(r, "is not true or false", key);
        return false;
    }
    return json_is_true(v);
}

static long long get_int(reader *r, json_t *obj, const char *key, long long max)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max) {
        bad(r, "is not a valid number", key);
        return 0;
    }
    return json_integer_value(v);
}

/* The array under `key` (NULL when absent), or a type error. Counts the
 * elements into *n and allocates `size`-byte zeroed elements. */
static void *get_array(reader *r, json_t *obj, const char *key, size_t size, size_t *n,
                       json_t **arr)
{
    *n = 0;
    *arr = json_object_get(obj, key);
    if (*arr == NULL || json_is_null(*arr))
        return NULL;
    if (!json_is_array(*arr)) {
        bad(r, "is not an array", key);
        return NULL;
    }
    size_t len = json_array_size(*arr);
    if (len == 0)
        return NULL;
    if (len > SIZE_MAX / size) {
        bad(r, "is too long", key);
        return NULL;
    }
    void *p = ev_arena_alloc(r->rec->arena, len * size);
    if (p == NULL) {
        if (r->st == EV_OK)
            r->st = ev_error_set(r->err, EV_ENOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    *n = len;
    return p;
}

/* Element i of an array of objects, or a type error. */
static json_t *obj_at(reader *r, json_t *arr, size_t i, const char *key)
{
    json_t *o = json_array_get(arr, i);
    if (!json_is_object(o)) {
        bad(r, "holds a value that is not an object", key);
        return NULL;
    }
    return o;
}

static void get_str_list(reader *r, json_t *obj, const char *key, const char ***out, size_t *n)
{
    json_t *arr;
    const char **v = get_array(r, obj, key, sizeof *v, n, &arr);
    *out = v;
    for (size_t i = 0; i < *n && r->st == EV_OK; i++) {
        json_t *e = json_array_get(arr, i);
        if (!json_is_string(e)) {
            bad(r, "holds a value that is not a string", key);
            break;
        }
        v[i] = ev_arena_strndup(r->rec->arena, json_string_value(e), json_string_length(e));
        if (v[i] == NULL)
            r->st = ev_error_set(r->err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
}

static void get_kv_list(reader *r, json_t *obj, const char *key, ev_kv **out, size_t *n)
{
    json_t *arr;
    ev_kv *v = get_array(r, obj, key, sizeof *v, n, &arr);
    *out = v;
    for (size_t i = 0; i < *n && r->st == EV_OK; i++) {
        json_t *o = obj_at(r, arr, i, key);
        if (o == NULL)
            break;
        v[i].key = get_str(r, o, "key");
        v[i].value = get_str(r, o, "value");
    }
}

static void get_date(reader *r, json_t *obj, const char *key, ev_date *d)
{
    json_t *o = json_object_get(obj, key);
    if (o == NULL || json_is_null(o))
        return;
    if (!json_is_object(o)) {
        bad(r, "is not an object", key);
        return;
    }
    d->year = (int)get_int(r, o, "year", 9999);
    d->month = (int)get_int(r, o, "month", 12);
    d->day = (int)get_int(r, o, "day", 31);
    d->season = get_str(r, o, "season");
    d->raw = get_str(r, o, "raw");
}

static void get_authors(reader *r, json_t *obj)
{
    json_t *arr;
    ev_record *rec = r->rec;
    rec->authors = get_array(r, obj, "authors", sizeof *rec->authors, &rec->n_authors, &arr);
    for (size_t i = 0; i < rec->n_authors && r->st == EV_OK; i++) {
        json_t *o = obj_at(r, arr, i, "authors");
        if (o == NULL)
            break;
        ev_author *a = &rec->authors[i];
        a->family = get_str(r, o, "family");
        a->given = get_str(r, o, "given");
        a->initials = get_str(r, o, "initials");
        a->suffix = get_str(r, o, "suffix");
        a->collective = get_str(r, o, "collective");
        a->orcid = get_str(r, o, "orcid");
        get_str_list(r, o, "affiliations", &a->affiliations, &a->n_affiliations);
        a->invalid = get_bool(r, o, "invalid");
    }
}

static void get_abstract(reader *r, json_t *obj)
{
    json_t *arr;
    ev_record *rec = r->rec;
    rec->abstract = get_array(r, obj, "abstract", sizeof *rec->abstract, &rec->n_abstract, &arr);
    for (size_t i = 0; i < rec->n_abstract && r->st == EV_OK; i++) {
        json_t *o = obj_at(r, arr, i, "abstract");
        if (o == NULL)
            break;
        rec->abstract[i].label = get_str(r, o, "label");
        rec->abstract[i].category = get_str(r, o, "category");
        rec->abstract[i].text = get_str(r, o, "text");
    }
}

static void get_qualifiers(reader *r, json_t *o, ev_mesh_heading *h)
{
    json_t *arr;
    h->qualifiers = get_array(r, o, "qualifiers", sizeof *h->qualifiers, &h->n_qualifiers, &arr);
    for (size_t j = 0; j < h->n_qualifiers && r->st == EV_OK; j++) {
        json_t *q = obj_at(r, arr, j, "qualifiers");
        if (q == NULL)
            break;
        h->qualifiers[j].ui = get_str(r, q, "ui");
        h->qualifiers[j].name = get_str(r, q, "name");
        h->qualifiers[j].major = get_bool(r, q, "major");
    }
}

static void get_mesh(reader *r, json_t *obj)
{
    json_t *arr;
    ev_record *rec = r->rec;
    rec->mesh = get_array(r, obj, "mesh", sizeof *rec->mesh, &rec->n_mesh, &arr);
    for (size_t i = 0; i < rec->n_mesh && r->st == EV_OK; i++) {
        json_t *o = obj_at(r, arr, i, "mesh");
        if (o == NULL)
            break;
        ev_mesh_heading *h = &rec->mesh[i];
        h->ui = get_str(r, o, "ui");
        h->name = get_str(r, o, "name");
        h->major = get_bool(r, o, "major");
        h->geographic = get_bool(r, o, "geographic");
        get_qualifiers(r, o, h);
    }
}

static void get_keywords(reader *r, json_t *obj)
{
    json_t *arr;
    ev_record *rec = r->rec;
    rec->keywords = get_array(r, obj, "keywords", sizeof *rec->keywords, &rec->n_keywords, &arr);
    for (size_t i = 0; i < rec->n_keywords && r->st == EV_OK; i++) {
        json_t *o = obj_at(r, arr, i, "keywords");
        if (o == NULL)
            break;
        rec->keywords[i].text = get_str(r, o, "text");
        rec->keywords[i].owner = get_str(r, o, "owner");
        rec->keywords[i].major = get_bool(r, o, "major");
    }
}

static void get_raw(reader *r, json_t *obj)
{
    json_t *v = json_object_get(obj, "raw");
    ev_record *rec = r->rec;
    if (v && json_is_string(v)) {
        rec->raw_len = json_string_length(v);
        rec->raw = ev_arena_strndup(rec->arena, json_string_value(v), rec->raw_len);
        if (rec->raw == NULL && r->st == EV_OK)
            r->st = ev_error_set(r->err, EV_ENOMEM, NULL, 0, 0, "out of memory");
        return;
    }
    if (v && !json_is_null(v)) {
        bad(r, "is not a string", "raw");
        return;
    }
    const char *b64 = get_str(r, obj, "raw_base64");
    if (b64 == NULL)
        return;
    size_t cap = strlen(b64) / 4 * 3 + 3;
    unsigned char *bin = ev_arena_alloc(rec->arena, cap + 1);
    size_t len = 0;
    if (bin == NULL || sodium_base642bin(bin, cap, b64, strlen(b64), NULL, &len, NULL,
                                         sodium_base64_VARIANT_ORIGINAL) != 0) {
        bad(r, "is not valid base64", "raw_base64");
        return;
    }
    bin[len] = '\0';
    rec->raw = (const char *)bin;
    rec->raw_len = len;
}

static void read_record(reader *r, json_t *root)
{
    ev_record *rec = r->rec;
    const char *fmt = get_str(r, root, "format");
    rec->format = ev_format_from_name(fmt);
    rec->source_line = (size_t)get_int(r, root, "source_line", LLONG_MAX);
    for (size_t i = 0; i < N_OF(str_fields); i++)
        *AT(rec, str_fields[i].off, const char *) = get_str(r, root, str_fields[i].name);
    for (size_t i = 0; i < N_OF(bool_fields); i++)
        *AT(rec, bool_fields[i].off, bool) = get_bool(r, root, bool_fields[i].name);
    for (size_t i = 0; i < N_OF(date_fields); i++)
        get_date(r, root, date_fields[i].name, AT(rec, date_fields[i].off, ev_date));
    get_abstract(r, root);
    get_authors(r, root);
    get_mesh(r, root);
    get_keywords(r, root);
    for (size_t i = 0; i < N_OF(list_fields); i++)
        get_str_list(r, root, list_fields[i].name, AT(rec, list_fields[i].off, const char **),
                     AT(rec, list_fields[i].count_off, size_t));
    for (size_t i = 0; i < N_OF(kv_fields); i++)
        get_kv_list(r, root, kv_fields[i].name, AT(rec, kv_fields[i].off, ev_kv *),
                    AT(rec, kv_fields[i].count_off, size_t));
    get_raw(r, root);
}

ev_status ev_record_from_json(ev_record **out, const char *json, size_t n, ev_error *err)
{
    *out = NULL;
    json_error_t jerr;
    json_t *root = json_loadb(json, n, JSON_ALLOW_NUL, &jerr);
    if (root == NULL)
        return ev_error_set(err, EV_EINPUT, NULL, (size_t)(jerr.line > 0 ? jerr.line : 0),
                            (size_t)(jerr.column > 0 ? jerr.column : 0), "record json: %s",
                            jerr.text);
    if (!json_is_object(root)) {
        json_decref(root);
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "record json: not an object");
    }
    reader r = {ev_record_new(), err, EV_OK};
    if (r.rec == NULL)
        r.st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    else
        read_record(&r, root);
    json_decref(root);
    if (r.st != EV_OK) {
        ev_record_free(r.rec);
        return r.st;
    }
    *out = r.rec;
    return EV_OK;
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
    for (size_t i = 0; i < N_OF(str_fields); i++)
        if (!same_str(*CAT(a, str_fields[i].off, const char *),
                      *CAT(b, str_fields[i].off, const char *)))
            return differ(&c, str_fields[i].name, 0, NULL);
    for (size_t i = 0; i < N_OF(bool_fields); i++)
        if (*CAT(a, bool_fields[i].off, bool) != *CAT(b, bool_fields[i].off, bool))
            return differ(&c, bool_fields[i].name, 0, NULL);
    for (size_t i = 0; i < N_OF(date_fields); i++)
        if (!same_date(CAT(a, date_fields[i].off, ev_date), CAT(b, date_fields[i].off, ev_date)))
            return differ(&c, date_fields[i].name, 0, NULL);
    if (!eq_structs(&c, a, b))
        return false;
    for (size_t i = 0; i < N_OF(list_fields); i++)
        if (!eq_str_list(&c, list_fields[i].name, *CAT(a, list_fields[i].off, const char *const *),
                         *CAT(a, list_fields[i].count_off, size_t),
                         *CAT(b, list_fields[i].off, const char *const *),
                         *CAT(b, list_fields[i].count_off, size_t)))
            return false;
    for (size_t i = 0; i < N_OF(kv_fields); i++)
        if (!eq_kv_list(&c, kv_fields[i].name, *CAT(a, kv_fields[i].off, const ev_kv *),
                        *CAT(a, kv_fields[i].count_off, size_t),
                        *CAT(b, kv_fields[i].off, const ev_kv *),
                        *CAT(b, kv_fields[i].count_off, size_t)))
            return false;
    if (why && why_size)
        why[0] = '\0';
    return true;
}
