/*
 * rerank.c - how long one re-rank takes at review scale: reads labelled CSV
 * files (title, abstract, label_included) until N records (repeating them
 * when there are fewer), builds the TF-IDF matrix once, labels L records,
 * then times ev_screen_ranker_label + ev_screen_ranker_scores (what happens
 * after each decision) for Naive Bayes and logistic regression; prints the
 * median of R repetitions. usage: rerank N L R FILE.csv...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evident/ev_formats.h"
#include "evident/ev_screen.h"

typedef struct texts {
    char **v;
    bool *inc;
    size_t n, cap;
} texts;

static ev_status on_record(ev_record *rec, void *payload)
{
    texts *t = payload;
    if (t->n == t->cap)
        return EV_OK;
    ev_buf b;
    ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
    if (ev_buf_puts(&b, rec->title ? rec->title : "") != EV_OK)
        return EV_ENOMEM;
    for (size_t i = 0; i < rec->n_abstract; i++)
        if (ev_buf_putc(&b, ' ') != EV_OK ||
            ev_buf_puts(&b, rec->abstract[i].text ? rec->abstract[i].text : "") != EV_OK)
            return EV_ENOMEM;
    bool inc = false;
    for (size_t i = 0; i < rec->n_extra; i++)
        if (strcmp(rec->extra[i].key, "label_included") == 0)
            inc = strcmp(rec->extra[i].value, "1") == 0;
    t->inc[t->n] = inc;
    t->v[t->n++] = ev_buf_detach(&b);
    ev_buf_release(&b);
    return EV_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median wall and CPU milliseconds (the machine may be shared: CPU time
 * is what the re-rank costs, wall time what the user waits). */
static double cpu_ms_median;

static double time_model(ev_screen_corpus *c, const texts *t, size_t L, size_t R,
                         ev_screen_model_kind kind)
{
    ev_screen_model_options mo = EV_SCREEN_MODEL_OPTIONS_INIT;
    mo.kind = kind;
    ev_screen_ranker *r = NULL;
    if (ev_screen_ranker_new(&r, c, &mo, NULL) != EV_OK)
        return -1;
    double *sc = ev_calloc(t->n, sizeof *sc), *ms = ev_calloc(R, sizeof *ms);
    double *cpu = ev_calloc(R, sizeof *cpu);
    for (size_t i = 0; i < L; i++)
        if (ev_screen_ranker_label(r, i * (t->n / L), i % 10 == 0 || t->inc[i], NULL) != EV_OK)
            return -1;
    for (size_t k = 0; k < R; k++) {
        double t0 = ev_now();
        clock_t c0 = clock();
        if (ev_screen_ranker_label(r, L * (t->n / L) / 2 + k + 1, k % 7 == 0, NULL) != EV_OK ||
            ev_screen_ranker_scores(r, sc, NULL) != EV_OK)
            return -1;
        ms[k] = 1000 * (ev_now() - t0);
        cpu[k] = 1000.0 * (double)(clock() - c0) / CLOCKS_PER_SEC;
    }
    qsort(ms, R, sizeof *ms, cmp_double);
    qsort(cpu, R, sizeof *cpu, cmp_double);
    double med = ms[R / 2];
    cpu_ms_median = cpu[R / 2];
    ev_free(cpu);
    ev_free(sc);
    ev_free(ms);
    ev_screen_ranker_free(r);
    return med;
}

int main(int argc, char **argv)
{
    if (argc < 5)
        return fprintf(stderr, "usage: rerank N L R FILE.csv...\n"), 1;
    long N = strtol(argv[1], NULL, 10), L = strtol(argv[2], NULL, 10),
         R = strtol(argv[3], NULL, 10);
    texts t = {.v = ev_calloc((size_t)N, sizeof(char *)),
               .inc = ev_calloc((size_t)N, 1),
               .cap = (size_t)N};
    ev_parse_sink sink = {.record = on_record, .payload = &t};
    ev_parse_options po = EV_PARSE_OPTIONS_INIT;
    po.keep_raw = false;
    for (int pass = 0; t.n < t.cap && pass < 100; pass++)
        for (int i = 4; i < argc && t.n < t.cap; i++)
            if (ev_parse_file(argv[i], &po, &sink, NULL, NULL) != EV_OK)
                return fprintf(stderr, "cannot read %s\n", argv[i]), 1;
    double t0 = ev_now();
    ev_screen_corpus *c = NULL;
    if (ev_screen_corpus_new(&c, (const char *const *)t.v, t.n, NULL, NULL) != EV_OK)
        return 1;
    double build = ev_now() - t0;
    printf("records %zu, features %zu, tf-idf build %.2f s\n", t.n, ev_screen_corpus_features(c),
           build);
    double nb = time_model(c, &t, (size_t)L, (size_t)R, EV_SCREEN_MODEL_NB), nb_cpu = cpu_ms_median;
    double lr = time_model(c, &t, (size_t)L, (size_t)R, EV_SCREEN_MODEL_LR), lr_cpu = cpu_ms_median;
    printf("re-rank after one decision, %ld labelled, median of %ld:\n"
           "  nb %.1f ms wall, %.1f ms cpu\n  lr %.1f ms wall, %.1f ms cpu\n",
           L, R, nb, nb_cpu, lr, lr_cpu);
    ev_screen_corpus_free(c);
    return 0;
}
