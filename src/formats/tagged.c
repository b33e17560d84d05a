/*
 * tagged.c - the machinery the MEDLINE text, RIS and Web of Science readers
 * share: tag-line splitting for each syntax, the record builder (fields
 * accumulated over continuation lines, raw lines kept for lossless export)
 * and field helpers for ISSNs, MeSH headings, keywords, dates and pages.
 */
#include "tagged_int.h"

/* ---- line splitting ----------------------------------------------------------- */

static bool is_tag_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
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

/* A UTF-8 BOM (U+FEFF) left inside the text by files concatenated from
 * several exports. */
static void skip_bom(const char **s, size_t *n)
{
    while (*n >= 3 && (unsigned char)(*s)[0] == 0xEF && (unsigned char)(*s)[1] == 0xBB &&
           (unsigned char)(*s)[2] == 0xBF) {
        *s += 3;
        *n -= 3;
    }
}

static void set_value(ev__tagline *out, ev__line_kind kind, const char *v, size_t n)
{
    trim(&v, &n);
    out->kind = n == 0 && kind == EV__LINE_CONT ? EV__LINE_BLANK : kind;
    out->value = v;
    out->value_len = n;
}

/* MEDLINE: "TAG - value" with the tag padded to four columns; real files
 * also hold "TI-", "PMC -123", "ISSN - ..." and "TI  -value" (spec C1). */
void ev__tag_medline(const char *s, size_t n, ev__tagline *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0 || isspace((unsigned char)s[0])) { /* blank, or a continuation */
        set_value(out, EV__LINE_CONT, s, n);
        return;
    }
    size_t k = 0;
    while (k < n && k < 5 && is_tag_char(s[k]))
        k++;
    size_t i = k;
    while (i < n && s[i] == ' ')
        i++;
    if (k == 0 || !(s[0] >= 'A' && s[0] <= 'Z') || i >= n || s[i] != '-' || i > 6) {
        out->kind = EV__LINE_OTHER;
        return;
    }
    memcpy(out->tag, s, k);
    out->tag[k] = '\0';
    set_value(out, EV__LINE_TAG, s + i + 1, n - i - 1);
}

/* RIS: "XX  - value" (spec D1); tolerated: one or three spaces before the
 * hyphen, nothing after it ("ER  -"), four-character tags ("PMID - 1").
 * Anything else inside a record continues the previous field. */
void ev__tag_ris(const char *s, size_t n, ev__tagline *out)
{
    memset(out, 0, sizeof *out);
    skip_bom(&s, &n);
    if (n == 0 || isspace((unsigned char)s[0])) { /* blank, or a continuation */
        set_value(out, EV__LINE_CONT, s, n);
        return;
    }
    size_t k = 0;
    while (k < n && k < 4 && is_tag_char(s[k]))
        k++;
    size_t i = k;
    while (i < n && s[i] == ' ')
        i++;
    bool tag = k >= 2 && s[0] >= 'A' && s[0] <= 'Z' && i > k && i - k <= 3 && i < n &&
               s[i] == '-' && (i + 1 == n || s[i + 1] == ' ' || s[i + 1] == '\t');
    if (!tag) {
        set_value(out, EV__LINE_CONT, s, n);
        return;
    }
    memcpy(out->tag, s, k);
    out->tag[k] = '\0';
    set_value(out, EV__LINE_TAG, s + i + 1, n - i - 1);
}

/* Web of Science: two-character tag in columns 1-2, value from column 4,
 * continuation lines indented by three spaces. */
void ev__tag_wos(const char *s, size_t n, ev__tagline *out)
{
    memset(out, 0, sizeof *out);
    skip_bom(&s, &n);
    if (n == 0 || isspace((unsigned char)s[0])) { /* blank, or a continuation */
        set_value(out, EV__LINE_CONT, s, n);
        return;
    }
    if (n >= 2 && s[0] >= 'A' && s[0] <= 'Z' && is_tag_char(s[1]) &&
        (n == 2 || s[2] == ' ' || s[2] == '\t')) {
        out->tag[0] = s[0];
        out->tag[1] = s[1];
        out->tag[2] = '\0';
        set_value(out, EV__LINE_TAG, s + 2, n - 2);
        return;
    }
    out->kind = EV__LINE_OTHER;
}

