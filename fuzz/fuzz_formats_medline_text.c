/* fuzz_formats_medline_text.c - the MEDLINE text (.nbib) reader (and the writers) on arbitrary bytes. */
#include "fuzz_formats_tagged_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_tagged(EV_FORMAT_MEDLINE, data, size);
}
