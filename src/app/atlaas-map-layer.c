/* atlaas-map-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-App"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "atlaas-action-popover.h"
#include "atlaas-drafts.h"
#include "atlaas-map-layer.h"

/* Clusters merge what lies within 60 pixels of a 256-pixel tile, and split
 * completely beyond zoom 16; deeper zooms show single actions. */
#define CLUSTER_RADIUS      60
#define CLUSTER_EXTENT      256
#define CLUSTER_MIN_POINTS  2
#define CLUSTER_MAX_ZOOM    16

#define ACTION_RADIUS       8.0
#define GROUP_HALF_SIZE     12.0
#define HIT_SLOP            4.0
#define PENDING_RADIUS      10.0

/* Extra margin around the widget when querying the index, so that a disc
 * whose centre is just outside still shows its visible part. */
#define QUERY_MARGIN        40.0

/* Everything built in the worker thread. */
typedef struct
{
  AtlaasPointSet *points;
  AtlaasClusterIndex *index;
  AtlaasTaxonomy *taxonomy;
  AtlaasGazetteer *gazetteer;
  /* Points at one exact position form a group: group_head[i] is the smallest
   * index of i's group and group_size[head] its size. */
  guint32 *group_head;
  guint32 *group_size;
} LoadResult;

/* A proposal of the outbox with a position, drawn apart from the clusters. */
typedef struct
{
  double latitude;
  double longitude;
  char *title;
} PendingPoint;

struct _AtlaasMapLayer
{
  ShumateLayer parent_instance;

  /* borrowed */
  ShumateMap *map;

  /* owned */
  AtlaasStore *store;
  LoadResult *data;
  GCancellable *cancellable;
  /* The actions drawn while a filter is set: a subset of data's points with
   * its own index and groups, and no taxonomy or gazetteer. */
  LoadResult *filtered;
  GArray *filter;                   /* sorted gint64 rowids, or NULL for all */
  GCancellable *filter_cancellable; /* of the running filter build, or NULL */
  GArray *items;               /* AtlaasMapItem */
  GArray *scratch;             /* AtlaasCluster, reused by each query */
  GHashTable *layouts;         /* count text → PangoLayout */
  GHashTable *marker_surfaces; /* marker_key () → cairo_surface_t, for the cairo renderer */
  AtlaasActionPopover *popover;
  GArray *pending;             /* PendingPoint */
  GtkWidget *pending_popover;
  GtkWidget *pending_title;

  gboolean items_dirty;
  int items_width;
  int items_height;

  /* The popover's anchor on the map, kept to follow the map when it pans. */
  gboolean popover_anchored;
  double popover_latitude;
  double popover_longitude;
  double popover_radius;
};

G_DEFINE_FINAL_TYPE (AtlaasMapLayer, atlaas_map_layer, SHUMATE_TYPE_LAYER)

