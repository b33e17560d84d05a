/*
 * test_synth_golden_rma.c - walks the JSON cases in tests/golden/synth (metafor 3.8-1
 * reference results) and checks every number of the kinds escalc, rma,
 * rma_mods, confint and error against the engine. Our results are first
 * flattened into "path -> value" entries named as the golden schema names
 * them ("model.tau2", "predict.pi.lb[2]", ...); then every leaf of
 * `expected` is looked up and compared, so a number we do not produce is a
 * failure, not a silent skip. Kinds owned by other tests are skipped.
 */
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>

#include "evident/ev_synth.h"

#define REL_TOL 1e-6
#define ABS_TOL 1e-10

/* ---- flattened results --------------------------------------------------- */

typedef enum { V_NUM, V_STR, V_BOOL } vkind;

typedef struct entry {
    char path[128];
    vkind kind;
    double num;
    char str[256];
} entry;

typedef struct out {
    entry *e;
    size_t n, cap;
} out;

static entry *put(out *o, const char *path)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 256;
        o->e = realloc(o->e, o->cap * sizeof *o->e);
        assert_non_null(o->e);
    }
    entry *e = &o->e[o->n++];
    memset(e, 0, sizeof *e);
    snprintf(e->path, sizeof e->path, "%s", path);
    return e;
}

static void num(out *o, const char *path, double v)
{
    put(o, path)->num = v;
}

static void numf(out *o, double v, const char *fmt, ...) EV_PRINTF(3, 4);
static void numf(out *o, double v, const char *fmt, ...)
{
    char p[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p, sizeof p, fmt, ap);
    va_end(ap);
    num(o, p, v);
}

static void str(out *o, const char *path, const char *s)
{
    entry *e = put(o, path);
    e->kind = V_STR;
    snprintf(e->str, sizeof e->str, "%s", s);
}

static void boolean(out *o, const char *path, bool b)
{
    entry *e = put(o, path);
    e->kind = V_BOOL;
    e->num = b;
}

static void arr(out *o, const char *path, const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        numf(o, v[i], "%s[%zu]", path, i);
}

static const entry *find(const out *o, const char *path)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->e[i].path, path) == 0)
            return &o->e[i];
    return NULL;
}

/* ---- comparison ------------------------------------------------------------ */

typedef struct stats {
    size_t cases, cases_failed, numbers, failed;
    double worst_rel;
    char worst_path[256];
    /* per case */
    size_t case_failed;
    double case_worst;
    const char *case_id;
} stats;

static bool json_num(json_t *j, double *v)
{
    if (json_is_null(j)) {
        *v = NAN;
        return true;
    }
    if (json_is_number(j)) {
        *v = json_number_value(j);
        return true;
    }
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        if (strcmp(s, "Inf") == 0) *v = INFINITY;
        else if (strcmp(s, "-Inf") == 0) *v = -INFINITY;
        else if (strcmp(s, "NaN") == 0) *v = NAN;
        else return false;
        return true;
    }
    return false;
}

static void mismatch(stats *st, const char *path, const char *fmt, ...) EV_PRINTF(3, 4);
static void mismatch(stats *st, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("    FAIL %s: %s: ", st->case_id, path);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    st->case_failed++;
    st->failed++;
}

static void compare_num(stats *st, const char *path, double want, const entry *got)
{
    st->numbers++;
    if (!got || got->kind != V_NUM) {
        mismatch(st, path, "no value produced (want %.17g)", want);
        return;
    }
    double g = got->num;
    if (isnan(want) || isnan(g)) {
        if (!(isnan(want) && isnan(g)))
            mismatch(st, path, "got %.17g, want %.17g", g, want);
        return;
    }
    if (isinf(want) || isinf(g)) {
        if (want != g)
            mismatch(st, path, "got %.17g, want %.17g", g, want);
        return;
    }
    double d = fabs(g - want);
    double rel = fabs(want) > ABS_TOL ? d / fabs(want) : 0.0;
    if (d > ABS_TOL && rel > st->case_worst)
        st->case_worst = rel;
    if (d > ABS_TOL && rel > st->worst_rel) {
        st->worst_rel = rel;
        snprintf(st->worst_path, sizeof st->worst_path, "%s %s", st->case_id, path);
    }
    if (d > ABS_TOL && rel > REL_TOL)
        mismatch(st, path, "got %.17g, want %.17g (rel %.3g)", g, want, rel);
}

