/* test_store.c - review files: create/open/refuse, schema versions, imports
 * (all or nothing, duplicates, MEDLINE update semantics, tombstones), the
 * full-text index, record round trips and statistics. Records are built in
 * code here; test_store_files.c imports real exported files. */
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>

#include "evident/ev_store.h"

#include "store_test_util.h"

static ev_record *make_record(ev_format f, const char *pmid, const char *title, int year)
{
    ev_record *r = ev_record_new();
    assert_non_null(r);
    r->format = f;
    assert_int_equal(ev_record_set(r, &r->pmid, pmid, pmid ? strlen(pmid) : 0), EV_OK);
    assert_int_equal(ev_record_set(r, &r->title, title, title ? strlen(title) : 0), EV_OK);
    r->pub_date.year = year;
    ev_author *a;
    assert_int_equal(ev_record_add_author(r, &a), EV_OK);
    assert_int_equal(ev_record_set(r, &a->family, "Müller", strlen("Müller")), EV_OK);
    assert_int_equal(ev_record_set(r, &a->initials, "JC", 2), EV_OK);
    ev_abstract_section *sec;
    assert_int_equal(ev_record_add_section(r, &sec), EV_OK);
    assert_int_equal(ev_record_set(r, &sec->text, "Platelet-rich plasma injections.", 32),
                     EV_OK);
    ev_mesh_heading *h;
    assert_int_equal(ev_record_add_mesh(r, &h), EV_OK);
    assert_int_equal(ev_record_set(r, &h->name, "Ankle Injuries", 14), EV_OK);
    r->raw = "PMID- raw text";
    r->raw_len = strlen(r->raw);
    return r;
}

/* Import `n` records in one import; returns the import id. */
static ev_id import_records(ev_store *s, ev_record **recs, size_t n, const char *sha)
{
    ev_import *imp = NULL;
    ev_import_info info = {.source = "PubMed", .file_name = "test.xml", .sha256 = sha};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_import_begin(s, &imp, &info, &err), EV_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ev_store_import_add(imp, recs[i], NULL, &err), EV_OK);
    ev_id id = 0;
    assert_int_equal(ev_store_import_commit(imp, &id, &err), EV_OK);
    return id;
}

static int64_t count_sql(ev_store *s, const char *sql, const char *arg)
{
    ev_stmt *st = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_stmt_prepare(s, &st, sql, &err), EV_OK);
    if (arg)
        assert_int_equal(ev_stmt_bind_text(st, 1, arg, strlen(arg)), EV_OK);
    bool row = false;
    assert_int_equal(ev_stmt_step(st, &row, &err), EV_OK);
    assert_true(row);
    int64_t v = ev_stmt_int(st, 0);
    ev_stmt_free(st);
    return v;
}

static int64_t fts_hits(ev_store *s, const char *match)
{
    return count_sql(s, "SELECT count(*) FROM records_fts WHERE records_fts MATCH ?1", match);
}

static void create_then_open_keeps_title(void **state)
{
    test_dir *d = *state;
    char *path = test_path(d, "a.evident");
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "Ankle review", &err), EV_OK);
    ev_store_free(s);
    assert_int_equal(ev_store_open(&s, path, 0, &err), EV_OK);
    char *title = NULL;
    assert_int_equal(ev_store_meta_get(s, "title", &title, &err), EV_OK);
    assert_string_equal(title, "Ankle review");
    ev_free(title);
    ev_stmt *st = NULL;
    bool row;
    assert_int_equal(ev_stmt_prepare(s, &st, "PRAGMA journal_mode", &err), EV_OK);
    assert_int_equal(ev_stmt_step(st, &row, &err), EV_OK);
    assert_string_equal(ev_stmt_text(st, 0), "wal");
    ev_stmt_free(st);
    ev_store_free(s);
    ev_free(path);
}

static void create_refuses_an_existing_file(void **state)
{
    test_dir *d = *state;
    char *path = test_path(d, "b.evident");
    test_write(path, "hello", 5);
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "x", &err), EV_EREFUSED);
    assert_null(s);
    ev_free(path);
}

