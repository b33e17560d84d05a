/* cmd_pool.c - `evident pool REVIEW --outcome INSTR --timepoint T
 * --treatment A --control B`: meta-analysis of an outcome from the charted
 * data (MD on one instrument, SMD across instruments, signs harmonised). */
#include "cli.h"
#include "cli_util.h"

#include "evident/ev_report.h"

static const char help[] =
    "usage: evident pool REVIEW --outcome INSTRUMENT[,INSTRUMENT...] --timepoint TEXT\n"
    "                   --treatment TEXT --control TEXT [--measure MD|SMD]\n"
    "                   [--method REML|DL|...] [--no-harmonise] [--forest FILE] [--json]\n"
    "\n"
    "    Pool one outcome across the charted studies. For every study, the\n"
    "    outcome scores charted on INSTRUMENT at time point TEXT are taken from\n"
    "    the arm whose label contains the --treatment text (group 1) and the arm\n"
    "    whose label contains the --control text but not the treatment text\n"
    "    (group 2). One instrument gives a mean difference (MD); several give a\n"
    "    standardised mean difference (SMD, Hedges' g) with signs harmonised so a\n"
    "    positive value favours the treatment (instruments where lower is better,\n"
    "    such as VAS pain, are flipped). A random-effects model is fitted (REML).\n"
    "    Studies with missing numbers (no SD, no second arm) are listed with the\n"
    "    reason and left out; nothing is invented. The review is not changed.\n"
    "\n"
    "options:\n"
    "    --outcome LIST      instrument id(s) from the catalogue (AOFAS, VAS, ...)\n"
    "    --timepoint TEXT    charted time point, e.g. 'final follow-up'\n"
    "    --treatment TEXT    text in the treatment arm's label (group 1)\n"
    "    --control TEXT      text in the control arm's label (group 2)\n"
    "    --measure MD|SMD    default MD for one instrument, SMD for several\n"
    "    --method NAME       tau^2 estimator (REML, DL, PM, ML, EE, ...)\n"
    "    --no-harmonise      refuse instruments pointing in opposite directions\n"
    "                        instead of flipping signs\n"
    "    --forest FILE       forest plot (.svg, .pdf or .png)\n"
    "    --json              machine-readable output on stdout\n"
    "    -q, --quiet         print nothing on success\n"
    "    -h, --help          show this page\n"
    "\n"
    "exit codes: 0 done, 1 bad usage, 2 not enough data to pool, 3 refused\n"
    "(instruments in opposite directions with --no-harmonise), 4 review.\n"
    "\n"
    "example:\n"
    "    evident pool ankle.evident --outcome AOFAS --timepoint 'final follow-up' \\\n"
    "        --treatment MSC --control BMS --forest aofas.svg\n";

typedef struct pargs {
    const char *review, *forest;
    ev_report_outcome o;
    bool json, quiet;
} pargs;

static int parse(pargs *a, int argc, char **argv)
{
    static const char *const keys[] = {"--outcome", "--timepoint", "--treatment", "--control",
                                       "--measure", "--method",    "--forest"};
    const char **dst[] = {&a->o.instruments, &a->o.timepoint, &a->o.treatment, &a->o.control,
                          &a->o.measure,     &a->o.method,    &a->forest};
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        size_t k = 0;
        while (k < 7 && strcmp(s, keys[k]))
            k++;
        if (k < 7 && i + 1 >= argc)
            return ev_cli_usage("pool", "option '%s' needs a value", s);
        if (k < 7)
            *dst[k] = argv[++i];
        else if (!strcmp(s, "--no-harmonise"))
            a->o.no_harmonise = true;
        else if (!strcmp(s, "--json"))
            a->json = true;
        else if (!strcmp(s, "-q") || !strcmp(s, "--quiet"))
            a->quiet = true;
        else if (s[0] == '-')
            return ev_cli_usage("pool", "unknown option '%s'", s);
        else if (!a->review)
            a->review = s;
        else
            return ev_cli_usage("pool", "unexpected argument '%s'", s);
    }
    if (!a->review)
        return ev_cli_usage("pool", "missing REVIEW");
    if (!a->o.instruments || !a->o.timepoint || !a->o.treatment || !a->o.control)
        return ev_cli_usage("pool", "say --outcome, --timepoint, --treatment and --control");
    return EV_EXIT_OK;
}

