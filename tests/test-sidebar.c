/* test-sidebar.c: the search panel on the bundled data, under a real display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atlaas-application.h"
#include "atlaas-drafts.h"
#include "atlaas-fts.h"
#include "atlaas-geolocation.h"
#include "atlaas-proposal-dialog.h"
#include "atlaas-sidebar.h"
#include "atlaas-window.h"
#include "ui-test-utils.h"

#define BUNDLED_ACTIONS 687
/* A word of many place names in the bundled data, but far from all. */
#define KEYWORD "médiathèque"
#define KEYWORD_FOLDED "mediatheque"

static AtlaasApplication *app;
static AtlaasWindow *window;
static AtlaasSidebar *sidebar;
static char *temp_dir;

static gboolean
search_settled (gpointer data)
{
  return !atlaas_sidebar_get_busy (sidebar)
         && !atlaas_map_layer_get_filter_pending (atlaas_window_get_map_layer (window));
}

/* Lets the entry's delay pass so that the last change has started its
 * search, then waits for its results on the list and on the map. */
static void
wait_for_search (void)
{
  ui_test_run_frames (400);
  ui_test_wait_until (search_settled, NULL, "the search results and the map filter");
  ui_test_run_frames (100);
}

static void
collect_widgets (GtkWidget *root,
                 GType      type,
                 GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    g_ptr_array_add (out, root);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_widgets (child, type, out);
}

/* Brute force, independent of the search code ------------------------------ */

static gboolean
text_has_word_prefix (const char *text,
                      const char *folded_prefix)
{
  g_autoptr(GPtrArray) words = NULL;

  if (text == NULL)
    return FALSE;

  words = atlaas_fts_split_words (text);
  for (guint i = 0; i < words->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (words, i), folded_prefix))
      return TRUE;

  return FALSE;
}

/* Whether any field that the search indexes has a word starting with the
 * keyword: the title, the text fields, place names and towns, contacts. */
static gboolean
action_has_keyword (const AtlaasAction *action,
                    const char         *folded)
{
  const char *fields[] = {
    action->title, action->subtitle, action->actions, action->synthesis, action->tools,
    action->providers, action->recommendations, action->results,
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (text_has_word_prefix (fields[i], folded))
      return TRUE;

  for (guint i = 0; i < action->places->len; i++)
    {
      const AtlaasPlace *place = g_ptr_array_index (action->places, i);

      if (text_has_word_prefix (place->name, folded) || text_has_word_prefix (place->town, folded))
        return TRUE;
    }

  for (guint i = 0; i < action->contacts->len; i++)
    {
      const AtlaasContact *contact = g_ptr_array_index (action->contacts, i);

      if (text_has_word_prefix (contact->name, folded))
        return TRUE;
    }

  return FALSE;
}

static gboolean
action_has_theme (const AtlaasAction *action,
                  AtlaasTaxonomy     *taxonomy,
                  const char         *theme_id)
{
  for (guint i = 0; i < action->services->len; i++)
    {
      const AtlaasTheme *theme = atlaas_taxonomy_lookup (taxonomy,
                                                         g_ptr_array_index (action->services, i));

      for (; theme != NULL; theme = theme->parent)
        if (g_strcmp0 (theme->id, theme_id) == 0)
          return TRUE;
    }

  return FALSE;
}

/* The sorted rowids of the actions that have the keyword (when not NULL)
 * and a service under one of the themes (when not NULL). */
static GArray *
brute_force_rowids (const char         *folded_keyword,
                    const char * const *theme_ids)
{
  AtlaasStore *store = atlaas_application_get_store (app);
  AtlaasTaxonomy *taxonomy = atlaas_map_layer_get_taxonomy (atlaas_window_get_map_layer (window));
  sqlite3 *db = atlaas_store_get_database (store);
  GArray *rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT rowid FROM actions ORDER BY rowid", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);
      g_autoptr(GError) error = NULL;
      g_autoptr(AtlaasAction) action = atlaas_store_get_action_by_rowid (store, rowid, &error);
      gboolean theme_match = theme_ids == NULL;

      g_assert_no_error (error);
      if (folded_keyword != NULL && !action_has_keyword (action, folded_keyword))
        continue;
      for (guint i = 0; theme_ids != NULL && theme_ids[i] != NULL && !theme_match; i++)
        theme_match = action_has_theme (action, taxonomy, theme_ids[i]);
      if (theme_match)
        g_array_append_val (rowids, rowid);
    }
  sqlite3_finalize (stmt);

  return rowids;
}

