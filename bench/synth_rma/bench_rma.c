/*
 * bench_rma.c - timing driver for the REML benchmarks (not a test):
 *   bench_rma bcg N REPS      N REML fits of dat.bcg (log RR), REPS times
 *   bench_rma big K REPS CSV  one REML fit of K synthetic studies, REPS
 *                             times; writes the data to CSV for the R side
 * Prints one line per repetition: "seconds".
 */
#include "evident/ev_synth.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* dat.bcg log relative risks and variances (escalc RR, metafor 3.8-1) */
static const double bcg_yi[] = {-0.8893113339202054, -1.5853886572014306, -1.3480731482996933,
                                -1.4415511900213054, -0.21754732221129558, -0.786115585818864,
                                -1.6208982235983918, 0.011952333523840508, -0.4694176487381494,
                                -1.3713448034727844, -0.3393588283383906, 0.44591340057137874,
                                -0.017313948216879815};
static const double bcg_vi[] = {0.32558476500396133, 0.19458112139814385, 0.4153679653679654,
                                0.020010031902247573, 0.05121017216963086, 0.0069056184559087574,
                                0.22301724757231517, 0.0039615792978177295, 0.056434210463248966,
                                0.07302479361302891, 0.01241221397155972, 0.5325058452001528,
                                0.0714046596839863};

/* splitmix64 (Steele et al. 2014): a seeded generator, so both sides see
 * the same data. */
static uint64_t sm_state = 20261121;
static double unif(void)
{
    uint64_t z = (sm_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(void)
{
    return sqrt(-2.0 * log(unif())) * cos(6.283185307179586 * unif());
}

static int fit_once(const double *yi, const double *vi, size_t k, const ev_synth_options *o,
                    bool show)
{
    ev_rma *f = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev_rma_fit(&f, yi, vi, k, NULL, o, &err) != EV_OK) {
        fprintf(stderr, "fit failed: %s\n", err.message);
        return 1;
    }
    if (show) /* the same line as bench_rma.R, to compare the answers */
        fprintf(stderr, "# tau2 %.10g estimate %.10g\n", f->tau2, f->beta[0]);
    ev_rma_free(f);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4)
        return 2;
    long n = strtol(argv[2], NULL, 10), reps = strtol(argv[3], NULL, 10);
    ev_synth_options o;
    ev_synth_options_init(&o);
    o.method = EV_METHOD_REML;
    if (strcmp(argv[1], "bcg") == 0) {
        for (long r = 0; r < reps; r++) {
            double t0 = ev_now();
            for (long i = 0; i < n; i++)
                if (fit_once(bcg_yi, bcg_vi, 13, &o, false))
                    return 1;
            printf("%.6f\n", ev_now() - t0);
        }
        return 0;
    }
    size_t k = (size_t)n;
    double *yi = malloc(k * sizeof *yi), *vi = malloc(k * sizeof *vi);
    FILE *csv = argc > 4 ? fopen(argv[4], "w") : NULL;
    if (csv)
        fprintf(csv, "yi,vi\n");
    for (size_t i = 0; i < k; i++) {
        vi[i] = 0.01 + 0.5 * unif();
        yi[i] = -0.5 + normal() * sqrt(vi[i] + 0.1);
        if (csv)
            fprintf(csv, "%.17g,%.17g\n", yi[i], vi[i]);
    }
    if (csv)
        fclose(csv);
    for (long r = 0; r < reps; r++) {
        double t0 = ev_now();
        if (fit_once(yi, vi, k, &o, r == 0))
            return 1;
        printf("%.6f\n", ev_now() - t0);
    }
    free(yi);
    free(vi);
    return 0;
}
