/*
 * bibtex.c - streaming BibTeX / biblatex reader. Entries are read one at a
 * time from the chunked source (the file is never loaded whole): @type{key,
 * name = {braced} | "quoted" | number | macro # concatenation, ...}.
 * @string macros are expanded (month macros predefined), @comment and
 * @preamble skipped, LaTeX converted to Unicode (bib_latex.c), and each entry
 * mapped onto the normalised record (spec Part E). See
 * docs/internals/formats-bib-csv-endnote.md.
 */
#include "bib_int.h"

/* ---- character source with positions ------------------------------------- */

typedef struct bib_src {
    ev__reader *r;
    const char *p;
    size_t n, pos;
    size_t line, col; /* of the next character, 1-based (column in bytes) */
    bool eof;
    ev_status st;    /* first read error; sticky */
    ev_buf *capture; /* raw entry text, when keeping it */
} bib_src;

static int src_peek(bib_src *s, ev_error *err)
{
    if (s->pos < s->n)
        return (unsigned char)s->p[s->pos];
    if (s->eof)
        return -1;
    const char *d = NULL;
    size_t n = 0;
    s->st = ev__reader_read(s->r, &d, &n, err);
    if (s->st != EV_OK || n == 0) {
        s->eof = true;
        return -1;
    }
    s->p = d;
    s->n = n;
    s->pos = 0;
    return (unsigned char)d[0];
}

static int src_next(bib_src *s, ev_error *err)
{
    int c = src_peek(s, err);
    if (c < 0)
        return c;
    s->pos++;
    if (c == '\n') {
        s->line++;
        s->col = 1;
    } else {
        s->col++;
    }
    if (s->capture && s->st == EV_OK) {
        char ch = (char)c;
        ev_status st = ev_buf_append(s->capture, &ch, 1);
        if (st != EV_OK) {
            s->st = ev_error_set(err, st, ev__reader_name(s->r), s->line, 0,
                                 st == EV_ENOMEM ? "out of memory" : "entry too large");
            s->eof = true; /* stop reading: the parse fails */
            s->n = s->pos;
        }
    }
    return c;
}

/* ---- parser state ------------------------------------------------------------ */

typedef struct bib_field {
    size_t name_off, name_len; /* in parser->text */
    size_t val_off, val_len;
    size_t line;
} bib_field;

typedef struct bib_macro {
    char *name; /* lower case */
    char *value;
} bib_macro;

typedef struct bib_parser {
    bib_src src;
    const ev_parse_options *opts;
    const ev_parse_sink *sink;
    ev_parse_stats *stats;
    ev_error *err;
    const char *name;
    ev_buf text; /* field names and raw values of the current entry */
    bib_field *fields;
    size_t n_fields, cap_fields;
    bib_macro *macros;
    size_t n_macros, cap_macros;
    ev_buf raw;
    ev_buf key;
    ev_buf tmp;
    char type[32];
    size_t entry_line, entry_col;
    ev_record *rec;
} bib_parser;

#define SRC_OK(p) ((p)->src.st == EV_OK)

static ev_status nomem(bib_parser *p)
{
    return ev_error_set(p->err, EV_ENOMEM, p->name, p->src.line, 0, "out of memory");
}

static ev_status fail(bib_parser *p, size_t line, size_t col, const char *fmt, ...) EV_PRINTF(4, 5);
static ev_status fail(bib_parser *p, size_t line, size_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ev_status s = ev_error_setv(p->err, EV_EINPUT, p->name, line, col, fmt, ap);
    va_end(ap);
    return s;
}

static int peek(bib_parser *p)
{
    return src_peek(&p->src, p->err);
}

static int next(bib_parser *p)
{
    return src_next(&p->src, p->err);
}

static void skip_ws(bib_parser *p)
{
    int c;
    while ((c = peek(p)) >= 0 && isspace(c))
        next(p);
}

/* An ev_buf append failure: out of memory, or past the buffer's cap. */
static ev_status buf_failed(bib_parser *p, ev_status st, const char *what)
{
    if (st == EV_ENOMEM)
        return nomem(p);
    return ev_error_set(p->err, st, p->name, p->src.line, p->src.col, "%s too large", what);
}

static ev_status put_text(bib_parser *p, int c)
{
    char ch = (char)c;
    ev_status st = ev_buf_append(&p->text, &ch, 1);
    return st == EV_OK ? EV_OK : buf_failed(p, st, "field value");
}

/* ---- macros -------------------------------------------------------------------- */

static const char *macro_get(bib_parser *p, const char *name, size_t len)
{
    for (size_t i = 0; i < p->n_macros; i++)
        if (strlen(p->macros[i].name) == len && ev_strncasecmp(p->macros[i].name, name, len) == 0)
            return p->macros[i].value;
    return NULL;
}

