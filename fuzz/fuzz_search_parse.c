/* fuzz_search_parse.c - the PubMed query language: parse any bytes, print
 * the canonical form, and run the query over a tiny index (three records,
 * a small MeSH vocabulary, two history lines) so the executor sees every
 * construct the parser accepts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evident/ev_search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ev_mesh *mesh;
static ev_search_index *ix;

static const char vocab[] =
    "D016512\tAnkle Injuries\tC26.558.100\tAnkle Sprains|Injuries, Ankle\n"
    "D064386\tAnkle Fractures\tC26.404.014|C26.558.100.500\t\n"
    "D013628\tTalus\tA02.835.232.043.300.710.780\tAstragalus Bone\n";

static void add(ev_id id, const char *pmid, const char *title, const char *abstract,
                const char *heading, const char *qual, int year)
{
    ev_record *r = ev_record_new();
    ev_abstract_section *sec;
    ev_mesh_heading *h;
    ev_mesh_qualifier *q;
    ev_author *a;
    if (ev_record_set(r, &r->pmid, pmid, strlen(pmid)) ||
        ev_record_set(r, &r->title, title, strlen(title)) || ev_record_add_section(r, &sec) ||
        ev_record_set(r, &sec->text, abstract, strlen(abstract)) || ev_record_add_mesh(r, &h) ||
        ev_record_set(r, &h->name, heading, strlen(heading)) ||
        ev_record_add_qualifier(r, h, &q) || ev_record_set(r, &q->name, qual, strlen(qual)) ||
        ev_record_add_author(r, &a) || ev_record_set(r, &a->family, "Smith", 5) ||
        ev_record_set(r, &a->initials, "JA", 2) ||
        ev_record_push_str(r, &r->publication_types, &r->n_publication_types, "Review", 6) ||
        ev_record_push_str(r, &r->languages, &r->n_languages, "eng", 3))
        abort();
    q->major = true;
    r->pub_date.year = year;
    if (ev_search_index_add(ix, id, r) != EV_OK)
        abort();
    ev_record_free(r);
}

static void init(void)
{
    char path[] = "/tmp/fuzz_search_meshXXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f == NULL)
        abort();
    fputs(vocab, f);
    fclose(f);
    if (ev_mesh_load(&mesh, path, NULL) != EV_OK || ev_search_index_new(&ix, mesh) != EV_OK)
        abort();
    remove(path);
    add(1, "1", "Ankle sprain in athletes", "Platelet-rich plasma was injected.", "Ankle Injuries",
        "therapy", 2019);
    add(2, "2", "Talus fractures", "Stem cell therapy for the talus.", "Ankle Fractures",
        "surgery", 2021);
    add(3, "3", "Growth factor review", "Review of growth factors.", "Talus", "injuries", 2010);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (ix == NULL)
        init();
    char *q = malloc(size + 1);
    if (q == NULL)
        return 0;
    memcpy(q, data, size);
    q[size] = '\0';
    ev_query *pq = NULL;
    if (ev_query_parse(&pq, q, NULL) == EV_OK) {
        ev_buf b;
        ev_buf_init(&b, 1 << 24);
        if (ev_query_canonical(pq, &b) != EV_OK)
            abort();
        ev_buf_release(&b);
        ev_query_free(pq);
    }
    ev_search_session *s = NULL;
    if (ev_search_session_new(&s, ix) == EV_OK) {
        const ev_search_result *r = NULL;
        ev_error err = EV_ERROR_INIT;
        if (ev_search_run(s, "talus[mh]", &r, NULL) != EV_OK ||
            ev_search_run(s, "sprain*[tiab]", &r, NULL) != EV_OK)
            abort();
        if (ev_search_run(s, q, &r, &err) == EV_OK && r->count > 3)
            abort(); /* three documents */
        ev_error_clear(&err);
        ev_search_session_free(s);
        /* the same bytes as a strategy */
        if (ev_search_session_new(&s, ix) == EV_OK) {
            if (ev_search_run_strategy(s, "fuzz", q, &err) != EV_OK && err.code == EV_OK)
                abort(); /* a failure always says why */
            ev_search_session_free(s);
        }
    }
    free(q);
    return 0;
}
