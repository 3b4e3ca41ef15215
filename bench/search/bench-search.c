/* bench-search.c: search latency on a generated store, against a LIKE scan
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-search [--actions N] [--queries N] [--reuse] STORE TAXONOMY PLACES
 *
 * STORE is the store file to create (or to reuse with --reuse when it
 * already contains N actions), TAXONOMY is data/taxonomy.json and PLACES the
 * real open dataset of digital mediation places (a JSON array with "nom",
 * "commune", "services", "publics_accueillis", "modalites_accompagnement",
 * "latitude" and "longitude"). Each generated action takes its French text
 * from the labels of its 1–3 random services and from one real place, so
 * that word frequencies look like the atlas's. Results are printed as a
 * Markdown table.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "atlaas-fts.h"
#include "atlaas-search.h"
#include "atlaas-store.h"
#include "atlaas-text.h"

typedef struct
{
  GPtrArray *service_ids;      /* char * */
  GPtrArray *service_labels;   /* char *, parallel to service_ids */
  GPtrArray *node_ids;         /* char *: axes, enjeux and usages */
  JsonArray *places;
  GPtrArray *vocabulary;       /* char *: distinct words of the labels, 4+ letters */
} Corpus;

static void
collect_nodes (JsonArray  *nodes,
               const char *const *members,
               Corpus     *corpus)
{
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);
      const char *id = json_object_get_string_member (node, "id");

      if (members[0] == NULL)
        {
          g_ptr_array_add (corpus->service_ids, g_strdup (id));
          g_ptr_array_add (corpus->service_labels,
                           g_strdup (json_object_get_string_member (node, "label")));
          continue;
        }

      g_ptr_array_add (corpus->node_ids, g_strdup (id));
      collect_nodes (json_object_get_array_member (node, members[0]), members + 1, corpus);
    }
}

static void
build_vocabulary (Corpus *corpus)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < corpus->service_labels->len; i++)
    {
      g_auto(GStrv) words = g_regex_split_simple ("[^[:alpha:]]+",
                                                  g_ptr_array_index (corpus->service_labels, i),
                                                  0, 0);

      for (guint w = 0; words[w] != NULL; w++)
        {
          g_autofree char *lower = g_utf8_strdown (words[w], -1);

          if (g_utf8_strlen (lower, -1) < 4 || g_hash_table_contains (seen, lower))
            continue;
          g_ptr_array_add (corpus->vocabulary, g_strdup (lower));
          g_hash_table_add (seen, g_steal_pointer (&lower));
        }
    }
}

static gboolean
load_corpus (const char  *taxonomy_path,
             const char  *places_path,
             JsonParser  *taxonomy_parser,
             JsonParser  *places_parser,
             Corpus      *corpus,
             GError     **error)
{
  static const char *const members[] = { "enjeux", "usages", "services", NULL };

  if (!json_parser_load_from_file (taxonomy_parser, taxonomy_path, error)
      || !json_parser_load_from_file (places_parser, places_path, error))
    return FALSE;

  corpus->service_ids = g_ptr_array_new_with_free_func (g_free);
  corpus->service_labels = g_ptr_array_new_with_free_func (g_free);
  corpus->node_ids = g_ptr_array_new_with_free_func (g_free);
  corpus->vocabulary = g_ptr_array_new_with_free_func (g_free);
  collect_nodes (json_object_get_array_member (json_node_get_object (json_parser_get_root (taxonomy_parser)),
                                               "axes"),
                 members, corpus);
  corpus->places = json_node_get_array (json_parser_get_root (places_parser));
  build_vocabulary (corpus);

  return TRUE;
}

static const char *
place_string (JsonObject *place,
              const char *member)
{
  if (!json_object_has_member (place, member) || json_object_get_null_member (place, member))
    return NULL;
  return json_object_get_string_member (place, member);
}

