/* cmd_report.c - `evident report REVIEW -o report.html [--pdf FILE]`: the
 * whole review as one self-contained HTML file (PDF through headless
 * Chromium when it is installed). */
#include "cli.h"
#include "cli_util.h"

#include "evident/ev_report.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char help[] =
    "usage: evident report REVIEW -o report.html [--pdf FILE.pdf] [--scr]\n"
    "                     [--pool 'INSTRUMENTS;TIMEPOINT;TREATMENT;CONTROL[;MD|SMD]']...\n"
    "                     [--published-flow FILE]...\n"
    "\n"
    "    Write the review as one HTML file with inline CSS and SVG (no scripts, no\n"
    "    network): the protocol (PICOS), each source's search strategy with dates\n"
    "    and counts, the PRISMA 2020 flow diagram (drawn only when its arithmetic\n"
    "    checks), screening agreement (kappa), the summary tables, the evidence\n"
    "    map, a meta-analysis with forest plot per --pool outcome (see 'evident\n"
    "    pool'), and the safety table. Sections without data say so.\n"
    "\n"
    "options:\n"
    "    -o, --output FILE       the HTML file\n"
    "    --pdf FILE              also print it to PDF with headless Chromium\n"
    "    --pool SPEC             an outcome to pool: instrument(s), time point,\n"
    "                            treatment and control arm texts, measure, ';'-separated\n"
    "    --published-flow FILE   flow numbers as a paper printed them (lines 'database\n"
    "                            NAME = N', 'duplicates N', 'screened N', 'excluded N',\n"
    "                            'assessed N', 'reason TEXT = N', 'studies N', ...):\n"
    "                            shown with evident's arithmetic check\n"
    "    --scr                   PRISMA-ScR wording\n"
    "    -q, --quiet             print nothing on success\n"
    "    -h, --help              show this page\n"
    "\n"
    "example:\n"
    "    evident report ankle.evident -o report.html \\\n"
    "        --pool 'AOFAS;final follow-up;MSC;BMS'\n";

#define MAX_ITEMS 16

typedef struct rargs {
    const char *review, *out, *pdf;
    char *specs[MAX_ITEMS];
    ev_report_outcome outcomes[MAX_ITEMS];
    size_t noutcomes;
    const char *flows[MAX_ITEMS];
    size_t nflows;
    bool scr, quiet;
} rargs;

/* "AOFAS;final follow-up;MSC;BMS[;SMD]" (split in place in a copy). */
static int parse_pool(rargs *a, const char *spec)
{
    if (a->noutcomes == MAX_ITEMS)
        return ev_cli_usage("report", "at most %d --pool options", MAX_ITEMS);
    char *s = a->specs[a->noutcomes] = ev_strdup(spec);
    const char *part[5] = {0};
    size_t n = 0;
    for (char *p = s; p && n < 5; n++) {
        part[n] = p;
        if ((p = strchr(p, ';')) != NULL)
            *p++ = '\0';
    }
    if (n < 4 || !*part[0] || !*part[1] || !*part[2] || !*part[3])
        return ev_cli_usage("report",
                            "--pool needs 'INSTRUMENTS;TIMEPOINT;TREATMENT;CONTROL',"
                            " got '%s'",
                            spec);
    a->outcomes[a->noutcomes++] = (ev_report_outcome){.instruments = part[0],
                                                      .timepoint = part[1],
                                                      .treatment = part[2],
                                                      .control = part[3],
                                                      .measure = part[4]};
    return EV_EXIT_OK;
}

static int parse(rargs *a, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        bool takes = !strcmp(s, "-o") || !strcmp(s, "--output") || !strcmp(s, "--pdf") ||
                     !strcmp(s, "--pool") || !strcmp(s, "--published-flow");
        if (takes && i + 1 >= argc)
            return ev_cli_usage("report", "option '%s' needs a value", s);
        int rc = EV_EXIT_OK;
        if (!strcmp(s, "-o") || !strcmp(s, "--output"))
            a->out = argv[++i];
        else if (!strcmp(s, "--pdf"))
            a->pdf = argv[++i];
        else if (!strcmp(s, "--pool"))
            rc = parse_pool(a, argv[++i]);
        else if (!strcmp(s, "--published-flow")) {
            if (a->nflows == MAX_ITEMS)
                return ev_cli_usage("report", "at most %d --published-flow", MAX_ITEMS);
            a->flows[a->nflows++] = argv[++i];
        } else if (!strcmp(s, "--scr"))
            a->scr = true;
        else if (!strcmp(s, "-q") || !strcmp(s, "--quiet"))
            a->quiet = true;
        else if (s[0] == '-')
            return ev_cli_usage("report", "unknown option '%s'", s);
        else if (!a->review)
            a->review = s;
        else
            return ev_cli_usage("report", "unexpected argument '%s'", s);
        if (rc != EV_EXIT_OK)
            return rc;
    }
    if (!a->review)
        return ev_cli_usage("report", "missing REVIEW");
    if (!a->out)
        return ev_cli_usage("report", "say where to write the report: -o report.html");
    return EV_EXIT_OK;
}