/* "82.60 ( 6.40)   31", or NA for numbers the source does not give. */
static void arm(double m, double sd, double n)
{
    char a[16] = "NA", b[16] = "NA", c[16] = "NA";
    if (!isnan(m))
        snprintf(a, sizeof a, "%.2f", m);
    if (!isnan(sd))
        snprintf(b, sizeof b, "%.2f", sd);
    if (!isnan(n))
        snprintf(c, sizeof c, "%.0f", n);
    printf(" %8s (%5s) %4s", a, b, c);
}

static void print_text(const ev_report_pool *p)
{
    printf("%s\n", p->title);
    printf("%-24s %-8s %22s %22s %9s %7s\n", "study", "instr", "treatment m (sd) n",
           "control m (sd) n", "yi", "weight");
    for (size_t i = 0; i < p->nstudies; i++) {
        const ev_report_pool_study *s = &p->studies[i];
        printf("%-24s %-8s", s->label, s->instrument);
        arm(s->m1, s->sd1, s->n1);
        arm(s->m2, s->sd2, s->n2);
        if (s->left_out)
            printf("  left out: %s\n", s->left_out);
        else
            printf(" %9.4f %6.1f%%\n", s->yi, s->weight);
    }
    printf("\n%s, random effects (%s), k = %zu%s\n", ev_synth_measure_name(p->measure), p->method,
           p->k, p->harmonised ? ", signs harmonised (positive favours the treatment)" : "");
    printf("estimate %.4f  95%% CI [%.4f, %.4f]  z = %.3f  p = %.4g\n", p->est, p->ci_lb, p->ci_ub,
           p->zval, p->pval);
    printf("tau^2 = %.4f  I^2 = %.1f%%  Q(%zu) = %.3f  p = %.4g\n", p->tau2, p->I2, p->QEdf, p->QE,
           p->QEp);
}

static int pool(ev_chart *c, const ev_chart_catalogue *cat, const pargs *a)
{
    ev_error err = EV_ERROR_INIT;
    ev_report_pool *p = NULL;
    if (ev_report_pool_run(&p, c, cat, &a->o, &err) != EV_OK)
        return ev_cli_fail(&err, err.code == EV_EINPUT
                                     ? "the report lists what each study lacks: evident report"
                                     : NULL);
    int rc = EV_EXIT_OK;
    if (a->forest && ev_report_pool_forest(p, a->forest, NULL, &err) != EV_OK)
        rc = ev_cli_fail(&err, NULL);
    ev_buf b;
    ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
    if (rc == EV_OK && a->json && ev_report_pool_json(p, &b) == EV_OK)
        printf("%s\n", ev_buf_cstr(&b));
    else if (rc == EV_OK && !a->quiet)
        print_text(p);
    ev_buf_release(&b);
    ev_report_pool_free(p);
    return rc;
}

static int run(int argc, char **argv)
{
    if (ev_cli_wants_help(argc, argv))
        return ev_cli_help(&ev_cli_cmd_pool);
    pargs a = {0};
    int rc = parse(&a, argc, argv);
    if (rc != EV_EXIT_OK)
        return rc;
    ev_cli_chart_review r;
    rc = ev_cli_chart_open(&r, a.review);
    if (rc == EV_EXIT_OK)
        rc = pool(r.chart, r.cat, &a);
    ev_cli_chart_close(&r);
    return rc;
}

const ev_cli_command ev_cli_cmd_pool = {
    .name = "pool",
    .summary = "meta-analysis of an outcome from the charted data",
    .help = help,
    .run = run,
};
