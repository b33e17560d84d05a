/*
 * cmd_screen.c - `evident screen REVIEW ACTION`: set up screening, record
 * decisions (one or a batch file), list conflicts, settle them, report
 * agreement, give a reviewer the next record in priority order, show the
 * status with stopping guidance, and apply the stopping rule. Everything
 * goes through include/evident/ev_screen.h; this file parses and prints.
 */
#include "cli.h"
#include "cli_util.h"
#include "screen_tui.h"

#include "evident/ev_screen.h"
#include "evident/ev_store.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct scr_args {
    const char *review, *action;
    const char *pos[3];
    size_t npos;
    const char *as, *stage, *reason, *note, *pdf, *url, *file, *criteria_file;
    const char *inc_terms, *exc_terms;
    ev_screen_setup_info setup;
    double target, confidence;
    bool json, quiet, force, status, plain;
} scr_args;

enum {
    O_AS = 256,
    O_STAGE,
    O_REASON,
    O_NOTE,
    O_PDF,
    O_URL,
    O_FILE,
    O_JSON,
    O_QUIET,
    O_STAGES,
    O_REASONS,
    O_CRITERIA,
    O_REVIEWERS,
    O_ADJUDICATORS,
    O_OWNER,
    O_RULE,
    O_DUAL,
    O_SELF,
    O_RANDOM,
    O_MODEL,
    O_TARGET,
    O_CONF,
    O_FORCE,
    O_STATUS,
    O_PLAIN,
    O_INC_TERMS,
    O_EXC_TERMS
};

static const struct option long_opts[] = {
    {"as", required_argument, NULL, O_AS},
    {"stage", required_argument, NULL, O_STAGE},
    {"reason", required_argument, NULL, O_REASON},
    {"note", required_argument, NULL, O_NOTE},
    {"pdf", required_argument, NULL, O_PDF},
    {"url", required_argument, NULL, O_URL},
    {"file", required_argument, NULL, O_FILE},
    {"json", no_argument, NULL, O_JSON},
    {"quiet", no_argument, NULL, O_QUIET},
    {"stages", required_argument, NULL, O_STAGES},
    {"reasons", required_argument, NULL, O_REASONS},
    {"criteria", required_argument, NULL, O_CRITERIA},
    {"reviewers", required_argument, NULL, O_REVIEWERS},
    {"adjudicators", required_argument, NULL, O_ADJUDICATORS},
    {"owner", required_argument, NULL, O_OWNER},
    {"rule", required_argument, NULL, O_RULE},
    {"dual-fraction", required_argument, NULL, O_DUAL},
    {"allow-self-adjudication", no_argument, NULL, O_SELF},
    {"random-share", required_argument, NULL, O_RANDOM},
    {"model", required_argument, NULL, O_MODEL},
    {"target", required_argument, NULL, O_TARGET},
    {"confidence", required_argument, NULL, O_CONF},
    {"force", no_argument, NULL, O_FORCE},
    {"status", no_argument, NULL, O_STATUS},
    {"plain", no_argument, NULL, O_PLAIN},
    {"include-terms", required_argument, NULL, O_INC_TERMS},
    {"exclude-terms", required_argument, NULL, O_EXC_TERMS},
    {NULL, 0, NULL, 0},
};

static int share_opt(const char *name, const char *arg, double *out)
{
    if (!ev_parse_double(arg, out) || !(*out >= 0 && *out <= 1))
        return ev_cli_usage("screen", "--%s wants a number in [0, 1], not '%s'", name, arg);
    return -1;
}

