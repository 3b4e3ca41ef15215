/* atlaas-sidebar.h: the search panel: keywords, themes, chips and results
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <shumate/shumate.h>

#include "atlaas-map-layer.h"
#include "atlaas-result-list.h"
#include "atlaas-theme-tree.h"

G_BEGIN_DECLS

#define ATLAAS_TYPE_SIDEBAR (atlaas_sidebar_get_type ())
G_DECLARE_FINAL_TYPE (AtlaasSidebar, atlaas_sidebar, ATLAAS, SIDEBAR, GtkBox)

/* The panel searches the store that `layer` loads, each time it loads,
 * and makes `layer` show the actions found. */
GtkWidget        *atlaas_sidebar_new              (ShumateMap     *map,
                                                   AtlaasMapLayer *layer);

void              atlaas_sidebar_focus_search     (AtlaasSidebar  *self);
/* Replaces the keywords; the search runs after the entry's short delay. */
void              atlaas_sidebar_set_text         (AtlaasSidebar  *self,
                                                   const char     *text);
/* TRUE from a change of keywords or themes until its results are shown. */
gboolean          atlaas_sidebar_get_busy         (AtlaasSidebar  *self);
/* The actions of the last search, best first: rowids (gint64) owned by
 * the panel. The list shows these, or those of them in the visible area. */
GArray           *atlaas_sidebar_get_hits         (AtlaasSidebar  *self);
AtlaasResultList *atlaas_sidebar_get_results      (AtlaasSidebar  *self);

GtkSearchEntry   *atlaas_sidebar_get_search_entry (AtlaasSidebar  *self);
AtlaasThemeTree  *atlaas_sidebar_get_theme_tree   (AtlaasSidebar  *self);
GtkFlowBox       *atlaas_sidebar_get_chips        (AtlaasSidebar  *self);
GtkListView      *atlaas_sidebar_get_result_view  (AtlaasSidebar  *self);
GtkLabel         *atlaas_sidebar_get_count_label  (AtlaasSidebar  *self);
GtkCheckButton   *atlaas_sidebar_get_area_check   (AtlaasSidebar  *self);

G_END_DECLS
