/* test-store.c: the SQLite store on real files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "atlaas-store.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("atlaas-test-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "atlaas.db", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (fixture->path, suffixes[i], NULL);

      g_remove (file);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static AtlaasAction *
make_full_action (const char *id)
{
  AtlaasAction *action = atlaas_action_new ();
  AtlaasPlace *place;
  AtlaasContact *contact;

  action->id = g_strdup (id);
  action->revision = 3;
  action->updated_at = G_GINT64_CONSTANT (1700000000);
  action->status = g_strdup ("published");
  action->source = g_strdup ("test");
  action->title = g_strdup ("Espace public numérique de Bastia");
  action->subtitle = g_strdup ("Un lieu d’accès à internet");
  action->date = g_strdup ("2015-06-01");
  action->actions = g_strdup ("Ateliers hebdomadaires.\n\nPrêt de tablettes.");
  action->synthesis = g_strdup ("Synthèse");
  action->tools = g_strdup ("Logiciels libres");
  action->providers = g_strdup ("Association Cœur numérique");
  action->recommendations = g_strdup ("Recommandations");
  action->results = g_strdup ("200 personnes formées");
  g_ptr_array_add (action->links, g_strdup ("https://example.org/epn"));
  g_ptr_array_add (action->links, g_strdup ("https://example.org/ateliers"));
  g_ptr_array_add (action->services, g_strdup ("2b2-03"));
  g_ptr_array_add (action->services, g_strdup ("4c1-03"));

  contact = atlaas_contact_new ();
  contact->name = g_strdup ("Marie Dupont");
  contact->role = g_strdup ("Animatrice");
  contact->email = g_strdup ("marie@example.org");
  contact->phone = g_strdup ("04 95 00 00 00");
  g_ptr_array_add (action->contacts, contact);

  place = atlaas_place_new ();
  place->name = g_strdup ("Médiathèque");
  place->description = g_strdup ("Le mardi de 9 h à 12 h");
  place->address = g_strdup ("1 rue de la Paix");
  place->postal_code = g_strdup ("20200");
  place->town = g_strdup ("Bastia");
  place->insee_code = g_strdup ("2B033");
  place->departement = g_strdup ("2B");
  place->region = g_strdup ("94");
  place->phone = g_strdup ("04 95 00 00 01");
  place->email = g_strdup ("epn@example.org");
  place->website = g_strdup ("https://example.org");
  place->type = ATLAAS_PLACE_TYPE_OTHER;
  place->has_position = TRUE;
  place->latitude = 42.697283;
  place->longitude = 9.450881;
  g_ptr_array_add (action->places, place);

  place = atlaas_place_new ();
  place->name = g_strdup ("Ville de Bastia");
  place->type = ATLAAS_PLACE_TYPE_TOWN;
  place->has_position = FALSE;
  g_ptr_array_add (action->places, place);

  return action;
}

static GPtrArray *
single (AtlaasAction *action)
{
  GPtrArray *array = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_action_free);

  g_ptr_array_add (array, action);
  return array;
}

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return text;
}

static void
test_store_create_and_reopen (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasStore) store = NULL;
  g_autofree char *journal = NULL;
  g_autofree char *foreign_keys = NULL;
  g_autofree char *user_version = NULL;
  int version;

  /* An empty file, as a crashed first start could leave, migrates too. */
  g_assert_true (g_file_set_contents (fixture->path, "", 0, NULL));

  store = atlaas_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  version = atlaas_store_get_schema_version (store);
  g_assert_cmpint (version, >=, 1);
  g_assert_cmpstr (atlaas_store_get_path (store), ==, fixture->path);

  journal = query_text (atlaas_store_get_database (store), "PRAGMA journal_mode");
  g_assert_cmpstr (journal, ==, "wal");
  foreign_keys = query_text (atlaas_store_get_database (store), "PRAGMA foreign_keys");
  g_assert_cmpstr (foreign_keys, ==, "1");
  user_version = query_text (atlaas_store_get_database (store), "PRAGMA user_version");
  g_assert_cmpint (atoi (user_version), ==, version);

  g_assert_cmpint (atlaas_store_count_actions (store, &error), ==, 0);
  g_assert_no_error (error);
  g_clear_pointer (&store, atlaas_store_unref);

  store = atlaas_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (atlaas_store_get_schema_version (store), ==, version);
}

