/*
 * record.c - building normalised records: arena-backed setters and lists,
 * DOI normalisation, free-text date parsing (spec A7.3) and personal-name
 * splitting shared by every importer.
 */
#include "evident/ev_record.h"

ev_record *ev_record_new(void)
{
    ev_record *rec = ev_calloc(1, sizeof *rec);
    if (rec == NULL)
        return NULL;
    rec->arena = ev_arena_new();
    if (rec->arena == NULL) {
        ev_free(rec);
        return NULL;
    }
    return rec;
}

void ev_record_free(ev_record *rec)
{
    if (rec == NULL)
        return;
    ev_arena_free(rec->arena);
    ev_free(rec);
}

void ev_record_clear(ev_record *rec)
{
    ev_arena *a = rec->arena;
    ev_arena_reset(a);
    memset(rec, 0, sizeof *rec);
    rec->arena = a;
}

static void trim(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)(*s)[0])) {
        (*s)++;
        (*n)--;
    }
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

ev_status ev_record_set(ev_record *rec, const char **field, const char *s, size_t n)
{
    if (s == NULL) {
        *field = NULL;
        return EV_OK;
    }
    trim(&s, &n);
    if (n == 0) {
        *field = NULL;
        return EV_OK;
    }
    char *p = ev_arena_strndup(rec->arena, s, n);
    if (p == NULL)
        return EV_ENOMEM;
    *field = p;
    return EV_OK;
}

ev_status ev_record_push_str(ev_record *rec, const char ***list, size_t *n, const char *s,
                             size_t len)
{
    const char *v = NULL;
    if (ev_record_set(rec, &v, s, len) != EV_OK)
        return EV_ENOMEM;
    if (v == NULL)
        return EV_OK;
    const char **arr = ev_arena_grow(rec->arena, (void *)*list, *n, sizeof *arr);
    if (arr == NULL)
        return EV_ENOMEM;
    arr[(*n)++] = v;
    *list = arr;
    return EV_OK;
}

ev_status ev_record_push_kv(ev_record *rec, ev_kv **list, size_t *n, const char *key,
                            const char *value, size_t value_len)
{
    const char *v = NULL;
    if (ev_record_set(rec, &v, value, value_len) != EV_OK)
        return EV_ENOMEM;
    if (v == NULL)
        return EV_OK;
    const char *k = ev_arena_strdup(rec->arena, key);
    ev_kv *arr = ev_arena_grow(rec->arena, *list, *n, sizeof *arr);
    if (k == NULL || arr == NULL)
        return EV_ENOMEM;
    arr[*n].key = k;
    arr[*n].value = v;
    (*n)++;
    *list = arr;
    return EV_OK;
}

/* Append one zeroed element of `size` bytes to an arena array. */
static ev_status push_zeroed(ev_record *rec, void **list, size_t *n, size_t size, void **out)
{
    unsigned char *arr = ev_arena_grow(rec->arena, *list, *n, size);
    if (arr == NULL)
        return EV_ENOMEM;
    memset(arr + *n * size, 0, size);
    *out = arr + *n * size;
    (*n)++;
    *list = arr;
    return EV_OK;
}

ev_status ev_record_add_author(ev_record *rec, ev_author **out)
{
    return push_zeroed(rec, (void **)&rec->authors, &rec->n_authors, sizeof **out, (void **)out);
}

ev_status ev_record_add_section(ev_record *rec, ev_abstract_section **out)
{
    return push_zeroed(rec, (void **)&rec->abstract, &rec->n_abstract, sizeof **out,
                       (void **)out);
}

ev_status ev_record_add_mesh(ev_record *rec, ev_mesh_heading **out)
{
    return push_zeroed(rec, (void **)&rec->mesh, &rec->n_mesh, sizeof **out, (void **)out);
}

ev_status ev_record_add_qualifier(ev_record *rec, ev_mesh_heading *h, ev_mesh_qualifier **out)
{
    return push_zeroed(rec, (void **)&h->qualifiers, &h->n_qualifiers, sizeof **out,
                       (void **)out);
}

