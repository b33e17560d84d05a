/* cmd_show.c - `evident show REVIEW ID`: one record in full. */
#include "cli.h"
#include "cli_util.h"

#include "evident/ev_store.h"

static const char help[] =
    "NAME\n"
    "    evident show - show one record in full\n"
    "\n"
    "SYNOPSIS\n"
    "    evident show REVIEW ID [--json] [--raw]\n"
    "\n"
    "DESCRIPTION\n"
    "    Prints record ID of REVIEW (ids come from 'evident records'): title,\n"
    "    authors, journal, date, identifiers, abstract, MeSH headings, keywords,\n"
    "    publication types and the imports (sources) it was seen in.\n"
    "\n"
    "OPTIONS\n"
    "    --json       one JSON document: {\"id\", \"imports\": [import ids],\n"
    "                 \"record\": RECORD} where RECORD is evident's record JSON\n"
    "                 (docs/record-json.md; includes \"raw\", the source text)\n"
    "    --raw        print the record exactly as its source file held it (kept\n"
    "                 for the tagged text formats: nbib, RIS, BibTeX, WoS, CSV;\n"
    "                 not for XML)\n"
    "    -h, --help   show this page\n"
    "\n"
    "EXAMPLES\n"
    "    evident show ankle.evident 42\n"
    "    evident show ankle.evident 42 --json | jq .record.mesh\n"
    "    evident show ankle.evident 42 --raw\n"
    "\n"
    "EXIT STATUS\n"
    "    0 done; 1 bad usage (ID not a number); 2 no record ID in the review\n"
    "    (or, with --raw, no raw text kept for it);\n"
    "    4 the review cannot be opened; 5 internal error.\n";

static void print_date(const char *label, const ev_date *d)
{
    if (d->raw)
        printf("%-10s %s\n", label, d->raw);
    else if (d->year)
        printf("%-10s %04d-%02d-%02d\n", label, d->year, d->month, d->day);
}

static void print_list(const char *label, const char *const *v, size_t n)
{
    if (n == 0)
        return;
    printf("%-10s ", label);
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? "; " : "", v[i]);
    putchar('\n');
}

static void print_authors(const ev_record *r)
{
    if (r->n_authors == 0)
        return;
    printf("%-10s ", "authors");
    for (size_t i = 0; i < r->n_authors; i++) {
        const ev_author *a = &r->authors[i];
        const char *name = a->collective ? a->collective : a->family ? a->family : "?";
        printf("%s%s", i ? ", " : "", name);
        if (!a->collective && a->initials)
            printf(" %s", a->initials);
    }
    printf("%s\n", r->authors_incomplete ? ", et al." : "");
}

static void print_source(const ev_record *r)
{
    const char *j = r->journal ? r->journal : r->journal_abbrev ? r->journal_abbrev
                                                                 : r->medline_ta;
    if (j == NULL && r->volume == NULL && r->pages == NULL)
        return;
    printf("%-10s %s", "source", j ? j : "");
    if (r->volume)
        printf(" %s", r->volume);
    if (r->issue)
        printf("(%s)", r->issue);
    if (r->pages)
        printf(":%s", r->pages);
    putchar('\n');
}

static void print_ids(const ev_record *r)
{
    if (r->pmid)
        printf("%-10s %s\n", "pmid", r->pmid);
    if (r->pmcid)
        printf("%-10s %s\n", "pmcid", r->pmcid);
    if (r->doi)
        printf("%-10s %s\n", "doi", r->doi);
}

static void print_subjects(const ev_record *r)
{
    if (r->n_mesh) {
        printf("%-10s ", "mesh");
        for (size_t i = 0; i < r->n_mesh; i++) {
            const ev_mesh_heading *h = &r->mesh[i];
            printf("%s%s%s", i ? "; " : "", h->name ? h->name : "?", h->major ? "*" : "");
            for (size_t q = 0; q < h->n_qualifiers; q++)
                printf("/%s%s", h->qualifiers[q].name ? h->qualifiers[q].name : "?",
                       h->qualifiers[q].major ? "*" : "");
        }
        putchar('\n');
    }
    if (r->n_keywords) {
        printf("%-10s ", "keywords");
        for (size_t i = 0; i < r->n_keywords; i++)
            printf("%s%s", i ? "; " : "", r->keywords[i].text ? r->keywords[i].text : "");
        putchar('\n');
    }
    print_list("types", r->publication_types, r->n_publication_types);
    print_list("language", r->languages, r->n_languages);
}

