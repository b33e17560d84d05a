/*
 * simulate.c - replay screening on a labelled set: random priors, then the
 * most relevant unlabelled record first (retrained after every label), and
 * the metrics ASReview reports (WSS, recall after x%, ATD).
 */
#include "screen_int.h"

#include <math.h>
#include <string.h>

typedef struct sim_ctx {
    const ev_screen_corpus *c;
    const bool *included;
    size_t n, relevant;
    const ev_screen_sim_options *opt;
    double *scores;
    signed char *seen;
} sim_ctx;

/* Draw k distinct rows with included == want (partial Fisher-Yates). */
static ev_status draw_priors(sim_ctx *x, ev_rng *rng, bool want, size_t k, size_t *out)
{
    size_t *pool = ev_calloc(x->n, sizeof *pool);
    if (!pool)
        return EV_ENOMEM;
    size_t m = 0;
    for (size_t i = 0; i < x->n; i++)
        if (x->included[i] == want)
            pool[m++] = i;
    for (size_t i = 0; i < k; i++) {
        size_t j = i + (size_t)ev_rng_below(rng, m - i);
        size_t t = pool[i];
        pool[i] = pool[j];
        pool[j] = t;
        out[i] = pool[i];
    }
    ev_free(pool);
    return EV_OK;
}

/* The next row: the best-scored unseen row, or a random unseen one. */
static size_t pick(sim_ctx *x, ev_rng *rng, size_t left)
{
    if (x->opt->random_fraction > 0 && ev_rng_unit(rng) < x->opt->random_fraction) {
        size_t k = (size_t)ev_rng_below(rng, left);
        for (size_t i = 0; i < x->n; i++)
            if (!x->seen[i] && k-- == 0)
                return i;
    }
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < x->n; i++)
        if (!x->seen[i] && (best == SIZE_MAX || x->scores[i] > x->scores[best]))
            best = i;
    return best;
}

static size_t first_reaching(const ev_screen_sim_run *run, size_t need)
{
    if (need == 0)
        return 0;
    for (size_t i = 0; i < run->n_found; i++)
        if (run->found[i] >= need)
            return i + 1;
    return run->n; /* not reached within the recorded part: cannot happen */
}

static double recall_after(const ev_screen_sim_run *run, double share)
{
    size_t k = (size_t)floor(share * (double)run->n);
    if (k == 0 || run->relevant == 0)
        return 0;
    uint32_t f = k <= run->n_found ? run->found[k - 1] : (uint32_t)run->relevant;
    return (double)f / (double)run->relevant;
}

static void run_metrics(ev_screen_sim_run *run)
{
    double R = (double)run->relevant, N = (double)run->n;
    run->n95 = first_reaching(run, (size_t)ceil(0.95 * R - 1e-9));
    run->n100 = first_reaching(run, run->relevant);
    run->wss95 = 0.95 - (double)run->n95 / N;
    run->wss100 = 1.0 - (double)run->n100 / N;
    run->recall10 = recall_after(run, 0.10);
    run->recall20 = recall_after(run, 0.20);
    double pos = 0;
    uint32_t prev = 0;
    for (size_t i = 0; i < run->n_found; i++) {
        pos += (double)(run->found[i] - prev) * (double)(i + 1);
        prev = run->found[i];
    }
    run->atd = R > 0 ? pos / R / N : 0;
}

static ev_status label_priors(sim_ctx *x, ev_screen_ranker *rk, ev_rng *rng,
                              size_t *n_pos_prior, ev_error *err)
{
    const ev_screen_sim_options *o = x->opt;
    size_t np = o->prior_included + o->prior_excluded;
    size_t *pr = ev_calloc(np ? np : 1, sizeof *pr);
    if (!pr)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    ev_status st = draw_priors(x, rng, true, o->prior_included, pr);
    if (st == EV_OK)
        st = draw_priors(x, rng, false, o->prior_excluded, pr + o->prior_included);
    for (size_t i = 0; i < np && st == EV_OK; i++) {
        x->seen[pr[i]] = 1;
        st = ev_screen_ranker_label(rk, pr[i], x->included[pr[i]], err);
    }
    ev_free(pr);
    *n_pos_prior = o->prior_included;
    return st == EV_ENOMEM ? ev_error_set(err, st, NULL, 0, 0, "out of memory") : st;
}

