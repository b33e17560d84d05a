/*
 * cmd_dedup.c - `evident dedup`: deduplicate a review (counts per source),
 * show the pairs waiting for a person side by side, record decisions, undo
 * a cluster, and score the engine on a labelled export (--evaluate).
 */
#include "cli.h"
#include "cli_util.h"

#include "evident/ev_dedup.h"

#include <unistd.h>

static const char help[] =
    "NAME\n"
    "    evident dedup - find and merge duplicate records\n"
    "\n"
    "SYNOPSIS\n"
    "    evident dedup REVIEW [--dry-run] [--json] [--quiet] [THRESHOLDS]\n"
    "    evident dedup REVIEW --pending | --related [--json]\n"
    "    evident dedup REVIEW --cluster CLUSTER [--json]\n"
    "    evident dedup REVIEW decide PAIR same|different [--actor NAME]\n"
    "    evident dedup REVIEW undo CLUSTER [--actor NAME]\n"
    "    evident dedup --evaluate LABELLED [--truth COLUMN] [--json] [THRESHOLDS]\n"
    "\n"
    "DESCRIPTION\n"
    "    Compares the records no earlier run has seen against every record of\n"
    "    the review (blocking on DOI, PMID, sorted title keys, first author +\n"
    "    year + page; never all pairs), scores each candidate pair from field\n"
    "    agreements, merges pairs scoring at least --auto-merge, and queues\n"
    "    pairs scoring at least --review for a person. Errata, retraction\n"
    "    notices, comments, conference abstracts and preprints are flagged\n"
    "    related to the paper they resemble, never merged; a cluster never\n"
    "    holds two different DOIs or PMIDs. Every merge and decision goes to\n"
    "    the audit log, and every decision can be reversed. Prints records,\n"
    "    clusters, records removed, pairs merged automatically, pending and\n"
    "    related, and per source the records it brought and how many of them\n"
    "    were removed (what PRISMA reports).\n"
    "\n"
    "    --pending shows each uncertain pair side by side, differing fields\n"
    "    marked (in colour on a terminal); --related lists the same way the\n"
    "    pairs flagged related (an erratum and its paper, a preprint and the\n"
    "    published version, different DOIs under one title). 'decide PAIR same' merges the pair,\n"
    "    'decide PAIR different' keeps it apart. 'undo CLUSTER' (the id of the\n"
    "    cluster's kept record) splits a cluster back into its records.\n"
    "    --cluster CLUSTER shows the cluster's merged record: the kept record's\n"
    "    fields, gaps filled from the other members, each field with the record\n"
    "    and source it came from.\n"
    "\n"
    "    --evaluate deduplicates a labelled export (any format import reads)\n"
    "    and scores the automatic merges against its ground-truth column with\n"
    "    the record-level convention of bib-dedupe (see docs/internals/dedup.md);\n"
    "    \"related\" counts the missed records only kept apart as a different\n"
    "    kind of item (an erratum, reply, abstract or preprint beside its paper).\n"
    "\n"
    "OPTIONS\n"
    "    --dry-run          compute and print; write no pairs, clusters or log\n"
    "                       (the empty dedup tables are created on first use)\n"
    "    --json             one JSON document on stdout: {\"review\", \"dry_run\",\n"
    "                       \"records\", \"new_records\", \"clusters\", \"removed\",\n"
    "                       \"auto_merged\", \"decided\", \"pending\", \"related\",\n"
    "                       \"sources\": [{\"id\", \"source\", \"records\", \"removed\"}]};\n"
    "                       with --pending: [{\"pair\", \"a\", \"b\", \"score\",\n"
    "                       \"reasons\": [...]}]; with --cluster: {\"cluster\",\n"
    "                       \"members\": [{\"id\", \"source\"}], \"fields\": [{\"field\",\n"
    "                       \"value\", \"record\", \"source\"}]}\n"
    "    --quiet            no progress bar\n"
    "    --auto-merge X     merge threshold (default 24)\n"
    "    --review X         review threshold (default 12)\n"
    "    --window N         sorted-neighbourhood window (default 10)\n"
    "    --actor NAME       who decides (default $USER)\n"
    "    --truth COLUMN     ground-truth column for --evaluate\n"
    "                       (default duplicate_group_id)\n"
    "    -h, --help         show this page\n"
    "\n"
    "EXAMPLES\n"
    "    evident dedup ankle.evident --dry-run\n"
    "    evident dedup ankle.evident --pending\n"
    "    evident dedup ankle.evident decide 42 same\n"
    "    evident dedup ankle.evident undo 1187\n"
    "    evident dedup ankle.evident --cluster 1187\n"
    "    evident dedup --evaluate tests/fixtures/dedup/sra_stroke/records.csv\n"
    "\n"
    "EXIT STATUS\n"
    "    0 done; 1 bad usage; 2 bad input (unknown pair or cluster, unreadable\n"
    "    labelled file); 3 refused (a decision that would join two DOIs or\n"
    "    PMIDs); 4 the review cannot be opened or written; 5 internal error.\n";

