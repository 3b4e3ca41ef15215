/* atlaas-theme-tree.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-App"

#include "config.h"

#include <glib/gi18n.h>

#include "atlaas-theme-tree.h"

struct _AtlaasThemeTree
{
  GtkWidget parent_instance;

  /* children */
  GtkWidget *scrolled;
  GtkListView *list_view;

  /* owned */
  AtlaasTaxonomy *taxonomy;
  GPtrArray *nodes;        /* AtlaasThemeNode *, indexed by AtlaasTheme.index */
  GListStore *axes;        /* the top level of the tree */
  GHashTable *selected;    /* const AtlaasTheme * set: the nodes checked themselves */
};

G_DEFINE_FINAL_TYPE (AtlaasThemeTree, atlaas_theme_tree, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Data keys of a row: its bindings, undone when the row is recycled, and
 * the node its check box toggles. */
#define ROW_BINDINGS_KEY "atlaas-row-bindings"
#define ROW_NODE_KEY "atlaas-row-node"

static gboolean
is_covered (AtlaasThemeTree   *self,
            const AtlaasTheme *theme)
{
  for (const AtlaasTheme *t = theme; t != NULL; t = t->parent)
    if (g_hash_table_contains (self->selected, t))
      return TRUE;

  return FALSE;
}

static void
unselect_descendants (AtlaasThemeTree   *self,
                      const AtlaasTheme *theme)
{
  for (guint i = 0; theme->children != NULL && i < theme->children->len; i++)
    {
      const AtlaasTheme *child = g_ptr_array_index (theme->children, i);

      g_hash_table_remove (self->selected, child);
      unselect_descendants (self, child);
    }
}

/* Replaces a parent whose children are all selected by the parent itself,
 * so that the chips show "Axe 1" and not its three enjeux. */
static void
merge_full_parents (AtlaasThemeTree   *self,
                    const AtlaasTheme *theme)
{
  for (const AtlaasTheme *parent = theme->parent; parent != NULL; parent = parent->parent)
    {
      for (guint i = 0; i < parent->children->len; i++)
        if (!g_hash_table_contains (self->selected, g_ptr_array_index (parent->children, i)))
          return;

      unselect_descendants (self, parent);
      g_hash_table_add (self->selected, (gpointer) parent);
    }
}

static void
check_theme (AtlaasThemeTree   *self,
             const AtlaasTheme *theme)
{
  unselect_descendants (self, theme);
  g_hash_table_add (self->selected, (gpointer) theme);
  merge_full_parents (self, theme);
}

/* Unchecks `theme`. When an ancestor is what selects it, the ancestor is
 * split: every sibling along the path down to `theme` stays selected. */
static void
uncheck_theme (AtlaasThemeTree   *self,
               const AtlaasTheme *theme)
{
  const AtlaasTheme *ancestor = theme;
  g_autoptr(GPtrArray) path = g_ptr_array_new ();

  while (ancestor != NULL && !g_hash_table_contains (self->selected, ancestor))
    {
      g_ptr_array_add (path, (gpointer) ancestor);
      ancestor = ancestor->parent;
    }
  g_assert (ancestor != NULL);

  g_hash_table_remove (self->selected, ancestor);

  /* path starts with theme and ends with the ancestor's child. */
  for (guint i = path->len; i > 0; i--)
    {
      const AtlaasTheme *on_path = g_ptr_array_index (path, i - 1);
      const AtlaasTheme *parent = on_path->parent;

      for (guint j = 0; j < parent->children->len; j++)
        {
          const AtlaasTheme *sibling = g_ptr_array_index (parent->children, j);

          if (sibling != on_path)
            g_hash_table_add (self->selected, (gpointer) sibling);
        }
    }
}

/* Sets every node's checked and inconsistent state from the selection. */
static void
refresh_states (AtlaasThemeTree *self)
{
  g_autofree gboolean *partial = NULL;
  GHashTableIter iter;
  gpointer key;

  if (self->nodes == NULL)
    return;

  partial = g_new0 (gboolean, self->nodes->len);
  g_hash_table_iter_init (&iter, self->selected);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const AtlaasTheme *theme = key;

      for (const AtlaasTheme *t = theme->parent; t != NULL; t = t->parent)
        partial[t->index] = TRUE;
    }

  for (guint i = 0; i < self->nodes->len; i++)
    {
      AtlaasThemeNode *node = g_ptr_array_index (self->nodes, i);
      gboolean checked = is_covered (self, atlaas_theme_node_get_theme (node));

      atlaas_theme_node_set_checked (node, checked);
      atlaas_theme_node_set_inconsistent (node, !checked && partial[i]);
    }
}