static int setup_opt(scr_args *a, int c, const char *arg)
{
    long l;
    switch (c) {
    case O_STAGES:
        a->setup.stages = arg;
        return -1;
    case O_REASONS:
        a->setup.reasons = arg;
        return -1;
    case O_CRITERIA:
        a->criteria_file = arg;
        return -1;
    case O_REVIEWERS:
        a->setup.reviewers = arg;
        return -1;
    case O_ADJUDICATORS:
        a->setup.adjudicators = arg;
        return -1;
    case O_OWNER:
        a->setup.owner = arg;
        return -1;
    case O_SELF:
        a->setup.allow_self_adjudication = 1;
        return -1;
    case O_MODEL:
        a->setup.model = arg;
        return -1;
    case O_INC_TERMS:
        a->inc_terms = arg;
        return -1;
    case O_EXC_TERMS:
        a->exc_terms = arg;
        return -1;
    case O_RULE:
        if (!ev_parse_long(arg, &l) || l < 1 || l > 2)
            return ev_cli_usage("screen", "--rule is 1 or 2 (see --dual-fraction), not '%s'", arg);
        a->setup.rule = (int)l;
        return -1;
    case O_DUAL:
        a->setup.rule = 3;
        return share_opt("dual-fraction", arg, &a->setup.dual_fraction);
    case O_RANDOM:
        return share_opt("random-share", arg, &a->setup.random_fraction);
    case O_TARGET:
        return share_opt("target", arg, &a->target);
    case O_CONF:
        return share_opt("confidence", arg, &a->confidence);
    default:
        return EV_EXIT_USAGE;
    }
}

static int parse_opt(scr_args *a, int c, const char *arg)
{
    switch (c) {
    case O_AS:
        a->as = arg;
        return -1;
    case O_STAGE:
        a->stage = arg;
        return -1;
    case O_REASON:
        a->reason = arg;
        return -1;
    case O_NOTE:
        a->note = arg;
        return -1;
    case O_PDF:
        a->pdf = arg;
        return -1;
    case O_URL:
        a->url = arg;
        return -1;
    case O_FILE:
        a->file = arg;
        return -1;
    case O_JSON:
        a->json = true;
        return -1;
    case O_QUIET:
        a->quiet = true;
        return -1;
    case O_FORCE:
        a->force = true;
        return -1;
    case O_STATUS:
        a->status = true;
        return -1;
    case O_PLAIN:
        a->plain = true;
        return -1;
    default:
        return setup_opt(a, c, arg);
    }
}

static int parse_args(scr_args *a, int argc, char **argv)
{
    *a = (scr_args){.setup = EV_SCREEN_SETUP_INFO_INIT, .target = 0.95, .confidence = 0.95};
    optind = 1;
    opterr = 0;
    int c;
    const char *words[6];
    size_t nw = 0;
    /* '-' in optstring: positionals come back as 1, in order, mixed with options */
    while ((c = getopt_long(argc, argv, "-:", long_opts, NULL)) != -1) {
        if (c == '?' || c == ':')
            return ev_cli_bad_option("screen", c, argv);
        if (c == 1) {
            if (nw == sizeof words / sizeof words[0])
                return ev_cli_usage("screen", "too many arguments");
            words[nw++] = optarg;
            continue;
        }
        int rc = parse_opt(a, c, optarg);
        if (rc >= 0)
            return rc;
    }
    if (nw < 1)
        return ev_cli_usage("screen", "wants a review file");
    a->review = words[0];
    a->action = nw > 1 ? words[1] : a->status ? "status" : a->as ? "tui" : NULL;
    if (!a->action)
        return ev_cli_usage("screen", "wants an action (setup, decide, conflicts, settle, "
                                      "agreement, next, status, stop, decisions)"
                                      " or --as NAME for the terminal screener");
    for (size_t i = 2; i < nw && a->npos < 3; i++)
        a->pos[a->npos++] = words[i];
    return -1;
}

/* ---- helpers ---------------------------------------------------------------- */

static bool parse_id(const char *s, ev_id *out)
{
    long v;
    if (!s || !ev_parse_long(s, &v) || v <= 0)
        return false;
    *out = v;
    return true;
}

static int need_as(const scr_args *a, const char *role)
{
    if (a->as)
        return -1;
    return ev_cli_usage("screen", "%s wants --as %s", a->action, role);
}

static char *read_text_file(const char *path, ev_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ev_error_set(err, EV_EINPUT, path, 0, 0, "cannot read: %s", strerror(errno));
        return NULL;
    }
    ev_buf b;
    ev_buf_init(&b, 1 << 20);
    char chunk[4096];
    size_t n;
    ev_status st = EV_OK;
    while (st == EV_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        st = ev_buf_append(&b, chunk, n);
    fclose(f);
    char *out = st == EV_OK ? ev_buf_detach(&b) : NULL;
    ev_buf_release(&b);
    if (!out)
        ev_error_set(err, EV_EINPUT, path, 0, 0, "criteria file too large (1 MiB at most)");
    return out;
}

