/*
 * queue.c - the stage-level view of a review: per-record state of a
 * stage's pool, the next record for a reviewer (ranked by the relevance
 * model trained on the settled outcomes), PRISMA counts, and applying the
 * stopping rule (records left unscreened are excluded by automation).
 */
#include "screen_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef ev__screen_state stage_state;

static long pool_find(const ev__screen_pool *p, ev_id id)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->ids[mid] == id)
            return (long)mid;
        if (p->ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

void ev__screen_state_release(ev__screen_state *st)
{
    ev__screen_pool_release(&st->pool);
    ev_free(st->outcome);
    ev_free(st->n_dec);
    ev_free(st->mine);
    ev_free(st->conflict);
    st->outcome = NULL;
    st->n_dec = st->mine = st->conflict = NULL;
}

ev_status ev__screen_state_alloc(ev__screen_state *x, ev_error *err)
{
    size_t n = x->pool.n ? x->pool.n : 1;
    x->outcome = ev_malloc(n);
    x->n_dec = ev_calloc(n, 1);
    x->mine = ev_calloc(n, 1);
    x->conflict = ev_calloc(n, 1);
    if (!x->outcome || !x->n_dec || !x->mine || !x->conflict)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    memset(x->outcome, -1, n);
    return EV_OK;
}

static ev_status load_outcomes(ev_store *s, const char *stage, stage_state *x, ev_error *err)
{
    ev_stmt *st = NULL;
    ev_status rc = ev__screen_prepare(s, &st, err,
                                      "SELECT record_id, outcome, method = 'automation' FROM"
                                      " screen_outcome WHERE stage = ?1",
                                      "t", stage);
    bool row = true;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        long i = pool_find(&x->pool, ev_stmt_int(st, 0));
        if (i >= 0)
            x->outcome[i] = (signed char)(ev_stmt_int(st, 2) ? 2 : ev_stmt_int(st, 1));
    }
    ev_stmt_free(st);
    return rc;
}

static ev_status load_decisions(ev_store *s, const ev__screen_cfg *cfg, const char *stage,
                                const char *viewer, stage_state *x, ev_error *err)
{
    ev_stmt *st = NULL;
    ev_status rc = ev__screen_prepare(s, &st, err,
                                      "SELECT record_id, count(*), sum(reviewer = ?2),"
                                      " min(decision) <> max(decision) OR max(decision) = 2"
                                      " FROM screen_decision WHERE stage = ?1 AND current = 1"
                                      " GROUP BY record_id",
                                      "tt", stage, viewer ? viewer : "");
    bool row = true;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        ev_id id = ev_stmt_int(st, 0);
        long i = pool_find(&x->pool, id);
        if (i < 0)
            continue;
        int64_t n = ev_stmt_int(st, 1);
        x->n_dec[i] = (unsigned char)(n > 255 ? 255 : n);
        x->mine[i] = ev_stmt_int(st, 2) > 0;
        x->conflict[i] =
            x->outcome[i] < 0 && ev_stmt_int(st, 3) && n >= (int64_t)ev__screen_required(cfg, id);
    }
    ev_stmt_free(st);
    return rc;
}

/* cached: from the process cache of the review's tallies (tally.c); only
 * the reviewer-facing paths (next, queue) use it, so one-off reads
 * (summary, stop, progress) read the store and leave nothing behind. The
 * cache is kept by the file's path, and learns nothing inside a caller's
 * transaction (its writes may yet be rolled back). */
static ev_status state_load(ev_store *s, const ev__screen_cfg *cfg, int stage, const char *viewer,
                            bool cached, stage_state *x, ev_error *err)
{
    if (cached && ev_store_path(s) && !ev_store_in_transaction(s))
        return ev__screen_state_cached(s, cfg, stage, viewer, x, err);
    memset(x, 0, sizeof *x);
    ev_status rc = ev__screen_pool_load(s, cfg, stage, false, &x->pool, err);
    if (rc != EV_OK)
        return rc;
    rc = ev__screen_state_alloc(x, err);
    if (rc == EV_OK)
        rc = load_outcomes(s, cfg->stages[stage], x, err);
    if (rc == EV_OK)
        rc = load_decisions(s, cfg, cfg->stages[stage], viewer, x, err);
    if (rc != EV_OK)
        ev__screen_state_release(x);
    return rc;
}

