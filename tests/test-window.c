/* test-window.c: the main window on the bundled data, under a real display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "atlaas-action-popover.h"
#include "atlaas-application.h"
#include "atlaas-drafts.h"
#include "atlaas-proposal-dialog.h"
#include "atlaas-window.h"
#include "ui-test-utils.h"

#define BUNDLED_ACTIONS 687
/* The screenshots include popovers, which get their size at the layout
 * after they are shown and draw their arrow outside their allocation. */
#define SCREENSHOT_FLAGS (UI_TEST_SCREENSHOT_WAIT_FOR_SIZE | UI_TEST_SCREENSHOT_NODE_BOUNDS)

static AtlaasApplication *app;
static AtlaasWindow *window;
static char *temp_dir;

static guint
sum_visible_counts (GArray *items)
{
  guint sum = 0;

  for (guint i = 0; i < items->len; i++)
    sum += g_array_index (items, AtlaasMapItem, i).count;

  return sum;
}

/* The largest cluster drawn, copied; fails when there is none. */
static AtlaasMapItem
find_largest_cluster (void)
{
  GArray *items = atlaas_map_layer_get_visible_items (atlaas_window_get_map_layer (window));
  AtlaasMapItem best = { 0, };

  for (guint i = 0; i < items->len; i++)
    {
      const AtlaasMapItem *item = &g_array_index (items, AtlaasMapItem, i);

      if (item->kind == ATLAAS_MAP_ITEM_CLUSTER && item->count > best.count)
        best = *item;
    }
  g_assert_cmpuint (best.count, >=, 2);

  return best;
}

static const AtlaasMapItem *
find_visible_item (GArray            *items,
                   AtlaasMapItemKind  kind,
                   guint32            id)
{
  for (guint i = 0; i < items->len; i++)
    {
      const AtlaasMapItem *item = &g_array_index (items, AtlaasMapItem, i);

      if (item->kind != kind)
        continue;
      if (kind == ATLAAS_MAP_ITEM_CLUSTER ? item->cluster_id == id : item->point == id)
        return item;
    }

  return NULL;
}

static void
go_to (double latitude,
       double longitude,
       double zoom)
{
  ShumateMap *map = atlaas_window_get_map (window);
  UiTestZoomTarget target = { window, zoom };

  shumate_map_center_on (map, latitude, longitude);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (map), zoom);
  ui_test_wait_until (ui_test_zoom_reached, &target, "the zoom level set by the test");
  ui_test_run_frames (100);
}

