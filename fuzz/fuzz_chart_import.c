/*
 * fuzz_chart_import.c - arbitrary bytes as a charting batch file (first
 * byte even: CSV study,field,value; odd: JSON), imported into one scratch
 * review with the default form: the import either succeeds or fails with a
 * documented status, and a failed import leaves the number of charted
 * values unchanged; never a crash.
 */
#include "evident/ev_chart.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ev_store *review;
static ev_chart *chart;
static ev_chart_catalogue *cat;
static char review_path[512];

static void cleanup(void)
{
    char side[600];
    ev_chart_free(chart);
    ev_store_free(review);
    ev_chart_catalogue_free(cat);
    unlink(review_path);
    snprintf(side, sizeof side, "%s-wal", review_path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", review_path);
    unlink(side);
}

static void open_review(void)
{
    if (chart)
        return;
    const char *tmp = getenv("TMPDIR");
    snprintf(review_path, sizeof review_path, "%s/fuzz-chart-%ld.evident",
             tmp && *tmp ? tmp : "/tmp", (long)getpid());
    unlink(review_path);
    ev_error err = EV_ERROR_INIT;
    static char buf[1 << 16];
    FILE *fp = fopen(EV_SOURCE_DIR "/data/forms/default.json", "rb");
    size_t n = fp ? fread(buf, 1, sizeof buf, fp) : 0;
    if (fp)
        fclose(fp);
    if (ev_chart_catalogue_load(&cat, EV_SOURCE_DIR "/data/instruments.json", &err) != EV_OK ||
        ev_store_create(&review, review_path, "fuzz", &err) != EV_OK ||
        ev_store_exec(review, "PRAGMA synchronous = OFF", &err) != EV_OK ||
        ev_chart_open(&chart, review, cat, &err) != EV_OK ||
        ev_chart_form_set(chart, buf, n, "default.json", "fuzz", NULL, &err) != EV_OK)
        abort();
    atexit(cleanup);
}

static int64_t count_values(void)
{
    ev_stmt *st = NULL;
    bool row = false;
    if (ev_stmt_prepare(review, &st, "SELECT count(*) FROM chart_values", NULL) != EV_OK ||
        ev_stmt_step(st, &row, NULL) != EV_OK)
        abort();
    int64_t n = ev_stmt_int(st, 0);
    ev_stmt_free(st);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    open_review();
    char path[600];
    snprintf(path, sizeof path, "%s.in.%s", review_path, data[0] % 2 ? "json" : "csv");
    FILE *fp = fopen(path, "wb");
    if (fp == NULL)
        abort();
    fwrite(data + 1, 1, size - 1, fp);
    fclose(fp);
    int64_t before = count_values();
    ev_error err = EV_ERROR_INIT;
    size_t n = 0;
    ev_status st = ev_chart_import_file(chart, path, "fuzz", &n, &err);
    unlink(path);
    if (st != EV_OK && st != EV_EINPUT && st != EV_EREFUSED && st != EV_ENOTFOUND &&
        st != EV_ENOMEM)
        abort();
    if (st != EV_OK && count_values() != before)
        abort();
    return 0;
}