typedef struct opts {
    bool dry_run, json, quiet, pending, related;
    const char *evaluate, *truth, *actor, *cluster;
    ev_dedup_config cfg;
} opts;

enum {
    OPT_AUTO = 256,
    OPT_REVIEW,
    OPT_WINDOW,
    OPT_ACTOR,
    OPT_TRUTH,
    OPT_EVALUATE,
    OPT_DRY,
    OPT_CLUSTER,
    OPT_RELATED
};

static int parse_number(const char *arg, double lo, double hi, double *out)
{
    return ev_parse_double(arg, out) && *out >= lo && *out <= hi;
}

static int set_option(opts *o, int c, const char *arg)
{
    double v = 0;
    switch (c) {
    case 'j': o->json = true; return 0;
    case 'q': o->quiet = true; return 0;
    case 'p': o->pending = true; return 0;
    case OPT_DRY: o->dry_run = true; return 0;
    case OPT_ACTOR: o->actor = arg; return 0;
    case OPT_TRUTH: o->truth = arg; return 0;
    case OPT_EVALUATE: o->evaluate = arg; return 0;
    case OPT_CLUSTER: o->cluster = arg; return 0;
    case OPT_RELATED: o->related = true; return 0;
    case OPT_AUTO:
        if (!parse_number(arg, -1000, 1000, &o->cfg.auto_merge))
            return ev_cli_usage("dedup", "--auto-merge needs a number, not '%s'", arg);
        return 0;
    case OPT_REVIEW:
        if (!parse_number(arg, -1000, 1000, &o->cfg.review))
            return ev_cli_usage("dedup", "--review needs a number, not '%s'", arg);
        return 0;
    case OPT_WINDOW:
        if (!parse_number(arg, 1, 1000, &v))
            return ev_cli_usage("dedup", "--window needs a number from 1 to 1000, not '%s'",
                                arg);
        o->cfg.window = (size_t)v;
        return 0;
    }
    return EV_EXIT_USAGE;
}

static int parse_opts(int argc, char **argv, opts *o)
{
    static const struct option longs[] = {
        {"dry-run", no_argument, NULL, OPT_DRY},   {"json", no_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},         {"pending", no_argument, NULL, 'p'},
        {"auto-merge", required_argument, NULL, OPT_AUTO},
        {"review", required_argument, NULL, OPT_REVIEW},
        {"window", required_argument, NULL, OPT_WINDOW},
        {"actor", required_argument, NULL, OPT_ACTOR},
        {"truth", required_argument, NULL, OPT_TRUTH},
        {"evaluate", required_argument, NULL, OPT_EVALUATE},
        {"cluster", required_argument, NULL, OPT_CLUSTER},
        {"related", no_argument, NULL, OPT_RELATED},
        {NULL, 0, NULL, 0}};
    *o = (opts){.truth = "duplicate_group_id", .cfg = EV_DEDUP_CONFIG_INIT};
    o->actor = getenv("USER") ? getenv("USER") : "user";
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":jqp", longs, NULL)) != -1) {
        if (c == '?' || c == ':')
            return ev_cli_bad_option("dedup", c, argv);
        int rc = set_option(o, c, optarg);
        if (rc)
            return rc;
    }
    if (o->cfg.review > o->cfg.auto_merge)
        return ev_cli_usage("dedup", "--review %.1f is above --auto-merge %.1f", o->cfg.review,
                            o->cfg.auto_merge);
    return EV_EXIT_OK;
}

