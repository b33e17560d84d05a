/*
 * bib_int.h - helpers shared by the BibTeX, CSV and EndNote XML readers:
 * LaTeX-to-Unicode conversion of BibTeX values, refusal of legacy
 * double-byte encodings, and list splitting for author and keyword cells.
 */
#ifndef EV_BIB_INT_H
#define EV_BIB_INT_H

#include "formats_int.h"

/* Append the plain Unicode text of the LaTeX/BibTeX value s[0..n) to `out`:
 * accents ({\"o}, \'e, \c{c}) and named symbols (\ss, \o, \textendash,
 * Greek letters) become UTF-8, formatting commands (\emph, \textit) keep
 * their argument, braces and math dollars are dropped, "--" and "---" become
 * en and em dashes, "~" a space, and runs of white space one space (trimmed
 * at both ends). EV_OK or EV_ENOMEM / EV_EINPUT (buffer cap). */
ev_status ev__latex_to_utf8(ev_buf *out, const char *s, size_t n);

/* True when the first bytes of a file are not UTF-8 and look like a
 * double-byte CJK encoding (GBK, Big5, Shift-JIS, EUC): most non-ASCII bytes
 * come in runs of two or more. Windows-1252 text has mostly isolated ones. */
bool ev__looks_legacy_cjk(const char *head, size_t n);

/* Refuse input whose head looks like a legacy CJK encoding (EV_EINPUT with a
 * message naming the file); EV_OK otherwise. */
ev_status ev__refuse_legacy_cjk(ev__reader *r, ev_error *err);

/* Split "a; b; c" on `sep` (any of the bytes in sep) and push each trimmed
 * part as a keyword. */
ev_status ev__push_keywords(ev_record *rec, const char *s, size_t n, const char *sep);

#endif /* EV_BIB_INT_H */
