/* readback.c - what reading records back costs (search indexing, dedup and
 * export all walk ev_store_records_foreach): the store's walk over its
 * binary records, and, on the same records held in memory, decoding the
 * binary encoding against parsing record JSON with jansson (what the walk
 * would cost if records.data still held JSON). CPU seconds, best of 3.
 *   readback REVIEW */
#include "evident/ev_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct blobs {
    ev_buf json, bin;
    size_t *json_end, *bin_end;
    size_t n, cap;
} blobs;

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static ev_status count(ev_id id, const ev_record *rec, void *payload)
{
    (void)id;
    (void)rec;
    (*(size_t *)payload)++;
    return EV_OK;
}

static ev_status keep(ev_id id, const ev_record *rec, void *payload)
{
    (void)id;
    blobs *b = payload;
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 1024;
        b->json_end = realloc(b->json_end, b->cap * sizeof(size_t));
        b->bin_end = realloc(b->bin_end, b->cap * sizeof(size_t));
        if (!b->json_end || !b->bin_end)
            return EV_ENOMEM;
    }
    ev_record copy = *rec;
    copy.raw = NULL;
    copy.raw_len = 0;
    if (ev_record_to_json(&b->json, &copy) != EV_OK || ev_record_to_bin(&b->bin, rec) != EV_OK)
        return EV_ENOMEM;
    b->json_end[b->n] = b->json.len;
    b->bin_end[b->n++] = b->bin.len;
    return EV_OK;
}

static double decode_all(const blobs *b, bool json)
{
    double t0 = cpu_now();
    size_t at = 0;
    for (size_t i = 0; i < b->n; i++) {
        size_t end = json ? b->json_end[i] : b->bin_end[i];
        const char *p = (json ? b->json.ptr : b->bin.ptr) + at;
        ev_record *rec = NULL;
        ev_error err = EV_ERROR_INIT;
        ev_status st = json ? ev_record_from_json(&rec, p, end - at, &err)
                            : ev_record_from_bin(&rec, p, end - at, &err);
        if (st != EV_OK) {
            fprintf(stderr, "readback: %s\n", err.message);
            exit(1);
        }
        ev_record_free(rec);
        at = end;
    }
    return cpu_now() - t0;
}

static double best3(double a, double b, double c)
{
    double m = a < b ? a : b;
    return m < c ? m : c;
}

int main(int argc, char **argv)
{
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    if (argc != 2 || ev_store_open(&s, argv[1], EV_STORE_READONLY, &err) != EV_OK) {
        fprintf(stderr, "usage: readback REVIEW (%s)\n", err.message);
        return 1;
    }
    double walk[3];
    size_t n = 0;
    for (int i = 0; i < 3; i++) {
        double t0 = cpu_now();
        n = 0;
        if (ev_store_records_foreach(s, count, &n, &err) != EV_OK)
            return fprintf(stderr, "readback: %s\n", err.message), 1;
        walk[i] = cpu_now() - t0;
    }
    blobs b = {0};
    ev_buf_init(&b.json, 0);
    ev_buf_init(&b.bin, 0);
    if (ev_store_records_foreach(s, keep, &b, &err) != EV_OK)
        return fprintf(stderr, "readback: %s\n", err.message), 1;
    double w = best3(walk[0], walk[1], walk[2]);
    double j = best3(decode_all(&b, true), decode_all(&b, true), decode_all(&b, true));
    double d = best3(decode_all(&b, false), decode_all(&b, false), decode_all(&b, false));
    printf("%zu records; record JSON %.0f bytes/record, binary %.0f bytes/record\n", n,
           (double)b.json.len / (double)b.n, (double)b.bin.len / (double)b.n);
    printf("%-44s %8.3f s  %9.0f records/s\n", "ev_store_records_foreach (SQLite + binary)", w,
           (double)n / w);
    printf("%-44s %8.3f s  %9.0f records/s\n", "decode binary (in memory)", d, (double)n / d);
    printf("%-44s %8.3f s  %9.0f records/s\n", "parse record JSON with jansson (in memory)", j,
           (double)n / j);
    printf("jansson / binary: %.1fx\n", j / d);
    ev_store_free(s);
    return 0;
}
