/*
 * load.c - a bounded load test of `evident serve` on loopback: R simulated
 * reviewers (threads, one keep-alive connection each) sign in and make N
 * decisions each on their own share of records, concurrently; then each one
 * reads its records back and checks that its decision is there exactly once.
 * Prints the decision round-trip median, p99 and max, and failures.
 *
 * usage: load HOST PORT REVIEWERS DECISIONS FIRST_RECORD PASSWORD [next]
 * Reviewer k is "rev<k>" (k = 1..R); pair p = (2p-1, 2p) decides records
 * FIRST + (p-1) N ... FIRST + p N - 1, so each record gets two decisions.
 * With "next" each decision also asks for the reviewer's next record (what
 * the web page does); without, {"next": false}.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct conn {
    int fd;
    char buf[1 << 16];
    size_t len;
} conn;

typedef struct worker {
    int k;
    pthread_t tid;
    double *lat;
    long failures, missing;
    char cookie[100], csrf[80];
    conn c;
} worker;

static const char *host, *password;
static int port, n_decisions, first_record, with_next;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int dial(conn *c)
{
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    inet_pton(AF_INET, host, &a.sin_addr);
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->len = 0;
    return connect(c->fd, (struct sockaddr *)&a, sizeof a);
}

/* One request; returns the HTTP status (0 on a transport error) and copies
 * the body (NUL-terminated, truncated) into body, Set-Cookie into cookie. */
static int request(worker *w, const char *method, const char *path, const char *json,
                   char *body, size_t body_size)
{
    char req[2048];
    int n = snprintf(req, sizeof req,
                     "%s %s HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nX-CSRF-Token: %s\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                     method, path, host, w->cookie, w->csrf, json ? strlen(json) : 0,
                     json ? json : "");
    if (write(w->c.fd, req, (size_t)n) != n)
        return 0;
    conn *c = &w->c;
    c->len = 0;
    char *hdr_end = NULL;
    long clen = -1;
    for (;;) {
        ssize_t got = read(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len);
        if (got <= 0)
            return 0;
        c->len += (size_t)got;
        c->buf[c->len] = '\0';
        if (!hdr_end && (hdr_end = strstr(c->buf, "\r\n\r\n")) != NULL) {
            char *cl = strcasestr(c->buf, "\r\nContent-Length:");
            clen = cl && cl < hdr_end ? strtol(cl + 17, NULL, 10) : 0;
        }
        if (hdr_end && (long)(c->len - (size_t)(hdr_end + 4 - c->buf)) >= clen)
            break;
        if (c->len >= sizeof c->buf - 1)
            return 0;
    }
    char *sc = strcasestr(c->buf, "\r\nSet-Cookie: ");
    if (sc && sc < hdr_end)
        snprintf(w->cookie, sizeof w->cookie, "%.*s", (int)strcspn(sc + 14, ";\r"), sc + 14);
    if (body)
        snprintf(body, body_size, "%.*s", (int)clen, hdr_end + 4);
    return atoi(c->buf + 9);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void *run(void *arg)
{
    worker *w = arg;
    char body[65536], json[256];
    if (dial(&w->c) != 0) {
        w->failures = n_decisions;
        return NULL;
    }
    snprintf(json, sizeof json, "{\"user\":\"rev%d\",\"password\":\"%s\"}", w->k, password);
    if (request(w, "POST", "/api/login", json, body, sizeof body) != 200) {
        w->failures = n_decisions;
        return NULL;
    }
    char *t = strstr(body, "\"csrf\":\"");
    snprintf(w->csrf, sizeof w->csrf, "%.64s", t ? t + 8 : "");
    int base = first_record + ((w->k - 1) / 2) * n_decisions;
    for (int i = 0; i < n_decisions; i++) {
        snprintf(json, sizeof json, "{\"record\":%d,\"decision\":\"%s\"%s}", base + i,
                 (i % 5 == 0) ? "include" : "exclude", with_next ? "" : ",\"next\":false");
        double t0 = now();
        int st = request(w, "POST", "/api/screen/decisions", json, NULL, 0);
        w->lat[i] = now() - t0;
        if (st != 200)
            w->failures++;
    }
    /* read back: the reviewer's own decision, exactly once */
    char me[64];
    snprintf(me, sizeof me, "\"reviewer\":\"rev%d\"", w->k);
    for (int i = 0; i < n_decisions; i++) {
        char path[64];
        snprintf(path, sizeof path, "/api/records/%d", base + i);
        int count = 0;
        if (request(w, "GET", path, NULL, body, sizeof body) == 200)
            for (char *p = body; (p = strstr(p, me)) != NULL; p++)
                count++;
        if (count != 1)
            w->missing++;
    }
    close(w->c.fd);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: load HOST PORT REVIEWERS DECISIONS FIRST_RECORD PASSWORD [next]\n");
        return 1;
    }
    host = argv[1];
    port = atoi(argv[2]);
    int r = atoi(argv[3]);
    n_decisions = atoi(argv[4]);
    first_record = atoi(argv[5]);
    password = argv[6];
    with_next = argc > 7 && strcmp(argv[7], "next") == 0;
    worker *w = calloc((size_t)r, sizeof *w);
    double t0 = now();
    for (int k = 0; k < r; k++) {
        w[k].k = k + 1;
        w[k].lat = calloc((size_t)n_decisions, sizeof(double));
        pthread_create(&w[k].tid, NULL, run, &w[k]);
    }
    long failures = 0, missing = 0;
    double *all = calloc((size_t)r * (size_t)n_decisions, sizeof(double));
    for (int k = 0; k < r; k++) {
        pthread_join(w[k].tid, NULL);
        failures += w[k].failures;
        missing += w[k].missing;
        memcpy(all + (size_t)k * (size_t)n_decisions, w[k].lat, (size_t)n_decisions * sizeof(double));
    }
    double wall = now() - t0;
    size_t n = (size_t)r * (size_t)n_decisions;
    qsort(all, n, sizeof *all, cmp);
    printf("reviewers %d, decisions %zu (%s), wall %.1f s (incl. read-back)\n", r, n,
           with_next ? "each with the next record" : "decision only", wall);
    printf("round trip: median %.2f ms, p99 %.2f ms, max %.2f ms\n", all[n / 2] * 1e3,
           all[(size_t)((double)n * 0.99)] * 1e3, all[n - 1] * 1e3);
    printf("failed requests %ld, decisions missing or duplicated on read-back %ld\n", failures,
           missing);
    return failures || missing ? 2 : 0;
}
