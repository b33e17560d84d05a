/*
 * test_synth_golden_bias.c - golden runner for the synthextra part of the
 * synth module: walks the *.json files of tests/golden/synth (metafor 3.8-1 reference
 * numbers, see tests/golden/synth/README.md) and, for the kinds rma_mh,
 * rma_peto, regtest, trimfill, leave1out, cumul and subgroup, rebuilds the
 * `expected` block from our engine and compares EVERY leaf of it: numbers
 * within relative 1e-6 (absolute 1e-10 near zero), null <-> NAN, strings and
 * booleans exactly. A leaf we do not produce counts as a miss. Prints one
 * line per case and the worst deviation; fails on any miss.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>

#include "evident/ev_synth.h"

#define REL_TOL 1e-6
#define ABS_TOL 1e-10

/* ---- the case's input columns -------------------------------------------- */

typedef struct gcol {
    const char *name;
    double *num;       /* NULL for text columns */
    const char **txt;  /* text cells (NULL = NA); NULL for numeric columns */
} gcol;

typedef struct gcase {
    json_t *root;
    const char *id, *kind;
    json_t *settings, *expected;
    size_t k, ncols;
    gcol cols[32];
    ev_synth_options opt;
} gcase;

typedef struct gstats {
    size_t cases, numbers, misses;
    double worst;
    char worst_where[256];
} gstats;

static const double *col_num(const gcase *c, const char *name)
{
    for (size_t i = 0; i < c->ncols; i++)
        if (strcmp(c->cols[i].name, name) == 0)
            return c->cols[i].num;
    return NULL;
}

static const char *const *col_txt(const gcase *c, const char *name)
{
    for (size_t i = 0; i < c->ncols; i++)
        if (strcmp(c->cols[i].name, name) == 0)
            return c->cols[i].txt;
    return NULL;
}

static void load_column(gcase *c, const char *name, json_t *arr)
{
    gcol *g = &c->cols[c->ncols++];
    bool text = false;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (json_is_string(v)) text = true;
    g->name = name;
    if (text) {
        g->txt = calloc(c->k, sizeof *g->txt);
        json_array_foreach(arr, i, v) g->txt[i] = json_is_string(v) ? json_string_value(v) : NULL;
    } else {
        g->num = calloc(c->k, sizeof *g->num);
        json_array_foreach(arr, i, v) g->num[i] = json_is_number(v) ? json_number_value(v) : NAN;
    }
}

static double jnum(json_t *o, const char *key, double dflt)
{
    json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : dflt;
}

static void load_options(gcase *c)
{
    ev_synth_options *o = &c->opt;
    json_t *s = c->settings, *v;
    ev_synth_options_init(o);
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
    o->add = jnum(s, "add", o->add);
    o->level = jnum(s, "level", o->level);
    if ((v = json_object_get(s, "drop00")) && json_is_boolean(v))
        o->drop00 = json_is_true(v);
    json_t *ctl = json_object_get(s, "control");
    if (json_is_object(ctl)) {
        o->control.threshold = jnum(ctl, "threshold", o->control.threshold);
        o->control.maxiter = (size_t)jnum(ctl, "maxiter", (double)o->control.maxiter);
        o->control.tol = jnum(ctl, "tol", o->control.tol);
        o->control.stepadj = jnum(ctl, "stepadj", o->control.stepadj);
    }
}

static bool load_case(gcase *c, const char *path)
{
    json_error_t jerr;
    memset(c, 0, sizeof *c);
    c->root = json_load_file(path, 0, &jerr);
    if (c->root == NULL) {
        print_message("cannot parse %s: %s\n", path, jerr.text);
        return false;
    }
    c->id = json_string_value(json_object_get(c->root, "id"));
    c->kind = json_string_value(json_object_get(c->root, "kind"));
    c->settings = json_object_get(c->root, "settings");
    c->expected = json_object_get(c->root, "expected");
    json_t *input = json_object_get(c->root, "input");
    c->k = (size_t)json_integer_value(json_object_get(input, "k"));
    const char *name;
    json_t *arr;
    json_object_foreach(json_object_get(input, "columns"), name, arr)
    {
        if (c->ncols < 32)
            load_column(c, name, arr);
    }
    load_options(c);
    return true;
}

static void free_case(gcase *c)
{
    for (size_t i = 0; i < c->ncols; i++) {
        free(c->cols[i].num);
        free(c->cols[i].txt);
    }
    json_decref(c->root);
}