/* ---- counts ---------------------------------------------------------------- */

static void print_summary_json(const char *path, const ev_dedup_summary *s, bool dry)
{
    putchar('{');
    ev_cli_json_kv(stdout, "review", path, 1);
    printf(",\"dry_run\":%s,\"records\":%llu,\"new_records\":%llu,\"clusters\":%llu,"
           "\"removed\":%llu,\"auto_merged\":%llu,\"decided\":%llu,\"pending\":%llu,"
           "\"related\":%llu,\"sources\":[",
           dry ? "true" : "false", (unsigned long long)s->records,
           (unsigned long long)s->new_records, (unsigned long long)s->clusters,
           (unsigned long long)s->merged, (unsigned long long)s->auto_pairs,
           (unsigned long long)s->decided, (unsigned long long)s->pending,
           (unsigned long long)s->related);
    for (size_t i = 0; i < s->n_sources; i++) {
        const ev_dedup_source_count *c = &s->sources[i];
        printf("%s{\"id\":%lld", i ? "," : "", (long long)c->import_id);
        ev_cli_json_kv(stdout, "source", c->source, 0);
        printf(",\"records\":%llu,\"removed\":%llu}", (unsigned long long)c->records,
               (unsigned long long)c->removed);
    }
    printf("]}\n");
}

static void print_summary(const ev_dedup_summary *s, bool dry)
{
    char b[7][32];
    printf("%s%s records (%s new), %s clusters, %s removed as duplicates\n",
           dry ? "dry run: " : "", ev_cli_count(b[0], 32, s->records),
           ev_cli_count(b[1], 32, s->new_records), ev_cli_count(b[2], 32, s->clusters),
           ev_cli_count(b[3], 32, s->merged));
    printf("pairs: %s merged automatically, %s decided by a person, %s pending, %s related\n",
           ev_cli_count(b[4], 32, s->auto_pairs), ev_cli_count(b[5], 32, s->decided),
           ev_cli_count(b[6], 32, s->pending), ev_cli_count(b[0], 32, s->related));
    if (s->n_sources)
        printf("\n%6s  %-24s %10s %10s\n", "import", "source", "records", "removed");
    for (size_t i = 0; i < s->n_sources; i++)
        printf("%6lld  %-24s %10s %10s\n", (long long)s->sources[i].import_id,
               s->sources[i].source, ev_cli_count(b[1], 32, s->sources[i].records),
               ev_cli_count(b[2], 32, s->sources[i].removed));
    if (s->pending)
        printf("\n%llu pairs wait for a person: evident dedup REVIEW --pending\n",
               (unsigned long long)s->pending);
}

static int run_dedup(const char *path, const opts *o)
{
    ev_store *s = NULL;
    int rc = ev_cli_open_review(&s, path, 0);
    if (rc != EV_EXIT_OK)
        return rc;
    ev_cli_progress bar;
    ev_cli_progress_init(&bar, "comparing", "keys", o->quiet || o->json);
    ev_dedup_summary sum;
    ev_error err = EV_ERROR_INIT;
    ev_status st = ev_dedup_review_run(s, &o->cfg, o->dry_run, ev_cli_progress_cb, &bar, &sum,
                                       &err);
    ev_cli_progress_end(&bar);
    if (st == EV_OK) {
        if (o->json)
            print_summary_json(path, &sum, o->dry_run);
        else
            print_summary(&sum, o->dry_run);
        ev_dedup_summary_release(&sum);
    }
    ev_store_free(s);
    return st == EV_OK ? EV_EXIT_OK : ev_cli_fail(&err, NULL);
}