static AtlaasAction *
generate_action (const Corpus *corpus,
                 GRand        *rand,
                 guint         index)
{
  AtlaasAction *action = atlaas_action_new ();
  AtlaasPlace *place = atlaas_place_new ();
  JsonObject *source = json_array_get_object_element (corpus->places,
                                                      g_rand_int_range (rand, 0, json_array_get_length (corpus->places)));
  g_autoptr(GString) text = g_string_new (NULL);
  guint n_services = g_rand_int_range (rand, 1, 4);
  const char *first_label = NULL;
  g_autofree char *name = atlaas_text_tidy_capitals (place_string (source, "nom") ?: "");
  g_autofree char *town = atlaas_text_tidy_capitals (place_string (source, "commune") ?: "");

  action->id = g_strdup_printf ("bench-%06u", index);
  action->revision = 1;
  action->updated_at = 1700000000;
  action->status = g_strdup ("published");
  action->date = g_strdup_printf ("%04d-%02d-%02d", g_rand_int_range (rand, 2005, 2025),
                                  g_rand_int_range (rand, 1, 13), g_rand_int_range (rand, 1, 29));

  for (guint i = 0; i < n_services; i++)
    {
      guint s = g_rand_int_range (rand, 0, corpus->service_ids->len);

      if (i == 0)
        first_label = g_ptr_array_index (corpus->service_labels, s);

      g_ptr_array_add (action->services, g_strdup (g_ptr_array_index (corpus->service_ids, s)));
      if (text->len > 0)
        g_string_append (text, ". ");
      g_string_append (text, g_ptr_array_index (corpus->service_labels, s));
    }

  action->title = g_strdup_printf ("%s à %s", first_label, town != NULL ? town : "Lyon");
  action->subtitle = g_strdup (name);
  g_string_append_printf (text, ". %s. %s. %s.",
                          place_string (source, "services") ?: "",
                          place_string (source, "publics_accueillis") ?: "",
                          place_string (source, "modalites_accompagnement") ?: "");
  action->actions = g_string_free (g_steal_pointer (&text), FALSE);

  place->name = g_strdup (name);
  place->town = g_strdup (town);
  place->type = ATLAAS_PLACE_TYPE_OTHER;
  if (json_object_has_member (source, "latitude") && json_object_has_member (source, "longitude"))
    {
      place->has_position = TRUE;
      place->latitude = json_object_get_double_member (source, "latitude");
      place->longitude = json_object_get_double_member (source, "longitude");
    }
  g_ptr_array_add (action->places, place);

  return action;
}

static gboolean
fill_store (AtlaasStore  *store,
            const Corpus *corpus,
            guint         n_actions,
            GError      **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240601);
  const guint batch_size = 5000;

  for (guint start = 0; start < n_actions; start += batch_size)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_action_free);

      for (guint i = start; i < MIN (start + batch_size, n_actions); i++)
        g_ptr_array_add (batch, generate_action (corpus, rand, i));
      if (!atlaas_store_put_actions (store, batch, error))
        return FALSE;
    }

  return TRUE;
}

/* One benchmark query: keywords as typed, plus theme ids. */
typedef struct
{
  char *text;
  GStrv themes;
} BenchQuery;

static void
bench_query_clear (BenchQuery *query)
{
  g_clear_pointer (&query->text, g_free);
  g_clear_pointer (&query->themes, g_strfreev);
}

/* Draws n_keywords words of the vocabulary. Half of the time the last one
 * is cut to 4–6 characters, as when a user is still typing it. */
static char *
random_keywords (const Corpus *corpus,
                 GRand        *rand,
                 guint         n_keywords)
{
  GString *text = g_string_new (NULL);

  for (guint k = 0; k < n_keywords; k++)
    {
      const char *word = g_ptr_array_index (corpus->vocabulary,
                                            g_rand_int_range (rand, 0, corpus->vocabulary->len));

      if (k > 0)
        g_string_append_c (text, ' ');
      if (k == n_keywords - 1 && g_rand_boolean (rand))
        {
          glong cut = MIN (g_utf8_strlen (word, -1), g_rand_int_range (rand, 4, 7));
          g_string_append_len (text, word, g_utf8_offset_to_pointer (word, cut) - word);
        }
      else
        {
          g_string_append (text, word);
        }
    }

  return g_string_free (text, FALSE);
}