static ev_synth_data case_data(const gcase *c)
{
    ev_synth_data d = {.k = c->k};
    d.ai = col_num(c, "ai"), d.bi = col_num(c, "bi"), d.ci = col_num(c, "ci");
    d.di = col_num(c, "di"), d.n1i = col_num(c, "n1i"), d.n2i = col_num(c, "n2i");
    d.x1i = col_num(c, "x1i"), d.t1i = col_num(c, "t1i"), d.x2i = col_num(c, "x2i");
    d.t2i = col_num(c, "t2i"), d.m1i = col_num(c, "m1i"), d.sd1i = col_num(c, "sd1i");
    d.m2i = col_num(c, "m2i"), d.sd2i = col_num(c, "sd2i"), d.xi = col_num(c, "xi");
    d.ni = col_num(c, "ni"), d.ri = col_num(c, "ri"), d.yi = col_num(c, "yi");
    d.vi = col_num(c, "vi"), d.sei = col_num(c, "sei");
    return d;
}

/* ---- building the actual JSON ------------------------------------------- */

static json_t *jreal(double x)
{
    if (isnan(x))
        return json_null();
    if (isinf(x))
        return json_string(x > 0 ? "Inf" : "-Inf");
    return json_real(x);
}

static json_t *jarr(const double *x, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, jreal(x[i]));
    return a;
}

static void put(json_t *o, const char *key, double x)
{
    json_object_set_new(o, key, jreal(x));
}

static json_t *mh_json(const ev_rma_mh *f)
{
    json_t *o = json_object(), *e = json_object(), *w = json_array();
    put(o, "k", (double)f->k);
    put(o, "k.yi", (double)f->k_yi);
    put(o, "estimate", f->beta), put(o, "se", f->se), put(o, "zval", f->zval);
    put(o, "pval", f->pval), put(o, "ci.lb", f->ci_lb), put(o, "ci.ub", f->ci_ub);
    put(e, "estimate", exp(f->beta)), put(e, "ci.lb", exp(f->ci_lb));
    put(e, "ci.ub", exp(f->ci_ub));
    json_object_set_new(o, "exp", e);
    put(o, "QE", f->QE), put(o, "QEdf", (double)f->QEdf), put(o, "QEp", f->QEp);
    put(o, "I2", f->I2), put(o, "H2", f->H2);
    put(o, "CO", f->CO), put(o, "COp", f->COp), put(o, "MH", f->MH), put(o, "MHp", f->MHp);
    put(o, "BD", f->BD), put(o, "BDp", f->BDp), put(o, "TA", f->TA), put(o, "TAp", f->TAp);
    json_object_set_new(o, "yi", jarr(f->yi, f->k_all));
    json_object_set_new(o, "vi", jarr(f->vi, f->k_all));
    for (size_t i = 0; i < f->n_warnings; i++)
        json_array_append_new(w, json_string(f->warnings[i]));
    json_object_set_new(o, "warnings", w);
    return o;
}

static json_t *fitstats_json(const ev_rma_fitstats *s)
{
    json_t *o = json_object();
    put(o, "logLik", s->loglik), put(o, "deviance", s->deviance), put(o, "AIC", s->aic);
    put(o, "BIC", s->bic), put(o, "AICc", s->aicc);
    return o;
}

/* The summary of an intercept-only fit, as the golden `model` blocks. */
static json_t *model_json(const ev_rma *f)
{
    json_t *o = json_object(), *fs = json_object();
    put(o, "k", (double)f->k), put(o, "p", (double)f->p);
    put(o, "estimate", f->beta[0]), put(o, "se", f->se[0]);
    put(o, f->stat_is_t ? "tval" : "zval", f->stat[0]);
    put(o, "pval", f->pval[0]), put(o, "ci.lb", f->ci_lb[0]), put(o, "ci.ub", f->ci_ub[0]);
    put(o, "df", f->df), put(o, "s2w", f->s2w);
    put(o, "tau2", f->tau2), put(o, "tau", f->tau), put(o, "se.tau2", f->se_tau2);
    put(o, "QE", f->QE), put(o, "QEdf", (double)f->QEdf), put(o, "QEp", f->QEp);
    put(o, "I2", f->I2), put(o, "H2", f->H2);
    json_object_set_new(fs, "ML", fitstats_json(&f->fit_ml));
    json_object_set_new(fs, "REML", fitstats_json(&f->fit_reml));
    json_object_set_new(o, "fit.stats", fs);
    return o;
}

