/*
 * fuzz_formats_endnote_xml.c - the EndNote XML reader on arbitrary bytes (see
 * fuzz_formats_bib_common.h).
 */
#include "fuzz_formats_bib_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_one(data, size, EV_FORMAT_ENDNOTE_XML, NULL);
}
