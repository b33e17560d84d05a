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
 */
#include "screen_int.h"

#include <pthread.h>
#include <string.h>

#define CACHE_SLOTS 4

typedef struct cache_entry {
    uint64_t key;
    ev_screen_corpus *corpus;
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
    ev_screen_corpus_free(e->corpus);
    ev_free(e);
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
}
