/*
 * fuzz_formats_bib_latex.c - LaTeX to Unicode (BibTeX field values): any
 * valid UTF-8 input must give valid UTF-8 output, never a crash.
 */
#include "bib_int.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    if (!ev_utf8_valid(s, size, NULL))
        return 0;
    ev_buf out;
    ev_buf_init(&out, 0);
    ev_status st = ev__latex_to_utf8(&out, s, size);
    if (st == EV_OK && !ev_utf8_valid(ev_buf_cstr(&out), out.len, NULL))
        abort();
    ev_buf_release(&out);
    return 0;
}
