/*
 * fuzz_formats_csv.c - the CSV reader on arbitrary bytes (see
 * fuzz_formats_bib_common.h). An input starting with "map=...\n" uses that
 * line as the column mapping, so the mapping parser is fuzzed too.
 */
#include "fuzz_formats_bib_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char mapping[256];
    if (size > 4 && memcmp(data, "map=", 4) == 0) {
        const uint8_t *nl = memchr(data, '\n', size);
        size_t len = nl ? (size_t)(nl - data) - 4 : 0;
        if (nl && len < sizeof mapping && memchr(data + 4, 0, len) == NULL) {
            memcpy(mapping, data + 4, len);
            mapping[len] = '\0';
            size_t skip = (size_t)(nl - data) + 1;
            return fuzz_one(data + skip, size - skip, EV_FORMAT_CSV, mapping);
        }
    }
    return fuzz_one(data, size, EV_FORMAT_CSV, NULL);
}
