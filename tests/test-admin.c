/* test-admin.c: the atlaas-admin executable, run as a user would
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "atlaas-data.h"

typedef struct
{
  char *dir;
  char *db;
} Fixture;

typedef struct
{
  int status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_rmdir (path);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("atlaas-test-admin-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db = g_build_filename (fixture->dir, "atlaas.db", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->db);
}

/* Runs atlaas-admin with the arguments (NULL-terminated) and XDG_DATA_HOME
 * inside the fixture, so that the user's own store is never touched. */
static void
run_admin (Fixture *fixture,
           Run     *run,
           ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = g_build_filename (fixture->dir, "data-home", NULL);
  g_auto(GStrv) envp = g_get_environ ();
  const char *admin = g_getenv ("ATLAAS_ADMIN");
  const char *arg;
  int wait_status = 0;
  va_list args;

  g_assert_nonnull (admin);
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", data_home, TRUE);

  g_ptr_array_add (argv, (char *) admin);
  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  run_clear (run);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT,
                               NULL, NULL, &run->out, &run->err, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents)
{
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static char *
hinaura_path (void)
{
  g_autoptr(GError) error = NULL;
  char *path = atlaas_data_find_file ("datasets/lieux-mediation-numerique-hinaura.json", &error);

  g_assert_no_error (error);
  return path;
}

static JsonNode *
parse_output (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
}

static void
test_admin_import_exit_codes (Fixture       *fixture,
                              gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autofree char *valid = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *broken = NULL;
  g_autofree char *default_db = NULL;

  valid = write_file (fixture, "valid.json",
                      "[{\"id\": \"1\", \"nom\": \"Un\", \"commune\": \"Annecy\", "
                      "\"code_postal\": \"74000\", \"latitude\": 45.9, \"longitude\": 6.12}]");
  partial = write_file (fixture, "partial.json",
                        "[{\"id\": \"1\", \"nom\": \"Un\", \"commune\": \"Annecy\", "
                        "\"code_postal\": \"74000\", \"latitude\": 45.9, \"longitude\": 6.12},"
                        " {\"id\": \"2\", \"commune\": \"Annecy\", \"latitude\": 45.9, \"longitude\": 6.12}]");
  broken = write_file (fixture, "broken.json", "[{\"id\": ");

  run_admin (fixture, &run, "import", "--db", fixture->db, valid, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "1 added"));

  run_admin (fixture, &run, "import", "--db", fixture->db, partial, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "index 1"));
  g_assert_nonnull (strstr (run.err, "nom"));
  g_assert_nonnull (strstr (run.out, "1 unchanged, 1 rejected"));

  run_admin (fixture, &run, "import", "--db", fixture->db, broken, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "Not valid JSON"));

  /* Usage errors. */
  run_admin (fixture, &run, "import", "--db", fixture->db, NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "no FILE given"));
  g_assert_nonnull (strstr (run.err, "Usage:"));

  run_admin (fixture, &run, "import", "--no-such-option", valid, NULL);
  g_assert_cmpint (run.status, ==, 2);

  run_admin (fixture, &run, "frobnicate", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "unknown command"));

  run_admin (fixture, &run, NULL);
  g_assert_cmpint (run.status, ==, 2);

  run_admin (fixture, &run, "export", "--db", fixture->db, "--format", "csv", NULL);
  g_assert_cmpint (run.status, ==, 2);

  run_admin (fixture, &run, "clusters", "--db", fixture->db, NULL);
  g_assert_cmpint (run.status, ==, 2);

  run_admin (fixture, &run, "clusters", "--db", fixture->db, "--zoom", "5", "--bbox", "1,2,3", NULL);
  g_assert_cmpint (run.status, ==, 2);

  run_admin (fixture, &run, "import", "--help", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "--db"));

  /* Without --db the store is under XDG_DATA_HOME. */
  run_admin (fixture, &run, "import", valid, NULL);
  g_assert_cmpint (run.status, ==, 0);
  default_db = g_build_filename (fixture->dir, "data-home", "atlaas", "atlaas.db", NULL);
  g_assert_true (g_file_test (default_db, G_FILE_TEST_IS_REGULAR));
}

