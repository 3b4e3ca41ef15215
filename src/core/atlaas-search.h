/* atlaas-search.h: keyword and theme search over the store's actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define ATLAAS_SEARCH_ERROR (atlaas_search_error_quark ())

typedef enum
{
  ATLAAS_SEARCH_ERROR_SQLITE,         /* SQLite failed; the message has its text */
  ATLAAS_SEARCH_ERROR_INVALID_THEME,  /* a theme id is not shaped like "1", "1a", "1a1" or "1a1-01" */
} AtlaasSearchError;

/* Keywords match with at most this many distinct words; later words are
 * ignored, because the ranking keeps one bit per keyword. */
#define ATLAAS_SEARCH_MAX_KEYWORDS 32

/* The search the user requested. Keywords are free text as typed: any
 * punctuation or FTS5 syntax in it is treated as a word separator. Themes
 * are taxonomy ids of any level (axe "1", enjeu "1a", usage "1a1", service
 * "1a1-01"), and a node selects every service under it. Several themes are
 * OR-combined, and themes combine with keywords by AND. */
typedef struct
{
  char *text;          /* keywords as typed, or NULL */
  GStrv theme_ids;     /* NULL-terminated, or NULL for no theme filter */
} AtlaasSearchQuery;

typedef struct
{
  gint64 rowid;             /* actions.rowid */
  guint32 keyword_mask;     /* bit i set when keyword i matches the action */
  guint32 title_mask;       /* bit i set when keyword i matches its title */
  guint n_keywords;         /* number of bits in keyword_mask */
  guint n_title_keywords;   /* number of bits in title_mask */
  guint date_key;           /* actions.date as YYYYMMDD, 0 when missing */
} AtlaasSearchHit;

typedef struct
{
  GArray *hits;             /* AtlaasSearchHit, best first */
  GPtrArray *keywords;      /* char *: the folded keywords, in typed order */
  GArray *keyword_counts;   /* guint per keyword: hits that contain it */
  GHashTable *theme_counts; /* see atlaas_search_count_themes () */
} AtlaasSearchResults;

/* A search over one SQLite connection, with an in-memory copy of each
 * action's date and theme nodes that it reloads when the store changes.
 * Like its connection, it must be used by one thread at a time. */
typedef struct _AtlaasSearch AtlaasSearch;

GQuark              atlaas_search_error_quark   (void);

AtlaasSearchQuery  *atlaas_search_query_new     (const char              *text,
                                                 const char * const      *theme_ids);
AtlaasSearchQuery  *atlaas_search_query_copy    (const AtlaasSearchQuery *query);
void                atlaas_search_query_free    (AtlaasSearchQuery       *query);

/* Searches through db, which must have the "atlaas" tokenizer registered
 * (atlaas_store_open does it) and must outlive the search. */
AtlaasSearch       *atlaas_search_new           (sqlite3                 *db);
/* Opens its own read-only connection to the store file at path, for a
 * worker thread: an SQLite connection must not be used by two threads at
 * once. The search closes it when freed. */
AtlaasSearch       *atlaas_search_open          (const char              *path,
                                                 GError                 **error);
void                atlaas_search_free          (AtlaasSearch            *search);
sqlite3            *atlaas_search_get_database  (AtlaasSearch            *search);

/* Returns the actions that match the query, ranked: more distinct keywords
 * first, then more keywords in the title, then the most recent date, then
 * the smallest rowid. Without keywords (an empty text, or only stop words
 * such as "de la"), every action passes the keyword filter. Without themes,
 * every action passes the theme filter. The last keyword also matches as a
 * word prefix ("médiath" finds "médiathèque") unless the text ends with a
 * separator, because it is the word being typed. The results carry the
 * theme counts too, computed from the same read. */
AtlaasSearchResults *atlaas_search_run          (AtlaasSearch            *search,
                                                 const AtlaasSearchQuery *query,
                                                 GError                 **error);
void                 atlaas_search_results_free (AtlaasSearchResults     *results);

/* Counts, for every taxonomy node that has at least one matching action,
 * the matching actions under it: a GHashTable from theme id (char *) to
 * count (GUINT_TO_POINTER); nodes without a match are absent. Only the
 * keywords of query filter: its themes are ignored, so that the theme tree
 * shows what each node would give with the current keywords. An action with
 * several services under one node counts once for that node. */
GHashTable          *atlaas_search_count_themes (AtlaasSearch            *search,
                                                 const AtlaasSearchQuery *query,
                                                 GError                 **error);

/* Counts like atlaas_search_count_themes (), but only the matching actions
 * whose rowid is in `rowids` (any order), such as those in the visible area
 * of the map. */
GHashTable          *atlaas_search_count_themes_in (AtlaasSearch            *search,
                                                    const AtlaasSearchQuery *query,
                                                    const gint64            *rowids,
                                                    gsize                    n_rowids,
                                                    GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlaasSearchQuery, atlaas_search_query_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlaasSearchResults, atlaas_search_results_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlaasSearch, atlaas_search_free)

G_END_DECLS
