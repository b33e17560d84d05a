/*
 * cmd_meta.c - `evident meta DATA.csv`: a meta-analysis of a table of
 * per-study data, printed the way R's metafor prints it (print.rma), or as
 * one JSON document with every number (--json). Effect sizes, models,
 * Mantel-Haenszel/Peto, subgroups, sensitivity and bias analyses and
 * permutation tests all come from the synth library (include/evident/
 * ev_synth.h); this file parses options, reads the table and formats.
 */
#include "cli.h"

#include "evident/ev_plot.h"
#include "evident/ev_synth.h"

/* ---- options --------------------------------------------------------------- */

typedef struct meta_args {
    const char *path;
    const char *measure, *method, *test, *to, *model, *mods, *by, *cumul;
    const char *estimator, *forest, *funnel, *rng;
    double level, add, stepadj, threshold;
    long maxiter;
    int drop00; /* -1 = the default of the model */
    bool json, quiet, leave1out, regtest, ranktest, trimfill, add_set, level_set;
    long permutest, repeat;
    uint64_t seed;
} meta_args;

enum {
    O_MEASURE = 256, O_METHOD, O_TEST, O_LEVEL, O_MODS, O_BY, O_ADD, O_TO, O_DROP00,
    O_NODROP00, O_MODEL, O_LEAVE1OUT, O_CUMUL, O_REGTEST, O_RANKTEST, O_TRIMFILL,
    O_ESTIMATOR, O_PERMUTEST, O_SEED, O_FOREST, O_FUNNEL, O_JSON, O_QUIET, O_REPEAT,
    O_STEPADJ, O_MAXITER, O_THRESHOLD, O_RNG
};

static const struct option long_opts[] = {
    {"measure", required_argument, NULL, O_MEASURE},
    {"method", required_argument, NULL, O_METHOD},
    {"test", required_argument, NULL, O_TEST},
    {"level", required_argument, NULL, O_LEVEL},
    {"mods", required_argument, NULL, O_MODS},
    {"by", required_argument, NULL, O_BY},
    {"add", required_argument, NULL, O_ADD},
    {"to", required_argument, NULL, O_TO},
    {"drop00", no_argument, NULL, O_DROP00},
    {"no-drop00", no_argument, NULL, O_NODROP00},
    {"model", required_argument, NULL, O_MODEL},
    {"leave1out", no_argument, NULL, O_LEAVE1OUT},
    {"cumul", required_argument, NULL, O_CUMUL},
    {"regtest", no_argument, NULL, O_REGTEST},
    {"ranktest", no_argument, NULL, O_RANKTEST},
    {"trimfill", no_argument, NULL, O_TRIMFILL},
    {"estimator", required_argument, NULL, O_ESTIMATOR},
    {"permutest", required_argument, NULL, O_PERMUTEST},
    {"seed", required_argument, NULL, O_SEED},
    {"forest", required_argument, NULL, O_FOREST},
    {"funnel", required_argument, NULL, O_FUNNEL},
    {"json", no_argument, NULL, O_JSON},
    {"quiet", no_argument, NULL, O_QUIET},
    {"repeat", required_argument, NULL, O_REPEAT},
    {"stepadj", required_argument, NULL, O_STEPADJ},
    {"maxiter", required_argument, NULL, O_MAXITER},
    {"threshold", required_argument, NULL, O_THRESHOLD},
    {"rng", required_argument, NULL, O_RNG},
    {NULL, 0, NULL, 0},
};

static int bad_number(const char *opt, const char *arg)
{
    return ev_cli_usage("meta", "--%s wants a number, not '%s'", opt, arg);
}

/* Options with a numeric argument; returns an exit code or -1 when handled. */
static int parse_num_opt(meta_args *a, int c, const char *arg)
{
    long l;
    double d;
    switch (c) {
    case O_LEVEL:
        if (!ev_parse_double(arg, &d) || !(d > 0 && d < 100))
            return ev_cli_usage("meta", "--level wants a percentage in (0, 100), not '%s'", arg);
        a->level = d, a->level_set = true;
        return -1;
    case O_ADD:
        if (!ev_parse_double(arg, &d) || d < 0)
            return bad_number("add", arg);
        a->add = d, a->add_set = true;
        return -1;
    case O_STEPADJ:
        if (!ev_parse_double(arg, &d) || !(d > 0))
            return bad_number("stepadj", arg);
        a->stepadj = d;
        return -1;
    case O_THRESHOLD:
        if (!ev_parse_double(arg, &d) || !(d > 0))
            return bad_number("threshold", arg);
        a->threshold = d;
        return -1;
    case O_MAXITER: case O_PERMUTEST: case O_REPEAT: case O_SEED:
        if (!ev_parse_long(arg, &l) || l < (c == O_SEED ? 0 : 1))
            return ev_cli_usage("meta", "option wants a positive whole number, not '%s'", arg);
        if (c == O_MAXITER) a->maxiter = l;
        if (c == O_PERMUTEST) a->permutest = l;
        if (c == O_REPEAT) a->repeat = l;
        if (c == O_SEED) a->seed = (uint64_t)l;
        return -1;
    default:
        return EV_EXIT_USAGE;
    }
}

static int parse_opt(meta_args *a, int c, const char *arg)
{
    switch (c) {
    case O_MEASURE: a->measure = arg; break;
    case O_METHOD: a->method = arg; break;
    case O_TEST: a->test = arg; break;
    case O_MODS: a->mods = arg; break;
    case O_BY: a->by = arg; break;
    case O_TO: a->to = arg; break;
    case O_DROP00: a->drop00 = 1; break;
    case O_NODROP00: a->drop00 = 0; break;
    case O_MODEL: a->model = arg; break;
    case O_LEAVE1OUT: a->leave1out = true; break;
    case O_CUMUL: a->cumul = arg; break;
    case O_REGTEST: a->regtest = true; break;
    case O_RANKTEST: a->ranktest = true; break;
    case O_TRIMFILL: a->trimfill = true; break;
    case O_ESTIMATOR: a->estimator = arg; break;
    case O_FOREST: a->forest = arg; break;
    case O_FUNNEL: a->funnel = arg; break;
    case O_RNG: a->rng = arg; break;
    case O_JSON: a->json = true; break;
    case O_QUIET: a->quiet = true; break;
    default: return parse_num_opt(a, c, arg);
    }
    return -1;
}

static int parse_args(meta_args *a, int argc, char **argv)
{
    *a = (meta_args){.level = 95, .add = 0.5, .drop00 = -1, .seed = 1};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":", long_opts, NULL)) != -1) {
        if (c == '?')
            return ev_cli_usage("meta", "unknown option '%s'", argv[optind - 1]);
        if (c == ':')
            return ev_cli_usage("meta", "option '%s' needs an argument", argv[optind - 1]);
        int rc = parse_opt(a, c, optarg);
        if (rc >= 0)
            return rc;
    }
    if (optind >= argc)
        return ev_cli_usage("meta", "missing the data file (DATA.csv)");
    if (optind + 1 < argc)
        return ev_cli_usage("meta", "unexpected argument '%s'", argv[optind + 1]);
    a->path = argv[optind];
    return -1;
}

/* ---- small output helpers ------------------------------------------------------ */

/* A value as metafor prints it (4 decimals); never "nan"/"inf". */
static const char *num4(char *buf, size_t n, double x)
{
    if (!isfinite(x))
        snprintf(buf, n, "NA");
    else
        snprintf(buf, n, "%.4f", fabs(x) < 5e-5 ? 0.0 : x);
    return buf;
}

static const char *pval_cell(char *buf, size_t n, double p)
{
    if (!isfinite(p))
        snprintf(buf, n, "NA");
    else if (p < 0.0001)
        snprintf(buf, n, "<.0001");
    else
        snprintf(buf, n, "%.4f", p);
    return buf;
}

/* "p-val < .0001" / "p-val = 0.0012" */
static const char *pval_eq(char *buf, size_t n, const char *label, double p)
{
    if (!isfinite(p))
        snprintf(buf, n, "%s = NA", label);
    else if (p < 0.0001)
        snprintf(buf, n, "%s < .0001", label);
    else
        snprintf(buf, n, "%s = %.4f", label, p);
    return buf;
}

static const char *stars(double p)
{
    if (!(p >= 0)) return "";
    if (p < 0.001) return "***";
    if (p < 0.01) return "**";
    if (p < 0.05) return "*";
    if (p < 0.1) return ".";
    return "";
}

/* A right-aligned text table (R's print.data.frame look): `ncol` columns,
 * `nrow` rows, an optional left-aligned row-label column. */
#define TCELL 40
typedef struct ttable {
    size_t nrow, ncol;
    const char *head[16];
    char (*cell)[16][TCELL];
    const char **label; /* nrow labels or NULL */
} ttable;

