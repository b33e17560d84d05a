/*
 * reply.c - JSON replies and the one table from library status to HTTP
 * status and error code, plus small readers for request bodies and query
 * strings.
 */
#include "server_int.h"

/* The one status table: every error the API returns goes through it. */
static const struct {
    ev_status st;
    unsigned http;
    const char *code;
} status_table[] = {
    {EV_OK, 200, "ok"},
    {EV_EUSAGE, 400, "bad_request"},
    {EV_EINPUT, 422, "bad_input"},
    {EV_EREFUSED, 409, "refused"},
    {EV_ENOTFOUND, 404, "not_found"},
    {EV_EIO, 500, "review_io"},
    {EV_ENEWER, 500, "review_newer"},
    {EV_EBUSY, 503, "busy"},
    {EV_ENOMEM, 503, "out_of_memory"},
    {EV_EINTERNAL, 500, "internal"},
    {EV_ECANCEL, 503, "cancelled"},
};

unsigned ev_server_http_status(ev_status st)
{
    for (size_t i = 0; i < sizeof status_table / sizeof *status_table; i++)
        if (status_table[i].st == st)
            return status_table[i].http;
    return 500;
}

const char *ev__server_error_code(ev_status st)
{
    for (size_t i = 0; i < sizeof status_table / sizeof *status_table; i++)
        if (status_table[i].st == st)
            return status_table[i].code;
    return "internal";
}

void ev_server_response_init(ev_server_response *r)
{
    r->status = 200;
    r->content_type = "application/json";
    ev_buf_init(&r->body, (size_t)64 << 20);
    r->set_cookie[0] = '\0';
    r->cacheable = false;
}

void ev_server_response_release(ev_server_response *r)
{
    ev_buf_release(&r->body);
}

ev_status ev__server_reply_json(ev__server_ctx *ctx, unsigned status, json_t *v)
{
    if (v == NULL)
        return ev_error_set(&ctx->err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(v);
    if (text == NULL)
        return ev_error_set(&ctx->err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    ev_buf_clear(&ctx->resp->body);
    ev_status st = ev_buf_puts(&ctx->resp->body, text);
    free(text);
    ctx->resp->status = status;
    ctx->resp->content_type = "application/json";
    return st == EV_OK ? EV_OK : ev_error_set(&ctx->err, st, NULL, 0, 0, "out of memory");
}

ev_status ev__server_reply_error(ev_server_response *resp, ev_status st, const char *code,
                                 const char *message)
{
    json_t *v = json_pack("{s:{s:s,s:s}}", "error", "code", code ? code : ev__server_error_code(st),
                          "message", message ? message : ev_status_name(st));
    char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(v);
    ev_buf_clear(&resp->body);
    resp->status = ev_server_http_status(st);
    resp->content_type = "application/json";
    resp->cacheable = false;
    ev_status out = text ? ev_buf_puts(&resp->body, text) : EV_ENOMEM;
    free(text);
    return out;
}

const char *ev__server_body_str(const ev__server_ctx *ctx, const char *key)
{
    json_t *v = ctx->body ? json_object_get(ctx->body, key) : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

bool ev__server_body_int(const ev__server_ctx *ctx, const char *key, long long *out)
{
    json_t *v = ctx->body ? json_object_get(ctx->body, key) : NULL;
    if (!json_is_integer(v))
        return false;
    *out = json_integer_value(v);
    return true;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* URL-decode s[0..n) into buf (truncating at bufsize - 1). */
static void url_decode(const char *s, size_t n, char *buf, size_t bufsize)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < bufsize; i++) {
        char c = s[i];
        if (c == '+')
            c = ' ';
        else if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        }
        buf[o++] = c;
    }
    buf[o] = '\0';
}

const char *ev__server_query(const ev__server_ctx *ctx, const char *name, char *buf, size_t n)
{
    const char *q = ctx->req->query;
    size_t nl = strlen(name);
    while (q && *q) {
        const char *end = strchr(q, '&');
        size_t len = end ? (size_t)(end - q) : strlen(q);
        if (len > nl && strncmp(q, name, nl) == 0 && q[nl] == '=') {
            url_decode(q + nl + 1, len - nl - 1, buf, n);
            return buf;
        }
        q = end ? end + 1 : NULL;
    }
    return NULL;
}

bool ev__server_parse_id(const char *s, int64_t *out)
{
    long v;
    if (s == NULL || !ev_parse_long(s, &v) || v <= 0)
        return false;
    *out = v;
    return true;
}