static int
compare_rowids (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : (x > y ? 1 : 0);
}

static GArray *
sorted_copy (GArray *rowids)
{
  GArray *copy = g_array_copy (rowids);

  g_array_sort (copy, compare_rowids);
  return copy;
}

static void
assert_same_rowids (GArray     *expected,
                    GArray     *actual,
                    const char *what)
{
  g_autoptr(GArray) a = sorted_copy (expected);
  g_autoptr(GArray) b = sorted_copy (actual);

  if (a->len != b->len)
    g_error ("%s: expected %u actions, found %u", what, a->len, b->len);
  for (guint i = 0; i < a->len; i++)
    if (g_array_index (a, gint64, i) != g_array_index (b, gint64, i))
      g_error ("%s: action %" G_GINT64_FORMAT " expected, %" G_GINT64_FORMAT " found",
               what, g_array_index (a, gint64, i), g_array_index (b, gint64, i));
}

/* The map, seen from the outside ----------------------------------------- */

static void
show_all_of_france (void)
{
  ShumateMap *map = atlaas_window_get_map (window);

  shumate_map_center_on (map, 46.3, 2.5);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (map), 5.0);
  ui_test_run_frames (200);
}

/* The rowids under every item drawn, and the sum of the drawn counts. */
static GArray *
collect_map_rowids (guint *sum_of_counts)
{
  AtlaasMapLayer *layer = atlaas_window_get_map_layer (window);
  GArray *items = atlaas_map_layer_get_visible_items (layer);
  GArray *rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint sum = 0;

  for (guint i = 0; i < items->len; i++)
    {
      const AtlaasMapItem *item = &g_array_index (items, AtlaasMapItem, i);

      sum += item->count;
      atlaas_map_layer_get_item_rowids (layer, item, rowids);
    }
  *sum_of_counts = sum;

  return rowids;
}

/* The list, the map and the hits describe one set of actions. */
static void
assert_views_agree (GArray *expected)
{
  GArray *hits = atlaas_sidebar_get_hits (sidebar);
  GListModel *list = G_LIST_MODEL (atlaas_sidebar_get_results (sidebar));
  g_autoptr(GArray) list_rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) map_rowids = NULL;
  guint map_sum = 0;

  assert_same_rowids (expected, hits, "hits against brute force");

  g_assert_cmpuint (g_list_model_get_n_items (list), ==, hits->len);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      gint64 rowid = atlaas_result_list_get_rowid (ATLAAS_RESULT_LIST (list), i);

      g_array_append_val (list_rowids, rowid);
    }
  assert_same_rowids (hits, list_rowids, "result list against hits");

  show_all_of_france ();
  map_rowids = collect_map_rowids (&map_sum);
  g_assert_cmpuint (map_sum, ==, hits->len);
  assert_same_rowids (hits, map_rowids, "map against hits");
}

static const char *
count_text (void)
{
  return gtk_label_get_text (atlaas_sidebar_get_count_label (sidebar));
}

