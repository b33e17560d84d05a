/*
 * import.c - putting records into a review: one import is one transaction
 * (all or nothing), statements prepared once per import and reused for every
 * record, buffers reused across records (no per-record allocation once they
 * have grown), normalised columns and the FTS5 index filled as records arrive.
 *
 * MEDLINE update semantics (NLM's baseline/update files): a PubMed record
 * (MEDLINE XML or text) whose PMID is already held by a PubMed record
 * replaces it in place (same id, index refreshed); DeleteCitation PMIDs turn
 * the record into a tombstone. Records from other databases are never
 * replaced by PMID: the same paper exported by Embase and by PubMed is two
 * records until dedup says otherwise, so that per-source counts stay true.
 */
#include "store_int.h"

enum { SQL_FIND, SQL_INSERT, SQL_UPDATE, SQL_FTS_INSERT, SQL_FTS_DELETE, SQL_LINK, SQL_TOMB,
       SQL_COUNT };

static const char *const sql_text[SQL_COUNT] = {
    [SQL_FIND] = "SELECT id FROM records WHERE pmid = ?1 AND format IN ('medline-xml', "
                 "'medline') ORDER BY id LIMIT 1",
    [SQL_INSERT] = "INSERT INTO records(pmid, doi, pmcid, title, title_norm, authors_norm, "
                   "first_author_norm, journal_norm, year, pub_date, format, data, raw, "
                   "has_abstract, has_mesh, deleted) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?15, ?16, 0)",
    [SQL_UPDATE] = "UPDATE records SET pmid = ?1, doi = ?2, pmcid = ?3, title = ?4, "
                   "title_norm = ?5, authors_norm = ?6, first_author_norm = ?7, "
                   "journal_norm = ?8, year = ?9, pub_date = ?10, format = ?11, data = ?12, "
                   "raw = ?13, has_abstract = ?15, has_mesh = ?16, deleted = 0 WHERE id = ?14",
    [SQL_FTS_INSERT] = "INSERT INTO records_fts(rowid, title, abstract, keywords, mesh) "
                       "VALUES (?1, ?2, ?3, ?4, ?5)",
    [SQL_FTS_DELETE] = "DELETE FROM records_fts WHERE rowid = ?1",
    [SQL_LINK] = "INSERT OR IGNORE INTO record_imports(record_id, import_id) VALUES (?1, ?2)",
    [SQL_TOMB] = "UPDATE records SET deleted = 1 WHERE id = ?1 AND deleted = 0",
};

/* Reused text buffers: one per derived column. */
enum { B_DATA, B_TITLE, B_AUTHORS, B_FIRST, B_JOURNAL, B_ABSTRACT, B_KEYWORDS, B_MESH, B_COUNT };

struct ev_import {
    ev_store *s;
    ev_id id;
    sqlite3_stmt *sql[SQL_COUNT];
    ev_buf buf[B_COUNT];
    uint64_t records, added, replaced, deleted, unknown_deleted;
    ev_parse_stats stats; /* from the parser, when known */
    bool has_stats;
    ev_format format; /* of the first record */
    char *file_name, *sha256;
};

static void import_free(ev_import *imp)
{
    for (int i = 0; i < SQL_COUNT; i++)
        sqlite3_finalize(imp->sql[i]);
    for (int i = 0; i < B_COUNT; i++)
        ev_buf_release(&imp->buf[i]);
    ev_free(imp->file_name);
    ev_free(imp->sha256);
    ev_free(imp);
}

void ev_store_import_abort(ev_import *imp)
{
    if (imp == NULL)
        return;
    ev_store_rollback(imp->s);
    import_free(imp);
}

/* ---- begin --------------------------------------------------------------------- */

static ev_status refuse_duplicate(ev_store *s, const ev_import_info *info, ev_error *err)
{
    sqlite3_stmt *st = NULL;
    ev_status ret = ev__store_prepare(
        s, &st, "SELECT id, imported_at, file_name FROM imports WHERE sha256 = ?1 ORDER BY id",
        err);
    if (ret != EV_OK)
        return ret;
    ev__store_bind(st, 1, info->sha256);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *was = (const char *)sqlite3_column_text(st, 2);
        bool same_name = was && info->file_name && strcmp(was, info->file_name) == 0;
        ret = ev_error_set(err, EV_EREFUSED, info->file_name, 0, 0,
                           "already imported as import %lld on %s (same SHA-256%s%s%s)",
                           (long long)sqlite3_column_int64(st, 0),
                           (const char *)sqlite3_column_text(st, 1),
                           same_name || !was ? "" : " as '", same_name || !was ? "" : was,
                           same_name || !was ? "" : "'");
    }
    else if (rc != SQLITE_DONE)
        ret = ev__store_fail(s, err, rc, "cannot read the imports");
    sqlite3_finalize(st);
    return ret;
}

