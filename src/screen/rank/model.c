/*
 * model.c - the incremental relevance ranker: multinomial Naive Bayes on
 * TF-IDF (as scikit-learn's MultinomialNB, the ASReview default) or L2
 * logistic regression (liblinear), balanced for the rare included class.
 *
 * Naive Bayes keeps per-class feature sums that a new label updates in
 * O(row length); retraining only recomputes the log-probabilities of the
 * features some labelled row has (the others share one constant), and the
 * scores are the log-odds log P(1|x) - log P(0|x): a sparse dot product
 * over the unlabelled rows only (the ranker keeps them in a pool), with
 * 16-bit column indices when the vocabulary allows and eight columns at a
 * time with AVX2 gathers where the CPU has them; the per-feature
 * log-ratios are likewise computed eight at a time there. The vector code
 * adds in another order and uses its own logarithm, so scores may differ
 * in the last float digits between machines with and without AVX2.
 */
#include "screen_int.h"

#include <linear.h>
#include <float.h>
#include <math.h>
#include <string.h>

/* x86-64 with GCC or clang: the scoring loop also has an AVX2 version,
 * chosen at run time (__builtin_cpu_supports); elsewhere the plain one. */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define EV_RANK_AVX2 1
#endif

struct ev_screen_ranker {
    const ev_screen_corpus *c;
    ev_screen_model_options opt;
    signed char *label; /* -1 unlabelled, 0, 1 */
    size_t n_label[2];
    double *sum[2]; /* NB: per-class feature sums of the labelled rows */
    double total[2];
    float *delta;      /* NB: log-ratio minus the untouched constant */
    uint32_t *touched; /* features with a nonzero sum in either class */
    size_t n_touched;
    unsigned char *is_touched;
    double *rowsum;    /* sum of each row's values */
    uint32_t *pool;    /* the unlabelled rows, in no order */
    uint32_t *pool_at; /* row -> its index in pool */
    size_t n_pool;
    uint16_t *col16;            /* the corpus's columns as 16 bits when they fit */
    struct feature_node *nodes; /* liblinear rows: nnz + rows terminators + bias */
    struct feature_node **xrow;
    double *lr_w; /* weights of the last fit, facing "included" */
    float *lr_wf; /* the same as floats for scoring */
};

/* Row i of the corpus times a dense weight vector. Four accumulators break
 * the add latency chain (the loop is otherwise bound by it, not by memory). */
static float row_dot(const ev_screen_corpus *c, size_t i, const float *w)
{
    const uint32_t *col = c->col;
    const float *val = c->val;
    size_t k = c->row_ptr[i], end = c->row_ptr[i + 1];
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (; k + 4 <= end; k += 4) {
        s0 += val[k] * w[col[k]];
        s1 += val[k + 1] * w[col[k + 1]];
        s2 += val[k + 2] * w[col[k + 2]];
        s3 += val[k + 3] * w[col[k + 3]];
    }
    for (; k < end; k++)
        s0 += val[k] * w[col[k]];
    return (s0 + s1) + (s2 + s3);
}

/* The same with 16-bit column indices: a quarter less memory traffic on
 * the loop that dominates a simulation (most corpora have < 65,536 terms). */
static float row_dot16(const ev_screen_corpus *c, const uint16_t *col, size_t i, const float *w)
{
    const float *val = c->val;
    size_t k = c->row_ptr[i], end = c->row_ptr[i + 1];
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (; k + 4 <= end; k += 4) {
        s0 += val[k] * w[col[k]];
        s1 += val[k + 1] * w[col[k + 1]];
        s2 += val[k + 2] * w[col[k + 2]];
        s3 += val[k + 3] * w[col[k + 3]];
    }
    for (; k < end; k++)
        s0 += val[k] * w[col[k]];
    return (s0 + s1) + (s2 + s3);
}

#ifdef EV_RANK_AVX2
/* AVX2: eight gathers and one FMA per iteration. */
__attribute__((target("avx2,fma"))) static float
row_dot16_avx2(const ev_screen_corpus *c, const uint16_t *col, size_t i, const float *w)
{
    const float *val = c->val;
    size_t k = c->row_ptr[i], end = c->row_ptr[i + 1];
    __m256 acc = _mm256_setzero_ps();
    for (; k + 8 <= end; k += 8) {
        __m256i idx = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(col + k)));
        __m256 g = _mm256_i32gather_ps(w, idx, 4);
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(val + k), g, acc);
    }
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    h = _mm_add_ps(h, _mm_movehl_ps(h, h));
    h = _mm_add_ss(h, _mm_shuffle_ps(h, h, 1));
    float s = _mm_cvtss_f32(h);
    for (; k < end; k++)
        s += val[k] * w[col[k]];
    return s;
}

