/*
 * dual.c - dual charting: a second reviewer verifies a study charted by
 * another, or two chart it independently and their differences are listed
 * field by field (a "consensus" reviewer then records the agreed values,
 * which collating prefers).
 */
#include "chart_int.h"

#define CONSENSUS "consensus"

ev_status ev_chart_verify(ev_chart *c, const char *study, const char *reviewer, ev_error *err)
{
    ev_stmt *st = NULL;
    bool row = false;
    ev_status rc = ev_stmt_prepare(c->store, &st,
                                   "SELECT count(*) FROM chart_charters WHERE study = ?1 AND"
                                   " reviewer <> ?2 AND reviewer <> '" CONSENSUS "'",
                                   err);
    if (rc == EV_OK && (rc = ev_stmt_bind_text(st, 1, study, strlen(study))) == EV_OK &&
        (rc = ev_stmt_bind_text(st, 2, reviewer, strlen(reviewer))) == EV_OK)
        rc = ev_stmt_step(st, &row, err);
    int64_t others = rc == EV_OK && row ? ev_stmt_int(st, 0) : 0;
    ev_stmt_free(st);
    if (rc == EV_OK && others == 0)
        rc = ev_error_set(err, EV_EREFUSED, NULL, 0, 0,
                          "study '%s' has not been charted by anyone but '%s': a second reviewer "
                          "verifies another's charting",
                          study, reviewer);
    if (rc == EV_OK && (rc = ev_store_begin(c->store, err)) == EV_OK) {
        rc = ev__chart_exec(c,
                            "INSERT OR REPLACE INTO chart_verifications(study, reviewer)"
                            " VALUES(?,?)",
                            "tt", err, study, reviewer);
        if (rc == EV_OK)
            rc = ev_store_audit(c->store, reviewer, "chart.verify", NULL, err);
        rc = rc == EV_OK ? ev_store_commit(c->store, err) : (ev_store_rollback(c->store), rc);
    }
    return rc;
}

void ev_chart_diffs_free(ev_chart_diff *d, size_t n)
{
    for (size_t i = 0; d && i < n; i++) {
        ev_free(d[i].path);
        ev_free(d[i].reviewer_a);
        ev_free(d[i].value_a);
        ev_free(d[i].reviewer_b);
        ev_free(d[i].value_b);
    }
    ev_free(d);
}

static char *dup_or_null(const char *s)
{
    return s ? ev_strdup(s) : NULL;
}

static ev_status add_diff(ev_chart_diff **d, size_t *n, ev_stmt *st, ev_error *err)
{
    ev_chart_diff *g = ev_reallocarray(*d, *n + 1, sizeof **d);
    if (g == NULL)
        return ev__chart_oom(err);
    *d = g;
    ev_chart_diff *x = &g[(*n)++];
    x->path = dup_or_null(ev_stmt_text(st, 0));
    x->reviewer_a = dup_or_null(ev_stmt_text(st, 1));
    x->value_a = dup_or_null(ev_stmt_text(st, 2));
    x->reviewer_b = dup_or_null(ev_stmt_text(st, 3));
    x->value_b = dup_or_null(ev_stmt_text(st, 4));
    if (!x->path || !x->reviewer_a || !x->reviewer_b || (!x->value_a && !ev_stmt_is_null(st, 2)) ||
        (!x->value_b && !ev_stmt_is_null(st, 4)))
        return ev__chart_oom(err);
    return EV_OK;
}

/* Every pair of reviewers (a before b in charting order) and every path
 * either charted, where the two values differ or one is missing. */
static const char diff_sql[] =
    "WITH r AS (SELECT rowid AS k, reviewer FROM chart_charters WHERE study = ?1"
    "           AND reviewer <> '" CONSENSUS "'),"
    " p AS (SELECT DISTINCT path FROM chart_values WHERE study = ?1)"
    " SELECT p.path, a.reviewer, va.value, b.reviewer, vb.value"
    " FROM r a JOIN r b ON a.k < b.k CROSS JOIN p"
    " LEFT JOIN chart_values va ON va.study = ?1 AND va.reviewer = a.reviewer AND va.path = p.path"
    " LEFT JOIN chart_values vb ON vb.study = ?1 AND vb.reviewer = b.reviewer AND vb.path = p.path"
    " WHERE (va.value IS NOT vb.value)"
    " ORDER BY a.k, b.k, p.path";

