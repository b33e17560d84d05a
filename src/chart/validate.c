/*
 * validate.c - checking a value against its field on entry. Every message
 * names the field's path and the rule it broke, and quotes the value, so a
 * reviewer can fix the entry without reading the schema.
 */
#include "chart_int.h"

static ev_status bad(ev_error *err, const char *path, const char *fmt, ...) EV_PRINTF(3, 4);
static ev_status bad(ev_error *err, const char *path, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "%s: %s", path, msg);
}

char *ev__chart_dump(const json_t *v)
{
    char *s =
        json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    if (s == NULL)
        return NULL;
    char *copy = ev_strdup(s);
    free(s); /* jansson allocates with malloc */
    return copy;
}

/* "got X" text for messages. */
static void shown(char *buf, size_t n, const json_t *v)
{
    char *s = ev__chart_dump(v);
    snprintf(buf, n, "%s", s ? s : "?");
    ev_free(s);
}

static void range_text(char *buf, size_t n, bool has_min, double mn, bool has_max, double mx)
{
    if (has_min && has_max)
        snprintf(buf, n, "between %g and %g", mn, mx);
    else if (has_min)
        snprintf(buf, n, "\u2265 %g", mn);
    else if (has_max)
        snprintf(buf, n, "\u2264 %g", mx);
    else
        snprintf(buf, n, "any value");
}

static bool in_bounds(const ev__chart_field *fd, double x)
{
    return (!fd->has_min || x >= fd->min) && (!fd->has_max || x <= fd->max);
}

static ev_status check_number(json_t **out, const ev__chart_field *fd, const char *path, json_t *v,
                              ev_error *err)
{
    bool integer = fd->type == EV_CHART_INTEGER;
    double x = json_number_value(v);
    bool ok = integer ? json_is_integer(v) || (json_is_real(v) && x == floor(x) && fabs(x) < 9e15)
                      : json_is_number(v) && isfinite(x);
    char got[64], rng[96];
    shown(got, sizeof got, v);
    range_text(rng, sizeof rng, fd->has_min, fd->min, fd->has_max, fd->max);
    if (!ok || !in_bounds(fd, x))
        return bad(err, path, "must be %s %s%s%s, got %s", integer ? "an integer" : "a number", rng,
                   fd->unit ? " " : "", fd->unit ? fd->unit : "", got);
    *out = integer ? json_integer((json_int_t)x) : json_real(x);
    return *out ? EV_OK : ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
}

static bool date_ok(const char *s)
{
    int y = 0, m = 1, d = 1;
    size_t len = strlen(s);
    if (!(len == 4 || len == 7 || len == 10))
        return false;
    for (size_t i = 0; i < len; i++)
        if ((i == 4 || i == 7) ? s[i] != '-' : !isdigit((unsigned char)s[i]))
            return false;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    if (len >= 7)
        m = (s[5] - '0') * 10 + (s[6] - '0');
    if (len == 10)
        d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1000 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

static ev_status check_text(json_t **out, const ev__chart_field *fd, const char *path, json_t *v,
                            ev_error *err)
{
    char got[128];
    shown(got, sizeof got, v);
    const char *s = json_string_value(v);
    if (s == NULL)
        return bad(err, path, "must be text, got %s", got);
    if (fd->type == EV_CHART_DATE && !date_ok(s))
        return bad(err, path, "must be a date YYYY, YYYY-MM or YYYY-MM-DD, got %s", got);
    if (fd->type == EV_CHART_CHOICE) {
        size_t i = 0;
        while (i < fd->nchoices && strcmp(fd->choices[i], s) != 0)
            i++;
        if (i == fd->nchoices)
            return bad(err, path, "must be one of the form's choices (%s%s), got %s",
                       fd->choices[0], fd->nchoices > 1 ? ", ..." : "", got);
    }
    *out = json_incref(v);
    return EV_OK;
}

static ev_status check_multi(json_t **out, const ev__chart_field *fd, const char *path, json_t *v,
                             ev_error *err)
{
    if (!json_is_array(v))
        return bad(err, path, "must be a list of choices");
    ev__chart_field one = *fd;
    one.type = EV_CHART_CHOICE;
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *tmp = NULL, *item = json_array_get(v, i);
        ev_status st = check_text(&tmp, &one, path, item, err);
        json_decref(tmp);
        if (st != EV_OK)
            return st;
        for (size_t j = 0; j < i; j++)
            if (json_equal(json_array_get(v, j), item))
                return bad(err, path, "choice '%s' is listed twice", json_string_value(item));
    }
    *out = json_incref(v);
    return EV_OK;
}