/* ---- pending pairs side by side --------------------------------------------- */

static const struct {
    unsigned bit;
    const char *name;
} reason_names[] = {
    {EV_DEDUP_R_DOI_SAME, "doi same"},         {EV_DEDUP_R_DOI_CONFLICT, "doi differs"},
    {EV_DEDUP_R_PMID_SAME, "pmid same"},       {EV_DEDUP_R_PMID_CONFLICT, "pmid differs"},
    {EV_DEDUP_R_TITLE_SAME, "title same"},     {EV_DEDUP_R_TITLE_SIMILAR, "title similar"},
    {EV_DEDUP_R_TITLE_DIFFERENT, "title differs"},
    {EV_DEDUP_R_TITLE_GENERIC, "title generic"},
    {EV_DEDUP_R_AUTHORS_SAME, "authors same"}, {EV_DEDUP_R_AUTHORS_DIFFERENT, "authors differ"},
    {EV_DEDUP_R_YEAR_DIFFERENT, "years differ"}, {EV_DEDUP_R_PAGES_SAME, "pages same"},
    {EV_DEDUP_R_PAGES_DIFFERENT, "pages differ"},
    {EV_DEDUP_R_VOLUME_DIFFERENT, "volumes differ"},
    {EV_DEDUP_R_JOURNAL_SAME, "journal same"}, {EV_DEDUP_R_KIND_DIFFERS, "kinds differ"},
    {EV_DEDUP_R_NO_TITLE, "no title"},         {EV_DEDUP_R_TRANSLATED, "title translated"},
    {EV_DEDUP_R_LOCATED, "same place in print"},
};

static void print_reasons(unsigned r, bool json)
{
    bool first = true;
    for (size_t i = 0; i < sizeof reason_names / sizeof reason_names[0]; i++) {
        if (!(r & reason_names[i].bit))
            continue;
        if (json)
            printf("%s\"%s\"", first ? "" : ",", reason_names[i].name);
        else
            printf("%s%s", first ? "" : ", ", reason_names[i].name);
        first = false;
    }
}

typedef struct pending_ctx {
    ev_store *store;
    bool json, colour;
    size_t count, width;
} pending_ctx;

/* One field of a record as text into buf ("" when absent). */
static void field_text(const ev_record *r, int f, char *buf, size_t n)
{
    buf[0] = '\0';
    switch (f) {
    case 0: snprintf(buf, n, "%s", r->title ? r->title : ""); break;
    case 1:
        for (size_t i = 0, k = 0; i < r->n_authors && i < 4; i++) {
            const ev_author *a = &r->authors[i];
            const char *name = a->family ? a->family : a->collective ? a->collective : "";
            k += (size_t)snprintf(buf + k, n > k ? n - k : 0, "%s%s %s", i ? "; " : "", name,
                                  a->initials ? a->initials : "");
            if (i == 3 && r->n_authors > 4 && k < n)
                snprintf(buf + k, n - k, " et al. (%zu)", r->n_authors);
        }
        break;
    case 2:
        if (r->pub_date.year)
            snprintf(buf, n, "%d", r->pub_date.year);
        break;
    case 3: snprintf(buf, n, "%s", r->journal ? r->journal : r->journal_abbrev ? r->journal_abbrev : ""); break;
    case 4:
        snprintf(buf, n, "%s%s%s%s%s", r->volume ? r->volume : "", r->issue ? "(" : "",
                 r->issue ? r->issue : "", r->issue ? ")" : "", r->pages ? r->pages : "");
        if (r->volume && r->pages && strlen(buf) + 2 < n)
            snprintf(buf, n, "%s%s%s%s:%s", r->volume, r->issue ? "(" : "",
                     r->issue ? r->issue : "", r->issue ? ")" : "", r->pages);
        break;
    case 5: snprintf(buf, n, "%s", r->doi ? r->doi : ""); break;
    default: snprintf(buf, n, "%s", r->pmid ? r->pmid : ""); break;
    }
}