static ev_status macro_set(bib_parser *p, const char *name, size_t len, const char *v, size_t vn)
{
    char *value = ev_strndup(v, vn);
    if (value == NULL)
        return nomem(p);
    for (size_t i = 0; i < p->n_macros; i++)
        if (strlen(p->macros[i].name) == len && ev_strncasecmp(p->macros[i].name, name, len) == 0) {
            ev_free(p->macros[i].value);
            p->macros[i].value = value;
            return EV_OK;
        }
    if (p->n_macros == p->cap_macros) {
        size_t cap = p->cap_macros ? p->cap_macros * 2 : 32;
        bib_macro *m = ev_reallocarray(p->macros, cap, sizeof *m);
        if (m == NULL) {
            ev_free(value);
            return nomem(p);
        }
        p->macros = m;
        p->cap_macros = cap;
    }
    char *nm = ev_strndup(name, len);
    if (nm == NULL) {
        ev_free(value);
        return nomem(p);
    }
    for (char *q = nm; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    p->macros[p->n_macros++] = (bib_macro){nm, value};
    return EV_OK;
}

/* plain.bst's month macros. */
static ev_status macros_init(bib_parser *p)
{
    static const char *const months[12][2] = {
        {"jan", "January"},   {"feb", "February"}, {"mar", "March"},    {"apr", "April"},
        {"may", "May"},       {"jun", "June"},     {"jul", "July"},     {"aug", "August"},
        {"sep", "September"}, {"oct", "October"},  {"nov", "November"}, {"dec", "December"}};
    for (size_t i = 0; i < 12; i++) {
        ev_status s = macro_set(p, months[i][0], 3, months[i][1], strlen(months[i][1]));
        if (s != EV_OK)
            return s;
    }
    return EV_OK;
}

/* ---- values --------------------------------------------------------------------- */

/* Report an unbalanced value: where the entry began (error position), where
 * the value opened and, when seen, the entry that began inside it. */
static ev_status unbalanced(bib_parser *p, const char *field, size_t open_line, size_t open_col,
                            size_t suspect_line)
{
    char where[96] = "";
    if (suspect_line)
        snprintf(where, sizeof where, "; a new entry starts inside it at line %zu", suspect_line);
    return ev_error_set(p->err, EV_EINPUT, p->name, p->entry_line, p->entry_col,
                        "unbalanced braces in entry '%s': the value of field '%s' opened at "
                        "line %zu column %zu is never closed%s",
                        ev_buf_cstr(&p->key), field, open_line, open_col, where);
}

/* Length of the run at the read position, within the current chunk, of
 * bytes a delimited value copies without looking at them. */
static size_t plain_span(const bib_src *s)
{
    size_t k = s->pos;
    while (k < s->n) {
        char c = s->p[k];
        if (c == '{' || c == '}' || c == '"' || c == '\\' || c == '@' || c == '\n')
            break;
        k++;
    }
    return k - s->pos;
}

/* Consume k plain bytes: value text, raw capture, column. */
static ev_status take_run(bib_parser *p, const char *run, size_t k)
{
    p->src.pos += k;
    p->src.col += k;
    ev_status st = ev_buf_append(&p->text, run, k);
    if (st != EV_OK)
        return buf_failed(p, st, "field value");
    if (p->src.capture && (st = ev_buf_append(p->src.capture, run, k)) != EV_OK)
        return buf_failed(p, st, "entry");
    return EV_OK;
}

/* Body of {..} or ".." (the opening delimiter consumed): copy to p->text
 * without the outer delimiters. */
static ev_status read_delimited(bib_parser *p, int close, const char *field)
{
    size_t open_line = p->src.line, open_col = p->src.col - 1, suspect = 0;
    int depth = 0, c, prev = '\n';
    bool line_start = true;
    for (;;) {
        size_t k = plain_span(&p->src);
        if (k > 0) { /* fast path: bytes that need no decision */
            const char *run = p->src.p + p->src.pos;
            for (size_t i = 0; i < k && line_start; i++)
                line_start = run[i] == ' ' || run[i] == '\t' || run[i] == '\r';
            prev = (unsigned char)run[k - 1];
            ev_status s = take_run(p, run, k);
            if (s != EV_OK)
                return s;
            continue;
        }
        if ((c = next(p)) < 0)
            break;
        if (c == '@' && line_start && suspect == 0)
            suspect = p->src.line;
        if (c == '{' && prev != '\\')
            depth++;
        else if (c == '}' && prev != '\\') {
            if (depth == 0 && close == '}')
                return EV_OK;
            if (depth == 0) /* a stray '}' inside a quoted value */
                return unbalanced(p, field, open_line, open_col, suspect);
            depth--;
        } else if (c == '"' && close == '"' && depth == 0 && prev != '\\') {
            return EV_OK;
        }
        line_start = c == '\n' || (line_start && (c == ' ' || c == '\t' || c == '\r'));
        prev = (prev == '\\' && c == '\\') ? 0 : c;
        ev_status s = put_text(p, c);
        if (s != EV_OK)
            return s;
    }
    if (!SRC_OK(p))
        return p->src.st;
    return unbalanced(p, field, open_line, open_col, suspect);
}

/* A bare word: a number or a macro name. */
static ev_status read_word(bib_parser *p, const char *field)
{
    size_t line = p->src.line, col = p->src.col;
    ev_buf_clear(&p->tmp);
    int c;
    while ((c = peek(p)) >= 0 && !isspace(c) && strchr("#,{}()=\"", c) == NULL) {
        char ch = (char)next(p);
        ev_status st = ev_buf_append(&p->tmp, &ch, 1);
        if (st != EV_OK)
            return buf_failed(p, st, "macro name");
    }
    if (p->tmp.len == 0)
        return fail(p, line, col, "expected a value for field '%s'", field);
    const char *w = ev_buf_cstr(&p->tmp);
    bool number = strspn(w, "0123456789") == p->tmp.len;
    const char *v = number ? w : macro_get(p, w, p->tmp.len);
    if (v == NULL) {
        ev__warn(p->sink, p->stats, p->name, line, "undefined macro '%s' in field '%s'", w, field);
        v = w;
    }
    ev_status st = ev_buf_puts(&p->text, v);
    if (st != EV_OK)
        return buf_failed(p, st, "field value");
    return EV_OK;
}

/* value = part ('#' part)*. Appends the expanded raw value to p->text. */
static ev_status read_value(bib_parser *p, const char *field)
{
    for (;;) {
        skip_ws(p);
        int c = peek(p);
        ev_status s;
        if (c == '{' || c == '"') {
            next(p);
            s = read_delimited(p, c == '{' ? '}' : '"', field);
        } else if (c < 0) {
            s = SRC_OK(p) ? unbalanced(p, field, p->src.line, p->src.col, 0) : p->src.st;
        } else {
            s = read_word(p, field);
        }
        if (s != EV_OK)
            return s;
        skip_ws(p);
        if (peek(p) != '#')
            return EV_OK;
        next(p);
    }
}

/* ---- entries ---------------------------------------------------------------------- */

/* Identifier-ish run: entry type, field name, macro name. Stops at '=',
 * delimiters and white space. */
static ev_status read_name(bib_parser *p, ev_buf *out)
{
    int c;
    ev_buf_clear(out);
    while ((c = peek(p)) >= 0 && strchr("=,{}()\"#", c) == NULL) {
        char ch = (char)next(p);
        ev_status st = ev_buf_append(out, &ch, 1);
        if (st != EV_OK)
            return buf_failed(p, st, "field name");
    }
    while (out->len && isspace((unsigned char)out->ptr[out->len - 1]))
        out->ptr[--out->len] = '\0';
    return EV_OK;
}

static ev_status push_field(bib_parser *p, size_t name_off, size_t name_len, size_t val_off,
                            size_t line)
{
    if (p->n_fields == p->cap_fields) {
        size_t cap = p->cap_fields ? p->cap_fields * 2 : 32;
        bib_field *f = ev_reallocarray(p->fields, cap, sizeof *f);
        if (f == NULL)
            return nomem(p);
        p->fields = f;
        p->cap_fields = cap;
    }
    p->fields[p->n_fields++] =
        (bib_field){name_off, name_len, val_off, p->text.len - val_off, line};
    return EV_OK;
}

/* "name = value": adds a field (or, for @string, a macro). */
static ev_status read_field(bib_parser *p, bool is_string)
{
    size_t line = p->src.line, col = p->src.col;
    size_t name_off = p->text.len;
    ev_buf nm;
    ev_buf_init(&nm, 4096);
    ev_status s = read_name(p, &nm);
    if (s != EV_OK)
        goto done;
    if (nm.len > 1 && nm.ptr[0] == '@' && p->n_fields > 0 && !is_string) {
        /* "@..." where a field name was expected: a value closed too late
         * (missing '}', the entry's own '}' closed it) or too early. */
        const bib_field *f = &p->fields[p->n_fields - 1];
        s = ev_error_set(p->err, EV_EINPUT, p->name, p->entry_line, p->entry_col,
                         "unbalanced braces in entry '%s': the braces of field '%.*s' (line "
                         "%zu) do not balance, so '%.20s' at line %zu column %zu is read as "
                         "a field name",
                         ev_buf_cstr(&p->key), (int)f->name_len, p->text.ptr + f->name_off, f->line,
                         nm.ptr, line, col);
        goto done;
    }
    if (nm.len == 0 || peek(p) != '=') {
        s = SRC_OK(p) ? ev_error_set(p->err, EV_EINPUT, p->name, line, col,
                                     "expected 'name = value' in entry '%s' (entry starts at "
                                     "line %zu)",
                                     ev_buf_cstr(&p->key), p->entry_line)
                      : p->src.st;
        goto done;
    }
    next(p);
    if ((s = ev_buf_append(&p->text, nm.ptr, nm.len)) != EV_OK) {
        s = buf_failed(p, s, "entry");
        goto done;
    }
    size_t val_off = p->text.len;
    if ((s = read_value(p, ev_buf_cstr(&nm))) != EV_OK)
        goto done;
    if (is_string) {
        s = macro_set(p, nm.ptr, nm.len, p->text.ptr + val_off, p->text.len - val_off);
        goto done;
    }
    s = push_field(p, name_off, nm.len, val_off, line);
done:
    ev_buf_release(&nm);
    return s;
}

/* The citation key, up to the first ','. A key-less entry ("@article{title
 * = ...") is accepted: the word read is then the first field's name. */
static ev_status read_key(bib_parser *p, int close, bool *keyless)
{
    *keyless = false;
    skip_ws(p);
    ev_buf_clear(&p->key);
    int c;
    while ((c = peek(p)) >= 0 && c != ',' && c != close && c != '=' && c != '{' && c != '}') {
        char ch = (char)next(p);
        ev_status st = ev_buf_append(&p->key, &ch, 1);
        if (st != EV_OK)
            return buf_failed(p, st, "citation key");
    }
    while (p->key.len && isspace((unsigned char)p->key.ptr[p->key.len - 1]))
        p->key.ptr[--p->key.len] = '\0';
    if (c == '=') {
        *keyless = true;
        return EV_OK;
    }
    if (c == ',')
        next(p);
    return EV_OK;
}

/* Fields up to the closing delimiter. */
static ev_status read_fields(bib_parser *p, int close, bool is_string)
{
    for (;;) {
        skip_ws(p);
        int c = peek(p);
        if (c == ',') {
            next(p);
            continue;
        }
        if (c == close) {
            next(p);
            return EV_OK;
        }
        if (c < 0)
            return SRC_OK(p) ? ev_error_set(p->err, EV_EINPUT, p->name, p->entry_line, p->entry_col,
                                            "unbalanced braces: entry '%s' is never closed "
                                            "(end of file)",
                                            ev_buf_cstr(&p->key))
                             : p->src.st;
        ev_status s = read_field(p, is_string);
        if (s != EV_OK)
            return s;
    }
}

/* Skip the body of @comment{...} / @preamble{...}, balancing braces. */
static ev_status skip_balanced(bib_parser *p, int close)
{
    int depth = 0, c;
    while ((c = next(p)) >= 0) {
        if (c == '{')
            depth++;
        else if (c == '}' && depth > 0)
            depth--;
        else if (c == close && depth == 0)
            return EV_OK;
    }
    return SRC_OK(p) ? fail(p, p->entry_line, p->entry_col,
                            "unbalanced braces: @%s is never closed (end of file)", p->type)
                     : p->src.st;
}

/* After an entry closes, text that looks like more fields means the entry
 * closed too early: a '}' too many inside a value. */
static ev_status check_after_entry(bib_parser *p)
{
    int c;
    while ((c = peek(p)) == ' ' || c == '\t' || c == '\r')
        next(p);
    if (c == ',')
        return fail(p, p->src.line, p->src.col,
                    "unbalanced braces: entry '%s' closed before this ',' (one '}' too many)",
                    ev_buf_cstr(&p->key));
    return EV_OK;
}

/* ---- mapping an entry onto the record ------------------------------------------------ */

/* clang-format off */
typedef enum bib_kind {
    K_EXTRA, K_TITLE, K_JOURNAL, K_BOOKTITLE, K_YEAR, K_DATE, K_MONTH, K_VOLUME, K_ISSUE,
    K_PAGES, K_DOI, K_PMID, K_PMCID, K_EPRINT, K_ISSN, K_EISSN, K_ABSTRACT, K_KEYWORDS, K_URL,
    K_LANGUAGE, K_PUBLISHER, K_NOTE, K_AUTHOR, K_ISBN, K_ARTNUM, K_JABBREV, K_DOCTYPE
} bib_kind;
/* clang-format on */

/* clang-format off */
static const struct {
    const char *name;
    bib_kind kind;
} field_kinds[] = {
    {"title", K_TITLE}, {"journal", K_JOURNAL}, {"journaltitle", K_JOURNAL},
    {"booktitle", K_BOOKTITLE}, {"year", K_YEAR}, {"date", K_DATE}, {"month", K_MONTH},
    {"volume", K_VOLUME}, {"number", K_ISSUE}, {"issue", K_ISSUE}, {"pages", K_PAGES},
    {"doi", K_DOI}, {"pmid", K_PMID}, {"pmcid", K_PMCID}, {"eprint", K_EPRINT},
    {"issn", K_ISSN}, {"eissn", K_EISSN}, {"abstract", K_ABSTRACT}, {"keywords", K_KEYWORDS},
    {"keyword", K_KEYWORDS}, {"author_keywords", K_KEYWORDS}, {"author-keywords", K_KEYWORDS},
    {"url", K_URL}, {"language", K_LANGUAGE}, {"publisher", K_PUBLISHER}, {"note", K_NOTE},
    {"author", K_AUTHOR}, {"isbn", K_ISBN}, {"art_number", K_ARTNUM}, {"articleno", K_ARTNUM},
    {"article-number", K_ARTNUM}, {"eid", K_ARTNUM}, {"abbrev_source_title", K_JABBREV},
    {"shortjournal", K_JABBREV}, {"journal-iso", K_JABBREV}, {"document_type", K_DOCTYPE},
};
/* clang-format on */

static bib_kind kind_of(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof field_kinds / sizeof field_kinds[0]; i++)
        if (strlen(field_kinds[i].name) == len &&
            ev_strncasecmp(field_kinds[i].name, name, len) == 0)
            return field_kinds[i].kind;
    return K_EXTRA;
}

