/*
 * routes_dash.c - the dashboard: records, progress per stage, conflicts to
 * settle, progress per reviewer (counts only; a reviewer sees only their
 * own row, the blinding rule), agreement (Cohen's kappa per pair of reviewers, from the screen
 * module), and the live PRISMA 2020 flow diagram: counts from the report
 * module (the same numbers as the report), drawn by the plot module.
 */
#include "server_int.h"

#include "evident/ev_plot.h"
#include "evident/ev_report.h"
#include "evident/ev_screen.h"

#include <string.h>

static json_t *num_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *stages_json(const ev_screen_stage_summary *st, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(
            a, json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "stage", st[i].stage, "records",
                         (json_int_t)st[i].records, "included", (json_int_t)st[i].included,
                         "excluded", (json_int_t)st[i].excluded, "automation",
                         (json_int_t)st[i].automation, "conflicts", (json_int_t)st[i].conflicts,
                         "pending", (json_int_t)st[i].pending, "reasons",
                         st[i].reasons ? json_string(st[i].reasons) : json_null()));
    return a;
}

static json_t *agreement_json(const ev_screen_pair_agreement *p, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        const ev_screen_agreement *g = &p[i].agreement;
        json_array_append_new(
            a, json_pack("{s:s,s:s,s:s,s:I,s:o,s:o,s:o,s:o,s:o}", "stage", p[i].stage, "reviewer_a",
                         p[i].reviewer_a, "reviewer_b", p[i].reviewer_b, "n", (json_int_t)g->n,
                         "kappa", num_or_null(g->kappa), "ci_low", num_or_null(g->ci_low),
                         "ci_high", num_or_null(g->ci_high), "p_observed",
                         num_or_null(g->p_observed), "pabak", num_or_null(g->pabak)));
    }
    return a;
}

static json_t *reviewers_json(const ev__server_ctx *ctx, const ev_screen_reviewer_row *r, size_t n)
{
    json_t *a = json_array();
    bool all = ctx->session.role != EV_ROLE_REVIEWER;
    for (size_t i = 0; a && i < n; i++) {
        if (!all && strcmp(r[i].reviewer, ctx->session.user) != 0)
            continue;
        json_array_append_new(
            a, json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I}", "stage", r[i].stage, "reviewer",
                         r[i].reviewer, "decided", (json_int_t)r[i].decided, "included",
                         (json_int_t)r[i].included, "excluded", (json_int_t)r[i].excluded,
                         "maybe", (json_int_t)r[i].maybe, "todo", (json_int_t)r[i].todo));
    }
    return a;
}

static ev_status get_dashboard(ev__server_ctx *ctx)
{
    ev_store *s = ctx->conn->store;
    ev_store_stats stats;
    ev_screen_stage_summary *st = NULL;
    ev_screen_pair_agreement *ag = NULL;
    ev_screen_reviewer_row *rv = NULL;
    size_t nst = 0, nag = 0, nrv = 0;
    ev_status rc = ev_store_stats_get(s, &stats, &ctx->err);
    if (rc == EV_OK)
        rc = ev_screen_summary(s, &st, &nst, &ctx->err);
    if (rc == EV_OK)
        rc = ev_screen_agreement_list(s, &ag, &nag, &ctx->err);
    if (rc == EV_OK)
        rc = ev_screen_reviewer_progress(s, &rv, &nrv, &ctx->err);
    if (rc == EV_OK)
        rc = ev__server_reply_json(
            ctx, 200,
            json_pack("{s:I,s:I,s:o,s:o,s:o,s:s,s:s}", "records", (json_int_t)stats.records,
                      "imports", (json_int_t)stats.imports, "stages", stages_json(st, nst),
                      "reviewers", reviewers_json(ctx, rv, nrv), "agreement",
                      agreement_json(ag, nag), "user", ctx->session.user, "role",
                      ev_server_role_name(ctx->session.role)));
    ev_screen_summary_free(st, nst);
    ev_free(ag);
    ev_free(rv);
    return rc;
}

/* A live diagram while screening is under way: the report module refuses to
 * draw an unfinished flow, so the counts of unfinished stages are left "not
 * reported" (depth 1 keeps title/abstract screening, 0 only identification)
 * and the template's equations still hold for what is drawn. */
static void partial_prisma(ev_prisma *p, const ev_report_counts *c, int depth)
{
    ev_prisma_init(p);
    p->databases = c->sources;
    p->ndatabases = c->nsources;
    p->duplicates = c->duplicates;
    if (depth < 1 || !c->screening)
        return;
    p->screened = c->screened;
    if (c->pending_screen == 0) {
        p->excluded_people = c->excluded_people;
        p->excluded_automation = c->excluded_automation;
    }
}

static ev_status get_prisma(ev__server_ctx *ctx)
{
    ev_report_counts c;
    ev_prisma p;
    ev_status rc = ev_report_counts_get(&c, ctx->conn->store, &ctx->err);
    if (rc == EV_OK && ev_report_counts_prisma(&p, &c, false, NULL) != EV_OK) {
        for (int depth = 1; depth >= 0; depth--) {
            partial_prisma(&p, &c, depth);
            if (ev_prisma_check(&p, NULL) == EV_OK)
                break;
        }
    }
    ev_buf_clear(&ctx->resp->body);
    if (rc == EV_OK)
        rc = ev_plot_prisma_svg(&ctx->resp->body, &p, &ctx->err);
    if (rc == EV_OK)
        ctx->resp->content_type = "image/svg+xml";
    ev_report_counts_release(&c);
    return rc;
}

const ev__server_route ev__server_routes_dash[] = {
    {"GET", "/api/dashboard", EV__ROLES_ANY, get_dashboard},
    {"GET", "/api/prisma.svg", EV__ROLES_ANY, get_prisma},
    {NULL, NULL, 0, NULL},
};