static void
test_window_start_view (void)
{
  AtlaasMapLayer *layer = atlaas_window_get_map_layer (window);
  GArray *items;
  guint n_clusters = 0;

  g_assert_cmpuint (atlaas_map_layer_get_n_points (layer), ==, BUNDLED_ACTIONS);

  items = atlaas_map_layer_get_visible_items (layer);
  g_assert_cmpuint (items->len, >, 0);
  for (guint i = 0; i < items->len; i++)
    {
      const AtlaasMapItem *item = &g_array_index (items, AtlaasMapItem, i);

      /* Every item drawn at the start view lies inside the map. */
      g_assert_cmpfloat (item->x, >=, 0);
      g_assert_cmpfloat (item->x, <=, gtk_widget_get_width (GTK_WIDGET (layer)));
      g_assert_cmpfloat (item->y, >=, 0);
      g_assert_cmpfloat (item->y, <=, gtk_widget_get_height (GTK_WIDGET (layer)));
      if (item->kind == ATLAAS_MAP_ITEM_CLUSTER)
        n_clusters++;
    }
  g_assert_cmpuint (n_clusters, >, 0);
  g_assert_cmpuint (sum_visible_counts (items), ==, BUNDLED_ACTIONS);

  /* Pointer events go to the layer over a marker and to the map elsewhere. */
  {
    const AtlaasMapItem *item = &g_array_index (items, AtlaasMapItem, 0);
    graphene_point_t in_window;
    GtkWidget *picked;

    g_assert_true (gtk_widget_compute_point (GTK_WIDGET (layer), GTK_WIDGET (window),
                                             &GRAPHENE_POINT_INIT (item->x, item->y),
                                             &in_window));
    picked = gtk_widget_pick (GTK_WIDGET (window), in_window.x, in_window.y, GTK_PICK_DEFAULT);
    g_assert_true (picked == GTK_WIDGET (layer));

    g_assert_true (gtk_widget_compute_point (GTK_WIDGET (layer), GTK_WIDGET (window),
                                             &GRAPHENE_POINT_INIT (5, 5), &in_window));
    picked = gtk_widget_pick (GTK_WIDGET (window), in_window.x, in_window.y, GTK_PICK_DEFAULT);
    g_assert_true (picked != GTK_WIDGET (layer));
  }

  ui_test_save_screenshot (GTK_WIDGET (window), "window-start.png", SCREENSHOT_FLAGS);

  /* F9 and the header button hide and show the search panel. */
  g_assert_true (gtk_widget_get_visible (atlaas_window_get_sidebar (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sidebar", NULL));
  g_assert_false (gtk_widget_get_visible (atlaas_window_get_sidebar (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sidebar", NULL));
  g_assert_true (gtk_widget_get_visible (atlaas_window_get_sidebar (window)));
  ui_test_run_frames (100);
}

static void
test_window_click_cluster (void)
{
  AtlaasMapLayer *layer = atlaas_window_get_map_layer (window);
  AtlaasClusterIndex *index = atlaas_map_layer_get_cluster_index (layer);
  AtlaasMapItem cluster = find_largest_cluster ();
  g_autoptr(GArray) children = g_array_new (FALSE, FALSE, sizeof (AtlaasCluster));
  UiTestZoomTarget target = { window, 0 };
  int zoom_before = atlaas_map_layer_get_cluster_zoom (layer);
  int expansion_zoom = atlaas_cluster_index_get_expansion_zoom (index, cluster.cluster_id);
  guint children_sum = 0;
  GArray *items;

  g_assert_cmpint (expansion_zoom, >, zoom_before);

  /* The children at the expansion zoom: follow single-child chains down. */
  g_assert_true (atlaas_cluster_index_get_children (index, cluster.cluster_id, children));
  while (children->len == 1 && g_array_index (children, AtlaasCluster, 0).is_cluster)
    {
      guint32 only = g_array_index (children, AtlaasCluster, 0).id;

      g_array_set_size (children, 0);
      g_assert_true (atlaas_cluster_index_get_children (index, only, children));
    }
  g_assert_cmpuint (children->len, >=, 2);

  /* Click through the gesture's own entry point, at the cluster's centre. */
  g_assert_cmpint (atlaas_map_layer_click_at (layer, cluster.x, cluster.y), ==, ATLAAS_MAP_CLICK_ZOOM);
  target.zoom = expansion_zoom;
  ui_test_wait_until (ui_test_zoom_reached, &target, "the zoom animation to the expansion zoom");
  ui_test_run_frames (100);

  g_assert_cmpint (atlaas_map_layer_get_cluster_zoom (layer), ==, expansion_zoom);
  items = atlaas_map_layer_get_visible_items (layer);
  for (guint i = 0; i < children->len; i++)
    {
      const AtlaasCluster *child = &g_array_index (children, AtlaasCluster, i);
      const AtlaasMapItem *item;

      item = find_visible_item (items,
                                child->is_cluster ? ATLAAS_MAP_ITEM_CLUSTER : ATLAAS_MAP_ITEM_ACTION,
                                child->id);
      if (item == NULL)
        g_error ("Child %u (%s of %u) of cluster %u is not drawn at zoom %d",
                 child->id, child->is_cluster ? "cluster" : "action", child->count,
                 cluster.cluster_id, expansion_zoom);
      g_assert_cmpuint (item->count, ==, child->count);
      children_sum += child->count;
    }
  g_assert_cmpuint (children_sum, ==, cluster.count);

  ui_test_save_screenshot (GTK_WIDGET (window), "window-cluster-expanded.png", SCREENSHOT_FLAGS);
}

static void
test_window_click_action (void)
{
  AtlaasMapLayer *layer = atlaas_window_get_map_layer (window);
  GtkPopover *popover = atlaas_map_layer_get_popover (layer);
  const AtlaasMapItem *found = NULL;
  AtlaasMapItem action_item;
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(AtlaasAction) action = NULL;
  g_autoptr(GError) error = NULL;
  AtlaasActionSheet *sheet;
  GtkWidget *more_button;

  /* Zoom into clusters until a single action is drawn. */
  for (guint step = 0; step < 20 && found == NULL; step++)
    {
      GArray *items = atlaas_map_layer_get_visible_items (layer);

      for (guint i = 0; i < items->len && found == NULL; i++)
        if (g_array_index (items, AtlaasMapItem, i).kind == ATLAAS_MAP_ITEM_ACTION)
          found = &g_array_index (items, AtlaasMapItem, i);

      if (found == NULL)
        {
          AtlaasMapItem cluster = find_largest_cluster ();
          int zoom = atlaas_cluster_index_get_expansion_zoom (atlaas_map_layer_get_cluster_index (layer),
                                                              cluster.cluster_id);

          go_to (cluster.latitude, cluster.longitude, zoom);
        }
    }
  g_assert_nonnull (found);
  action_item = *found;

  atlaas_map_layer_get_item_rowids (layer, &action_item, rowids);
  g_assert_cmpuint (rowids->len, ==, 1);
  action = atlaas_store_get_action_by_rowid (atlaas_application_get_store (app),
                                             g_array_index (rowids, gint64, 0), &error);
  g_assert_no_error (error);
  g_assert_nonnull (action->title);

  g_assert_cmpint (atlaas_map_layer_click_at (layer, action_item.x, action_item.y), ==,
                   ATLAAS_MAP_CLICK_POPOVER);
  ui_test_wait_until (ui_test_widget_mapped, popover, "the action popover");
  g_assert_cmpstr (atlaas_action_popover_get_title (ATLAAS_ACTION_POPOVER (popover)), ==, action->title);

  ui_test_save_screenshot (GTK_WIDGET (window), "window-popover.png", SCREENSHOT_FLAGS);
  ui_test_save_screenshot (GTK_WIDGET (popover), "popover-action.png", SCREENSHOT_FLAGS);

  more_button = atlaas_action_popover_get_more_button (ATLAAS_ACTION_POPOVER (popover));
  g_assert_nonnull (more_button);
  g_assert_true (gtk_widget_activate (more_button));
  ui_test_wait_until (ui_test_sheet_mapped, window, "the action sheet window");
  ui_test_run_frames (200);

  sheet = atlaas_window_get_action_sheet (window);
  g_assert_cmpstr (atlaas_action_sheet_get_action (sheet)->title, ==, action->title);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (sheet)), ==, action->title);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (sheet)) == GTK_WINDOW (window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (popover)));

  ui_test_save_screenshot (GTK_WIDGET (sheet), "sheet.png", SCREENSHOT_FLAGS);

  /* The whole content, below the fold too, for review. */
  ui_test_save_screenshot (ui_test_find_widget_with_class (GTK_WIDGET (sheet), "atlaas-sheet"),
                           "sheet-full.png", SCREENSHOT_FLAGS);
}

static void
test_window_shared_position (void)
{
  AtlaasMapLayer *layer = atlaas_window_get_map_layer (window);
  GtkPopover *popover = atlaas_map_layer_get_popover (layer);
  double latitude = 0.0, longitude = 0.0;
  const AtlaasMapItem *group = NULL;
  AtlaasMapItem item;
  GArray *items;
  GtkListBox *list;
  guint n_rows = 0;

  gtk_window_close (GTK_WINDOW (atlaas_window_get_action_sheet (window)));
  g_assert_true (ui_test_find_shared_position (app, &latitude, &longitude));

  /* Past the deepest clustered zoom the actions draw as one group marker. */
  go_to (latitude, longitude, 18);
  items = atlaas_map_layer_get_visible_items (layer);
  for (guint i = 0; i < items->len; i++)
    {
      const AtlaasMapItem *candidate = &g_array_index (items, AtlaasMapItem, i);

      if (candidate->latitude == latitude && candidate->longitude == longitude)
        {
          g_assert_null (group);
          group = candidate;
        }
    }
  g_assert_nonnull (group);
  g_assert_cmpint (group->kind, ==, ATLAAS_MAP_ITEM_GROUP);
  g_assert_cmpuint (group->count, >=, 2);
  item = *group;

  g_assert_cmpint (atlaas_map_layer_click_item (layer, &item), ==, ATLAAS_MAP_CLICK_LIST);
  ui_test_wait_until (ui_test_widget_mapped, popover, "the list popover");
  list = atlaas_action_popover_get_list_box (ATLAAS_ACTION_POPOVER (popover));
  g_assert_nonnull (list);
  while (gtk_list_box_get_row_at_index (list, n_rows) != NULL)
    n_rows++;
  g_assert_cmpuint (n_rows, ==, item.count);
  ui_test_save_screenshot (GTK_WIDGET (popover), "popover-list.png", SCREENSHOT_FLAGS);

  /* Every row opens its action, the second one too. */
  g_signal_emit_by_name (list, "row-activated", gtk_list_box_get_row_at_index (list, 1));
  ui_test_wait_until (ui_test_sheet_mapped, window, "the sheet of the second action in the list");

  /* At the deepest clustered zoom the pair is a cluster, and when it contains
   * nothing else its click opens the list at once instead of zooming. */
  gtk_window_close (GTK_WINDOW (atlaas_window_get_action_sheet (window)));
  go_to (latitude, longitude, 16);
  items = atlaas_map_layer_get_visible_items (layer);
  group = NULL;
  for (guint i = 0; i < items->len; i++)
    {
      const AtlaasMapItem *candidate = &g_array_index (items, AtlaasMapItem, i);

      if (G_APPROX_VALUE (candidate->latitude, latitude, 1e-7)
          && G_APPROX_VALUE (candidate->longitude, longitude, 1e-7))
        group = candidate;
    }
  g_assert_nonnull (group);
  g_assert_cmpint (group->kind, ==, ATLAAS_MAP_ITEM_CLUSTER);
  item = *group;
  g_assert_cmpint (atlaas_map_layer_click_item (layer, &item), ==,
                   item.count == n_rows ? ATLAAS_MAP_CLICK_LIST : ATLAAS_MAP_CLICK_ZOOM);
}

static gboolean
about_window_shown (gpointer data)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (ADW_IS_ABOUT_WINDOW (l->data) && gtk_widget_get_mapped (l->data))
      {
        *(GtkWidget **) data = l->data;
        return TRUE;
      }

  return FALSE;
}

static AtlaasProposalDialog *
find_proposal_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (ATLAAS_IS_PROPOSAL_DIALOG (toplevel))
        return ATLAAS_PROPOSAL_DIALOG (toplevel);
    }
  return NULL;
}