static guint
count_chips (void)
{
  GtkWidget *chips = GTK_WIDGET (atlaas_sidebar_get_chips (sidebar));
  guint n = 0;

  if (!gtk_widget_get_visible (chips))
    return 0;
  for (GtkWidget *child = gtk_widget_get_first_child (chips);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;

  return n;
}

static gboolean
chips_contain_text (const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect_widgets (GTK_WIDGET (atlaas_sidebar_get_chips (sidebar)), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (strstr (gtk_label_get_text (g_ptr_array_index (labels, i)), text) != NULL)
      return TRUE;

  return FALSE;
}

/* Types the keyword one character at a time, faster than the entry's delay
 * at first, so that searches start and get replaced as they would. */
static void
type_text (const char *text)
{
  GtkEditable *entry = GTK_EDITABLE (atlaas_sidebar_get_search_entry (sidebar));
  const char *end = text;

  gtk_editable_set_text (entry, "");
  while (*end != '\0')
    {
      g_autofree char *prefix = NULL;

      end = g_utf8_next_char (end);
      prefix = g_strndup (text, end - text);
      gtk_editable_set_text (entry, prefix);
      gtk_editable_set_position (entry, -1);
      ui_test_run_frames (end - text < 4 ? 200 : 40);
    }
}

/* Test cases -------------------------------------------------------------- */

static void
test_sidebar_start (void)
{
  g_autoptr(GArray) all = brute_force_rowids (NULL, NULL);

  wait_for_search ();
  g_assert_cmpuint (all->len, ==, BUNDLED_ACTIONS);
  assert_views_agree (all);
  g_assert_cmpstr (count_text (), ==, "687 actions");
  g_assert_cmpuint (count_chips (), ==, 0);
  g_assert_nonnull (atlaas_theme_tree_lookup (atlaas_sidebar_get_theme_tree (sidebar), "1"));
}

static void
test_sidebar_keyword (void)
{
  g_autoptr(GArray) expected = brute_force_rowids (KEYWORD_FOLDED, NULL);
  g_autofree char *expected_count = NULL;
  AtlaasThemeTree *tree = atlaas_sidebar_get_theme_tree (sidebar);
  guint axis_sum = 0;

  type_text (KEYWORD);
  wait_for_search ();

  g_assert_cmpuint (expected->len, >, 0);
  g_assert_cmpuint (expected->len, <, BUNDLED_ACTIONS);
  assert_views_agree (expected);

  expected_count = g_strdup_printf ("%u actions", expected->len);
  g_assert_cmpstr (count_text (), ==, expected_count);
  g_assert_cmpuint (count_chips (), ==, 1);
  g_assert_true (chips_contain_text (KEYWORD));

  /* Every axe counts the matching actions under it, from a brute force. */
  for (guint axis = 1; axis <= 4; axis++)
    {
      g_autofree char *id = g_strdup_printf ("%u", axis);
      const char *ids[] = { id, NULL };
      g_autoptr(GArray) under = brute_force_rowids (KEYWORD_FOLDED, ids);
      AtlaasThemeNode *node = atlaas_theme_tree_lookup (tree, id);

      g_assert_cmpuint (atlaas_theme_node_get_count (node), ==, under->len);
      axis_sum += under->len;
    }
  g_assert_cmpuint (axis_sum, >=, expected->len);
}

/* The axe with the most matching actions that still leaves some out. */
static const char *
pick_axis (void)
{
  static char best_id[8];
  AtlaasThemeTree *tree = atlaas_sidebar_get_theme_tree (sidebar);
  guint n_hits = atlaas_sidebar_get_hits (sidebar)->len;
  guint best = 0;

  for (guint axis = 1; axis <= 4; axis++)
    {
      g_autofree char *id = g_strdup_printf ("%u", axis);
      guint count = atlaas_theme_node_get_count (atlaas_theme_tree_lookup (tree, id));

      if (count > best && count < n_hits)
        {
          best = count;
          g_strlcpy (best_id, id, sizeof best_id);
        }
    }
  g_assert_cmpuint (best, >, 0);

  return best_id;
}

/* Clicks the check box of the tree row that shows the node. */
static void
click_theme_check (const char *id)
{
  AtlaasThemeTree *tree = atlaas_sidebar_get_theme_tree (sidebar);
  AtlaasThemeNode *node = atlaas_theme_tree_lookup (tree, id);
  g_autoptr(GPtrArray) checks = g_ptr_array_new ();

  collect_widgets (GTK_WIDGET (atlaas_theme_tree_get_list_view (tree)),
                   GTK_TYPE_CHECK_BUTTON, checks);
  for (guint i = 0; i < checks->len; i++)
    {
      GtkWidget *check = g_ptr_array_index (checks, i);
      GtkWidget *label = gtk_widget_get_next_sibling (check);

      if (gtk_widget_get_mapped (check)
          && g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)),
                        atlaas_theme_node_get_label (node)) == 0)
        {
          gtk_widget_activate (check);
          return;
        }
    }

  g_error ("No row of the theme tree shows theme %s", id);
}

static void
expand_axis (guint position)
{
  GtkListView *view = atlaas_theme_tree_get_list_view (atlaas_sidebar_get_theme_tree (sidebar));
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (view));
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, position);

  gtk_tree_list_row_set_expanded (row, TRUE);
  ui_test_run_frames (200);
}

