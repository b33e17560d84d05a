/*
 * cmd_simulate.c - `evident simulate LABELLED.csv`: replay screening with
 * the screen module's ranker on a labelled set and report the work saved
 * (WSS@95/100), recall after 10% and 20%, records to 95%/100% recall, and a
 * recall curve through the plot module.
 */
#include "cli.h"
#include "cli_util.h"

#include "evident/ev_plot.h"
#include "evident/ev_screen.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct sim_args {
    const char *path, *plot;
    ev_screen_sim_options opt;
    bool json, quiet;
} sim_args;

enum {
    O_MODEL = 256,
    O_PI,
    O_PE,
    O_SEED,
    O_RUNS,
    O_PLOT,
    O_JSON,
    O_QUIET,
    O_NGRAM,
    O_RANDOM,
    O_FULL,
    O_ALPHA,
    O_C,
    O_MINDF,
    O_NOSTOP,
    O_NOBALANCE,
    O_SUBLINEAR,
    O_RAWTF
};

static const struct option long_opts[] = {
    {"model", required_argument, NULL, O_MODEL},
    {"prior-included", required_argument, NULL, O_PI},
    {"prior-excluded", required_argument, NULL, O_PE},
    {"seed", required_argument, NULL, O_SEED},
    {"runs", required_argument, NULL, O_RUNS},
    {"plot", required_argument, NULL, O_PLOT},
    {"ngram", required_argument, NULL, O_NGRAM},
    {"random", required_argument, NULL, O_RANDOM},
    {"to-the-end", no_argument, NULL, O_FULL},
    {"nb-alpha", required_argument, NULL, O_ALPHA},
    {"lr-c", required_argument, NULL, O_C},
    {"min-df", required_argument, NULL, O_MINDF},
    {"no-stop-words", no_argument, NULL, O_NOSTOP},
    {"no-balance", no_argument, NULL, O_NOBALANCE},
    {"sublinear-tf", no_argument, NULL, O_SUBLINEAR},
    {"raw-tf", no_argument, NULL, O_RAWTF},
    {"json", no_argument, NULL, O_JSON},
    {"quiet", no_argument, NULL, O_QUIET},
    {NULL, 0, NULL, 0},
};

static int num_opt(sim_args *a, int c, const char *arg)
{
    long l;
    double d;
    if (c == O_RANDOM) {
        if (!ev_parse_double(arg, &d) || d < 0 || d > 1)
            return ev_cli_usage("simulate", "--random wants a share in [0, 1], not '%s'", arg);
        a->opt.random_fraction = d;
        return -1;
    }
    if (c == O_ALPHA || c == O_C) {
        if (!ev_parse_double(arg, &d) || !(d > 0))
            return ev_cli_usage("simulate", "option wants a positive number, not '%s'", arg);
        *(c == O_ALPHA ? &a->opt.model.nb_alpha : &a->opt.model.lr_c) = d;
        return -1;
    }
    if (!ev_parse_long(arg, &l) || l < 0 || (c == O_RUNS && l < 1) ||
        (c == O_NGRAM && (l < 1 || l > 2)))
        return ev_cli_usage("simulate", "option wants a whole number in range, not '%s'", arg);
    switch (c) {
    case O_PI:
        a->opt.prior_included = (size_t)l;
        break;
    case O_PE:
        a->opt.prior_excluded = (size_t)l;
        break;
    case O_SEED:
        a->opt.seed = (uint64_t)l;
        break;
    case O_RUNS:
        a->opt.runs = (size_t)l;
        break;
    case O_NGRAM:
        a->opt.corpus.ngram_max = (unsigned)l;
        break;
    case O_MINDF:
        a->opt.corpus.min_df = (unsigned)l;
        break;
    default:
        return EV_EXIT_USAGE;
    }
    return -1;
}

static int parse_opt(sim_args *a, int c, const char *arg)
{
    switch (c) {
    case O_MODEL:
        if (strcmp(arg, "nb") == 0)
            a->opt.model.kind = EV_SCREEN_MODEL_NB;
        else if (strcmp(arg, "lr") == 0)
            a->opt.model.kind = EV_SCREEN_MODEL_LR;
        else
            return ev_cli_usage("simulate", "--model is 'nb' or 'lr', not '%s'", arg);
        return -1;
    case O_PLOT:
        a->plot = arg;
        return -1;
    case O_FULL:
        a->opt.stop_when_complete = false;
        return -1;
    case O_NOSTOP:
        a->opt.corpus.stop_words = false;
        return -1;
    case O_NOBALANCE:
        a->opt.model.double_balance = false;
        return -1;
    case O_SUBLINEAR:
    case O_RAWTF:
        a->opt.corpus.sublinear_tf = c == O_SUBLINEAR;
        return -1;
    case O_JSON:
        a->json = true;
        return -1;
    case O_QUIET:
        a->quiet = true;
        return -1;
    default:
        return num_opt(a, c, arg);
    }
}

