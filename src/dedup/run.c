/*
 * run.c - `evident dedup REVIEW`: compare the records no earlier run has
 * seen against every record, store the new pairs (automatic, pending,
 * related), rebuild the clusters and audit every automatic merge, all in one
 * transaction. A dry run does the same work and writes nothing.
 */
#include "dedup_int.h"

#include "review_int.h"

static const char *status_of(ev_dedup_verdict v)
{
    switch (v) {
    case EV_DEDUP_SAME: return "auto";
    case EV_DEDUP_REVIEW: return "pending";
    default: return "related";
    }
}

static ev_status audit_merge(ev_store *s, int64_t pair, ev_id a, ev_id b, double score,
                             ev_error *err)
{
    char detail[160];
    snprintf(detail, sizeof detail, "{\"pair\":%lld,\"a\":%lld,\"b\":%lld,\"score\":%.1f}",
             (long long)pair, (long long)a, (long long)b, score);
    return ev_store_audit(s, "evident", "dedup.merge", detail, err);
}

static ev_status insert_pair(ev_store *s, ev_stmt *st, const ev__dedup_view *v,
                             const ev_dedup_pair *p, int64_t run, ev_error *err)
{
    ev_id a = v->ids[p->a], b = v->ids[p->b];
    const char *status = status_of(p->verdict);
    bool row;
    ev_stmt_reset(st);
    if (ev_stmt_bind_int(st, 1, a) || ev_stmt_bind_int(st, 2, b) ||
        ev_stmt_bind_double(st, 3, p->score) || ev_stmt_bind_int(st, 4, p->reasons) ||
        ev_stmt_bind_text(st, 5, status, strlen(status)) || ev_stmt_bind_int(st, 6, run))
        return ev_error_set(err, EV_EINTERNAL, NULL, 0, 0, "cannot bind pair");
    ev_status rc = ev_stmt_step(st, &row, err);
    if (rc == EV_OK && p->verdict == EV_DEDUP_SAME && ev_store_changes(s) > 0)
        rc = audit_merge(s, ev_store_last_insert_id(s), a, b, p->score, err);
    return rc;
}

