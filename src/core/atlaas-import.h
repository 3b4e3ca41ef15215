/* atlaas-import.h: importing JSON files of actions into the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "atlaas-gazetteer.h"
#include "atlaas-json.h"
#include "atlaas-store.h"
#include "atlaas-taxonomy.h"

G_BEGIN_DECLS

#define ATLAAS_IMPORT_ERROR (atlaas_import_error_quark ())

typedef enum
{
  ATLAAS_IMPORT_ERROR_UNKNOWN_FORMAT,  /* neither Atlaas nor Hinaura */
} AtlaasImportError;

typedef enum
{
  ATLAAS_IMPORT_FORMAT_ATLAAS,   /* docs/format.md, wrapped or a bare array */
  ATLAAS_IMPORT_FORMAT_HINAURA,  /* the Hinaura array of mediation places */
} AtlaasImportFormat;

typedef struct
{
  AtlaasImportFormat format;
  guint n_records;      /* records in the document, rejected ones included */
  guint n_added;        /* new ids */
  guint n_updated;      /* known ids whose content changed */
  guint n_unchanged;    /* known ids with the same content: not rewritten */
  GPtrArray *rejected;  /* AtlaasJsonRejection *, by index */
  GPtrArray *warnings;  /* char *: records imported, but with something to check */
} AtlaasImportReport;

GQuark      atlaas_import_error_quark    (void);

/* Imports a file of either format into the store. Invalid records are
 * skipped and listed in the report; the rest are written in one transaction.
 * Returns NULL, with the store untouched, when the file cannot be read, is
 * not valid JSON, is of an unknown format, or the store fails.
 *
 * An id already in the store is rewritten only when its content changed.
 * Then its revision grows by one and updated_at becomes now, unless the
 * record carries its own revision (Atlaas format), which is kept. A record
 * older than the stored revision is skipped with a warning.
 *
 * `taxonomy` and `gazetteer` may be NULL for the bundled ones. */
AtlaasImportReport *atlaas_import_file   (AtlaasStore      *store,
                                          const char       *path,
                                          AtlaasTaxonomy   *taxonomy,
                                          AtlaasGazetteer  *gazetteer,
                                          GError          **error);
AtlaasImportReport *atlaas_import_data   (AtlaasStore      *store,
                                          const char       *data,
                                          gsize             length,
                                          AtlaasTaxonomy   *taxonomy,
                                          AtlaasGazetteer  *gazetteer,
                                          GError          **error);
void        atlaas_import_report_free    (AtlaasImportReport *report);

/* Converts the records of a Hinaura document to actions; bad records go to
 * `rejected` (AtlaasJsonRejection *), notes to `warnings` (char *). */
GPtrArray  *atlaas_import_read_hinaura   (JsonArray        *records,
                                          AtlaasGazetteer  *gazetteer,
                                          AtlaasTaxonomy   *taxonomy,
                                          GPtrArray        *rejected,
                                          GPtrArray        *warnings);

/* Renders opening hours in OpenStreetMap syntax ("Tu-Fr 09:00-12:00,
 * 14:00-17:00; Sa 09:00-12:00") as French text ("Du mardi au vendredi de
 * 9 h à 12 h et de 14 h à 17 h ; le samedi de 9 h à 12 h"). Handles weekday
 * lists and ranges, "off" and rules without days (every day). As in OSM, a
 * later rule replaces an earlier one for the days it names. Returns NULL for
 * anything else (public holidays, months, "24/7"). */
/* Whether atlaas_import_data() reads ROOT as a Hinaura list. */
gboolean    atlaas_import_is_hinaura     (JsonNode         *root);

char       *atlaas_import_format_opening_hours (const char *hours);

/* The taxonomy service ids for a Hinaura service label (NULL-terminated),
 * or NULL when the label is not in the crosswalk. */
const char *const *atlaas_import_hinaura_services (const char *label);

/* Every label of the crosswalk, NULL-terminated, in table order. */
const char *const *atlaas_import_hinaura_labels   (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlaasImportReport, atlaas_import_report_free)

G_END_DECLS
