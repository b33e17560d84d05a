/*
 * stopping.c - when may screening stop? The hypergeometric test of
 * Callaghan & Mueller-Hansen (2020, Systematic Reviews 9:254, section
 * "A statistical stopping criterion") and the N-consecutive-exclusions
 * heuristic. The hypergeometric CDF is summed here in log space with lgamma
 * (GSL belongs to synth; the terms are few: at most the relevant count).
 */
#include "screen_int.h"

#include <math.h>

static double lchoose(double n, double k)
{
    return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
}

double ev_screen_hypergeom_cdf(uint64_t k, uint64_t N, uint64_t K, uint64_t n)
{
    if (K > N || n > N)
        return 0;
    uint64_t lo = n + K > N ? n + K - N : 0;
    uint64_t hi = K < n ? K : n;
    if (k < lo)
        return 0;
    if (k >= hi)
        return 1;
    double lden = lchoose((double)N, (double)n), mx = -INFINITY;
    double terms[64], sum = 0;
    /* log-sum-exp in blocks so any k works without a large buffer */
    for (uint64_t i = lo; i <= k; i++) {
        double t = lchoose((double)K, (double)i) + lchoose((double)(N - K), (double)(n - i)) - lden;
        size_t slot = (size_t)((i - lo) % 64);
        terms[slot] = t;
        if (slot == 63 || i == k) {
            mx = -INFINITY;
            for (size_t s = 0; s <= slot; s++)
                mx = terms[s] > mx ? terms[s] : mx;
            double part = 0;
            for (size_t s = 0; s <= slot; s++)
                part += exp(terms[s] - mx);
            sum += part * exp(mx);
        }
    }
    return sum > 1 ? 1 : sum;
}

/* min over windows of P(X <= k_n) when the pool holds K_total relevant
 * records: the last n screened records are a sample of the N - seen + n
 * records unscreened before them, holding K_total - (r - k_n) relevant. */
static double min_p(const bool *labels, size_t seen, size_t total, uint64_t r, uint64_t K_total)
{
    double best = 1;
    uint64_t k = 0;
    for (size_t n = 1; n <= seen; n++) {
        k += labels[seen - n] ? 1 : 0;
        uint64_t urn = total - seen + n;
        uint64_t red = K_total - (r - k);
        double p = red > urn ? 0 : ev_screen_hypergeom_cdf(k, urn, red, n);
        if (p < best)
            best = p;
        if (best == 0)
            break;
    }
    return best;
}

ev_status ev_screen_stop_hypergeometric(ev_screen_stop_result *out, const bool *labels,
                                        size_t n_screened, size_t total, double recall_target,
                                        double confidence, ev_error *err)
{
    *out = (ev_screen_stop_result){0};
    if (total < n_screened || !(recall_target > 0 && recall_target < 1) ||
        !(confidence > 0 && confidence < 1))
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0,
                            "stopping rule needs a target and confidence in (0, 1)");
    uint64_t r = 0;
    for (size_t i = 0; i < n_screened; i++)
        r += labels[i] ? 1 : 0;
    out->screened = n_screened;
    out->found = (size_t)r;
    out->total = total;
    double alpha = 1 - confidence;
    /* H0: recall < target, i.e. at least K_tar relevant records in all */
    uint64_t K_tar = (uint64_t)floor((double)r / recall_target) + 1;
    out->p = r == 0 ? 1 : min_p(labels, n_screened, total, r, K_tar);
    out->stop = r > 0 && out->p < alpha;
    /* the largest total not rejected at this confidence: recall >= r / it */
    uint64_t lo = r, hi = r + (total - n_screened); /* lo never rejected */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo + 1) / 2;
        if (r > 0 && min_p(labels, n_screened, total, r, mid) < alpha)
            hi = mid - 1;
        else
            lo = mid;
    }
    out->recall_estimate = lo > 0 ? (double)r / (double)lo : 0;
    return EV_OK;
}

size_t ev_screen_trailing_exclusions(const bool *labels, size_t n)
{
    size_t k = 0;
    while (k < n && !labels[n - 1 - k])
        k++;
    return k;
}
