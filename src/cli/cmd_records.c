/* cmd_records.c - `evident records REVIEW`: list the live records. */
#include "cli.h"
#include "cli_util.h"

#include "evident/ev_store.h"

static const char help[] =
    "NAME\n"
    "    evident records - list the records of a review\n"
    "\n"
    "SYNOPSIS\n"
    "    evident records REVIEW [--json | --csv]\n"
    "\n"
    "DESCRIPTION\n"
    "    Lists every live record (records deleted by a MEDLINE DeleteCitation are\n"
    "    left out) in id order, one per line: id, year, first author, title,\n"
    "    journal, and PMID or DOI. The id is what 'evident show' and every later\n"
    "    step (dedup, screening, extraction) call the record.\n"
    "\n"
    "OPTIONS\n"
    "    --json       one JSON document: {\"count\": N, \"records\": [{\"id\", \"year\",\n"
    "                 \"first_author\", \"title\", \"journal\", \"pmid\", \"doi\",\n"
    "                 \"format\"}]}; absent values are null\n"
    "    --csv        RFC 4180 CSV with a header row: id,year,first_author,title,\n"
    "                 journal,pmid,doi,format\n"
    "    -h, --help   show this page\n"
    "\n"
    "EXAMPLES\n"
    "    evident records ankle.evident | less\n"
    "    evident records ankle.evident --csv > records.csv\n"
    "    evident records ankle.evident --json | jq '.records[] | select(.year >= 2020)'\n"
    "\n"
    "EXIT STATUS\n"
    "    0 done; 1 bad usage; 4 the review cannot be opened; 5 internal error.\n";

enum { OUT_TEXT, OUT_JSON, OUT_CSV };

typedef struct lister {
    int mode;
    uint64_t count;
    char author[256];
} lister;

static const char *first_author(lister *l, const ev_record *r)
{
    l->author[0] = '\0';
    if (r->n_authors == 0)
        return NULL;
    const ev_author *a = &r->authors[0];
    if (a->collective)
        snprintf(l->author, sizeof l->author, "%s", a->collective);
    else if (a->family)
        snprintf(l->author, sizeof l->author, "%s%s%s", a->family, a->initials ? " " : "",
                 a->initials ? a->initials : "");
    return l->author[0] ? l->author : NULL;
}

static const char *journal_of(const ev_record *r)
{
    return r->journal ? r->journal : r->journal_abbrev ? r->journal_abbrev : r->medline_ta;
}

static int year_of(const ev_record *r)
{
    return r->pub_date.year ? r->pub_date.year : r->epub_date.year;
}

static void csv_field(const char *s)
{
    putchar(',');
    if (s == NULL)
        return;
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static void print_json(lister *l, ev_id id, const ev_record *r)
{
    int y = year_of(r);
    printf("%s{\"id\":%lld,\"year\":", l->count ? "," : "", (long long)id);
    if (y)
        printf("%d", y);
    else
        fputs("null", stdout);
    ev_cli_json_kv(stdout, "first_author", first_author(l, r), 0);
    ev_cli_json_kv(stdout, "title", r->title, 0);
    ev_cli_json_kv(stdout, "journal", journal_of(r), 0);
    ev_cli_json_kv(stdout, "pmid", r->pmid, 0);
    ev_cli_json_kv(stdout, "doi", r->doi, 0);
    ev_cli_json_kv(stdout, "format", ev_format_name(r->format), 0);
    putchar('}');
}

static ev_status visit(ev_id id, const ev_record *r, void *payload)
{
    lister *l = payload;
    char year[16] = "";
    if (year_of(r))
        snprintf(year, sizeof year, "%d", year_of(r));
    if (l->mode == OUT_JSON) {
        print_json(l, id, r);
    } else if (l->mode == OUT_CSV) {
        printf("%lld", (long long)id);
        csv_field(year);
        csv_field(first_author(l, r));
        csv_field(r->title);
        csv_field(journal_of(r));
        csv_field(r->pmid);
        csv_field(r->doi);
        csv_field(ev_format_name(r->format));
        putchar('\n');
    } else {
        const char *who = first_author(l, r);
        const char *j = journal_of(r);
        printf("%6lld  %-4s  %-24.24s  %s", (long long)id, year[0] ? year : "-",
               who ? who : "-", r->title ? r->title : "(no title)");
        if (j)
            printf(" | %s", j);
        if (r->pmid)
            printf(" | PMID %s", r->pmid);
        else if (r->doi)
            printf(" | doi:%s", r->doi);
        putchar('\n');
    }
    l->count++;
    return ferror(stdout) ? EV_EIO : EV_OK;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'}, {"csv", no_argument, NULL, 'c'}, {NULL, 0, NULL, 0}};
    lister l = {.mode = OUT_TEXT};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c != 'j' && c != 'c')
            return ev_cli_bad_option("records", c, argv);
        int mode = c == 'j' ? OUT_JSON : OUT_CSV;
        if (l.mode != OUT_TEXT && l.mode != mode)
            return ev_cli_usage("records", "--json and --csv exclude each other");
        l.mode = mode;
    }
    if (optind >= argc)
        return ev_cli_usage("records", "missing REVIEW");
    if (optind + 1 < argc)
        return ev_cli_usage("records", "unexpected argument '%s'", argv[optind + 1]);
    ev_store *s = NULL;
    int rc = ev_cli_open_review(&s, argv[optind], EV_STORE_READONLY);
    if (rc != EV_EXIT_OK)
        return rc;
    if (l.mode == OUT_JSON)
        fputs("{\"records\":[", stdout);
    else if (l.mode == OUT_CSV)
        puts("id,year,first_author,title,journal,pmid,doi,format");
    ev_error err = EV_ERROR_INIT;
    ev_status st = ev_store_records_foreach(s, visit, &l, &err);
    if (st == EV_EIO && err.code == EV_OK)
        ev_error_set(&err, EV_EIO, "stdout", 0, 0, "write error");
    if (st == EV_OK && l.mode == OUT_JSON)
        printf("],\"count\":%llu}\n", (unsigned long long)l.count);
    ev_store_free(s);
    return st == EV_OK ? EV_EXIT_OK : ev_cli_fail(&err, NULL);
}

const ev_cli_command ev_cli_cmd_records = {
    .name = "records",
    .summary = "list the records of the review",
    .help = help,
    .run = run,
};
