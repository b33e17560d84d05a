/* fuzz_store_import.c - arbitrary bytes as an exported file, imported into a
 * review: whatever the parsers make of them, the store must either import
 * every record (normalised columns, FTS row, stored record that reads back
 * equal) or fail and leave the review exactly as it was; never crash. One
 * scratch review per process, in TMPDIR. */
#include "evident/ev_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ev_store *review;

static void cleanup(void)
{
    char path[512], side[600];
    if (review == NULL)
        return;
    snprintf(path, sizeof path, "%s", ev_store_path(review));
    ev_store_free(review);
    review = NULL;
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

static ev_store *open_review(void)
{
    if (review)
        return review;
    const char *tmp = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/fuzz-store-%ld.evident", tmp && *tmp ? tmp : "/tmp",
             (long)getpid());
    unlink(path);
    ev_error err = EV_ERROR_INIT;
    if (ev_store_create(&review, path, "fuzz", &err) != EV_OK ||
        ev_store_exec(review, "PRAGMA synchronous = OFF", &err) != EV_OK)
        abort(); /* a scratch file: durability is not under test */
    static bool registered;
    if (!registered)
        atexit(cleanup);
    registered = true;
    return review;
}

typedef struct job {
    ev_import *imp;
    ev_store *s;
    ev_error *err;
} job;

static ev_status on_record(ev_record *rec, void *payload)
{
    job *j = payload;
    ev_id id = 0;
    ev_status st = ev_store_import_add(j->imp, rec, &id, j->err);
    if (st != EV_OK)
        return st;
    ev_record *back = NULL;
    ev_error e2 = EV_ERROR_INIT;
    if (ev_store_record_get(j->s, id, &back, &e2) != EV_OK)
        abort(); /* what was just stored must read back */
    ev_record *copy = back;
    copy->format = rec->format;
    if (!ev_record_equal(rec, copy, NULL, 0))
        abort();
    ev_record_free(back);
    return EV_OK;
}

static ev_status on_deleted(const char *pmid, void *payload)
{
    job *j = payload;
    return ev_store_import_delete(j->imp, pmid, j->err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ev_store *s = open_review();
    ev_error err = EV_ERROR_INIT;
    ev_store_stats before, after;
    if (ev_store_stats_get(s, &before, &err) != EV_OK)
        abort();
    if (before.records + before.tombstones > 2000) { /* keep iterations fast */
        cleanup();
        s = open_review();
        if (ev_store_stats_get(s, &before, &err) != EV_OK)
            abort();
    }
    ev_import_info info = {.source = "fuzz", .file_name = "input", .force = true};
    job j = {NULL, s, &err};
    if (ev_store_import_begin(s, &j.imp, &info, &err) != EV_OK)
        abort();
    ev_parse_sink sink = {.record = on_record, .deleted = on_deleted, .payload = &j};
    ev_status st = ev_parse_buffer("input", (const char *)data, size, NULL, &sink, NULL, &err);
    if (st != EV_OK) {
        ev_store_import_abort(j.imp);
        if (ev_store_stats_get(s, &after, &err) != EV_OK ||
            memcmp(&before, &after, sizeof before) != 0)
            abort(); /* a failed import changed the review */
        return 0;
    }
    if (ev_store_import_commit(j.imp, NULL, &err) != EV_OK)
        abort();
    return 0;
}
