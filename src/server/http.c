/*
 * http.c - libmicrohttpd behind the router: an internal polling thread with
 * a thread pool (one review connection per worker), request bodies gathered
 * up to the size limit, and the response copied into libmicrohttpd's memory
 * (MHD_RESPMEM_MUST_COPY: it never frees ours).
 */
#include "server_int.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* Per-request state between the access handler's calls. */
typedef struct upload {
    ev_buf body;
    bool too_large;
} upload;

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    ev_buf *q = cls;
    static const char hex[] = "0123456789ABCDEF";
    ev_status rc = q->len ? ev_buf_putc(q, '&') : EV_OK;
    if (rc == EV_OK)
        rc = ev_buf_puts(q, key);
    if (rc == EV_OK)
        rc = ev_buf_putc(q, '=');
    for (const unsigned char *p = (const unsigned char *)(value ? value : ""); rc == EV_OK && *p;
         p++) {
        char enc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
        rc = isalnum(*p) ? ev_buf_putc(q, (char)*p) : ev_buf_append(q, enc, 3);
    }
    return rc == EV_OK ? MHD_YES : MHD_NO;
}

static void client_address(struct MHD_Connection *c, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, n, "unknown");
    if (ci == NULL || ci->client_addr == NULL)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)n);
}

static enum MHD_Result send_response(struct MHD_Connection *c, const ev_server_response *r)
{
    struct MHD_Response *m = MHD_create_response_from_buffer(
        r->body.len, r->body.ptr ? r->body.ptr : (char *)"", MHD_RESPMEM_MUST_COPY);
    if (m == NULL)
        return MHD_NO;
    MHD_add_response_header(m, "Content-Type", r->content_type);
    MHD_add_response_header(m, "Cache-Control", r->cacheable ? "private, max-age=300" : "no-store");
    MHD_add_response_header(m, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(m, "X-Frame-Options", "DENY");
    MHD_add_response_header(m, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(m, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self' "
                            "'unsafe-inline'; frame-ancestors 'none'; form-action 'self'");
    if (r->set_cookie[0])
        MHD_add_response_header(m, "Set-Cookie", r->set_cookie);
    enum MHD_Result ok = MHD_queue_response(c, r->status, m);
    MHD_destroy_response(m);
    return ok;
}

static enum MHD_Result dispatch(ev_server *srv, struct MHD_Connection *c, const char *url,
                                const char *method, upload *up)
{
    ev_buf query;
    ev_buf_init(&query, 64 * 1024);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg, &query);
    char client[INET6_ADDRSTRLEN + 1];
    client_address(c, client, sizeof client);
    ev_server_request req = {
        .method = method,
        .path = url,
        .query = ev_buf_cstr(&query),
        .cookie = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Cookie"),
        .csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token"),
        .content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"),
        .client = client,
        .body = ev_buf_cstr(&up->body),
        .body_len = up->too_large ? srv->opt.max_body + 1 : up->body.len,
    };
    ev_server_response resp;
    ev_server_response_init(&resp);
    enum MHD_Result ok = MHD_NO;
    if (ev_server_handle(srv, &req, &resp) == EV_OK)
        ok = send_response(c, &resp);
    ev_server_response_release(&resp);
    ev_buf_release(&query);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    ev_server *srv = cls;
    upload *up = *con_cls;
    if (up == NULL) {
        up = ev_calloc(1, sizeof *up);
        if (up == NULL)
            return MHD_NO;
        ev_buf_init(&up->body, srv->opt.max_body);
        *con_cls = up;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (!up->too_large && ev_buf_append(&up->body, upload_data, *upload_data_size) != EV_OK)
            up->too_large = true; /* keep reading, answer 413 at the end */
        *upload_data_size = 0;
        return MHD_YES;
    }
    return dispatch(srv, c, url, method, up);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)c, (void)toe;
    upload *up = *con_cls;
    if (up) {
        ev_buf_release(&up->body);
        ev_free(up);
        *con_cls = NULL;
    }
}

/* The listening address; IPv6 when the host has a ':'. */
static ev_status make_addr(ev_server *srv, struct sockaddr_storage *ss, ev_error *err)
{
    memset(ss, 0, sizeof *ss);
    uint16_t port = (uint16_t)srv->opt.port;
    if (strchr(srv->host, ':')) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)(void *)ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons(port);
        if (inet_pton(AF_INET6, srv->host, &a6->sin6_addr) == 1)
            return EV_OK;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)(void *)ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons(port);
        if (inet_pton(AF_INET, srv->host, &a4->sin_addr) == 1)
            return EV_OK;
    }
    return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "bad listen address '%s' (use an IP address)",
                        srv->host);
}

ev_status ev_server_start(ev_server *srv, ev_error *err)
{
    struct sockaddr_storage ss;
    ev_status rc = make_addr(srv, &ss, err);
    if (rc != EV_OK)
        return rc;
    /* A thread per connection, not a pool: a pool binds each keep-alive
     * connection to one worker, so a reviewer's decision waited behind
     * whatever another connection on that worker was doing (a sign-in, an
     * export). Requests at once stay bounded by the store connections
     * (--threads; ev__server_conn_acquire waits for one). */
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG * 0;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)srv->opt.port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, &ss,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)256, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)64, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)60, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024, MHD_OPTION_END);
    if (d == NULL)
        return ev_error_set(err, EV_EIO, NULL, 0, 0, "cannot listen on %s:%u (in use?)", srv->host,
                            srv->opt.port);
    srv->daemon = d;
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = di ? di->port : srv->opt.port;
    return EV_OK;
}

void ev__server_stop(ev_server *srv)
{
    if (srv->daemon) {
        MHD_stop_daemon(srv->daemon);
        srv->daemon = NULL;
    }
}