enum
{
  PROP_0,
  PROP_MAP,
  PROP_LOADED,
  PROP_FILTER_PENDING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_ACTION_ACTIVATED,
  SIGNAL_LOAD_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
pending_point_clear (PendingPoint *point)
{
  g_clear_pointer (&point->title, g_free);
}

static void
load_result_free (LoadResult *data)
{
  g_clear_pointer (&data->points, atlaas_point_set_free);
  g_clear_pointer (&data->index, atlaas_cluster_index_free);
  g_clear_pointer (&data->taxonomy, atlaas_taxonomy_unref);
  g_clear_pointer (&data->gazetteer, atlaas_gazetteer_unref);
  g_clear_pointer (&data->group_head, g_free);
  g_clear_pointer (&data->group_size, g_free);
  g_free (data);
}

/* What is drawn: the filtered subset when a filter is set, else all. */
static LoadResult *
get_view (AtlaasMapLayer *self)
{
  return self->filtered != NULL ? self->filtered : self->data;
}

static const AtlaasPointSet *
get_points (AtlaasMapLayer *self)
{
  return get_view (self) != NULL ? get_view (self)->points : NULL;
}

static int
compare_positions (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  const AtlaasPointSet *points = user_data;
  guint32 i = *(const guint32 *) a;
  guint32 j = *(const guint32 *) b;

  if (points->longitudes[i] != points->longitudes[j])
    return points->longitudes[i] < points->longitudes[j] ? -1 : 1;
  if (points->latitudes[i] != points->latitudes[j])
    return points->latitudes[i] < points->latitudes[j] ? -1 : 1;

  return i < j ? -1 : (i > j ? 1 : 0);
}

static void
build_groups (LoadResult *data)
{
  const AtlaasPointSet *points = data->points;
  gsize n = points->n_points;
  g_autofree guint32 *order = g_new (guint32, MAX (n, 1));
  gsize start = 0;

  data->group_head = g_new (guint32, MAX (n, 1));
  data->group_size = g_new0 (guint32, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    order[i] = i;
  g_qsort_with_data (order, n, sizeof (guint32), compare_positions, (gpointer) points);

  /* Sorted by position then index, so each run starts with its head. */
  while (start < n)
    {
      gsize end = start + 1;
      guint32 head = order[start];

      while (end < n
             && points->longitudes[order[end]] == points->longitudes[head]
             && points->latitudes[order[end]] == points->latitudes[head])
        end++;

      for (gsize k = start; k < end; k++)
        data->group_head[order[k]] = head;
      data->group_size[head] = end - start;
      start = end;
    }
}

/* Reads the gazetteer (200 to 400 ms) on a thread of its own while
 * load_thread reads the points and builds the index. */
static gpointer
gazetteer_thread (gpointer user_data)
{
  GError **error = user_data;

  return atlaas_gazetteer_get_default (error);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  AtlaasStore *store = task_data;
  AtlaasClusterOptions options = ATLAAS_CLUSTER_OPTIONS_DEFAULT;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) gazetteer_error = NULL;
  LoadResult *data = g_new0 (LoadResult, 1);
  GThread *gazetteer_loader;

  gazetteer_loader = g_thread_new ("atlaas-gazetteer", gazetteer_thread, &gazetteer_error);

  data->points = atlaas_store_load_points (store, &error);
  if (data->points == NULL)
    {
      data->gazetteer = g_thread_join (gazetteer_loader);
      load_result_free (data);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  options.radius = CLUSTER_RADIUS;
  options.extent = CLUSTER_EXTENT;
  options.min_points = CLUSTER_MIN_POINTS;
  options.max_zoom = CLUSTER_MAX_ZOOM;
  data->index = atlaas_cluster_index_new (&options);
  atlaas_cluster_index_load (data->index,
                             data->points->longitudes,
                             data->points->latitudes,
                             data->points->axis_bits,
                             data->points->n_points);
  build_groups (data);

  /* The sheet and the popovers still work without these, with codes in place
   * of names, so a failure is only logged. */
  data->taxonomy = atlaas_taxonomy_get_default (&error);
  if (data->taxonomy == NULL)
    g_warning ("Could not load the taxonomy, services will show their ids: %s",
               error->message);
  data->gazetteer = g_thread_join (gazetteer_loader);
  if (data->gazetteer == NULL)
    g_warning ("Could not load the gazetteer, départements will show their codes: %s",
               gazetteer_error->message);

  g_task_return_pointer (task, data, (GDestroyNotify) load_result_free);
}

static double
cluster_radius (guint count)
{
  return 13.0 + 4.5 * log10 ((double) MAX (count, 1));
}

static int
get_query_zoom (AtlaasMapLayer *self)
{
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  double zoom = shumate_viewport_get_zoom_level (viewport);

  /* An animation ends on exact integers; the tolerance keeps 6.9999999 at 7. */
  return CLAMP ((int) floor (zoom + 1e-6), 0, CLUSTER_MAX_ZOOM + 1);
}

static void
update_items (AtlaasMapLayer *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  const AtlaasPointSet *points = get_points (self);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double corners[4][2] = {
    { -QUERY_MARGIN, -QUERY_MARGIN },
    { width + QUERY_MARGIN, -QUERY_MARGIN },
    { -QUERY_MARGIN, height + QUERY_MARGIN },
    { width + QUERY_MARGIN, height + QUERY_MARGIN },
  };
  double west = 180.0, east = -180.0, south = 90.0, north = -90.0;

  if (!self->items_dirty && width == self->items_width && height == self->items_height)
    return;

  self->items_dirty = FALSE;
  self->items_width = width;
  self->items_height = height;
  g_array_set_size (self->items, 0);

  if (points == NULL || width <= 0 || height <= 0)
    return;

  /* The rotation may turn the box, so take the extent of all four corners. */
  for (guint i = 0; i < G_N_ELEMENTS (corners); i++)
    {
      double latitude, longitude;

      shumate_viewport_widget_coords_to_location (viewport, widget,
                                                  corners[i][0], corners[i][1],
                                                  &latitude, &longitude);
      west = MIN (west, longitude);
      east = MAX (east, longitude);
      south = MIN (south, latitude);
      north = MAX (north, latitude);
    }

  g_array_set_size (self->scratch, 0);
  atlaas_cluster_index_get_clusters (get_view (self)->index,
                                     CLAMP (west, -180.0, 180.0), CLAMP (south, -90.0, 90.0),
                                     CLAMP (east, -180.0, 180.0), CLAMP (north, -90.0, 90.0),
                                     get_query_zoom (self), self->scratch);

  for (guint i = 0; i < self->scratch->len; i++)
    {
      const AtlaasCluster *cluster = &g_array_index (self->scratch, AtlaasCluster, i);
      AtlaasMapItem item = { 0, };

      item.longitude = cluster->longitude;
      item.latitude = cluster->latitude;
      item.count = cluster->count;

      if (cluster->is_cluster)
        {
          item.kind = ATLAAS_MAP_ITEM_CLUSTER;
          item.cluster_id = cluster->id;
          item.radius = cluster_radius (cluster->count);
        }
      else
        {
          guint32 head = get_view (self)->group_head[cluster->id];

          /* Single points of one group are drawn once, by the group's head. */
          if (head != cluster->id)
            continue;

          /* The index returns positions through a projection round trip;
           * the point set has them exactly as stored. */
          item.point = cluster->id;
          item.longitude = points->longitudes[cluster->id];
          item.latitude = points->latitudes[cluster->id];
          item.count = get_view (self)->group_size[head];
          item.kind = item.count > 1 ? ATLAAS_MAP_ITEM_GROUP : ATLAAS_MAP_ITEM_ACTION;
          item.radius = item.count > 1 ? GROUP_HALF_SIZE : ACTION_RADIUS;
        }

      shumate_viewport_location_to_widget_coords (viewport, widget,
                                                  item.latitude, item.longitude,
                                                  &item.x, &item.y);
      g_array_append_val (self->items, item);
    }
}

static PangoLayout *
get_count_layout (AtlaasMapLayer *self,
                  guint           count)
{
  char text[16];
  PangoLayout *layout;

  g_snprintf (text, sizeof text, "%u", count);
  layout = g_hash_table_lookup (self->layouts, text);
  if (layout == NULL)
    {
      PangoAttrList *attributes = pango_attr_list_new ();

      pango_attr_list_insert (attributes, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_attr_list_insert (attributes, pango_attr_scale_new (count >= 1000 ? 0.8 : 0.9));
      layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
      pango_layout_set_attributes (layout, attributes);
      pango_attr_list_unref (attributes);
      g_hash_table_insert (self->layouts, g_strdup (text), layout);
    }

  return layout;
}

/* Fills a rounded rectangle with one border node as wide as half the
 * rectangle: the cairo renderer draws it as a single antialiased fill, where
 * a rounded clip around a color node costs a clip mask per shape. */
static void
append_filled (GtkSnapshot          *snapshot,
               const GskRoundedRect *shape,
               const GdkRGBA        *color)
{
  float width = MAX (shape->bounds.size.width, shape->bounds.size.height) / 2.0f;

  gtk_snapshot_append_border (snapshot, shape,
                              (float[4]) { width, width, width, width },
                              (GdkRGBA[4]) { *color, *color, *color, *color });
}

static void
append_disc (GtkSnapshot   *snapshot,
             double         x,
             double         y,
             double         radius,
             const GdkRGBA *color)
{
  GskRoundedRect disc;

  gsk_rounded_rect_init_from_rect (&disc,
                                   &GRAPHENE_RECT_INIT (x - radius, y - radius,
                                                        2 * radius, 2 * radius),
                                   radius);
  append_filled (snapshot, &disc, color);
}

static void
append_count (AtlaasMapLayer *self,
              GtkSnapshot    *snapshot,
              const AtlaasMapItem *item)
{
  static const GdkRGBA white = { 1.0, 1.0, 1.0, 1.0 };
  PangoLayout *layout = get_count_layout (self, item->count);
  int text_width, text_height;

  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (round (item->x - text_width / 2.0),
                                                round (item->y - text_height / 2.0)));
  gtk_snapshot_append_layout (snapshot, layout, &white);
  gtk_snapshot_restore (snapshot);
}

/* The shapes of a marker of KIND centred on (x, y), without its count. */
static void
append_marker_shapes (GtkSnapshot       *snapshot,
                      AtlaasMapItemKind  kind,
                      double             x,
                      double             y,
                      double             radius)
{
  static const GdkRGBA cluster_halo = { 0x1c / 255.0, 0x71 / 255.0, 0xd8 / 255.0, 0.28 };
  static const GdkRGBA cluster_fill = { 0x1c / 255.0, 0x71 / 255.0, 0xd8 / 255.0, 0.95 };
  static const GdkRGBA marker_fill = { 0xc0 / 255.0, 0x1c / 255.0, 0x28 / 255.0, 1.0 };
  static const GdkRGBA outline = { 1.0, 1.0, 1.0, 1.0 };
  static const GdkRGBA shadow = { 0.0, 0.0, 0.0, 0.25 };

  switch (kind)
    {
    case ATLAAS_MAP_ITEM_CLUSTER:
      append_disc (snapshot, x, y, radius + 5.0, &cluster_halo);
      append_disc (snapshot, x, y, radius, &outline);
      append_disc (snapshot, x, y, radius - 2.0, &cluster_fill);
      break;

    case ATLAAS_MAP_ITEM_ACTION:
      append_disc (snapshot, x, y + 1.0, radius + 1.0, &shadow);
      append_disc (snapshot, x, y, radius, &outline);
      append_disc (snapshot, x, y, radius - 2.0, &marker_fill);
      break;

    case ATLAAS_MAP_ITEM_GROUP:
      {
        /* A rounded square distinguishes a group at one address from a cluster. */
        GskRoundedRect square;

        gsk_rounded_rect_init_from_rect (&square,
                                         &GRAPHENE_RECT_INIT (x - radius, y - radius,
                                                              2 * radius, 2 * radius),
                                         5.0);
        append_filled (snapshot, &square, &outline);
        gsk_rounded_rect_shrink (&square, 2.0, 2.0, 2.0, 2.0);
        append_filled (snapshot, &square, &marker_fill);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
append_item (AtlaasMapLayer      *self,
             GtkSnapshot         *snapshot,
             const AtlaasMapItem *item)
{
  append_marker_shapes (snapshot, item->kind, item->x, item->y, item->radius);
  if (item->kind != ATLAAS_MAP_ITEM_ACTION)
    append_count (self, snapshot, item);
}

/* GTK 4.8's cairo renderer fills every antialiased disc of every marker on
 * each frame (about 0.15 ms a marker). Under that renderer, each marker
 * shape is drawn once into an image surface, kept per kind, radius in
 * quarter pixels and scale, and the frame copies the surfaces. */
#define MARKER_RADIUS_STEPS 4.0
/* The widest shape reaches 5 pixels beyond the radius (the cluster halo). */
#define MARKER_MARGIN       6.0

static guint
marker_key (AtlaasMapItemKind kind,
            guint             radius_steps,
            int               scale)
{
  return ((guint) scale << 24) | (radius_steps << 4) | (guint) kind;
}

static int
marker_surface_size (double radius)
{
  /* Even, so that the centre falls on a pixel corner. */
  return 2 * (int) ceil (radius + MARKER_MARGIN);
}

static cairo_surface_t *
get_marker_surface (AtlaasMapLayer      *self,
                    const AtlaasMapItem *item,
                    int                  scale,
                    int                 *size)
{
  guint radius_steps = (guint) round (item->radius * MARKER_RADIUS_STEPS);
  double radius = radius_steps / MARKER_RADIUS_STEPS;
  guint key = marker_key (item->kind, radius_steps, scale);
  cairo_surface_t *surface;

  *size = marker_surface_size (radius);
  surface = g_hash_table_lookup (self->marker_surfaces, GUINT_TO_POINTER (key));
  if (surface == NULL)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      cairo_t *cr;

      append_marker_shapes (snapshot, item->kind, *size / 2.0, *size / 2.0, radius);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));

      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, *size * scale, *size * scale);
      cairo_surface_set_device_scale (surface, scale, scale);
      cr = cairo_create (surface);
      gsk_render_node_draw (node, cr);
      cairo_destroy (cr);

      g_hash_table_insert (self->marker_surfaces, GUINT_TO_POINTER (key), surface);
    }

  return surface;
}

/* Draws all markers in one cairo node, each centred on its whole pixel,
 * with the counts in the same order so that overlapping markers stack as
 * with append_item. */
static void
append_items_cairo (AtlaasMapLayer *self,
                    GtkSnapshot    *snapshot)
{
  GtkWidget *widget = GTK_WIDGET (self);
  int scale = gtk_widget_get_scale_factor (widget);
  cairo_t *cr;

  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (0, 0,
                                                       gtk_widget_get_width (widget),
                                                       gtk_widget_get_height (widget)));

