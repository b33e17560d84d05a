/*
 * table.c - the small data table behind `evident meta`: a CSV file with a
 * header row (RFC 4180 quoting; comma, semicolon or tab separated, detected
 * from the header), numeric and text columns, and the checks that turn its
 * columns into an ev_synth_data with errors that name the file, line and
 * field of the first bad cell.
 */
#include "evident/ev_synth.h"

#define TABLE_MAX_BYTES ((size_t)256 << 20)

struct ev_synth_table {
    char *name;
    size_t nrows, ncols;
    char **colnames;
    size_t *lines;     /* input line of each data row */
    char ***text;      /* [col][row], NULL = missing */
    double **num;      /* [col][row], NAN = missing or not a number */
    bool *numeric;
    ev_arena *arena;
};

/* ---- CSV scanning ------------------------------------------------------- */

typedef struct scanner {
    const char *s;
    size_t n, pos, line, field; /* field: 1-based within the record */
    char sep;
    const char *name;
    ev_buf cell;
} scanner;

static char detect_sep(const char *s, size_t n)
{
    size_t c = 0, sc = 0, tab = 0;
    bool q = false;
    for (size_t i = 0; i < n && (q || (s[i] != '\n' && s[i] != '\r')); i++) {
        if (s[i] == '"')
            q = !q;
        else if (!q)
            c += s[i] == ',', sc += s[i] == ';', tab += s[i] == '\t';
    }
    if (tab > c && tab >= sc)
        return '\t';
    return sc > c ? ';' : ',';
}

static ev_status scan_quoted(scanner *sc, ev_error *err)
{
    size_t line0 = sc->line;
    sc->pos++; /* opening quote */
    for (;;) {
        if (sc->pos >= sc->n)
            return ev_error_set(err, EV_EINPUT, sc->name, line0, sc->field,
                                "unterminated quoted field");
        char ch = sc->s[sc->pos++];
        if (ch == '"') {
            if (sc->pos < sc->n && sc->s[sc->pos] == '"')
                sc->pos++;
            else
                return EV_OK;
        } else if (ch == '\n') {
            sc->line++;
        }
        if (ev_buf_putc(&sc->cell, ch) != EV_OK)
            return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
}

/* Scan one field into sc->cell; *end_of_record tells whether a newline (or
 * the end of the input) followed it. */
static ev_status scan_field(scanner *sc, bool *end_of_record, ev_error *err)
{
    ev_buf_clear(&sc->cell);
    while (sc->pos < sc->n && sc->s[sc->pos] == ' ')
        sc->pos++;
    if (sc->pos < sc->n && sc->s[sc->pos] == '"') {
        ev_status st = scan_quoted(sc, err);
        if (st != EV_OK)
            return st;
    }
    while (sc->pos < sc->n && sc->s[sc->pos] != sc->sep && sc->s[sc->pos] != '\n') {
        char ch = sc->s[sc->pos++];
        if (ch == '"')
            return ev_error_set(err, EV_EINPUT, sc->name, sc->line, sc->field,
                                "stray quote in field (quote the whole field)");
        if (ch != '\r' && ev_buf_putc(&sc->cell, ch) != EV_OK)
            return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    *end_of_record = sc->pos >= sc->n || sc->s[sc->pos] == '\n';
    if (sc->pos < sc->n) {
        if (sc->s[sc->pos] == '\n')
            sc->line++;
        sc->pos++;
    }
    /* trim trailing blanks */
    while (sc->cell.len > 0 && sc->cell.ptr[sc->cell.len - 1] == ' ')
        sc->cell.ptr[--sc->cell.len] = '\0';
    return EV_OK;
}

static bool blank_line(const scanner *sc)
{
    size_t i = sc->pos;
    while (i < sc->n && (sc->s[i] == ' ' || sc->s[i] == '\r' || sc->s[i] == '\t'))
        i++;
    return i >= sc->n || sc->s[i] == '\n';
}

static void skip_line(scanner *sc)
{
    while (sc->pos < sc->n && sc->s[sc->pos] != '\n')
        sc->pos++;
    if (sc->pos < sc->n) {
        sc->pos++;
        sc->line++;
    }
}

/* ---- building the table ------------------------------------------------- */

typedef struct cells {
    char **v; /* row-major, NULL = missing */
    size_t n, cap;
    size_t *lines;
    size_t nrows;
} cells;

static ev_status cells_push(cells *c, char *s)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        char **v = ev_reallocarray(c->v, cap, sizeof *v);
        if (v == NULL)
            return EV_ENOMEM;
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] = s;
    return EV_OK;
}

