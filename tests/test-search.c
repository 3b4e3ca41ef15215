/* test-search.c: keyword and theme search on a real store file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "atlaas-search.h"
#include "atlaas-store.h"

/* The fixture: hand-written actions whose expected matches the cases below
 * derive by reading the words of each title (T) and body (B, the subtitle
 * and the town). */
typedef struct
{
  const char *id;
  const char *title;
  const char *subtitle;
  const char *date;
  const char *services[3];
  const char *town;
} FixtureAction;

static const FixtureAction fixture[] = {
  { "a01", "École numérique de Saint-Étienne", "Des tablettes pour les écoles primaires",
    "2021-09-01", { "3a1-02" }, "Saint-Étienne" },
  { "a02", "Médiathèque connectée", "Ateliers d'initiation à l'informatique pour les seniors",
    "2019-05-10", { "3b1-01", "4a2-01" }, "Lyon" },
  { "a03", "Démarches en ligne simplifiées",
    "Accompagnement des habitants dans leurs démarches administratives",
    "2022-01-15", { "1a1-04" }, "Grenoble" },
  { "a04", "Espace public numérique",
    "Un lieu d’accompagnement au numérique et d’insertion professionnelle",
    "2020-03-20", { "4c1-03", "2b2-02" }, "Valence" },
  { "a05", "Chantier d’insertion informatique",
    "Reconditionnement d'ordinateurs par des personnes en insertion",
    "2018-06-01", { "2b2-02", "4b3-04" }, "Annecy" },
  { "a06", "Œuvres numérisées du musée", "Le cœur des collections mis en ligne",
    "2017-11-30", { "3c1-04" }, "Chambéry" },
  { "a07", "Portail des démarches", "Un portail unique pour toutes les démarches de la commune",
    "2023-02-01", { "1a1-04", "1a1-06" }, "Clermont-Ferrand" },
  { "a08", "Wi-Fi public en centre-ville", "Accès gratuit à internet dans les lieux publics",
    "2016-04-12", { "2b2-03" }, "Roanne" },
  { "a09", "Journaux municipaux en ligne", "Bulletins et journaux de la ville",
    "2015-09-09", { "1b1-03" }, "Vienne" },
  { "a10", "Cœur de village connecté", "Fibre optique et couverture mobile",
    "2020-07-07", { "4c1-02" }, "Aurillac" },
  { "a11", "Accompagner les habitants vers le numérique", "Médiateurs numériques itinérants",
    "2024-03-03", { "2b2-01", "4a1-04" }, "Privas" },
  { "a12", "Ouverture des données publiques", "Jeux de données en open data",
    "2021-12-12", { "1b1-02" }, "Bourg-en-Bresse" },
  { "a13", "Télémédecine en zone rurale", "Consultations médicales à distance",
    NULL, { "2c1-04" }, "Le Puy-en-Velay" },
  { "a14", "Écoles et médiathèques en réseau", "Catalogue partagé des bibliothèques",
    "2022-06-06", { "3a3-02", "3b1-01" }, "Moulins" },
  { "a15", "Budget participatif en ligne", "Les citoyens votent pour les projets de la ville",
    "2023-10-10", { "1b2-04" }, "Montluçon" },
  { "a16", "Formation des agents", "Formations à la sécurité informatique pour les agents",
    "2019-01-20", { "1a2-01" }, "Vichy" },
  { "a17", "Communication de la commune", "Refonte du site internet de la commune",
    "2018-02-02", { "2c1-03" }, "Annonay" },
  { "a18", "Maison France services", "Aide aux démarches pour l'emploi et la retraite",
    "2024-01-05", { "1a1-04", "4a1-04" }, "Aubenas" },
};

/* Every action, most recent first, the one without a date last. */
#define ALL_BY_DATE "a11 a18 a15 a07 a14 a03 a12 a01 a10 a04 a02 a16 a05 a17 a06 a08 a09 a13"

typedef struct
{
  const char *text;
  const char *themes;     /* space-separated theme ids, or NULL */
  const char *expected;   /* ids in ranked order, space-separated */
} SearchCase;

