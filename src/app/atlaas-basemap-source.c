/* atlaas-basemap-source.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-App"

#include "config.h"

#include <math.h>
#ifdef __linux__
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <cairo.h>
#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "atlaas-basemap-source.h"

#define TILE_SIZE 256

typedef struct
{
  guint country;      /* index of the country the ring belongs to */
  guint first;        /* index of the ring's first point (x, y pair) in Basemap.coords */
  guint n_points;
  double min_x, min_y, max_x, max_y;  /* Web Mercator [0, 1]² */
} Ring;

/* Immutable once built, and reference-counted so that tile renders running in
 * worker threads keep it alive after the source is finalized. */
typedef struct
{
  GArray *coords;   /* double: x, y pairs in Web Mercator [0, 1]² */
  GArray *rings;    /* Ring, grouped by country */
  guint n_countries;
} Basemap;

struct _AtlaasBasemapSource
{
  ShumateMapSource parent_instance;

  Basemap *basemap;
};

G_DEFINE_FINAL_TYPE (AtlaasBasemapSource, atlaas_basemap_source, SHUMATE_TYPE_MAP_SOURCE)

typedef struct
{
  Basemap *basemap;
  guint x;
  guint y;
  guint zoom;
} TileRequest;

/* A rendered tile. GTK 4.8's cairo renderer converts a GdkTexture to a
 * cairo surface pixel by pixel on every frame (about 2 ms a tile here), so
 * under that renderer the tile paints its cairo surface from a cairo node,
 * a plain copy. Other renderers get a GdkTexture, which they upload once. */
struct _AtlaasTilePaintable
{
  GObject parent_instance;

  GBytes *bytes;               /* cairo ARGB32 pixels */
  cairo_surface_t *surface;    /* over bytes */
  GdkTexture *texture;         /* made on first use */
};

#define ATLAAS_TYPE_TILE_PAINTABLE (atlaas_tile_paintable_get_type ())
G_DECLARE_FINAL_TYPE (AtlaasTilePaintable, atlaas_tile_paintable, ATLAAS, TILE_PAINTABLE, GObject)

static void atlaas_tile_paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AtlaasTilePaintable, atlaas_tile_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      atlaas_tile_paintable_iface_init))

/* Whether the windows draw with GskCairoRenderer, known once one of them is
 * realized. The renderer of a display does not change while it runs. */
static gboolean
uses_cairo_renderer (void)
{
  static int cairo_renderer = -1;

  if (cairo_renderer < 0)
    {
      GList *toplevels = gtk_window_list_toplevels ();

      for (GList *l = toplevels; l != NULL && cairo_renderer < 0; l = l->next)
        {
          GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (l->data));

          if (renderer != NULL)
            cairo_renderer = GSK_IS_CAIRO_RENDERER (renderer);
        }
      g_list_free (toplevels);
    }

  return cairo_renderer > 0;
}

static GdkTexture *
atlaas_tile_paintable_get_texture (AtlaasTilePaintable *self)
{
  if (self->texture == NULL)
    {
      /* Cairo's ARGB32 is premultiplied native-endian, which is BGRA in
       * memory on the little-endian machines Debian builds GTK for. */
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
      self->texture = gdk_memory_texture_new (TILE_SIZE, TILE_SIZE, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                              self->bytes, g_bytes_get_size (self->bytes) / TILE_SIZE);
#else
      self->texture = gdk_memory_texture_new (TILE_SIZE, TILE_SIZE, GDK_MEMORY_A8R8G8B8_PREMULTIPLIED,
                                              self->bytes, g_bytes_get_size (self->bytes) / TILE_SIZE);
#endif
    }

  return self->texture;
}