static void ttable_print(const ttable *t)
{
    size_t w[16], lw = 0;
    for (size_t j = 0; j < t->ncol; j++) {
        w[j] = strlen(t->head[j]);
        for (size_t i = 0; i < t->nrow; i++)
            w[j] = strlen(t->cell[i][j]) > w[j] ? strlen(t->cell[i][j]) : w[j];
    }
    for (size_t i = 0; t->label && i < t->nrow; i++)
        lw = strlen(t->label[i]) > lw ? strlen(t->label[i]) : lw;
    printf("%*s", (int)lw, "");
    for (size_t j = 0; j < t->ncol; j++)
        printf("%s%*s", j || lw ? "  " : " ", (int)w[j], t->head[j]);
    printf("\n");
    for (size_t i = 0; i < t->nrow; i++) {
        printf("%-*s", (int)lw, t->label ? t->label[i] : "");
        for (size_t j = 0; j < t->ncol; j++)
            printf("%s%*s", j || lw ? "  " : " ", (int)w[j], t->cell[i][j]);
        printf("\n");
    }
}

static void *cells_new(size_t nrow)
{
    return ev_calloc(nrow ? nrow : 1, sizeof(char[16][TCELL]));
}

/* ---- JSON writer ------------------------------------------------------------------ */

typedef struct jw {
    ev_buf b;
    bool first[64];
    int depth;
    bool failed;
} jw;

static void jw_raw(jw *w, const char *s)
{
    if (ev_buf_puts(&w->b, s) != EV_OK)
        w->failed = true;
}

static void jw_str_raw(jw *w, const char *s)
{
    jw_raw(w, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char tmp[8];
        if (*p == '"' || *p == '\\')
            snprintf(tmp, sizeof tmp, "\\%c", *p);
        else if (*p < 0x20)
            snprintf(tmp, sizeof tmp, "\\u%04x", *p);
        else
            snprintf(tmp, sizeof tmp, "%c", *p);
        jw_raw(w, tmp);
    }
    jw_raw(w, "\"");
}

static void jw_key(jw *w, const char *key)
{
    if (!w->first[w->depth])
        jw_raw(w, ",");
    w->first[w->depth] = false;
    if (key) {
        jw_str_raw(w, key);
        jw_raw(w, ":");
    }
}

static void jw_open(jw *w, const char *key, const char *brace)
{
    jw_key(w, key);
    jw_raw(w, brace);
    if (w->depth < 63)
        w->first[++w->depth] = true;
}

static void jw_close(jw *w, const char *brace)
{
    jw_raw(w, brace);
    if (w->depth > 0)
        w->depth--;
}

static void jw_num(jw *w, const char *key, double x)
{
    char tmp[40];
    jw_key(w, key);
    if (isfinite(x))
        snprintf(tmp, sizeof tmp, "%.17g", x);
    else
        snprintf(tmp, sizeof tmp, "null");
    jw_raw(w, tmp);
}

static void jw_int(jw *w, const char *key, size_t x)
{
    char tmp[32];
    jw_key(w, key);
    snprintf(tmp, sizeof tmp, "%zu", x);
    jw_raw(w, tmp);
}

static void jw_str(jw *w, const char *key, const char *s)
{
    jw_key(w, key);
    if (s)
        jw_str_raw(w, s);
    else
        jw_raw(w, "null");
}

static void jw_bool(jw *w, const char *key, bool v)
{
    jw_key(w, key);
    jw_raw(w, v ? "true" : "false");
}

static void jw_nums(jw *w, const char *key, const double *x, size_t n)
{
    jw_open(w, key, "[");
    for (size_t i = 0; i < n; i++)
        jw_num(w, NULL, x[i]);
    jw_close(w, "]");
}

/* ---- the analysis state ------------------------------------------------------------ */

typedef struct meta_run {
    meta_args *a;
    ev_synth_table *tab;
    ev_synth_options opt;
    ev_synth_data data;
    const char *const *slab; /* study labels or NULL */
    ev_escalc *es;
    ev_synth_design *X;
    ev_rma *fit;
    ev_rma_mh *mh;
    ev_subgroup *sg;
    ev_sens *l1o, *cum;
    ev_regtest rt_rma, rt_lm;
    ev_ranktest rk;
    ev_trimfill *tf;
    ev_permtest *pt;
    double t_fit, t_perm;
    ev_error err;
} meta_run;

static void run_release(meta_run *r)
{
    ev_permtest_free(r->pt);
    ev_trimfill_free(r->tf);
    ev_sens_free(r->l1o);
    ev_sens_free(r->cum);
    ev_subgroup_free(r->sg);
    ev_rma_mh_free(r->mh);
    ev_rma_free(r->fit);
    ev_synth_design_free(r->X);
    ev_escalc_free(r->es);
    ev_synth_table_free(r->tab);
}

static const char *study_label(const meta_run *r, size_t i, char *buf, size_t n)
{
    if (r->slab && r->slab[i])
        return r->slab[i];
    snprintf(buf, n, "%zu", i + 1);
    return buf;
}

/* Library errors about "study N" carry the 1-based row as err.line: point
 * them at the file's line instead. */
static int fail(meta_run *r)
{
    ev_error *e = &r->err;
    if (e->input[0] == '\0' && e->line > 0 && r->tab != NULL) {
        size_t line = ev_synth_table_line(r->tab, e->line - 1);
        snprintf(e->input, sizeof e->input, "%s", r->a->path);
        e->line = line;
    } else if (e->input[0] == '\0' && e->code == EV_EINPUT) {
        snprintf(e->input, sizeof e->input, "%s", r->a->path);
    }
    const char *hint = strstr(e->message, "did not converge")
                           ? "rerun with --stepadj 0.5 (step halving) or a larger --maxiter"
                           : NULL;
    return ev_cli_fail(e, hint);
}

static void warn(const meta_run *r, const char *text)
{
    if (!r->a->quiet)
        fprintf(stderr, "evident: warning: %s\n", text);
}

/* ---- setting up ---------------------------------------------------------------------- */

static int setup_options(meta_run *r)
{
    meta_args *a = r->a;
    ev_synth_options *o = &r->opt;
    ev_synth_options_init(o);
    size_t col;
    bool peto = a->model && strcmp(a->model, "peto") == 0;
    if (a->measure == NULL && !peto && !ev_synth_table_find(r->tab, "yi", &col))
        return ev_cli_usage("meta", "--measure is required unless the data has 'yi' and 'vi' "
                                    "(or 'sei') columns");
    if (a->measure && !ev_synth_measure_parse(a->measure, &o->measure))
        return ev_cli_usage("meta", "unknown measure '%s'", a->measure);
    if (peto)
        o->measure = EV_MEASURE_PETO;
    ev_synth_measure m = o->measure;
    if (a->model && !peto && m != EV_MEASURE_OR && m != EV_MEASURE_RR && m != EV_MEASURE_RD &&
        m != EV_MEASURE_IRR && m != EV_MEASURE_IRD)
        return ev_cli_usage("meta", "the mantel-haenszel method needs measure OR, RR, RD, IRR "
                                    "or IRD, not '%s'", ev_synth_measure_name(m));
    if (a->method && !ev_synth_method_parse(a->method, &o->method))
        return ev_cli_usage("meta", "unknown method '%s' (EE FE DL HE HS SJ ML REML EB PM)",
                            a->method);
    if (a->test && !ev_synth_test_parse(a->test, &o->test))
        return ev_cli_usage("meta", "unknown test '%s' (z t knha adhoc)", a->test);
    if (a->to && !ev_synth_to_parse(a->to, &o->to))
        return ev_cli_usage("meta", "unknown --to '%s' (only0 all if0all none)", a->to);
    o->level = a->level;
    o->add = a->add;
    o->drop00 = a->drop00 < 0 ? a->model != NULL : a->drop00 == 1;
    if (a->stepadj > 0)
        o->control.stepadj = a->stepadj;
    if (a->threshold > 0)
        o->control.threshold = a->threshold;
    if (a->maxiter > 0)
        o->control.maxiter = (size_t)a->maxiter;
    return -1;
}

static int check_combinations(const meta_args *a)
{
    if (a->model && strcmp(a->model, "mh") != 0 && strcmp(a->model, "peto") != 0)
        return ev_cli_usage("meta", "unknown --model '%s' (mh or peto)", a->model);
    if (a->model && (a->mods || a->by || a->leave1out || a->cumul || a->regtest ||
                     a->ranktest || a->trimfill || a->permutest || a->method || a->test))
        return ev_cli_usage("meta", "--model %s cannot be combined with --method, --test, "
                                    "--mods, --by or the sensitivity and bias analyses", a->model);
    if (a->mods && (a->by || a->leave1out || a->cumul || a->trimfill || a->regtest ||
                    a->ranktest))
        return ev_cli_usage("meta", "--by, --leave1out, --cumul, --regtest, --ranktest and "
                                    "--trimfill need a model without --mods");
    if (a->rng && strcmp(a->rng, "R") && strcmp(a->rng, "evident"))
        return ev_cli_usage("meta", "unknown --rng '%s' (evident or R)", a->rng);
    if (a->rng && strcmp(a->rng, "R") == 0 && a->seed > INT_MAX)
        return ev_cli_usage("meta", "--rng R needs a --seed below 2^31 (R's set.seed)");
    if (a->estimator && strcmp(a->estimator, "L0") && strcmp(a->estimator, "R0"))
        return ev_cli_usage("meta", "unknown --estimator '%s' (L0 or R0)", a->estimator);
    if (a->funnel && a->model)
        return ev_cli_usage("meta", "--funnel needs an rma model (not --model %s)", a->model);
    if (a->funnel && a->mods)
        return ev_cli_usage("meta", "--funnel needs a model without --mods");
    if (a->forest && a->mods)
        return ev_cli_usage("meta", "--forest needs a model without --mods");
    return -1;
}

