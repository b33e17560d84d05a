/*
 * fuzz_server_request.c - the server's router and JSON handlers, without
 * sockets. Input: "METHOD\nPATH[?QUERY]\nHeader: value\n...\n\nBODY".
 * A header value "@" stands for the signed-in session's cookie or CSRF
 * token, so the fuzzer reaches the handlers behind sign-in. The review is a
 * small real MEDLINE export in a temporary directory, with one reviewer.
 */
#include "evident/ev_server.h"
#include "evident/ev_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* fontconfig (under cairo, drawing the PRISMA diagram) keeps its cache for
 * the life of the process: not a leak of ours. */
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig\n";
}

static ev_server *srv;
static char dir[64], cookie[128], csrf[80];

static void cleanup(void)
{
    ev_server_free(srv);
    char p[128];
    const char *sfx[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/r.evident%s", dir, sfx[i]);
        unlink(p);
    }
    rmdir(dir);
}

static void sign_in(void)
{
    const char *body = "{\"user\":\"alice\",\"password\":\"password1\"}";
    ev_server_request req = {.method = "POST",
                             .path = "/api/login",
                             .body = body,
                             .body_len = strlen(body),
                             .content_type = "application/json",
                             .client = "127.0.0.2"};
    ev_server_response resp;
    ev_server_response_init(&resp);
    if (ev_server_handle(srv, &req, &resp) != EV_OK || resp.status != 200)
        abort();
    snprintf(cookie, sizeof cookie, "%.*s", (int)strcspn(resp.set_cookie, ";"), resp.set_cookie);
    const char *c = strstr(ev_buf_cstr(&resp.body), "\"csrf\":\"");
    if (c == NULL)
        abort();
    snprintf(csrf, sizeof csrf, "%.64s", c + 8);
    ev_server_response_release(&resp);
}

static void init(void)
{
    snprintf(dir, sizeof dir, "/tmp/ev_fuzz_server_XXXXXX");
    if (mkdtemp(dir) == NULL)
        abort();
    char path[128];
    snprintf(path, sizeof path, "%s/r.evident", dir);
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev_store_create(&s, path, "fuzz", &err) != EV_OK ||
        ev_store_import_file(s,
                             EV_SOURCE_DIR "/tests/fixtures/formats/medline-nbib/"
                                           "jabref__MedlinePlainImporterTestMultipleEntries.txt",
                             NULL, NULL, NULL, NULL, NULL, NULL, &err) != EV_OK ||
        ev_server_user_add(s, "alice", EV_ROLE_REVIEWER, "password1", "fuzz", &err) != EV_OK)
        abort();
    ev_store_free(s);
    ev_server_options opt = EV_SERVER_OPTIONS_INIT;
    opt.review = path;
    opt.threads = 1;
    opt.max_body = 64 * 1024;
    if (ev_server_new(&srv, &opt, &err) != EV_OK)
        abort();
    atexit(cleanup);
    sign_in();
}

/* Next line of text[*pos..n) as a NUL-terminated copy in buf. */
static bool next_line(const char *text, size_t n, size_t *pos, char *buf, size_t bufsize)
{
    if (*pos >= n)
        return false;
    size_t start = *pos, end = start;
    while (end < n && text[end] != '\n')
        end++;
    size_t len = end - start < bufsize - 1 ? end - start : bufsize - 1;
    memcpy(buf, text + start, len);
    buf[len] = '\0';
    *pos = end < n ? end + 1 : n;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (srv == NULL)
        init();
    const char *text = (const char *)data;
    size_t pos = 0;
    char method[16], path[2100], line[512], ck[512] = "", cs[512] = "", ct[512] = "";
    if (!next_line(text, size, &pos, method, sizeof method) ||
        !next_line(text, size, &pos, path, sizeof path))
        return 0;
    while (next_line(text, size, &pos, line, sizeof line) && line[0]) {
        char *v = strchr(line, ':');
        if (v == NULL)
            continue;
        *v++ = '\0';
        v += *v == ' ';
        char *dst = strcmp(line, "Cookie") == 0         ? ck
                    : strcmp(line, "X-CSRF-Token") == 0 ? cs
                    : strcmp(line, "Content-Type") == 0 ? ct
                                                        : NULL;
        if (dst)
            snprintf(dst, 512, "%s", strcmp(v, "@") ? v : (dst == ck ? cookie : csrf));
    }
    char *q = strchr(path, '?');
    if (q)
        *q++ = '\0';
    ev_server_request req = {.method = method,
                             .path = path,
                             .query = q,
                             .cookie = ck,
                             .csrf = cs,
                             .content_type = ct,
                             .client = "127.0.0.3",
                             .body = text + pos,
                             .body_len = size - pos};
    ev_server_response resp;
    ev_server_response_init(&resp);
    if (ev_server_handle(srv, &req, &resp) != EV_OK && resp.body.len == 0)
        ; /* ENOMEM while writing: nothing to check */
    if (resp.status < 200 || resp.status > 599)
        abort();
    ev_server_response_release(&resp);
    return 0;
}
