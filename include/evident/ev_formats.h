/*
 * ev_formats.h - reading citation exports into ev_records (streaming) and
 * writing records back out.
 *
 * Readers never load a whole file: records are handed to a callback one at a
 * time, so memory stays flat whatever the file size. Formats are detected
 * from content, not from the file name. Gzip-compressed input is read
 * directly. A malformed file fails with EV_EINPUT and an ev_error naming the
 * file, line and column (or byte offset); record-level problems the user can
 * accept (a record with no year) are reported through the warning callback
 * and do not stop the parse.
 *
 * Thread safety: reentrant; distinct parses may run in parallel.
 */
#ifndef EV_FORMATS_H
#define EV_FORMATS_H

#include "ev_core.h"
#include "ev_record.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where parsed data goes. Callbacks return EV_OK to go on; any other status
 * stops the parse and is returned by the parse function (the error is the
 * callback's to fill). Records are borrowed: valid during the call only. */
typedef struct ev_parse_sink {
    ev_status (*record)(ev_record *rec, void *payload);
    /* A PMID listed in a MEDLINE update file's DeleteCitation. May be NULL. */
    ev_status (*deleted)(const char *pmid, void *payload);
    ev_warn_fn warn; /* may be NULL */
    ev_progress_fn progress; /* bytes done / total; may be NULL */
    void *payload;
} ev_parse_sink;

/* CSV column mapping override: "title=Article Title,year=PY" maps evident's
 * field names to header names. NULL = guess from common names. */
typedef struct ev_parse_options {
    ev_format format;        /* EV_FORMAT_UNKNOWN = detect from content */
    const char *csv_mapping; /* see above; may be NULL */
    bool keep_raw;           /* fill rec->raw (needed for lossless export) */
    /* Optional (ev_parse_file only): fed the file's bytes as they are read,
     * so that an importer need not read the file twice to fingerprint it.
     * Only an uncompressed file can be hashed this way (zlib hides a gzip
     * file's own bytes): ev_parse_stats.sha256_whole says whether the hash
     * saw the whole file. Borrowed. */
    ev_sha256 *sha256;
} ev_parse_options;

#define EV_PARSE_OPTIONS_INIT {EV_FORMAT_UNKNOWN, NULL, true, NULL}

typedef struct ev_parse_stats {
    ev_format format;   /* what was read */
    const char *encoding; /* "UTF-8", "Windows-1252 (converted)" (static) */
    uint64_t records;   /* records delivered to the sink */
    uint64_t deleted;   /* DeleteCitation PMIDs delivered */
    uint64_t skipped;   /* records skipped with a warning */
    uint64_t warnings;
    uint64_t bytes;     /* uncompressed bytes read */
    bool sha256_whole;  /* opts->sha256 was fed every byte of the file */
} ev_parse_stats;

/* Guess the format of a file from its first bytes (already decompressed).
 * Returns EV_FORMAT_UNKNOWN when nothing fits. */
EV_EXTERN ev_format ev_format_detect(const char *head, size_t n);

/* Parse the file at `path` (plain or gzip). `opts` and `stats` may be NULL.
 * Returns EV_OK, EV_EINPUT (malformed / wrong encoding / binary / empty /
 * unknown format), EV_EIO (cannot read), EV_ENOMEM, or a status returned by a
 * sink callback. */
EV_EXTERN ev_status ev_parse_file(const char *path, const ev_parse_options *opts,
                                  const ev_parse_sink *sink, ev_parse_stats *stats,
                                  ev_error *err) EV_WARN_UNUSED;

/* Parse an in-memory buffer; `name` is used in messages. Same statuses. */
EV_EXTERN ev_status ev_parse_buffer(const char *name, const char *data, size_t n,
                                    const ev_parse_options *opts, const ev_parse_sink *sink,
                                    ev_parse_stats *stats, ev_error *err) EV_WARN_UNUSED;

/* Append one record in `format` (RIS, MEDLINE, CSV, JSON, BibTeX) to `out`.
 * For CSV, call ev_export_csv_header first. When the record was read from
 * the same format and still holds its raw text, the raw text is written
 * verbatim (lossless round trip). EV_EUSAGE for a format with no writer. */
EV_EXTERN ev_status ev_export_record(ev_buf *out, const ev_record *rec, ev_format format,
                                     ev_error *err) EV_WARN_UNUSED;
EV_EXTERN ev_status ev_export_csv_header(ev_buf *out) EV_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* EV_FORMATS_H */
