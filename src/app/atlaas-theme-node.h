/* atlaas-theme-node.h: one row of the theme tree, a taxonomy node with its state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "atlaas-taxonomy.h"

G_BEGIN_DECLS

#define ATLAAS_TYPE_THEME_NODE (atlaas_theme_node_get_type ())
G_DECLARE_FINAL_TYPE (AtlaasThemeNode, atlaas_theme_node, ATLAAS, THEME_NODE, GObject)

/* `theme` is borrowed: its taxonomy must outlive the node. */
AtlaasThemeNode   *atlaas_theme_node_new              (const AtlaasTheme *theme);

const AtlaasTheme *atlaas_theme_node_get_theme        (AtlaasThemeNode   *self);
const char        *atlaas_theme_node_get_id           (AtlaasThemeNode   *self);
const char        *atlaas_theme_node_get_label        (AtlaasThemeNode   *self);
/* The child nodes (a GListModel of AtlaasThemeNode), or NULL for a service. */
GListStore        *atlaas_theme_node_get_children     (AtlaasThemeNode   *self);

/* Matching actions under the node. */
guint              atlaas_theme_node_get_count        (AtlaasThemeNode   *self);
void               atlaas_theme_node_set_count        (AtlaasThemeNode   *self,
                                                       guint              count);
/* Checked: the node, or a node above it, is selected. Inconsistent: it is
 * not, but some node below it is. The theme tree sets both. */
gboolean           atlaas_theme_node_get_checked      (AtlaasThemeNode   *self);
void               atlaas_theme_node_set_checked      (AtlaasThemeNode   *self,
                                                       gboolean           checked);
gboolean           atlaas_theme_node_get_inconsistent (AtlaasThemeNode   *self);
void               atlaas_theme_node_set_inconsistent (AtlaasThemeNode   *self,
                                                       gboolean           inconsistent);

G_END_DECLS