static void walk(stats *st, const out *o, json_t *j, const char *path)
{
    char p[256];
    if (json_is_object(j)) {
        const char *key;
        json_t *v;
        json_object_foreach(j, key, v) {
            snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", key);
            walk(st, o, v, p);
        }
        return;
    }
    if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) {
            snprintf(p, sizeof p, "%s[%zu]", path, i);
            walk(st, o, v, p);
        }
        return;
    }
    const entry *got = find(o, path);
    double want;
    if (json_is_boolean(j)) {
        st->numbers++;
        if (!got || got->kind != V_BOOL || (got->num != 0) != json_is_true(j))
            mismatch(st, path, "boolean differs or missing");
        return;
    }
    if (json_num(j, &want)) {
        compare_num(st, path, want, got);
        return;
    }
    if (json_is_string(j)) {
        if (!got || got->kind != V_STR || strcmp(got->str, json_string_value(j)) != 0)
            mismatch(st, path, "got \"%s\", want \"%s\"", got && got->kind == V_STR ? got->str : "",
                 json_string_value(j));
    }
}

/* ---- inputs ------------------------------------------------------------------- */

#define MAXCOL 24

typedef struct columns {
    size_t k;
    size_t n;
    const char *name[MAXCOL];
    double *num[MAXCOL];
    const char **txt[MAXCOL];
} columns;

static void columns_load(columns *c, json_t *input)
{
    memset(c, 0, sizeof *c);
    c->k = json_integer_value(json_object_get(input, "k"));
    json_t *cols = json_object_get(input, "columns");
    const char *key;
    json_t *v;
    json_object_foreach(cols, key, v) {
        assert_true(c->n < MAXCOL);
        size_t i = c->n++;
        c->name[i] = key;
        json_t *first = NULL;
        size_t r;
        json_t *x;
        json_array_foreach(v, r, x) if (!json_is_null(x) && !first) first = x;
        if (first && json_is_string(first)) {
            c->txt[i] = calloc(c->k, sizeof(char *));
            json_array_foreach(v, r, x) c->txt[i][r] = json_string_value(x);
        } else {
            c->num[i] = calloc(c->k, sizeof(double));
            json_array_foreach(v, r, x) c->num[i][r] = json_is_number(x) ? json_number_value(x) : NAN;
        }
    }
}

static void columns_free(columns *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->num[i]);
        free(c->txt[i]);
    }
}

static const double *col(const columns *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->name[i], name) == 0)
            return c->num[i];
    return NULL;
}

static const char *const *coltxt(const columns *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->name[i], name) == 0)
            return c->txt[i];
    return NULL;
}

