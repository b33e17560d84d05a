/*
 * tagged_test_util.h - helpers shared by the tests of the tagged readers
 * (MEDLINE text, RIS, Web of Science) and the writers: collect deep copies
 * of parsed records, count warnings, and project records onto the fields a
 * writer exports so round trips can be compared with ev_record_equal.
 * Header-only (static functions): each test executable includes it once.
 */
#ifndef TAGGED_TEST_UTIL_H
#define TAGGED_TEST_UTIL_H

#include <setjmp.h>
#include <cmocka.h>

#include "evident/ev_formats.h"

#define FIXDIR EV_SOURCE_DIR "/tests/fixtures/formats/"

typedef struct collected {
    ev_record **recs;
    size_t n, cap;
    size_t warnings;
    size_t warn_line[32]; /* line numbers of the first warnings */
    char warn_msg[32][EV_ERROR_MSG_MAX];
} collected;

/* Deep copy through the JSON form so records outlive the callback; raw is
 * not in the JSON and is copied by hand. */
static inline ev_status collect_record(ev_record *rec, void *payload)
{
    collected *c = payload;
    ev_buf b;
    ev_buf_init(&b, 0);
    assert_int_equal(ev_record_to_json(&b, rec), EV_OK);
    ev_record *copy = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_record_from_json(&copy, b.ptr, b.len, &err), EV_OK);
    ev_buf_release(&b);
    copy->source_line = rec->source_line;
    copy->format = rec->format;
    if (rec->raw) {
        copy->raw = ev_arena_strndup(copy->arena, rec->raw, rec->raw_len);
        copy->raw_len = rec->raw_len;
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->recs = ev_reallocarray(c->recs, c->cap, sizeof *c->recs);
        assert_non_null(c->recs);
    }
    c->recs[c->n++] = copy;
    return EV_OK;
}

static inline void collect_warning(const ev_error *w, void *payload)
{
    collected *c = payload;
    if (c->warnings < 32) {
        c->warn_line[c->warnings] = w->line;
        snprintf(c->warn_msg[c->warnings], sizeof c->warn_msg[0], "%s", w->message);
    }
    c->warnings++;
}

static inline void collected_release(collected *c)
{
    for (size_t i = 0; i < c->n; i++)
        ev_record_free(c->recs[i]);
    ev_free(c->recs);
    memset(c, 0, sizeof *c);
}

/* True if some warning at `line` contains `needle`. */
static inline bool has_warning(const collected *c, size_t line, const char *needle)
{
    for (size_t i = 0; i < c->warnings && i < 32; i++)
        if ((line == 0 || c->warn_line[i] == line) && strstr(c->warn_msg[i], needle))
            return true;
    return false;
}

static inline ev_status parse_path(const char *path, ev_format fmt, collected *c,
                                   ev_parse_stats *st, ev_error *err)
{
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    opts.format = fmt;
    ev_parse_sink sink = {collect_record, NULL, collect_warning, NULL, c};
    return ev_parse_file(path, &opts, &sink, st, err);
}

/* Parse tests/fixtures/formats/<rel> with the format detected. */
static inline ev_status parse_fixture(const char *rel, collected *c, ev_parse_stats *st,
                                      ev_error *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s%s", FIXDIR, rel);
    return parse_path(path, EV_FORMAT_UNKNOWN, c, st, err);
}

static inline ev_status parse_mem(const char *data, size_t n, ev_format fmt, collected *c,
                                  ev_parse_stats *st, ev_error *err)
{
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    opts.format = fmt;
    ev_parse_sink sink = {collect_record, NULL, collect_warning, NULL, c};
    return ev_parse_buffer("mem", data, n, &opts, &sink, st, err);
}

/* Whole file into memory (caller frees with ev_free). */
static inline char *slurp(const char *rel, size_t *n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s%s", FIXDIR, rel);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = ev_malloc((size_t)len + 1);
    assert_non_null(p);
    *n = fread(p, 1, (size_t)len, f);
    p[*n] = '\0';
    fclose(f);
    return p;
}

/* ---- projection onto exported fields ------------------------------------------- */

static inline void copy_str(ev_record *dst, const char **to, const char *from)
{
    assert_int_equal(ev_record_set(dst, to, from, from ? strlen(from) : 0), EV_OK);
}

/* Abstract sections flattened "LABEL: text ..." (what RIS carries). */
static inline void flat_abstract(ev_record *dst, const ev_record *src)
{
    ev_buf b;
    ev_buf_init(&b, 0);
    for (size_t i = 0; i < src->n_abstract; i++) {
        const ev_abstract_section *s = &src->abstract[i];
        if (i)
            assert_int_equal(ev_buf_puts(&b, " "), EV_OK);
        if (s->label)
            assert_int_equal(ev_buf_printf(&b, "%s: ", s->label), EV_OK);
        assert_int_equal(ev_buf_puts(&b, s->text ? s->text : ""), EV_OK);
    }
    if (b.len) {
        ev_abstract_section *sec;
        assert_int_equal(ev_record_add_section(dst, &sec), EV_OK);
        copy_str(dst, &sec->text, ev_buf_cstr(&b));
    }
    ev_buf_release(&b);
}

/* The bibliographic core every generated writer carries: a new record
 * holding only those fields (dates without their raw text, authors without
 * derived initials when `initials` is false). Free with ev_record_free. */
static inline ev_record *project(const ev_record *src, bool initials)
{
    ev_record *p = ev_record_new();
    assert_non_null(p);
    const char *from[] = {src->title, src->journal, src->volume, src->issue,
                          src->pages, src->doi,     src->pmid,   src->pmcid};
    const char **to[] = {&p->title, &p->journal, &p->volume, &p->issue,
                         &p->pages, &p->doi,     &p->pmid,   &p->pmcid};
    for (size_t i = 0; i < sizeof from / sizeof from[0]; i++)
        copy_str(p, to[i], from[i]);
    p->pub_date.year = src->pub_date.year;
    p->pub_date.month = src->pub_date.month;
    p->pub_date.day = src->pub_date.day;
    for (size_t i = 0; i < src->n_authors; i++) {
        ev_author *a;
        assert_int_equal(ev_record_add_author(p, &a), EV_OK);
        copy_str(p, &a->family, src->authors[i].family);
        copy_str(p, &a->given, src->authors[i].given);
        copy_str(p, &a->collective, src->authors[i].collective);
        if (initials)
            copy_str(p, &a->initials, src->authors[i].initials);
    }
    flat_abstract(p, src);
    for (size_t i = 0; i < src->n_languages; i++)
        assert_int_equal(ev_record_push_str(p, &p->languages, &p->n_languages, src->languages[i],
                                            strlen(src->languages[i])),
                         EV_OK);
    return p;
}

static inline void assert_same_projection(const ev_record *a, const ev_record *b, bool initials)
{
    ev_record *pa = project(a, initials), *pb = project(b, initials);
    char why[256] = "";
    bool same = ev_record_equal(pa, pb, why, sizeof why);
    if (!same)
        print_error("round trip differs (record at line %zu): %s\n", a->source_line, why);
    assert_true(same);
    ev_record_free(pa);
    ev_record_free(pb);
}

#endif /* TAGGED_TEST_UTIL_H */
