/*
 * json.c - a reader for the compact JSON values chart hands out
 * (ev_chart_values): strings, numbers, null, flat objects, arrays. The
 * report module does not link jansson (it belongs to chart and core); the
 * values come from chart's own serialiser, so only well-formed JSON is
 * expected, but a malformed value reads as "absent", never out of bounds.
 */
#include "report_int.h"

static const char *ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    return p;
}

/* Past the string starting at p (p at the opening quote), or NULL. */
static const char *skip_string(const char *p)
{
    for (p++; *p && *p != '"'; p++)
        if (*p == '\\' && *++p == '\0')
            return NULL;
    return *p == '"' ? p + 1 : NULL;
}

/* Past one value, or NULL when malformed. */
static const char *skip_value(const char *p)
{
    p = ws(p);
    if (*p == '"')
        return skip_string(p);
    if (*p != '{' && *p != '[') {
        const char *q = p;
        while (*q && !strchr(",]} \n\t\r", *q))
            q++;
        return q > p ? q : NULL;
    }
    int depth = 0;
    for (; *p; p++) {
        if (*p == '"') {
            if ((p = skip_string(p)) == NULL)
                return NULL;
            p--;
        } else if (*p == '{' || *p == '[')
            depth++;
        else if ((*p == '}' || *p == ']') && --depth == 0)
            return p + 1;
    }
    return NULL;
}

static bool put_utf8(ev_buf *b, unsigned long cp)
{
    char u[4];
    size_t n = 0;
    if (cp < 0x80)
        u[n++] = (char)cp;
    else if (cp < 0x800)
        u[n++] = (char)(0xC0 | (cp >> 6)), u[n++] = (char)(0x80 | (cp & 0x3F));
    else
        u[n++] = (char)(0xE0 | (cp >> 12)), u[n++] = (char)(0x80 | ((cp >> 6) & 0x3F)),
        u[n++] = (char)(0x80 | (cp & 0x3F));
    return ev_buf_append(b, u, n) == EV_OK;
}

static const char *unescape(ev_buf *b, const char *p)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *f = strchr(from, *p);
    if (*p && f)
        return ev_buf_putc(b, to[f - from]) == EV_OK ? p + 1 : NULL;
    if (*p != 'u')
        return NULL;
    unsigned long cp = 0;
    for (int i = 1; i <= 4; i++) {
        int c = p[i];
        int v = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (v < 0)
            return NULL;
        cp = cp * 16 + (unsigned long)v;
    }
    /* no surrogate pairs: chart writes UTF-8, not \u escapes */
    return put_utf8(b, cp) ? p + 5 : NULL;
}

bool ev__rj_string(const char *json, char **out)
{
    *out = NULL;
    const char *p = json ? ws(json) : NULL;
    if (p == NULL || *p != '"')
        return false;
    ev_buf b;
    ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
    for (p++; p && *p && *p != '"';)
        p = *p == '\\' ? unescape(&b, p + 1) : (ev_buf_putc(&b, *p) == EV_OK ? p + 1 : NULL);
    if (p && *p == '"')
        *out = ev_buf_detach(&b);
    ev_buf_release(&b);
    return *out != NULL;
}

bool ev__rj_number(const char *json, double *out)
{
    *out = NAN;
    const char *p = json ? ws(json) : NULL;
    if (p == NULL)
        return false;
    if (!strncmp(p, "null", 4))
        return true;
    char *end = NULL;
    double v = strtod(p, &end);
    if (end == p || (*end && !strchr(",]} \n\t\r", *end)))
        return false;
    *out = v;
    return true;
}

const char *ev__rj_field(const char *json, const char *key)
{
    const char *p = json ? ws(json) : NULL;
    if (p == NULL || *p != '{')
        return NULL;
    size_t klen = strlen(key);
    for (p = ws(p + 1); *p == '"';) {
        const char *k = p + 1, *v = skip_string(p);
        if (v == NULL || *(v = ws(v)) != ':')
            return NULL;
        v = ws(v + 1);
        if ((size_t)(p = skip_string(p) - 1) - (size_t)k == klen && !strncmp(k, key, klen))
            return v;
        if ((p = skip_value(v)) == NULL || *(p = ws(p)) != ',')
            return NULL;
        p = ws(p + 1);
    }
    return NULL;
}

const char *ev__rj_index(const char *json, size_t i)
{
    const char *p = json ? ws(json) : NULL;
    if (p == NULL || *p != '[')
        return NULL;
    p = ws(p + 1);
    if (*p == ']')
        return NULL;
    for (size_t k = 0; p && *p; k++) {
        if (k == i)
            return p;
        if ((p = skip_value(p)) == NULL || *(p = ws(p)) != ',')
            return NULL;
        p = ws(p + 1);
    }
    return NULL;
}
