/* hash.h - string -> uint32 hash table (private to the search module). */
#ifndef EV_SEARCH_HASH_H
#define EV_SEARCH_HASH_H

#include "evident/ev_core.h"

typedef struct ev__sq_slot {
    const char *key; /* borrowed; NULL = empty slot */
    uint32_t len;
    uint32_t val;
    uint32_t hash; /* low bits of the key's hash: most mismatches skip memcmp */
} ev__sq_slot;

typedef struct ev__sq_hash {
    ev__sq_slot *slots;
    size_t cap, n;
} ev__sq_hash;

void ev__sq_hash_release(ev__sq_hash *h);
/* Empty the table, keep its memory. */
void ev__sq_hash_clear(ev__sq_hash *h);
bool ev__sq_hash_get(const ev__sq_hash *h, const char *k, size_t n, uint32_t *out);
/* The stored key equal to k[0..n), or NULL. */
const char *ev__sq_hash_key(const ev__sq_hash *h, const char *k, size_t n);
/* Insert k -> val unless k is present (then *existed = true, *old = its
 * value). The key must outlive the table. */
ev_status ev__sq_hash_put(ev__sq_hash *h, const char *k, size_t n, uint32_t val, bool *existed,
                          uint32_t *old) EV_WARN_UNUSED;

#endif