/* The value as plain Unicode text, in p->tmp (valid until the next call). */
static ev_status flat(bib_parser *p, const char *v, size_t n)
{
    ev_buf_clear(&p->tmp);
    ev_status s = ev__latex_to_utf8(&p->tmp, v, n);
    if (s == EV_OK && p->tmp.ptr == NULL)
        s = ev_buf_append(&p->tmp, "", 0);
    return s == EV_OK ? EV_OK : nomem(p);
}

/* Identifier-like values (URL, DOI, ISSN): braces and white space dropped,
 * "\_" unescaped, but no TeX ligatures ("--" and "~" stay). */
static ev_status verbatim(bib_parser *p, const char *v, size_t n)
{
    ev_buf_clear(&p->tmp);
    ev_status s = ev_buf_append(&p->tmp, "", 0);
    for (size_t i = 0; i < n && s == EV_OK; i++) {
        char c = v[i];
        if (c == '{' || c == '}' || isspace((unsigned char)c))
            continue;
        if (c == '\\' && i + 1 < n && !isalpha((unsigned char)v[i + 1]))
            c = v[++i];
        s = ev_buf_append(&p->tmp, &c, 1);
    }
    return s == EV_OK ? EV_OK : nomem(p);
}

/* "123--456", "1 - 10", "123–456" -> "123-456". */
static ev_status set_pages(bib_parser *p, ev_record *rec, const char *v, size_t n)
{
    ev_buf out;
    ev_buf_init(&out, 0);
    ev_status s = ev_buf_append(&out, "", 0);
    for (size_t i = 0; i < n && s == EV_OK;) {
        size_t dash = 0;
        if (v[i] == '-')
            dash = 1;
        else if (i + 2 < n && memcmp(v + i, "\xE2\x80", 2) == 0 &&
                 ((unsigned char)v[i + 2] == 0x93 || (unsigned char)v[i + 2] == 0x94))
            dash = 3;
        if (dash == 0) {
            s = ev_buf_append(&out, v + i++, 1);
            continue;
        }
        while (out.len && out.ptr[out.len - 1] == ' ')
            out.ptr[--out.len] = '\0';
        i += dash;
        while (i < n && (v[i] == ' ' || v[i] == '-'))
            i++;
        s = ev_buf_putc(&out, '-');
    }
    if (s == EV_OK)
        s = ev_record_set(rec, &rec->pages, out.ptr, out.len);
    ev_buf_release(&out);
    return s == EV_OK ? EV_OK : nomem(p);
}