__attribute__((target("avx2,fma"))) static float row_dot32_avx2(const ev_screen_corpus *c, size_t i,
                                                                const float *w)
{
    const uint32_t *col = c->col;
    const float *val = c->val;
    size_t k = c->row_ptr[i], end = c->row_ptr[i + 1];
    __m256 acc = _mm256_setzero_ps();
    for (; k + 8 <= end; k += 8) {
        __m256i idx = _mm256_loadu_si256((const __m256i *)(col + k));
        __m256 g = _mm256_i32gather_ps(w, idx, 4);
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(val + k), g, acc);
    }
    __m128 h = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    h = _mm_add_ps(h, _mm_movehl_ps(h, h));
    h = _mm_add_ss(h, _mm_shuffle_ps(h, h, 1));
    float s = _mm_cvtss_f32(h);
    for (; k < end; k++)
        s += val[k] * w[col[k]];
    return s;
}

/* ln of eight positive normal floats: Cephes' logf (S. L. Moshier) as
 * vectorised in sse_mathfun (J. Pommier); within 2 ulp of libm's logf. */
__attribute__((target("avx2,fma"))) static __m256 log8(__m256 x)
{
    static const float p[9] = {7.0376836292E-2f,  -1.1514610310E-1f, 1.1676998740E-1f,
                               -1.2420140846E-1f, 1.4249322787E-1f,  -1.6668057665E-1f,
                               2.0000714765E-1f,  -2.4999993993E-1f, 3.3333331174E-1f};
    const __m256 one = _mm256_set1_ps(1.0f);
    __m256i e =
        _mm256_sub_epi32(_mm256_srli_epi32(_mm256_castps_si256(x), 23), _mm256_set1_epi32(126));
    x = _mm256_or_ps(_mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(0x007fffff))),
                     _mm256_set1_ps(0.5f)); /* mantissa in [0.5, 1) */
    __m256 fe = _mm256_cvtepi32_ps(e);
    __m256 small = _mm256_cmp_ps(x, _mm256_set1_ps(0.707106781186547524f), _CMP_LT_OQ);
    fe = _mm256_sub_ps(fe, _mm256_and_ps(one, small));
    x = _mm256_sub_ps(_mm256_add_ps(x, _mm256_and_ps(x, small)), one);
    __m256 y = _mm256_set1_ps(p[0]);
    for (int k = 1; k < 9; k++)
        y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(p[k]));
    __m256 z = _mm256_mul_ps(x, x);
    y = _mm256_mul_ps(_mm256_mul_ps(y, x), z);
    y = _mm256_fmadd_ps(fe, _mm256_set1_ps(-2.12194440e-4f), y);
    y = _mm256_fnmadd_ps(z, _mm256_set1_ps(0.5f), y);
    x = _mm256_add_ps(x, y);
    return _mm256_fmadd_ps(fe, _mm256_set1_ps(0.693359375f), x);
}

/* Four sums of class c at the features idx[0..4), as floats. */
__attribute__((target("avx2,fma"))) static __m128 sums4(const double *sum, __m128i idx)
{
    return _mm256_cvtpd_ps(_mm256_i32gather_pd(sum, idx, 8));
}

/* delta[j] = ln(w1 s1_j + a) - ln(w0 s0_j + a) for the touched features
 * touched[0..n8), eight at a time; ln(a) where a class sum is 0, as the
 * plain loop does. */
__attribute__((target("avx2,fma"))) static void nb_delta_avx2(ev_screen_ranker *r, size_t n8,
                                                              float a, float w0, float w1)
{
    const __m256 va = _mm256_set1_ps(a), v0 = _mm256_set1_ps(w0), v1 = _mm256_set1_ps(w1);
    const __m256 zero = _mm256_setzero_ps(), la = log8(va);
    float out[8];
    for (size_t t = 0; t + 8 <= n8; t += 8) {
        const uint32_t *j = r->touched + t;
        __m128i lo = _mm_loadu_si128((const __m128i *)j);
        __m128i hi = _mm_loadu_si128((const __m128i *)(j + 4));
        __m256 s1 = _mm256_set_m128(sums4(r->sum[1], hi), sums4(r->sum[1], lo));
        __m256 s0 = _mm256_set_m128(sums4(r->sum[0], hi), sums4(r->sum[0], lo));
        __m256 l1 = _mm256_blendv_ps(la, log8(_mm256_fmadd_ps(v1, s1, va)),
                                     _mm256_cmp_ps(s1, zero, _CMP_GT_OQ));
        __m256 l0 = _mm256_blendv_ps(la, log8(_mm256_fmadd_ps(v0, s0, va)),
                                     _mm256_cmp_ps(s0, zero, _CMP_GT_OQ));
        _mm256_storeu_ps(out, _mm256_sub_ps(l1, l0));
        for (int k = 0; k < 8; k++)
            r->delta[j[k]] = out[k];
    }
}
#endif

