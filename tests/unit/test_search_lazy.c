/* test_search_lazy.c - an index read back from the review's cache decodes its
 * long posting lists only when a query first needs them: same counts as the
 * Biopython reference (mesh_papers_expected.tsv) and the same ids as a fresh
 * build; a damaged list row fails the search and the next open rebuilds. */
#include <setjmp.h>
#include <cmocka.h>

#include "evident/ev_formats.h"
#include "evident/ev_search.h"
#include "evident/ev_store.h"
#include "test_util.h"

#define FIX EV_SOURCE_DIR "/tests/fixtures/search/"
#define ROWS "4294967296" /* part number of the first long list row */

/* Queries beyond the reference file that reach long lists, wildcards,
 * phrases, proximity, values and dates. */
static const char *const extra[] = {
    "the[tiab]",
    "medi*[tiab]",
    "\"of the\"[tiab]",
    "\"medical subject\"[tiab:~2]",
    "humans[mh]",
    "journal article[pt]",
    "english[la]",
    "2010:2020[dp]",
    "pubmed[tiab] AND mesh[ti] NOT humans[mh]",
    "subject headings[mh]",
    "wang*[au]",
};
#define N_EXTRA (sizeof extra / sizeof extra[0])

typedef struct world {
    char path[64];
    ev_store *st;
    ev_mesh *mesh;
    char *q[64];    /* reference queries, then the extra ones */
    long want[64];  /* reference count, -1 for the extra ones */
    size_t n;
} world;

static void read_reference(world *w)
{
    FILE *f = fopen(FIX "mesh_papers_expected.tsv", "r");
    assert_non_null(f);
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || tab == NULL)
            continue;
        *tab = '\0';
        tab[1 + strcspn(tab + 1, "\r\n")] = '\0';
        assert_true(ev_parse_long(tab + 1, &w->want[w->n]));
        w->q[w->n++] = ev_strdup(line);
    }
    fclose(f);
    assert_int_equal(w->n, 15);
    for (size_t i = 0; i < N_EXTRA; i++) {
        w->want[w->n] = -1;
        w->q[w->n++] = ev_strdup(extra[i]);
    }
}

static int setup(void **state)
{
    world *w = ev_calloc(1, sizeof *w);
    ev_error err = EV_ERROR_INIT;
    snprintf(w->path, sizeof w->path, "/tmp/ev_search_lazy_XXXXXX");
    int fd = mkstemp(w->path);
    assert_true(fd >= 0);
    close(fd);
    remove(w->path);
    assert_int_equal(ev_store_create(&w->st, w->path, "lazy test", &err), EV_OK);
    ev_import_info info = {.source = "PubMed"};
    ev_import_summary sum;
    if (ev_store_import_file(w->st, FIX "mesh_papers.nbib", &info, NULL, NULL, NULL, NULL, &sum,
                             &err) != EV_OK)
        fail_msg("%s", err.message);
    assert_int_equal(ev_mesh_load(&w->mesh, EV_SOURCE_DIR "/data/mesh/mesh2024.tsv", &err),
                     EV_OK);
    read_reference(w);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    for (size_t i = 0; i < w->n; i++)
        ev_free(w->q[i]);
    ev_mesh_free(w->mesh);
    ev_store_free(w->st);
    test_remove_review(w->path);
    ev_free(w);
    return 0;
}

static ev_search_index *open_ix(world *w, bool want_cached)
{
    ev_search_index *ix = NULL;
    ev_error err = EV_ERROR_INIT;
    bool cached = !want_cached;
    if (ev_search_index_open(&ix, w->st, w->mesh, "bundled", true, NULL, NULL, &cached, &err) !=
        EV_OK)
        fail_msg("%s", err.message);
    assert_int_equal(cached, want_cached);
    return ix;
}

static int64_t scalar(world *w, const char *sql)
{
    ev_stmt *q = NULL;
    bool row = false;
    assert_int_equal(ev_stmt_prepare(w->st, &q, sql, NULL), EV_OK);
    assert_int_equal(ev_stmt_step(q, &row, NULL), EV_OK);
    assert_true(row);
    int64_t v = ev_stmt_int(q, 0);
    ev_stmt_free(q);
    return v;
}

