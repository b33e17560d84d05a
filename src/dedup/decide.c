/*
 * decide.c - people's part: list stored pairs, decide one pair same or
 * different, undo a cluster, ask which record a record was merged into.
 * Every change re-clusters and is audited, in one transaction.
 */
#include "dedup_int.h"

#include "review_int.h"

static const char *static_status(const char *s)
{
    static const char *const names[] = {"auto", "pending", "same", "different", "related"};
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i]) == 0)
            return names[i];
    return "pending";
}

ev_status ev_dedup_review_pairs(ev_store *s, const char *status, ev_dedup_pair_fn fn,
                                void *payload, ev_error *err)
{
    ev_stmt *st = NULL;
    ev_status rc = ev__dedup_schema(s, err);
    if (rc == EV_OK)
        rc = ev_stmt_prepare(s, &st,
                             "SELECT id, a, b, score, reasons, status FROM dedup_pairs "
                             "WHERE status = ?1 ORDER BY score DESC, id",
                             err);
    if (rc == EV_OK && ev_stmt_bind_text(st, 1, status, strlen(status)) != EV_OK)
        rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    bool row = false;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        ev_dedup_stored_pair p = {ev_stmt_int(st, 0), ev_stmt_int(st, 1), ev_stmt_int(st, 2),
                                  ev_stmt_double(st, 3), (unsigned)ev_stmt_int(st, 4),
                                  static_status(ev_stmt_text(st, 5))};
        rc = fn(&p, payload);
    }
    ev_stmt_free(st);
    return rc;
}

static ev_status pair_ends(ev_store *s, int64_t pair, ev_id *a, ev_id *b, ev_error *err)
{
    ev_stmt *st = NULL;
    bool row = false;
    ev_status rc = ev_stmt_prepare(s, &st, "SELECT a, b FROM dedup_pairs WHERE id = ?1", err);
    if (rc == EV_OK && ev_stmt_bind_int(st, 1, pair) != EV_OK)
        rc = ev_error_set(err, EV_EINTERNAL, NULL, 0, 0, "cannot bind pair");
    if (rc == EV_OK)
        rc = ev_stmt_step(st, &row, err);
    if (rc == EV_OK && !row)
        rc = ev_error_set(err, EV_ENOTFOUND, NULL, 0, 0, "no pair %lld in '%s'",
                          (long long)pair, ev_store_path(s));
    if (rc == EV_OK) {
        *a = ev_stmt_int(st, 0);
        *b = ev_stmt_int(st, 1);
    }
    ev_stmt_free(st);
    return rc;
}

static ev_status set_status(ev_store *s, const char *sql, int64_t key, const char *actor,
                            ev_error *err)
{
    ev_stmt *st = NULL;
    bool row;
    ev_status rc = ev_stmt_prepare(s, &st, sql, err);
    if (rc == EV_OK && (ev_stmt_bind_int(st, 1, key) != EV_OK ||
                        ev_stmt_bind_text(st, 2, actor, strlen(actor)) != EV_OK))
        rc = ev_error_set(err, EV_EINTERNAL, NULL, 0, 0, "cannot bind decision");
    if (rc == EV_OK)
        rc = ev_stmt_step(st, &row, err);
    ev_stmt_free(st);
    return rc;
}

/* Re-cluster and write membership; with `must_join`, refuse when the two
 * records did not end up together (a DOI/PMID clash). */
static ev_status recluster_checked(ev_store *s, ev_id a, ev_id b, bool must_join, ev_error *err)
{
    ev__dedup_view v = {0};
    ev_status rc = ev__dedup_view_load_light(s, &v, err);
    if (rc == EV_OK)
        rc = ev__dedup_recluster(s, &v, NULL, 0, NULL, err);
    size_t ia, ib;
    if (rc == EV_OK && must_join && ev__dedup_view_index(&v, a, &ia) &&
        ev__dedup_view_index(&v, b, &ib) && v.cluster_of[ia] != v.cluster_of[ib])
        rc = ev_error_set(err, EV_EREFUSED, NULL, 0, 0,
                          "records %lld and %lld cannot be one cluster: their clusters hold "
                          "different DOIs or PMIDs",
                          (long long)a, (long long)b);
    if (rc == EV_OK)
        rc = ev__dedup_write_members(s, &v, err);
    ev__dedup_view_release(&v);
    return rc;
}

static ev_status audit_decision(ev_store *s, const char *actor, const char *action, int64_t key,
                                ev_id a, ev_id b, ev_error *err)
{
    char detail[160];
    if (strcmp(action, "dedup.undo") == 0)
        snprintf(detail, sizeof detail, "{\"cluster\":%lld,\"records\":%lld}",
                 (long long)key, (long long)b);
    else
        snprintf(detail, sizeof detail, "{\"pair\":%lld,\"a\":%lld,\"b\":%lld}",
                 (long long)key, (long long)a, (long long)b);
    return ev_store_audit(s, actor, action, detail, err);
}

