/* atlaas-search.c: keyword and theme search over the store's actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-Core"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atlaas-fts.h"
#include "atlaas-search.h"


/* The dates and theme nodes of every action, read once per store change,
 * because reading them from the actions table on each search would scan
 * its long text columns. */
typedef struct
{
  gboolean loaded;
  gint64 data_version;     /* PRAGMA data_version when loaded */
  gint64 total_changes;    /* sqlite3_total_changes64 () when loaded */
  GArray *rowids;          /* gint64, ascending */
  GArray *date_keys;       /* guint YYYYMMDD per action, 0 when undated */
  GArray *node_starts;     /* guint per action, plus one: ranges into nodes */
  GArray *nodes;           /* guint16 node indexes, distinct per action */
  GArray *by_date;         /* guint action indexes, most recent first */
  GHashTable *node_indexes;  /* node id → index + 1 */
  GPtrArray *node_ids;       /* char *: "1", "1a", "1a1", "1a1-01"… */
} ActionCache;

struct _AtlaasSearch
{
  sqlite3 *db;
  gboolean owns_db;
  ActionCache cache;
};

G_DEFINE_QUARK (atlaas-search-error-quark, atlaas_search_error)

/* Keywords parsed from the user's text: folded, unstemmed words that the
 * "atlaas" tokenizer turns into one token each. */
typedef struct
{
  GPtrArray *words;
  gboolean last_is_prefix;   /* the last word is still being typed */
} Keywords;

