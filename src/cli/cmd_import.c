/*
 * cmd_import.c - `evident import REVIEW FILE...`: read database exports into
 * the review. All the files of one command are one transaction: on any error
 * the review is left exactly as it was.
 */
#include "cli.h"
#include "cli_util.h"

#include <signal.h>

#include "evident/ev_store.h"

static const char help[] =
    "NAME\n"
    "    evident import - read database exports into a review\n"
    "\n"
    "SYNOPSIS\n"
    "    evident import REVIEW FILE... [--source NAME] [--searched DATE]\n"
    "                   [--strategy FILE] [--format FORMAT] [--csv-map MAP]\n"
    "                   [--force] [--dry-run] [--quiet] [--json]\n"
    "\n"
    "DESCRIPTION\n"
    "    Reads each FILE (PubMed XML, MEDLINE/.nbib, RIS, BibTeX, EndNote XML,\n"
    "    Web of Science, CSV; plain or gzip-compressed; the format is detected\n"
    "    from the content) and adds its records to REVIEW. Every record is\n"
    "    stored with normalised title/author/journal columns and indexed for\n"
    "    full-text search (title, abstract, keywords, MeSH).\n"
    "\n"
    "    Each file becomes one import: a source in the PRISMA sense, recorded\n"
    "    with its database name, date searched, search strategy, file name,\n"
    "    SHA-256 and record counts ('evident stats' lists them). A file whose\n"
    "    SHA-256 was imported before is refused unless --force.\n"
    "\n"
    "    All files of one command form a single transaction. A malformed file\n"
    "    stops everything with 'evident: FILE:LINE:COL: what is wrong' and the\n"
    "    review is left unchanged. Problems with single records (no title, no\n"
    "    year) do not stop the import: they are listed as warnings at the end.\n"
    "\n"
    "    PubMed records update each other: a PubMed record whose PMID is already\n"
    "    in the review replaces the older version (same record id), and the\n"
    "    DeleteCitation list of a MEDLINE update file marks records deleted.\n"
    "    Records from other databases are always added; duplicates across\n"
    "    databases are dedup's job.\n"
    "\n"
    "    On a terminal a progress bar shows records/s and the time left.\n"
    "\n"
    "OPTIONS\n"
    "    -s, --source NAME    database the files come from (PubMed, Embase,\n"
    "                         Scopus, ...); default 'unknown'\n"
    "    --searched DATE      date the search was run, YYYY-MM-DD\n"
    "    --strategy FILE      text file holding the search strategy as run\n"
    "    -f, --format FORMAT  do not detect: medline-xml, medline (nbib), ris,\n"
    "                         bibtex, endnote-xml, wos, csv\n"
    "    --csv-map MAP        CSV columns, e.g. 'title=Article Title,year=PY'\n"
    "    --force              import a file even if it was imported before\n"
    "    -n, --dry-run        parse and validate only; the review is not touched\n"
    "                         (it need not exist); prints counts and records/s\n"
    "    -q, --quiet          no progress bar, no summary, no warnings\n"
    "    --json               print the summary as one JSON document on stdout:\n"
    "                         {\"review\", \"dry_run\", \"files\": [{\"file\", \"import_id\",\n"
    "                         \"source\", \"format\", \"encoding\", \"records\", \"added\",\n"
    "                         \"replaced\", \"deleted\", \"skipped\", \"warnings\", \"bytes\",\n"
    "                         \"sha256\", \"seconds\", \"records_per_second\"}],\n"
    "                         \"warnings\": [messages], \"warnings_total\"}\n"
    "    -h, --help           show this page\n"
    "\n"
    "EXAMPLES\n"
    "    evident import ankle.evident pubmed.nbib --source PubMed \\\n"
    "        --searched 2024-05-02 --strategy pubmed-strategy.txt\n"
    "    evident import ankle.evident embase.ris scopus.ris --source Embase\n"
    "    evident import ankle.evident pubmed24n1219.xml.gz --quiet\n"
    "    evident import ankle.evident big.xml --dry-run\n"
    "\n"
    "EXIT STATUS\n"
    "    0 imported; 1 bad usage; 2 bad input (a malformed or unreadable FILE;\n"
    "    the review is unchanged); 3 a FILE was imported before (use --force);\n"
    "    4 the review cannot be opened or written (missing, locked, newer\n"
    "    evident, disk full); 5 internal error.\n";

