/* atlaas-proposals-view.c: "My proposals", the drafts and the outbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-App"

#include "config.h"

#include <glib/gi18n.h>

#include "atlaas-drafts.h"
#include "atlaas-proposals-view.h"

struct _AtlaasProposalsView
{
  GtkBox parent_instance;

  GtkWidget *list;
  GtkWidget *empty_label;
  AtlaasStore *store;
};

enum {
  SIGNAL_DRAFT_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AtlaasProposalsView, atlaas_proposals_view, GTK_TYPE_BOX)

static char *
format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_seconds);

  return g_date_time_format (time, "%d/%m/%Y %H:%M");
}

static GtkWidget *
new_row (const AtlaasAction *action,
         const char         *state,
         gint64              unix_seconds)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *when = format_time (unix_seconds);
  /* Translators: the state of a proposal and when it changed, "Draft · 15/03/2024 14:05". */
  g_autofree char *subtitle = g_strdup_printf (_("%s · %s"), state, when);
  g_autofree char *title = g_markup_escape_text (action->title != NULL ? action->title
                                                                      : _("Untitled proposal"), -1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  return row;
}

static void
row_activated_cb (GtkListBox          *list,
                  GtkListBoxRow       *row,
                  AtlaasProposalsView *self)
{
  const char *draft_id = g_object_get_data (G_OBJECT (row), "atlaas-draft");

  if (draft_id != NULL)
    g_signal_emit (self, signals[SIGNAL_DRAFT_ACTIVATED], 0, draft_id);
}

static void
atlaas_proposals_view_finalize (GObject *object)
{
  AtlaasProposalsView *self = ATLAAS_PROPOSALS_VIEW (object);

  g_clear_pointer (&self->store, atlaas_store_unref);

  G_OBJECT_CLASS (atlaas_proposals_view_parent_class)->finalize (object);
}

static void
atlaas_proposals_view_class_init (AtlaasProposalsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = atlaas_proposals_view_finalize;

  /**
   * AtlaasProposalsView::draft-activated:
   * @draft_id: the id of the draft to open
   */
  signals[SIGNAL_DRAFT_ACTIVATED] =
    g_signal_new ("draft-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
atlaas_proposals_view_init (AtlaasProposalsView *self)
{
  GtkWidget *heading = gtk_label_new (_("My Proposals"));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (self), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self), 12);

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "title-3");
  gtk_box_append (GTK_BOX (self), heading);

  self->empty_label = gtk_label_new (_("No proposal yet. Use “Propose an Action” to describe one."));
  gtk_label_set_wrap (GTK_LABEL (self->empty_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->empty_label), 0);
  gtk_widget_add_css_class (self->empty_label, "dim-label");
  gtk_box_append (GTK_BOX (self), self->empty_label);

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "boxed-list");
  g_signal_connect_object (self->list, "row-activated", G_CALLBACK (row_activated_cb), self, 0);
  gtk_box_append (GTK_BOX (self), self->list);
}

GtkWidget *
atlaas_proposals_view_new (AtlaasStore *store)
{
  AtlaasProposalsView *self;

  g_return_val_if_fail (store != NULL, NULL);

  self = g_object_new (ATLAAS_TYPE_PROPOSALS_VIEW, NULL);
  self->store = atlaas_store_ref (store);
  atlaas_proposals_view_reload (self);

  return GTK_WIDGET (self);
}

void
atlaas_proposals_view_reload (AtlaasProposalsView *self)
{
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;
  guint n_rows = 0;

  g_return_if_fail (ATLAAS_IS_PROPOSALS_VIEW (self));

  while ((child = gtk_widget_get_first_child (self->list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);

  drafts = atlaas_drafts_list (self->store, &error);
  if (drafts == NULL)
    {
      g_warning ("Listing the drafts failed: %s", error->message);
      g_clear_error (&error);
    }

  for (guint i = 0; drafts != NULL && i < drafts->len; i++)
    {
      const AtlaasDraft *draft = g_ptr_array_index (drafts, i);
      GtkWidget *row = new_row (draft->action, _("Draft"), draft->updated_at / G_USEC_PER_SEC);

      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      g_object_set_data_full (G_OBJECT (row), "atlaas-draft", g_strdup (draft->id), g_free);
      gtk_list_box_append (GTK_LIST_BOX (self->list), row);
      n_rows++;
    }

  outbox = atlaas_outbox_list (self->store, &error);
  if (outbox == NULL)
    g_warning ("Listing the outbox failed: %s", error->message);

  for (guint i = 0; outbox != NULL && i < outbox->len; i++)
    {
      const AtlaasOutboxEntry *entry = g_ptr_array_index (outbox, i);
      const char *state = g_str_equal (entry->state, ATLAAS_OUTBOX_STATE_PENDING)
                          ? _("Waiting to be sent") : entry->state;
      GtkWidget *row = new_row (entry->action, state, entry->created_at);

      g_object_set_data_full (G_OBJECT (row), "atlaas-client-id", g_strdup (entry->client_id), g_free);
      gtk_list_box_append (GTK_LIST_BOX (self->list), row);
      n_rows++;
    }

  gtk_widget_set_visible (self->empty_label, n_rows == 0);
  gtk_widget_set_visible (self->list, n_rows > 0);
}

GtkListBox *
atlaas_proposals_view_get_list (AtlaasProposalsView *self)
{
  g_return_val_if_fail (ATLAAS_IS_PROPOSALS_VIEW (self), NULL);

  return GTK_LIST_BOX (self->list);
}
