/*
 * auth.c - users (Argon2id password hashes), sessions (random 256-bit ids,
 * stored hashed, expiring), and login throttling with exponential backoff.
 * The server's own tables; every statement is prepared with bound values.
 */
#include "server_int.h"

#include "evident/ev_screen.h"

#include <sodium.h>
#include <time.h>

static const char *const schema_steps[] = {
    "CREATE TABLE server_users(name TEXT PRIMARY KEY, role TEXT NOT NULL,"
    " pwhash TEXT NOT NULL,"
    " created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
    "CREATE TABLE server_sessions(id_hash TEXT PRIMARY KEY, user TEXT NOT NULL,"
    " role TEXT NOT NULL, csrf TEXT NOT NULL, expires INTEGER NOT NULL);"
    "CREATE INDEX server_sessions_user ON server_sessions(user);",
};

ev_status ev_server_schema(ev_store *s, ev_error *err)
{
    if (sodium_init() < 0)
        return ev_error_set(err, EV_EINTERNAL, NULL, 0, 0, "libsodium cannot start");
    return ev_store_ensure_schema(s, "server", schema_steps,
                                  sizeof schema_steps / sizeof *schema_steps, err);
}

const char *ev_server_role_name(ev_server_role r)
{
    switch (r) {
    case EV_ROLE_OWNER:
        return "owner";
    case EV_ROLE_ADJUDICATOR:
        return "adjudicator";
    case EV_ROLE_REVIEWER:
        return "reviewer";
    default:
        return "none";
    }
}

bool ev_server_role_parse(const char *s, ev_server_role *out)
{
    static const ev_server_role all[] = {EV_ROLE_OWNER, EV_ROLE_ADJUDICATOR, EV_ROLE_REVIEWER};
    for (size_t i = 0; s && i < 3; i++)
        if (strcmp(s, ev_server_role_name(all[i])) == 0) {
            *out = all[i];
            return true;
        }
    return false;
}

bool ev__server_const_eq(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na != nb || na == 0)
        return false;
    return sodium_memcmp(a, b, na) == 0;
}

/* ---- statements --------------------------------------------------------------- */

/* Prepare `sql`, bind the texts (NULL-terminated list), run to completion;
 * *changes receives the rows changed. */
static ev_status exec_texts(ev_store *s, const char *sql, const char *const *args, int64_t *changes,
                            ev_error *err)
{
    ev_stmt *st = NULL;
    ev_status rc = ev_stmt_prepare(s, &st, sql, err);
    for (int i = 0; rc == EV_OK && args[i]; i++)
        rc = ev_stmt_bind_text(st, i + 1, args[i], strlen(args[i]));
    bool row = true;
    while (rc == EV_OK && row)
        rc = ev_stmt_step(st, &row, err);
    ev_stmt_free(st);
    if (changes)
        *changes = ev_store_changes(s);
    return rc;
}

static bool valid_name(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

static ev_status hash_password(char out[crypto_pwhash_STRBYTES], const char *password,
                               ev_error *err)
{
    size_t n = password ? strlen(password) : 0;
    if (n < 8 || n > 1024)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "a password has 8 to 1024 characters, got %zu", n);
    if (crypto_pwhash_str(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory hashing the password");
    return EV_OK;
}

/* ---- users ---------------------------------------------------------------------- */

/* Tell the screen module who this person is (it keeps its own list of
 * reviewers and adjudicators, and checks decisions against it). */
static ev_status register_screening(ev_store *s, const char *name, ev_server_role role,
                                    const char *actor, ev_error *err)
{
    ev_screen_setup_info info = EV_SCREEN_SETUP_INFO_INIT;
    if (role == EV_ROLE_REVIEWER)
        info.reviewers = name;
    else if (role == EV_ROLE_ADJUDICATOR)
        info.adjudicators = name;
    else
        info.owner = name;
    return ev_screen_setup(s, &info, actor, err);
}

ev_status ev_server_user_add(ev_store *s, const char *name, ev_server_role role,
                             const char *password, const char *actor, ev_error *err)
{
    if (!valid_name(name))
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "bad user name '%s': use 1-64 letters, digits, '.', '_' or '-'",
                            name ? name : "");
    if (strcmp(ev_server_role_name(role), "none") == 0)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "no such role");
    char hash[crypto_pwhash_STRBYTES];
    ev_status rc = ev_server_schema(s, err);
    if (rc == EV_OK)
        rc = hash_password(hash, password, err);
    if (rc != EV_OK)
        return rc;
    if ((rc = ev_store_begin(s, err)) != EV_OK)
        return rc;
    const char *args[] = {name, ev_server_role_name(role), hash, NULL};
    rc = exec_texts(s, "INSERT INTO server_users(name, role, pwhash) VALUES (?, ?, ?)", args, NULL,
                    err);
    if (rc == EV_EREFUSED)
        ev_error_clear(err),
            rc = ev_error_set(err, EV_EREFUSED, NULL, 0, 0, "user '%s' exists", name);
    char detail[160];
    snprintf(detail, sizeof detail, "{\"user\":\"%s\",\"role\":\"%s\"}", name,
             ev_server_role_name(role));
    if (rc == EV_OK)
        rc = ev_store_audit(s, actor, "server.user.add", detail, err);
    if (rc == EV_OK)
        rc = register_screening(s, name, role, actor, err);
    if (rc != EV_OK) {
        ev_store_rollback(s);
        return rc;
    }
    return ev_store_commit(s, err);
}