static bool use_avx2(void)
{
#ifdef EV_RANK_AVX2
    static int avx2 = -1;
    if (avx2 < 0)
        avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return avx2 == 1;
#else
    return false;
#endif
}

static float ranker_dot(const ev_screen_ranker *r, size_t i, const float *w)
{
#ifdef EV_RANK_AVX2
    if (use_avx2() && r->c->cols < INT32_MAX)
        return r->col16 ? row_dot16_avx2(r->c, r->col16, i, w) : row_dot32_avx2(r->c, i, w);
#endif
    return r->col16 ? row_dot16(r->c, r->col16, i, w) : row_dot(r->c, i, w);
}

/* The pool of unlabelled rows and the 16-bit column copy. */
static ev_status ranker_arrays(ev_screen_ranker *r)
{
    const ev_screen_corpus *c = r->c;
    size_t nnz = c->row_ptr[c->rows];
    r->pool = ev_calloc(c->rows, sizeof *r->pool);
    r->pool_at = ev_calloc(c->rows, sizeof *r->pool_at);
    if (!r->pool || !r->pool_at)
        return EV_ENOMEM;
    for (size_t i = 0; i < c->rows; i++)
        r->pool[i] = r->pool_at[i] = (uint32_t)i;
    r->n_pool = c->rows;
    if (c->cols > 65536)
        return EV_OK;
    r->col16 = ev_calloc(nnz ? nnz : 1, sizeof *r->col16);
    if (!r->col16)
        return EV_ENOMEM;
    for (size_t k = 0; k < nnz; k++)
        r->col16[k] = (uint16_t)c->col[k];
    return EV_OK;
}

static void pool_remove(ev_screen_ranker *r, size_t row)
{
    uint32_t at = r->pool_at[row], last = r->pool[--r->n_pool];
    r->pool[at] = last;
    r->pool_at[last] = at;
}

static void silent_print(const char *s)
{
    (void)s;
}

ev_status ev_screen_ranker_new(ev_screen_ranker **out, const ev_screen_corpus *c,
                               const ev_screen_model_options *opt, ev_error *err)
{
    ev_screen_model_options o = EV_SCREEN_MODEL_OPTIONS_INIT;
    if (opt)
        o = *opt;
    *out = NULL;
    if (!c || o.nb_alpha <= 0 || o.lr_c <= 0)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "bad model options");
    ev_screen_ranker *r = ev_calloc(1, sizeof *r);
    if (!r)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    r->c = c;
    r->opt = o;
    size_t cols = c->cols ? c->cols : 1;
    r->label = ev_malloc(c->rows);
    r->sum[0] = ev_calloc(cols, sizeof(double));
    r->sum[1] = ev_calloc(cols, sizeof(double));
    r->delta = ev_calloc(cols, sizeof(float));
    r->touched = ev_calloc(cols, sizeof(uint32_t));
    r->is_touched = ev_calloc(cols, 1);
    r->rowsum = ev_calloc(c->rows, sizeof(double));
    if (!r->label || !r->sum[0] || !r->sum[1] || !r->delta || !r->touched || !r->is_touched ||
        !r->rowsum || c->rows > UINT32_MAX || ranker_arrays(r) != EV_OK) {
        ev_screen_ranker_free(r);
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    memset(r->label, -1, c->rows);
    for (size_t i = 0; i < c->rows; i++)
        for (size_t k = c->row_ptr[i]; k < c->row_ptr[i + 1]; k++)
            r->rowsum[i] += c->val[k];
    set_print_string_function(silent_print);
    *out = r;
    return EV_OK;
}