static void open_missing_file_is_not_found(void **state)
{
    test_dir *d = *state;
    char *path = test_path(d, "missing.evident");
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_open(&s, path, 0, &err), EV_ENOTFOUND);
    assert_null(s);
    ev_free(path);
}

static void open_refuses_files_that_are_not_reviews(void **state)
{
    test_dir *d = *state;
    const char *names[] = {"text.evident", "empty.evident", "plain.sqlite"};
    char *p0 = test_path(d, names[0]), *p1 = test_path(d, names[1]), *p2 = test_path(d, names[2]);
    test_write(p0, "TY  - JOUR\nER  - \n", 18);
    test_write(p1, "", 0);
    test_make_plain_sqlite(p2);
    char *paths[] = {p0, p1, p2};
    for (size_t i = 0; i < 3; i++) {
        ev_store *s = NULL;
        ev_error err = EV_ERROR_INIT;
        assert_int_equal(ev_store_open(&s, paths[i], 0, &err), EV_EINPUT);
        assert_string_equal(err.message, "not an evident review");
        assert_null(s);
        ev_free(paths[i]);
    }
}

static void open_refuses_a_newer_schema(void **state)
{
    test_dir *d = *state;
    char *path = test_path(d, "newer.evident");
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "t", &err), EV_OK);
    assert_int_equal(
        ev_store_exec(s, "UPDATE schema_versions SET version = 99 WHERE module = 'store'", &err),
        EV_OK);
    ev_store_free(s);
    assert_int_equal(ev_store_open(&s, path, 0, &err), EV_ENEWER);
    assert_non_null(strstr(err.message, "was written by a newer evident (store schema 99, "
                                        "this build knows 2): upgrade evident"));
    ev_free(path);
}

static void newer_module_schema_names_the_module(void **state)
{
    test_dir *d = *state;
    char *path = test_path(d, "newmod.evident");
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "t", &err), EV_OK);
    assert_int_equal(ev_store_exec(s,
                                   "INSERT INTO schema_versions(module, version) "
                                   "VALUES ('dedup', 5)",
                                   &err),
                     EV_OK);
    const char *steps[] = {"CREATE TABLE dedup_x(a)"};
    assert_int_equal(ev_store_ensure_schema(s, "dedup", steps, 1, &err), EV_ENEWER);
    assert_non_null(strstr(err.message, "(dedup schema 5, this build knows 1)"));
    ev_store_free(s);
    ev_free(path);
}

static void readonly_open_does_not_migrate(void **state)
{
    test_dir *d = *state;
    char *path = test_path(d, "romig.evident");
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "t", &err), EV_OK);
    ev_store_free(s);
    assert_int_equal(ev_store_open(&s, path, EV_STORE_READONLY, &err), EV_OK);
    const char *steps[] = {"CREATE TABLE screen_x(a)"};
    assert_int_equal(ev_store_ensure_schema(s, "screen", steps, 1, &err), EV_EIO);
    assert_non_null(strstr(err.message, "open it for writing once"));
    ev_store_free(s);
    ev_free(path);
}

static void module_schema_runs_each_step_once(void **state)
{
    test_dir *d = *state;
    char *path = test_path(d, "mod.evident");
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "t", &err), EV_OK);
    const char *v1[] = {"CREATE TABLE dd_a(x)"};
    const char *v2[] = {"CREATE TABLE dd_a(x)", "CREATE TABLE dd_b(y)"};
    assert_int_equal(ev_store_ensure_schema(s, "dd", v1, 1, &err), EV_OK);
    assert_int_equal(ev_store_ensure_schema(s, "dd", v1, 1, &err), EV_OK);
    assert_int_equal(ev_store_ensure_schema(s, "dd", v2, 2, &err), EV_OK);
    assert_int_equal(count_sql(s, "SELECT version FROM schema_versions WHERE module = ?1", "dd"),
                     2);
    assert_int_equal(ev_store_ensure_schema(s, "dd", v1, 1, &err), EV_ENEWER);
    /* a failing step leaves nothing behind */
    const char *bad[] = {"CREATE TABLE zz_a(x)", "CREATE TABLE zz_a(x)"};
    ev_error_clear(&err);
    assert_int_equal(ev_store_ensure_schema(s, "zz", bad, 2, &err), EV_EINTERNAL);
    assert_int_equal(count_sql(s, "SELECT count(*) FROM sqlite_master WHERE name = ?1", "zz_a"),
                     0);
    ev_store_free(s);
    ev_free(path);
}

