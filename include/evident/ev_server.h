/*
 * ev_server.h - `evident serve`: the review over HTTP for a team. A JSON API
 * (sign-in, dashboard, screening, conflicts, extraction) and the embedded web
 * UI, with users and roles, sessions, CSRF tokens and login rate limiting.
 *
 * libmicrohttpd, jansson and libsodium types never appear here. The request
 * router (ev_server_handle) works without sockets, so tests and the fuzzer
 * drive it directly; ev_server_start puts it behind libmicrohttpd.
 *
 * Thread safety: ev_server_handle may be called from several threads at
 * once (each call borrows one of the server's review connections); the user
 * functions take a store used by one thread at a time.
 */
#ifndef EV_SERVER_H
#define EV_SERVER_H

#include "ev_core.h"
#include "ev_store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- users ------------------------------------------------------------------ */

typedef enum ev_server_role {
    EV_ROLE_NONE = 0,
    EV_ROLE_REVIEWER = 1u << 0,
    EV_ROLE_ADJUDICATOR = 1u << 1,
    EV_ROLE_OWNER = 1u << 2
} ev_server_role;

/* "owner", "reviewer", "adjudicator". */
EV_EXTERN const char *ev_server_role_name(ev_server_role r);
EV_EXTERN bool ev_server_role_parse(const char *s, ev_server_role *out);

/* Create the server's tables in `s` if needed (users, sessions). Called by
 * every function below; cheap when up to date. EV_EIO/EV_EBUSY/EV_ENOMEM. */
EV_EXTERN ev_status ev_server_schema(ev_store *s, ev_error *err) EV_WARN_UNUSED;

/* Add a user with a role and a password (stored as an Argon2id hash,
 * libsodium crypto_pwhash_str; the password is not kept). Names are 1-64
 * characters of letters, digits, '.', '_' and '-'; passwords 8-1024 bytes.
 * The user is also registered with the screening module in the role's
 * place (reviewer or adjudicator; the owner as owner). Audited.
 * EV_EUSAGE for a bad name or a short password, EV_EREFUSED when the name
 * exists, EV_EIO/EV_EBUSY/EV_ENOMEM. */
EV_EXTERN ev_status ev_server_user_add(ev_store *s, const char *name, ev_server_role role,
                                       const char *password, const char *actor,
                                       ev_error *err) EV_WARN_UNUSED;
/* Change a password (every session of the user ends). EV_ENOTFOUND. */
EV_EXTERN ev_status ev_server_user_passwd(ev_store *s, const char *name, const char *password,
                                          const char *actor, ev_error *err) EV_WARN_UNUSED;
/* Remove a user and their sessions (their decisions stay). EV_ENOTFOUND. */
EV_EXTERN ev_status ev_server_user_remove(ev_store *s, const char *name, const char *actor,
                                          ev_error *err) EV_WARN_UNUSED;

typedef struct ev_server_user {
    char name[65];
    ev_server_role role;
    char created[32];
} ev_server_user;

/* Every user, by name. *out belongs to the caller (ev_free); may be NULL
 * when *n is 0. */
EV_EXTERN ev_status ev_server_user_list(ev_store *s, ev_server_user **out, size_t *n,
                                        ev_error *err) EV_WARN_UNUSED;

/* ---- the server ----------------------------------------------------------- */

typedef struct ev_server ev_server;

typedef struct ev_server_options {
    const char *review;   /* the review file (required) */
    const char *host;     /* address to bind, "127.0.0.1" by default */
    unsigned port;        /* 0 = any free port (see ev_server_port) */
    unsigned threads;     /* requests served at once (review connections); 4 */
    size_t max_body;      /* request body limit in bytes; 1 MiB */
    long session_seconds; /* idle session lifetime; 12 h */
} ev_server_options;

#define EV_SERVER_OPTIONS_INIT                                                                     \
    {                                                                                              \
        NULL, "127.0.0.1", 8080, 4, (size_t)1 << 20, 12L * 3600                                    \
    }

/* Open the review once per worker (each worker has its own ev_store) and
 * prepare the server's tables. Nothing listens yet. *out belongs to the
 * caller (ev_server_free). Statuses as ev_store_open, and EV_EUSAGE for bad
 * options. */
EV_EXTERN ev_status ev_server_new(ev_server **out, const ev_server_options *opt,
                                  ev_error *err) EV_WARN_UNUSED;
/* Listen (libmicrohttpd, internal polling thread with a thread pool).
 * EV_EIO when the address cannot be bound. */
EV_EXTERN ev_status ev_server_start(ev_server *srv, ev_error *err) EV_WARN_UNUSED;
/* The port listened on (after ev_server_start). */
EV_EXTERN unsigned ev_server_port(const ev_server *srv);
/* Stop listening (waits for requests in flight) and free. NULL is a no-op. */
EV_EXTERN void ev_server_free(ev_server *srv);

/* ---- the router, without sockets --------------------------------------------- */

/* One request as the router sees it. Strings are borrowed. `query` is the
 * raw query string without '?' (may be NULL); `cookie` the Cookie header;
 * `csrf` the X-CSRF-Token header; `client` the peer address (rate limits). */
typedef struct ev_server_request {
    const char *method, *path, *query;
    const char *cookie, *csrf, *content_type, *client;
    const char *body;
    size_t body_len;
} ev_server_request;

/* The answer: HTTP status, content type (static string), body, and a
 * Set-Cookie value ("" for none). Initialise with ev_server_response_init,
 * release with ev_server_response_release. */
typedef struct ev_server_response {
    unsigned status;
    const char *content_type;
    ev_buf body;
    char set_cookie[256];
    bool cacheable; /* static asset: may be cached by the browser */
} ev_server_response;

EV_EXTERN void ev_server_response_init(ev_server_response *r);
EV_EXTERN void ev_server_response_release(ev_server_response *r);

/* Route one request. Every failure becomes a JSON error response
 * {"error": {"code": ..., "message": ...}} with the HTTP status of the one
 * status table; the function itself only fails for EV_ENOMEM while writing
 * the response. Thread-safe. */
EV_EXTERN ev_status ev_server_handle(ev_server *srv, const ev_server_request *req,
                                     ev_server_response *resp) EV_WARN_UNUSED;

/* The HTTP status for a library status (the one table). */
EV_EXTERN unsigned ev_server_http_status(ev_status st);

#ifdef __cplusplus
}
#endif
#endif /* EV_SERVER_H */