static void
test_sidebar_theme (void)
{
  AtlaasThemeTree *tree = atlaas_sidebar_get_theme_tree (sidebar);
  const char *axis_id = pick_axis ();
  const AtlaasTheme *axis = atlaas_theme_node_get_theme (atlaas_theme_tree_lookup (tree, axis_id));
  const AtlaasTheme *first_enjeu = g_ptr_array_index (axis->children, 0);
  const char *axis_ids[] = { axis_id, NULL };
  g_autoptr(GArray) expected = brute_force_rowids (KEYWORD_FOLDED, axis_ids);
  g_auto(GStrv) checked = NULL;
  g_autoptr(GPtrArray) rest_ids = g_ptr_array_new ();
  g_autoptr(GArray) rest = NULL;

  g_test_message ("Filtering on axe %s, %s", axis_id, axis->label);
  expand_axis (g_ascii_strtoull (axis_id, NULL, 10) - 1);
  click_theme_check (axis_id);
  wait_for_search ();

  /* The axe and everything under it look checked. */
  g_assert_true (atlaas_theme_node_get_checked (atlaas_theme_tree_lookup (tree, axis_id)));
  g_assert_true (atlaas_theme_node_get_checked (atlaas_theme_tree_lookup (tree, first_enjeu->id)));
  checked = atlaas_theme_tree_get_checked_ids (tree);
  g_assert_cmpstrv (checked, axis_ids);

  assert_views_agree (expected);
  g_assert_cmpuint (count_chips (), ==, 2);
  g_assert_true (chips_contain_text (axis->label));

  /* Auvergne-Rhône-Alpes, where the bundled actions are. */
  shumate_map_center_on (atlaas_window_get_map (window), 45.45, 4.6);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (atlaas_window_get_map (window)), 7.0);
  ui_test_run_frames (300);
  ui_test_save_screenshot (GTK_WIDGET (window), "sidebar-theme-filter.png",
                           UI_TEST_SCREENSHOT_DEFAULT);

  /* Unchecking one enjeu keeps its siblings, and the axe turns inconsistent. */
  click_theme_check (first_enjeu->id);
  wait_for_search ();
  g_assert_false (atlaas_theme_node_get_checked (atlaas_theme_tree_lookup (tree, axis_id)));
  g_assert_true (atlaas_theme_node_get_inconsistent (atlaas_theme_tree_lookup (tree, axis_id)));
  g_assert_false (atlaas_theme_node_get_checked (atlaas_theme_tree_lookup (tree, first_enjeu->id)));
  for (guint i = 1; i < axis->children->len; i++)
    g_ptr_array_add (rest_ids, ((AtlaasTheme *) g_ptr_array_index (axis->children, i))->id);
  g_ptr_array_add (rest_ids, NULL);
  rest = brute_force_rowids (KEYWORD_FOLDED, (const char * const *) rest_ids->pdata);
  assert_views_agree (rest);
  g_assert_cmpuint (count_chips (), ==, axis->children->len);

  /* Checking it again gives the whole axe back, as one chip. */
  click_theme_check (first_enjeu->id);
  wait_for_search ();
  g_assert_true (atlaas_theme_node_get_checked (atlaas_theme_tree_lookup (tree, axis_id)));
  g_assert_cmpuint (count_chips (), ==, 2);
  assert_views_agree (expected);
}

static void
test_sidebar_remove_chips (void)
{
  g_autoptr(GArray) all = brute_force_rowids (NULL, NULL);

  while (count_chips () > 0)
    {
      g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
      guint before = count_chips ();

      collect_widgets (GTK_WIDGET (atlaas_sidebar_get_chips (sidebar)), GTK_TYPE_BUTTON, buttons);
      g_assert_cmpuint (buttons->len, ==, before);
      g_signal_emit_by_name (g_ptr_array_index (buttons, 0), "clicked");
      wait_for_search ();
      g_assert_cmpuint (count_chips (), ==, before - 1);
    }

  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (atlaas_sidebar_get_search_entry (sidebar))),
                   ==, "");
  assert_views_agree (all);
  g_assert_cmpstr (count_text (), ==, "687 actions");
}

static void
test_sidebar_no_match (void)
{
  GtkEditable *entry = GTK_EDITABLE (atlaas_sidebar_get_search_entry (sidebar));
  g_autoptr(GArray) none = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) all = brute_force_rowids (NULL, NULL);

  gtk_editable_set_text (entry, "xylophonique ");
  wait_for_search ();
  assert_views_agree (none);
  g_assert_cmpstr (count_text (), ==, "No action matches");

  /* Text that yields no keyword filters nothing and gets no chip. */
  {
    const char *wordless[] = { "*", "-", "\U0001F600", " le " };

    for (guint i = 0; i < G_N_ELEMENTS (wordless); i++)
      {
        gtk_editable_set_text (entry, wordless[i]);
        wait_for_search ();
        g_test_message ("Wordless search text: “%s”", wordless[i]);
        g_assert_cmpuint (count_chips (), ==, 0);
        assert_views_agree (all);
      }
  }

  /* Escape in the entry clears the keywords and brings every action back. */
  g_signal_emit_by_name (entry, "stop-search");
  wait_for_search ();
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "");
  assert_views_agree (all);
}