/* "{World Health Organization}": the whole name is one braced group (and
 * not "{A} x {B}", whose first group closes early). */
static bool one_braced_group(const char *s, size_t n)
{
    if (n < 2 || s[0] != '{' || s[n - 1] != '}')
        return false;
    for (size_t i = 0, depth = 0; i + 1 < n; i++) {
        depth += s[i] == '{';
        if (s[i] == '}' && --depth == 0)
            return false;
    }
    return true;
}

/* "Ludwig van Beethoven" -> "van Beethoven, Ludwig": BibTeX's von part is
 * the first lower-case word that is neither the first nor the last. */
static ev_status first_von_last(ev_buf *out, const char *s, size_t n)
{
    size_t start = out->len;
    ev_status st = ev__latex_to_utf8(out, s, n);
    if (st != EV_OK || out->len == start)
        return st;
    char *t = out->ptr + start;
    size_t len = out->len - start, von = 0, last = len;
    while (last > 0 && t[last - 1] != ' ')
        last--; /* start of the last word */
    for (size_t i = 1; i + 1 < last; i++)
        if (t[i - 1] == ' ' && islower((unsigned char)t[i])) {
            von = i;
            break;
        }
    if (von == 0)
        return EV_OK;
    char *given = ev_strndup(t, von - 1);
    char *family = ev_strndup(t + von, len - von);
    if (given && family) {
        out->len = start;
        st = ev_buf_printf(out, "%s, %s", family, given);
    } else {
        st = EV_ENOMEM;
    }
    ev_free(given);
    ev_free(family);
    return st;
}