/* Run every query on ix; out[i] gets its ids as text ("" when none). */
static void run_all(world *w, ev_search_index *ix, ev_buf *out)
{
    ev_search_session *s = NULL;
    assert_int_equal(ev_search_session_new(&s, ix), EV_OK);
    for (size_t i = 0; i < w->n; i++) {
        const ev_search_result *r = NULL;
        ev_error err = EV_ERROR_INIT;
        if (ev_search_run(s, w->q[i], &r, &err) != EV_OK)
            fail_msg("'%s': %s", w->q[i], err.message);
        if (w->want[i] >= 0 && (long)r->count != w->want[i])
            fail_msg("'%s': evident %zu, reference %ld", w->q[i], r->count, w->want[i]);
        ev_buf_init(&out[i], EV_BUF_DEFAULT_MAX);
        assert_int_equal(ev_buf_putc(&out[i], ' '), EV_OK);
        for (size_t j = 0; j < r->count; j++)
            assert_int_equal(ev_buf_printf(&out[i], "%lld ", (long long)r->ids[j]), EV_OK);
    }
    ev_search_session_free(s);
}

static void same_results(world *w, ev_buf *a, ev_buf *b)
{
    for (size_t i = 0; i < w->n; i++) {
        if (strcmp(ev_buf_cstr(&a[i]), ev_buf_cstr(&b[i])) != 0)
            fail_msg("'%s': fresh [%s], cached [%s]", w->q[i], ev_buf_cstr(&a[i]),
                     ev_buf_cstr(&b[i]));
        ev_buf_release(&a[i]);
        ev_buf_release(&b[i]);
    }
}

static void lazily_loaded_index_matches_a_fresh_build(void **state)
{
    world *w = *state;
    ev_buf fresh[64], cached[64];
    ev_search_index *ix = open_ix(w, false);
    run_all(w, ix, fresh);
    ev_search_index_free(ix);
    /* the fixture is large enough for long lists in rows of their own */
    assert_true(scalar(w, "SELECT count(*) FROM search_index WHERE part >= " ROWS) > 10);
    assert_int_equal(scalar(w, "SELECT count(*) FROM search_index WHERE part < " ROWS), 1);
    ix = open_ix(w, true);
    assert_int_equal(ev_search_index_docs(ix), 284);
    run_all(w, ix, cached);
    same_results(w, fresh, cached);
    /* a second pass over the now decoded lists */
    run_all(w, ix, fresh);
    ev_search_index_free(ix);
    ix = open_ix(w, true);
    run_all(w, ix, cached);
    same_results(w, fresh, cached);
    ev_search_index_free(ix);
}

static void damaged_list_row_fails_the_search_then_rebuilds(void **state)
{
    world *w = *state;
    const char *damage[] = {
        "UPDATE search_index SET data = x'00' || substr(data, 2) WHERE part >= " ROWS,
        "UPDATE search_index SET data = substr(data, 1, length(data) - 1) WHERE part >= " ROWS,
        "DELETE FROM search_index WHERE part >= " ROWS,
    };
    ev_buf fresh[64], again[64];
    ev_search_index *ix = open_ix(w, false);
    run_all(w, ix, fresh);
    ev_search_index_free(ix);
    for (size_t i = 0; i < sizeof damage / sizeof damage[0]; i++) {
        ev_error err = EV_ERROR_INIT;
        assert_int_equal(ev_store_exec(w->st, damage[i], &err), EV_OK);
        ix = open_ix(w, true); /* the head is intact */
        ev_search_session *s = NULL;
        const ev_search_result *r = NULL;
        assert_int_equal(ev_search_session_new(&s, ix), EV_OK);
        assert_int_equal(ev_search_run(s, "the[tiab]", &r, &err), EV_EINPUT);
        assert_non_null(strstr(err.message, "damaged"));
        ev_search_session_free(s);
        ev_search_index_free(ix);
        ix = open_ix(w, false); /* rebuilt and saved again */
        ev_search_index_free(ix);
        ix = open_ix(w, true);
        run_all(w, ix, again);
        ev_search_index_free(ix);
        for (size_t j = 0; j < w->n; j++)
            assert_string_equal(ev_buf_cstr(&fresh[j]), ev_buf_cstr(&again[j]));
        for (size_t j = 0; j < w->n; j++)
            ev_buf_release(&again[j]);
    }
    for (size_t j = 0; j < w->n; j++)
        ev_buf_release(&fresh[j]);
}