static int parse_args(sim_args *a, int argc, char **argv)
{
    *a = (sim_args){.opt = EV_SCREEN_SIM_OPTIONS_INIT};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":", long_opts, NULL)) != -1) {
        if (c == '?' || c == ':')
            return ev_cli_bad_option("simulate", c, argv);
        int rc = parse_opt(a, c, optarg);
        if (rc >= 0)
            return rc;
    }
    if (optind != argc - 1)
        return ev_cli_usage("simulate", "wants one labelled file (CSV with label_included)");
    a->path = argv[optind];
    return -1;
}

/* The recall curve of every run (x = share screened, y = recall), with the
 * flat tail after the last relevant record when a run stopped early. */
static int plot_curve(const sim_args *a, const ev_screen_sim_result *res)
{
    ev_curve_series *ser = ev_calloc(res->n_runs, sizeof *ser);
    double **xs = ev_calloc(res->n_runs, sizeof *xs), **ys = ev_calloc(res->n_runs, sizeof *ys);
    char(*names)[32] = ev_calloc(res->n_runs, sizeof *names);
    int rc = EV_EXIT_OK;
    for (size_t r = 0; ser && xs && ys && names && r < res->n_runs; r++) {
        const ev_screen_sim_run *u = &res->runs[r];
        xs[r] = ev_calloc(u->n_found + 2, sizeof(double));
        ys[r] = ev_calloc(u->n_found + 2, sizeof(double));
        if (!xs[r] || !ys[r])
            break;
        for (size_t i = 0; i < u->n_found; i++) {
            xs[r][i + 1] = (double)(i + 1) / (double)u->n;
            ys[r][i + 1] = (double)u->found[i] / (double)u->relevant;
        }
        xs[r][u->n_found + 1] = 1.0;
        ys[r][u->n_found + 1] = ys[r][u->n_found];
        snprintf(names[r], sizeof names[r], "run %zu", r + 1);
        ser[r] = (ev_curve_series){names[r], xs[r], ys[r], u->n_found + 2};
    }
    ev_curve cv;
    ev_curve_init(&cv);
    cv.series = ser;
    cv.nseries = res->n_runs;
    ev_error err = EV_ERROR_INIT;
    if (ser && (ev_plot_curve(&cv, a->plot, &err)) != EV_OK)
        rc = ev_cli_fail(&err, NULL);
    for (size_t r = 0; xs && ys && r < res->n_runs; r++) {
        ev_free(xs[r]);
        ev_free(ys[r]);
    }
    ev_free(xs), ev_free(ys), ev_free(ser), ev_free(names);
    return rc;
}

static void print_json(const sim_args *a, const ev_screen_sim_result *res)
{
    printf("{\"file\":");
    ev_cli_json_string(stdout, a->path);
    printf(",\"model\":\"%s\",\"records\":%zu,\"relevant\":%zu,\"features\":%zu,"
           "\"seed\":%llu,\"runs\":[",
           a->opt.model.kind == EV_SCREEN_MODEL_LR ? "lr" : "nb", res->records, res->relevant,
           res->features, (unsigned long long)a->opt.seed);
    for (size_t r = 0; r < res->n_runs; r++) {
        const ev_screen_sim_run *u = &res->runs[r];
        printf("%s{\"n\":%zu,\"relevant\":%zu,\"wss95\":%.6f,\"wss100\":%.6f,\"recall10\":%.6f,"
               "\"recall20\":%.6f,\"atd\":%.6f,\"n95\":%zu,\"n100\":%zu}",
               r ? "," : "", u->n, u->relevant, u->wss95, u->wss100, u->recall10, u->recall20,
               u->atd, u->n95, u->n100);
    }
    printf("],\"mean\":{\"wss95\":%.6f,\"wss100\":%.6f,\"recall10\":%.6f,\"recall20\":%.6f,"
           "\"atd\":%.6f,\"n95\":%.2f,\"n100\":%.2f},\"seconds\":%.4f}\n",
           res->mean_wss95, res->mean_wss100, res->mean_recall10, res->mean_recall20, res->mean_atd,
           res->mean_n95, res->mean_n100, res->seconds);
}