  for (guint i = 0; i < self->items->len; i++)
    {
      const AtlaasMapItem *item = &g_array_index (self->items, AtlaasMapItem, i);
      int size;
      cairo_surface_t *surface = get_marker_surface (self, item, scale, &size);

      cairo_set_source_surface (cr, surface, round (item->x) - size / 2, round (item->y) - size / 2);
      cairo_paint (cr);

      if (item->kind != ATLAAS_MAP_ITEM_ACTION)
        {
          PangoLayout *layout = get_count_layout (self, item->count);
          int text_width, text_height;

          pango_layout_get_pixel_size (layout, &text_width, &text_height);
          cairo_move_to (cr, round (item->x - text_width / 2.0), round (item->y - text_height / 2.0));
          cairo_set_source_rgb (cr, 1.0, 1.0, 1.0);
          pango_cairo_show_layout (cr, layout);
        }
    }

  cairo_destroy (cr);
}

static gboolean
get_pending_position (AtlaasMapLayer     *self,
                      const PendingPoint *point,
                      double             *x,
                      double             *y)
{
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));

  shumate_viewport_location_to_widget_coords (viewport, GTK_WIDGET (self),
                                              point->latitude, point->longitude,
                                              x, y);
  return *x > -PENDING_RADIUS && *y > -PENDING_RADIUS
         && *x < gtk_widget_get_width (GTK_WIDGET (self)) + PENDING_RADIUS
         && *y < gtk_widget_get_height (GTK_WIDGET (self)) + PENDING_RADIUS;
}

/* An orange hollow ring with a white outline: not yet in the atlas. */
static void
append_pending (AtlaasMapLayer *self,
                GtkSnapshot    *snapshot)
{
  static const GdkRGBA orange = { 0xe6 / 255.0, 0x61 / 255.0, 0x00 / 255.0, 1.0 };
  static const GdkRGBA white = { 1.0, 1.0, 1.0, 1.0 };
  static const GdkRGBA tint = { 0xe6 / 255.0, 0x61 / 255.0, 0x00 / 255.0, 0.18 };

  for (guint i = 0; i < self->pending->len; i++)
    {
      const PendingPoint *point = &g_array_index (self->pending, PendingPoint, i);
      GskRoundedRect ring;
      double x, y;
      double r = PENDING_RADIUS;

      if (!get_pending_position (self, point, &x, &y))
        continue;

      append_disc (snapshot, x, y, r - 4.0, &tint);
      gsk_rounded_rect_init_from_rect (&ring, &GRAPHENE_RECT_INIT (x - r - 1.5, y - r - 1.5,
                                                                   2 * r + 3.0, 2 * r + 3.0),
                                       r + 1.5);
      gtk_snapshot_append_border (snapshot, &ring,
                                  (float[4]) { 1.5, 1.5, 1.5, 1.5 },
                                  (GdkRGBA[4]) { white, white, white, white });
      gsk_rounded_rect_init_from_rect (&ring, &GRAPHENE_RECT_INIT (x - r, y - r, 2 * r, 2 * r), r);
      gtk_snapshot_append_border (snapshot, &ring,
                                  (float[4]) { 3.5, 3.5, 3.5, 3.5 },
                                  (GdkRGBA[4]) { orange, orange, orange, orange });
      gsk_rounded_rect_init_from_rect (&ring, &GRAPHENE_RECT_INIT (x - r + 3.5, y - r + 3.5,
                                                                   2 * r - 7.0, 2 * r - 7.0),
                                       r - 3.5);
      gtk_snapshot_append_border (snapshot, &ring,
                                  (float[4]) { 1.5, 1.5, 1.5, 1.5 },
                                  (GdkRGBA[4]) { white, white, white, white });
    }
}

