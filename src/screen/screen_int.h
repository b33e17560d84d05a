/*
 * screen_int.h - what the files of the screen module share: the sparse
 * TF-IDF matrix layout, the PRNG, and the store helpers of the workflow.
 */
#ifndef EV_SCREEN_INT_H
#define EV_SCREEN_INT_H

#include "evident/ev_screen.h"

/* CSR matrix: row i has entries [row_ptr[i], row_ptr[i+1]) of col/val. */
struct ev_screen_corpus {
    size_t rows, cols;
    size_t *row_ptr;
    uint32_t *col;
    float *val;
};


/* ---- store helpers (sql.c) ---- */

/* Prepare `sql` and bind its parameters from `types`, one letter each:
 * 'i' int64_t, 'd' double, 't' const char * (NULL binds NULL). */
ev_status ev__screen_prepare(ev_store *s, ev_stmt **out, ev_error *err, const char *sql,
                             const char *types, ...);
/* The same, stepped once and freed (INSERT, UPDATE, DELETE). */
ev_status ev__screen_exec(ev_store *s, ev_error *err, const char *sql, const char *types, ...);
/* One integer from a query (dflt when there is no row). */
ev_status ev__screen_int(ev_store *s, int64_t *out, int64_t dflt, ev_error *err, const char *sql,
                         const char *types, ...);

/* ---- configuration (review.c) ---- */

#define EV__SCREEN_MAX_STAGES 8

enum { EV__ROLE_REVIEWER = 1, EV__ROLE_ADJUDICATOR = 2, EV__ROLE_OWNER = 4 };

typedef struct ev__screen_cfg {
    char stages[EV__SCREEN_MAX_STAGES][8];
    size_t n_stages;
    int rule;
    double dual_fraction, random_fraction;
    bool self_adjudication;
    ev_screen_model_kind model;
} ev__screen_cfg;

/* Create/upgrade the tables and load the configuration (EV_EUSAGE when the
 * review has no screening setup). */
ev_status ev__screen_load(ev_store *s, ev__screen_cfg *cfg, ev_error *err);
ev_status ev__screen_schema(ev_store *s, ev_error *err);
/* Role flags of a person (0 when unknown). */
ev_status ev__screen_roles(ev_store *s, const char *name, unsigned *out, ev_error *err);
/* Independent decisions the rule asks of this record: 1 or 2. */
unsigned ev__screen_required(const ev__screen_cfg *cfg, ev_id record);
/* Index of a stage name, or -1. */
int ev__screen_stage_index(const ev__screen_cfg *cfg, const char *name);
/* Index of an optional stage argument: dflt for NULL, EV_EUSAGE naming an
 * unknown stage. */
ev_status ev__screen_stage_arg(const ev__screen_cfg *cfg, const char *name, int dflt, int *out,
                               ev_error *err);
/* ev__screen_load for a reviewer's call: EV_EREFUSED when `reviewer` is not
 * one of the review's reviewers. */
ev_status ev__screen_load_reviewer(ev_store *s, const char *reviewer, ev__screen_cfg *cfg,
                                   ev_error *err);

/* ---- record state (state.c) ---- */

/* The stage a record is at (index), -1 when it is finished (excluded
 * somewhere or included at the last stage). EV_ENOTFOUND for a record that
 * does not exist, is deleted, or was merged into another. */
ev_status ev__screen_record_stage(ev_store *s, const ev__screen_cfg *cfg, ev_id record, int *out,
                                  ev_error *err);

/* The records at a stage, in id order: for the first stage every live record
 * not merged away, later the records included at the stage before. */
typedef struct ev__screen_pool {
    ev_id *ids;
    size_t n;
} ev__screen_pool;

/* Free the cached pools (ev_screen_cache_clear). */
void ev__screen_pool_cache_clear(void);
/* Hash n bytes into h (splitmix per 8-byte word, FNV-1a for the rest). */
uint64_t ev__screen_hash(uint64_t h, const void *p, size_t n);
/* Position of id in the sorted array v[0..n), or -1 (state.c). */
long ev__screen_find_id(const ev_id *v, size_t n, ev_id id);
/* A fingerprint of the review's records: its file's path and its imports
 * (records arrive, change and are deleted only through an import). */
