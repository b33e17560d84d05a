/*
 * record_json_read.c - ev_record_from_json: a JSON reader specialised to the
 * record document (docs/record-json.md), writing strings straight into the
 * record's arena.
 *
 * Why not jansson: ev_store_records_foreach reads one record JSON per live
 * record for dedup, search and export; with jansson, 90% of that time went to
 * building and freeing the value tree (an allocation per value). This reader
 * makes no allocation outside the arena. It is strict JSON (RFC 8259): UTF-8
 * checked, control characters and lone surrogates refused, nothing after the
 * document; the fuzz harness checks that whatever it accepts, jansson accepts
 * too. Unknown members are skipped; null means absent; the last of duplicate
 * members wins.
 */
#include "record_json_int.h"

#include <sodium.h>

#define MAX_DEPTH 64

typedef struct jr {
    const char *start, *p, *end;
    ev_record *rec;
    ev_error *err;
    ev_status st;
} jr;

/* ---- errors ------------------------------------------------------------------ */

/* Syntax errors carry the line and column of the offending byte. */
static bool syntax(jr *r, const char *what)
{
    if (r->st != EV_OK)
        return false;
    size_t line = 1, col = 1;
    for (const char *q = r->start; q < r->p && q < r->end; q++) {
        if (*q == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    r->st = ev_error_set(r->err, EV_EINPUT, NULL, line, col, "record json: %s", what);
    return false;
}

static bool bad(jr *r, const char *key, const char *what)
{
    if (r->st == EV_OK)
        r->st = ev_error_set(r->err, EV_EINPUT, NULL, 0, 0, "record json: '%s' %s", key, what);
    return false;
}

static bool nomem(jr *r)
{
    if (r->st == EV_OK)
        r->st = ev_error_set(r->err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    return false;
}

/* ---- lexing --------------------------------------------------------------------- */

static void ws(jr *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\t' || *r->p == '\r'))
        r->p++;
}

static bool peek(jr *r, char c)
{
    ws(r);
    return r->p < r->end && *r->p == c;
}

static bool eat(jr *r, char c)
{
    if (!peek(r, c))
        return false;
    r->p++;
    return true;
}

static bool literal(jr *r, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return syntax(r, "invalid literal");
    r->p += n;
    return true;
}

/* Length of the valid UTF-8 sequence at s (RFC 3629), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t len;
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

static int hex4(const char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int c = (unsigned char)s[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80)
        return o[0] = (char)cp, 1;
    if (cp < 0x800)
        return o[0] = (char)(0xC0 | cp >> 6), o[1] = (char)(0x80 | (cp & 0x3F)), 2;
    if (cp < 0x10000)
        return o[0] = (char)(0xE0 | cp >> 12), o[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
               o[2] = (char)(0x80 | (cp & 0x3F)), 3;
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A \uXXXX escape (and its low surrogate) at r->p (after the backslash-u). */
static bool unicode_escape(jr *r, char *o, size_t *k)
{
    int hi = r->end - r->p >= 4 ? hex4(r->p) : -1;
    if (hi < 0)
        return syntax(r, "invalid \\u escape");
    r->p += 4;
    unsigned cp = (unsigned)hi;
    if (hi >= 0xDC00 && hi <= 0xDFFF)
        return syntax(r, "lone low surrogate in \\u escape");
    if (hi >= 0xD800 && hi <= 0xDBFF) {
        int lo = r->end - r->p >= 6 && r->p[0] == '\\' && r->p[1] == 'u' ? hex4(r->p + 2) : -1;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return syntax(r, "lone high surrogate in \\u escape");
        r->p += 6;
        cp = 0x10000 + (((unsigned)hi - 0xD800) << 10) + ((unsigned)lo - 0xDC00);
    }
    *k += put_utf8(o + *k, cp);
    return true;
}

static bool simple_escape(jr *r, char *o, size_t *k)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit = r->p < r->end ? memchr(from, *r->p, sizeof from - 1) : NULL;
    if (hit == NULL)
        return syntax(r, "invalid escape in string");
    o[(*k)++] = to[hit - from];
    r->p++;
    return true;
}

/* Bytes up to the closing quote of the string starting at s (escapes
 * skipped); 0 when unterminated. */
static size_t encoded_length(const char *s, const char *end, bool *closed)
{
    const char *q = s;
    for (;;) {
        q = memchr(q, '"', (size_t)(end - q));
        if (q == NULL) {
            *closed = false;
            return (size_t)(end - s);
        }
        size_t slashes = 0; /* an odd number of backslashes escapes it */
        while (q - slashes > s && q[-1 - (ptrdiff_t)slashes] == '\\')
            slashes++;
        if (slashes % 2 == 0) {
            *closed = true;
            return (size_t)(q - s);
        }
        q++;
    }
}

static bool decode_char(jr *r, char *dst, size_t *k)
{
    unsigned char c = (unsigned char)*r->p;
    if (c < 0x20)
        return syntax(r, "control character in string");
    if (c == '\\') {
        r->p++;
        if (r->p < r->end && *r->p == 'u')
            return r->p++, unicode_escape(r, dst, k);
        return simple_escape(r, dst, k);
    }
    if (c < 0x80) {
        dst[(*k)++] = (char)c;
        r->p++;
        return true;
    }
    size_t n = utf8_len((const unsigned char *)r->p, (size_t)(r->end - r->p));
    if (n == 0)
        return syntax(r, "invalid UTF-8 in string");
    memcpy(dst + *k, r->p, n);
    *k += n;
    r->p += n;
    return true;
}

/* A string at r->p (opening quote included), decoded into the arena. With
 * `out` NULL the string is only checked and skipped. Escapes only shrink
 * text, so the decoded length never exceeds the encoded one. */
static bool string(jr *r, const char **out, size_t *len)
{
    if (!eat(r, '"'))
        return syntax(r, "string expected");
    bool closed;
    size_t enc = encoded_length(r->p, r->end, &closed);
    char tmp[8];
    char *o = out ? ev_arena_alloc(r->rec->arena, enc + 1) : NULL;
    if (out && o == NULL)
        return nomem(r);
    size_t k = 0;
    while (r->p < r->end && *r->p != '"') {
        const char *run = r->p; /* a run of plain bytes, copied at once */
        r->p += ev__rj_plain_run((const unsigned char *)r->p, (size_t)(r->end - r->p));
        if (o && r->p > run) {
            memcpy(o + k, run, (size_t)(r->p - run));
            k += (size_t)(r->p - run);
        }
        if (r->p >= r->end || *r->p == '"')
            break;
        size_t kk = 0;
        if (!decode_char(r, o ? o : tmp, o ? &k : &kk))
            return false;
    }
    if (!closed || r->p >= r->end)
        return syntax(r, "unterminated string");
    r->p++;
    if (out) {
        o[k] = '\0';
        *out = o;
        *len = k;
    }
    return true;
}

/* A JSON number (grammar checked); *integer is set when it is a plain
 * integer that fits, with its value in *v. */
static bool number(jr *r, bool *integer, long long *v)
{
    bool neg = r->p < r->end && *r->p == '-';
    if (neg)
        r->p++;
    if (r->p >= r->end || !isdigit((unsigned char)*r->p))
        return syntax(r, "invalid number");
    bool lead0 = *r->p == '0';
    long long acc = 0;
    bool fits = true;
    size_t digits = 0;
    while (r->p < r->end && isdigit((unsigned char)*r->p)) {
        int d = *r->p++ - '0';
        fits = fits && acc <= (LLONG_MAX - d) / 10;
        acc = fits ? acc * 10 + d : acc;
        digits++;
    }
    if (lead0 && digits > 1)
        return syntax(r, "invalid number");
    *integer = fits;
    if (r->p < r->end && *r->p == '.') {
        r->p++;
        *integer = false;
        if (r->p >= r->end || !isdigit((unsigned char)*r->p))
            return syntax(r, "invalid number");
        while (r->p < r->end && isdigit((unsigned char)*r->p))
            r->p++;
    }
    if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
        r->p++;
        *integer = false;
        if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
            r->p++;
        if (r->p >= r->end || !isdigit((unsigned char)*r->p))
            return syntax(r, "invalid number");
        while (r->p < r->end && isdigit((unsigned char)*r->p))
            r->p++;
    }
    *v = neg ? -acc : acc;
    return true;
}

static bool skip_value(jr *r, int depth);

static bool skip_container(jr *r, int depth, char close, bool object)
{
    if (depth > MAX_DEPTH)
        return syntax(r, "nested too deeply");
    r->p++;
    if (eat(r, close))
        return true;
    do {
        if (object && (!string(r, NULL, NULL) || !eat(r, ':')))
            return r->st == EV_OK ? syntax(r, "':' expected") : false;
        if (!skip_value(r, depth + 1))
            return false;
    } while (eat(r, ','));
    return eat(r, close) ? true : syntax(r, object ? "',' or '}' expected" : "',' or ']' expected");
}

static bool skip_value(jr *r, int depth)
{
    ws(r);
    if (r->p >= r->end)
        return syntax(r, "value expected");
    bool integer;
    long long v;
    switch (*r->p) {
    case '"': return string(r, NULL, NULL);
    case '{': return skip_container(r, depth, '}', true);
    case '[': return skip_container(r, depth, ']', false);
    case 't': return literal(r, "true");
    case 'f': return literal(r, "false");
    case 'n': return literal(r, "null");
    default:
        if (*r->p != '-' && !isdigit((unsigned char)*r->p))
            return syntax(r, "value expected");
        return number(r, &integer, &v);
    }
}

/* ---- typed values ------------------------------------------------------------- */

/* A value of the wrong type: a syntax error if it is not JSON at all, else
 * the member's type error. */
static bool type_error(jr *r, const char *key, const char *what)
{
    if (r->st != EV_OK || !skip_value(r, 1))
        return false;
    return bad(r, key, what);
}

/* null is read as absent: consumes it and returns true. */
static bool is_null(jr *r)
{
    if (!peek(r, 'n'))
        return false;
    return literal(r, "null");
}

/* A string member: "" and null are absent (NULL). */
static bool get_str(jr *r, const char *key, const char **out)
{
    *out = NULL;
    if (is_null(r))
        return true;
    if (!peek(r, '"'))
        return type_error(r, key, "is not a string");
    size_t n;
    const char *s;
    if (!string(r, &s, &n))
        return false;
    *out = n ? s : NULL;
    return true;
}

static bool get_bool(jr *r, const char *key, bool *out)
{
    *out = false;
    if (is_null(r))
        return true;
    if (peek(r, 't'))
        return (*out = true), literal(r, "true");
    if (peek(r, 'f'))
        return literal(r, "false");
    return type_error(r, key, "is not true or false");
}

static bool get_int(jr *r, const char *key, long long max, long long *out)
{
    *out = 0;
    if (is_null(r))
        return true;
    ws(r);
    if (r->p >= r->end || (*r->p != '-' && !isdigit((unsigned char)*r->p)))
        return type_error(r, key, "is not a valid number");
    bool integer;
    long long v;
    if (!number(r, &integer, &v))
        return false;
    if (!integer || v < 0 || v > max)
        return bad(r, key, "is not a valid number");
    *out = v;
    return true;
}

/* ---- objects and arrays ----------------------------------------------------------- */

typedef bool (*member_fn)(jr *r, const char *key, size_t n, void *obj);

/* Walk an object's members, calling fn for each (fn consumes the value). */
static bool object(jr *r, const char *name, member_fn fn, void *obj)
{
    if (!eat(r, '{'))
        return type_error(r, name, "is not an object");
    if (eat(r, '}'))
        return true;
    do {
        const char *key;
        size_t n;
        ws(r);
        const char *save = r->p;
        if (!string(r, NULL, NULL))
            return false;
        key = save + 1; /* keys are compared raw: ours need no escapes */
        n = (size_t)(r->p - save - 2);
        if (!eat(r, ':'))
            return syntax(r, "':' expected");
        if (!fn(r, key, n, obj))
            return false;
    } while (eat(r, ','));
    return eat(r, '}') ? true : syntax(r, "',' or '}' expected");
}

static bool key_is(const char *key, size_t n, const char *name)
{
    return strlen(name) == n && memcmp(key, name, n) == 0;
}

/* An array of `size`-byte elements, each read by `elem` into zeroed memory
 * grown in the arena. null or absent: (NULL, 0). */
typedef bool (*elem_fn)(jr *r, const char *key, void *elem);

static bool array(jr *r, const char *key, size_t size, elem_fn elem, void **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (is_null(r))
        return true;
    if (!eat(r, '['))
        return type_error(r, key, "is not an array");
    if (eat(r, ']'))
        return true;
    unsigned char *arr = NULL;
    size_t count = 0;
    do {
        arr = ev_arena_grow(r->rec->arena, arr, count, size);
        if (arr == NULL)
            return nomem(r);
        memset(arr + count * size, 0, size);
        if (!elem(r, key, arr + count * size))
            return false;
        count++;
    } while (eat(r, ','));
    if (!eat(r, ']'))
        return syntax(r, "',' or ']' expected");
    *out = arr;
    *n = count;
    return true;
}

static bool elem_string(jr *r, const char *key, void *elem)
{
    if (!peek(r, '"'))
        return type_error(r, key, "holds a value that is not a string");
    size_t n;
    return string(r, (const char **)elem, &n);
}

static bool obj_elem(jr *r, const char *key, member_fn fn, void *elem)
{
    if (!peek(r, '{'))
        return type_error(r, key, "holds a value that is not an object");
    return object(r, key, fn, elem);
}

/* ---- members of the nested objects -------------------------------------------------- */

static bool m_kv(jr *r, const char *key, size_t n, void *obj)
{
    ev_kv *kv = obj;
    if (key_is(key, n, "key"))
        return get_str(r, "key", &kv->key);
    if (key_is(key, n, "value"))
        return get_str(r, "value", &kv->value);
    return skip_value(r, 2);
}

static bool e_kv(jr *r, const char *key, void *elem)
{
    return obj_elem(r, key, m_kv, elem);
}

static bool m_date(jr *r, const char *key, size_t n, void *obj)
{
    ev_date *d = obj;
    long long v;
    if (key_is(key, n, "year"))
        return get_int(r, "year", 9999, &v) && ((d->year = (int)v), true);
    if (key_is(key, n, "month"))
        return get_int(r, "month", 12, &v) && ((d->month = (int)v), true);
    if (key_is(key, n, "day"))
        return get_int(r, "day", 31, &v) && ((d->day = (int)v), true);
    if (key_is(key, n, "season"))
        return get_str(r, "season", &d->season);
    if (key_is(key, n, "raw"))
        return get_str(r, "raw", &d->raw);
    return skip_value(r, 2);
}

static bool m_section(jr *r, const char *key, size_t n, void *obj)
{
    ev_abstract_section *s = obj;
    if (key_is(key, n, "label"))
        return get_str(r, "label", &s->label);
    if (key_is(key, n, "category"))
        return get_str(r, "category", &s->category);
    if (key_is(key, n, "text"))
        return get_str(r, "text", &s->text);
    return skip_value(r, 2);
}

static bool e_section(jr *r, const char *key, void *elem)
{
    return obj_elem(r, key, m_section, elem);
}

static bool m_author(jr *r, const char *key, size_t n, void *obj)
{
    ev_author *a = obj;
    static const struct {
        const char *name;
        size_t off;
    } strs[] = {{"family", offsetof(ev_author, family)},
                {"given", offsetof(ev_author, given)},
                {"initials", offsetof(ev_author, initials)},
                {"suffix", offsetof(ev_author, suffix)},
                {"collective", offsetof(ev_author, collective)},
                {"orcid", offsetof(ev_author, orcid)}};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        if (key_is(key, n, strs[i].name))
            return get_str(r, strs[i].name, EV__RJ_AT(a, strs[i].off, const char *));
    if (key_is(key, n, "affiliations"))
        return array(r, "affiliations", sizeof(const char *), elem_string,
                     (void **)&a->affiliations, &a->n_affiliations);
    if (key_is(key, n, "invalid"))
        return get_bool(r, "invalid", &a->invalid);
    return skip_value(r, 2);
}

static bool e_author(jr *r, const char *key, void *elem)
{
    return obj_elem(r, key, m_author, elem);
}

static bool m_qualifier(jr *r, const char *key, size_t n, void *obj)
{
    ev_mesh_qualifier *q = obj;
    if (key_is(key, n, "ui"))
        return get_str(r, "ui", &q->ui);
    if (key_is(key, n, "name"))
        return get_str(r, "name", &q->name);
    if (key_is(key, n, "major"))
        return get_bool(r, "major", &q->major);
    return skip_value(r, 3);
}

static bool e_qualifier(jr *r, const char *key, void *elem)
{
    return obj_elem(r, key, m_qualifier, elem);
}

static bool m_heading(jr *r, const char *key, size_t n, void *obj)
{
    ev_mesh_heading *h = obj;
    if (key_is(key, n, "ui"))
        return get_str(r, "ui", &h->ui);
    if (key_is(key, n, "name"))
        return get_str(r, "name", &h->name);
    if (key_is(key, n, "major"))
        return get_bool(r, "major", &h->major);
    if (key_is(key, n, "geographic"))
        return get_bool(r, "geographic", &h->geographic);
    if (key_is(key, n, "qualifiers"))
        return array(r, "qualifiers", sizeof(ev_mesh_qualifier), e_qualifier,
                     (void **)&h->qualifiers, &h->n_qualifiers);
    return skip_value(r, 2);
}

static bool e_heading(jr *r, const char *key, void *elem)
{
    return obj_elem(r, key, m_heading, elem);
}

static bool m_keyword(jr *r, const char *key, size_t n, void *obj)
{
    ev_keyword *k = obj;
    if (key_is(key, n, "text"))
        return get_str(r, "text", &k->text);
    if (key_is(key, n, "owner"))
        return get_str(r, "owner", &k->owner);
    if (key_is(key, n, "major"))
        return get_bool(r, "major", &k->major);
    return skip_value(r, 2);
}

static bool e_keyword(jr *r, const char *key, void *elem)
{
    return obj_elem(r, key, m_keyword, elem);
}

/* ---- the record ----------------------------------------------------------------------- */

static bool get_raw(jr *r, bool base64)
{
    ev_record *rec = r->rec;
    if (is_null(r))
        return true;
    if (!peek(r, '"'))
        return type_error(r, base64 ? "raw_base64" : "raw", "is not a string");
    const char *s;
    size_t n;
    if (!string(r, &s, &n))
        return false;
    if (!base64) {
        rec->raw = s;
        rec->raw_len = n;
        return true;
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

/* The members whose value is an array of objects. */
static bool struct_lists(jr *r, const char *key, size_t n, bool *done)
{
    ev_record *rec = r->rec;
    *done = true;
    if (key_is(key, n, "abstract"))
        return array(r, "abstract", sizeof *rec->abstract, e_section, (void **)&rec->abstract,
                     &rec->n_abstract);
    if (key_is(key, n, "authors"))
        return array(r, "authors", sizeof *rec->authors, e_author, (void **)&rec->authors,
                     &rec->n_authors);
    if (key_is(key, n, "mesh"))
        return array(r, "mesh", sizeof *rec->mesh, e_heading, (void **)&rec->mesh, &rec->n_mesh);
    if (key_is(key, n, "keywords"))
        return array(r, "keywords", sizeof *rec->keywords, e_keyword, (void **)&rec->keywords,
                     &rec->n_keywords);
    *done = false;
    return true;
}

static bool table_member(jr *r, const char *key, size_t n, bool *done)
{
    ev_record *rec = r->rec;
    *done = true;
    for (size_t i = 0; i < ev__rj_n_strings; i++)
        if (key_is(key, n, ev__rj_strings[i].name))
            return get_str(r, ev__rj_strings[i].name,
                           EV__RJ_AT(rec, ev__rj_strings[i].off, const char *));
    for (size_t i = 0; i < ev__rj_n_bools; i++)
        if (key_is(key, n, ev__rj_bools[i].name))
            return get_bool(r, ev__rj_bools[i].name, EV__RJ_AT(rec, ev__rj_bools[i].off, bool));
    for (size_t i = 0; i < ev__rj_n_dates; i++)
        if (key_is(key, n, ev__rj_dates[i].name)) {
            ev_date *d = EV__RJ_AT(rec, ev__rj_dates[i].off, ev_date);
            memset(d, 0, sizeof *d);
            return is_null(r) || object(r, ev__rj_dates[i].name, m_date, d);
        }
    for (size_t i = 0; i < ev__rj_n_str_lists; i++)
        if (key_is(key, n, ev__rj_str_lists[i].name))
            return array(r, ev__rj_str_lists[i].name, sizeof(const char *), elem_string,
                         EV__RJ_AT(rec, ev__rj_str_lists[i].off, void *),
                         EV__RJ_AT(rec, ev__rj_str_lists[i].count_off, size_t));
    for (size_t i = 0; i < ev__rj_n_kv_lists; i++)
        if (key_is(key, n, ev__rj_kv_lists[i].name))
            return array(r, ev__rj_kv_lists[i].name, sizeof(ev_kv), e_kv,
                         EV__RJ_AT(rec, ev__rj_kv_lists[i].off, void *),
                         EV__RJ_AT(rec, ev__rj_kv_lists[i].count_off, size_t));
    *done = false;
    return true;
}

static bool m_record(jr *r, const char *key, size_t n, void *obj)
{
    ev_record *rec = obj;
    bool done;
    if (key_is(key, n, "format")) {
        const char *f;
        if (!get_str(r, "format", &f))
            return false;
        rec->format = ev_format_from_name(f);
        return true;
    }
    if (key_is(key, n, "source_line")) {
        long long v;
        return get_int(r, "source_line", LLONG_MAX, &v) && ((rec->source_line = (size_t)v), true);
    }
    if (key_is(key, n, "raw") || key_is(key, n, "raw_base64"))
        return get_raw(r, key_is(key, n, "raw_base64"));
    bool ok = table_member(r, key, n, &done);
    if (done)
        return ok;
    ok = struct_lists(r, key, n, &done);
    if (done)
        return ok;
    return skip_value(r, 1);
}

ev_status ev_record_from_json(ev_record **out, const char *json, size_t n, ev_error *err)
{
    *out = NULL;
    jr r = {json, json, json + n, ev_record_new(), err, EV_OK};
    if (r.rec == NULL)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    if (!peek(&r, '{')) {
        if (skip_value(&r, 0))
            r.st = ev_error_set(err, EV_EINPUT, NULL, 0, 0, "record json: not an object");
    } else if (object(&r, "record", m_record, r.rec)) {
        ws(&r);
    }
    if (r.st == EV_OK && r.p != r.end)
        syntax(&r, "end of input expected");
    if (r.st != EV_OK) {
        ev_record_free(r.rec);
        return r.st;
    }
    *out = r.rec;
    return EV_OK;
}
