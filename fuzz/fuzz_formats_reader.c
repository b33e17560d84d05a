/*
 * fuzz_formats_reader.c - the byte source under every reader: encoding
 * layer (BOM, UTF-8 validation, Windows-1252 conversion, NUL refusal) and
 * the line reader. The first byte picks the encoding mode; the rest is the
 * input. Whatever is delivered must be valid UTF-8 (in the UTF-8 modes),
 * and line numbers must count up by one: a failure aborts.
 */
#include "formats_int.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    ev__encoding_mode mode = (ev__encoding_mode)(data[0] % 3);
    ev__reader *r = NULL;
    ev_error err = EV_ERROR_INIT;
    if (ev__reader_open_buffer(&r, "fuzz", (const char *)data + 1, size - 1, &err) != EV_OK)
        return 0;
    ev__reader_set_encoding(r, mode);
    ev__lines l;
    ev__lines_init(&l, r, 1u << 20);
    bool got = true;
    size_t expect = 1;
    while (got && ev__lines_next(&l, &got, &err) == EV_OK && got) {
        if (l.line_no != expect++)
            abort();
        if (mode != EV__ENC_RAW && !ev_utf8_valid(l.line.ptr ? l.line.ptr : "", l.line.len, NULL))
            abort();
    }
    ev__lines_release(&l);
    ev__reader_free(r);
    return 0;
}
