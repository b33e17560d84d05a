/*
 * import_file.c - parse, hash and import one file as one transaction: the
 * parser streams records into the open import, so memory stays flat whatever
 * the file size; any error (bad input anywhere, refused duplicate, cancel)
 * rolls everything back.
 *
 * The file's SHA-256 is taken in the parser's own pass over the bytes (one
 * read of the file instead of two); a gzip file, whose own bytes zlib hides,
 * is hashed in a second pass. So the duplicate-import refusal comes after
 * parsing, before the commit: the records already stored go with the
 * rollback.
 */
#include "store_int.h"

typedef struct file_job {
    ev_import *imp;
    ev_error *err;
    ev_import_summary *out;
    ev_warn_fn warn;
    ev_progress_fn progress;
    void *payload;
} file_job;

/* Keep the summary's counts current, so a progress callback that can see
 * the summary may show records (the parser reports bytes). */
static void update_counts(file_job *job)
{
    ev__store_import_counts(job->imp, &job->out->added, &job->out->replaced,
                            &job->out->deleted);
    job->out->parse.records = job->out->added + job->out->replaced;
}

static ev_status on_record(ev_record *rec, void *payload)
{
    file_job *job = payload;
    return ev_store_import_add(job->imp, rec, NULL, job->err);
}

static ev_status on_deleted(const char *pmid, void *payload)
{
    file_job *job = payload;
    return ev_store_import_delete(job->imp, pmid, job->err);
}

static void on_warn(const ev_error *w, void *payload)
{
    file_job *job = payload;
    if (job->warn)
        job->warn(w, job->payload);
}

static bool on_progress(uint64_t done, uint64_t total, void *payload)
{
    file_job *job = payload;
    update_counts(job);
    return job->progress ? job->progress(done, total, job->payload) : true;
}

static ev_status parse_into(file_job *job, const char *path, const ev_parse_options *opts,
                            ev_sha256 *hash)
{
    ev_parse_sink sink = {
        .record = on_record,
        .deleted = on_deleted,
        .warn = on_warn,
        .progress = on_progress,
        .payload = job,
    };
    ev_parse_stats stats;
    memset(&stats, 0, sizeof stats);
    ev_parse_options o = opts ? *opts : (ev_parse_options)EV_PARSE_OPTIONS_INIT;
    o.sha256 = hash;
    ev_status st = ev_parse_file(path, &o, &sink, &stats, job->err);
    update_counts(job);
    job->out->parse = stats;
    if (st == EV_OK)
        ev__store_import_set_stats(job->imp, &stats);
    if (st == EV_OK && hash) {
        if (stats.sha256_whole) /* else compressed: a second pass */
            ev_sha256_final_hex(hash, job->out->sha256);
        else
            st = ev_sha256_file(job->out->sha256, path, job->err);
    }
    return st;
}

ev_status ev_store_import_file(ev_store *s, const char *path, const ev_import_info *info,
                               const ev_parse_options *opts, ev_warn_fn warn,
                               ev_progress_fn progress, void *payload, ev_import_summary *out,
                               ev_error *err)
{
    ev_import_summary local;
    if (out == NULL)
        out = &local;
    memset(out, 0, sizeof *out);
    ev_import_info inf = info ? *info : (ev_import_info){0};
    if (inf.file_name == NULL)
        inf.file_name = path;
    ev_sha256 *hash = NULL;
    if (inf.sha256 == NULL) { /* hashed while parsing, checked before commit */
        hash = ev_sha256_new();
        if (hash == NULL)
            return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    } else {
        snprintf(out->sha256, sizeof out->sha256, "%s", inf.sha256);
    }
    ev_import *imp = NULL;
    ev_status st = ev_store_import_begin(s, &imp, &inf, err);
    if (st != EV_OK) {
        ev_sha256_free(hash);
        return st;
    }
    file_job job = {imp, err, out, warn, progress, payload};
    st = parse_into(&job, path, opts, hash);
    bool hashed_here = hash != NULL;
    ev_sha256_free(hash);
    if (st == EV_OK && hashed_here)
        st = ev__store_import_set_sha256(imp, out->sha256, inf.force, err);
    if (st != EV_OK) {
        ev_store_import_abort(imp);
        out->added = out->replaced = out->deleted = 0;
        return st;
    }
    return ev_store_import_commit(imp, &out->import_id, err);
}