ev_status ev_record_add_keyword(ev_record *rec, ev_keyword **out)
{
    return push_zeroed(rec, (void **)&rec->keywords, &rec->n_keywords, sizeof **out,
                       (void **)out);
}

const char *ev_record_doi(ev_record *rec, const char *s, size_t n)
{
    trim(&s, &n);
    /* Find "10." — everything before it is a resolver prefix or "doi:". */
    for (size_t i = 0; i + 3 < n; i++) {
        if (s[i] == '1' && s[i + 1] == '0' && s[i + 2] == '.' &&
            (i == 0 || !isdigit((unsigned char)s[i - 1]))) {
            size_t len = n - i;
            while (len && (s[i + len - 1] == '.' || isspace((unsigned char)s[i + len - 1])))
                len--;
            char *p = ev_arena_strndup(rec->arena, s + i, len);
            if (p == NULL)
                return NULL;
            for (char *q = p; *q; q++)
                *q = (char)tolower((unsigned char)*q);
            return p;
        }
    }
    return NULL;
}

/* ---- dates ------------------------------------------------------------------ */

static const char *const month_names[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                            "jul", "aug", "sep", "oct", "nov", "dec"};

/* Month from a word ("Nov", "November", "nov."): 1-12, or 0. */
static int month_from_word(const char *w, size_t n)
{
    if (n < 3)
        return 0;
    for (int m = 0; m < 12; m++)
        if (strncasecmp(w, month_names[m], 3) == 0)
            return m + 1;
    return 0;
}

/* Season name to the month PubMed's date search uses (spec A7.3). */
static int month_from_season(const char *w, size_t n, const char **name)
{
    static const struct {
        const char *name;
        int month;
    } seasons[] = {{"spring", 3}, {"summer", 6}, {"autumn", 9}, {"fall", 9}, {"winter", 12}};
    for (size_t i = 0; i < sizeof seasons / sizeof seasons[0]; i++) {
        size_t len = strlen(seasons[i].name);
        if (n == len && strncasecmp(w, seasons[i].name, len) == 0) {
            *name = seasons[i].name;
            return seasons[i].month;
        }
    }
    return 0;
}

static bool plausible_year(long y)
{
    return y >= 1000 && y <= 2999;
}

/* Compact forms: "20170315", "2017-03-15", "2017/03/15/", "2017//". */
static bool parse_numeric_date(ev_date *out, const char *s, size_t n)
{
    int parts[3] = {0, 0, 0};
    size_t np = 0, i = 0;
    if (n >= 8 && strspn(s, "0123456789") == 8 && (n == 8 || !isdigit((unsigned char)s[8]))) {
        parts[0] = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        parts[1] = (s[4] - '0') * 10 + (s[5] - '0');
        parts[2] = (s[6] - '0') * 10 + (s[7] - '0');
        np = 3;
    } else {
        while (i < n && np < 3) {
            size_t j = i;
            int v = 0;
            while (j < n && isdigit((unsigned char)s[j]) && j - i < 5)
                v = v * 10 + (s[j++] - '0');
            if (j == i)
                break;
            parts[np++] = v;
            i = j;
            if (j < n && (s[j] == '-' || s[j] == '/'))
                i = j + 1;
            else
                break;
        }
        /* Only separators may follow: "2017 Nov 15" is free text. */
        for (; i < n; i++)
            if (s[i] != '/' && s[i] != '-' && !isspace((unsigned char)s[i]))
                return false;
    }
    if (np == 0 || !plausible_year(parts[0]))
        return false;
    out->year = parts[0];
    if (np > 1 && parts[1] >= 1 && parts[1] <= 12) {
        out->month = parts[1];
        if (np > 2 && parts[2] >= 1 && parts[2] <= 31)
            out->day = parts[2];
    }
    return true;
}

