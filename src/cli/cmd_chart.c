/* cmd_chart.c - `evident chart REVIEW form|set|import|verify|diff|link`:
 * extraction forms and charted values (ev_chart.h). */
#include "cli.h"
#include "cli_util.h"

#include "evident/ev_chart.h"

static const char help[] =
    "NAME\n"
    "    evident chart - extraction forms and charted study data\n"
    "\n"
    "SYNOPSIS\n"
    "    evident chart REVIEW form [--set FILE | --show]\n"
    "    evident chart REVIEW set STUDY FIELD VALUE --as NAME [--form-version N]\n"
    "    evident chart REVIEW import FILE.json|FILE.csv --as NAME\n"
    "    evident chart REVIEW verify STUDY --as NAME\n"
    "    evident chart REVIEW diff STUDY\n"
    "    evident chart REVIEW link STUDY RECORD_ID\n"
    "    evident chart REVIEW protocol [--picos FILE] [--eligibility FILE] [--show]\n"
    "    evident chart REVIEW status\n"
    "\n"
    "DESCRIPTION\n"
    "    form --set stores a new version of the extraction form (a JSON schema of\n"
    "    typed fields: text, integer, number, date, choice, multi_choice, mean_sd,\n"
    "    median_iqr, events, instrument_score, group); --show prints the current one\n"
    "    (--set default stores the bundled form, data/forms/default.json: the\n"
    "    seed review's Table 3 items).\n"
    "    set charts one value: FIELD is a path such as sample_size or\n"
    "    outcomes.2.score (groups are numbered from 1); VALUE is plain text or JSON\n"
    "    ('{\"instrument\":\"AOFAS\",\"mean\":62.3,\"sd\":6.1,\"n\":33}'). Values are\n"
    "    validated on entry; scores are checked against the instrument's range in\n"
    "    the catalogue (data/instruments.json, built into evident; set\n"
    "    $EVIDENT_DATA to a directory with an instruments.json to use another).\n"
    "    import charts a whole file in one transaction: JSON {\"form_version\": N,\n"
    "    \"studies\": [{\"id\", \"records\", \"values\"}]} or CSV study,field,value.\n"
    "    A file charted on another form version than the current one is refused.\n"
    "    verify records that NAME checked another reviewer's charting of STUDY.\n"
    "    diff lists, field by field, where the reviewers of STUDY disagree; the\n"
    "    reviewer named 'consensus' records agreed values, which tables prefer.\n"
    "    link attaches a record of the review (a report) to a study.\n"
    "    status lists each study: who charted it, who verified it, how many\n"
    "    values and linked records it has.\n"
    "    protocol stores (or --show prints) the review's PICOS table and\n"
    "    eligibility criteria as text (Markdown); the search strategy itself is\n"
    "    stored by 'evident search REVIEW --strategy FILE --save-as SOURCE'.\n"
    "\n"
    "OPTIONS\n"
    "    --as NAME           the reviewer\n"
    "    --set FILE          (form) store FILE (or 'default') as the new form version\n"
    "    --show              (form) print the current form (the default)\n"
    "    --form-version N    (set) the form version the value was charted on\n"
    "    --picos FILE        (protocol) the PICOS table\n"
    "    --eligibility FILE  (protocol) the eligibility criteria\n"
    "    --json              machine-readable output on stdout\n"
    "    -q, --quiet         print nothing on success\n"
    "    -h, --help          show this page\n"
    "\n"
    "EXAMPLES\n"
    "    evident chart ankle.evident form --set data/forms/default.json\n"
    "    evident chart ankle.evident set kim2016 sample_size 64 --as ana\n"
    "    evident chart ankle.evident import studies.json --as ana\n"
    "    evident chart ankle.evident diff kim2016\n"
    "\n"
    "EXIT STATUS\n"
    "    0 done; 1 bad usage; 2 bad input (a value, a form, a file: the review is\n"
    "    unchanged); 3 refused (stale form version, verifying one's own charting);\n"
    "    4 the review cannot be opened or written.\n";

