/*
 * setops.c - result sets as sorted arrays of document numbers: linear merges
 * for AND/OR/NOT, and a bitmap union for the many lists of a wildcard or a
 * MeSH explosion (so a term hitting most of a million records costs one pass
 * over a 125 KB bitmap, not a k-way merge).
 */
#include "search_int.h"

void ev__sq_set_release(ev__sq_set *s)
{
    ev_free(s->v);
    *s = (ev__sq_set){0};
}

static ev_status reserve(ev__sq_set *s, size_t n)
{
    if (n <= s->cap)
        return EV_OK;
    size_t cap = s->cap ? s->cap : 16;
    while (cap < n)
        cap *= 2;
    uint32_t *v = ev_reallocarray(s->v, cap, sizeof *v);
    if (v == NULL)
        return EV_ENOMEM;
    s->v = v;
    s->cap = cap;
    return EV_OK;
}

ev_status ev__sq_set_push(ev__sq_set *s, uint32_t x)
{
    if (s->n && s->v[s->n - 1] == x)
        return EV_OK;
    ev_status st = reserve(s, s->n + 1);
    if (st == EV_OK)
        s->v[s->n++] = x;
    return st;
}

ev_status ev__sq_set_and(ev__sq_set *out, const ev__sq_set *a, const ev__sq_set *b)
{
    ev_status st = reserve(out, a->n < b->n ? a->n : b->n);
    size_t i = 0, j = 0, k = 0;
    while (st == EV_OK && i < a->n && j < b->n) {
        if (a->v[i] < b->v[j])
            i++;
        else if (a->v[i] > b->v[j])
            j++;
        else {
            out->v[k++] = a->v[i];
            i++, j++;
        }
    }
    out->n = k;
    return st;
}

ev_status ev__sq_set_or(ev__sq_set *out, const ev__sq_set *a, const ev__sq_set *b)
{
    ev_status st = reserve(out, a->n + b->n);
    size_t i = 0, j = 0, k = 0;
    while (st == EV_OK && (i < a->n || j < b->n)) {
        if (j == b->n || (i < a->n && a->v[i] < b->v[j]))
            out->v[k++] = a->v[i++];
        else if (i == a->n || b->v[j] < a->v[i])
            out->v[k++] = b->v[j++];
        else {
            out->v[k++] = a->v[i];
            i++, j++;
        }
    }
    out->n = k;
    return st;
}

ev_status ev__sq_set_not(ev__sq_set *out, const ev__sq_set *a, const ev__sq_set *b)
{
    ev_status st = reserve(out, a->n);
    size_t i = 0, j = 0, k = 0;
    while (st == EV_OK && i < a->n) {
        while (j < b->n && b->v[j] < a->v[i])
            j++;
        if (j == b->n || b->v[j] != a->v[i])
            out->v[k++] = a->v[i];
        i++;
    }
    out->n = k;
    return st;
}

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static ev_status union_small(ev__sq_set *out, const ev__sq_plist *const *lists, size_t k,
                             size_t total)
{
    ev_status st = reserve(out, total);
    if (st != EV_OK)
        return st;
    size_t n = 0;
    for (size_t i = 0; i < k; i++)
        for (uint32_t j = 0; j < lists[i]->n; j++)
            if (n == 0 || out->v[n - 1] != lists[i]->p[j].doc)
                out->v[n++] = lists[i]->p[j].doc;
    if (k > 1 && n > 1)
        qsort(out->v, n, sizeof *out->v, u32_cmp);
    size_t w = 0;
    for (size_t r = 0; r < n; r++)
        if (w == 0 || out->v[w - 1] != out->v[r])
            out->v[w++] = out->v[r];
    out->n = w;
    return EV_OK;
}

ev_status ev__sq_set_union_plists(ev__sq_set *out, const ev__sq_plist *const *lists, size_t k,
                                  size_t universe)
{
    size_t total = 0;
    for (size_t i = 0; i < k; i++)
        total += lists[i]->n;
    if (total < universe / 16 || universe == 0)
        return union_small(out, lists, k, total);
    size_t words = (universe + 63) / 64;
    uint64_t *bits = ev_calloc(words, sizeof *bits);
    if (bits == NULL)
        return EV_ENOMEM;
    size_t count = 0;
    for (size_t i = 0; i < k; i++)
        for (uint32_t j = 0; j < lists[i]->n; j++) {
            uint32_t d = lists[i]->p[j].doc;
            uint64_t m = (uint64_t)1 << (d & 63);
            count += (bits[d >> 6] & m) == 0;
            bits[d >> 6] |= m;
        }
    ev_status st = reserve(out, count);
    for (size_t w = 0; st == EV_OK && w < words; w++)
        for (uint64_t b = bits[w]; b; b &= b - 1)
            out->v[out->n++] = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(b));
    ev_free(bits);
    return st;
}
