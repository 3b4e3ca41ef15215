/* atlaas-sidebar.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-App"

#include "config.h"

#include <stdlib.h>

#include <glib/gi18n.h>

#include "atlaas-fts.h"
#include "atlaas-search.h"
#include "atlaas-sidebar.h"
#include "atlaas-window.h"

/* The list follows the map this long after the map stops moving. */
#define AREA_DELAY_MS 250

/* One search connection per store file, which the worker threads use in
 * turn. Opening it reads every action's themes and dates, too slow to
 * repeat for each keystroke, and an SQLite connection must not be used by
 * two threads at once. */
typedef struct
{
  gatomicrefcount ref_count;
  GMutex mutex;
  char *path;
  AtlaasSearch *search;   /* opened by the first search, under the mutex */
} SearchContext;

typedef struct
{
  SearchContext *context;
  AtlaasSearchQuery *query;
  GArray *in_view;            /* gint64 rowids in the visible area, or NULL */
} SearchJob;

typedef struct
{
  AtlaasSearchResults *results;
  GHashTable *theme_counts;   /* keywords only, and the visible area when limited to it */
  gboolean has_filter;        /* FALSE when every action passes */
} SearchOutcome;

struct _AtlaasSidebar
{
  GtkBox parent_instance;

  /* template widgets */
  GtkSearchEntry *search_entry;
  GtkFlowBox *chips;
  GtkExpander *themes_expander;
  AtlaasThemeTree *theme_tree;
  GtkLabel *count_label;
  GtkLabel *hint_label;
  GtkCheckButton *area_check;
  GtkListView *result_view;

  /* borrowed */
  ShumateMap *map;
  AtlaasMapLayer *map_layer;

  /* owned */
  SearchContext *context;
  GCancellable *cancellable;   /* of the running search */
  AtlaasResultList *results;
  GtkSingleSelection *selection;
  GArray *hits;                /* gint64 rowids of the last search, best first */
  gboolean has_filter;
  gboolean busy;
  guint area_timeout_id;
};

G_DEFINE_FINAL_TYPE (AtlaasSidebar, atlaas_sidebar, GTK_TYPE_BOX)

enum
{
  PROP_0,
  PROP_BUSY,
  PROP_MAP,
  PROP_MAP_LAYER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define CHIP_THEME_KEY "atlaas-theme-id"

static SearchContext *
search_context_new (const char *path)
{
  SearchContext *context = g_new0 (SearchContext, 1);

  g_atomic_ref_count_init (&context->ref_count);
  g_mutex_init (&context->mutex);
  context->path = g_strdup (path);

  return context;
}

static SearchContext *
search_context_ref (SearchContext *context)
{
  g_atomic_ref_count_inc (&context->ref_count);

  return context;
}

static void
search_context_unref (SearchContext *context)
{
  if (!g_atomic_ref_count_dec (&context->ref_count))
    return;

  g_clear_pointer (&context->search, atlaas_search_free);
  g_mutex_clear (&context->mutex);
  g_free (context->path);
  g_free (context);
}

static void
search_job_free (SearchJob *job)
{
  g_clear_pointer (&job->context, search_context_unref);
  g_clear_pointer (&job->query, atlaas_search_query_free);
  g_clear_pointer (&job->in_view, g_array_unref);
  g_free (job);
}

static void
search_outcome_free (SearchOutcome *outcome)
{
  g_clear_pointer (&outcome->results, atlaas_search_results_free);
  g_clear_pointer (&outcome->theme_counts, g_hash_table_unref);
  g_free (outcome);
}

static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SearchJob *job = task_data;
  SearchContext *context = job->context;
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasSearchResults) results = NULL;
  g_autoptr(GHashTable) theme_counts = NULL;
  gboolean has_themes = job->query->theme_ids != NULL && job->query->theme_ids[0] != NULL;
  gint64 start = g_get_monotonic_time ();
  SearchOutcome *outcome;

  g_mutex_lock (&context->mutex);

  /* A newer search replaced this one while it waited for the mutex. */
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_mutex_unlock (&context->mutex);
      g_task_return_error_if_cancelled (task);
      return;
    }

  if (context->search == NULL)
    context->search = atlaas_search_open (context->path, &error);
  if (context->search != NULL)
    results = atlaas_search_run (context->search, job->query, &error);

  /* The tree shows what each theme would give with the keywords alone, so
   * that checking a theme does not empty its neighbours. */
  if (results != NULL && job->in_view != NULL)
    theme_counts = atlaas_search_count_themes_in (context->search, job->query,
                                                  (const gint64 *) job->in_view->data,
                                                  job->in_view->len, &error);
  else if (results != NULL && has_themes)
    theme_counts = atlaas_search_count_themes (context->search, job->query, &error);
  else if (results != NULL)
    theme_counts = g_steal_pointer (&results->theme_counts);

  g_mutex_unlock (&context->mutex);

  if (results == NULL || theme_counts == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("Search “%s” with %u themes: %u actions in %.1f ms",
           job->query->text != NULL ? job->query->text : "",
           job->query->theme_ids != NULL ? g_strv_length (job->query->theme_ids) : 0,
           results->hits->len, (g_get_monotonic_time () - start) / 1000.0);

  outcome = g_new0 (SearchOutcome, 1);
  outcome->has_filter = has_themes || results->keywords->len > 0;
  outcome->results = g_steal_pointer (&results);
  outcome->theme_counts = g_steal_pointer (&theme_counts);
  g_task_return_pointer (task, outcome, (GDestroyNotify) search_outcome_free);
}