typedef struct args {
    const char *pos[6];
    size_t npos;
    const char *as, *set_file, *picos, *eligibility;
    long form_version;
    bool show, json, quiet;
} args;

static int parse_args(args *a, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        bool takes = !strcmp(s, "--as") || !strcmp(s, "--set") || !strcmp(s, "--form-version") ||
                     !strcmp(s, "--picos") || !strcmp(s, "--eligibility");
        if (takes && i + 1 >= argc)
            return ev_cli_usage("chart", "option '%s' needs a value", s);
        if (!strcmp(s, "--as"))
            a->as = argv[++i];
        else if (!strcmp(s, "--set"))
            a->set_file = argv[++i];
        else if (!strcmp(s, "--picos"))
            a->picos = argv[++i];
        else if (!strcmp(s, "--eligibility"))
            a->eligibility = argv[++i];
        else if (!strcmp(s, "--form-version")) {
            if (!ev_parse_long(argv[++i], &a->form_version) || a->form_version < 1)
                return ev_cli_usage("chart", "--form-version needs a number >= 1");
        } else if (!strcmp(s, "--show"))
            a->show = true;
        else if (!strcmp(s, "--json"))
            a->json = true;
        else if (!strcmp(s, "--quiet") || !strcmp(s, "-q"))
            a->quiet = true;
        else if (!strcmp(s, "--") && i + 1 < argc)
            s = argv[++i], a->npos < 6 ? (void)(a->pos[a->npos++] = s) : (void)0;
        else if (s[0] == '-' && s[1] == '-')
            return ev_cli_usage("chart", "unknown option '%s'", s);
        else if (a->npos < 6)
            a->pos[a->npos++] = s;
        else
            return ev_cli_usage("chart", "unexpected argument '%s'", s);
    }
    return EV_EXIT_OK;
}

static int need(const args *a, size_t n, const char *what)
{
    if (a->npos < n)
        return ev_cli_usage("chart", "missing %s", what);
    if (a->npos > n)
        return ev_cli_usage("chart", "unexpected argument '%s'", a->pos[n]);
    return EV_EXIT_OK;
}

/* Read a whole (small) file into b; on failure err is set. */

static int do_protocol(ev_chart *c, const args *a)
{
    const char *names[2] = {"picos", "eligibility"}, *files[2] = {a->picos, a->eligibility};
    ev_error err = EV_ERROR_INIT;
    for (int i = 0; i < 2; i++) {
        ev_buf b;
        if (files[i] == NULL)
            continue;
        ev_status st = ev_cli_read_text(&b, files[i], (size_t)16 << 20, names[i], &err);
        if (st == EV_OK)
            st = ev_chart_protocol_set(c, names[i], ev_buf_cstr(&b), a->as, &err);
        ev_buf_release(&b);
        if (st != EV_OK)
            return ev_cli_fail(&err, NULL);
    }
    if (a->picos || a->eligibility)
        return a->quiet ? EV_EXIT_OK : (puts("protocol stored"), EV_EXIT_OK);
    for (int i = 0; i < 2; i++) {
        char *text = NULL;
        if (ev_chart_protocol_get(c, names[i], &text, &err) != EV_OK)
            return ev_cli_fail(&err, NULL);
        if (a->json) {
            printf(i ? "," : "{");
            ev_cli_json_kv(stdout, names[i], text, 1);
        } else if (text) {
            fputs(text, stdout);
        }
        ev_free(text);
    }
    if (a->json)
        puts("}");
    return EV_EXIT_OK;
}

