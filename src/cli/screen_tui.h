/*
 * screen_tui.h - the full-screen terminal screener behind
 * `evident screen REVIEW --as NAME` (screen_tui.c).
 */
#ifndef EV_CLI_SCREEN_TUI_H
#define EV_CLI_SCREEN_TUI_H

#include "evident/ev_store.h"

#include <stdbool.h>

/* Screen records one at a time as `as` (stage NULL = the first with work).
 * plain: line mode, one command per line on stdin, no escape sequences.
 * Returns a CLI exit code; refuses (1) without a terminal unless plain. */
int ev_cli_screen_tui(ev_store *s, const char *review, const char *as, const char *stage,
                      bool plain);

#endif
