/*
 * formats_int.h - what the readers of the formats module share: a chunked
 * byte source (plain file, gzip, memory) with the encoding layer, a line
 * reader on top of it for the tagged text formats, and the per-format parse
 * entry points that parse.c dispatches to.
 */
#ifndef EV_FORMATS_INT_H
#define EV_FORMATS_INT_H

#include "evident/ev_formats.h"

/* ---- byte source ----------------------------------------------------------- */

typedef struct ev__reader ev__reader;

/* Encoding handling requested by a parser. */
typedef enum ev__encoding_mode {
    EV__ENC_RAW,          /* bytes as they are, BOM kept (XML: expat decides) */
    EV__ENC_UTF8_STRICT,  /* invalid UTF-8 is an error */
    EV__ENC_UTF8_OR_1252  /* invalid UTF-8 in a file with no valid multi-byte
                             UTF-8 before it: convert from Windows-1252 */
} ev__encoding_mode;

/* Open a file (gzip detected by its magic bytes). *out belongs to the caller
 * (ev__reader_free). EV_EIO if it cannot be opened. */
ev_status ev__reader_open_file(ev__reader **out, const char *path, ev_error *err);
/* Read from memory (borrowed: must outlive the reader). */
ev_status ev__reader_open_buffer(ev__reader **out, const char *name, const char *data, size_t n,
                                 ev_error *err);
void ev__reader_free(ev__reader *r);

/* The first bytes of the (decompressed) content, for detection, without
 * consuming them. *n may be smaller than asked near EOF. */
ev_status ev__reader_peek(ev__reader *r, const char **data, size_t *n, ev_error *err);
/* Switch the encoding layer (before the first ev__reader_read). Default:
 * EV__ENC_UTF8_STRICT. Except in RAW mode a UTF-8 BOM is removed and a
 * UTF-16 BOM is refused. */
void ev__reader_set_encoding(ev__reader *r, ev__encoding_mode mode);
/* Next chunk of UTF-8 content (after BOM removal and any Windows-1252
 * conversion). *n == 0 at end of input. The chunk is borrowed until the next
 * call. Errors: EV_EIO (read/gzip failure, truncated gzip), EV_EINPUT
 * (binary content: NUL bytes; invalid UTF-8 in strict mode), with the byte
 * offset. */
ev_status ev__reader_read(ev__reader *r, const char **data, size_t *n, ev_error *err);
/* Name for messages; total compressed size (0 if unknown) and bytes consumed
 * so far, for progress. */
const char *ev__reader_name(const ev__reader *r);
uint64_t ev__reader_size(const ev__reader *r);
uint64_t ev__reader_consumed(const ev__reader *r);
/* "UTF-8" or "Windows-1252 (converted)". Static string. */
const char *ev__reader_encoding(const ev__reader *r);
/* Feed `h` (borrowed) the file's bytes as they are read; call before the
 * first peek or read. Only an uncompressed file is hashed; hashed_whole is
 * true once such a file has been read to its end. */
void ev__reader_hash(ev__reader *r, ev_sha256 *h);
bool ev__reader_hashed_whole(const ev__reader *r);

/* ---- lines --------------------------------------------------------------------- */

/* Line reader over an ev__reader: lines without their terminator ("\n",
 * "\r\n" or lone "\r"), numbered from 1. Lines longer than `max_line` bytes
 * fail with EV_EINPUT naming the line. */
typedef struct ev__lines {
    ev__reader *r;
    ev_buf line;       /* the current line */
    ev_buf pending;    /* unread bytes of the current chunk */
    size_t pending_off;
    size_t line_no;    /* 1-based number of the current line */
    uint64_t offset;   /* byte offset of the current line's start */
    uint64_t next_offset;
    bool eof;
    bool cr_pending;   /* last chunk ended in '\r' */
} ev__lines;

void ev__lines_init(ev__lines *l, ev__reader *r, size_t max_line);
void ev__lines_release(ev__lines *l);
/* Next line into l->line; *got false at end of input. */
ev_status ev__lines_next(ev__lines *l, bool *got, ev_error *err);

/* ---- parsers ------------------------------------------------------------------- */

/* Each parser reads the whole input from `r` and hands records to the sink.
 * `stats` is never NULL here (parse.c passes its own). */
typedef ev_status (*ev__parse_fn)(ev__reader *r, const ev_parse_options *opts,
                                  const ev_parse_sink *sink, ev_parse_stats *stats,
                                  ev_error *err);

ev_status ev__parse_medline_xml(ev__reader *r, const ev_parse_options *opts,
                                const ev_parse_sink *sink, ev_parse_stats *stats, ev_error *err);
ev_status ev__parse_medline(ev__reader *r, const ev_parse_options *opts,
                            const ev_parse_sink *sink, ev_parse_stats *stats, ev_error *err);
ev_status ev__parse_ris(ev__reader *r, const ev_parse_options *opts, const ev_parse_sink *sink,
                        ev_parse_stats *stats, ev_error *err);
ev_status ev__parse_bibtex(ev__reader *r, const ev_parse_options *opts,
                           const ev_parse_sink *sink, ev_parse_stats *stats, ev_error *err);
ev_status ev__parse_endnote_xml(ev__reader *r, const ev_parse_options *opts,
                                const ev_parse_sink *sink, ev_parse_stats *stats, ev_error *err);
ev_status ev__parse_wos(ev__reader *r, const ev_parse_options *opts, const ev_parse_sink *sink,
                        ev_parse_stats *stats, ev_error *err);
ev_status ev__parse_csv(ev__reader *r, const ev_parse_options *opts, const ev_parse_sink *sink,
                        ev_parse_stats *stats, ev_error *err);

/* Helpers for parsers: report a record-level warning through the sink (and
 * count it); report progress (returns EV_ECANCEL if the callback said stop). */
void ev__warn(const ev_parse_sink *sink, ev_parse_stats *stats, const char *name, size_t line,
              const char *fmt, ...) EV_PRINTF(5, 6);
ev_status ev__progress(const ev_parse_sink *sink, ev__reader *r, ev_error *err);
/* Deliver a finished record: checks (no title -> warning), counts, calls the
 * sink. */
ev_status ev__emit(const ev_parse_sink *sink, ev_parse_stats *stats, ev__reader *r,
                   ev_record *rec, ev_error *err);

#endif /* EV_FORMATS_INT_H */
