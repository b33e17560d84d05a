/*
 * fields.c - the field tag table of spec A5, the subheading abbreviations of
 * A6.4, date values of A7 and the notes list shared by parser and executor.
 */
#include "search_int.h"

const ev__sq_fieldinfo ev__sq_fields[SQF__COUNT] = {
    [SQF_TIAB] = {"tiab", "Title/Abstract", "", SQK_TEXT, false},
    [SQF_TI] = {"ti", "Title", "", SQK_TEXT, false},
    [SQF_AB] = {"ab", "Abstract", "", SQK_TEXT, false},
    [SQF_TW] = {"tw", "Text Word", "text words", SQK_TEXT, false},
    [SQF_ALL] = {"all", "All Fields", "", SQK_TEXT, false},
    [SQF_MH] = {"mh", "MeSH Terms", "mesh", SQK_MESH, true},
    [SQF_MAJR] = {"majr", "MeSH Major Topic", "", SQK_MESH, true},
    [SQF_SH] = {"sh", "MeSH Subheading", "subheading", SQK_SH, true},
    [SQF_PT] = {"pt", "Publication Type", "ptyp", SQK_VALUE, false},
    [SQF_LA] = {"la", "Language", "", SQK_VALUE, false},
    [SQF_AU] = {"au", "Author", "", SQK_AUTHOR, false},
    [SQF_FAU] = {"fau", "Author - Full", "full author name", SQK_AUTHOR, false},
    [SQF_1AU] = {"1au", "Author - First", "first author name", SQK_AUTHOR, false},
    [SQF_LASTAU] = {"lastau", "Author - Last", "last author", SQK_AUTHOR, false},
    [SQF_CN] = {"cn", "Author - Corporate", "corporate author", SQK_TEXT, false},
    [SQF_AD] = {"ad", "Affiliation", "", SQK_TEXT, false},
    [SQF_TA] = {"ta", "Journal", "jour|journal title", SQK_VALUE, false},
    [SQF_DP] = {"dp", "Date - Publication", "publication date|pdat", SQK_DATE, false},
    [SQF_EDAT] = {"edat", "Date - Entry", "entrez date", SQK_DATE, false},
    [SQF_CRDT] = {"crdt", "Date - Create", "create date", SQK_DATE, false},
    [SQF_MHDA] = {"mhda", "Date - MeSH", "mesh date", SQK_DATE, false},
    [SQF_DCOM] = {"dcom", "Date - Completion", "", SQK_DATE, false},
    [SQF_LR] = {"lr", "Date - Modification", "", SQK_DATE, false},
    [SQF_PMID] = {"pmid", "PMID", "uid", SQK_VALUE, false},
    [SQF_AID] = {"aid", "Article Identifier", "", SQK_VALUE, false},
    [SQF_LID] = {"lid", "Location ID", "", SQK_VALUE, false},
    [SQF_DOI] = {"doi", "DOI", "", SQK_VALUE, false},
    [SQF_OT] = {"ot", "Other Term", "keyword", SQK_TEXT, false},
    [SQF_NM] = {"nm", "Supplementary Concept", "substance name", SQK_TEXT, false},
    [SQF_RN] = {"rn", "EC/RN Number", "", SQK_VALUE, false},
    [SQF_SI] = {"si", "Secondary Source ID", "", SQK_VALUE, false},
    [SQF_GR] = {"gr", "Grants and Funding", "grant number", SQK_TEXT, false},
    [SQF_IP] = {"ip", "Issue", "", SQK_VALUE, false},
    [SQF_VI] = {"vi", "Volume", "", SQK_VALUE, false},
    [SQF_PG] = {"pg", "Pagination", "", SQK_VALUE, false},
    [SQF_PL] = {"pl", "Place of Publication", "", SQK_VALUE, false},
    [SQF_JID] = {"jid", "NLM Unique ID", "", SQK_VALUE, false},
    [SQF_PS] = {"ps", "Personal Name as Subject", "", SQK_TEXT, false},
    [SQF_SB] = {"sb", "Subset", "filter", SQK_VALUE, false},
};

/* Compare a tag name (spaces collapsed, case-insensitive) with `want`. */
static bool name_eq(const char *s, size_t n, const char *want, size_t wn)
{
    size_t i = 0, j = 0;
    while (i < n && s[i] == ' ')
        i++;
    while (n > i && s[n - 1] == ' ')
        n--;
    while (i < n && j < wn) {
        if (s[i] == ' ' && want[j] == ' ') {
            while (i < n && s[i] == ' ')
                i++;
            j++;
            continue;
        }
        if (tolower((unsigned char)s[i]) != tolower((unsigned char)want[j]))
            return false;
        i++;
        j++;
    }
    return i == n && j == wn;
}