static void
keywords_clear (Keywords *keywords)
{
  g_clear_pointer (&keywords->words, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Keywords, keywords_clear)

static void
set_sqlite_error (GError     **error,
                  sqlite3     *db,
                  const char  *what)
{
  g_set_error (error, ATLAAS_SEARCH_ERROR, ATLAAS_SEARCH_ERROR_SQLITE,
               "Search failed while %s: %s", what, sqlite3_errmsg (db));
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

/* Splits text into distinct keywords in typed order, at most
 * ATLAAS_SEARCH_MAX_KEYWORDS. The last one counts as being typed when the
 * text ends inside it, not after a space or punctuation. */
static void
parse_keywords (const char *text,
                Keywords   *keywords)
{
  g_autoptr(GPtrArray) all_words = atlaas_fts_split_words (text);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *last_char;
  const char *word_start;

  keywords->words = g_ptr_array_new_with_free_func (g_free);
  keywords->last_is_prefix = FALSE;

  for (guint i = 0; i < all_words->len; i++)
    {
      char *word = g_ptr_array_index (all_words, i);

      if (keywords->words->len == ATLAAS_SEARCH_MAX_KEYWORDS)
        break;
      if (!g_hash_table_add (seen, word))
        continue;
      g_ptr_array_add (keywords->words, g_strdup (word));
    }

  if (text == NULL || *text == '\0' || keywords->words->len == 0
      || !g_utf8_validate (text, -1, NULL))
    return;

  /* Find the run of word characters that ends the text, and check that it
   * is the last keyword (and not a stop word or a duplicate). */
  last_char = g_utf8_find_prev_char (text, text + strlen (text));
  if (last_char == NULL || !is_word_char (g_utf8_get_char (last_char)))
    return;

  word_start = last_char;
  while (word_start > text)
    {
      const char *previous = g_utf8_find_prev_char (text, word_start);

      if (previous == NULL || !is_word_char (g_utf8_get_char (previous)))
        break;
      word_start = previous;
    }

  {
    g_autoptr(GPtrArray) trailing = atlaas_fts_split_words (word_start);
    const char *last_keyword = g_ptr_array_index (keywords->words, keywords->words->len - 1);

    keywords->last_is_prefix = (trailing->len == 1
                                && strcmp (g_ptr_array_index (trailing, 0), last_keyword) == 0);
  }
}

/* Builds the FTS5 expression: each keyword as a quoted phrase, OR-combined,
 * and the last one also as a prefix phrase when it is being typed. Keywords
 * hold only letters and digits, so quoting them is safe. phrase_keywords
 * receives, for each phrase in order, the index of its keyword. */
static char *
build_match_expression (const Keywords *keywords,
                        GArray         *phrase_keywords)
{
  GString *match = g_string_new (NULL);

  for (guint i = 0; i < keywords->words->len; i++)
    {
      const char *word = g_ptr_array_index (keywords->words, i);

      if (i > 0)
        g_string_append (match, " OR ");
      g_string_append_printf (match, "\"%s\"", word);
      g_array_append_val (phrase_keywords, i);
    }

  if (keywords->last_is_prefix)
    {
      guint last = keywords->words->len - 1;

      g_string_append_printf (match, " OR \"%s\"*",
                              (const char *) g_ptr_array_index (keywords->words, last));
      g_array_append_val (phrase_keywords, last);
    }

  return g_string_free (match, FALSE);
}

/* Checks that a theme id has the shape of a taxonomy id: digits (axe "1"),
 * then letters (enjeu "1a"), then digits (usage "1a1"), then "-" and digits
 * (service "1a1-01"), each part optional from the end. */
static gboolean
validate_theme_id (const char  *id,
                   GError     **error)
{
  const char *p = id;
  const char *start;

  if (id == NULL)
    goto invalid;

  for (start = p; g_ascii_isdigit (*p); p++)
    ;
  if (p == start)
    goto invalid;
  if (*p == '\0')
    return TRUE;

  for (start = p; g_ascii_islower (*p); p++)
    ;
  if (p == start)
    goto invalid;
  if (*p == '\0')
    return TRUE;

  for (start = p; g_ascii_isdigit (*p); p++)
    ;
  if (p == start)
    goto invalid;
  if (*p == '\0')
    return TRUE;

  if (*p != '-')
    goto invalid;
  for (start = ++p; g_ascii_isdigit (*p); p++)
    ;
  if (p != start && *p == '\0')
    return TRUE;

invalid:
  g_set_error (error, ATLAAS_SEARCH_ERROR, ATLAAS_SEARCH_ERROR_INVALID_THEME,
               "Invalid theme id “%s”: use an id of the taxonomy such as "
               "\"1\" (axe), \"1a\" (enjeu), \"1a1\" (usage) or \"1a1-01\" (service)",
               id != NULL ? id : "(null)");
  return FALSE;
}

static guint
parse_date_key (const char *date)
{
  guint year = 0;
  guint month = 0;
  guint day = 0;

  if (date == NULL)
    return 0;

  /* "YYYY-MM-DD", "YYYY-MM" or "YYYY"; anything else sorts as undated. */
  if (sscanf (date, "%4u-%2u-%2u", &year, &month, &day) < 1 || year > 9999)
    return 0;

  return year * 10000 + MIN (month, 99) * 100 + MIN (day, 99);
}

static void
cache_clear (ActionCache *cache)
{
  g_clear_pointer (&cache->rowids, g_array_unref);
  g_clear_pointer (&cache->date_keys, g_array_unref);
  g_clear_pointer (&cache->node_starts, g_array_unref);
  g_clear_pointer (&cache->nodes, g_array_unref);
  g_clear_pointer (&cache->by_date, g_array_unref);
  g_clear_pointer (&cache->node_indexes, g_hash_table_unref);
  g_clear_pointer (&cache->node_ids, g_ptr_array_unref);
  cache->loaded = FALSE;
}

static guint
cache_intern_node (ActionCache *cache,
                   const char  *id,
                   gsize        length)
{
  g_autofree char *key = g_strndup (id, length);
  gpointer value = g_hash_table_lookup (cache->node_indexes, key);
  guint index;

  if (value != NULL)
    return GPOINTER_TO_UINT (value) - 1;

  index = cache->node_ids->len;
  g_ptr_array_add (cache->node_ids, g_steal_pointer (&key));
  g_hash_table_insert (cache->node_indexes, g_ptr_array_index (cache->node_ids, index),
                       GUINT_TO_POINTER (index + 1));

  return index;
}

/* Appends the node indexes of a service to nodes (the service, then its
 * usage, enjeu and axe: "1a1-01" lies under "1a1", "1a" and "1"), skipping
 * those already listed for the action since first. A service id of another
 * shape counts only for itself. */
static void
cache_add_service_nodes (ActionCache *cache,
                         const char  *service,
                         guint        first)
{
  guint found[4];
  guint n_found = 0;
  const char *dash;

  found[n_found++] = cache_intern_node (cache, service, strlen (service));

  dash = strchr (service, '-');
  if (dash != NULL && dash > service)
    {
      gsize usage_length = dash - service;
      gsize enjeu_length = usage_length;
      gsize axis_length;

      while (enjeu_length > 0 && g_ascii_isdigit (service[enjeu_length - 1]))
        enjeu_length--;
      axis_length = enjeu_length;
      while (axis_length > 0 && g_ascii_islower (service[axis_length - 1]))
        axis_length--;

      found[n_found++] = cache_intern_node (cache, service, usage_length);
      if (enjeu_length > 0 && enjeu_length < usage_length)
        found[n_found++] = cache_intern_node (cache, service, enjeu_length);
      if (axis_length > 0 && axis_length < enjeu_length)
        found[n_found++] = cache_intern_node (cache, service, axis_length);
    }

  for (guint i = 0; i < n_found; i++)
    {
      gboolean listed = FALSE;

      for (guint j = first; j < cache->nodes->len && !listed; j++)
        listed = g_array_index (cache->nodes, guint16, j) == found[i];
      if (!listed)
        {
          guint16 node = (guint16) found[i];
          g_array_append_val (cache->nodes, node);
        }
    }
}

static int
compare_by_date (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const ActionCache *cache = user_data;
  guint index_a = *(const guint *) a;
  guint index_b = *(const guint *) b;
  guint date_a = g_array_index (cache->date_keys, guint, index_a);
  guint date_b = g_array_index (cache->date_keys, guint, index_b);

  if (date_a != date_b)
    return date_a > date_b ? -1 : 1;
  return index_a < index_b ? -1 : (index_a > index_b);
}

/* Reads every action's rowid, date and services. Rowids come sorted, so
 * that hits are found by binary search. */
static gboolean
cache_load (ActionCache  *cache,
            sqlite3      *db,
            GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  guint index = 0;
  int rc;

  cache_clear (cache);
  cache->rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  cache->date_keys = g_array_new (FALSE, FALSE, sizeof (guint));
  cache->node_starts = g_array_new (FALSE, FALSE, sizeof (guint));
  cache->nodes = g_array_new (FALSE, FALSE, sizeof (guint16));
  cache->by_date = g_array_new (FALSE, FALSE, sizeof (guint));
  cache->node_indexes = g_hash_table_new (g_str_hash, g_str_equal);
  cache->node_ids = g_ptr_array_new_with_free_func (g_free);

  if (sqlite3_prepare_v2 (db, "SELECT rowid, date FROM actions ORDER BY rowid", -1,
                          &stmt, NULL) != SQLITE_OK)
    goto failed;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);
      guint date_key = parse_date_key ((const char *) sqlite3_column_text (stmt, 1));

      g_array_append_val (cache->rowids, rowid);
      g_array_append_val (cache->date_keys, date_key);
    }
  if (rc != SQLITE_DONE)
    goto failed;
  sqlite3_finalize (stmt);

  if (sqlite3_prepare_v2 (db, "SELECT action, service FROM action_services ORDER BY action", -1,
                          &stmt, NULL) != SQLITE_OK)
    goto failed;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 action = sqlite3_column_int64 (stmt, 0);
      const char *service = (const char *) sqlite3_column_text (stmt, 1);

      /* Both lists are sorted by rowid. Open the node list of each action
       * on the way, those without services included. */
      while (index < cache->rowids->len && g_array_index (cache->rowids, gint64, index) < action)
        {
          if (cache->node_starts->len == index)
            g_array_append_val (cache->node_starts, cache->nodes->len);
          index++;
        }
      if (index == cache->rowids->len || g_array_index (cache->rowids, gint64, index) != action
          || service == NULL)
        continue;
      if (cache->node_starts->len == index)
        g_array_append_val (cache->node_starts, cache->nodes->len);

      cache_add_service_nodes (cache, service, g_array_index (cache->node_starts, guint, index));
      if (cache->node_ids->len > G_MAXUINT16)
        {
          g_set_error (error, ATLAAS_SEARCH_ERROR, ATLAAS_SEARCH_ERROR_SQLITE,
                       "The store has more than %u distinct theme ids; the search supports "
                       "up to that many", G_MAXUINT16);
          sqlite3_finalize (stmt);
          cache_clear (cache);
          return FALSE;
        }
    }
  if (rc != SQLITE_DONE)
    goto failed;
  sqlite3_finalize (stmt);

  /* Open the lists of the last actions, then add one more start so that
   * the nodes of action i are [node_starts[i], node_starts[i + 1]). */
  while (cache->node_starts->len <= cache->rowids->len)
    g_array_append_val (cache->node_starts, cache->nodes->len);

  g_array_set_size (cache->by_date, cache->rowids->len);
  for (guint i = 0; i < cache->rowids->len; i++)
    g_array_index (cache->by_date, guint, i) = i;
  g_array_sort_with_data (cache->by_date, compare_by_date, cache);

  cache->loaded = TRUE;
  return TRUE;