static void load_labels(meta_run *r)
{
    size_t col;
    if (ev_synth_table_find(r->tab, "study", &col))
        r->slab = ev_synth_table_text(r->tab, col);
}

/* The design for --mods a,b: numeric columns as covariates, text columns as
 * factors (treatment coding, levels sorted C-locale). */
static int build_design(meta_run *r)
{
    char *list = ev_strdup(r->a->mods), *save = NULL;
    ev_synth_term terms[16];
    size_t n = 0;
    int rc = -1;
    if (list == NULL)
        return EV_EXIT_INTERNAL;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        size_t col;
        if (n == 16) {
            rc = ev_cli_usage("meta", "at most 16 moderators");
            goto done;
        }
        if (!ev_synth_table_find(r->tab, tok, &col)) {
            ev_error_set(&r->err, EV_EINPUT, r->a->path, 0, 0, "no column '%s' for --mods", tok);
            rc = fail(r);
            goto done;
        }
        terms[n].name = ev_synth_table_colname(r->tab, col);
        terms[n].num = ev_synth_table_is_numeric(r->tab, col) ? ev_synth_table_num(r->tab, col)
                                                               : NULL;
        terms[n].fac = terms[n].num ? NULL : ev_synth_table_text(r->tab, col);
        n++;
    }
    if (ev_synth_design_new(&r->X, ev_synth_table_rows(r->tab), terms, n, &r->err) != EV_OK)
        rc = fail(r);
done:
    ev_free(list);
    return rc;
}

static int fit_once(meta_run *r)
{
    ev_escalc_free(r->es);
    ev_rma_free(r->fit);
    r->es = NULL;
    r->fit = NULL;
    if (ev_escalc_compute(&r->es, &r->data, &r->opt, &r->err) != EV_OK)
        return fail(r);
    size_t dropped = 0, usable = 0;
    for (size_t i = 0; i < r->es->k; i++) {
        dropped += r->es->dropped[i];
        usable += !isnan(r->es->yi[i]) && !isnan(r->es->vi[i]);
    }
    if (usable == 0 && dropped > 0) {
        ev_error_set(&r->err, EV_EINPUT, r->a->path, 0, 0,
                     "all %zu studies were dropped by the zero rule (--drop00: no events, or "
                     "only events, in both groups)", dropped);
        return fail(r);
    }
    if (ev_rma_fit_escalc(&r->fit, r->es, r->X, &r->opt, &r->err) != EV_OK)
        return fail(r);
    return -1;
}

static int fit_model(meta_run *r)
{
    int rc = -1;
    double t0 = ev_now();
    for (long i = 0; i < (r->a->repeat > 0 ? r->a->repeat : 1) && rc < 0; i++)
        rc = fit_once(r);
    r->t_fit = ev_now() - t0;
    if (rc >= 0)
        return rc;
    for (size_t i = 0; i < r->fit->n_warnings; i++)
        warn(r, r->fit->warnings[i]);
    if (r->fit->k < 2) {
        ev_error_set(&r->err, EV_EINPUT, r->a->path, 0, 0,
                     "only %zu usable study: a meta-analysis needs at least 2", r->fit->k);
        return fail(r);
    }
    return -1;
}

static int fit_mh(meta_run *r)
{
    ev_status st = strcmp(r->a->model, "mh") == 0
                       ? ev_rma_mh_fit(&r->mh, &r->data, &r->opt, true, &r->err)
                       : ev_rma_peto_fit(&r->mh, &r->data, &r->opt, &r->err);
    if (st != EV_OK)
        return fail(r);
    for (size_t i = 0; i < r->mh->n_warnings; i++)
        warn(r, r->mh->warnings[i]);
    if (r->mh->k_yi < 2 && r->mh->k < 2) {
        ev_error_set(&r->err, EV_EINPUT, r->a->path, 0, 0,
                     "only one usable study: a meta-analysis needs at least 2");
        return fail(r);
    }
    return -1;
}

/* ---- extra analyses ------------------------------------------------------------------- */

static bool progress_cb(uint64_t done, uint64_t total, void *payload)
{
    return ev_cli_progress_cb(done, total, payload);
}

static int run_permutest(meta_run *r)
{
    ev_cli_progress bar;
    ev_cli_progress_init(&bar, "permutations", "fits", r->a->quiet || r->a->json);
    double t0 = ev_now();
    ev_permtest_rng rng = r->a->rng && strcmp(r->a->rng, "R") == 0 ? EV_PERM_RNG_R
                                                                    : EV_PERM_RNG_XOSHIRO;
    ev_status st = ev_permtest_run(&r->pt, r->fit, (size_t)r->a->permutest, r->a->seed, rng,
                                   progress_cb, &bar, &r->err);
    r->t_perm = ev_now() - t0;
    ev_cli_progress_end(&bar);
    return st == EV_OK ? -1 : fail(r);
}

static int run_subgroups(meta_run *r)
{
    size_t col;
    if (!ev_synth_table_find(r->tab, r->a->by, &col)) {
        ev_error_set(&r->err, EV_EINPUT, r->a->path, 0, 0, "no column '%s' for --by", r->a->by);
        return fail(r);
    }
    if (ev_subgroup_run(&r->sg, r->es->yi, r->es->vi, r->es->k, ev_synth_table_text(r->tab, col),
                        r->a->by, &r->opt, &r->err) != EV_OK)
        return fail(r);
    return -1;
}

static int run_cumul(meta_run *r)
{
    size_t col;
    if (!ev_synth_table_find(r->tab, r->a->cumul, &col)) {
        ev_error_set(&r->err, EV_EINPUT, r->a->path, 0, 0, "no column '%s' for --cumul",
                     r->a->cumul);
        return fail(r);
    }
    if (!ev_synth_table_is_numeric(r->tab, col)) {
        ev_error_set(&r->err, EV_EINPUT, r->a->path, 0, 0,
                     "--cumul needs a numeric column to order by; '%s' is text", r->a->cumul);
        return fail(r);
    }
    if (ev_cumul_run(&r->cum, r->fit, ev_synth_table_num(r->tab, col), &r->err) != EV_OK)
        return fail(r);
    return -1;
}

static int run_extras(meta_run *r)
{
    const meta_args *a = r->a;
    int rc = -1;
    if (a->by)
        rc = run_subgroups(r);
    if (rc < 0 && a->leave1out && ev_leave1out_run(&r->l1o, r->fit, &r->err) != EV_OK)
        rc = fail(r);
    if (rc < 0 && a->cumul)
        rc = run_cumul(r);
    if (rc < 0 && a->regtest &&
        (ev_regtest_compute(&r->rt_rma, r->fit, EV_REGTEST_RMA, &r->err) != EV_OK ||
         ev_regtest_compute(&r->rt_lm, r->fit, EV_REGTEST_LM, &r->err) != EV_OK))
        rc = fail(r);
    if (rc < 0 && a->ranktest && ev_ranktest_compute(&r->rk, r->fit, &r->err) != EV_OK)
        rc = fail(r);
    ev_trimfill_estimator est =
        a->estimator && strcmp(a->estimator, "R0") == 0 ? EV_TRIMFILL_R0 : EV_TRIMFILL_L0;
    if (rc < 0 && a->trimfill &&
        ev_trimfill_run(&r->tf, r->fit, est, EV_SIDE_AUTO, &r->err) != EV_OK)
        rc = fail(r);
    if (rc < 0 && a->permutest)
        rc = run_permutest(r);
    return rc;
}

/* ---- text output: the model ------------------------------------------------------------ */

static bool is_ee(const ev_rma *f)
{
    return f->opt.method == EV_METHOD_EE || f->opt.method == EV_METHOD_FE;
}

static void print_title(const ev_rma *f)
{
    bool mods = !f->intercept_only;
    if (is_ee(f)) {
        const char *kind = f->opt.method == EV_METHOD_FE ? "Fixed-Effects" : "Equal-Effects";
        printf("%s%s Model (k = %zu)\n\n", kind, mods ? " with Moderators" : "", f->k);
    } else {
        printf("%s Model (k = %zu; tau^2 estimator: %s)\n\n",
               mods ? "Mixed-Effects" : "Random-Effects", f->k, ev_synth_method_name(f->opt.method));
    }
}

