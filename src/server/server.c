/*
 * server.c - the server object: options, one review connection per worker
 * (an ev_store is single-threaded, so requests borrow a whole connection
 * rather than share one), and the chart handle each connection opens lazily.
 */
#include "server_int.h"

#include "evident/ev_chart.h"
#include "evident/ev_screen.h"

static ev_status open_conns(ev_server *srv, ev_error *err)
{
    srv->conns = ev_calloc(srv->opt.threads, sizeof *srv->conns);
    if (srv->conns == NULL)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < srv->opt.threads; i++) {
        ev_status rc = ev_store_open(&srv->conns[i].store, srv->review, 0, err);
        if (rc == EV_OK && i == 0)
            rc = ev_server_schema(srv->conns[i].store, err);
        if (rc != EV_OK)
            return rc;
        srv->n_conns++;
    }
    /* Screening's caches filled before the server listens, so the first
     * reviewers' next records do not wait for the matrix. Only a cache: a
     * review without screening, or any failure, leaves it to the requests. */
    ev_error werr = EV_ERROR_INIT;
    if (ev_screen_cache_warm(srv->conns[0].store, &werr) != EV_OK)
        ev_error_clear(&werr);
    return EV_OK;
}

ev_status ev_server_new(ev_server **out, const ev_server_options *opt, ev_error *err)
{
    *out = NULL;
    if (opt == NULL || opt->review == NULL)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "no review file given");
    if (opt->threads == 0 || opt->threads > 64 || opt->max_body == 0 || opt->session_seconds <= 0)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "threads must be 1-64, body limit and session lifetime positive");
    ev_server *srv = ev_calloc(1, sizeof *srv);
    if (srv == NULL)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    srv->opt = *opt;
    srv->review = ev_strdup(opt->review);
    srv->host = ev_strdup(opt->host ? opt->host : "127.0.0.1");
    pthread_mutex_init(&srv->lock, NULL);
    pthread_cond_init(&srv->freed, NULL);
    ev_error cat_err = EV_ERROR_INIT; /* no catalogue: instrument scores are refused */
    if (ev_chart_catalogue_load_default(&srv->catalogue, &cat_err) != EV_OK)
        srv->catalogue = NULL;
    ev_status rc = srv->review && srv->host
                       ? open_conns(srv, err)
                       : ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc != EV_OK) {
        ev_server_free(srv);
        return rc;
    }
    *out = srv;
    return EV_OK;
}

void ev_server_free(ev_server *srv)
{
    if (srv == NULL)
        return;
    ev__server_stop(srv);
    for (size_t i = 0; i < srv->n_conns; i++) {
        ev_chart_free(srv->conns[i].chart);
        ev_store_free(srv->conns[i].store);
    }
    ev_free(srv->conns);
    ev_chart_catalogue_free(srv->catalogue);
    pthread_mutex_destroy(&srv->lock);
    pthread_cond_destroy(&srv->freed);
    ev_free(srv->review);
    ev_free(srv->host);
    ev_free(srv);
}

ev__server_conn *ev__server_conn_acquire(ev_server *srv)
{
    pthread_mutex_lock(&srv->lock);
    ev__server_conn *c = NULL;
    while (c == NULL) {
        for (size_t i = 0; i < srv->n_conns && c == NULL; i++)
            if (!srv->conns[i].busy)
                c = &srv->conns[i];
        if (c == NULL)
            pthread_cond_wait(&srv->freed, &srv->lock);
    }
    c->busy = true;
    pthread_mutex_unlock(&srv->lock);
    return c;
}

void ev__server_conn_release(ev_server *srv, ev__server_conn *c)
{
    pthread_mutex_lock(&srv->lock);
    c->busy = false;
    pthread_cond_signal(&srv->freed);
    pthread_mutex_unlock(&srv->lock);
}

ev_status ev__server_chart(ev__server_ctx *ctx, ev_chart **out)
{
    ev__server_conn *c = ctx->conn;
    if (c->chart == NULL) {
        ev_status rc = ev_chart_open(&c->chart, c->store, ctx->srv->catalogue, &ctx->err);
        if (rc != EV_OK)
            return rc;
    }
    *out = c->chart;
    return EV_OK;
}

unsigned ev_server_port(const ev_server *srv)
{
    return srv->port;
}
