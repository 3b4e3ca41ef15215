/* test-draft-kill.c: a draft survives SIGKILL of the program typing it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test runs itself twice. A child process opens the proposal form on a
 * store, fills every page, waits one second (the saving delay promised to
 * users) and reports. The parent kills it with SIGKILL, then opens the same
 * store in a new form and checks that every field came back.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <signal.h>

#include "atlaas-drafts.h"
#include "atlaas-proposal-dialog.h"
#include "atlaas-store.h"
#include "proposal-test-utils.h"

/* Field path and the text typed into it, in the order a person fills the
 * form. The place's commune and position are set separately. */
static const struct
{
  const char *field;
  const char *text;
} typed[] = {
  { "titre", "Tiers-lieu numérique du Haut-Chablais" },
  { "sous_titre", "Un lieu ouvert pour se former et travailler à distance" },
  { "date", "02/10/2023" },
  { "actions", "Aménagement d’un ancien presbytère.\n\nAccueil de 30 télétravailleurs." },
  { "synthese", "Projet porté par la communauté de communes." },
  { "outils", "Fibre optique, salle de visioconférence." },
  { "prestataires", "Syndicat départemental d’énergie" },
  { "recommandations", "Associer les habitants dès le début." },
  { "resultats", "Taux d’occupation de 70 % après six mois." },
  { "liens[0]", "https://www.haut-chablais.fr/tiers-lieu" },
  { "liens[1]", "https://www.exemple.org/retour-experience" },
  { "personnes[0].nom", "Sophie Bernard" },
  { "personnes[0].titre", "Cheffe de projet" },
  { "personnes[0].courriel", "sophie.bernard@haut-chablais.fr" },
  { "personnes[0].telephone", "04 50 72 14 00" },
  { "personnes[1].nom", "Luc Favre" },
  { "personnes[1].courriel", "luc.favre@haut-chablais.fr" },
  { "lieux[0].nom", "Tiers-lieu Le Presbytère" },
  { "lieux[0].adresse", "12 route du Col" },
  { "lieux[0].telephone", "04 50 72 00 00" },
};

static const char * const services[] = { "1a1-01", "1a1-03" };

#define INSEE_CODE "74119"
#define LATITUDE 46.401234
#define LONGITUDE 6.591234

static int
run_child (const char *store_path)
{
  g_autoptr(AtlaasStore) store = NULL;
  g_autoptr(GError) error = NULL;
  AtlaasProposalDialog *dialog;

  store = atlaas_store_open (store_path, &error);
  g_assert_no_error (error);

  dialog = atlaas_proposal_dialog_new (NULL, store);
  gtk_window_present (GTK_WINDOW (dialog));
  test_wait_ms (300);

  atlaas_proposal_dialog_add_link (dialog);
  atlaas_proposal_dialog_add_link (dialog);
  atlaas_proposal_dialog_add_contact (dialog);

  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      test_set_field (dialog, typed[i].field, typed[i].text);
      test_wait_ms (20);
    }

  g_assert_true (atlaas_proposal_dialog_choose_commune (dialog, 0, INSEE_CODE));
  atlaas_proposal_dialog_set_position (dialog, 0, LATITUDE, LONGITUDE);
  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    atlaas_proposal_dialog_set_service_selected (dialog, services[i], TRUE);

  /* The last change was the last service; the promise is one second. */
  test_wait_ms (1000);

  g_print ("FILLED\n");
  fflush (stdout);

  /* Keep running, with the window open, until killed. */
  for (;;)
    test_wait_ms (1000);

  return 0;
}

static void
test_draft_kill_restore (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_dir_make_tmp ("atlaas-kill-XXXXXX", &error);
  g_autofree char *store_path = g_build_filename (folder, "atlaas.sqlite", NULL);
  g_autofree char *self_path = g_test_build_filename (G_TEST_BUILT, "test-draft-kill", NULL);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autofree char *line = NULL;
  g_autoptr(AtlaasStore) store = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  AtlaasProposalDialog *dialog;
  const char *draft_id;

  g_assert_no_error (error);

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            self_path, "--child", store_path, NULL);
  g_assert_no_error (error);

  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  line = g_data_input_stream_read_line_utf8 (output, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "FILLED");

  /* SIGKILL: no close handler, no flush, no chance to save anything more. */
  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

  store = atlaas_store_open (store_path, &error);
  g_assert_no_error (error);
  drafts = atlaas_drafts_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, 1);
  draft_id = ((AtlaasDraft *) g_ptr_array_index (drafts, 0))->id;

  /* A new form offers the draft; resuming it restores every field. */
  dialog = atlaas_proposal_dialog_new (NULL, store);
  gtk_window_present (GTK_WINDOW (dialog));
  test_wait_ms (300);
  g_assert_null (atlaas_proposal_dialog_get_draft_id (dialog));
  g_assert_true (atlaas_proposal_dialog_load_draft (dialog, draft_id, &error));
  g_assert_no_error (error);
  test_wait_ms (300);

  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      g_autofree char *text = test_get_field (dialog, typed[i].field);

      g_test_message ("%s: %s", typed[i].field, text);
      g_assert_cmpstr (text, ==, typed[i].text);
    }

  {
    const struct { const char *field; const char *text; } derived[] = {
      { "lieux[0].ville", "Évian-les-Bains" },
      { "lieux[0].code_postal", "74500" },
      { "lieux[0].id_insee", INSEE_CODE },
      { "lieux[0].departement", "74" },
      { "lieux[0].region", "84" },
      { "lieux[0].lat", "46.401234" },
      { "lieux[0].lon", "6.591234" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (derived); i++)
      {
        g_autofree char *text = test_get_field (dialog, derived[i].field);

        g_assert_cmpstr (text, ==, derived[i].text);
      }
  }

  {
    g_autoptr(AtlaasAction) action = atlaas_proposal_dialog_get_action (dialog);

    g_assert_cmpuint (action->links->len, ==, 2);
    g_assert_cmpuint (action->contacts->len, ==, 2);
    g_assert_cmpuint (action->services->len, ==, G_N_ELEMENTS (services));
    for (guint i = 0; i < G_N_ELEMENTS (services); i++)
      g_assert_cmpstr (g_ptr_array_index (action->services, i), ==, services[i]);
  }

  test_save_screenshot (GTK_WIDGET (dialog), "draft-kill-restored");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_clear_pointer (&store, atlaas_store_unref);

  {
    g_autofree char *wal = g_strconcat (store_path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (store_path, "-shm", NULL);

    g_unlink (store_path);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (folder);
  }
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--child"))
    {
      gtk_init ();
      adw_init ();
      return run_child (argv[2]);
    }

  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_test_skip ("No display: run the window tests under xvfb-run");
      return 77;
    }

  gtk_init ();
  adw_init ();

  g_test_add_func ("/draft-kill/restore", test_draft_kill_restore);

  return g_test_run ();
}
