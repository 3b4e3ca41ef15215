/* atlaas-theme-tree.h: axes → enjeux → usages → services with check boxes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "atlaas-taxonomy.h"
#include "atlaas-theme-node.h"

G_BEGIN_DECLS

#define ATLAAS_TYPE_THEME_TREE (atlaas_theme_tree_get_type ())
G_DECLARE_FINAL_TYPE (AtlaasThemeTree, atlaas_theme_tree, ATLAAS, THEME_TREE, GtkWidget)

GtkWidget       *atlaas_theme_tree_new             (void);

/* Fills the tree; replaces any earlier taxonomy and clears the checks. */
void             atlaas_theme_tree_set_taxonomy    (AtlaasThemeTree *self,
                                                    AtlaasTaxonomy  *taxonomy);
/* Sets each node's count from a table of theme id → GUINT_TO_POINTER (count),
 * as atlaas_search_count_themes () returns. Absent nodes count 0, and NULL
 * sets every count to 0. */
void             atlaas_theme_tree_set_counts      (AtlaasThemeTree *self,
                                                    GHashTable      *counts);

/* The selected theme ids, in taxonomy order: a checked node stands for
 * everything under it, so its descendants are not listed. NULL-terminated;
 * empty when nothing is checked. */
GStrv            atlaas_theme_tree_get_checked_ids (AtlaasThemeTree *self);
/* Checks or unchecks the node as a click on its box would: checking selects
 * what is under it, unchecking a node that a parent selects keeps the
 * parent's other children selected. Emits "changed" when the selection
 * changed. FALSE when the id is unknown. */
gboolean         atlaas_theme_tree_set_checked     (AtlaasThemeTree *self,
                                                    const char      *id,
                                                    gboolean         checked);
void             atlaas_theme_tree_clear           (AtlaasThemeTree *self);

AtlaasThemeNode *atlaas_theme_tree_lookup          (AtlaasThemeTree *self,
                                                    const char      *id);
GtkListView     *atlaas_theme_tree_get_list_view   (AtlaasThemeTree *self);

G_END_DECLS
