/* test-proposal-window.c: filling and sending the proposal form in a real window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "atlaas-drafts.h"
#include "atlaas-proposal-dialog.h"
#include "atlaas-proposals-view.h"
#include "atlaas-store.h"
#include "proposal-test-utils.h"
#include "store-test-utils.h"

typedef StoreFixture Fixture;

static void
show_page (AtlaasProposalDialog *dialog,
           const char           *page)
{
  atlaas_proposal_dialog_set_page (dialog, page);
  test_wait_ms (400);
  g_assert_cmpstr (atlaas_proposal_dialog_get_page (dialog), ==, page);
}

static void
submitted_cb (AtlaasProposalDialog *dialog,
              const char           *client_id,
              char                **out)
{
  *out = g_strdup (client_id);
}

static GtkWidget *
find_row_with_title (GtkListBox *list,
                     const char *title)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if (ADW_IS_ACTION_ROW (row)
          && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), title) == 0)
        return row;
    }

  return NULL;
}

static void
test_proposal_fill_and_send (Fixture       *fixture,
                             gconstpointer  data)
{
  AtlaasProposalDialog *dialog = atlaas_proposal_dialog_new (NULL, fixture->store);
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasAction) action = NULL;
  g_autofree char *signalled_id = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *text = NULL;
  g_autofree char *row_title = NULL;
  GtkWidget *view_window;
  GtkWidget *view;
  GtkWidget *row;
  AtlaasOutboxEntry *entry;

  g_signal_connect (dialog, "submitted", G_CALLBACK (submitted_cb), &signalled_id);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  test_wait_ms (500);
  g_assert_cmpstr (atlaas_proposal_dialog_get_page (dialog), ==, "action");

  /* The date is today by default. */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *today = g_date_time_format (now, "%d/%m/%Y");

    text = test_get_field (dialog, "date");
    g_assert_cmpstr (text, ==, today);
    g_clear_pointer (&text, g_free);
  }

  /* Page 1. An empty title shows its problem when the page is left. */
  show_page (dialog, "details");
  g_assert_nonnull (atlaas_proposal_dialog_get_field_error (dialog, "titre"));
  show_page (dialog, "action");

  test_set_field (dialog, "titre", "Espace public numérique de la médiathèque");
  test_set_field (dialog, "sous_titre", "Des ateliers d’initiation au numérique pour les seniors, deux fois par semaine");
  test_set_field (dialog, "date", "15/03/2024");
  test_set_field (dialog, "actions",
                  "Ouverture d’un espace de douze postes en accès libre.\n\n"
                  "Ateliers hebdomadaires encadrés par un médiateur numérique.");
  test_set_field (dialog, "synthese", "La commune a rénové la salle informatique de la médiathèque.");
  test_wait_ms (300);
  test_save_screenshot (GTK_WIDGET (dialog), "proposal-1-action");

  /* The draft is saved within a second of the first change. */
  test_wait_ms (700);
  drafts = atlaas_drafts_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, 1);
  g_assert_cmpstr (((AtlaasDraft *) g_ptr_array_index (drafts, 0))->action->title, ==,
                   "Espace public numérique de la médiathèque");
  g_assert_cmpstr (((AtlaasDraft *) g_ptr_array_index (drafts, 0))->action->date, ==, "2024-03-15");
  g_assert_cmpstr (atlaas_proposal_dialog_get_draft_id (dialog), ==,
                   ((AtlaasDraft *) g_ptr_array_index (drafts, 0))->id);

  /* Page 2, with an invalid link shown inline, then corrected. */
  show_page (dialog, "details");
  test_set_field (dialog, "outils", "Douze ordinateurs reconditionnés, logiciels libres.");
  test_set_field (dialog, "prestataires", "Association Numérique Pour Tous");
  test_set_field (dialog, "recommandations", "Prévoir un médiateur à chaque séance.");
  test_set_field (dialog, "resultats", "240 personnes accompagnées la première année.");
  atlaas_proposal_dialog_add_link (dialog);
  atlaas_proposal_dialog_add_link (dialog);
  test_set_field (dialog, "liens[0]", "https://www.ville-exemple.fr/mediatheque");
  test_set_field (dialog, "liens[1]", "www.numerique-pour-tous");
  gtk_widget_grab_focus (atlaas_proposal_dialog_get_field_widget (dialog, "liens[1]"));
  test_wait_ms (100);
  gtk_widget_grab_focus (atlaas_proposal_dialog_get_field_widget (dialog, "outils"));
  test_wait_ms (300);
  g_assert_nonnull (atlaas_proposal_dialog_get_field_error (dialog, "liens[1]"));
  g_assert_null (atlaas_proposal_dialog_get_field_error (dialog, "liens[0]"));
  /* Scroll down to the links for the screenshot. */
  gtk_widget_grab_focus (atlaas_proposal_dialog_get_field_widget (dialog, "liens[0]"));
  test_save_screenshot (GTK_WIDGET (dialog), "proposal-2-details-invalid-link");
  test_set_field (dialog, "liens[1]", "https://www.numerique-pour-tous.org");

  /* Page 3: two contacts. */
  show_page (dialog, "people");
  test_set_field (dialog, "personnes[0].nom", "Claire Martin");
  test_set_field (dialog, "personnes[0].titre", "Médiatrice numérique");
  test_set_field (dialog, "personnes[0].courriel", "claire.martin@ville-exemple.fr");
  test_set_field (dialog, "personnes[0].telephone", "0450833000");
  atlaas_proposal_dialog_add_contact (dialog);
  test_set_field (dialog, "personnes[1].nom", "Paul Girard");
  test_set_field (dialog, "personnes[1].titre", "Adjoint au maire chargé du numérique");
  test_wait_ms (300);
  test_save_screenshot (GTK_WIDGET (dialog), "proposal-3-people");

  /* Page 4: the town completion offers Évian-les-Bains. */
  show_page (dialog, "places");
  test_set_field (dialog, "lieux[0].nom", "Médiathèque municipale");
  test_set_field (dialog, "lieux[0].adresse", "Place de la Libération");
  test_set_field (dialog, "lieux[0].ville", "Évian");
  test_wait_ms (300);
  test_save_screenshot (GTK_WIDGET (dialog), "proposal-4a-places-completion");
  g_assert_true (atlaas_proposal_dialog_choose_commune (dialog, 0, "74119"));
  text = test_get_field (dialog, "lieux[0].code_postal");
  g_assert_cmpstr (text, ==, "74500");
  g_clear_pointer (&text, g_free);
  text = test_get_field (dialog, "lieux[0].departement");
  g_assert_cmpstr (text, ==, "74");
  g_clear_pointer (&text, g_free);
  text = test_get_field (dialog, "lieux[0].region");
  g_assert_cmpstr (text, ==, "84");
  g_clear_pointer (&text, g_free);
  test_set_field (dialog, "lieux[0].telephone", "04 50 83 10 00");
  atlaas_proposal_dialog_set_position (dialog, 0, 46.4008, 6.5898);
  /* Scroll down to the map. */
  gtk_widget_grab_focus (atlaas_proposal_dialog_get_field_widget (dialog, "lieux[0].lat"));
  test_wait_ms (1500);
  test_save_screenshot (GTK_WIDGET (dialog), "proposal-4b-places");

  /* Sending now fails: no service is chosen. */
  g_assert_false (atlaas_proposal_dialog_submit (dialog, &client_id, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_cmpstr (atlaas_proposal_dialog_get_page (dialog), ==, "summary");
  g_assert_nonnull (atlaas_proposal_dialog_get_field_error (dialog, "services"));
  test_wait_ms (400);
  test_save_screenshot (GTK_WIDGET (dialog), "proposal-6a-summary-problems");

  /* Page 5: search, then choose two services. */
  show_page (dialog, "services");
  test_set_field (dialog, "services.search", "médiation");
  test_wait_ms (600);
  atlaas_proposal_dialog_set_service_selected (dialog, "1a1-01", TRUE);
  atlaas_proposal_dialog_set_service_selected (dialog, "1a1-02", TRUE);
  test_save_screenshot (GTK_WIDGET (dialog), "proposal-5-services");
  test_set_field (dialog, "services.search", "");

  /* Page 6: the summary has no error left. */
  show_page (dialog, "summary");
  test_wait_ms (300);
  test_save_screenshot (GTK_WIDGET (dialog), "proposal-6b-summary");

  action = atlaas_proposal_dialog_get_action (dialog);
  g_assert_cmpuint (action->links->len, ==, 2);
  g_assert_cmpuint (action->contacts->len, ==, 2);
  g_assert_cmpuint (action->services->len, ==, 2);

  g_assert_true (atlaas_proposal_dialog_submit (dialog, &client_id, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (signalled_id, ==, client_id);
  test_wait_ms (200);
  g_assert_null (dialog);

  /* The proposal is in the outbox, normalised, and its draft is gone. */
  outbox = atlaas_outbox_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 1);
  entry = g_ptr_array_index (outbox, 0);
  g_assert_cmpstr (entry->client_id, ==, client_id);
  g_assert_cmpstr (entry->state, ==, "pending");
  g_assert_cmpstr (entry->action->title, ==, "Espace public numérique de la médiathèque");
  g_assert_cmpstr (entry->action->date, ==, "2024-03-15");
  g_assert_cmpuint (entry->action->places->len, ==, 1);
  {
    AtlaasPlace *place = g_ptr_array_index (entry->action->places, 0);
    AtlaasContact *contact = g_ptr_array_index (entry->action->contacts, 0);

    g_assert_cmpstr (place->insee_code, ==, "74119");
    g_assert_cmpstr (place->postal_code, ==, "74500");
    g_assert_true (place->has_position);
    g_assert_cmpfloat_with_epsilon (place->latitude, 46.4008, 1e-6);
    g_assert_cmpstr (contact->phone, ==, "04 50 83 30 00");
  }
  g_clear_pointer (&drafts, g_ptr_array_unref);
  drafts = atlaas_drafts_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, 0);

  /* "My proposals" lists it as waiting to be sent. */
  view_window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (view_window), 520, 300);
  view = atlaas_proposals_view_new (fixture->store);
  gtk_window_set_child (GTK_WINDOW (view_window), view);
  gtk_window_present (GTK_WINDOW (view_window));
  test_wait_ms (400);
  row = find_row_with_title (atlaas_proposals_view_get_list (ATLAAS_PROPOSALS_VIEW (view)),
                             "Espace public numérique de la médiathèque");
  g_assert_nonnull (row);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Waiting to be sent"));
  test_save_screenshot (view_window, "proposal-7-my-proposals");
  gtk_window_destroy (GTK_WINDOW (view_window));
}

