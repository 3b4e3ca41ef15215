/* atlaas-map-layer.h: clustered actions drawn over the map
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <shumate/shumate.h>

#include "atlaas-cluster-index.h"
#include "atlaas-gazetteer.h"
#include "atlaas-store.h"
#include "atlaas-taxonomy.h"

G_BEGIN_DECLS

#define ATLAAS_TYPE_MAP_LAYER (atlaas_map_layer_get_type ())
G_DECLARE_FINAL_TYPE (AtlaasMapLayer, atlaas_map_layer, ATLAAS, MAP_LAYER, ShumateLayer)

typedef enum
{
  ATLAAS_MAP_ITEM_CLUSTER,  /* several actions, drawn as a disc with a count */
  ATLAAS_MAP_ITEM_ACTION,   /* one action */
  ATLAAS_MAP_ITEM_GROUP,    /* several actions at one exact position */
} AtlaasMapItemKind;

/* What the layer draws at one spot, in widget coordinates. */
typedef struct
{
  AtlaasMapItemKind kind;
  double longitude;
  double latitude;
  double x;
  double y;
  double radius;        /* pixels, for hit tests */
  guint count;          /* actions under the item */
  guint32 cluster_id;   /* for ATLAAS_MAP_ITEM_CLUSTER */
  guint32 point;        /* index in the point set of the (first) action otherwise */
} AtlaasMapItem;

typedef enum
{
  ATLAAS_MAP_CLICK_NONE,     /* nothing under the pointer */
  ATLAAS_MAP_CLICK_ZOOM,     /* a cluster: the map zooms to where it splits */
  ATLAAS_MAP_CLICK_POPOVER,  /* one action: its popover opened */
  ATLAAS_MAP_CLICK_LIST,     /* actions at one position: a popover lists them */
  ATLAAS_MAP_CLICK_PENDING,  /* a proposal of the outbox: its popover opened */
} AtlaasMapClick;

AtlaasMapLayer *atlaas_map_layer_new            (ShumateMap     *map);

/* Loads the store's points, the taxonomy and the gazetteer and builds the
 * cluster index in a worker thread; "loaded" turns TRUE when it is done. */
void            atlaas_map_layer_load           (AtlaasMapLayer *self,
                                                 AtlaasStore    *store);
gboolean        atlaas_map_layer_get_loaded     (AtlaasMapLayer *self);
gsize           atlaas_map_layer_get_n_points   (AtlaasMapLayer *self);
AtlaasStore    *atlaas_map_layer_get_store      (AtlaasMapLayer *self);
AtlaasTaxonomy *atlaas_map_layer_get_taxonomy   (AtlaasMapLayer *self);
AtlaasGazetteer *atlaas_map_layer_get_gazetteer (AtlaasMapLayer *self);
/* The zoom whose clusters are drawn: the viewport's, rounded down. */
int             atlaas_map_layer_get_cluster_zoom (AtlaasMapLayer *self);
/* The index built by the last load, or NULL before it. */
AtlaasClusterIndex *atlaas_map_layer_get_cluster_index (AtlaasMapLayer *self);

/* The items drawn for the current viewport and widget size: a GArray of
 * AtlaasMapItem owned by the layer, valid until the viewport changes. */
GArray         *atlaas_map_layer_get_visible_items (AtlaasMapLayer *self);

/* Appends the store rowids of the actions under an item to `out` (gint64). */
void            atlaas_map_layer_get_item_rowids (AtlaasMapLayer      *self,
                                                  const AtlaasMapItem *item,
                                                  GArray              *out);

/* What a primary click does, as if the user clicked there. */
AtlaasMapClick  atlaas_map_layer_click_at       (AtlaasMapLayer *self,
                                                 double          x,
                                                 double          y);
AtlaasMapClick  atlaas_map_layer_click_item     (AtlaasMapLayer      *self,
                                                 const AtlaasMapItem *item);

/* The popover of the last click on an action or a group, or NULL. */
GtkPopover     *atlaas_map_layer_get_popover    (AtlaasMapLayer *self);

/* Draws only the actions with these store rowids, in any order; NULL draws
 * them all. The subset's cluster index is built in a worker thread, and
 * "filter-pending" is TRUE until it is drawn. A filter set before the
 * points load applies when they do, and again after each load. */
void            atlaas_map_layer_set_filter     (AtlaasMapLayer *self,
                                                 const gint64   *rowids,
                                                 gsize           n_rowids);
gboolean        atlaas_map_layer_get_filter_pending (AtlaasMapLayer *self);
/* Centres the map on one of the drawn actions, zooms in until it is no
 * longer part of a cluster, and opens its popover. Returns FALSE when the
 * action is not drawn, because it has no position or the filter hides it. */
gboolean        atlaas_map_layer_show_action    (AtlaasMapLayer *self,
                                                 gint64          rowid);
/* The rowids (gint64) of all the loaded actions, filtered or not, that lie
 * inside the visible part of the map; an action with several places
 * appears once per visible place. */
GArray         *atlaas_map_layer_get_rowids_in_view (AtlaasMapLayer *self);


/* Re-reads the outbox: its pending proposals with a position are drawn
 * on top of the clusters as orange rings, one per place, never clustered.
 * atlaas_map_layer_load() calls it too. */
void            atlaas_map_layer_reload_pending (AtlaasMapLayer *self);
guint           atlaas_map_layer_get_n_pending  (AtlaasMapLayer *self);
gboolean        atlaas_map_layer_get_pending_position (AtlaasMapLayer *self,
                                                       guint           index,
                                                       double         *latitude,
                                                       double         *longitude);
/* The popover of the last click on a pending proposal. */
GtkPopover     *atlaas_map_layer_get_pending_popover (AtlaasMapLayer *self);

G_END_DECLS
