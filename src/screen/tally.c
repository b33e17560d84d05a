/*
 * tally.c - a process cache of each review's screening tallies for `next`
 * and `queue`: the first stage's pool, every pool record's outcome at each
 * stage, and who decided what (the current decisions).
 *
 * Reading a stage's state from the store (every decision of the stage,
 * grouped by record) cost ~10 ms at 16,000 decisions, on every `next`; with
 * 8 reviewers deciding at once on 2 cores that queued requests for 80 ms.
 * Here the tallies are kept per review file and brought up to date with
 * the rows added since the last call: decisions by id, outcomes by rowid,
 * in one statement (one snapshot) that also counts both tables.
 *
 * Why appending is enough: the screen module only ever inserts decisions
 * and outcomes; a re-decision (and the terminal screener's undo, which is
 * one) inserts the reviewer's new decision and marks the old one not
 * current, so the new row says which one it replaces. Adjudication and the
 * stopping rule insert outcomes. Anything else changes what is checked on
 * every call and reloads everything: a row gone from either table (the
 * counts no longer match the rows seen), an import or a merge (the pool's
 * key: imports, merged records, stage names). Nothing is learnt inside a
 * caller's transaction: rows read there may be rolled back and their ids
 * used again (queue.c then reads the store).
 */
#include "screen_int.h"

#include "evident/ev_dedup.h"

#include <pthread.h>
#include <string.h>

/* One current decision, in a per-record list (index links, -1 ends). */
typedef struct tally_dec {
    int32_t next;
    uint16_t who;
    signed char value;
} tally_dec;

typedef struct tally {
    char *path;
    uint64_t key; /* the pool's: imports, merged records, stage names */
    bool loaded;
    uint64_t epoch, gen, used;
    ev_id *ids; /* the first stage's pool, in id order */
    size_t n, n_stages;
    signed char *outcome; /* [stage * n + i]: -1, 0, 1, 2 automation */
    int32_t *head;        /* [stage * n + i]: first decision or -1 */
    tally_dec *dec;
    size_t n_dec, cap_dec;
    char **who; /* reviewer names, interned */
    size_t n_who, cap_who;
    int64_t last_dec, last_out; /* highest id / rowid seen */
    int64_t seen_dec, seen_out; /* rows seen */
} tally;

#define TALLY_SLOTS 4
#define TALLY_MAX_DEC ((size_t)INT32_MAX)

/* One lock for the slots and their contents: a refresh is a small read. */
static pthread_mutex_t tally_lock = PTHREAD_MUTEX_INITIALIZER;
static tally *slots[TALLY_SLOTS];
static uint64_t tally_clock, tally_version;

static void tally_reset(tally *t)
{
    ev_free(t->ids);
    ev_free(t->outcome);
    ev_free(t->head);
    ev_free(t->dec);
    for (size_t i = 0; i < t->n_who; i++)
        ev_free(t->who[i]);
    ev_free(t->who);
    char *path = t->path;
    uint64_t used = t->used;
    *t = (tally){.path = path, .used = used};
}

static void tally_free(tally *t)
{
    if (!t)
        return;
    tally_reset(t);
    ev_free(t->path);
    ev_free(t);
}

void ev__screen_tally_cache_clear(void)
{
    pthread_mutex_lock(&tally_lock);
    for (size_t i = 0; i < TALLY_SLOTS; i++) {
        tally_free(slots[i]);
        slots[i] = NULL;
    }
    pthread_mutex_unlock(&tally_lock);
}

/* The entry of `path` (made, evicting the least recently used, when
 * missing); NULL when out of memory. Called with tally_lock held. */
static tally *tally_slot(const char *path)
{
    size_t v = 0;
    for (size_t i = 0; i < TALLY_SLOTS; i++) {
        if (slots[i] && strcmp(slots[i]->path, path) == 0) {
            slots[i]->used = ++tally_clock;
            return slots[i];
        }
        if (!slots[i] || (slots[v] && slots[i]->used < slots[v]->used))
            v = i;
    }
    tally *t = ev_calloc(1, sizeof *t);
    char *p = ev_strdup(path);
    if (!t || !p) {
        ev_free(t);
        ev_free(p);
        return NULL;
    }
    tally_free(slots[v]);
    *t = (tally){.path = p, .used = ++tally_clock};
    slots[v] = t;
    return t;
}

