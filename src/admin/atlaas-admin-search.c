/* atlaas-admin-search.c: `atlaas-admin search [KEYWORD…]`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-Admin"

#include "config.h"

#include <stdlib.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "atlaas-search.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2

int atlaas_admin_search_main (int    argc,
                              char **argv);

typedef struct
{
  char *id;
  char *title;
  char *date;
} ActionSummary;

static void
action_summary_clear (ActionSummary *summary)
{
  g_clear_pointer (&summary->id, g_free);
  g_clear_pointer (&summary->title, g_free);
  g_clear_pointer (&summary->date, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ActionSummary, action_summary_clear)

static gboolean
read_summary (sqlite3       *db,
              sqlite3_stmt  *stmt,
              gint64         rowid,
              ActionSummary *summary)
{
  gboolean found = FALSE;

  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, 1, rowid);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      summary->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      summary->title = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      summary->date = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      found = TRUE;
    }

  if (!found)
    g_printerr ("atlaas-admin search: action with rowid %" G_GINT64_FORMAT
                " vanished during the search: %s\n", rowid, sqlite3_errmsg (db));
  return found;
}

static int
compare_theme_ids (gconstpointer a,
                   gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Theme ids with a count, sorted, for stable output. */
static GPtrArray *
sorted_theme_ids (GHashTable *counts)
{
  GPtrArray *ids = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (ids, key);
  g_ptr_array_sort (ids, compare_theme_ids);

  return ids;
}

static void
print_json (sqlite3                   *db,
            sqlite3_stmt              *stmt,
            const AtlaasSearchResults *results,
            guint                      n_shown,
            GHashTable                *counts)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "keywords");
  json_builder_begin_array (builder);
  for (guint i = 0; i < results->keywords->len; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "keyword");
      json_builder_add_string_value (builder, g_ptr_array_index (results->keywords, i));
      json_builder_set_member_name (builder, "matches");
      json_builder_add_int_value (builder, g_array_index (results->keyword_counts, guint, i));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, results->hits->len);

  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_shown; i++)
    {
      const AtlaasSearchHit *hit = &g_array_index (results->hits, AtlaasSearchHit, i);
      g_auto(ActionSummary) summary = { NULL, NULL, NULL };

      if (!read_summary (db, stmt, hit->rowid, &summary))
        continue;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, summary.id);
      json_builder_set_member_name (builder, "titre");
      json_builder_add_string_value (builder, summary.title);
      json_builder_set_member_name (builder, "date");
      json_builder_add_string_value (builder, summary.date);
      json_builder_set_member_name (builder, "keywords_matched");
      json_builder_add_int_value (builder, hit->n_keywords);
      json_builder_set_member_name (builder, "keywords_in_title");
      json_builder_add_int_value (builder, hit->n_title_keywords);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  if (counts != NULL)
    {
      g_autoptr(GPtrArray) ids = sorted_theme_ids (counts);

      json_builder_set_member_name (builder, "theme_counts");
      json_builder_begin_object (builder);
      for (guint i = 0; i < ids->len; i++)
        {
          json_builder_set_member_name (builder, g_ptr_array_index (ids, i));
          json_builder_add_int_value (builder, GPOINTER_TO_UINT (g_hash_table_lookup (counts, g_ptr_array_index (ids, i))));
        }
      json_builder_end_object (builder);
    }

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static void
print_text (sqlite3                   *db,
            sqlite3_stmt              *stmt,
            const AtlaasSearchResults *results,
            guint                      n_shown,
            GHashTable                *counts)
{
  for (guint i = 0; i < results->keywords->len; i++)
    g_print ("keyword “%s”: %u actions\n", (const char *) g_ptr_array_index (results->keywords, i),
             g_array_index (results->keyword_counts, guint, i));
  g_print ("%u actions match", results->hits->len);
  if (n_shown < results->hits->len)
    g_print (", the first %u shown", n_shown);
  g_print ("\n");

  for (guint i = 0; i < n_shown; i++)
    {
      const AtlaasSearchHit *hit = &g_array_index (results->hits, AtlaasSearchHit, i);
      g_auto(ActionSummary) summary = { NULL, NULL, NULL };

      if (!read_summary (db, stmt, hit->rowid, &summary))
        continue;

      if (results->keywords->len > 0)
        g_print ("%4u  %-12s  %-10s  %u/%u keywords (%u in title)  %s\n", i + 1, summary.id,
                 summary.date != NULL ? summary.date : "-", hit->n_keywords,
                 results->keywords->len, hit->n_title_keywords, summary.title);
      else
        g_print ("%4u  %-12s  %-10s  %s\n", i + 1, summary.id,
                 summary.date != NULL ? summary.date : "-", summary.title);
    }

  if (counts != NULL)
    {
      g_autoptr(GPtrArray) ids = sorted_theme_ids (counts);

      g_print ("\nActions per theme (keywords only, themes ignored):\n");
      for (guint i = 0; i < ids->len; i++)
        g_print ("  %-8s %u\n", (const char *) g_ptr_array_index (ids, i),
                 GPOINTER_TO_UINT (g_hash_table_lookup (counts, g_ptr_array_index (ids, i))));
    }
}