/* Write to "<path>.tmp" and rename: never a half-written report. */
static int write_file(const char *path, const ev_buf *b)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(ev_buf_cstr(b), 1, b->len, f) == b->len;
    ok = f && fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        ev_error err = EV_ERROR_INIT;
        ev_error_set(&err, EV_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
        remove(tmp);
        return ev_cli_fail(&err, NULL);
    }
    return EV_EXIT_OK;
}

/* Remove a directory tree (Chromium's scratch profile); no symlinks followed. */
static void rm_tree(const char *path, int depth)
{
    struct stat sb;
    DIR *d = depth < 32 && lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode) ? opendir(path) : NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        char sub[4096];
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) < (int)sizeof sub)
            rm_tree(sub, depth + 1);
    }
    if (d)
        closedir(d);
    remove(path);
}

static int print_pdf(const char *html, const char *pdf)
{
    const char *chromium = access("/usr/bin/chromium", X_OK) == 0 ? "/usr/bin/chromium" : NULL;
    if (chromium == NULL) {
        fprintf(stderr,
                "evident: cannot write '%s': Chromium is not installed"
                " (/usr/bin/chromium); the HTML report is written\n",
                pdf);
        return EV_EXIT_INTERNAL;
    }
    /* a fresh, private profile for this run, removed afterwards */
    char arg[4200], url[4200], tmp[64] = "/tmp/evident-pdf-XXXXXX", dir[96];
    if (mkdtemp(tmp) == NULL) {
        fprintf(stderr, "evident: cannot make a Chromium profile dir: %s\n", strerror(errno));
        return EV_EXIT_INTERNAL;
    }
    snprintf(arg, sizeof arg, "--print-to-pdf=%s", pdf);
    snprintf(url, sizeof url, "file://%s", html);
    snprintf(dir, sizeof dir, "--user-data-dir=%s", tmp);
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stderr);
        execl(chromium, chromium, "--headless", "--no-sandbox", "--disable-gpu", dir,
              "--no-pdf-header-footer", arg, url, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    bool ok = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
              WEXITSTATUS(status) == 0 && access(pdf, R_OK) == 0;
    rm_tree(tmp, 0);
    if (!ok) {
        fprintf(stderr, "evident: Chromium could not print '%s'\n", pdf);
        return EV_EXIT_INTERNAL;
    }
    return EV_EXIT_OK;
}

static int report(ev_store *s, rargs *a, const ev_report_flow *const *flows)
{
    ev_report_options opt = {a->outcomes, a->noutcomes, flows, a->nflows, a->scr};
    ev_buf b;
    ev_buf_init(&b, EV_BUF_DEFAULT_MAX);
    ev_error err = EV_ERROR_INIT;
    int rc = ev_report_html(&b, s, &opt, &err) == EV_OK ? write_file(a->out, &b)
                                                        : ev_cli_fail(&err, NULL);
    ev_buf_release(&b);
    if (rc == EV_EXIT_OK && a->pdf) {
        char *abs = realpath(a->out, NULL);
        rc = abs ? print_pdf(abs, a->pdf) : EV_EXIT_INTERNAL;
        free(abs);
    }
    if (rc == EV_EXIT_OK && !a->quiet)
        printf("wrote %s%s%s\n", a->out, a->pdf ? " and " : "", a->pdf ? a->pdf : "");
    return rc;
}

static int run(int argc, char **argv)
{
    if (ev_cli_wants_help(argc, argv))
        return ev_cli_help(&ev_cli_cmd_report);
    rargs a = {0};
    ev_report_flow *flows[MAX_ITEMS] = {0};
    ev_error err = EV_ERROR_INIT;
    int rc = parse(&a, argc, argv);
    for (size_t i = 0; rc == EV_EXIT_OK && i < a.nflows; i++)
        if (ev_report_flow_load(&flows[i], a.flows[i], &err) != EV_OK)
            rc = ev_cli_fail(&err, NULL);
    ev_store *s = NULL;
    if (rc == EV_EXIT_OK)
        rc = ev_cli_open_review(&s, a.review, 0);
    if (rc == EV_EXIT_OK)
        rc = report(s, &a, (const ev_report_flow *const *)flows);
    ev_store_free(s);
    for (size_t i = 0; i < MAX_ITEMS; i++) {
        ev_report_flow_free(flows[i]);
        ev_free(a.specs[i]);
    }
    return rc;
}

const ev_cli_command ev_cli_cmd_report = {
    .name = "report",
    .summary = "the review as one self-contained HTML report (and PDF)",
    .help = help,
    .run = run,
};