/* ---- the record builder ------------------------------------------------------- */

ev_status ev__tagged_init(ev__tagged *t, ev__reader *r, const ev_parse_options *opts,
                          const ev_parse_sink *sink, ev_parse_stats *stats, ev_error *err,
                          ev_format format, ev__field_fn field, void *fmt)
{
    memset(t, 0, sizeof *t);
    t->r = r;
    t->opts = opts;
    t->sink = sink;
    t->stats = stats;
    t->err = err;
    t->field = field;
    t->fmt = fmt;
    t->line = "";
    ev_buf_init(&t->carry, EV__TAGGED_MAX_FIELD);
    ev_buf_init(&t->raw, EV__TAGGED_MAX_RAW);
    ev_buf_init(&t->value, EV__TAGGED_MAX_FIELD);
    t->rec = ev_record_new();
    if (t->rec == NULL)
        return ev_error_set(err, EV_ENOMEM, ev__reader_name(r), 0, 0, "out of memory");
    t->rec->format = format;
    return EV_OK;
}

void ev__tagged_release(ev__tagged *t)
{
    ev_buf_release(&t->carry);
    ev_buf_release(&t->raw);
    ev_buf_release(&t->value);
    ev_record_free(t->rec);
    t->rec = NULL;
}

static ev_status line_too_long(ev__tagged *t)
{
    return ev_error_set(t->err, EV_EINPUT, ev__reader_name(t->r), t->line_no + 1, 0,
                        "line longer than %zu bytes", (size_t)EV__TAGGED_MAX_FIELD);
}

/* The current chunk is used up: fetch the next one (or note the end). */
static ev_status next_chunk(ev__tagged *t)
{
    ev_status s = ev__reader_read(t->r, &t->chunk, &t->chunk_len, t->err);
    t->chunk_pos = 0;
    if (s == EV_OK && t->chunk_len == 0)
        t->eof = true;
    return s;
}

/* End of line at p[e] ("\n", "\r\n" or a lone "\r"): consume it. */
static void consume_terminator(ev__tagged *t, size_t e)
{
    size_t skip = 1;
    if (t->chunk[e] == '\r') {
        if (e + 1 < t->chunk_len)
            skip = t->chunk[e + 1] == '\n' ? 2 : 1;
        else
            t->cr_pending = true; /* its "\n" may start the next chunk */
    }
    t->chunk_pos = e + skip;
}

/* Where the line starting at chunk_pos ends, or chunk_len if not here. */
static size_t line_end(const ev__tagged *t)
{
    const char *p = t->chunk + t->chunk_pos;
    size_t avail = t->chunk_len - t->chunk_pos;
    const char *nl = memchr(p, '\n', avail);
    size_t n = nl ? (size_t)(nl - p) : avail;
    const char *cr = memchr(p, '\r', n); /* CRLF files, and lone-CR ones */
    return t->chunk_pos + (cr ? (size_t)(cr - p) : n);
}

ev_status ev__tagged_next(ev__tagged *t, bool *got)
{
    ev_buf_clear(&t->carry);
    *got = false;
    for (;;) {
        if (t->chunk_pos == t->chunk_len) {
            ev_status s = t->eof ? EV_OK : next_chunk(t);
            if (s != EV_OK)
                return s;
            if (t->eof)
                break;
        }
        if (t->cr_pending) {
            t->cr_pending = false;
            if (t->chunk[t->chunk_pos] == '\n')
                t->chunk_pos++;
            continue;
        }
        size_t e = line_end(t);
        const char *start = t->chunk + t->chunk_pos;
        if (e < t->chunk_len && t->carry.len == 0) { /* the common case: no copy */
            t->line = start;
            t->line_len = e - t->chunk_pos;
            consume_terminator(t, e);
            if (t->line_len > EV__TAGGED_MAX_FIELD)
                return line_too_long(t);
            t->line_no++;
            *got = true;
            return EV_OK;
        }
        ev_status s = ev_buf_append(&t->carry, start, e - t->chunk_pos);
        if (s != EV_OK)
            return s == EV_EINPUT ? line_too_long(t) : ev__tagged_check(t, s);
        if (e < t->chunk_len) {
            consume_terminator(t, e);
            break;
        }
        t->chunk_pos = t->chunk_len;
    }
    if (t->carry.len == 0) /* end of input (a carried line is never empty) */
        return EV_OK;
    t->line = t->carry.ptr;
    t->line_len = t->carry.len;
    t->line_no++;
    *got = true;
    return EV_OK;
}