static ev_status insert_import_row(ev_import *imp, const ev_import_info *info, ev_error *err)
{
    sqlite3_stmt *st = NULL;
    char now[32];
    ev_status ret = ev__store_prepare(imp->s, &st,
                                      "INSERT INTO imports(source, searched, strategy, "
                                      "file_name, sha256, imported_at) "
                                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                      err);
    if (ret != EV_OK)
        return ret;
    ev__store_now(now);
    ev__store_bind(st, 1, info->source ? info->source : "unknown");
    ev__store_bind(st, 2, info->searched);
    ev__store_bind(st, 3, info->strategy);
    ev__store_bind(st, 4, info->file_name);
    ev__store_bind(st, 5, info->sha256);
    ev__store_bind(st, 6, now);
    ret = ev__store_run(imp->s, st, "cannot record the import", err);
    sqlite3_finalize(st);
    imp->id = sqlite3_last_insert_rowid(imp->s->db);
    return ret;
}

static ev_status prepare_all(ev_import *imp, ev_error *err)
{
    for (int i = 0; i < SQL_COUNT; i++) {
        ev_status st = ev__store_prepare(imp->s, &imp->sql[i], sql_text[i], err);
        if (st != EV_OK)
            return st;
    }
    sqlite3_bind_int64(imp->sql[SQL_LINK], 2, imp->id);
    return EV_OK;
}

ev_status ev_store_import_begin(ev_store *s, ev_import **out, const ev_import_info *info,
                                ev_error *err)
{
    *out = NULL;
    if (s->flags & EV_STORE_READONLY)
        return ev_error_set(err, EV_EUSAGE, s->path, 0, 0, "the review is open read-only");
    ev_import *imp = ev_calloc(1, sizeof *imp);
    if (imp == NULL)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    imp->s = s;
    for (int i = 0; i < B_COUNT; i++)
        ev_buf_init(&imp->buf[i], 0);
    imp->file_name = ev_strdup(info->file_name);
    imp->sha256 = ev_strdup(info->sha256);
    ev_status st = ev_store_begin(s, err);
    if (st != EV_OK) {
        import_free(imp);
        return st;
    }
    if (info->sha256 && !info->force)
        st = refuse_duplicate(s, info, err);
    if (st == EV_OK)
        st = insert_import_row(imp, info, err);
    if (st == EV_OK)
        st = prepare_all(imp, err);
    if (st != EV_OK) {
        ev_store_import_abort(imp);
        return st;
    }
    *out = imp;
    return EV_OK;
}

/* ---- derived columns --------------------------------------------------------------- */

static ev_status norm(ev_buf *b, const char *s)
{
    return s ? ev_text_normalise(b, s, strlen(s), EV_NORM_DEFAULT) : EV_OK;
}

/* Append normalised `s` to a list column, items separated by " ; ". */
static ev_status norm_item(ev_buf *b, const char *s)
{
    if (s == NULL || *s == '\0')
        return EV_OK;
    size_t before = b->len;
    ev_status st = EV_OK;
    if (before > 0)
        st = ev_buf_append(b, " ; ", 3);
    if (st == EV_OK)
        st = norm(b, s);
    if (st == EV_OK && b->len == before + (before > 0 ? 3 : 0)) { /* normalised to nothing */
        b->len = before;
        b->ptr[before] = '\0';
    }
    return st;
}

static ev_status author_column(ev_import *imp, const ev_record *rec)
{
    ev_buf *all = &imp->buf[B_AUTHORS], *first = &imp->buf[B_FIRST];
    ev_status st = EV_OK;
    for (size_t i = 0; i < rec->n_authors && st == EV_OK; i++) {
        const ev_author *a = &rec->authors[i];
        const char *family = a->collective ? a->collective : a->family;
        if (i == 0)
            st = norm(first, family);
        if (st != EV_OK || family == NULL)
            continue;
        size_t before = all->len;
        st = norm_item(all, family);
        if (st == EV_OK && a->initials && !a->collective && all->len > before) {
            st = ev_buf_putc(all, ' ');
            if (st == EV_OK)
                st = norm(all, a->initials);
        }
    }
    return st;
}