static ev_status add_rec(ev_record *rec, void *payload)
{
    ev_search_index *ix = payload;
    return ev_search_index_add(ix, 1000 + (ev_id)ev_search_index_docs(ix), rec);
}

/* ix[0]: the index read back from the review's cache (written by a first
 * open); ix[1]: a fresh index built from the same records. */
static void open_cached_and_fresh(world *w, ev_search_index *ix[2])
{
    ev_error err = EV_ERROR_INIT;
    ix[0] = open_ix(w, false);
    ev_search_index_free(ix[0]);
    ix[0] = open_ix(w, true);
    assert_int_equal(ev_search_index_from_store(&ix[1], w->st, w->mesh, NULL, NULL, &err),
                     EV_OK);
}

/* Records added to a cached index (its lists all decoded first) are found
 * like records added to a fresh one. */
static void records_added_to_a_cached_index(void **state)
{
    world *w = *state;
    ev_search_index *ix[2] = {NULL, NULL};
    open_cached_and_fresh(w, ix);
    ev_error err = EV_ERROR_INIT;
    ev_buf got[2][64];
    for (int k = 0; k < 2; k++) {
        ev_parse_sink sink = {.record = add_rec, .payload = ix[k]};
        if (ev_parse_file(FIX "seed_records.nbib", NULL, &sink, NULL, &err) != EV_OK)
            fail_msg("%s", err.message);
        assert_int_equal(ev_search_index_docs(ix[k]), 284 + 12);
        long keep[64];
        memcpy(keep, w->want, sizeof keep);
        for (size_t i = 0; i < w->n; i++)
            w->want[i] = -1; /* counts now include the seed records */
        run_all(w, ix[k], got[k]);
        memcpy(w->want, keep, sizeof keep);
        ev_search_index_free(ix[k]);
    }
    same_results(w, got[0], got[1]);
}

static ev_status add_again(ev_record *rec, void *payload)
{
    static ev_id next = 100000; /* ids must grow; the documents must not */
    return ev_search_index_add(payload, next++, rec);
}

/* A cached index hashes its PMID table only when records are added: a
 * record whose PMID it holds joins that document, as in a fresh index. */
static void known_pmids_join_their_documents_in_a_cached_index(void **state)
{
    world *w = *state;
    ev_search_index *ix[2] = {NULL, NULL};
    open_cached_and_fresh(w, ix);
    ev_error err = EV_ERROR_INIT;
    ev_buf got[2][64];
    for (int k = 0; k < 2; k++) {
        ev_parse_sink sink = {.record = add_again, .payload = ix[k]};
        if (ev_parse_file(FIX "mesh_papers.nbib", NULL, &sink, NULL, &err) != EV_OK)
            fail_msg("%s", err.message);
        assert_int_equal(ev_search_index_docs(ix[k]), 284);
        run_all(w, ix[k], got[k]);
        ev_search_index_free(ix[k]);
    }
    same_results(w, got[0], got[1]);
}

/* The fingerprint counts all records, tombstones included (cheap): a
 * MEDLINE DeleteCitation still invalidates the cache, through its import. */
static void delete_citation_rebuilds_the_cached_index(void **state)
{
    world *w = *state;
    ev_search_index *ix = open_ix(w, false);
    ev_search_index_free(ix);
    ix = open_ix(w, true);
    assert_int_equal(ev_search_index_docs(ix), 284);
    ev_search_index_free(ix);
    ev_import *imp = NULL;
    ev_import_info info = {.file_name = "update.xml", .sha256 = "d1"};
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_import_begin(w->st, &imp, &info, &err), EV_OK);
    assert_int_equal(ev_store_import_delete(imp, "28422961", &err), EV_OK);
    assert_int_equal(ev_store_import_commit(imp, NULL, &err), EV_OK);
    ix = open_ix(w, false);
    assert_int_equal(ev_search_index_docs(ix), 283);
    ev_search_index_free(ix);
    ix = open_ix(w, true);
    assert_int_equal(ev_search_index_docs(ix), 283);
    ev_search_index_free(ix);
}

/* ev_store_blob_read (how the head is read) gives the bytes ev_stmt_blob
 * gives, and refuses a range past the end or a missing row. */