failed:
  set_sqlite_error (error, db, "reading the actions' dates and themes");
  sqlite3_finalize (stmt);
  cache_clear (cache);
  return FALSE;
}

static gboolean
cache_find (const ActionCache *cache,
            gint64             rowid,
            guint             *index)
{
  const gint64 *rowids = (const gint64 *) (gpointer) cache->rowids->data;
  guint low = 0;
  guint high = cache->rowids->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (rowids[middle] < rowid)
        low = middle + 1;
      else
        high = middle;
    }

  *index = low;
  return low < cache->rowids->len && rowids[low] == rowid;
}

/* Reloads the cache when the store changed since it was read: through
 * another connection (PRAGMA data_version) or through this one (total
 * changes). Runs inside the search's read transaction. */
static gboolean
ensure_cache (AtlaasSearch  *search,
              GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 data_version = -1;
  gint64 total_changes = sqlite3_total_changes64 (search->db);

  if (sqlite3_prepare_v2 (search->db, "PRAGMA data_version", -1, &stmt, NULL) != SQLITE_OK
      || sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_sqlite_error (error, search->db, "checking for changes");
      sqlite3_finalize (stmt);
      return FALSE;
    }
  data_version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  if (search->cache.loaded
      && search->cache.data_version == data_version
      && search->cache.total_changes == total_changes)
    return TRUE;

  if (!cache_load (&search->cache, search->db, error))
    return FALSE;
  search->cache.data_version = data_version;
  search->cache.total_changes = total_changes;

  return TRUE;
}