/* ---- actions ------------------------------------------------------------------- */

/* The include/exclude highlight terms (the web page's owner-set terms). */
static ev_status set_terms(ev_store *s, const scr_args *a, ev_error *err)
{
    ev_status st = ev_store_begin(s, err);
    if (st == EV_OK && a->inc_terms)
        st = ev_store_meta_set(s, "server.terms.include", a->inc_terms, err);
    if (st == EV_OK && a->exc_terms)
        st = ev_store_meta_set(s, "server.terms.exclude", a->exc_terms, err);
    if (st == EV_OK)
        st = ev_store_audit(s, a->as, "server.terms", NULL, err);
    if (st == EV_OK)
        return ev_store_commit(s, err);
    ev_store_rollback(s);
    return st;
}

static int act_setup(ev_store *s, scr_args *a)
{
    ev_error err = EV_ERROR_INIT;
    char *criteria = NULL;
    if (a->criteria_file && !(criteria = read_text_file(a->criteria_file, &err)))
        return ev_cli_fail(&err, NULL);
    a->setup.criteria = criteria;
    ev_status st = ev_screen_setup(s, &a->setup, a->as, &err);
    ev_free(criteria);
    if (st == EV_OK && (a->inc_terms || a->exc_terms))
        st = set_terms(s, a, &err);
    if (st != EV_OK)
        return ev_cli_fail(&err, NULL);
    if (!a->quiet)
        printf("screening set up in %s\n", a->review);
    return EV_EXIT_OK;
}

static int decide_one(ev_store *s, scr_args *a)
{
    ev_screen_decide_item it = {.stage = a->stage,
                                .reason = a->reason,
                                .note = a->note,
                                .fulltext_path = a->pdf,
                                .fulltext_url = a->url};
    if (a->npos != 2 || !parse_id(a->pos[0], &it.record) ||
        !ev_screen_decision_parse(a->pos[1], &it.decision))
        return ev_cli_usage("screen", "decide wants ID include|exclude|maybe (or --file)");
    ev_error err = EV_ERROR_INIT;
    if (ev_screen_decide(s, a->as, &it, 1, NULL, &err) != EV_OK)
        return ev_cli_fail(&err, NULL);
    if (!a->quiet)
        printf("%lld: %s (%s)\n", (long long)it.record, a->pos[1], a->as);
    return EV_EXIT_OK;
}

/* A batch file: one decision per line, tab-separated ID, decision, reason,
 * note (the last two optional); '#' starts a comment line. */
typedef struct batch {
    ev_screen_decide_item *items;
    size_t *lines;
    char **bufs;
    size_t n, cap;
} batch;

static void batch_release(batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        ev_free(b->bufs[i]);
    ev_free(b->items);
    ev_free(b->lines);
    ev_free(b->bufs);
}

static ev_status batch_line(batch *b, char *line, size_t lineno, const char *stage,
                            const char *path, ev_error *err)
{
    char *f[4] = {NULL, NULL, NULL, NULL};
    size_t nf = 0;
    for (char *p = line; p && nf < 4; nf++) {
        f[nf] = p;
        p = strchr(p, '\t');
        if (p)
            *p++ = '\0';
    }
    ev_screen_decide_item it = {.stage = stage};
    if (!parse_id(f[0], &it.record))
        return ev_error_set(err, EV_EINPUT, path, lineno, 1, "'%s' is not a record id", f[0]);
    if (!f[1] || !ev_screen_decision_parse(f[1], &it.decision))
        return ev_error_set(err, EV_EINPUT, path, lineno, strlen(f[0]) + 2,
                            "decision must be include, exclude or maybe");
    it.reason = f[2] && *f[2] ? f[2] : NULL;
    it.note = f[3] && *f[3] ? f[3] : NULL;
    if (b->n == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 64;
        ev_screen_decide_item *ni = ev_reallocarray(b->items, ncap, sizeof *ni);
        size_t *nl = ni ? ev_reallocarray(b->lines, ncap, sizeof *nl) : NULL;
        if (ni)
            b->items = ni;
        if (nl)
            b->lines = nl;
        char **nb = nl ? ev_reallocarray(b->bufs, ncap, sizeof *nb) : NULL;
        if (!nb)
            return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
        b->bufs = nb;
        b->cap = ncap;
    }
    b->bufs[b->n] = line;
    b->lines[b->n] = lineno;
    b->items[b->n++] = it;
    return EV_OK;
}