/* Free text: first 4-digit year, then a month or season word directly after
 * it, then a day ("2017 Nov 15", "1998 Dec-1999 Jan", "2000 Spring",
 * "Nov 2017"). */
static bool parse_text_date(ev_date *out, const char *s, size_t n)
{
    size_t i = 0;
    int pre_month = 0;
    while (i < n) {
        if (isdigit((unsigned char)s[i])) {
            size_t j = i;
            while (j < n && isdigit((unsigned char)s[j]))
                j++;
            if (j - i == 4) {
                out->year = (s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 + (s[i + 2] - '0') * 10 +
                            (s[i + 3] - '0');
                if (!plausible_year(out->year)) {
                    out->year = 0;
                    i = j;
                    continue;
                }
                i = j;
                break;
            }
            i = j;
        } else if (isalpha((unsigned char)s[i])) {
            size_t j = i;
            while (j < n && isalpha((unsigned char)s[j]))
                j++;
            if (pre_month == 0)
                pre_month = month_from_word(s + i, j - i);
            i = j;
        } else {
            i++;
        }
    }
    if (out->year == 0)
        return false;
    while (i < n && (s[i] == ' ' || s[i] == '/' || s[i] == '-' || s[i] == ','))
        i++;
    size_t j = i;
    while (j < n && isalpha((unsigned char)s[j]))
        j++;
    if (j > i) {
        const char *season = NULL;
        int m = month_from_word(s + i, j - i);
        if (m == 0)
            m = month_from_season(s + i, j - i, &season);
        out->month = m;
        out->season = season;
        i = j;
        while (i < n && s[i] == ' ')
            i++;
        if (m && i < n && isdigit((unsigned char)s[i])) {
            int d = 0;
            size_t k = i;
            while (k < n && isdigit((unsigned char)s[k]) && k - i < 2)
                d = d * 10 + (s[k++] - '0');
            if (d >= 1 && d <= 31 && (k == n || !isdigit((unsigned char)s[k])))
                out->day = d;
        }
    } else if (pre_month) {
        out->month = pre_month;
    }
    return true;
}

bool ev_record_parse_date(ev_record *rec, ev_date *out, const char *s, size_t n)
{
    memset(out, 0, sizeof *out);
    trim(&s, &n);
    if (n == 0)
        return false;
    out->raw = ev_arena_strndup(rec->arena, s, n);
    if (parse_numeric_date(out, s, n))
        return true;
    bool ok = parse_text_date(out, s, n);
    if (out->season)
        out->season = ev_arena_strdup(rec->arena, out->season);
    return ok;
}

/* ---- personal names ----------------------------------------------------------- */

/* Initials from given names: "John Charles" -> "JC", "J.-P." -> "JP". */
static const char *initials_from(ev_record *rec, const char *given)
{
    char buf[16];
    size_t k = 0;
    bool at_start = true;
    for (const char *p = given; *p && k + 1 < sizeof buf; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ' || c == '.' || c == '-') {
            at_start = true;
            continue;
        }
        if (at_start && (isalpha(c) || c >= 0x80)) {
            if (c >= 0x80) { /* keep a whole UTF-8 letter */
                size_t len = (c >= 0xF0) ? 4 : (c >= 0xE0) ? 3 : 2;
                if (k + len + 1 > sizeof buf)
                    break;
                size_t i = 0; /* a lead byte may be cut off by the string's end */
                for (; i < len && p[i]; i++)
                    buf[k++] = p[i];
                p += i - 1;
            } else {
                buf[k++] = (char)toupper(c);
            }
        }
        at_start = false;
    }
    buf[k] = '\0';
    return k ? ev_arena_strdup(rec->arena, buf) : NULL;
}

/* True if w looks like initials only: "JC", "J.C.", "J. C." */
static bool looks_like_initials(const char *w, size_t n)
{
    size_t letters = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (isupper(c))
            letters++;
        else if (c != '.' && c != ' ' && c != '-')
            return false;
    }
    return letters > 0 && letters <= 4;
}

