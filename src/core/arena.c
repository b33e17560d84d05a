/*
 * arena.c - bump allocation for bulk parse data. A record's strings are freed
 * all at once. With EV_DEBUG_ARENA every allocation is its own malloc so the
 * sanitizers see overruns (libgit2's DEBUG_POOL).
 */
#include "evident/ev_core.h"

#define ARENA_BLOCK 16384
#define ARENA_ALIGN 16

typedef struct arena_block {
    struct arena_block *next;
    size_t size; /* usable bytes after the header */
    size_t used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
} arena_block;

struct ev_arena {
    arena_block *head; /* current block; older ones follow */
    size_t footprint;
};

ev_arena *ev_arena_new(void)
{
    return ev_calloc(1, sizeof(ev_arena));
}

static void free_blocks(arena_block *b)
{
    while (b) {
        arena_block *next = b->next;
        ev_free(b);
        b = next;
    }
}

void ev_arena_free(ev_arena *a)
{
    if (a == NULL)
        return;
    free_blocks(a->head);
    ev_free(a);
}

void ev_arena_reset(ev_arena *a)
{
    if (a->head == NULL)
        return;
#ifdef EV_DEBUG_ARENA
    free_blocks(a->head);
    a->head = NULL;
    a->footprint = 0;
#else
    /* Keep the last (first allocated, smallest) block only if it is of the
     * standard size; big one-off blocks go back to the system. */
    arena_block *keep = a->head;
    free_blocks(keep->next);
    keep->next = NULL;
    if (keep->size > ARENA_BLOCK) {
        ev_free(keep);
        a->head = NULL;
        a->footprint = 0;
        return;
    }
    keep->used = 0;
    a->footprint = sizeof(arena_block) + keep->size;
#endif
}

static arena_block *new_block(ev_arena *a, size_t size)
{
    if (size > SIZE_MAX - sizeof(arena_block))
        return NULL;
    arena_block *b = ev_malloc(sizeof(arena_block) + size);
    if (b == NULL)
        return NULL;
    b->size = size;
    b->used = 0;
    b->next = a->head;
    a->head = b;
    a->footprint += sizeof(arena_block) + size;
    return b;
}

void *ev_arena_alloc(ev_arena *a, size_t size)
{
    size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need < size)
        return NULL;
#ifdef EV_DEBUG_ARENA
    arena_block *b = new_block(a, need ? need : 1);
    if (b == NULL)
        return NULL;
    memset(b->data, 0, need);
    b->used = need;
    return b->data;
#else
    arena_block *b = a->head;
    if (b == NULL || b->size - b->used < need) {
        b = new_block(a, need > ARENA_BLOCK / 4 ? need : ARENA_BLOCK);
        if (b == NULL)
            return NULL;
    }
    void *p = b->data + b->used;
    b->used += need;
    memset(p, 0, need);
    return p;
#endif
}

char *ev_arena_strndup(ev_arena *a, const char *s, size_t n)
{
    if (s == NULL || n == SIZE_MAX)
        return NULL;
    char *p = ev_arena_alloc(a, n + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *ev_arena_strdup(ev_arena *a, const char *s)
{
    return s ? ev_arena_strndup(a, s, strlen(s)) : NULL;
}

/* Implicit capacity: the next power of two >= n, minimum 4. */
static size_t implicit_cap(size_t n)
{
    size_t cap = 4;
    while (cap < n)
        cap *= 2;
    return cap;
}

void *ev_arena_grow(ev_arena *a, void *array, size_t n, size_t size)
{
    /* n elements are stored; the capacity is implicit_cap(n). */
    if (array != NULL && n + 1 <= implicit_cap(n))
        return array;
    size_t cap = implicit_cap(n + 1);
    if (size && cap > SIZE_MAX / size)
        return NULL;
    void *p = ev_arena_alloc(a, cap * size);
    if (p && array && n)
        memcpy(p, array, n * size);
    return p;
}

size_t ev_arena_footprint(const ev_arena *a)
{
    return a->footprint;
}