/* The name as plain text in the order the core splitter reads: BibTeX's
 * "von Last, Jr, First" becomes "Last, First, Jr"; other forms are kept. */
static ev_status name_text(ev_buf *out, const char *s, size_t n)
{
    size_t commas[2], nc = 0, depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '{')
            depth++;
        else if (s[i] == '}' && depth)
            depth--;
        else if (s[i] == ',' && depth == 0 && nc < 2)
            commas[nc++] = i;
    }
    if (nc == 0)
        return first_von_last(out, s, n);
    if (nc < 2)
        return ev__latex_to_utf8(out, s, n);
    ev_status st = ev__latex_to_utf8(out, s, commas[0]);
    if (st == EV_OK)
        st = ev_buf_puts(out, ", ");
    if (st == EV_OK)
        st = ev__latex_to_utf8(out, s + commas[1] + 1, n - commas[1] - 1);
    if (st == EV_OK)
        st = ev_buf_puts(out, ", ");
    if (st == EV_OK)
        st = ev__latex_to_utf8(out, s + commas[0] + 1, commas[1] - commas[0] - 1);
    return st;
}

/* One name of an author list, raw LaTeX: "{World Health Organization}",
 * "Last, First", "Last, Jr, First", "First von Last", "others". */
static ev_status add_author(bib_parser *p, ev_record *rec, const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 0)
        return EV_OK;
    if (n == 6 && memcmp(s, "others", 6) == 0) {
        rec->authors_incomplete = true;
        return EV_OK;
    }
    ev_author *a = NULL;
    if (ev_record_add_author(rec, &a) != EV_OK)
        return nomem(p);
    ev_buf_clear(&p->tmp);
    ev_status st =
        one_braced_group(s, n) ? ev__latex_to_utf8(&p->tmp, s, n) : name_text(&p->tmp, s, n);
    const char *t = p->tmp.ptr ? p->tmp.ptr : "";
    if (st == EV_OK)
        st = one_braced_group(s, n) ? ev_record_set(rec, &a->collective, t, p->tmp.len)
                                    : ev_record_author_from_name(rec, a, t, p->tmp.len);
    return st == EV_OK ? EV_OK : nomem(p);
}

