/*
 * fuzz_formats_tagged_common.h - shared body of the MEDLINE text, RIS and
 * Web of Science harnesses: parse arbitrary bytes with the format forced
 * (so detection filters nothing out), raw kept; every record is then
 * written in every generated format (raw dropped), so the writers see
 * whatever the readers can produce, and every string is read so that
 * AddressSanitizer sees any pointer into freed memory.
 */
#ifndef FUZZ_FORMATS_TAGGED_COMMON_H
#define FUZZ_FORMATS_TAGGED_COMMON_H

#include "evident/ev_formats.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const char *s)
{
    return s ? strlen(s) : 0;
}

static ev_status on_record(ev_record *rec, void *payload)
{
    size_t *sum = payload;
    *sum += touch(rec->title) + touch(rec->pmid) + touch(rec->doi) + touch(rec->pub_date.raw);
    for (size_t i = 0; i < rec->n_authors; i++)
        for (size_t j = 0; j < rec->authors[i].n_affiliations; j++)
            *sum += touch(rec->authors[i].affiliations[j]);
    for (size_t i = 0; i < rec->n_mesh; i++)
        for (size_t j = 0; j < rec->mesh[i].n_qualifiers; j++)
            *sum += touch(rec->mesh[i].qualifiers[j].name);
    for (size_t i = 0; i < rec->n_extra; i++)
        *sum += touch(rec->extra[i].key) + touch(rec->extra[i].value);
    if (rec->raw)
        *sum += rec->raw_len ? (unsigned char)rec->raw[rec->raw_len - 1] : 0;
    static const ev_format out[] = {EV_FORMAT_RIS, EV_FORMAT_MEDLINE, EV_FORMAT_CSV,
                                    EV_FORMAT_BIBTEX, EV_FORMAT_JSON};
    ev_record copy = *rec;
    copy.raw = NULL;
    copy.raw_len = 0;
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) {
        ev_buf b;
        ev_buf_init(&b, 0);
        if (ev_export_record(&b, &copy, out[i], NULL) == EV_OK)
            *sum += b.len;
        ev_buf_release(&b);
    }
    return EV_OK;
}

static int fuzz_tagged(ev_format format, const uint8_t *data, size_t size)
{
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    opts.format = format;
    size_t sum = 0;
    ev_parse_sink sink = {on_record, NULL, NULL, NULL, &sum};
    ev_error err = EV_ERROR_INIT;
    if (ev_parse_buffer("fuzz", (const char *)data, size, &opts, &sink, NULL, &err) != EV_OK)
        return 0; /* refusals are fine; crashes and leaks are not */
    return 0;
}

#endif /* FUZZ_FORMATS_TAGGED_COMMON_H */