static void
test_sidebar_visible_area (void)
{
  ShumateMap *map = atlaas_window_get_map (window);
  GtkCheckButton *check = atlaas_sidebar_get_area_check (sidebar);
  AtlaasStore *store = atlaas_application_get_store (app);
  g_autoptr(AtlaasPointSet) points = NULL;
  g_autoptr(GError) error = NULL;
  ShumateViewport *viewport = shumate_map_get_viewport (map);
  GtkWidget *layer = GTK_WIDGET (atlaas_window_get_map_layer (window));
  g_autoptr(GHashTable) inside = g_hash_table_new (g_int64_hash, g_int64_equal);
  double north, west, south, east;
  GListModel *list = G_LIST_MODEL (atlaas_sidebar_get_results (sidebar));
  guint n_in_axes = 0;
  guint n_under_axes = 0;

  /* Lyon and its surroundings. */
  shumate_map_center_on (map, 45.76, 4.84);
  shumate_viewport_set_zoom_level (viewport, 10.0);
  ui_test_run_frames (200);
  gtk_check_button_set_active (check, TRUE);
  wait_for_search ();

  shumate_viewport_widget_coords_to_location (viewport, layer, 0, 0, &north, &west);
  shumate_viewport_widget_coords_to_location (viewport, layer,
                                              gtk_widget_get_width (layer),
                                              gtk_widget_get_height (layer),
                                              &south, &east);
  points = atlaas_store_load_points (store, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < points->n_points; i++)
    if (points->longitudes[i] >= west && points->longitudes[i] <= east
        && points->latitudes[i] >= south && points->latitudes[i] <= north)
      g_hash_table_add (inside, &points->action_rowids[i]);

  g_assert_cmpuint (g_hash_table_size (inside), >, 0);
  g_assert_cmpuint (g_hash_table_size (inside), <, BUNDLED_ACTIONS);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, g_hash_table_size (inside));
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      gint64 rowid = atlaas_result_list_get_rowid (ATLAAS_RESULT_LIST (list), i);

      g_assert_true (g_hash_table_contains (inside, &rowid));
    }
  g_assert_true (g_str_has_suffix (count_text (), "in the visible area"));

  /* The theme counts describe the actions of the list: every axe counts
   * those of a search on it alone that lie in the visible area. */
  for (guint axis = 1; axis <= 4; axis++)
    {
      g_autofree char *id = g_strdup_printf ("%u", axis);
      const char *ids[] = { id, NULL };
      g_autoptr(GArray) under = brute_force_rowids (NULL, ids);
      AtlaasThemeNode *node = atlaas_theme_tree_lookup (atlaas_sidebar_get_theme_tree (sidebar), id);
      guint expected = 0;

      for (guint i = 0; i < under->len; i++)
        if (g_hash_table_contains (inside, &g_array_index (under, gint64, i)))
          expected++;

      g_test_message ("Axe %s: %u actions in the visible area", id, expected);
      g_assert_cmpuint (atlaas_theme_node_get_count (node), ==, expected);
      n_in_axes += expected;
      n_under_axes += under->len;
    }
  g_assert_cmpuint (n_in_axes, >, 0);
  g_assert_cmpuint (n_in_axes, <, n_under_axes);

  /* Moving the map refreshes the list after a short delay. */
  shumate_map_center_on (map, 45.19, 5.72);
  ui_test_run_frames (600);
  g_assert_cmpuint (g_list_model_get_n_items (list), !=, 0);

  gtk_check_button_set_active (check, FALSE);
  wait_for_search ();
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, BUNDLED_ACTIONS);
  /* Only the rows near the screen were read from the store: GTK 4.8's list
   * view makes at most 200 rows, whatever the length of the list. */
  g_assert_cmpuint (atlaas_result_list_get_n_read (ATLAAS_RESULT_LIST (list)), <=, 220);
}

