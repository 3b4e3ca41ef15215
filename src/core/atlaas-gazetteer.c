/* atlaas-gazetteer.c: French communes from the official COG list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The gazetteer is data/communes.tsv, written by tools/gen-gazetteer.mjs: one
 * line per région (kind R), département (D), current commune (C),
 * arrondissement municipal of Paris, Lyon or Marseille (A) and former commune
 * (F, a commune déléguée or associée), with the tab-separated columns
 *
 *   kind code name departement region link postal_codes population latitude longitude
 *
 * where link is the chef-lieu commune of an R or D line and the current
 * commune of an A or F line, postal_codes is comma-separated, and the
 * position, when present, is an approximate centre from GeoNames. Lines
 * starting with '#' are comments.
 */
#define G_LOG_DOMAIN "Atlaas-Core"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atlaas-data.h"
#include "atlaas-gazetteer.h"
#include "atlaas-text.h"

#define N_COLUMNS 10

typedef enum
{
  ENTRY_COMMUNE = 'C',
  ENTRY_ARRONDISSEMENT = 'A',
  ENTRY_FORMER = 'F',
} EntryKind;

typedef struct _Entry Entry;
struct _Entry
{
  /* First member, so that the AtlaasCommune pointers handed out can be cast
   * back to their Entry. */
  AtlaasCommune commune;

  EntryKind kind;
  const char *link_code;
  Entry *link;              /* the current commune of an A or F entry */
  const char *key;          /* name as a match key, see make_match_key () */
};

struct _AtlaasGazetteer
{
  gatomicrefcount ref_count;

  GStringChunk *strings;
  Entry *entries;
  guint n_entries;
  AtlaasDepartement *departements;
  guint n_departements;
  AtlaasRegion *regions;
  guint n_regions;
  GPtrArray *postal_code_lists;   /* the NULL-terminated arrays of the communes */

  GHashTable *by_insee;           /* code → Entry (C and A) */
  GHashTable *by_postal_code;     /* postal code → GPtrArray of Entry (C and A) */
  GHashTable *by_key;             /* match key → GPtrArray of Entry (C, A and F) */
  GHashTable *by_departement;     /* code → GPtrArray of Entry (C, A and F) */
  GHashTable *departements_by_code;
  GHashTable *regions_by_code;
};

G_DEFINE_QUARK (atlaas-gazetteer-error-quark, atlaas_gazetteer_error)

static GMutex default_lock;
static AtlaasGazetteer *default_gazetteer;

/* Splits a name into match tokens: folded (no case, accents or ligatures),
 * cut at every character but letters and digits, with "St"/"Ste" spelt out
 * and "S/" read as "sur". */
static GStrv
make_match_tokens (const char *name)
{
  g_autofree char *folded = atlaas_text_fold (name);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *p = folded;

  while (*p != '\0')
    {
      g_autofree char *token = NULL;
      const char *start;

      while (*p != '\0' && !g_ascii_isalnum (*p))
        p++;
      start = p;
      while (g_ascii_isalnum (*p))
        p++;
      if (p == start)
        continue;

      token = g_strndup (start, p - start);
      if (g_str_equal (token, "st"))
        g_strv_builder_add (builder, "saint");
      else if (g_str_equal (token, "ste"))
        g_strv_builder_add (builder, "sainte");
      else if (g_str_equal (token, "s") && *p == '/')
        g_strv_builder_add (builder, "sur");
      else
        g_strv_builder_add (builder, token);
    }

  return g_strv_builder_end (builder);
}

/* Skips a leading article: "Le Pont-de-Claix" is often written "Pont de Claix". */
static const char *const *
skip_article (const char *const *tokens)
{
  static const char *const articles[] = { "le", "la", "les", "l" };

  if (tokens[0] == NULL || tokens[1] == NULL)
    return tokens;

  for (guint i = 0; i < G_N_ELEMENTS (articles); i++)
    if (g_str_equal (tokens[0], articles[i]))
      return tokens + 1;

  return tokens;
}

/* Turns a name into the key that names are compared on: its match tokens
 * joined, so that "ST GENIS LAVAL", "Saint Genis-Laval" and
 * "Saint-Genis-Laval" share the key "saintgenislaval". */
static char *
make_match_key (const char *name)
{
  g_auto(GStrv) tokens = make_match_tokens (name);

  return g_strjoinv ("", tokens);
}

/* Whether the words of one name appear in a row in the other, articles
 * aside: "Chamonix" for "Chamonix-Mont-Blanc", "Vorey sur Arzon" for "Vorey",
 * "Virieu" for "Val-de-Virieu" (a commune merged into a new one). The shorter
 * name must have 5 letters or more and be more than "Saint". */
static gboolean
is_partial_name (const char *const *town_tokens,
                 const char        *name)
{
  g_auto(GStrv) name_tokens = make_match_tokens (name);
  const char *const *a = skip_article (town_tokens);
  const char *const *b = skip_article ((const char *const *) name_tokens);
  guint length_a = g_strv_length ((GStrv) a);
  guint length_b = g_strv_length ((GStrv) b);
  const char *const *shorter = length_a <= length_b ? a : b;
  const char *const *longer = length_a <= length_b ? b : a;
  guint shorter_length = MIN (length_a, length_b);
  guint longer_length = MAX (length_a, length_b);
  gsize letters = 0;

  if (shorter_length == 0)
    return FALSE;

  for (guint i = 0; i < shorter_length; i++)
    letters += strlen (shorter[i]);

  if (letters < 5)
    return FALSE;
  if (shorter_length == 1 && (g_str_equal (shorter[0], "saint") || g_str_equal (shorter[0], "sainte")))
    return FALSE;

  for (guint offset = 0; offset + shorter_length <= longer_length; offset++)
    {
      guint i = 0;

      while (i < shorter_length && g_str_equal (shorter[i], longer[offset + i]))
        i++;
      if (i == shorter_length)
        return TRUE;
    }

  return FALSE;
}