static void
atlaas_tile_paintable_snapshot (GdkPaintable *paintable,
                                GdkSnapshot  *snapshot,
                                double        width,
                                double        height)
{
  AtlaasTilePaintable *self = ATLAAS_TILE_PAINTABLE (paintable);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, width, height);
  cairo_pattern_t *pattern;
  cairo_matrix_t matrix;
  cairo_t *cr;

  if (!uses_cairo_renderer ())
    {
      gtk_snapshot_append_texture (GTK_SNAPSHOT (snapshot),
                                   atlaas_tile_paintable_get_texture (self), &bounds);
      return;
    }

  /* Drawn as the cairo renderer draws a texture node, to the same pixels. */
  cr = gtk_snapshot_append_cairo (GTK_SNAPSHOT (snapshot), &bounds);
  pattern = cairo_pattern_create_for_surface (self->surface);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  /* While the map zooms out, the default filter (CAIRO_FILTER_GOOD) would
   * resample each shrunk tile with a box filter, tens of milliseconds a
   * frame. */
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_BILINEAR);
  cairo_matrix_init_scale (&matrix, TILE_SIZE / width, TILE_SIZE / height);
  cairo_pattern_set_matrix (pattern, &matrix);
  cairo_set_source (cr, pattern);
  cairo_pattern_destroy (pattern);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  cairo_destroy (cr);
}

static int
atlaas_tile_paintable_get_intrinsic_size (GdkPaintable *paintable)
{
  return TILE_SIZE;
}

static GdkPaintableFlags
atlaas_tile_paintable_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_SIZE | GDK_PAINTABLE_STATIC_CONTENTS;
}

static void
atlaas_tile_paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = atlaas_tile_paintable_snapshot;
  iface->get_intrinsic_width = atlaas_tile_paintable_get_intrinsic_size;
  iface->get_intrinsic_height = atlaas_tile_paintable_get_intrinsic_size;
  iface->get_flags = atlaas_tile_paintable_get_flags;
}

static void
atlaas_tile_paintable_finalize (GObject *object)
{
  AtlaasTilePaintable *self = ATLAAS_TILE_PAINTABLE (object);

  g_clear_object (&self->texture);
  g_clear_pointer (&self->surface, cairo_surface_destroy);
  g_clear_pointer (&self->bytes, g_bytes_unref);

  G_OBJECT_CLASS (atlaas_tile_paintable_parent_class)->finalize (object);
}

static void
atlaas_tile_paintable_class_init (AtlaasTilePaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = atlaas_tile_paintable_finalize;
}

static void
atlaas_tile_paintable_init (AtlaasTilePaintable *self)
{
}

/* Takes pixels made by render_tile. */
static GdkPaintable *
atlaas_tile_paintable_new (GBytes *bytes)
{
  AtlaasTilePaintable *self = g_object_new (ATLAAS_TYPE_TILE_PAINTABLE, NULL);
  gsize size;
  guchar *data = (guchar *) g_bytes_get_data (bytes, &size);

  self->bytes = g_bytes_ref (bytes);
  /* Cairo only reads the pixels: the tile never draws into its surface. */
  self->surface = cairo_image_surface_create_for_data (data, CAIRO_FORMAT_ARGB32,
                                                       TILE_SIZE, TILE_SIZE,
                                                       (int) (size / TILE_SIZE));

  return GDK_PAINTABLE (self);
}

static void
basemap_clear (Basemap *basemap)
{
  g_clear_pointer (&basemap->coords, g_array_unref);
  g_clear_pointer (&basemap->rings, g_array_unref);
}

static Basemap *
basemap_new (void)
{
  Basemap *basemap = g_atomic_rc_box_new0 (Basemap);

  basemap->coords = g_array_new (FALSE, FALSE, sizeof (double));
  basemap->rings = g_array_new (FALSE, FALSE, sizeof (Ring));

  return basemap;
}

static Basemap *
basemap_ref (Basemap *basemap)
{
  return g_atomic_rc_box_acquire (basemap);
}

static void
basemap_unref (Basemap *basemap)
{
  g_atomic_rc_box_release_full (basemap, (GDestroyNotify) basemap_clear);
}

static void
tile_request_free (TileRequest *request)
{
  g_clear_pointer (&request->basemap, basemap_unref);
  g_free (request);
}

