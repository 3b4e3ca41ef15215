/* atlaas-result-item.h: one action of the search results, as the list shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "atlaas-gazetteer.h"
#include "atlaas-store.h"

G_BEGIN_DECLS

#define ATLAAS_TYPE_RESULT_ITEM (atlaas_result_item_get_type ())
G_DECLARE_FINAL_TYPE (AtlaasResultItem, atlaas_result_item, ATLAAS, RESULT_ITEM, GObject)

/* Reads the action from the store. When it cannot be read, the item keeps
 * its rowid and its title reports the failure. `gazetteer` may be NULL, and
 * then the place shows the département code. */
AtlaasResultItem *atlaas_result_item_new_from_store (AtlaasStore     *store,
                                                     AtlaasGazetteer *gazetteer,
                                                     gint64           rowid);

gint64            atlaas_result_item_get_rowid      (AtlaasResultItem *self);
const char       *atlaas_result_item_get_title      (AtlaasResultItem *self);
const char       *atlaas_result_item_get_subtitle   (AtlaasResultItem *self);
/* "Annecy (Haute-Savoie)", or NULL when the action has no town. */
const char       *atlaas_result_item_get_place      (AtlaasResultItem *self);
/* The date in words, such as "5 March 2023", or NULL. */
const char       *atlaas_result_item_get_date       (AtlaasResultItem *self);

G_END_DECLS