static GListModel *
create_children_cb (gpointer item,
                    gpointer user_data)
{
  GListStore *children = atlaas_theme_node_get_children (ATLAAS_THEME_NODE (item));

  return children != NULL ? g_object_ref (G_LIST_MODEL (children)) : NULL;
}

static gboolean
count_to_text_cb (GBinding     *binding,
                  const GValue *from_value,
                  GValue       *to_value,
                  gpointer      user_data)
{
  g_value_take_string (to_value, g_strdup_printf ("%u", g_value_get_uint (from_value)));

  return TRUE;
}

static void
check_toggled_cb (GtkCheckButton  *check,
                  AtlaasThemeTree *self)
{
  AtlaasThemeNode *node = g_object_get_data (G_OBJECT (check), ROW_NODE_KEY);
  gboolean active = gtk_check_button_get_active (check);

  /* The binding from the node also sets the box, but then the two agree,
   * so only a click gets past this test. */
  if (node == NULL || active == atlaas_theme_node_get_checked (node))
    return;

  atlaas_theme_tree_set_checked (self, atlaas_theme_node_get_id (node), active);

  /* When the click changed nothing, the box returns to the node's state. */
  if (gtk_check_button_get_active (check) != atlaas_theme_node_get_checked (node))
    gtk_check_button_set_active (check, atlaas_theme_node_get_checked (node));
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              AtlaasThemeTree          *self)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *count = gtk_label_new (NULL);

  gtk_widget_set_valign (check, GTK_ALIGN_START);
  g_signal_connect (check, "toggled", G_CALLBACK (check_toggled_cb), self);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  /* A small natural width lets long service labels wrap in a narrow panel
   * instead of widening the list. */
  gtk_label_set_width_chars (GTK_LABEL (label), 12);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);

  gtk_label_set_xalign (GTK_LABEL (count), 1.0);
  gtk_widget_set_valign (count, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (count, "dim-label");
  gtk_widget_add_css_class (count, "numeric");
  gtk_widget_add_css_class (count, "atlaas-theme-count");

  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), count);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (list_item, expander);
  gtk_list_item_set_activatable (list_item, FALSE);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             AtlaasThemeTree          *self)
{
  GtkTreeListRow *row = gtk_list_item_get_item (list_item);
  AtlaasThemeNode *node = gtk_tree_list_row_get_item (row);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  GtkWidget *check = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (check);
  GtkWidget *count = gtk_widget_get_next_sibling (label);
  const AtlaasTheme *theme = atlaas_theme_node_get_theme (node);
  GPtrArray *bindings = g_ptr_array_new ();

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  gtk_label_set_label (GTK_LABEL (label), theme->label);
  if (theme->level == ATLAAS_THEME_LEVEL_AXIS)
    gtk_widget_add_css_class (label, "heading");
  else
    gtk_widget_remove_css_class (label, "heading");

  /* The node is set after the bindings' first sync so that syncing the box
   * is not taken for a click. */
  g_object_set_data (G_OBJECT (check), ROW_NODE_KEY, NULL);
  g_ptr_array_add (bindings, g_object_bind_property (node, "checked", check, "active",
                                                     G_BINDING_SYNC_CREATE));
  g_ptr_array_add (bindings, g_object_bind_property (node, "inconsistent", check, "inconsistent",
                                                     G_BINDING_SYNC_CREATE));
  g_ptr_array_add (bindings, g_object_bind_property_full (node, "count", count, "label",
                                                          G_BINDING_SYNC_CREATE,
                                                          count_to_text_cb, NULL, NULL, NULL));
  g_object_set_data_full (G_OBJECT (check), ROW_NODE_KEY, g_object_ref (node), g_object_unref);
  g_object_set_data_full (G_OBJECT (list_item), ROW_BINDINGS_KEY, bindings,
                          (GDestroyNotify) g_ptr_array_unref);

  gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, theme->label,
                                  -1);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               AtlaasThemeTree          *self)
{
  GPtrArray *bindings = g_object_get_data (G_OBJECT (list_item), ROW_BINDINGS_KEY);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  GtkWidget *check = gtk_widget_get_first_child (box);

  g_object_set_data (G_OBJECT (check), ROW_NODE_KEY, NULL);
  for (guint i = 0; bindings != NULL && i < bindings->len; i++)
    g_binding_unbind (g_ptr_array_index (bindings, i));
  g_object_set_data (G_OBJECT (list_item), ROW_BINDINGS_KEY, NULL);
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), NULL);
}

