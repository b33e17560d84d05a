/*
 * html_meta.c - the report's meta-analysis and safety sections. Each
 * requested outcome shows its study table (left-out studies with the
 * reason: missing SDs or arms are said, never filled in), the pooled
 * estimate and the forest plot; an outcome that cannot be pooled says why.
 */
#include "report_int.h"

static void num(ev__rep *r, double v, int digits)
{
    if (isnan(v))
        ev__rep_printf(r, "<td>NA</td>");
    else
        ev__rep_printf(r, "<td>%.*f</td>", digits, v);
}

static void study_rows(ev__rep *r, const ev_report_pool *p)
{
    ev__rep_printf(r, "<table><tr><th>Study</th><th>Instrument</th><th>Treatment arm</th>"
                      "<th>Mean</th><th>SD</th><th>n</th><th>Control arm</th><th>Mean</th>"
                      "<th>SD</th><th>n</th><th>Effect</th><th>Weight %%</th><th>Note</th></tr>\n");
    for (size_t i = 0; i < p->nstudies; i++) {
        const ev_report_pool_study *s = &p->studies[i];
        const char *txt[] = {s->label, s->instrument, s->arm1};
        ev__rep_printf(r, "<tr>");
        for (size_t j = 0; j < 3; j++) {
            ev__rep_printf(r, "<td>");
            ev__rep_esc(r, txt[j] ? txt[j] : "—");
            ev__rep_printf(r, "</td>");
        }
        num(r, s->m1, 2), num(r, s->sd1, 2), num(r, s->n1, 0);
        ev__rep_printf(r, "<td>");
        ev__rep_esc(r, s->arm2 ? s->arm2 : "—");
        ev__rep_printf(r, "</td>");
        num(r, s->m2, 2), num(r, s->sd2, 2), num(r, s->n2, 0);
        num(r, s->yi, 3), num(r, s->weight, 1);
        ev__rep_printf(r, "<td>");
        ev__rep_esc(r, s->left_out ? s->left_out : "");
        ev__rep_printf(r, "</td></tr>\n");
    }
    ev__rep_printf(r, "</table>\n");
}

static void one_pool(ev__rep *r, const ev_report_pool *p)
{
    study_rows(r, p);
    ev__rep_printf(r,
                   "<p><b>%s</b> (random effects, %s, k = %zu): <b>%.2f</b> [95%% CI %.2f,"
                   " %.2f], p = %.2g; &tau;&sup2; = %.3f, I&sup2; = %.0f%%, Q(%zu) = %.2f"
                   " (p = %.2g).%s</p>\n",
                   ev_synth_measure_name(p->measure), p->method, p->k, p->est, p->ci_lb, p->ci_ub,
                   p->pval, p->tau2, p->I2, p->QEdf, p->QE, p->QEp,
                   p->harmonised ? " Signs harmonised: a positive value favours the treatment."
                                 : "");
    ev_error e = EV_ERROR_INIT;
    ev__rep_printf(r, "<div class=\"fig\">");
    ev_buf svg;
    ev_buf_init(&svg, EV_BUF_DEFAULT_MAX);
    if (ev_report_pool_forest(p, NULL, &svg, &e) != EV_OK) {
        ev__rep_printf(r, "<p class=\"fail\">");
        ev__rep_esc(r, e.message);
        ev__rep_printf(r, "</p>");
    } else
        ev__rep_svg(r, &svg);
    ev_buf_release(&svg);
    ev__rep_printf(r, "</div>\n");
}

void ev__rep_meta(ev__rep *r)
{
    ev__rep_printf(r, "<h2 id=\"meta\">7. Meta-analyses</h2>\n");
    if (r->opt->noutcomes == 0) {
        ev__rep_none(r, "No outcome was chosen for pooling (evident report --pool).");
        return;
    }
    for (size_t i = 0; i < r->opt->noutcomes; i++) {
        const ev_report_outcome *o = &r->opt->outcomes[i];
        ev__rep_printf(r, "<h3>");
        ev__rep_esc(r, o->instruments);
        ev__rep_printf(r, " at ");
        ev__rep_esc(r, o->timepoint);
        ev__rep_printf(r, ": ");
        ev__rep_esc(r, o->treatment);
        ev__rep_printf(r, " vs ");
        ev__rep_esc(r, o->control);
        ev__rep_printf(r, "</h3>\n");
        if (r->pools[i])
            one_pool(r, r->pools[i]);
        else {
            ev__rep_printf(r, "<p class=\"none\">Not pooled: ");
            ev__rep_esc(r, r->pool_errors[i] ? r->pool_errors[i] : "no charted data");
            ev__rep_printf(r, ".</p>\n");
        }
    }
}

void ev__rep_safety(ev__rep *r)
{
    ev__rep_printf(r, "<h2 id=\"safety\">8. Safety</h2>\n");
    ev_chart_table *t = NULL;
    ev_error e = EV_ERROR_INIT;
    size_t n = 0;
    if (!r->chart || ev_chart_study_count(r->chart, &n, &e) != EV_OK || n == 0 ||
        ev_chart_safety(r->chart, &t, &e) != EV_OK) {
        ev__rep_none(r, "No adverse events are charted in this review.");
        return;
    }
    ev__rep_table(r, t);
}
