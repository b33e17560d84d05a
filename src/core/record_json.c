/* record_json.c - placeholder until record (de)serialisation lands. */
#include "evident/ev_record.h"

ev_status ev_record_to_json(ev_buf *out, const ev_record *rec)
{
    (void)out;
    (void)rec;
    return EV_EINTERNAL;
}

ev_status ev_record_from_json(ev_record **out, const char *json, size_t n, ev_error *err)
{
    (void)json;
    (void)n;
    *out = NULL;
    return ev_error_set(err, EV_EINTERNAL, NULL, 0, 0, "record json not built yet");
}

bool ev_record_equal(const ev_record *a, const ev_record *b, char *why, size_t why_size)
{
    (void)a;
    (void)b;
    if (why && why_size)
        snprintf(why, why_size, "not implemented");
    return false;
}
