/*
 * state.c - where a record stands: which stage it is at, and which records
 * make up a stage's pool (live records not merged away by dedup, then the
 * records included at the stage before).
 */
#include "screen_int.h"

#include "evident/ev_dedup.h"

#include <string.h>

static ev_status check_record(ev_store *s, ev_id record, ev_error *err)
{
    int64_t live = 0;
    ev_status rc = ev__screen_int(s, &live, 0, err,
                                  "SELECT count(*) FROM records WHERE id = ?1 AND deleted = 0", "i",
                                  (int64_t)record);
    if (rc != EV_OK)
        return rc;
    if (!live)
        return ev_error_set(err, EV_ENOTFOUND, NULL, 0, 0, "no record %lld in the review",
                            (long long)record);
    ev_id kept = record;
    rc = ev_dedup_review_kept(s, record, &kept, err);
    if (rc == EV_OK && kept != record)
        return ev_error_set(err, EV_ENOTFOUND, NULL, 0, 0,
                            "record %lld was merged into record %lld by dedup: decide on %lld",
                            (long long)record, (long long)kept, (long long)kept);
    return rc;
}

ev_status ev__screen_record_stage(ev_store *s, const ev__screen_cfg *cfg, ev_id record, int *out,
                                  ev_error *err)
{
    *out = -1;
    ev_status rc = check_record(s, record, err);
    for (size_t i = 0; rc == EV_OK && i < cfg->n_stages; i++) {
        int64_t outcome = -1;
        rc =
            ev__screen_int(s, &outcome, -1, err,
                           "SELECT outcome FROM screen_outcome WHERE record_id = ?1 AND stage = ?2",
                           "it", (int64_t)record, cfg->stages[i]);
        if (rc != EV_OK || outcome == EV_SCREEN_INCLUDE)
            continue;
        if (outcome == -1)
            *out = (int)i;
        return rc; /* not settled here: at this stage; excluded: finished */
    }
    return rc;
}

static ev_status pool_push(ev__screen_pool *p, size_t *cap, ev_id id)
{
    if (p->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 1024;
        ev_id *v = ev_reallocarray(p->ids, ncap, sizeof *v);
        if (!v)
            return EV_ENOMEM;
        p->ids = v;
        *cap = ncap;
    }
    p->ids[p->n++] = id;
    return EV_OK;
}

static bool sorted_has(const ev_id *v, size_t n, ev_id id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] == id)
            return true;
        if (v[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

ev_status ev__screen_pool_load(ev_store *s, const ev__screen_cfg *cfg, int stage,
                               ev__screen_pool *out, ev_error *err)
{
    memset(out, 0, sizeof *out);
    ev_stmt *st = NULL;
    ev_id *merged = NULL;
    size_t n_merged = 0;
    /* merged-away records in one query, not one ev_dedup_review_kept each */
    ev_status rc = ev_dedup_review_merged(s, &merged, &n_merged, err);
    if (rc == EV_OK && stage == 0)
        rc = ev__screen_prepare(s, &st, err, "SELECT id FROM records WHERE deleted = 0 ORDER BY id",
                                "");
    else if (rc == EV_OK)
        rc = ev__screen_prepare(s, &st, err,
                                "SELECT o.record_id FROM screen_outcome o JOIN records r"
                                " ON r.id = o.record_id WHERE o.stage = ?1 AND o.outcome = 1"
                                " AND r.deleted = 0 ORDER BY o.record_id",
                                "t", cfg->stages[stage - 1]);
    bool row = true;
    size_t cap = 0;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        ev_id id = ev_stmt_int(st, 0);
        if (!sorted_has(merged, n_merged, id) && pool_push(out, &cap, id) != EV_OK)
            rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    ev_stmt_free(st);
    ev_free(merged);
    if (rc != EV_OK)
        ev__screen_pool_release(out);
    return rc;
}

void ev__screen_pool_release(ev__screen_pool *p)
{
    ev_free(p->ids);
    p->ids = NULL;
    p->n = 0;
}