/* Only the columns named in `inputs` (or all raw columns when NULL). */
static void make_data(ev_synth_data *d, const columns *c, json_t *inputs)
{
    memset(d, 0, sizeof *d);
    d->k = c->k;
#define COL(f)                                                                              \
    do {                                                                                    \
        bool want = !inputs;                                                                \
        size_t ii;                                                                          \
        json_t *nm;                                                                         \
        if (inputs)                                                                         \
            json_array_foreach(inputs, ii, nm) if (strcmp(json_string_value(nm), #f) == 0)  \
                want = true;                                                                \
        if (want)                                                                           \
            d->f = col(c, #f);                                                              \
    } while (0)
    COL(ai); COL(bi); COL(ci); COL(di); COL(n1i); COL(n2i);
    COL(x1i); COL(t1i); COL(x2i); COL(t2i);
    COL(m1i); COL(sd1i); COL(m2i); COL(sd2i);
    COL(xi); COL(ni); COL(ri); COL(yi); COL(vi); COL(sei);
#undef COL
}

static void options_from(ev_synth_options *o, json_t *s, bool default_control)
{
    ev_synth_options_init(o);
    json_t *v;
    if ((v = json_object_get(s, "measure")) && json_is_string(v))
        assert_true(ev_synth_measure_parse(json_string_value(v), &o->measure));
    if ((v = json_object_get(s, "method")) && json_is_string(v))
        assert_true(ev_synth_method_parse(json_string_value(v), &o->method));
    if ((v = json_object_get(s, "test")) && json_is_string(v))
        assert_true(ev_synth_test_parse(json_string_value(v), &o->test));
    if ((v = json_object_get(s, "to")) && json_is_string(v))
        assert_true(ev_synth_to_parse(json_string_value(v), &o->to));
    if ((v = json_object_get(s, "vtype")) && json_is_string(v))
        assert_true(ev_synth_vtype_parse(json_string_value(v), &o->vtype));
    /* The golden files write metafor's default as add = 0.5 even for the
     * measures where escalc's default is 0 (README: "not applied to
     * AS/PAS/PFT"), so 0.5 means "the default" here. */
    if ((v = json_object_get(s, "add")) && json_is_number(v) && json_number_value(v) != 0.5)
        o->add = json_number_value(v);
    if ((v = json_object_get(s, "drop00")))
        o->drop00 = json_is_true(v);
    if ((v = json_object_get(s, "level")) && json_is_number(v))
        o->level = json_number_value(v);
    json_t *c = json_object_get(s, "control");
    if (default_control || !json_is_object(c))
        return;
    if ((v = json_object_get(c, "threshold")))
        o->control.threshold = json_number_value(v);
    if ((v = json_object_get(c, "maxiter")))
        o->control.maxiter = (size_t)json_number_value(v);
    if ((v = json_object_get(c, "tol")))
        o->control.tol = json_number_value(v);
    if ((v = json_object_get(c, "stepadj")))
        o->control.stepadj = json_number_value(v);
}

static ev_synth_design *make_design(const columns *c, json_t *settings)
{
    json_t *mods = json_object_get(settings, "mods");
    if (!json_is_object(mods))
        return NULL;
    json_t *terms = json_object_get(mods, "terms");
    ev_synth_term t[8];
    size_t n = 0, i;
    json_t *term;
    json_array_foreach(terms, i, term) {
        const char *name = json_string_value(json_object_get(term, "name"));
        bool factor = strcmp(json_string_value(json_object_get(term, "type")), "factor") == 0;
        t[n++] = (ev_synth_term){name, factor ? NULL : col(c, name), factor ? coltxt(c, name) : NULL};
    }
    ev_synth_design *d = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_synth_design_new(&d, c->k, t, n, &err), EV_OK);
    return d;
}

/* ---- emitting our results under the golden names ------------------------------ */

static void emit_coefs(out *o, const char *pre, const ev_rma *f)
{
    char p[128];
    const char *statname = f->stat_is_t ? "tval" : "zval";
    if (f->intercept_only) {
        snprintf(p, sizeof p, "%sestimate", pre); num(o, p, f->beta[0]);
        snprintf(p, sizeof p, "%sse", pre); num(o, p, f->se[0]);
        snprintf(p, sizeof p, "%s%s", pre, statname); num(o, p, f->stat[0]);
        snprintf(p, sizeof p, "%spval", pre); num(o, p, f->pval[0]);
        snprintf(p, sizeof p, "%sci.lb", pre); num(o, p, f->ci_lb[0]);
        snprintf(p, sizeof p, "%sci.ub", pre); num(o, p, f->ci_ub[0]);
        return;
    }
    const char *cp = strcmp(pre, "model.") == 0 ? "model.coefficients." : pre;
    for (size_t j = 0; j < f->p; j++) {
        snprintf(p, sizeof p, "%snames[%zu]", cp, j);
        str(o, p, f->coef_names[j]);
        numf(o, f->beta[j], "%sestimate[%zu]", cp, j);
        numf(o, f->se[j], "%sse[%zu]", cp, j);
        numf(o, f->stat[j], "%s%s[%zu]", cp, statname, j);
        numf(o, f->pval[j], "%spval[%zu]", cp, j);
        numf(o, f->ci_lb[j], "%sci.lb[%zu]", cp, j);
        numf(o, f->ci_ub[j], "%sci.ub[%zu]", cp, j);
    }
}

static void emit_fitstats(out *o, const char *pre, const char *blk, const ev_rma_fitstats *s)
{
    numf(o, s->loglik, "%sfit.stats.%s.logLik", pre, blk);
    numf(o, s->deviance, "%sfit.stats.%s.deviance", pre, blk);
    numf(o, s->aic, "%sfit.stats.%s.AIC", pre, blk);
    numf(o, s->bic, "%sfit.stats.%s.BIC", pre, blk);
    numf(o, s->aicc, "%sfit.stats.%s.AICc", pre, blk);
}

/* The model block: `pre` is "model." or "default_control." etc. */
static void emit_model(out *o, const char *pre, const ev_rma *f)
{
    numf(o, (double)f->k, "%sk", pre);
    numf(o, (double)f->p, "%sp", pre);
    emit_coefs(o, pre, f);
    numf(o, f->tau2, "%stau2", pre);
    numf(o, f->tau, "%stau", pre);
    numf(o, f->se_tau2, "%sse.tau2", pre);
    numf(o, f->QE, "%sQE", pre);
    numf(o, (double)f->QEdf, "%sQEdf", pre);
    numf(o, f->QEp, "%sQEp", pre);
    numf(o, f->I2, "%sI2", pre);
    numf(o, f->H2, "%sH2", pre);
    numf(o, f->df, "%sdf", pre);
    numf(o, f->s2w, "%ss2w", pre);
    emit_fitstats(o, pre, "ML", &f->fit_ml);
    emit_fitstats(o, pre, "REML", &f->fit_reml);
    if (!f->intercept_only) {
        for (size_t r = 0; r < f->p; r++)
            for (size_t c = 0; c < f->p; c++)
                numf(o, f->vcov[r * f->p + c], "%svcov[%zu][%zu]", pre, r, c);
        numf(o, f->QM, "%sQM", pre);
        numf(o, f->QMp, "%sQMp", pre);
        numf(o, (double)f->QMdf1, "%sQMdf[0]", pre);
        numf(o, f->QMdf2, "%sQMdf[1]", pre);
        char p[128];
        snprintf(p, sizeof p, "%sQM_distribution", pre);
        str(o, p, f->QM_is_F ? "F(QMdf[1], QMdf[2])" : "chisq(QMdf[1])");
        numf(o, f->R2, "%sR2", pre);
    }
}

static const char *transf_name(ev_synth_transf t)
{
    switch (t) {
    case EV_TRANSF_EXP: return "exp";
    case EV_TRANSF_ILOGIT: return "transf.ilogit";
    case EV_TRANSF_ZTOR: return "transf.ztor";
    case EV_TRANSF_IARCSIN: return "transf.iarcsin";
    case EV_TRANSF_IPFT_HM: return "transf.ipft.hm";
    default: return "none";
    }
}

static void emit_pred(out *o, const char *pre, const ev_rma_pred *pr, size_t n, bool arrays,
                      bool with_se)
{
    for (size_t i = 0; i < n; i++) {
        char ix[32] = "";
        if (arrays)
            snprintf(ix, sizeof ix, "[%zu]", i);
        numf(o, pr[i].pred, "%spred%s", pre, ix);
        if (with_se)
            numf(o, pr[i].se, "%sse%s", pre, ix);
        numf(o, pr[i].ci_lb, "%sci.lb%s", pre, ix);
        numf(o, pr[i].ci_ub, "%sci.ub%s", pre, ix);
        numf(o, pr[i].pi_lb, "%spi.lb%s", pre, ix);
        numf(o, pr[i].pi_ub, "%spi.ub%s", pre, ix);
        numf(o, pr[i].pi_df, "%spi.df%s", pre, ix);
        numf(o, pr[i].pi_df, "%spi.df", pre);
    }
    if (arrays && n == 1) /* R's predict() returns scalars for one row */
        emit_pred(o, pre, pr, 1, false, with_se);
}

static double harmonic_mean(const columns *c)
{
    const double *ni = col(c, "ni");
    double s = 0;
    size_t n = 0;
    for (size_t i = 0; ni && i < c->k; i++)
        if (!isnan(ni[i])) {
            s += 1.0 / ni[i];
            n++;
        }
    return (double)n / s;
}

/* predict and predict_transformed for the newmods of the expected block. */
static void emit_predictions(out *o, const ev_rma *f, json_t *exp, const columns *c)
{
    json_t *pe = json_object_get(exp, "predict");
    if (!pe)
        return;
    json_t *nm = json_object_get(pe, "newmods");
    size_t n = nm ? json_array_size(nm) : 1;
    double *newmods = calloc(n * f->p + 1, sizeof(double));
    for (size_t i = 0; nm && i < n; i++)
        for (size_t j = 0; j + 1 < f->p; j++) {
            double v = json_number_value(json_array_get(json_array_get(nm, i), j));
            newmods[i * (f->p - 1) + j] = v;
            numf(o, v, "predict.newmods[%zu][%zu]", i, j);
        }
    for (size_t j = 0; j + 1 < f->p; j++) {
        char p[64];
        snprintf(p, sizeof p, "predict.newmods_colnames[%zu]", j);
        str(o, p, f->coef_names[j + 1]);
    }
    ev_rma_pred *pr = calloc(n, sizeof *pr);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_rma_predict(pr, f, nm ? newmods : NULL, n, EV_TRANSF_NONE, 0, &err), EV_OK);
    emit_pred(o, "predict.", pr, n, nm != NULL, true);
    ev_synth_transf t = ev_synth_measure_transf(f->opt.measure);
    double hm = harmonic_mean(c);
    assert_int_equal(ev_rma_predict(pr, f, nm ? newmods : NULL, n, t, hm, &err), EV_OK);
    emit_pred(o, "predict_transformed.", pr, n, nm != NULL, false);
    str(o, "predict_transformed.transf", transf_name(t));
    num(o, "predict_transformed.harmonic_mean_ni", hm);
    free(pr);
    free(newmods);
}

static void emit_confint(out *o, const char *pre, const ev_rma_confint *ci, const char *type)
{
    char p[128];
    snprintf(p, sizeof p, "%stype", pre);
    str(o, p, type);
    const ev_ci *v[4] = {&ci->tau2, &ci->tau, &ci->I2, &ci->H2};
    const char *nm[4] = {"tau2", "tau", "I2", "H2"};
    for (int i = 0; i < 4; i++) {
        numf(o, v[i]->estimate, "%s%s.estimate", pre, nm[i]);
        numf(o, v[i]->lb, "%s%s.ci.lb", pre, nm[i]);
        numf(o, v[i]->ub, "%s%s.ci.ub", pre, nm[i]);
    }
}

/* default_control: the same analysis with metafor's default control. */
static void emit_default(out *o, const ev_escalc *es, const ev_synth_design *X,
                         json_t *settings, bool confint)
{
    ev_synth_options opt;
    options_from(&opt, settings, true);
    ev_rma *f = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev_rma_fit_escalc(&f, es, X, &opt, &err) != EV_OK) {
        printf("    default-control fit failed: %s\n", err.message);
        return;
    }
    emit_model(o, "default_control.", f);
    if (f->intercept_only) {
        ev_rma_pred pr;
        assert_int_equal(ev_rma_predict(&pr, f, NULL, 1, EV_TRANSF_NONE, 0, &err), EV_OK);
        num(o, "default_control.pi.lb", pr.pi_lb);
        num(o, "default_control.pi.ub", pr.pi_ub);
    } else {
        for (size_t j = 0; j < f->p; j++) {
            numf(o, f->beta[j], "default_control.estimate[%zu]", j);
            numf(o, f->se[j], "default_control.se[%zu]", j);
            numf(o, f->pval[j], "default_control.pval[%zu]", j);
        }
    }
    if (confint) {
        ev_rma_confint ci;
        if (ev_rma_confint_compute(&ci, f, EV_CONFINT_QP, &err) == EV_OK)
            emit_confint(o, "default_control.confint_QP.", &ci, "QP");
    }
    ev_rma_free(f);
}

