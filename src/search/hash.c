/*
 * hash.c - the string -> uint32 open-addressing table the vocabulary and the
 * index use (keys are arena strings owned by the caller), and the fast text
 * normaliser for plain ASCII.
 */
#include "search_int.h"

void ev__sq_hash_release(ev__sq_hash *h)
{
    ev_free(h->slots);
    *h = (ev__sq_hash){0};
}

void ev__sq_hash_clear(ev__sq_hash *h)
{
    if (h->slots)
        memset(h->slots, 0, h->cap * sizeof *h->slots);
    h->n = 0;
}

static size_t find_slot(const ev__sq_hash *h, const char *k, size_t n, uint32_t hv)
{
    size_t mask = h->cap - 1;
    size_t i = (size_t)hv & mask;
    while (h->slots[i].key && (h->slots[i].hash != hv || h->slots[i].len != n ||
                               memcmp(h->slots[i].key, k, n) != 0))
        i = (i + 1) & mask;
    return i;
}

/* 64-bit FNV-1a folded to 32 bits (the fold mixes the high bits in). */
static uint32_t hash32(const char *k, size_t n)
{
    uint64_t h = ev_fnv1a64(EV_FNV1A64_INIT, k, n);
    return (uint32_t)(h ^ (h >> 32));
}

bool ev__sq_hash_get(const ev__sq_hash *h, const char *k, size_t n, uint32_t *out)
{
    if (h->cap == 0)
        return false;
    size_t i = find_slot(h, k, n, hash32(k, n));
    if (h->slots[i].key == NULL)
        return false;
    *out = h->slots[i].val;
    return true;
}

const char *ev__sq_hash_key(const ev__sq_hash *h, const char *k, size_t n)
{
    if (h->cap == 0)
        return NULL;
    return h->slots[find_slot(h, k, n, hash32(k, n))].key;
}

static ev_status grow(ev__sq_hash *h)
{
    size_t cap = h->cap ? h->cap * 2 : 64;
    ev__sq_slot *old = h->slots;
    size_t oldcap = h->cap;
    h->slots = ev_calloc(cap, sizeof *h->slots);
    if (h->slots == NULL) {
        h->slots = old;
        return EV_ENOMEM;
    }
    h->cap = cap;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].key)
            h->slots[find_slot(h, old[i].key, old[i].len, old[i].hash)] = old[i];
    ev_free(old);
    return EV_OK;
}

ev_status ev__sq_hash_put(ev__sq_hash *h, const char *k, size_t n, uint32_t val, bool *existed,
                          uint32_t *old)
{
    if ((h->n + 1) * 2 > h->cap) { /* load <= 1/2: short linear probes */
        ev_status st = grow(h);
        if (st != EV_OK)
            return st;
    }
    uint32_t hv = hash32(k, n);
    size_t i = find_slot(h, k, n, hv);
    if (h->slots[i].key) {
        if (existed)
            *existed = true;
        if (old)
            *old = h->slots[i].val;
        return EV_OK;
    }
    if (existed)
        *existed = false;
    h->slots[i] = (ev__sq_slot){k, (uint32_t)n, val, hv};
    h->n++;
    return EV_OK;
}

/* Plain ASCII without markup or entities normalises to: letters and digits
 * lower-cased, every other byte a separator, runs squeezed, ends trimmed:
 * what ev_text_normalise(EV_NORM_DEFAULT) gives, without the Unicode work. */
static bool ascii_plain(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || c == '<' || c == '&' || c == 0)
            return false;
    }
    return true;
}

ev_status ev__sq_norm(ev_buf *out, const char *s, size_t n)
{
    ev_buf_clear(out);
    if (!ascii_plain(s, n))
        return ev_text_normalise(out, s, n, EV_NORM_DEFAULT);
    bool pending = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        ev_status st = EV_OK;
        if (isalnum(c)) {
            if (pending && out->len)
                st = ev_buf_putc(out, ' ');
            pending = false;
            if (st == EV_OK)
                st = ev_buf_putc(out, (char)tolower(c));
        } else {
            pending = true;
        }
        if (st != EV_OK)
            return st;
    }
    return out->ptr ? EV_OK : ev_buf_puts(out, "");
}