/* A proposal sent from the window's dialog shows at once on the map as a
 * pending ring at its position, and a click on it opens the pending popover. */
static void
test_window_pending_proposal (void)
{
  AtlaasMapLayer *layer = atlaas_window_get_map_layer (window);
  AtlaasStore *store = atlaas_application_get_store (app);
  g_autoptr(AtlaasAction) action = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *draft_id = NULL;
  g_autofree char *client_id = NULL;
  AtlaasProposalDialog *dialog;
  AtlaasPlace *place;
  AtlaasContact *contact;
  GtkPopover *popover;
  double latitude, longitude;
  double lat, lon, x, y;

  /* The previous test may leave a popover open on the map. */
  gtk_popover_popdown (atlaas_map_layer_get_popover (layer));
  ui_test_run_frames (100);
  g_assert_cmpuint (atlaas_map_layer_get_n_pending (layer), ==, 0);

  /* A complete action of the atlas, moved and renamed, as the draft, with
   * one named contact, as the bundled ones have no names. */
  action = atlaas_store_get_action_by_rowid (store, 1, &error);
  g_assert_no_error (error);
  g_clear_pointer (&action->id, g_free);
  g_free (action->title);
  action->title = g_strdup ("Tiers-lieu numérique de la vallée");
  g_assert_cmpuint (action->places->len, >, 0);
  g_ptr_array_set_size (action->places, 1);
  /* A few hundred metres off the action's own place, within its town. */
  place = g_ptr_array_index (action->places, 0);
  g_assert_true (place->has_position);
  latitude = place->latitude + 0.002;
  longitude = place->longitude + 0.002;
  place->latitude = latitude;
  place->longitude = longitude;
  g_ptr_array_set_size (action->contacts, 0);
  contact = atlaas_contact_new ();
  contact->name = g_strdup ("Claire Martin");
  g_ptr_array_add (action->contacts, contact);
  draft_id = atlaas_drafts_save (store, NULL, action, &error);
  g_assert_no_error (error);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.propose", NULL);
  dialog = find_proposal_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (atlaas_proposal_dialog_load_draft (dialog, draft_id, &error));
  g_assert_no_error (error);
  ui_test_run_frames (200);
  g_assert_true (atlaas_proposal_dialog_submit (dialog, &client_id, &error));
  g_assert_no_error (error);
  g_assert_nonnull (client_id);
  ui_test_run_frames (200);

  g_assert_cmpuint (atlaas_map_layer_get_n_pending (layer), ==, 1);
  g_assert_true (atlaas_map_layer_get_pending_position (layer, 0, &lat, &lon));
  /* The form keeps six decimals, about 10 cm. */
  g_assert_cmpfloat_with_epsilon (lat, latitude, 1e-5);
  g_assert_cmpfloat_with_epsilon (lon, longitude, 1e-5);

  /* Drawn and clickable on top of whatever is there. */
  go_to (latitude, longitude, 9);
  shumate_viewport_location_to_widget_coords (shumate_layer_get_viewport (SHUMATE_LAYER (layer)),
                                              GTK_WIDGET (layer), latitude, longitude, &x, &y);
  g_assert_cmpint (atlaas_map_layer_click_at (layer, x, y), ==, ATLAAS_MAP_CLICK_PENDING);
  popover = atlaas_map_layer_get_pending_popover (layer);
  ui_test_wait_until (ui_test_widget_mapped, popover, "the pending proposal's popover");
  ui_test_run_frames (300);
  ui_test_save_screenshot (GTK_WIDGET (window), "window-pending-proposal.png", SCREENSHOT_FLAGS);
  gtk_popover_popdown (popover);
  /* Away from it, the click is not the pending proposal's. */
  g_assert_cmpint (atlaas_map_layer_click_at (layer, x + 60, y + 60), !=, ATLAAS_MAP_CLICK_PENDING);
  gtk_popover_popdown (atlaas_map_layer_get_popover (layer));
}

