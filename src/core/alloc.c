/*
 * alloc.c - the allocation funnel: overflow-checked sizes, a live count for
 * leak tests and a fault-injection hook (SQLite's faultsim idea) so tests can
 * prove every allocation failure is handled.
 */
#include "evident/ev_core.h"

#include <stdatomic.h>

static size_t fail_countdown; /* 0 = hook off */
static bool fail_sticky;
static bool fail_tripped;
/* atomic: the server's threads allocate at once (a data race under TSan) */
static atomic_long live_allocs;

void ev_alloc_fail_after(size_t n, bool sticky)
{
    fail_countdown = n;
    fail_sticky = sticky;
    fail_tripped = false;
}

long ev_alloc_live(void)
{
    return atomic_load_explicit(&live_allocs, memory_order_relaxed);
}

/* True when the fault hook says this allocation must fail. */
static bool should_fail(void)
{
    if (fail_tripped)
        return fail_sticky;
    if (fail_countdown == 0)
        return false;
    if (--fail_countdown == 0) {
        fail_tripped = true;
        return true;
    }
    return false;
}

void *ev_malloc(size_t size)
{
    if (should_fail())
        return NULL;
    void *p = malloc(size ? size : 1);
    if (p)
        atomic_fetch_add_explicit(&live_allocs, 1, memory_order_relaxed);
    return p;
}

void *ev_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    if (should_fail())
        return NULL;
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p)
        atomic_fetch_add_explicit(&live_allocs, 1, memory_order_relaxed);
    return p;
}

void *ev_reallocarray(void *ptr, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    if (should_fail())
        return NULL;
    size_t total = count * size;
    void *p = realloc(ptr, total ? total : 1);
    if (p && ptr == NULL)
        atomic_fetch_add_explicit(&live_allocs, 1, memory_order_relaxed);
    return p;
}

void ev_free(void *ptr)
{
    if (ptr == NULL)
        return;
    atomic_fetch_sub_explicit(&live_allocs, 1, memory_order_relaxed);
    free(ptr);
}

char *ev_strndup(const char *s, size_t n)
{
    if (s == NULL)
        return NULL;
    char *p = ev_malloc(n + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *ev_strdup(const char *s)
{
    return s ? ev_strndup(s, strlen(s)) : NULL;
}