/* The pending point under (x, y), drawn on top of the clusters, or NULL. */
static const PendingPoint *
find_pending_at (AtlaasMapLayer *self,
                 double          x,
                 double          y)
{
  for (guint i = self->pending->len; i > 0; i--)
    {
      const PendingPoint *point = &g_array_index (self->pending, PendingPoint, i - 1);
      double px, py;
      double reach = PENDING_RADIUS + HIT_SLOP;

      if (!get_pending_position (self, point, &px, &py))
        continue;
      if ((x - px) * (x - px) + (y - py) * (y - py) <= reach * reach)
        return point;
    }

  return NULL;
}

static void
show_pending (AtlaasMapLayer     *self,
              const PendingPoint *point)
{
  GdkRectangle rect;
  double x, y;

  get_pending_position (self, point, &x, &y);
  rect = (GdkRectangle) { (int) round (x - PENDING_RADIUS), (int) round (y - PENDING_RADIUS),
                          (int) round (2 * PENDING_RADIUS), (int) round (2 * PENDING_RADIUS) };
  gtk_popover_popdown (GTK_POPOVER (self->popover));
  gtk_label_set_text (GTK_LABEL (self->pending_title),
                      point->title != NULL ? point->title : "");
  gtk_popover_set_pointing_to (GTK_POPOVER (self->pending_popover), &rect);
  gtk_popover_popup (GTK_POPOVER (self->pending_popover));
}

static const AtlaasMapItem *
find_item_at (AtlaasMapLayer *self,
              double          x,
              double          y)
{
  update_items (self);

  /* Later items are drawn on top, so they are hit first. */
  for (guint i = self->items->len; i > 0; i--)
    {
      const AtlaasMapItem *item = &g_array_index (self->items, AtlaasMapItem, i - 1);
      double dx = x - item->x;
      double dy = y - item->y;
      double reach = item->radius + HIT_SLOP;

      if (dx * dx + dy * dy <= reach * reach)
        return item;
    }

  return NULL;
}

/* "Annecy (Haute-Savoie)", from the action's first place with a town. */
static char *
format_place (AtlaasMapLayer     *self,
              const AtlaasAction *action)
{
  for (guint i = 0; action->places != NULL && i < action->places->len; i++)
    {
      const AtlaasPlace *place = g_ptr_array_index (action->places, i);
      const AtlaasDepartement *departement = NULL;
      const char *town = place->town != NULL ? place->town : place->name;

      if (town == NULL)
        continue;

      if (place->departement != NULL && self->data->gazetteer != NULL)
        departement = atlaas_gazetteer_lookup_departement (self->data->gazetteer,
                                                           place->departement);
      if (departement != NULL)
        return g_strdup_printf ("%s (%s)", town, departement->name);
      if (place->departement != NULL)
        return g_strdup_printf ("%s (%s)", town, place->departement);

      return g_strdup (town);
    }

  return NULL;
}

static void
popup_at (AtlaasMapLayer      *self,
          const AtlaasMapItem *item)
{
  GdkRectangle rect = {
    (int) round (item->x - item->radius), (int) round (item->y - item->radius),
    (int) round (2 * item->radius), (int) round (2 * item->radius),
  };

  self->popover_anchored = TRUE;
  self->popover_latitude = item->latitude;
  self->popover_longitude = item->longitude;
  self->popover_radius = item->radius;

  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover), &rect);
  gtk_popover_popup (GTK_POPOVER (self->popover));
}

static AtlaasMapClick
show_actions (AtlaasMapLayer      *self,
              const AtlaasMapItem *item,
              GArray              *rowids)
{
  g_autoptr(GPtrArray) actions = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_action_free);
  g_autoptr(GArray) found_rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *place = NULL;

  for (guint i = 0; i < rowids->len; i++)
    {
      gint64 rowid = g_array_index (rowids, gint64, i);
      g_autoptr(GError) error = NULL;
      AtlaasAction *action = atlaas_store_get_action_by_rowid (self->store, rowid, &error);

      if (action == NULL)
        {
          g_warning ("Could not read action %" G_GINT64_FORMAT " from the store: %s",
                     rowid, error->message);
          continue;
        }
      g_ptr_array_add (actions, action);
      g_array_append_val (found_rowids, rowid);
    }

  if (actions->len == 0)
    return ATLAAS_MAP_CLICK_NONE;

  place = format_place (self, g_ptr_array_index (actions, 0));

  if (actions->len == 1)
    {
      atlaas_action_popover_show_action (self->popover, g_ptr_array_index (actions, 0),
                                         place, g_array_index (found_rowids, gint64, 0));
      popup_at (self, item);
      return ATLAAS_MAP_CLICK_POPOVER;
    }

  atlaas_action_popover_show_list (self->popover, actions, found_rowids, place);
  popup_at (self, item);

  return ATLAAS_MAP_CLICK_LIST;
}

static gboolean
leaves_share_position (AtlaasMapLayer *self,
                       GArray         *leaves)
{
  const AtlaasPointSet *points = get_points (self);
  guint32 first;

  if (leaves->len == 0)
    return FALSE;

  first = g_array_index (leaves, guint32, 0);
  for (guint i = 1; i < leaves->len; i++)
    {
      guint32 leaf = g_array_index (leaves, guint32, i);

      if (points->longitudes[leaf] != points->longitudes[first]
          || points->latitudes[leaf] != points->latitudes[first])
        return FALSE;
    }

  return TRUE;
}

