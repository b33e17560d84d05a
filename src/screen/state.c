/*
 * state.c - where a record stands: which stage it is at, and which records
 * make up a stage's pool (live records not merged away by dedup, then the
 * records included at the stage before).
 */
#include "screen_int.h"

#include "evident/ev_dedup.h"

#include <pthread.h>
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

/* Position of id in the sorted array v[0..n), or -1. */
long ev__screen_find_id(const ev_id *v, size_t n, ev_id id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] == id)
            return (long)mid;
        if (v[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

uint64_t ev__screen_hash(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i = 0;
    /* whole words mixed a word at a time: every next hashes its pool's ids
     * (64 KiB at 8,000 records), byte by byte that was 2% of the server */
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, b + i, sizeof w);
        h = ev_mix64(h ^ w);
    }
    return ev_mix64(ev_fnv1a64(h, b + i, n - i)); /* the tail byte-wise */
}

ev_status ev__screen_review_fp(ev_store *s, uint64_t *out, ev_error *err)
{
    const char *path = ev_store_path(s);
    uint64_t h = ev__screen_hash(EV_FNV1A64_INIT, path ? path : "", path ? strlen(path) : 0);
    ev_stmt *st = NULL;
    ev_status rc = ev__screen_prepare(s, &st, err,
                                      "SELECT id, coalesce(sha256, '') || imported_at, records,"
                                      " added, replaced, deleted FROM imports ORDER BY id",
                                      "");
    bool row = true;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        int64_t v[5] = {ev_stmt_int(st, 0), ev_stmt_int(st, 2), ev_stmt_int(st, 3),
                        ev_stmt_int(st, 4), ev_stmt_int(st, 5)};
        const char *t = ev_stmt_text(st, 1);
        h = ev__screen_hash(h, v, sizeof v);
        h = ev__screen_hash(h, t ? t : "", t ? strlen(t) : 0);
    }
    ev_stmt_free(st);
    *out = h;
    return rc;
}

/* The first stage's pool (every live record not merged away) only changes
 * with an import or a merge, yet reading it scans the whole records table
 * (large rows): the last few pools are kept, keyed by a fingerprint. */
#define POOL_SLOTS 4
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    uint64_t key;
    ev_id *ids;
    size_t n;
} pool_slots[POOL_SLOTS];
static size_t pool_next_slot;

static bool pool_cached(uint64_t key, ev__screen_pool *out)
{
    bool hit = false;
    pthread_mutex_lock(&pool_lock);
    for (size_t i = 0; i < POOL_SLOTS && !hit; i++) {
        if (!pool_slots[i].ids || pool_slots[i].key != key)
            continue;
        size_t n = pool_slots[i].n;
        out->ids = ev_malloc((n ? n : 1) * sizeof *out->ids);
        if (out->ids) {
            memcpy(out->ids, pool_slots[i].ids, n * sizeof *out->ids);
            out->n = n;
            hit = true;
        }
    }
    pthread_mutex_unlock(&pool_lock);
    return hit;
}

static void pool_keep(uint64_t key, const ev__screen_pool *p)
{
    ev_id *copy = ev_malloc((p->n ? p->n : 1) * sizeof *copy);
    if (!copy)
        return; /* only a cache */
    if (p->n) /* an empty pool has no ids array */
        memcpy(copy, p->ids, p->n * sizeof *copy);
    pthread_mutex_lock(&pool_lock);
    size_t i = pool_next_slot++ % POOL_SLOTS;
    ev_id *old = pool_slots[i].ids;
    pool_slots[i].key = key;
    pool_slots[i].ids = copy;
    pool_slots[i].n = p->n;
    pthread_mutex_unlock(&pool_lock);
    ev_free(old);
}

void ev__screen_pool_cache_clear(void)
{
    pthread_mutex_lock(&pool_lock);
    for (size_t i = 0; i < POOL_SLOTS; i++) {
        ev_free(pool_slots[i].ids);
        pool_slots[i].ids = NULL;
        pool_slots[i].n = 0;
    }
    pthread_mutex_unlock(&pool_lock);
}

static ev_status pool_query(ev_store *s, const ev__screen_cfg *cfg, int stage, const ev_id *merged,
                            size_t n_merged, ev__screen_pool *out, ev_error *err)
{
    ev_stmt *st = NULL;
    ev_status rc;
    if (stage == 0)
        rc = ev__screen_prepare(s, &st, err, "SELECT id FROM records WHERE deleted = 0 ORDER BY id",
                                "");
    else
        rc = ev__screen_prepare(s, &st, err,
                                "SELECT o.record_id FROM screen_outcome o JOIN records r"
                                " ON r.id = o.record_id WHERE o.stage = ?1 AND o.outcome = 1"
                                " AND r.deleted = 0 ORDER BY o.record_id",
                                "t", cfg->stages[stage - 1]);
    bool row = true;
    size_t cap = 0;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        ev_id id = ev_stmt_int(st, 0);
        if (ev__screen_find_id(merged, n_merged, id) < 0 && pool_push(out, &cap, id) != EV_OK)
            rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    ev_stmt_free(st);
    return rc;
}

ev_status ev__screen_pool_load(ev_store *s, const ev__screen_cfg *cfg, int stage, bool cached,
                               ev__screen_pool *out, ev_error *err)
{
    memset(out, 0, sizeof *out);
    ev_id *merged = NULL;
    size_t n_merged = 0;
    uint64_t key = 0;
    /* merged-away records in one query, not one ev_dedup_review_kept each */
    ev_status rc = ev_dedup_review_merged(s, &merged, &n_merged, err);
    cached = cached && stage == 0;
    if (rc == EV_OK && cached)
        rc = ev__screen_review_fp(s, &key, err);
    key = ev__screen_hash(key, merged, n_merged * sizeof *merged);
    bool hit = rc == EV_OK && cached && pool_cached(key, out);
    if (rc == EV_OK && !hit)
        rc = pool_query(s, cfg, stage, merged, n_merged, out, err);
    if (rc == EV_OK && !hit && cached)
        pool_keep(key, out);
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
