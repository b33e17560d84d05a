/* cmd_search.c - `evident search`: run a PubMed query or a numbered search
 * strategy over a review's records; print counts, ids, PubMed's history
 * table and, with --explain, the search details. */
#include "cli.h"
#include "cli_util.h"

#include "evident/ev_search.h"
#include "evident/ev_store.h"

static const char help[] =
    "NAME\n"
    "    evident search - run PubMed queries and search strategies locally\n"
    "\n"
    "SYNOPSIS\n"
    "    evident search REVIEW 'QUERY' [--ids | --json | --count] [--explain]\n"
    "    evident search REVIEW --strategy FILE [--explain] [--json] [--save-as SOURCE]\n"
    "\n"
    "DESCRIPTION\n"
    "    Runs PubMed query syntax over the records of REVIEW: AND/OR/NOT applied\n"
    "    strictly left to right, parentheses, \"phrases\", truncation with * (at\n"
    "    least 4 characters before it), every PubMed field tag in short or long\n"
    "    form ([tiab], [Title/Abstract], [mh], [MeSH Terms:noexp], [majr], [sh],\n"
    "    [pt], [la], [au], [dp], ...), proximity \"a b\"[tiab:~N], date ranges\n"
    "    2010:2020[dp] or \"last 5 years\"[dp], and #N references to earlier\n"
    "    lines of a strategy.\n"
    "    MeSH terms are resolved by descriptor name or entry term and exploded\n"
    "    down the MeSH tree, as PubMed does. Automatic term mapping is off: an\n"
    "    untagged word is searched in [All Fields], several untagged words are\n"
    "    ANDed (--explain says so).\n"
    "\n"
    "    With --strategy, FILE holds one search per line, numbered '#1 query',\n"
    "    '1. query', '1<TAB>query', or a table row pasted from a paper\n"
    "    ('TITLE<TAB>#1<TAB>query'); curly quotes are read as straight quotes.\n"
    "    The lines run in order and the history table is printed: line,\n"
    "    result count, query.\n"
    "\n"
    "OPTIONS\n"
    "    --ids          print the matching record ids, one per line (with\n"
    "                   --strategy: those of the last line)\n"
    "    --count        print only the number of matching records (ditto)\n"
    "    --json         one JSON document: {\"records\", \"mesh\", \"lines\": [{\"line\",\n"
    "                   \"query\", \"canonical\", \"count\", \"ids\" (single query only),\n"
    "                   \"notes\": [{\"code\", \"text\"}]}], \"saved_run\"}\n"
    "    --explain      print the search details: the canonical translation, how\n"
    "                   each term was read (field, phrase or word, wildcard\n"
    "                   expansions, MeSH descriptors in each explosion), records\n"
    "                   lacking MeSH, and notes where PubMed would surprise\n"
    "    --strategy FILE  run a numbered strategy\n"
    "    --save-as SOURCE store the strategy run in the review as the documented\n"
    "                   search of SOURCE (strategy text, per-line counts, date)\n"
    "    --mesh FILE    MeSH vocabulary (UI, name, tree numbers, entry terms; TSV,\n"
    "                   not compressed) instead of the review's setting\n"
    "                   search.mesh_file or the bundled data/mesh/mesh2024.tsv\n"
    "    --set-mesh FILE  check that FILE loads and make it the review's MeSH\n"
    "                   vocabulary from now on (setting search.mesh_file)\n"
    "    -q, --quiet    no progress bar, no warnings\n"
    "    -h, --help     show this page\n"
    "\n"
    "EXAMPLES\n"
    "    evident search ankle.evident 'ankle injuries[mh] AND prp[tiab]'\n"
    "    evident search ankle.evident 'stem cell*[tiab] AND 2015:3000[dp]' --ids\n"
    "    evident search ankle.evident --strategy table1.txt --explain\n"
    "    evident search ankle.evident --strategy table1.txt --save-as PubMed\n"
    "\n"
    "EXIT STATUS\n"
    "    0 done; 1 bad usage; 2 bad query or strategy (the query is printed with\n"
    "    a caret under the error); 4 the review cannot be opened; 5 internal\n"
    "    error.\n";