static void
test_store_too_new (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *wal_path = NULL;
  gsize before_length;
  gsize after_length;
  AtlaasStore *store;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 9999", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_true (g_file_get_contents (fixture->path, &before, &before_length, NULL));

  store = atlaas_store_open (fixture->path, &error);
  g_assert_error (error, ATLAAS_STORE_ERROR, ATLAAS_STORE_ERROR_TOO_NEW);
  g_assert_null (store);

  /* A newer program's file is left as it was: not even switched to WAL. */
  g_assert_true (g_file_get_contents (fixture->path, &after, &after_length, NULL));
  g_assert_cmpmem (before, before_length, after, after_length);
  wal_path = g_strconcat (fixture->path, "-wal", NULL);
  g_assert_false (g_file_test (wal_path, G_FILE_TEST_EXISTS));
}

static void
test_store_round_trip (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasStore) store = NULL;
  g_autoptr(GPtrArray) actions = single (make_full_action ("a1"));
  g_autoptr(AtlaasAction) read = NULL;
  g_autoptr(AtlaasAction) by_rowid = NULL;
  g_autoptr(GPtrArray) listed = NULL;

  store = atlaas_store_open (fixture->path, &error);
  g_assert_no_error (error);

  g_assert_true (atlaas_store_put_actions (store, actions, &error));
  g_assert_no_error (error);

  /* Read back through a fresh connection so nothing comes from memory. */
  g_clear_pointer (&store, atlaas_store_unref);
  store = atlaas_store_open (fixture->path, &error);
  g_assert_no_error (error);

  read = atlaas_store_get_action (store, "a1", &error);
  g_assert_no_error (error);
  g_assert_true (atlaas_action_equal (read, g_ptr_array_index (actions, 0)));

  by_rowid = atlaas_store_get_action_by_rowid (store, 1, &error);
  g_assert_no_error (error);
  g_assert_true (atlaas_action_equal (by_rowid, read));

  listed = atlaas_store_list_actions (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);

  g_clear_pointer (&read, atlaas_action_free);
  read = atlaas_store_get_action (store, "missing", &error);
  g_assert_error (error, ATLAAS_STORE_ERROR, ATLAAS_STORE_ERROR_NOT_FOUND);
  g_assert_null (read);
}

static void
test_store_upsert (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasStore) store = NULL;
  g_autoptr(GPtrArray) first = single (make_full_action ("a1"));
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(AtlaasAction) read = NULL;
  g_autoptr(AtlaasStoreStats) stats = NULL;
  AtlaasAction *changed;

  store = atlaas_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (atlaas_store_put_actions (store, first, &error));

  changed = atlaas_action_copy (g_ptr_array_index (first, 0));
  changed->revision = 4;
  g_free (changed->title);
  changed->title = g_strdup ("Nouveau titre");
  g_ptr_array_remove_index (changed->places, 1);
  g_ptr_array_set_size (changed->contacts, 0);
  g_ptr_array_remove_index (changed->services, 1);
  g_ptr_array_add (changed->services, g_strdup ("1a1-04"));
  second = single (changed);

  g_assert_true (atlaas_store_put_actions (store, second, &error));
  g_assert_no_error (error);
  g_assert_cmpint (atlaas_store_count_actions (store, NULL), ==, 1);

  read = atlaas_store_get_action (store, "a1", &error);
  g_assert_no_error (error);
  g_assert_true (atlaas_action_equal (read, changed));
  g_assert_cmpuint (read->places->len, ==, 1);
  g_assert_cmpuint (read->contacts->len, ==, 0);

  /* The old children are gone from the tables, not only from the result. */
  stats = atlaas_store_get_stats (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stats->n_actions, ==, 1);
  g_assert_cmpint (stats->n_places, ==, 1);
  g_assert_cmpint (stats->n_contacts, ==, 0);
  g_assert_cmpint (stats->n_links, ==, 2);
  g_assert_cmpint (stats->n_service_links, ==, 2);
  g_assert_cmpuint (stats->per_departement->len, ==, 1);
  g_assert_cmpstr (((AtlaasStoreCount *) g_ptr_array_index (stats->per_departement, 0))->code, ==, "2B");
  g_assert_cmpuint (stats->per_region->len, ==, 1);
  g_assert_cmpstr (((AtlaasStoreCount *) g_ptr_array_index (stats->per_region, 0))->code, ==, "94");
}