static void
viewport_changed_cb (AtlaasMapLayer *self)
{
  self->items_dirty = TRUE;

  if (self->popover_anchored && gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    {
      ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
      double x, y;
      GdkRectangle rect;

      shumate_viewport_location_to_widget_coords (viewport, GTK_WIDGET (self),
                                                  self->popover_latitude,
                                                  self->popover_longitude,
                                                  &x, &y);
      rect = (GdkRectangle) {
        (int) round (x - self->popover_radius), (int) round (y - self->popover_radius),
        (int) round (2 * self->popover_radius), (int) round (2 * self->popover_radius),
      };
      gtk_popover_set_pointing_to (GTK_POPOVER (self->popover), &rect);
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
zoom_changed_cb (AtlaasMapLayer *self)
{
  /* A zoom changes what the marker is, so the popover no longer fits it. */
  gtk_popover_popdown (GTK_POPOVER (self->popover));
  viewport_changed_cb (self);
}

static void
popover_action_activated_cb (AtlaasActionPopover *popover,
                             gint64               rowid,
                             AtlaasMapLayer      *self)
{
  g_signal_emit (self, signals[SIGNAL_ACTION_ACTIVATED], 0, rowid);
}

static void
click_pressed_cb (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  AtlaasMapLayer  *self)
{
  g_debug ("press at %.0f, %.0f: %s", x, y, find_item_at (self, x, y) ? "item" : "nothing");
  /* Claiming a press on a marker keeps the map from starting a drag or a
   * double-click zoom; elsewhere the map handles the press as usual. */
  if (n_press == 1 && (find_pending_at (self, x, y) != NULL || find_item_at (self, x, y) != NULL))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  else
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
}

static void
click_released_cb (GtkGestureClick *gesture,
                   int              n_press,
                   double           x,
                   double           y,
                   AtlaasMapLayer  *self)
{
  if (n_press != 1)
    return;

  atlaas_map_layer_click_at (self, x, y);
}

static int
compare_rowids (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : (x > y ? 1 : 0);
}

typedef struct
{
  AtlaasPointSet *all;   /* a copy, since a load may replace the layer's */
  GArray *filter;        /* sorted gint64 */
} FilterJob;

static void
filter_job_free (FilterJob *job)
{
  g_clear_pointer (&job->all, atlaas_point_set_free);
  g_clear_pointer (&job->filter, g_array_unref);
  g_free (job);
}

static AtlaasPointSet *
copy_point_set (const AtlaasPointSet *points)
{
  AtlaasPointSet *copy = g_new0 (AtlaasPointSet, 1);
  gsize n = points->n_points;

  copy->n_points = n;
  copy->longitudes = g_memdup2 (points->longitudes, n * sizeof (double));
  copy->latitudes = g_memdup2 (points->latitudes, n * sizeof (double));
  copy->action_rowids = g_memdup2 (points->action_rowids, n * sizeof (gint64));
  copy->axis_bits = g_memdup2 (points->axis_bits, n * sizeof (guint32));

  return copy;
}

static void
filter_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  FilterJob *job = task_data;
  const AtlaasPointSet *all = job->all;
  AtlaasClusterOptions options = ATLAAS_CLUSTER_OPTIONS_DEFAULT;
  LoadResult *data = g_new0 (LoadResult, 1);
  AtlaasPointSet *subset = g_new0 (AtlaasPointSet, 1);
  gsize n = 0;

  subset->longitudes = g_new (double, MAX (all->n_points, 1));
  subset->latitudes = g_new (double, MAX (all->n_points, 1));
  subset->action_rowids = g_new (gint64, MAX (all->n_points, 1));
  subset->axis_bits = g_new (guint32, MAX (all->n_points, 1));

  for (gsize i = 0; i < all->n_points; i++)
    {
      if (bsearch (&all->action_rowids[i], job->filter->data, job->filter->len,
                    sizeof (gint64), compare_rowids) == NULL)
        continue;

      subset->longitudes[n] = all->longitudes[i];
      subset->latitudes[n] = all->latitudes[i];
      subset->action_rowids[n] = all->action_rowids[i];
      subset->axis_bits[n] = all->axis_bits[i];
      n++;
    }
  subset->n_points = n;
  data->points = subset;

  if (g_task_return_error_if_cancelled (task))
    {
      load_result_free (data);
      return;
    }

  options.radius = CLUSTER_RADIUS;
  options.extent = CLUSTER_EXTENT;
  options.min_points = CLUSTER_MIN_POINTS;
  options.max_zoom = CLUSTER_MAX_ZOOM;
  data->index = atlaas_cluster_index_new (&options);
  atlaas_cluster_index_load (data->index, subset->longitudes, subset->latitudes,
                             subset->axis_bits, subset->n_points);
  build_groups (data);

  g_task_return_pointer (task, data, (GDestroyNotify) load_result_free);
}

static void
filter_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  AtlaasMapLayer *self;
  LoadResult *data;

  data = g_task_propagate_pointer (G_TASK (result), &error);
  if (data == NULL)
    {
      /* Cancelled: a newer filter or load replaced this one. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not filter the map points: %s", error->message);
      return;
    }

  self = ATLAAS_MAP_LAYER (object);
  g_clear_pointer (&self->filtered, load_result_free);
  self->filtered = data;
  g_clear_object (&self->filter_cancellable);
  self->items_dirty = TRUE;
  g_debug ("Map layer shows %" G_GSIZE_FORMAT " filtered points", data->points->n_points);

  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER_PENDING]);
}

/* Builds the subset of self->filter over the loaded points. */
static void
start_filter (AtlaasMapLayer *self)
{
  g_autoptr(GTask) task = NULL;
  FilterJob *job;
  gboolean was_pending = self->filter_cancellable != NULL;

  g_cancellable_cancel (self->filter_cancellable);
  g_clear_object (&self->filter_cancellable);

  if (self->data == NULL || self->filter == NULL)
    {
      if (was_pending)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER_PENDING]);
      return;
    }

  job = g_new0 (FilterJob, 1);
  job->all = copy_point_set (self->data->points);
  job->filter = g_array_ref (self->filter);

  self->filter_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->filter_cancellable, filter_cb, NULL);
  g_task_set_source_tag (task, start_filter);
  g_task_set_task_data (task, job, (GDestroyNotify) filter_job_free);
  g_task_run_in_thread (task, filter_thread);

  if (!was_pending)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER_PENDING]);
}

/* The deepest zoom needed, from `zoom` on, for the point to be drawn as
 * itself or as its group rather than inside a cluster. */
static int
find_unclustered_zoom (LoadResult *view,
                       guint32     point,
                       int         zoom)
{
  const double margin = 1e-6;
  double longitude = view->points->longitudes[point];
  double latitude = view->points->latitudes[point];
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (AtlaasCluster));

  for (; zoom <= CLUSTER_MAX_ZOOM; zoom++)
    {
      g_array_set_size (found, 0);
      atlaas_cluster_index_get_clusters (view->index,
                                         longitude - margin, latitude - margin,
                                         longitude + margin, latitude + margin,
                                         zoom, found);
      for (guint i = 0; i < found->len; i++)
        {
          const AtlaasCluster *cluster = &g_array_index (found, AtlaasCluster, i);

          if (!cluster->is_cluster
              && view->group_head[cluster->id] == view->group_head[point])
            return zoom;
        }
    }

  return CLUSTER_MAX_ZOOM + 1;
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  AtlaasMapLayer *self;
  LoadResult *data;

  data = g_task_propagate_pointer (G_TASK (result), &error);
  if (data == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      self = ATLAAS_MAP_LAYER (object);
      g_warning ("Could not load the map points: %s", error->message);
      g_signal_emit (self, signals[SIGNAL_LOAD_FAILED], 0, error->message);
      return;
    }

  self = ATLAAS_MAP_LAYER (object);
  g_clear_pointer (&self->filtered, load_result_free);
  g_clear_pointer (&self->data, load_result_free);
  self->data = data;
  self->items_dirty = TRUE;
  if (self->filter != NULL)
    start_filter (self);
  g_debug ("Map layer loaded %" G_GSIZE_FORMAT " points", data->points->n_points);

  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
}

