/* test-taxonomy.c: the bundled taxonomy and its loader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "atlaas-taxonomy.h"

/* Hyphenated words that the user guide really uses; any other hyphen between
 * two lower-case letters is a line break of the guide's PDF export. */
static const char *const real_hyphenated_words[] = {
  "co-production", "co-voiturage", "co-working", "coffre-fort", "e-réputation",
  "inter-administrations", "inter-associatifs", "inter-services",
  "micro-blogging", "opt-out", "plate-forme", "télé-présence",
  "visio-conférence",
};

static gboolean
is_real_hyphenated_word (const char *word)
{
  g_autofree char *lower = g_utf8_strdown (word, -1);

  for (guint i = 0; i < G_N_ELEMENTS (real_hyphenated_words); i++)
    if (g_str_equal (lower, real_hyphenated_words[i]))
      return TRUE;

  return FALSE;
}

static AtlaasTaxonomy *
load_default (void)
{
  g_autoptr(GError) error = NULL;
  AtlaasTaxonomy *taxonomy = atlaas_taxonomy_get_default (&error);

  g_assert_no_error (error);
  g_assert_nonnull (taxonomy);
  return taxonomy;
}

static void
test_taxonomy_counts (void)
{
  g_autoptr(AtlaasTaxonomy) taxonomy = load_default ();

  g_assert_cmpuint (atlaas_taxonomy_count_level (taxonomy, ATLAAS_THEME_LEVEL_AXIS), ==, 4);
  g_assert_cmpuint (atlaas_taxonomy_count_level (taxonomy, ATLAAS_THEME_LEVEL_ENJEU), ==, 12);
  g_assert_cmpuint (atlaas_taxonomy_count_level (taxonomy, ATLAAS_THEME_LEVEL_USAGE), ==, 28);
  g_assert_cmpuint (atlaas_taxonomy_count_level (taxonomy, ATLAAS_THEME_LEVEL_SERVICE), ==, 150);
  g_assert_cmpuint (atlaas_taxonomy_get_axes (taxonomy)->len, ==, 4);
  g_assert_cmpuint (atlaas_taxonomy_get_all (taxonomy)->len, ==, 4 + 12 + 28 + 150);
}

static void
test_taxonomy_ids_and_links (void)
{
  g_autoptr(AtlaasTaxonomy) taxonomy = load_default ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *all = atlaas_taxonomy_get_all (taxonomy);
  GPtrArray *axes = atlaas_taxonomy_get_axes (taxonomy);

  for (guint i = 0; i < all->len; i++)
    {
      const AtlaasTheme *theme = g_ptr_array_index (all, i);

      g_assert_false (g_hash_table_contains (seen, theme->id));
      g_hash_table_add (seen, theme->id);

      g_assert_cmpuint (theme->index, ==, i);
      g_assert_true (atlaas_taxonomy_lookup (taxonomy, theme->id) == theme);

      if (theme->level == ATLAAS_THEME_LEVEL_AXIS)
        {
          g_assert_null (theme->parent);
          g_assert_true (g_ptr_array_find (axes, theme, NULL));
        }
      else
        {
          g_assert_nonnull (theme->parent);
          g_assert_cmpint (theme->parent->level, ==, theme->level - 1);
          g_assert_true (g_str_has_prefix (theme->id, theme->parent->id));
          g_assert_true (g_ptr_array_find (theme->parent->children, theme, NULL));
        }

      if (theme->level == ATLAAS_THEME_LEVEL_SERVICE)
        g_assert_cmpuint (theme->children->len, ==, 0);
      else
        g_assert_cmpuint (theme->children->len, >, 0);

      for (guint j = 0; j < theme->children->len; j++)
        {
          const AtlaasTheme *child = g_ptr_array_index (theme->children, j);

          g_assert_true (child->parent == theme);
        }
    }

  g_assert_cmpstr (atlaas_taxonomy_lookup (taxonomy, "1")->label, ==, "Démocratie et services publics");
  g_assert_cmpstr (atlaas_taxonomy_lookup (taxonomy, "1a1")->label, ==,
                   "Accès des citoyens aux services publics, droits et démarches");
  g_assert_cmpstr (atlaas_taxonomy_lookup (taxonomy, "4c2-06")->label, ==,
                   "La publication du site en une ou plusieurs langues étrangères");
  g_assert_null (atlaas_taxonomy_lookup (taxonomy, "5"));
  g_assert_null (atlaas_taxonomy_lookup (taxonomy, "1a1-11"));

  g_assert_cmpuint (atlaas_theme_get_axis_index (atlaas_taxonomy_lookup (taxonomy, "1")), ==, 0);
  g_assert_cmpuint (atlaas_theme_get_axis_index (atlaas_taxonomy_lookup (taxonomy, "3b2-01")), ==, 2);
  g_assert_cmpuint (atlaas_theme_get_axis_index (atlaas_taxonomy_lookup (taxonomy, "4c")), ==, 3);
}