static double
percentile (GArray *samples,
            double  fraction)
{
  guint index;

  g_assert (samples->len > 0);
  index = (guint) (fraction * (samples->len - 1) + 0.5);
  return g_array_index (samples, double, index);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The baseline: what a search without the FTS index does, a LIKE scan of
 * the title, subtitle and text of every action for each keyword (OR), with
 * themes as in the real search, sorted by date. It folds neither accents
 * nor plurals, so it finds fewer actions, and only its time is compared. */
static gboolean
run_like_scan (sqlite3          *db,
               const BenchQuery *query,
               guint            *n_rows,
               GError          **error)
{
  g_autoptr(GPtrArray) words = atlaas_fts_split_words (query->text);
  g_autoptr(GString) sql = g_string_new ("SELECT rowid, date FROM actions WHERE (");
  sqlite3_stmt *stmt = NULL;
  int parameter = 1;
  int rc;

  if (words->len == 0)
    g_string_append (sql, "1");
  for (guint i = 0; i < words->len; i++)
    {
      if (i > 0)
        g_string_append (sql, " OR ");
      g_string_append_printf (sql, "title LIKE ?%d OR subtitle LIKE ?%d OR actions LIKE ?%d",
                              parameter, parameter, parameter);
      parameter++;
    }
  g_string_append (sql, ")");

  if (query->themes != NULL)
    {
      g_string_append (sql, " AND rowid IN (SELECT action FROM action_services WHERE 0");
      for (guint i = 0; query->themes[i] != NULL; i++)
        g_string_append_printf (sql, " OR service LIKE ?%d", parameter + (int) i);
      g_string_append (sql, ")");
    }
  g_string_append (sql, " ORDER BY date DESC");

  if (sqlite3_prepare_v2 (db, sql->str, -1, &stmt, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "LIKE scan: %s", sqlite3_errmsg (db));
      return FALSE;
    }

  for (guint i = 0; i < words->len; i++)
    {
      g_autofree char *pattern = g_strdup_printf ("%%%s%%", (const char *) g_ptr_array_index (words, i));
      sqlite3_bind_text (stmt, (int) i + 1, pattern, -1, SQLITE_TRANSIENT);
    }
  for (guint i = 0; query->themes != NULL && query->themes[i] != NULL; i++)
    {
      g_autofree char *pattern = g_strdup_printf ("%s%%", query->themes[i]);
      sqlite3_bind_text (stmt, parameter + (int) i, pattern, -1, SQLITE_TRANSIENT);
    }

  *n_rows = 0;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    (*n_rows)++;
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "LIKE scan: %s", sqlite3_errmsg (db));
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  GArray *search_ms;
  GArray *count_ms;
  GArray *like_ms;
  guint64 total_hits;
} Timings;