static json_t *coef_json(const ev_rma *f)
{
    json_t *o = json_object(), *names = json_array();
    for (size_t j = 0; j < f->p; j++)
        json_array_append_new(names, json_string(f->coef_names[j]));
    json_object_set_new(o, "names", names);
    json_object_set_new(o, "estimate", jarr(f->beta, f->p));
    json_object_set_new(o, "se", jarr(f->se, f->p));
    json_object_set_new(o, f->stat_is_t ? "tval" : "zval", jarr(f->stat, f->p));
    json_object_set_new(o, "pval", jarr(f->pval, f->p));
    json_object_set_new(o, "ci.lb", jarr(f->ci_lb, f->p));
    json_object_set_new(o, "ci.ub", jarr(f->ci_ub, f->p));
    return o;
}

static ev_status fit_case(ev_rma **fit, const gcase *c, ev_error *err)
{
    ev_synth_data d = case_data(c);
    ev_escalc *es = NULL;
    ev_status st = ev_escalc_compute(&es, &d, &c->opt, err);
    if (st == EV_OK)
        st = ev_rma_fit_escalc(fit, es, NULL, &c->opt, err);
    ev_escalc_free(es);
    return st;
}

static json_t *regtest_json(const ev_regtest *r)
{
    json_t *o = json_object(), *lim = json_object(), *fit = json_object();
    json_t *co = json_object(), *names = json_array();
    const char *sname = r->stat_is_t ? "tval" : "zval";
    json_object_set_new(o, "model", json_string(r->model == EV_REGTEST_LM ? "lm" : "rma"));
    json_object_set_new(o, "predictor", json_string("sei"));
    put(o, sname, r->stat), put(o, "pval", r->pval), put(o, "df", r->df);
    put(lim, "est", r->est), put(lim, "ci.lb", r->ci_lb), put(lim, "ci.ub", r->ci_ub);
    json_object_set_new(o, "limit_estimate", lim);
    json_array_append_new(names, json_string("intrcpt"));
    json_array_append_new(names, json_string("sei"));
    json_object_set_new(co, "names", names);
    json_object_set_new(co, "estimate", jarr(r->coef, 2));
    json_object_set_new(co, "se", jarr(r->coef_se, 2));
    json_object_set_new(co, sname, jarr(r->coef_stat, 2));
    json_object_set_new(co, "pval", jarr(r->coef_pval, 2));
    json_object_set_new(fit, "coefficients", co);
    put(fit, "tau2", r->tau2), put(fit, "QE", r->QE), put(fit, "QEp", r->QEp);
    put(fit, "residual_sigma", r->residual_sigma);
    json_object_set_new(o, "fit", fit);
    return o;
}

static ev_status run_regtest(json_t *act, const ev_rma *fit, ev_error *err)
{
    ev_regtest r;
    ev_status st = ev_regtest_compute(&r, fit, EV_REGTEST_RMA, err);
    if (st != EV_OK)
        return st;
    json_object_set_new(act, "regtest_rma_sei", regtest_json(&r));
    st = ev_regtest_compute(&r, fit, EV_REGTEST_LM, err);
    if (st != EV_OK)
        return st;
    json_object_set_new(act, "regtest_lm_sei", regtest_json(&r));
    return EV_OK;
}

static ev_status run_trimfill(json_t *act, const gcase *c, const ev_rma *fit, ev_error *err)
{
    const char *es = json_string_value(json_object_get(c->settings, "trimfill_estimator"));
    ev_trimfill_estimator est = es && strcmp(es, "R0") == 0 ? EV_TRIMFILL_R0 : EV_TRIMFILL_L0;
    ev_trimfill *tf = NULL;
    ev_status st = ev_trimfill_run(&tf, fit, est, EV_SIDE_AUTO, err);
    if (st != EV_OK)
        return st;
    json_t *o = model_json(tf->fit), *aug = json_object(), *fill = json_array();
    json_object_set_new(o, "estimator", json_string(est == EV_TRIMFILL_R0 ? "R0" : "L0"));
    json_object_set_new(o, "side", json_string(tf->side == EV_SIDE_LEFT ? "left" : "right"));
    put(o, "k0", (double)tf->k0), put(o, "se.k0", tf->se_k0), put(o, "p.k0", tf->p_k0);
    put(o, "k_total", (double)tf->fit->k);
    json_object_set_new(aug, "yi", jarr(tf->fit->yi, tf->fit->k_all));
    json_object_set_new(aug, "vi", jarr(tf->fit->vi, tf->fit->k_all));
    for (size_t i = 0; i < tf->fit->k_all; i++)
        json_array_append_new(fill, json_boolean(tf->fill[i]));
    json_object_set_new(aug, "fill", fill);
    json_object_set_new(o, "augmented", aug);
    json_object_set_new(act, "trimfill", o);
    ev_trimfill_free(tf);
    return EV_OK;
}

