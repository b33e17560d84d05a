/*
 * cache.c - a process-level cache of TF-IDF matrices for `next`.
 *
 * Building the matrix (tokenising and counting every title and abstract)
 * is what made ev_screen_next slow (1.7 s at 8,040 records); training the
 * model on it and scoring the rows is cheap. The matrix only changes when
 * the stage's pool or a record's text does, so it is kept here keyed by a
 * fingerprint of both (see ev__screen_fingerprint) and shared by every
 * thread and store handle of the process (the server's workers). Entries
 * are reference-counted: one evicted while in use is freed by its last user.
 *
 * Each entry also keeps its ranker with the labels it has seen, so a call
 * after a decision labels only the rows settled since (labelling all 8,000
 * settled rows again was most of a warm call in the server's bench). The
 * ranker retrains in place, so its use is serialised by the entry's lock.
 * The scores of the last label set are kept too: reviewers asking for their
 * next record between two settlements share one retrain instead of each
 * repeating it behind the lock. A caller whose labels come from tallies
 * older than the ranker's (another thread ranked a newer state first) is
 * given the newer scores: going back would mean a retrain from nothing.
 */
#include "screen_int.h"

#include <pthread.h>
#include <string.h>

#define CACHE_SLOTS 4

typedef struct cache_entry {
    uint64_t key;
    ev_screen_corpus *corpus;
    pthread_mutex_t lock; /* guards ranker, labels, kind */
    ev_screen_ranker *ranker;
    signed char *labels; /* what the ranker was told: -1 nothing, 0, 1 */
    double *scores;      /* of the labels above, when scored */
    bool scored;
    uint64_t epoch, gen; /* the tallies' version of the labels */
    ev_screen_model_options kind;
    unsigned refs;
    bool evicted;
    uint64_t used; /* clock tick of the last use, for LRU */
} cache_entry;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
/* Held while a matrix is built, so threads missing the cache together (the
 * server's workers after a start) build it once and the rest wait for it. */
static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER;
static cache_entry *slots[CACHE_SLOTS];
static uint64_t cache_clock;

ev__screen_corpus_ref *ev__screen_cache_get(uint64_t key)
{
    cache_entry *hit = NULL;
    pthread_mutex_lock(&cache_lock);
    for (size_t i = 0; i < CACHE_SLOTS && !hit; i++)
        if (slots[i] && slots[i]->key == key)
            hit = slots[i];
    if (hit) {
        hit->refs++;
        hit->used = ++cache_clock;
    }
    pthread_mutex_unlock(&cache_lock);
    return (ev__screen_corpus_ref *)hit;
}

void ev__screen_cache_build_begin(void)
{
    pthread_mutex_lock(&build_lock);
}

void ev__screen_cache_build_end(void)
{
    pthread_mutex_unlock(&build_lock);
}

const ev_screen_corpus *ev__screen_cache_corpus(const ev__screen_corpus_ref *ref)
{
    return ((const cache_entry *)ref)->corpus;
}

static void entry_free(cache_entry *e)
{
    ev_screen_ranker_free(e->ranker);
    ev_free(e->labels);
    ev_free(e->scores);
    pthread_mutex_destroy(&e->lock);
    ev_screen_corpus_free(e->corpus);
    ev_free(e);
}

static bool same_model(const ev_screen_model_options *a, const ev_screen_model_options *b)
{
    return a->kind == b->kind && a->nb_alpha == b->nb_alpha && a->lr_c == b->lr_c &&
           a->double_balance == b->double_balance;
}

/* A new ranker when there is none, the model differs or a row lost its
 * label (the ranker can relabel a row but not unlabel it). */
static ev_status ranker_ready(cache_entry *e, const ev_screen_model_options *mo,
                              const signed char *want, ev_error *err)
{
    size_t n = e->corpus->rows;
    bool fresh = !e->ranker || !same_model(&e->kind, mo);
    for (size_t i = 0; i < n && !fresh; i++)
        fresh = e->labels[i] >= 0 && want[i] < 0;
    if (!fresh)
        return EV_OK;
    ev_screen_ranker_free(e->ranker);
    e->ranker = NULL;
    e->scored = false;
    if (!e->labels && !(e->labels = ev_malloc(n ? n : 1)))
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    if (!e->scores && !(e->scores = ev_calloc(n ? n : 1, sizeof *e->scores)))
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    memset(e->labels, -1, n);
    e->kind = *mo;
    return ev_screen_ranker_new(&e->ranker, e->corpus, mo, err);
}

