/*
 * store.c - opening and creating review files, SQLite error mapping,
 * connection settings, metadata and nested transactions.
 */
#include "store_int.h"

#include <pthread.h>
#include <sys/stat.h>
#include <time.h>

#include "evident/ev_core.h"

/* ---- errors ------------------------------------------------------------------ */

static ev_status status_of(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK: return EV_OK;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return EV_EBUSY;
    case SQLITE_NOMEM: return EV_ENOMEM;
    case SQLITE_NOTADB: return EV_EINPUT;
    case SQLITE_CONSTRAINT: return EV_EREFUSED;
    case SQLITE_INTERRUPT: return EV_ECANCEL;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CORRUPT:
    case SQLITE_PROTOCOL: return EV_EIO;
    default: return EV_EINTERNAL;
    }
}

ev_status ev__store_fail(ev_store *s, ev_error *err, int rc, const char *what)
{
    ev_status st = status_of(rc);
    if (st == EV_OK)
        st = EV_EINTERNAL;
    /* sqlite3_errmsg describes the latest call only: copy it right now. */
    const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    if (st == EV_EBUSY)
        return ev_error_set(err, st, s ? s->path : NULL, 0, 0,
                            "%s: the review is locked by another evident process", what);
    return ev_error_set(err, st, s ? s->path : NULL, 0, 0, "%s: %s", what, msg);
}

ev_status ev__store_prepare(ev_store *s, sqlite3_stmt **out, const char *sql, ev_error *err)
{
    int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
    if (rc != SQLITE_OK)
        return ev__store_fail(s, err, rc, "cannot prepare a statement");
    return EV_OK;
}

ev_status ev__store_run(ev_store *s, sqlite3_stmt *st, const char *what, ev_error *err)
{
    int rc = sqlite3_step(st);
    ev_status ret = EV_OK;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        ret = ev__store_fail(s, err, rc, what);
    sqlite3_reset(st);
    return ret;
}