static void
set_busy (AtlaasSidebar *self,
          gboolean       busy)
{
  if (self->busy == busy)
    return;

  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_toast (AtlaasSidebar *self,
            const char    *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ATLAAS_IS_WINDOW (root))
    atlaas_window_show_toast (ATLAAS_WINDOW (root), message);
}

static int
compare_rowids (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : (x > y ? 1 : 0);
}

static void
update_count (AtlaasSidebar *self,
              guint          n_shown,
              gboolean       area_only)
{
  g_autofree char *text = NULL;

  if (n_shown == 0)
    {
      gtk_label_set_text (self->count_label, _("No action matches"));
      gtk_label_set_text (self->hint_label,
                          area_only
                          ? _("Move the map, or turn off “Limit to the visible area”.")
                          : _("Try other keywords, or remove a theme from the filters."));
      gtk_widget_set_visible (GTK_WIDGET (self->hint_label), TRUE);
      return;
    }

  if (area_only)
    text = g_strdup_printf (ngettext ("%u action in the visible area",
                                      "%u actions in the visible area", n_shown),
                            n_shown);
  else
    text = g_strdup_printf (ngettext ("%u action", "%u actions", n_shown), n_shown);

  gtk_label_set_text (self->count_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), FALSE);
}

/* Shows the hits, or those in the visible area when the box is checked. */
static void
update_list (AtlaasSidebar *self)
{
  gboolean area_only = gtk_check_button_get_active (self->area_check);
  g_autoptr(GArray) in_view = NULL;
  g_autoptr(GArray) shown = NULL;

  if (!area_only)
    {
      atlaas_result_list_set_rowids (self->results, (const gint64 *) self->hits->data,
                                     self->hits->len);
      update_count (self, self->hits->len, FALSE);
      return;
    }

  in_view = atlaas_map_layer_get_rowids_in_view (self->map_layer);
  g_array_sort (in_view, compare_rowids);
  shown = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < self->hits->len; i++)
    {
      const gint64 *rowid = &g_array_index (self->hits, gint64, i);

      if (bsearch (rowid, in_view->data, in_view->len, sizeof (gint64), compare_rowids) != NULL)
        g_array_append_val (shown, *rowid);
    }

  atlaas_result_list_set_rowids (self->results, (const gint64 *) shown->data, shown->len);
  update_count (self, shown->len, TRUE);
}

