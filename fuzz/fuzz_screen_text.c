/*
 * fuzz_screen_text.c - arbitrary bytes as a labelled corpus: one record per
 * line, the first byte of a line its label ('1' included). Builds the
 * TF-IDF matrix (unigrams+bigrams, as the ranker tokenises untrusted titles
 * and abstracts), trains both models and runs a short simulation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evident/ev_screen.h"

#define MAX_DOCS 64

static void rank_both(const char *const *texts, const bool *inc, size_t n)
{
    ev_screen_corpus *c = NULL;
    if (ev_screen_corpus_new(&c, texts, n, NULL, NULL) != EV_OK)
        return;
    double *sc = calloc(n, sizeof *sc);
    for (int kind = 0; kind < 2 && sc; kind++) {
        ev_screen_model_options mo = EV_SCREEN_MODEL_OPTIONS_INIT;
        mo.kind = kind ? EV_SCREEN_MODEL_LR : EV_SCREEN_MODEL_NB;
        ev_screen_ranker *r = NULL;
        if (ev_screen_ranker_new(&r, c, &mo, NULL) != EV_OK)
            continue;
        ev_status st = EV_OK;
        for (size_t i = 0; i < n && st == EV_OK; i += 2)
            st = ev_screen_ranker_label(r, i, inc[i], NULL);
        if (st == EV_OK && ev_screen_ranker_scores(r, sc, NULL) != EV_OK)
            st = EV_EINTERNAL;
        ev_screen_ranker_free(r);
    }
    free(sc);
    ev_screen_corpus_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    const char *texts[MAX_DOCS];
    bool inc[MAX_DOCS];
    size_t n = 0;
    for (char *p = buf; n < MAX_DOCS;) {
        char *e = memchr(p, '\n', size - (size_t)(p - buf));
        if (e)
            *e = '\0';
        inc[n] = *p == '1';
        texts[n++] = p;
        if (!e)
            break;
        p = e + 1;
    }
    rank_both(texts, inc, n);
    ev_screen_sim_options o = EV_SCREEN_SIM_OPTIONS_INIT;
    o.random_fraction = 0.1;
    ev_screen_sim_result *res = NULL;
    if (ev_screen_simulate(&res, texts, inc, n, &o, NULL, NULL, NULL) == EV_OK)
        ev_screen_sim_result_free(res);
    free(buf);
    return 0;
}
