/*
 * flow.c - published flow numbers ("what the paper printed") read from a
 * small line-oriented text file, so the report can show them with
 * evident's arithmetic check instead of drawing an inconsistent diagram.
 */
#include "report_int.h"

ev_status ev__report_oom(ev_error *err)
{
    return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
}

void ev_report_flow_free(ev_report_flow *f)
{
    if (f == NULL)
        return;
    for (size_t i = 0; i < f->prisma.ndatabases; i++)
        ev_free((char *)f->prisma.databases[i].label);
    for (size_t i = 0; i < f->prisma.nreasons; i++)
        ev_free((char *)f->prisma.reasons[i].label);
    ev_free((void *)f->prisma.databases);
    ev_free((void *)f->prisma.reasons);
    ev_free(f->title);
    ev_free(f);
}

typedef struct line_ctx {
    const char *input;
    size_t line;
    ev_error *err;
} line_ctx;

static ev_status bad(const line_ctx *x, size_t col, const char *what, const char *text)
{
    return ev_error_set(x->err, EV_EINPUT, x->input, x->line, col, "%s: '%s'", what, text);
}

/* "LABEL = N" into a new array entry. */
static ev_status labelled(const ev_prisma_count **arr, size_t *n, const char *val, size_t col,
                          const line_ctx *x)
{
    const char *eq = strrchr(val, '=');
    long v = 0;
    if (eq == NULL)
        return bad(x, col, "expected 'LABEL = N'", val);
    size_t len = (size_t)(eq - val);
    while (len && val[len - 1] == ' ')
        len--;
    const char *num = eq + 1;
    while (*num == ' ')
        num++;
    if (len == 0 || !ev_parse_long(num, &v) || v < 0)
        return bad(x, col + (size_t)(num - val), "expected a count >= 0", num);
    ev_prisma_count *g = ev_reallocarray((void *)*arr, *n + 1, sizeof *g);
    if (g == NULL)
        return ev__report_oom(x->err);
    *arr = g;
    if ((g[*n].label = ev_strndup(val, len)) == NULL)
        return ev__report_oom(x->err);
    g[(*n)++].n = v;
    return EV_OK;
}

static long *number_field(ev_prisma *p, const char *key)
{
    static const struct {
        const char *key;
        size_t off;
    } map[] = {
        {"duplicates", offsetof(ev_prisma, duplicates)},
        {"automation", offsetof(ev_prisma, automation_removed)},
        {"other-removed", offsetof(ev_prisma, other_removed)},
        {"registers", offsetof(ev_prisma, registers)},
        {"screened", offsetof(ev_prisma, screened)},
        {"excluded", offsetof(ev_prisma, excluded_people)},
        {"excluded-automation", offsetof(ev_prisma, excluded_automation)},
        {"sought", offsetof(ev_prisma, sought)},
        {"not-retrieved", offsetof(ev_prisma, not_retrieved)},
        {"assessed", offsetof(ev_prisma, assessed)},
        {"studies", offsetof(ev_prisma, studies_included)},
        {"reports", offsetof(ev_prisma, reports_included)},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(map[i].key, key))
            return (long *)(void *)((char *)p + map[i].off);
    return NULL;
}

static ev_status one_line(ev_report_flow *f, char *s, const line_ctx *x)
{
    size_t klen = strcspn(s, " \t");
    char *val = s + klen;
    while (*val == ' ' || *val == '\t')
        val++;
    size_t col = (size_t)(val - s) + 1;
    s[klen] = '\0';
    long *num = number_field(&f->prisma, s);
    if (!strcmp(s, "title")) {
        ev_free(f->title);
        return (f->title = ev_strdup(val)) ? EV_OK : ev__report_oom(x->err);
    }
    if (!strcmp(s, "scoping")) {
        if (strcmp(val, "yes") && strcmp(val, "no"))
            return bad(x, col, "scoping is 'yes' or 'no'", val);
        f->prisma.scoping = !strcmp(val, "yes");
        return EV_OK;
    }
    if (!strcmp(s, "database"))
        return labelled(&f->prisma.databases, &f->prisma.ndatabases, val, col, x);
    if (!strcmp(s, "reason"))
        return labelled(&f->prisma.reasons, &f->prisma.nreasons, val, col, x);
    if (num == NULL)
        return bad(x, 1, "unknown key", s);
    if (!ev_parse_long(val, num) || *num < 0)
        return bad(x, col, "expected a count >= 0", val);
    return EV_OK;
}

ev_status ev_report_flow_parse(ev_report_flow **out, const char *text, size_t n, const char *input,
                               ev_error *err)
{
    *out = NULL;
    ev_report_flow *f = ev_calloc(1, sizeof *f);
    if (f == NULL)
        return ev__report_oom(err);
    ev_prisma_init(&f->prisma);
    line_ctx x = {input ? input : "flow", 0, err};
    ev_status rc = EV_OK;
    for (size_t pos = 0; rc == EV_OK && pos < n;) {
        const char *nl = memchr(text + pos, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - (text + pos)) : n - pos;
        x.line++;
        char *s = ev_strndup(text + pos, len);
        if (s == NULL)
            rc = ev__report_oom(err);
        else if (strlen(s) != len)
            rc = bad(&x, strlen(s) + 1, "NUL byte in line", "");
        size_t e = s ? strlen(s) : 0;
        while (e && strchr(" \t\r", s[e - 1]))
            s[--e] = '\0';
        if (rc == EV_OK && e && s[0] != '#')
            rc = one_line(f, s, &x);
        ev_free(s);
        pos += len + 1;
    }
    if (rc == EV_OK && f->title == NULL && (f->title = ev_strdup(x.input)) == NULL)
        rc = ev__report_oom(err);
    if (rc != EV_OK) {
        ev_report_flow_free(f);
        return rc;
    }
    *out = f;
    return EV_OK;
}

ev_status ev_report_flow_load(ev_report_flow **out, const char *path, ev_error *err)
{
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return ev_error_set(err, EV_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    ev_buf b;
    ev_buf_init(&b, 1 << 20);
    char chunk[4096];
    size_t got;
    ev_status rc = EV_OK;
    while (rc == EV_OK && (got = fread(chunk, 1, sizeof chunk, fp)) > 0)
        if (ev_buf_append(&b, chunk, got) != EV_OK)
            rc = ev_error_set(err, EV_EINPUT, path, 0, 0, "file too large (over 1 MiB)");
    if (rc == EV_OK && ferror(fp))
        rc = ev_error_set(err, EV_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
    fclose(fp);
    if (rc == EV_OK)
        rc = ev_report_flow_parse(out, ev_buf_cstr(&b), b.len, path, err);
    ev_buf_release(&b);
    return rc;
}