static json_t *sens_json(const ev_sens *s, const gcase *c, const char *idx_key)
{
    json_t *o = json_object();
    const char *const *slab = col_txt(c, "study");
    static const char *keys[] = {"estimate", "se", "stat", "pval", "ci.lb", "ci.ub",
                                 "Q",        "Qp", "tau2", "I2",   "H2"};
    json_t *idx = json_array(), *sl = json_array(), *arrs[11];
    for (size_t j = 0; j < 11; j++)
        arrs[j] = json_array();
    for (size_t i = 0; i < s->n; i++) {
        const ev_sens_row *r = &s->rows[i];
        double v[11] = {r->estimate, r->se, r->stat, r->pval, r->ci_lb, r->ci_ub,
                        r->Q,        r->Qp, r->tau2, r->I2,   r->H2};
        json_array_append_new(idx, json_integer((json_int_t)r->study + 1));
        json_array_append_new(sl, slab ? json_string(slab[r->study]) : json_null());
        for (size_t j = 0; j < 11; j++)
            json_array_append_new(arrs[j], jreal(v[j]));
    }
    json_object_set_new(o, idx_key, idx);
    json_object_set_new(o, "slab", sl);
    for (size_t j = 0; j < 11; j++) {
        const char *key = j == 2 ? (s->stat_is_t ? "tval" : "zval") : keys[j];
        json_object_set_new(o, key, arrs[j]);
    }
    return o;
}

static ev_status run_sens(json_t *act, const gcase *c, const ev_rma *fit, bool cumul,
                          ev_error *err)
{
    ev_sens *s = NULL;
    ev_status st;
    if (cumul) {
        const char *by = json_string_value(json_object_get(c->settings, "cumul_order_by"));
        st = ev_cumul_run(&s, fit, by ? col_num(c, by) : NULL, err);
    } else {
        st = ev_leave1out_run(&s, fit, err);
    }
    if (st != EV_OK)
        return st;
    json_object_set_new(act, cumul ? "cumul" : "leave1out",
                        sens_json(s, c, cumul ? "order" : "omitted"));
    ev_sens_free(s);
    return EV_OK;
}

static json_t *level_json(const ev_subgroup_level *l)
{
    json_t *o = model_json(l->fit), *rows = json_array();
    json_object_set_new(o, "level", json_string(l->level));
    for (size_t i = 0; i < l->n_rows; i++)
        json_array_append_new(rows, json_integer((json_int_t)l->rows[i] + 1));
    json_object_set_new(o, "rows", rows);
    put(o, "pi.lb", l->pred.pi_lb), put(o, "pi.ub", l->pred.pi_ub);
    return o;
}

static json_t *moderator_json(const ev_rma *m)
{
    json_t *o = json_object(), *df = json_array();
    char dist[64];
    put(o, "QM", m->QM), put(o, "QMp", m->QMp);
    json_array_append_new(df, json_integer((json_int_t)m->QMdf1));
    json_array_append_new(df, jreal(m->QMdf2));
    json_object_set_new(o, "QMdf", df);
    snprintf(dist, sizeof dist, "%s", m->QM_is_F ? "F(QMdf[1], QMdf[2])" : "chisq(QMdf[1])");
    json_object_set_new(o, "QM_distribution", json_string(dist));
    put(o, "tau2", m->tau2), put(o, "QE", m->QE), put(o, "QEdf", (double)m->QEdf);
    put(o, "QEp", m->QEp);
    json_object_set_new(o, "coefficients", coef_json(m));
    return o;
}