static ev_status batch_read(batch *b, const char *path, const char *stage, ev_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return ev_error_set(err, EV_EINPUT, path, 0, 0, "cannot read: %s", strerror(errno));
    char buf[8192];
    size_t lineno = 0;
    ev_status st = EV_OK;
    while (st == EV_OK && fgets(buf, sizeof buf, f)) {
        lineno++;
        buf[strcspn(buf, "\r\n")] = '\0';
        if (buf[0] == '\0' || buf[0] == '#')
            continue;
        char *line = ev_strdup(buf);
        if (!line)
            st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
        else if ((st = batch_line(b, line, lineno, stage, path, err)) != EV_OK)
            ev_free(line);
    }
    fclose(f);
    return st;
}

static int decide_batch(ev_store *s, scr_args *a)
{
    batch b = {0};
    ev_error err = EV_ERROR_INIT;
    size_t bad = 0;
    ev_status st = batch_read(&b, a->file, a->stage, &err);
    if (st == EV_OK && b.n == 0)
        st = ev_error_set(&err, EV_EINPUT, a->file, 0, 0, "no decisions in the file");
    if (st == EV_OK && (st = ev_screen_decide(s, a->as, b.items, b.n, &bad, &err)) != EV_OK &&
        err.input[0] == '\0') {
        snprintf(err.input, sizeof err.input, "%s", a->file);
        err.line = b.lines[bad];
    }
    if (st == EV_OK && !a->quiet)
        printf("%zu decisions recorded (%s)\n", b.n, a->as);
    batch_release(&b);
    return st == EV_OK ? EV_EXIT_OK : ev_cli_fail(&err, "no decision of the batch was recorded");
}

static int act_decide(ev_store *s, scr_args *a)
{
    int rc = need_as(a, "REVIEWER");
    if (rc >= 0)
        return rc;
    return a->file ? decide_batch(s, a) : decide_one(s, a);
}

static int act_settle(ev_store *s, scr_args *a)
{
    int rc = need_as(a, "ADJUDICATOR");
    if (rc >= 0)
        return rc;
    ev_id id;
    ev_screen_decision d;
    if (a->npos != 2 || !parse_id(a->pos[0], &id) || !ev_screen_decision_parse(a->pos[1], &d))
        return ev_cli_usage("screen", "settle wants ID include|exclude");
    ev_error err = EV_ERROR_INIT;
    if (ev_screen_settle(s, id, a->stage, d, a->reason, a->as, &err) != EV_OK)
        return ev_cli_fail(&err, NULL);
    if (!a->quiet)
        printf("%lld settled: %s (%s)\n", (long long)id, a->pos[1], a->as);
    return EV_EXIT_OK;
}

static int act_conflicts(ev_store *s, scr_args *a)
{
    int rc = need_as(a, "ADJUDICATOR");
    if (rc >= 0)
        return rc;
    ev_screen_conflict *c = NULL;
    size_t n = 0;
    ev_error err = EV_ERROR_INIT;
    if (ev_screen_conflicts(s, a->as, &c, &n, &err) != EV_OK)
        return ev_cli_fail(&err, NULL);
    if (a->json)
        printf("[");
    for (size_t i = 0; i < n; i++) {
        if (a->json) {
            printf("%s{\"record\":%lld,\"stage\":\"%s\",\"decisions\":", i ? "," : "",
                   (long long)c[i].record, c[i].stage);
            ev_cli_json_string(stdout, c[i].reviewers);
            printf(",\"title\":");
            ev_cli_json_string(stdout, c[i].title);
            printf("}");
        } else {
            printf("%lld\t%s\t%s\t%.70s\n", (long long)c[i].record, c[i].stage, c[i].reviewers,
                   c[i].title);
        }
    }
    if (a->json)
        printf("]\n");
    else if (n == 0 && !a->quiet)
        printf("no conflicts\n");
    ev_screen_conflicts_free(c, n);
    return EV_EXIT_OK;
}