/* ---- next ------------------------------------------------------------------ */

static ev_status load_texts(ev_store *s, const ev__screen_pool *p, char **texts, ev_error *err)
{
    ev_stmt *st = NULL;
    ev_status rc =
        ev__screen_prepare(s, &st, err, "SELECT rowid, title, abstract FROM records_fts", "");
    bool row = true;
    ev_buf b;
    ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        long i = pool_find(p, ev_stmt_int(st, 0));
        if (i < 0 || texts[i])
            continue;
        ev_buf_clear(&b);
        const char *t = ev_stmt_text(st, 1), *a = ev_stmt_text(st, 2);
        if (ev_buf_puts(&b, t ? t : "") != EV_OK || ev_buf_putc(&b, ' ') != EV_OK ||
            ev_buf_puts(&b, a ? a : "") != EV_OK || !(texts[i] = ev_buf_detach(&b)))
            rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    ev_buf_release(&b);
    ev_stmt_free(st);
    return rc;
}

static bool is_candidate(const ev__screen_cfg *cfg, const stage_state *x, size_t i)
{
    return x->outcome[i] < 0 && !x->mine[i] &&
           x->n_dec[i] < ev__screen_required(cfg, x->pool.ids[i]);
}

/* What the stage's TF-IDF matrix depends on: the review's record texts
 * (ev__screen_review_fp) and the ids in the pool (merges, deletions, stage
 * moves). */
static ev_status pool_fingerprint(ev_store *s, const ev__screen_pool *p, int stage, uint64_t *out,
                                  ev_error *err)
{
    uint64_t h = 0;
    ev_status rc = ev__screen_review_fp(s, &h, err);
    h = ev__screen_hash(h, &stage, sizeof stage);
    *out = ev__screen_hash(h, p->ids, p->n * sizeof *p->ids);
    return rc;
}

static ev_status build_corpus(ev_store *s, const ev__screen_pool *p, uint64_t key,
                              ev__screen_corpus_ref **out, ev_error *err)
{
    size_t n = p->n;
    char **texts = ev_calloc(n, sizeof *texts);
    ev_screen_corpus *c = NULL;
    ev_status rc = texts ? load_texts(s, p, texts, err)
                         : ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    ev_screen_corpus_options co = EV_SCREEN_CORPUS_OPTIONS_INIT;
    if (rc == EV_OK)
        rc = ev_screen_corpus_new(&c, (const char *const *)texts, n, &co, err);
    for (size_t i = 0; texts && i < n; i++)
        ev_free(texts[i]);
    ev_free(texts);
    if (rc == EV_OK && (*out = ev__screen_cache_put(key, c)) == NULL)
        rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    return rc;
}

/* The stage's TF-IDF matrix: from the cache, or built once and cached. */
static ev_status pool_corpus(ev_store *s, const ev__screen_pool *p, int stage,
                             ev__screen_corpus_ref **out, ev_error *err)
{
    uint64_t key = 0;
    ev_status rc = pool_fingerprint(s, p, stage, &key, err);
    if (rc != EV_OK || (*out = ev__screen_cache_get(key)) != NULL)
        return rc;
    ev__screen_cache_build_begin();
    if ((*out = ev__screen_cache_get(key)) == NULL) /* built while we waited? */
        rc = build_corpus(s, p, key, out, err);
    ev__screen_cache_build_end();
    return rc;
}