static bool alias_match(const char *s, size_t n, const char *aliases)
{
    while (*aliases) {
        const char *bar = strchr(aliases, '|');
        size_t len = bar ? (size_t)(bar - aliases) : strlen(aliases);
        if (len && name_eq(s, n, aliases, len))
            return true;
        if (!bar)
            break;
        aliases = bar + 1;
    }
    return false;
}

bool ev__sq_field_find(const char *name, size_t n, ev__sq_field *out)
{
    for (int f = 0; f < SQF__COUNT; f++) {
        const ev__sq_fieldinfo *fi = &ev__sq_fields[f];
        if (name_eq(name, n, fi->short_name, strlen(fi->short_name)) ||
            name_eq(name, n, fi->long_name, strlen(fi->long_name)) ||
            alias_match(name, n, fi->aliases)) {
            *out = (ev__sq_field)f;
            return true;
        }
    }
    return false;
}

#define G(x) (1u << (x))
unsigned ev__sq_field_groups(ev__sq_field f)
{
    /* [tiab]: title, abstract, author keywords (S10); [tw] adds MeSH words,
     * publication types, substances, corporate authors; [all] adds the rest. */
    const unsigned tiab = G(SQG_TI) | G(SQG_AB) | G(SQG_OT);
    const unsigned tw = tiab | G(SQG_MH) | G(SQG_PT) | G(SQG_NM) | G(SQG_CN);
    switch (f) {
    case SQF_TIAB: return tiab;
    case SQF_TI: return G(SQG_TI);
    case SQF_AB: return G(SQG_AB);
    case SQF_TW: return tw;
    case SQF_ALL: return tw | G(SQG_AD) | G(SQG_GR) | G(SQG_AU) | G(SQG_TA);
    case SQF_OT: return G(SQG_OT);
    case SQF_NM: return G(SQG_NM);
    case SQF_CN: return G(SQG_CN);
    case SQF_AD: return G(SQG_AD);
    case SQF_GR: return G(SQG_GR);
    case SQF_PS: return 0; /* not indexed: no source field in ev_record */
    default: return 0;
    }
}
#undef G

/* Subheadings and their abbreviations, from the PubMed Help appendix "MeSH
 * Subheadings" (A6.4). Names are in normalised form ("&" -> "and"). */
static const char *const qualifiers[][2] = {
    {"ab", "abnormalities"}, {"ad", "administration and dosage"}, {"ae", "adverse effects"},
    {"ag", "agonists"}, {"aa", "analogs and derivatives"}, {"an", "analysis"},
    {"ah", "anatomy and histology"}, {"ai", "antagonists and inhibitors"},
    {"bi", "biosynthesis"}, {"bl", "blood"}, {"bs", "blood supply"},
    {"cf", "cerebrospinal fluid"}, {"cs", "chemical synthesis"}, {"ci", "chemically induced"},
    {"ch", "chemistry"}, {"cl", "classification"}, {"co", "complications"},
    {"cn", "congenital"}, {"cy", "cytology"}, {"df", "deficiency"}, {"di", "diagnosis"},
    {"dg", "diagnostic imaging"}, {"dh", "diet therapy"}, {"de", "drug effects"},
    {"dt", "drug therapy"}, {"ec", "economics"}, {"ed", "education"}, {"em", "embryology"},
    {"en", "enzymology"}, {"ep", "epidemiology"}, {"es", "ethics"}, {"eh", "ethnology"},
    {"et", "etiology"}, {"ge", "genetics"}, {"gd", "growth and development"},
    {"hi", "history"}, {"im", "immunology"}, {"in", "injuries"}, {"ir", "innervation"},
    {"is", "instrumentation"}, {"ip", "isolation and purification"},
    {"lj", "legislation and jurisprudence"}, {"ma", "manpower"}, {"me", "metabolism"},
    {"mt", "methods"}, {"mi", "microbiology"}, {"mo", "mortality"}, {"nu", "nursing"},
    {"og", "organization and administration"}, {"ps", "parasitology"},
    {"py", "pathogenicity"}, {"pa", "pathology"}, {"pk", "pharmacokinetics"},
    {"pd", "pharmacology"}, {"ph", "physiology"}, {"pp", "physiopathology"},
    {"po", "poisoning"}, {"pc", "prevention and control"}, {"px", "psychology"},
    {"re", "radiation effects"}, {"rt", "radiotherapy"}, {"rh", "rehabilitation"},
    {"sc", "secondary"}, {"st", "standards"}, {"sn", "statistics and numerical data"},
    {"sd", "supply and distribution"}, {"su", "surgery"}, {"tu", "therapeutic use"},
    {"th", "therapy"}, {"to", "toxicity"}, {"tm", "transmission"}, {"td", "trends"},
    {"ul", "ultrastructure"}, {"ur", "urine"}, {"ve", "veterinary"}, {"vi", "virology"},
};

const char *ev__sq_qualifier(const char *s)
{
    for (size_t i = 0; i < sizeof qualifiers / sizeof qualifiers[0]; i++)
        if (strcmp(s, qualifiers[i][0]) == 0 || strcmp(s, qualifiers[i][1]) == 0)
            return qualifiers[i][1];
    return NULL;
}