/* Run a statement changing one user's rows plus their sessions, audited. */
static ev_status user_change(ev_store *s, const char *sql, const char *const *args,
                             const char *name, const char *action, const char *actor, ev_error *err)
{
    ev_status rc = ev_server_schema(s, err);
    if (rc != EV_OK || (rc = ev_store_begin(s, err)) != EV_OK)
        return rc;
    int64_t changed = 0;
    rc = exec_texts(s, sql, args, &changed, err);
    if (rc == EV_OK && changed == 0)
        rc = ev_error_set(err, EV_ENOTFOUND, NULL, 0, 0, "no user '%s'", name);
    const char *del[] = {name, NULL};
    if (rc == EV_OK)
        rc = exec_texts(s, "DELETE FROM server_sessions WHERE user = ?", del, NULL, err);
    char detail[120];
    snprintf(detail, sizeof detail, "{\"user\":\"%s\"}", valid_name(name) ? name : "?");
    if (rc == EV_OK)
        rc = ev_store_audit(s, actor, action, detail, err);
    if (rc != EV_OK) {
        ev_store_rollback(s);
        return rc;
    }
    return ev_store_commit(s, err);
}

ev_status ev_server_user_passwd(ev_store *s, const char *name, const char *password,
                                const char *actor, ev_error *err)
{
    char hash[crypto_pwhash_STRBYTES];
    ev_status rc = hash_password(hash, password, err);
    if (rc != EV_OK)
        return rc;
    const char *args[] = {hash, name, NULL};
    return user_change(s, "UPDATE server_users SET pwhash = ? WHERE name = ?", args, name,
                       "server.user.passwd", actor, err);
}

ev_status ev_server_user_remove(ev_store *s, const char *name, const char *actor, ev_error *err)
{
    const char *args[] = {name, NULL};
    return user_change(s, "DELETE FROM server_users WHERE name = ?", args, name,
                       "server.user.remove", actor, err);
}

