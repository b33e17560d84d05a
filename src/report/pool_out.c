/*
 * pool_out.c - a pooled outcome as a forest plot (through the plot module)
 * and as JSON.
 */
#include "report_int.h"

/* z_{0.975}: study CIs in the forest plot are Wald 95% intervals, as
 * metafor's forest() draws them. */
#define Z975 1.959963984540054

static void favours(ev_forest *f, const ev_report_pool *p, char *left, char *right, size_t n)
{
    /* positive = treatment better, unless one MD instrument where lower is better */
    bool pos_treat =
        p->measure == EV_MEASURE_SMD ? (p->harmonised || p->higher_better) : p->higher_better;
    snprintf(left, n, "Favours %s", pos_treat ? "control" : "treatment");
    snprintf(right, n, "Favours %s", pos_treat ? "treatment" : "control");
    f->favours_left = left;
    f->favours_right = right;
}

ev_status ev_report_pool_forest(const ev_report_pool *p, const char *path, ev_buf *svg,
                                ev_error *err)
{
    ev_forest_study *st = ev_calloc(p->nstudies ? p->nstudies : 1, sizeof *st);
    if (st == NULL)
        return ev__report_oom(err);
    size_t k = 0;
    for (size_t i = 0; i < p->nstudies; i++) {
        const ev_report_pool_study *s = &p->studies[i];
        if (s->left_out)
            continue;
        double h = Z975 * sqrt(s->vi);
        st[k++] = (ev_forest_study){s->label, s->yi, s->yi - h, s->yi + h, s->weight, NULL};
    }
    ev_forest_group g = {NULL, st, k, NULL};
    ev_forest_pooled pooled;
    ev_forest_pooled_init(&pooled);
    pooled.label = "Random-effects model";
    pooled.est = p->est, pooled.ci_lb = p->ci_lb, pooled.ci_ub = p->ci_ub;
    pooled.pi_lb = p->pi_lb, pooled.pi_ub = p->pi_ub;
    pooled.tau2 = p->tau2, pooled.i2 = p->I2, pooled.q = p->QE, pooled.q_df = (double)p->QEdf;
    pooled.q_p = p->QEp, pooled.z = p->zval, pooled.z_p = p->pval;
    ev_forest f;
    ev_forest_init(&f);
    char left[128], right[128];
    f.groups = &g;
    f.ngroups = 1;
    f.overall = &pooled;
    f.xlabel = p->measure == EV_MEASURE_MD ? "Mean Difference" : "Standardized Mean Difference";
    favours(&f, p, left, right, sizeof left);
    ev_status rc = path ? ev_plot_forest(&f, path, err) : ev_plot_forest_svg(svg, &f, err);
    ev_free(st);
    return rc;
}

static ev_status jstr(ev_buf *b, const char *s)
{
    if (s == NULL)
        return ev_buf_puts(b, "null");
    ev_status rc = ev_buf_putc(b, '"');
    for (; rc == EV_OK && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            rc = ev_buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            rc = ev_buf_printf(b, "\\u%04x", c);
        else
            rc = ev_buf_putc(b, (char)c);
    }
    return rc == EV_OK ? ev_buf_putc(b, '"') : rc;
}

static ev_status jnum(ev_buf *b, const char *key, double v)
{
    if (isnan(v) || isinf(v))
        return ev_buf_printf(b, ",\"%s\":null", key);
    return ev_buf_printf(b, ",\"%s\":%.10g", key, v);
}

static ev_status study_json(ev_buf *b, const ev_report_pool_study *s)
{
    ev_status rc = ev_buf_puts(b, "{\"study\":");
    if (rc == EV_OK)
        rc = jstr(b, s->study);
    if (rc == EV_OK)
        rc = ev_buf_puts(b, ",\"label\":");
    if (rc == EV_OK)
        rc = jstr(b, s->label);
    if (rc == EV_OK)
        rc = ev_buf_puts(b, ",\"instrument\":");
    if (rc == EV_OK)
        rc = jstr(b, s->instrument);
    if (rc == EV_OK)
        rc = ev_buf_puts(b, ",\"arm1\":");
    if (rc == EV_OK)
        rc = jstr(b, s->arm1);
    if (rc == EV_OK)
        rc = ev_buf_puts(b, ",\"arm2\":");
    if (rc == EV_OK)
        rc = jstr(b, s->arm2);
    const double v[] = {s->m1, s->sd1, s->n1, s->m2, s->sd2, s->n2, s->yi, s->vi, s->weight};
    static const char *const k[] = {"m1i", "sd1i", "n1i", "m2i",   "sd2i",
                                    "n2i", "yi",   "vi",  "weight"};
    for (size_t i = 0; rc == EV_OK && i < 9; i++)
        rc = jnum(b, k[i], v[i]);
    if (rc == EV_OK)
        rc = ev_buf_puts(b, ",\"left_out\":");
    if (rc == EV_OK)
        rc = jstr(b, s->left_out);
    return rc == EV_OK ? ev_buf_putc(b, '}') : rc;
}

ev_status ev_report_pool_json(const ev_report_pool *p, ev_buf *b)
{
    ev_status rc = ev_buf_puts(b, "{\"outcome\":");
    if (rc == EV_OK)
        rc = jstr(b, p->title);
    if (rc == EV_OK)
        rc = ev_buf_puts(b, ",\"measure\":");
    if (rc == EV_OK)
        rc = jstr(b, ev_synth_measure_name(p->measure));
    if (rc == EV_OK)
        rc = ev_buf_puts(b, ",\"method\":");
    if (rc == EV_OK)
        rc = jstr(b, p->method);
    if (rc == EV_OK)
        rc = ev_buf_printf(b, ",\"harmonised\":%s,\"k\":%zu", p->harmonised ? "true" : "false",
                           p->k);
    const double v[] = {p->est,  p->se, p->ci_lb, p->ci_ub, p->pi_lb, p->pi_ub,
                        p->tau2, p->I2, p->QE,    p->QEp,   p->zval,  p->pval};
    static const char *const k[] = {"estimate", "se", "ci_lb", "ci_ub", "pi_lb", "pi_ub",
                                    "tau2",     "I2", "QE",    "QEp",   "zval",  "pval"};
    for (size_t i = 0; rc == EV_OK && i < 12; i++)
        rc = jnum(b, k[i], v[i]);
    if (rc == EV_OK)
        rc = ev_buf_printf(b, ",\"QEdf\":%zu,\"studies\":[", p->QEdf);
    for (size_t i = 0; rc == EV_OK && i < p->nstudies; i++)
        rc = i ? ev_buf_putc(b, ',') : EV_OK, rc = rc == EV_OK ? study_json(b, &p->studies[i]) : rc;
    return rc == EV_OK ? ev_buf_puts(b, "]}") : rc;
}