/* Score every pool record with the review's model trained on the settled
 * outcomes at this stage (automation exclusions are not evidence). The
 * matrix and the ranker come from the cache: only the outcomes settled
 * since the last call are labelled before the retrain. */
static ev_status rank_pool(ev_store *s, const ev__screen_cfg *cfg, int stage, const stage_state *x,
                           double *scores, ev_error *err)
{
    ev__screen_corpus_ref *ref = NULL;
    ev_screen_model_options mo = EV_SCREEN_MODEL_OPTIONS_INIT;
    mo.kind = cfg->model;
    signed char *want = ev_malloc(x->pool.n ? x->pool.n : 1);
    ev_status rc = want ? pool_corpus(s, &x->pool, stage, &ref, err)
                        : ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; rc == EV_OK && i < x->pool.n; i++)
        want[i] = x->outcome[i] == 0 || x->outcome[i] == 1 ? x->outcome[i] : -1;
    if (rc == EV_OK)
        rc = ev__screen_cache_rank(ref, &mo, want, x->epoch, x->gen, scores, err);
    ev__screen_cache_release(ref);
    ev_free(want);
    return rc;
}

static size_t pick_random(const ev__screen_cfg *cfg, const stage_state *x, ev_rng *rng,
                          size_t n_cand)
{
    size_t k = (size_t)ev_rng_below(rng, n_cand);
    for (size_t i = 0; i < x->pool.n; i++)
        if (is_candidate(cfg, x, i) && k-- == 0)
            return i;
    return SIZE_MAX;
}

static ev_status next_in_stage(ev_store *s, const ev__screen_cfg *cfg, int stage,
                               const char *reviewer, ev_id *out, double *score, ev_error *err)
{
    stage_state x;
    ev_status rc = state_load(s, cfg, stage, reviewer, true, &x, err);
    if (rc != EV_OK)
        return rc;
    size_t n_cand = 0, n_inc = 0, n_exc = 0;
    for (size_t i = 0; i < x.pool.n; i++) {
        n_cand += is_candidate(cfg, &x, i);
        n_inc += x.outcome[i] == 1;
        n_exc += x.outcome[i] == 0;
    }
    ev_rng rng;
    /* a different draw after every decision, reproducible for a given state */
    ev_rng_seed(&rng, ev_mix64(n_cand) ^ ev_mix64(n_inc * 7919 + n_exc));
    size_t best = SIZE_MAX;
    if (n_cand && (!n_inc || !n_exc || ev_rng_unit(&rng) < cfg->random_fraction)) {
        best = pick_random(cfg, &x, &rng, n_cand);
    } else if (n_cand) {
        double *sc = ev_calloc(x.pool.n, sizeof *sc);
        rc = sc ? rank_pool(s, cfg, stage, &x, sc, err)
                : ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t i = 0; rc == EV_OK && i < x.pool.n; i++)
            if (is_candidate(cfg, &x, i) && (best == SIZE_MAX || sc[i] > sc[best]))
                best = i;
        if (rc == EV_OK && best != SIZE_MAX && score)
            *score = sc[best];
        ev_free(sc);
    }
    if (rc == EV_OK && best != SIZE_MAX)
        *out = x.pool.ids[best];
    ev__screen_state_release(&x);
    return rc;
}

ev_status ev_screen_next(ev_store *s, const char *reviewer, const char *stage, ev_id *out,
                         double *out_score, ev_error *err)
{
    ev__screen_cfg cfg;
    int only = -1;
    *out = 0;
    if (out_score)
        *out_score = NAN;
    ev_status rc = ev__screen_load_reviewer(s, reviewer, &cfg, err);
    if (rc == EV_OK)
        rc = ev__screen_stage_arg(&cfg, stage, -1, &only, err);
    for (size_t i = 0; rc == EV_OK && i < cfg.n_stages && *out == 0; i++)
        if (only < 0 || (size_t)only == i)
            rc = next_in_stage(s, &cfg, (int)i, reviewer, out, out_score, err);
    return rc;
}

