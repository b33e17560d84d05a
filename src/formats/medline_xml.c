/* medline_xml.c - placeholder until the medline_xml reader lands. */
#include "formats_int.h"

ev_status ev__parse_medline_xml(ev__reader *r, const ev_parse_options *opts, const ev_parse_sink *sink,
                      ev_parse_stats *stats, ev_error *err)
{
    (void)opts;
    (void)sink;
    (void)stats;
    return ev_error_set(err, EV_EINPUT, ev__reader_name(r), 0, 0, "reader not built yet");
}