/* ---- per kind ------------------------------------------------------------------ */

static void emit_warnings(out *o, char **w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char p[64];
        snprintf(p, sizeof p, "warnings[%zu]", i);
        str(o, p, w[i]);
    }
}

static void run_escalc(out *o, const columns *c, json_t *exp)
{
    json_t *vars = json_object_get(exp, "variants"), *v;
    size_t i;
    json_array_foreach(vars, i, v) {
        ev_synth_options opt;
        options_from(&opt, v, true);
        ev_synth_data d;
        make_data(&d, c, json_object_get(v, "inputs"));
        ev_escalc *es = NULL;
        ev_error err = EV_ERROR_INIT;
        char p[128];
        if (ev_escalc_compute(&es, &d, &opt, &err) != EV_OK) {
            printf("    variant %zu: %s\n", i, err.message);
            continue;
        }
        for (size_t r = 0; r < es->k; r++) {
            numf(o, es->yi[r], "variants[%zu].yi[%zu]", i, r);
            numf(o, es->vi[r], "variants[%zu].vi[%zu]", i, r);
        }
        for (size_t w = 0; w < es->n_warnings; w++) {
            snprintf(p, sizeof p, "variants[%zu].warnings[%zu]", i, w);
            str(o, p, es->warnings[w]);
        }
        const char *fields[] = {"measure", "to", "vtype"};
        for (int f = 0; f < 3; f++) {
            snprintf(p, sizeof p, "variants[%zu].%s", i, fields[f]);
            str(o, p, json_string_value(json_object_get(v, fields[f])));
        }
        numf(o, isnan(opt.add) ? 0.5 : opt.add, "variants[%zu].add", i);
        snprintf(p, sizeof p, "variants[%zu].drop00", i);
        boolean(o, p, opt.drop00);
        json_t *in = json_object_get(v, "inputs"), *x;
        size_t j;
        json_array_foreach(in, j, x) {
            snprintf(p, sizeof p, "variants[%zu].inputs[%zu]", i, j);
            str(o, p, json_string_value(x));
        }
        ev_escalc_free(es);
    }
}