/* Bring the ranker's labels to want, unless want is older than what the
 * ranker has seen in the same epoch of the tallies. */
static ev_status labels_to(cache_entry *e, const ev_screen_model_options *mo,
                           const signed char *want, uint64_t epoch, uint64_t gen, ev_error *err)
{
    bool behind = epoch && epoch == e->epoch && gen < e->gen;
    if (behind && e->ranker && same_model(&e->kind, mo))
        return EV_OK;
    ev_status rc = ranker_ready(e, mo, want, err);
    for (size_t i = 0; rc == EV_OK && i < e->corpus->rows; i++) {
        if (want[i] < 0 || want[i] == e->labels[i])
            continue;
        rc = ev_screen_ranker_label(e->ranker, i, want[i] == 1, err);
        e->labels[i] = want[i];
        e->scored = false;
    }
    e->epoch = epoch;
    e->gen = gen;
    return rc;
}

ev_status ev__screen_cache_rank(ev__screen_corpus_ref *ref, const ev_screen_model_options *mo,
                                const signed char *want, uint64_t epoch, uint64_t gen,
                                double *scores, ev_error *err)
{
    cache_entry *e = (cache_entry *)ref;
    pthread_mutex_lock(&e->lock);
    ev_status rc = labels_to(e, mo, want, epoch, gen, err);
    if (rc == EV_OK && !e->scored)
        rc = ev_screen_ranker_scores(e->ranker, e->scores, err);
    if (rc == EV_OK) {
        e->scored = true;
        memcpy(scores, e->scores, e->corpus->rows * sizeof *scores);
    } else { /* start again next time */
        ev_screen_ranker_free(e->ranker);
        e->ranker = NULL;
        e->scored = false;
    }
    pthread_mutex_unlock(&e->lock);
    return rc;
}

/* The slot to fill: an empty one, else the least recently used. */
static size_t victim_slot(void)
{
    size_t v = 0;
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        if (!slots[i])
            return i;
        if (slots[i]->used < slots[v]->used)
            v = i;
    }
    return v;
}

ev__screen_corpus_ref *ev__screen_cache_put(uint64_t key, ev_screen_corpus *c)
{
    cache_entry *e = ev_calloc(1, sizeof *e);
    if (!e) {
        ev_screen_corpus_free(c);
        return NULL;
    }
    *e = (cache_entry){.key = key, .corpus = c, .refs = 1};
    pthread_mutex_init(&e->lock, NULL);
    cache_entry *old = NULL;
    pthread_mutex_lock(&cache_lock);
    for (size_t i = 0; i < CACHE_SLOTS; i++)
        if (slots[i] && slots[i]->key == key) { /* another thread built it too */
            slots[i]->evicted = true;
            old = slots[i]->refs ? NULL : slots[i];
            slots[i] = NULL;
        }
    size_t v = victim_slot();
    if (slots[v]) {
        slots[v]->evicted = true;
        if (slots[v]->refs == 0)
            old = old ? old : slots[v];
    }
    e->used = ++cache_clock;
    slots[v] = e;
    pthread_mutex_unlock(&cache_lock);
    if (old)
        entry_free(old);
    return (ev__screen_corpus_ref *)e;
}

void ev__screen_cache_release(ev__screen_corpus_ref *ref)
{
    cache_entry *e = (cache_entry *)ref;
    if (!e)
        return;
    bool gone;
    pthread_mutex_lock(&cache_lock);
    gone = --e->refs == 0 && e->evicted;
    pthread_mutex_unlock(&cache_lock);
    if (gone)
        entry_free(e);
}

void ev_screen_cache_clear(void)
{
    cache_entry *drop[CACHE_SLOTS] = {0};
    pthread_mutex_lock(&cache_lock);
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        if (slots[i]) {
            slots[i]->evicted = true;
            drop[i] = slots[i]->refs ? NULL : slots[i];
        }
        slots[i] = NULL;
    }
    pthread_mutex_unlock(&cache_lock);
    for (size_t i = 0; i < CACHE_SLOTS; i++)
        if (drop[i])
            entry_free(drop[i]);
    ev__screen_pool_cache_clear();
    ev__screen_tally_cache_clear();
}