static void
atlaas_theme_tree_dispose (GObject *object)
{
  AtlaasThemeTree *self = ATLAAS_THEME_TREE (object);

  g_clear_pointer (&self->scrolled, gtk_widget_unparent);
  self->list_view = NULL;
  g_clear_object (&self->axes);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);

  G_OBJECT_CLASS (atlaas_theme_tree_parent_class)->dispose (object);
}

static void
atlaas_theme_tree_finalize (GObject *object)
{
  AtlaasThemeTree *self = ATLAAS_THEME_TREE (object);

  g_clear_pointer (&self->selected, g_hash_table_unref);
  g_clear_pointer (&self->taxonomy, atlaas_taxonomy_unref);

  G_OBJECT_CLASS (atlaas_theme_tree_parent_class)->finalize (object);
}

static void
atlaas_theme_tree_class_init (AtlaasThemeTreeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = atlaas_theme_tree_dispose;
  object_class->finalize = atlaas_theme_tree_finalize;

  /**
   * AtlaasThemeTree::changed:
   *
   * Emitted when the checked themes changed.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "atlaas-theme-tree");
}

static void
atlaas_theme_tree_init (AtlaasThemeTree *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  self->selected = g_hash_table_new (NULL, NULL);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);

  self->list_view = GTK_LIST_VIEW (gtk_list_view_new (NULL, factory));
  gtk_widget_add_css_class (GTK_WIDGET (self->list_view), "navigation-sidebar");
  gtk_widget_add_css_class (GTK_WIDGET (self->list_view), "atlaas-theme-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Themes"),
                                  -1);

  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled),
                                 GTK_WIDGET (self->list_view));
  gtk_widget_set_parent (self->scrolled, GTK_WIDGET (self));
}

GtkWidget *
atlaas_theme_tree_new (void)
{
  return g_object_new (ATLAAS_TYPE_THEME_TREE, NULL);
}

void
atlaas_theme_tree_set_taxonomy (AtlaasThemeTree *self,
                                AtlaasTaxonomy  *taxonomy)
{
  GPtrArray *all;
  GtkTreeListModel *tree;
  GtkNoSelection *selection;

  g_return_if_fail (ATLAAS_IS_THEME_TREE (self));
  g_return_if_fail (taxonomy != NULL);

  if (self->taxonomy == taxonomy)
    return;

  gtk_list_view_set_model (self->list_view, NULL);
  g_hash_table_remove_all (self->selected);
  g_clear_object (&self->axes);
  g_clear_pointer (&self->nodes, g_ptr_array_unref);
  g_clear_pointer (&self->taxonomy, atlaas_taxonomy_unref);
  self->taxonomy = atlaas_taxonomy_ref (taxonomy);

  all = atlaas_taxonomy_get_all (taxonomy);
  self->nodes = g_ptr_array_new_full (all->len, g_object_unref);
  self->axes = g_list_store_new (ATLAAS_TYPE_THEME_NODE);

  for (guint i = 0; i < all->len; i++)
    {
      const AtlaasTheme *theme = g_ptr_array_index (all, i);

      g_assert (theme->index == i);
      g_ptr_array_add (self->nodes, atlaas_theme_node_new (theme));
    }

  /* Depth first, so a parent's node exists before its children's. */
  for (guint i = 0; i < all->len; i++)
    {
      const AtlaasTheme *theme = g_ptr_array_index (all, i);
      AtlaasThemeNode *node = g_ptr_array_index (self->nodes, i);

      if (theme->parent == NULL)
        g_list_store_append (self->axes, node);
      else
        g_list_store_append (atlaas_theme_node_get_children (g_ptr_array_index (self->nodes,
                                                                                theme->parent->index)),
                             node);
    }

  tree = gtk_tree_list_model_new (G_LIST_MODEL (g_object_ref (self->axes)), FALSE, FALSE,
                                  create_children_cb, NULL, NULL);
  selection = gtk_no_selection_new (G_LIST_MODEL (tree));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
}

