/* export.c - placeholder until the writers land. */
#include "formats_int.h"

ev_status ev_export_record(ev_buf *out, const ev_record *rec, ev_format format, ev_error *err)
{
    (void)out;
    (void)rec;
    return ev_error_set(err, EV_EUSAGE, NULL, 0, 0, "no writer for format '%s' yet",
                        ev_format_name(format));
}

ev_status ev_export_csv_header(ev_buf *out)
{
    (void)out;
    return EV_EUSAGE;
}