static ev_status text_columns(ev_import *imp, const ev_record *rec)
{
    ev_status st = norm(&imp->buf[B_TITLE], rec->title);
    const char *journal = rec->journal      ? rec->journal
                          : rec->journal_abbrev ? rec->journal_abbrev
                                                : rec->medline_ta;
    if (st == EV_OK)
        st = norm(&imp->buf[B_JOURNAL], journal);
    for (size_t i = 0; i < rec->n_abstract && st == EV_OK; i++)
        st = norm_item(&imp->buf[B_ABSTRACT], rec->abstract[i].text);
    for (size_t i = 0; i < rec->n_keywords && st == EV_OK; i++)
        st = norm_item(&imp->buf[B_KEYWORDS], rec->keywords[i].text);
    for (size_t i = 0; i < rec->n_mesh && st == EV_OK; i++)
        st = norm_item(&imp->buf[B_MESH], rec->mesh[i].name);
    if (st == EV_OK)
        st = author_column(imp, rec);
    if (st == EV_OK) /* the binary form leaves raw out: it has its own column */
        st = ev_record_to_bin(&imp->buf[B_DATA], rec);
    return st;
}

static const char *col(ev_import *imp, int b)
{
    return imp->buf[b].len ? imp->buf[b].ptr : NULL;
}

static int bind_text(sqlite3_stmt *st, int i, const char *v)
{
    return ev__store_bind(st, i, v);
}

/* The source text is kept where a writer can give it back verbatim (the
 * tagged text formats: lossless export in the same format). XML records are
 * kept as their fields only: evident writes no XML, and the XML fragment (with
 * reference lists, often larger than all the fields together) would double
 * the review's size and cost about a fifth of the import time, measured on
 * 20,000 generated MEDLINE XML records. */
static bool keeps_raw(ev_format f)
{
    return f != EV_FORMAT_MEDLINE_XML && f != EV_FORMAT_ENDNOTE_XML;
}

static int bind_record(ev_import *imp, sqlite3_stmt *st, const ev_record *rec, char *date)
{
    const ev_date *d = rec->pub_date.year ? &rec->pub_date : &rec->epub_date;
    int rc = bind_text(st, 1, rec->pmid);
    rc |= bind_text(st, 2, rec->doi);
    rc |= bind_text(st, 3, rec->pmcid);
    rc |= bind_text(st, 4, rec->title);
    rc |= bind_text(st, 5, col(imp, B_TITLE));
    rc |= bind_text(st, 6, col(imp, B_AUTHORS));
    rc |= bind_text(st, 7, col(imp, B_FIRST));
    rc |= bind_text(st, 8, col(imp, B_JOURNAL));
    if (d->year > 0) {
        snprintf(date, 16, "%04d-%02d-%02d", d->year % 10000, d->month % 100, d->day % 100);
        rc |= sqlite3_bind_int(st, 9, d->year);
        rc |= bind_text(st, 10, date);
    } else {
        rc |= sqlite3_bind_null(st, 9);
        rc |= sqlite3_bind_null(st, 10);
    }
    rc |= bind_text(st, 11, ev_format_name(rec->format));
    if (imp->buf[B_DATA].len > INT_MAX)
        return SQLITE_TOOBIG;
    rc |= sqlite3_bind_blob(st, 12, imp->buf[B_DATA].ptr, (int)imp->buf[B_DATA].len,
                            SQLITE_STATIC);
    if (rec->raw == NULL || rec->raw_len > INT_MAX || !keeps_raw(rec->format))
        rc |= sqlite3_bind_null(st, 13);
    else if (ev_utf8_valid(rec->raw, rec->raw_len, NULL))
        rc |= sqlite3_bind_text(st, 13, rec->raw, (int)rec->raw_len, SQLITE_STATIC);
    else /* not UTF-8: keep the bytes exactly */
        rc |= sqlite3_bind_blob(st, 13, rec->raw, (int)rec->raw_len, SQLITE_STATIC);
    rc |= sqlite3_bind_int(st, 15, rec->n_abstract > 0);
    rc |= sqlite3_bind_int(st, 16, rec->n_mesh > 0);
    return rc;
}

/* ---- add / delete ------------------------------------------------------------------- */

static bool is_pubmed(ev_format f)
{
    return f == EV_FORMAT_MEDLINE_XML || f == EV_FORMAT_MEDLINE;
}