void ev_screen_ranker_free(ev_screen_ranker *r)
{
    if (!r)
        return;
    ev_free(r->label);
    ev_free(r->sum[0]);
    ev_free(r->sum[1]);
    ev_free(r->delta);
    ev_free(r->touched);
    ev_free(r->is_touched);
    ev_free(r->rowsum);
    ev_free(r->pool);
    ev_free(r->pool_at);
    ev_free(r->col16);
    ev_free(r->nodes);
    ev_free(r->xrow);
    ev_free(r->lr_w);
    ev_free(r->lr_wf);
    ev_free(r);
}

static void add_row(ev_screen_ranker *r, size_t row, int cls, double sign)
{
    const ev_screen_corpus *c = r->c;
    for (size_t k = c->row_ptr[row]; k < c->row_ptr[row + 1]; k++) {
        uint32_t j = c->col[k];
        r->sum[cls][j] += sign * c->val[k];
        r->total[cls] += sign * c->val[k];
        if (!r->is_touched[j]) {
            r->is_touched[j] = 1;
            r->touched[r->n_touched++] = j;
        }
    }
}

ev_status ev_screen_ranker_label(ev_screen_ranker *r, size_t row, bool included, ev_error *err)
{
    if (row >= r->c->rows)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "row %zu out of range", row);
    int cls = included ? 1 : 0;
    if (r->label[row] == cls)
        return EV_OK;
    if (r->label[row] >= 0) {
        add_row(r, row, r->label[row], -1.0);
        r->n_label[r->label[row]]--;
    } else {
        pool_remove(r, row);
    }
    add_row(r, row, cls, 1.0);
    r->label[row] = (signed char)cls;
    r->n_label[cls]++;
    return EV_OK;
}

/* Per-row weights of the two classes. Double balance: Ferdinands et al.
 * 2023 / ASReview's DoubleBalance (a = 2.155, alpha = 0.94, b = 0.789,
 * beta = 1), used as expected replication counts instead of a random
 * resample, so runs do not depend on the sampler. */
static void class_weights(const ev_screen_ranker *r, double w[2])
{
    double n1 = (double)r->n_label[1], n0 = (double)r->n_label[0], n = n1 + n0;
    if (!r->opt.double_balance) {
        w[1] = n / (2 * n1);
        w[0] = n / (2 * n0);
        return;
    }
    double one_w = 2.155 * pow(n0 / n1, 0.94);
    double zero_w = 1.0 - (1.0 - 0.789) * pow(1.0 + n, -1.0);
    double tot = one_w * n1 + zero_w * n0;
    double n1_train = one_w * n1 * n / tot;
    if (n1_train > n - 2)
        n1_train = n - 2;
    if (n1_train < 1)
        n1_train = 1;
    w[1] = n1_train / n1;
    w[0] = (n - n1_train) / n0;
}

/* MultinomialNB: log P(x_j | c) = log((w_c S_cj + alpha) / (w_c T_c +
 * alpha V)); score = log prior ratio + sum_j x_j (lp1_j - lp0_j). */
static void nb_scores(ev_screen_ranker *r, double *scores)
{
    const ev_screen_corpus *c = r->c;
    double w[2], alpha = r->opt.nb_alpha, V = (double)c->cols;
    class_weights(r, w);
    double den0 = log(w[0] * r->total[0] + alpha * V);
    double den1 = log(w[1] * r->total[1] + alpha * V);
    double base = den0 - den1; /* lp1 - lp0 for an untouched feature */
    /* float logs: the ranking needs ~6 digits, and logf is twice as fast */
    float a = (float)alpha, w0 = (float)w[0], w1 = (float)w[1];
    /* most touched features occur in one class only: ln(a) for the other */
    float la = logf(a);
    size_t t = 0;
#ifdef EV_RANK_AVX2
    /* the vector log wants normal inputs; gather indices are signed */
    if (use_avx2() && c->cols < INT32_MAX && a >= FLT_MIN && a < 1e30f) {
        t = r->n_touched & ~(size_t)7;
        nb_delta_avx2(r, t, a, w0, w1);
    }
#endif
    for (; t < r->n_touched; t++) {
        uint32_t j = r->touched[t];
        float s1 = (float)r->sum[1][j], s0 = (float)r->sum[0][j];
        r->delta[j] = (s1 > 0 ? logf(w1 * s1 + a) : la) - (s0 > 0 ? logf(w0 * s0 + a) : la);
    }
    double n1 = w[1] * (double)r->n_label[1], n0 = w[0] * (double)r->n_label[0];
    double prior = log(n1) - log(n0);
    for (size_t i = 0; i < c->rows; i++)
        scores[i] = -INFINITY;
    for (size_t p = 0; p < r->n_pool; p++) {
        uint32_t i = r->pool[p];
        scores[i] = prior + base * r->rowsum[i] + ranker_dot(r, i, r->delta);
    }
}