enum { OUT_TEXT, OUT_IDS, OUT_COUNT, OUT_JSON };

typedef struct opts {
    const char *review, *query, *strategy, *save_as, *mesh, *set_mesh;
    int out;
    bool explain, quiet;
} opts;

static int parse_args(opts *o, int argc, char **argv)
{
    static const struct option longs[] = {
        {"ids", no_argument, NULL, 'i'},     {"count", no_argument, NULL, 'c'},
        {"json", no_argument, NULL, 'j'},    {"explain", no_argument, NULL, 'e'},
        {"strategy", required_argument, NULL, 's'}, {"save-as", required_argument, NULL, 'S'},
        {"mesh", required_argument, NULL, 'm'}, {"quiet", no_argument, NULL, 'q'},
        {"set-mesh", required_argument, NULL, 'M'},
        {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":q", longs, NULL)) != -1) {
        switch (c) {
        case 'i': o->out = OUT_IDS; break;
        case 'c': o->out = OUT_COUNT; break;
        case 'j': o->out = OUT_JSON; break;
        case 'e': o->explain = true; break;
        case 's': o->strategy = optarg; break;
        case 'S': o->save_as = optarg; break;
        case 'm': o->mesh = optarg; break;
        case 'M': o->set_mesh = o->mesh = optarg; break;
        case 'q': o->quiet = true; break;
        default: return ev_cli_bad_option("search", c, argv);
        }
    }
    if (optind >= argc)
        return ev_cli_usage("search", "missing REVIEW");
    o->review = argv[optind++];
    if (!o->strategy && optind < argc)
        o->query = argv[optind++];
    if (optind < argc)
        return ev_cli_usage("search", "unexpected argument '%s'", argv[optind]);
    if (o->query && o->strategy)
        return ev_cli_usage("search", "give either a QUERY or --strategy FILE");
    if (!o->query && !o->strategy && !o->set_mesh)
        return ev_cli_usage("search", "give a QUERY or --strategy FILE");
    if (o->save_as && !o->strategy)
        return ev_cli_usage("search", "--save-as needs --strategy");
    return EV_EXIT_OK;
}

/* ---- output ------------------------------------------------------------------ */

static void print_notes_json(const ev_search_result *r)
{
    printf(",\"notes\":[");
    for (size_t i = 0; i < r->n_notes; i++) {
        printf("%s{", i ? "," : "");
        ev_cli_json_kv(stdout, "code", r->notes[i].code, 1);
        ev_cli_json_kv(stdout, "text", r->notes[i].text, 0);
        putchar('}');
    }
    putchar(']');
}

static void print_line_json(const ev_search_result *r, bool ids)
{
    printf("{\"line\":%zu", r->line);
    ev_cli_json_kv(stdout, "query", r->query, 0);
    ev_cli_json_kv(stdout, "canonical", r->canonical, 0);
    printf(",\"count\":%zu", r->count);
    if (ids) {
        printf(",\"ids\":[");
        for (size_t i = 0; i < r->count; i++)
            printf("%s%lld", i ? "," : "", (long long)r->ids[i]);
        putchar(']');
    }
    print_notes_json(r);
    putchar('}');
}

static void print_json(const ev_search_result *h, size_t n, size_t docs, const char *mesh,
                       bool ids, ev_id saved)
{
    printf("{\"records\":%zu", docs);
    ev_cli_json_kv(stdout, "mesh", mesh, 0);
    printf(",\"lines\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            putchar(',');
        print_line_json(&h[i], ids);
    }
    if (saved)
        printf("],\"saved_run\":%lld}\n", (long long)saved);
    else
        printf("],\"saved_run\":null}\n");
}

static void print_explain(const ev_search_result *r, const char *indent)
{
    printf("%sSearch details: %s\n", indent, r->canonical);
    for (size_t i = 0; i < r->n_notes; i++)
        printf("%s  %s%s%s\n", indent, r->notes[i].code, r->notes[i].code[0] ? ": " : "",
               r->notes[i].text);
}