static void imported_record_reads_back_equal(void **state)
{
    test_dir *d = *state;
    char *path = test_path(d, "rt.evident");
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "t", &err), EV_OK);
    ev_record *r = make_record(EV_FORMAT_MEDLINE, "123", "Ankle sprain in athletes", 2017);
    import_records(s, &r, 1, "aa");
    ev_record *back = NULL;
    assert_int_equal(ev_store_record_get(s, 1, &back, &err), EV_OK);
    char why[128];
    assert_true(ev_record_equal(r, back, why, sizeof why));
    assert_int_equal(back->raw_len, r->raw_len);
    assert_memory_equal(back->raw, r->raw, r->raw_len);
    ev_record_free(back);
    assert_int_equal(ev_store_record_get(s, 2, &back, &err), EV_ENOTFOUND);
    /* normalised columns */
    assert_int_equal(count_sql(s, "SELECT count(*) FROM records WHERE title_norm = ?1",
                               "ankle sprain in athletes"),
                     1);
    assert_int_equal(count_sql(s, "SELECT count(*) FROM records WHERE authors_norm = ?1",
                               "muller jc"),
                     1);
    assert_int_equal(
        count_sql(s, "SELECT count(*) FROM records WHERE pub_date = ?1", "2017-00-00"), 1);
    ev_record_free(r);
    ev_store_free(s);
    ev_free(path);
}

static void fts_index_is_normalised(void **state)
{
    test_dir *d = *state;
    char *path = test_path(d, "fts.evident");
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "t", &err), EV_OK);
    ev_record *r = make_record(EV_FORMAT_RIS, NULL, "Über die Sprunggelenk-Verletzung", 2001);
    import_records(s, &r, 1, "bb");
    assert_int_equal(fts_hits(s, "title:uber"), 1);
    assert_int_equal(fts_hits(s, "title:\"sprunggelenk verletzung\""), 1);
    assert_int_equal(fts_hits(s, "abstract:platelet"), 1);
    assert_int_equal(fts_hits(s, "mesh:\"ankle injuries\""), 1);
    assert_int_equal(fts_hits(s, "title:platelet"), 0);
    ev_record_free(r);
    ev_store_free(s);
    ev_free(path);
}

static void pubmed_pmid_replaces_in_place(void **state)
{
    test_dir *d = *state;
    char *path = test_path(d, "upd.evident");
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "t", &err), EV_OK);
    ev_record *old = make_record(EV_FORMAT_MEDLINE_XML, "555", "Old title", 2001);
    ev_record *other = make_record(EV_FORMAT_MEDLINE_XML, "556", "Other", 2001);
    ev_record *batch[] = {old, other};
    ev_id first = import_records(s, batch, 2, "c1");
    ev_record *newer = make_record(EV_FORMAT_MEDLINE_XML, "555", "Corrected title", 2002);
    ev_id second = import_records(s, &newer, 1, "c2");
    ev_store_stats st;
    assert_int_equal(ev_store_stats_get(s, &st, &err), EV_OK);
    assert_int_equal(st.records, 2);
    ev_record *back = NULL;
    assert_int_equal(ev_store_record_get(s, 1, &back, &err), EV_OK);
    assert_string_equal(back->title, "Corrected title");
    ev_record_free(back);
    assert_int_equal(fts_hits(s, "title:old"), 0);
    assert_int_equal(fts_hits(s, "title:corrected"), 1);
    /* seen in both imports; its first import is the first one */
    assert_int_equal(count_sql(s, "SELECT count(*) FROM record_imports WHERE record_id = 1",
                               NULL),
                     2);
    ev_id imp = 0;
    assert_int_equal(ev_store_record_import(s, 1, &imp, &err), EV_OK);
    assert_int_equal(imp, first);
    assert_int_equal(second, 2);
    assert_int_equal(count_sql(s, "SELECT replaced FROM imports WHERE id = 2", NULL), 1);
    ev_record_free(old);
    ev_record_free(other);
    ev_record_free(newer);
    ev_store_free(s);
    ev_free(path);
}