static void
test_proposal_resume_and_delete (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(AtlaasAction) first = atlaas_action_new ();
  g_autoptr(AtlaasAction) second = atlaas_action_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  g_autofree char *first_id = NULL;
  g_autofree char *second_id = NULL;
  g_autofree char *text = NULL;
  AtlaasProposalDialog *dialog;

  first->title = g_strdup ("Premier brouillon");
  second->title = g_strdup ("Second brouillon");
  first_id = atlaas_drafts_save (fixture->store, NULL, first, &error);
  g_assert_no_error (error);
  g_usleep (2000);
  second_id = atlaas_drafts_save (fixture->store, NULL, second, &error);
  g_assert_no_error (error);

  /* With drafts stored, the form offers them before a new one. */
  dialog = atlaas_proposal_dialog_new (NULL, fixture->store);
  gtk_window_present (GTK_WINDOW (dialog));
  test_wait_ms (400);
  g_assert_null (atlaas_proposal_dialog_get_draft_id (dialog));
  test_save_screenshot (GTK_WIDGET (dialog), "proposal-0-resume");

  g_assert_true (atlaas_proposal_dialog_load_draft (dialog, first_id, &error));
  g_assert_no_error (error);
  text = test_get_field (dialog, "titre");
  g_assert_cmpstr (text, ==, "Premier brouillon");
  g_assert_cmpstr (atlaas_proposal_dialog_get_draft_id (dialog), ==, first_id);

  /* Editing the resumed draft updates it rather than adding one. */
  test_set_field (dialog, "titre", "Premier brouillon, repris");
  test_wait_ms (800);
  drafts = atlaas_drafts_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, 2);
  g_assert_cmpstr (((AtlaasDraft *) g_ptr_array_index (drafts, 0))->id, ==, first_id);
  g_assert_cmpstr (((AtlaasDraft *) g_ptr_array_index (drafts, 0))->action->title, ==,
                   "Premier brouillon, repris");

  gtk_window_destroy (GTK_WINDOW (dialog));
  test_wait_ms (100);

  atlaas_drafts_delete (fixture->store, second_id, &error);
  g_assert_no_error (error);
}