static const SearchCase cases[] = {
  /* accents, capitals, elisions with both apostrophes */
  { "école", NULL, "a14 a01" },
  { "ecole", NULL, "a14 a01" },
  { "ÉCOLES", NULL, "a14 a01" },
  { "l'école", NULL, "a14 a01" },
  { "l’école", NULL, "a14 a01" },
  { "d’insertion", NULL, "a05 a04" },
  { "d'insertion", NULL, "a05 a04" },
  { "insertion", NULL, "a05 a04" },
  /* ligatures */
  { "oeuvre", NULL, "a06" },
  { "œuvre", NULL, "a06" },
  { "coeur", NULL, "a10 a06" },
  { "cœur", NULL, "a10 a06" },
  { "CŒUR", NULL, "a10 a06" },
  /* plurals and inflections */
  { "démarche", NULL, "a07 a03 a18" },
  { "demarches", NULL, "a07 a03 a18" },
  { "numériques", NULL, "a11 a01 a04" },
  { "numérique ", NULL, "a11 a01 a04" },
  { "médiathèque", NULL, "a14 a02" },
  { "informatique", NULL, "a05 a02 a16" },
  { "accompagnement", NULL, "a11 a03 a04" },
  { "accompagner", NULL, "a11 a03 a04" },
  { "journal", NULL, "a09" },
  { "emploi", NULL, "a18" },
  { "lieu", NULL, "a04 a08" },
  { "donnée", NULL, "a12" },
  { "formations", NULL, "a16" },
  { "Saint-Étienne", NULL, "a01" },
  /* stems that must stay apart */
  { "communication", NULL, "a17" },
  { "commune", NULL, "a17 a07" },
  /* the word being typed matches as a prefix, a finished word does not */
  { "médiath", NULL, "a14 a02" },
  { "media", NULL, "a14 a02 a11" },
  { "publi", NULL, "a12 a04 a08" },
  { "publi ", NULL, "" },
  { "public", NULL, "a04 a08" },
  { "télémédecine", NULL, "a13" },
  /* several keywords: more keywords first, then title, then recent */
  { "école numérique", NULL, "a01 a11 a14 a04" },
  { "insertion informatique", NULL, "a05 a04 a02 a16" },
  { "démarches en ligne", NULL, "a03 a15 a07 a09 a18 a06" },
  { "habitants numérique", NULL, "a11 a01 a04 a03" },
  { "Coeur village", NULL, "a10 a06" },
  { "ville budget participatif", NULL, "a15 a08 a09" },
  { "ville", NULL, "a08 a15 a09" },
  { "internet", NULL, "a17 a08" },
  { "xyzzy", NULL, "" },
  /* empty and stop words only: every action */
  { "", NULL, ALL_BY_DATE },
  { NULL, NULL, ALL_BY_DATE },
  { "de la", NULL, ALL_BY_DATE },
  { "   ", NULL, ALL_BY_DATE },
  { "*", NULL, ALL_BY_DATE },
  /* FTS5 syntax typed by a user is only a separator */
  { "\"école", NULL, "a14 a01" },
  { "école\"", NULL, "a14 a01" },
  { "école*", NULL, "a14 a01" },
  { "-école", NULL, "a14 a01" },
  { "école NEAR insertion", NULL, "a14 a01 a05 a04" },
  { "école AND insertion", NULL, "a14 a01 a05 a04" },
  { "école OR", NULL, "a14 a01 a05" },
  { "NOT école", NULL, "a14 a01" },
  { "(école)", NULL, "a14 a01" },
  { "title:école", NULL, "a14 a01" },
  { "^école", NULL, "a14 a01" },
  { "NEAR(", NULL, "" },
  { "école)\"*(: AND", NULL, "a14 a01" },
  /* themes: a node selects its services, themes OR, AND with keywords */
  { NULL, "1", "a18 a15 a07 a03 a12 a16 a09" },
  { NULL, "1a", "a18 a07 a03 a16" },
  { NULL, "1a1", "a18 a07 a03" },
  { NULL, "1a1-06", "a07" },
  { NULL, "2b2", "a11 a04 a05 a08" },
  { NULL, "2", "a11 a04 a05 a17 a08 a13" },
  { NULL, "3", "a14 a01 a02 a06" },
  { "", "1b 3c", "a15 a12 a06 a09" },
  { "numérique", "4", "a11 a04" },
  { "démarches", "1a1-06", "a07" },
  { "école", "4", "" },
  { "école insertion", "3a 2b", "a14 a01 a05 a04" },
  { "école insertion", "3a", "a14 a01" },
};

typedef struct
{
  char *directory;
  AtlaasStore *store;
  sqlite3 *db;
  AtlaasSearch *search;
} Fixture;

