/* atlaas-action-popover.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-App"

#include "config.h"

#include <glib/gi18n.h>

#include "atlaas-action-popover.h"

struct _AtlaasActionPopover
{
  GtkPopover parent_instance;

  /* owned */
  char *title;
  GArray *rowids;   /* gint64, one per shown action */

  /* borrowed: children of the popover */
  GtkWidget *more_button;
  GtkListBox *list_box;
};

G_DEFINE_FINAL_TYPE (AtlaasActionPopover, atlaas_action_popover, GTK_TYPE_POPOVER)

enum
{
  SIGNAL_ACTION_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GtkWidget *
new_label (const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

static void
reset (AtlaasActionPopover *self)
{
  g_clear_pointer (&self->title, g_free);
  g_array_set_size (self->rowids, 0);
  self->more_button = NULL;
  self->list_box = NULL;
  gtk_popover_set_child (GTK_POPOVER (self), NULL);
}

static void
more_clicked_cb (GtkButton           *button,
                 AtlaasActionPopover *self)
{
  gint64 rowid;

  g_assert (self->rowids->len == 1);

  rowid = g_array_index (self->rowids, gint64, 0);
  gtk_popover_popdown (GTK_POPOVER (self));
  g_signal_emit (self, signals[SIGNAL_ACTION_ACTIVATED], 0, rowid);
}

static void
row_activated_cb (GtkListBox          *list_box,
                  GtkListBoxRow       *row,
                  AtlaasActionPopover *self)
{
  int index = gtk_list_box_row_get_index (row);
  gint64 rowid;

  g_assert (index >= 0 && (guint) index < self->rowids->len);

  rowid = g_array_index (self->rowids, gint64, index);
  gtk_popover_popdown (GTK_POPOVER (self));
  g_signal_emit (self, signals[SIGNAL_ACTION_ACTIVATED], 0, rowid);
}

static void
atlaas_action_popover_finalize (GObject *object)
{
  AtlaasActionPopover *self = ATLAAS_ACTION_POPOVER (object);

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->rowids, g_array_unref);

  G_OBJECT_CLASS (atlaas_action_popover_parent_class)->finalize (object);
}

static void
atlaas_action_popover_class_init (AtlaasActionPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = atlaas_action_popover_finalize;

  /**
   * AtlaasActionPopover::action-activated:
   * @rowid: the store rowid of the action to open
   *
   * Emitted when the user asks for the full sheet of an action.
   */
  signals[SIGNAL_ACTION_ACTIVATED] =
    g_signal_new ("action-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
atlaas_action_popover_init (AtlaasActionPopover *self)
{
  self->rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_widget_add_css_class (GTK_WIDGET (self), "atlaas-action-popover");
}

GtkWidget *
atlaas_action_popover_new (void)
{
  return g_object_new (ATLAAS_TYPE_ACTION_POPOVER, NULL);
}

void
atlaas_action_popover_show_action (AtlaasActionPopover *self,
                                   const AtlaasAction  *action,
                                   const char          *place,
                                   gint64               rowid)
{
  GtkWidget *box;

  g_return_if_fail (ATLAAS_IS_ACTION_POPOVER (self));
  g_return_if_fail (action != NULL);

  reset (self);
  self->title = g_strdup (action->title != NULL ? action->title : "");
  g_array_append_val (self->rowids, rowid);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_add_css_class (box, "atlaas-popover-content");
  gtk_box_append (GTK_BOX (box), new_label (self->title, "heading"));
  if (action->subtitle != NULL && action->subtitle[0] != '\0')
    gtk_box_append (GTK_BOX (box), new_label (action->subtitle, NULL));
  if (place != NULL && place[0] != '\0')
    gtk_box_append (GTK_BOX (box), new_label (place, "dim-label"));

  self->more_button = gtk_button_new_with_label (_("Learn More"));
  gtk_widget_set_halign (self->more_button, GTK_ALIGN_END);
  gtk_widget_set_margin_top (self->more_button, 6);
  gtk_widget_add_css_class (self->more_button, "suggested-action");
  gtk_widget_add_css_class (self->more_button, "pill");
  g_signal_connect (self->more_button, "clicked", G_CALLBACK (more_clicked_cb), self);
  gtk_box_append (GTK_BOX (box), self->more_button);

  gtk_popover_set_child (GTK_POPOVER (self), box);
}

void
atlaas_action_popover_show_list (AtlaasActionPopover *self,
                                 GPtrArray           *actions,
                                 GArray              *rowids,
                                 const char          *place)
{
  GtkWidget *box;
  GtkWidget *scrolled;
  g_autofree char *heading = NULL;

  g_return_if_fail (ATLAAS_IS_ACTION_POPOVER (self));
  g_return_if_fail (actions != NULL && rowids != NULL);
  g_return_if_fail (actions->len == rowids->len);

  reset (self);
  g_array_append_vals (self->rowids, rowids->data, rowids->len);

  heading = g_strdup_printf (ngettext ("%u action at this place",
                                       "%u actions at this place",
                                       actions->len),
                             actions->len);
  self->title = g_strdup (heading);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_add_css_class (box, "atlaas-popover-content");
  gtk_box_append (GTK_BOX (box), new_label (heading, "heading"));
  if (place != NULL && place[0] != '\0')
    gtk_box_append (GTK_BOX (box), new_label (place, "dim-label"));

  self->list_box = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list_box, GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (self->list_box, TRUE);
  gtk_list_box_set_show_separators (self->list_box, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list_box), "atlaas-popover-list");
  g_signal_connect (self->list_box, "row-activated", G_CALLBACK (row_activated_cb), self);

  for (guint i = 0; i < actions->len; i++)
    {
      const AtlaasAction *action = g_ptr_array_index (actions, i);
      GtkWidget *row_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *title = new_label (action->title, NULL);
      GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

      /* One line per row: the scrolled list measures wrapped rows too short
       * inside a popover, so long titles are ellipsized with a tooltip. */
      gtk_label_set_wrap (GTK_LABEL (title), FALSE);
      gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (title), 32);
      gtk_widget_set_tooltip_text (title, action->title);

      gtk_widget_set_hexpand (title, TRUE);
      gtk_widget_set_margin_start (row_box, 12);
      gtk_widget_set_margin_end (row_box, 12);
      gtk_widget_set_margin_top (row_box, 10);
      gtk_widget_set_margin_bottom (row_box, 10);
      gtk_box_append (GTK_BOX (row_box), title);
      gtk_box_append (GTK_BOX (row_box), arrow);
      gtk_list_box_append (self->list_box, row_box);
    }

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->list_box));
  /* The card frames the scrolled window, so scrolling never clips its border. */
  gtk_widget_add_css_class (scrolled, "card");
  gtk_box_append (GTK_BOX (box), scrolled);

  gtk_popover_set_child (GTK_POPOVER (self), box);
}

const char *
atlaas_action_popover_get_title (AtlaasActionPopover *self)
{
  g_return_val_if_fail (ATLAAS_IS_ACTION_POPOVER (self), NULL);

  return self->title;
}

GtkWidget *
atlaas_action_popover_get_more_button (AtlaasActionPopover *self)
{
  g_return_val_if_fail (ATLAAS_IS_ACTION_POPOVER (self), NULL);

  return self->more_button;
}

GtkListBox *
atlaas_action_popover_get_list_box (AtlaasActionPopover *self)
{
  g_return_val_if_fail (ATLAAS_IS_ACTION_POPOVER (self), NULL);

  return self->list_box;
}