ev_status ev_chart_diff_study(ev_chart *c, const char *study, ev_chart_diff **out, size_t *n,
                              ev_error *err)
{
    *out = NULL;
    *n = 0;
    ev_stmt *st = NULL;
    bool row = false;
    size_t count = 0;
    ev_status rc =
        ev_stmt_prepare(c->store, &st, "SELECT count(*) FROM chart_studies WHERE id = ?", err);
    if (rc == EV_OK && (rc = ev_stmt_bind_text(st, 1, study, strlen(study))) == EV_OK &&
        (rc = ev_stmt_step(st, &row, err)) == EV_OK)
        count = (size_t)ev_stmt_int(st, 0);
    ev_stmt_free(st);
    st = NULL;
    if (rc == EV_OK && count == 0)
        return ev_error_set(err, EV_ENOTFOUND, NULL, 0, 0, "no charted study '%s'", study);
    if (rc == EV_OK)
        rc = ev_stmt_prepare(c->store, &st, diff_sql, err);
    if (rc == EV_OK)
        rc = ev_stmt_bind_text(st, 1, study, strlen(study));
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row)
        rc = add_diff(out, n, st, err);
    ev_stmt_free(st);
    if (rc != EV_OK) {
        ev_chart_diffs_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void ev__chart_vals_free(ev__chart_val *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        ev_free(v[i].study);
        ev_free(v[i].path);
        json_decref(v[i].value);
    }
    ev_free(v);
}

static const char resolved_sql[] =
    "SELECT v.study, v.path, v.value FROM chart_values v"
    " JOIN chart_charters c ON c.study = v.study AND c.reviewer = v.reviewer"
    " ORDER BY v.study, v.path, (v.reviewer = '" CONSENSUS "') DESC, c.rowid";

static ev_status add_val(ev__chart_val **out, size_t *n, ev_stmt *st, ev_error *err)
{
    const char *study = ev_stmt_text(st, 0), *path = ev_stmt_text(st, 1);
    if (*n > 0 && strcmp((*out)[*n - 1].study, study) == 0 &&
        strcmp((*out)[*n - 1].path, path) == 0)
        return EV_OK; /* a later reviewer's value for a resolved path */
    ev__chart_val *g = ev_reallocarray(*out, *n + 1, sizeof **out);
    if (g == NULL)
        return ev__chart_oom(err);
    *out = g;
    ev__chart_val *v = &g[(*n)++];
    v->study = ev_strdup(study);
    v->path = ev_strdup(path);
    v->value = json_loads(ev_stmt_text(st, 2), JSON_DECODE_ANY, NULL);
    if (!v->study || !v->path)
        return ev__chart_oom(err);
    if (v->value == NULL)
        return ev_error_set(err, EV_EIO, NULL, 0, 0, "stored value of '%s' in '%s' is damaged",
                            path, study);
    return EV_OK;
}

ev_status ev__chart_resolved(ev_chart *c, ev__chart_val **out, size_t *n, ev_error *err)
{
    *out = NULL;
    *n = 0;
    ev_stmt *st = NULL;
    bool row = false;
    ev_status rc = ev_stmt_prepare(c->store, &st, resolved_sql, err);
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row)
        rc = add_val(out, n, st, err);
    ev_stmt_free(st);
    if (rc != EV_OK) {
        ev__chart_vals_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

static const char status_sql[] =
    "SELECT s.id,"
    " coalesce((SELECT group_concat(reviewer, ', ') FROM (SELECT reviewer FROM chart_charters"
    "   WHERE study = s.id ORDER BY rowid)), ''),"
    " coalesce((SELECT group_concat(reviewer, ', ') FROM (SELECT reviewer FROM chart_verifications"
    "   WHERE study = s.id ORDER BY at, reviewer)), ''),"
    " (SELECT count(*) FROM chart_values WHERE study = s.id),"
    " (SELECT count(*) FROM chart_links WHERE study = s.id)"
    " FROM chart_studies s ORDER BY s.rowid";

void ev_chart_status_free(ev_chart_status *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++) {
        ev_free(s[i].study);
        ev_free(s[i].charted_by);
        ev_free(s[i].verified_by);
    }
    ev_free(s);
}

static ev_status add_status(ev_chart_status **out, size_t *n, ev_stmt *st, ev_error *err)
{
    ev_chart_status *g = ev_reallocarray(*out, *n + 1, sizeof **out);
    if (g == NULL)
        return ev__chart_oom(err);
    *out = g;
    ev_chart_status *x = &g[(*n)++];
    x->study = ev_strdup(ev_stmt_text(st, 0));
    x->charted_by = ev_strdup(ev_stmt_text(st, 1));
    x->verified_by = ev_strdup(ev_stmt_text(st, 2));
    x->values = (size_t)ev_stmt_int(st, 3);
    x->records = (size_t)ev_stmt_int(st, 4);
    return x->study && x->charted_by && x->verified_by ? EV_OK : ev__chart_oom(err);
}

ev_status ev_chart_status_list(ev_chart *c, ev_chart_status **out, size_t *n, ev_error *err)
{
    *out = NULL;
    *n = 0;
    ev_stmt *st = NULL;
    bool row = false;
    ev_status rc = ev_stmt_prepare(c->store, &st, status_sql, err);
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row)
        rc = add_status(out, n, st, err);
    ev_stmt_free(st);
    if (rc != EV_OK) {
        ev_chart_status_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}
