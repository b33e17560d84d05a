/*
 * values.c - the resolved charted values of a review as JSON text, for
 * modules above chart (report: pooling from charted data, evidence map)
 * that must not read chart's tables.
 */
#include "chart_int.h"

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