/* Closing the window saves at once, without waiting for the delay. */
static void
test_proposal_close_saves (Fixture       *fixture,
                           gconstpointer  data)
{
  AtlaasProposalDialog *dialog = atlaas_proposal_dialog_new (NULL, fixture->store);
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GError) error = NULL;

  gtk_window_present (GTK_WINDOW (dialog));
  test_wait_ms (200);
  test_set_field (dialog, "titre", "Tapé juste avant de fermer");
  gtk_window_close (GTK_WINDOW (dialog));
  test_wait_ms (50);

  drafts = atlaas_drafts_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, 1);
  g_assert_cmpstr (((AtlaasDraft *) g_ptr_array_index (drafts, 0))->action->title, ==,
                   "Tapé juste avant de fermer");
}

/* Activates the dialog's capture-phase shortcut for keyval with Ctrl, as
 * GTK does for a key press whatever widget has the focus. */
static void
activate_capture_shortcut (GtkWidget *dialog,
                           guint      keyval)
{
  GListModel *controllers = gtk_widget_observe_controllers (dialog);
  gboolean found = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !found; i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller)
          || gtk_event_controller_get_propagation_phase (controller) != GTK_PHASE_CAPTURE)
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)) && !found; j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autoptr(GtkShortcutTrigger) expected = gtk_keyval_trigger_new (keyval, GDK_CONTROL_MASK);

          if (!gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), expected))
            continue;

          g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                       dialog, NULL));
          found = TRUE;
        }
    }
  g_object_unref (controllers);

  g_assert_true (found);
}