static AtlaasAction *
build_action (const FixtureAction *entry)
{
  AtlaasAction *action = atlaas_action_new ();
  AtlaasPlace *place = atlaas_place_new ();

  action->id = g_strdup (entry->id);
  action->revision = 1;
  action->updated_at = 1700000000;
  action->status = g_strdup ("published");
  action->title = g_strdup (entry->title);
  action->subtitle = g_strdup (entry->subtitle);
  action->date = g_strdup (entry->date);

  place->town = g_strdup (entry->town);
  place->type = ATLAAS_PLACE_TYPE_TOWN;
  g_ptr_array_add (action->places, place);

  for (guint i = 0; i < G_N_ELEMENTS (entry->services) && entry->services[i] != NULL; i++)
    g_ptr_array_add (action->services, g_strdup (entry->services[i]));

  return action;
}

static void
fixture_set_up (Fixture       *fixture_data,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) actions = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_action_free);
  g_autofree char *path = NULL;

  fixture_data->directory = g_dir_make_tmp ("atlaas-search-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture_data->directory, "store.db", NULL);

  fixture_data->store = atlaas_store_open (path, &error);
  g_assert_no_error (error);

  for (gsize i = 0; i < G_N_ELEMENTS (fixture); i++)
    g_ptr_array_add (actions, build_action (&fixture[i]));
  g_assert_true (atlaas_store_put_actions (fixture_data->store, actions, &error));
  g_assert_no_error (error);

  fixture_data->db = atlaas_store_get_database (fixture_data->store);
  fixture_data->search = atlaas_search_new (fixture_data->db);
}

static void
fixture_tear_down (Fixture       *fixture_data,
                   gconstpointer  user_data)
{
  g_autofree char *path = g_strdup (atlaas_store_get_path (fixture_data->store));
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_clear_pointer (&fixture_data->search, atlaas_search_free);
  g_clear_pointer (&fixture_data->store, atlaas_store_unref);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (fixture_data->directory);
  g_free (fixture_data->directory);
}

static char *
lookup_id (sqlite3 *db,
           gint64   rowid)
{
  sqlite3_stmt *stmt = NULL;
  char *id = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id FROM actions WHERE rowid = ?1", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, rowid);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  g_assert_nonnull (id);
  return id;
}

static char *
results_to_ids (sqlite3                   *db,
                const AtlaasSearchResults *results)
{
  GString *ids = g_string_new (NULL);

  for (guint i = 0; i < results->hits->len; i++)
    {
      const AtlaasSearchHit *hit = &g_array_index (results->hits, AtlaasSearchHit, i);
      g_autofree char *id = lookup_id (db, hit->rowid);

      if (i > 0)
        g_string_append_c (ids, ' ');
      g_string_append (ids, id);
    }

  return g_string_free (ids, FALSE);
}

static AtlaasSearchQuery *
query_for_case (const SearchCase *search_case)
{
  g_auto(GStrv) themes = NULL;

  if (search_case->themes != NULL)
    themes = g_strsplit (search_case->themes, " ", -1);

  return atlaas_search_query_new (search_case->text, (const char * const *) themes);
}

static char *
run_search (AtlaasSearch     *search,
            const SearchCase *search_case)
{
  g_autoptr(AtlaasSearchQuery) query = query_for_case (search_case);
  g_autoptr(AtlaasSearchResults) results = NULL;
  g_autoptr(GError) error = NULL;

  results = atlaas_search_run (search, query, &error);
  g_assert_no_error (error);
  g_assert_nonnull (results);

  return results_to_ids (atlaas_search_get_database (search), results);
}

static void
test_search_cases (Fixture       *fixture_data,
                   gconstpointer  user_data)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *ids = run_search (fixture_data->search, &cases[i]);

      g_test_message ("case %" G_GSIZE_FORMAT ": text “%s”, themes “%s”", i,
                      cases[i].text != NULL ? cases[i].text : "(null)",
                      cases[i].themes != NULL ? cases[i].themes : "");
      g_assert_cmpstr (ids, ==, cases[i].expected);
    }
}

