/*
 * routes_synth.c - synthesis and the report over the report module: an
 * outcome pooled from the charted data (random-effects model, forest plot
 * as SVG, the result as JSON), and the whole review as one self-contained
 * HTML report to download. Nothing here writes to the review.
 */
#include "server_int.h"

#include "evident/ev_chart.h"
#include "evident/ev_report.h"

/* The outcome from the query: instruments, timepoint, treatment, control,
 * measure, method (decoded into bufs). */
typedef struct outcome_query {
    char instruments[128], timepoint[128], treatment[128], control[128], measure[16], method[16];
    ev_report_outcome o;
} outcome_query;

static ev_status read_outcome(ev__server_ctx *ctx, outcome_query *q)
{
    memset(q, 0, sizeof *q);
    q->o.instruments = ev__server_query(ctx, "instruments", q->instruments, sizeof q->instruments);
    q->o.timepoint = ev__server_query(ctx, "timepoint", q->timepoint, sizeof q->timepoint);
    q->o.treatment = ev__server_query(ctx, "treatment", q->treatment, sizeof q->treatment);
    q->o.control = ev__server_query(ctx, "control", q->control, sizeof q->control);
    q->o.measure = ev__server_query(ctx, "measure", q->measure, sizeof q->measure);
    q->o.method = ev__server_query(ctx, "method", q->method, sizeof q->method);
    if (q->o.measure && !q->o.measure[0])
        q->o.measure = NULL;
    if (q->o.method && !q->o.method[0])
        q->o.method = NULL;
    if (!q->o.instruments || !q->o.timepoint || !q->o.treatment || !q->o.control ||
        !q->o.instruments[0] || !q->o.treatment[0] || !q->o.control[0])
        return ev_error_set(&ctx->err, EV_EUSAGE, NULL, 0, 0,
                            "give instruments, timepoint, treatment and control");
    return EV_OK;
}

/* Pool the outcome of the query; *out is the caller's. */
static ev_status pool(ev__server_ctx *ctx, ev_report_pool **out)
{
    outcome_query q;
    ev_chart *c = NULL;
    ev_status rc = read_outcome(ctx, &q);
    if (rc == EV_OK)
        rc = ev__server_chart(ctx, &c);
    if (rc == EV_OK)
        rc = ev_report_pool_run(out, c, ctx->srv->catalogue, &q.o, &ctx->err);
    return rc;
}

static ev_status get_pool(ev__server_ctx *ctx)
{
    ev_report_pool *p = NULL;
    ev_status rc = pool(ctx, &p);
    ev_buf_clear(&ctx->resp->body);
    if (rc == EV_OK && ev_report_pool_json(p, &ctx->resp->body) != EV_OK)
        rc = ev_error_set(&ctx->err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    ev_report_pool_free(p);
    ctx->resp->content_type = "application/json";
    return rc;
}

static ev_status get_forest(ev__server_ctx *ctx)
{
    ev_report_pool *p = NULL;
    ev_status rc = pool(ctx, &p);
    ev_buf_clear(&ctx->resp->body);
    if (rc == EV_OK)
        rc = ev_report_pool_forest(p, NULL, &ctx->resp->body, &ctx->err);
    ev_report_pool_free(p);
    ctx->resp->content_type = "image/svg+xml";
    return rc;
}

static ev_status get_report(ev__server_ctx *ctx)
{
    ev_report_options opt = {0};
    ev_buf_clear(&ctx->resp->body);
    ev_status rc = ev_report_html(&ctx->resp->body, ctx->conn->store, &opt, &ctx->err);
    ctx->resp->content_type = "text/html; charset=utf-8";
    return rc;
}

const ev__server_route ev__server_routes_synth[] = {
    {"GET", "/api/synthesis/pool", EV__ROLES_ANY, get_pool},
    {"GET", "/api/synthesis/forest.svg", EV__ROLES_ANY, get_forest},
    {"GET", "/api/report.html", EV__ROLES_ANY, get_report},
    {NULL, NULL, 0, NULL},
};