static void emit_fit(out *o, const ev_rma *f, const ev_escalc *es, json_t *exp,
                     const columns *c, const ev_synth_design *X)
{
    arr(o, "escalc.yi", es->yi, es->k);
    arr(o, "escalc.vi", es->vi, es->k);
    for (size_t i = 0; i < f->k_all; i++) {
        char p[64];
        snprintf(p, sizeof p, "used[%zu]", i);
        boolean(o, p, f->used[i]);
    }
    emit_model(o, "model.", f);
    if (X) {
        for (size_t j = 0; j < X->p; j++) {
            char p[64];
            snprintf(p, sizeof p, "model_matrix.colnames[%zu]", j);
            str(o, p, X->colnames[j]);
        }
        for (size_t i = 0; i < X->k; i++)
            for (size_t j = 0; j < X->p; j++)
                numf(o, X->x[i * X->p + j], "model_matrix.rows[%zu][%zu]", i, j);
    }
    emit_predictions(o, f, exp, c);
    /* metafor's weights() lists the studies in the model only */
    for (size_t i = 0, r = 0; i < f->k_all; i++)
        if (f->used[i])
            numf(o, f->weights[i], "weights_percent[%zu]", r++);
    emit_warnings(o, f->warnings, f->n_warnings);
}

static ev_status fit_case(ev_rma **f, ev_escalc **es, ev_synth_design **X, const columns *c,
                          json_t *settings, ev_error *err)
{
    ev_synth_options opt;
    options_from(&opt, settings, false);
    ev_synth_data d;
    make_data(&d, c, NULL);
    *X = make_design(c, settings);
    ev_status st = ev_escalc_compute(es, &d, &opt, err);
    if (st != EV_OK)
        return st;
    return ev_rma_fit_escalc(f, *es, *X, &opt, err);
}