int ev__store_bind(sqlite3_stmt *st, int i, const char *v)
{
    if (v == NULL)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

void ev__store_now(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

ev_status ev_store_exec(ev_store *s, const char *sql, ev_error *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        return EV_OK;
    ev_status st = status_of(rc);
    if (st == EV_EBUSY)
        ev_error_set(err, st, s->path, 0, 0, "the review is locked by another evident process");
    else
        ev_error_set(err, st == EV_OK ? EV_EINTERNAL : st, s->path, 0, 0, "%s",
                     msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return st == EV_OK ? EV_EINTERNAL : st;
}

/* ---- one writer at a time per file, in this process ------------------------------- */

/* Connections of one process to one review (the server's: one per request
 * thread) queue for the write lock here and are woken in turn. Left to
 * SQLite's busy handler they poll with sleeps of 1, 2, 5, ... up to 100 ms:
 * behind transactions of a millisecond a writer slept 100 ms and more.
 * Other processes still meet SQLite's lock and its busy timeout. */
#define GATES 8
#define GATE_WAIT_S 5 /* as SQLite's busy timeout */

typedef struct ev__store_gate {
    char *path; /* NULL: slot free */
    int refs;
    pthread_mutex_t m;
} gate;

static pthread_mutex_t gates_lock = PTHREAD_MUTEX_INITIALIZER;
static gate gates[GATES];

/* The gate of `path` (made on first use), or NULL when every slot is taken
 * (then SQLite's busy handler alone serialises the writers). */
static gate *gate_get(const char *path)
{
    gate *g = NULL, *spare = NULL;
    pthread_mutex_lock(&gates_lock);
    for (size_t i = 0; i < GATES && g == NULL; i++) {
        if (gates[i].path && strcmp(gates[i].path, path) == 0)
            g = &gates[i];
        else if (!gates[i].path && !spare)
            spare = &gates[i];
    }
    if (!g && spare && (spare->path = ev_strdup(path)) != NULL) {
        pthread_mutex_init(&spare->m, NULL);
        g = spare;
    }
    if (g)
        g->refs++;
    pthread_mutex_unlock(&gates_lock);
    return g;
}

static void gate_put(gate *g)
{
    pthread_mutex_lock(&gates_lock);
    if (--g->refs == 0) {
        pthread_mutex_destroy(&g->m);
        ev_free(g->path);
        g->path = NULL;
    }
    pthread_mutex_unlock(&gates_lock);
}

static ev_status gate_enter(ev_store *s, ev_error *err)
{
    if (s->gate == NULL && (s->gate = gate_get(s->path)) == NULL)
        return EV_OK;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += GATE_WAIT_S;
    if (pthread_mutex_timedlock(&s->gate->m, &until) != 0)
        return ev_error_set(err, EV_EBUSY, s->path, 0, 0,
                            "the review is busy: another writer held it for %d s", GATE_WAIT_S);
    s->gated = true;
    return EV_OK;
}

static void gate_leave(ev_store *s)
{
    if (s->gated)
        pthread_mutex_unlock(&s->gate->m);
    s->gated = false;
}

/* ---- opening ------------------------------------------------------------------- */

/* Connection settings. One import is one big transaction: a generous page
 * cache keeps B-tree pages hot without letting memory grow with the file;
 * NORMAL sync is safe in WAL mode (a power cut may lose the last commit, never
 * corrupt the file). A big import leaves a WAL as large as itself; the size
 * limit truncates it after the next checkpoint when another connection (the
 * server) keeps the review open, instead of keeping the disk space. */
static ev_status configure(ev_store *s, ev_error *err)
{
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_extended_result_codes(s->db, 1);
    ev_status st = ev__store_functions(s, err);
    if (st != EV_OK)
        return st;
    if (!(s->flags & EV_STORE_READONLY)) {
        st = ev_store_exec(s, "PRAGMA journal_mode = WAL", err);
        if (st != EV_OK)
            return st;
    }
    return ev_store_exec(s,
                         "PRAGMA synchronous = NORMAL;"
                         "PRAGMA cache_size = -32768;"
                         "PRAGMA temp_store = MEMORY;"
                         "PRAGMA journal_size_limit = 67108864;"
                         "PRAGMA foreign_keys = OFF",
                         err);
}

static ev_status new_handle(ev_store **out, const char *path, unsigned flags, int oflags,
                            ev_error *err)
{
    ev_store *s = ev_calloc(1, sizeof *s);
    char *p = ev_strdup(path);
    if (s == NULL || p == NULL) {
        ev_free(s);
        ev_free(p);
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    s->path = p;
    s->flags = flags;
    *out = s;
    int rc = sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK)
        return ev_error_set(err, status_of(rc) == EV_ENOMEM ? EV_ENOMEM : EV_EIO, path, 0, 0,
                            "cannot open the review: %s",
                            s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
    return EV_OK;
}

/* Is this an evident review? Reading the header also catches non-SQLite
 * files (SQLITE_NOTADB). */
static ev_status check_review(ev_store *s, ev_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA application_id", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW && id == EV__STORE_APP_ID)
        return EV_OK;
    if (rc == SQLITE_ROW || (rc & 0xff) == SQLITE_NOTADB)
        return ev_error_set(err, EV_EINPUT, s->path, 0, 0, "not an evident review");
    return ev__store_fail(s, err, rc, "cannot read the review");
}

ev_status ev_store_open(ev_store **out, const char *path, unsigned flags, ev_error *err)
{
    *out = NULL;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return ev_error_set(err, errno == ENOENT ? EV_ENOTFOUND : EV_EIO, path, 0, 0,
                            "cannot open the review: %s", strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return ev_error_set(err, EV_EINPUT, path, 0, 0, "not an evident review");
    ev_store *s = NULL;
    int oflags = (flags & EV_STORE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    ev_status st = new_handle(&s, path, flags, oflags, err);
    if (st == EV_OK)
        st = check_review(s, err);
    if (st == EV_OK)
        st = configure(s, err);
    if (st == EV_OK)
        st = ev__store_migrate_core(s, err);
    if (st != EV_OK) {
        ev_store_free(s);
        return st;
    }
    *out = s;
    return EV_OK;
}

static ev_status init_new(ev_store *s, const char *title, ev_error *err)
{
    char sql[64], now[32];
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d", EV__STORE_APP_ID);
    ev_status st = ev_store_exec(s, sql, err);
    if (st == EV_OK)
        st = configure(s, err);
    if (st == EV_OK)
        st = ev__store_migrate_core(s, err);
    if (st == EV_OK)
        st = ev_store_begin(s, err);
    if (st != EV_OK)
        return st;
    ev__store_now(now);
    st = ev_store_meta_set(s, "title", title, err);
    if (st == EV_OK)
        st = ev_store_meta_set(s, "created", now, err);
    if (st == EV_OK)
        st = ev_store_meta_set(s, "created_by", ev_version(), err);
    if (st == EV_OK)
        st = ev_store_audit(s, "evident", "init", NULL, err);
    if (st == EV_OK)
        return ev_store_commit(s, err);
    ev_store_rollback(s);
    return st;
}

static void remove_files(const char *path)
{
    char side[4096];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

ev_status ev_store_create(ev_store **out, const char *path, const char *title, ev_error *err)
{
    *out = NULL;
    if (access(path, F_OK) == 0)
        return ev_error_set(err, EV_EREFUSED, path, 0, 0, "already exists");
    ev_store *s = NULL;
    ev_status st = new_handle(&s, path, 0, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err);
    if (st == EV_OK)
        st = init_new(s, title ? title : "", err);
    if (st != EV_OK) {
        bool created = s && s->db;
        ev_store_free(s);
        if (created)
            remove_files(path);
        return st;
    }
    *out = s;
    return EV_OK;
}

void ev_store_free(ev_store *s)
{
    if (s == NULL)
        return;
    while (s->depth > 0)
        ev_store_rollback(s);
    if (s->db)
        sqlite3_close_v2(s->db);
    if (s->gate)
        gate_put(s->gate);
    ev_free(s->path);
    ev_free(s);
}

const char *ev_store_path(const ev_store *s)
{
    return s->path;
}

/* ---- metadata -------------------------------------------------------------------- */

ev_status ev_store_meta_get(ev_store *s, const char *key, char **out, ev_error *err)
{
    sqlite3_stmt *st = NULL;
    *out = NULL;
    int rc = sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
    }
    ev_status ret = EV_OK;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *out = ev_strdup((const char *)sqlite3_column_text(st, 0));
        if (*out == NULL)
            ret = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        ret = ev__store_fail(s, err, rc, "cannot read review metadata");
    }
    sqlite3_finalize(st);
    return ret;
}

ev_status ev_store_meta_set(ev_store *s, const char *key, const char *value, ev_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db,
                                "INSERT INTO meta(key, value) VALUES (?1, ?2) "
                                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                                -1, &st, NULL);
    if (rc != SQLITE_OK)
        return ev__store_fail(s, err, rc, "cannot write review metadata");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    ev__store_bind(st, 2, value);
    ev_status ret = ev__store_run(s, st, "cannot write review metadata", err);
    sqlite3_finalize(st);
    return ret;
}

/* ---- transactions ------------------------------------------------------------------ */

ev_status ev_store_begin(ev_store *s, ev_error *err)
{
    char sql[48];
    bool writer = s->depth == 0 && !(s->flags & EV_STORE_READONLY);
    if (s->depth == 0)
        snprintf(sql, sizeof sql, "%s", writer ? "BEGIN IMMEDIATE" : "BEGIN");
    else
        snprintf(sql, sizeof sql, "SAVEPOINT ev%d", s->depth);
    ev_status st = writer ? gate_enter(s, err) : EV_OK;
    if (st == EV_OK)
        st = ev_store_exec(s, sql, err);
    if (st == EV_OK)
        s->depth++;
    else if (writer)
        gate_leave(s);
    return st;
}

ev_status ev_store_commit(ev_store *s, ev_error *err)
{
    char sql[48];
    if (s->depth <= 0)
        return ev_error_set(err, EV_EINTERNAL, NULL, 0, 0, "commit without a transaction");
    if (s->depth == 1)
        snprintf(sql, sizeof sql, "COMMIT");
    else
        snprintf(sql, sizeof sql, "RELEASE ev%d", s->depth - 1);
    ev_status st = ev_store_exec(s, sql, err);
    if (st != EV_OK) {
        ev_store_rollback(s); /* nothing half-written */
        return st;
    }
    if (--s->depth == 0)
        gate_leave(s);
    return EV_OK;
}

bool ev_store_in_transaction(const ev_store *s)
{
    return s->depth > 0;
}

void ev_store_rollback(ev_store *s)
{
    char sql[80];
    if (s->depth <= 0)
        return;
    if (s->depth == 1)
        snprintf(sql, sizeof sql, "ROLLBACK");
    else
        snprintf(sql, sizeof sql, "ROLLBACK TO ev%d; RELEASE ev%d", s->depth - 1,
                 s->depth - 1);
    /* A failed COMMIT may already have ended the transaction: then
     * ROLLBACK reports "no transaction is active", which is harmless. */
    (void)sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    if (--s->depth == 0)
        gate_leave(s);
}

/* ---- audit --------------------------------------------------------------------------- */

ev_status ev_store_audit(ev_store *s, const char *actor, const char *action,
                         const char *detail_json, ev_error *err)
{
    sqlite3_stmt *st = NULL;
    char now[32];
    int rc = sqlite3_prepare_v2(
        s->db, "INSERT INTO audit(at, actor, action, detail) VALUES (?1, ?2, ?3, ?4)", -1, &st,
        NULL);
    if (rc != SQLITE_OK)
        return ev__store_fail(s, err, rc, "cannot write the audit log");
    ev__store_now(now);
    sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
    ev__store_bind(st, 2, actor);
    ev__store_bind(st, 3, action);
    ev__store_bind(st, 4, detail_json);
    ev_status ret = ev__store_run(s, st, "cannot write the audit log", err);
    sqlite3_finalize(st);
    return ret;
}

int64_t ev_store_last_insert_id(ev_store *s)
{
    return sqlite3_last_insert_rowid(s->db);
}

int64_t ev_store_changes(ev_store *s)
{
    return sqlite3_changes64(s->db);
}
