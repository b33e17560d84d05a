/* cmd_tables.c - `evident tables REVIEW freq|studies|safety`: collating the
 * charted data into frequency, study summary and safety tables. */
#include "cli.h"
#include "cli_util.h"

#include "evident/ev_chart.h"

static const char help[] =
    "NAME\n"
    "    evident tables - frequency, study summary and safety tables\n"
    "\n"
    "SYNOPSIS\n"
    "    evident tables REVIEW freq FIELD [FIELD2] [--format md|csv|html|tex]\n"
    "    evident tables REVIEW studies [--by FIELD] [--format ...]\n"
    "    evident tables REVIEW safety [--format ...]\n"
    "\n"
    "DESCRIPTION\n"
    "    freq counts studies by the values of FIELD (a multi-choice value counts\n"
    "    once per option), or cross-tabulates FIELD x FIELD2 (technology x\n"
    "    condition gives the seed review's Figure 2). studies prints summary\n"
    "    tables in the layout of the seed's Tables 5-7 (References, Sample size,\n"
    "    Method, Scoring system, Results, Conclusion), one per value of --by\n"
    "    (default: condition). safety prints, per technology, the studies that\n"
    "    report adverse events, events by category, and the pooled proportion of\n"
    "    patients with an event: Freeman-Tukey double arcsine, random effects\n"
    "    (REML), back-transformed at the harmonic mean n (zero-event studies\n"
    "    included without continuity correction).\n"
    "    Values resolve to the 'consensus' reviewer's when recorded, else to the\n"
    "    first reviewer's.\n"
    "\n"
    "OPTIONS\n"
    "    --format F    md (default), csv, html or tex\n"
    "    --by FIELD    (studies) one table per value of FIELD; 'none' for one table\n"
    "    --json        the tables as JSON {tables: [{title, columns, rows, note}]}\n"
    "    -h, --help    show this page\n"
    "\n"
    "EXAMPLES\n"
    "    evident tables ankle.evident freq technology condition\n"
    "    evident tables ankle.evident studies --format html > tables.html\n"
    "\n"
    "EXIT STATUS\n"
    "    0 done; 1 bad usage; 2 unknown field; 4 the review cannot be opened.\n";

typedef struct targs {
    const char *pos[4];
    size_t npos;
    const char *by;
    bool by_default;
    ev_chart_format fmt;
    bool json;
} targs;

static int parse(targs *a, int argc, char **argv)
{
    a->by = "condition";
    a->by_default = true;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if ((!strcmp(s, "--format") || !strcmp(s, "--by")) && i + 1 >= argc)
            return ev_cli_usage("tables", "option '%s' needs a value", s);
        if (!strcmp(s, "--format")) {
            if (!ev_chart_format_parse(argv[++i], &a->fmt))
                return ev_cli_usage("tables", "unknown format '%s' (md, csv, html, tex)", argv[i]);
        } else if (!strcmp(s, "--by"))
            a->by = argv[++i];
        else if (!strcmp(s, "--json"))
            a->json = true;
        else if (s[0] == '-' && s[1] == '-')
            return ev_cli_usage("tables", "unknown option '%s'", s);
        else if (a->npos < 4)
            a->pos[a->npos++] = s;
        else
            return ev_cli_usage("tables", "unexpected argument '%s'", s);
    }
    return EV_EXIT_OK;
}

static int emit(ev_chart_table **t, size_t n, const targs *a)
{
    ev_buf b;
    ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
    ev_status st = a->json ? ev_buf_puts(&b, "{\"tables\":[") : EV_OK;
    for (size_t i = 0; st == EV_OK && i < n; i++) {
        if (i && (st = ev_buf_puts(&b, a->json ? "," : "\n")) != EV_OK)
            break;
        st = a->json ? ev_chart_table_json(t[i], &b) : ev_chart_table_render(t[i], a->fmt, &b);
    }
    if (st == EV_OK && a->json)
        st = ev_buf_puts(&b, "]}\n");
    if (st == EV_OK)
        fwrite(ev_buf_cstr(&b), 1, b.len, stdout);
    ev_buf_release(&b);
    return st == EV_OK ? EV_EXIT_OK : EV_EXIT_INTERNAL;
}

static int dispatch(ev_chart *c, const targs *a)
{
    ev_error err = EV_ERROR_INIT;
    const char *sub = a->pos[1];
    ev_chart_table *one = NULL, **many = NULL;
    size_t n = 0;
    ev_status st;
    if (!strcmp(sub, "freq")) {
        if (a->npos < 3)
            return ev_cli_usage("tables", "missing FIELD");
        st = ev_chart_freq(c, a->pos[2], a->npos > 3 ? a->pos[3] : NULL, &one, &err);
    } else if (!strcmp(sub, "studies") && a->npos == 2) {
        /* the default grouping only when the form has a condition field */
        const ev_chart_form *f = ev_chart_form_current(c, NULL);
        const char *by = strcmp(a->by, "none") ? a->by : NULL;
        if (a->by_default && (f == NULL || !ev_chart_form_field_type(f, by, NULL)))
            by = NULL;
        st = ev_chart_studies(c, by, &many, &n, &err);
    } else if (!strcmp(sub, "safety") && a->npos == 2) {
        st = ev_chart_safety(c, &one, &err);
    } else {
        return ev_cli_usage("tables", "expected freq FIELD [FIELD2], studies or safety");
    }
    if (st != EV_OK)
        return ev_cli_fail(&err, NULL);
    int rc = one ? emit(&one, 1, a) : emit(many, n, a);
    ev_chart_table_free(one);
    for (size_t i = 0; i < n; i++)
        ev_chart_table_free(many[i]);
    ev_free(many);
    return rc;
}

static int run(int argc, char **argv)
{
    if (ev_cli_wants_help(argc, argv))
        return ev_cli_help(&ev_cli_cmd_tables);
    targs a = {0};
    int rc = parse(&a, argc, argv);
    if (rc != EV_EXIT_OK)
        return rc;
    if (a.npos < 2)
        return ev_cli_usage("tables", "missing %s", a.npos ? "freq, studies or safety" : "REVIEW");
    ev_cli_chart_review r;
    rc = ev_cli_chart_open(&r, a.pos[0]);
    if (rc == EV_EXIT_OK)
        rc = dispatch(r.chart, &a);
    ev_cli_chart_close(&r);
    return rc;
}

const ev_cli_command ev_cli_cmd_tables = {
    .name = "tables",
    .summary = "frequency, study summary and safety tables",
    .help = help,
    .run = run,
};