int
atlaas_admin_search_main (int    argc,
                          char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasSearchQuery) query = NULL;
  g_autoptr(AtlaasSearchResults) results = NULL;
  g_autoptr(AtlaasSearch) search = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) theme_ids = NULL;
  gboolean json = FALSE;
  gboolean with_counts = FALSE;
  int limit = 20;
  GHashTable *counts = NULL;
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  guint n_shown;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "Store file (default: the user's store)", "PATH" },
    { "theme", 0, 0, G_OPTION_ARG_STRING_ARRAY, &theme_ids,
      "Keep actions under this taxonomy node (axe 1, enjeu 1a, usage 1a1 or service 1a1-01); repeat to combine with OR", "ID" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Maximum number of actions printed, 0 for all (default 20)", "N" },
    { "counts", 0, 0, G_OPTION_ARG_NONE, &with_counts, "Also print the number of matching actions per theme", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON instead of text", NULL },
    { NULL },
  };

  context = g_option_context_new ("[KEYWORD…]");
  g_option_context_set_summary (context,
                                "Searches the store's actions as the app does: keywords ignore case,\n"
                                "accents and plural forms, the last one also matches as a word prefix,\n"
                                "and actions matching more keywords come first.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("atlaas-admin search: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (limit < 0)
    {
      g_printerr ("atlaas-admin search: invalid --limit %d: use 0 for all or a positive number\n", limit);
      return EXIT_USAGE;
    }

  if (db_path == NULL)
    db_path = g_build_filename (g_get_user_data_dir (), "atlaas", "atlaas.db", NULL);

  /* Searching must not create a store, so a missing file is an error. */
  if (!g_file_test (db_path, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("atlaas-admin search: No store at %s; run `atlaas-admin import` first or check --db\n",
                  db_path);
      return EXIT_FAILED;
    }

  search = atlaas_search_open (db_path, &error);
  if (search == NULL)
    {
      g_printerr ("atlaas-admin search: %s\n", error->message);
      return EXIT_FAILED;
    }
  db = atlaas_search_get_database (search);

  text = g_strjoinv (" ", argv + 1);
  query = atlaas_search_query_new (text, (const char * const *) theme_ids);

  results = atlaas_search_run (search, query, &error);
  if (results == NULL)
    {
      g_printerr ("atlaas-admin search: %s\n", error->message);
      return error->domain == ATLAAS_SEARCH_ERROR
             && error->code == ATLAAS_SEARCH_ERROR_INVALID_THEME ? EXIT_USAGE : EXIT_FAILED;
    }

  if (sqlite3_prepare_v2 (db, "SELECT id, title, date FROM actions WHERE rowid = ?1", -1,
                          &stmt, NULL) != SQLITE_OK)
    {
      g_printerr ("atlaas-admin search: could not read the actions of %s: %s\n",
                  db_path, sqlite3_errmsg (db));
      return EXIT_FAILED;
    }

  if (with_counts)
    counts = results->theme_counts;

  n_shown = limit == 0 ? results->hits->len : MIN ((guint) limit, results->hits->len);
  if (json)
    print_json (db, stmt, results, n_shown, counts);
  else
    print_text (db, stmt, results, n_shown, counts);

  sqlite3_finalize (stmt);

  return EXIT_SUCCESS;
}