/* Split the raw author value on " and " outside braces. */
static ev_status set_authors(bib_parser *p, ev_record *rec, const char *v, size_t n)
{
    size_t start = 0, depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '{')
            depth++;
        else if (v[i] == '}' && depth)
            depth--;
        else if (depth == 0 && isspace((unsigned char)v[i]) && i + 4 < n &&
                 ev_strncasecmp(v + i + 1, "and", 3) == 0 && isspace((unsigned char)v[i + 4])) {
            ev_status s = add_author(p, rec, v + start, i - start);
            if (s != EV_OK)
                return s;
            start = i + 4;
            i += 3;
        }
    }
    return add_author(p, rec, v + start, n - start);
}

static int month_number(const char *s)
{
    static const char *const m[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                      "jul", "aug", "sep", "oct", "nov", "dec"};
    long v = 0;
    if (ev_parse_long(s, &v))
        return v >= 1 && v <= 12 ? (int)v : 0;
    for (int i = 0; i < 12; i++)
        if (strlen(s) >= 3 && ev_strncasecmp(s, m[i], 3) == 0)
            return i + 1;
    return 0;
}

static ev_status push_extra(bib_parser *p, ev_record *rec, const bib_field *f)
{
    char key[128];
    snprintf(key, sizeof key, "%.*s", (int)(f->name_len < 127 ? f->name_len : 127),
             p->text.ptr + f->name_off);
    ev_status s = flat(p, p->text.ptr + f->val_off, f->val_len);
    if (s == EV_OK &&
        ev_record_push_kv(rec, &rec->extra, &rec->n_extra, key, p->tmp.ptr, p->tmp.len) != EV_OK)
        s = nomem(p);
    return s;
}

/* Fields whose value is an identifier or a one-line string. */
static ev_status map_simple(bib_parser *p, ev_record *rec, bib_kind k, const bib_field *f,
                            bool *used)
{
    const char *v = p->text.ptr + f->val_off;
    size_t n = f->val_len;
    bool ident = k == K_DOI || k == K_URL || k == K_PMID || k == K_PMCID || k == K_EPRINT ||
                 k == K_ISSN || k == K_EISSN || k == K_ISBN;
    ev_status s = ident ? verbatim(p, v, n) : flat(p, v, n);
    if (s != EV_OK)
        return s;
    const char *t = p->tmp.ptr;
    size_t tn = p->tmp.len;
    const char **dst = NULL;
    *used = true;
    switch (k) {
    case K_JOURNAL:
        dst = &rec->journal;
        break;
    case K_BOOKTITLE:
        dst = &rec->book_title;
        break;
    case K_VOLUME:
        dst = &rec->volume;
        break;
    case K_ISSUE:
        dst = &rec->issue;
        break;
    case K_URL:
        dst = &rec->url;
        break;
    case K_PUBLISHER:
        dst = &rec->publisher;
        break;
    case K_NOTE:
        dst = &rec->notes;
        break;
    case K_ARTNUM:
        dst = &rec->article_number;
        break;
    case K_JABBREV:
        dst = &rec->journal_abbrev;
        break;
    case K_PMCID:
        dst = &rec->pmcid;
        break;
    case K_PMID:
    case K_EPRINT:
        dst = strspn(t, "0123456789") == tn && tn > 0 ? &rec->pmid : NULL;
        break;
    case K_DOI:
        if (rec->doi == NULL && (rec->doi = ev_record_doi(rec, t, tn)) != NULL)
            return EV_OK;
        break;
    default:
        break;
    }
    if (dst == NULL || *dst != NULL) {
        *used = false;
        return EV_OK;
    }
    return ev_record_set(rec, dst, t, tn) == EV_OK ? EV_OK : nomem(p);
}

/* "1111-2222, 1234-4444" or "1939-1676 0891-6640": print, then electronic. */
static ev_status set_issn(bib_parser *p, ev_record *rec, bool electronic)
{
    const char *t = p->tmp.ptr;
    size_t n = p->tmp.len, i = 0;
    while (i < n) {
        while (i < n && strchr(",; ", t[i]))
            i++;
        size_t j = i;
        while (j < n && !strchr(",; ", t[j]))
            j++;
        if (j > i) {
            const char **dst = (!electronic && rec->issn_print == NULL) ? &rec->issn_print
                               : rec->issn_electronic == NULL           ? &rec->issn_electronic
                                                                        : NULL;
            if (dst && ev_record_set(rec, dst, t + i, j - i) != EV_OK)
                return nomem(p);
        }
        i = j;
    }
    return EV_OK;
}

/* "999-9-999-99999-9; 999-8-888-99999-8": one other_id per ISBN. */
static ev_status set_isbn(bib_parser *p, ev_record *rec, const char *v, size_t n)
{
    for (size_t i = 0; i < n;) {
        while (i < n && strchr(",; \t\r\n{}", v[i]))
            i++;
        size_t j = i;
        while (j < n && !strchr(",; \t\r\n{}", v[j]))
            j++;
        if (j > i && ev_record_push_kv(rec, &rec->other_ids, &rec->n_other_ids, "isbn", v + i,
                                       j - i) != EV_OK)
            return nomem(p);
        i = j;
    }
    return EV_OK;
}