ev_status ev_server_user_list(ev_store *s, ev_server_user **out, size_t *n, ev_error *err)
{
    *out = NULL;
    *n = 0;
    ev_stmt *st = NULL;
    ev_status rc = ev_server_schema(s, err);
    if (rc == EV_OK)
        rc = ev_stmt_prepare(s, &st, "SELECT name, role, created FROM server_users ORDER BY name",
                             err);
    bool row = true;
    ev_server_user *v = NULL;
    size_t k = 0;
    while (rc == EV_OK && (rc = ev_stmt_step(st, &row, err)) == EV_OK && row) {
        ev_server_user *grown = ev_reallocarray(v, k + 1, sizeof *v);
        if (grown == NULL) {
            rc = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        v = grown;
        snprintf(v[k].name, sizeof v[k].name, "%s", ev_stmt_text(st, 0));
        v[k].role = EV_ROLE_NONE;
        (void)ev_server_role_parse(ev_stmt_text(st, 1), &v[k].role);
        snprintf(v[k].created, sizeof v[k].created, "%s", ev_stmt_text(st, 2));
        k++;
    }
    ev_stmt_free(st);
    if (rc != EV_OK) {
        ev_free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return EV_OK;
}

/* ---- passwords ---------------------------------------------------------------- */

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t verify_lock = PTHREAD_MUTEX_INITIALIZER;

/* A hash to verify against when the user does not exist, so that an unknown
 * name costs as much time as a wrong password. */
static void make_dummy(void)
{
    if (crypto_pwhash_str(dummy_hash, "not a password", 14, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy_hash[0] = '\0';
}

ev_status ev__server_check_password(ev_store *s, const char *user, const char *password, bool *ok,
                                    ev_server_role *role, ev_error *err)
{
    *ok = false;
    ev_stmt *st = NULL;
    char hash[crypto_pwhash_STRBYTES] = "";
    ev_status rc =
        ev_stmt_prepare(s, &st, "SELECT pwhash, role FROM server_users WHERE name = ?", err);
    if (rc == EV_OK)
        rc = ev_stmt_bind_text(st, 1, user, strlen(user));
    bool row = false;
    if (rc == EV_OK)
        rc = ev_stmt_step(st, &row, err);
    if (rc == EV_OK && row) {
        snprintf(hash, sizeof hash, "%s", ev_stmt_text(st, 0));
        if (!ev_server_role_parse(ev_stmt_text(st, 1), role))
            row = false;
    }
    ev_stmt_free(st);
    if (rc != EV_OK)
        return rc;
    if (!row) {
        pthread_once(&dummy_once, make_dummy);
        snprintf(hash, sizeof hash, "%s", dummy_hash);
    }
    /* One verification at a time: each takes 64 MiB and ~100 ms of a core,
     * so reviewers signing in together would otherwise hold every core (and
     * 64 MiB each) while the others' screening requests wait. */
    pthread_mutex_lock(&verify_lock);
    bool good = hash[0] && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    pthread_mutex_unlock(&verify_lock);
    *ok = row && good;
    return EV_OK;
}

/* ---- sessions ------------------------------------------------------------------ */

static void to_hex(char *out, const unsigned char *b, size_t n)
{
    sodium_bin2hex(out, n * 2 + 1, b, n);
}

/* The stored form of a session id: BLAKE2b-256 of it, hex. */
static void id_hash(char out[65], const char *id)
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)id, strlen(id), NULL, 0);
    to_hex(out, h, sizeof h);
}

/* The ev_session cookie's value, copied into out (64 hex digits) or "". */
static void cookie_session(const char *cookie, char out[65])
{
    out[0] = '\0';
    for (const char *p = cookie; p && (p = strstr(p, "ev_session=")) != NULL; p++) {
        if (p != cookie && p[-1] != ' ' && p[-1] != ';')
            continue;
        const char *v = p + 11;
        size_t n = strspn(v, "0123456789abcdef");
        if (n == 64) {
            memcpy(out, v, 64);
            out[64] = '\0';
        }
        return;
    }
}

ev_status ev__server_session_create(ev__server_ctx *ctx, const char *user, ev_server_role role)
{
    unsigned char raw[32], csrf_raw[32];
    char id[65], hash[65], expires[32];
    randombytes_buf(raw, sizeof raw);
    randombytes_buf(csrf_raw, sizeof csrf_raw);
    to_hex(id, raw, sizeof raw);
    to_hex(ctx->session.csrf, csrf_raw, sizeof csrf_raw);
    id_hash(hash, id);
    long ttl = ctx->srv->opt.session_seconds;
    snprintf(expires, sizeof expires, "%lld", (long long)time(NULL) + ttl);
    const char *args[] = {hash, user, ev_server_role_name(role), ctx->session.csrf, expires, NULL};
    ev_store *s = ctx->conn->store;
    const char *purge[] = {NULL};
    ev_status rc = exec_texts(s, "DELETE FROM server_sessions WHERE expires < strftime('%s','now')",
                              purge, NULL, &ctx->err);
    if (rc == EV_OK)
        rc = exec_texts(s,
                        "INSERT INTO server_sessions(id_hash, user, role, csrf, expires)"
                        " VALUES (?, ?, ?, ?, CAST(? AS INTEGER))",
                        args, NULL, &ctx->err);
    if (rc != EV_OK)
        return rc;
    snprintf(ctx->session.user, sizeof ctx->session.user, "%s", user);
    ctx->session.role = role;
    snprintf(ctx->resp->set_cookie, sizeof ctx->resp->set_cookie,
             "ev_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld", id, ttl);
    return EV_OK;
}

/* Push the expiry forward when less than half the lifetime is left, so an
 * active session does not write on every request. */
static ev_status maybe_extend(ev__server_ctx *ctx, const char *hash, int64_t expires)
{
    long ttl = ctx->srv->opt.session_seconds;
    int64_t now = (int64_t)time(NULL);
    if (expires - now > ttl / 2)
        return EV_OK;
    char exp[32];
    snprintf(exp, sizeof exp, "%lld", (long long)(now + ttl));
    const char *args[] = {exp, hash, NULL};
    return exec_texts(ctx->conn->store,
                      "UPDATE server_sessions SET expires = CAST(? AS INTEGER) WHERE id_hash = ?",
                      args, NULL, &ctx->err);
}

ev_status ev__server_session_get(ev__server_ctx *ctx, bool *found)
{
    *found = false;
    char id[65], hash[65];
    cookie_session(ctx->req->cookie, id);
    if (id[0] == '\0')
        return EV_OK;
    id_hash(hash, id);
    ev_stmt *st = NULL;
    ev_status rc = ev_stmt_prepare(ctx->conn->store, &st,
                                   "SELECT user, role, csrf, expires FROM server_sessions"
                                   " WHERE id_hash = ?",
                                   &ctx->err);
    if (rc == EV_OK)
        rc = ev_stmt_bind_text(st, 1, hash, 64);
    bool row = false;
    if (rc == EV_OK)
        rc = ev_stmt_step(st, &row, &ctx->err);
    int64_t expires = 0;
    if (rc == EV_OK && row) {
        expires = ev_stmt_int(st, 3);
        snprintf(ctx->session.user, sizeof ctx->session.user, "%s", ev_stmt_text(st, 0));
        snprintf(ctx->session.csrf, sizeof ctx->session.csrf, "%s", ev_stmt_text(st, 2));
        if (!ev_server_role_parse(ev_stmt_text(st, 1), &ctx->session.role))
            row = false;
    }
    ev_stmt_free(st);
    if (rc != EV_OK || !row)
        return rc;
    if (expires < (int64_t)time(NULL)) {
        ctx->session.user[0] = '\0';
        const char *args[] = {hash, NULL};
        return exec_texts(ctx->conn->store, "DELETE FROM server_sessions WHERE id_hash = ?", args,
                          NULL, &ctx->err);
    }
    *found = true;
    return maybe_extend(ctx, hash, expires);
}

ev_status ev__server_session_delete(ev__server_ctx *ctx)
{
    char id[65], hash[65];
    cookie_session(ctx->req->cookie, id);
    snprintf(ctx->resp->set_cookie, sizeof ctx->resp->set_cookie,
             "ev_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    if (id[0] == '\0')
        return EV_OK;
    id_hash(hash, id);
    const char *args[] = {hash, NULL};
    return exec_texts(ctx->conn->store, "DELETE FROM server_sessions WHERE id_hash = ?", args, NULL,
                      &ctx->err);
}

/* ---- throttling ------------------------------------------------------------------ */

/* Free attempts before the backoff starts (per user name; an address may be
 * a whole office behind one NAT, so it gets more), and the cap in seconds. */
#define FREE_ATTEMPTS 3
#define FREE_ATTEMPTS_IP 20
#define MAX_WAIT 300.0

static ev__server_throttle *throttle_find(ev_server *srv, const char *key, bool create)
{
    ev__server_throttle *oldest = &srv->throttle[0];
    for (size_t i = 0; i < EV__THROTTLE_SLOTS; i++) {
        ev__server_throttle *t = &srv->throttle[i];
        if (t->key[0] && strcmp(t->key, key) == 0)
            return t;
        if (t->last < oldest->last)
            oldest = t;
    }
    if (!create)
        return NULL;
    memset(oldest, 0, sizeof *oldest);
    snprintf(oldest->key, sizeof oldest->key, "%s", key);
    return oldest;
}

double ev__server_throttle_wait(ev_server *srv, const char *key)
{
    pthread_mutex_lock(&srv->lock);
    ev__server_throttle *t = throttle_find(srv, key, false);
    double wait = t ? t->until - ev_now() : 0;
    pthread_mutex_unlock(&srv->lock);
    return wait > 0 ? wait : 0;
}

void ev__server_throttle_note(ev_server *srv, const char *key, bool success)
{
    pthread_mutex_lock(&srv->lock);
    ev__server_throttle *t = throttle_find(srv, key, !success);
    if (t && success) {
        memset(t, 0, sizeof *t);
    } else if (t) {
        t->failures++;
        t->last = ev_now();
        unsigned free_n = strncmp(key, "ip:", 3) == 0 ? FREE_ATTEMPTS_IP : FREE_ATTEMPTS;
        if (t->failures > free_n) {
            double wait = 1.0;
            for (unsigned i = free_n + 1; i < t->failures && wait < MAX_WAIT; i++)
                wait *= 2;
            t->until = t->last + (wait < MAX_WAIT ? wait : MAX_WAIT);
        }
    }
    pthread_mutex_unlock(&srv->lock);
}
