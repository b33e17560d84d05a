/*
 * record_json_int.h - the field tables record_json.c (writer, equality),
 * record_json_parse.c (reader) and record_bin.c (the store's binary
 * encoding) share: which ev_record members are plain strings, booleans,
 * dates, string lists and key/value lists, by name.
 */
#ifndef EV_RECORD_JSON_INT_H
#define EV_RECORD_JSON_INT_H

#include "evident/ev_record.h"

typedef struct ev__rj_field {
    const char *name;
    size_t off;       /* offset of the member in ev_record */
    size_t count_off; /* lists: offset of the n_ member */
} ev__rj_field;

extern const ev__rj_field ev__rj_strings[];
extern const size_t ev__rj_n_strings;
extern const ev__rj_field ev__rj_bools[];
extern const size_t ev__rj_n_bools;
extern const ev__rj_field ev__rj_dates[];
extern const size_t ev__rj_n_dates;
extern const ev__rj_field ev__rj_str_lists[];
extern const size_t ev__rj_n_str_lists;
extern const ev__rj_field ev__rj_kv_lists[];
extern const size_t ev__rj_n_kv_lists;

/* Member of `rec` at byte offset `off`, as a `type`. */
#define EV__RJ_AT(rec, off, type) ((type *)(void *)((char *)(rec) + (off)))
#define EV__RJ_CAT(rec, off, type) ((type const *)(const void *)((const char *)(rec) + (off)))

#endif /* EV_RECORD_JSON_INT_H */