/* Print "label: value" lines with the values aligned, as print.rma does. */
static void print_aligned(char lab[][80], char val[][80], size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w = strlen(lab[i]) > w ? strlen(lab[i]) : w;
    for (size_t i = 0; i < n; i++)
        printf("%-*s %s\n", (int)w, lab[i], val[i]);
}

static void print_heterogeneity(const ev_rma *f)
{
    char b1[32], b2[32], b3[48], lab[5][80], val[5][80];
    bool mods = !f->intercept_only;
    const char *what = mods ? "residual" : "total", *unacc = mods ? "unaccounted" : "total";
    size_t n = 0;
    if (!is_ee(f)) {
        snprintf(lab[n], 80, "tau^2 (estimated amount of %s heterogeneity):", what);
        if (isfinite(f->se_tau2))
            snprintf(val[n++], 80, "%s (SE = %s)", num4(b1, 32, f->tau2), num4(b2, 32, f->se_tau2));
        else
            snprintf(val[n++], 80, "%s", num4(b1, 32, f->tau2));
        snprintf(lab[n], 80, "tau (square root of estimated tau^2 value):");
        snprintf(val[n++], 80, "%s", num4(b1, 32, f->tau));
    }
    snprintf(lab[n], 80, "I^2 (%s heterogeneity / %s variability):", what, unacc);
    snprintf(val[n++], 80, "%.2f%%", f->I2);
    snprintf(lab[n], 80, "H^2 (%s variability / sampling variability):", unacc);
    snprintf(val[n++], 80, "%.2f", f->H2);
    if (mods && !is_ee(f) && isfinite(f->R2)) {
        snprintf(lab[n], 80, "R^2 (amount of heterogeneity accounted for):");
        snprintf(val[n++], 80, "%.2f%%", f->R2);
    }
    print_aligned(lab, val, n);
    printf("\nTest for %sHeterogeneity:\n", mods ? "Residual " : "");
    printf("%s(df = %zu) = %s, %s\n\n", mods ? "QE" : "Q", f->QEdf, num4(b1, 32, f->QE),
           pval_eq(b3, 48, "p-val", f->QEp));
    if (mods) {
        char b4[48];
        if (f->p > 2)
            printf("Test of Moderators (coefficients 2:%zu):\n", f->p);
        else
            printf("Test of Moderators (coefficient 2):\n");
        if (f->QM_is_F)
            printf("F(df1 = %zu, df2 = %.0f) = %s, %s\n\n", f->QMdf1, f->QMdf2,
                   num4(b1, 32, f->QM), pval_eq(b4, 48, "p-val", f->QMp));
        else
            printf("QM(df = %zu) = %s, %s\n\n", f->QMdf1, num4(b1, 32, f->QM),
                   pval_eq(b4, 48, "p-val", f->QMp));
    }
}

static void print_coefs(const ev_rma *f)
{
    char (*c)[16][TCELL] = cells_new(f->p);
    const char **lab = ev_calloc(f->p, sizeof *lab);
    if (c == NULL || lab == NULL)
        goto done;
    ttable t = {.nrow = f->p, .cell = c, .label = f->intercept_only ? NULL : lab};
    const char *heads[] = {"estimate", "se", f->stat_is_t ? "tval" : "zval", "df", "pval",
                           "ci.lb", "ci.ub", ""};
    size_t nc = 0;
    for (size_t j = 0; j < 8; j++)
        if (j != 3 || f->stat_is_t)
            t.head[nc++] = heads[j];
    t.ncol = nc;
    for (size_t i = 0; i < f->p; i++) {
        size_t j = 0;
        lab[i] = f->coef_names[i];
        num4(c[i][j++], TCELL, f->beta[i]);
        num4(c[i][j++], TCELL, f->se[i]);
        num4(c[i][j++], TCELL, f->stat[i]);
        if (f->stat_is_t)
            snprintf(c[i][j++], TCELL, "%.0f", f->df);
        pval_cell(c[i][j++], TCELL, f->pval[i]);
        num4(c[i][j++], TCELL, f->ci_lb[i]);
        num4(c[i][j++], TCELL, f->ci_ub[i]);
        snprintf(c[i][j++], TCELL, "%s", stars(f->pval[i]));
    }
    printf("Model Results:\n\n");
    ttable_print(&t);
    printf("\n---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n\n");
done:
    ev_free(c);
    ev_free(lab);
}

/* The pooled estimate with CI and prediction interval, back-transformed for
 * measures with a natural transformation (metafor's predict(..., transf)). */
static void print_pooled(const meta_run *r)
{
    const ev_rma *f = r->fit;
    ev_synth_transf tr = ev_synth_measure_transf(f->opt.measure);
    ev_rma_pred p;
    ev_error e = EV_ERROR_INIT;
    double hm = 0;
    if (!f->intercept_only)
        return;
    if (tr == EV_TRANSF_IPFT_HM && r->data.ni) {
        double s = 0;
        size_t n = 0;
        for (size_t i = 0; i < r->data.k; i++)
            if (isfinite(r->data.ni[i]))
                s += 1.0 / r->data.ni[i], n++;
        hm = n ? (double)n / s : 0;
    }
    if (ev_rma_predict(&p, f, NULL, 1, tr, hm, &e) != EV_OK)
        return;
    char (*c)[16][TCELL] = cells_new(1);
    if (c == NULL)
        return;
    ttable t = {.nrow = 1, .ncol = is_ee(f) ? 3 : 5, .cell = c,
                .head = {"pred", "ci.lb", "ci.ub", "pi.lb", "pi.ub"}};
    double v[5] = {p.pred, p.ci_lb, p.ci_ub, p.pi_lb, p.pi_ub};
    for (size_t j = 0; j < t.ncol; j++)
        num4(c[0][j], TCELL, v[j]);
    if (tr != EV_TRANSF_NONE)
        printf("Pooled estimate (back-transformed, %s):\n\n", ev_synth_measure_name(f->opt.measure));
    else
        printf("Pooled estimate:\n\n");
    ttable_print(&t);
    printf("\n");
    ev_free(c);
}

/* ---- text output: Mantel-Haenszel / Peto ----------------------------------------------- */

static void print_mh(const meta_run *r)
{
    const ev_rma_mh *m = r->mh;
    char b1[32], b2[48];
    bool ratio = m->measure != EV_MEASURE_RD && m->measure != EV_MEASURE_IRD;
    printf("\nEqual-Effects Model (k = %zu)\n\n", m->k);
    printf("I^2 (total heterogeneity / total variability):  %.2f%%\n", m->I2);
    printf("H^2 (total variability / sampling variability): %.2f\n\n", m->H2);
    printf("Test for Heterogeneity:\nQ(df = %zu) = %s, %s\n\n", m->QEdf, num4(b1, 32, m->QE),
           pval_eq(b2, 48, "p-val", m->QEp));
    char (*c)[16][TCELL] = cells_new(1);
    if (c == NULL)
        return;
    ttable t = {.nrow = 1, .ncol = 6, .cell = c,
                .head = {"estimate", "se", "zval", "pval", "ci.lb", "ci.ub"}};
    num4(c[0][0], TCELL, m->beta), num4(c[0][1], TCELL, m->se), num4(c[0][2], TCELL, m->zval);
    pval_cell(c[0][3], TCELL, m->pval);
    num4(c[0][4], TCELL, m->ci_lb), num4(c[0][5], TCELL, m->ci_ub);
    printf("Model Results%s:\n\n", ratio ? " (log scale)" : "");
    ttable_print(&t);
    if (ratio) {
        const char *scale = m->measure == EV_MEASURE_PETO ? "OR" : ev_synth_measure_name(m->measure);
        ttable u = {.nrow = 1, .ncol = 3, .cell = c, .head = {"estimate", "ci.lb", "ci.ub"}};
        num4(c[0][0], TCELL, exp(m->beta)), num4(c[0][1], TCELL, exp(m->ci_lb));
        num4(c[0][2], TCELL, exp(m->ci_ub));
        printf("\nModel Results (%s scale):\n\n", scale);
        ttable_print(&u);
    }
    printf("\n");
    if (isfinite(m->MH))
        printf("%s Test:    %s = %s, df = 1,  %s\n",
               m->measure == EV_MEASURE_OR ? "Cochran-Mantel-Haenszel" : "Mantel-Haenszel",
               m->measure == EV_MEASURE_OR ? "CMH" : "MH", num4(b1, 32, m->MH),
               pval_eq(b2, 48, "p-val", m->MHp));
    if (isfinite(m->TA) && isfinite(m->TAp))
        printf("Tarone's Test for Heterogeneity: X^2 = %s, df = %zu, %s\n", num4(b1, 32, m->TA),
               m->k_pos - 1, pval_eq(b2, 48, "p-val", m->TAp));
    ev_free(c);
}

/* ---- text output: tables of refits ----------------------------------------------------- */