static void
test_store_failed_put_keeps_data (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasStore) store = NULL;
  g_autoptr(GPtrArray) first = single (make_full_action ("a1"));
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_action_free);
  g_autoptr(AtlaasAction) read = NULL;
  AtlaasAction *changed;
  AtlaasAction *invalid;
  AtlaasAction *new_one;

  store = atlaas_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (atlaas_store_put_actions (store, first, &error));

  /* A valid update, then an invalid action, then a new one: the first is
   * written before the second fails, so only a rollback can undo it. */
  changed = atlaas_action_copy (g_ptr_array_index (first, 0));
  g_free (changed->title);
  changed->title = g_strdup ("Changed");
  g_ptr_array_add (batch, changed);

  invalid = make_full_action ("bad");
  g_clear_pointer (&invalid->title, g_free);
  g_ptr_array_add (batch, invalid);

  new_one = make_full_action ("a2");
  g_ptr_array_add (batch, new_one);

  g_assert_false (atlaas_store_put_actions (store, batch, &error));
  g_assert_error (error, ATLAAS_STORE_ERROR, ATLAAS_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpint (atlaas_store_count_actions (store, NULL), ==, 1);
  read = atlaas_store_get_action (store, "a1", &error);
  g_assert_no_error (error);
  g_assert_true (atlaas_action_equal (read, g_ptr_array_index (first, 0)));

  /* The store still accepts writes after the rollback. */
  g_ptr_array_remove_index (batch, 1);
  g_assert_true (atlaas_store_put_actions (store, batch, &error));
  g_assert_no_error (error);
  g_assert_cmpint (atlaas_store_count_actions (store, NULL), ==, 2);
}

static void
test_store_invalid_position (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasStore) store = NULL;
  g_autoptr(GPtrArray) actions = single (make_full_action ("a1"));
  AtlaasPlace *place;

  store = atlaas_store_open (fixture->path, &error);
  g_assert_no_error (error);

  place = g_ptr_array_index (((AtlaasAction *) g_ptr_array_index (actions, 0))->places, 0);
  place->latitude = 91;
  g_assert_false (atlaas_store_put_actions (store, actions, &error));
  g_assert_error (error, ATLAAS_STORE_ERROR, ATLAAS_STORE_ERROR_INVALID);
  g_assert_cmpint (atlaas_store_count_actions (store, NULL), ==, 0);
}

/* a1: one positioned place out of two, services of axes 2 and 4.
 * a2: two positioned places, services of axes 1 and 3. */
static void
put_point_actions (AtlaasStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) actions = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_action_free);
  AtlaasAction *action;
  AtlaasPlace *extra;

  g_ptr_array_add (actions, make_full_action ("a1"));

  action = make_full_action ("a2");
  g_ptr_array_set_size (action->services, 0);
  g_ptr_array_add (action->services, g_strdup ("1a1-04"));
  g_ptr_array_add (action->services, g_strdup ("3a1-01"));
  extra = g_ptr_array_index (action->places, 1);
  extra->has_position = TRUE;
  extra->latitude = 45.75;
  extra->longitude = 4.85;
  g_ptr_array_add (actions, action);

  g_assert_true (atlaas_store_put_actions (store, actions, &error));
  g_assert_no_error (error);
}

static void
check_points (AtlaasStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasPointSet) points = NULL;
  g_autoptr(AtlaasAction) first = NULL;

  points = atlaas_store_load_points (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->n_points, ==, 3);

  first = atlaas_store_get_action_by_rowid (store, points->action_rowids[0], &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first->id, ==, "a1");
  g_assert_cmpfloat (points->latitudes[0], ==, 42.697283);
  g_assert_cmpfloat (points->longitudes[0], ==, 9.450881);
  g_assert_cmpuint (points->axis_bits[0], ==, (1u << 1) | (1u << 3));

  g_assert_cmpint (points->action_rowids[1], ==, points->action_rowids[2]);
  g_assert_cmpint (points->action_rowids[1], !=, points->action_rowids[0]);
  g_assert_cmpuint (points->axis_bits[1], ==, (1u << 0) | (1u << 2));
  g_assert_cmpfloat (points->latitudes[2], ==, 45.75);
  g_assert_cmpfloat (points->longitudes[2], ==, 4.85);
}

