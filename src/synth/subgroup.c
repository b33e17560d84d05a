/*
 * subgroup.c - subgroup analysis: a fit per level of a grouping variable,
 * the test for subgroup differences with separate tau^2 per subgroup
 * (Cochran's Q of the subgroup estimates under a common-effect model;
 * Borenstein, Hedges, Higgins & Rothstein 2009, ch. 19; RevMan and R's meta
 * do the same), and the mixed-effects moderator test with a common tau^2
 * (rma with the factor as moderator; Viechtbauer 2010, section 3.3).
 */
#include "evident/ev_synth.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void ev_subgroup_free(ev_subgroup *sg)
{
    if (sg == NULL)
        return;
    ev_rma_free(sg->overall);
    ev_rma_free(sg->moderator);
    for (size_t i = 0; i < sg->n_levels; i++) {
        ev_free(sg->levels[i].level);
        ev_free(sg->levels[i].rows);
        ev_rma_free(sg->levels[i].fit);
    }
    ev_free(sg->levels);
    ev_free(sg);
}

/* The distinct non-missing group values, sorted with strcmp (C locale). */
static ev_status find_levels(ev_subgroup *sg, const char *const *group, size_t k)
{
    const char **tmp = ev_calloc(k ? k : 1, sizeof *tmp);
    size_t n = 0, m = 0;
    if (tmp == NULL)
        return EV_ENOMEM;
    for (size_t i = 0; i < k; i++)
        if (group[i] != NULL)
            tmp[n++] = group[i];
    qsort(tmp, n, sizeof *tmp, str_cmp);
    sg->levels = ev_calloc(n ? n : 1, sizeof *sg->levels);
    if (sg->levels == NULL) {
        ev_free(tmp);
        return EV_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(tmp[i], tmp[i - 1]) == 0)
            continue;
        sg->levels[m].level = ev_strdup(tmp[i]);
        if (sg->levels[m++].level == NULL) {
            sg->n_levels = m;
            ev_free(tmp);
            return EV_ENOMEM;
        }
    }
    sg->n_levels = m;
    ev_free(tmp);
    return EV_OK;
}

/* Fit one level on its rows (studies with missing yi/vi are left to the
 * fit, which omits them as metafor's subset= does). */
static ev_status fit_level(ev_subgroup_level *l, const double *yi, const double *vi, size_t k,
                           const char *const *group, const ev_synth_options *opt, ev_error *err)
{
    double *y = ev_calloc(k, sizeof(double)), *v = ev_calloc(k, sizeof(double));
    ev_status st = EV_OK;
    l->rows = ev_calloc(k, sizeof(size_t));
    if (y == NULL || v == NULL || l->rows == NULL) {
        st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < k; i++) {
        if (group[i] == NULL || strcmp(group[i], l->level) != 0)
            continue;
        y[l->n_rows] = yi[i];
        v[l->n_rows] = vi[i];
        l->rows[l->n_rows++] = i;
    }
    ev_error sub = EV_ERROR_INIT;
    st = ev_rma_fit(&l->fit, y, v, l->n_rows, NULL, opt, &sub);
    if (st == EV_OK)
        st = ev_rma_predict(&l->pred, l->fit, NULL, 1, EV_TRANSF_NONE, 0, &sub);
    if (st != EV_OK)
        ev_error_set(err, st, NULL, 0, 0, "subgroup '%s': %s", l->level, sub.message);
done:
    ev_free(y);
    ev_free(v);
    return st;
}

/* Q across the subgroup estimates with weights 1/se^2 (a common-effect
 * model on the subgroup estimates: Borenstein et al. 2009, eq. 19.6). */
static void between_test(ev_subgroup *sg)
{
    double sw = 0, swb = 0, q = 0;
    for (size_t i = 0; i < sg->n_levels; i++) {
        const ev_rma *f = sg->levels[i].fit;
        double w = 1.0 / (f->se[0] * f->se[0]);
        sw += w;
        swb += w * f->beta[0];
    }
    double mean = swb / sw;
    for (size_t i = 0; i < sg->n_levels; i++) {
        const ev_rma *f = sg->levels[i].fit;
        double d = f->beta[0] - mean;
        q += d * d / (f->se[0] * f->se[0]);
    }
    sg->Q_between = q;
    sg->Q_between_df = sg->n_levels - 1;
    sg->Q_between_p = gsl_cdf_chisq_Q(q, (double)sg->Q_between_df);
}

static ev_status moderator_fit(ev_subgroup *sg, const double *yi, const double *vi, size_t k,
                               const char *const *group, const char *name,
                               const ev_synth_options *opt, ev_error *err)
{
    ev_synth_term term = {.name = name ? name : "group", .fac = group};
    ev_synth_design *X = NULL;
    ev_status st = ev_synth_design_new(&X, k, &term, 1, err);
    if (st == EV_OK)
        st = ev_rma_fit(&sg->moderator, yi, vi, k, X, opt, err);
    ev_synth_design_free(X);
    return st;
}

ev_status ev_subgroup_run(ev_subgroup **out, const double *yi, const double *vi, size_t k,
                          const char *const *group, const char *group_name,
                          const ev_synth_options *opt, ev_error *err)
{
    *out = NULL;
    gsl_set_error_handler_off();
    ev_subgroup *sg = ev_calloc(1, sizeof *sg);
    if (sg == NULL)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    ev_status st = ev_rma_fit(&sg->overall, yi, vi, k, NULL, opt, err);
    if (st == EV_OK && find_levels(sg, group, k) != EV_OK)
        st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    if (st == EV_OK && sg->n_levels < 2)
        st = ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                          "subgroups need at least two levels of '%s' (found %zu)",
                          group_name ? group_name : "group", sg->n_levels);
    for (size_t i = 0; st == EV_OK && i < sg->n_levels; i++)
        st = fit_level(&sg->levels[i], yi, vi, k, group, opt, err);
    if (st == EV_OK) {
        between_test(sg);
        st = moderator_fit(sg, yi, vi, k, group, group_name, opt, err);
    }
    if (st != EV_OK) {
        ev_subgroup_free(sg);
        return st;
    }
    *out = sg;
    return EV_OK;
}
