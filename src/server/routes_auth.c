/*
 * routes_auth.c - sign in, sign out, who am I. Sign-in is throttled per user
 * name and per client address with exponential backoff; the session cookie
 * is HttpOnly and SameSite=Strict, and the CSRF token comes back in the body
 * for the page to send as X-CSRF-Token.
 */
#include "server_int.h"

static ev_status session_json(ev__server_ctx *ctx)
{
    return ev__server_reply_json(ctx, 200,
                                 json_pack("{s:s,s:s,s:s}", "user", ctx->session.user, "role",
                                           ev_server_role_name(ctx->session.role), "csrf",
                                           ctx->session.csrf));
}

static ev_status throttled(ev__server_ctx *ctx, double wait)
{
    char msg[128];
    snprintf(msg, sizeof msg, "too many failed sign-ins: try again in %.0f s", wait + 0.5);
    ev_status rc = ev__server_reply_error(ctx->resp, EV_EREFUSED, "too_many_attempts", msg);
    ctx->resp->status = 429;
    return rc;
}

static ev_status login(ev__server_ctx *ctx)
{
    const char *user = ev__server_body_str(ctx, "user");
    const char *password = ev__server_body_str(ctx, "password");
    if (user == NULL || password == NULL || strlen(user) > 64)
        return ev_error_set(&ctx->err, EV_EUSAGE, NULL, 0, 0,
                            "give \"user\" and \"password\" as strings");
    char ukey[80], ikey[80];
    snprintf(ukey, sizeof ukey, "u:%s", user);
    snprintf(ikey, sizeof ikey, "ip:%s", ctx->req->client ? ctx->req->client : "?");
    double wu = ev__server_throttle_wait(ctx->srv, ukey);
    double wi = ev__server_throttle_wait(ctx->srv, ikey);
    if (wu > 0 || wi > 0)
        return throttled(ctx, wu > wi ? wu : wi);
    bool ok = false;
    ev_server_role role = EV_ROLE_NONE;
    ev_status rc =
        ev__server_check_password(ctx->conn->store, user, password, &ok, &role, &ctx->err);
    if (rc != EV_OK)
        return rc;
    ev__server_throttle_note(ctx->srv, ukey, ok);
    ev__server_throttle_note(ctx->srv, ikey, ok);
    if (!ok) {
        rc = ev__server_reply_error(ctx->resp, EV_EREFUSED, "bad_credentials",
                                    "wrong user name or password");
        ctx->resp->status = 401;
        return rc;
    }
    if ((rc = ev__server_session_create(ctx, user, role)) != EV_OK)
        return rc;
    return session_json(ctx);
}

static ev_status logout(ev__server_ctx *ctx)
{
    ev_status rc = ev__server_session_delete(ctx);
    if (rc != EV_OK)
        return rc;
    return ev__server_reply_json(ctx, 200, json_pack("{s:b}", "ok", 1));
}

static ev_status whoami(ev__server_ctx *ctx)
{
    return session_json(ctx);
}

const ev__server_route ev__server_routes_auth[] = {
    {"POST", "/api/login", 0, login},
    {"POST", "/api/logout", EV__ROLES_ANY, logout},
    {"GET", "/api/session", EV__ROLES_ANY, whoami},
    {NULL, NULL, 0, NULL},
};
