/*
 * fuzz_chart_form.c - extraction form schemas, instrument catalogues and
 * value validation on arbitrary bytes. Input: SCHEMA \0 PATH \0 VALUE; the
 * schema is also parsed as a catalogue; when it is not a valid form the
 * bundled default form is used for PATH/VALUE. Every status must be one of
 * the documented ones and a normalised value must validate again unchanged.
 */
#include "evident/ev_chart.h"

#include <stdint.h>

static ev_chart_form *default_form;
static ev_chart_catalogue *cat;

static void init_once(void)
{
    if (cat)
        return;
    ev_error err = EV_ERROR_INIT;
    if (ev_chart_catalogue_load(&cat, EV_SOURCE_DIR "/data/instruments.json", &err) != EV_OK)
        abort();
    FILE *fp = fopen(EV_SOURCE_DIR "/data/forms/default.json", "rb");
    static char buf[1 << 16];
    size_t n = fp ? fread(buf, 1, sizeof buf, fp) : 0;
    if (fp)
        fclose(fp);
    if (ev_chart_form_parse(&default_form, buf, n, "default.json", &err) != EV_OK)
        abort();
}

/* Split data into up to 3 NUL-terminated parts (copies). */
static void split(const uint8_t *data, size_t size, char *parts[3])
{
    size_t start = 0, k = 0;
    for (size_t i = 0; i <= size && k < 3; i++) {
        if (i == size || (data[i] == 0 && k < 2)) {
            parts[k++] = ev_strndup((const char *)data + start, i - start);
            start = i + 1;
        }
    }
    while (k < 3)
        parts[k++] = ev_strdup("");
}

static void check_value(const ev_chart_form *f, const char *path, const char *value)
{
    ev_error err = EV_ERROR_INIT;
    char *norm = NULL;
    ev_status st = ev_chart_validate(&norm, f, cat, path, value, &err);
    if (st != EV_OK && st != EV_EINPUT && st != EV_ENOTFOUND && st != EV_ENOMEM)
        abort();
    if (st == EV_OK) {
        char *again = NULL;
        if (ev_chart_validate(&again, f, cat, path, norm, &err) != EV_OK ||
            strcmp(again, norm) != 0)
            abort();
        ev_free(again);
    }
    ev_free(norm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init_once();
    char *parts[3];
    split(data, size, parts);
    ev_error err = EV_ERROR_INIT;
    ev_chart_form *f = NULL;
    ev_status st = ev_chart_form_parse(&f, parts[0], strlen(parts[0]), "fuzz", &err);
    if (st != EV_OK && st != EV_EINPUT && st != EV_ENOMEM)
        abort();
    ev_chart_catalogue *c2 = NULL;
    ev_error e2 = EV_ERROR_INIT;
    if (ev_chart_catalogue_parse(&c2, parts[0], strlen(parts[0]), "fuzz", &e2) == EV_OK)
        (void)ev_chart_catalogue_find(c2, parts[1]);
    ev_chart_catalogue_free(c2);
    check_value(f ? f : default_form, parts[1], parts[2]);
    ev_chart_form_free(f);
    for (int i = 0; i < 3; i++)
        ev_free(parts[i]);
    return 0;
}