ev_status ev_screen_cache_warm(ev_store *s, ev_error *err)
{
    ev__screen_cfg cfg;
    ev_status rc = ev__screen_load(s, &cfg, err);
    for (size_t i = 0; rc == EV_OK && i < cfg.n_stages; i++) {
        stage_state x;
        if ((rc = state_load(s, &cfg, (int)i, NULL, true, &x, err)) != EV_OK)
            break;
        bool inc = false, exc = false;
        for (size_t j = 0; j < x.pool.n; j++) {
            inc |= x.outcome[j] == 1;
            exc |= x.outcome[j] == 0;
        }
        /* next ranks here, or will once the first stage has both labels
         * (the records do not change with decisions): build the matrix and
         * train on what is settled */
        bool ranks = (inc && exc) || (i == 0 && x.pool.n > 0);
        double *sc = ranks ? ev_calloc(x.pool.n, sizeof *sc) : NULL;
        if (ranks)
            rc = sc ? rank_pool(s, &cfg, (int)i, &x, sc, err)
                    : ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
        ev_free(sc);
        ev__screen_state_release(&x);
    }
    return rc;
}

/* The candidates of one stage, in id order. */
static ev_status queue_stage(ev_store *s, const ev__screen_cfg *cfg, int stage,
                             const char *reviewer, ev_id **out, size_t *n, ev_error *err)
{
    stage_state x;
    ev_status rc = state_load(s, cfg, stage, reviewer, true, &x, err);
    if (rc != EV_OK)
        return rc;
    *out = ev_calloc(x.pool.n ? x.pool.n : 1, sizeof **out);
    if (!*out)
        rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; rc == EV_OK && i < x.pool.n; i++)
        if (is_candidate(cfg, &x, i))
            (*out)[(*n)++] = x.pool.ids[i];
    ev__screen_state_release(&x);
    return rc;
}

ev_status ev_screen_queue(ev_store *s, const char *reviewer, const char *stage, ev_id **out,
                          size_t *n, char *stage_out, ev_error *err)
{
    ev__screen_cfg cfg;
    int only = -1;
    *out = NULL;
    *n = 0;
    ev_status rc = ev__screen_load_reviewer(s, reviewer, &cfg, err);
    if (rc == EV_OK)
        rc = ev__screen_stage_arg(&cfg, stage, -1, &only, err);
    for (size_t i = 0; rc == EV_OK && i < cfg.n_stages && *n == 0; i++) {
        if (only >= 0 && (size_t)only != i)
            continue;
        ev_free(*out);
        *out = NULL;
        rc = queue_stage(s, &cfg, (int)i, reviewer, out, n, err);
        if (stage_out)
            snprintf(stage_out, 8, "%s", cfg.stages[i]);
    }
    if (rc != EV_OK) {
        ev_free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* ---- summary and stopping ----------------------------------------------------- */

/* Settled outcomes at a stage in settlement order, automation left out. */
static ev_status settled_sequence(ev_store *s, const char *stage, bool **out, size_t *n,
                                  ev_error *err)
{
    ev_stmt *st = NULL;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    ev_status rc = ev__screen_prepare(s, &st, err,
                                      "SELECT outcome FROM screen_outcome WHERE stage = ?1 AND"
                                      " method <> 'automation' ORDER BY rowid",
                                      "t", stage);
    bool row = true;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            bool *v = ev_reallocarray(*out, cap, sizeof *v);
            if (!v) {
                rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            *out = v;
        }
        (*out)[(*n)++] = ev_stmt_int(st, 0) == 1;
    }
    ev_stmt_free(st);
    return rc;
}

static ev_status stage_reasons(ev_store *s, const char *stage, char **out, ev_error *err)
{
    ev_stmt *st = NULL;
    ev_status rc = ev__screen_prepare(
        s, &st, err,
        "SELECT coalesce(o.reason, (SELECT d.reason FROM screen_decision d WHERE"
        " d.record_id = o.record_id AND d.stage = o.stage AND d.current = 1 AND d.decision = 0"
        " AND d.reason IS NOT NULL ORDER BY d.id LIMIT 1), 'no reason given') AS why, count(*)"
        " FROM screen_outcome o WHERE o.stage = ?1 AND o.outcome = 0 AND"
        " o.method <> 'automation' GROUP BY why ORDER BY count(*) DESC, why",
        "t", stage);
    ev_buf b;
    ev_buf_init(&b, 1 << 20);
    bool row = true;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row)
        if (ev_buf_printf(&b, "%s%s=%lld", b.len ? "; " : "", ev_stmt_text(st, 0),
                          (long long)ev_stmt_int(st, 1)) != EV_OK)
            rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    ev_stmt_free(st);
    *out = rc == EV_OK && b.len ? ev_buf_detach(&b) : NULL;
    ev_buf_release(&b);
    return rc;
}