static void
test_search_masks (Fixture       *fixture_data,
                   gconstpointer  user_data)
{
  g_autoptr(AtlaasSearchQuery) query = atlaas_search_query_new ("démarches en ligne", NULL);
  g_autoptr(AtlaasSearchResults) results = NULL;
  g_autoptr(GError) error = NULL;
  const AtlaasSearchHit *first;
  const AtlaasSearchHit *last;

  results = atlaas_search_run (fixture_data->search, query, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (results->keywords->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (results->keywords, 0), ==, "demarches");
  g_assert_cmpstr (g_ptr_array_index (results->keywords, 1), ==, "ligne");
  /* "démarches": a03 a07 a18; "ligne": a03 a06 a09 a15. */
  g_assert_cmpuint (g_array_index (results->keyword_counts, guint, 0), ==, 3);
  g_assert_cmpuint (g_array_index (results->keyword_counts, guint, 1), ==, 4);

  first = &g_array_index (results->hits, AtlaasSearchHit, 0);
  g_assert_cmpuint (first->keyword_mask, ==, 0x3);
  g_assert_cmpuint (first->title_mask, ==, 0x3);
  g_assert_cmpuint (first->n_keywords, ==, 2);
  g_assert_cmpuint (first->n_title_keywords, ==, 2);
  g_assert_cmpuint (first->date_key, ==, 20220115);

  /* a06 has "ligne" in its body only. */
  last = &g_array_index (results->hits, AtlaasSearchHit, results->hits->len - 1);
  g_assert_cmpuint (last->keyword_mask, ==, 0x2);
  g_assert_cmpuint (last->title_mask, ==, 0);
  g_assert_cmpuint (last->date_key, ==, 20171130);
}

static void
test_search_invalid_theme (Fixture       *fixture_data,
                           gconstpointer  user_data)
{
  static const char * const invalid_ids[] = {
    "", "a", "1%", "1a1-", "1a1-0x", "1A", "1a1*", "1a1-01-02", "1 OR 1",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (invalid_ids); i++)
    {
      const char *themes[] = { invalid_ids[i], NULL };
      g_autoptr(AtlaasSearchQuery) query = atlaas_search_query_new ("école", themes);
      g_autoptr(AtlaasSearchResults) results = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("theme id: “%s”", invalid_ids[i]);
      results = atlaas_search_run (fixture_data->search, query, &error);
      g_assert_error (error, ATLAAS_SEARCH_ERROR, ATLAAS_SEARCH_ERROR_INVALID_THEME);
      g_assert_null (results);
    }
}

/* Counts actions per node by walking the taxonomy file: a node contains an
 * action when one of the action's services is listed under it. */
static void
add_brute_force_counts (JsonObject  *node,
                        const char  *children_member,
                        GHashTable  *matching_ids,
                        GHashTable  *expected);

static gboolean
service_under_node (JsonObject *node,
                    const char *service)
{
  static const char * const members[] = { "enjeux", "usages", "services" };

  if (g_strcmp0 (json_object_get_string_member (node, "id"), service) == 0)
    return TRUE;

  for (gsize m = 0; m < G_N_ELEMENTS (members); m++)
    {
      JsonArray *children;

      if (!json_object_has_member (node, members[m]))
        continue;
      children = json_object_get_array_member (node, members[m]);
      for (guint i = 0; i < json_array_get_length (children); i++)
        if (service_under_node (json_array_get_object_element (children, i), service))
          return TRUE;
    }

  return FALSE;
}

static void
add_brute_force_counts (JsonObject *node,
                        const char *children_member,
                        GHashTable *matching_ids,
                        GHashTable *expected)
{
  static const char * const next_member[][2] = {
    { "enjeux", "usages" }, { "usages", "services" }, { "services", NULL },
  };
  guint count = 0;

  for (gsize a = 0; a < G_N_ELEMENTS (fixture); a++)
    {
      gboolean under = FALSE;

      if (matching_ids != NULL && !g_hash_table_contains (matching_ids, fixture[a].id))
        continue;
      for (guint s = 0; s < G_N_ELEMENTS (fixture[a].services) && fixture[a].services[s] != NULL; s++)
        under = under || service_under_node (node, fixture[a].services[s]);
      if (under)
        count++;
    }

  g_hash_table_insert (expected, g_strdup (json_object_get_string_member (node, "id")),
                       GUINT_TO_POINTER (count));

  if (children_member == NULL)
    return;

  for (gsize m = 0; m < G_N_ELEMENTS (next_member); m++)
    {
      JsonArray *children;

      if (strcmp (next_member[m][0], children_member) != 0)
        continue;
      children = json_object_get_array_member (node, children_member);
      for (guint i = 0; i < json_array_get_length (children); i++)
        add_brute_force_counts (json_array_get_object_element (children, i),
                                next_member[m][1], matching_ids, expected);
    }
}

static void
check_theme_counts (AtlaasSearch     *search,
                    JsonArray        *axes,
                    const SearchCase *search_case)
{
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) matching_ids = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(AtlaasSearchQuery) query = query_for_case (search_case);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) expected_ids = g_strsplit (search_case->expected, " ", -1);
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  /* The counts ignore the themes, so only cases without themes give the
   * matching set. */
  g_assert_null (search_case->themes);
  matching_ids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; expected_ids[i] != NULL; i++)
    if (expected_ids[i][0] != '\0')
      g_hash_table_add (matching_ids, expected_ids[i]);

  for (guint i = 0; i < json_array_get_length (axes); i++)
    add_brute_force_counts (json_array_get_object_element (axes, i), "enjeux",
                            matching_ids, expected);
  g_assert_cmpuint (g_hash_table_size (expected), ==, 4 + 12 + 28 + 150);

  counts = atlaas_search_count_themes (search, query, &error);
  g_assert_no_error (error);
  g_assert_nonnull (counts);

  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_test_message ("text “%s”, node %s", search_case->text ? search_case->text : "(null)",
                      (const char *) key);
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, key)), ==,
                        GPOINTER_TO_UINT (value));
    }

  /* No count for an id outside the taxonomy. */
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_assert_true (g_hash_table_contains (expected, key));
}