static void
test_store_load_points (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasStore) store = NULL;
  g_autoptr(GPtrArray) actions = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_action_free);
  g_autoptr(AtlaasPointSet) points = NULL;
  const char *ids[] = { "a1", NULL };
  AtlaasAction *action;

  store = atlaas_store_open (fixture->path, &error);
  g_assert_no_error (error);

  put_point_actions (store);
  check_points (store);

  /* The indexes the load reads follow updates and deletions: a2 moves to
   * the services of axis 5 only, and a1 goes. */
  action = make_full_action ("a2");
  g_ptr_array_set_size (action->services, 0);
  g_ptr_array_add (action->services, g_strdup ("5a1-01"));
  g_ptr_array_add (actions, action);
  g_assert_true (atlaas_store_put_actions (store, actions, &error));
  g_assert_no_error (error);
  g_assert_true (atlaas_store_delete_actions (store, ids, NULL, &error));
  g_assert_no_error (error);

  points = atlaas_store_load_points (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->n_points, ==, 1);
  g_assert_cmpuint (points->axis_bits[0], ==, 1u << 4);
  g_assert_cmpfloat (points->latitudes[0], ==, 42.697283);
}

/* A file of schema version 2, with data, gains the indexes the points load
 * reads (version 3) and loads the same points. */
static void
test_store_migrate_points_indexes (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasStore) store = NULL;
  g_autofree char *user_version = NULL;
  g_autofree char *indexes = NULL;
  sqlite3 *db = NULL;

  /* Version 3 only adds the two indexes, so dropping them turns a new file
   * into one written by the previous version. */
  store = atlaas_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (atlaas_store_get_schema_version (store), ==, 3);
  put_point_actions (store);
  g_clear_pointer (&store, atlaas_store_unref);

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "DROP INDEX places_points;"
                                 "DROP INDEX actions_axis_bits;"
                                 "PRAGMA user_version = 2;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  user_version = query_text (db, "PRAGMA user_version");
  g_assert_cmpstr (user_version, ==, "2");
  sqlite3_close (db);

  store = atlaas_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (atlaas_store_get_schema_version (store), ==, 3);
  indexes = query_text (atlaas_store_get_database (store),
                        "SELECT group_concat (name, ' ') FROM "
                        "(SELECT name FROM sqlite_master WHERE type = 'index' "
                        " AND name IN ('places_points', 'actions_axis_bits') ORDER BY name)");
  g_assert_cmpstr (indexes, ==, "actions_axis_bits places_points");
  check_points (store);
}

static void
test_store_delete_and_fts (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasStore) store = NULL;
  g_autoptr(GPtrArray) actions = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_action_free);
  g_autofree char *fts_rows = NULL;
  g_autofree char *match = NULL;
  g_autofree char *places = NULL;
  const char *ids[] = { "a1", "unknown", NULL };
  guint n_deleted = 0;

  store = atlaas_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_ptr_array_add (actions, make_full_action ("a1"));
  g_ptr_array_add (actions, make_full_action ("a2"));
  g_assert_true (atlaas_store_put_actions (store, actions, &error));

  /* The body contains the place's town and the contact's name. */
  match = query_text (atlaas_store_get_database (store),
                      "SELECT count(*) FROM action_fts WHERE action_fts MATCH 'dupont AND bastia'");
  g_assert_cmpstr (match, ==, "2");

  /* Putting again replaces the index rows instead of adding to them. */
  g_assert_true (atlaas_store_put_actions (store, actions, &error));
  fts_rows = query_text (atlaas_store_get_database (store), "SELECT count(*) FROM action_fts");
  g_assert_cmpstr (fts_rows, ==, "2");
  g_clear_pointer (&fts_rows, g_free);

  g_assert_true (atlaas_store_delete_actions (store, ids, &n_deleted, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_deleted, ==, 1);
  g_assert_cmpint (atlaas_store_count_actions (store, NULL), ==, 1);

  fts_rows = query_text (atlaas_store_get_database (store), "SELECT count(*) FROM action_fts");
  g_assert_cmpstr (fts_rows, ==, "1");
  places = query_text (atlaas_store_get_database (store), "SELECT count(*) FROM places");
  g_assert_cmpstr (places, ==, "2");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/create-and-reopen", test_store_create_and_reopen);
  ADD ("/store/too-new", test_store_too_new);
  ADD ("/store/round-trip", test_store_round_trip);
  ADD ("/store/upsert", test_store_upsert);
  ADD ("/store/failed-put-keeps-data", test_store_failed_put_keeps_data);
  ADD ("/store/invalid-position", test_store_invalid_position);
  ADD ("/store/load-points", test_store_load_points);
  ADD ("/store/migrate-points-indexes", test_store_migrate_points_indexes);
  ADD ("/store/delete-and-fts", test_store_delete_and_fts);

#undef ADD

  return g_test_run ();
}
