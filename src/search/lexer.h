/* lexer.h - query tokens (private to the search module). */
#ifndef EV_SEARCH_LEXER_H
#define EV_SEARCH_LEXER_H

#include "search_int.h"

typedef enum ev__sq_ttype {
    SQT_END, SQT_WORD, SQT_PHRASE, SQT_TAG, SQT_AND, SQT_OR, SQT_NOT, SQT_LP, SQT_RP,
    SQT_HIST, SQT_COLON,
    SQT_BADQUOTE, /* '"' never closed */
    SQT_BADTAG    /* '[' never closed, or a stray ']' */
} ev__sq_ttype;

typedef struct ev__sq_token {
    ev__sq_ttype type;
    size_t pos, len;   /* the whole token, bytes */
    size_t cpos, clen; /* its content: phrase without quotes, tag without [] */
    bool space_before;
} ev__sq_token;

typedef struct ev__sq_lexer {
    const char *s;
    size_t n, i;
} ev__sq_lexer;

void ev__sq_lex_next(ev__sq_lexer *lx, ev__sq_token *t);

#endif