ev_status ev_dedup_review_decide(ev_store *s, int64_t pair_id, bool same, const char *actor,
                                 ev_error *err)
{
    ev_id a = 0, b = 0;
    actor = actor ? actor : "user";
    ev_status rc = ev__dedup_schema(s, err);
    if (rc == EV_OK)
        rc = ev_store_begin(s, err);
    if (rc != EV_OK)
        return rc;
    rc = pair_ends(s, pair_id, &a, &b, err);
    if (rc == EV_OK)
        rc = set_status(s,
                        same ? "UPDATE dedup_pairs SET status = 'same', decided_by = ?2, "
                               "decided_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1"
                             : "UPDATE dedup_pairs SET status = 'different', decided_by = ?2, "
                               "decided_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1",
                        pair_id, actor, err);
    if (rc == EV_OK)
        rc = recluster_checked(s, a, b, same, err);
    if (rc == EV_OK)
        rc = audit_decision(s, actor, same ? "dedup.same" : "dedup.different", pair_id, a, b,
                            err);
    if (rc == EV_OK)
        return ev_store_commit(s, err);
    ev_store_rollback(s);
    return rc;
}

static ev_status cluster_size(ev_store *s, ev_id cluster, int64_t *n, ev_error *err)
{
    ev_stmt *st = NULL;
    bool row = false;
    ev_status rc = ev_stmt_prepare(s, &st,
                                   "SELECT count(*) FROM dedup_members WHERE cluster = ?1", err);
    if (rc == EV_OK && ev_stmt_bind_int(st, 1, cluster) != EV_OK)
        rc = ev_error_set(err, EV_EINTERNAL, NULL, 0, 0, "cannot bind cluster");
    if (rc == EV_OK)
        rc = ev_stmt_step(st, &row, err);
    *n = rc == EV_OK && row ? ev_stmt_int(st, 0) : 0;
    ev_stmt_free(st);
    return rc;
}

/* Every automatic or "same" link touching the cluster is cut: links inside
 * it, and links to records outside (those were refused by a DOI/PMID clash
 * and would otherwise take effect now and re-attach a member elsewhere). */
ev_status ev_dedup_review_undo(ev_store *s, ev_id cluster, const char *actor, ev_error *err)
{
    int64_t n = 0;
    actor = actor ? actor : "user";
    ev_status rc = ev__dedup_schema(s, err);
    if (rc == EV_OK)
        rc = ev_store_begin(s, err);
    if (rc != EV_OK)
        return rc;
    rc = cluster_size(s, cluster, &n, err);
    if (rc == EV_OK && n < 2)
        rc = ev_error_set(err, EV_ENOTFOUND, NULL, 0, 0, "no cluster %lld in '%s'",
                          (long long)cluster, ev_store_path(s));
    if (rc == EV_OK)
        rc = set_status(s,
                        "UPDATE dedup_pairs SET status = 'different', decided_by = ?2, "
                        "decided_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') "
                        "WHERE status IN ('auto','same') "
                        "AND (a IN (SELECT record_id FROM dedup_members WHERE cluster = ?1) "
                        "OR b IN (SELECT record_id FROM dedup_members WHERE cluster = ?1))",
                        cluster, actor, err);
    if (rc == EV_OK)
        rc = recluster_checked(s, 0, 0, false, err);
    if (rc == EV_OK)
        rc = audit_decision(s, actor, "dedup.undo", cluster, cluster, n, err);
    if (rc == EV_OK)
        return ev_store_commit(s, err);
    ev_store_rollback(s);
    return rc;
}

ev_status ev_dedup_review_kept(ev_store *s, ev_id record, ev_id *out, ev_error *err)
{
    ev_stmt *st = NULL;
    bool row = false;
    *out = record;
    ev_status rc = ev__dedup_schema(s, err);
    if (rc == EV_OK)
        rc = ev_stmt_prepare(s, &st, "SELECT cluster FROM dedup_members WHERE record_id = ?1",
                             err);
    if (rc == EV_OK && ev_stmt_bind_int(st, 1, record) != EV_OK)
        rc = ev_error_set(err, EV_EINTERNAL, NULL, 0, 0, "cannot bind record");
    if (rc == EV_OK)
        rc = ev_stmt_step(st, &row, err);
    if (rc == EV_OK && row)
        *out = ev_stmt_int(st, 0);
    ev_stmt_free(st);
    return rc;
}

ev_status ev_dedup_review_members(ev_store *s, ev_id cluster, ev_id **out, size_t *n,
                                  ev_error *err)
{
    ev_stmt *st = NULL;
    *out = NULL;
    *n = 0;
    ev_status rc = ev__dedup_schema(s, err);
    if (rc == EV_OK)
        rc = ev_stmt_prepare(s, &st,
                             "SELECT record_id FROM dedup_members WHERE cluster = ?1 "
                             "ORDER BY record_id <> cluster, record_id",
                             err);
    if (rc == EV_OK && ev_stmt_bind_int(st, 1, cluster) != EV_OK)
        rc = ev_error_set(err, EV_EINTERNAL, NULL, 0, 0, "cannot bind cluster");
    if (rc == EV_OK)
        rc = ev__dedup_collect_ids(st, out, n, err);
    ev_stmt_free(st);
    if (rc == EV_OK && *n < 2)
        rc = ev_error_set(err, EV_ENOTFOUND, NULL, 0, 0, "no cluster %lld in '%s'",
                          (long long)cluster, ev_store_path(s));
    if (rc != EV_OK) {
        ev_free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}