/* The title as written, white space runs (line breaks) collapsed. */
static ev_status set_markup(bib_parser *p, ev_record *rec, const char *v, size_t n)
{
    ev_buf_clear(&p->tmp);
    ev_status s = ev_buf_append(&p->tmp, "", 0);
    for (size_t i = 0; i < n && s == EV_OK; i++) {
        if (isspace((unsigned char)v[i])) {
            if (p->tmp.len && p->tmp.ptr[p->tmp.len - 1] == ' ')
                continue;
            s = ev_buf_putc(&p->tmp, ' ');
        } else {
            s = ev_buf_append(&p->tmp, v + i, 1);
        }
    }
    if (s == EV_OK && ev_record_set(rec, &rec->title_markup, p->tmp.ptr, p->tmp.len) != EV_OK)
        s = EV_ENOMEM;
    return s == EV_OK ? EV_OK : nomem(p);
}

/* Fields needing more than a copy. *used false -> the caller keeps it in extra. */
static ev_status map_field(bib_parser *p, ev_record *rec, const bib_field *f, const char **month,
                           bool *used)
{
    const char *v = p->text.ptr + f->val_off;
    size_t n = f->val_len;
    bib_kind k = kind_of(p->text.ptr + f->name_off, f->name_len);
    ev_status s = EV_OK;
    *used = true;
    switch (k) {
    case K_EXTRA:
        *used = false;
        return EV_OK;
    case K_TITLE:
        if (rec->title != NULL)
            break;
        if ((s = flat(p, v, n)) == EV_OK &&
            ev_record_set(rec, &rec->title, p->tmp.ptr, p->tmp.len) != EV_OK)
            return nomem(p);
        if (s == EV_OK && strcspn(v, "\\{}$") < n)
            s = set_markup(p, rec, v, n);
        return s;
    case K_AUTHOR:
        if (rec->n_authors)
            break;
        return set_authors(p, rec, v, n);
    case K_YEAR:
    case K_DATE:
        if (rec->pub_date.year || (s = flat(p, v, n)) != EV_OK)
            break;
        ev_record_parse_date(rec, &rec->pub_date, p->tmp.ptr, p->tmp.len);
        return EV_OK;
    case K_MONTH:
        if ((s = flat(p, v, n)) == EV_OK)
            *month = ev_arena_strdup(rec->arena, p->tmp.ptr);
        return s;
    case K_PAGES:
        if (rec->pages || (s = flat(p, v, n)) != EV_OK)
            break;
        return set_pages(p, rec, p->tmp.ptr, p->tmp.len);
    case K_ISSN:
    case K_EISSN:
        if ((s = verbatim(p, v, n)) == EV_OK)
            s = set_issn(p, rec, k == K_EISSN);
        return s;
    case K_ABSTRACT: {
        ev_abstract_section *sec = NULL;
        if ((s = flat(p, v, n)) == EV_OK &&
            (ev_record_add_section(rec, &sec) != EV_OK ||
             ev_record_set(rec, &sec->text, p->tmp.ptr, p->tmp.len) != EV_OK))
            s = nomem(p);
        return s;
    }
    case K_KEYWORDS: /* ';' lists keep "Aged, 80 and over" whole */
        if ((s = flat(p, v, n)) == EV_OK &&
            ev__push_keywords(rec, p->tmp.ptr, p->tmp.len,
                              memchr(p->tmp.ptr, ';', p->tmp.len) ? ";" : ",") != EV_OK)
            s = nomem(p);
        return s;
    case K_LANGUAGE:
    case K_DOCTYPE:
        if ((s = flat(p, v, n)) == EV_OK &&
            (k == K_LANGUAGE
                 ? ev_record_push_str(rec, &rec->languages, &rec->n_languages, p->tmp.ptr,
                                      p->tmp.len)
                 : ev_record_push_str(rec, &rec->publication_types, &rec->n_publication_types,
                                      p->tmp.ptr, p->tmp.len)) != EV_OK)
            s = nomem(p);
        return s;
    case K_ISBN:
        return set_isbn(p, rec, v, n);
    default:
        return map_simple(p, rec, k, f, used);
    }
    *used = false;
    return s;
}

/* "PMID: 33355555" in a note (Taylor & Francis). */
static ev_status pmid_from_note(bib_parser *p, ev_record *rec)
{
    if (rec->pmid || rec->notes == NULL)
        return EV_OK;
    const char *m = strstr(rec->notes, "PMID:");
    if (m == NULL)
        return EV_OK;
    m += 5;
    while (*m == ' ')
        m++;
    size_t len = strspn(m, "0123456789");
    if (len == 0)
        return EV_OK;
    return ev_record_set(rec, &rec->pmid, m, len) == EV_OK ? EV_OK : nomem(p);
}

static ev_status finish_record(bib_parser *p, ev_record *rec, const char *month)
{
    if (month && rec->pub_date.year && rec->pub_date.month == 0)
        rec->pub_date.month = month_number(month);
    if (rec->journal == NULL && rec->book_title && strcmp(p->type, "inproceedings") == 0 &&
        ev_record_set(rec, &rec->journal, rec->book_title, strlen(rec->book_title)) != EV_OK)
        return nomem(p);
    if (pmid_from_note(p, rec) != EV_OK)
        return nomem(p);
    if (p->opts->keep_raw && p->raw.len) {
        rec->raw = ev_arena_strndup(rec->arena, p->raw.ptr, p->raw.len);
        rec->raw_len = p->raw.len;
        if (rec->raw == NULL)
            return nomem(p);
    }
    return EV_OK;
}