static void
chip_remove_clicked_cb (GtkButton     *button,
                        AtlaasSidebar *self)
{
  const char *theme_id = g_object_get_data (G_OBJECT (button), CHIP_THEME_KEY);

  if (theme_id != NULL)
    atlaas_theme_tree_set_checked (self->theme_tree, theme_id, FALSE);
  else
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static GtkWidget *
create_chip (AtlaasSidebar *self,
             const char    *text,
             const char    *theme_id)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  GtkWidget *label = gtk_label_new (text);
  GtkWidget *button = gtk_button_new_from_icon_name ("window-close-symbolic");
  g_autofree char *remove_label = g_strdup_printf (_("Remove the filter “%s”"), text);

  gtk_widget_add_css_class (box, "atlaas-chip");
  gtk_widget_set_halign (box, GTK_ALIGN_START);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 26);
  gtk_widget_set_tooltip_text (label, text);

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "circular");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Remove this filter"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label,
                                  -1);
  if (theme_id != NULL)
    g_object_set_data_full (G_OBJECT (button), CHIP_THEME_KEY, g_strdup (theme_id), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (chip_remove_clicked_cb), self);

  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), button);

  return box;
}

static void
update_chips (AtlaasSidebar *self,
              const char    *text,
              GStrv          theme_ids)
{
  g_autofree char *keywords = g_strstrip (g_strdup (text != NULL ? text : ""));
  /* Text without words, such as "*", "-", an emoji or only stop words,
   * does not filter the search, so it gets no chip. */
  g_autoptr(GPtrArray) words = atlaas_fts_split_words (keywords);
  GtkWidget *child;
  guint n_chips = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->chips))) != NULL)
    gtk_flow_box_remove (self->chips, child);

  if (words->len > 0)
    {
      g_autofree char *quoted = g_strdup_printf (_("“%s”"), keywords);

      gtk_flow_box_append (self->chips, create_chip (self, quoted, NULL));
      n_chips++;
    }

  for (guint i = 0; theme_ids != NULL && theme_ids[i] != NULL; i++)
    {
      AtlaasThemeNode *node = atlaas_theme_tree_lookup (self->theme_tree, theme_ids[i]);

      if (node == NULL)
        continue;
      gtk_flow_box_append (self->chips, create_chip (self, atlaas_theme_node_get_label (node),
                                                     theme_ids[i]));
      n_chips++;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->chips), n_chips > 0);
}

static void
search_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  AtlaasSidebar *self = ATLAAS_SIDEBAR (object);
  g_autoptr(GError) error = NULL;
  SearchOutcome *outcome;
  GArray *hits;

  outcome = g_task_propagate_pointer (G_TASK (result), &error);
  if (outcome == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_warning ("Search failed: %s", error->message);
      set_busy (self, FALSE);
      show_toast (self, _("The search failed on the local copy of the atlas."));
      return;
    }

  hits = outcome->results->hits;
  g_array_set_size (self->hits, hits->len);
  for (guint i = 0; i < hits->len; i++)
    g_array_index (self->hits, gint64, i) = g_array_index (hits, AtlaasSearchHit, i).rowid;
  self->has_filter = outcome->has_filter;

  atlaas_theme_tree_set_counts (self->theme_tree, outcome->theme_counts);
  if (self->has_filter)
    atlaas_map_layer_set_filter (self->map_layer, (const gint64 *) self->hits->data,
                                 self->hits->len);
  else
    atlaas_map_layer_set_filter (self->map_layer, NULL, 0);
  update_list (self);

  search_outcome_free (outcome);
  set_busy (self, FALSE);
}

static void
start_search (AtlaasSidebar *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_auto(GStrv) theme_ids = atlaas_theme_tree_get_checked_ids (self->theme_tree);
  g_autoptr(GTask) task = NULL;
  SearchJob *job;

  update_chips (self, text, theme_ids);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->context == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  job = g_new0 (SearchJob, 1);
  job->context = search_context_ref (self->context);
  job->query = atlaas_search_query_new (text, (const char * const *) theme_ids);
  /* The theme counts describe the same actions as the list and the map. */
  if (gtk_check_button_get_active (self->area_check))
    job->in_view = atlaas_map_layer_get_rowids_in_view (self->map_layer);

  set_busy (self, TRUE);
  task = g_task_new (self, self->cancellable, search_cb, NULL);
  g_task_set_source_tag (task, start_search);
  g_task_set_task_data (task, job, (GDestroyNotify) search_job_free);
  g_task_run_in_thread (task, search_thread);
}