/* The id of the PubMed record holding this PMID, 0 if none. */
static ev_status find_pmid(ev_import *imp, const char *pmid, ev_id *out, ev_error *err)
{
    sqlite3_stmt *st = imp->sql[SQL_FIND];
    *out = 0;
    sqlite3_bind_text(st, 1, pmid, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return ev__store_fail(imp->s, err, rc, "cannot look up a pmid");
    return EV_OK;
}

static ev_status write_row(ev_import *imp, const ev_record *rec, ev_id *id, ev_error *err)
{
    char date[16];
    bool replace = *id != 0;
    sqlite3_stmt *st = imp->sql[replace ? SQL_UPDATE : SQL_INSERT];
    if (bind_record(imp, st, rec, date) != SQLITE_OK) {
        sqlite3_clear_bindings(st);
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "cannot bind record values");
    }
    if (replace)
        sqlite3_bind_int64(st, 14, *id);
    ev_status ret = ev__store_run(imp->s, st, "cannot store a record", err);
    sqlite3_clear_bindings(st);
    if (ret != EV_OK)
        return ret;
    if (!replace)
        *id = sqlite3_last_insert_rowid(imp->s->db);
    return EV_OK;
}

static ev_status index_row(ev_import *imp, ev_id id, bool replace, ev_error *err)
{
    ev_status ret = EV_OK;
    if (replace) {
        sqlite3_bind_int64(imp->sql[SQL_FTS_DELETE], 1, id);
        ret = ev__store_run(imp->s, imp->sql[SQL_FTS_DELETE], "cannot update the index", err);
    }
    sqlite3_stmt *st = imp->sql[SQL_FTS_INSERT];
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, col(imp, B_TITLE));
    bind_text(st, 3, col(imp, B_ABSTRACT));
    bind_text(st, 4, col(imp, B_KEYWORDS));
    bind_text(st, 5, col(imp, B_MESH));
    if (ret == EV_OK)
        ret = ev__store_run(imp->s, st, "cannot index a record", err);
    sqlite3_clear_bindings(st);
    if (ret == EV_OK) {
        sqlite3_bind_int64(imp->sql[SQL_LINK], 1, id);
        ret = ev__store_run(imp->s, imp->sql[SQL_LINK], "cannot link a record to its import",
                            err);
    }
    return ret;
}

ev_status ev_store_import_add(ev_import *imp, const ev_record *rec, ev_id *out_id, ev_error *err)
{
    for (int i = 0; i < B_COUNT; i++)
        ev_buf_clear(&imp->buf[i]);
    ev_status st = text_columns(imp, rec);
    if (st != EV_OK)
        return ev_error_set(err, st, NULL, rec->source_line, 0, "cannot prepare a record");
    ev_id id = 0;
    if (rec->pmid && is_pubmed(rec->format))
        st = find_pmid(imp, rec->pmid, &id, err);
    bool replace = id != 0;
    if (st == EV_OK)
        st = write_row(imp, rec, &id, err);
    if (st == EV_OK)
        st = index_row(imp, id, replace, err);
    if (st != EV_OK)
        return st;
    if (imp->records++ == 0)
        imp->format = rec->format;
    if (replace)
        imp->replaced++;
    else
        imp->added++;
    if (out_id)
        *out_id = id;
    return EV_OK;
}

ev_status ev_store_import_delete(ev_import *imp, const char *pmid, ev_error *err)
{
    ev_id id = 0;
    ev_status st = find_pmid(imp, pmid, &id, err);
    if (st != EV_OK)
        return st;
    if (id == 0) {
        imp->unknown_deleted++;
        return EV_OK;
    }
    sqlite3_bind_int64(imp->sql[SQL_TOMB], 1, id);
    st = ev__store_run(imp->s, imp->sql[SQL_TOMB], "cannot delete a record", err);
    if (st != EV_OK)
        return st;
    if (sqlite3_changes(imp->s->db) == 0) { /* already a tombstone */
        imp->unknown_deleted++;
        return EV_OK;
    }
    sqlite3_bind_int64(imp->sql[SQL_FTS_DELETE], 1, id);
    st = ev__store_run(imp->s, imp->sql[SQL_FTS_DELETE], "cannot update the index", err);
    if (st == EV_OK)
        imp->deleted++;
    return st;
}

/* ---- commit ---------------------------------------------------------------------------- */

/* A JSON string for the audit detail (file names may hold quotes). */
static ev_status json_str(ev_buf *b, const char *s)
{
    ev_status st = ev_buf_putc(b, '"');
    for (; s && *s && st == EV_OK; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            st = ev_buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            st = ev_buf_printf(b, "\\u%04x", c);
        else
            st = ev_buf_putc(b, (char)c);
    }
    return st == EV_OK ? ev_buf_putc(b, '"') : st;
}

