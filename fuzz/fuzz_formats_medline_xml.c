/*
 * fuzz_formats_medline_xml.c - the PubMed XML reader on arbitrary bytes:
 * forced to the XML format (so detection does not filter inputs out), raw
 * kept, and every string of every record read so that AddressSanitizer sees
 * any pointer into freed or foreign memory; a record's raw bytes must be
 * one whole element, '<' to '>'.
 */
#include "evident/ev_formats.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const char *s)
{
    return s ? strlen(s) : 0;
}

static size_t touch_authors(const ev_record *rec)
{
    size_t n = 0;
    for (size_t i = 0; i < rec->n_authors; i++) {
        const ev_author *a = &rec->authors[i];
        n += touch(a->family) + touch(a->given) + touch(a->initials) + touch(a->collective);
        for (size_t j = 0; j < a->n_affiliations; j++)
            n += touch(a->affiliations[j]);
    }
    return n;
}

static ev_status on_record(ev_record *rec, void *payload)
{
    size_t *sum = payload;
    *sum += touch(rec->pmid) + touch(rec->title) + touch(rec->title_markup) + touch(rec->doi);
    *sum += touch(rec->pub_date.raw) + touch(rec->date_entrez.raw) + touch_authors(rec);
    for (size_t i = 0; i < rec->n_abstract; i++)
        *sum += touch(rec->abstract[i].text) + touch(rec->abstract[i].label);
    for (size_t i = 0; i < rec->n_mesh; i++)
        for (size_t j = 0; j < rec->mesh[i].n_qualifiers; j++)
            *sum += touch(rec->mesh[i].qualifiers[j].name);
    for (size_t i = 0; i < rec->n_extra; i++)
        *sum += touch(rec->extra[i].key) + touch(rec->extra[i].value);
    for (size_t i = 0; i < rec->n_links; i++)
        *sum += touch(rec->links[i].value);
    if (rec->raw_len > 0 && (rec->raw[0] != '<' || rec->raw[rec->raw_len - 1] != '>'))
        abort();
    for (size_t i = 0; i < rec->raw_len; i++)
        *sum += (unsigned char)rec->raw[i];
    return EV_OK;
}

static ev_status on_deleted(const char *pmid, void *payload)
{
    *(size_t *)payload += touch(pmid);
    return EV_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t sum = 0;
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    opts.format = EV_FORMAT_MEDLINE_XML;
    ev_parse_sink sink = {on_record, on_deleted, NULL, NULL, &sum};
    ev_error err = EV_ERROR_INIT;
    ev_status s = ev_parse_buffer("fuzz.xml", (const char *)data, size, &opts, &sink, NULL, &err);
    (void)s;
    return sum == 1 ? 1 : 0; /* keep sum alive */
}