static void print_pair(const ev_screen_pair_agreement *p, bool json, bool first)
{
    const ev_screen_agreement *g = &p->agreement;
    if (json) {
        printf("%s{\"stage\":\"%s\",\"a\":", first ? "" : ",", p->stage);
        ev_cli_json_string(stdout, p->reviewer_a);
        printf(",\"b\":");
        ev_cli_json_string(stdout, p->reviewer_b);
        printf(",\"n\":%zu,\"percent_agreement\":%.4f,\"kappa\":", g->n, 100 * g->p_observed);
        if (isnan(g->kappa))
            printf("null,\"kappa_ci\":null");
        else
            printf("%.4f,\"kappa_se\":%.4f,\"kappa_ci\":[%.4f,%.4f]", g->kappa, g->se, g->ci_low,
                   g->ci_high);
        printf(",\"pabak\":%.4f}", g->pabak);
        return;
    }
    printf("%-6s %-12s %-12s %6zu %7.1f%% ", p->stage, p->reviewer_a, p->reviewer_b, g->n,
           100 * g->p_observed);
    if (isnan(g->kappa))
        printf("%7s %17s", "-", "-");
    else
        printf("%7.3f [%6.3f, %6.3f]", g->kappa, g->ci_low, g->ci_high);
    printf(" %7.3f\n", g->pabak);
}

static int act_agreement(ev_store *s, scr_args *a)
{
    ev_screen_pair_agreement *p = NULL;
    size_t n = 0;
    ev_error err = EV_ERROR_INIT;
    if (ev_screen_agreement_list(s, &p, &n, &err) != EV_OK)
        return ev_cli_fail(&err, NULL);
    if (a->json)
        printf("[");
    else
        printf("%-6s %-12s %-12s %6s %8s %7s %17s %7s\n", "stage", "reviewer", "reviewer", "n",
               "agree", "kappa", "95% CI", "PABAK");
    for (size_t i = 0; i < n; i++)
        print_pair(&p[i], a->json, i == 0);
    if (a->json)
        printf("]\n");
    ev_free(p);
    return EV_EXIT_OK;
}

static void print_record(ev_store *s, ev_id id, double score, const scr_args *a)
{
    ev_record *rec = NULL;
    ev_error err = EV_ERROR_INIT;
    if (a->json) {
        printf("{\"record\":%lld,\"score\":", (long long)id);
        isnan(score) ? printf("null") : printf("%.6g", score);
    } else {
        printf("%lld", (long long)id);
        if (!isnan(score))
            printf("\tscore %.3f", score);
        printf("\n");
    }
    if (ev_store_record_get(s, id, &rec, &err) == EV_OK) {
        if (a->json) {
            printf(",\"title\":");
            ev_cli_json_string(stdout, rec->title);
            printf("}\n");
        } else if (!a->quiet) {
            printf("%s\n", rec->title ? rec->title : "(no title)");
            for (size_t i = 0; i < rec->n_abstract; i++)
                printf("%s%s%s\n", rec->abstract[i].label ? rec->abstract[i].label : "",
                       rec->abstract[i].label ? ": " : "", rec->abstract[i].text);
        }
    } else if (a->json) {
        printf("}\n");
    }
    ev_record_free(rec);
}

static int act_next(ev_store *s, scr_args *a)
{
    int rc = need_as(a, "REVIEWER");
    if (rc >= 0)
        return rc;
    ev_id id = 0;
    double score = NAN;
    ev_error err = EV_ERROR_INIT;
    char *criteria = NULL;
    if (ev_screen_next(s, a->as, a->stage, &id, &score, &err) != EV_OK)
        return ev_cli_fail(&err, NULL);
    if (id == 0) {
        if (a->json)
            printf("{\"record\":null}\n");
        else if (!a->quiet)
            printf("nothing left to screen for %s\n", a->as);
        return EV_EXIT_OK;
    }
    if (!a->json && !a->quiet && ev_screen_criteria(s, &criteria, &err) == EV_OK && criteria)
        printf("--- eligibility criteria ---\n%s\n----------------------------\n", criteria);
    ev_free(criteria);
    print_record(s, id, score, a);
    return EV_EXIT_OK;
}

static int act_tui(ev_store *s, scr_args *a)
{
    return ev_cli_screen_tui(s, a->review, a->as, a->stage, a->plain);
}