static void
test_window_about (void)
{
  GtkWidget *about = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  ui_test_wait_until (about_window_shown, &about, "the about window");
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "Atlaas");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_true (gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (gtk_widget_get_display (about)),
                                          APPLICATION_ID));
  ui_test_run_frames (200);
  ui_test_save_screenshot (about, "about.png", SCREENSHOT_FLAGS);
  gtk_window_destroy (GTK_WINDOW (about));
}

/* Closing the window stores its size; a new window starts at that size. */
static void
test_window_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  AtlaasWindow *second;
  int width, height;

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  ui_test_run_frames (100);
  gtk_window_close (GTK_WINDOW (window));
  window = NULL;

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1100);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  second = atlaas_window_new (ADW_APPLICATION (app));
  gtk_window_get_default_size (GTK_WINDOW (second), &width, &height);
  g_assert_cmpint (width, ==, 1100);
  g_assert_cmpint (height, ==, 700);
  gtk_window_destroy (GTK_WINDOW (second));
}

static void
start_app (void)
{
  GtkWidget *loading;

  window = ui_test_start_app (&app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);

  /* The first start imports the bundled dataset, then builds the index,
   * with a loading indicator over the map until the layer is loaded. */
  loading = ui_test_find_widget_with_class (GTK_WIDGET (window), "atlaas-loading");
  g_assert_nonnull (loading);
  g_assert_true (gtk_widget_get_visible (loading));
  ui_test_wait_until (ui_test_layer_loaded, window, "the map layer to load the imported actions");
  ui_test_run_frames (300);
  g_assert_false (gtk_widget_get_visible (loading));
}

static void
stop_app (void)
{
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  ui_test_remove_store_folder (temp_dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  atlaas_application_init_i18n ();

  if (!ui_test_init_display ())
    return 77;

  /* A fresh store, so that the test runs the first-start import. */
  temp_dir = ui_test_make_store_folder ("atlaas-test-window-XXXXXX");

  start_app ();

  g_test_add_func ("/window/start-view", test_window_start_view);
  g_test_add_func ("/window/click-cluster", test_window_click_cluster);
  g_test_add_func ("/window/click-action", test_window_click_action);
  g_test_add_func ("/window/shared-position", test_window_shared_position);
  g_test_add_func ("/window/pending-proposal", test_window_pending_proposal);
  g_test_add_func ("/window/about", test_window_about);
  g_test_add_func ("/window/settings", test_window_settings);

  status = g_test_run ();
  stop_app ();

  return status;
}