static void
search_changed_cb (AtlaasSidebar *self)
{
  start_search (self);
}

static void
stop_search_cb (AtlaasSidebar *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
themes_changed_cb (AtlaasSidebar *self)
{
  start_search (self);
}

static void
layer_loaded_cb (AtlaasSidebar *self)
{
  AtlaasStore *store = atlaas_map_layer_get_store (self->map_layer);
  AtlaasTaxonomy *taxonomy = atlaas_map_layer_get_taxonomy (self->map_layer);
  const char *path;

  if (!atlaas_map_layer_get_loaded (self->map_layer) || store == NULL)
    return;

  atlaas_result_list_set_store (self->results, store,
                                atlaas_map_layer_get_gazetteer (self->map_layer));
  if (taxonomy != NULL)
    atlaas_theme_tree_set_taxonomy (self->theme_tree, taxonomy);

  path = atlaas_store_get_path (store);
  if (self->context == NULL || g_strcmp0 (self->context->path, path) != 0)
    {
      g_clear_pointer (&self->context, search_context_unref);
      self->context = search_context_new (path);
    }

  /* The layer loads again when the store changed, and so must the results. */
  start_search (self);
}

static gboolean
area_timeout_cb (gpointer user_data)
{
  AtlaasSidebar *self = ATLAAS_SIDEBAR (user_data);

  self->area_timeout_id = 0;
  start_search (self);

  return G_SOURCE_REMOVE;
}

static void
viewport_changed_cb (AtlaasSidebar *self)
{
  if (!gtk_check_button_get_active (self->area_check))
    return;

  g_clear_handle_id (&self->area_timeout_id, g_source_remove);
  self->area_timeout_id = g_timeout_add (AREA_DELAY_MS, area_timeout_cb, self);
}

static void
area_toggled_cb (AtlaasSidebar *self)
{
  g_clear_handle_id (&self->area_timeout_id, g_source_remove);
  start_search (self);
}

static void
selected_changed_cb (AtlaasSidebar *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);
  gint64 rowid;

  if (position == GTK_INVALID_LIST_POSITION)
    return;

  rowid = atlaas_result_list_get_rowid (self->results, position);
  if (!atlaas_map_layer_show_action (self->map_layer, rowid))
    show_toast (self, _("This action has no position on the map."));
}

/* Enter or a double click opens the sheet, as "Learn more" does. */
static void
result_activated_cb (GtkListView   *view,
                     guint          position,
                     AtlaasSidebar *self)
{
  g_signal_emit_by_name (self->map_layer, "action-activated",
                         atlaas_result_list_get_rowid (self->results, position));
}

static void
setup_result_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GtkWidget *details = gtk_label_new (NULL);

  gtk_widget_add_css_class (box, "atlaas-result-row");

  gtk_label_set_xalign (GTK_LABEL (title), 0.0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (title), 2);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (title, "heading");

  gtk_label_set_xalign (GTK_LABEL (subtitle), 0.0);
  gtk_label_set_wrap (GTK_LABEL (subtitle), TRUE);
  gtk_label_set_lines (GTK_LABEL (subtitle), 2);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);

  gtk_label_set_xalign (GTK_LABEL (details), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (details), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (details, "caption");
  gtk_widget_add_css_class (details, "dim-label");

  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_box_append (GTK_BOX (box), details);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_result_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  AtlaasResultItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *title = gtk_widget_get_first_child (box);
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  GtkWidget *details = gtk_widget_get_next_sibling (subtitle);
  const char *place = atlaas_result_item_get_place (item);
  const char *date = atlaas_result_item_get_date (item);
  g_autofree char *details_text = NULL;

  if (place != NULL && date != NULL)
    /* TRANSLATORS: a result's town and département, then its date */
    details_text = g_strdup_printf (_("%s · %s"), place, date);
  else
    details_text = g_strdup (place != NULL ? place : date);

  gtk_label_set_text (GTK_LABEL (title), atlaas_result_item_get_title (item));
  gtk_label_set_text (GTK_LABEL (subtitle), atlaas_result_item_get_subtitle (item));
  gtk_widget_set_visible (subtitle, atlaas_result_item_get_subtitle (item) != NULL);
  gtk_label_set_text (GTK_LABEL (details), details_text);
  gtk_widget_set_visible (details, details_text != NULL);
}