static void print_sens(const meta_run *r, const ev_sens *s, const char *title)
{
    bool ee = is_ee(r->fit);
    char (*c)[16][TCELL] = cells_new(s->n);
    const char **lab = ev_calloc(s->n ? s->n : 1, sizeof *lab);
    char (*lb)[24] = ev_calloc(s->n ? s->n : 1, sizeof *lb);
    if (c == NULL || lab == NULL || lb == NULL)
        goto done;
    ttable t = {.nrow = 0, .cell = c, .label = lab};
    const char *heads[] = {"estimate", "se", s->stat_is_t ? "tval" : "zval", "pval", "ci.lb",
                           "ci.ub", "Q", "Qp", "tau2", "I2", "H2"};
    for (size_t j = 0; j < 11; j++)
        if (j != 8 || !ee)
            t.head[t.ncol++] = heads[j];
    for (size_t i = 0; i < s->n; i++) {
        const ev_sens_row *w = &s->rows[i];
        double v[11] = {w->estimate, w->se, w->stat, w->pval, w->ci_lb, w->ci_ub,
                        w->Q, w->Qp, w->tau2, w->I2, w->H2};
        if (!w->ok)
            continue;
        lab[t.nrow] = study_label(r, w->study, lb[t.nrow], sizeof lb[0]);
        for (size_t j = 0, m = 0; j < 11; j++)
            if (j != 8 || !ee)
                num4(c[t.nrow][m++], TCELL, v[j]);
        t.nrow++;
    }
    printf("%s\n\n", title);
    ttable_print(&t);
    printf("\n");
done:
    ev_free(c);
    ev_free(lab);
    ev_free(lb);
}

static void print_subgroups(const meta_run *r)
{
    const ev_subgroup *sg = r->sg;
    char b1[32], b2[48], b3[48];
    char (*c)[16][TCELL] = cells_new(sg->n_levels);
    const char **lab = ev_calloc(sg->n_levels, sizeof *lab);
    if (c == NULL || lab == NULL)
        goto done;
    ttable t = {.nrow = sg->n_levels, .ncol = 9, .cell = c, .label = lab,
                .head = {"k", "estimate", "se", "pval", "ci.lb", "ci.ub", "tau2", "I2", "Q"}};
    for (size_t i = 0; i < sg->n_levels; i++) {
        const ev_rma *f = sg->levels[i].fit;
        lab[i] = sg->levels[i].level;
        snprintf(c[i][0], TCELL, "%zu", f->k);
        num4(c[i][1], TCELL, f->beta[0]), num4(c[i][2], TCELL, f->se[0]);
        pval_cell(c[i][3], TCELL, f->pval[0]);
        num4(c[i][4], TCELL, f->ci_lb[0]), num4(c[i][5], TCELL, f->ci_ub[0]);
        num4(c[i][6], TCELL, f->tau2);
        snprintf(c[i][7], TCELL, "%.2f", f->I2);
        num4(c[i][8], TCELL, f->QE);
    }
    printf("Subgroups by %s (separate tau^2 per subgroup):\n\n", r->a->by);
    ttable_print(&t);
    printf("\nTest for Subgroup Differences (separate tau^2): Q(df = %zu) = %s, %s\n",
           sg->Q_between_df, num4(b1, 32, sg->Q_between), pval_eq(b2, 48, "p-val", sg->Q_between_p));
    const ev_rma *m = sg->moderator;
    printf("Test of Moderators (common tau^2 = %s): %s(df = %zu) = %s, %s\n\n",
           num4(b1, 32, m->tau2), m->QM_is_F ? "F" : "QM", m->QMdf1, num4(b2, 32, m->QM),
           pval_eq(b3, 48, "p-val", m->QMp));
done:
    ev_free(c);
    ev_free(lab);
}

static void print_bias(const meta_run *r)
{
    char b1[32], b2[32], b3[32], b4[48];
    const meta_args *a = r->a;
    if (a->regtest) {
        const ev_regtest *t = &r->rt_rma, *l = &r->rt_lm;
        printf("Regression Test for Funnel Plot Asymmetry\n\n");
        printf("Model:     %s\nPredictor: standard error\n\n",
               is_ee(r->fit) ? "weighted regression with multiplicative dispersion"
                             : "mixed-effects meta-regression model");
        printf("Test for Funnel Plot Asymmetry: %s = %s, p = %.4f\n", t->stat_is_t ? "t" : "z",
               num4(b1, 32, t->stat), t->pval);
        printf("Limit Estimate (as sei -> 0):   b = %s (CI: %s, %s)\n", num4(b1, 32, t->est),
               num4(b2, 32, t->ci_lb), num4(b3, 32, t->ci_ub));
        printf("Classical Egger test (lm):      t = %s, df = %.0f, p = %.4f\n\n",
               num4(b1, 32, l->stat), l->df, l->pval);
    }
    if (a->ranktest)
        printf("Rank Correlation Test for Funnel Plot Asymmetry\n\nKendall's tau = %s, p = %.4f%s\n\n",
               num4(b1, 32, r->rk.tau), r->rk.pval, r->rk.exact ? "" : " (normal approximation)");
    if (a->trimfill) {
        const ev_trimfill *tf = r->tf;
        printf("Trim and Fill (%s): estimated number of missing studies on the %s side: %zu "
               "(SE = %s)%s\n\n", tf->estimator == EV_TRIMFILL_R0 ? "R0" : "L0",
               tf->side == EV_SIDE_LEFT ? "left" : "right", tf->k0, num4(b1, 32, tf->se_k0),
               tf->estimator == EV_TRIMFILL_R0 ? "" : "");
        if (isfinite(tf->p_k0))
            printf("Test of H0: no missing studies: %s\n\n", pval_eq(b4, 48, "p-val", tf->p_k0));
        print_title(tf->fit);
        print_heterogeneity(tf->fit);
        print_coefs(tf->fit);
    }
}

static void print_permutest(const meta_run *r)
{
    const ev_rma *f = r->fit;
    const ev_permtest *pt = r->pt;
    char b1[32];
    printf("Permutation Test (%zu iterations, seed %llu%s):\n\n", pt->iter,
           (unsigned long long)r->a->seed, r->a->rng && strcmp(r->a->rng, "R") == 0 ? ", R's RNG" : "");
    if (!f->intercept_only)
        printf("Test of Moderators: %s = %s, p-val* = %.4f\n\n", f->QM_is_F ? "F" : "QM",
               num4(b1, 32, f->QM), pt->QMp);
    char (*c)[16][TCELL] = cells_new(f->p);
    if (c == NULL)
        return;
    ttable t = {.nrow = f->p, .ncol = 3, .cell = c, .label = (const char **)f->coef_names,
                .head = {"estimate", f->stat_is_t ? "tval" : "zval", "pval*"}};
    for (size_t i = 0; i < f->p; i++) {
        num4(c[i][0], TCELL, f->beta[i]);
        num4(c[i][1], TCELL, f->stat[i]);
        snprintf(c[i][2], TCELL, "%.4f", pt->pval[i]);
    }
    ttable_print(&t);
    printf("\n");
    ev_free(c);
}

static void print_text(const meta_run *r)
{
    if (r->mh) {
        print_mh(r);
        return;
    }
    printf("\n");
    print_title(r->fit);
    print_heterogeneity(r->fit);
    print_coefs(r->fit);
    print_pooled(r);
    if (r->sg)
        print_subgroups(r);
    if (r->l1o)
        print_sens(r, r->l1o, "Leave-One-Out Analysis (row = study omitted):");
    if (r->cum)
        print_sens(r, r->cum, "Cumulative Meta-Analysis (row = study added):");
    print_bias(r);
    if (r->pt)
        print_permutest(r);
}

/* ---- JSON output ------------------------------------------------------------------------ */

static void json_fitstats(jw *w, const char *key, const ev_rma_fitstats *s)
{
    jw_open(w, key, "{");
    jw_num(w, "logLik", s->loglik), jw_num(w, "deviance", s->deviance);
    jw_num(w, "AIC", s->aic), jw_num(w, "BIC", s->bic), jw_num(w, "AICc", s->aicc);
    jw_close(w, "}");
}

static void json_coefs(jw *w, const ev_rma *f)
{
    jw_open(w, "coefficients", "[");
    for (size_t j = 0; j < f->p; j++) {
        jw_open(w, NULL, "{");
        jw_str(w, "name", f->coef_names[j]);
        jw_num(w, "estimate", f->beta[j]), jw_num(w, "se", f->se[j]);
        jw_num(w, f->stat_is_t ? "tval" : "zval", f->stat[j]);
        jw_num(w, "pval", f->pval[j]);
        jw_num(w, "ci_lb", f->ci_lb[j]), jw_num(w, "ci_ub", f->ci_ub[j]);
        jw_close(w, "}");
    }
    jw_close(w, "]");
}

