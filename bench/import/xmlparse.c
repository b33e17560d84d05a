/*
 * xmlparse.c - parse-only driver for the import benchmark and for looking at
 * what the readers produce: `xmlparse FILE` prints records/s; `xmlparse
 * --dump FILE` prints every field of every record (a debugging aid, not a
 * stable format). Compiled by bench/import/run.sh against a build's static
 * libraries.
 */
#include "evident/ev_formats.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void pdate(const char *k, const ev_date *d)
{
    if (d->year || d->raw)
        printf("  %s: %d-%d-%d season=%s raw=[%s]\n", k, d->year, d->month, d->day,
               d->season ? d->season : "", d->raw ? d->raw : "");
}

#define PS(field)                                                                                \
    do {                                                                                         \
        if (rec->field)                                                                          \
            printf("  " #field ": [%s]\n", rec->field);                                          \
    } while (0)

static void plist(const char *k, const char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("  %s[%zu]: [%s]\n", k, i, v[i]);
}

static void pkv(const char *k, const ev_kv *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("  %s[%zu]: %s = [%s]\n", k, i, v[i].key, v[i].value);
}

static void dump(const ev_record *rec)
{
    printf("record line %zu\n", rec->source_line);
    PS(pmid); PS(pmcid); PS(doi); PS(pii); PS(title); PS(title_markup); PS(vernacular_title);
    PS(book_title); PS(copyright); PS(journal); PS(journal_abbrev); PS(medline_ta);
    PS(issn_print); PS(issn_electronic); PS(issn_linking); PS(nlm_id); PS(country);
    PS(publisher); PS(volume); PS(issue); PS(pages); PS(article_number); PS(status); PS(owner);
    PS(publication_status);
    pdate("pub_date", &rec->pub_date);
    pdate("epub_date", &rec->epub_date);
    pdate("date_entrez", &rec->date_entrez);
    pdate("date_create", &rec->date_create);
    pdate("date_mesh", &rec->date_mesh);
    pdate("date_completed", &rec->date_completed);
    pdate("date_revised", &rec->date_revised);
    pkv("other_ids", rec->other_ids, rec->n_other_ids);
    for (size_t i = 0; i < rec->n_abstract; i++)
        printf("  abstract[%zu]: label=%s cat=%s [%s]\n", i,
               rec->abstract[i].label ? rec->abstract[i].label : "-",
               rec->abstract[i].category ? rec->abstract[i].category : "-",
               rec->abstract[i].text ? rec->abstract[i].text : "");
    for (size_t i = 0; i < rec->n_authors; i++) {
        const ev_author *a = &rec->authors[i];
        printf("  author[%zu]: %s | %s | %s | %s | coll=%s orcid=%s invalid=%d\n", i,
               a->family ? a->family : "-", a->given ? a->given : "-",
               a->initials ? a->initials : "-", a->suffix ? a->suffix : "-",
               a->collective ? a->collective : "-", a->orcid ? a->orcid : "-", a->invalid);
        for (size_t j = 0; j < a->n_affiliations; j++)
            printf("    aff: [%s]\n", a->affiliations[j]);
    }
    if (rec->authors_incomplete)
        printf("  authors_incomplete\n");
    plist("lang", rec->languages, rec->n_languages);
    plist("pt", rec->publication_types, rec->n_publication_types);
    for (size_t i = 0; i < rec->n_mesh; i++) {
        const ev_mesh_heading *h = &rec->mesh[i];
        printf("  mesh[%zu]: %s [%s] major=%d geo=%d\n", i, h->ui ? h->ui : "-",
               h->name ? h->name : "", h->major, h->geographic);
        for (size_t j = 0; j < h->n_qualifiers; j++)
            printf("    q: %s [%s] major=%d\n", h->qualifiers[j].ui ? h->qualifiers[j].ui : "-",
                   h->qualifiers[j].name ? h->qualifiers[j].name : "", h->qualifiers[j].major);
    }
    for (size_t i = 0; i < rec->n_keywords; i++)
        printf("  kw[%zu]: [%s] owner=%s major=%d\n", i, rec->keywords[i].text,
               rec->keywords[i].owner ? rec->keywords[i].owner : "-", rec->keywords[i].major);
    plist("substance", rec->substances, rec->n_substances);
    plist("grant", rec->grants, rec->n_grants);
    pkv("link", rec->links, rec->n_links);
    printf("  flags: retracted=%d notice=%d erratum=%d\n", rec->retracted,
           rec->is_retraction_notice, rec->has_erratum);
    pkv("extra", rec->extra, rec->n_extra);
    if (rec->raw)
        printf("  raw: %zu bytes [%.40s...]\n", rec->raw_len, rec->raw);
}

static ev_status on_record(ev_record *rec, void *payload)
{
    if (*(int *)payload)
        dump(rec);
    return EV_OK;
}

static ev_status on_deleted(const char *pmid, void *payload)
{
    if (*(int *)payload)
        printf("deleted: %s\n", pmid);
    return EV_OK;
}

static void on_warn(const ev_error *w, void *payload)
{
    char buf[1024];
    ev_error_format(w, buf, sizeof buf);
    if (*(int *)payload)
        printf("warning: %s\n", buf);
}

int main(int argc, char **argv)
{
    int dump_mode = 0, arg = 1, no_raw = 0;
    for (; arg < argc && argv[arg][0] == '-'; arg++) {
        if (strcmp(argv[arg], "--dump") == 0)
            dump_mode = 1;
        else if (strcmp(argv[arg], "--no-raw") == 0)
            no_raw = 1;
    }
    if (arg >= argc) {
        fprintf(stderr, "usage: xmlparse [--dump] [--no-raw] FILE\n");
        return 1;
    }
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    opts.keep_raw = !no_raw;
    ev_parse_sink sink = {on_record, on_deleted, on_warn, NULL, &dump_mode};
    ev_parse_stats stats;
    ev_error err = EV_ERROR_INIT;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ev_status s = ev_parse_file(argv[arg], &opts, &sink, &stats, &err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (s != EV_OK) {
        char buf[1024];
        ev_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "error: %s\n", buf);
        return 2;
    }
    printf("records %llu deleted %llu warnings %llu seconds %.3f records/s %.0f\n",
           (unsigned long long)stats.records, (unsigned long long)stats.deleted,
           (unsigned long long)stats.warnings, secs, (double)stats.records / secs);
    return 0;
}
