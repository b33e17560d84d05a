/*
 * next_latency.c - time ev_screen_next on a review: the first call (builds
 * and caches the TF-IDF matrix) and calls after each decision (retrain and
 * score only). usage: next_latency REVIEW REVIEWER [DECISIONS]
 */
#include "evident/ev_screen.h"
#include "evident/ev_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return 1;
    long n = argc > 3 ? strtol(argv[3], NULL, 10) : 20;
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev_store_open(&s, argv[1], 0, &err) != EV_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    ev_id id = 0;
    double score, t0 = now_ms();
    if (ev_screen_next(s, argv[2], NULL, &id, &score, &err) != EV_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    printf("first next (builds the matrix): %.1f ms\n", now_ms() - t0);
    double *ms = calloc((size_t)n, sizeof *ms);
    for (long i = 0; i < n && id; i++) {
        ev_screen_decide_item it = {.record = id,
                                    .decision = i % 4 ? EV_SCREEN_EXCLUDE : EV_SCREEN_INCLUDE,
                                    .reason = i % 4 ? "bench" : NULL};
        if (ev_screen_decide(s, argv[2], &it, 1, NULL, &err) != EV_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        t0 = now_ms();
        if (ev_screen_next(s, argv[2], NULL, &id, &score, &err) != EV_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        ms[i] = now_ms() - t0;
    }
    qsort(ms, (size_t)n, sizeof *ms, cmp);
    printf("next after a decision: median %.1f ms, max %.1f ms over %ld decisions\n", ms[n / 2],
           ms[n - 1], n);
    free(ms);
    ev_store_free(s);
    return 0;
}