typedef struct import_args {
    const char *review;
    char **files;
    int n_files;
    ev_import_info info;
    const char *strategy_file;
    char *strategy; /* read from strategy_file */
    ev_parse_options popts;
    bool dry_run, quiet, json;
} import_args;

/* One file's figures, for the summary. */
typedef struct file_result {
    ev_import_summary sum;
    double seconds;
} file_result;

/* Payload of the callbacks: the bar, the warnings, the running summary. */
typedef struct job {
    ev_cli_progress bar;
    ev_cli_warnings warnings;
    ev_import_summary *sum;
} job;

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static bool on_progress(uint64_t done, uint64_t total, void *payload)
{
    job *j = payload;
    j->bar.items = j->sum->parse.records;
    ev_cli_progress_cb(done, total, &j->bar);
    return !interrupted;
}

static void on_warn(const ev_error *w, void *payload)
{
    job *j = payload;
    ev_cli_warn_cb(w, &j->warnings);
}

/* ---- options ------------------------------------------------------------------- */

static bool valid_date(const char *s)
{
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return false;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1];
}

static int parse_args(import_args *a, int argc, char **argv)
{
    static const struct option opts[] = {
        {"source", required_argument, NULL, 's'}, {"searched", required_argument, NULL, 'd'},
        {"strategy", required_argument, NULL, 'S'}, {"format", required_argument, NULL, 'f'},
        {"csv-map", required_argument, NULL, 'm'},  {"force", no_argument, NULL, 'F'},
        {"dry-run", no_argument, NULL, 'n'},        {"quiet", no_argument, NULL, 'q'},
        {"json", no_argument, NULL, 'j'},           {NULL, 0, NULL, 0}};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":s:f:nq", opts, NULL)) != -1) {
        switch (c) {
        case 's': a->info.source = optarg; break;
        case 'd': a->info.searched = optarg; break;
        case 'S': a->strategy_file = optarg; break;
        case 'm': a->popts.csv_mapping = optarg; break;
        case 'F': a->info.force = true; break;
        case 'n': a->dry_run = true; break;
        case 'q': a->quiet = true; break;
        case 'j': a->json = true; break;
        case 'f':
            a->popts.format = ev_format_from_name(optarg);
            if (a->popts.format == EV_FORMAT_UNKNOWN || a->popts.format == EV_FORMAT_JSON)
                return ev_cli_usage("import", "unknown format '%s'", optarg);
            break;
        default: return ev_cli_bad_option("import", c, argv);
        }
    }
    if (argc - optind < 2)
        return ev_cli_usage("import", optind < argc ? "missing FILE to import"
                                                    : "missing REVIEW and FILE");
    if (a->info.searched && !valid_date(a->info.searched))
        return ev_cli_usage("import", "--searched wants a date YYYY-MM-DD, not '%s'",
                            a->info.searched);
    a->review = argv[optind];
    a->files = argv + optind + 1;
    a->n_files = argc - optind - 1;
    return EV_EXIT_OK;
}

/* The strategy text: UTF-8, at most 1 MB. */
static ev_status read_strategy(import_args *a, ev_error *err)
{
    ev_buf b;
    ev_status st = ev_cli_read_text(&b, a->strategy_file, (size_t)1 << 20, "search strategy", err);
    if (st == EV_OK && (a->strategy = ev_buf_detach(&b)) == NULL)
        st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    ev_buf_release(&b);
    return st;
}

/* Every FILE must be readable before anything starts. */
static ev_status check_files(const import_args *a, ev_error *err)
{
    for (int i = 0; i < a->n_files; i++) {
        FILE *f = fopen(a->files[i], "rb");
        if (f == NULL)
            return ev_error_set(err, EV_EINPUT, a->files[i], 0, 0, "cannot open: %s",
                                strerror(errno));
        fclose(f);
    }
    return EV_OK;
}

