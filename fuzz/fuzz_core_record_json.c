/* fuzz_core_record_json.c - arbitrary bytes as evident's record JSON:
 * ev_record_from_json must reject or accept without crashing or leaking;
 * whatever it accepts must be JSON to jansson too (the reader is a
 * specialised one: jansson is the oracle), and must write back
 * (ev_record_to_json) to JSON that reads back to an equal record with the
 * same bytes. */
#include "evident/ev_record.h"

#include <jansson.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ev_record *rec = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev_record_from_json(&rec, (const char *)data, size, &err) != EV_OK)
        return 0;
    json_error_t jerr;
    json_t *oracle = json_loadb((const char *)data, size, JSON_ALLOW_NUL, &jerr);
    /* jansson also refuses numbers beyond its integer/double range, which
     * this reader skips in unknown members: not a disagreement about JSON */
    if (oracle == NULL && !strstr(jerr.text, "too big") && !strstr(jerr.text, "overflow"))
        abort();
    if (oracle && !json_is_object(oracle))
        abort();
    json_decref(oracle);
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
    ev_record_free(back);
    ev_record_free(rec);
    ev_buf_release(&a);
    ev_buf_release(&b);
    return 0;
}