static void blob_reads_match_the_column_and_refuse_bad_ranges(void **state)
{
    world *w = *state;
    ev_search_index_free(open_ix(w, false));
    ev_stmt *q = NULL;
    bool row = false;
    assert_int_equal(ev_stmt_prepare(w->st, &q, "SELECT data FROM search_index WHERE part = 0",
                                     NULL), EV_OK);
    assert_int_equal(ev_stmt_step(q, &row, NULL), EV_OK);
    assert_true(row);
    size_t n = ev_stmt_bytes(q, 0);
    assert_true(n > 1000);
    char *buf = ev_malloc(n);
    ev_error err = EV_ERROR_INIT;
    assert_int_equal(ev_store_blob_read(w->st, "search_index", "data", 0, 0, buf, n, &err),
                     EV_OK);
    assert_memory_equal(buf, ev_stmt_blob(q, 0), n);
    assert_int_equal(ev_store_blob_read(w->st, "search_index", "data", 0, 10, buf, 20, &err),
                     EV_OK);
    assert_memory_equal(buf, (const char *)ev_stmt_blob(q, 0) + 10, 20);
    ev_stmt_free(q);
    assert_int_equal(ev_store_blob_read(w->st, "search_index", "data", 0, n - 5, buf, 6, &err),
                     EV_EINPUT);
    ev_error err2 = EV_ERROR_INIT;
    assert_int_equal(ev_store_blob_read(w->st, "search_index", "data", 77, 0, buf, 1, &err2),
                     EV_EINPUT);
    assert_non_null(strstr(err2.message, "row 77"));
    ev_free(buf);
}

/* Flip bit 0 of byte `at` of the head (from the end when negative): varints
 * keep their shape, so only the checksum can tell. */
static void flip_head_bit(world *w, long at)
{
    ev_stmt *q = NULL, *u = NULL;
    bool row = false;
    assert_int_equal(ev_stmt_prepare(w->st, &q, "SELECT data FROM search_index WHERE part = 0",
                                     NULL), EV_OK);
    assert_int_equal(ev_stmt_step(q, &row, NULL), EV_OK);
    assert_true(row);
    size_t n = ev_stmt_bytes(q, 0), k = at < 0 ? n - (size_t)-at : (size_t)at;
    unsigned char *b = ev_malloc(n);
    memcpy(b, ev_stmt_blob(q, 0), n);
    ev_stmt_free(q);
    b[k] ^= 1;
    assert_int_equal(ev_stmt_prepare(w->st, &u, "UPDATE search_index SET data = ? WHERE part = 0",
                                     NULL), EV_OK);
    assert_int_equal(ev_stmt_bind_blob(u, 1, b, n), EV_OK);
    assert_int_equal(ev_stmt_step(u, &row, NULL), EV_OK);
    ev_stmt_free(u);
    ev_free(b);
}

/* One flipped bit anywhere in the head (documents, the words summed in
 * lanes, the bytes after the last whole word) and the cache is rebuilt. */
static void one_flipped_bit_in_the_head_rebuilds(void **state)
{
    world *w = *state;
    const long at[] = {40, 41, 1001, -1, -9, -20, -33};
    ev_buf fresh[64], again[64];
    ev_search_index *ix = open_ix(w, false);
    run_all(w, ix, fresh);
    ev_search_index_free(ix);
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        flip_head_bit(w, at[i]);
        ix = open_ix(w, false); /* rebuilt and saved again */
        ev_search_index_free(ix);
        ix = open_ix(w, true);
        run_all(w, ix, again);
        ev_search_index_free(ix);
        for (size_t j = 0; j < w->n; j++) {
            assert_string_equal(ev_buf_cstr(&fresh[j]), ev_buf_cstr(&again[j]));
            ev_buf_release(&again[j]);
        }
    }
    for (size_t j = 0; j < w->n; j++)
        ev_buf_release(&fresh[j]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(lazily_loaded_index_matches_a_fresh_build, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(damaged_list_row_fails_the_search_then_rebuilds, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(records_added_to_a_cached_index, setup, teardown),
        cmocka_unit_test_setup_teardown(known_pmids_join_their_documents_in_a_cached_index, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(delete_citation_rebuilds_the_cached_index, setup, teardown),
        cmocka_unit_test_setup_teardown(blob_reads_match_the_column_and_refuse_bad_ranges, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(one_flipped_bit_in_the_head_rebuilds, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