static bool same_text(const char *a, const char *b)
{
    ev_buf x, y;
    ev_buf_init(&x, 0);
    ev_buf_init(&y, 0);
    bool eq = ev_text_normalise(&x, a, strlen(a), EV_NORM_DEFAULT) == EV_OK &&
              ev_text_normalise(&y, b, strlen(b), EV_NORM_DEFAULT) == EV_OK &&
              strcmp(ev_buf_cstr(&x), ev_buf_cstr(&y)) == 0;
    ev_buf_release(&x);
    ev_buf_release(&y);
    return eq;
}

/* Bytes of s making up at most `cols` UTF-8 characters. */
static size_t utf8_prefix(const char *s, size_t cols)
{
    size_t i = 0, c = 0;
    while (s[i] && c < cols) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        c++;
    }
    return i;
}

static size_t utf8_cols(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* Print a field of both records in two wrapped columns. */
static void print_row(const pending_ctx *c, const char *label, const char *a, const char *b,
                      bool differ)
{
    const char *on = c->colour && differ ? "\033[1;33m" : "", *off = c->colour && differ ? "\033[0m" : "";
    bool first = true;
    do {
        size_t na = utf8_prefix(a, c->width), nb = utf8_prefix(b, c->width);
        size_t pad = c->width - utf8_cols(a, na);
        printf("  %c %-8s %s%.*s%*s%s | %s%.*s%s\n", first && differ ? '*' : ' ',
               first ? label : "", on, (int)na, a, (int)pad, "", off, on, (int)nb, b, off);
        a += na;
        b += nb;
        first = false;
    } while (*a || *b);
}

static void print_pair_text(pending_ctx *c, const ev_dedup_stored_pair *p, const ev_record *ra,
                            const ev_record *rb)
{
    static const char *const labels[] = {"title", "authors", "year", "journal",
                                         "volume", "doi", "pmid"};
    char x[2048], y[2048];
    printf("%spair %lld  score %.1f  records %lld | %lld  (", c->count ? "\n" : "",
           (long long)p->id, p->score, (long long)p->a, (long long)p->b);
    print_reasons(p->reasons, false);
    printf(")\n");
    for (int f = 0; f < 7; f++) {
        field_text(ra, f, x, sizeof x);
        field_text(rb, f, y, sizeof y);
        if (x[0] || y[0])
            print_row(c, labels[f], x, y, !same_text(x, y));
    }
    printf("  decide: evident dedup %s decide %lld same|different\n",
           ev_store_path(c->store), (long long)p->id);
}

static ev_status show_pair(const ev_dedup_stored_pair *p, void *payload)
{
    pending_ctx *c = payload;
    if (c->json) {
        printf("%s{\"pair\":%lld,\"a\":%lld,\"b\":%lld,\"score\":%.1f,\"reasons\":[",
               c->count ? "," : "", (long long)p->id, (long long)p->a, (long long)p->b,
               p->score);
        print_reasons(p->reasons, true);
        printf("]}");
        c->count++;
        return EV_OK;
    }
    ev_record *ra = NULL, *rb = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev_store_record_get(c->store, p->a, &ra, &err) == EV_OK &&
        ev_store_record_get(c->store, p->b, &rb, &err) == EV_OK)
        print_pair_text(c, p, ra, rb);
    ev_record_free(ra);
    ev_record_free(rb);
    c->count++;
    return EV_OK;
}