static inline double
mercator_x (double longitude)
{
  return (longitude + 180.0) / 360.0;
}

static inline double
mercator_y (double latitude)
{
  double phi;

  /* Web Mercator stops at ±85.0511°, where y reaches 0 and 1. */
  latitude = CLAMP (latitude, -85.05112878, 85.05112878);
  phi = latitude * G_PI / 180.0;

  return (1.0 - log (tan (phi) + 1.0 / cos (phi)) / G_PI) / 2.0;
}

static gboolean
basemap_add_ring (Basemap    *basemap,
                  guint       country,
                  JsonArray  *values,
                  GError    **error)
{
  guint n_values = json_array_get_length (values);
  Ring ring = { country, basemap->coords->len / 2, 0, 1.0, 1.0, 0.0, 0.0 };

  if (n_values % 2 != 0 || n_values < 6)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "A ring of country %u has %u numbers; a ring needs an even "
                   "number of at least 6 (longitude, latitude pairs)",
                   country, n_values);
      return FALSE;
    }

  for (guint i = 0; i < n_values; i += 2)
    {
      double x = mercator_x (json_array_get_double_element (values, i));
      double y = mercator_y (json_array_get_double_element (values, i + 1));

      g_array_append_val (basemap->coords, x);
      g_array_append_val (basemap->coords, y);
      ring.min_x = MIN (ring.min_x, x);
      ring.max_x = MAX (ring.max_x, x);
      ring.min_y = MIN (ring.min_y, y);
      ring.max_y = MAX (ring.max_y, y);
    }

  ring.n_points = n_values / 2;
  g_array_append_val (basemap->rings, ring);

  return TRUE;
}

static gboolean
basemap_load (Basemap     *basemap,
              const char  *path,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonObject *object;
  JsonArray *countries;

  if (!json_parser_load_from_mapped_file (parser, path, error))
    return FALSE;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || !json_object_has_member (object = json_node_get_object (root), "countries")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "countries")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s has no \"countries\" array; regenerate it with the "
                   "base map script in tools/", path);
      return FALSE;
    }

  countries = json_object_get_array_member (object, "countries");
  basemap->n_countries = json_array_get_length (countries);

  for (guint c = 0; c < basemap->n_countries; c++)
    {
      JsonObject *country = json_array_get_object_element (countries, c);
      JsonArray *rings;

      if (country == NULL || !json_object_has_member (country, "rings"))
        continue;

      rings = json_object_get_array_member (country, "rings");
      for (guint r = 0; rings != NULL && r < json_array_get_length (rings); r++)
        {
          JsonArray *values = json_array_get_array_element (rings, r);

          if (values == NULL)
            continue;
          if (!basemap_add_ring (basemap, c, values, error))
            {
              g_prefix_error (error, "%s: ", path);
              return FALSE;
            }
        }
    }

  return TRUE;
}

/* Draws one tile into an ARGB32 image: sea, then each country's land filled
 * with the even-odd rule (so that holes such as enclaves stay open), then all
 * borders. Points closer than half a pixel to the last drawn one are skipped,
 * which keeps low zooms cheap. */