static ev_status summarise_stage(ev_store *s, const ev__screen_cfg *cfg, int stage,
                                 ev_screen_stage_summary *o, ev_error *err)
{
    stage_state x;
    memset(o, 0, sizeof *o);
    snprintf(o->stage, sizeof o->stage, "%s", cfg->stages[stage]);
    ev_status rc = state_load(s, cfg, stage, NULL, false, &x, err);
    if (rc != EV_OK)
        return rc;
    o->records = x.pool.n;
    for (size_t i = 0; i < x.pool.n; i++) {
        o->included += x.outcome[i] == 1;
        o->excluded += x.outcome[i] == 0;
        o->automation += x.outcome[i] == 2;
        o->conflicts += x.conflict[i];
    }
    o->pending = o->records - o->included - o->excluded - o->automation - o->conflicts;
    bool *seq = NULL;
    size_t n = 0;
    rc = settled_sequence(s, cfg->stages[stage], &seq, &n, err);
    if (rc == EV_OK && x.pool.n >= n)
        rc = ev_screen_stop_hypergeometric(&o->stop, seq, n, x.pool.n - o->automation, 0.95, 0.95,
                                           err);
    o->trailing_exclusions = ev_screen_trailing_exclusions(seq, n);
    if (rc == EV_OK)
        rc = stage_reasons(s, cfg->stages[stage], &o->reasons, err);
    ev_free(seq);
    ev__screen_state_release(&x);
    return rc;
}

void ev_screen_summary_free(ev_screen_stage_summary *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++)
        ev_free(rows[i].reasons);
    ev_free(rows);
}