static void
test_sidebar_select_result (void)
{
  GtkListView *view = atlaas_sidebar_get_result_view (sidebar);
  GtkSelectionModel *selection = gtk_list_view_get_model (view);
  AtlaasMapLayer *layer = atlaas_window_get_map_layer (window);
  GtkPopover *popover;
  g_autoptr(AtlaasResultItem) item = NULL;

  type_text (KEYWORD);
  wait_for_search ();
  show_all_of_france ();

  item = g_list_model_get_item (G_LIST_MODEL (selection), 0);
  gtk_selection_model_select_item (selection, 0, TRUE);
  popover = atlaas_map_layer_get_popover (layer);
  ui_test_run_frames (300);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  g_assert_cmpfloat (shumate_viewport_get_zoom_level (shumate_map_get_viewport (atlaas_window_get_map (window))),
                     >, 5.0);
  ui_test_save_screenshot (GTK_WIDGET (window), "sidebar-selected-result.png",
                           UI_TEST_SCREENSHOT_DEFAULT);
  gtk_popover_popdown (popover);
}

static void
test_sidebar_focus_shortcut (void)
{
  GtkWidget *entry = GTK_WIDGET (atlaas_sidebar_get_search_entry (sidebar));

  gtk_widget_grab_focus (GTK_WIDGET (atlaas_window_get_map (window)));
  g_object_set (window, "sidebar-visible", FALSE, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL));
  ui_test_run_frames (100);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (sidebar)));
  g_assert_true (gtk_widget_is_focus (entry) || gtk_widget_has_focus (entry)
                 || gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), entry));
}

typedef struct
{
  double latitude;
  double longitude;
} Place;

static gboolean
map_centred_on (gpointer data)
{
  Place *place = data;
  ShumateViewport *viewport = shumate_map_get_viewport (atlaas_window_get_map (window));

  return G_APPROX_VALUE (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)),
                         place->latitude, 1e-4)
         && G_APPROX_VALUE (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                            place->longitude, 1e-4);
}

static GtkPaned *
find_paned (void)
{
  g_autoptr(GPtrArray) paneds = g_ptr_array_new ();

  collect_widgets (GTK_WIDGET (window), GTK_TYPE_PANED, paneds);
  g_assert_cmpuint (paneds->len, >=, 1);

  return g_ptr_array_index (paneds, 0);
}

/* A window closed in one place opens in the same place, with the panel as
 * it was. The memory GSettings backend keeps the values for this process. */
static void
test_sidebar_restore_state (void)
{
  ShumateMap *map = atlaas_window_get_map (window);
  GtkPaned *paned = find_paned ();
  Place grenoble = { 45.1885, 5.7245 };
  int paned_width = gtk_widget_get_width (GTK_WIDGET (paned));
  int sidebar_width;

  shumate_map_center_on (map, grenoble.latitude, grenoble.longitude);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (map), 11.0);
  gtk_paned_set_position (paned, paned_width - 400);
  ui_test_run_frames (200);
  sidebar_width = gtk_widget_get_width (GTK_WIDGET (sidebar));
  g_assert_cmpint (abs (sidebar_width - 400), <=, 8);

  /* Closing saves, as when the person closes the window. */
  gtk_window_close (GTK_WINDOW (window));
  ui_test_run_frames (100);

  window = atlaas_window_new (ADW_APPLICATION (app));
  sidebar = ATLAAS_SIDEBAR (atlaas_window_get_sidebar (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  atlaas_window_load_store (window, atlaas_application_get_store (app));
  ui_test_wait_until (ui_test_layer_loaded, window, "the map layer of the second window");
  ui_test_wait_until (map_centred_on, &grenoble, "the map view of the last session");
  ui_test_run_frames (200);

  g_assert_cmpfloat_with_epsilon (shumate_viewport_get_zoom_level (shumate_map_get_viewport (atlaas_window_get_map (window))),
                                  11.0, 1e-6);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (sidebar)));
  g_assert_cmpint (abs (gtk_widget_get_width (GTK_WIDGET (sidebar)) - sidebar_width), <=, 8);

  /* A hidden panel stays hidden. */
  g_object_set (window, "sidebar-visible", FALSE, NULL);
  gtk_window_close (GTK_WINDOW (window));
  ui_test_run_frames (100);
  window = atlaas_window_new (ADW_APPLICATION (app));
  sidebar = ATLAAS_SIDEBAR (atlaas_window_get_sidebar (window));
  gtk_window_present (GTK_WINDOW (window));
  ui_test_run_frames (200);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (sidebar)));
  g_assert_true (map_centred_on (&grenoble));
}

typedef struct
{
  gboolean done;
  gboolean found;
  double latitude;
  double longitude;
  GError *error;
} LocateOutcome;

static gboolean
locate_done (gpointer data)
{
  return ((LocateOutcome *) data)->done;
}

