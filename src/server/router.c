/*
 * router.c - ev_server_handle: one request in, one response out, no sockets.
 * Static assets for GET outside /api/; otherwise the route table: match the
 * path, parse the JSON body, resolve the session, check the role and the
 * CSRF token, run the handler, and turn any failure into the JSON error.
 */
#include "server_int.h"

static const ev__server_route *const groups[] = {
    ev__server_routes_auth,  ev__server_routes_dash,  ev__server_routes_screen,
    ev__server_routes_chart, ev__server_routes_synth,
};

/* Match `path` against `pattern`; :name segments capture into ctx->params
 * (copied into ctx->param_buf). */
static bool match(ev__server_ctx *ctx, const char *pattern, const char *path)
{
    size_t used = 0;
    ctx->n_params = 0;
    while (*pattern && *path) {
        if (*pattern == ':') {
            size_t n = strcspn(path, "/");
            if (n == 0 || ctx->n_params == 4 || used + n + 1 > sizeof ctx->param_buf)
                return false;
            memcpy(ctx->param_buf + used, path, n);
            ctx->param_buf[used + n] = '\0';
            ctx->params[ctx->n_params++] = ctx->param_buf + used;
            used += n + 1;
            path += n;
            pattern += strcspn(pattern, "/");
            continue;
        }
        if (*pattern != *path)
            return false;
        pattern++, path++;
    }
    return *pattern == '\0' && *path == '\0';
}

/* Find the route; *path_known tells a wrong method (405) from no route (404). */
static const ev__server_route *find_route(ev__server_ctx *ctx, bool *path_known)
{
    *path_known = false;
    for (size_t g = 0; g < sizeof groups / sizeof *groups; g++)
        for (const ev__server_route *r = groups[g]; r->method; r++) {
            if (!match(ctx, r->pattern, ctx->req->path))
                continue;
            *path_known = true;
            if (strcmp(r->method, ctx->req->method) == 0)
                return r;
        }
    return NULL;
}

/* A refusal outside the library's statuses (sign-in, role, CSRF, size). */
static ev_status reply_http(ev_server_response *resp, unsigned http, const char *code,
                            const char *message)
{
    ev_status rc = ev__server_reply_error(resp, EV_EREFUSED, code, message);
    resp->status = http;
    return rc;
}

static bool is_json(const char *content_type)
{
    return content_type && strncmp(content_type, "application/json", 16) == 0 &&
           (content_type[16] == '\0' || content_type[16] == ';');
}

/* Parse the body of a state-changing request as a JSON object. */
static ev_status parse_body(ev__server_ctx *ctx)
{
    const ev_server_request *req = ctx->req;
    if (req->body_len == 0) {
        ctx->body = json_object();
        return ctx->body ? EV_OK : ev_error_set(&ctx->err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (!is_json(req->content_type))
        return ev_error_set(&ctx->err, EV_EUSAGE, NULL, 0, 0, "the body must be application/json");
    json_error_t je;
    ctx->body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je);
    if (ctx->body == NULL)
        return ev_error_set(&ctx->err, EV_EUSAGE, "body", (size_t)je.line, (size_t)je.column,
                            "malformed JSON: %s", je.text);
    if (!json_is_object(ctx->body))
        return ev_error_set(&ctx->err, EV_EUSAGE, "body", 1, 1, "the body must be a JSON object");
    return EV_OK;
}

/* Session, role and CSRF checks; returns false after writing a refusal. */
static bool authorise(ev__server_ctx *ctx, const ev__server_route *r, ev_status *rc)
{
    bool found = false;
    *rc = ev__server_session_get(ctx, &found);
    if (*rc != EV_OK || r->roles == 0)
        return *rc == EV_OK;
    if (!found) {
        *rc = reply_http(ctx->resp, 401, "unauthorized", "sign in first (or the session expired)");
        return false;
    }
    if ((r->roles & ctx->session.role) == 0) {
        *rc = reply_http(ctx->resp, 403, "forbidden", "your role may not do this");
        return false;
    }
    if (strcmp(ctx->req->method, "GET") != 0 &&
        !(ctx->req->csrf && ev__server_const_eq(ctx->req->csrf, ctx->session.csrf))) {
        *rc = reply_http(ctx->resp, 403, "csrf", "missing or wrong X-CSRF-Token header");
        return false;
    }
    return true;
}

static ev_status run_route(ev__server_ctx *ctx, const ev__server_route *r)
{
    ev_status rc = EV_OK;
    char msg[EV_ERROR_MSG_MAX + EV_ERROR_INPUT_MAX + 64];
    if (strcmp(ctx->req->method, "GET") != 0 && (rc = parse_body(ctx)) != EV_OK) {
        ev_error_format(&ctx->err, msg, sizeof msg);
        return ev__server_reply_error(ctx->resp, rc, NULL, msg);
    }
    ctx->conn = ev__server_conn_acquire(ctx->srv);
    if (authorise(ctx, r, &rc))
        rc = r->handler(ctx);
    else if (rc == EV_OK)
        goto done; /* the refusal is written */
    if (rc != EV_OK) {
        ev_error_format(&ctx->err, msg, sizeof msg);
        rc = ev__server_reply_error(ctx->resp, ctx->err.code ? ctx->err.code : rc, NULL,
                                    ctx->err.code ? msg : NULL);
    }
done:
    ev__server_conn_release(ctx->srv, ctx->conn);
    return rc;
}

ev_status ev_server_handle(ev_server *srv, const ev_server_request *req, ev_server_response *resp)
{
    ev_buf_clear(&resp->body);
    resp->status = 200;
    resp->set_cookie[0] = '\0';
    if (req->method == NULL || req->path == NULL || req->path[0] != '/' || strlen(req->path) > 2048)
        return reply_http(resp, 400, "bad_request", "bad request line");
    if (req->body_len > srv->opt.max_body)
        return reply_http(resp, 413, "too_large", "the request body is too large");
    if (strncmp(req->path, "/api/", 5) != 0) {
        if ((strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) &&
            ev__server_asset(req->path, resp))
            return EV_OK;
        return ev__server_reply_error(resp, EV_ENOTFOUND, NULL, "no such page");
    }
    ev__server_ctx ctx = {.srv = srv, .req = req, .resp = resp, .err = EV_ERROR_INIT};
    bool path_known;
    const ev__server_route *r = find_route(&ctx, &path_known);
    ev_status rc;
    if (r == NULL)
        rc = path_known ? reply_http(resp, 405, "method_not_allowed", "method not allowed here")
                        : ev__server_reply_error(resp, EV_ENOTFOUND, NULL, "no such API route");
    else
        rc = run_route(&ctx, r);
    json_decref(ctx.body);
    return rc == EV_ENOMEM ? EV_ENOMEM : EV_OK;
}
