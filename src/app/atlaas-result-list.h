/* atlaas-result-list.h: the search results as a list model read on demand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "atlaas-gazetteer.h"
#include "atlaas-result-item.h"
#include "atlaas-store.h"

G_BEGIN_DECLS

/* A GListModel of AtlaasResultItem over an array of action rowids. An item
 * is read from the store only when the model is first requested for it. A
 * GtkListView requests the rows around the visible ones, at most 200 in
 * GTK 4.8, so a list of 100,000 results costs the array and those rows. */
#define ATLAAS_TYPE_RESULT_LIST (atlaas_result_list_get_type ())
G_DECLARE_FINAL_TYPE (AtlaasResultList, atlaas_result_list, ATLAAS, RESULT_LIST, GObject)

AtlaasResultList *atlaas_result_list_new        (void);

/* The store the items are read from; `gazetteer` (may be NULL) names the
 * départements. Items already read are kept. */
void              atlaas_result_list_set_store  (AtlaasResultList *self,
                                                 AtlaasStore      *store,
                                                 AtlaasGazetteer  *gazetteer);
/* Replaces the list with these rowids, in this order. Does nothing, and
 * emits no "items-changed", when the list already has exactly these. */
void              atlaas_result_list_set_rowids (AtlaasResultList *self,
                                                 const gint64     *rowids,
                                                 guint             n_rowids);
gint64            atlaas_result_list_get_rowid  (AtlaasResultList *self,
                                                 guint             position);
/* How many items were read from the store since the last set_rowids (). */
guint             atlaas_result_list_get_n_read (AtlaasResultList *self);

G_END_DECLS
