/*
 * fuzz_formats_bib_common.h - the body shared by the BibTeX, CSV and EndNote
 * XML harnesses: parse arbitrary bytes with the format forced (so detection
 * does not filter inputs out), raw kept, and read every string of every
 * record so that AddressSanitizer sees any pointer into freed memory.
 */
#include "evident/ev_formats.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const char *s)
{
    return s ? strlen(s) : 0;
}

static size_t touch_lists(const ev_record *rec)
{
    size_t n = 0;
    for (size_t i = 0; i < rec->n_authors; i++) {
        const ev_author *a = &rec->authors[i];
        n += touch(a->family) + touch(a->given) + touch(a->initials) + touch(a->collective) +
             touch(a->suffix);
    }
    for (size_t i = 0; i < rec->n_abstract; i++)
        n += touch(rec->abstract[i].text);
    for (size_t i = 0; i < rec->n_keywords; i++)
        n += touch(rec->keywords[i].text);
    for (size_t i = 0; i < rec->n_mesh; i++)
        n += touch(rec->mesh[i].name);
    for (size_t i = 0; i < rec->n_languages; i++)
        n += touch(rec->languages[i]);
    for (size_t i = 0; i < rec->n_publication_types; i++)
        n += touch(rec->publication_types[i]);
    for (size_t i = 0; i < rec->n_extra; i++)
        n += touch(rec->extra[i].key) + touch(rec->extra[i].value);
    for (size_t i = 0; i < rec->n_other_ids; i++)
        n += touch(rec->other_ids[i].key) + touch(rec->other_ids[i].value);
    return n;
}

static ev_status on_record(ev_record *rec, void *payload)
{
    size_t *sum = payload;
    *sum += touch(rec->pmid) + touch(rec->pmcid) + touch(rec->title) + touch(rec->title_markup) +
            touch(rec->doi) + touch(rec->journal) + touch(rec->journal_abbrev) +
            touch(rec->book_title) + touch(rec->pages) + touch(rec->volume) + touch(rec->issue) +
            touch(rec->source_record_id) + touch(rec->type) + touch(rec->url) + touch(rec->notes) +
            touch(rec->publisher) + touch(rec->issn_print) + touch(rec->issn_electronic) +
            touch(rec->issn_linking) + touch(rec->article_number);
    *sum += touch(rec->pub_date.raw) + touch(rec->date_create.raw) + touch_lists(rec);
    for (size_t i = 0; i < rec->raw_len; i++)
        *sum += (unsigned char)rec->raw[i];
    return EV_OK;
}

static int fuzz_one(const uint8_t *data, size_t size, ev_format format, const char *mapping)
{
    size_t sum = 0;
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    opts.format = format;
    opts.csv_mapping = mapping;
    ev_parse_sink sink = {on_record, NULL, NULL, NULL, &sum};
    ev_error err = EV_ERROR_INIT;
    ev_status s = ev_parse_buffer("fuzz", (const char *)data, size, &opts, &sink, NULL, &err);
    (void)s;
    return sum == 1 ? 1 : 0; /* keep sum alive */
}