static GBytes *
render_tile (const TileRequest *request)
{
  const Basemap *basemap = request->basemap;
  const double *coords = (const double *) basemap->coords->data;
  double scale = TILE_SIZE * exp2 (request->zoom);
  double tile_min_x = (double) request->x / exp2 (request->zoom);
  double tile_min_y = (double) request->y / exp2 (request->zoom);
  double tile_max_x = (double) (request->x + 1) / exp2 (request->zoom);
  double tile_max_y = (double) (request->y + 1) / exp2 (request->zoom);
  double margin = 2.0 / scale;
  cairo_surface_t *surface;
  cairo_t *cr;
  int stride;
  GBytes *bytes;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, TILE_SIZE, TILE_SIZE);
  cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 0xaa / 255.0, 0xd3 / 255.0, 0xdf / 255.0);
  cairo_paint (cr);

  cairo_translate (cr, -request->x * (double) TILE_SIZE, -request->y * (double) TILE_SIZE);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  for (int pass = 0; pass < 2; pass++)
    {
      guint current_country = G_MAXUINT;

      cairo_new_path (cr);

      for (guint r = 0; r < basemap->rings->len; r++)
        {
          const Ring *ring = &g_array_index (basemap->rings, Ring, r);
          double last_x, last_y;

          if (ring->max_x < tile_min_x - margin || ring->min_x > tile_max_x + margin
              || ring->max_y < tile_min_y - margin || ring->min_y > tile_max_y + margin)
            continue;

          /* Land is filled one country at a time, borders in a single stroke. */
          if (pass == 0 && ring->country != current_country)
            {
              cairo_set_source_rgb (cr, 0xf4 / 255.0, 0xf1 / 255.0, 0xea / 255.0);
              cairo_fill (cr);
              current_country = ring->country;
            }

          last_x = coords[2 * ring->first] * scale;
          last_y = coords[2 * ring->first + 1] * scale;
          cairo_move_to (cr, last_x, last_y);

          for (guint i = 1; i < ring->n_points; i++)
            {
              double px = coords[2 * (ring->first + i)] * scale;
              double py = coords[2 * (ring->first + i) + 1] * scale;

              if (fabs (px - last_x) < 0.5 && fabs (py - last_y) < 0.5
                  && i + 1 < ring->n_points)
                continue;

              cairo_line_to (cr, px, py);
              last_x = px;
              last_y = py;
            }
          cairo_close_path (cr);
        }

      if (pass == 0)
        {
          cairo_set_source_rgb (cr, 0xf4 / 255.0, 0xf1 / 255.0, 0xea / 255.0);
          cairo_fill (cr);
        }
      else
        {
          cairo_set_source_rgb (cr, 0x9a / 255.0, 0x94 / 255.0, 0xa8 / 255.0);
          cairo_set_line_width (cr, request->zoom < 4 ? 0.6 : 1.0);
          cairo_stroke (cr);
        }
    }

  cairo_destroy (cr);
  cairo_surface_flush (surface);

  stride = cairo_image_surface_get_stride (surface);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface), (gsize) stride * TILE_SIZE);
  cairo_surface_destroy (surface);

  return bytes;
}

/* How much the tile threads yield to the main thread (nice increment). */
#define TILE_THREAD_NICE 19

/* Lowers the priority of the calling thread, once. On Linux, setpriority ()
 * on a thread id applies to that thread only. */
static void
lower_thread_priority (void)
{
#ifdef __linux__
  static GPrivate lowered;

  if (g_private_get (&lowered) != NULL)
    return;
  g_private_set (&lowered, GINT_TO_POINTER (1));
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), TILE_THREAD_NICE) != 0)
    g_debug ("Could not lower the priority of a tile thread: %s", g_strerror (errno));
#endif
}

/* Runs in a thread of the tile pool and takes the reference to the task
 * that atlaas_basemap_source_fill_tile_async pushed. */
static void
render_tile_thread (gpointer data,
                    gpointer user_data)
{
  g_autoptr(GTask) task = data;

  lower_thread_priority ();
  if (g_task_return_error_if_cancelled (task))
    return;

  g_task_return_pointer (task, render_tile (g_task_get_task_data (task)),
                         (GDestroyNotify) g_bytes_unref);
}

/* The threads that render tiles: one fewer than the CPUs (at least one),
 * at a lower priority than the main thread. In GTask's shared pool, many
 * tile renders ran at once when the map moved. On 2 CPUs they left the
 * main thread and the X server waiting for a CPU for 20–40 ms in some
 * frames (bench/run app, docs/benchmarks.md). The pool is exclusive, so
 * that its threads, and their lower priority, serve tile renders only. */
static GThreadPool *
get_tile_pool (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    {
      guint n_threads = MAX (g_get_num_processors (), 2) - 1;

      g_once_init_leave (&pool, g_thread_pool_new (render_tile_thread, NULL, n_threads, TRUE, NULL));
    }

  return pool;
}