static void json_heterogeneity(jw *w, const ev_rma *f)
{
    jw_num(w, "tau2", f->tau2), jw_num(w, "tau", f->tau), jw_num(w, "se_tau2", f->se_tau2);
    jw_num(w, "I2", f->I2), jw_num(w, "H2", f->H2);
    jw_num(w, "QE", f->QE), jw_int(w, "QEdf", f->QEdf), jw_num(w, "QEp", f->QEp);
    if (!f->intercept_only) {
        jw_num(w, "QM", f->QM), jw_int(w, "QMdf1", f->QMdf1), jw_num(w, "QMdf2", f->QMdf2);
        jw_num(w, "QMp", f->QMp), jw_str(w, "QM_distribution", f->QM_is_F ? "F" : "chisq");
        jw_num(w, "R2", f->R2);
    }
}

static void json_fit(jw *w, const char *key, const ev_rma *f, bool per_study)
{
    jw_open(w, key, "{");
    jw_str(w, "method", ev_synth_method_name(f->opt.method));
    jw_str(w, "test", ev_synth_test_name(f->opt.test));
    jw_num(w, "level", f->opt.level);
    jw_int(w, "k", f->k), jw_int(w, "p", f->p);
    jw_num(w, "df", f->df), jw_num(w, "s2w", f->s2w);
    json_heterogeneity(w, f);
    json_coefs(w, f);
    json_fitstats(w, "fit_ML", &f->fit_ml);
    json_fitstats(w, "fit_REML", &f->fit_reml);
    if (per_study) {
        jw_nums(w, "yi", f->yi, f->k_all);
        jw_nums(w, "vi", f->vi, f->k_all);
        jw_nums(w, "weights_percent", f->weights, f->k_all);
        jw_open(w, "warnings", "[");
        for (size_t i = 0; i < f->n_warnings; i++)
            jw_str(w, NULL, f->warnings[i]);
        jw_close(w, "]");
    }
    jw_close(w, "}");
}

static void json_pred(jw *w, const meta_run *r)
{
    const ev_rma *f = r->fit;
    ev_rma_pred p;
    ev_error e = EV_ERROR_INIT;
    if (!f->intercept_only || ev_rma_predict(&p, f, NULL, 1, EV_TRANSF_NONE, 0, &e) != EV_OK)
        return;
    jw_open(w, "predict", "{");
    jw_num(w, "pred", p.pred), jw_num(w, "se", p.se), jw_num(w, "ci_lb", p.ci_lb);
    jw_num(w, "ci_ub", p.ci_ub), jw_num(w, "pi_lb", p.pi_lb), jw_num(w, "pi_ub", p.pi_ub);
    jw_close(w, "}");
    ev_synth_transf tr = ev_synth_measure_transf(f->opt.measure);
    if (tr == EV_TRANSF_NONE || tr == EV_TRANSF_IPFT_HM)
        return;
    jw_open(w, "predict_transformed", "{");
    jw_num(w, "pred", ev_synth_transform(tr, p.pred, 0));
    jw_num(w, "ci_lb", ev_synth_transform(tr, p.ci_lb, 0));
    jw_num(w, "ci_ub", ev_synth_transform(tr, p.ci_ub, 0));
    jw_num(w, "pi_lb", ev_synth_transform(tr, p.pi_lb, 0));
    jw_num(w, "pi_ub", ev_synth_transform(tr, p.pi_ub, 0));
    jw_close(w, "}");
}

static void json_mh(jw *w, const ev_rma_mh *m)
{
    jw_open(w, "model", "{");
    jw_str(w, "method", m->measure == EV_MEASURE_PETO ? "Peto" : "MH");
    jw_int(w, "k", m->k), jw_int(w, "k_yi", m->k_yi);
    jw_num(w, "estimate", m->beta), jw_num(w, "se", m->se), jw_num(w, "zval", m->zval);
    jw_num(w, "pval", m->pval), jw_num(w, "ci_lb", m->ci_lb), jw_num(w, "ci_ub", m->ci_ub);
    if (m->measure != EV_MEASURE_RD && m->measure != EV_MEASURE_IRD) {
        jw_open(w, "exp", "{");
        jw_num(w, "estimate", exp(m->beta)), jw_num(w, "ci_lb", exp(m->ci_lb));
        jw_num(w, "ci_ub", exp(m->ci_ub));
        jw_close(w, "}");
    }
    jw_num(w, "QE", m->QE), jw_int(w, "QEdf", m->QEdf), jw_num(w, "QEp", m->QEp);
    jw_num(w, "I2", m->I2), jw_num(w, "H2", m->H2);
    jw_num(w, "CO", m->CO), jw_num(w, "COp", m->COp), jw_num(w, "MH", m->MH);
    jw_num(w, "MHp", m->MHp), jw_num(w, "BD", m->BD), jw_num(w, "BDp", m->BDp);
    jw_num(w, "TA", m->TA), jw_num(w, "TAp", m->TAp);
    jw_nums(w, "yi", m->yi, m->k_all), jw_nums(w, "vi", m->vi, m->k_all);
    jw_open(w, "warnings", "[");
    for (size_t i = 0; i < m->n_warnings; i++)
        jw_str(w, NULL, m->warnings[i]);
    jw_close(w, "]");
    jw_close(w, "}");
}

static void json_sens(jw *w, const char *key, const meta_run *r, const ev_sens *s)
{
    char lb[24];
    jw_open(w, key, "[");
    for (size_t i = 0; i < s->n; i++) {
        const ev_sens_row *x = &s->rows[i];
        jw_open(w, NULL, "{");
        jw_int(w, "row", x->study + 1);
        jw_str(w, "study", study_label(r, x->study, lb, sizeof lb));
        jw_num(w, "estimate", x->estimate), jw_num(w, "se", x->se);
        jw_num(w, s->stat_is_t ? "tval" : "zval", x->stat), jw_num(w, "pval", x->pval);
        jw_num(w, "ci_lb", x->ci_lb), jw_num(w, "ci_ub", x->ci_ub), jw_num(w, "Q", x->Q);
        jw_num(w, "Qp", x->Qp), jw_num(w, "tau2", x->tau2), jw_num(w, "I2", x->I2);
        jw_num(w, "H2", x->H2);
        jw_close(w, "}");
    }
    jw_close(w, "]");
}

static void json_subgroups(jw *w, const meta_run *r)
{
    const ev_subgroup *sg = r->sg;
    jw_open(w, "subgroups", "{");
    jw_str(w, "by", r->a->by);
    jw_open(w, "levels", "[");
    for (size_t i = 0; i < sg->n_levels; i++) {
        const ev_subgroup_level *l = &sg->levels[i];
        jw_open(w, NULL, "{");
        jw_str(w, "level", l->level);
        jw_open(w, "rows", "[");
        for (size_t j = 0; j < l->n_rows; j++)
            jw_int(w, NULL, l->rows[j] + 1);
        jw_close(w, "]");
        json_fit(w, "fit", l->fit, false);
        jw_num(w, "pi_lb", l->pred.pi_lb), jw_num(w, "pi_ub", l->pred.pi_ub);
        jw_close(w, "}");
    }
    jw_close(w, "]");
    jw_open(w, "test_between_separate_tau2", "{");
    jw_num(w, "Q", sg->Q_between), jw_int(w, "df", sg->Q_between_df);
    jw_num(w, "pval", sg->Q_between_p);
    jw_close(w, "}");
    json_fit(w, "test_moderator_common_tau2", sg->moderator, false);
    jw_close(w, "}");
}

static void json_regtest(jw *w, const char *key, const ev_regtest *t)
{
    jw_open(w, key, "{");
    jw_str(w, "model", t->model == EV_REGTEST_LM ? "lm" : "rma");
    jw_str(w, "predictor", "sei");
    jw_num(w, t->stat_is_t ? "tval" : "zval", t->stat), jw_num(w, "df", t->df);
    jw_num(w, "pval", t->pval);
    jw_num(w, "limit_estimate", t->est), jw_num(w, "limit_ci_lb", t->ci_lb);
    jw_num(w, "limit_ci_ub", t->ci_ub);
    jw_nums(w, "coef", t->coef, 2), jw_nums(w, "coef_se", t->coef_se, 2);
    jw_nums(w, "coef_pval", t->coef_pval, 2);
    jw_num(w, "tau2", t->tau2), jw_num(w, "residual_sigma", t->residual_sigma);
    jw_close(w, "}");
}

static void json_extras(jw *w, const meta_run *r)
{
    if (r->sg)
        json_subgroups(w, r);
    if (r->l1o)
        json_sens(w, "leave1out", r, r->l1o);
    if (r->cum)
        json_sens(w, "cumul", r, r->cum);
    if (r->a->regtest) {
        json_regtest(w, "regtest_rma", &r->rt_rma);
        json_regtest(w, "regtest_lm", &r->rt_lm);
    }
    if (r->a->ranktest) {
        jw_open(w, "ranktest", "{");
        jw_num(w, "tau", r->rk.tau), jw_num(w, "pval", r->rk.pval);
        jw_bool(w, "exact", r->rk.exact);
        jw_close(w, "}");
    }
    if (r->tf) {
        jw_open(w, "trimfill", "{");
        jw_str(w, "estimator", r->tf->estimator == EV_TRIMFILL_R0 ? "R0" : "L0");
        jw_str(w, "side", r->tf->side == EV_SIDE_LEFT ? "left" : "right");
        jw_int(w, "k0", r->tf->k0), jw_num(w, "se_k0", r->tf->se_k0);
        jw_num(w, "p_k0", r->tf->p_k0);
        json_fit(w, "fit", r->tf->fit, true);
        jw_close(w, "}");
    }
    if (r->pt) {
        jw_open(w, "permutest", "{");
        jw_int(w, "iter", r->pt->iter), jw_num(w, "seed", (double)r->a->seed);
        jw_nums(w, "pval", r->pt->pval, r->pt->p), jw_num(w, "QMp", r->pt->QMp);
        jw_close(w, "}");
    }
}