static int do_form(ev_chart *c, const args *a)
{
    ev_error err = EV_ERROR_INIT;
    if (a->set_file) {
        ev_buf b;
        long v = 0;
        const char *bundled;
        size_t nb;
        ev_status st;
        /* "--set default" is the bundled form unless a file of that name exists */
        if (!strcmp(a->set_file, "default") && access("default", F_OK) != 0 &&
            ev_chart_bundled("forms/default.json", &bundled, &nb)) {
            ev_buf_init(&b, (size_t)16 << 20);
            st = ev_buf_append(&b, bundled, nb);
        } else {
            st = ev_cli_read_text(&b, a->set_file, (size_t)16 << 20, "form", &err);
        }
        if (st == EV_OK)
            st = ev_chart_form_set(c, ev_buf_cstr(&b), b.len, a->set_file, a->as, &v, &err);
        ev_buf_release(&b);
        if (st != EV_OK)
            return ev_cli_fail(&err, NULL);
        if (a->json)
            printf("{\"form_version\":%ld}\n", v);
        else if (!a->quiet)
            printf("form version %ld stored\n", v);
        return EV_EXIT_OK;
    }
    char *text = NULL;
    if (ev_chart_form_text(c, &text, &err) != EV_OK)
        return ev_cli_fail(&err, NULL);
    fputs(text, stdout);
    if (*text && text[strlen(text) - 1] != '\n')
        putchar('\n');
    ev_free(text);
    return EV_EXIT_OK;
}

static int print_diffs(const char *study, ev_chart_diff *d, size_t n, bool json)
{
    if (json) {
        printf("{\"study\":");
        ev_cli_json_string(stdout, study);
        printf(",\"differences\":[");
        for (size_t i = 0; i < n; i++) {
            printf(i ? ",{" : "{");
            ev_cli_json_kv(stdout, "field", d[i].path, 1);
            ev_cli_json_kv(stdout, "reviewer_a", d[i].reviewer_a, 0);
            ev_cli_json_kv(stdout, "value_a", d[i].value_a, 0);
            ev_cli_json_kv(stdout, "reviewer_b", d[i].reviewer_b, 0);
            ev_cli_json_kv(stdout, "value_b", d[i].value_b, 0);
            putchar('}');
        }
        puts("]}");
        return EV_EXIT_OK;
    }
    if (n == 0)
        printf("%s: no differences\n", study);
    for (size_t i = 0; i < n; i++)
        printf("%s: %s=%s  %s=%s\n", d[i].path, d[i].reviewer_a,
               d[i].value_a ? d[i].value_a : "(not charted)", d[i].reviewer_b,
               d[i].value_b ? d[i].value_b : "(not charted)");
    return EV_EXIT_OK;
}

static int do_status(ev_chart *c, const args *a)
{
    ev_chart_status *s = NULL;
    size_t n = 0;
    ev_error err = EV_ERROR_INIT;
    if (ev_chart_status_list(c, &s, &n, &err) != EV_OK)
        return ev_cli_fail(&err, NULL);
    if (a->json)
        printf("{\"studies\":[");
    else
        printf("%-20s %6s %7s  %-24s %s\n", "study", "values", "records", "charted by",
               "verified by");
    for (size_t i = 0; i < n; i++) {
        if (a->json) {
            printf(i ? ",{" : "{");
            ev_cli_json_kv(stdout, "study", s[i].study, 1);
            ev_cli_json_kv(stdout, "charted_by", s[i].charted_by, 0);
            ev_cli_json_kv(stdout, "verified_by", s[i].verified_by, 0);
            printf(",\"values\":%zu,\"records\":%zu}", s[i].values, s[i].records);
        } else {
            printf("%-20s %6zu %7zu  %-24s %s\n", s[i].study, s[i].values, s[i].records,
                   s[i].charted_by, *s[i].verified_by ? s[i].verified_by : "-");
        }
    }
    if (a->json)
        puts("]}");
    ev_chart_status_free(s, n);
    return EV_EXIT_OK;
}