static size_t column_width(void)
{
    long cols = 0;
    const char *env = getenv("COLUMNS");
    if (!env || !ev_parse_long(env, &cols) || cols < 60)
        cols = 120;
    return (size_t)(cols - 16) / 2;
}

static int show_pairs(const char *path, const opts *o)
{
    ev_store *s = NULL;
    int rc = ev_cli_open_review(&s, path, 0);
    if (rc != EV_EXIT_OK)
        return rc;
    pending_ctx c = {s, o->json, !o->json && isatty(STDOUT_FILENO), 0, column_width()};
    ev_error err = EV_ERROR_INIT;
    if (o->json)
        putchar('[');
    ev_status st = ev_dedup_review_pairs(s, o->related ? "related" : "pending", show_pair, &c,
                                         &err);
    if (o->json)
        printf("]\n");
    else if (st == EV_OK && c.count == 0)
        printf(o->related ? "no related pairs\n" : "no pairs wait for a decision\n");
    ev_store_free(s);
    return st == EV_OK ? EV_EXIT_OK : ev_cli_fail(&err, NULL);
}

/* ---- decisions ------------------------------------------------------------------ */

static int decide(const char *path, const char *pair, const char *verdict, const opts *o)
{
    long id = 0;
    if (!ev_parse_long(pair, &id) || id <= 0)
        return ev_cli_usage("dedup", "PAIR must be a pair number, not '%s'", pair);
    bool same = strcmp(verdict, "same") == 0;
    if (!same && strcmp(verdict, "different") != 0)
        return ev_cli_usage("dedup", "decide takes 'same' or 'different', not '%s'", verdict);
    ev_store *s = NULL;
    int rc = ev_cli_open_review(&s, path, 0);
    if (rc != EV_EXIT_OK)
        return rc;
    ev_error err = EV_ERROR_INIT;
    ev_status st = ev_dedup_review_decide(s, id, same, o->actor, &err);
    ev_store_free(s);
    if (st != EV_OK)
        return ev_cli_fail(&err, st == EV_ENOTFOUND ? "list pairs with: evident dedup REVIEW "
                                                      "--pending"
                                                    : NULL);
    if (!o->quiet)
        printf("pair %ld: %s\n", id, same ? "same (merged)" : "different (kept apart)");
    return EV_EXIT_OK;
}

static int undo(const char *path, const char *cluster, const opts *o)
{
    long id = 0;
    if (!ev_parse_long(cluster, &id) || id <= 0)
        return ev_cli_usage("dedup", "CLUSTER must be a record id, not '%s'", cluster);
    ev_store *s = NULL;
    int rc = ev_cli_open_review(&s, path, 0);
    if (rc != EV_EXIT_OK)
        return rc;
    ev_error err = EV_ERROR_INIT;
    ev_status st = ev_dedup_review_undo(s, id, o->actor, &err);
    ev_store_free(s);
    if (st != EV_OK)
        return ev_cli_fail(&err, NULL);
    if (!o->quiet)
        printf("cluster %ld undone: its records are separate again\n", id);
    return EV_EXIT_OK;
}

/* ---- a cluster's merged record ---------------------------------------------------- */

typedef struct cluster_view {
    ev_id *ids;
    ev_record **recs;
    char **sources;
    size_t n;
} cluster_view;

static void cluster_view_release(cluster_view *v)
{
    for (size_t i = 0; i < v->n; i++) {
        ev_record_free(v->recs ? v->recs[i] : NULL);
        free(v->sources ? v->sources[i] : NULL);
    }
    free(v->recs);
    free(v->sources);
    ev_free(v->ids);
}

/* The database name of the import a record first came in. */
static char *source_name(ev_store *s, ev_id id, const ev_import_row *rows, size_t n_rows)
{
    ev_id imp = 0;
    ev_error err = EV_ERROR_INIT;
    if (ev_store_record_import(s, id, &imp, &err) == EV_OK)
        for (size_t i = 0; i < n_rows; i++)
            if (rows[i].id == imp)
                return strdup(rows[i].source ? rows[i].source : "unknown");
    return strdup("unknown");
}