static void print_warnings(const ev_search_result *r, bool quiet, bool explain)
{
    if (quiet || explain)
        return;
    for (size_t i = 0; i < r->n_notes; i++)
        if (r->notes[i].code[0] == 'W')
            fprintf(stderr, "evident: warning: #%zu: %s: %s\n", r->line, r->notes[i].code,
                    r->notes[i].text);
}

static void print_history(const ev_search_result *h, size_t n, const opts *o)
{
    printf("%-7s %9s  %s\n", "Search", "Results", "Query");
    for (size_t i = 0; i < n; i++) {
        char cnt[32];
        printf("#%-6zu %9s  %s\n", h[i].line, ev_cli_count(cnt, sizeof cnt, h[i].count),
               h[i].query);
        if (o->explain)
            print_explain(&h[i], "        ");
        print_warnings(&h[i], o->quiet, o->explain);
    }
}

static void print_single(const ev_search_result *r, const opts *o)
{
    if (o->out == OUT_COUNT) {
        printf("%zu\n", r->count);
    } else if (o->out == OUT_IDS) {
        for (size_t i = 0; i < r->count; i++)
            printf("%lld\n", (long long)r->ids[i]);
    } else {
        char cnt[32];
        printf("%s records\n", ev_cli_count(cnt, sizeof cnt, r->count));
        if (!o->explain)
            printf("Search details: %s\n", r->canonical);
    }
    if (o->explain && o->out != OUT_JSON)
        print_explain(r, "");
    print_warnings(r, o->quiet, o->explain && o->out != OUT_JSON);
}

/* ---- errors with a caret ------------------------------------------------------ */

/* Line `lineno` (1-based) of text, copied into buf. */
static void nth_line(const char *text, size_t lineno, char *buf, size_t n)
{
    for (size_t l = 1; l < lineno && text; l++) {
        text = strchr(text, '\n');
        text = text ? text + 1 : NULL;
    }
    size_t len = text ? strcspn(text, "\r\n") : 0;
    snprintf(buf, n, "%.*s", (int)len, text ? text : "");
}

static int fail_query(const ev_error *err, const char *query, const char *strategy_text)
{
    int code = ev_cli_fail(err, NULL);
    if (err->code != EV_EINPUT || err->column == 0)
        return code;
    char line[4096];
    if (strategy_text)
        nth_line(strategy_text, err->line, line, sizeof line);
    else
        snprintf(line, sizeof line, "%s", query);
    ev_buf b;
    ev_buf_init(&b, 1 << 16);
    if (ev_search_caret(&b, line, err->column) == EV_OK)
        fputs(ev_buf_cstr(&b), stderr);
    ev_buf_release(&b);
    return code;
}

/* ---- running ------------------------------------------------------------------ */

static char *read_text(const char *path, ev_error *err)
{
    ev_buf b;
    char *text = NULL;
    if (ev_cli_read_text(&b, path, (size_t)4 << 20, "search strategy", err) == EV_OK &&
        (text = ev_buf_detach(&b)) == NULL)
        ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    ev_buf_release(&b);
    return text;
}

/* --mesh, else the review's search.mesh_file, else the bundled file. A
 * missing default is not an error: MeSH then works without explosion. */
static int load_mesh(ev_store *st, const opts *o, ev_mesh **out, char **used)
{
    char *meta = NULL;
    ev_error err = EV_ERROR_INIT;
    if (!o->mesh && ev_store_meta_get(st, "search.mesh_file", &meta, NULL) != EV_OK)
        meta = NULL;
    const char *path = o->mesh ? o->mesh : meta ? meta : ev_mesh_default_path();
    ev_status rc = ev_mesh_load(out, path, &err);
    *used = rc == EV_OK ? ev_strdup(path) : NULL;
    ev_free(meta);
    if (rc == EV_OK || (rc == EV_ENOTFOUND && !o->mesh && !meta))
        return EV_EXIT_OK;
    return ev_cli_fail(&err, "the MeSH file is a TSV: UI, name, tree numbers, entry terms");
}

