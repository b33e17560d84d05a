/* cli_util.c - JSON strings for --json output, option errors, counts,
 * opening a review (and its chart). */
#include "cli_util.h"

#include "evident/ev_screen.h"

#include "cli.h"

#include "evident/ev_chart.h"
#include "evident/ev_store.h"

void ev_cli_json_string(FILE *out, const char *s)
{
    if (s == NULL) {
        fputs("null", out);
        return;
    }
    putc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            putc('\\', out);
            putc(*p, out);
        } else if (*p == '\n') {
            fputs("\\n", out);
        } else if (*p == '\t') {
            fputs("\\t", out);
        } else if (*p < 0x20) {
            fprintf(out, "\\u%04x", *p);
        } else {
            putc(*p, out);
        }
    }
    putc('"', out);
}

void ev_cli_json_kv(FILE *out, const char *key, const char *value, int first)
{
    if (!first)
        putc(',', out);
    ev_cli_json_string(out, key);
    putc(':', out);
    ev_cli_json_string(out, value);
}

int ev_cli_bad_option(const char *cmd, int c, char **argv)
{
    const char *arg = argv[optind - 1];
    if (c == ':') {
        if (optopt && strncmp(arg, "--", 2) != 0)
            return ev_cli_usage(cmd, "option '-%c' needs a value", optopt);
        return ev_cli_usage(cmd, "option '%s' needs a value", arg);
    }
    if (optopt && strncmp(arg, "--", 2) != 0)
        return ev_cli_usage(cmd, "unknown option '-%c'", optopt);
    return ev_cli_usage(cmd, "unknown option '%s'", arg);
}

const char *ev_cli_count(char *buf, size_t n, unsigned long long v)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%llu", v);
    size_t j = 0;
    for (int i = 0; i < len && j + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[j++] = ',';
        buf[j++] = digits[i];
    }
    buf[j] = '\0';
    return buf;
}

int ev_cli_open_review(ev_store **out, const char *path, unsigned flags)
{
    ev_error err = EV_ERROR_INIT;
    ev_status st = ev_store_open(out, path, flags, &err);
    if (st == EV_OK)
        return EV_EXIT_OK;
    if (st == EV_ENOTFOUND) {
        err.code = EV_EIO;
        return ev_cli_fail(&err, "create it with 'evident init REVIEW --title TITLE'");
    }
    if (st == EV_EINPUT) /* not a review: the review cannot be opened (exit 4) */
        err.code = EV_EIO;
    return ev_cli_fail(&err, NULL);
}

int ev_cli_chart_open(ev_cli_chart_review *out, const char *path)
{
    ev_error err = EV_ERROR_INIT;
    *out = (ev_cli_chart_review){0};
    if (ev_chart_catalogue_load_default(&out->cat, &err) != EV_OK)
        return ev_cli_fail(&err, "check $EVIDENT_DATA/instruments.json");
    int rc = ev_cli_open_review(&out->store, path, 0);
    if (rc == EV_EXIT_OK && ev_chart_open(&out->chart, out->store, out->cat, &err) != EV_OK)
        rc = ev_cli_fail(&err, NULL);
    return rc;
}

void ev_cli_chart_close(ev_cli_chart_review *r)
{
    ev_chart_free(r->chart);
    ev_store_free(r->store);
    ev_chart_catalogue_free(r->cat);
    *r = (ev_cli_chart_review){0};
}

/* One screening stage as `evident screen REVIEW status` and `evident stats`
 * print it: counts for PRISMA and the stopping guidance. */
void ev_cli_print_screen_stage(const ev_screen_stage_summary *g, bool json, bool first)
{
    const ev_screen_stop_result *r = &g->stop;
    if (json) {
        printf("%s{\"stage\":\"%s\",\"records\":%llu,\"included\":%llu,\"excluded\":%llu,"
               "\"excluded_automation\":%llu,\"conflicts\":%llu,\"pending\":%llu,\"reasons\":",
               first ? "" : ",", g->stage, (unsigned long long)g->records,
               (unsigned long long)g->included, (unsigned long long)g->excluded,
               (unsigned long long)g->automation, (unsigned long long)g->conflicts,
               (unsigned long long)g->pending);
        ev_cli_json_string(stdout, g->reasons);
        printf(",\"stopping\":{\"rule\":\"hypergeometric\",\"recall_target\":0.95,"
               "\"confidence\":0.95,\"p\":%.6g,\"stop\":%s,\"recall_lower_bound\":%.4f,"
               "\"trailing_exclusions\":%zu}}",
               r->p, r->stop ? "true" : "false", r->recall_estimate, g->trailing_exclusions);
        return;
    }
    printf("stage %s: %llu records, %llu included, %llu excluded, %llu excluded by automation, "
           "%llu in conflict, %llu pending\n",
           g->stage, (unsigned long long)g->records, (unsigned long long)g->included,
           (unsigned long long)g->excluded, (unsigned long long)g->automation,
           (unsigned long long)g->conflicts, (unsigned long long)g->pending);
    if (g->reasons)
        printf("  exclusion reasons: %s\n", g->reasons);
    printf("  stopping (Callaghan & Mueller-Hansen 2020, 95%% recall, 95%% confidence): p = "
           "%.3g, %s; recall >= %.1f%% with 95%% confidence; %zu exclusions in a row\n",
           r->p, r->stop ? "may stop" : "go on", 100 * r->recall_estimate, g->trailing_exclusions);
}

ev_status ev_cli_read_text(ev_buf *out, const char *path, size_t max, const char *what,
                           ev_error *err)
{
    ev_buf_init(out, max);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return ev_error_set(err, EV_EINPUT, path, 0, 0, "cannot open %s: %s", what,
                            strerror(errno));
    char chunk[8192];
    size_t n;
    ev_status st = EV_OK;
    while (st == EV_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        st = ev_buf_append(out, chunk, n);
    int read_errno = ferror(f) ? errno : 0; /* a directory reads as EISDIR */
    fclose(f);
    size_t bad = 0;
    if (st == EV_EINPUT)
        return ev_error_set(err, st, path, 0, 0, "%s too large (max %zu MB)", what, max >> 20);
    if (st != EV_OK)
        return ev_error_set(err, st, path, 0, 0, "out of memory");
    if (read_errno)
        return ev_error_set(err, EV_EINPUT, path, 0, 0, "cannot read %s: %s", what,
                            strerror(read_errno));
    if (!ev_utf8_valid(ev_buf_cstr(out), out->len, &bad))
        return ev_error_set(err, EV_EINPUT, path, 0, 0, "%s is not UTF-8 text (byte %zu)", what,
                            bad);
    return EV_OK;
}