/* Marks in selected the nodes of the query's themes; returns FALSE with an
 * error for an id that is not shaped like a taxonomy id. A valid id that
 * no action uses selects nothing. */
static gboolean
select_theme_nodes (const ActionCache        *cache,
                    const AtlaasSearchQuery  *query,
                    guint8                   *selected,
                    GError                  **error)
{
  for (guint i = 0; query->theme_ids[i] != NULL; i++)
    {
      gpointer value;

      if (!validate_theme_id (query->theme_ids[i], error))
        return FALSE;
      value = g_hash_table_lookup (cache->node_indexes, query->theme_ids[i]);
      if (value != NULL)
        selected[GPOINTER_TO_UINT (value) - 1] = 1;
    }

  return TRUE;
}

static gboolean
action_has_node (const ActionCache *cache,
                 guint              index,
                 const guint8      *selected)
{
  guint start = g_array_index (cache->node_starts, guint, index);
  guint end = g_array_index (cache->node_starts, guint, index + 1);

  for (guint j = start; j < end; j++)
    if (selected[g_array_index (cache->nodes, guint16, j)])
      return TRUE;

  return FALSE;
}

static void
count_action_nodes (const ActionCache *cache,
                    guint              index,
                    guint             *counts)
{
  guint start = g_array_index (cache->node_starts, guint, index);
  guint end = g_array_index (cache->node_starts, guint, index + 1);

  for (guint j = start; j < end; j++)
    counts[g_array_index (cache->nodes, guint16, j)]++;
}

static GHashTable *
counts_to_table (const ActionCache *cache,
                 const guint       *counts)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < cache->node_ids->len; i++)
    if (counts[i] > 0)
      g_hash_table_insert (table, g_strdup (g_ptr_array_index (cache->node_ids, i)),
                           GUINT_TO_POINTER (counts[i]));

  return table;
}

typedef enum
{
  COLLECT_DONE,
  COLLECT_FAILED,
  COLLECT_RETRY,   /* the cache was reloaded: start again */
} CollectStatus;

/* Ranking score of a hit: keywords matched, then keywords in the title.
 * Both are at most ATLAAS_SEARCH_MAX_KEYWORDS (32), so 64 per step. */
#define SCORE(n_keywords, n_title_keywords) ((n_keywords) * 64 + (n_title_keywords))
#define N_SCORES SCORE (ATLAAS_SEARCH_MAX_KEYWORDS, ATLAAS_SEARCH_MAX_KEYWORDS) + 1

