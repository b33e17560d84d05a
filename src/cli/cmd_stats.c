/* cmd_stats.c - `evident stats REVIEW`: what the review holds, per source. */
#include "cli.h"
#include "cli_util.h"

#include "evident/ev_screen.h"
#include "evident/ev_store.h"

static const char help[] =
    "NAME\n"
    "    evident stats - summarise a review: records and sources\n"
    "\n"
    "SYNOPSIS\n"
    "    evident stats REVIEW [--json]\n"
    "\n"
    "DESCRIPTION\n"
    "    Prints the review's title, how many records it holds (live, and deleted\n"
    "    by MEDLINE DeleteCitation), how many have an abstract, a DOI, a PMID,\n"
    "    MeSH headings or no year, the range of publication years, and one line\n"
    "    per import (source): database, date searched, file, format, records\n"
    "    read, added, updated and deleted; and, once screening is set up, one\n"
    "    line per stage: records, included, excluded (by people and by automation),\n"
    "    conflicts, pending, and the stopping guidance (the hypergeometric rule\n"
    "    of Callaghan & Mueller-Hansen 2020 at 95% recall and 95% confidence, and\n"
    "    the run of consecutive exclusions). Reading only: the review is opened\n"
    "    read-only.\n"
    "\n"
    "OPTIONS\n"
    "    --json       one JSON document on stdout:\n"
    "                 {\"review\", \"title\", \"records\", \"tombstones\", \"imports\",\n"
    "                  \"with_abstract\", \"with_doi\", \"with_pmid\", \"with_mesh\",\n"
    "                  \"without_year\", \"year_min\", \"year_max\" (null when no year),\n"
    "                  \"sources\": [{\"id\", \"source\", \"searched\", \"strategy\",\n"
    "                  \"file_name\", \"sha256\", \"format\", \"imported_at\",\n"
    "                  \"records\", \"added\", \"replaced\", \"deleted\"}],\n"
    "                  \"screening\": null (not set up) or [{\"stage\", \"records\",\n"
    "                  \"included\", \"excluded\", \"excluded_automation\", \"conflicts\",\n"
    "                  \"pending\", \"reasons\", \"stopping\": {\"rule\", \"p\", \"stop\",\n"
    "                  \"recall_lower_bound\", \"trailing_exclusions\", ...}}]}\n"
    "    -h, --help   show this page\n"
    "\n"
    "EXAMPLES\n"
    "    evident stats ankle.evident\n"
    "    evident stats ankle.evident --json | jq .records\n"
    "\n"
    "EXIT STATUS\n"
    "    0 done; 1 bad usage; 4 the review cannot be opened (missing, not a\n"
    "    review, newer evident, locked); 5 internal error.\n";

static void print_year(const char *key, int y)
{
    if (y)
        printf(",\"%s\":%d", key, y);
    else
        printf(",\"%s\":null", key);
}

static void print_json(const char *path, const char *title, const ev_store_stats *st,
                       const ev_import_row *rows, size_t n)
{
    putchar('{');
    ev_cli_json_kv(stdout, "review", path, 1);
    ev_cli_json_kv(stdout, "title", title, 0);
    printf(",\"records\":%llu,\"tombstones\":%llu,\"imports\":%llu,\"with_abstract\":%llu,"
           "\"with_doi\":%llu,\"with_pmid\":%llu,\"with_mesh\":%llu,\"without_year\":%llu",
           (unsigned long long)st->records, (unsigned long long)st->tombstones,
           (unsigned long long)st->imports, (unsigned long long)st->with_abstract,
           (unsigned long long)st->with_doi, (unsigned long long)st->with_pmid,
           (unsigned long long)st->with_mesh, (unsigned long long)st->without_year);
    print_year("year_min", st->year_min);
    print_year("year_max", st->year_max);
    printf(",\"sources\":[");
    for (size_t i = 0; i < n; i++) {
        const ev_import_row *r = &rows[i];
        printf("%s{\"id\":%lld", i ? "," : "", (long long)r->id);
        ev_cli_json_kv(stdout, "source", r->source, 0);
        ev_cli_json_kv(stdout, "searched", r->searched, 0);
        ev_cli_json_kv(stdout, "strategy", r->strategy, 0);
        ev_cli_json_kv(stdout, "file_name", r->file_name, 0);
        ev_cli_json_kv(stdout, "sha256", r->sha256, 0);
        ev_cli_json_kv(stdout, "format", r->format, 0);
        ev_cli_json_kv(stdout, "imported_at", r->imported_at, 0);
        printf(",\"records\":%llu,\"added\":%llu,\"replaced\":%llu,\"deleted\":%llu}",
               (unsigned long long)r->records, (unsigned long long)r->added,
               (unsigned long long)r->replaced, (unsigned long long)r->deleted);
    }
    printf("]");
}

