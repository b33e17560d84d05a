/*
 * server_int.h - what the server's files share: the server object with its
 * pool of review connections, the request context handed to route handlers,
 * the route table entry, and the JSON reply helpers.
 */
#ifndef EV_SERVER_INT_H
#define EV_SERVER_INT_H

#include "evident/ev_server.h"

#include <jansson.h>
#include <pthread.h>

struct ev_chart;
struct ev_chart_catalogue;

/* One review connection (an ev_store is single-threaded): a handler borrows
 * one for the length of a request. */
typedef struct ev__server_conn {
    ev_store *store;
    struct ev_chart *chart; /* opened lazily; NULL until needed */
    bool busy;
} ev__server_conn;

/* Login throttling entry (per user name or per client address). */
typedef struct ev__server_throttle {
    char key[80];
    unsigned failures;
    double until; /* ev_now() before which attempts are refused */
    double last;
} ev__server_throttle;

#define EV__THROTTLE_SLOTS 256

struct ev_server {
    ev_server_options opt;
    char *review, *host;
    ev__server_conn *conns;
    size_t n_conns;
    pthread_mutex_t lock; /* conns[].busy and the throttle table */
    pthread_cond_t freed;
    ev__server_throttle throttle[EV__THROTTLE_SLOTS];
    struct ev_chart_catalogue *catalogue; /* bundled instruments, or NULL */
    void *daemon;                         /* struct MHD_Daemon * */
    unsigned port;
};

/* The signed-in user of a request (empty name when none). */
typedef struct ev__server_session {
    char user[65];
    ev_server_role role;
    char csrf[65];
} ev__server_session;

/* Everything a handler gets. `params` holds the path's :parameters in order. */
typedef struct ev__server_ctx {
    ev_server *srv;
    const ev_server_request *req;
    ev_server_response *resp;
    ev__server_conn *conn;
    ev__server_session session;
    const char *params[4];
    size_t n_params;
    char param_buf[256];
    json_t *body; /* parsed JSON body of POST requests, or NULL */
    ev_error err;
} ev__server_ctx;

/* A handler returns EV_OK after writing resp, or a status with ctx->err set
 * (the router turns it into the JSON error). */
typedef ev_status (*ev__server_handler)(ev__server_ctx *ctx);

typedef struct ev__server_route {
    const char *method;
    const char *pattern; /* "/api/records/:id" */
    unsigned roles;      /* 0 = no sign-in needed; else any of these roles */
    ev__server_handler handler;
} ev__server_route;

/* Route groups (one file each). */
extern const ev__server_route ev__server_routes_auth[];
extern const ev__server_route ev__server_routes_screen[];
extern const ev__server_route ev__server_routes_chart[];
extern const ev__server_route ev__server_routes_dash[];
extern const ev__server_route ev__server_routes_synth[];

#define EV__ROLES_ANY (EV_ROLE_REVIEWER | EV_ROLE_ADJUDICATOR | EV_ROLE_OWNER)

/* ---- replies (reply.c) ---- */
/* Send `v` (stolen) as the JSON body with `status`. */
ev_status ev__server_reply_json(ev__server_ctx *ctx, unsigned status, json_t *v);
/* Write the JSON error body for `st` with `message`. */
ev_status ev__server_reply_error(ev_server_response *resp, ev_status st, const char *code,
                                 const char *message);
/* The error code string for a status ("bad_input", ...). */
const char *ev__server_error_code(ev_status st);
/* A string member of the body, or NULL. */
const char *ev__server_body_str(const ev__server_ctx *ctx, const char *key);
/* An integer member of the body; false if absent or not an integer. */
bool ev__server_body_int(const ev__server_ctx *ctx, const char *key, long long *out);
/* Value of `name` in the query string, URL-decoded into buf; NULL if absent. */
const char *ev__server_query(const ev__server_ctx *ctx, const char *name, char *buf, size_t n);
/* Parse a positive record id; false otherwise. */
bool ev__server_parse_id(const char *s, int64_t *out);

/* ---- sessions, users, throttling (auth.c) ---- */
/* Resolve the request's session cookie to a user (expired ones are
 * deleted and refused); *found false when there is no valid session. */
ev_status ev__server_session_get(ev__server_ctx *ctx, bool *found);
/* Check a password; *ok false for an unknown user or wrong password (the
 * time taken does not say which). *role receives the user's role. */
ev_status ev__server_check_password(ev_store *s, const char *user, const char *password, bool *ok,
                                    ev_server_role *role, ev_error *err);
/* Create a session for user: fills ctx->session and the Set-Cookie header. */
ev_status ev__server_session_create(ev__server_ctx *ctx, const char *user, ev_server_role role);
/* Delete the request's session (logout). */
ev_status ev__server_session_delete(ev__server_ctx *ctx);
/* Rate limiting: seconds to wait before another attempt under `key`
 * (0 = go ahead); record the outcome of an attempt. */
double ev__server_throttle_wait(ev_server *srv, const char *key);
void ev__server_throttle_note(ev_server *srv, const char *key, bool success);
/* Compare two strings in time independent of where they differ. */
bool ev__server_const_eq(const char *a, const char *b);

/* ---- connections (server.c) ---- */
void ev__server_stop(ev_server *srv);
ev__server_conn *ev__server_conn_acquire(ev_server *srv);
void ev__server_conn_release(ev_server *srv, ev__server_conn *c);
/* The connection's chart handle, opened on first use. */
ev_status ev__server_chart(ev__server_ctx *ctx, struct ev_chart **out);

/* ---- static assets (assets.c) ---- */
/* Serve the embedded file for `path` ("/" = index.html); false if none. */
bool ev__server_asset(const char *path, ev_server_response *resp);

#endif /* EV_SERVER_INT_H */
