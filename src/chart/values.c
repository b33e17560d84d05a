/*
 * values.c - the resolved charted values of a review as JSON text, for
 * modules above chart (report: pooling from charted data, evidence map)
 * that must not read chart's tables.
 */
#include "chart_int.h"

#include <string.h>

void ev_chart_values_free(ev_chart_value *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        ev_free(v[i].study);
        ev_free(v[i].path);
        ev_free(v[i].json);
    }
    ev_free(v);
}

ev_status ev_chart_values(ev_chart *c, ev_chart_value **out, size_t *n, ev_error *err)
{
    *out = NULL;
    *n = 0;
    ev__chart_val *v = NULL;
    size_t nv = 0;
    ev_status rc = ev__chart_resolved(c, &v, &nv, err);
    ev_chart_value *r = NULL;
    if (rc == EV_OK && nv && (r = ev_calloc(nv, sizeof *r)) == NULL)
        rc = ev__chart_oom(err);
    for (size_t i = 0; rc == EV_OK && i < nv; i++) {
        r[i].study = ev_strdup(v[i].study);
        r[i].path = ev_strdup(v[i].path);
        r[i].json = ev__chart_dump(v[i].value);
        if (!r[i].study || !r[i].path || !r[i].json)
            rc = ev__chart_oom(err);
    }
    ev__chart_vals_free(v, nv);
    if (rc != EV_OK) {
        ev_chart_values_free(r, nv);
        return rc;
    }
    *out = r;
    *n = nv;
    return EV_OK;
}

static ev_status push_value(ev_chart_value **v, size_t *n, size_t *cap, ev_stmt *st,
                            const char *study, ev_error *err)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 16;
        ev_chart_value *g = ev_reallocarray(*v, nc, sizeof *g);
        if (!g)
            return ev__chart_oom(err);
        *v = g;
        *cap = nc;
    }
    ev_chart_value *x = &(*v)[(*n)++];
    x->study = ev_strdup(study);
    x->path = ev_strdup(ev_stmt_text(st, 0));
    x->json = ev_strdup(ev_stmt_text(st, 1));
    return x->study && x->path && x->json ? EV_OK : ev__chart_oom(err);
}

ev_status ev_chart_study_values(ev_chart *c, const char *study, const char *reviewer,
                                ev_chart_value **out, size_t *n, ev_error *err)
{
    *out = NULL;
    *n = 0;
    ev_stmt *st = NULL;
    bool row = true;
    size_t cap = 0;
    ev_status rc = ev__chart_study_exists(c, study, err);
    if (rc == EV_OK)
        rc = ev_stmt_prepare(c->store, &st,
                             "SELECT path, value FROM chart_values WHERE study = ?1"
                             " AND reviewer = ?2 ORDER BY path",
                             err);
    if (rc == EV_OK && (rc = ev_stmt_bind_text(st, 1, study, strlen(study))) == EV_OK)
        rc = ev_stmt_bind_text(st, 2, reviewer, strlen(reviewer));
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row)
        rc = push_value(out, n, &cap, st, study, err);
    ev_stmt_free(st);
    if (rc != EV_OK) {
        ev_chart_values_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}