static void
test_search_theme_counts (Fixture       *fixture_data,
                          gconstpointer  user_data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_getenv ("ATLAAS_DATADIR") != NULL
                                            ? g_getenv ("ATLAAS_DATADIR") : SOURCE_DATADIR,
                                            "taxonomy.json", NULL);
  JsonArray *axes;
  guint n_checked = 0;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  axes = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "axes");

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      if (cases[i].themes != NULL)
        continue;
      check_theme_counts (fixture_data->search, axes, &cases[i]);
      n_checked++;
    }

  g_assert_cmpuint (n_checked, >, 40);
}

typedef struct
{
  char *path;
  char *ids;
  GError *error;
} WorkerData;

static gpointer
search_in_worker (gpointer user_data)
{
  WorkerData *data = user_data;
  g_autoptr(AtlaasSearchQuery) query = atlaas_search_query_new ("démarches en ligne", NULL);
  g_autoptr(AtlaasSearchResults) results = NULL;
  g_autoptr(AtlaasSearch) search = atlaas_search_open (data->path, &data->error);

  if (search == NULL)
    return NULL;

  results = atlaas_search_run (search, query, &data->error);
  if (results != NULL)
    data->ids = results_to_ids (atlaas_search_get_database (search), results);

  return NULL;
}

static void
test_search_worker_thread (Fixture       *fixture_data,
                           gconstpointer  user_data)
{
  WorkerData data = { g_strdup (atlaas_store_get_path (fixture_data->store)), NULL, NULL };
  GThread *thread = g_thread_new ("search", search_in_worker, &data);

  g_thread_join (thread);
  g_assert_no_error (data.error);
  g_assert_cmpstr (data.ids, ==, "a03 a15 a07 a09 a18 a06");

  g_free (data.path);
  g_free (data.ids);
}


static void
put_fixture_action (AtlaasStore *store,
                    const char  *id,
                    const char  *title,
                    const char  *date,
                    const char  *service)
{
  const FixtureAction entry = { id, title, NULL, date, { service }, "Lyon" };
  g_autoptr(GPtrArray) actions = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_action_free);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (actions, build_action (&entry));
  g_assert_true (atlaas_store_put_actions (store, actions, &error));
  g_assert_no_error (error);
}

/* The search keeps a copy of dates and themes: a write through the same
 * connection, or through another one, must show in the next search. */
