/* fuzz_dedup_record.c - arbitrary bytes as the fields of a few records
 * (title, authors, journal, volume, issue, pages, DOI, PMID, type, one per
 * line; records separated by a blank line): normalise, block, score,
 * cluster and merge must neither crash nor leak. */
#include "evident/ev_dedup.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void set_field(ev_record *r, int k, const char *s, size_t n)
{
    const char **f[] = {&r->title, &r->journal, &r->volume, &r->issue, &r->pages,
                        &r->pmid,  &r->type,    &r->book_title};
    if (k == 1) {
        ev_author *a;
        if (ev_record_add_author(r, &a) == EV_OK && ev_record_author_from_name(r, a, s, n))
            return;
    } else if (k == 8) {
        r->doi = ev_record_doi(r, s, n);
    } else if (k == 9) {
        (void)ev_record_parse_date(r, &r->pub_date, s, n);
    } else {
        if (ev_record_set(r, f[k < 1 ? 0 : k - 1 < 8 ? k - 1 : 7], s, n) != EV_OK)
            return;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ev_dedup *d = NULL;
    if (ev_dedup_new(&d, NULL, NULL) != EV_OK)
        return 0;
    const char *p = (const char *)data, *end = p + size;
    ev_record *recs[8] = {0};
    size_t n = 0;
    int field = 0;
    recs[0] = ev_record_new();
    while (p < end && recs[n]) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (len == 0 && n + 1 < 8) { /* blank line: next record */
            recs[++n] = ev_record_new();
            field = 0;
        } else {
            set_field(recs[n], field++ % 10, p, len);
        }
        p += len + 1;
    }
    for (size_t i = 0; i <= n && recs[i]; i++)
        if (ev_dedup_add(d, recs[i], (int64_t)i, true, NULL) != EV_OK)
            break;
    size_t *cl = calloc(n + 1, sizeof *cl);
    if (cl && ev_dedup_find_pairs(d, NULL, NULL, NULL) == EV_OK &&
        ev_dedup_cluster_auto(d, cl, NULL, NULL) == EV_OK && recs[n]) {
        ev_record *out = NULL;
        ev_dedup_provenance prov[EV_DEDUP_MERGE_FIELDS];
        size_t np = 0;
        if (ev_dedup_merge(&out, (const ev_record *const *)recs, n + 1, cl[0], prov, &np,
                           NULL) == EV_OK)
            ev_record_free(out);
    }
    free(cl);
    for (size_t i = 0; i <= n; i++)
        ev_record_free(recs[i]);
    ev_dedup_free(d);
    return 0;
}