ev_status ev__screen_review_fp(ev_store *s, uint64_t *out, ev_error *err);

/* cached: the first stage's pool may come from a process-wide cache (kept
 * by fingerprint: ev__screen_review_fp and the merged records) and is put
 * there; the cache's copy stays allocated. */
ev_status ev__screen_pool_load(ev_store *s, const ev__screen_cfg *cfg, int stage, bool cached,
                               ev__screen_pool *out, ev_error *err);
void ev__screen_pool_release(ev__screen_pool *p);

/* ---- a stage's state (queue.c fresh from the store, tally.c cached) ---- */

/* Each pool record at one stage. epoch and gen say which version of the
 * cached tallies it was built from (0: read fresh from the store): within
 * one epoch a later gen only adds or changes outcomes, never removes one. */
typedef struct ev__screen_state {
    ev__screen_pool pool;
    signed char *outcome; /* -1 none, 0/1 settled by people, 2 automation */
    unsigned char *n_dec; /* current decisions */
    unsigned char *mine;  /* decided by the viewer */
    unsigned char *conflict;
    uint64_t epoch, gen;
} ev__screen_state;

/* Allocate the per-record arrays for x->pool.n records (outcome -1, the
 * rest 0). */
ev_status ev__screen_state_alloc(ev__screen_state *x, ev_error *err);
void ev__screen_state_release(ev__screen_state *x);

/* The state of `stage` for `viewer` from the process cache of the review's
 * tallies (tally.c), brought up to date first: only decisions and outcomes
 * added since the last call are read; a changed pool (import, merge) or a
 * row gone from either table reloads everything. Gives the same state as
 * reading it fresh. Thread-safe. */
ev_status ev__screen_state_cached(ev_store *s, const ev__screen_cfg *cfg, int stage,
                                  const char *viewer, ev__screen_state *x, ev_error *err);
/* After a write: bring the review's cached tallies, if there are any, up to
 * date now, so that the next `next` finds them so (the server's clients
 * that decide without asking for the next record would otherwise leave all
 * their decisions to the first one that asks). Only a cache: failures are
 * left to the next call. */
void ev__screen_tally_note(ev_store *s, const ev__screen_cfg *cfg);
/* Free the cached tallies (ev_screen_cache_clear). */
void ev__screen_tally_cache_clear(void);

/* ---- TF-IDF matrix cache (cache.c) ---- */

/* A counted reference to a cached matrix. */
typedef struct ev__screen_corpus_ref ev__screen_corpus_ref;

/* The matrix cached under `key` with a reference taken, or NULL. */
ev__screen_corpus_ref *ev__screen_cache_get(uint64_t key);
/* Cache `c` (taken over) under `key` and return a reference to it; NULL
 * when out of memory (c is then freed). */
ev__screen_corpus_ref *ev__screen_cache_put(uint64_t key, ev_screen_corpus *c);
const ev_screen_corpus *ev__screen_cache_corpus(const ev__screen_corpus_ref *ref);
/* Score every row of the cached matrix with the entry's ranker after
 * bringing its labels to want[row] (-1 none, 0 excluded, 1 included):
 * only rows whose label changed are labelled, and the scores of one label
 * set are computed once and shared. epoch/gen: the tallies' version want
 * comes from (ev__screen_state); a caller behind the version the ranker has
 * already seen in the same epoch gets the newer model's scores rather than
 * forcing a retrain from nothing (0, 0: no version). Thread-safe. */
ev_status ev__screen_cache_rank(ev__screen_corpus_ref *ref, const ev_screen_model_options *mo,
                                const signed char *want, uint64_t epoch, uint64_t gen,
                                double *scores, ev_error *err);
/* Bracket a miss: look again, build and put inside (one builder at a time). */
void ev__screen_cache_build_begin(void);
void ev__screen_cache_build_end(void);
/* Drop a reference (NULL is a no-op). */
void ev__screen_cache_release(ev__screen_corpus_ref *ref);

#endif /* EV_SCREEN_INT_H */