static void
test_taxonomy_labels_clean (void)
{
  g_autoptr(AtlaasTaxonomy) taxonomy = load_default ();
  g_autoptr(GRegex) hyphen = g_regex_new ("\\w*[[:lower:]]-[[:lower:]]\\w*", G_REGEX_OPTIMIZE, 0, NULL);
  g_autoptr(GRegex) numbering = g_regex_new ("^([0-9]+|[a-z])\\.\\s", 0, 0, NULL);
  GPtrArray *all = atlaas_taxonomy_get_all (taxonomy);

  for (guint i = 0; i < all->len; i++)
    {
      const AtlaasTheme *theme = g_ptr_array_index (all, i);
      const char *label = theme->label;
      g_autoptr(GMatchInfo) match_info = NULL;
      g_autofree char *stripped = g_strstrip (g_strdup (label));

      g_assert_true (g_utf8_validate (label, -1, NULL));
      g_assert_null (strchr (label, '\''));
      g_assert_null (strchr (label, '"'));
      g_assert_null (strstr (label, "  "));
      g_assert_null (strchr (label, '\t'));
      g_assert_cmpstr (stripped, ==, label);
      g_assert_false (g_regex_match (numbering, label, 0, NULL));

      g_regex_match (hyphen, label, 0, &match_info);
      while (g_match_info_matches (match_info))
        {
          g_autofree char *word = g_match_info_fetch (match_info, 0);

          if (!is_real_hyphenated_word (word))
            g_error ("Label of %s has a line-break hyphen in “%s”: %s", theme->id, word, label);
          g_match_info_next (match_info, NULL);
        }
    }

  /* Words that the guide breaks across lines come out whole. */
  g_assert_cmpstr (atlaas_taxonomy_lookup (taxonomy, "1b1")->label, ==, "Transparence de la gouvernance locale");
  g_assert_cmpstr (atlaas_taxonomy_lookup (taxonomy, "2c1")->label, ==, "Accès aux informations pratiques");
  g_assert_cmpstr (atlaas_taxonomy_lookup (taxonomy, "3c")->label, ==, "Protection et valorisation du patrimoine");
  g_assert_cmpstr (atlaas_taxonomy_lookup (taxonomy, "4a1")->label, ==, "Accès à l’emploi");
}

static void
test_taxonomy_rejects_invalid (void)
{
  static const char *const documents[] = {
    "not json",
    "{\"axes\": 3}",
    "{\"axes\": []}",
    "{\"axes\": [{\"id\": \"1\", \"label\": \"A\"}]}",
    "{\"axes\": [{\"id\": \"1\", \"label\": \"A\", \"enjeux\": [{\"id\": \"2a\", \"label\": \"B\", \"usages\": []}]}]}",
    "{\"axes\": [{\"id\": \"1\", \"label\": \"A\", \"enjeux\": [{\"id\": \"1a\", \"label\": \"B\", \"usages\": "
    "[{\"id\": \"1a1\", \"label\": \"C\", \"services\": [{\"id\": \"1a1-01\", \"label\": \"D\"}, "
    "{\"id\": \"1a1-01\", \"label\": \"E\"}]}]}]}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (documents[i], strlen (documents[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(AtlaasTaxonomy) taxonomy = atlaas_taxonomy_new_from_bytes (bytes, &error);

      g_assert_null (taxonomy);
      g_assert_nonnull (error);
    }
}

static void
test_taxonomy_small_file (void)
{
  static const char document[] =
    "{\"axes\": [{\"id\": \"1\", \"label\": \"A\", \"enjeux\": [{\"id\": \"1a\", \"label\": \"B\", \"usages\": "
    "[{\"id\": \"1a1\", \"label\": \"C\", \"services\": [{\"id\": \"1a1-01\", \"label\": \"D\"}]}]}]}]}";
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(AtlaasTaxonomy) taxonomy = NULL;
  int fd;

  fd = g_file_open_tmp ("test-taxonomy-XXXXXX.json", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, document, -1, &error);
  g_assert_no_error (error);

  taxonomy = atlaas_taxonomy_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (atlaas_taxonomy_get_all (taxonomy)->len, ==, 4);
  g_assert_cmpstr (atlaas_taxonomy_lookup (taxonomy, "1a1-01")->parent->id, ==, "1a1");
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/taxonomy/counts", test_taxonomy_counts);
  g_test_add_func ("/taxonomy/ids-and-links", test_taxonomy_ids_and_links);
  g_test_add_func ("/taxonomy/labels-clean", test_taxonomy_labels_clean);
  g_test_add_func ("/taxonomy/rejects-invalid", test_taxonomy_rejects_invalid);
  g_test_add_func ("/taxonomy/small-file", test_taxonomy_small_file);

  return g_test_run ();
}