void ev__tagged_begin(ev__tagged *t)
{
    ev_format f = t->rec->format;
    ev_record_clear(t->rec);
    t->rec->format = f;
    t->rec->source_line = t->line_no;
    t->in_record = true;
    t->tag[0] = '\0';
    ev_buf_clear(&t->value);
    ev_buf_clear(&t->raw);
}

ev_status ev__tagged_raw_line(ev__tagged *t)
{
    if (!t->opts->keep_raw)
        return EV_OK;
    ev_status s = ev_buf_append(&t->raw, t->line, t->line_len);
    if (s == EV_OK)
        s = ev_buf_putc(&t->raw, '\n');
    if (s == EV_EINPUT)
        return ev__tagged_fail(t, s, "record starting at line %zu is longer than %zu bytes",
                               t->rec->source_line, (size_t)EV__TAGGED_MAX_RAW);
    return ev__tagged_check(t, s);
}

ev_status ev__tagged_fail(ev__tagged *t, ev_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ev_error_setv(t->err, code, ev__reader_name(t->r), t->line_no, 0, fmt, ap);
    va_end(ap);
    return code;
}

void ev__tagged_warn(ev__tagged *t, const char *fmt, ...)
{
    char msg[EV_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ev__warn(t->sink, t->stats, ev__reader_name(t->r), t->line_no, "%s", msg);
}

ev_status ev__tagged_check(ev__tagged *t, ev_status s)
{
    if (s == EV_OK)
        return EV_OK;
    if (s == EV_ENOMEM)
        return ev__tagged_fail(t, s, "out of memory");
    return s;
}

ev_status ev__tagged_flush(ev__tagged *t)
{
    if (t->tag[0] == '\0')
        return EV_OK;
    char tag[sizeof t->tag];
    memcpy(tag, t->tag, sizeof tag);
    t->tag[0] = '\0';
    return t->field(t, tag, t->value.ptr ? t->value.ptr : "", t->value.len);
}

ev_status ev__tagged_start(ev__tagged *t, const char *tag, const char *v, size_t n)
{
    char copy[sizeof t->tag]; /* `tag` may be t->tag itself (list continuations) */
    size_t k = strnlen(tag, sizeof copy - 1);
    memcpy(copy, tag, k);
    copy[k] = '\0';
    ev_status s = ev__tagged_flush(t);
    if (s != EV_OK)
        return s;
    memcpy(t->tag, copy, sizeof copy);
    t->field_line = t->line_no;
    ev_buf_clear(&t->value);
    return ev__tagged_check(t, ev_buf_append(&t->value, v, n));
}

ev_status ev__tagged_append(ev__tagged *t, const char *v, size_t n, const char *sep)
{
    if (t->tag[0] == '\0' || n == 0)
        return EV_OK;
    ev_status s = EV_OK;
    if (t->value.len)
        s = ev_buf_puts(&t->value, sep);
    if (s == EV_OK)
        s = ev_buf_append(&t->value, v, n);
    if (s == EV_EINPUT)
        return ev__tagged_fail(t, s, "field '%s' (from line %zu) is longer than %zu bytes", t->tag,
                               t->field_line, (size_t)EV__TAGGED_MAX_FIELD);
    return ev__tagged_check(t, s);
}

ev_status ev__tagged_emit(ev__tagged *t)
{
    ev_status s = ev__tagged_flush(t);
    if (s != EV_OK)
        return s;
    t->in_record = false;
    if (t->opts->keep_raw && t->raw.len) {
        /* Borrowed like the record itself: the buffer is only reused when
         * the next record begins, after the sink has returned. */
        t->rec->raw = t->raw.ptr;
        t->rec->raw_len = t->raw.len;
    }
    return ev__emit(t->sink, t->stats, t->r, t->rec, t->err);
}

/* ---- field helpers -------------------------------------------------------------- */

ev_status ev__tagged_extra(ev__tagged *t, const char *tag, const char *v, size_t n)
{
    ev_record *rec = t->rec;
    return ev__tagged_check(t, ev_record_push_kv(rec, &rec->extra, &rec->n_extra, tag, v, n));
}

ev_status ev__tagged_join(ev_record *rec, const char **field, const char *v, size_t n,
                          const char *sep)
{
    trim(&v, &n);
    if (n == 0)
        return EV_OK;
    if (*field == NULL)
        return ev_record_set(rec, field, v, n);
    size_t old = strlen(*field), sl = strlen(sep);
    char *p = ev_arena_alloc(rec->arena, old + sl + n + 1);
    if (p == NULL)
        return EV_ENOMEM;
    memcpy(p, *field, old);
    memcpy(p + old, sep, sl);
    memcpy(p + old + sl, v, n);
    p[old + sl + n] = '\0';
    *field = p;
    return EV_OK;
}

ev_status ev__tagged_affiliation(ev_record *rec, size_t idx, const char *v, size_t n)
{
    ev_author *a = &rec->authors[idx];
    const char *copy = NULL;
    if (ev_record_set(rec, &copy, v, n) != EV_OK)
        return EV_ENOMEM;
    if (copy == NULL)
        return EV_OK;
    const char **arr =
        ev_arena_grow(rec->arena, (void *)a->affiliations, a->n_affiliations, sizeof *arr);
    if (arr == NULL)
        return EV_ENOMEM;
    arr[a->n_affiliations++] = copy;
    a->affiliations = arr;
    return EV_OK;
}

ev_status ev__tagged_issn(ev_record *rec, const char *issn, size_t n, const char *note,
                          size_t note_len)
{
    const char **slot;
    if (note_len >= 10 && ev_strncasecmp(note, "electronic", 10) == 0)
        slot = &rec->issn_electronic;
    else if (note_len >= 7 && ev_strncasecmp(note, "linking", 7) == 0)
        slot = &rec->issn_linking;
    else if (note_len >= 5 && ev_strncasecmp(note, "print", 5) == 0)
        slot = &rec->issn_print;
    else /* untyped: the order the source gives, print first */
        slot = rec->issn_print == NULL ? &rec->issn_print : &rec->issn_electronic;
    if (*slot != NULL)
        return EV_OK;
    if (slot == &rec->issn_electronic && rec->issn_print && note_len == 0 &&
        strlen(rec->issn_print) == n && memcmp(rec->issn_print, issn, n) == 0)
        return EV_OK; /* "0964-6906 (Print)0964-6906": the same one twice */
    return ev_record_set(rec, slot, issn, n);
}

/* An ISSN at s[i]: NNNN-NNNC or NNNNNNNC, not inside a longer number. Writes
 * the hyphenated form into out[10]; returns its length in the text or 0. */
static size_t issn_at(const char *s, size_t n, size_t i, char out[10])
{
    if (i > 0 && isalnum((unsigned char)s[i - 1]))
        return 0;
    size_t j = i, k = 0;
    while (j < n && k < 8) {
        char c = s[j];
        if (k == 4 && c == '-') {
            j++;
            continue;
        }
        bool ok = isdigit((unsigned char)c) || (k == 7 && (c == 'X' || c == 'x'));
        if (!ok)
            return 0;
        out[k < 4 ? k : k + 1] = (char)toupper((unsigned char)c);
        k++;
        j++;
    }
    if (k < 8 || (j < n && isalnum((unsigned char)s[j])))
        return 0;
    out[4] = '-';
    out[9] = '\0';
    return j - i;
}

ev_status ev__tagged_issns(ev_record *rec, const char *v, size_t n, size_t *found)
{
    *found = 0;
    for (size_t i = 0; i < n;) {
        char issn[10];
        size_t len = issn_at(v, n, i, issn);
        if (len == 0) {
            i++;
            continue;
        }
        i += len;
        while (i < n && v[i] == ' ')
            i++;
        const char *note = "";
        size_t note_len = 0;
        if (i < n && v[i] == '(') {
            const char *close = memchr(v + i, ')', n - i);
            if (close) {
                note = v + i + 1;
                note_len = (size_t)(close - note);
                i = (size_t)(close - v) + 1;
            }
        }
        if (ev__tagged_issn(rec, issn, 9, note, note_len) != EV_OK)
            return EV_ENOMEM;
        (*found)++;
    }
    return EV_OK;
}

/* The MeSH topical qualifiers (MeSH 2024), so that "Drug use/abuse" in an
 * author keyword is not mistaken for a heading with a qualifier. */
/* clang-format off */
static const char *const mesh_qualifiers[] = {
    "abnormalities", "administration & dosage", "adverse effects", "agonists",
    "analogs & derivatives", "analysis", "anatomy & histology", "antagonists & inhibitors",
    "biosynthesis", "blood", "blood supply", "cerebrospinal fluid", "chemical synthesis",
    "chemically induced", "chemistry", "classification", "complications", "congenital",
    "cytology", "deficiency", "diagnosis", "diagnostic imaging", "diet therapy", "drug effects",
    "drug therapy", "economics", "education", "embryology", "enzymology", "epidemiology",
    "ethics", "ethnology", "etiology", "genetics", "growth & development", "history",
    "immunology", "injuries", "innervation", "instrumentation", "isolation & purification",
    "legislation & jurisprudence", "manpower", "metabolism", "methods", "microbiology",
    "mortality", "nursing", "organization & administration", "parasitology", "pathogenicity",
    "pathology", "pharmacokinetics", "pharmacology", "physiology", "physiopathology",
    "poisoning", "prevention & control", "psychology", "radiation effects", "radiotherapy",
    "rehabilitation", "secondary", "standards", "statistics & numerical data",
    "supply & distribution", "surgery", "therapeutic use", "therapy", "toxicity",
    "transmission", "trends", "ultrastructure", "urine", "utilization", "veterinary",
    "virology", "diagnostic use", "contraindications"};
/* clang-format on */

static bool is_qualifier(const char *q, size_t n)
{
    for (size_t i = 0; i < sizeof mesh_qualifiers / sizeof mesh_qualifiers[0]; i++)
        if (strlen(mesh_qualifiers[i]) == n && ev_strncasecmp(mesh_qualifiers[i], q, n) == 0)
            return true;
    return false;
}

/* Qualifier text: "psychology" (any star already gone) or Ovid's "ae [Adverse
 * Effects]". Sets the name and its length. */
static void qualifier_name(const char *q, size_t n, const char **name, size_t *len)
{
    const char *open = memchr(q, '[', n);
    if (open && q[n - 1] == ']') {
        *name = open + 1;
        *len = (size_t)(q + n - 1 - *name);
    } else {
        *name = q;
        *len = n;
    }
}

bool ev__tagged_looks_mesh(const char *v, size_t n)
{
    trim(&v, &n);
    if (n > 1 && v[0] == '*') /* MeSH is capitalised; Emtree ("*athlete") is not */
        return isupper((unsigned char)v[1]) != 0;
    const char *slash = memchr(v, '/', n);
    if (slash == NULL || slash == v)
        return false;
    const char *q = slash + 1;
    size_t qn = n - (size_t)(q - v);
    const char *next = memchr(q, '/', qn);
    if (next)
        qn = (size_t)(next - q);
    if (qn && q[0] == '*') {
        q++;
        qn--;
    }
    const char *name;
    size_t len;
    qualifier_name(q, qn, &name, &len);
    trim(&name, &len);
    return len > 0 && islower((unsigned char)q[0]) && is_qualifier(name, len);
}

static ev_status add_qualifier(ev_record *rec, ev_mesh_heading *h, const char *q, size_t n)
{
    trim(&q, &n);
    bool major = n && q[0] == '*';
    if (major) {
        q++;
        n--;
    }
    const char *name;
    size_t len;
    qualifier_name(q, n, &name, &len);
    trim(&name, &len);
    if (len == 0)
        return EV_OK;
    ev_mesh_qualifier *mq;
    if (ev_record_add_qualifier(rec, h, &mq) != EV_OK ||
        ev_record_set(rec, &mq->name, name, len) != EV_OK)
        return EV_ENOMEM;
    if (name != q) /* Ovid prints names capitalised: MEDLINE style is lower case */
        for (char *p = (char *)mq->name; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    mq->major = major;
    return EV_OK;
}

ev_status ev__tagged_mesh(ev_record *rec, const char *v, size_t n)
{
    trim(&v, &n);
    if (n == 0)
        return EV_OK;
    const char *slash = memchr(v, '/', n);
    size_t hn = slash ? (size_t)(slash - v) : n;
    const char *h = v;
    bool major = hn && h[0] == '*';
    if (major) {
        h++;
        hn--;
    }
    trim(&h, &hn);
    ev_mesh_heading *mh;
    if (ev_record_add_mesh(rec, &mh) != EV_OK || ev_record_set(rec, &mh->name, h, hn) != EV_OK)
        return EV_ENOMEM;
    mh->major = major;
    while (slash) {
        const char *q = slash + 1;
        size_t rest = n - (size_t)(q - v);
        slash = memchr(q, '/', rest);
        size_t qn = slash ? (size_t)(slash - q) : rest;
        if (add_qualifier(rec, mh, q, qn) != EV_OK)
            return EV_ENOMEM;
    }
    return EV_OK;
}

ev_status ev__tagged_keyword(ev_record *rec, const char *v, size_t n, const char *owner, bool major)
{
    trim(&v, &n);
    if (n == 0)
        return EV_OK;
    ev_keyword *kw;
    if (ev_record_add_keyword(rec, &kw) != EV_OK || ev_record_set(rec, &kw->text, v, n) != EV_OK)
        return EV_ENOMEM;
    if (owner && (kw->owner = ev_arena_strdup(rec->arena, owner)) == NULL)
        return EV_ENOMEM;
    kw->major = major;
    return EV_OK;
}

int ev__tagged_month(const char *v, size_t n)
{
    static const char *const names[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec"};
    size_t w = 0;
    while (w < n && isalpha((unsigned char)v[w]))
        w++;
    if (w < 3)
        return 0;
    for (int m = 0; m < 12; m++)
        if (ev_strncasecmp(v, names[m], 3) == 0)
            return m + 1;
    return 0;
}

void ev__tagged_refine_date(ev_record *rec, ev_date *d, const char *v, size_t n)
{
    trim(&v, &n);
    if (n == 0)
        return;
    ev_date tmp;
    if (ev_record_parse_date(rec, &tmp, v, n)) {
        if (d->year == 0)
            *d = tmp;
        else if (tmp.year == d->year && d->month == 0 && tmp.month) {
            d->month = tmp.month;
            d->day = tmp.day;
            d->season = tmp.season;
        }
        return;
    }
    int m = ev__tagged_month(v, n); /* "SEP", "DEC 16" (WoS PD, RIS DA) */
    if (m == 0 || d->month != 0)
        return;
    d->month = m;
    size_t i = 0;
    while (i < n && isalpha((unsigned char)v[i]))
        i++;
    while (i < n && v[i] == ' ')
        i++;
    long day = 0;
    size_t k = i;
    while (k < n && k - i < 2 && isdigit((unsigned char)v[k]))
        day = day * 10 + (v[k++] - '0');
    if (k > i && (k == n || !isdigit((unsigned char)v[k])) && day >= 1 && day <= 31)
        d->day = (int)day;
}

ev_status ev__tagged_pages(ev_record *rec, const char *sp, const char *ep)
{
    if (sp == NULL && ep == NULL)
        return EV_OK;
    if (sp == NULL || ep == NULL || strchr(sp, '-') || strcmp(sp, ep) == 0)
        return ev_record_set(rec, &rec->pages, sp ? sp : ep, strlen(sp ? sp : ep));
    size_t a = strlen(sp), b = strlen(ep);
    char *p = ev_arena_alloc(rec->arena, a + b + 2);
    if (p == NULL)
        return EV_ENOMEM;
    memcpy(p, sp, a);
    p[a] = '-';
    memcpy(p + a + 1, ep, b + 1);
    rec->pages = p;
    return EV_OK;
}