ev_status ev_screen_summary(ev_store *s, ev_screen_stage_summary **out, size_t *n, ev_error *err)
{
    ev__screen_cfg cfg;
    *out = NULL;
    *n = 0;
    ev_status rc = ev__screen_load(s, &cfg, err);
    if (rc != EV_OK)
        return rc;
    *out = ev_calloc(cfg.n_stages, sizeof **out);
    if (!*out)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; rc == EV_OK && i < cfg.n_stages; i++) {
        rc = summarise_stage(s, &cfg, (int)i, &(*out)[i], err);
        *n = i + 1;
    }
    if (rc != EV_OK) {
        ev_screen_summary_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

static ev_status exclude_rest(ev_store *s, const char *stage, const stage_state *x, int64_t stop_id,
                              const char *owner, uint64_t *count, ev_error *err)
{
    ev_status rc = EV_OK;
    for (size_t i = 0; rc == EV_OK && i < x->pool.n; i++) {
        if (x->outcome[i] >= 0 || x->n_dec[i] > 0)
            continue; /* settled, or screened by someone: people finish those */
        rc = ev__screen_exec(s, err,
                             "INSERT INTO screen_outcome(record_id, stage, outcome, method,"
                             " settled_by, reason, stop_id) VALUES (?1, ?2, 0, 'automation', ?3,"
                             " 'stopping rule', ?4)",
                             "itti", (int64_t)x->pool.ids[i], stage, owner, stop_id);
        (*count)++;
    }
    return rc;
}

static ev_status record_stop(ev_store *s, const char *stage, const ev_screen_stop_result *r,
                             double target, double confidence, const char *owner,
                             const stage_state *x, uint64_t *count, ev_error *err)
{
    char params[128];
    snprintf(params, sizeof params, "{\"recall_target\":%.4g,\"confidence\":%.4g}", target,
             confidence);
    ev_status rc = ev__screen_exec(
        s, err,
        "INSERT INTO screen_stop(stage, rule, params, p, recall_estimate, screened, found,"
        " total, applied_by) VALUES (?1, 'hypergeometric (Callaghan & Mueller-Hansen 2020)', ?2,"
        " ?3, ?4, ?5, ?6, ?7, ?8)",
        "ttddiiit", stage, params, r->p, r->recall_estimate, (int64_t)r->screened,
        (int64_t)r->found, (int64_t)r->total, owner);
    int64_t id = ev_store_last_insert_id(s);
    if (rc == EV_OK)
        rc = exclude_rest(s, stage, x, id, owner, count, err);
    if (rc == EV_OK)
        rc = ev__screen_exec(s, err, "UPDATE screen_stop SET excluded = ?1 WHERE id = ?2", "ii",
                             (int64_t)*count, id);
    char detail[256];
    snprintf(detail, sizeof detail,
             "{\"stage\":\"%s\",\"p\":%.6g,\"recall_estimate\":%.6g,"
             "\"excluded\":%llu}",
             stage, r->p, r->recall_estimate, (unsigned long long)*count);
    if (rc == EV_OK)
        rc = ev_store_audit(s, owner, "screen.stop", detail, err);
    return rc;
}

static ev_status stop_stage(ev_store *s, const ev__screen_cfg *cfg, int at, const char *owner,
                            double target, double conf, bool force, ev_screen_stop_result *res,
                            uint64_t *count, ev_error *err)
{
    stage_state x;
    bool *seq = NULL;
    size_t n = 0;
    ev_status rc = state_load(s, cfg, at, NULL, false, &x, err);
    if (rc != EV_OK)
        return rc;
    rc = settled_sequence(s, cfg->stages[at], &seq, &n, err);
    uint64_t autom = 0;
    for (size_t i = 0; i < x.pool.n; i++)
        autom += x.outcome[i] == 2;
    if (rc == EV_OK)
        rc = ev_screen_stop_hypergeometric(res, seq, n, x.pool.n - autom, target, conf, err);
    if (rc == EV_OK && !res->stop && !force)
        rc = ev_error_set(err, EV_EREFUSED, NULL, 0, 0,
                          "the stopping rule says go on: p = %.3g for recall >= %g (needs < %g); "
                          "%zu of %zu screened, %zu included",
                          res->p, target, 1 - conf, res->screened, res->total, res->found);
    if (rc == EV_OK && (rc = ev_store_begin(s, err)) == EV_OK) {
        rc = record_stop(s, cfg->stages[at], res, target, conf, owner, &x, count, err);
        if (rc == EV_OK)
            rc = ev_store_commit(s, err);
        else
            ev_store_rollback(s);
    }
    ev_free(seq);
    ev__screen_state_release(&x);
    return rc;
}

ev_status ev_screen_stop(ev_store *s, const char *stage, const char *owner, double recall_target,
                         double confidence, bool force, ev_screen_stop_result *out,
                         uint64_t *n_excluded, ev_error *err)
{
    ev__screen_cfg cfg;
    unsigned roles = 0;
    ev_screen_stop_result res = {0};
    uint64_t count = 0;
    ev_status rc = ev__screen_load(s, &cfg, err);
    if (rc == EV_OK)
        rc = ev__screen_roles(s, owner, &roles, err);
    if (rc == EV_OK && !(roles & EV__ROLE_OWNER))
        return ev_error_set(err, EV_EREFUSED, NULL, 0, 0,
                            "'%s' is not the review's owner: only the owner applies a stopping "
                            "rule",
                            owner ? owner : "");
    int at = 0;
    if (rc == EV_OK)
        rc = ev__screen_stage_arg(&cfg, stage, 0, &at, err);
    if (rc == EV_OK)
        rc = stop_stage(s, &cfg, at, owner, recall_target, confidence, force, &res, &count, err);
    if (out)
        *out = res;
    if (n_excluded)
        *n_excluded = count;
    return rc;
}

/* ---- progress per reviewer ---------------------------------------------------- */

static ev_status reviewer_counts(ev_store *s, const ev__screen_cfg *cfg, int stage,
                                 ev_screen_reviewer_row *o, ev_error *err)
{
    ev_stmt *st = NULL;
    ev_status rc = ev__screen_prepare(s, &st, err,
                                      "SELECT decision, count(*) FROM screen_decision WHERE"
                                      " stage = ?1 AND reviewer = ?2 AND current = 1"
                                      " GROUP BY decision",
                                      "tt", cfg->stages[stage], o->reviewer);
    bool row = true;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        uint64_t c = (uint64_t)ev_stmt_int(st, 1);
        int64_t d = ev_stmt_int(st, 0);
        o->decided += c;
        if (d == EV_SCREEN_INCLUDE)
            o->included += c;
        else if (d == EV_SCREEN_EXCLUDE)
            o->excluded += c;
        else
            o->maybe += c;
    }
    ev_stmt_free(st);
    stage_state x;
    if (rc == EV_OK)
        rc = state_load(s, cfg, stage, o->reviewer, false, &x, err);
    if (rc != EV_OK)
        return rc;
    for (size_t i = 0; i < x.pool.n; i++)
        o->todo += is_candidate(cfg, &x, i);
    ev__screen_state_release(&x);
    return rc;
}

