/*
 * json.c - reading the JSON values chart hands out (ev_chart_values) with
 * jansson: one string, one number, a field of an object, an element of an
 * array. Malformed or absent values read as "absent" (false), never as an
 * error: the values come from chart's own serialiser.
 */
#include "report_int.h"

#include <jansson.h>

/* Parse `json` and descend to `key` (NULL: the value itself) and then to
 * array element `index` (SIZE_MAX: none). The returned root must be
 * released with json_decref; *at is borrowed from it. */
static json_t *value_at(const char *json, const char *key, size_t index, json_t **at)
{
    *at = NULL;
    if (json == NULL)
        return NULL;
    json_t *root = json_loads(json, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    json_t *v = root;
    if (v && key)
        v = json_is_object(v) ? json_object_get(v, key) : NULL;
    if (v && index != SIZE_MAX)
        v = json_is_array(v) ? json_array_get(v, index) : NULL;
    *at = v;
    return root;
}

bool ev__rj_string(const char *json, const char *key, size_t index, char **out)
{
    json_t *v;
    json_t *root = value_at(json, key, index, &v);
    bool ok = json_is_string(v);
    if (ok) {
        *out = ev_strndup(json_string_value(v), json_string_length(v));
        ok = *out != NULL;
    }
    json_decref(root);
    return ok;
}

bool ev__rj_number(const char *json, const char *key, double *out)
{
    json_t *v;
    json_t *root = value_at(json, key, SIZE_MAX, &v);
    bool ok = json_is_number(v) || json_is_null(v);
    if (ok)
        *out = json_is_null(v) ? NAN : json_number_value(v);
    json_decref(root);
    return ok;
}
