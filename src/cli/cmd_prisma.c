/* cmd_prisma.c - `evident prisma REVIEW -o flow.svg|pdf|png [--scr]
 * [--json]`: the PRISMA 2020 flow diagram from the review's own counts,
 * drawn only when its arithmetic checks. */
#include "cli.h"
#include "cli_util.h"

#include "evident/ev_report.h"

static const char help[] =
    "usage: evident prisma REVIEW [-o FILE.svg|.pdf|.png] [--scr] [--json]\n"
    "\n"
    "    The PRISMA 2020 flow diagram of the review: records identified per\n"
    "    source (imports), duplicates removed (dedup), records screened and\n"
    "    excluded at title/abstract (by people and by the stopping rule),\n"
    "    reports sought, assessed and excluded per reason (full text), studies\n"
    "    included (charted studies, else reports included). Every equation of\n"
    "    the diagram is checked first; counts that do not add up are an error\n"
    "    naming the equation, and nothing is drawn.\n"
    "\n"
    "options:\n"
    "    -o, --output FILE   write the diagram (.svg, .pdf or .png)\n"
    "    --scr               PRISMA-ScR wording (sources of evidence)\n"
    "    --save-flow FILE    also write the checked counts as a flow file (the\n"
    "                        format 'evident report --published-flow' reads)\n"
    "    --json              print the counts as JSON on stdout\n"
    "    -q, --quiet         print nothing on success\n"
    "    -h, --help          show this page\n"
    "\n"
    "exit codes: 0 done, 1 bad usage, 2 counts that do not add up, 3 screening\n"
    "not set up or not finished, 4 review cannot be opened.\n"
    "\n"
    "example:\n"
    "    evident prisma review.evident -o flow.svg\n";

typedef struct fargs {
    const char *review, *out, *save;
    bool scr, json, quiet;
} fargs;

static int parse(fargs *a, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "-o") || !strcmp(s, "--output")) {
            if (i + 1 >= argc)
                return ev_cli_usage("prisma", "option '%s' needs a value", s);
            a->out = argv[++i];
        } else if (!strcmp(s, "--save-flow")) {
            if (i + 1 >= argc)
                return ev_cli_usage("prisma", "option '%s' needs a value", s);
            a->save = argv[++i];
        } else if (!strcmp(s, "--scr"))
            a->scr = true;
        else if (!strcmp(s, "--json"))
            a->json = true;
        else if (!strcmp(s, "-q") || !strcmp(s, "--quiet"))
            a->quiet = true;
        else if (s[0] == '-')
            return ev_cli_usage("prisma", "unknown option '%s'", s);
        else if (!a->review)
            a->review = s;
        else
            return ev_cli_usage("prisma", "unexpected argument '%s'", s);
    }
    if (!a->review)
        return ev_cli_usage("prisma", "missing REVIEW");
    if (!a->out && !a->json && !a->save)
        return ev_cli_usage("prisma", "say where to write the diagram (-o FILE) or use --json");
    return EV_EXIT_OK;
}

static void json_counts(const ev_prisma_count *c, size_t n)
{
    putchar('[');
    for (size_t i = 0; i < n; i++) {
        printf("%s{\"label\":", i ? "," : "");
        ev_cli_json_string(stdout, c[i].label);
        printf(",\"n\":%ld}", c[i].n);
    }
    putchar(']');
}

static void print_json(const ev_report_counts *c, const char *check)
{
    printf("{\"identified\":");
    json_counts(c->sources, c->nsources);
    printf(",\"identified_total\":%ld,\"duplicates\":%ld,\"screening\":%s,\"screened\":%ld,"
           "\"excluded_people\":%ld,\"excluded_automation\":%ld,\"pending_screening\":%ld,"
           "\"sought\":%ld,\"not_retrieved\":%ld,\"assessed\":%ld,\"pending_fulltext\":%ld,"
           "\"excluded_reasons\":",
           c->identified, c->duplicates, c->screening ? "true" : "false", c->screened,
           c->excluded_people, c->excluded_automation, c->pending_screen, c->sought,
           c->not_retrieved, c->assessed, c->pending_fulltext);
    json_counts(c->reasons, c->nreasons);
    printf(",\"reports_included\":%ld,\"studies_included\":%ld,\"check\":", c->reports_included,
           c->studies_included);
    ev_cli_json_string(stdout, check);
    printf("}\n");
}

static void save_list(FILE *f, const char *key, const ev_prisma_count *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s %s = %ld\n", key, c[i].label, c[i].n);
}

/* The checked counts in the flow-file format (ev_report_flow_parse). */
static int save_flow(const ev_prisma *p, const char *review, const char *path)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "evident: %s: cannot write: %s\n", path, strerror(errno));
        return EV_EXIT_REVIEW;
    }
    fprintf(f, "# written by evident prisma from %s\ntitle %s (built in evident)\nscoping %s\n",
            review, review, p->scoping ? "yes" : "no");
    save_list(f, "database", p->databases, p->ndatabases);
    const long v[] = {p->duplicates, p->screened, p->excluded_people,  p->excluded_automation,
                      p->sought,     p->assessed, p->studies_included, p->reports_included};
    static const char *const k[] = {"duplicates", "screened", "excluded", "excluded-automation",
                                    "sought",     "assessed", "studies",  "reports"};
    for (size_t i = 0; i < 8; i++)
        if (v[i] >= 0)
            fprintf(f, "%s %ld\n", k[i], v[i]);
    save_list(f, "reason", p->reasons, p->nreasons);
    return fclose(f) == 0 ? EV_EXIT_OK : EV_EXIT_REVIEW;
}

static int flow(ev_store *s, const fargs *a)
{
    ev_report_counts c;
    ev_prisma p;
    ev_error err = EV_ERROR_INIT;
    int rc = EV_EXIT_OK;
    if (ev_report_counts_get(&c, s, &err) != EV_OK)
        rc = ev_cli_fail(&err, NULL);
    else if (ev_report_counts_prisma(&p, &c, a->scr, &err) != EV_OK ||
             ev_prisma_check(&p, &err) != EV_OK) {
        if (a->json)
            print_json(&c, err.message);
        rc = ev_cli_fail(&err, err.code == EV_EINPUT
                                   ? "this is a bug upstream of the diagram: please report it"
                                   : NULL);
    } else {
        if (a->json)
            print_json(&c, "ok");
        if (a->save)
            rc = save_flow(&p, a->review, a->save);
        if (rc == EV_EXIT_OK && a->out && ev_plot_prisma(&p, a->out, &err) != EV_OK)
            rc = ev_cli_fail(&err, NULL);
        else if (rc == EV_EXIT_OK && a->out && !a->quiet && !a->json)
            printf("wrote %s\n", a->out);
    }
    ev_report_counts_release(&c);
    return rc;
}

static int run(int argc, char **argv)
{
    if (ev_cli_wants_help(argc, argv))
        return ev_cli_help(&ev_cli_cmd_prisma);
    fargs a = {0};
    int rc = parse(&a, argc, argv);
    if (rc != EV_EXIT_OK)
        return rc;
    ev_store *s = NULL;
    rc = ev_cli_open_review(&s, a.review, 0);
    if (rc == EV_EXIT_OK)
        rc = flow(s, &a);
    ev_store_free(s);
    return rc;
}

const ev_cli_command ev_cli_cmd_prisma = {
    .name = "prisma",
    .summary = "PRISMA 2020 flow diagram of the review (arithmetic checked)",
    .help = help,
    .run = run,
};