/* The decisions on one record the viewer may see (blinding applies). */
static int act_decisions(ev_store *s, scr_args *a)
{
    ev_id id = 0;
    int rc = need_as(a, "NAME");
    if (rc >= 0)
        return rc;
    if (a->npos != 1 || !parse_id(a->pos[0], &id))
        return ev_cli_usage("screen", "decisions wants a record ID");
    ev_screen_decision_row *d = NULL;
    size_t n = 0;
    ev_error err = EV_ERROR_INIT;
    if (ev_screen_decisions(s, id, a->as, &d, &n, &err) != EV_OK)
        return ev_cli_fail(&err, NULL);
    if (a->json)
        printf("[");
    for (size_t i = 0; i < n; i++) {
        if (!a->json) {
            printf("%lld\t%s\t%s\t%s\t%s\t%s\n", (long long)d[i].record, d[i].stage, d[i].reviewer,
                   ev_screen_decision_name(d[i].decision), d[i].reason ? d[i].reason : "",
                   d[i].note ? d[i].note : "");
            continue;
        }
        printf("%s{\"record\":%lld,\"stage\":\"%s\",\"reviewer\":", i ? "," : "",
               (long long)d[i].record, d[i].stage);
        ev_cli_json_string(stdout, d[i].reviewer);
        printf(",\"decision\":\"%s\",\"reason\":", ev_screen_decision_name(d[i].decision));
        ev_cli_json_string(stdout, d[i].reason);
        printf(",\"note\":");
        ev_cli_json_string(stdout, d[i].note);
        printf("}");
    }
    if (a->json)
        printf("]\n");
    ev_screen_decisions_free(d, n);
    return EV_EXIT_OK;
}


static int act_status(ev_store *s, scr_args *a)
{
    ev_screen_stage_summary *g = NULL;
    size_t n = 0;
    ev_error err = EV_ERROR_INIT;
    if (ev_screen_summary(s, &g, &n, &err) != EV_OK)
        return ev_cli_fail(&err, NULL);
    if (a->json)
        printf("[");
    for (size_t i = 0; i < n; i++)
        ev_cli_print_screen_stage(&g[i], a->json, i == 0);
    if (a->json)
        printf("]\n");
    ev_screen_summary_free(g, n);
    return EV_EXIT_OK;
}

static int act_stop(ev_store *s, scr_args *a)
{
    int rc = need_as(a, "OWNER");
    if (rc >= 0)
        return rc;
    ev_screen_stop_result r;
    uint64_t n = 0;
    ev_error err = EV_ERROR_INIT;
    if (ev_screen_stop(s, a->stage, a->as, a->target, a->confidence, a->force, &r, &n, &err) !=
        EV_OK)
        return ev_cli_fail(&err, err.code == EV_EREFUSED ? "--force stops anyway" : NULL);
    if (a->json)
        printf("{\"p\":%.6g,\"stop\":%s,\"recall_lower_bound\":%.4f,\"excluded\":%llu}\n", r.p,
               r.stop ? "true" : "false", r.recall_estimate, (unsigned long long)n);
    else if (!a->quiet)
        printf("stopped: p = %.3g, recall >= %.1f%%; %llu records excluded by automation\n", r.p,
               100 * r.recall_estimate, (unsigned long long)n);
    return EV_EXIT_OK;
}

static const struct {
    const char *name;
    int (*fn)(ev_store *, scr_args *);
    bool writes;
} actions[] = {
    {"setup", act_setup, true},
    {"decide", act_decide, true},
    {"settle", act_settle, true},
    {"conflicts", act_conflicts, true},
    {"agreement", act_agreement, true},
    {"next", act_next, true},
    {"status", act_status, true},
    {"stop", act_stop, true},
    {"tui", act_tui, true},
    {"decisions", act_decisions, true},
};

static int run(int argc, char **argv)
{
    if (ev_cli_wants_help(argc, argv))
        return ev_cli_help(&ev_cli_cmd_screen);
    scr_args a;
    int rc = parse_args(&a, argc, argv);
    if (rc >= 0)
        return rc;
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
        if (strcmp(actions[i].name, a.action) != 0)
            continue;
        ev_store *s = NULL;
        rc = ev_cli_open_review(&s, a.review, 0);
        if (rc != EV_EXIT_OK)
            return rc;
        rc = actions[i].fn(s, &a);
        ev_store_free(s);
        return rc;
    }
    return ev_cli_usage("screen", "unknown action '%s'", a.action);
}

