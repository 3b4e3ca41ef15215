/* ui-test-utils.c: set-up shared by the tests that open the app's windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ui-test-utils.h"

/* Creates an empty temporary folder from `folder_template` (as for
 * g_dir_make_tmp ()) and points the app at a store file inside it, with
 * ATLAAS_DB, and at no network, with ATLAAS_OFFLINE. Returns the folder,
 * for ui_test_remove_store_folder (). */
char *
ui_test_make_store_folder (const char *folder_template)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  char *folder;

  folder = g_dir_make_tmp (folder_template, &error);
  g_assert_no_error (error);
  db = g_build_filename (folder, "atlaas.db", NULL);
  g_setenv ("ATLAAS_DB", db, TRUE);
  g_setenv ("ATLAAS_OFFLINE", "1", TRUE);

  return folder;
}

/* Deletes the store file of ui_test_make_store_folder (), its SQLite
 * write-ahead log and shared-memory files, then the folder. */
void
ui_test_remove_store_folder (const char *folder)
{
  g_autofree char *db = g_build_filename (folder, "atlaas.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);

  g_unlink (wal);
  g_unlink (shm);
  g_unlink (db);
  g_rmdir (folder);
}

/* Opens the display with gtk_init_check (). When there is none, prints how
 * to run the test and returns FALSE, for the test to exit with 77, the code
 * that meson counts as skipped. */
gboolean
ui_test_init_display (void)
{
  if (!gtk_init_check ())
    {
      g_printerr ("No display: run this test under xvfb-run\n");
      return FALSE;
    }

  return TRUE;
}

/* Creates the application and registers it, without the uniqueness that
 * would make a second test process hand its work over to the first. */
AtlaasApplication *
ui_test_register_app (void)
{
  g_autoptr(GError) error = NULL;
  AtlaasApplication *app;

  app = atlaas_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  return app;
}

/* Registers and activates the application, stores it in `app` and returns
 * the window that the activation opened. */
AtlaasWindow *
ui_test_start_app (AtlaasApplication **app)
{
  AtlaasWindow *window;

  *app = ui_test_register_app ();
  g_application_activate (G_APPLICATION (*app));

  window = ATLAAS_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (*app)));
  g_assert_nonnull (window);

  return window;
}

static gboolean
timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until `condition` returns TRUE. Fails the test after
 * UI_TEST_WAIT_TIMEOUT_MS, with `what` in the message. */
void
ui_test_wait_until (UiTestCondition  condition,
                    gpointer         data,
                    const char      *what)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add (UI_TEST_WAIT_TIMEOUT_MS, timeout_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("Timed out after %d ms waiting for %s", UI_TEST_WAIT_TIMEOUT_MS, what);
  g_source_remove (timeout_id);
}

/* Runs the main loop for `milliseconds`, so that pending frames and idles
 * run, such as the map's first layout. */
void
ui_test_run_frames (guint milliseconds)
{
  gboolean timed_out = FALSE;

  g_timeout_add (milliseconds, timeout_cb, &timed_out);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
}

/* A condition for ui_test_wait_until (): the map layer of the
 * AtlaasWindow `window` has loaded the actions of the store. */
gboolean
ui_test_layer_loaded (gpointer window)
{
  return atlaas_map_layer_get_loaded (atlaas_window_get_map_layer (ATLAAS_WINDOW (window)));
}

/* A condition for ui_test_wait_until (): the GtkWidget `widget` is mapped. */
gboolean
ui_test_widget_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (GTK_WIDGET (widget));
}

/* A condition for ui_test_wait_until (): the action sheet of the
 * AtlaasWindow `window` exists and is mapped. */
gboolean
ui_test_sheet_mapped (gpointer window)
{
  AtlaasActionSheet *sheet = atlaas_window_get_action_sheet (ATLAAS_WINDOW (window));

  return sheet != NULL && gtk_widget_get_mapped (GTK_WIDGET (sheet));
}

/* A condition for ui_test_wait_until (): the map of the UiTestZoomTarget
 * `target` is at its zoom level, within 1e-6. */
gboolean
ui_test_zoom_reached (gpointer target)
{
  UiTestZoomTarget *zoom_target = target;
  ShumateViewport *viewport = shumate_map_get_viewport (atlaas_window_get_map (zoom_target->window));

  return G_APPROX_VALUE (shumate_viewport_get_zoom_level (viewport), zoom_target->zoom, 1e-6);
}

/* Stores in `latitude` and `longitude` a position that two actions of the
 * store of `app` share and returns TRUE, or returns FALSE when there is none. */
gboolean
ui_test_find_shared_position (AtlaasApplication *app,
                              double            *latitude,
                              double            *longitude)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasPointSet) points = atlaas_store_load_points (atlaas_application_get_store (app), &error);

  g_assert_no_error (error);
  for (gsize i = 0; i < points->n_points; i++)
    for (gsize j = i + 1; j < points->n_points; j++)
      if (points->latitudes[i] == points->latitudes[j]
          && points->longitudes[i] == points->longitudes[j])
        {
          *latitude = points->latitudes[i];
          *longitude = points->longitudes[i];
          return TRUE;
        }

  return FALSE;
}

/* Returns `root` or the first of its descendants, depth first, that has
 * the CSS class `css_class`, or NULL. */
GtkWidget *
ui_test_find_widget_with_class (GtkWidget  *root,
                                const char *css_class)
{
  if (gtk_widget_has_css_class (root, css_class))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ui_test_find_widget_with_class (child, css_class);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Saves what `widget` shows, rendered by its window's renderer, as the PNG
 * file `name` in the folder "screenshots" of G_TEST_BUILDDIR, or of the
 * current folder when G_TEST_BUILDDIR is unset. */
void
ui_test_save_screenshot (GtkWidget             *widget,
                         const char            *name,
                         UiTestScreenshotFlags  flags)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  graphene_rect_t bounds;
  int width, height;

  if (flags & UI_TEST_SCREENSHOT_WAIT_FOR_SIZE)
    {
      for (guint attempt = 0; attempt < 20 && gtk_widget_get_width (widget) == 0; attempt++)
        ui_test_run_frames (50);
    }
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  /* The paintable is empty while a redraw is pending, so let frames run. */
  for (guint attempt = 0; attempt < 20 && node == NULL; attempt++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node == NULL)
        ui_test_run_frames (50);
    }
  g_assert_nonnull (node);

  if (flags & UI_TEST_SCREENSHOT_NODE_BOUNDS)
    gsk_render_node_get_bounds (node, &bounds);
  else
    graphene_rect_init (&bounds, 0, 0, width, height);
  texture = gsk_renderer_render_texture (renderer, node, &bounds);

  folder = g_build_filename (g_getenv ("G_TEST_BUILDDIR") != NULL
                             ? g_getenv ("G_TEST_BUILDDIR") : ".",
                             "screenshots", NULL);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  path = g_build_filename (folder, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot saved to %s", path);
}