static void print_human(ev_id id, const ev_record *r, const ev_id *imports, size_t n)
{
    printf("%-10s %lld (%s", "record", (long long)id, ev_format_name(r->format));
    if (n) {
        printf("; import%s", n > 1 ? "s" : "");
        for (size_t i = 0; i < n; i++)
            printf(" %lld", (long long)imports[i]);
    }
    printf(")\n%-10s %s\n", "title", r->title ? r->title : "(no title)");
    print_authors(r);
    print_source(r);
    print_date("published", &r->pub_date);
    print_date("epub", &r->epub_date);
    print_ids(r);
    if (r->retracted)
        printf("%-10s %s\n", "note", "RETRACTED");
    print_subjects(r);
    for (size_t i = 0; i < r->n_abstract; i++) {
        const ev_abstract_section *s = &r->abstract[i];
        printf("%s%s%s%s\n", i ? "" : "\n", s->label ? s->label : "", s->label ? ": " : "",
               s->text ? s->text : "");
    }
}

static int print_json(ev_id id, const ev_record *r, const ev_id *imports, size_t n)
{
    ev_buf b;
    ev_buf_init(&b, 0);
    if (ev_record_to_json(&b, r) != EV_OK) {
        ev_buf_release(&b);
        return ev_cli_fail(&(ev_error){.code = EV_ENOMEM, .message = "out of memory"}, NULL);
    }
    printf("{\"id\":%lld,\"imports\":[", (long long)id);
    for (size_t i = 0; i < n; i++)
        printf("%s%lld", i ? "," : "", (long long)imports[i]);
    printf("],\"record\":");
    fwrite(b.ptr, 1, b.len, stdout);
    printf("}\n");
    ev_buf_release(&b);
    return EV_EXIT_OK;
}

static int show(ev_store *s, ev_id id, bool json, bool raw)
{
    ev_error err = EV_ERROR_INIT;
    ev_record *r = NULL;
    ev_id *imports = NULL;
    size_t n = 0;
    ev_status st = ev_store_record_get(s, id, &r, &err);
    if (st == EV_OK)
        st = ev_store_record_imports(s, id, &imports, &n, &err);
    int rc = EV_EXIT_OK;
    if (st != EV_OK)
        rc = ev_cli_fail(&err, st == EV_ENOTFOUND ? "'evident records REVIEW' lists the ids"
                                                  : NULL);
    else if (json)
        rc = print_json(id, r, imports, n);
    else if (raw && r->raw)
        fwrite(r->raw, 1, r->raw_len, stdout);
    else if (raw)
        rc = ev_cli_fail(&(ev_error){.code = EV_ENOTFOUND,
                                     .message = "the record has no raw source text"},
                         "records read from XML are kept as their fields only; try --json");
    else
        print_human(id, r, imports, n);
    ev_free(imports);
    ev_record_free(r);
    return rc;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'}, {"raw", no_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
    bool json = false, raw = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == 'j')
            json = true;
        else if (c == 'r')
            raw = true;
        else
            return ev_cli_bad_option("show", c, argv);
    }
    if (argc - optind < 2)
        return ev_cli_usage("show", optind < argc ? "missing ID" : "missing REVIEW and ID");
    if (argc - optind > 2)
        return ev_cli_usage("show", "unexpected argument '%s'", argv[optind + 2]);
    if (json && raw)
        return ev_cli_usage("show", "--json and --raw exclude each other");
    long id;
    if (!ev_parse_long(argv[optind + 1], &id) || id <= 0)
        return ev_cli_usage("show", "ID must be a record number, not '%s'", argv[optind + 1]);
    ev_store *s = NULL;
    int rc = ev_cli_open_review(&s, argv[optind], EV_STORE_READONLY);
    if (rc != EV_EXIT_OK)
        return rc;
    rc = show(s, (ev_id)id, json, raw);
    ev_store_free(s);
    return rc;
}

const ev_cli_command ev_cli_cmd_show = {
    .name = "show",
    .summary = "show one record in full",
    .help = help,
    .run = run,
};