static void
add_to_index (GHashTable *index,
              const char *key,
              Entry      *entry)
{
  GPtrArray *list = g_hash_table_lookup (index, key);

  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (index, (gpointer) key, list);
    }

  g_ptr_array_add (list, entry);
}

static gboolean
parse_coordinate (const char *text,
                  double      min,
                  double      max,
                  double     *value)
{
  char *end = NULL;

  *value = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && *value >= min && *value <= max;
}

static gboolean
parse_entry (AtlaasGazetteer *gazetteer,
             Entry           *entry,
             char           **fields,
             GError         **error)
{
  g_auto(GStrv) postal_codes = NULL;
  const char **postal_list;
  guint n_postal;

  entry->kind = fields[0][0];
  entry->commune.insee_code = g_string_chunk_insert_const (gazetteer->strings, fields[1]);
  entry->commune.name = g_string_chunk_insert (gazetteer->strings, fields[2]);
  entry->commune.departement = g_string_chunk_insert_const (gazetteer->strings, fields[3]);
  entry->commune.region = g_string_chunk_insert_const (gazetteer->strings, fields[4]);
  entry->link_code = fields[5][0] != '\0'
    ? g_string_chunk_insert_const (gazetteer->strings, fields[5]) : NULL;

  postal_codes = fields[6][0] != '\0' ? g_strsplit (fields[6], ",", -1) : g_new0 (char *, 1);
  n_postal = g_strv_length (postal_codes);
  postal_list = g_new0 (const char *, n_postal + 1);
  for (guint i = 0; i < n_postal; i++)
    postal_list[i] = g_string_chunk_insert_const (gazetteer->strings, postal_codes[i]);
  g_ptr_array_add (gazetteer->postal_code_lists, postal_list);
  entry->commune.postal_codes = postal_list;

  entry->commune.population = (guint) strtoul (fields[7], NULL, 10);

  if (fields[8][0] != '\0' || fields[9][0] != '\0')
    {
      if (!parse_coordinate (fields[8], -90.0, 90.0, &entry->commune.latitude)
          || !parse_coordinate (fields[9], -180.0, 180.0, &entry->commune.longitude))
        {
          g_set_error (error, ATLAAS_GAZETTEER_ERROR, ATLAAS_GAZETTEER_ERROR_INVALID_FILE,
                       "Invalid position “%s, %s” for commune %s",
                       fields[8], fields[9], fields[1]);
          return FALSE;
        }
      entry->commune.has_position = TRUE;
    }

  {
    g_autofree char *key = make_match_key (entry->commune.name);
    entry->key = g_string_chunk_insert_const (gazetteer->strings, key);
  }

  return TRUE;
}

static gboolean
link_entries (AtlaasGazetteer *gazetteer,
              GError         **error)
{
  for (guint i = 0; i < gazetteer->n_entries; i++)
    {
      Entry *entry = &gazetteer->entries[i];

      if (entry->kind == ENTRY_COMMUNE || entry->kind == ENTRY_ARRONDISSEMENT)
        {
          g_hash_table_insert (gazetteer->by_insee, (gpointer) entry->commune.insee_code, entry);
          for (guint j = 0; entry->commune.postal_codes[j] != NULL; j++)
            add_to_index (gazetteer->by_postal_code, entry->commune.postal_codes[j], entry);
        }

      add_to_index (gazetteer->by_key, entry->key, entry);
      add_to_index (gazetteer->by_departement, entry->commune.departement, entry);
    }

  for (guint i = 0; i < gazetteer->n_entries; i++)
    {
      Entry *entry = &gazetteer->entries[i];

      if (entry->kind == ENTRY_COMMUNE)
        continue;

      entry->link = entry->link_code != NULL
        ? g_hash_table_lookup (gazetteer->by_insee, entry->link_code) : NULL;
      if (entry->link == NULL || entry->link->kind != ENTRY_COMMUNE)
        {
          g_set_error (error, ATLAAS_GAZETTEER_ERROR, ATLAAS_GAZETTEER_ERROR_INVALID_FILE,
                       "%s %s links to “%s”, which is not a current commune",
                       entry->commune.name, entry->commune.insee_code,
                       entry->link_code != NULL ? entry->link_code : "");
          return FALSE;
        }

      /* GeoNames has no place for the arrondissements of Lyon and Paris, so
       * they take the centre of the city. */
      if (entry->kind == ENTRY_ARRONDISSEMENT && !entry->commune.has_position
          && entry->link->commune.has_position)
        {
          entry->commune.has_position = TRUE;
          entry->commune.latitude = entry->link->commune.latitude;
          entry->commune.longitude = entry->link->commune.longitude;
        }
    }

  return TRUE;
}