/* Members of the compound types. */
typedef enum { M_NUM, M_NONNEG, M_INT0, M_INT1, M_STR } member_kind;
typedef struct member {
    const char *key;
    member_kind kind;
    bool required;
} member;

static const member mean_sd_m[] = {
    {"mean", M_NUM, true}, {"sd", M_NONNEG, false}, {"n", M_INT1, false}, {NULL, M_NUM, false}};
static const member median_m[] = {{"median", M_NUM, true},
                                  {"q1", M_NUM, false},
                                  {"q3", M_NUM, false},
                                  {"n", M_INT1, false},
                                  {NULL, M_NUM, false}};
static const member events_m[] = {
    {"events", M_INT0, true}, {"total", M_INT1, true}, {NULL, M_NUM, false}};
static const member instr_m[] = {{"instrument", M_STR, false},
                                 {"mean", M_NUM, true},
                                 {"sd", M_NONNEG, false},
                                 {"n", M_INT1, false},
                                 {NULL, M_NUM, false}};

static ev_status check_member(const member *m, json_t *x, const char *path, ev_error *err)
{
    char got[64];
    shown(got, sizeof got, x);
    double d = json_number_value(x);
    switch (m->kind) {
    case M_STR:
        return json_is_string(x) ? EV_OK : bad(err, path, "%s must be text, got %s", m->key, got);
    case M_NUM:
        return json_is_number(x) && isfinite(d)
                   ? EV_OK
                   : bad(err, path, "%s must be a number, got %s", m->key, got);
    case M_NONNEG:
        return json_is_number(x) && isfinite(d) && d >= 0
                   ? EV_OK
                   : bad(err, path, "%s must be a number \u2265 0, got %s", m->key, got);
    default: {
        double lo = m->kind == M_INT1 ? 1 : 0;
        return json_is_integer(x) && d >= lo
                   ? EV_OK
                   : bad(err, path, "%s must be an integer \u2265 %g, got %s", m->key, lo, got);
    }
    }
}

/* Object with only the listed members, required ones present, nulls
 * allowed for optional ones ("not reported"). */
static ev_status check_members(const member *ms, const char *path, json_t *v, ev_error *err)
{
    if (!json_is_object(v))
        return bad(err, path, "must be an object with \"%s\"", ms[0].key);
    const char *key;
    json_t *x;
    json_object_foreach(v, key, x)
    {
        const member *m = ms;
        while (m->key && strcmp(m->key, key) != 0)
            m++;
        if (m->key == NULL)
            return bad(err, path, "unknown member \"%s\"", key);
        if (json_is_null(x) && !m->required)
            continue;
        ev_status st = check_member(m, x, path, err);
        if (st != EV_OK)
            return st;
    }
    for (const member *m = ms; m->key; m++)
        if (m->required && json_object_get(v, m->key) == NULL)
            return bad(err, path, "\"%s\" is required", m->key);
    return EV_OK;
}

static ev_status check_bounded_mean(const ev__chart_field *fd, const char *path, double x,
                                    const char *what, ev_error *err)
{
    char rng[96];
    range_text(rng, sizeof rng, fd->has_min, fd->min, fd->has_max, fd->max);
    return in_bounds(fd, x) ? EV_OK : bad(err, path, "%s must be %s, got %g", what, rng, x);
}

static ev_status check_instrument(const ev__chart_field *fd, const ev_chart_catalogue *cat,
                                  const char *path, json_t *v, ev_error *err)
{
    const char *name = json_string_value(json_object_get(v, "instrument"));
    if (name == NULL)
        name = fd->instrument;
    if (name == NULL)
        return bad(err, path, "\"instrument\" is required");
    const ev_chart_instrument *ins = ev_chart_catalogue_find(cat, name);
    if (ins == NULL)
        return bad(err, path, "instrument '%s' is not in the catalogue", name);
    if (fd->instrument && ev_chart_catalogue_find(cat, fd->instrument) != ins)
        return bad(err, path, "this field takes %s scores, got %s", fd->instrument, ins->id);
    double m = json_number_value(json_object_get(v, "mean"));
    if ((ins->has_min && m < ins->min) || (ins->has_max && m > ins->max)) {
        char lo[32] = "", hi[32] = "";
        if (ins->has_min)
            snprintf(lo, sizeof lo, "%g", ins->min);
        if (ins->has_max)
            snprintf(hi, sizeof hi, "%g", ins->max);
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                            "%s.mean: %g is outside %s's range %s\u2013%s", path, m, ins->id, lo,
                            hi);
    }
    return EV_OK;
}

