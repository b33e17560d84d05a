/* fuzz_formats_wos.c - the Web of Science tagged reader (and the writers) on arbitrary bytes. */
#include "fuzz_formats_tagged_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_tagged(EV_FORMAT_WOS, data, size);
}