static void
atlaas_map_layer_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  AtlaasMapLayer *self = ATLAAS_MAP_LAYER (widget);

  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  update_items (self);

  if (renderer != NULL && GSK_IS_CAIRO_RENDERER (renderer))
    append_items_cairo (self, snapshot);
  else
    for (guint i = 0; i < self->items->len; i++)
      append_item (self, snapshot, &g_array_index (self->items, AtlaasMapItem, i));
  append_pending (self, snapshot);
}

/* Only markers take pointer events, so that presses elsewhere reach the map
 * below for dragging and zooming. */
static gboolean
atlaas_map_layer_contains (GtkWidget *widget,
                           double     x,
                           double     y)
{
  return find_pending_at (ATLAAS_MAP_LAYER (widget), x, y) != NULL
         || find_item_at (ATLAAS_MAP_LAYER (widget), x, y) != NULL;
}

static void
atlaas_map_layer_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  AtlaasMapLayer *self = ATLAAS_MAP_LAYER (widget);

  if (GTK_WIDGET_CLASS (atlaas_map_layer_parent_class)->size_allocate != NULL)
    GTK_WIDGET_CLASS (atlaas_map_layer_parent_class)->size_allocate (widget, width, height, baseline);

  self->items_dirty = TRUE;
  gtk_popover_present (GTK_POPOVER (self->popover));
  gtk_popover_present (GTK_POPOVER (self->pending_popover));
}