static ev_status map_entry(bib_parser *p)
{
    if (strcmp(p->type, "set") == 0 || strcmp(p->type, "xdata") == 0) {
        ev__warn(p->sink, p->stats, p->name, p->entry_line,
                 "skipped @%s '%s': it groups other entries and is not a reference", p->type,
                 ev_buf_cstr(&p->key));
        p->stats->skipped++;
        return EV_OK;
    }
    ev_record *rec = p->rec;
    ev_record_clear(rec);
    rec->format = EV_FORMAT_BIBTEX;
    rec->source_line = p->entry_line;
    if (ev_record_set(rec, &rec->source_record_id, p->key.ptr ? p->key.ptr : "", p->key.len) ||
        ev_record_set(rec, &rec->type, p->type, strlen(p->type)))
        return nomem(p);
    const char *month = NULL;
    for (size_t i = 0; i < p->n_fields; i++) {
        bool used = false;
        ev_status s = map_field(p, rec, &p->fields[i], &month, &used);
        if (s == EV_OK && !used)
            s = push_extra(p, rec, &p->fields[i]);
        if (s != EV_OK)
            return s;
    }
    ev_status s = finish_record(p, rec, month);
    if (s != EV_OK)
        return s;
    /* The raw text is still being captured: the closing delimiter is in. */
    return ev__emit(p->sink, p->stats, p->src.r, rec, p->err);
}

static ev_status read_entry(bib_parser *p, int close)
{
    bool keyless = false;
    p->n_fields = 0;
    ev_buf_clear(&p->text);
    ev_status s = read_key(p, close, &keyless);
    if (s != EV_OK)
        return s;
    if (keyless) {
        /* The word we read is the first field's name, not a key. */
        size_t line = p->src.line, name_off = p->text.len, name_len = p->key.len;
        if ((s = ev_buf_append(&p->text, p->key.ptr, p->key.len)) != EV_OK)
            return buf_failed(p, s, "entry");
        ev_buf_clear(&p->key);
        next(p); /* '=' */
        size_t val_off = p->text.len;
        if ((s = read_value(p, ev_buf_cstr(&p->key))) != EV_OK ||
            (s = push_field(p, name_off, name_len, val_off, line)) != EV_OK)
            return s;
    }
    if ((s = read_fields(p, close, false)) != EV_OK)
        return s;
    if ((s = map_entry(p)) != EV_OK)
        return s;
    return check_after_entry(p);
}

/* '@' consumed: dispatch on the entry type. */
static ev_status read_at(bib_parser *p)
{
    size_t k = 0;
    int c;
    while ((c = peek(p)) >= 0 && (isalnum(c) || c == '_' || c == '-')) {
        next(p);
        if (k + 1 < sizeof p->type)
            p->type[k++] = (char)tolower(c);
    }
    p->type[k] = '\0';
    skip_ws(p);
    c = peek(p);
    if (k == 0 || (c != '{' && c != '('))
        return EV_OK; /* an '@' in text between entries: not an entry */
    next(p);
    int close = c == '{' ? '}' : ')';
    ev_buf_clear(&p->key);
    if (strcmp(p->type, "comment") == 0 || strcmp(p->type, "preamble") == 0)
        return skip_balanced(p, close);
    if (strcmp(p->type, "string") == 0)
        return read_fields(p, close, true);
    return read_entry(p, close);
}

static ev_status parse_all(bib_parser *p)
{
    int c;
    while ((c = peek(p)) >= 0) {
        if (c != '@') {
            next(p);
            continue;
        }
        p->entry_line = p->src.line;
        p->entry_col = p->src.col;
        ev_buf_clear(&p->raw);
        p->src.capture = p->opts->keep_raw ? &p->raw : NULL;
        next(p);
        ev_status s = read_at(p);
        p->src.capture = NULL;
        if (s == EV_OK && !SRC_OK(p))
            s = p->src.st;
        if (s != EV_OK)
            return s;
    }
    return p->src.st;
}

static void parser_release(bib_parser *p)
{
    ev_buf_release(&p->text);
    ev_buf_release(&p->raw);
    ev_buf_release(&p->key);
    ev_buf_release(&p->tmp);
    ev_free(p->fields);
    for (size_t i = 0; i < p->n_macros; i++) {
        ev_free(p->macros[i].name);
        ev_free(p->macros[i].value);
    }
    ev_free(p->macros);
    ev_record_free(p->rec);
}

ev_status ev__parse_bibtex(ev__reader *r, const ev_parse_options *opts, const ev_parse_sink *sink,
                           ev_parse_stats *stats, ev_error *err)
{
    ev_status s = ev__refuse_legacy_cjk(r, err);
    if (s != EV_OK)
        return s;
    ev__reader_set_encoding(r, EV__ENC_UTF8_OR_1252);
    bib_parser p = {.src = {.r = r, .line = 1, .col = 1},
                    .opts = opts,
                    .sink = sink,
                    .stats = stats,
                    .err = err,
                    .name = ev__reader_name(r)};
    ev_buf_init(&p.text, 0);
    ev_buf_init(&p.raw, 0);
    ev_buf_init(&p.key, 1u << 16);
    ev_buf_init(&p.tmp, 0);
    p.rec = ev_record_new();
    if (p.rec == NULL)
        s = nomem(&p);
    if (s == EV_OK)
        s = macros_init(&p);
    if (s == EV_OK)
        s = parse_all(&p);
    parser_release(&p);
    return s;
}
