/* error.c - the single place where errors are set (first error wins). */
#include "evident/ev_core.h"

ev_status ev_error_setv(ev_error *err, ev_status code, const char *input, size_t line,
                        size_t column, const char *fmt, va_list ap)
{
    if (err == NULL || err->code != EV_OK)
        return code;
    err->code = code;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    snprintf(err->input, sizeof err->input, "%s", input ? input : "");
    err->line = line;
    err->column = column;
    err->offset = 0;
    err->has_offset = false;
    return code;
}

ev_status ev_error_set(ev_error *err, ev_status code, const char *input, size_t line,
                       size_t column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ev_error_setv(err, code, input, line, column, fmt, ap);
    va_end(ap);
    return code;
}

void ev_error_set_offset(ev_error *err, uint64_t offset)
{
    if (err == NULL || err->has_offset)
        return;
    err->offset = offset;
    err->has_offset = true;
}

void ev_error_clear(ev_error *err)
{
    if (err != NULL)
        memset(err, 0, sizeof *err);
}

void ev_error_format(const ev_error *err, char *out, size_t out_size)
{
    if (out_size == 0)
        return;
    if (err == NULL || err->code == EV_OK) {
        snprintf(out, out_size, "no error");
        return;
    }
    if (err->input[0] && err->line > 0 && err->column > 0)
        snprintf(out, out_size, "%s:%zu:%zu: %s", err->input, err->line, err->column,
                 err->message);
    else if (err->input[0] && err->line > 0)
        snprintf(out, out_size, "%s:%zu: %s", err->input, err->line, err->message);
    else if (err->input[0] && err->has_offset)
        snprintf(out, out_size, "%s: byte %llu: %s", err->input,
                 (unsigned long long)err->offset, err->message);
    else if (err->input[0])
        snprintf(out, out_size, "%s: %s", err->input, err->message);
    else
        snprintf(out, out_size, "%s", err->message);
}

const char *ev_status_name(ev_status st)
{
    switch (st) {
    case EV_OK: return "ok";
    case EV_EUSAGE: return "bad usage";
    case EV_EINPUT: return "bad input";
    case EV_EREFUSED: return "refused";
    case EV_ENOTFOUND: return "not found";
    case EV_EIO: return "i/o error";
    case EV_ENEWER: return "review from a newer evident";
    case EV_EBUSY: return "review busy";
    case EV_ENOMEM: return "out of memory";
    case EV_EINTERNAL: return "internal error";
    case EV_ECANCEL: return "cancelled";
    }
    return "unknown status";
}