/* --set-mesh: store the vocabulary's absolute path in the review. */
static int remember_mesh(ev_store *st, const ev_mesh *mesh, const opts *o)
{
    char *abs = realpath(o->set_mesh, NULL);
    ev_error err = EV_ERROR_INIT;
    ev_status rc = ev_store_meta_set(st, "search.mesh_file", abs ? abs : o->set_mesh, &err);
    if (rc == EV_OK && !o->quiet)
        fprintf(stderr, "evident: MeSH vocabulary of '%s' is now %s (%zu descriptors)\n",
                o->review, abs ? abs : o->set_mesh, ev_mesh_count(mesh));
    free(abs); /* realpath's memory comes from libc */
    return rc == EV_OK ? EV_EXIT_OK : ev_cli_fail(&err, NULL);
}

static int run_all(ev_store *st, ev_search_index *ix, const opts *o, const char *mesh)
{
    ev_search_session *s = NULL;
    ev_error err = EV_ERROR_INIT;
    char *text = NULL;
    ev_id saved = 0;
    int code = EV_EXIT_OK;
    if (ev_search_session_new(&s, ix) != EV_OK)
        return EV_EXIT_INTERNAL;
    const ev_search_result *r = NULL;
    if (o->query && ev_search_run(s, o->query, &r, &err) != EV_OK) {
        code = fail_query(&err, o->query, NULL);
    } else if (o->strategy && (text = read_text(o->strategy, &err)) == NULL) {
        code = ev_cli_fail(&err, NULL);
    } else if (text && ev_search_run_strategy(s, o->strategy, text, &err) != EV_OK) {
        code = fail_query(&err, NULL, text);
    } else if (o->save_as && ev_search_save(st, s, o->save_as, text, &saved, &err) != EV_OK) {
        code = ev_cli_fail(&err, NULL);
    }
    size_t n = 0;
    const ev_search_result *h = ev_search_history(s, &n);
    if (code == EV_EXIT_OK && o->out == OUT_JSON)
        print_json(h, n, ev_search_index_docs(ix), mesh, o->query != NULL, saved);
    else if (code == EV_EXIT_OK && (o->query || o->out != OUT_TEXT))
        print_single(o->query ? r : &h[n - 1], o); /* a strategy's last line */
    else if (code == EV_EXIT_OK)
        print_history(h, n, o);
    if (code == EV_EXIT_OK && saved && o->out != OUT_JSON && !o->quiet)
        fprintf(stderr, "evident: saved as search run %lld of source '%s'\n", (long long)saved,
                o->save_as);
    ev_free(text);
    ev_search_session_free(s);
    return code;
}

static int run(int argc, char **argv)
{
    if (ev_cli_wants_help(argc, argv))
        return ev_cli_help(&ev_cli_cmd_search);
    opts o = {0};
    int code = parse_args(&o, argc, argv);
    if (code != EV_EXIT_OK)
        return code;
    ev_store *st = NULL;
    /* writable when possible: the search index is cached in the review */
    bool write = o.save_as || o.set_mesh;
    if (write || ev_store_open(&st, o.review, 0, NULL) != EV_OK)
        if ((code = ev_cli_open_review(&st, o.review, write ? 0 : EV_STORE_READONLY)) != 0)
            return code;
    ev_mesh *mesh = NULL;
    char *mesh_path = NULL;
    ev_search_index *ix = NULL;
    code = load_mesh(st, &o, &mesh, &mesh_path);
    if (code == EV_EXIT_OK && o.set_mesh)
        code = remember_mesh(st, mesh, &o);
    if (code == EV_EXIT_OK && (o.query || o.strategy)) {
        ev_cli_progress bar;
        ev_cli_progress_init(&bar, "indexing", "records", o.quiet);
        ev_error err = EV_ERROR_INIT;
        ev_status rc = ev_search_index_open(&ix, st, mesh, mesh_path, true, ev_cli_progress_cb,
                                            &bar, NULL, &err);
        ev_cli_progress_end(&bar);
        code = rc == EV_OK ? run_all(st, ix, &o, mesh_path) : ev_cli_fail(&err, NULL);
    }
    ev_search_index_free(ix);
    ev_mesh_free(mesh);
    ev_free(mesh_path);
    ev_store_free(st);
    return code;
}

const ev_cli_command ev_cli_cmd_search = {
    .name = "search",
    .summary = "run PubMed queries and numbered search strategies over the records",
    .help = help,
    .run = run,
};