static gboolean
measure (AtlaasSearch *search,
         BenchQuery *queries,
         guint       n_queries,
         gboolean    with_like,
         Timings    *timings,
         GError    **error)
{
  timings->search_ms = g_array_new (FALSE, FALSE, sizeof (double));
  timings->count_ms = g_array_new (FALSE, FALSE, sizeof (double));
  timings->like_ms = g_array_new (FALSE, FALSE, sizeof (double));
  timings->total_hits = 0;

  for (guint i = 0; i < n_queries; i++)
    {
      g_autoptr(AtlaasSearchQuery) query = atlaas_search_query_new (queries[i].text,
                                                                    (const char * const *) queries[i].themes);
      g_autoptr(AtlaasSearchResults) results = NULL;
      g_autoptr(GHashTable) counts = NULL;
      gint64 start;
      double ms;
      guint n_like;

      start = g_get_monotonic_time ();
      results = atlaas_search_run (search, query, error);
      if (results == NULL)
        return FALSE;
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (timings->search_ms, ms);
      timings->total_hits += results->hits->len;

      start = g_get_monotonic_time ();
      counts = atlaas_search_count_themes (search, query, error);
      if (counts == NULL)
        return FALSE;
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (timings->count_ms, ms);

      if (with_like)
        {
          start = g_get_monotonic_time ();
          if (!run_like_scan (atlaas_search_get_database (search), &queries[i], &n_like, error))
            return FALSE;
          ms = (g_get_monotonic_time () - start) / 1000.0;
          g_array_append_val (timings->like_ms, ms);
        }
    }

  g_array_sort (timings->search_ms, compare_doubles);
  g_array_sort (timings->count_ms, compare_doubles);
  g_array_sort (timings->like_ms, compare_doubles);

  return TRUE;
}

static void
timings_clear (Timings *timings)
{
  g_clear_pointer (&timings->search_ms, g_array_unref);
  g_clear_pointer (&timings->count_ms, g_array_unref);
  g_clear_pointer (&timings->like_ms, g_array_unref);
}

