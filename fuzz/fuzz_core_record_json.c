/* fuzz_core_record_json.c - arbitrary bytes as evident's record JSON:
 * ev_record_from_json (jansson underneath) must reject or accept without
 * crashing or leaking; whatever it accepts must write back
 * (ev_record_to_json) to JSON that reads back to an equal record with the
 * same bytes, and must go through the store's binary encoding unchanged. */
#include "evident/ev_record.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void binary_round_trip(const ev_record *rec)
{
    ev_buf b;
    ev_buf_init(&b, 0);
    ev_record *back = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev_record_to_bin(&b, rec) != EV_OK || ev_record_from_bin(&back, b.ptr, b.len, &err) != EV_OK)
        abort();
    if (!ev_record_equal(rec, back, NULL, 0) || back->source_line != rec->source_line)
        abort();
    ev_record_free(back);
    ev_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ev_record *rec = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev_record_from_json(&rec, (const char *)data, size, &err) != EV_OK)
        return 0;
    ev_buf a, b;
    ev_buf_init(&a, 0);
    ev_buf_init(&b, 0);
    ev_record *back = NULL;
    if (ev_record_to_json(&a, rec) != EV_OK)
        abort();
    if (ev_record_from_json(&back, a.ptr, a.len, &err) != EV_OK)
        abort(); /* what we write we must read */
    if (!ev_record_equal(rec, back, NULL, 0) || back->raw_len != rec->raw_len ||
        (rec->raw_len && memcmp(back->raw, rec->raw, rec->raw_len) != 0))
        abort();
    if (ev_record_to_json(&b, back) != EV_OK || a.len != b.len || memcmp(a.ptr, b.ptr, a.len))
        abort();
    binary_round_trip(rec);
    ev_record_free(back);
    ev_record_free(rec);
    ev_buf_release(&a);
    ev_buf_release(&b);
    return 0;
}