static void other_databases_never_replace_by_pmid(void **state)
{
    test_dir *d = *state;
    char *path = test_path(d, "ris.evident");
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "t", &err), EV_OK);
    ev_record *a = make_record(EV_FORMAT_MEDLINE_XML, "777", "Same paper", 2010);
    ev_record *b = make_record(EV_FORMAT_RIS, "777", "Same paper", 2010);
    import_records(s, &a, 1, "d1");
    import_records(s, &b, 1, "d2");
    ev_store_stats st;
    assert_int_equal(ev_store_stats_get(s, &st, &err), EV_OK);
    assert_int_equal(st.records, 2);
    ev_record_free(a);
    ev_record_free(b);
    ev_store_free(s);
    ev_free(path);
}

static void delete_citation_leaves_a_tombstone(void **state)
{
    test_dir *d = *state;
    char *path = test_path(d, "del.evident");
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "t", &err), EV_OK);
    ev_record *a = make_record(EV_FORMAT_MEDLINE_XML, "900", "Gone soon", 1999);
    import_records(s, &a, 1, "e1");
    ev_import *imp = NULL;
    ev_import_info info = {.file_name = "upd.xml", .sha256 = "e2"};
    assert_int_equal(ev_store_import_begin(s, &imp, &info, &err), EV_OK);
    assert_int_equal(ev_store_import_delete(imp, "900", &err), EV_OK);
    assert_int_equal(ev_store_import_delete(imp, "12345678", &err), EV_OK); /* unknown */
    assert_int_equal(ev_store_import_commit(imp, NULL, &err), EV_OK);
    ev_store_stats st;
    assert_int_equal(ev_store_stats_get(s, &st, &err), EV_OK);
    assert_int_equal(st.records, 0);
    assert_int_equal(st.tombstones, 1);
    assert_int_equal(fts_hits(s, "gone"), 0);
    ev_record *back = NULL;
    assert_int_equal(ev_store_record_get(s, 1, &back, &err), EV_ENOTFOUND);
    /* the PMID coming back revives the same record */
    import_records(s, &a, 1, "e3");
    assert_int_equal(ev_store_stats_get(s, &st, &err), EV_OK);
    assert_int_equal(st.records, 1);
    assert_int_equal(st.tombstones, 0);
    assert_int_equal(fts_hits(s, "gone"), 1);
    ev_record_free(a);
    ev_store_free(s);
    ev_free(path);
}

static void aborted_import_changes_nothing(void **state)
{
    test_dir *d = *state;
    char *path = test_path(d, "abort.evident");
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "t", &err), EV_OK);
    ev_record *a = make_record(EV_FORMAT_RIS, NULL, "Kept", 2000);
    import_records(s, &a, 1, "f1");
    ev_import *imp = NULL;
    ev_import_info info = {.file_name = "bad.ris", .sha256 = "f2"};
    assert_int_equal(ev_store_import_begin(s, &imp, &info, &err), EV_OK);
    for (int i = 0; i < 50; i++)
        assert_int_equal(ev_store_import_add(imp, a, NULL, &err), EV_OK);
    ev_store_import_abort(imp);
    ev_store_stats st;
    assert_int_equal(ev_store_stats_get(s, &st, &err), EV_OK);
    assert_int_equal(st.records, 1);
    assert_int_equal(st.imports, 1);
    assert_int_equal(fts_hits(s, "kept"), 1);
    assert_int_equal(count_sql(s, "SELECT count(*) FROM audit WHERE action = 'import'", NULL), 1);
    ev_record_free(a);
    ev_store_free(s);
    ev_free(path);
}