static ev_status set_given(ev_record *rec, ev_author *a, const char *g, size_t gn)
{
    trim(&g, &gn);
    if (gn == 0)
        return EV_OK;
    if (looks_like_initials(g, gn)) {
        char buf[16];
        size_t k = 0;
        for (size_t i = 0; i < gn && k + 1 < sizeof buf; i++)
            if (isupper((unsigned char)g[i]))
                buf[k++] = g[i];
        buf[k] = '\0';
        a->initials = ev_arena_strdup(rec->arena, buf);
        return a->initials ? EV_OK : EV_ENOMEM;
    }
    if (ev_record_set(rec, &a->given, g, gn) != EV_OK)
        return EV_ENOMEM;
    a->initials = initials_from(rec, a->given);
    return EV_OK;
}

ev_status ev_record_author_from_name(ev_record *rec, ev_author *a, const char *s, size_t n)
{
    trim(&s, &n);
    if (n == 0)
        return EV_OK;
    const char *comma = memchr(s, ',', n);
    if (comma) { /* "Family, Given" (a second comma may hold a suffix) */
        size_t fn = (size_t)(comma - s);
        const char *rest = comma + 1;
        size_t rn = n - fn - 1;
        const char *comma2 = memchr(rest, ',', rn);
        if (comma2) {
            if (ev_record_set(rec, &a->suffix, comma2 + 1, rn - (size_t)(comma2 + 1 - rest)) !=
                EV_OK)
                return EV_ENOMEM;
            rn = (size_t)(comma2 - rest);
        }
        if (ev_record_set(rec, &a->family, s, fn) != EV_OK)
            return EV_ENOMEM;
        return set_given(rec, a, rest, rn);
    }
    const char *sp = NULL;
    for (size_t i = n; i > 0; i--)
        if (s[i - 1] == ' ') {
            sp = s + i - 1;
            break;
        }
    if (sp == NULL)
        return ev_record_set(rec, &a->family, s, n);
    size_t last_len = n - (size_t)(sp + 1 - s);
    if (looks_like_initials(sp + 1, last_len)) { /* "Smith JC" (MEDLINE AU) */
        if (ev_record_set(rec, &a->family, s, (size_t)(sp - s)) != EV_OK)
            return EV_ENOMEM;
        return set_given(rec, a, sp + 1, last_len);
    }
    /* "John C Smith": the last word is the family name. */
    if (ev_record_set(rec, &a->family, sp + 1, last_len) != EV_OK)
        return EV_ENOMEM;
    return set_given(rec, a, s, (size_t)(sp - s));
}

/* ---- format names ---------------------------------------------------------------- */

static const char *const format_names[] = {
    [EV_FORMAT_UNKNOWN] = "unknown",     [EV_FORMAT_MEDLINE_XML] = "medline-xml",
    [EV_FORMAT_MEDLINE] = "medline",     [EV_FORMAT_RIS] = "ris",
    [EV_FORMAT_BIBTEX] = "bibtex",       [EV_FORMAT_ENDNOTE_XML] = "endnote-xml",
    [EV_FORMAT_WOS] = "wos",             [EV_FORMAT_CSV] = "csv",
    [EV_FORMAT_JSON] = "json"};

const char *ev_format_name(ev_format f)
{
    if ((size_t)f >= sizeof format_names / sizeof format_names[0])
        return "unknown";
    return format_names[f];
}

ev_format ev_format_from_name(const char *name)
{
    if (name == NULL)
        return EV_FORMAT_UNKNOWN;
    if (strcasecmp(name, "nbib") == 0 || strcasecmp(name, "pubmed") == 0)
        return EV_FORMAT_MEDLINE;
    if (strcasecmp(name, "xml") == 0)
        return EV_FORMAT_MEDLINE_XML;
    for (size_t i = 1; i < sizeof format_names / sizeof format_names[0]; i++)
        if (strcasecmp(name, format_names[i]) == 0)
            return (ev_format)i;
    return EV_FORMAT_UNKNOWN;
}
