/* progress.c - the terminal progress bar and the warning collector. */
#include "cli.h"

void ev_cli_progress_init(ev_cli_progress *p, const char *label, const char *unit, bool quiet)
{
    memset(p, 0, sizeof *p);
    p->label = label;
    p->unit = unit;
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->start = ev_now();
}

static void draw(ev_cli_progress *p, double now)
{
    double elapsed = now - p->start;
    double frac = p->total ? (double)p->done / (double)p->total : 0.0;
    if (frac > 1.0)
        frac = 1.0;
    char bar[31];
    int fill = (int)(frac * 30.0);
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '=' : (i == fill ? '>' : ' ');
    bar[30] = '\0';
    uint64_t count = p->items ? p->items : p->done;
    double rate = elapsed > 0 ? (double)count / elapsed : 0.0;
    fprintf(stderr, "\r%s [%s] %3d%%  %.0f %s/s", p->label, bar, (int)(frac * 100.0), rate,
            p->unit);
    if (p->total && frac > 0.01) {
        int eta = (int)(elapsed / frac - elapsed);
        fprintf(stderr, "  ETA %d:%02d ", eta / 60, eta % 60);
    }
    fflush(stderr);
}

bool ev_cli_progress_cb(uint64_t done, uint64_t total, void *payload)
{
    ev_cli_progress *p = payload;
    p->done = done;
    p->total = total;
    if (!p->enabled)
        return true;
    double now = ev_now();
    if (now - p->last_draw >= 0.1) {
        p->last_draw = now;
        draw(p, now);
    }
    return true;
}

void ev_cli_progress_end(ev_cli_progress *p)
{
    if (p->enabled && p->last_draw > 0)
        fprintf(stderr, "\r\033[K");
    p->last_draw = 0;
}

void ev_cli_warn_cb(const ev_error *w, void *payload)
{
    ev_cli_warnings *c = payload;
    c->total++;
    if (c->n >= 1000)
        return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        char **items = ev_reallocarray(c->items, cap, sizeof *items);
        if (items == NULL)
            return;
        c->items = items;
        c->cap = cap;
    }
    char msg[EV_ERROR_MSG_MAX + EV_ERROR_INPUT_MAX + 64];
    ev_error_format(w, msg, sizeof msg);
    c->items[c->n] = ev_strdup(msg);
    if (c->items[c->n])
        c->n++;
}

void ev_cli_warnings_flush(ev_cli_warnings *w, size_t max, bool quiet)
{
    if (!quiet) {
        for (size_t i = 0; i < w->n && i < max; i++)
            fprintf(stderr, "warning: %s\n", w->items[i]);
        if (w->total > max && w->total > 0)
            fprintf(stderr, "warning: ... and %zu more\n", w->total - (w->n < max ? w->n : max));
    }
    for (size_t i = 0; i < w->n; i++)
        ev_free(w->items[i]);
    ev_free(w->items);
    memset(w, 0, sizeof *w);
}
