/* atlaas-taxonomy.h: the 4 axes, 12 enjeux, 28 usages and 150 services
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ATLAAS_THEME_LEVEL_AXIS,     /* axe: "1" */
  ATLAAS_THEME_LEVEL_ENJEU,    /* enjeu: "1a" */
  ATLAAS_THEME_LEVEL_USAGE,    /* usage: "1a1" */
  ATLAAS_THEME_LEVEL_SERVICE,  /* service: "1a1-01" */
} AtlaasThemeLevel;

#define ATLAAS_TAXONOMY_ERROR (atlaas_taxonomy_error_quark ())

typedef enum
{
  ATLAAS_TAXONOMY_ERROR_INVALID_FILE,  /* taxonomy.json is malformed */
} AtlaasTaxonomyError;

typedef struct _AtlaasTheme AtlaasTheme;
struct _AtlaasTheme
{
  char *id;
  char *label;
  AtlaasThemeLevel level;
  AtlaasTheme *parent;   /* borrowed; NULL for an axe */
  GPtrArray *children;   /* AtlaasTheme *, borrowed from the taxonomy */
  guint index;           /* position in atlaas_taxonomy_get_all () */
};

typedef struct _AtlaasTaxonomy AtlaasTaxonomy;

GQuark          atlaas_taxonomy_error_quark    (void);

/* Loads data/taxonomy.json (the format written by tools/gen-taxonomy.py). */
AtlaasTaxonomy *atlaas_taxonomy_new_from_file  (const char     *path,
                                                GError        **error);
AtlaasTaxonomy *atlaas_taxonomy_new_from_bytes (GBytes         *bytes,
                                                GError        **error);
/* The bundled taxonomy, found through atlaas_data_find_file (), loaded once
 * and shared. Returns a new reference: release it with atlaas_taxonomy_unref (). */
AtlaasTaxonomy *atlaas_taxonomy_get_default    (GError        **error);
AtlaasTaxonomy *atlaas_taxonomy_ref            (AtlaasTaxonomy *taxonomy);
void            atlaas_taxonomy_unref          (AtlaasTaxonomy *taxonomy);

/* Axes in order, each with its children. */
GPtrArray         *atlaas_taxonomy_get_axes    (AtlaasTaxonomy *taxonomy);
/* Every node, depth first, in label order of the guide. */
GPtrArray         *atlaas_taxonomy_get_all     (AtlaasTaxonomy *taxonomy);
const AtlaasTheme *atlaas_taxonomy_lookup      (AtlaasTaxonomy *taxonomy,
                                                const char     *id);
guint              atlaas_taxonomy_count_level (AtlaasTaxonomy *taxonomy,
                                                AtlaasThemeLevel level);
/* Index 0–3 of the axe a node belongs to. */
guint              atlaas_theme_get_axis_index (const AtlaasTheme *theme);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlaasTaxonomy, atlaas_taxonomy_unref)

G_END_DECLS
