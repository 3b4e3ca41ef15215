/* atlaas-taxonomy.c: the 4 axes, 12 enjeux, 28 usages and 150 services
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * data/taxonomy.json is written by tools/gen-taxonomy.py from the original
 * atlas's user guide. Its format, each list in guide order:
 *
 *   { "source": "…",
 *     "axes": [ { "id": "1", "label": "Démocratie et services publics",
 *                 "enjeux": [ { "id": "1a", "label": "…",
 *                               "usages": [ { "id": "1a1", "label": "…",
 *                                             "services": [ { "id": "1a1-01",
 *                                                             "label": "…" } ] } ] } ] } ] }
 *
 * An enjeu's id is its axe's id plus a letter, and a usage's id is its
 * enjeu's id plus a digit. A service's id is its usage's id, a hyphen and a
 * two-digit number. The loader checks these links.
 */
#define G_LOG_DOMAIN "Atlaas-Core"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "atlaas-data.h"
#include "atlaas-taxonomy.h"

struct _AtlaasTaxonomy
{
  gatomicrefcount ref_count;

  GPtrArray *all;          /* AtlaasTheme *, owned, depth first */
  GPtrArray *axes;         /* AtlaasTheme *, borrowed from all */
  GHashTable *by_id;       /* id → AtlaasTheme *, borrowed */
  guint counts[ATLAAS_THEME_LEVEL_SERVICE + 1];
};

G_DEFINE_QUARK (atlaas-taxonomy-error-quark, atlaas_taxonomy_error)

static GMutex default_lock;
static AtlaasTaxonomy *default_taxonomy;

/* Member names of the children list of each level; services have none. */
static const char *const children_members[] = {
  [ATLAAS_THEME_LEVEL_AXIS] = "enjeux",
  [ATLAAS_THEME_LEVEL_ENJEU] = "usages",
  [ATLAAS_THEME_LEVEL_USAGE] = "services",
  [ATLAAS_THEME_LEVEL_SERVICE] = NULL,
};

static void
theme_free (AtlaasTheme *theme)
{
  g_free (theme->id);
  g_free (theme->label);
  g_clear_pointer (&theme->children, g_ptr_array_unref);
  g_free (theme);
}

static void
taxonomy_free (AtlaasTaxonomy *taxonomy)
{
  g_clear_pointer (&taxonomy->by_id, g_hash_table_unref);
  g_clear_pointer (&taxonomy->axes, g_ptr_array_unref);
  g_clear_pointer (&taxonomy->all, g_ptr_array_unref);
  g_free (taxonomy);
}

/* Whether id is the id of a child of parent_id at this level: "1a" under
 * "1", "1a1" under "1a", "1a1-01" under "1a1". */
static gboolean
is_child_id (const char      *id,
             const char      *parent_id,
             AtlaasThemeLevel level)
{
  gsize parent_length;
  const char *rest;

  if (level == ATLAAS_THEME_LEVEL_AXIS)
    return id[0] >= '1' && id[0] <= '9' && id[1] == '\0';

  parent_length = strlen (parent_id);
  if (strncmp (id, parent_id, parent_length) != 0)
    return FALSE;

  rest = id + parent_length;
  switch (level)
    {
    case ATLAAS_THEME_LEVEL_ENJEU:
      return rest[0] >= 'a' && rest[0] <= 'z' && rest[1] == '\0';
    case ATLAAS_THEME_LEVEL_USAGE:
      return g_ascii_isdigit (rest[0]) && rest[1] == '\0';
    case ATLAAS_THEME_LEVEL_SERVICE:
      return rest[0] == '-' && g_ascii_isdigit (rest[1]) && g_ascii_isdigit (rest[2])
             && rest[3] == '\0';
    case ATLAAS_THEME_LEVEL_AXIS:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
parse_themes (AtlaasTaxonomy  *taxonomy,
              JsonArray       *array,
              AtlaasThemeLevel level,
              AtlaasTheme     *parent,
              GError         **error)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      const char *id;
      const char *label;
      AtlaasTheme *theme;

      object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      id = object != NULL ? json_object_get_string_member_with_default (object, "id", NULL) : NULL;
      label = object != NULL ? json_object_get_string_member_with_default (object, "label", NULL) : NULL;

      if (id == NULL || label == NULL || label[0] == '\0')
        {
          g_set_error (error, ATLAAS_TAXONOMY_ERROR, ATLAAS_TAXONOMY_ERROR_INVALID_FILE,
                       "Theme %u under “%s” has no “id” or “label” string",
                       i + 1, parent != NULL ? parent->id : "axes");
          return FALSE;
        }

      if (!is_child_id (id, parent != NULL ? parent->id : NULL, level))
        {
          g_set_error (error, ATLAAS_TAXONOMY_ERROR, ATLAAS_TAXONOMY_ERROR_INVALID_FILE,
                       "Theme id “%s” is not a valid id under “%s”",
                       id, parent != NULL ? parent->id : "axes");
          return FALSE;
        }

      if (g_hash_table_contains (taxonomy->by_id, id))
        {
          g_set_error (error, ATLAAS_TAXONOMY_ERROR, ATLAAS_TAXONOMY_ERROR_INVALID_FILE,
                       "Theme id “%s” appears twice", id);
          return FALSE;
        }

      theme = g_new0 (AtlaasTheme, 1);
      theme->id = g_strdup (id);
      theme->label = g_strdup (label);
      theme->level = level;
      theme->parent = parent;
      theme->children = g_ptr_array_new ();
      theme->index = taxonomy->all->len;

      g_ptr_array_add (taxonomy->all, theme);
      g_hash_table_insert (taxonomy->by_id, theme->id, theme);
      taxonomy->counts[level]++;
      if (parent != NULL)
        g_ptr_array_add (parent->children, theme);
      else
        g_ptr_array_add (taxonomy->axes, theme);

      if (children_members[level] != NULL)
        {
          JsonNode *children = json_object_get_member (object, children_members[level]);

          if (children == NULL || !JSON_NODE_HOLDS_ARRAY (children)
              || json_array_get_length (json_node_get_array (children)) == 0)
            {
              g_set_error (error, ATLAAS_TAXONOMY_ERROR, ATLAAS_TAXONOMY_ERROR_INVALID_FILE,
                           "Theme “%s” has no “%s” list", id, children_members[level]);
              return FALSE;
            }

          if (!parse_themes (taxonomy, json_node_get_array (children), level + 1, theme, error))
            return FALSE;
        }
    }

  return TRUE;
}