static gboolean
parse_file (AtlaasGazetteer *gazetteer,
            char            *contents,
            GError         **error)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  guint n_entries = 0;
  guint n_departements = 0;
  guint n_regions = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      switch (lines[i][0])
        {
        case ENTRY_COMMUNE:
        case ENTRY_ARRONDISSEMENT:
        case ENTRY_FORMER:
          n_entries++;
          break;
        case 'D':
          n_departements++;
          break;
        case 'R':
          n_regions++;
          break;
        default:
          break;
        }
    }

  gazetteer->entries = g_new0 (Entry, n_entries);
  gazetteer->departements = g_new0 (AtlaasDepartement, n_departements);
  gazetteer->regions = g_new0 (AtlaasRegion, n_regions);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      const char *line = lines[i];

      if (line[0] == '\0' || line[0] == '#')
        continue;

      fields = g_strsplit (line, "\t", -1);
      if (g_strv_length (fields) != N_COLUMNS || fields[0][1] != '\0'
          || fields[1][0] == '\0' || fields[2][0] == '\0')
        {
          g_set_error (error, ATLAAS_GAZETTEER_ERROR, ATLAAS_GAZETTEER_ERROR_INVALID_FILE,
                       "Line %u is not a gazetteer line of %d tab-separated columns "
                       "with a kind, a code and a name: “%.60s”",
                       i + 1, N_COLUMNS, line);
          return FALSE;
        }

      switch (fields[0][0])
        {
        case 'R':
          {
            AtlaasRegion *region = &gazetteer->regions[gazetteer->n_regions++];

            region->code = g_string_chunk_insert_const (gazetteer->strings, fields[1]);
            region->name = g_string_chunk_insert (gazetteer->strings, fields[2]);
            g_hash_table_insert (gazetteer->regions_by_code, (gpointer) region->code, region);
          }
          break;

        case 'D':
          {
            AtlaasDepartement *departement = &gazetteer->departements[gazetteer->n_departements++];

            departement->code = g_string_chunk_insert_const (gazetteer->strings, fields[1]);
            departement->name = g_string_chunk_insert (gazetteer->strings, fields[2]);
            departement->region = g_string_chunk_insert_const (gazetteer->strings, fields[4]);
            departement->chef_lieu = g_string_chunk_insert_const (gazetteer->strings, fields[5]);
            g_hash_table_insert (gazetteer->departements_by_code,
                                 (gpointer) departement->code, departement);
          }
          break;

        case ENTRY_COMMUNE:
        case ENTRY_ARRONDISSEMENT:
        case ENTRY_FORMER:
          if (!parse_entry (gazetteer, &gazetteer->entries[gazetteer->n_entries++], fields, error))
            return FALSE;
          break;

        default:
          g_set_error (error, ATLAAS_GAZETTEER_ERROR, ATLAAS_GAZETTEER_ERROR_INVALID_FILE,
                       "Line %u has the unknown kind “%s”; expected R, D, C, A or F",
                       i + 1, fields[0]);
          return FALSE;
        }
    }

  if (gazetteer->n_entries == 0)
    {
      g_set_error (error, ATLAAS_GAZETTEER_ERROR, ATLAAS_GAZETTEER_ERROR_INVALID_FILE,
                   "The gazetteer has no commune");
      return FALSE;
    }

  return link_entries (gazetteer, error);
}

static AtlaasGazetteer *
gazetteer_new (void)
{
  AtlaasGazetteer *gazetteer = g_new0 (AtlaasGazetteer, 1);

  g_atomic_ref_count_init (&gazetteer->ref_count);
  gazetteer->strings = g_string_chunk_new (64 * 1024);
  gazetteer->postal_code_lists = g_ptr_array_new_with_free_func (g_free);
  gazetteer->by_insee = g_hash_table_new (g_str_hash, g_str_equal);
  gazetteer->by_postal_code = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                     (GDestroyNotify) g_ptr_array_unref);
  gazetteer->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                             (GDestroyNotify) g_ptr_array_unref);
  gazetteer->by_departement = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                     (GDestroyNotify) g_ptr_array_unref);
  gazetteer->departements_by_code = g_hash_table_new (g_str_hash, g_str_equal);
  gazetteer->regions_by_code = g_hash_table_new (g_str_hash, g_str_equal);

  return gazetteer;
}

static void
gazetteer_free (AtlaasGazetteer *gazetteer)
{
  g_clear_pointer (&gazetteer->by_insee, g_hash_table_unref);
  g_clear_pointer (&gazetteer->by_postal_code, g_hash_table_unref);
  g_clear_pointer (&gazetteer->by_key, g_hash_table_unref);
  g_clear_pointer (&gazetteer->by_departement, g_hash_table_unref);
  g_clear_pointer (&gazetteer->departements_by_code, g_hash_table_unref);
  g_clear_pointer (&gazetteer->regions_by_code, g_hash_table_unref);
  g_clear_pointer (&gazetteer->postal_code_lists, g_ptr_array_unref);
  g_clear_pointer (&gazetteer->entries, g_free);
  g_clear_pointer (&gazetteer->departements, g_free);
  g_clear_pointer (&gazetteer->regions, g_free);
  g_clear_pointer (&gazetteer->strings, g_string_chunk_free);
  g_free (gazetteer);
}

/* Resolution helpers */

/* The departements a postal code can belong to, from its first digits. These
 * only narrow the search: a commune may use a postal code of a neighbouring
 * département, and the département always comes from the commune itself. */
static void
get_postal_departements (const char *postal_code,
                         char        departements[2][4])
{
  departements[0][0] = '\0';
  departements[1][0] = '\0';

  if (postal_code == NULL || strlen (postal_code) < 3)
    return;

  if (strncmp (postal_code, "20", 2) == 0)
    {
      /* Corsica: 2A (Corse-du-Sud) and 2B (Haute-Corse) share 20xxx. */
      strcpy (departements[0], "2A");
      strcpy (departements[1], "2B");
    }
  else if (strncmp (postal_code, "97", 2) == 0 || strncmp (postal_code, "98", 2) == 0)
    {
      memcpy (departements[0], postal_code, 3);
      departements[0][3] = '\0';
    }
  else
    {
      memcpy (departements[0], postal_code, 2);
      departements[0][2] = '\0';
    }
}

static gboolean
is_in_departements (const Entry *entry,
                    char         departements[2][4])
{
  return g_strcmp0 (entry->commune.departement, departements[0]) == 0
         || g_strcmp0 (entry->commune.departement, departements[1]) == 0;
}