static ev_status check_compound(const ev__chart_field *fd, const ev_chart_catalogue *cat,
                                const char *path, json_t *v, ev_error *err)
{
    switch (fd->type) {
    case EV_CHART_MEAN_SD: {
        ev_status st = check_members(mean_sd_m, path, v, err);
        return st != EV_OK
                   ? st
                   : check_bounded_mean(fd, path, json_number_value(json_object_get(v, "mean")),
                                        "mean", err);
    }
    case EV_CHART_MEDIAN_IQR: {
        ev_status st = check_members(median_m, path, v, err);
        if (st != EV_OK)
            return st;
        json_t *q1 = json_object_get(v, "q1"), *q3 = json_object_get(v, "q3");
        double md = json_number_value(json_object_get(v, "median"));
        if ((json_is_number(q1) && json_number_value(q1) > md) ||
            (json_is_number(q3) && json_number_value(q3) < md))
            return bad(err, path, "needs q1 \u2264 median \u2264 q3");
        return check_bounded_mean(fd, path, md, "median", err);
    }
    case EV_CHART_EVENTS: {
        ev_status st = check_members(events_m, path, v, err);
        json_int_t e = json_integer_value(json_object_get(v, "events"));
        json_int_t t = json_integer_value(json_object_get(v, "total"));
        if (st == EV_OK && e > t)
            return bad(err, path, "events (%lld) exceed the total (%lld)", (long long)e,
                       (long long)t);
        return st;
    }
    default: {
        ev_status st = check_members(instr_m, path, v, err);
        return st != EV_OK ? st : check_instrument(fd, cat, path, v, err);
    }
    }
}

ev_status ev__chart_check(json_t **out, const ev__chart_field *fd, const ev_chart_catalogue *cat,
                          const char *path, json_t *v, ev_error *err)
{
    *out = NULL;
    switch (fd->type) {
    case EV_CHART_INTEGER:
    case EV_CHART_NUMBER:
        return check_number(out, fd, path, v, err);
    case EV_CHART_TEXT:
    case EV_CHART_DATE:
    case EV_CHART_CHOICE:
        return check_text(out, fd, path, v, err);
    case EV_CHART_MULTI:
        return check_multi(out, fd, path, v, err);
    case EV_CHART_GROUP:
        return bad(err, path, "is a repeating group: set its fields (%s.N.%s)", path,
                   fd->sub[0].name);
    default:
        break;
    }
    ev_status st = check_compound(fd, cat, path, v, err);
    if (st == EV_OK)
        *out = json_incref(v);
    return st;
}

/* Turn the text a user typed into a JSON value for field `fd`: JSON when
 * it parses as such, else plain text for text-like fields, numbers for
 * numeric ones, "a;b" lists for multi-choice. NULL when it cannot be read
 * (the check then reports the rule). */
static json_t *coerce(const ev__chart_field *fd, const char *text)
{
    json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    switch (fd->type) {
    case EV_CHART_TEXT:
    case EV_CHART_DATE:
    case EV_CHART_CHOICE:
        if (json_is_string(v))
            return v;
        json_decref(v);
        return json_string(text);
    case EV_CHART_MULTI: {
        if (json_is_array(v))
            return v;
        json_decref(v);
        json_t *arr = json_array();
        for (const char *p = text; arr && *p;) {
            const char *semi = strchr(p, ';');
            size_t len = semi ? (size_t)(semi - p) : strlen(p);
            while (len && isspace((unsigned char)*p))
                p++, len--;
            while (len && isspace((unsigned char)p[len - 1]))
                len--;
            json_array_append_new(arr, json_stringn(p, len));
            p = semi ? semi + 1 : p + strlen(p);
        }
        return arr;
    }
    default:
        return v ? v : json_string(text);
    }
}

ev_status ev_chart_validate(char **normalised, const ev_chart_form *f,
                            const ev_chart_catalogue *cat, const char *path, const char *value,
                            ev_error *err)
{
    if (normalised)
        *normalised = NULL;
    const ev__chart_field *fd = ev__chart_form_find(f, path, true);
    if (fd == NULL)
        return ev_error_set(
            err, EV_ENOTFOUND, NULL, 0, 0, "'%s' is not a field of the form%s", path,
            ev__chart_form_find(f, path, false) ? " (give the group element number, e.g. arms.1.n)"
                                                : "");
    json_t *v = coerce(fd, value), *norm = NULL;
    if (v == NULL)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    ev_status st = ev__chart_check(&norm, fd, cat, path, v, err);
    json_decref(v);
    if (st == EV_OK && normalised && (*normalised = ev__chart_dump(norm)) == NULL)
        st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    json_decref(norm);
    return st;
}