static void
test_admin_stats_and_clusters (Fixture       *fixture,
                               gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autofree char *hinaura = hinaura_path ();
  g_autoptr(JsonNode) stats = NULL;
  JsonObject *object;
  JsonArray *regions;
  JsonArray *departements;
  gint64 departement_sum = 0;
  const int zooms[] = { 0, 5, 8, 12, 17 };

  run_admin (fixture, &run, "import", "--db", fixture->db, hinaura, NULL);
  g_assert_cmpint (run.status, ==, 0);

  run_admin (fixture, &run, "stats", "--db", fixture->db, "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  stats = parse_output (run.out);
  object = json_node_get_object (stats);
  g_assert_cmpint (json_object_get_int_member (object, "actions"), ==, 687);
  g_assert_cmpint (json_object_get_int_member (object, "places"), ==, 687);
  g_assert_cmpint (json_object_get_int_member (object, "services"), >, 0);

  regions = json_object_get_array_member (object, "regions");
  g_assert_cmpuint (json_array_get_length (regions), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (regions, 0), "code"), ==, "84");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (regions, 0), "name"),
                   ==, "Auvergne-Rhône-Alpes");

  departements = json_object_get_array_member (object, "departements");
  for (guint i = 0; i < json_array_get_length (departements); i++)
    {
      JsonObject *departement = json_array_get_object_element (departements, i);

      g_assert_nonnull (json_object_get_string_member (departement, "name"));
      departement_sum += json_object_get_int_member (departement, "actions");
    }
  g_assert_cmpint (departement_sum, ==, 687);

  for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
    {
      g_autofree char *zoom = g_strdup_printf ("%d", zooms[z]);
      g_autoptr(JsonNode) result = NULL;
      JsonArray *clusters;
      gint64 sum = 0;
      guint n_singles = 0;

      run_admin (fixture, &run, "clusters", "--db", fixture->db, "--zoom", zoom, "--json", NULL);
      g_assert_cmpint (run.status, ==, 0);
      result = parse_output (run.out);
      g_assert_cmpint (json_object_get_int_member (json_node_get_object (result), "points"), ==, 687);

      clusters = json_object_get_array_member (json_node_get_object (result), "clusters");
      for (guint i = 0; i < json_array_get_length (clusters); i++)
        {
          JsonObject *cluster = json_array_get_object_element (clusters, i);
          gint64 count = json_object_get_int_member (cluster, "count");

          sum += count;
          if (count == 1)
            {
              g_assert_true (g_str_has_prefix (json_object_get_string_member (cluster, "id"), "hinaura-"));
              n_singles++;
            }
          else
            g_assert_cmpint (json_object_get_int_member (cluster, "expansion_zoom"), >, zooms[z]);
        }
      g_assert_cmpint (sum, ==, 687);

      /* Zoom 0 gathers the region into few clusters. */
      if (zooms[z] == 0)
        g_assert_cmpuint (json_array_get_length (clusters), <, 10);
    }
}

static void
test_admin_export_round_trip (Fixture       *fixture,
                              gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autofree char *hinaura = hinaura_path ();
  g_autofree char *exported = g_build_filename (fixture->dir, "export.json", NULL);
  g_autofree char *second_db = g_build_filename (fixture->dir, "second.db", NULL);
  g_autofree char *first_text = NULL;
  g_autofree char *second_text = NULL;

  run_admin (fixture, &run, "import", "--db", fixture->db, hinaura, NULL);
  g_assert_cmpint (run.status, ==, 0);

  run_admin (fixture, &run, "export", "--db", fixture->db, "--format", "json", "-o", exported, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_file_get_contents (exported, &first_text, NULL, NULL));

  run_admin (fixture, &run, "import", "--db", second_db, exported, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Atlaas format, 687 records: 687 added"));

  run_admin (fixture, &run, "export", "--db", second_db, "--format", "json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  second_text = g_strdup (run.out);
  g_assert_cmpstr (second_text, ==, first_text);
}

/* Read-only commands reject a missing store and create nothing. */
static void
test_admin_missing_store (Fixture       *fixture,
                          gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autofree char *folder = g_build_filename (fixture->dir, "no-such-folder", NULL);
  g_autofree char *db = g_build_filename (folder, "a.db", NULL);
  const char *commands[] = { "stats", "export", "clusters", "search" };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (commands[i], "export"))
        run_admin (fixture, &run, "export", "--db", db, "--format", "json", NULL);
      else if (g_str_equal (commands[i], "clusters"))
        run_admin (fixture, &run, "clusters", "--db", db, "--zoom", "5", NULL);
      else
        run_admin (fixture, &run, commands[i], "--db", db, NULL);

      g_assert_cmpint (run.status, ==, 1);
      g_assert_nonnull (strstr (run.err, "No store at"));
      g_assert_nonnull (strstr (run.err, db));
      g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
    }
}

