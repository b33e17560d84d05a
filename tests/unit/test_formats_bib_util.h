/*
 * test_formats_bib_util.h - what the BibTeX, CSV and EndNote XML reader tests
 * share: a sink that keeps deep copies of the first records (JSON round
 * trip) and counts all of them, and small lookups on records.
 */
#ifndef TEST_FORMATS_BIB_UTIL_H
#define TEST_FORMATS_BIB_UTIL_H

#include <setjmp.h>
#include <cmocka.h>

#include "evident/ev_formats.h"

#define KEEP_MAX 64

typedef struct collected {
    ev_record *recs[KEEP_MAX];
    size_t n;     /* records kept */
    size_t total; /* records seen */
    size_t warnings;
    char last_warning[EV_ERROR_MSG_MAX];
} collected;

static inline ev_status keep(ev_record *rec, void *payload)
{
    collected *c = payload;
    c->total++;
    if (c->n == KEEP_MAX)
        return EV_OK;
    ev_buf b;
    ev_buf_init(&b, 0);
    assert_int_equal(ev_record_to_json(&b, rec), EV_OK);
    ev_record *copy = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_record_from_json(&copy, b.ptr, b.len, &err), EV_OK);
    ev_buf_release(&b);
    if (rec->raw) { /* raw is not part of the JSON */
        copy->raw = ev_arena_strndup(copy->arena, rec->raw, rec->raw_len);
        copy->raw_len = rec->raw_len;
    }
    copy->source_line = rec->source_line;
    c->recs[c->n++] = copy;
    return EV_OK;
}

static inline void on_warn(const ev_error *w, void *payload)
{
    collected *c = payload;
    c->warnings++;
    snprintf(c->last_warning, sizeof c->last_warning, "%s", w->message);
}

static inline void release(collected *c)
{
    for (size_t i = 0; i < c->n; i++)
        ev_record_free(c->recs[i]);
    memset(c, 0, sizeof *c);
}

static inline ev_status parse_path(const char *path, ev_format f, const char *mapping, collected *c,
                                   ev_parse_stats *st, ev_error *err)
{
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    opts.format = f;
    opts.csv_mapping = mapping;
    opts.keep_raw = true;
    ev_parse_sink sink = {keep, NULL, on_warn, NULL, c};
    return ev_parse_file(path, &opts, &sink, st, err);
}

static inline ev_status parse_text(const char *data, size_t n, ev_format f, collected *c,
                                   ev_parse_stats *st, ev_error *err)
{
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    opts.format = f;
    ev_parse_sink sink = {keep, NULL, on_warn, NULL, c};
    return ev_parse_buffer("test", data, n, &opts, &sink, st, err);
}

/* The value of the first extra entry named `key`, or NULL. */
static inline const char *extra(const ev_record *r, const char *key)
{
    for (size_t i = 0; i < r->n_extra; i++)
        if (strcmp(r->extra[i].key, key) == 0)
            return r->extra[i].value;
    return NULL;
}

static inline const char *other_id(const ev_record *r, const char *key, size_t nth)
{
    for (size_t i = 0; i < r->n_other_ids; i++)
        if (strcmp(r->other_ids[i].key, key) == 0 && nth-- == 0)
            return r->other_ids[i].value;
    return NULL;
}

/* Big input: `prefix`, `n` copies of 'a', `suffix`. Caller frees. */
static inline char *big_input(const char *prefix, size_t n, const char *suffix, size_t *len)
{
    size_t a = strlen(prefix), b = strlen(suffix);
    char *s = malloc(a + n + b + 1);
    assert_non_null(s);
    memcpy(s, prefix, a);
    memset(s + a, 'a', n);
    memcpy(s + a + n, suffix, b + 1);
    *len = a + n + b;
    return s;
}

static inline ev_status count_only(ev_record *rec, void *payload)
{
    (void)rec;
    (*(size_t *)payload)++;
    return EV_OK;
}

/* Fail the 1st, 2nd, ... allocation of a parse of `path` until one run
 * succeeds: every run must end in EV_OK or EV_ENOMEM (never a crash or a
 * wrong status) and leave no allocation behind. Returns the runs made. */
static inline size_t oom_sweep(const char *path, ev_format f, size_t expect_records)
{
    size_t runs = 0;
    for (size_t n = 1;; n++) {
        size_t count = 0;
        ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
        opts.format = f;
        ev_parse_sink sink = {count_only, NULL, NULL, NULL, &count};
        ev_error err = EV_ERROR_INIT;
        long live = ev_alloc_live();
        ev_alloc_fail_after(n, true);
        ev_status s = ev_parse_file(path, &opts, &sink, NULL, &err);
        ev_alloc_fail_after(0, false);
        runs++;
        assert_int_equal(ev_alloc_live(), live);
        if (s == EV_OK) {
            assert_int_equal(count, expect_records);
            return runs;
        }
        if (s != EV_ENOMEM)
            fail_msg("allocation %zu failed: status %d (%s)", n, s, err.message);
    }
}

#endif