/* The panel's CSS sits next to its template, so that the panel does not
 * depend on the application's style sheet. */
static void
load_style_once (void)
{
  static gsize loaded = 0;

  if (g_once_init_enter (&loaded))
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_resource (provider, "/fr/atlaas/Atlaas/atlaas-sidebar.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                  GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_once_init_leave (&loaded, 1);
    }
}

static void
atlaas_sidebar_constructed (GObject *object)
{
  AtlaasSidebar *self = ATLAAS_SIDEBAR (object);
  ShumateViewport *viewport = shumate_map_get_viewport (self->map);

  G_OBJECT_CLASS (atlaas_sidebar_parent_class)->constructed (object);

  g_signal_connect_object (self->map_layer, "notify::loaded",
                           G_CALLBACK (layer_loaded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (viewport, "notify::latitude",
                           G_CALLBACK (viewport_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (viewport, "notify::longitude",
                           G_CALLBACK (viewport_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (viewport, "notify::zoom-level",
                           G_CALLBACK (viewport_changed_cb), self, G_CONNECT_SWAPPED);

  layer_loaded_cb (self);
}

static void
atlaas_sidebar_dispose (GObject *object)
{
  AtlaasSidebar *self = ATLAAS_SIDEBAR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->area_timeout_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), ATLAAS_TYPE_SIDEBAR);

  g_clear_object (&self->selection);
  g_clear_object (&self->results);

  G_OBJECT_CLASS (atlaas_sidebar_parent_class)->dispose (object);
}

static void
atlaas_sidebar_finalize (GObject *object)
{
  AtlaasSidebar *self = ATLAAS_SIDEBAR (object);

  g_clear_pointer (&self->context, search_context_unref);
  g_clear_pointer (&self->hits, g_array_unref);

  G_OBJECT_CLASS (atlaas_sidebar_parent_class)->finalize (object);
}

static void
atlaas_sidebar_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AtlaasSidebar *self = ATLAAS_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    case PROP_MAP:
      g_value_set_object (value, self->map);
      break;

    case PROP_MAP_LAYER:
      g_value_set_object (value, self->map_layer);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atlaas_sidebar_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  AtlaasSidebar *self = ATLAAS_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_MAP:
      self->map = g_value_get_object (value);
      break;

    case PROP_MAP_LAYER:
      self->map_layer = g_value_get_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atlaas_sidebar_class_init (AtlaasSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = atlaas_sidebar_constructed;
  object_class->dispose = atlaas_sidebar_dispose;
  object_class->finalize = atlaas_sidebar_finalize;
  object_class->get_property = atlaas_sidebar_get_property;
  object_class->set_property = atlaas_sidebar_set_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAP] =
    g_param_spec_object ("map", NULL, NULL,
                         SHUMATE_TYPE_MAP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAP_LAYER] =
    g_param_spec_object ("map-layer", NULL, NULL,
                         ATLAAS_TYPE_MAP_LAYER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ATLAAS_TYPE_THEME_TREE);

  gtk_widget_class_set_template_from_resource (widget_class, "/fr/atlaas/Atlaas/atlaas-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlaasSidebar, search_entry);
  gtk_widget_class_bind_template_child (widget_class, AtlaasSidebar, chips);
  gtk_widget_class_bind_template_child (widget_class, AtlaasSidebar, themes_expander);
  gtk_widget_class_bind_template_child (widget_class, AtlaasSidebar, theme_tree);
  gtk_widget_class_bind_template_child (widget_class, AtlaasSidebar, count_label);
  gtk_widget_class_bind_template_child (widget_class, AtlaasSidebar, hint_label);
  gtk_widget_class_bind_template_child (widget_class, AtlaasSidebar, area_check);
  gtk_widget_class_bind_template_child (widget_class, AtlaasSidebar, result_view);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, themes_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, area_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, result_activated_cb);

  gtk_widget_class_set_css_name (widget_class, "atlaas-sidebar");
}

static void
atlaas_sidebar_init (AtlaasSidebar *self)
{
  GtkListItemFactory *factory;

  load_style_once ();
  gtk_widget_init_template (GTK_WIDGET (self));

  self->hits = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->results = atlaas_result_list_new ();
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->results)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_swapped (self->selection, "notify::selected",
                            G_CALLBACK (selected_changed_cb), self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_result_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_result_cb), NULL);
  gtk_list_view_set_factory (self->result_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->result_view, GTK_SELECTION_MODEL (self->selection));
}

GtkWidget *
atlaas_sidebar_new (ShumateMap     *map,
                    AtlaasMapLayer *layer)
{
  g_return_val_if_fail (SHUMATE_IS_MAP (map), NULL);
  g_return_val_if_fail (ATLAAS_IS_MAP_LAYER (layer), NULL);

  return g_object_new (ATLAAS_TYPE_SIDEBAR,
                       "map", map,
                       "map-layer", layer,
                       NULL);
}

void
atlaas_sidebar_focus_search (AtlaasSidebar *self)
{
  g_return_if_fail (ATLAAS_IS_SIDEBAR (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
atlaas_sidebar_set_text (AtlaasSidebar *self,
                         const char    *text)
{
  g_return_if_fail (ATLAAS_IS_SIDEBAR (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
}

gboolean
atlaas_sidebar_get_busy (AtlaasSidebar *self)
{
  g_return_val_if_fail (ATLAAS_IS_SIDEBAR (self), FALSE);

  return self->busy;
}

GArray *
atlaas_sidebar_get_hits (AtlaasSidebar *self)
{
  g_return_val_if_fail (ATLAAS_IS_SIDEBAR (self), NULL);

  return self->hits;
}

AtlaasResultList *
atlaas_sidebar_get_results (AtlaasSidebar *self)
{
  g_return_val_if_fail (ATLAAS_IS_SIDEBAR (self), NULL);

  return self->results;
}

GtkSearchEntry *
atlaas_sidebar_get_search_entry (AtlaasSidebar *self)
{
  g_return_val_if_fail (ATLAAS_IS_SIDEBAR (self), NULL);

  return self->search_entry;
}

AtlaasThemeTree *
atlaas_sidebar_get_theme_tree (AtlaasSidebar *self)
{
  g_return_val_if_fail (ATLAAS_IS_SIDEBAR (self), NULL);

  return self->theme_tree;
}

GtkFlowBox *
atlaas_sidebar_get_chips (AtlaasSidebar *self)
{
  g_return_val_if_fail (ATLAAS_IS_SIDEBAR (self), NULL);

  return self->chips;
}

GtkListView *
atlaas_sidebar_get_result_view (AtlaasSidebar *self)
{
  g_return_val_if_fail (ATLAAS_IS_SIDEBAR (self), NULL);

  return self->result_view;
}

GtkLabel *
atlaas_sidebar_get_count_label (AtlaasSidebar *self)
{
  g_return_val_if_fail (ATLAAS_IS_SIDEBAR (self), NULL);

  return self->count_label;
}

GtkCheckButton *
atlaas_sidebar_get_area_check (AtlaasSidebar *self)
{
  g_return_val_if_fail (ATLAAS_IS_SIDEBAR (self), NULL);

  return self->area_check;
}