static void run_fit(out *o, const columns *c, json_t *doc, bool confint)
{
    json_t *settings = json_object_get(doc, "settings");
    json_t *exp = json_object_get(doc, "expected");
    ev_rma *f = NULL;
    ev_escalc *es = NULL;
    ev_synth_design *X = NULL;
    ev_error err = EV_ERROR_INIT;
    if (fit_case(&f, &es, &X, c, settings, &err) != EV_OK) {
        printf("    fit failed: %s\n", err.message);
        goto done;
    }
    emit_fit(o, f, es, exp, c, X);
    if (json_object_get(exp, "default_control"))
        emit_default(o, es, X, settings, confint);
    if (confint) {
        /* the golden calls: confint(fit, control=list(tol=1e-14, maxiter=10000)) */
        ev_synth_options defaults;
        ev_synth_options_init(&defaults);
        ev_synth_control con = defaults.control;
        con.tol = 1e-14;
        con.maxiter = 10000;
        ev_rma_confint ci;
        if (ev_rma_confint_compute_ctl(&ci, f, EV_CONFINT_QP, &con, &err) == EV_OK)
            emit_confint(o, "confint_QP.", &ci, "QP");
        else
            printf("    QP failed: %s\n", err.message);
        if (json_object_get(exp, "confint_PL") &&
            ev_rma_confint_compute_ctl(&ci, f, EV_CONFINT_PL, &con, &err) == EV_OK)
            emit_confint(o, "confint_PL.", &ci, "PL");
    }
done:
    ev_rma_free(f);
    ev_escalc_free(es);
    ev_synth_design_free(X);
}