static void print_text(const sim_args *a, const ev_screen_sim_result *res)
{
    printf("%s: %zu records, %zu included, %zu features, model %s, %zu run%s (seed %llu)\n",
           a->path, res->records, res->relevant, res->features,
           a->opt.model.kind == EV_SCREEN_MODEL_LR ? "lr" : "nb", res->n_runs,
           res->n_runs == 1 ? "" : "s", (unsigned long long)a->opt.seed);
    printf("WSS@95      %6.1f%%\n", 100 * res->mean_wss95);
    printf("WSS@100     %6.1f%%\n", 100 * res->mean_wss100);
    printf("recall@10%%  %6.1f%%\n", 100 * res->mean_recall10);
    printf("recall@20%%  %6.1f%%\n", 100 * res->mean_recall20);
    printf("ATD         %6.1f%%\n", 100 * res->mean_atd);
    printf("screened to 95%% recall   %.1f\n", res->mean_n95);
    printf("screened to 100%% recall  %.1f\n", res->mean_n100);
    printf("time        %.3f s\n", res->seconds);
}

static int run(int argc, char **argv)
{
    if (ev_cli_wants_help(argc, argv))
        return ev_cli_help(&ev_cli_cmd_simulate);
    sim_args a;
    int rc = parse_args(&a, argc, argv);
    if (rc >= 0)
        return rc;
    ev_cli_progress bar;
    ev_cli_progress_init(&bar, "simulate", "runs", a.quiet || a.json);
    ev_screen_sim_result *res = NULL;
    ev_error err = EV_ERROR_INIT;
    ev_status st = ev_screen_simulate_file(&res, a.path, &a.opt, ev_cli_progress_cb, &bar, &err);
    ev_cli_progress_end(&bar);
    if (st != EV_OK)
        return ev_cli_fail(&err, NULL);
    if (a.json)
        print_json(&a, res);
    else if (!a.quiet)
        print_text(&a, res);
    rc = a.plot ? plot_curve(&a, res) : EV_EXIT_OK;
    ev_screen_sim_result_free(res);
    return rc;
}

const ev_cli_command ev_cli_cmd_simulate = {
    "simulate",
    "replay screening on a labelled set and report the work saved",
    "usage: evident simulate LABELLED.csv [--model nb|lr] [--prior-included K]\n"
    "                        [--prior-excluded K] [--seed S] [--runs R] [--ngram 1|2]\n"
    "                        [--random SHARE] [--to-the-end] [--plot curve.svg|png]\n"
    "                        [--json] [--quiet]\n"
    "\n"
    "Replays active-learning screening on a labelled set (CSV with title,\n"
    "abstract and label_included 0/1): K random included and K random excluded\n"
    "records as priors (1 and 1 by default), then the most relevant record first,\n"
    "the model retrained after every label (TF-IDF of unigrams with sublinear\n"
    "term frequency; Naive Bayes with ASReview's double balance by default, or\n"
    "logistic regression).\n"
    "\n"
    "Reports ASReview's metrics with the priors left out of N: WSS@95 and WSS@100\n"
    "(Cohen et al. 2006; n95 = records screened when ceil(0.95 R) relevant are\n"
    "found), recall after 10% and 20% of N, ATD, records to 95% and 100% recall,\n"
    "means over R runs (each run draws its own priors; same seed, same result).\n"
    "A run stops once every relevant record is found (the metrics are then\n"
    "fixed); --to-the-end screens every record.\n"
    "\n"
    "  --plot FILE   recall curve (.svg, .pdf or .png)\n"
    "  --nb-alpha A  Naive Bayes smoothing (3.822, ASReview's default)\n"
    "  --lr-c C      logistic regression inverse regularisation (1)\n"
    "  --min-df K    drop terms in fewer than K records (2)\n"
    "  --no-stop-words  keep English stop words; --no-balance  plain class weights\n"
    "  --ngram 2     unigrams and bigrams (default 1: unigrams)\n"
    "  --raw-tf      the count as the term frequency (default --sublinear-tf:\n"
    "                1 + ln(count))\n"
    "  --json        one JSON document with every run\n"
    "\n"
    "Exit codes: 0 done, 1 bad usage, 2 bad input (no included record, bad label).\n",
    run,
};