static void same_file_twice_is_refused_unless_forced(void **state)
{
    test_dir *d = *state;
    char *path = test_path(d, "dup.evident");
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "t", &err), EV_OK);
    ev_record *a = make_record(EV_FORMAT_RIS, NULL, "Once", 2000);
    import_records(s, &a, 1, "same");
    ev_import *imp = NULL;
    ev_import_info info = {.file_name = "again.ris", .sha256 = "same"};
    assert_int_equal(ev_store_import_begin(s, &imp, &info, &err), EV_EREFUSED);
    assert_null(imp);
    assert_non_null(strstr(err.message, "already imported as import 1 on "));
    info.force = true;
    assert_int_equal(ev_store_import_begin(s, &imp, &info, &err), EV_OK);
    assert_int_equal(ev_store_import_commit(imp, NULL, &err), EV_OK);
    ev_store_stats st;
    assert_int_equal(ev_store_stats_get(s, &st, &err), EV_OK);
    assert_int_equal(st.imports, 2);
    ev_record_free(a);
    ev_store_free(s);
    ev_free(path);
}

static void nested_transactions_roll_back_to_their_begin(void **state)
{
    test_dir *d = *state;
    char *path = test_path(d, "tx.evident");
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "t", &err), EV_OK);
    assert_int_equal(ev_store_begin(s, &err), EV_OK);
    assert_int_equal(ev_store_meta_set(s, "a", "1", &err), EV_OK);
    assert_int_equal(ev_store_begin(s, &err), EV_OK);
    assert_int_equal(ev_store_meta_set(s, "b", "2", &err), EV_OK);
    ev_store_rollback(s);
    assert_int_equal(ev_store_commit(s, &err), EV_OK);
    char *v = NULL;
    assert_int_equal(ev_store_meta_get(s, "a", &v, &err), EV_OK);
    assert_string_equal(v, "1");
    ev_free(v);
    assert_int_equal(ev_store_meta_get(s, "b", &v, &err), EV_OK);
    assert_null(v);
    assert_int_equal(ev_store_commit(s, &err), EV_EINTERNAL);
    ev_store_free(s);
    ev_free(path);
}

/* Handles of one process to one file take turns for the write lock
 * (store.c's writer queue): a read-modify-write per transaction from four
 * threads loses no increment, and no begin waits out its timeout. */
typedef struct counter_job {
    const char *path;
    int ok; /* transactions committed */
} counter_job;

static void *count_up(void *arg)
{
    counter_job *j = arg;
    ev_store *s = NULL;
    if (ev_store_open(&s, j->path, 0, NULL) != EV_OK)
        return NULL;
    for (int i = 0; i < 100; i++) {
        char *v = NULL, next[32];
        if (ev_store_begin(s, NULL) != EV_OK)
            break;
        long n = 0;
        bool read = ev_store_meta_get(s, "counter", &v, NULL) == EV_OK &&
                    (v == NULL || ev_parse_long(v, &n));
        ev_free(v);
        snprintf(next, sizeof next, "%ld", n + 1);
        if (!read || ev_store_meta_set(s, "counter", next, NULL) != EV_OK) {
            ev_store_rollback(s);
            break;
        }
        if (ev_store_commit(s, NULL) != EV_OK)
            break;
        j->ok++;
    }
    ev_store_free(s);
    return NULL;
}

