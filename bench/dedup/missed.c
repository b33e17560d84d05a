/*
 * missed.c - analysis aid (not built by CMake; see missed.sh): for every
 * pair of records that a labelled set says are one publication but the
 * automatic clustering keeps apart (and every automatic merge of two
 * records the set says differ, marked FALSE, and such pairs within 3
 * points of merging, NEAR), print both indices, the pair's score,
 * verdict, kinds, whether blocking met it, and the evidence bits.
 */
#include "../../src/dedup/dedup_int.h"

#include "evident/ev_formats.h"

#include <stdio.h>
#include <string.h>

typedef struct ctx {
    ev_dedup *d;
    char **labels;
    size_t n, cap;
} ctx;

static ev_status on_record(ev_record *rec, void *payload)
{
    ctx *c = payload;
    const char *t = NULL;
    for (size_t i = 0; i < rec->n_extra; i++)
        if (strcmp(rec->extra[i].key, "duplicate_group_id") == 0)
            t = rec->extra[i].value;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 1024;
        c->labels = ev_reallocarray(c->labels, c->cap, sizeof *c->labels);
    }
    c->labels[c->n++] = ev_strdup(t ? t : "?");
    return ev_dedup_add(c->d, rec, 0, true, NULL);
}

static const char *bits[] = {"doi=",   "doi!",    "pmid=",    "pmid!", "title=", "title~",
                             "title!", "generic", "auth=",    "auth!", "year!",  "page=",
                             "page!",  "vol!",    "journal=", "kind!", "notitle", "transl", "located"};

static bool met(const ev_dedup *d, size_t a, size_t b)
{
    for (size_t k = 0; k < d->n_pairs; k++)
        if (d->pairs[k].a == a && d->pairs[k].b == b)
            return true;
    return false;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    ctx c = {0};
    ev_error err = {0};
    if (ev_dedup_new(&c.d, NULL, &err) != EV_OK)
        return 1;
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    ev_parse_sink sink = {.record = on_record, .payload = &c};
    if (ev_parse_file(argv[1], &opts, &sink, NULL, &err) != EV_OK ||
        ev_dedup_find_pairs(c.d, NULL, NULL, &err) != EV_OK)
        return 1;
    size_t *cl = ev_calloc(c.n, sizeof *cl);
    if (ev_dedup_cluster_auto(c.d, cl, NULL, &err) != EV_OK)
        return 1;
    for (size_t k = 0; k < c.d->n_pairs; k++) { /* false merges: "F" lines */
        const ev_dedup_pair *p = &c.d->pairs[k];
        if (strcmp(c.labels[p->a], c.labels[p->b]) == 0)
            continue;
        if (p->verdict == EV_DEDUP_SAME)
            printf("%zu\t%zu\tFALSE %.2f\t%.3f\n", p->a, p->b, p->score, p->title_sim);
        else if (p->score >= c.d->cfg.auto_merge - 3 && !(p->reasons & EV_DEDUP_R_TITLE_DIFFERENT))
            printf("%zu\t%zu\tNEAR %.2f\t%.3f\t%s\n", p->a, p->b, p->score, p->title_sim,
                   ev_dedup_verdict_name(p->verdict));
    }
    for (size_t i = 0; i < c.n; i++)
        for (size_t j = i + 1; j < c.n; j++) {
            if (strcmp(c.labels[i], c.labels[j]) != 0 || cl[i] == cl[j])
                continue;
            ev_dedup_pair p;
            ev_dedup_score(c.d, i, j, &p);
            printf("%zu\t%zu\t%.2f\t%.3f\t%s\t%s/%s\t%s\t", i, j, p.score, p.title_sim,
                   ev_dedup_verdict_name(p.verdict), ev_dedup_kind_name(c.d->recs[i].kind),
                   ev_dedup_kind_name(c.d->recs[j].kind), met(c.d, i, j) ? "met" : "unmet");
            for (unsigned b = 0; b < sizeof bits / sizeof bits[0]; b++)
                if (p.reasons & (1u << b))
                    printf("%s ", bits[b]);
            printf("\n");
        }
    /* per true group split over several clusters: "GROUP label m-1" and
     * the clusters' members, so every missed record is accounted for */
    for (size_t i = 0; i < c.n; i++) {
        bool first = true;
        for (size_t j = 0; j < i && first; j++)
            first = strcmp(c.labels[i], c.labels[j]) != 0;
        if (!first)
            continue;
        size_t kept = 0;
        for (size_t j = i; j < c.n; j++)
            kept += strcmp(c.labels[i], c.labels[j]) == 0 && cl[j] == j;
        if (kept < 2)
            continue;
        printf("%zu\t%zu\tGROUP %s missed %zu:", i, i, c.labels[i], kept - 1);
        for (size_t j = i; j < c.n; j++)
            if (strcmp(c.labels[i], c.labels[j]) == 0)
                printf(" %zu>%zu", j, cl[j]);
        printf("\n");
    }
    return 0;
}