/* Runs the full-text query and appends one hit per matching action that
 * passes the theme filter (selected is NULL for no filter), ranked; counts
 * gets the theme counts of every matching action, filter or not. */
static CollectStatus
collect_keyword_hits (AtlaasSearch         *search,
                      const Keywords       *keywords,
                      const guint8         *selected,
                      AtlaasSearchResults  *results,
                      guint                *counts,
                      GError              **error)
{
  const ActionCache *cache = &search->cache;
  g_autoptr(GArray) phrase_keywords = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GString) sql = g_string_new ("SELECT rowid, atlaas_match_masks (action_fts");
  g_autofree char *match = build_match_expression (keywords, phrase_keywords);
  g_autofree guint64 *masks_by_action = g_new0 (guint64, MAX (cache->rowids->len, 1));
  g_autofree guint *next_position = g_new0 (guint, N_SCORES);
  guint n_hits = 0;
  sqlite3_stmt *stmt = NULL;
  int rc;

  for (guint i = 0; i < phrase_keywords->len; i++)
    g_string_append_printf (sql, ", %u", g_array_index (phrase_keywords, guint, i));
  g_string_append (sql, ") FROM action_fts WHERE action_fts MATCH ?1");

  if (sqlite3_prepare_v2 (search->db, sql->str, -1, &stmt, NULL) != SQLITE_OK
      || sqlite3_bind_text (stmt, 1, match, -1, SQLITE_TRANSIENT) != SQLITE_OK)
    {
      set_sqlite_error (error, search->db, "preparing the full-text query");
      sqlite3_finalize (stmt);
      return COLLECT_FAILED;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);
      guint index;

      /* A row the cache lacks was written after the cache was read:
       * read the cache again, in this read transaction. */
      if (!cache_find (cache, rowid, &index))
        {
          sqlite3_finalize (stmt);
          if (!cache_load (&search->cache, search->db, error))
            return COLLECT_FAILED;
          return COLLECT_RETRY;
        }

      masks_by_action[index] = (guint64) sqlite3_column_int64 (stmt, 1);
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, search->db, "reading the full-text matches");
      sqlite3_finalize (stmt);
      return COLLECT_FAILED;
    }
  sqlite3_finalize (stmt);

  /* Walking the actions newest first and placing each hit after the hits
   * of better scores ranks them without a comparison sort: a counting sort
   * on the score, stable on the date order. First count per score. */
  for (guint i = 0; i < cache->by_date->len; i++)
    {
      guint index = g_array_index (cache->by_date, guint, i);
      guint64 masks = masks_by_action[index];
      guint32 keyword_mask = (guint32) (masks & G_MAXUINT32);

      if (masks == 0)
        continue;

      count_action_nodes (cache, index, counts);
      if (selected != NULL && !action_has_node (cache, index, selected))
        {
          masks_by_action[index] = 0;
          continue;
        }

      next_position[SCORE (__builtin_popcount (keyword_mask),
                           __builtin_popcount ((guint32) (masks >> 32)))]++;
      for (guint k = 0; k < keywords->words->len; k++)
        if ((keyword_mask & (1u << k)) != 0)
          g_array_index (results->keyword_counts, guint, k)++;
      n_hits++;
    }

  /* Turn the counts into start positions, best score first. */
  for (guint score = N_SCORES, position = 0; score-- > 0;)
    {
      guint count = next_position[score];

      next_position[score] = position;
      position += count;
    }

  g_array_set_size (results->hits, n_hits);
  for (guint i = 0; i < cache->by_date->len; i++)
    {
      guint index = g_array_index (cache->by_date, guint, i);
      guint64 masks = masks_by_action[index];
      AtlaasSearchHit hit = { 0 };
      guint position;

      if (masks == 0)
        continue;

      hit.rowid = g_array_index (cache->rowids, gint64, index);
      hit.keyword_mask = (guint32) (masks & G_MAXUINT32);
      hit.title_mask = (guint32) (masks >> 32);
      hit.n_keywords = (guint) __builtin_popcount (hit.keyword_mask);
      hit.n_title_keywords = (guint) __builtin_popcount (hit.title_mask);
      hit.date_key = g_array_index (cache->date_keys, guint, index);

      position = next_position[SCORE (hit.n_keywords, hit.n_title_keywords)]++;
      g_array_index (results->hits, AtlaasSearchHit, position) = hit;
    }

  return COLLECT_DONE;
}