/* Ctrl+PageDown and Ctrl+PageUp change pages from a multi-line field. */
static void
test_proposal_page_shortcuts (Fixture       *fixture,
                              gconstpointer  data)
{
  AtlaasProposalDialog *dialog = atlaas_proposal_dialog_new (NULL, fixture->store);
  GtkWidget *actions;

  gtk_window_present (GTK_WINDOW (dialog));
  test_wait_ms (300);
  actions = atlaas_proposal_dialog_get_field_widget (dialog, "actions");
  g_assert_true (GTK_IS_TEXT_VIEW (actions));
  g_assert_true (gtk_widget_grab_focus (actions));

  activate_capture_shortcut (GTK_WIDGET (dialog), GDK_KEY_Page_Down);
  test_wait_ms (100);
  g_assert_cmpstr (atlaas_proposal_dialog_get_page (dialog), ==, "details");
  activate_capture_shortcut (GTK_WIDGET (dialog), GDK_KEY_Page_Up);
  test_wait_ms (100);
  g_assert_cmpstr (atlaas_proposal_dialog_get_page (dialog), ==, "action");

  gtk_window_destroy (GTK_WINDOW (dialog));
  test_wait_ms (100);
}

/* The problems already shown stay when a card is added or removed. */
static void
test_proposal_problems_survive_rebuild (Fixture       *fixture,
                                        gconstpointer  data)
{
  AtlaasProposalDialog *dialog = atlaas_proposal_dialog_new (NULL, fixture->store);
  GtkWidget *focus;

  gtk_window_present (GTK_WINDOW (dialog));
  test_wait_ms (300);

  /* Arriving on the people page puts the focus in the first name. */
  show_page (dialog, "people");
  focus = gtk_root_get_focus (GTK_ROOT (dialog));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, atlaas_proposal_dialog_get_field_widget (dialog, "personnes[0].nom"))
                 || focus == atlaas_proposal_dialog_get_field_widget (dialog, "personnes[0].nom"));

  test_set_field (dialog, "personnes[0].courriel", "pas-un-courriel");
  show_page (dialog, "places");
  g_assert_nonnull (atlaas_proposal_dialog_get_field_error (dialog, "personnes[0].courriel"));
  show_page (dialog, "people");

  atlaas_proposal_dialog_add_contact (dialog);
  g_assert_nonnull (atlaas_proposal_dialog_get_field_error (dialog, "personnes[0].courriel"));
  g_assert_null (atlaas_proposal_dialog_get_field_error (dialog, "personnes[1].courriel"));

  /* Removing the first card moves the second one's problem up. */
  test_set_field (dialog, "personnes[1].courriel", "toujours-pas");
  show_page (dialog, "places");
  show_page (dialog, "people");
  g_assert_nonnull (atlaas_proposal_dialog_get_field_error (dialog, "personnes[1].courriel"));
  test_set_field (dialog, "personnes[0].courriel", "contact@example.fr");
  {
    GtkWidget *nom = atlaas_proposal_dialog_get_field_widget (dialog, "personnes[0].nom");
    GtkWidget *header = gtk_widget_get_first_child (gtk_widget_get_parent (gtk_widget_get_parent (nom)));
    GtkWidget *remove = gtk_widget_get_last_child (header);

    g_assert_true (GTK_IS_BUTTON (remove));
    g_signal_emit_by_name (remove, "clicked");
  }
  g_assert_nonnull (atlaas_proposal_dialog_get_field_error (dialog, "personnes[0].courriel"));
  g_assert_null (atlaas_proposal_dialog_get_field_widget (dialog, "personnes[1].courriel"));

  /* The same holds on the places page. */
  show_page (dialog, "places");
  test_set_field (dialog, "lieux[0].code_postal", "123");
  show_page (dialog, "services");
  show_page (dialog, "places");
  g_assert_nonnull (atlaas_proposal_dialog_get_field_error (dialog, "lieux[0].code_postal"));
  atlaas_proposal_dialog_add_place (dialog);
  g_assert_nonnull (atlaas_proposal_dialog_get_field_error (dialog, "lieux[0].code_postal"));

  gtk_window_destroy (GTK_WINDOW (dialog));
  test_wait_ms (100);
}

