/* cmd_init.c - `evident init REVIEW --title T`: create a new review file. */
#include "cli.h"
#include "cli_util.h"

#include "evident/ev_store.h"

static const char help[] =
    "NAME\n"
    "    evident init - create a new review\n"
    "\n"
    "SYNOPSIS\n"
    "    evident init REVIEW [--title TITLE] [--json] [--quiet]\n"
    "\n"
    "DESCRIPTION\n"
    "    Creates the review file REVIEW (conventionally NAME.evident): one SQLite\n"
    "    file that will hold everything the review knows - sources and search\n"
    "    strategies, records, duplicates, screening decisions, extracted data,\n"
    "    analyses and the audit log. Copy the file and you have copied the review.\n"
    "    An existing file is never overwritten.\n"
    "\n"
    "OPTIONS\n"
    "    -t, --title TITLE   the review's title (default: the file name without\n"
    "                        its extension)\n"
    "    --json              print {\"review\": PATH, \"title\": TITLE} on stdout\n"
    "    -q, --quiet         print nothing on success\n"
    "    -h, --help          show this page\n"
    "\n"
    "EXAMPLES\n"
    "    evident init ankle.evident --title 'Regenerative medicine in foot and ankle'\n"
    "    evident import ankle.evident pubmed.nbib --source PubMed --searched 2024-05-02\n"
    "\n"
    "EXIT STATUS\n"
    "    0 created; 1 bad usage; 3 REVIEW already exists; 4 the file cannot be\n"
    "    created (directory missing, permissions, disk full).\n";

/* "dir/ankle.evident" -> "ankle" (into buf). */
static const char *default_title(const char *path, char *buf, size_t n)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(buf, n, "%s", base);
    char *dot = strrchr(buf, '.');
    if (dot && dot != buf)
        *dot = '\0';
    return buf;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"title", required_argument, NULL, 't'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {NULL, 0, NULL, 0}};
    const char *title = NULL;
    bool json = false, quiet = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":t:q", opts, NULL)) != -1) {
        switch (c) {
        case 't': title = optarg; break;
        case 'j': json = true; break;
        case 'q': quiet = true; break;
        default: return ev_cli_bad_option("init", c, argv);
        }
    }
    if (optind >= argc)
        return ev_cli_usage("init", "missing REVIEW (the file to create)");
    if (optind + 1 < argc)
        return ev_cli_usage("init", "unexpected argument '%s'", argv[optind + 1]);
    const char *path = argv[optind];
    char buf[256];
    if (title == NULL)
        title = default_title(path, buf, sizeof buf);
    ev_store *s = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev_store_create(&s, path, title, &err) != EV_OK)
        return ev_cli_fail(&err, err.code == EV_EREFUSED
                                     ? "choose another name; evident never overwrites a review"
                                     : NULL);
    ev_store_free(s);
    if (json) {
        putchar('{');
        ev_cli_json_kv(stdout, "review", path, 1);
        ev_cli_json_kv(stdout, "title", title, 0);
        puts("}");
    } else if (!quiet) {
        printf("created review '%s' (%s)\n", path, title);
    }
    return EV_EXIT_OK;
}

const ev_cli_command ev_cli_cmd_init = {
    .name = "init",
    .summary = "create a new review file",
    .help = help,
    .run = run,
};
