/* atlaas-window.h: the main window, with the map and the search panel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <shumate/shumate.h>

#include "atlaas-action-sheet.h"
#include "atlaas-map-layer.h"
#include "atlaas-store.h"

G_BEGIN_DECLS

#define ATLAAS_TYPE_WINDOW (atlaas_window_get_type ())
G_DECLARE_FINAL_TYPE (AtlaasWindow, atlaas_window, ATLAAS, WINDOW, AdwApplicationWindow)

/* Mainland France, the start view when no position was saved. */
#define ATLAAS_START_LATITUDE   46.6
#define ATLAAS_START_LONGITUDE   2.5

AtlaasWindow      *atlaas_window_new              (AdwApplication *application);

/* Starts loading the map points of `store`. */
void               atlaas_window_load_store       (AtlaasWindow   *self,
                                                   AtlaasStore    *store);
void               atlaas_window_show_toast       (AtlaasWindow   *self,
                                                   const char     *message);
/* Shows a spinner in the header bar and `message` in a toast while a long
 * task runs; NULL ends it. */
void               atlaas_window_set_busy         (AtlaasWindow   *self,
                                                   const char     *message);
/* Covers the map with a status page that stays until the window closes:
 * the store could not be opened, and `description` gives the cause and what to do. */
void               atlaas_window_show_store_error (AtlaasWindow   *self,
                                                   const char     *title,
                                                   const char     *description);
/* Replaces the search panel on the right of the map. */
void               atlaas_window_set_sidebar      (AtlaasWindow   *self,
                                                   GtkWidget      *sidebar);
GtkWidget         *atlaas_window_get_sidebar      (AtlaasWindow   *self);

/* Opens (or reuses) the sheet window of an action of the store. */
gboolean           atlaas_window_open_action      (AtlaasWindow   *self,
                                                   gint64          rowid,
                                                   GError        **error);

ShumateMap        *atlaas_window_get_map          (AtlaasWindow   *self);
AtlaasMapLayer    *atlaas_window_get_map_layer    (AtlaasWindow   *self);
/* The sheet window last opened, or NULL. */
AtlaasActionSheet *atlaas_window_get_action_sheet (AtlaasWindow   *self);

G_END_DECLS