static void
atlaas_map_layer_constructed (GObject *object)
{
  AtlaasMapLayer *self = ATLAAS_MAP_LAYER (object);
  ShumateViewport *viewport;

  G_OBJECT_CLASS (atlaas_map_layer_parent_class)->constructed (object);

  viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  g_signal_connect_object (viewport, "notify::zoom-level",
                           G_CALLBACK (zoom_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (viewport, "notify::latitude",
                           G_CALLBACK (viewport_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (viewport, "notify::longitude",
                           G_CALLBACK (viewport_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (viewport, "notify::rotation",
                           G_CALLBACK (viewport_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
atlaas_map_layer_dispose (GObject *object)
{
  AtlaasMapLayer *self = ATLAAS_MAP_LAYER (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->filter_cancellable);
  if (self->popover != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->popover));
      self->popover = NULL;
    }
  if (self->pending_popover != NULL)
    {
      gtk_widget_unparent (self->pending_popover);
      self->pending_popover = NULL;
    }
  g_clear_pointer (&self->layouts, g_hash_table_unref);
  g_clear_pointer (&self->marker_surfaces, g_hash_table_unref);

  G_OBJECT_CLASS (atlaas_map_layer_parent_class)->dispose (object);
}

static void
atlaas_map_layer_finalize (GObject *object)
{
  AtlaasMapLayer *self = ATLAAS_MAP_LAYER (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->filter_cancellable);
  g_clear_pointer (&self->store, atlaas_store_unref);
  g_clear_pointer (&self->filtered, load_result_free);
  g_clear_pointer (&self->filter, g_array_unref);
  g_clear_pointer (&self->data, load_result_free);
  g_clear_pointer (&self->items, g_array_unref);
  g_clear_pointer (&self->scratch, g_array_unref);
  g_clear_pointer (&self->pending, g_array_unref);

  G_OBJECT_CLASS (atlaas_map_layer_parent_class)->finalize (object);
}

static void
atlaas_map_layer_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AtlaasMapLayer *self = ATLAAS_MAP_LAYER (object);

  switch (prop_id)
    {
    case PROP_MAP:
      g_value_set_object (value, self->map);
      break;

    case PROP_LOADED:
      g_value_set_boolean (value, atlaas_map_layer_get_loaded (self));
      break;

    case PROP_FILTER_PENDING:
      g_value_set_boolean (value, atlaas_map_layer_get_filter_pending (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atlaas_map_layer_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  AtlaasMapLayer *self = ATLAAS_MAP_LAYER (object);

  switch (prop_id)
    {
    case PROP_MAP:
      self->map = g_value_get_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atlaas_map_layer_class_init (AtlaasMapLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = atlaas_map_layer_constructed;
  object_class->dispose = atlaas_map_layer_dispose;
  object_class->finalize = atlaas_map_layer_finalize;
  object_class->get_property = atlaas_map_layer_get_property;
  object_class->set_property = atlaas_map_layer_set_property;

  widget_class->snapshot = atlaas_map_layer_snapshot;
  widget_class->size_allocate = atlaas_map_layer_size_allocate;
  widget_class->contains = atlaas_map_layer_contains;

  properties[PROP_MAP] =
    g_param_spec_object ("map", NULL, NULL,
                         SHUMATE_TYPE_MAP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_FILTER_PENDING] =
    g_param_spec_boolean ("filter-pending", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AtlaasMapLayer::action-activated:
   * @rowid: the store rowid of the action
   *
   * Emitted when the user asks for an action's sheet from a popover.
   */
  signals[SIGNAL_ACTION_ACTIVATED] =
    g_signal_new ("action-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  /**
   * AtlaasMapLayer::load-failed:
   * @message: what went wrong
   *
   * Emitted when the points could not be read from the store.
   */
  signals[SIGNAL_LOAD_FAILED] =
    g_signal_new ("load-failed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_css_name (widget_class, "atlaas-map-layer");
}

static void
atlaas_map_layer_init (AtlaasMapLayer *self)
{
  GtkGesture *click;
  GtkWidget *box;
  GtkWidget *heading;

  self->cancellable = g_cancellable_new ();
  self->items = g_array_new (FALSE, FALSE, sizeof (AtlaasMapItem));
  self->scratch = g_array_new (FALSE, FALSE, sizeof (AtlaasCluster));
  self->layouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->marker_surfaces = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                                 (GDestroyNotify) cairo_surface_destroy);
  self->items_dirty = TRUE;

  self->popover = ATLAAS_ACTION_POPOVER (atlaas_action_popover_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->popover), GTK_WIDGET (self));
  g_signal_connect (self->popover, "action-activated",
                    G_CALLBACK (popover_action_activated_cb), self);

  self->pending = g_array_new (FALSE, FALSE, sizeof (PendingPoint));
  g_array_set_clear_func (self->pending, (GDestroyNotify) pending_point_clear);
  self->pending_popover = gtk_popover_new ();
  gtk_widget_add_css_class (self->pending_popover, "atlaas-pending-popover");
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  heading = gtk_label_new (_("Proposal waiting to be sent"));
  gtk_widget_add_css_class (heading, "heading");
  gtk_label_set_xalign (GTK_LABEL (heading), 0.0);
  gtk_box_append (GTK_BOX (box), heading);
  self->pending_title = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->pending_title), 0.0);
  gtk_label_set_wrap (GTK_LABEL (self->pending_title), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (self->pending_title), 40);
  gtk_box_append (GTK_BOX (box), self->pending_title);
  gtk_popover_set_child (GTK_POPOVER (self->pending_popover), box);
  gtk_widget_set_parent (self->pending_popover, GTK_WIDGET (self));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (click_pressed_cb), self);
  g_signal_connect (click, "released", G_CALLBACK (click_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), NULL);
}

AtlaasMapLayer *
atlaas_map_layer_new (ShumateMap *map)
{
  g_return_val_if_fail (SHUMATE_IS_MAP (map), NULL);

  return g_object_new (ATLAAS_TYPE_MAP_LAYER,
                       "map", map,
                       "viewport", shumate_map_get_viewport (map),
                       NULL);
}

void
atlaas_map_layer_load (AtlaasMapLayer *self,
                       AtlaasStore    *store)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ATLAAS_IS_MAP_LAYER (self));
  g_return_if_fail (store != NULL);

  if (self->store != store)
    {
      g_clear_pointer (&self->store, atlaas_store_unref);
      self->store = atlaas_store_ref (store);
    }

  task = g_task_new (self, self->cancellable, load_cb, NULL);
  g_task_set_source_tag (task, atlaas_map_layer_load);
  g_task_set_task_data (task, atlaas_store_ref (store), (GDestroyNotify) atlaas_store_unref);
  g_task_run_in_thread (task, load_thread);

  atlaas_map_layer_reload_pending (self);
}

void
atlaas_map_layer_reload_pending (AtlaasMapLayer *self)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (ATLAAS_IS_MAP_LAYER (self));

  g_array_set_size (self->pending, 0);
  gtk_popover_popdown (GTK_POPOVER (self->pending_popover));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->store == NULL)
    return;

  entries = atlaas_outbox_list (self->store, &error);
  if (entries == NULL)
    {
      g_warning ("Could not read the outbox for the map: %s", error->message);
      return;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      const AtlaasOutboxEntry *entry = g_ptr_array_index (entries, i);
      const AtlaasAction *action = entry->action;

      if (g_strcmp0 (entry->state, ATLAAS_OUTBOX_STATE_PENDING) != 0
          || action == NULL || action->places == NULL)
        continue;

      for (guint j = 0; j < action->places->len; j++)
        {
          const AtlaasPlace *place = g_ptr_array_index (action->places, j);
          PendingPoint point;

          if (!place->has_position)
            continue;
          point.latitude = place->latitude;
          point.longitude = place->longitude;
          point.title = g_strdup (action->title);
          g_array_append_val (self->pending, point);
        }
    }
}

guint
atlaas_map_layer_get_n_pending (AtlaasMapLayer *self)
{
  g_return_val_if_fail (ATLAAS_IS_MAP_LAYER (self), 0);

  return self->pending->len;
}

gboolean
atlaas_map_layer_get_pending_position (AtlaasMapLayer *self,
                                       guint           index,
                                       double         *latitude,
                                       double         *longitude)
{
  const PendingPoint *point;

  g_return_val_if_fail (ATLAAS_IS_MAP_LAYER (self), FALSE);

  if (index >= self->pending->len)
    return FALSE;
  point = &g_array_index (self->pending, PendingPoint, index);
  if (latitude != NULL)
    *latitude = point->latitude;
  if (longitude != NULL)
    *longitude = point->longitude;
  return TRUE;
}

GtkPopover *
atlaas_map_layer_get_pending_popover (AtlaasMapLayer *self)
{
  g_return_val_if_fail (ATLAAS_IS_MAP_LAYER (self), NULL);

  return GTK_POPOVER (self->pending_popover);
}

gboolean
atlaas_map_layer_get_loaded (AtlaasMapLayer *self)
{
  g_return_val_if_fail (ATLAAS_IS_MAP_LAYER (self), FALSE);

  return self->data != NULL;
}

gsize
atlaas_map_layer_get_n_points (AtlaasMapLayer *self)
{
  g_return_val_if_fail (ATLAAS_IS_MAP_LAYER (self), 0);

  return self->data != NULL ? self->data->points->n_points : 0;
}

AtlaasStore *
atlaas_map_layer_get_store (AtlaasMapLayer *self)
{
  g_return_val_if_fail (ATLAAS_IS_MAP_LAYER (self), NULL);

  return self->store;
}

AtlaasTaxonomy *
atlaas_map_layer_get_taxonomy (AtlaasMapLayer *self)
{
  g_return_val_if_fail (ATLAAS_IS_MAP_LAYER (self), NULL);

  return self->data != NULL ? self->data->taxonomy : NULL;
}

AtlaasGazetteer *
atlaas_map_layer_get_gazetteer (AtlaasMapLayer *self)
{
  g_return_val_if_fail (ATLAAS_IS_MAP_LAYER (self), NULL);

  return self->data != NULL ? self->data->gazetteer : NULL;
}

int
atlaas_map_layer_get_cluster_zoom (AtlaasMapLayer *self)
{
  g_return_val_if_fail (ATLAAS_IS_MAP_LAYER (self), 0);

  return get_query_zoom (self);
}

AtlaasClusterIndex *
atlaas_map_layer_get_cluster_index (AtlaasMapLayer *self)
{
  g_return_val_if_fail (ATLAAS_IS_MAP_LAYER (self), NULL);

  return get_view (self) != NULL ? get_view (self)->index : NULL;
}

GArray *
atlaas_map_layer_get_visible_items (AtlaasMapLayer *self)
{
  g_return_val_if_fail (ATLAAS_IS_MAP_LAYER (self), NULL);

  update_items (self);

  return self->items;
}

void
atlaas_map_layer_get_item_rowids (AtlaasMapLayer      *self,
                                  const AtlaasMapItem *item,
                                  GArray              *out)
{
  const AtlaasPointSet *points;

  g_return_if_fail (ATLAAS_IS_MAP_LAYER (self));
  g_return_if_fail (item != NULL && out != NULL);

  points = get_points (self);
  if (points == NULL)
    return;

  switch (item->kind)
    {
    case ATLAAS_MAP_ITEM_CLUSTER:
      {
        g_autoptr(GArray) leaves = g_array_new (FALSE, FALSE, sizeof (guint32));

        atlaas_cluster_index_get_leaves (get_view (self)->index, item->cluster_id,
                                         G_MAXUINT, 0, leaves);
        for (guint i = 0; i < leaves->len; i++)
          g_array_append_val (out, points->action_rowids[g_array_index (leaves, guint32, i)]);
      }
      break;

    case ATLAAS_MAP_ITEM_ACTION:
      g_array_append_val (out, points->action_rowids[item->point]);
      break;

    case ATLAAS_MAP_ITEM_GROUP:
      {
        guint32 head = get_view (self)->group_head[item->point];

        /* Group members are few, and a scan keeps no extra index in memory. */
        for (gsize i = 0; i < points->n_points; i++)
          if (get_view (self)->group_head[i] == head)
            g_array_append_val (out, points->action_rowids[i]);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

AtlaasMapClick
atlaas_map_layer_click_at (AtlaasMapLayer *self,
                           double          x,
                           double          y)
{
  const AtlaasMapItem *found;
  const PendingPoint *pending;
  AtlaasMapItem item;

  g_return_val_if_fail (ATLAAS_IS_MAP_LAYER (self), ATLAAS_MAP_CLICK_NONE);

  pending = find_pending_at (self, x, y);
  if (pending != NULL)
    {
      show_pending (self, pending);
      return ATLAAS_MAP_CLICK_PENDING;
    }

  found = find_item_at (self, x, y);
  if (found == NULL)
    return ATLAAS_MAP_CLICK_NONE;

  /* The click may rebuild the item array, so work on a copy. */
  item = *found;

  return atlaas_map_layer_click_item (self, &item);
}

AtlaasMapClick
atlaas_map_layer_click_item (AtlaasMapLayer      *self,
                             const AtlaasMapItem *item)
{
  g_autoptr(GArray) rowids = NULL;

  g_return_val_if_fail (ATLAAS_IS_MAP_LAYER (self), ATLAAS_MAP_CLICK_NONE);
  g_return_val_if_fail (item != NULL, ATLAAS_MAP_CLICK_NONE);

  if (self->data == NULL)
    return ATLAAS_MAP_CLICK_NONE;

  rowids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (item->kind == ATLAAS_MAP_ITEM_CLUSTER)
    {
      ShumateViewport *viewport = shumate_map_get_viewport (self->map);
      guint max_zoom = shumate_viewport_get_max_zoom_level (viewport);
      int zoom = atlaas_cluster_index_get_expansion_zoom (get_view (self)->index, item->cluster_id);
      g_autoptr(GArray) leaves = g_array_new (FALSE, FALSE, sizeof (guint32));

      if (zoom >= 0 && zoom <= CLUSTER_MAX_ZOOM)
        {
          shumate_map_go_to_full (self->map, item->latitude, item->longitude, zoom);
          return ATLAAS_MAP_CLICK_ZOOM;
        }

      /* The cluster only splits past the deepest clustered zoom: either its
       * actions share one position and zooming would not help, or they are a
       * few metres apart and show separately one zoom deeper. */
      atlaas_cluster_index_get_leaves (get_view (self)->index, item->cluster_id,
                                       G_MAXUINT, 0, leaves);
      if (!leaves_share_position (self, leaves))
        {
          shumate_map_go_to_full (self->map, item->latitude, item->longitude,
                                  MIN (CLUSTER_MAX_ZOOM + 1, max_zoom));
          return ATLAAS_MAP_CLICK_ZOOM;
        }
    }

  atlaas_map_layer_get_item_rowids (self, item, rowids);

  return show_actions (self, item, rowids);
}

GtkPopover *
atlaas_map_layer_get_popover (AtlaasMapLayer *self)
{
  g_return_val_if_fail (ATLAAS_IS_MAP_LAYER (self), NULL);

  return GTK_POPOVER (self->popover);
}

void
atlaas_map_layer_set_filter (AtlaasMapLayer *self,
                             const gint64   *rowids,
                             gsize           n_rowids)
{
  g_return_if_fail (ATLAAS_IS_MAP_LAYER (self));
  g_return_if_fail (rowids != NULL || n_rowids == 0);

  g_clear_pointer (&self->filter, g_array_unref);

  if (rowids == NULL)
    {
      gboolean had_subset = self->filtered != NULL;

      g_clear_pointer (&self->filtered, load_result_free);
      start_filter (self);
      if (had_subset)
        {
          self->items_dirty = TRUE;
          gtk_widget_queue_draw (GTK_WIDGET (self));
        }
      return;
    }

  self->filter = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_rowids);
  g_array_append_vals (self->filter, rowids, n_rowids);
  g_array_sort (self->filter, compare_rowids);
  start_filter (self);
}

gboolean
atlaas_map_layer_get_filter_pending (AtlaasMapLayer *self)
{
  g_return_val_if_fail (ATLAAS_IS_MAP_LAYER (self), FALSE);

  return self->filter_cancellable != NULL;
}

gboolean
atlaas_map_layer_show_action (AtlaasMapLayer *self,
                              gint64          rowid)
{
  ShumateViewport *viewport;
  LoadResult *view;
  g_autoptr(GArray) rowids = NULL;
  AtlaasMapItem item = { 0, };
  gsize point;
  int zoom;

  g_return_val_if_fail (ATLAAS_IS_MAP_LAYER (self), FALSE);

  view = get_view (self);
  if (view == NULL)
    return FALSE;

  for (point = 0; point < view->points->n_points; point++)
    if (view->points->action_rowids[point] == rowid)
      break;
  if (point == view->points->n_points)
    return FALSE;

  viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  zoom = find_unclustered_zoom (view, point, get_query_zoom (self));
  if (zoom > get_query_zoom (self))
    shumate_viewport_set_zoom_level (viewport,
                                     MIN (zoom, (int) shumate_viewport_get_max_zoom_level (viewport)));
  shumate_map_center_on (self->map, view->points->latitudes[point], view->points->longitudes[point]);
  self->items_dirty = TRUE;

  item.kind = view->group_size[view->group_head[point]] > 1 ? ATLAAS_MAP_ITEM_GROUP
                                                            : ATLAAS_MAP_ITEM_ACTION;
  item.longitude = view->points->longitudes[point];
  item.latitude = view->points->latitudes[point];
  item.radius = item.kind == ATLAAS_MAP_ITEM_GROUP ? GROUP_HALF_SIZE : ACTION_RADIUS;
  item.count = 1;
  item.point = point;
  shumate_viewport_location_to_widget_coords (viewport, GTK_WIDGET (self),
                                              item.latitude, item.longitude,
                                              &item.x, &item.y);

  rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_val (rowids, rowid);

  return show_actions (self, &item, rowids) != ATLAAS_MAP_CLICK_NONE;
}

GArray *
atlaas_map_layer_get_rowids_in_view (AtlaasMapLayer *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  ShumateViewport *viewport;
  GArray *rowids;
  double corners[4][2];
  double west = 180.0, east = -180.0, south = 90.0, north = -90.0;
  int width, height;

  g_return_val_if_fail (ATLAAS_IS_MAP_LAYER (self), NULL);

  rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  if (self->data == NULL || width <= 0 || height <= 0)
    return rowids;

  viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  corners[0][0] = 0;     corners[0][1] = 0;
  corners[1][0] = width; corners[1][1] = 0;
  corners[2][0] = 0;     corners[2][1] = height;
  corners[3][0] = width; corners[3][1] = height;

  /* The extent of the four corners, which a rotation may turn. */
  for (guint i = 0; i < G_N_ELEMENTS (corners); i++)
    {
      double latitude, longitude;

      shumate_viewport_widget_coords_to_location (viewport, widget,
                                                  corners[i][0], corners[i][1],
                                                  &latitude, &longitude);
      west = MIN (west, longitude);
      east = MAX (east, longitude);
      south = MIN (south, latitude);
      north = MAX (north, latitude);
    }

  for (gsize i = 0; i < self->data->points->n_points; i++)
    {
      double longitude = self->data->points->longitudes[i];
      double latitude = self->data->points->latitudes[i];

      if (longitude >= west && longitude <= east && latitude >= south && latitude <= north)
        g_array_append_val (rowids, self->data->points->action_rowids[i]);
    }

  return rowids;
}
