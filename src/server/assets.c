/*
 * assets.c - the web UI's files, embedded in the binary at build time
 * (web/ through ev_embed): the request path is only ever a key into that
 * table, so nothing from a request reaches the file system.
 */
#include "server_int.h"

#include "embed_web.h"

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".json", "application/json"},
};

static const char *content_type(const char *path)
{
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

bool ev__server_asset(const char *path, ev_server_response *resp)
{
    if (path[0] != '/')
        return false;
    const char *key = path[1] ? path + 1 : "index.html";
    const ev_embedded_file *f = ev_embed_web_find(key);
    if (f == NULL)
        return false;
    ev_buf_clear(&resp->body);
    if (ev_buf_append(&resp->body, f->data, f->size) != EV_OK)
        return false;
    resp->status = 200;
    resp->content_type = content_type(key);
    resp->cacheable = strcmp(key, "index.html") != 0;
    return true;
}