/* The interned index of a reviewer's name; -1 when out of memory or full. */
static long who_index(tally *t, const char *name)
{
    for (size_t i = 0; i < t->n_who; i++)
        if (strcmp(t->who[i], name) == 0)
            return (long)i;
    if (t->n_who >= UINT16_MAX)
        return -1;
    if (t->n_who == t->cap_who) {
        size_t cap = t->cap_who ? 2 * t->cap_who : 16;
        char **v = ev_reallocarray(t->who, cap, sizeof *v);
        if (!v)
            return -1;
        t->who = v;
        t->cap_who = cap;
    }
    if (!(t->who[t->n_who] = ev_strdup(name)))
        return -1;
    return (long)t->n_who++;
}

/* The reviewer's decision on one record at one stage: a new one, or the
 * one it replaces (a re-decision). */
static ev_status put_decision(tally *t, size_t cell, uint16_t who, signed char value)
{
    for (int32_t k = t->head[cell]; k >= 0; k = t->dec[k].next)
        if (t->dec[k].who == who) {
            t->dec[k].value = value;
            return EV_OK;
        }
    if (t->n_dec == t->cap_dec) {
        size_t cap = t->cap_dec ? 2 * t->cap_dec : 4096;
        tally_dec *v = cap <= TALLY_MAX_DEC ? ev_reallocarray(t->dec, cap, sizeof *v) : NULL;
        if (!v)
            return EV_ENOMEM;
        t->dec = v;
        t->cap_dec = cap;
    }
    t->dec[t->n_dec] = (tally_dec){.next = t->head[cell], .who = who, .value = value};
    t->head[cell] = (int32_t)t->n_dec++;
    return EV_OK;
}

/* The pool's cell of a (record, stage) pair, or -1 for a record outside
 * the pool or a stage the review no longer has. */
static long cell_of(const tally *t, const ev__screen_cfg *cfg, ev_id record, const char *stage)
{
    int k = ev__screen_stage_index(cfg, stage);
    long i = k < 0 ? -1 : ev__screen_find_id(t->ids, t->n, record);
    return i < 0 ? -1 : (long)((size_t)k * t->n + (size_t)i);
}

/* One row of the refresh query (see refresh): a decision (tag 0), an
 * outcome (tag 1), or both tables' row counts (tag 2). */
static ev_status apply_row(tally *t, const ev__screen_cfg *cfg, ev_stmt *st, int64_t count[2])
{
    int64_t tag = ev_stmt_int(st, 0), id = ev_stmt_int(st, 1);
    if (tag == 2) {
        count[0] = id;
        count[1] = ev_stmt_int(st, 2);
        return EV_OK;
    }
    const char *stage = ev_stmt_text(st, 3);
    long cell = cell_of(t, cfg, ev_stmt_int(st, 2), stage ? stage : "");
    int64_t value = ev_stmt_int(st, 5), flag = ev_stmt_int(st, 6);
    if (tag == 1) {
        t->last_out = id > t->last_out ? id : t->last_out;
        t->seen_out++;
        if (cell >= 0)
            t->outcome[cell] = (signed char)(flag ? 2 : value);
        return EV_OK;
    }
    t->last_dec = id > t->last_dec ? id : t->last_dec;
    t->seen_dec++;
    if (cell < 0 || !flag) /* not current: a later row of this read replaced it */
        return EV_OK;
    const char *name = ev_stmt_text(st, 4);
    long who = who_index(t, name ? name : "");
    if (who < 0)
        return EV_ENOMEM;
    return put_decision(t, (size_t)cell, (uint16_t)who, (signed char)value);
}

#define ADDED                                                                                      \
    "SELECT 0, id, record_id, stage, reviewer, decision, current FROM screen_decision"             \
    " WHERE id > ?1 UNION ALL SELECT 1, rowid, record_id, stage, NULL, outcome,"                   \
    " method = 'automation' FROM screen_outcome WHERE rowid > ?2"