static int print_json(const meta_run *r)
{
    jw w = {.first = {true}};
    ev_buf_init(&w.b, EV_BUF_DEFAULT_MAX);
    jw_open(&w, NULL, "{");
    jw_str(&w, "file", r->a->path);
    jw_int(&w, "rows", ev_synth_table_rows(r->tab));
    jw_str(&w, "measure", ev_synth_measure_name(r->opt.measure));
    if (r->mh) {
        json_mh(&w, r->mh);
    } else {
        json_fit(&w, "model", r->fit, true);
        json_pred(&w, r);
        json_extras(&w, r);
    }
    jw_close(&w, "}");
    if (w.failed) {
        ev_buf_release(&w.b);
        fprintf(stderr, "evident: out of memory\n");
        return EV_EXIT_INTERNAL;
    }
    printf("%s\n", ev_buf_cstr(&w.b));
    ev_buf_release(&w.b);
    return EV_EXIT_OK;
}


/* ---- plots ------------------------------------------------------------------------------ */

/* The axis label of a measure, as metafor's forest() words it. */
static const char *measure_label(ev_synth_measure m)
{
    switch (m) {
    case EV_MEASURE_RR: return "Risk Ratio";
    case EV_MEASURE_OR: case EV_MEASURE_PETO: return "Odds Ratio";
    case EV_MEASURE_RD: return "Risk Difference";
    case EV_MEASURE_AS: return "Arcsine Transformed Risk Difference";
    case EV_MEASURE_IRR: return "Incidence Rate Ratio";
    case EV_MEASURE_IRD: return "Incidence Rate Difference";
    case EV_MEASURE_MD: return "Mean Difference";
    case EV_MEASURE_SMD: case EV_MEASURE_SMDH: return "Standardized Mean Difference";
    case EV_MEASURE_ROM: return "Ratio of Means";
    case EV_MEASURE_PLO: return "Log Odds";
    case EV_MEASURE_PR: return "Proportion";
    case EV_MEASURE_ZCOR: return "Fisher's z Transformed Correlation Coefficient";
    case EV_MEASURE_COR: case EV_MEASURE_UCOR: return "Correlation Coefficient";
    default: return "Observed Outcome";
    }
}

/* Upper quantile of N(0,1): Acklam's rational approximation refined by one
 * Halley step on erfc (full double precision). For study CIs, which metafor's
 * forest() draws with normal quantiles whatever the model's test. */
