/*
 * fuzz_formats_bib_util.c - the helpers the BibTeX/CSV/EndNote readers
 * share: keyword-list splitting (every separator the readers use) and the
 * legacy CJK encoding check, on arbitrary bytes.
 */
#include "bib_int.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    (void)ev__looks_legacy_cjk(s, size);
    static const char *const seps[] = {",", ";", ",;"};
    for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++) {
        ev_record *rec = ev_record_new();
        if (rec == NULL)
            return 0;
        if (ev__push_keywords(rec, s, size, seps[i]) == EV_OK)
            for (size_t k = 0; k < rec->n_keywords; k++)
                if (rec->keywords[k].text == NULL || strlen(rec->keywords[k].text) > size)
                    __builtin_trap();
        ev_record_free(rec);
    }
    return 0;
}