const ev_cli_command ev_cli_cmd_screen = {
    "screen",
    "screen records: dual review, conflicts, agreement, prioritisation, stopping",
    "usage: evident screen REVIEW --as NAME [--stage S] [--plain]   (the terminal screener)\n"
    "       evident screen REVIEW setup [--stages ta,ft] [--reasons R1,R2,...]\n"
    "                                   [--criteria FILE] [--reviewers A,B] [--adjudicators C]\n"
    "                                   [--owner O] [--rule 1|2] [--dual-fraction F]\n"
    "                                   [--allow-self-adjudication] [--random-share F]\n"
    "                                   [--model nb|lr] [--include-terms T1,T2]\n"
    "                                   [--exclude-terms T1,T2]\n"
    "       evident screen REVIEW decide ID include|exclude|maybe --as NAME [--stage S]\n"
    "                                   [--reason R] [--note N] [--pdf FILE] [--url URL]\n"
    "       evident screen REVIEW decide --file BATCH.tsv --as NAME [--stage S]\n"
    "       evident screen REVIEW conflicts --as ADJUDICATOR [--json]\n"
    "       evident screen REVIEW settle ID include|exclude --as ADJUDICATOR [--reason R]\n"
    "       evident screen REVIEW agreement [--json]\n"
    "       evident screen REVIEW next --as NAME [--stage S] [--json]\n"
    "       evident screen REVIEW decisions ID --as NAME [--json]\n"
    "       evident screen REVIEW status [--json]      (also: evident screen REVIEW --status)\n"
    "       evident screen REVIEW stop --as OWNER [--stage S] [--target 0.95]\n"
    "                                   [--confidence 0.95] [--force]\n"
    "\n"
    "With --as and no action, the terminal screener shows one record at a time\n"
    "(title, authors, year, journal, the abstract with its section labels; include\n"
    "terms green, exclude terms red) with the progress, what is left for you and\n"
    "the stopping rule. Keys: i include, e exclude, m maybe, 1-9 exclude with that\n"
    "reason, u back to the previous record (deciding again replaces the decision),\n"
    "n note, / search the records waiting for you, c criteria, ? help, q quit;\n"
    "j/k, arrows, PgUp/PgDn scroll. It needs a terminal; --plain reads the same\n"
    "keys one per line from stdin (n TEXT, / TERM) and prints plain text.\n"
    "decisions lists the decisions on a record the reviewer may see.\n"
    "\n"
    "Stages default to ta (title/abstract) and ft (full text); records reach a stage\n"
    "when included at the one before. --rule 2 (the default) asks two independent\n"
    "decisions per record, --rule 1 one, --dual-fraction F two for a fixed random\n"
    "share F of records. A reviewer never sees another reviewer's decision before\n"
    "the record is settled. Agreeing decisions settle a record; disagreements and\n"
    "'maybe' are conflicts an adjudicator settles (not one of the record's own\n"
    "reviewers unless --allow-self-adjudication). Full-text exclusions need a reason\n"
    "(from --reasons when given); --pdf attaches a file (its SHA-256 is kept).\n"
    "A reviewer deciding again replaces the earlier decision (kept in the audit).\n"
    "\n"
    "A batch file has one decision per line: ID<TAB>decision[<TAB>reason[<TAB>note]];\n"
    "the whole batch is one transaction (a bad line records nothing).\n"
    "\n"
    "next ranks the records still needing the reviewer's decision with a model\n"
    "(TF-IDF unigrams+bigrams, Naive Bayes or logistic regression) trained on the\n"
    "settled outcomes; a share of picks (--random-share, 0.05) is random.\n"
    "status prints PRISMA counts per stage and the stopping guidance: the\n"
    "hypergeometric test of Callaghan & Mueller-Hansen (2020) and the run of\n"
    "consecutive exclusions. stop applies the rule as the owner: records nobody\n"
    "has screened at the stage are excluded by automation (counted apart in\n"
    "PRISMA), with the rule, its parameters and the recall estimate kept.\n"
    "\n"
    "Exit codes: 0 done, 1 bad usage, 2 bad input (unknown or merged record, bad\n"
    "batch line), 3 refused (not a reviewer, blinding, settled record, no reason,\n"
    "the rule says go on), 4 review cannot be opened.\n",
    run,
};