static void
print_row (const char *label,
           Timings    *timings,
           guint       n_queries)
{
  g_print ("| %s | %u | %.0f | %.1f | %.1f | %.1f | %.1f |",
           label, n_queries, (double) timings->total_hits / n_queries,
           percentile (timings->search_ms, 0.5), percentile (timings->search_ms, 0.95),
           percentile (timings->count_ms, 0.5), percentile (timings->count_ms, 0.95));
  if (timings->like_ms->len > 0)
    g_print (" %.1f | %.1f | %.0fx |",
             percentile (timings->like_ms, 0.5), percentile (timings->like_ms, 0.95),
             percentile (timings->like_ms, 0.5) / percentile (timings->search_ms, 0.5));
  else
    g_print (" - | - | - |");
  g_print ("\n");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("STORE TAXONOMY PLACES");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) taxonomy_parser = json_parser_new ();
  g_autoptr(JsonParser) places_parser = json_parser_new ();
  g_autoptr(AtlaasStore) store = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  Corpus corpus = { 0 };
  int n_actions = 100000;
  int n_queries = 200;
  gboolean reuse = FALSE;
  GOptionEntry entries[] = {
    { "actions", 0, 0, G_OPTION_ARG_INT, &n_actions, "Number of generated actions (default 100000)", "N" },
    { "queries", 0, 0, G_OPTION_ARG_INT, &n_queries, "Queries per row of the table (default 200)", "N" },
    { "reuse", 0, 0, G_OPTION_ARG_NONE, &reuse, "Reuse STORE when it already holds N actions", NULL },
    { NULL },
  };
  g_autoptr(AtlaasSearch) search = NULL;
  sqlite3 *db;
  gint64 start;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 4
      || n_actions <= 0 || n_queries <= 0)
    {
      g_printerr ("%s\n", error != NULL ? error->message
                  : "Usage: bench-search [--actions N] [--queries N] [--reuse] STORE TAXONOMY PLACES");
      return 2;
    }

  if (!load_corpus (argv[2], argv[3], taxonomy_parser, places_parser, &corpus, &error))
    {
      g_printerr ("Could not load the corpus: %s\n", error->message);
      return 1;
    }

  if (!reuse)
    g_unlink (argv[1]);
  store = atlaas_store_open (argv[1], &error);
  if (store == NULL)
    {
      g_printerr ("Could not open the store %s: %s\n", argv[1], error->message);
      return 1;
    }

  if (atlaas_store_count_actions (store, NULL) != n_actions)
    {
      g_clear_pointer (&store, atlaas_store_unref);
      g_unlink (argv[1]);
      store = atlaas_store_open (argv[1], &error);
      if (store == NULL)
        {
          g_printerr ("Could not create the store %s: %s\n", argv[1], error->message);
          return 1;
        }

      start = g_get_monotonic_time ();
      if (!fill_store (store, &corpus, (guint) n_actions, &error))
        {
          g_printerr ("Could not fill the store: %s\n", error->message);
          return 1;
        }
      g_printerr ("Generated %d actions in %.1f s\n", n_actions,
                  (g_get_monotonic_time () - start) / 1e6);
    }

  db = atlaas_store_get_database (store);
  search = atlaas_search_new (db);

  /* The first search reads every action's date and themes into memory. */
  {
    g_autoptr(AtlaasSearchQuery) query = atlaas_search_query_new ("", NULL);
    g_autoptr(AtlaasSearchResults) results = NULL;

    start = g_get_monotonic_time ();
    results = atlaas_search_run (search, query, &error);
    if (results == NULL)
      {
        g_printerr ("Search failed: %s\n", error->message);
        return 1;
      }
    g_print ("First search, reading the dates and themes of %u actions: %.1f ms\n\n",
             results->hits->len, (g_get_monotonic_time () - start) / 1000.0);
  }

  g_print ("| query | runs | mean hits | search p50 ms | search p95 ms | theme counts p50 ms | "
           "theme counts p95 ms | LIKE p50 ms | LIKE p95 ms | LIKE / search p50 |\n");
  g_print ("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");

  for (guint n_keywords = 0; n_keywords <= 4; n_keywords++)
    {
      g_autofree BenchQuery *queries = g_new0 (BenchQuery, n_queries);
      g_autofree char *label = NULL;
      Timings timings = { 0 };

      for (int i = 0; i < n_queries; i++)
        queries[i].text = random_keywords (&corpus, rand, n_keywords);

      /* Without keywords there is no LIKE baseline: the scan would only
       * read every action. */
      if (!measure (search, queries, n_queries, n_keywords > 0, &timings, &error))
        {
          g_printerr ("Search failed: %s\n", error->message);
          return 1;
        }
      label = n_keywords == 0 ? g_strdup ("no keyword") : g_strdup_printf ("%u keyword%s", n_keywords,
                                                                         n_keywords > 1 ? "s" : "");
      print_row (label, &timings, n_queries);

      timings_clear (&timings);
      for (int i = 0; i < n_queries; i++)
        bench_query_clear (&queries[i]);
    }

  for (guint n_keywords = 0; n_keywords <= 2; n_keywords += 2)
    {
      g_autofree BenchQuery *queries = g_new0 (BenchQuery, n_queries);
      g_autofree char *label = NULL;
      Timings timings = { 0 };

      for (int i = 0; i < n_queries; i++)
        {
          const char *themes[3] = {
            g_ptr_array_index (corpus.node_ids, g_rand_int_range (rand, 0, corpus.node_ids->len)),
            g_ptr_array_index (corpus.service_ids, g_rand_int_range (rand, 0, corpus.service_ids->len)),
            NULL,
          };

          queries[i].text = random_keywords (&corpus, rand, n_keywords);
          queries[i].themes = g_strdupv ((char **) themes);
        }

      if (!measure (search, queries, n_queries, TRUE, &timings, &error))
        {
          g_printerr ("Search failed: %s\n", error->message);
          return 1;
        }
      label = g_strdup_printf ("2 themes, %u keywords", n_keywords);
      print_row (label, &timings, n_queries);

      timings_clear (&timings);
      for (int i = 0; i < n_queries; i++)
        bench_query_clear (&queries[i]);
    }

  g_ptr_array_unref (corpus.service_ids);
  g_ptr_array_unref (corpus.service_labels);
  g_ptr_array_unref (corpus.node_ids);
  g_ptr_array_unref (corpus.vocabulary);

  return 0;
}
