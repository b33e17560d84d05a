/*
 * routes_chart.c - extraction over the chart module: the review's current
 * form, inline validation of one value (nothing written), charting a value
 * against a form version (a stale version is refused), verifying a study
 * charted by another reviewer (verify mode shows the first charter's values
 * beside the form), the field-by-field differences, and the
 * synthesis tables (study summaries and the pooled safety table).
 */
#include "server_int.h"

#include "evident/ev_chart.h"

#include <string.h>

static ev_status get_form(ev__server_ctx *ctx)
{
    ev_chart *c = NULL;
    char *text = NULL;
    long version = 0;
    ev_status rc = ev__server_chart(ctx, &c);
    if (rc == EV_OK)
        rc = ev_chart_form_text(c, &text, &ctx->err);
    if (rc != EV_OK)
        return rc;
    (void)ev_chart_form_current(c, &version);
    json_t *form = json_loads(text, 0, NULL);
    ev_free(text);
    if (form == NULL)
        return ev_error_set(&ctx->err, EV_EINTERNAL, NULL, 0, 0, "the stored form is not JSON");
    return ev__server_reply_json(
        ctx, 200, json_pack("{s:I,s:o}", "version", (json_int_t)version, "form", form));
}

/* The "value" member as validation wants it: strings as they are, other
 * JSON values as compact JSON text. Caller frees. */
static char *body_value(const ev__server_ctx *ctx)
{
    json_t *v = ctx->body ? json_object_get(ctx->body, "value") : NULL;
    if (v == NULL)
        return NULL;
    if (json_is_string(v))
        return ev_strdup(json_string_value(v));
    char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    char *out = t ? ev_strdup(t) : NULL;
    free(t);
    return out;
}

static ev_status value_args(ev__server_ctx *ctx, const char **path, char **value)
{
    *path = ev__server_body_str(ctx, "path");
    *value = body_value(ctx);
    if (*path == NULL || *value == NULL) {
        ev_free(*value);
        *value = NULL;
        return ev_error_set(&ctx->err, EV_EUSAGE, NULL, 0, 0, "give \"path\" and \"value\"");
    }
    return EV_OK;
}

static ev_status post_validate(ev__server_ctx *ctx)
{
    ev_chart *c = NULL;
    const char *path;
    char *value = NULL, *norm = NULL;
    ev_status rc = value_args(ctx, &path, &value);
    if (rc == EV_OK)
        rc = ev__server_chart(ctx, &c);
    const ev_chart_form *f = c ? ev_chart_form_current(c, NULL) : NULL;
    if (rc == EV_OK && f == NULL)
        rc = ev_error_set(&ctx->err, EV_ENOTFOUND, NULL, 0, 0, "the review has no form yet");
    if (rc == EV_OK)
        rc = ev_chart_validate(&norm, f, ctx->srv->catalogue, path, value, &ctx->err);
    if (rc == EV_OK)
        rc = ev__server_reply_json(ctx, 200, json_pack("{s:b,s:s}", "ok", 1, "value", norm));
    ev_free(value);
    ev_free(norm);
    return rc;
}

static ev_status post_value(ev__server_ctx *ctx)
{
    ev_chart *c = NULL;
    const char *path, *study = ev__server_body_str(ctx, "study");
    char *value = NULL;
    long long version = 0;
    if (study == NULL || !ev__server_body_int(ctx, "form_version", &version) || version <= 0)
        return ev_error_set(&ctx->err, EV_EUSAGE, NULL, 0, 0,
                            "give \"study\", \"path\", \"value\" and \"form_version\"");
    ev_status rc = value_args(ctx, &path, &value);
    if (rc == EV_OK)
        rc = ev__server_chart(ctx, &c);
    if (rc == EV_OK)
        rc = ev_chart_set(c, study, path, value, ctx->session.user, (long)version, &ctx->err);
    ev_free(value);
    if (rc != EV_OK)
        return rc;
    return ev__server_reply_json(ctx, 200, json_pack("{s:b}", "ok", 1));
}

static ev_status post_verify(ev__server_ctx *ctx)
{
    ev_chart *c = NULL;
    ev_status rc = ev__server_chart(ctx, &c);
    if (rc == EV_OK)
        rc = ev_chart_verify(c, ctx->params[0], ctx->session.user, &ctx->err);
    if (rc != EV_OK)
        return rc;
    return ev__server_reply_json(ctx, 200, json_pack("{s:b}", "ok", 1));
}