static ev_status run_subgroup(json_t *act, const gcase *c, ev_error *err)
{
    const char *by = json_string_value(json_object_get(c->settings, "subgroup_by"));
    ev_synth_data d = case_data(c);
    ev_escalc *es = NULL;
    ev_subgroup *sg = NULL;
    ev_status st = ev_escalc_compute(&es, &d, &c->opt, err);
    if (st == EV_OK)
        st = ev_subgroup_run(&sg, es->yi, es->vi, c->k, col_txt(c, by), by, &c->opt, err);
    ev_escalc_free(es);
    if (st != EV_OK)
        return st;
    json_t *levels = json_array(), *tb = json_object();
    for (size_t i = 0; i < sg->n_levels; i++)
        json_array_append_new(levels, level_json(&sg->levels[i]));
    json_object_set_new(act, "overall", model_json(sg->overall));
    json_object_set_new(act, "subgroups", levels);
    put(tb, "Q", sg->Q_between), put(tb, "df", (double)sg->Q_between_df);
    put(tb, "pval", sg->Q_between_p);
    json_object_set_new(act, "test_between_separate_tau2", tb);
    json_object_set_new(act, "test_moderator_common_tau2", moderator_json(sg->moderator));
    ev_subgroup_free(sg);
    return EV_OK;
}

/* Build the actual counterpart of c->expected; NULL with err set on failure. */
static json_t *run_case(const gcase *c, ev_error *err)
{
    json_t *act = json_object();
    ev_status st = EV_OK;
    if (strcmp(c->kind, "rma_mh") == 0 || strcmp(c->kind, "rma_peto") == 0) {
        ev_synth_data d = case_data(c);
        ev_rma_mh *f = NULL;
        json_t *corr = json_object_get(c->settings, "correct");
        st = strcmp(c->kind, "rma_mh") == 0
                 ? ev_rma_mh_fit(&f, &d, &c->opt, corr ? json_is_true(corr) : true, err)
                 : ev_rma_peto_fit(&f, &d, &c->opt, err);
        if (st == EV_OK) {
            json_t *m = mh_json(f);
            json_object_update(act, m);
            json_decref(m);
        }
        ev_rma_mh_free(f);
    } else if (strcmp(c->kind, "subgroup") == 0) {
        st = run_subgroup(act, c, err);
    } else {
        ev_rma *fit = NULL;
        st = fit_case(&fit, c, err);
        if (st == EV_OK) {
            json_object_set_new(act, "model", model_json(fit));
            if (strcmp(c->kind, "regtest") == 0)
                st = run_regtest(act, fit, err);
            else if (strcmp(c->kind, "trimfill") == 0)
                st = run_trimfill(act, c, fit, err);
            else
                st = run_sens(act, c, fit, strcmp(c->kind, "cumul") == 0, err);
        }
        ev_rma_free(fit);
    }
    if (st != EV_OK) {
        json_decref(act);
        return NULL;
    }
    return act;
}

/* ---- comparing ----------------------------------------------------------- */

typedef struct cmpctx {
    const char *id;
    size_t numbers, misses;
    double worst;
    char worst_where[256];
} cmpctx;

static void miss(cmpctx *x, const char *path, const char *fmt, ...) EV_PRINTF(3, 4);
static void miss(cmpctx *x, const char *path, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (x->misses < 12)
        print_message("    MISS %s %s: %s\n", x->id, path, msg);
    x->misses++;
}

static double as_num(json_t *v, bool *ok)
{
    *ok = true;
    if (json_is_number(v))
        return json_number_value(v);
    if (json_is_null(v))
        return NAN;
    const char *s = json_string_value(v);
    if (s && strcmp(s, "Inf") == 0)
        return INFINITY;
    if (s && strcmp(s, "-Inf") == 0)
        return -INFINITY;
    if (s && strcmp(s, "NaN") == 0)
        return NAN;
    *ok = false;
    return NAN;
}

static void cmp_number(cmpctx *x, const char *path, json_t *e, json_t *a)
{
    bool ok1, ok2;
    double ev = as_num(e, &ok1), av = a ? as_num(a, &ok2) : NAN;
    x->numbers++;
    if (a == NULL || !ok2) {
        miss(x, path, "expected %.17g, not produced", ev);
        return;
    }
    if (isnan(ev) || isnan(av) || isinf(ev) || isinf(av)) {
        if (!((isnan(ev) && isnan(av)) || ev == av))
            miss(x, path, "expected %.17g, got %.17g", ev, av);
        return;
    }
    double diff = fabs(av - ev), rel = ev != 0 ? diff / fabs(ev) : diff;
    /* the worst relative deviation among references not near zero */
    if (fabs(ev) > 1e-8 && rel > x->worst) {
        x->worst = rel;
        snprintf(x->worst_where, sizeof x->worst_where, "%s %s", x->id, path);
    }
    if (diff > ABS_TOL && rel > REL_TOL)
        miss(x, path, "expected %.17g, got %.17g (rel %.2e)", ev, av, rel);
}