/* Whether a label in the window reads "Position unavailable: <reason>". */
static gboolean
toast_shown (gpointer data)
{
  const char *reason = data;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  /* The toast names the reason and what to do instead. */
  g_autofree char *expected = g_strdup_printf ("Position unavailable: %s. Move the map yourself "
                                               "or turn on location in the Settings.", reason);

  collect_widgets (GTK_WIDGET (window), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_text (g_ptr_array_index (labels, i)), expected) == 0)
      return TRUE;

  return FALSE;
}

static void
locate_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  LocateOutcome *outcome = user_data;

  outcome->found = atlaas_geolocation_locate_finish (result, &outcome->latitude,
                                                     &outcome->longitude, NULL,
                                                     &outcome->error);
  outcome->done = TRUE;
}

/* Test machines have no GeoClue service, so this checks the message that
 * the person reads then. Where GeoClue returns a position, it must be valid. */
static void
test_sidebar_geolocation (void)
{
  LocateOutcome outcome = { 0, };

  atlaas_geolocation_locate_async (NULL, locate_cb, &outcome);
  ui_test_wait_until (locate_done, &outcome, "the answer of the geolocation");

  if (outcome.found)
    {
      g_test_message ("GeoClue gave %.3f, %.3f", outcome.latitude, outcome.longitude);
      g_assert_cmpfloat (fabs (outcome.latitude), <=, 90.0);
      g_assert_cmpfloat (fabs (outcome.longitude), <=, 180.0);
      return;
    }

  g_test_message ("Geolocation error: %s", outcome.error->message);
  g_assert_true (outcome.error->domain == ATLAAS_GEOLOCATION_ERROR);
  g_assert_cmpuint (strlen (outcome.error->message), >, 10);

  /* The button beside the zoom buttons shows the same reason in a toast. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.locate", NULL));
  ui_test_wait_until (toast_shown, outcome.error->message, "the toast saying why there is no position");
  g_clear_error (&outcome.error);
}

static gboolean
label_in (GtkWidget  *root,
          const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect_widgets (root, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_text (g_ptr_array_index (labels, i)), text) == 0)
      return TRUE;

  return FALSE;
}

static gboolean
label_shown (gpointer data)
{
  const char *text = data;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect_widgets (GTK_WIDGET (window), GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_text (g_ptr_array_index (labels, i)), text) == 0
        && gtk_widget_is_drawable (g_ptr_array_index (labels, i)))
      return TRUE;

  return FALSE;
}

/* Returns the first toplevel window whose title is `title`. */
static GtkWindow *
find_toplevel (const char *title)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (g_strcmp0 (gtk_window_get_title (toplevel), title) == 0)
        return toplevel;
    }

  return NULL;
}

static gboolean
toplevel_gone (gpointer data)
{
  return find_toplevel (data) == NULL;
}

/* A sent proposal is confirmed on the main window by a toast whose button
 * opens “My Proposals”, and Escape closes that window. */
static void
test_sidebar_proposal_sent_toast (void)
{
  const char *message = "Proposal saved. It will be sent to the moderators as soon as possible.";
  GListModel *toplevels = gtk_window_get_toplevels ();
  AtlaasProposalDialog *dialog = NULL;
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GtkWidget *my_proposals = NULL;
  GtkWindow *proposals_window;
  GListModel *controllers;
  gboolean closed_by_escape = FALSE;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.propose", NULL));
  ui_test_run_frames (300);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (ATLAAS_IS_PROPOSAL_DIALOG (toplevel))
        dialog = ATLAAS_PROPOSAL_DIALOG (toplevel);
    }
  g_assert_nonnull (dialog);

  /* NOTE: the signal is emitted here rather than by filling a complete
   * proposal: the form's own test covers sending, this one the window. */
  g_signal_emit_by_name (dialog, "submitted", "00000000-0000-4000-8000-000000000000");
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_test_wait_until (label_shown, (gpointer) message, "the toast confirming the proposal");

  collect_widgets (GTK_WIDGET (window), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len && my_proposals == NULL; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), "My Proposals") == 0
        && gtk_widget_is_drawable (g_ptr_array_index (buttons, i)))
      my_proposals = g_ptr_array_index (buttons, i);
  g_assert_nonnull (my_proposals);
  g_signal_emit_by_name (my_proposals, "clicked");
  ui_test_run_frames (300);

  proposals_window = find_toplevel ("My Proposals");
  g_assert_nonnull (proposals_window);
  controllers = gtk_widget_observe_controllers (GTK_WIDGET (proposals_window));
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !closed_by_escape; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autoptr(GtkShortcutTrigger) escape = gtk_keyval_trigger_new (GDK_KEY_Escape, 0);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), escape))
            {
              g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                           GTK_WIDGET (proposals_window), NULL));
              closed_by_escape = TRUE;
              break;
            }
        }
    }
  g_object_unref (controllers);
  g_assert_true (closed_by_escape);
  ui_test_wait_until (toplevel_gone, (gpointer) "My Proposals", "Escape to close “My Proposals”");
}