static void
test_search_store_changes (Fixture       *fixture_data,
                           gconstpointer  user_data)
{
  static const SearchCase ecole = { "école", NULL, NULL };
  static const SearchCase axis_four = { NULL, "4", NULL };
  static const SearchCase everything = { "", NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasSearch) other = atlaas_search_open (atlaas_store_get_path (fixture_data->store), &error);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *other_after = NULL;
  g_autofree char *themed = NULL;
  g_autofree char *all = NULL;
  const char *deleted[] = { "a11", NULL };
  guint n_deleted = 0;

  g_assert_no_error (error);

  before = run_search (fixture_data->search, &ecole);
  g_assert_cmpstr (before, ==, "a14 a01");
  g_free (run_search (other, &ecole));

  put_fixture_action (fixture_data->store, "a19", "Une école de plus", "2025-01-01", "4a1-01");

  after = run_search (fixture_data->search, &ecole);
  g_assert_cmpstr (after, ==, "a19 a14 a01");
  other_after = run_search (other, &ecole);
  g_assert_cmpstr (other_after, ==, "a19 a14 a01");
  themed = run_search (other, &axis_four);
  g_assert_cmpstr (themed, ==, "a19 a11 a18 a10 a04 a02 a05");

  g_assert_true (atlaas_store_delete_actions (fixture_data->store, deleted, &n_deleted, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_deleted, ==, 1);
  all = run_search (other, &everything);
  g_assert_cmpstr (all, ==, "a19 a18 a15 a07 a14 a03 a12 a01 a10 a04 a02 a16 a05 a17 a06 a08 a09 a13");
}

/* The counts that come with the results ignore the theme filter, like
 * atlaas_search_count_themes (). */
static void
test_search_results_counts (Fixture       *fixture_data,
                            gconstpointer  user_data)
{
  const char *themes[] = { "3", NULL };
  g_autoptr(AtlaasSearchQuery) query = atlaas_search_query_new ("école insertion", themes);
  g_autoptr(AtlaasSearchResults) results = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GError) error = NULL;

  results = atlaas_search_run (fixture_data->search, query, &error);
  g_assert_no_error (error);
  counts = atlaas_search_count_themes (fixture_data->search, query, &error);
  g_assert_no_error (error);

  /* Hits: a14 and a01 (axe 3); a05 and a04 (axe 2 and 4) are counted but
   * filtered out. */
  g_assert_cmpuint (results->hits->len, ==, 2);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (results->theme_counts, "3")), ==, 2);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (results->theme_counts, "2")), ==, 2);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (results->theme_counts, "2b2-02")), ==, 2);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (results->theme_counts, "4")), ==, 2);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (results->theme_counts, "1")), ==, 0);
  g_assert_cmpuint (g_hash_table_size (results->theme_counts), ==, g_hash_table_size (counts));
}

static void
test_search_open_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasSearch) search = atlaas_search_open ("/nonexistent/atlaas/store.db", &error);

  g_assert_null (search);
  g_assert_error (error, ATLAAS_SEARCH_ERROR, ATLAAS_SEARCH_ERROR_SQLITE);
  g_assert_nonnull (strstr (error->message, "/nonexistent/atlaas/store.db"));
}

static void
test_search_query_copy (void)
{
  const char *themes[] = { "1a", "2", NULL };
  g_autoptr(AtlaasSearchQuery) query = atlaas_search_query_new ("école", themes);
  g_autoptr(AtlaasSearchQuery) copy = atlaas_search_query_copy (query);

  g_assert_cmpstr (copy->text, ==, "école");
  g_assert_true (copy->text != query->text);
  g_assert_cmpuint (g_strv_length (copy->theme_ids), ==, 2);
  g_assert_cmpstr (copy->theme_ids[1], ==, "2");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/search/cases", Fixture, NULL,
              fixture_set_up, test_search_cases, fixture_tear_down);
  g_test_add ("/search/masks", Fixture, NULL,
              fixture_set_up, test_search_masks, fixture_tear_down);
  g_test_add ("/search/invalid-theme", Fixture, NULL,
              fixture_set_up, test_search_invalid_theme, fixture_tear_down);
  g_test_add ("/search/theme-counts", Fixture, NULL,
              fixture_set_up, test_search_theme_counts, fixture_tear_down);
  g_test_add ("/search/worker-thread", Fixture, NULL,
              fixture_set_up, test_search_worker_thread, fixture_tear_down);
  g_test_add ("/search/store-changes", Fixture, NULL,
              fixture_set_up, test_search_store_changes, fixture_tear_down);
  g_test_add ("/search/results-counts", Fixture, NULL,
              fixture_set_up, test_search_results_counts, fixture_tear_down);
  g_test_add_func ("/search/open-missing", test_search_open_missing);
  g_test_add_func ("/search/query-copy", test_search_query_copy);

  return g_test_run ();
}
