/* atlaas-json.h: the Atlaas JSON format of actions (docs/format.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "atlaas-action.h"
#include "atlaas-gazetteer.h"
#include "atlaas-taxonomy.h"

G_BEGIN_DECLS

#define ATLAAS_JSON_ERROR (atlaas_json_error_quark ())

typedef enum
{
  ATLAAS_JSON_ERROR_PARSE,      /* not valid JSON */
  ATLAAS_JSON_ERROR_TOO_DEEP,   /* nested deeper than ATLAAS_JSON_MAX_DEPTH */
  ATLAAS_JSON_ERROR_RANGE,      /* an integer outside the signed 64-bit range */
  ATLAAS_JSON_ERROR_FORMAT,     /* valid JSON, but not a document of this format */
  ATLAAS_JSON_ERROR_INVALID,    /* one record has a missing or mistyped field */
} AtlaasJsonError;

/* Deepest nesting of arrays and objects accepted. json-glib 1.6 overflows the
 * stack on about 100,000 levels and has no limit of its own; real documents
 * of this format nest 4 levels. */
#define ATLAAS_JSON_MAX_DEPTH 64

#define ATLAAS_JSON_FORMAT_NAME "atlaas"
#define ATLAAS_JSON_FORMAT_VERSION 1

/* A record of a document that was not imported: its index in the document's
 * array of records (from 0), its id when it had a readable one, and why. */
typedef struct
{
  guint index;
  char *id;
  char *reason;
} AtlaasJsonRejection;

typedef struct
{
  GPtrArray *actions;    /* AtlaasAction *, in document order */
  GPtrArray *rejected;   /* AtlaasJsonRejection * */
  GPtrArray *warnings;   /* char *: data kept but changed or dropped */
} AtlaasJsonReadResult;

GQuark     atlaas_json_error_quark      (void);

/* Checks nesting depth and integer ranges on the raw bytes, then parses. */
JsonNode  *atlaas_json_parse            (const char   *data,
                                         gssize        length,
                                         GError      **error);

JsonNode  *atlaas_json_action_to_node   (const AtlaasAction *action);

/* Reads one action object. `legacy` converts HTML in text fields to plain
 * text and accepts the original atlas's fields (id_action, location).
 * `taxonomy` (may be NULL) maps service objects {id_service, axe, enjeu,
 * usage, service} to ids by their label and drops unknown ids with a warning;
 * `gazetteer` (may be NULL) fills the département and région of places from
 * id_insee. Absent revision and updated_at read as 0, "not given". */
AtlaasAction *atlaas_json_action_from_node (JsonNode        *node,
                                            gboolean         legacy,
                                            AtlaasTaxonomy  *taxonomy,
                                            AtlaasGazetteer *gazetteer,
                                            GPtrArray       *warnings,
                                            GError         **error);

/* Writes {"format":"atlaas","version":1,"actions":[…]}. */
char      *atlaas_json_write_actions    (GPtrArray    *actions,
                                         gboolean      pretty,
                                         gsize        *length);

/* Reads a document of the Atlaas format, wrapped or as a bare array of
 * actions. A bare array is taken as the original atlas's data, whose text
 * fields may hold HTML. Fails only when the document as a whole is unusable;
 * bad records land in `rejected`. */
AtlaasJsonReadResult *atlaas_json_read_actions (JsonNode        *root,
                                                AtlaasTaxonomy  *taxonomy,
                                                AtlaasGazetteer *gazetteer,
                                                GError         **error);
void       atlaas_json_read_result_free (AtlaasJsonReadResult *result);

void       atlaas_json_rejection_free   (AtlaasJsonRejection *rejection);
AtlaasJsonRejection *atlaas_json_rejection_new (guint       index,
                                                const char *id,
                                                const char *reason);

/* Converts HTML as the original atlas stored it (<br/>, <p>, lists,
 * entities) to plain text with paragraphs separated by a blank line. Text
 * without tags or entities comes back stripped but otherwise unchanged. */
char      *atlaas_json_html_to_text     (const char   *html);

/* Maps a pre-2016 INSEE région code ("82" Rhône-Alpes) to the current one
 * ("84" Auvergne-Rhône-Alpes); current codes map to themselves, and unknown
 * codes return NULL. */
const char *atlaas_json_map_legacy_region (const char *code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlaasJsonReadResult, atlaas_json_read_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlaasJsonRejection, atlaas_json_rejection_free)

G_END_DECLS