/* Returns the title of a field, as shown above it. */
static const char *
field_title (AtlaasProposalDialog *dialog,
             const char           *field)
{
  GtkWidget *widget = atlaas_proposal_dialog_get_field_widget (dialog, field);
  GtkWidget *label = gtk_widget_get_first_child (gtk_widget_get_parent (widget));

  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_label (GTK_LABEL (label));
}

/* The date's problem repeats what was typed, in the format of the hint;
 * only the first place marks its position required. */
static void
test_proposal_field_wording (Fixture       *fixture,
                             gconstpointer  data)
{
  AtlaasProposalDialog *dialog = atlaas_proposal_dialog_new (NULL, fixture->store);
  const char *message;

  gtk_window_present (GTK_WINDOW (dialog));
  test_wait_ms (300);

  test_set_field (dialog, "date", "31/02/2026");
  show_page (dialog, "details");
  message = atlaas_proposal_dialog_get_field_error (dialog, "date");
  g_assert_nonnull (message);
  g_test_message ("Date problem: %s", message);
  g_assert_nonnull (strstr (message, "“31/02/2026”"));
  g_assert_nonnull (strstr (message, "DD/MM/YYYY"));
  g_assert_null (strstr (message, "YYYY-MM-DD"));

  show_page (dialog, "places");
  atlaas_proposal_dialog_add_place (dialog);
  g_assert_cmpstr (field_title (dialog, "lieux[0].lat"), ==, "_Latitude *");
  g_assert_cmpstr (field_title (dialog, "lieux[0].lon"), ==, "L_ongitude *");
  g_assert_cmpstr (field_title (dialog, "lieux[1].lat"), ==, "_Latitude");
  g_assert_cmpstr (field_title (dialog, "lieux[1].lon"), ==, "L_ongitude");

  gtk_window_destroy (GTK_WINDOW (dialog));
  test_wait_ms (100);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_test_skip ("No display: run the window tests under xvfb-run");
      return 77;
    }

  gtk_init ();
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, "atlaas-proposal-XXXXXX", store_fixture_set_up, func, \
              store_fixture_tear_down)

  ADD ("/proposal-window/fill-and-send", test_proposal_fill_and_send);
  ADD ("/proposal-window/resume-and-delete", test_proposal_resume_and_delete);
  ADD ("/proposal-window/close-saves", test_proposal_close_saves);
  ADD ("/proposal-window/page-shortcuts", test_proposal_page_shortcuts);
  ADD ("/proposal-window/problems-survive-rebuild", test_proposal_problems_survive_rebuild);
  ADD ("/proposal-window/field-wording", test_proposal_field_wording);

#undef ADD

  return g_test_run ();
}