/* error cases: the fit must fail naming the estimator; the remedy fit must
 * reproduce metafor's remedy numbers. */
static void run_error(out *o, stats *st, const columns *c, json_t *doc)
{
    json_t *settings = json_object_get(doc, "settings");
    json_t *exp = json_object_get(doc, "expected");
    ev_rma *f = NULL;
    ev_escalc *es = NULL;
    ev_synth_design *X = NULL;
    ev_error err = EV_ERROR_INIT;
    ev_status s = fit_case(&f, &es, &X, c, settings, &err);
    boolean(o, "error", s != EV_OK);
    str(o, "message", json_string_value(json_object_get(exp, "message")));
    /* bad input either way; for non-convergence our message must name the
     * estimator and say "converge" */
    const char *method = json_string_value(json_object_get(settings, "method"));
    const char *want = json_string_value(json_object_get(exp, "message"));
    bool conv = want && strstr(want, "converge");
    if (s == EV_OK)
        mismatch(st, "error", "the fit succeeded, metafor fails");
    else if (s != EV_EINPUT ||
             (conv && ((method && !strstr(err.message, method)) ||
                       !strstr(err.message, "converge"))))
        mismatch(st, "error", "unexpected error: %s", err.message);
    else
        printf("    expected error: %s\n", err.message);
    json_t *rem = json_object_get(exp, "remedy");
    if (rem) {
        json_t *s2 = json_deep_copy(settings);
        json_object_set(s2, "control", json_object_get(rem, "control"));
        ev_rma_free(f);
        f = NULL;
        ev_synth_options opt;
        options_from(&opt, s2, false);
        if (ev_rma_fit_escalc(&f, es, X, &opt, &err) == EV_OK) {
            out tmp = {0};
            emit_model(&tmp, "remedy.model.", f);
            for (size_t i = 0; i < tmp.n; i++)
                *put(o, tmp.e[i].path) = tmp.e[i];
            free(tmp.e);
            ev_rma_pred pr;
            assert_int_equal(ev_rma_predict(&pr, f, NULL, 1, EV_TRANSF_NONE, 0, &err), EV_OK);
            emit_pred(o, "remedy.predict.", &pr, 1, false, true);
            json_t *rc = json_object_get(rem, "control");
            numf(o, json_number_value(json_object_get(rc, "stepadj")), "remedy.control.stepadj");
            numf(o, json_number_value(json_object_get(rc, "threshold")), "remedy.control.threshold");
            numf(o, json_number_value(json_object_get(rc, "maxiter")), "remedy.control.maxiter");
        } else {
            printf("    remedy fit failed: %s\n", err.message);
        }
        json_decref(s2);
    }
    ev_rma_free(f);
    ev_escalc_free(es);
    ev_synth_design_free(X);
}