static ev_status load_cluster(ev_store *s, ev_id cluster, cluster_view *v, ev_error *err)
{
    ev_import_row *rows = NULL;
    size_t n_rows = 0;
    ev_status st = ev_dedup_review_members(s, cluster, &v->ids, &v->n, err);
    if (st == EV_OK)
        st = ev_store_imports_list(s, &rows, &n_rows, err);
    if (st == EV_OK) {
        v->recs = calloc(v->n, sizeof *v->recs);
        v->sources = calloc(v->n, sizeof *v->sources);
        if (v->recs == NULL || v->sources == NULL)
            st = ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; st == EV_OK && i < v->n; i++) {
        st = ev_store_record_get(s, v->ids[i], &v->recs[i], err);
        v->sources[i] = source_name(s, v->ids[i], rows, n_rows);
    }
    ev_store_imports_free(rows, n_rows);
    return st;
}

static void merged_value(const ev_record *r, const char *field, char *buf, size_t n)
{
    static const char *const names[] = {"title", "authors", "year", "journal", NULL, "doi",
                                        "pmid"};
    for (int f = 0; f < 7; f++)
        if (names[f] && strcmp(field, names[f]) == 0) {
            field_text(r, f, buf, n);
            return;
        }
    const char *v = strcmp(field, "volume") == 0           ? r->volume
                    : strcmp(field, "issue") == 0          ? r->issue
                    : strcmp(field, "pages") == 0          ? r->pages
                    : strcmp(field, "pmcid") == 0          ? r->pmcid
                    : strcmp(field, "journal_abbrev") == 0 ? r->journal_abbrev
                    : strcmp(field, "issn_print") == 0     ? r->issn_print
                    : strcmp(field, "issn_electronic") == 0 ? r->issn_electronic
                    : strcmp(field, "publisher") == 0      ? r->publisher
                    : strcmp(field, "abstract") == 0 && r->n_abstract ? r->abstract[0].text
                                                                      : NULL;
    snprintf(buf, n, "%s", v ? v : "");
}

static void print_cluster(ev_id cluster, const cluster_view *v, const ev_record *m,
                          const ev_dedup_provenance *prov, size_t np, bool json)
{
    char val[2048];
    if (json) {
        printf("{\"cluster\":%lld,\"members\":[", (long long)cluster);
        for (size_t i = 0; i < v->n; i++) {
            printf("%s{\"id\":%lld", i ? "," : "", (long long)v->ids[i]);
            ev_cli_json_kv(stdout, "source", v->sources[i], 0);
            putchar('}');
        }
        printf("],\"fields\":[");
        for (size_t i = 0; i < np; i++) {
            merged_value(m, prov[i].field, val, sizeof val);
            printf("%s{", i ? "," : "");
            ev_cli_json_kv(stdout, "field", prov[i].field, 1);
            ev_cli_json_kv(stdout, "value", val, 0);
            printf(",\"record\":%lld", (long long)v->ids[prov[i].member]);
            ev_cli_json_kv(stdout, "source", v->sources[prov[i].member], 0);
            putchar('}');
        }
        printf("]}\n");
        return;
    }
    printf("cluster %lld: %zu records (kept: %lld)\n", (long long)cluster, v->n,
           (long long)v->ids[0]);
    for (size_t i = 0; i < np; i++) {
        merged_value(m, prov[i].field, val, sizeof val);
        printf("  %-15s %.*s%s  [record %lld, %s]\n", prov[i].field, 100, val,
               strlen(val) > 100 ? "..." : "", (long long)v->ids[prov[i].member],
               v->sources[prov[i].member]);
    }
}