/* Read the rows added since the last refresh and, with `check`, both
 * tables' counts, in one statement so that they come from one snapshot.
 * The order of the rows does not matter (no sort): a snapshot has one
 * current decision per record, stage and reviewer, and one outcome per
 * record and stage.
 * *stale: a row seen before is gone (a count below the rows seen). */
static ev_status refresh(ev_store *s, const ev__screen_cfg *cfg, tally *t, bool check, bool *stale,
                         ev_error *err)
{
    ev_stmt *st = NULL;
    int64_t count[2] = {-1, -1}, dec0 = t->seen_dec, out0 = t->seen_out;
    ev_status rc = ev__screen_prepare(
        s, &st, err,
        check ? ADDED " UNION ALL SELECT 2, (SELECT count(*) FROM screen_decision),"
                      " (SELECT count(*) FROM screen_outcome), NULL, NULL, NULL, NULL"
              : ADDED,
        "ii", t->last_dec, t->last_out);
    bool row = true;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row)
        if (apply_row(t, cfg, st, count) != EV_OK)
            rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    ev_stmt_free(st);
    *stale = check && (count[0] != t->seen_dec || count[1] != t->seen_out);
    if (rc == EV_OK && (t->seen_dec != dec0 || t->seen_out != out0))
        t->gen = ++tally_version;
    return rc;
}

/* Everything from the start: the first stage's pool, then every row. */
static ev_status load_all(ev_store *s, const ev__screen_cfg *cfg, tally *t, ev_error *err)
{
    ev__screen_pool p;
    tally_reset(t);
    ev_status rc = ev__screen_pool_load(s, cfg, 0, true, &p, err);
    if (rc != EV_OK)
        return rc;
    t->ids = p.ids;
    t->n = p.n;
    t->n_stages = cfg->n_stages;
    size_t cells = (t->n ? t->n : 1) * (cfg->n_stages ? cfg->n_stages : 1);
    t->outcome = ev_malloc(cells);
    t->head = ev_reallocarray(NULL, cells, sizeof *t->head);
    if (!t->outcome || !t->head)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    memset(t->outcome, -1, cells);
    memset(t->head, -1, cells * sizeof *t->head);
    bool stale = false;
    rc = refresh(s, cfg, t, true, &stale, err);
    if (rc == EV_OK && stale) /* cannot be: one snapshot */
        rc = ev_error_set(err, EV_EINTERNAL, NULL, 0, 0, "screening rows changed while read");
    t->loaded = rc == EV_OK;
    t->epoch = t->gen = ++tally_version;
    return rc;
}

/* What the cached pool depends on: the imports, the merged records (one
 * query) and the stage names. */
static ev_status pool_key(ev_store *s, const ev__screen_cfg *cfg, uint64_t *out, ev_error *err)
{
    ev_id *merged = NULL;
    size_t n_merged = 0;
    uint64_t h = 0;
    ev_status rc = ev__screen_review_fp(s, &h, err);
    if (rc == EV_OK)
        rc = ev_dedup_review_merged(s, &merged, &n_merged, err);
    h = ev__screen_hash(h, merged, n_merged * sizeof *merged);
    *out = ev__screen_hash(h, cfg->stages, cfg->n_stages * sizeof cfg->stages[0]);
    ev_free(merged);
    return rc;
}

/* Bring the entry up to date: reload when the pool changed or a row went. */
static ev_status tally_update(ev_store *s, const ev__screen_cfg *cfg, tally *t, uint64_t key,
                              ev_error *err)
{
    bool stale = false;
    ev_status rc = EV_OK;
    if (t->loaded && t->key == key && t->n_stages == cfg->n_stages) {
        rc = refresh(s, cfg, t, true, &stale, err);
        if (rc == EV_OK && !stale)
            return EV_OK;
    }
    if (rc == EV_OK)
        rc = load_all(s, cfg, t, err);
    t->key = key;
    if (rc != EV_OK)
        tally_reset(t);
    return rc;
}