/* ---- work ------------------------------------------------------------------------ */

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

static ev_status on_record_count(ev_record *rec, void *payload)
{
    (void)rec;
    job *j = payload;
    j->sum->parse.records++;
    return EV_OK;
}

static ev_status dry_run_file(import_args *a, job *j, const char *file, ev_error *err)
{
    ev_parse_sink sink = {.record = on_record_count, .warn = on_warn, .progress = on_progress,
                          .payload = j};
    ev_parse_stats stats;
    memset(&stats, 0, sizeof stats);
    ev_status st = ev_parse_file(file, &a->popts, &sink, &stats, err);
    j->sum->parse = stats;
    return st;
}

static ev_status run_files(import_args *a, ev_store *s, job *j, file_result *res,
                           ev_error *err)
{
    for (int i = 0; i < a->n_files; i++) {
        const char *file = a->files[i];
        ev_cli_progress_init(&j->bar, base_name(file), "records", a->quiet || a->json);
        j->sum = &res[i].sum;
        double t0 = ev_now();
        ev_status st;
        if (s == NULL) {
            st = dry_run_file(a, j, file, err);
        } else {
            ev_import_info info = a->info;
            info.file_name = file;
            st = ev_store_import_file(s, file, &info, &a->popts, on_warn, on_progress, j,
                                      &res[i].sum, err);
        }
        res[i].seconds = ev_now() - t0;
        ev_cli_progress_end(&j->bar);
        if (st != EV_OK)
            return st;
    }
    return EV_OK;
}

/* ---- output --------------------------------------------------------------------- */

static double rate(const file_result *r)
{
    return r->seconds > 0 ? (double)r->sum.parse.records / r->seconds : 0.0;
}

static void print_human(const import_args *a, const file_result *res)
{
    char c1[32], c2[32], c3[32], c4[32];
    for (int i = 0; i < a->n_files; i++) {
        const file_result *r = &res[i];
        const ev_parse_stats *p = &r->sum.parse;
        ev_cli_count(c1, sizeof c1, p->records);
        if (a->dry_run) {
            printf("parsed '%s': %s records", a->files[i], c1);
        } else {
            ev_cli_count(c2, sizeof c2, r->sum.added);
            ev_cli_count(c3, sizeof c3, r->sum.replaced);
            ev_cli_count(c4, sizeof c4, r->sum.deleted);
            printf("imported '%s' as import %lld (%s): %s records, %s new, %s updated, %s "
                   "deleted",
                   a->files[i], (long long)r->sum.import_id,
                   a->info.source ? a->info.source : "unknown", c1, c2, c3, c4);
        }
        ev_cli_count(c2, sizeof c2, (unsigned long long)(rate(r) + 0.5));
        printf(" [%s, %s, %.2f s, %s records/s]\n", ev_format_name(p->format),
               p->encoding ? p->encoding : "?", r->seconds, c2);
    }
    if (a->dry_run)
        printf("dry run: '%s' was not touched\n", a->review);
}

static void json_u(const char *key, unsigned long long v)
{
    printf(",\"%s\":%llu", key, v);
}