/* The current commune or arrondissement that an entry stands for. */
static const Entry *
get_target (const Entry *entry)
{
  return entry->kind == ENTRY_FORMER ? entry->link : entry;
}

/* The best known position of an entry: its own, else its current commune's,
 * else the chef-lieu of its département. */
static gboolean
get_entry_position (AtlaasGazetteer *gazetteer,
                    const Entry     *entry,
                    double          *latitude,
                    double          *longitude)
{
  const AtlaasDepartement *departement;
  const Entry *chef_lieu;

  if (entry->commune.has_position)
    {
      *latitude = entry->commune.latitude;
      *longitude = entry->commune.longitude;
      return TRUE;
    }

  if (entry->link != NULL && entry->link->commune.has_position)
    {
      *latitude = entry->link->commune.latitude;
      *longitude = entry->link->commune.longitude;
      return TRUE;
    }

  departement = g_hash_table_lookup (gazetteer->departements_by_code, entry->commune.departement);
  chef_lieu = departement != NULL
    ? g_hash_table_lookup (gazetteer->by_insee, departement->chef_lieu) : NULL;
  if (chef_lieu != NULL && chef_lieu->commune.has_position)
    {
      *latitude = chef_lieu->commune.latitude;
      *longitude = chef_lieu->commune.longitude;
      return TRUE;
    }

  return FALSE;
}

/* Great-circle distance in kilometres. */
static double
distance_km (double latitude1,
             double longitude1,
             double latitude2,
             double longitude2)
{
  const double radians = G_PI / 180.0;
  double dlat = (latitude2 - latitude1) * radians;
  double dlon = (longitude2 - longitude1) * radians;
  double a = sin (dlat / 2) * sin (dlat / 2)
             + cos (latitude1 * radians) * cos (latitude2 * radians) * sin (dlon / 2) * sin (dlon / 2);

  return 2.0 * 6371.0 * asin (MIN (1.0, sqrt (a)));
}

static guint
get_target_population (const Entry *entry)
{
  return get_target (entry)->commune.population;
}

/* Picks among candidates: the nearest to the position when one is given,
 * else a current commune before an arrondissement or a former commune, then
 * the most populous. */
static const Entry *
choose_entry (AtlaasGazetteer *gazetteer,
              GPtrArray       *candidates,
              gboolean         has_position,
              double           latitude,
              double           longitude)
{
  const Entry *best = NULL;
  double best_distance = G_MAXDOUBLE;

  if (candidates == NULL || candidates->len == 0)
    return NULL;

  if (candidates->len == 1)
    return g_ptr_array_index (candidates, 0);

  if (has_position)
    {
      for (guint i = 0; i < candidates->len; i++)
        {
          const Entry *entry = g_ptr_array_index (candidates, i);
          double entry_latitude, entry_longitude, distance;

          if (!get_entry_position (gazetteer, entry, &entry_latitude, &entry_longitude))
            continue;

          distance = distance_km (latitude, longitude, entry_latitude, entry_longitude);
          if (distance < best_distance)
            {
              best = entry;
              best_distance = distance;
            }
        }

      if (best != NULL)
        return best;
    }

  for (guint i = 0; i < candidates->len; i++)
    {
      const Entry *entry = g_ptr_array_index (candidates, i);

      if (best == NULL
          || (entry->kind == ENTRY_COMMUNE && best->kind != ENTRY_COMMUNE)
          || ((entry->kind == ENTRY_COMMUNE) == (best->kind == ENTRY_COMMUNE)
              && get_target_population (entry) > get_target_population (best)))
        best = entry;
    }

  return best;
}

static void
set_match (AtlaasCommuneMatch *match,
           const Entry        *entry,
           AtlaasMatchKind     kind)
{
  match->commune = &get_target (entry)->commune;
  match->kind = entry->kind == ENTRY_FORMER && kind != ATLAAS_MATCH_FUZZY
    ? ATLAAS_MATCH_FORMER : kind;
}