static ev_status get_diff(ev__server_ctx *ctx)
{
    ev_chart *c = NULL;
    ev_chart_diff *d = NULL;
    size_t n = 0;
    ev_status rc = ev__server_chart(ctx, &c);
    if (rc == EV_OK)
        rc = ev_chart_diff_study(c, ctx->params[0], &d, &n, &ctx->err);
    if (rc != EV_OK)
        return rc;
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_pack("{s:s?,s:s?,s:s?,s:s?,s:s?}", "path", d[i].path,
                                           "reviewer_a", d[i].reviewer_a, "value_a", d[i].value_a,
                                           "reviewer_b", d[i].reviewer_b, "value_b", d[i].value_b));
    ev_chart_diffs_free(d, n);
    return ev__server_reply_json(ctx, 200, json_pack("{s:o}", "differences", a));
}

/* The study's first charter (earliest; "" when none): charted_by lists the
 * charters in order, comma-separated. */
static ev_status first_charter(ev__server_ctx *ctx, ev_chart *c, char *out, size_t cap)
{
    ev_chart_status *st = NULL;
    size_t n = 0;
    bool found = false;
    ev_status rc = ev_chart_status_list(c, &st, &n, &ctx->err);
    for (size_t i = 0; rc == EV_OK && i < n && !found; i++) {
        if (strcmp(st[i].study, ctx->params[0]) != 0)
            continue;
        found = true;
        size_t len = strcspn(st[i].charted_by, ",");
        snprintf(out, cap, "%.*s", (int)(len < cap ? len : cap - 1), st[i].charted_by);
    }
    ev_chart_status_free(st, n);
    if (rc == EV_OK && !found)
        rc = ev_error_set(&ctx->err, EV_ENOTFOUND, NULL, 0, 0, "no charted study '%s'",
                          ctx->params[0]);
    return rc;
}

static ev_status get_first(ev__server_ctx *ctx)
{
    ev_chart *c = NULL;
    ev_chart_value *v = NULL;
    size_t n = 0;
    char who[128] = "";
    ev_status rc = ev__server_chart(ctx, &c);
    if (rc == EV_OK)
        rc = first_charter(ctx, c, who, sizeof who);
    if (rc == EV_OK)
        rc = ev_chart_study_values(c, ctx->params[0], who, &v, &n, &ctx->err);
    if (rc != EV_OK)
        return rc;
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_pack("{s:s,s:s}", "path", v[i].path, "value", v[i].json));
    ev_chart_values_free(v, n);
    return ev__server_reply_json(ctx, 200, json_pack("{s:s,s:o}", "charter", who, "values", a));
}

/* Append one table's JSON (from the chart module) and free it. */
static ev_status put_table(ev_buf *b, ev_chart_table *t, bool *first)
{
    ev_status rc = *first ? EV_OK : ev_buf_putc(b, ',');
    *first = false;
    if (rc == EV_OK)
        rc = ev_chart_table_json(t, b);
    ev_chart_table_free(t);
    return rc;
}

static ev_status get_tables(ev__server_ctx *ctx)
{
    ev_chart *c = NULL;
    ev_chart_table **studies = NULL, *safety = NULL;
    size_t n = 0;
    ev_status rc = ev__server_chart(ctx, &c);
    if (rc == EV_OK)
        rc = ev_chart_studies(c, NULL, &studies, &n, &ctx->err);
    if (rc == EV_OK && ev_chart_safety(c, &safety, NULL) != EV_OK)
        safety = NULL; /* no safety fields in this form */
    ev_buf *b = &ctx->resp->body;
    ev_buf_clear(b);
    bool first = true;
    ev_status w = ev_buf_puts(b, "{\"tables\":[");
    for (size_t i = 0; i < n; i++)
        if (w == EV_OK)
            w = put_table(b, studies[i], &first);
        else
            ev_chart_table_free(studies[i]);
    if (safety && w == EV_OK)
        w = put_table(b, safety, &first);
    else
        ev_chart_table_free(safety);
    if (w == EV_OK)
        w = ev_buf_puts(b, "]}");
    ev_free(studies);
    if (rc == EV_OK && w != EV_OK)
        rc = ev_error_set(&ctx->err, w, NULL, 0, 0, "out of memory");
    ctx->resp->status = 200;
    ctx->resp->content_type = "application/json";
    return rc;
}

#define CHARTERS (EV_ROLE_REVIEWER | EV_ROLE_ADJUDICATOR | EV_ROLE_OWNER)

const ev__server_route ev__server_routes_chart[] = {
    {"GET", "/api/chart/form", EV__ROLES_ANY, get_form},
    {"POST", "/api/chart/validate", CHARTERS, post_validate},
    {"POST", "/api/chart/values", CHARTERS, post_value},
    {"POST", "/api/chart/studies/:id/verify", CHARTERS, post_verify},
    {"GET", "/api/chart/studies/:id/diff", CHARTERS, get_diff},
    {"GET", "/api/chart/studies/:id/first", CHARTERS, get_first},
    {"GET", "/api/chart/tables", EV__ROLES_ANY, get_tables},
    {NULL, NULL, 0, NULL},
};
