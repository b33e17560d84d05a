/*
 * bench_search.c - evident's side of bench/search: open a review, load the
 * MeSH vocabulary, build the search index (timed once), then run each query
 * of QUERIES (name<TAB>query lines) and the strategy file RUNS times in one
 * warm process. Prints TSV: name, count, median ms, min ms.
 *
 * usage: bench_search REVIEW MESH QUERIES STRATEGY RUNS [REPLICATE]
 *
 * REPLICATE k > 1 indexes every record k times (copies get PMIDs made unique
 * with a suffix), a scale proxy for a k-times larger corpus: every count is
 * then k times the single-copy count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evident/ev_search.h"
#include "evident/ev_store.h"

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, dbl_cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = '\0';
    fclose(f);
    return s;
}

/* One timed run of a query (strategy when is_strategy); returns ms. */
static double run_once(ev_search_index *ix, const char *q, bool is_strategy, size_t *count)
{
    ev_search_session *s = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev_search_session_new(&s, ix) != EV_OK)
        exit(5);
    double t0 = ev_now();
    const ev_search_result *r = NULL;
    ev_status st = is_strategy ? ev_search_run_strategy(s, "strategy", q, &err)
                               : ev_search_run(s, q, &r, &err);
    double ms = (ev_now() - t0) * 1000;
    if (st != EV_OK) {
        fprintf(stderr, "bench_search: %s: %s\n", q, err.message);
        exit(2);
    }
    size_t n;
    const ev_search_result *h = ev_search_history(s, &n);
    *count = h[n - 1].count;
    ev_search_session_free(s);
    return ms;
}

static void bench(ev_search_index *ix, const char *name, const char *q, bool strat, int runs)
{
    double t[64];
    size_t count = 0;
    run_once(ix, q, strat, &count); /* warm-up */
    for (int i = 0; i < runs; i++)
        t[i] = run_once(ix, q, strat, &count);
    double m = median(t, runs);
    printf("%s\t%zu\t%.3f\t%.3f\n", name, count, m, t[0]);
    fflush(stdout);
}

typedef struct rep {
    ev_search_index *ix;
    int k;
    ev_id next;
} rep;

static ev_status add_copies(ev_id id, const ev_record *rec, void *payload)
{
    rep *r = payload;
    (void)id;
    char pmid[64];
    for (int c = 0; c < r->k; c++) {
        ev_record copy = *rec; /* shallow: the index only reads */
        if (rec->pmid && c > 0) {
            snprintf(pmid, sizeof pmid, "%s.%d", rec->pmid, c);
            copy.pmid = pmid;
        }
        ev_status st = ev_search_index_add(r->ix, ++r->next, &copy);
        if (st != EV_OK)
            return st;
    }
    return EV_OK;
}

/* CACHED=1 in the environment: the index as one-shot searches get it, read
 * from the review's cache (long lists decoded on first use, keys found by
 * binary search) instead of built afresh. */
static ev_status build(ev_store *st, const ev_mesh *mesh, const char *mesh_id, int k,
                       ev_search_index **out, ev_error *err)
{
    const char *cached = getenv("CACHED");
    if (k <= 1 && cached && strcmp(cached, "1") == 0) {
        bool hit = false;
        ev_status rc = ev_search_index_open(out, st, mesh, mesh_id, false, NULL, NULL, &hit, err);
        printf("#cache\t%s\n", hit ? "used" : "not valid: built afresh");
        return rc;
    }
    if (k <= 1)
        return ev_search_index_from_store(out, st, mesh, NULL, NULL, err);
    rep r = {NULL, k, 0};
    ev_status rc = ev_search_index_new(&r.ix, mesh);
    if (rc == EV_OK)
        rc = ev_store_records_foreach(st, add_copies, &r, err);
    *out = r.ix;
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 6 && argc != 7) {
        fprintf(stderr, "usage: bench_search REVIEW MESH QUERIES STRATEGY RUNS [REPLICATE]\n");
        return 1;
    }
    int k = argc == 7 ? (int)strtol(argv[6], NULL, 10) : 1;
    long rv = strtol(argv[5], NULL, 10);
    int runs = rv > 0 && rv <= 64 ? (int)rv : 5;
    ev_error err = EV_ERROR_INIT;
    ev_store *st = NULL;
    ev_mesh *mesh = NULL;
    ev_search_index *ix = NULL;
    if (ev_store_open(&st, argv[1], EV_STORE_READONLY, &err) != EV_OK ||
        ev_mesh_load(&mesh, argv[2], &err) != EV_OK) {
        fprintf(stderr, "bench_search: %s\n", err.message);
        return 4;
    }
    double t0 = ev_now();
    if (build(st, mesh, argv[2], k, &ix, &err) != EV_OK) {
        fprintf(stderr, "bench_search: %s\n", err.message);
        return 4;
    }
    printf("#index\t%zu\t%.1f\n", ev_search_index_docs(ix), (ev_now() - t0) * 1000);
    char *qs = slurp(argv[3]), *strategy = slurp(argv[4]);
    if (qs == NULL || strategy == NULL)
        return 2;
    bench(ix, "strategy", strategy, true, runs);
    char *save = NULL;
    for (char *line = strtok_r(qs, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || tab == NULL)
            continue;
        *tab = '\0';
        bench(ix, line, tab + 1, false, runs);
    }
    free(qs);
    free(strategy);
    ev_search_index_free(ix);
    ev_mesh_free(mesh);
    ev_store_free(st);
    return 0;
}