static void
collect_all_hits (AtlaasSearch        *search,
                  const guint8        *selected,
                  AtlaasSearchResults *results,
                  guint               *counts)
{
  const ActionCache *cache = &search->cache;
  guint n_hits = 0;

  g_array_set_size (results->hits, cache->by_date->len);

  for (guint i = 0; i < cache->by_date->len; i++)
    {
      guint index = g_array_index (cache->by_date, guint, i);
      AtlaasSearchHit *hit;

      count_action_nodes (cache, index, counts);
      if (selected != NULL && !action_has_node (cache, index, selected))
        continue;

      hit = &g_array_index (results->hits, AtlaasSearchHit, n_hits++);
      memset (hit, 0, sizeof (*hit));
      hit->rowid = g_array_index (cache->rowids, gint64, index);
      hit->date_key = g_array_index (cache->date_keys, guint, index);
    }

  g_array_set_size (results->hits, n_hits);
}

static AtlaasSearch *
search_new (sqlite3  *db,
            gboolean  owns_db)
{
  AtlaasSearch *search = g_new0 (AtlaasSearch, 1);

  search->db = db;
  search->owns_db = owns_db;

  return search;
}

AtlaasSearchQuery *
atlaas_search_query_new (const char         *text,
                         const char * const *theme_ids)
{
  AtlaasSearchQuery *query = g_new0 (AtlaasSearchQuery, 1);

  query->text = g_strdup (text);
  query->theme_ids = g_strdupv ((char **) theme_ids);

  return query;
}

AtlaasSearchQuery *
atlaas_search_query_copy (const AtlaasSearchQuery *query)
{
  g_return_val_if_fail (query != NULL, NULL);

  return atlaas_search_query_new (query->text, (const char * const *) query->theme_ids);
}

void
atlaas_search_query_free (AtlaasSearchQuery *query)
{
  if (query == NULL)
    return;

  g_free (query->text);
  g_strfreev (query->theme_ids);
  g_free (query);
}

AtlaasSearch *
atlaas_search_new (sqlite3 *db)
{
  g_return_val_if_fail (db != NULL, NULL);

  return search_new (db, FALSE);
}

AtlaasSearch *
atlaas_search_open (const char  *path,
                    GError     **error)
{
  sqlite3 *db = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, ATLAAS_SEARCH_ERROR, ATLAAS_SEARCH_ERROR_SQLITE,
                   "Could not open the store “%s” for searching: %s",
                   path, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_busy_timeout (db, 5000);

  if (!atlaas_fts_register (db, error))
    {
      sqlite3_close (db);
      return NULL;
    }

  return search_new (db, TRUE);
}

void
atlaas_search_free (AtlaasSearch *search)
{
  if (search == NULL)
    return;

  cache_clear (&search->cache);
  if (search->owns_db)
    sqlite3_close (search->db);
  g_free (search);
}

sqlite3 *
atlaas_search_get_database (AtlaasSearch *search)
{
  g_return_val_if_fail (search != NULL, NULL);

  return search->db;
}