static void
test_admin_argument_errors (Fixture       *fixture,
                            gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autofree char *valid = NULL;
  g_autofree char *bad_json = NULL;
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.json", NULL);
  g_autofree char *no_folder = g_build_filename (fixture->dir, "no-folder", "x.json", NULL);

  valid = write_file (fixture, "valid.json",
                      "[{\"id\": \"1\", \"nom\": \"Un\", \"commune\": \"Annecy\", "
                      "\"code_postal\": \"74000\", \"latitude\": 45.9, \"longitude\": 6.12}]");
  bad_json = write_file (fixture, "bad.json", "{x");

  run_admin (fixture, &run, "import", "--db", fixture->db, valid, NULL);
  g_assert_cmpint (run.status, ==, 0);

  run_admin (fixture, &run, "clusters", "--db", fixture->db, "--zoom", "99", NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "0 to 30"));
  run_admin (fixture, &run, "clusters", "--db", fixture->db, "--zoom", "2147483647", NULL);
  g_assert_cmpint (run.status, ==, 2);
  run_admin (fixture, &run, "clusters", "--db", fixture->db, "--zoom", "30", NULL);
  g_assert_cmpint (run.status, ==, 0);

  run_admin (fixture, &run, "export", "--db", fixture->db, "--format", "json", "-o", no_folder, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "the folder does not exist"));
  g_assert_nonnull (strstr (run.err, no_folder));
  run_admin (fixture, &run, "export", "--db", fixture->db, "--format", "json", "-o", fixture->dir, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "it is a folder"));

  run_admin (fixture, &run, "validate", bad_json, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_null (strstr (run.out, "<data>"));
  g_assert_nonnull (strstr (run.out, bad_json));
  run_admin (fixture, &run, "import", "--db", fixture->db, bad_json, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_null (strstr (run.err, "<data>"));

  /* An unreadable input file exits with 1 in both commands. */
  run_admin (fixture, &run, "validate", fixture->dir, NULL);
  g_assert_cmpint (run.status, ==, 1);
  run_admin (fixture, &run, "import", "--db", fixture->db, fixture->dir, NULL);
  g_assert_cmpint (run.status, ==, 1);
  run_admin (fixture, &run, "validate", missing, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "check the path"));
  run_admin (fixture, &run, "import", "--db", fixture->db, missing, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "check the path"));
}

/* The Hinaura list is validated as the actions the import produces. */
static void
test_admin_validate_hinaura (Fixture       *fixture,
                             gconstpointer  data)
{
  g_auto(Run) run = { 0 };
  g_autofree char *path = hinaura_path ();

  run_admin (fixture, &run, "validate", path, NULL);
  g_assert_null (strstr (run.out, "must be an array"));
  g_assert_nonnull (strstr (run.out, "687 actions checked"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/admin/import-exit-codes", test_admin_import_exit_codes);
  ADD ("/admin/stats-and-clusters", test_admin_stats_and_clusters);
  ADD ("/admin/export-round-trip", test_admin_export_round_trip);
  ADD ("/admin/missing-store", test_admin_missing_store);
  ADD ("/admin/argument-errors", test_admin_argument_errors);
  ADD ("/admin/validate-hinaura", test_admin_validate_hinaura);

#undef ADD

  return g_test_run ();
}