static double normal_upper_quantile(double p)
{
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                               -2.759285104469687e+02, 1.383577518672690e+02,
                               -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                               -1.556989798598866e+02, 6.680131188771972e+01,
                               -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                               -2.400758277161838e+00, -2.549732539343734e+00,
                               4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                               2.445134137142996e+00, 3.754408661907416e+00};
    double q = 1.0 - p, x; /* lower-tail probability */
    if (q < 0.02425 || q > 1 - 0.02425) {
        double t = sqrt(-2 * log(q < 0.5 ? q : 1 - q));
        x = (((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) /
            ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1);
        x = q < 0.5 ? x : -x;
    } else {
        double t = q - 0.5, u = t * t;
        x = (((((a[0] * u + a[1]) * u + a[2]) * u + a[3]) * u + a[4]) * u + a[5]) * t /
            (((((b[0] * u + b[1]) * u + b[2]) * u + b[3]) * u + b[4]) * u + 1);
    }
    double e = 0.5 * erfc(-x / sqrt(2.0)) - q, u = e * sqrt(2 * M_PI) * exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

static bool ratio_measure(ev_synth_measure m)
{
    return ev_synth_measure_transf(m) == EV_TRANSF_EXP;
}

/* Per-study yi/vi/weight of whichever model was fitted. */
typedef struct study_view {
    size_t k;
    const double *yi, *vi, *w;
} study_view;

static study_view studies_of(const meta_run *r)
{
    if (r->mh)
        return (study_view){r->mh->k_all, r->mh->yi, r->mh->vi, NULL};
    return (study_view){r->fit->k_all, r->fit->yi, r->fit->vi, r->fit->weights};
}

static void pooled_from_fit(ev_forest_pooled *p, const ev_rma *f, const char *label)
{
    ev_rma_pred pr;
    ev_error e = EV_ERROR_INIT;
    ev_forest_pooled_init(p);
    p->label = label;
    p->est = f->beta[0], p->ci_lb = f->ci_lb[0], p->ci_ub = f->ci_ub[0];
    if (!is_ee(f) && ev_rma_predict(&pr, f, NULL, 1, EV_TRANSF_NONE, 0, &e) == EV_OK)
        p->pi_lb = pr.pi_lb, p->pi_ub = pr.pi_ub;
    p->tau2 = is_ee(f) ? NAN : f->tau2;
    p->i2 = f->I2, p->q = f->QE, p->q_df = (double)f->QEdf, p->q_p = f->QEp;
    p->z = f->stat[0], p->z_p = f->pval[0];
    p->stat_name = f->stat_is_t ? "t" : "Z";
}

static void pooled_from_mh(ev_forest_pooled *p, const ev_rma_mh *m)
{
    ev_forest_pooled_init(p);
    p->label = m->measure == EV_MEASURE_PETO ? "Peto model" : "Mantel-Haenszel model";
    p->est = m->beta, p->ci_lb = m->ci_lb, p->ci_ub = m->ci_ub;
    p->i2 = m->I2, p->q = m->QE, p->q_df = (double)m->QEdf, p->q_p = m->QEp;
    p->z = m->zval, p->z_p = m->pval;
}

static void fill_study(ev_forest_study *s, const meta_run *r, const study_view *v, size_t i,
                       char (*lb)[24], double crit)
{
    s->label = study_label(r, i, lb[i], sizeof lb[i]);
    s->yi = v->yi[i];
    s->ci_lb = v->yi[i] - crit * sqrt(v->vi[i]);
    s->ci_ub = v->yi[i] + crit * sqrt(v->vi[i]);
    s->weight = v->w ? v->w[i] : NAN;
    if (isnan(s->yi) || isnan(s->ci_lb))
        s->yi = s->ci_lb = s->ci_ub = NAN;
}

/* Subgroups: one group per level (header, studies, subtotal). */
static ev_status forest_groups(ev_forest_group *g, ev_forest_study *st, ev_forest_pooled *sub,
                               const meta_run *r, const study_view *v, char (*lb)[24],
                               double crit)
{
    size_t n = 0;
    for (size_t l = 0; l < r->sg->n_levels; l++) {
        const ev_subgroup_level *lv = &r->sg->levels[l];
        g[l] = (ev_forest_group){.title = lv->level, .studies = st + n,
                                 .nstudies = lv->n_rows, .subtotal = &sub[l]};
        for (size_t j = 0; j < lv->n_rows; j++)
            fill_study(&st[n++], r, v, lv->rows[j], lb, crit);
        pooled_from_fit(&sub[l], lv->fit, "Subtotal");
    }
    return EV_OK;
}

static int write_forest(meta_run *r)
{
    study_view v = studies_of(r);
    size_t ng = r->sg ? r->sg->n_levels : 1;
    ev_forest_study *st = ev_calloc(v.k ? v.k : 1, sizeof *st);
    ev_forest_group *g = ev_calloc(ng, sizeof *g);
    ev_forest_pooled *sub = ev_calloc(ng, sizeof *sub), overall;
    char (*lb)[24] = ev_calloc(v.k ? v.k : 1, sizeof *lb), xlab[96];
    int rc = -1;
    if (!st || !g || !sub || !lb) {
        rc = EV_EXIT_INTERNAL;
        goto done;
    }
    double level = r->mh ? r->mh->level : r->fit->opt.level;
    double crit = normal_upper_quantile((1.0 - level / 100.0) / 2.0);
    if (r->sg) {
        (void)forest_groups(g, st, sub, r, &v, lb, crit);
    } else {
        for (size_t i = 0; i < v.k; i++)
            fill_study(&st[i], r, &v, i, lb, crit);
        g[0] = (ev_forest_group){.studies = st, .nstudies = v.k};
    }
    if (r->mh)
        pooled_from_mh(&overall, r->mh);
    else
        pooled_from_fit(&overall, r->fit, is_ee(r->fit) ? "EE model" : "RE model");
    ev_synth_measure m = r->mh ? r->mh->measure : r->fit->opt.measure;
    ev_forest f;
    ev_forest_init(&f);
    f.groups = g, f.ngroups = ng, f.overall = &overall;
    f.log_scale = ratio_measure(m);
    snprintf(xlab, sizeof xlab, "%s%s", measure_label(m), f.log_scale ? " (log scale)" : "");
    f.xlabel = xlab;
    f.show_weights = v.w != NULL;
    if (ev_plot_forest(&f, r->a->forest, &r->err) != EV_OK)
        rc = ev_cli_fail(&r->err, NULL);
done:
    ev_free(st), ev_free(g), ev_free(sub), ev_free(lb);
    return rc;
}

static int write_funnel(meta_run *r)
{
    const ev_rma *f = r->fit;
    size_t kf = r->tf ? r->tf->k0 : 0, k = f->k_all;
    double *se = ev_calloc(k + kf + 1, sizeof(double));
    char xlab[96];
    int rc = -1;
    if (se == NULL)
        return EV_EXIT_INTERNAL;
    for (size_t i = 0; i < k; i++)
        se[i] = f->used[i] ? sqrt(f->vi[i]) : NAN;
    for (size_t j = 0; j < kf; j++)
        se[k + j] = sqrt(r->tf->fit->vi[k + j]);
    ev_funnel fu;
    ev_funnel_init(&fu);
    fu.yi = f->yi, fu.sei = se, fu.k = k;
    if (kf) {
        fu.fill_yi = r->tf->fit->yi + k, fu.fill_sei = se + k, fu.kfill = kf;
    }
    fu.estimate = f->beta[0];
    fu.log_scale = ratio_measure(f->opt.measure);
    snprintf(xlab, sizeof xlab, "%s%s", measure_label(f->opt.measure),
             fu.log_scale ? " (log scale)" : "");
    fu.xlabel = xlab;
    if (ev_plot_funnel(&fu, r->a->funnel, &r->err) != EV_OK)
        rc = ev_cli_fail(&r->err, NULL);
    ev_free(se);
    return rc;
}

static int write_plots(meta_run *r)
{
    int rc = -1;
    if (r->a->forest)
        rc = write_forest(r);
    if (rc < 0 && r->a->funnel)
        rc = write_funnel(r);
    return rc;
}

/* ---- the command ---------------------------------------------------------------------- */

static int analyse(meta_run *r)
{
    int rc = setup_options(r);
    if (rc < 0 && ev_synth_table_data(&r->data, r->tab, r->opt.measure, &r->err) != EV_OK)
        rc = fail(r);
    if (rc >= 0)
        return rc;
    load_labels(r);
    if (r->a->model)
        return fit_mh(r);
    if (r->a->mods && (rc = build_design(r)) >= 0)
        return rc;
    if ((rc = fit_model(r)) >= 0)
        return rc;
    return run_extras(r);
}

static int run(int argc, char **argv)
{
    meta_args a;
    int rc = parse_args(&a, argc, argv);
    if (rc < 0)
        rc = check_combinations(&a);
    if (rc >= 0)
        return rc;
    meta_run r = {.a = &a, .err = EV_ERROR_INIT};
    if (ev_synth_table_read(&r.tab, a.path, &r.err) != EV_OK) {
        if (r.err.code == EV_EIO)
            r.err.code = EV_EINPUT; /* a data file, not the review: bad input */
        rc = ev_cli_fail(&r.err, NULL);
        goto done;
    }
    rc = analyse(&r);
    if (rc < 0)
        rc = write_plots(&r);
    if (rc >= 0)
        goto done;
    if (a.repeat > 0)
        fprintf(stderr, "evident: timing: %ld fits in %.6f s; permutation test %.6f s\n",
                a.repeat, r.t_fit, r.t_perm);
    rc = a.json ? print_json(&r) : (print_text(&r), EV_EXIT_OK);
done:
    run_release(&r);
    return rc;
}

const ev_cli_command ev_cli_cmd_meta = {
    .name = "meta",
    .summary = "meta-analysis of a table of studies (metafor-compatible)",
    .help =
        "usage: evident meta DATA.csv [--measure M] [--method M] [--test T] [--level L]\n"
        "                    [--mods A,B] [--by GROUP] [--add X --to T --drop00]\n"
        "                    [--model mh|peto] [--leave1out] [--cumul COL] [--regtest]\n"
        "                    [--ranktest] [--trimfill [--estimator L0|R0]]\n"
        "                    [--permutest N [--seed S]] [--forest F] [--funnel F]\n"
        "                    [--json] [--quiet]\n"
        "\n"
        "Pool the studies of DATA.csv (effect sizes, an equal- or random-effects\n"
        "model or a meta-regression) and print the result as R's metafor does; the\n"
        "numbers are tested against metafor 3.8-1.\n"
        "\n"
        "DATA.csv: CSV with a header row; columns named as metafor's arguments:\n"
        "  2x2 tables        ai bi ci di     (or ai n1i ci n2i)    RR OR RD AS PETO\n"
        "  person-time       x1i t1i x2i t2i                       IRR IRD IRSD\n"
        "  two-group means   m1i sd1i n1i m2i sd2i n2i             MD SMD SMDH ROM CVR VR\n"
        "  proportions       xi ni                                 PR PLN PLO PAS PFT\n"
        "  correlations      ri ni                                 COR UCOR ZCOR\n"
        "  change scores     m1i m2i sd1i sd2i ni ri               MC SMCC\n"
        "  precomputed       yi vi (or yi sei)                     (no --measure needed)\n"
        "A 'study' column labels studies; other columns can be moderators (text =\n"
        "factor, first sorted level = reference) or groups. Empty/NA = missing.\n"
        "\n"
        "Model:\n"
        "  --measure M     effect size (metafor's measure= names, e.g. RR, OR, SMD)\n"
        "  --method M      tau^2 estimator: REML (default), ML, DL, PM, EB, HS, SJ, HE,\n"
        "                  or EE/FE for an equal-/fixed-effects model\n"
        "  --test T        z (default), t, knha (Knapp-Hartung) or adhoc\n"
        "  --level L       confidence level in percent (default 95)\n"
        "  --mods A,B      meta-regression on the columns A and B\n"
        "  --add X         continuity correction added to zero cells (default 0.5)\n"
        "  --to T          where to add it: only0 (default), all, if0all, none\n"
        "  --drop00        drop studies with no events (or only events) in both groups;\n"
        "                  --no-drop00 keeps them (the default except for --model)\n"
        "  --model mh      Mantel-Haenszel common effect (OR RR RD IRR IRD), with the\n"
        "                  Cochran-Mantel-Haenszel and Tarone tests for OR\n"
        "  --model peto    Peto's one-step odds ratio (2x2 tables)\n"
        "  --maxiter N, --threshold X, --stepadj X\n"
        "                  Fisher scoring control; if REML fails, try --stepadj 0.5\n"
        "\n"
        "Further analyses (models without --mods unless noted):\n"
        "  --by GROUP      a fit per level of GROUP, the test for subgroup differences\n"
        "                  (separate tau^2) and the moderator test (common tau^2)\n"
        "  --leave1out     refit leaving out each study in turn\n"
        "  --cumul COL     cumulative meta-analysis, adding studies in the order of COL\n"
        "  --regtest       Egger's regression test (metafor's regtest, model rma and lm)\n"
        "  --ranktest      Begg and Mazumdar's rank correlation test\n"
        "  --trimfill      Duval and Tweedie's trim and fill (--estimator L0 or R0)\n"
        "  --permutest N   permutation test, N iterations (also with --mods); --seed S\n"
        "                  (default 1); --rng R draws as R's set.seed(S); permutest()\n"
        "\n"
        "Output:\n"
        "  --json          one JSON document with every number (NA = null)\n"
        "  --quiet         no warnings or progress on stderr\n"
        "  --forest F      forest plot (with --by: subgroups); .svg .pdf or .png\n"
        "  --funnel F      funnel plot (with --trimfill: the filled studies)\n"
        "  --repeat N      (benchmarks) fit N times in-process, timings to stderr\n"
        "\n"
        "Exit: 0 done, 1 bad usage, 2 bad input (DATA.csv:LINE:FIELD: message).\n"
        "\n"
        "Examples (bcg.csv = metafor's dat.bcg, in tests/fixtures/synth/):\n"
        "  evident meta bcg.csv --measure RR         # REML, tau^2 = 0.3132\n"
        "  evident meta bcg.csv --measure RR --mods ablat --test knha\n"
        "  evident meta bcg.csv --measure OR --model mh\n"
        "  evident meta bcg.csv --measure RR --by alloc --leave1out --regtest --trimfill\n"
        "  evident meta bcg.csv --measure RR --mods ablat --permutest 1000 --seed 42\n"
        "  evident meta bcg.csv --measure RR --json | jq .model.tau2\n",
    .run = run,
};
