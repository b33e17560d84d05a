/*
 * xml_int.h - the expat set-up the XML readers share (PubMed XML, EndNote
 * XML), so that the safety settings live in one place.
 */
#ifndef EV_FORMATS_XML_INT_H
#define EV_FORMATS_XML_INT_H

/* Debian's libexpat is built with DTD support; the declarations of its
 * entity-amplification limits are only visible with XML_DTD defined. */
#ifndef XML_DTD
#define XML_DTD
#endif
#include <expat.h>

/* A new expat parser (NULL on ENOMEM; free with XML_ParserFree) reading the
 * document's own encoding declaration, with `ud` as user data and evident's
 * safety settings: no external entity is ever loaded (no external entity
 * handler, parameter entities never parsed), any entity declaration goes to
 * `on_decl` and any reference expat had to skip (an entity only an external
 * DTD could define) to `on_skipped` — both are expected to stop the parser
 * with an error — and the billion-laughs amplification limits are set. */
XML_Parser ev__xml_parser_new(void *ud, XML_EntityDeclHandler on_decl,
                              XML_SkippedEntityHandler on_skipped);

#endif /* EV_FORMATS_XML_INT_H */
