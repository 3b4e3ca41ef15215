/* atlaas-cluster-index.h: hierarchical greedy point clustering per zoom
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The method of Mapbox's supercluster. Points are projected to Web Mercator
 * [0, 1]². Then, from max_zoom + 1 down to min_zoom, each level greedily
 * merges the points of the level below that lie within `radius` pixels of a
 * seed point, on tiles `extent` pixels wide, over a static spatial index. */
typedef struct
{
  int radius;      /* pixels, default 40 */
  int extent;      /* tile width in pixels, default 512 */
  int min_points;  /* smallest group that becomes a cluster, default 2 */
  int min_zoom;    /* default 0 */
  int max_zoom;    /* deepest zoom with clusters, default 16 */
} AtlaasClusterOptions;

#define ATLAAS_CLUSTER_OPTIONS_DEFAULT { 40, 512, 2, 0, 16 }

typedef struct
{
  double longitude;
  double latitude;
  guint32 count;       /* 1 for a single point */
  guint32 id;          /* a point's index in the input when count == 1, else a cluster id */
  guint32 axis_bits;   /* OR of the points' `bits` (per-axe flags) */
  gboolean is_cluster;
} AtlaasCluster;

typedef struct _AtlaasClusterIndex AtlaasClusterIndex;

AtlaasClusterIndex *atlaas_cluster_index_new   (const AtlaasClusterOptions *options);
void                atlaas_cluster_index_free  (AtlaasClusterIndex *index);

/* Builds the index over n points; `bits` may be NULL. Replaces any earlier
 * load. Points with non-finite coordinates are skipped. */
void     atlaas_cluster_index_load             (AtlaasClusterIndex *index,
                                                const double       *longitudes,
                                                const double       *latitudes,
                                                const guint32      *bits,
                                                gsize               n_points);

/* Appends to `out` (a GArray of AtlaasCluster) the clusters and single points
 * at `zoom` inside the box. West may be greater than east when the box crosses
 * the antimeridian, and a box wider than 360° returns the whole world. */
void     atlaas_cluster_index_get_clusters     (AtlaasClusterIndex *index,
                                                double              west,
                                                double              south,
                                                double              east,
                                                double              north,
                                                int                 zoom,
                                                GArray             *out);

/* The cluster's direct children one zoom deeper; FALSE if the id is unknown. */
gboolean atlaas_cluster_index_get_children     (AtlaasClusterIndex *index,
                                                guint32             cluster_id,
                                                GArray             *out);

/* Appends up to `limit` input point indices (guint32) of the cluster, skipping
 * the first `offset`; FALSE if the id is unknown. */
gboolean atlaas_cluster_index_get_leaves       (AtlaasClusterIndex *index,
                                                guint32             cluster_id,
                                                guint               limit,
                                                guint               offset,
                                                GArray             *out);

/* The zoom at which the cluster splits into several children, or -1. */
int      atlaas_cluster_index_get_expansion_zoom (AtlaasClusterIndex *index,
                                                  guint32             cluster_id);

gsize    atlaas_cluster_index_get_n_points     (AtlaasClusterIndex *index);
const AtlaasClusterOptions *
         atlaas_cluster_index_get_options      (AtlaasClusterIndex *index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlaasClusterIndex, atlaas_cluster_index_free)

G_END_DECLS