static ev_status store_pairs(ev_store *s, const ev__dedup_view *v, int64_t run, ev_error *err)
{
    ev_stmt *st = NULL;
    size_t n;
    const ev_dedup_pair *p = ev_dedup_pairs(v->d, &n);
    ev_status rc = ev_stmt_prepare(s, &st,
                                   "INSERT OR IGNORE INTO dedup_pairs(a, b, score, reasons, "
                                   "status, run) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                   err);
    for (size_t i = 0; rc == EV_OK && i < n; i++)
        rc = insert_pair(s, st, v, &p[i], run, err);
    ev_stmt_free(st);
    return rc;
}

static ev_status mark_seen(ev_store *s, const ev__dedup_view *v, int64_t run, ev_error *err)
{
    ev_stmt *st = NULL;
    /* identifiers refreshed every run: a record may have been updated */
    ev_status rc = ev_stmt_prepare(s, &st,
                                   "INSERT INTO dedup_seen(record_id, run, doi, pmid, completeness) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(record_id) DO UPDATE "
                                   "SET doi = excluded.doi, pmid = excluded.pmid, "
                                   "completeness = excluded.completeness",
                                   err);
    bool row;
    for (size_t i = 0; rc == EV_OK && i < v->n_ids; i++) {
        const ev__dd_rec *r = &v->d->recs[i];
        ev_stmt_reset(st);
        if (ev_stmt_bind_int(st, 1, v->ids[i]) || ev_stmt_bind_int(st, 2, run) ||
            ev_stmt_bind_text(st, 3, r->doi, r->doi ? strlen(r->doi) : 0) ||
            ev_stmt_bind_text(st, 4, r->pmid, r->pmid ? strlen(r->pmid) : 0) ||
            ev_stmt_bind_int(st, 5, r->completeness))
            rc = ev_error_set(err, EV_EINTERNAL, NULL, 0, 0, "cannot bind record");
        else
            rc = ev_stmt_step(st, &row, err);
    }
    ev_stmt_free(st);
    return rc;
}

static ev_status insert_run(ev_store *s, const ev_dedup_config *cfg, const ev__dedup_view *v,
                            int64_t *run, ev_error *err)
{
    ev_stmt *st = NULL;
    size_t n;
    ev_dedup_pairs(v->d, &n);
    bool row;
    ev_status rc = ev_stmt_prepare(s, &st,
                                   "INSERT INTO dedup_runs(auto_merge, review, new_records, "
                                   "pairs) VALUES (?1, ?2, ?3, ?4)",
                                   err);
    if (rc == EV_OK && (ev_stmt_bind_double(st, 1, cfg->auto_merge) ||
                        ev_stmt_bind_double(st, 2, cfg->review) ||
                        ev_stmt_bind_int(st, 3, (int64_t)v->new_records) ||
                        ev_stmt_bind_int(st, 4, (int64_t)n)))
        rc = ev_error_set(err, EV_EINTERNAL, NULL, 0, 0, "cannot bind run");
    if (rc == EV_OK)
        rc = ev_stmt_step(st, &row, err);
    *run = ev_store_last_insert_id(s);
    ev_stmt_free(st);
    return rc;
}

static ev_status audit_run(ev_store *s, const ev__dedup_view *v, int64_t run, ev_error *err)
{
    size_t n;
    ev_dedup_pairs(v->d, &n);
    char detail[200];
    snprintf(detail, sizeof detail, "{\"run\":%lld,\"records\":%zu,\"new_records\":%zu,"
                                    "\"pairs\":%zu}",
             (long long)run, v->n_ids, v->new_records, n);
    return ev_store_audit(s, "evident", "dedup.run", detail, err);
}

static ev_status write_run(ev_store *s, const ev_dedup_config *cfg, ev__dedup_view *v,
                           ev_error *err)
{
    int64_t run = 0;
    ev_status rc = ev_store_begin(s, err);
    if (rc != EV_OK)
        return rc;
    rc = insert_run(s, cfg, v, &run, err);
    if (rc == EV_OK)
        rc = store_pairs(s, v, run, err);
    if (rc == EV_OK)
        rc = mark_seen(s, v, run, err);
    if (rc == EV_OK)
        rc = ev__dedup_recluster(s, v, NULL, 0, NULL, err);
    if (rc == EV_OK)
        rc = ev__dedup_write_members(s, v, err);
    if (rc == EV_OK)
        rc = audit_run(s, v, run, err);
    if (rc == EV_OK)
        return ev_store_commit(s, err);
    ev_store_rollback(s);
    return rc;
}

/* Dry run: cluster with the stored links plus this run's automatic pairs,
 * counting the new pairs on top of the stored ones. */
static ev_status dry_run(ev_store *s, ev__dedup_view *v, ev_dedup_summary *sum, ev_error *err)
{
    size_t n, k = 0;
    const ev_dedup_pair *p = ev_dedup_pairs(v->d, &n);
    ev_dedup_link *extra = ev_calloc(n ? n : 1, sizeof *extra);
    if (extra == NULL)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        sum->auto_pairs += p[i].verdict == EV_DEDUP_SAME;
        sum->pending += p[i].verdict == EV_DEDUP_REVIEW;
        sum->related += p[i].verdict == EV_DEDUP_RELATED;
        if (p[i].verdict == EV_DEDUP_SAME)
            extra[k++] = (ev_dedup_link){p[i].a, p[i].b};
    }
    ev_status rc = ev__dedup_recluster(s, v, extra, k, NULL, err);
    ev_free(extra);
    return rc;
}

ev_status ev_dedup_review_run(ev_store *s, const ev_dedup_config *cfg, bool dry_run_only,
                              ev_progress_fn progress, void *payload, ev_dedup_summary *sum,
                              ev_error *err)
{
    ev_dedup_config c = EV_DEDUP_CONFIG_INIT;
    if (cfg)
        c = *cfg;
    memset(sum, 0, sizeof *sum);
    ev__dedup_view v = {0};
    ev_status rc = ev__dedup_schema(s, err);
    if (rc == EV_OK)
        rc = ev__dedup_view_load(s, &c, &v, err);
    if (rc == EV_OK)
        rc = ev_dedup_find_pairs(v.d, progress, payload, err);
    if (rc == EV_OK)
        rc = dry_run_only ? dry_run(s, &v, sum, err) : write_run(s, &c, &v, err);
    if (rc == EV_OK)
        rc = ev__dedup_summarise(s, &v, sum, err);
    ev__dedup_view_release(&v);
    if (rc != EV_OK)
        ev_dedup_summary_release(sum);
    return rc;
}