/* Public API */

AtlaasTaxonomy *
atlaas_taxonomy_new_from_file (const char *path,
                               GError    **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;
  AtlaasTaxonomy *taxonomy;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  taxonomy = atlaas_taxonomy_new_from_bytes (bytes, &local_error);
  if (taxonomy == NULL)
    g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                "Cannot load the taxonomy %s: ", path);

  return taxonomy;
}

AtlaasTaxonomy *
atlaas_taxonomy_new_from_bytes (GBytes  *bytes,
                                GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize length;
  const char *data;
  JsonNode *root;
  JsonNode *axes;
  AtlaasTaxonomy *taxonomy;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &length);
  if (!json_parser_load_from_data (parser, data, length, error))
    return NULL;

  root = json_parser_get_root (parser);
  axes = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
    ? json_object_get_member (json_node_get_object (root), "axes") : NULL;
  if (axes == NULL || !JSON_NODE_HOLDS_ARRAY (axes))
    {
      g_set_error (error, ATLAAS_TAXONOMY_ERROR, ATLAAS_TAXONOMY_ERROR_INVALID_FILE,
                   "The taxonomy is not an object with an “axes” list");
      return NULL;
    }

  taxonomy = g_new0 (AtlaasTaxonomy, 1);
  g_atomic_ref_count_init (&taxonomy->ref_count);
  taxonomy->all = g_ptr_array_new_with_free_func ((GDestroyNotify) theme_free);
  taxonomy->axes = g_ptr_array_new ();
  taxonomy->by_id = g_hash_table_new (g_str_hash, g_str_equal);

  if (!parse_themes (taxonomy, json_node_get_array (axes), ATLAAS_THEME_LEVEL_AXIS, NULL, error))
    {
      taxonomy_free (taxonomy);
      return NULL;
    }

  if (taxonomy->axes->len == 0)
    {
      g_set_error (error, ATLAAS_TAXONOMY_ERROR, ATLAAS_TAXONOMY_ERROR_INVALID_FILE,
                   "The taxonomy has no axe");
      taxonomy_free (taxonomy);
      return NULL;
    }

  return taxonomy;
}

AtlaasTaxonomy *
atlaas_taxonomy_get_default (GError **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&default_lock);

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (default_taxonomy == NULL)
    {
      g_autofree char *path = atlaas_data_find_file ("taxonomy.json", error);

      if (path == NULL)
        return NULL;

      default_taxonomy = atlaas_taxonomy_new_from_file (path, error);
      if (default_taxonomy == NULL)
        return NULL;
    }

  return atlaas_taxonomy_ref (default_taxonomy);
}

AtlaasTaxonomy *
atlaas_taxonomy_ref (AtlaasTaxonomy *taxonomy)
{
  g_return_val_if_fail (taxonomy != NULL, NULL);

  g_atomic_ref_count_inc (&taxonomy->ref_count);
  return taxonomy;
}

void
atlaas_taxonomy_unref (AtlaasTaxonomy *taxonomy)
{
  g_return_if_fail (taxonomy != NULL);

  if (g_atomic_ref_count_dec (&taxonomy->ref_count))
    taxonomy_free (taxonomy);
}

GPtrArray *
atlaas_taxonomy_get_axes (AtlaasTaxonomy *taxonomy)
{
  g_return_val_if_fail (taxonomy != NULL, NULL);

  return taxonomy->axes;
}

GPtrArray *
atlaas_taxonomy_get_all (AtlaasTaxonomy *taxonomy)
{
  g_return_val_if_fail (taxonomy != NULL, NULL);

  return taxonomy->all;
}

const AtlaasTheme *
atlaas_taxonomy_lookup (AtlaasTaxonomy *taxonomy,
                        const char     *id)
{
  g_return_val_if_fail (taxonomy != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (taxonomy->by_id, id);
}

guint
atlaas_taxonomy_count_level (AtlaasTaxonomy  *taxonomy,
                             AtlaasThemeLevel level)
{
  g_return_val_if_fail (taxonomy != NULL, 0);
  g_return_val_if_fail (level <= ATLAAS_THEME_LEVEL_SERVICE, 0);

  return taxonomy->counts[level];
}

guint
atlaas_theme_get_axis_index (const AtlaasTheme *theme)
{
  const AtlaasTheme *axis = theme;

  g_return_val_if_fail (theme != NULL, 0);

  while (axis->parent != NULL)
    axis = axis->parent;

  return (guint) (axis->id[0] - '1');
}
