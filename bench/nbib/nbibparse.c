/*
 * nbibparse.c - parse-only driver for the nbib benchmark: reads a MEDLINE
 * text file with the tagged reader (raw text kept, as an import does) and
 * prints "records seconds". Compiled by bench/nbib/run.sh against a
 * build's static libraries.
 */
#include "evident/ev_formats.h"

#include <stdio.h>
#include <time.h>

static ev_status count(ev_record *rec, void *payload)
{
    (void)rec;
    ++*(unsigned long *)payload;
    return EV_OK;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: nbibparse FILE\n");
        return 1;
    }
    unsigned long n = 0;
    ev_parse_options opts = EV_PARSE_OPTIONS_INIT;
    opts.format = EV_FORMAT_MEDLINE;
    ev_parse_sink sink = {count, NULL, NULL, NULL, &n};
    ev_error err = EV_ERROR_INIT;
    double t0 = ev_now();
    ev_status s = ev_parse_file(argv[1], &opts, &sink, NULL, &err);
    double t = ev_now() - t0;
    if (s != EV_OK) {
        char msg[1024];
        ev_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "nbibparse: %s\n", msg);
        return 2;
    }
    printf("%lu %.4f\n", n, t);
    return 0;
}