/* A draft left from an earlier session is offered when a window opens, and
 * the toast's button opens the form on its list of drafts. */
static void
test_sidebar_draft_offered (void)
{
  AtlaasStore *store = atlaas_application_get_store (app);
  g_autoptr(AtlaasAction) action = atlaas_action_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  g_autofree char *draft_id = NULL;
  GListModel *toplevels = gtk_window_get_toplevels ();
  AtlaasProposalDialog *dialog = NULL;
  GtkWidget *resume = NULL;

  action->title = g_strdup ("Brouillon laissé par un plantage");
  draft_id = atlaas_drafts_save (store, NULL, action, &error);
  g_assert_no_error (error);

  gtk_window_close (GTK_WINDOW (window));
  ui_test_run_frames (100);
  window = atlaas_window_new (ADW_APPLICATION (app));
  sidebar = ATLAAS_SIDEBAR (atlaas_window_get_sidebar (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  atlaas_window_load_store (window, store);
  ui_test_wait_until (ui_test_layer_loaded, window, "the map layer of the new window");
  ui_test_wait_until (label_shown, (gpointer) "A proposal has not been sent.", "the toast offering the draft");

  collect_widgets (GTK_WIDGET (window), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len && resume == NULL; i++)
    if (g_strcmp0 (gtk_button_get_label (g_ptr_array_index (buttons, i)), "Resume") == 0
        && gtk_widget_is_drawable (g_ptr_array_index (buttons, i)))
      resume = g_ptr_array_index (buttons, i);
  g_assert_nonnull (resume);
  g_signal_emit_by_name (resume, "clicked");
  ui_test_run_frames (300);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (ATLAAS_IS_PROPOSAL_DIALOG (toplevel))
        dialog = ATLAAS_PROPOSAL_DIALOG (toplevel);
    }
  g_assert_nonnull (dialog);
  /* The form shows its list of drafts, not a new proposal. */
  g_assert_null (atlaas_proposal_dialog_get_draft_id (dialog));
  g_assert_true (label_in (GTK_WIDGET (dialog), "Brouillon laissé par un plantage"));

  gtk_window_destroy (GTK_WINDOW (dialog));
  atlaas_drafts_delete (store, draft_id, &error);
  g_assert_no_error (error);
}

static void
start_app (void)
{
  window = ui_test_start_app (&app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  g_assert_true (ATLAAS_IS_SIDEBAR (atlaas_window_get_sidebar (window)));
  sidebar = ATLAAS_SIDEBAR (atlaas_window_get_sidebar (window));
  g_object_set (window, "sidebar-visible", TRUE, NULL);

  /* The first start imports the bundled dataset, then builds the index. */
  ui_test_wait_until (ui_test_layer_loaded, window, "the map layer to load the imported actions");
  ui_test_run_frames (300);
}

static void
stop_app (void)
{
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

  if (!ui_test_init_display ())
    return 77;

  temp_dir = ui_test_make_store_folder ("atlaas-test-sidebar-XXXXXX");

  start_app ();

  g_test_add_func ("/sidebar/start", test_sidebar_start);
  g_test_add_func ("/sidebar/keyword", test_sidebar_keyword);
  g_test_add_func ("/sidebar/theme", test_sidebar_theme);
  g_test_add_func ("/sidebar/remove-chips", test_sidebar_remove_chips);
  g_test_add_func ("/sidebar/no-match", test_sidebar_no_match);
  g_test_add_func ("/sidebar/visible-area", test_sidebar_visible_area);
  g_test_add_func ("/sidebar/proposal-sent-toast", test_sidebar_proposal_sent_toast);
  g_test_add_func ("/sidebar/select-result", test_sidebar_select_result);
  g_test_add_func ("/sidebar/focus-shortcut", test_sidebar_focus_shortcut);
  g_test_add_func ("/sidebar/geolocation", test_sidebar_geolocation);
  g_test_add_func ("/sidebar/restore-state", test_sidebar_restore_state);
  g_test_add_func ("/sidebar/draft-offered", test_sidebar_draft_offered);

  status = g_test_run ();
  stop_app ();

  return status;
}