static ev_status audit_import(ev_import *imp, ev_error *err)
{
    ev_buf *b = &imp->buf[B_DATA];
    ev_buf_clear(b);
    ev_status st = ev_buf_printf(b, "{\"import_id\":%lld,\"file\":", (long long)imp->id);
    if (st == EV_OK)
        st = json_str(b, imp->file_name);
    if (st == EV_OK)
        st = ev_buf_puts(b, ",\"sha256\":");
    if (st == EV_OK)
        st = json_str(b, imp->sha256);
    if (st == EV_OK)
        st = ev_buf_printf(b,
                           ",\"records\":%llu,\"added\":%llu,\"replaced\":%llu,"
                           "\"deleted\":%llu}",
                           (unsigned long long)imp->records, (unsigned long long)imp->added,
                           (unsigned long long)imp->replaced, (unsigned long long)imp->deleted);
    if (st != EV_OK)
        return ev_error_set(err, st, NULL, 0, 0, "out of memory");
    return ev_store_audit(imp->s, "evident", "import", ev_buf_cstr(b), err);
}

static ev_status update_import_row(ev_import *imp, ev_error *err)
{
    sqlite3_stmt *st = NULL;
    ev_status ret = ev__store_prepare(imp->s, &st,
                                      "UPDATE imports SET format = ?1, encoding = ?2, "
                                      "records = ?3, added = ?4, replaced = ?5, deleted = ?6, "
                                      "skipped = ?7, warnings = ?8, bytes = ?9 WHERE id = ?10",
                                      err);
    if (ret != EV_OK)
        return ret;
    const ev_parse_stats *ps = &imp->stats;
    ev_format f = imp->has_stats ? ps->format : imp->format;
    ev__store_bind(st, 1, f == EV_FORMAT_UNKNOWN ? NULL : ev_format_name(f));
    ev__store_bind(st, 2, imp->has_stats ? ps->encoding : NULL);
    sqlite3_bind_int64(st, 3, (int64_t)imp->records);
    sqlite3_bind_int64(st, 4, (int64_t)imp->added);
    sqlite3_bind_int64(st, 5, (int64_t)imp->replaced);
    sqlite3_bind_int64(st, 6, (int64_t)imp->deleted);
    sqlite3_bind_int64(st, 7, (int64_t)ps->skipped);
    sqlite3_bind_int64(st, 8, (int64_t)ps->warnings);
    sqlite3_bind_int64(st, 9, (int64_t)ps->bytes);
    sqlite3_bind_int64(st, 10, imp->id);
    ret = ev__store_run(imp->s, st, "cannot record the import", err);
    sqlite3_finalize(st);
    return ret;
}

void ev__store_import_set_stats(ev_import *imp, const ev_parse_stats *stats)
{
    imp->stats = *stats;
    imp->has_stats = true;
}

ev_status ev__store_import_set_sha256(ev_import *imp, const char *sha256, bool force,
                                      ev_error *err)
{
    ev_import_info info = {.file_name = imp->file_name, .sha256 = sha256};
    ev_status st = force ? EV_OK : refuse_duplicate(imp->s, &info, err);
    sqlite3_stmt *q = NULL;
    if (st == EV_OK)
        st = ev__store_prepare(imp->s, &q, "UPDATE imports SET sha256 = ?1 WHERE id = ?2", err);
    if (st == EV_OK) {
        ev__store_bind(q, 1, sha256);
        sqlite3_bind_int64(q, 2, imp->id);
        st = ev__store_run(imp->s, q, "cannot record the import", err);
    }
    sqlite3_finalize(q);
    char *copy = st == EV_OK ? ev_strdup(sha256) : NULL;
    if (st == EV_OK && copy == NULL)
        st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    if (st == EV_OK) {
        ev_free(imp->sha256);
        imp->sha256 = copy;
    }
    return st;
}

void ev__store_import_counts(const ev_import *imp, uint64_t *added, uint64_t *replaced,
                             uint64_t *deleted)
{
    *added = imp->added;
    *replaced = imp->replaced;
    *deleted = imp->deleted;
}

ev_status ev_store_import_commit(ev_import *imp, ev_id *out_import_id, ev_error *err)
{
    ev_status st = update_import_row(imp, err);
    if (st == EV_OK)
        st = audit_import(imp, err);
    if (st != EV_OK) {
        ev_store_import_abort(imp);
        return st;
    }
    /* Finalize first: a pending statement would keep the write open. */
    for (int i = 0; i < SQL_COUNT; i++) {
        sqlite3_finalize(imp->sql[i]);
        imp->sql[i] = NULL;
    }
    ev_id id = imp->id;
    st = ev_store_commit(imp->s, err); /* rolls back itself on failure */
    import_free(imp);
    if (st == EV_OK && out_import_id)
        *out_import_id = id;
    return st;
}