/* The stage's view for one viewer, as load_decisions in queue.c reads it:
 * the count of current decisions, whether the viewer made one, and a
 * conflict when the rule's decisions are in and disagree or one is maybe. */
static void view_record(const tally *t, const ev__screen_cfg *cfg, size_t cell, long viewer,
                        ev__screen_state *x, size_t j)
{
    unsigned n = 0;
    signed char lo = 2, hi = 0;
    for (int32_t k = t->head[cell]; k >= 0; k = t->dec[k].next) {
        n++;
        x->mine[j] |= viewer >= 0 && t->dec[k].who == (uint16_t)viewer;
        lo = t->dec[k].value < lo ? t->dec[k].value : lo;
        hi = t->dec[k].value > hi ? t->dec[k].value : hi;
    }
    x->outcome[j] = t->outcome[cell];
    x->n_dec[j] = (unsigned char)(n > 255 ? 255 : n);
    x->conflict[j] = n && x->outcome[j] < 0 && (lo != hi || hi == EV_SCREEN_MAYBE) &&
                     n >= ev__screen_required(cfg, x->pool.ids[j]);
}

/* Stage 0's pool is every pooled record; a later stage's, the records
 * included at the stage before. */
static ev_status view_stage(const tally *t, const ev__screen_cfg *cfg, int stage,
                            const char *viewer, ev__screen_state *x, ev_error *err)
{
    const signed char *prev = stage > 0 ? t->outcome + (size_t)(stage - 1) * t->n : NULL;
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++)
        n += !prev || prev[i] == 1;
    x->pool.ids = ev_malloc((n ? n : 1) * sizeof *x->pool.ids);
    if (!x->pool.ids)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < t->n; i++)
        if (!prev || prev[i] == 1)
            x->pool.ids[x->pool.n++] = t->ids[i];
    ev_status rc = ev__screen_state_alloc(x, err);
    long who = -1;
    for (size_t i = 0; viewer && i < t->n_who && who < 0; i++)
        who = strcmp(t->who[i], viewer) == 0 ? (long)i : -1;
    for (size_t i = 0, j = 0; rc == EV_OK && i < t->n; i++)
        if (!prev || prev[i] == 1)
            view_record(t, cfg, (size_t)stage * t->n + i, who, x, j++);
    x->epoch = t->epoch;
    x->gen = t->gen;
    return rc;
}

ev_status ev__screen_state_cached(ev_store *s, const ev__screen_cfg *cfg, int stage,
                                  const char *viewer, ev__screen_state *x, ev_error *err)
{
    memset(x, 0, sizeof *x);
    const char *path = ev_store_path(s);
    uint64_t key = 0;
    ev_status rc = pool_key(s, cfg, &key, err);
    if (rc != EV_OK)
        return rc;
    pthread_mutex_lock(&tally_lock);
    tally *t = path ? tally_slot(path) : NULL;
    if (!t)
        rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == EV_OK)
        rc = tally_update(s, cfg, t, key, err);
    if (rc == EV_OK)
        rc = view_stage(t, cfg, stage, viewer, x, err);
    pthread_mutex_unlock(&tally_lock);
    if (rc != EV_OK)
        ev__screen_state_release(x);
    return rc;
}

/* No pool key here (two more queries on every decision): rows applied
 * against a pool that has since changed are made good by the reload the
 * next call's key check makes. */
void ev__screen_tally_note(ev_store *s, const ev__screen_cfg *cfg)
{
    /* inside a caller's transaction: its rows may yet be rolled back */
    const char *path = ev_store_in_transaction(s) ? NULL : ev_store_path(s);
    ev_error err = EV_ERROR_INIT;
    pthread_mutex_lock(&tally_lock);
    tally *t = NULL;
    for (size_t i = 0; path && i < TALLY_SLOTS && !t; i++)
        if (slots[i] && strcmp(slots[i]->path, path) == 0)
            t = slots[i];
    bool stale = false;
    if (t && t->loaded && t->n_stages == cfg->n_stages &&
        (refresh(s, cfg, t, false, &stale, &err) != EV_OK || stale))
        tally_reset(t); /* the next call reloads */
    pthread_mutex_unlock(&tally_lock);
}