static bool is_missing(const char *s)
{
    return s[0] == '\0' || strcmp(s, "NA") == 0;
}

static ev_status read_header(ev_synth_table *t, scanner *sc, ev_error *err)
{
    bool eor = false;
    char **names = NULL;
    size_t n = 0;
    while (!eor) {
        sc->field = n + 1;
        ev_status st = scan_field(sc, &eor, err);
        if (st != EV_OK)
            return st;
        const char *nm = ev_buf_cstr(&sc->cell);
        if (nm[0] == '\0')
            return ev_error_set(err, EV_EINPUT, t->name, 1, n + 1, "empty column name");
        for (size_t j = 0; j < n; j++)
            if (strcmp(names[j], nm) == 0)
                return ev_error_set(err, EV_EINPUT, t->name, 1, n + 1,
                                    "duplicate column name '%s'", nm);
        char **grown = ev_arena_grow(t->arena, names, n, sizeof *names);
        if (grown == NULL || (grown[n] = ev_arena_strdup(t->arena, nm)) == NULL)
            return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
        names = grown;
        n++;
    }
    t->colnames = names;
    t->ncols = n;
    return EV_OK;
}

static ev_status read_record(ev_synth_table *t, scanner *sc, cells *c, ev_error *err)
{
    size_t line = sc->line, nf = 0;
    bool eor = false;
    while (!eor) {
        sc->field = nf + 1;
        ev_status st = scan_field(sc, &eor, err);
        if (st != EV_OK)
            return st;
        if (++nf > t->ncols)
            return ev_error_set(err, EV_EINPUT, t->name, line, nf,
                                "more fields than the %zu columns of the header", t->ncols);
        const char *s = ev_buf_cstr(&sc->cell);
        char *copy = is_missing(s) ? NULL : ev_arena_strdup(t->arena, s);
        if ((!is_missing(s) && copy == NULL) || cells_push(c, copy) != EV_OK)
            return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (nf < t->ncols)
        return ev_error_set(err, EV_EINPUT, t->name, line, nf,
                            "%zu fields, but the header has %zu columns", nf, t->ncols);
    size_t *lines = ev_reallocarray(c->lines, c->nrows + 1, sizeof *lines);
    if (lines == NULL)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    c->lines = lines;
    lines[c->nrows++] = line;
    return EV_OK;
}

/* Transpose the row-major cells into columns and type them. */
static ev_status build_columns(ev_synth_table *t, const cells *c)
{
    size_t R = c->nrows, C = t->ncols;
    t->nrows = R;
    t->text = ev_arena_alloc(t->arena, C * sizeof *t->text);
    t->num = ev_arena_alloc(t->arena, C * sizeof *t->num);
    t->numeric = ev_arena_alloc(t->arena, C * sizeof *t->numeric);
    t->lines = ev_arena_alloc(t->arena, R * sizeof *t->lines);
    if (!t->text || !t->num || !t->numeric || !t->lines)
        return EV_ENOMEM;
    memcpy(t->lines, c->lines, R * sizeof *t->lines);
    for (size_t j = 0; j < C; j++) {
        t->text[j] = ev_arena_alloc(t->arena, R * sizeof **t->text);
        t->num[j] = ev_arena_alloc(t->arena, R * sizeof **t->num);
        if (!t->text[j] || !t->num[j])
            return EV_ENOMEM;
        t->numeric[j] = true;
        for (size_t i = 0; i < R; i++) {
            char *s = c->v[i * C + j];
            double x = NAN;
            t->text[j][i] = s;
            if (s && !(ev_parse_double(s, &x) && isfinite(x))) {
                t->numeric[j] = false;
                x = NAN;
            }
            t->num[j][i] = x;
        }
    }
    return EV_OK;
}

static ev_status parse_body(ev_synth_table *t, scanner *sc, ev_error *err)
{
    cells c = {0};
    ev_status st = read_header(t, sc, err);
    while (st == EV_OK && sc->pos < sc->n) {
        if (blank_line(sc)) {
            skip_line(sc);
            continue;
        }
        st = read_record(t, sc, &c, err);
    }
    if (st == EV_OK && c.nrows == 0)
        st = ev_error_set(err, EV_EINPUT, t->name, 0, 0, "no data rows after the header");
    if (st == EV_OK && build_columns(t, &c) != EV_OK)
        st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    ev_free(c.v);
    ev_free(c.lines);
    return st;
}

static ev_status check_text(const char *text, size_t n, const char *name, ev_error *err)
{
    size_t bad;
    if (n == 0)
        return ev_error_set(err, EV_EINPUT, name, 0, 0, "empty file");
    if (!ev_utf8_valid(text, n, &bad)) {
        size_t line = 1, col = 1;
        for (size_t i = 0; i < bad; i++)
            text[i] == '\n' ? (line++, col = 1) : col++;
        return ev_error_set(err, EV_EINPUT, name, line, col, "invalid UTF-8");
    }
    return EV_OK;
}

void ev_synth_table_free(ev_synth_table *t)
{
    if (t == NULL)
        return;
    ev_free(t->name);
    ev_arena_free(t->arena);
    ev_free(t);
}

ev_status ev_synth_table_parse(ev_synth_table **out, const char *text, size_t n,
                               const char *name, ev_error *err)
{
    *out = NULL;
    name = name ? name : "<data>";
    if (n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3, n -= 3;
    ev_status st = check_text(text, n, name, err);
    if (st != EV_OK)
        return st;
    ev_synth_table *t = ev_calloc(1, sizeof *t);
    if (t == NULL || (t->arena = ev_arena_new()) == NULL || (t->name = ev_strdup(name)) == NULL) {
        ev_synth_table_free(t);
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    scanner sc = {.s = text, .n = n, .line = 1, .sep = detect_sep(text, n), .name = name};
    ev_buf_init(&sc.cell, (size_t)1 << 20);
    st = parse_body(t, &sc, err);
    ev_buf_release(&sc.cell);
    if (st != EV_OK) {
        ev_synth_table_free(t);
        return st;
    }
    *out = t;
    return EV_OK;
}

ev_status ev_synth_table_read(ev_synth_table **out, const char *path, ev_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return ev_error_set(err, EV_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    ev_buf b;
    ev_buf_init(&b, TABLE_MAX_BYTES);
    char chunk[65536];
    size_t got;
    ev_status st = EV_OK;
    while (st == EV_OK && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
        st = ev_buf_append(&b, chunk, got);
    bool bad = ferror(f);
    fclose(f);
    if (st == EV_EINPUT)
        ev_error_set(err, st, path, 0, 0, "file larger than %zu bytes", TABLE_MAX_BYTES);
    else if (st != EV_OK)
        ev_error_set(err, st, NULL, 0, 0, "out of memory");
    else if (bad)
        st = ev_error_set(err, EV_EIO, path, 0, 0, "read error");
    if (st == EV_OK)
        st = ev_synth_table_parse(out, ev_buf_cstr(&b), b.len, path, err);
    ev_buf_release(&b);
    return st;
}

/* ---- getters -------------------------------------------------------------- */

size_t ev_synth_table_rows(const ev_synth_table *t) { return t->nrows; }
size_t ev_synth_table_cols(const ev_synth_table *t) { return t->ncols; }

const char *ev_synth_table_colname(const ev_synth_table *t, size_t col)
{
    return col < t->ncols ? t->colnames[col] : NULL;
}

bool ev_synth_table_find(const ev_synth_table *t, const char *name, size_t *col)
{
    for (size_t j = 0; j < t->ncols; j++)
        if (strcmp(t->colnames[j], name) == 0) {
            *col = j;
            return true;
        }
    return false;
}

bool ev_synth_table_is_numeric(const ev_synth_table *t, size_t col)
{
    return col < t->ncols && t->numeric[col];
}

const double *ev_synth_table_num(const ev_synth_table *t, size_t col)
{
    return col < t->ncols ? t->num[col] : NULL;
}

const char *const *ev_synth_table_text(const ev_synth_table *t, size_t col)
{
    return col < t->ncols ? (const char *const *)t->text[col] : NULL;
}

size_t ev_synth_table_line(const ev_synth_table *t, size_t row)
{
    return row < t->nrows ? t->lines[row] : 0;
}

ev_status ev_synth_table_error(const ev_synth_table *t, size_t row, size_t col, ev_error *err,
                               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ev_error_setv(err, EV_EINPUT, t->name, ev_synth_table_line(t, row), col + 1, fmt, ap);
    va_end(ap);
    return EV_EINPUT;
}

/* ---- from columns to study data ------------------------------------------ */

/* What a cell of a column must satisfy. */
typedef enum cell_rule {
    R_ANY,      /* any number (means) */
    R_COUNT,    /* >= 0 */
    R_GROUP,    /* group size >= 1 */
    R_GROUP2,   /* group size >= 2 (means) */
    R_POS,      /* > 0 (sd, person-time, vi, sei) */
    R_CORR      /* -1 <= r <= 1 */
} cell_rule;

typedef struct need {
    const char *name;
    cell_rule rule;
} need;

static const char *rule_msg(const need *nd, double x)
{
    switch (nd->rule) {
    case R_COUNT: return x < 0 ? "a count cannot be negative" : NULL;
    case R_GROUP: return x < 1 ? "a group size must be at least 1" : NULL;
    case R_GROUP2: return x < 2 ? "a group size must be at least 2 (n < 2)" : NULL;
    case R_CORR: return fabs(x) > 1 ? "a correlation must lie between -1 and 1" : NULL;
    case R_POS:
        if (x > 0)
            return NULL;
        if (nd->name[0] == 's' && nd->name[1] == 'd')
            return "a standard deviation must be greater than 0 (sd <= 0)";
        if (nd->name[0] == 't')
            return "person-time must be greater than 0";
        return nd->name[0] == 'v' ? "a sampling variance must be greater than 0"
                                  : "a standard error must be greater than 0";
    default: return NULL;
    }
}

/* Find, type-check and range-check one column; *out borrows its numbers. */
static ev_status take_column(const double **out, const ev_synth_table *t, const need *nd,
                             const char *measure, const char *all, ev_error *err)
{
    size_t col;
    if (!ev_synth_table_find(t, nd->name, &col))
        return ev_error_set(err, EV_EINPUT, t->name, 0, 0,
                            "missing column '%s' (measure %s needs %s)", nd->name, measure, all);
    for (size_t i = 0; i < t->nrows; i++) {
        const char *s = t->text[col][i];
        double x = t->num[col][i];
        if (s != NULL && isnan(x))
            return ev_synth_table_error(t, i, col, err, "'%s' is not a number (column '%s')", s,
                                        nd->name);
        const char *why = isnan(x) ? NULL : rule_msg(nd, x);
        if (why != NULL)
            return ev_synth_table_error(t, i, col, err, "%s = %s: %s", nd->name, s, why);
    }
    *out = t->num[col];
    return EV_OK;
}

/* Events must not exceed the group size. */
static ev_status check_le(const ev_synth_table *t, const char *a, const char *n, ev_error *err)
{
    size_t ca, cn;
    if (!ev_synth_table_find(t, a, &ca) || !ev_synth_table_find(t, n, &cn))
        return EV_OK;
    for (size_t i = 0; i < t->nrows; i++)
        if (t->num[ca][i] > t->num[cn][i])
            return ev_synth_table_error(t, i, ca, err, "%s = %s is larger than %s = %s", a,
                                        t->text[ca][i], n, t->text[cn][i]);
    return EV_OK;
}

static bool has(const ev_synth_table *t, const char *name)
{
    size_t c;
    return ev_synth_table_find(t, name, &c);
}

/* The columns of a measure family, in ev_synth_data order. */
static size_t needs_for(ev_synth_measure m, const ev_synth_table *t, need *nd, const double ***dst,
                        ev_synth_data *d)
{
    size_t n = 0;
#define NEED(col, rule) (nd[n] = (need){#col, rule}, dst[n++] = &d->col)
    switch (m) {
    case EV_MEASURE_RR: case EV_MEASURE_OR: case EV_MEASURE_RD: case EV_MEASURE_AS:
    case EV_MEASURE_PETO:
        NEED(ai, R_COUNT);
        if (has(t, "n1i") && !has(t, "bi"))
            NEED(n1i, R_GROUP);
        else
            NEED(bi, R_COUNT);
        NEED(ci, R_COUNT);
        if (has(t, "n2i") && !has(t, "di"))
            NEED(n2i, R_GROUP);
        else
            NEED(di, R_COUNT);
        break;
    case EV_MEASURE_IRR: case EV_MEASURE_IRD: case EV_MEASURE_IRSD:
        NEED(x1i, R_COUNT), NEED(t1i, R_POS), NEED(x2i, R_COUNT), NEED(t2i, R_POS);
        break;
    case EV_MEASURE_MD: case EV_MEASURE_SMD: case EV_MEASURE_SMDH: case EV_MEASURE_ROM:
    case EV_MEASURE_CVR: case EV_MEASURE_VR:
        NEED(m1i, R_ANY), NEED(sd1i, R_POS), NEED(n1i, R_GROUP2);
        NEED(m2i, R_ANY), NEED(sd2i, R_POS), NEED(n2i, R_GROUP2);
        break;
    case EV_MEASURE_PR: case EV_MEASURE_PLN: case EV_MEASURE_PLO: case EV_MEASURE_PAS:
    case EV_MEASURE_PFT:
        NEED(xi, R_COUNT), NEED(ni, R_GROUP);
        break;
    case EV_MEASURE_COR: case EV_MEASURE_UCOR: case EV_MEASURE_ZCOR:
        NEED(ri, R_CORR), NEED(ni, R_GROUP);
        break;
    case EV_MEASURE_MC: case EV_MEASURE_SMCC:
        NEED(m1i, R_ANY), NEED(m2i, R_ANY), NEED(sd1i, R_POS), NEED(sd2i, R_POS);
        NEED(ni, R_GROUP2), NEED(ri, R_CORR);
        break;
    default:
        NEED(yi, R_ANY);
        if (has(t, "sei") && !has(t, "vi"))
            NEED(sei, R_POS);
        else
            NEED(vi, R_POS);
        break;
    }
#undef NEED
    return n;
}

ev_status ev_synth_table_data(ev_synth_data *out, const ev_synth_table *t,
                              ev_synth_measure measure, ev_error *err)
{
    need nd[8];
    const double **dst[8];
    char all[128] = "";
    *out = (ev_synth_data){.k = t->nrows};
    size_t n = needs_for(measure, t, nd, dst, out);
    for (size_t j = 0; j < n; j++) {
        size_t len = strlen(all);
        snprintf(all + len, sizeof all - len, "%s%s", j ? " " : "", nd[j].name);
    }
    const char *mname = ev_synth_measure_name(measure);
    for (size_t j = 0; j < n; j++) {
        ev_status st = take_column(dst[j], t, &nd[j], mname, all, err);
        if (st != EV_OK)
            return st;
    }
    ev_status st = check_le(t, "ai", "n1i", err);
    if (st == EV_OK)
        st = check_le(t, "ci", "n2i", err);
    if (st == EV_OK && (out->xi != NULL))
        st = check_le(t, "xi", "ni", err);
    return st;
}