/* Levenshtein distance, or max + 1 when it is larger than max. */
static guint
edit_distance (const char *a,
               const char *b,
               guint       max)
{
  gsize length_a = strlen (a);
  gsize length_b = strlen (b);
  g_autofree guint *previous = NULL;
  g_autofree guint *current = NULL;

  if ((length_a > length_b ? length_a - length_b : length_b - length_a) > max)
    return max + 1;

  previous = g_new (guint, length_b + 1);
  current = g_new (guint, length_b + 1);
  for (gsize j = 0; j <= length_b; j++)
    previous[j] = j;

  for (gsize i = 1; i <= length_a; i++)
    {
      guint row_min;

      current[0] = i;
      row_min = current[0];
      for (gsize j = 1; j <= length_b; j++)
        {
          guint cost = a[i - 1] == b[j - 1] ? 0 : 1;

          current[j] = MIN (MIN (previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
          row_min = MIN (row_min, current[j]);
        }

      if (row_min > max)
        return max + 1;

      {
        guint *swap = previous;
        previous = current;
        current = swap;
      }
    }

  return MIN (previous[length_b], max + 1);
}

/* Adds to matches the candidates whose key is within the allowed number of
 * edits of key: 1 for keys of 6 to 9 characters, 2 from 10; none below 6,
 * where one edit too often gives another real commune. */
static void
collect_fuzzy (GPtrArray  *candidates,
               const char *key,
               guint      *best_distance,
               GPtrArray  *matches)
{
  gsize length = strlen (key);
  guint max;

  if (candidates == NULL || length < 6)
    return;

  max = length >= 10 ? 2 : 1;
  max = MIN (max, *best_distance);

  for (guint i = 0; i < candidates->len; i++)
    {
      Entry *entry = g_ptr_array_index (candidates, i);
      guint distance;

      if (strlen (entry->key) < 6)
        continue;

      distance = edit_distance (key, entry->key, max);
      if (distance > max)
        continue;

      if (distance < *best_distance)
        {
          *best_distance = distance;
          max = distance;
          g_ptr_array_set_size (matches, 0);
        }

      if (!g_ptr_array_find (matches, entry, NULL))
        g_ptr_array_add (matches, entry);
    }
}

/* Removes from a folded town name what postal addressing adds to it: a
 * "CEDEX" and its number ("lyon cedex 03"), text in brackets
 * ("saint denis (reunion)") and a leading postal code ("69003 lyon"), which
 * goes to postal_code when none was given. */
static char *
clean_town (const char *town,
            char      **postal_code)
{
  g_autofree char *folded = atlaas_text_fold (town);
  GString *clean = g_string_new (NULL);
  int depth = 0;
  char *cedex;
  const char *p;

  cedex = strstr (folded, "cedex");
  if (cedex != NULL && (cedex == folded || !g_ascii_isalnum (cedex[-1])))
    *cedex = '\0';

  for (p = folded; *p != '\0'; p++)
    {
      if (*p == '(')
        depth++;
      else if (*p == ')' && depth > 0)
        depth--;
      else if (depth == 0)
        g_string_append_c (clean, *p);
    }

  g_strstrip (clean->str);
  g_string_set_size (clean, strlen (clean->str));

  p = clean->str;
  if (strlen (p) > 6 && strspn (p, "0123456789") == 5 && p[5] == ' ')
    {
      if (*postal_code == NULL)
        *postal_code = g_strndup (p, 5);
      g_string_erase (clean, 0, 6);
    }

  return g_string_free (clean, FALSE);
}

/* Reads "lyon 3e arrondissement", "lyon 8eme", "marseille 13e", "paris 15",
 * "lyon 03" and returns the INSEE code of that arrondissement municipal. */
static char *
parse_arrondissement (const char *clean_town)
{
  static GRegex *pattern;
  g_autoptr(GMatchInfo) match_info = NULL;
  g_autofree char *city = NULL;
  g_autofree char *number_text = NULL;
  guint number;

  if (g_once_init_enter (&pattern))
    {
      GRegex *regex = g_regex_new ("^(paris|lyon|marseille)\\s*(\\d{1,2})\\s*"
                                   "(er|e|eme|ieme|em|me|ere)?\\s*\\.?\\s*"
                                   "(arrondissement|arrdt|arrt|arr)?\\.?$",
                                   G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&pattern, regex);
    }

  if (!g_regex_match (pattern, clean_town, 0, &match_info))
    return NULL;

  city = g_match_info_fetch (match_info, 1);
  number_text = g_match_info_fetch (match_info, 2);
  number = (guint) strtoul (number_text, NULL, 10);

  if (g_str_equal (city, "paris") && number >= 1 && number <= 20)
    return g_strdup_printf ("751%02u", number);
  if (g_str_equal (city, "lyon") && number >= 1 && number <= 9)
    return g_strdup_printf ("6938%u", number);
  if (g_str_equal (city, "marseille") && number >= 1 && number <= 16)
    return g_strdup_printf ("132%02u", number);

  return NULL;
}

static char *
normalize_postal_code (const char *postal_code)
{
  GString *digits;

  if (postal_code == NULL)
    return NULL;

  digits = g_string_new (NULL);
  for (const char *p = postal_code; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (!g_ascii_isspace (*p))
        break;
    }

  /* A postal code written as a number loses its leading zero: "1000" is 01000. */
  if (digits->len == 4)
    g_string_prepend_c (digits, '0');

  if (digits->len != 5)
    {
      g_string_free (digits, TRUE);
      return NULL;
    }

  return g_string_free (digits, FALSE);
}

/* The entries of list whose key is key (or all of them when key is NULL),
 * restricted to those that stand for a member of targets when targets is not
 * NULL, or to departements when departements is not NULL. */
static GPtrArray *
filter_entries (GPtrArray  *list,
                const char *key,
                GPtrArray  *targets,
                char      (*departements)[4])
{
  GPtrArray *result = g_ptr_array_new ();

  if (list == NULL)
    return result;

  for (guint i = 0; i < list->len; i++)
    {
      Entry *entry = g_ptr_array_index (list, i);

      if (key != NULL && !g_str_equal (entry->key, key))
        continue;
      if (targets != NULL && !g_ptr_array_find (targets, get_target (entry), NULL)
          && !g_ptr_array_find (targets, entry, NULL))
        continue;
      if (departements != NULL && !is_in_departements (entry, departements))
        continue;

      g_ptr_array_add (result, entry);
    }

  return result;
}

/* Keeps the candidates within max_km of the position. */
static GPtrArray *
filter_near (AtlaasGazetteer *gazetteer,
             GPtrArray       *candidates,
             double           latitude,
             double           longitude,
             double           max_km)
{
  GPtrArray *result = g_ptr_array_new ();

  for (guint i = 0; candidates != NULL && i < candidates->len; i++)
    {
      const Entry *entry = g_ptr_array_index (candidates, i);
      double entry_latitude, entry_longitude;

      if (get_entry_position (gazetteer, entry, &entry_latitude, &entry_longitude)
          && distance_km (latitude, longitude, entry_latitude, entry_longitude) <= max_km)
        g_ptr_array_add (result, (gpointer) entry);
    }

  return result;
}

static gboolean
resolve_by_name (AtlaasGazetteer    *gazetteer,
                 const char         *town,
                 const char         *clean_town,
                 const char         *key,
                 GPtrArray          *postal_candidates,
                 char                departements[2][4],
                 gboolean            has_position,
                 double              latitude,
                 double              longitude,
                 gboolean            loose,
                 AtlaasCommuneMatch *match)
{
  GPtrArray *same_key = g_hash_table_lookup (gazetteer->by_key, key);
  g_auto(GStrv) town_tokens = make_match_tokens (clean_town);
  g_autoptr(GPtrArray) candidates = NULL;
  g_autofree char *loose_key = g_strjoinv ("", (GStrv) skip_article ((const char *const *) town_tokens));

  /* 1. The name of a commune that uses this postal code, or of a former
   * commune merged into one of them. */
  if (!loose && postal_candidates != NULL)
    {
      g_autofree char *town_casefold = g_utf8_casefold (town, -1);

      for (guint i = 0; i < postal_candidates->len; i++)
        {
          Entry *entry = g_ptr_array_index (postal_candidates, i);
          g_autofree char *name_casefold = g_utf8_casefold (entry->commune.name, -1);

          if (g_str_equal (town_casefold, name_casefold))
            {
              set_match (match, entry, ATLAAS_MATCH_EXACT);
              return TRUE;
            }
        }

      candidates = filter_entries (same_key, NULL, postal_candidates, NULL);
      if (candidates->len > 0)
        {
          set_match (match, choose_entry (gazetteer, candidates, has_position, latitude, longitude),
                     ATLAAS_MATCH_NORMALIZED);
          return TRUE;
        }
      g_clear_pointer (&candidates, g_ptr_array_unref);

      /* Without the article on either side. */
      candidates = g_ptr_array_new ();
      for (guint i = 0; i < postal_candidates->len; i++)
        {
          Entry *entry = g_ptr_array_index (postal_candidates, i);
          g_auto(GStrv) name_tokens = make_match_tokens (entry->commune.name);
          g_autofree char *name_loose_key =
            g_strjoinv ("", (GStrv) skip_article ((const char *const *) name_tokens));

          if (g_str_equal (loose_key, name_loose_key))
            g_ptr_array_add (candidates, entry);
        }
      if (candidates->len > 0)
        {
          set_match (match, choose_entry (gazetteer, candidates, has_position, latitude, longitude),
                     ATLAAS_MATCH_NORMALIZED);
          return TRUE;
        }
      g_clear_pointer (&candidates, g_ptr_array_unref);
    }

  /* 2. The name within the départements of the postal code: CEDEX codes and
   * new postal codes are not in the list. */
  if (!loose)
    {
      candidates = filter_entries (same_key, NULL, NULL, departements);
      if (candidates->len > 0)
        {
          set_match (match, choose_entry (gazetteer, candidates, has_position, latitude, longitude),
                     ATLAAS_MATCH_NORMALIZED);
          return TRUE;
        }

      return FALSE;
    }

  /* 3. Part of the name of a commune of the postal code ("Chamonix",
   * "Livron" for Livron-sur-Drôme, "Virieu" for Val-de-Virieu). */
  if (postal_candidates != NULL)
    {
      candidates = g_ptr_array_new ();
      for (guint i = 0; i < postal_candidates->len; i++)
        {
          Entry *entry = g_ptr_array_index (postal_candidates, i);

          if (is_partial_name ((const char *const *) town_tokens, entry->commune.name))
            g_ptr_array_add (candidates, entry);
        }
      if (candidates->len > 0)
        {
          set_match (match, choose_entry (gazetteer, candidates, has_position, latitude, longitude),
                     ATLAAS_MATCH_FUZZY);
          return TRUE;
        }
      g_clear_pointer (&candidates, g_ptr_array_unref);
    }

  /* 4. The name anywhere. With a postal code, a commune of that name
   * elsewhere is taken only near the given position: a commune may use the
   * postal code of a neighbouring département, but "Le Mont-Dore 63240"
   * must not become Le Mont-Dore in Nouvelle-Calédonie. */
  if (same_key == NULL)
    return FALSE;

  if (departements[0][0] == '\0')
    candidates = g_ptr_array_ref (same_key);
  else if (has_position)
    candidates = filter_near (gazetteer, same_key, latitude, longitude, 30.0);
  else
    return FALSE;

  if (candidates->len == 0)
    return FALSE;

  set_match (match, choose_entry (gazetteer, candidates, has_position, latitude, longitude),
             ATLAAS_MATCH_NORMALIZED);
  return TRUE;
}

static gboolean
resolve_by_spelling (AtlaasGazetteer    *gazetteer,
                     const char         *key,
                     GPtrArray          *postal_candidates,
                     char                departements[2][4],
                     gboolean            has_position,
                     double              latitude,
                     double              longitude,
                     AtlaasCommuneMatch *match)
{
  g_autoptr(GPtrArray) matches = g_ptr_array_new ();
  guint best_distance = G_MAXUINT;

  collect_fuzzy (postal_candidates, key, &best_distance, matches);

  /* Former communes of the postal code's communes have no postal code of
   * their own, so look at every entry of the département. */
  for (guint i = 0; i < 2 && departements[i][0] != '\0'; i++)
    collect_fuzzy (g_hash_table_lookup (gazetteer->by_departement, departements[i]),
                   key, &best_distance, matches);

  if (matches->len == 0)
    return FALSE;

  set_match (match, choose_entry (gazetteer, matches, has_position, latitude, longitude),
             ATLAAS_MATCH_FUZZY);
  return TRUE;
}

/* Public API */

AtlaasGazetteer *
atlaas_gazetteer_new_from_file (const char *path,
                                GError    **error)
{
  g_autofree char *contents = NULL;
  AtlaasGazetteer *gazetteer;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;

  gazetteer = gazetteer_new ();
  if (!parse_file (gazetteer, contents, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Cannot load the gazetteer %s: ", path);
      gazetteer_free (gazetteer);
      return NULL;
    }

  g_debug ("Loaded %u communes, %u départements and %u régions from %s",
           gazetteer->n_entries, gazetteer->n_departements, gazetteer->n_regions, path);

  return gazetteer;
}

AtlaasGazetteer *
atlaas_gazetteer_get_default (GError **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&default_lock);

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (default_gazetteer == NULL)
    {
      g_autofree char *path = atlaas_data_find_file ("communes.tsv", error);

      if (path == NULL)
        return NULL;

      default_gazetteer = atlaas_gazetteer_new_from_file (path, error);
      if (default_gazetteer == NULL)
        return NULL;
    }

  return atlaas_gazetteer_ref (default_gazetteer);
}

AtlaasGazetteer *
atlaas_gazetteer_ref (AtlaasGazetteer *gazetteer)
{
  g_return_val_if_fail (gazetteer != NULL, NULL);

  g_atomic_ref_count_inc (&gazetteer->ref_count);
  return gazetteer;
}

void
atlaas_gazetteer_unref (AtlaasGazetteer *gazetteer)
{
  g_return_if_fail (gazetteer != NULL);

  if (g_atomic_ref_count_dec (&gazetteer->ref_count))
    gazetteer_free (gazetteer);
}

const AtlaasCommune *
atlaas_gazetteer_lookup_insee (AtlaasGazetteer *gazetteer,
                               const char      *insee_code)
{
  Entry *entry;

  g_return_val_if_fail (gazetteer != NULL, NULL);
  g_return_val_if_fail (insee_code != NULL, NULL);

  entry = g_hash_table_lookup (gazetteer->by_insee, insee_code);
  return entry != NULL ? &entry->commune : NULL;
}

GPtrArray *
atlaas_gazetteer_lookup_postal (AtlaasGazetteer *gazetteer,
                                const char      *postal_code)
{
  GPtrArray *result = g_ptr_array_new ();
  g_autofree char *normalized = NULL;
  GPtrArray *list;

  g_return_val_if_fail (gazetteer != NULL, result);
  g_return_val_if_fail (postal_code != NULL, result);

  normalized = normalize_postal_code (postal_code);
  list = normalized != NULL ? g_hash_table_lookup (gazetteer->by_postal_code, normalized) : NULL;
  if (list != NULL)
    for (guint i = 0; i < list->len; i++)
      g_ptr_array_add (result, &((Entry *) g_ptr_array_index (list, i))->commune);

  return result;
}

static int
compare_by_population (gconstpointer a,
                       gconstpointer b)
{
  const AtlaasCommune *commune_a = *(const AtlaasCommune **) a;
  const AtlaasCommune *commune_b = *(const AtlaasCommune **) b;

  if (commune_a->population != commune_b->population)
    return commune_a->population > commune_b->population ? -1 : 1;

  return strcmp (commune_a->insee_code, commune_b->insee_code);
}

static int
compare_by_first_postal_code (gconstpointer a,
                              gconstpointer b)
{
  const AtlaasCommune *commune_a = *(const AtlaasCommune **) a;
  const AtlaasCommune *commune_b = *(const AtlaasCommune **) b;
  int order = g_strcmp0 (commune_a->postal_codes[0], commune_b->postal_codes[0]);

  return order != 0 ? order : compare_by_population (a, b);
}

/* Offers current communes only: arrondissements and former communes would
 * crowd the list with near-duplicates. A digit prefix is matched against the
 * postal codes, any other text against the start of the name, ignoring case,
 * accents, hyphens and apostrophes. */
GPtrArray *
atlaas_gazetteer_complete (AtlaasGazetteer *gazetteer,
                           const char      *text,
                           guint            limit)
{
  GPtrArray *result = g_ptr_array_new ();
  g_autofree char *stripped = NULL;
  g_autofree char *key = NULL;
  gboolean by_postal_code;

  g_return_val_if_fail (gazetteer != NULL, result);
  g_return_val_if_fail (text != NULL, result);

  stripped = g_strstrip (g_strdup (text));
  if (stripped[0] == '\0' || limit == 0)
    return result;

  by_postal_code = g_ascii_isdigit (stripped[0]);
  key = by_postal_code ? g_strdup (stripped) : make_match_key (stripped);
  if (key[0] == '\0')
    return result;

  for (guint i = 0; i < gazetteer->n_entries; i++)
    {
      Entry *entry = &gazetteer->entries[i];
      gboolean matches = FALSE;

      if (entry->kind != ENTRY_COMMUNE)
        continue;

      if (by_postal_code)
        {
          for (guint j = 0; entry->commune.postal_codes[j] != NULL && !matches; j++)
            matches = g_str_has_prefix (entry->commune.postal_codes[j], key);
        }
      else
        {
          matches = g_str_has_prefix (entry->key, key);
        }

      if (matches)
        g_ptr_array_add (result, &entry->commune);
    }

  g_ptr_array_sort (result, by_postal_code ? compare_by_first_postal_code : compare_by_population);
  if (result->len > limit)
    g_ptr_array_set_size (result, limit);

  return result;
}

const AtlaasDepartement *
atlaas_gazetteer_lookup_departement (AtlaasGazetteer *gazetteer,
                                     const char      *code)
{
  g_return_val_if_fail (gazetteer != NULL, NULL);
  g_return_val_if_fail (code != NULL, NULL);

  return g_hash_table_lookup (gazetteer->departements_by_code, code);
}

const AtlaasRegion *
atlaas_gazetteer_lookup_region (AtlaasGazetteer *gazetteer,
                                const char      *code)
{
  g_return_val_if_fail (gazetteer != NULL, NULL);
  g_return_val_if_fail (code != NULL, NULL);

  return g_hash_table_lookup (gazetteer->regions_by_code, code);
}

/* Tries these steps in order and keeps the first match:
 * 1. an arrondissement written out ("Lyon 3e");
 * 2. the name among the communes of the postal code: EXACT when only case
 *    differs, else NORMALIZED, or FORMER for a former commune of one of them,
 *    also without a leading article;
 * 3. the name in the postal code's départements, for CEDEX codes;
 * 4. part of the name of a commune of the postal code (FUZZY);
 * 5. the name anywhere, near the position when a postal code was given;
 * 6. a small spelling difference (FUZZY);
 * 7. the postal code alone (POSTAL_ONLY), the position choosing among its
 *    communes.
 * Steps 2 to 5 also run on each side of "Cran-Gevrier - Annecy": steps 2
 * and 3 on the whole name and on each side before steps 4 and 5. */
gboolean
atlaas_gazetteer_resolve (AtlaasGazetteer    *gazetteer,
                          const char         *town,
                          const char         *postal_code,
                          gboolean            has_position,
                          double              latitude,
                          double              longitude,
                          AtlaasCommuneMatch *match,
                          GError            **error)
{
  g_autofree char *given_postal_code = NULL;
  g_autofree char *normalized_postal_code = NULL;
  g_autofree char *clean = NULL;
  g_autofree char *key = NULL;
  g_autofree char *arrondissement_code = NULL;
  g_autofree char *stripped_town = NULL;
  char departements[2][4];
  GPtrArray *postal_candidates = NULL;

  g_return_val_if_fail (gazetteer != NULL, FALSE);
  g_return_val_if_fail (match != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  match->commune = NULL;
  match->kind = ATLAAS_MATCH_EXACT;

  stripped_town = g_strstrip (g_strdup (town != NULL ? town : ""));
  clean = clean_town (stripped_town, &given_postal_code);
  key = make_match_key (clean);

  normalized_postal_code = normalize_postal_code (postal_code != NULL && postal_code[0] != '\0'
                                                  ? postal_code : given_postal_code);
  if (normalized_postal_code != NULL)
    postal_candidates = g_hash_table_lookup (gazetteer->by_postal_code, normalized_postal_code);
  get_postal_departements (normalized_postal_code, departements);

  arrondissement_code = parse_arrondissement (clean);
  if (arrondissement_code != NULL)
    {
      Entry *entry = g_hash_table_lookup (gazetteer->by_insee, arrondissement_code);

      if (entry != NULL)
        {
          g_autofree char *town_casefold = g_utf8_casefold (stripped_town, -1);
          g_autofree char *name_casefold = g_utf8_casefold (entry->commune.name, -1);
          gboolean exact = g_str_equal (town_casefold, name_casefold)
                           && postal_candidates != NULL
                           && g_ptr_array_find (postal_candidates, entry, NULL);

          set_match (match, entry, exact ? ATLAAS_MATCH_EXACT : ATLAAS_MATCH_NORMALIZED);
          return TRUE;
        }
    }

  if (key[0] != '\0')
    {
      g_auto(GStrv) parts = NULL;

      /* "Cran-Gevrier - Annecy": a former commune and its current one. */
      if (strstr (stripped_town, " - ") != NULL)
        parts = g_strsplit (stripped_town, " - ", -1);

      /* Strict steps first, on the whole name then on each side of " - ",
       * and only then the loose ones. */
      for (int loose = FALSE; loose <= TRUE; loose++)
        {
          if (resolve_by_name (gazetteer, stripped_town, clean, key, postal_candidates, departements,
                               has_position, latitude, longitude, loose, match))
            return TRUE;

          for (guint i = 0; parts != NULL && parts[i] != NULL; i++)
            {
              g_autofree char *part = g_strstrip (g_strdup (parts[i]));
              g_autofree char *part_clean = NULL;
              g_autofree char *part_key = NULL;
              g_autofree char *ignored_postal_code = NULL;

              part_clean = clean_town (part, &ignored_postal_code);
              part_key = make_match_key (part_clean);
              if (part_key[0] != '\0'
                  && resolve_by_name (gazetteer, part, part_clean, part_key, postal_candidates,
                                      departements, has_position, latitude, longitude, loose, match))
                return TRUE;
            }
        }

      if (resolve_by_spelling (gazetteer, key, postal_candidates, departements,
                               has_position, latitude, longitude, match))
        return TRUE;
    }

  /* NOTE: a former commune that the gazetteer does not name (merged without
   * becoming a commune déléguée, and too small for GeoNames) lands here, and
   * the nearest centre can be the wrong commune: "Entremont 74130" gives
   * Mont-Saxonnex, not Glières-Val-de-Borne, which has no known centre. */
  if (postal_candidates != NULL && (postal_candidates->len == 1 || has_position))
    {
      set_match (match, choose_entry (gazetteer, postal_candidates, has_position, latitude, longitude),
                 ATLAAS_MATCH_POSTAL_ONLY);
      return TRUE;
    }

  if (postal_candidates != NULL)
    {
      g_set_error (error, ATLAAS_GAZETTEER_ERROR, ATLAAS_GAZETTEER_ERROR_AMBIGUOUS,
                   "Town “%s” with postal code %s: the name matches none of the %u communes "
                   "of this postal code and no position was given to choose; "
                   "check the town name",
                   stripped_town, normalized_postal_code, postal_candidates->len);
      return FALSE;
    }

  g_set_error (error, ATLAAS_GAZETTEER_ERROR, ATLAAS_GAZETTEER_ERROR_NOT_FOUND,
               "No commune found for town “%s” with postal code “%s”; "
               "check the spelling of the town and the postal code",
               stripped_town, postal_code != NULL ? postal_code : "");
  return FALSE;
}