static int show_cluster(const char *path, const opts *o)
{
    long id = 0;
    if (!ev_parse_long(o->cluster, &id) || id <= 0)
        return ev_cli_usage("dedup", "CLUSTER must be a record id, not '%s'", o->cluster);
    ev_store *s = NULL;
    int rc = ev_cli_open_review(&s, path, 0);
    if (rc != EV_EXIT_OK)
        return rc;
    cluster_view v = {0};
    ev_record *merged = NULL;
    ev_dedup_provenance prov[EV_DEDUP_MERGE_FIELDS];
    size_t np = 0;
    ev_error err = EV_ERROR_INIT;
    ev_status st = load_cluster(s, id, &v, &err);
    if (st == EV_OK)
        st = ev_dedup_merge(&merged, (const ev_record *const *)v.recs, v.n, 0, prov, &np, &err);
    if (st == EV_OK)
        print_cluster(id, &v, merged, prov, np, o->json);
    ev_record_free(merged);
    cluster_view_release(&v);
    ev_store_free(s);
    return st == EV_OK ? EV_EXIT_OK : ev_cli_fail(&err, NULL);
}

/* ---- evaluation ----------------------------------------------------------------- */

static int evaluate(const opts *o)
{
    ev_dedup_eval e;
    size_t pairs[4];
    ev_error err = EV_ERROR_INIT;
    ev_status st = ev_dedup_evaluate_file(o->evaluate, &o->cfg, o->truth, &e, pairs, &err);
    if (st != EV_OK)
        return ev_cli_fail(&err, NULL);
    if (o->json) {
        putchar('{');
        ev_cli_json_kv(stdout, "file", o->evaluate, 1);
        printf(",\"records\":%zu,\"true_duplicates\":%zu,\"found\":%zu,\"false_merges\":%zu,"
               "\"missed\":%zu,\"sensitivity\":%.4f,\"specificity\":%.4f,\"precision\":%.4f,"
               "\"pending\":%zu,\"related\":%zu,\"missed_related\":%zu}\n",
               e.records, e.true_duplicates, e.tp, e.fp, e.fn, e.sensitivity, e.specificity,
               e.precision, pairs[EV_DEDUP_REVIEW], pairs[EV_DEDUP_RELATED], e.fn_related);
        return EV_EXIT_OK;
    }
    printf("%-8s %8s %8s %8s %8s %8s %8s %8s %8s\n", "records", "dups", "found", "false",
           "missed", "related", "sens", "spec", "pending");
    printf("%-8zu %8zu %8zu %8zu %8zu %8zu %8.4f %8.4f %8zu\n", e.records, e.true_duplicates,
           e.tp, e.fp, e.fn, e.fn_related, e.sensitivity, e.specificity, pairs[EV_DEDUP_REVIEW]);
    return EV_EXIT_OK;
}

static int run(int argc, char **argv)
{
    if (ev_cli_wants_help(argc, argv))
        return ev_cli_help(&ev_cli_cmd_dedup);
    opts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc != EV_EXIT_OK)
        return rc;
    int nargs = argc - optind;
    char **args = argv + optind;
    if (o.evaluate)
        return nargs ? ev_cli_usage("dedup", "--evaluate takes no REVIEW") : evaluate(&o);
    if (nargs < 1)
        return ev_cli_usage("dedup", "missing REVIEW");
    if (nargs == 1 && o.cluster)
        return show_cluster(args[0], &o);
    if (nargs == 1)
        return o.pending || o.related ? show_pairs(args[0], &o) : run_dedup(args[0], &o);
    if (strcmp(args[1], "decide") == 0 && nargs == 4)
        return decide(args[0], args[2], args[3], &o);
    if (strcmp(args[1], "undo") == 0 && nargs == 3)
        return undo(args[0], args[2], &o);
    return ev_cli_usage("dedup", "unknown action '%s' (decide PAIR same|different, undo "
                                 "CLUSTER)",
                        args[1]);
}

const ev_cli_command ev_cli_cmd_dedup = {
    .name = "dedup",
    .summary = "find and merge duplicate records",
    .help = help,
    .run = run,
};