static void cmp_tree(cmpctx *x, const char *path, json_t *e, json_t *a);

static void cmp_array(cmpctx *x, const char *path, json_t *e, json_t *a)
{
    char sub[256];
    if (!json_is_array(a)) {
        miss(x, path, "array not produced");
        return;
    }
    if (json_array_size(a) != json_array_size(e)) {
        miss(x, path, "length %zu, expected %zu", json_array_size(a), json_array_size(e));
        return;
    }
    for (size_t i = 0; i < json_array_size(e); i++) {
        snprintf(sub, sizeof sub, "%s[%zu]", path, i);
        cmp_tree(x, sub, json_array_get(e, i), json_array_get(a, i));
    }
}

static void cmp_tree(cmpctx *x, const char *path, json_t *e, json_t *a)
{
    char sub[256];
    if (json_is_object(e)) {
        const char *key;
        json_t *v;
        json_object_foreach(e, key, v)
        {
            snprintf(sub, sizeof sub, "%s.%s", path, key);
            cmp_tree(x, sub, v, a ? json_object_get(a, key) : NULL);
        }
    } else if (json_is_array(e)) {
        cmp_array(x, path, e, a);
    } else if (json_is_boolean(e)) {
        if (!json_is_boolean(a) || json_is_true(a) != json_is_true(e))
            miss(x, path, "boolean differs");
    } else if (json_is_string(e) && strcmp(json_string_value(e), "Inf") &&
               strcmp(json_string_value(e), "-Inf") && strcmp(json_string_value(e), "NaN")) {
        if (!json_is_string(a) || strcmp(json_string_value(a), json_string_value(e)) != 0)
            miss(x, path, "expected \"%s\", got \"%s\"", json_string_value(e),
                 json_is_string(a) ? json_string_value(a) : "(none)");
    } else {
        cmp_number(x, path, e, a);
    }
}

/* ---- the walk ------------------------------------------------------------- */

static bool my_kind(const char *kind)
{
    static const char *kinds[] = {"rma_mh",    "rma_peto", "regtest", "trimfill",
                                  "leave1out", "cumul",    "subgroup"};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (kind && strcmp(kind, kinds[i]) == 0)
            return true;
    return false;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t list_cases(char ***out, const char *dir)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    assert_non_null(d);
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    *out = names;
    return n;
}

static void check_one(gstats *g, const char *dir, const char *file)
{
    char path[1024];
    gcase c;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    assert_true(load_case(&c, path));
    if (!my_kind(c.kind)) {
        free_case(&c);
        return;
    }
    ev_error err = EV_ERROR_INIT;
    cmpctx x = {.id = c.id};
    json_t *act = run_case(&c, &err);
    if (act == NULL) {
        print_message("  FAIL %-40s %s: engine error: %s\n", c.id, c.kind, err.message);
        g->misses++;
    } else {
        cmp_tree(&x, "", c.expected, act);
        print_message("  %s %-40s %-9s %4zu numbers, worst rel %.2e\n",
                      x.misses ? "FAIL" : "ok  ", c.id, c.kind, x.numbers, x.worst);
        json_decref(act);
    }
    g->cases++;
    g->numbers += x.numbers;
    g->misses += x.misses;
    if (x.worst > g->worst) {
        g->worst = x.worst;
        snprintf(g->worst_where, sizeof g->worst_where, "%s", x.worst_where);
    }
    free_case(&c);
}

static void golden_bias_cases_match_metafor(void **state)
{
    (void)state;
    const char *dir = EV_SOURCE_DIR "/tests/golden/synth";
    char **files = NULL;
    size_t n = list_cases(&files, dir);
    gstats g = {0};
    for (size_t i = 0; i < n; i++) {
        check_one(&g, dir, files[i]);
        free(files[i]);
    }
    free(files);
    print_message("golden bias: %zu cases, %zu numbers, %zu misses, worst rel %.3e (%s)\n",
                  g.cases, g.numbers, g.misses, g.worst, g.worst_where);
    assert_true(g.cases >= 20);
    assert_int_equal(g.misses, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(golden_bias_cases_match_metafor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