/* liblinear rows, built on first use: indices are 1-based, a bias feature
 * (index cols + 1) closes each row, then the -1 terminator. */
static ev_status lr_rows(ev_screen_ranker *r)
{
    const ev_screen_corpus *c = r->c;
    if (r->nodes)
        return EV_OK;
    size_t nnz = c->row_ptr[c->rows];
    r->nodes = ev_calloc(nnz + 2 * c->rows, sizeof *r->nodes);
    r->xrow = ev_calloc(c->rows, sizeof *r->xrow);
    r->lr_w = ev_calloc(c->cols + 1, sizeof *r->lr_w);
    r->lr_wf = ev_calloc(c->cols + 1, sizeof *r->lr_wf);
    if (!r->nodes || !r->xrow || !r->lr_w || !r->lr_wf)
        return EV_ENOMEM;
    struct feature_node *p = r->nodes;
    for (size_t i = 0; i < c->rows; i++) {
        r->xrow[i] = p;
        for (size_t k = c->row_ptr[i]; k < c->row_ptr[i + 1]; k++)
            *p++ = (struct feature_node){(int)c->col[k] + 1, c->val[k]};
        *p++ = (struct feature_node){(int)c->cols + 1, 1.0};
        *p++ = (struct feature_node){-1, 0.0};
    }
    return EV_OK;
}

static ev_status lr_train(ev_screen_ranker *r, ev_error *err)
{
    const ev_screen_corpus *c = r->c;
    size_t l = r->n_label[0] + r->n_label[1];
    double *y = ev_calloc(l, sizeof *y);
    struct feature_node **x = ev_calloc(l, sizeof *x);
    if (!y || !x) {
        ev_free(y);
        ev_free(x);
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    size_t m = 0;
    for (size_t i = 0; i < c->rows; i++) {
        if (r->label[i] < 0)
            continue;
        y[m] = r->label[i] ? 1.0 : -1.0;
        x[m++] = r->xrow[i];
    }
    double w[2];
    class_weights(r, w);
    int wl[2] = {-1, 1};
    double wv[2] = {w[0], w[1]};
    struct problem prob = {(int)l, (int)c->cols + 1, y, x, -1.0};
    struct parameter par = {.solver_type = L2R_LR_DUAL,
                            .eps = 0.1,
                            .C = r->opt.lr_c,
                            .nr_weight = 2,
                            .weight_label = wl,
                            .weight = wv,
                            .init_sol = NULL};
    struct model *mod = train(&prob, &par);
    ev_free(y);
    ev_free(x);
    if (!mod)
        return ev_error_set(err, EV_EINTERNAL, NULL, 0, 0, "liblinear failed to train");
    /* w is for the decision value of label[0]: orient it towards "included" */
    double sign = mod->label[0] == 1 ? 1.0 : -1.0;
    for (size_t j = 0; j <= c->cols; j++) {
        r->lr_w[j] = sign * mod->w[j];
        r->lr_wf[j] = (float)r->lr_w[j];
    }
    free_and_destroy_model(&mod);
    return EV_OK;
}

static ev_status lr_scores(ev_screen_ranker *r, double *scores, ev_error *err)
{
    const ev_screen_corpus *c = r->c;
    if (lr_rows(r) != EV_OK)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    ev_status st = lr_train(r, err);
    if (st != EV_OK)
        return st;
    for (size_t i = 0; i < c->rows; i++)
        scores[i] = -INFINITY;
    for (size_t p = 0; p < r->n_pool; p++) {
        uint32_t i = r->pool[p];
        scores[i] = r->lr_w[c->cols] + ranker_dot(r, i, r->lr_wf);
    }
    return EV_OK;
}

ev_status ev_screen_ranker_scores(ev_screen_ranker *r, double *scores, ev_error *err)
{
    if (r->n_label[0] == 0 || r->n_label[1] == 0) {
        for (size_t i = 0; i < r->c->rows; i++)
            scores[i] = r->label[i] >= 0 ? -INFINITY : 0.0;
        return EV_OK;
    }
    if (r->opt.kind == EV_SCREEN_MODEL_LR)
        return lr_scores(r, scores, err);
    nb_scores(r, scores);
    return EV_OK;
}