static ev_status reviewer_names(ev_store *s, char (**out)[64], size_t *n, ev_error *err)
{
    ev_stmt *st = NULL;
    size_t cap = 0;
    ev_status rc = ev__screen_prepare(s, &st, err,
                                      "SELECT name FROM screen_person WHERE roles & ?1"
                                      " ORDER BY name",
                                      "i", (int64_t)EV__ROLE_REVIEWER);
    bool row = true;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 8;
            char(*g)[64] = ev_reallocarray(*out, cap, sizeof **out);
            if (!g) {
                rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            *out = g;
        }
        const char *name = ev_stmt_text(st, 0);
        snprintf((*out)[(*n)++], 64, "%s", name ? name : "");
    }
    ev_stmt_free(st);
    return rc;
}

ev_status ev_screen_reviewer_progress(ev_store *s, ev_screen_reviewer_row **out, size_t *n,
                                      ev_error *err)
{
    ev__screen_cfg cfg;
    char(*names)[64] = NULL;
    size_t nn = 0;
    *out = NULL;
    *n = 0;
    ev_status rc = ev__screen_load(s, &cfg, err);
    if (rc == EV_OK)
        rc = reviewer_names(s, &names, &nn, err);
    if (rc == EV_OK && nn && !(*out = ev_calloc(cfg.n_stages * nn, sizeof **out)))
        rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; rc == EV_OK && i < cfg.n_stages; i++)
        for (size_t j = 0; rc == EV_OK && j < nn; j++) {
            ev_screen_reviewer_row *o = &(*out)[(*n)++];
            snprintf(o->stage, sizeof o->stage, "%s", cfg.stages[i]);
            snprintf(o->reviewer, sizeof o->reviewer, "%s", names[j]);
            rc = reviewer_counts(s, &cfg, (int)i, o, err);
        }
    ev_free(names);
    if (rc != EV_OK) {
        ev_free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}
