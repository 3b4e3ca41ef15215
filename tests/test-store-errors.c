/* test-store-errors.c: the window when the store cannot be opened
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "atlaas-application.h"
#include "atlaas-window.h"
#include "ui-test-utils.h"

static char *temp_dir;

static guint n_open_warnings;

/* Counts and drops the app's warning about the store, which each case
 * causes on purpose. Every other message goes to the default writer, so
 * any other warning still fails the test. */
static GLogWriterOutput
log_writer_cb (GLogLevelFlags   log_level,
               const GLogField *fields,
               gsize            n_fields,
               gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }

  if ((log_level & G_LOG_LEVEL_WARNING) != 0
      && g_strcmp0 (domain, "Atlaas-App") == 0
      && message != NULL
      && g_str_has_prefix (message, "Could not open the store"))
    {
      n_open_warnings++;
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static void run_corrupt (void);
static void run_too_new (void);
static void run_read_only_folder (void);

/* Starts the app on the store at `path` and returns the description of the
 * status page that covers the map, or NULL when the page is hidden. */
static char *
open_app_and_read_status (const char *path)
{
  g_autoptr(AtlaasApplication) app = NULL;
  AtlaasWindow *window;
  GtkWidget *page;
  GtkWidget *loading;
  char *description = NULL;

  g_setenv ("ATLAAS_DB", path, TRUE);
  app = ui_test_register_app ();

  n_open_warnings = 0;
  g_application_activate (G_APPLICATION (app));
  g_assert_cmpuint (n_open_warnings, ==, 1);

  window = ATLAAS_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  ui_test_run_frames (300);

  page = ui_test_find_widget_with_class (GTK_WIDGET (window), "atlaas-store-error");
  g_assert_nonnull (page);
  g_assert_true (ADW_IS_STATUS_PAGE (page));
  loading = ui_test_find_widget_with_class (GTK_WIDGET (window), "atlaas-loading");
  g_assert_nonnull (loading);
  g_assert_false (gtk_widget_get_visible (loading));

  if (gtk_widget_get_visible (page))
    {
      g_assert_true (gtk_widget_get_mapped (page));
      g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (page)), ==,
                       "The Atlas Could Not Be Opened");
      description = g_strdup (adw_status_page_get_description (ADW_STATUS_PAGE (page)));
    }

  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_run_frames (50);
  return description;
}

/* Each case runs in its own process, because a GtkApplication registers
 * on the session bus only once per process. */
static void
test_store_errors_corrupt (void)
{
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  run_corrupt ();
}

static void
run_corrupt (void)
{
  g_autofree char *path = g_build_filename (temp_dir, "corrupt.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *description = NULL;
  g_autofree char *after = NULL;
  gsize after_length;
  guint8 bytes[8192];
  GRand *rand = g_rand_new_with_seed (42);
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < sizeof bytes; i++)
    bytes[i] = g_rand_int_range (rand, 0, 256);
  g_rand_free (rand);
  g_file_set_contents (path, (const char *) bytes, sizeof bytes, &error);
  g_assert_no_error (error);

  description = open_app_and_read_status (path);

  g_assert_nonnull (description);
  g_assert_nonnull (strstr (description, path));
  g_assert_nonnull (strstr (description, "is damaged"));
  g_assert_nonnull (strstr (description, "move or delete it"));

  /* The damaged file is left byte for byte as it was. */
  g_file_get_contents (path, &after, &after_length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (after, after_length, bytes, sizeof bytes);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_unlink (path);
}

static void
test_store_errors_too_new (void)
{
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  run_too_new ();
}

static void
run_too_new (void)
{
  g_autofree char *path = g_build_filename (temp_dir, "too-new.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autofree char *description = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 999", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  description = open_app_and_read_status (path);

  g_assert_nonnull (description);
  g_assert_nonnull (strstr (description, "newer version of Atlaas"));
  g_assert_nonnull (strstr (description, path));
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
}

static void
test_store_errors_read_only_folder (void)
{
  if (geteuid () == 0)
    {
      g_test_skip ("root can write into a read-only folder");
      return;
    }

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  run_read_only_folder ();
}

static void
run_read_only_folder (void)
{
  g_autofree char *folder = g_build_filename (temp_dir, "read-only", NULL);
  g_autofree char *path = g_build_filename (folder, "atlaas.db", NULL);
  g_autofree char *description = NULL;

  g_assert_cmpint (g_mkdir (folder, 0500), ==, 0);

  description = open_app_and_read_status (path);

  g_assert_nonnull (description);
  g_assert_nonnull (strstr (description, folder));
  g_assert_nonnull (strstr (description, "is not writable"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_rmdir (folder);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* The checks read the English messages. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (log_writer_cb, NULL, NULL);
  atlaas_application_init_i18n ();

  if (!ui_test_init_display ())
    return 77;

  temp_dir = g_dir_make_tmp ("atlaas-test-store-errors-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/store-errors/corrupt", test_store_errors_corrupt);
  g_test_add_func ("/store-errors/too-new", test_store_errors_too_new);
  g_test_add_func ("/store-errors/read-only-folder", test_store_errors_read_only_folder);

  status = g_test_run ();
  g_rmdir (temp_dir);
  g_free (temp_dir);

  return status;
}
