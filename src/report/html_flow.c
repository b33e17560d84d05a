/*
 * html_flow.c - the report's flow-of-records and screening-agreement
 * sections. A flow diagram is drawn only when its arithmetic checks
 * (ev_prisma_check); otherwise the failing equation is printed instead.
 */
#include "report_int.h"

#include "evident/ev_screen.h"

static void count_row(ev__rep *r, const char *what, long n)
{
    ev__rep_printf(r, "<tr><td>");
    ev__rep_esc(r, what);
    if (n < 0)
        ev__rep_printf(r, "</td><td>not reported</td></tr>\n");
    else
        ev__rep_printf(r, "</td><td>%ld</td></tr>\n", n);
}

/* The numbers of a flow as a table (what the diagram would show). */
static void flow_table(ev__rep *r, const ev_prisma *p, const char *caption)
{
    ev__rep_printf(r, "<table><caption>");
    ev__rep_esc(r, caption);
    ev__rep_printf(r, "</caption>\n<tr><th>Stage</th><th>Records</th></tr>\n");
    for (size_t i = 0; i < p->ndatabases; i++) {
        char what[256];
        snprintf(what, sizeof what, "Identified from %s", p->databases[i].label);
        count_row(r, what, p->databases[i].n);
    }
    count_row(r, "Duplicates removed", p->duplicates);
    count_row(r, "Records screened", p->screened);
    count_row(r, "Records excluded (by people)", p->excluded_people);
    if (p->excluded_automation > 0)
        count_row(r, "Records excluded (by automation: stopping rule)", p->excluded_automation);
    count_row(r, "Reports sought for retrieval", p->sought);
    count_row(r, "Reports not retrieved", p->not_retrieved);
    count_row(r, "Reports assessed for eligibility", p->assessed);
    for (size_t i = 0; i < p->nreasons; i++) {
        char what[320];
        snprintf(what, sizeof what, "Reports excluded: %s", p->reasons[i].label);
        count_row(r, what, p->reasons[i].n);
    }
    count_row(r, "Studies included", p->studies_included);
    count_row(r, "Reports of included studies", p->reports_included);
    ev__rep_printf(r, "</table>\n");
}

/* Draw when the arithmetic holds; else say loudly which equation fails. */
static void diagram(ev__rep *r, const ev_prisma *p)
{
    ev_error e = EV_ERROR_INIT;
    if (ev_prisma_check(p, &e) != EV_OK) {
        ev__rep_printf(r, "<p class=\"fail\">The numbers do not add up, so no diagram is"
                          " drawn: ");
        ev__rep_esc(r, e.message);
        ev__rep_printf(r, ".</p>\n");
        return;
    }
    ev__rep_printf(r, "<p class=\"ok\">evident's arithmetic check passes (every PRISMA 2020"
                      " equation holds).</p>\n<div class=\"fig\">");
    ev_buf svg;
    ev_buf_init(&svg, EV_BUF_DEFAULT_MAX);
    if (ev_plot_prisma_svg(&svg, p, &e) != EV_OK) {
        ev__rep_printf(r, "</div><p class=\"fail\">The diagram could not be drawn: ");
        ev__rep_esc(r, e.message);
        ev__rep_printf(r, "</p>\n");
    } else {
        ev__rep_svg(r, &svg);
        ev__rep_printf(r, "</div>\n");
    }
    ev_buf_release(&svg);
}

static void review_flow(ev__rep *r)
{
    ev_report_counts c;
    ev_prisma p;
    ev_error e = EV_ERROR_INIT;
    if (ev_report_counts_get(&c, r->s, &e) != EV_OK) {
        ev__rep_printf(r, "<p class=\"fail\">The flow counts could not be read: ");
        ev__rep_esc(r, e.message);
        ev__rep_printf(r, "</p>\n");
    } else if (ev_report_counts_prisma(&p, &c, r->opt->scoping, &e) != EV_OK) {
        ev__rep_printf(r, "<p>The flow diagram of this review cannot be drawn yet: ");
        ev__rep_esc(r, e.message + (strncmp(e.message, "prisma: ", 8) ? 0 : 8));
        ev__rep_printf(r, ". Stages not run in evident: %s%s%s.</p>\n",
                       c.nsources ? "" : "identification (no search results imported), ",
                       c.nsources ? "" : "deduplication, ",
                       c.screening ? "none of screening's counts are final"
                                   : "title/abstract and full-text screening");
    } else {
        flow_table(r, &p, "Flow of records in this review");
        diagram(r, &p);
        if (c.not_retrieved < 0)
            ev__rep_none(r, "evident records no retrieval outcome for full texts: reports not"
                            " retrieved are shown as not reported.");
    }
    ev_report_counts_release(&c);
}

void ev__rep_flow(ev__rep *r)
{
    ev__rep_printf(r, "<h2 id=\"flow\">3. Flow of records (PRISMA 2020%s)</h2>\n",
                   r->opt->scoping ? ", PRISMA-ScR wording" : "");
    review_flow(r);
    for (size_t i = 0; i < r->opt->npublished; i++) {
        const ev_report_flow *f = r->opt->published[i];
        ev__rep_printf(r, "<h3>Flow: ");
        ev__rep_esc(r, f->title);
        ev__rep_printf(r, "</h3>\n");
        flow_table(r, &f->prisma, "Counts as given in the flow file");
        diagram(r, &f->prisma);
    }
}

void ev__rep_agreement(ev__rep *r)
{
    ev__rep_printf(r, "<h2 id=\"agreement\">4. Screening agreement</h2>\n");
    ev_screen_pair_agreement *a = NULL;
    size_t n = 0;
    ev_error e = EV_ERROR_INIT;
    if (ev_screen_agreement_list(r->s, &a, &n, &e) != EV_OK || n == 0) {
        ev__rep_none(r, "No screening decisions are recorded in this review"
                        " (no pair of reviewers decided the same records).");
        ev_free(a);
        return;
    }
    ev__rep_printf(r, "<table><caption>Agreement between reviewers (Cohen's kappa)</caption>\n"
                      "<tr><th>Stage</th><th>Reviewers</th><th>Records</th><th>Observed"
                      " agreement</th><th>Kappa [95%% CI]</th><th>PABAK</th></tr>\n");
    for (size_t i = 0; i < n; i++) {
        const ev_screen_agreement *g = &a[i].agreement;
        uint64_t tot = 0;
        for (int j = 0; j < 9; j++)
            tot += a[i].table[j];
        ev__rep_printf(r, "<tr><td>");
        ev__rep_esc(r, a[i].stage);
        ev__rep_printf(r, "</td><td>");
        ev__rep_esc(r, a[i].reviewer_a);
        ev__rep_printf(r, " &amp; ");
        ev__rep_esc(r, a[i].reviewer_b);
        ev__rep_printf(r,
                       "</td><td>%llu</td><td>%.3f</td><td>%.3f [%.3f, %.3f]</td>"
                       "<td>%.3f</td></tr>\n",
                       (unsigned long long)tot, g->p_observed, g->kappa, g->ci_low, g->ci_high,
                       g->pabak);
    }
    ev__rep_printf(r, "</table>\n");
    ev_free(a);
}
