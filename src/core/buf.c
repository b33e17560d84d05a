/* buf.c - growable NUL-terminated buffers with a size cap (curl's dynbuf). */
#include "evident/ev_core.h"

void ev_buf_init(ev_buf *b, size_t max)
{
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : EV_BUF_DEFAULT_MAX;
}

void ev_buf_release(ev_buf *b)
{
    ev_free(b->ptr);
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
}

void ev_buf_clear(ev_buf *b)
{
    b->len = 0;
    if (b->ptr)
        b->ptr[0] = '\0';
}

/* Make room for `extra` more bytes plus the terminating NUL. */
static ev_status buf_reserve(ev_buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra)
        return EV_EINPUT;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return EV_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = ev_reallocarray(b->ptr, cap, 1);
    if (p == NULL)
        return EV_ENOMEM;
    b->ptr = p;
    b->cap = cap;
    return EV_OK;
}

ev_status ev_buf_append(ev_buf *b, const void *data, size_t n)
{
    ev_status st = buf_reserve(b, n);
    if (st != EV_OK)
        return st;
    if (n)
        memcpy(b->ptr + b->len, data, n);
    b->len += n;
    b->ptr[b->len] = '\0';
    return EV_OK;
}

ev_status ev_buf_puts(ev_buf *b, const char *s)
{
    return ev_buf_append(b, s, strlen(s));
}

ev_status ev_buf_putc(ev_buf *b, char c)
{
    return ev_buf_append(b, &c, 1);
}

ev_status ev_buf_vprintf(ev_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return EV_EINTERNAL;
    ev_status st = buf_reserve(b, (size_t)n);
    if (st != EV_OK)
        return st;
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return EV_OK;
}

ev_status ev_buf_printf(ev_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ev_status st = ev_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return st;
}

const char *ev_buf_cstr(const ev_buf *b)
{
    return b->ptr ? b->ptr : "";
}

char *ev_buf_detach(ev_buf *b)
{
    char *p = b->ptr ? b->ptr : ev_strdup("");
    b->ptr = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}
