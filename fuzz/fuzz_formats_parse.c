/*
 * fuzz_formats_parse.c - format detection and dispatch: arbitrary bytes go
 * through ev_parse_buffer with no format forced, so the detector picks the
 * reader (or refuses), exactly as `evident import` does on an unknown file.
 * Every string of every record is read so ASan sees dangling pointers.
 */
#include "evident/ev_formats.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ev_status on_record(ev_record *rec, void *payload)
{
    size_t *sum = payload;
    *sum += rec->title ? strlen(rec->title) : 0;
    for (size_t i = 0; i < rec->n_authors; i++)
        *sum += rec->authors[i].family ? strlen(rec->authors[i].family) : 0;
    for (size_t i = 0; i < rec->n_abstract; i++)
        *sum += rec->abstract[i].text ? strlen(rec->abstract[i].text) : 0;
    return EV_OK;
}

static ev_status on_deleted(const char *pmid, void *payload)
{
    size_t *sum = payload;
    *sum += strlen(pmid);
    return EV_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t sum = 0;
    ev_parse_sink sink = {on_record, on_deleted, NULL, NULL, &sum};
    ev_parse_stats stats;
    ev_error err = EV_ERROR_INIT;
    (void)ev_format_detect((const char *)data, size);
    if (ev_parse_buffer("fuzz", (const char *)data, size, NULL, &sink, &stats, &err) != EV_OK)
        return 0; /* refusals are fine; crashes are not */
    return 0;
}