static ev_status one_run(sim_ctx *x, size_t r, ev_screen_sim_run *run, ev_error *err)
{
    const ev_screen_sim_options *o = x->opt;
    ev_rng rng;
    ev_rng_seed(&rng, o->seed ^ ev_mix64(r + 1));
    ev_screen_ranker *rk = NULL;
    ev_status st = ev_screen_ranker_new(&rk, x->c, &o->model, err);
    if (st != EV_OK)
        return st;
    memset(x->seen, 0, x->n);
    size_t pos_prior = 0;
    st = label_priors(x, rk, &rng, &pos_prior, err);
    run->n = x->n - o->prior_included - o->prior_excluded;
    run->relevant = x->relevant - pos_prior;
    run->found = ev_calloc(run->n ? run->n : 1, sizeof *run->found);
    if (st == EV_OK && !run->found)
        st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    uint32_t found = 0;
    for (size_t i = 0; i < run->n && st == EV_OK; i++) {
        if (o->stop_when_complete && found == run->relevant)
            break;
        st = ev_screen_ranker_scores(rk, x->scores, err);
        if (st != EV_OK)
            break;
        size_t row = pick(x, &rng, run->n - i);
        x->seen[row] = 1;
        found += x->included[row] ? 1u : 0u;
        run->found[run->n_found++] = found;
        st = ev_screen_ranker_label(rk, row, x->included[row], err);
    }
    ev_screen_ranker_free(rk);
    if (st == EV_OK)
        run_metrics(run);
    return st;
}

static void means(ev_screen_sim_result *res)
{
    double k = (double)res->n_runs;
    for (size_t r = 0; r < res->n_runs; r++) {
        const ev_screen_sim_run *u = &res->runs[r];
        res->mean_wss95 += u->wss95 / k;
        res->mean_wss100 += u->wss100 / k;
        res->mean_recall10 += u->recall10 / k;
        res->mean_recall20 += u->recall20 / k;
        res->mean_atd += u->atd / k;
        res->mean_n95 += (double)u->n95 / k;
        res->mean_n100 += (double)u->n100 / k;
    }
}

static ev_status check_input(const bool *included, size_t n, const ev_screen_sim_options *o,
                             size_t *relevant, ev_error *err)
{
    if (o->runs == 0 || o->random_fraction < 0 || o->random_fraction > 1)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "runs must be >= 1 and the random "
                            "fraction in [0, 1]");
    size_t pos = 0;
    for (size_t i = 0; i < n; i++)
        pos += included[i] ? 1 : 0;
    *relevant = pos;
    if (pos == 0)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                            "the labelled set has no included record (label_included = 1)");
    if (pos == n)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0, "the labelled set has no excluded record");
    if (o->prior_included > pos || o->prior_excluded > n - pos || o->prior_included >= pos)
        return ev_error_set(err, EV_EINPUT, NULL, 0, 0,
                            "too few records for the priors (%zu included, %zu excluded)", pos,
                            n - pos);
    return EV_OK;
}

ev_status ev_screen_simulate(ev_screen_sim_result **out, const char *const *texts,
                             const bool *included, size_t n, const ev_screen_sim_options *opt,
                             ev_progress_fn progress, void *payload, ev_error *err)
{
    ev_screen_sim_options o = EV_SCREEN_SIM_OPTIONS_INIT;
    if (opt)
        o = *opt;
    *out = NULL;
    double t0 = ev_now();
    sim_ctx x = {.included = included, .n = n, .opt = &o};
    ev_status st = check_input(included, n, &o, &x.relevant, err);
    if (st != EV_OK)
        return st;
    ev_screen_sim_result *res = ev_calloc(1, sizeof *res);
    ev_screen_corpus *c = NULL;
    x.scores = ev_calloc(n, sizeof *x.scores);
    x.seen = ev_calloc(n, 1);
    if (!res || !x.scores || !x.seen || !(res->runs = ev_calloc(o.runs, sizeof *res->runs)))
        st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    if (st == EV_OK)
        st = ev_screen_corpus_new(&c, texts, n, &o.corpus, err);
    x.c = c;
    for (size_t r = 0; r < o.runs && st == EV_OK; r++) {
        st = one_run(&x, r, &res->runs[r], err);
        res->n_runs = r + 1;
        if (st == EV_OK && progress && !progress(r + 1, o.runs, payload))
            st = ev_error_set(err, EV_ECANCEL, NULL, 0, 0, "simulation cancelled");
    }
    if (st == EV_OK) {
        res->records = n;
        res->relevant = x.relevant;
        res->features = ev_screen_corpus_features(c);
        means(res);
        res->seconds = ev_now() - t0;
        *out = res;
    } else {
        ev_screen_sim_result_free(res);
    }
    ev_screen_corpus_free(c);
    ev_free(x.scores);
    ev_free(x.seen);
    return st;
}

void ev_screen_sim_result_free(ev_screen_sim_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_runs; i++)
        ev_free(r->runs[i].found);
    ev_free(r->runs);
    ev_free(r);
}
