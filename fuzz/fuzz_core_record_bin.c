/* fuzz_core_record_bin.c - arbitrary bytes as the store's binary record
 * encoding (a damaged review file): ev_record_from_bin must refuse or accept
 * without crashing, leaking or reading outside the bytes; whatever it
 * accepts must encode again to bytes that decode to an equal record, and
 * must convert to JSON. */
#include "evident/ev_record.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ev_record *rec = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev_record_from_bin(&rec, data, size, &err) != EV_OK)
        return 0;
    ev_buf b;
    ev_buf_init(&b, 0);
    ev_record *back = NULL;
    if (ev_record_to_bin(&b, rec) != EV_OK || ev_record_from_bin(&back, b.ptr, b.len, &err) != EV_OK)
        abort();
    if (!ev_record_equal(rec, back, NULL, 0) || back->source_line != rec->source_line)
        abort();
    ev_record_free(back);
    ev_buf_clear(&b);
    if (ev_record_to_json(&b, rec) != EV_OK)
        abort();
    ev_buf_release(&b);
    ev_record_free(rec);
    return 0;
}
