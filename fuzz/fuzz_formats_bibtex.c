/*
 * fuzz_formats_bibtex.c - the BibTeX reader on arbitrary bytes (see
 * fuzz_formats_bib_common.h).
 */
#include "fuzz_formats_bib_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_one(data, size, EV_FORMAT_BIBTEX, NULL);
}