/* ---- dates (A7) -------------------------------------------------------------- */

static int month_from_name(const char *s, size_t n)
{
    static const char *const names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
    if (n < 3)
        return 0;
    for (int i = 0; i < 12; i++)
        if (ev_strncasecmp(s, names[i], 3) == 0)
            return i + 1;
    return 0;
}

static int days_in(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

/* Split "YYYY/MM/DD" (also '-' or '.') into up to 3 parts. */
static size_t date_parts(const char *s, size_t n, ev_str parts[3])
{
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '/' || s[i] == '-' || s[i] == '.') {
            if (k == 3)
                return 4;
            parts[k++] = (ev_str){s + start, i - start};
            start = i + 1;
        }
    }
    return k;
}

static bool part_num(ev_str p, size_t maxlen, int *out)
{
    if (p.len == 0 || p.len > maxlen)
        return false;
    int v = 0;
    for (size_t i = 0; i < p.len; i++) {
        if (!isdigit((unsigned char)p.ptr[i]))
            return false;
        v = v * 10 + (p.ptr[i] - '0');
    }
    *out = v;
    return true;
}

bool ev__sq_date(const char *s, size_t n, long *first, long *last)
{
    while (n && s[n - 1] == ' ')
        n--;
    while (n && *s == ' ')
        s++, n--;
    ev_str p[3];
    size_t k = date_parts(s, n, p);
    int y, m = 0, d = 0;
    if (k < 1 || k > 3 || p[0].len != 4 || !part_num(p[0], 4, &y))
        return false;
    if (k >= 2 && !part_num(p[1], 2, &m) && (m = month_from_name(p[1].ptr, p[1].len)) == 0)
        return false;
    if (k >= 2 && (m < 1 || m > 12))
        return false;
    if (k == 3 && (!part_num(p[2], 2, &d) || d < 1 || d > days_in(y, m)))
        return false;
    int m0 = m ? m : 1, m1 = m ? m : 12;
    *first = (long)y * 10000 + m0 * 100 + (d ? d : 1);
    *last = (long)y * 10000 + m1 * 100 + (d ? d : days_in(y, m1));
    return true;
}

/* "last N years|months|days" (A7.5): today back N units, today included. */
bool ev__sq_relative_date(const char *s, long today, long *first, long *last)
{
    char unit[16];
    int n = 0, used = 0;
    if (sscanf(s, " last %d %15[a-zA-Z] %n", &n, unit, &used) != 2 || s[used] != '\0' ||
        n < 1 || n > 10000)
        return false;
    struct tm tm = {.tm_year = (int)(today / 10000) - 1900,
                    .tm_mon = (int)(today / 100 % 100) - 1,
                    .tm_mday = (int)(today % 100), .tm_hour = 12};
    if (ev_strncasecmp(unit, "year", 4) == 0)
        tm.tm_year -= n;
    else if (ev_strncasecmp(unit, "month", 5) == 0)
        tm.tm_mon -= n;
    else if (ev_strncasecmp(unit, "day", 3) == 0)
        tm.tm_mday -= n;
    else
        return false;
    time_t t = timegm(&tm);
    struct tm out;
    if (t == (time_t)-1 || gmtime_r(&t, &out) == NULL)
        return false;
    *first = (long)(out.tm_year + 1900) * 10000 + (out.tm_mon + 1) * 100 + out.tm_mday;
    *last = today;
    return true;
}

long ev__sq_today(void)
{
    time_t t = time(NULL);
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL)
        return 19700101;
    return (long)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* ---- notes ------------------------------------------------------------------- */

ev_status ev__sq_note_add(ev__sq_notes *nl, const char *code, const char *fmt, ...)
{
    if (nl->n == nl->cap) {
        size_t cap = nl->cap ? nl->cap * 2 : 8;
        ev_search_note *v = ev_reallocarray(nl->items, cap, sizeof *v);
        if (v == NULL)
            return EV_ENOMEM;
        nl->items = v;
        nl->cap = cap;
    }
    ev_buf b;
    ev_buf_init(&b, 1 << 16);
    va_list ap;
    va_start(ap, fmt);
    ev_status st = ev_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    char *text = st == EV_OK ? ev_buf_detach(&b) : NULL;
    char *c = ev_strdup(code);
    ev_buf_release(&b);
    if (text == NULL || c == NULL) {
        ev_free(text);
        ev_free(c);
        return EV_ENOMEM;
    }
    nl->items[nl->n++] = (ev_search_note){c, text};
    return EV_OK;
}

void ev__sq_notes_release(ev__sq_notes *nl)
{
    for (size_t i = 0; i < nl->n; i++) {
        ev_free((char *)nl->items[i].code);
        ev_free((char *)nl->items[i].text);
    }
    ev_free(nl->items);
    *nl = (ev__sq_notes){0};
}