static void writers_of_one_file_take_turns(void **state)
{
    test_dir *d = *state;
    char *path = test_path(d, "turns.evident");
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "t", &err), EV_OK);
    counter_job jobs[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (counter_job){path, 0};
        assert_int_equal(pthread_create(&th[i], NULL, count_up, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(jobs[i].ok, 100);
    }
    char *v = NULL;
    assert_int_equal(ev_store_meta_get(s, "counter", &v, &err), EV_OK);
    assert_string_equal(v, "400");
    ev_free(v);
    /* a rolled-back transaction lets the next writer in at once (a leaked
     * turn would make this begin wait 5 s and fail) */
    ev_store *t = NULL;
    assert_int_equal(ev_store_open(&t, path, 0, &err), EV_OK);
    assert_int_equal(ev_store_begin(s, &err), EV_OK);
    ev_store_rollback(s);
    assert_int_equal(ev_store_begin(t, &err), EV_OK);
    assert_int_equal(ev_store_commit(t, &err), EV_OK);
    ev_store_free(t);
    ev_store_free(s);
    ev_free(path);
}

static void stats_count_what_records_hold(void **state)
{
    test_dir *d = *state;
    char *path = test_path(d, "stats.evident");
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "t", &err), EV_OK);
    ev_record *a = make_record(EV_FORMAT_RIS, NULL, "One", 1995);
    ev_record *b = make_record(EV_FORMAT_RIS, NULL, "Two", 2020);
    ev_record *c = make_record(EV_FORMAT_RIS, NULL, "Three", 0);
    assert_int_equal(ev_record_set(b, &b->doi, "10.1/x", 6), EV_OK);
    c->n_abstract = 0;
    c->n_mesh = 0;
    ev_record *all[] = {a, b, c};
    import_records(s, all, 3, "g1");
    ev_store_stats st;
    assert_int_equal(ev_store_stats_get(s, &st, &err), EV_OK);
    assert_int_equal(st.records, 3);
    assert_int_equal(st.with_doi, 1);
    assert_int_equal(st.with_pmid, 0);
    assert_int_equal(st.with_abstract, 2);
    assert_int_equal(st.with_mesh, 2);
    assert_int_equal(st.without_year, 1);
    assert_int_equal(st.year_min, 1995);
    assert_int_equal(st.year_max, 2020);
    ev_import_row *rows = NULL;
    size_t n = 0;
    assert_int_equal(ev_store_imports_list(s, &rows, &n, &err), EV_OK);
    assert_int_equal(n, 1);
    assert_string_equal(rows[0].source, "PubMed");
    assert_int_equal(rows[0].records, 3);
    assert_int_equal(rows[0].added, 3);
    assert_string_equal(rows[0].format, "ris");
    ev_store_imports_free(rows, n);
    ev_record_free(a);
    ev_record_free(b);
    ev_record_free(c);
    ev_store_free(s);
    ev_free(path);
}

static void readonly_store_refuses_imports(void **state)
{
    test_dir *d = *state;
    char *path = test_path(d, "ro.evident");
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_create(&s, path, "t", &err), EV_OK);
    ev_store_free(s);
    assert_int_equal(ev_store_open(&s, path, EV_STORE_READONLY, &err), EV_OK);
    ev_import *imp = NULL;
    ev_import_info info = {.file_name = "x"};
    assert_int_equal(ev_store_import_begin(s, &imp, &info, &err), EV_EUSAGE);
    ev_store_stats st;
    assert_int_equal(ev_store_stats_get(s, &st, &err), EV_OK);
    ev_store_free(s);
    ev_free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_then_open_keeps_title),
        cmocka_unit_test(create_refuses_an_existing_file),
        cmocka_unit_test(open_missing_file_is_not_found),
        cmocka_unit_test(open_refuses_files_that_are_not_reviews),
        cmocka_unit_test(open_refuses_a_newer_schema),
        cmocka_unit_test(module_schema_runs_each_step_once),
        cmocka_unit_test(newer_module_schema_names_the_module),
        cmocka_unit_test(readonly_open_does_not_migrate),
        cmocka_unit_test(imported_record_reads_back_equal),
        cmocka_unit_test(fts_index_is_normalised),
        cmocka_unit_test(pubmed_pmid_replaces_in_place),
        cmocka_unit_test(other_databases_never_replace_by_pmid),
        cmocka_unit_test(delete_citation_leaves_a_tombstone),
        cmocka_unit_test(aborted_import_changes_nothing),
        cmocka_unit_test(same_file_twice_is_refused_unless_forced),
        cmocka_unit_test(nested_transactions_roll_back_to_their_begin),
        cmocka_unit_test(writers_of_one_file_take_turns),
        cmocka_unit_test(stats_count_what_records_hold),
        cmocka_unit_test(readonly_store_refuses_imports),
    };
    return cmocka_run_group_tests(tests, test_dir_setup, test_dir_teardown);
}