AtlaasSearchResults *
atlaas_search_run (AtlaasSearch             *search,
                   const AtlaasSearchQuery  *query,
                   GError                  **error)
{
  g_auto(Keywords) keywords = { NULL, FALSE };
  g_autoptr(AtlaasSearchResults) results = NULL;
  g_autofree guint8 *selected = NULL;
  g_autofree guint *counts = NULL;
  gboolean ok;

  g_return_val_if_fail (search != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parse_keywords (query->text, &keywords);

  results = g_new0 (AtlaasSearchResults, 1);
  results->hits = g_array_new (FALSE, FALSE, sizeof (AtlaasSearchHit));
  results->keywords = g_ptr_array_ref (keywords.words);
  results->keyword_counts = g_array_sized_new (FALSE, TRUE, sizeof (guint), keywords.words->len);
  g_array_set_size (results->keyword_counts, keywords.words->len);

  /* One read transaction, so that the cache, the full-text index and the
   * tables are read from the same snapshot. A savepoint also works when the
   * caller already has a transaction open on this connection. */
  if (sqlite3_exec (search->db, "SAVEPOINT atlaas_search", NULL, NULL, NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, search->db, "starting a read transaction");
      return NULL;
    }

  ok = ensure_cache (search, error);

  /* A second round happens when the full-text index has an action that
   * the cache lacked; the reloaded cache has every action of this read
   * transaction, so there is no third. */
  for (guint round = 0; ok && round < 2; round++)
    {
      CollectStatus status = COLLECT_DONE;
      guint n_nodes = MAX (search->cache.node_ids->len, 1);

      g_clear_pointer (&selected, g_free);
      g_clear_pointer (&counts, g_free);
      g_array_set_size (results->hits, 0);
      memset (results->keyword_counts->data, 0, sizeof (guint) * results->keyword_counts->len);
      counts = g_new0 (guint, n_nodes);

      if (query->theme_ids != NULL && query->theme_ids[0] != NULL)
        {
          selected = g_new0 (guint8, n_nodes);
          ok = select_theme_nodes (&search->cache, query, selected, error);
        }

      if (ok && keywords.words->len > 0)
        status = collect_keyword_hits (search, &keywords, selected, results, counts, error);
      else if (ok)
        collect_all_hits (search, selected, results, counts);

      if (status == COLLECT_FAILED)
        ok = FALSE;
      if (status != COLLECT_RETRY)
        break;
      if (round == 1)
        {
          g_set_error (error, ATLAAS_SEARCH_ERROR, ATLAAS_SEARCH_ERROR_SQLITE,
                       "The full-text index lists an action that the actions table lacks; "
                       "rebuild the index");
          ok = FALSE;
        }
    }

  if (ok)
    results->theme_counts = counts_to_table (&search->cache, counts);

  sqlite3_exec (search->db, "RELEASE atlaas_search", NULL, NULL, NULL);

  return ok ? g_steal_pointer (&results) : NULL;
}

void
atlaas_search_results_free (AtlaasSearchResults *results)
{
  if (results == NULL)
    return;

  g_clear_pointer (&results->hits, g_array_unref);
  g_clear_pointer (&results->keywords, g_ptr_array_unref);
  g_clear_pointer (&results->keyword_counts, g_array_unref);
  g_clear_pointer (&results->theme_counts, g_hash_table_unref);
  g_free (results);
}

GHashTable *
atlaas_search_count_themes (AtlaasSearch             *search,
                            const AtlaasSearchQuery  *query,
                            GError                  **error)
{
  g_autoptr(AtlaasSearchQuery) keywords_only = NULL;
  g_autoptr(AtlaasSearchResults) results = NULL;

  g_return_val_if_fail (search != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  keywords_only = atlaas_search_query_new (query->text, NULL);
  results = atlaas_search_run (search, keywords_only, error);
  if (results == NULL)
    return NULL;

  return g_steal_pointer (&results->theme_counts);
}

static int
compare_rowids (const void *a,
                const void *b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

GHashTable *
atlaas_search_count_themes_in (AtlaasSearch             *search,
                               const AtlaasSearchQuery  *query,
                               const gint64             *rowids,
                               gsize                     n_rowids,
                               GError                  **error)
{
  g_autoptr(AtlaasSearchQuery) keywords_only = NULL;
  g_autoptr(AtlaasSearchResults) results = NULL;
  g_autofree gint64 *allowed = NULL;
  g_autofree guint *counts = NULL;
  const ActionCache *cache = &search->cache;

  g_return_val_if_fail (search != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (rowids != NULL || n_rowids == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Running the search also loads the cache of theme nodes used below. */
  keywords_only = atlaas_search_query_new (query->text, NULL);
  results = atlaas_search_run (search, keywords_only, error);
  if (results == NULL)
    return NULL;

  allowed = g_memdup2 (rowids, n_rowids * sizeof (gint64));
  qsort (allowed, n_rowids, sizeof (gint64), compare_rowids);
  counts = g_new0 (guint, MAX (cache->node_ids->len, 1));

  for (guint i = 0; i < results->hits->len; i++)
    {
      gint64 rowid = g_array_index (results->hits, AtlaasSearchHit, i).rowid;
      const gint64 *index;

      if (bsearch (&rowid, allowed, n_rowids, sizeof (gint64), compare_rowids) == NULL)
        continue;

      /* The cache's rowids are ascending. */
      index = bsearch (&rowid, cache->rowids->data, cache->rowids->len, sizeof (gint64), compare_rowids);
      if (index != NULL)
        count_action_nodes (cache, index - (const gint64 *) cache->rowids->data, counts);
    }

  return counts_to_table (cache, counts);
}