static int done(const args *a, const char *what, size_t n)
{
    if (a->json)
        printf("{\"ok\":true,\"values\":%zu}\n", n);
    else if (!a->quiet)
        printf("%s\n", what);
    return EV_EXIT_OK;
}

static int need_as(const args *a)
{
    return a->as ? EV_EXIT_OK : ev_cli_usage("chart", "say who is charting: --as NAME");
}

static int dispatch(ev_chart *c, const args *a)
{
    const char *sub = a->pos[1];
    ev_error err = EV_ERROR_INIT;
    int rc;
    if (!strcmp(sub, "form"))
        return (rc = need(a, 2, "")) ? rc : do_form(c, a);
    if (!strcmp(sub, "set")) {
        if ((rc = need(a, 5, "STUDY FIELD VALUE")) || (rc = need_as(a)))
            return rc;
        if (ev_chart_set(c, a->pos[2], a->pos[3], a->pos[4], a->as, a->form_version, &err))
            return ev_cli_fail(&err, NULL);
        return done(a, "charted", 1);
    }
    if (!strcmp(sub, "import")) {
        size_t n = 0;
        if ((rc = need(a, 3, "FILE")) || (rc = need_as(a)))
            return rc;
        if (ev_chart_import_file(c, a->pos[2], a->as, &n, &err))
            return ev_cli_fail(&err, "nothing was charted; fix the value and import again");
        char msg[64];
        snprintf(msg, sizeof msg, "charted %zu values", n);
        return done(a, msg, n);
    }
    if (!strcmp(sub, "verify")) {
        if ((rc = need(a, 3, "STUDY")) || (rc = need_as(a)))
            return rc;
        if (ev_chart_verify(c, a->pos[2], a->as, &err))
            return ev_cli_fail(&err, NULL);
        return done(a, "verified", 0);
    }
    if (!strcmp(sub, "diff")) {
        ev_chart_diff *d = NULL;
        size_t n = 0;
        if ((rc = need(a, 3, "STUDY")))
            return rc;
        if (ev_chart_diff_study(c, a->pos[2], &d, &n, &err))
            return ev_cli_fail(&err, NULL);
        rc = print_diffs(a->pos[2], d, n, a->json);
        ev_chart_diffs_free(d, n);
        return rc;
    }
    if (!strcmp(sub, "link")) {
        long id = 0;
        if ((rc = need(a, 4, "STUDY RECORD_ID")))
            return rc;
        if (!ev_parse_long(a->pos[3], &id))
            return ev_cli_usage("chart", "RECORD_ID must be a number");
        if (ev_chart_link(c, a->pos[2], (ev_id)id, &err))
            return ev_cli_fail(&err, NULL);
        return done(a, "linked", 0);
    }
    if (!strcmp(sub, "status"))
        return (rc = need(a, 2, "")) ? rc : do_status(c, a);
    if (!strcmp(sub, "protocol"))
        return (rc = need(a, 2, "")) ? rc : do_protocol(c, a);
    return ev_cli_usage(
        "chart", "unknown action '%s' (form, set, import, verify, diff, link, protocol, status)",
        sub);
}

static int run(int argc, char **argv)
{
    if (ev_cli_wants_help(argc, argv))
        return ev_cli_help(&ev_cli_cmd_chart);
    args a = {0};
    int rc = parse_args(&a, argc, argv);
    if (rc != EV_EXIT_OK)
        return rc;
    if (a.npos < 2)
        return ev_cli_usage("chart", "missing %s",
                            a.npos ? "an action (form, set, import, ...)" : "REVIEW");
    ev_cli_chart_review r;
    rc = ev_cli_chart_open(&r, a.pos[0]);
    if (rc == EV_EXIT_OK)
        rc = dispatch(r.chart, &a);
    ev_cli_chart_close(&r);
    return rc;
}

const ev_cli_command ev_cli_cmd_chart = {
    .name = "chart",
    .summary = "extraction forms, charted values, dual charting",
    .help = help,
    .run = run,
};