static void print_json(const import_args *a, const file_result *res, const ev_cli_warnings *w)
{
    printf("{");
    ev_cli_json_kv(stdout, "review", a->review, 1);
    printf(",\"dry_run\":%s,\"files\":[", a->dry_run ? "true" : "false");
    for (int i = 0; i < a->n_files; i++) {
        const file_result *r = &res[i];
        const ev_parse_stats *p = &r->sum.parse;
        printf("%s{", i ? "," : "");
        ev_cli_json_kv(stdout, "file", a->files[i], 1);
        if (!a->dry_run) {
            printf(",\"import_id\":%lld", (long long)r->sum.import_id);
            ev_cli_json_kv(stdout, "source", a->info.source ? a->info.source : "unknown", 0);
        }
        ev_cli_json_kv(stdout, "format", ev_format_name(p->format), 0);
        ev_cli_json_kv(stdout, "encoding", p->encoding, 0);
        json_u("records", p->records);
        if (!a->dry_run) {
            json_u("added", r->sum.added);
            json_u("replaced", r->sum.replaced);
            json_u("deleted", r->sum.deleted);
        }
        json_u("skipped", p->skipped);
        json_u("warnings", p->warnings);
        json_u("bytes", p->bytes);
        if (!a->dry_run)
            ev_cli_json_kv(stdout, "sha256", r->sum.sha256, 0);
        printf(",\"seconds\":%.3f,\"records_per_second\":%.0f}", r->seconds, rate(r));
    }
    printf("],\"warnings\":[");
    for (size_t i = 0; i < w->n; i++) {
        if (i)
            putchar(',');
        ev_cli_json_string(stdout, w->items[i]);
    }
    printf("],\"warnings_total\":%zu}\n", w->total);
}

/* ---- main -------------------------------------------------------------------------- */

static ev_status import_all(import_args *a, job *j, file_result *res, ev_error *err)
{
    ev_status st = check_files(a, err);
    if (st != EV_OK || a->dry_run)
        return st == EV_OK ? run_files(a, NULL, j, res, err) : st;
    ev_store *s = NULL;
    st = ev_store_open(&s, a->review, 0, err);
    if (st == EV_ENOTFOUND || st == EV_EINPUT) /* missing or not a review: exit 4 */
        err->code = st = EV_EIO;
    if (st != EV_OK)
        return st;
    st = ev_store_begin(s, err); /* every file, or none */
    if (st == EV_OK) {
        st = run_files(a, s, j, res, err);
        if (st == EV_OK)
            st = ev_store_commit(s, err);
        else
            ev_store_rollback(s);
    }
    ev_store_free(s);
    return st;
}

static const char *hint_for(ev_status st, const import_args *a)
{
    switch (st) {
    case EV_EREFUSED: return "use --force to import it again";
    case EV_EIO:
        return access(a->review, F_OK) != 0 ? "create the review first with 'evident init'"
                                            : NULL;
    case EV_ECANCEL: return "interrupted: the review is unchanged";
    case EV_EBUSY: return "another evident is writing to it; try again when that has finished";
    case EV_EINPUT:
        return a->dry_run ? NULL : "nothing was imported: the review is unchanged";
    default: return NULL;
    }
}

static int run(int argc, char **argv)
{
    import_args a = {.popts = EV_PARSE_OPTIONS_INIT};
    int rc = parse_args(&a, argc, argv);
    if (rc != EV_EXIT_OK)
        return rc;
    ev_error err = EV_ERROR_INIT;
    if (a.strategy_file && read_strategy(&a, &err) != EV_OK)
        return ev_cli_fail(&err, NULL);
    a.info.strategy = a.strategy;
    file_result *res = ev_calloc((size_t)a.n_files, sizeof *res);
    job j = {0};
    if (res == NULL) {
        ev_free(a.strategy);
        return ev_cli_fail(&(ev_error){.code = EV_ENOMEM, .message = "out of memory"}, NULL);
    }
    signal(SIGINT, on_sigint);
    ev_status st = import_all(&a, &j, res, &err);
    signal(SIGINT, SIG_DFL);
    if (st != EV_OK) {
        ev_cli_warnings_flush(&j.warnings, 20, a.quiet || a.json);
        rc = ev_cli_fail(&err, hint_for(st, &a));
    } else {
        if (a.json)
            print_json(&a, res, &j.warnings);
        else if (!a.quiet)
            print_human(&a, res);
        ev_cli_warnings_flush(&j.warnings, 50, a.quiet || a.json);
    }
    ev_free(res);
    ev_free(a.strategy);
    return rc;
}

const ev_cli_command ev_cli_cmd_import = {
    .name = "import",
    .summary = "read database exports into the review",
    .help = help,
    .run = run,
};