static bool our_kind(const char *kind)
{
    const char *k[] = {"escalc", "rma", "rma_mods", "confint", "error"};
    for (size_t i = 0; i < 5; i++)
        if (strcmp(kind, k[i]) == 0)
            return true;
    return false;
}

static void run_case(stats *st, const char *file)
{
    json_error_t jerr;
    json_t *doc = json_load_file(file, 0, &jerr);
    assert_non_null(doc);
    const char *kind = json_string_value(json_object_get(doc, "kind"));
    if (!our_kind(kind)) {
        json_decref(doc);
        return;
    }
    st->case_id = json_string_value(json_object_get(doc, "id"));
    st->case_failed = 0;
    st->case_worst = 0;
    size_t before = st->numbers;
    columns c;
    columns_load(&c, json_object_get(doc, "input"));
    out o = {0};
    json_t *exp = json_object_get(doc, "expected");
    if (strcmp(kind, "escalc") == 0)
        run_escalc(&o, &c, exp);
    else if (strcmp(kind, "error") == 0)
        run_error(&o, st, &c, doc);
    else
        run_fit(&o, &c, doc, strcmp(kind, "confint") == 0);
    walk(st, &o, exp, "");
    st->cases++;
    st->cases_failed += st->case_failed > 0;
    printf("%-4s %-40s %-9s %4zu numbers, worst rel %.2e\n", st->case_failed ? "FAIL" : "ok",
           st->case_id, kind, st->numbers - before, st->case_worst);
    free(o.e);
    columns_free(&c);
    json_decref(doc);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every case of one folder; returns the statistics. */
static stats run_folder(const char *dir)
{
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    char *names[512];
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(dp)) && n < 512) {
        size_t l = strlen(de->d_name);
        if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            names[n++] = strdup(path);
        }
    }
    closedir(dp);
    qsort(names, n, sizeof *names, cmp_names);
    stats st = {0};
    for (size_t i = 0; i < n; i++) {
        run_case(&st, names[i]);
        free(names[i]);
    }
    printf("%s: %zu cases (%zu failed), %zu numbers checked (%zu off), worst relative "
           "deviation %.3g at %s\n",
           dir, st.cases, st.cases_failed, st.numbers, st.failed, st.worst_rel, st.worst_path);
    return st;
}

/* The public metafor 3.8-1 reference set (tests/golden/synth/README.md). */
static void golden_cases_match_metafor(void **state)
{
    (void)state;
    stats st = run_folder(EV_SOURCE_DIR "/tests/golden/synth");
    assert_true(st.cases > 0);
    assert_int_equal(st.failed, 0);
}

/* Extra cases computed with metafor by tests/golden/synth_local/make_local.R. */
static void local_metafor_cases_match(void **state)
{
    (void)state;
    stats st = run_folder(EV_SOURCE_DIR "/tests/golden/synth_local");
    assert_true(st.cases > 0);
    assert_int_equal(st.failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(golden_cases_match_metafor),
        cmocka_unit_test(local_metafor_cases_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
