/*
 * review.c - deduplication of a review file: the module's tables, runs that
 * compare new records against all, people's decisions, undo, and the counts
 * PRISMA needs. The pairs table is the truth: clusters are rebuilt from its
 * "same" (decided) and "auto" pairs after every change, so any decision can
 * be reversed by another and nothing is lost.
 */
#include "dedup_int.h"

#include "review_int.h"

static const char *const schema[] = {
    /* 1: pairs, records seen by a run, cluster membership */
    "CREATE TABLE dedup_seen(record_id INTEGER PRIMARY KEY, run INTEGER NOT NULL);"
    "CREATE TABLE dedup_runs(id INTEGER PRIMARY KEY, at TEXT NOT NULL DEFAULT "
    " (strftime('%Y-%m-%dT%H:%M:%SZ','now')), auto_merge REAL NOT NULL, review REAL NOT NULL,"
    " new_records INTEGER NOT NULL, pairs INTEGER NOT NULL);"
    "CREATE TABLE dedup_pairs(id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b INTEGER NOT NULL,"
    " score REAL NOT NULL, reasons INTEGER NOT NULL, status TEXT NOT NULL CHECK (status IN"
    " ('auto','pending','same','different','related')), run INTEGER, decided_by TEXT,"
    " decided_at TEXT, UNIQUE(a, b));"
    "CREATE INDEX dedup_pairs_status ON dedup_pairs(status, score);"
    "CREATE TABLE dedup_members(record_id INTEGER PRIMARY KEY, cluster INTEGER NOT NULL);"
    "CREATE INDEX dedup_members_cluster ON dedup_members(cluster);",
    /* 2: what re-clustering needs of each record, so a decision does not
     * load and normalise every record again */
    "ALTER TABLE dedup_seen ADD COLUMN doi TEXT;"
    "ALTER TABLE dedup_seen ADD COLUMN pmid TEXT;"
    "ALTER TABLE dedup_seen ADD COLUMN completeness INTEGER NOT NULL DEFAULT 0;",
};

ev_status ev__dedup_schema(ev_store *s, ev_error *err)
{
    return ev_store_ensure_schema(s, "dedup", schema, sizeof schema / sizeof schema[0], err);
}

/* ---- loading the review into an engine ------------------------------------- */

static int cmp_id(const void *x, const void *y)
{
    ev_id a = *(const ev_id *)x, b = *(const ev_id *)y;
    return (a > b) - (a < b);
}

static bool id_in(const ev_id *v, size_t n, ev_id id)
{
    return n && bsearch(&id, v, n, sizeof *v, cmp_id) != NULL;
}

ev_status ev__dedup_collect_ids(ev_stmt *st, ev_id **out, size_t *n, ev_error *err)
{
    size_t cap = 0;
    bool row = false;
    ev_status rc;
    while ((rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            ev_id *v = ev_reallocarray(*out, cap, sizeof *v);
            if (v == NULL)
                return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
            *out = v;
        }
        (*out)[(*n)++] = ev_stmt_int(st, 0);
    }
    return rc;
}

/* Ids of one integer column, sorted. */
static ev_status load_ids(ev_store *s, const char *sql, ev_id **out, size_t *n, ev_error *err)
{
    ev_stmt *st = NULL;
    *out = NULL;
    *n = 0;
    ev_status rc = ev_stmt_prepare(s, &st, sql, err);
    if (rc == EV_OK)
        rc = ev__dedup_collect_ids(st, out, n, err);
    ev_stmt_free(st);
    if (rc == EV_OK && *n)
        qsort(*out, *n, sizeof **out, cmp_id);
    return rc;
}

typedef struct loader {
    ev__dedup_view *v;
    const ev_id *seen;
    size_t n_seen;
} loader;

static ev_status push_id(ev__dedup_view *v, ev_id id);

static ev_status visit(ev_id id, const ev_record *rec, void *payload)
{
    loader *l = payload;
    ev__dedup_view *v = l->v;
    bool is_new = !id_in(l->seen, l->n_seen, id);
    v->new_records += is_new;
    ev_status st = push_id(v, id);
    return st == EV_OK ? ev_dedup_add(v->d, rec, 0, is_new, NULL) : st;
}

ev_status ev__dedup_view_load(ev_store *s, const ev_dedup_config *cfg, ev__dedup_view *v,
                              ev_error *err)
{
    memset(v, 0, sizeof *v);
    ev_id *seen = NULL;
    size_t n_seen = 0;
    ev_status st = ev_dedup_new(&v->d, cfg, err);
    if (st == EV_OK)
        st = load_ids(s, "SELECT record_id FROM dedup_seen", &seen, &n_seen, err);
    loader l = {v, seen, n_seen};
    if (st == EV_OK)
        st = ev_store_records_foreach(s, visit, &l, err);
    if (st == EV_ENOMEM)
        ev_error_set(err, st, NULL, 0, 0, "out of memory while loading records");
    ev_free(seen);
    return st;
}

void ev__dedup_view_release(ev__dedup_view *v)
{
    ev_dedup_free(v->d);
    ev_free(v->ids);
    ev_free(v->cluster_of);
    memset(v, 0, sizeof *v);
}

static ev_status push_id(ev__dedup_view *v, ev_id id)
{
    if (v->n_ids == v->cap_ids) {
        size_t cap = v->cap_ids ? v->cap_ids * 2 : 1024;
        ev_id *ids = ev_reallocarray(v->ids, cap, sizeof *ids);
        if (ids == NULL)
            return EV_ENOMEM;
        v->ids = ids;
        v->cap_ids = cap;
    }
    v->ids[v->n_ids++] = id;
    return EV_OK;
}

/* The light view: the records some run has seen and that are still live
 * (the store's records table: id, deleted), with only what clustering
 * needs. Records imported since the last run have no pairs yet, so they
 * are singletons either way. */
ev_status ev__dedup_view_load_light(ev_store *s, ev__dedup_view *v, ev_error *err)
{
    ev_stmt *st = NULL;
    bool row = false;
    memset(v, 0, sizeof *v);
    ev_status rc = ev_dedup_new(&v->d, NULL, err);
    if (rc == EV_OK)
        rc = ev_stmt_prepare(s, &st,
                             "SELECT s.record_id, s.doi, s.pmid, s.completeness FROM dedup_seen s "
                             "JOIN records r ON r.id = s.record_id WHERE r.deleted = 0 "
                             "ORDER BY s.record_id",
                             err);
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        rc = push_id(v, ev_stmt_int(st, 0));
        if (rc == EV_OK)
            rc = ev__dedup_add_light(v->d, ev_stmt_text(st, 1), ev_stmt_text(st, 2),
                                     (unsigned)ev_stmt_int(st, 3));
        if (rc == EV_ENOMEM)
            rc = ev_error_set(err, rc, NULL, 0, 0, "out of memory while loading clusters");
    }
    ev_stmt_free(st);
    return rc;
}

/* Engine index of a record id (ids are loaded in ascending order). */
bool ev__dedup_view_index(const ev__dedup_view *v, ev_id id, size_t *out)
{
    const ev_id *p = v->n_ids ? bsearch(&id, v->ids, v->n_ids, sizeof id, cmp_id) : NULL;
    if (p)
        *out = (size_t)(p - v->ids);
    return p != NULL;
}
