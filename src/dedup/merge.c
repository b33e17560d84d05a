/*
 * merge.c - one record for a cluster: the kept record, with each field it
 * lacks filled from another member, and the provenance of every field (which
 * member, and so which source, contributed it).
 */
#include "dedup_int.h"

typedef struct text_field {
    const char *name;
    size_t offset; /* of the `const char *` in ev_record */
} text_field;

#define TF(f) {#f, offsetof(ev_record, f)}
static const text_field text_fields[] = {
    TF(title), TF(doi),    TF(pmid),  TF(pmcid), TF(journal), TF(journal_abbrev),
    TF(volume), TF(issue), TF(pages), TF(issn_print), TF(issn_electronic), TF(publisher),
};
#undef TF

static const char **text_at(const ev_record *r, const text_field *f)
{
    return (const char **)(void *)((char *)(uintptr_t)r + f->offset);
}

/* The member to take a field from: kept if it has it, else the first. */
static size_t donor(const ev_record *const *m, size_t n, size_t kept,
                    bool (*has)(const ev_record *, const void *), const void *arg)
{
    if (has(m[kept], arg))
        return kept;
    for (size_t i = 0; i < n; i++)
        if (i != kept && has(m[i], arg))
            return i;
    return SIZE_MAX;
}

static bool has_text(const ev_record *r, const void *arg)
{
    return *text_at(r, arg) != NULL;
}

static bool has_authors(const ev_record *r, const void *arg)
{
    (void)arg;
    return r->n_authors > 0;
}

static bool has_abstract(const ev_record *r, const void *arg)
{
    (void)arg;
    return r->n_abstract > 0;
}

static bool has_year(const ev_record *r, const void *arg)
{
    (void)arg;
    return r->pub_date.year != 0;
}

static ev_status copy_str(ev_record *out, const char **dst, const char *s)
{
    return s ? ev_record_set(out, dst, s, strlen(s)) : EV_OK;
}

static ev_status copy_authors(ev_record *out, const ev_record *src)
{
    ev_status st = EV_OK;
    for (size_t i = 0; st == EV_OK && i < src->n_authors; i++) {
        const ev_author *a = &src->authors[i];
        ev_author *b = NULL;
        st = ev_record_add_author(out, &b);
        if (st == EV_OK)
            st = copy_str(out, &b->family, a->family);
        if (st == EV_OK)
            st = copy_str(out, &b->given, a->given);
        if (st == EV_OK)
            st = copy_str(out, &b->initials, a->initials);
        if (st == EV_OK)
            st = copy_str(out, &b->collective, a->collective);
        if (st == EV_OK)
            st = copy_str(out, &b->orcid, a->orcid);
    }
    return st;
}

static ev_status copy_abstract(ev_record *out, const ev_record *src)
{
    ev_status st = EV_OK;
    for (size_t i = 0; st == EV_OK && i < src->n_abstract; i++) {
        ev_abstract_section *s = NULL;
        st = ev_record_add_section(out, &s);
        if (st == EV_OK)
            st = copy_str(out, &s->label, src->abstract[i].label);
        if (st == EV_OK)
            st = copy_str(out, &s->text, src->abstract[i].text);
    }
    return st;
}

static void note(ev_dedup_provenance *prov, size_t *n, const char *field, size_t member)
{
    if (member != SIZE_MAX && *n < EV_DEDUP_MERGE_FIELDS)
        prov[(*n)++] = (ev_dedup_provenance){field, member};
}

static ev_status merge_into(ev_record *out, const ev_record *const *m, size_t n, size_t kept,
                            ev_dedup_provenance *prov, size_t *n_prov)
{
    ev_status st = EV_OK;
    for (size_t f = 0; st == EV_OK && f < sizeof text_fields / sizeof text_fields[0]; f++) {
        size_t d = donor(m, n, kept, has_text, &text_fields[f]);
        if (d == SIZE_MAX)
            continue;
        st = copy_str(out, text_at(out, &text_fields[f]), *text_at(m[d], &text_fields[f]));
        note(prov, n_prov, text_fields[f].name, d);
    }
    size_t d = donor(m, n, kept, has_year, NULL);
    if (d != SIZE_MAX) {
        out->pub_date.year = m[d]->pub_date.year;
        out->pub_date.month = m[d]->pub_date.month;
        out->pub_date.day = m[d]->pub_date.day;
        note(prov, n_prov, "year", d);
    }
    d = donor(m, n, kept, has_authors, NULL);
    if (st == EV_OK && d != SIZE_MAX) {
        st = copy_authors(out, m[d]);
        note(prov, n_prov, "authors", d);
    }
    d = donor(m, n, kept, has_abstract, NULL);
    if (st == EV_OK && d != SIZE_MAX) {
        st = copy_abstract(out, m[d]);
        note(prov, n_prov, "abstract", d);
    }
    return st;
}

ev_status ev_dedup_merge(ev_record **out, const ev_record *const *members, size_t n, size_t kept,
                         ev_dedup_provenance *prov, size_t *n_prov, ev_error *err)
{
    *out = NULL;
    *n_prov = 0;
    if (n == 0 || kept >= n)
        return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "kept member %zu of %zu", kept, n);
    ev_record *r = ev_record_new();
    if (r == NULL)
        return ev_error_set(err, EV_ENOMEM, NULL, 0, 0, "out of memory");
    r->format = members[kept]->format;
    ev_status st = copy_str(r, &r->type, members[kept]->type);
    if (st == EV_OK)
        st = merge_into(r, members, n, kept, prov, n_prov);
    if (st != EV_OK) {
        ev_record_free(r);
        *n_prov = 0;
        return ev_error_set(err, st, NULL, 0, 0, "out of memory while merging");
    }
    *out = r;
    return EV_OK;
}
