/* test-basemap-source.c: the offline base map's tiles, drawn by GSK
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gtk/gtk.h>
#include <shumate/shumate.h>

#include "atlaas-basemap-source.h"

#define TILE_SIZE 256

static void
fill_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (shumate_map_source_fill_tile_finish (SHUMATE_MAP_SOURCE (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static GdkPaintable *
fill_tile (AtlaasBasemapSource *source,
           ShumateTile         *tile)
{
  gboolean done = FALSE;

  shumate_map_source_fill_tile_async (SHUMATE_MAP_SOURCE (source), tile, NULL, fill_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  return g_object_ref (shumate_tile_get_paintable (tile));
}

/* Snapshots the paintable at its size and rasterizes the node with cairo,
 * as GskCairoRenderer does. */
static cairo_surface_t *
draw_paintable (GdkPaintable   *paintable,
                GskRenderNodeType *node_type)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, TILE_SIZE, TILE_SIZE);
  cairo_t *cr = cairo_create (surface);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), TILE_SIZE, TILE_SIZE);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  *node_type = gsk_render_node_get_node_type (node);

  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  return surface;
}

static guint32
pixel_at (cairo_surface_t *surface,
          int              x,
          int              y)
{
  const guchar *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  return *(const guint32 *) (const void *) (data + y * stride + x * 4) & 0xffffff;
}

/* Returns the max difference of one colour channel between two drawings. */
static guint
max_channel_difference (cairo_surface_t *a,
                        cairo_surface_t *b)
{
  const guchar *da = cairo_image_surface_get_data (a);
  const guchar *db = cairo_image_surface_get_data (b);
  int stride = cairo_image_surface_get_stride (a);
  guint max = 0;

  for (int i = 0; i < stride * TILE_SIZE; i++)
    max = MAX (max, (guint) ABS ((int) da[i] - (int) db[i]));

  return max;
}

static void
window_realized_cb (GtkWidget *widget,
                    gpointer   user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* A zoom 0 tile draws the sea and the land in their colours. Before any
 * window exists it is a texture node. Once the windows draw with the cairo
 * renderer, which would convert a texture on every frame, it is a cairo
 * node with the same pixels. */
static void
test_basemap_tile_renderers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasBasemapSource) source = NULL;
  g_autoptr(ShumateTile) tile = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autofree char *path = NULL;
  cairo_surface_t *as_texture;
  cairo_surface_t *as_cairo;
  GskRenderNodeType node_type;
  GtkWidget *window;
  gboolean realized = FALSE;

  path = g_build_filename (g_getenv ("ATLAAS_DATADIR"), "basemap.json", NULL);
  source = atlaas_basemap_source_new_from_file (path, &error);
  g_assert_no_error (error);

  tile = shumate_tile_new_full (0, 0, TILE_SIZE, 0);
  paintable = fill_tile (source, tile);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, TILE_SIZE);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, TILE_SIZE);

  as_texture = draw_paintable (paintable, &node_type);
  g_assert_cmpint (node_type, ==, GSK_TEXTURE_NODE);
  /* The middle of the Pacific, and Chad. */
  g_assert_cmphex (pixel_at (as_texture, 7, 128), ==, 0xaad3df);
  g_assert_cmphex (pixel_at (as_texture, 141, 115), ==, 0xf4f1ea);

  window = gtk_window_new ();
  g_signal_connect (window, "realize", G_CALLBACK (window_realized_cb), &realized);
  gtk_window_present (GTK_WINDOW (window));
  while (!realized)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (GTK_NATIVE (window))));

  as_cairo = draw_paintable (paintable, &node_type);
  g_assert_cmpint (node_type, ==, GSK_CAIRO_NODE);
  g_assert_cmphex (pixel_at (as_cairo, 7, 128), ==, 0xaad3df);
  g_assert_cmphex (pixel_at (as_cairo, 141, 115), ==, 0xf4f1ea);
  /* Rounding may differ by a step, nothing more. */
  g_assert_cmpuint (max_channel_difference (as_texture, as_cairo), <=, 2);

  cairo_surface_destroy (as_texture);
  cairo_surface_destroy (as_cairo);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!gtk_init_check ())
    {
      g_printerr ("No display: the base map test needs one (xvfb-run)\n");
      return 77;
    }

  g_test_add_func ("/basemap/tile-renderers", test_basemap_tile_renderers);

  return g_test_run ();
}