void
atlaas_theme_tree_set_counts (AtlaasThemeTree *self,
                              GHashTable      *counts)
{
  g_return_if_fail (ATLAAS_IS_THEME_TREE (self));

  if (self->nodes == NULL)
    return;

  for (guint i = 0; i < self->nodes->len; i++)
    {
      AtlaasThemeNode *node = g_ptr_array_index (self->nodes, i);
      gpointer count = counts != NULL
                       ? g_hash_table_lookup (counts, atlaas_theme_node_get_id (node))
                       : NULL;

      atlaas_theme_node_set_count (node, GPOINTER_TO_UINT (count));
    }
}

GStrv
atlaas_theme_tree_get_checked_ids (AtlaasThemeTree *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (ATLAAS_IS_THEME_TREE (self), NULL);

  for (guint i = 0; self->nodes != NULL && i < self->nodes->len; i++)
    {
      const AtlaasTheme *theme = atlaas_theme_node_get_theme (g_ptr_array_index (self->nodes, i));

      if (g_hash_table_contains (self->selected, theme))
        g_strv_builder_add (builder, theme->id);
    }

  return g_strv_builder_end (builder);
}

gboolean
atlaas_theme_tree_set_checked (AtlaasThemeTree *self,
                               const char      *id,
                               gboolean         checked)
{
  const AtlaasTheme *theme;

  g_return_val_if_fail (ATLAAS_IS_THEME_TREE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (self->taxonomy == NULL)
    return FALSE;

  theme = atlaas_taxonomy_lookup (self->taxonomy, id);
  if (theme == NULL)
    return FALSE;

  if (is_covered (self, theme) == !!checked)
    return TRUE;

  if (checked)
    check_theme (self, theme);
  else
    uncheck_theme (self, theme);

  refresh_states (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);

  return TRUE;
}

void
atlaas_theme_tree_clear (AtlaasThemeTree *self)
{
  g_return_if_fail (ATLAAS_IS_THEME_TREE (self));

  if (g_hash_table_size (self->selected) == 0)
    return;

  g_hash_table_remove_all (self->selected);
  refresh_states (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

AtlaasThemeNode *
atlaas_theme_tree_lookup (AtlaasThemeTree *self,
                          const char      *id)
{
  const AtlaasTheme *theme;

  g_return_val_if_fail (ATLAAS_IS_THEME_TREE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (self->taxonomy == NULL)
    return NULL;

  theme = atlaas_taxonomy_lookup (self->taxonomy, id);

  return theme != NULL ? g_ptr_array_index (self->nodes, theme->index) : NULL;
}

GtkListView *
atlaas_theme_tree_get_list_view (AtlaasThemeTree *self)
{
  g_return_val_if_fail (ATLAAS_IS_THEME_TREE (self), NULL);

  return self->list_view;
}