static void
render_tile_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  ShumateTile *tile = g_task_get_task_data (outer);

  bytes = g_task_propagate_pointer (G_TASK (result), &error);
  if (bytes == NULL)
    {
      shumate_tile_set_state (tile, SHUMATE_STATE_DONE);
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  paintable = atlaas_tile_paintable_new (bytes);
  shumate_tile_set_paintable (tile, paintable);
  shumate_tile_set_fade_in (tile, FALSE);
  shumate_tile_set_state (tile, SHUMATE_STATE_DONE);
  g_task_return_boolean (outer, TRUE);
}

static void
atlaas_basemap_source_fill_tile_async (ShumateMapSource    *source,
                                       ShumateTile         *tile,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  AtlaasBasemapSource *self = ATLAAS_BASEMAP_SOURCE (source);
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;
  TileRequest *request;

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, atlaas_basemap_source_fill_tile_async);
  g_task_set_task_data (outer, g_object_ref (tile), g_object_unref);

  request = g_new0 (TileRequest, 1);
  request->basemap = basemap_ref (self->basemap);
  request->x = shumate_tile_get_x (tile);
  request->y = shumate_tile_get_y (tile);
  request->zoom = shumate_tile_get_zoom_level (tile);

  inner = g_task_new (NULL, cancellable, render_tile_cb, g_steal_pointer (&outer));
  g_task_set_task_data (inner, request, (GDestroyNotify) tile_request_free);
  g_thread_pool_push (get_tile_pool (), g_steal_pointer (&inner), NULL);
}

static gboolean
atlaas_basemap_source_fill_tile_finish (ShumateMapSource  *source,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
atlaas_basemap_source_finalize (GObject *object)
{
  AtlaasBasemapSource *self = ATLAAS_BASEMAP_SOURCE (object);

  g_clear_pointer (&self->basemap, basemap_unref);

  G_OBJECT_CLASS (atlaas_basemap_source_parent_class)->finalize (object);
}

static void
atlaas_basemap_source_class_init (AtlaasBasemapSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateMapSourceClass *source_class = SHUMATE_MAP_SOURCE_CLASS (klass);

  object_class->finalize = atlaas_basemap_source_finalize;
  source_class->fill_tile_async = atlaas_basemap_source_fill_tile_async;
  source_class->fill_tile_finish = atlaas_basemap_source_fill_tile_finish;
}

static void
atlaas_basemap_source_init (AtlaasBasemapSource *self)
{
  ShumateMapSource *source = SHUMATE_MAP_SOURCE (self);

  self->basemap = basemap_new ();

  shumate_map_source_set_id (source, "atlaas-basemap");
  shumate_map_source_set_name (source, "Atlaas offline base map");
  shumate_map_source_set_license (source, "Natural Earth");
  shumate_map_source_set_license_uri (source, "https://www.naturalearthdata.com/");
  shumate_map_source_set_min_zoom_level (source, 0);
  shumate_map_source_set_max_zoom_level (source, 19);
  shumate_map_source_set_tile_size (source, TILE_SIZE);
  shumate_map_source_set_projection (source, SHUMATE_MAP_PROJECTION_MERCATOR);
}

AtlaasBasemapSource *
atlaas_basemap_source_new_from_file (const char  *path,
                                     GError     **error)
{
  g_autoptr(AtlaasBasemapSource) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (ATLAAS_TYPE_BASEMAP_SOURCE, NULL);
  if (!basemap_load (self->basemap, path, error))
    return NULL;

  return g_steal_pointer (&self);
}

AtlaasBasemapSource *
atlaas_basemap_source_new_empty (void)
{
  return g_object_new (ATLAAS_TYPE_BASEMAP_SOURCE, NULL);
}

guint
atlaas_basemap_source_get_n_rings (AtlaasBasemapSource *self)
{
  g_return_val_if_fail (ATLAAS_IS_BASEMAP_SOURCE (self), 0);

  return self->basemap->rings->len;
}
