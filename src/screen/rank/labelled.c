/*
 * labelled.c - read a labelled screening set (title, abstract,
 * label_included) through the formats module and simulate on it.
 */
#include "screen_int.h"

#include <string.h>

typedef struct labelled {
    const char *path;
    char **texts;
    bool *included;
    size_t n, cap;
    ev_error *err;
} labelled;

static const char *label_of(const ev_record *rec)
{
    for (size_t i = 0; i < rec->n_extra; i++)
        if (ev_strcasecmp(rec->extra[i].key, "label_included") == 0)
            return rec->extra[i].value;
    return NULL;
}

static ev_status record_text(ev_buf *b, const ev_record *rec)
{
    ev_status st = ev_buf_puts(b, rec->title ? rec->title : "");
    for (size_t i = 0; i < rec->n_abstract && st == EV_OK; i++) {
        st = ev_buf_putc(b, ' ');
        if (st == EV_OK && rec->abstract[i].text)
            st = ev_buf_puts(b, rec->abstract[i].text);
    }
    return st;
}

static ev_status grow(labelled *l)
{
    if (l->n < l->cap)
        return EV_OK;
    size_t ncap = l->cap ? l->cap * 2 : 1024;
    char **t = ev_reallocarray(l->texts, ncap, sizeof *t);
    if (!t)
        return EV_ENOMEM;
    l->texts = t;
    bool *inc = ev_reallocarray(l->included, ncap, sizeof *inc);
    if (!inc)
        return EV_ENOMEM;
    l->included = inc;
    l->cap = ncap;
    return EV_OK;
}

static ev_status on_record(ev_record *rec, void *payload)
{
    labelled *l = payload;
    const char *lab = label_of(rec);
    long v = -1;
    if (!lab || !ev_parse_long(lab, &v) || (v != 0 && v != 1))
        return ev_error_set(l->err, EV_EINPUT, l->path, rec->source_line, 0,
                            "record needs label_included 0 or 1, found '%s'",
                            lab ? lab : "(no such column)");
    if (grow(l) != EV_OK)
        return ev_error_set(l->err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    ev_buf b;
    ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
    char *text = record_text(&b, rec) == EV_OK ? ev_buf_detach(&b) : NULL;
    ev_buf_release(&b);
    if (!text)
        return ev_error_set(l->err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    l->texts[l->n] = text;
    l->included[l->n++] = v == 1;
    return EV_OK;
}

static void labelled_release(labelled *l)
{
    for (size_t i = 0; i < l->n; i++)
        ev_free(l->texts[i]);
    ev_free(l->texts);
    ev_free(l->included);
}

ev_status ev_screen_simulate_file(ev_screen_sim_result **out, const char *path,
                                  const ev_screen_sim_options *opt, ev_progress_fn progress,
                                  void *payload, ev_error *err)
{
    *out = NULL;
    labelled l = {.path = path, .err = err};
    ev_parse_options po = EV_PARSE_OPTIONS_INIT;
    po.keep_raw = false;
    ev_parse_sink sink = {.record = on_record, .payload = &l};
    ev_status st = ev_parse_file(path, &po, &sink, NULL, err);
    if (st == EV_OK && l.n == 0)
        st = ev_error_set(err, EV_EINPUT, path, 0, 0, "no records in the labelled set");
    if (st == EV_OK) {
        st = ev_screen_simulate(out, (const char *const *)l.texts, l.included, l.n, opt, progress,
                                payload, err);
        if (st == EV_EINPUT && err && err->input[0] == '\0')
            snprintf(err->input, sizeof err->input, "%s", path);
    }
    labelled_release(&l);
    return st;
}