static void line(const char *label, uint64_t v, uint64_t of)
{
    char c[32];
    ev_cli_count(c, sizeof c, v);
    if (of)
        printf("  %-16s %10s  (%.1f%%)\n", label, c, 100.0 * (double)v / (double)of);
    else
        printf("  %-16s %10s\n", label, c);
}

static void print_human(const char *path, const char *title, const ev_store_stats *st,
                        const ev_import_row *rows, size_t n)
{
    printf("%s\n  file             %s\n", title && *title ? title : "(untitled review)", path);
    line("records", st->records, 0);
    if (st->tombstones)
        line("deleted (NLM)", st->tombstones, 0);
    line("with abstract", st->with_abstract, st->records);
    line("with DOI", st->with_doi, st->records);
    line("with PMID", st->with_pmid, st->records);
    line("with MeSH", st->with_mesh, st->records);
    line("without year", st->without_year, st->records);
    if (st->year_min)
        printf("  %-16s %10d-%d\n", "years", st->year_min, st->year_max);
    printf("\nsources (%zu import%s)\n", n, n == 1 ? "" : "s");
    if (n)
        printf("  %3s  %-12s %-10s %-11s %8s %8s %8s %8s  %s\n", "id", "source", "searched",
               "format", "records", "added", "updated", "deleted", "file");
    size_t with_strategy = 0;
    for (size_t i = 0; i < n; i++) {
        const ev_import_row *r = &rows[i];
        with_strategy += r->strategy != NULL;
        printf("  %3lld  %-12s %-10s %-11s %8llu %8llu %8llu %8llu  %s\n", (long long)r->id,
               r->source ? r->source : "unknown", r->searched ? r->searched : "-",
               r->format ? r->format : "-", (unsigned long long)r->records,
               (unsigned long long)r->added, (unsigned long long)r->replaced,
               (unsigned long long)r->deleted, r->file_name ? r->file_name : "-");
    }
    if (with_strategy)
        printf("  (%zu import%s with a recorded search strategy: see --json)\n", with_strategy,
               with_strategy == 1 ? "" : "s");
}

/* The screening stages, or that screening is not set up (EV_EUSAGE from
 * the screen module: nothing is written, the read-only open is fine). */
static ev_status print_screening(ev_store *s, bool json, ev_error *err)
{
    ev_screen_stage_summary *g = NULL;
    size_t n = 0;
    ev_error local = EV_ERROR_INIT;
    ev_status st = ev_screen_summary(s, &g, &n, &local);
    if (st == EV_EUSAGE) {
        fputs(json ? ",\"screening\":null}\n" : "\nscreening: not set up\n", stdout);
        return EV_OK;
    }
    if (st != EV_OK) {
        *err = local;
        if (json)
            fputs("}\n", stdout);
        return st;
    }
    fputs(json ? ",\"screening\":[" : "\nscreening\n", stdout);
    for (size_t i = 0; i < n; i++)
        ev_cli_print_screen_stage(&g[i], json, i == 0);
    if (json)
        fputs("]}\n", stdout);
    ev_screen_summary_free(g, n);
    return EV_OK;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'}, {NULL, 0, NULL, 0}};
    bool json = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c != 'j')
            return ev_cli_bad_option("stats", c, argv);
        json = true;
    }
    if (optind >= argc)
        return ev_cli_usage("stats", "missing REVIEW");
    if (optind + 1 < argc)
        return ev_cli_usage("stats", "unexpected argument '%s'", argv[optind + 1]);
    const char *path = argv[optind];
    ev_store *s = NULL;
    int rc = ev_cli_open_review(&s, path, EV_STORE_READONLY);
    if (rc != EV_EXIT_OK)
        return rc;
    ev_error err = EV_ERROR_INIT;
    ev_store_stats st;
    char *title = NULL;
    ev_import_row *rows = NULL;
    size_t n = 0;
    ev_status status = ev_store_stats_get(s, &st, &err);
    if (status == EV_OK)
        status = ev_store_meta_get(s, "title", &title, &err);
    if (status == EV_OK)
        status = ev_store_imports_list(s, &rows, &n, &err);
    if (status == EV_OK && json)
        print_json(path, title, &st, rows, n);
    else if (status == EV_OK)
        print_human(path, title, &st, rows, n);
    if (status == EV_OK)
        status = print_screening(s, json, &err);
    if (status != EV_OK)
        rc = ev_cli_fail(&err, NULL);
    ev_store_imports_free(rows, n);
    ev_free(title);
    ev_store_free(s);
    return rc;
}

const ev_cli_command ev_cli_cmd_stats = {
    .name = "stats",
    .summary = "summarise the review: records and sources",
    .help = help,
    .run = run,
};
