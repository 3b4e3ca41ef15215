/* atlaas-json.c: the Atlaas JSON format of actions (docs/format.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-Core"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "atlaas-json.h"
#include "atlaas-text.h"

/* json-glib ends a string at a \u0000 escape, losing the rest, so
 * atlaas_json_parse() turns that escape into this noncharacter first and
 * check_text() rejects it. */
#define NUL_MARK 0xFFFF

/* Maximum length of an action title, in characters. Longer text is not a title. */
#define MAX_TITLE_LENGTH 500

/* State shared by the records of one document. */
typedef struct
{
  gboolean legacy;
  AtlaasTaxonomy *taxonomy;     /* borrowed, may be NULL */
  AtlaasGazetteer *gazetteer;   /* borrowed, may be NULL */
  GHashTable *service_labels;   /* folded label → service id, built on demand */
  GPtrArray *warnings;          /* borrowed, may be NULL */
} ReadContext;

/* Pre-2016 région codes whose région merged into a new one on 1 January
 * 2016 (INSEE COG); codes not listed here did not change. */
static const struct
{
  const char *old_code;
  const char *new_code;
} legacy_regions[] = {
  { "21", "44" },  /* Champagne-Ardenne → Grand Est */
  { "22", "32" },  /* Picardie → Hauts-de-France */
  { "23", "28" },  /* Haute-Normandie → Normandie */
  { "25", "28" },  /* Basse-Normandie → Normandie */
  { "26", "27" },  /* Bourgogne → Bourgogne-Franche-Comté */
  { "31", "32" },  /* Nord-Pas-de-Calais → Hauts-de-France */
  { "41", "44" },  /* Lorraine → Grand Est */
  { "42", "44" },  /* Alsace → Grand Est */
  { "43", "27" },  /* Franche-Comté → Bourgogne-Franche-Comté */
  { "54", "75" },  /* Poitou-Charentes → Nouvelle-Aquitaine */
  { "72", "75" },  /* Aquitaine → Nouvelle-Aquitaine */
  { "73", "76" },  /* Midi-Pyrénées → Occitanie */
  { "74", "75" },  /* Limousin → Nouvelle-Aquitaine */
  { "82", "84" },  /* Rhône-Alpes → Auvergne-Rhône-Alpes */
  { "83", "84" },  /* Auvergne → Auvergne-Rhône-Alpes */
  { "91", "76" },  /* Languedoc-Roussillon → Occitanie */
};

static const char *const current_regions[] = {
  "01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44", "52",
  "53", "75", "76", "84", "93", "94",
};

/* Named entities found in the original atlas's French text. */
static const struct
{
  const char *name;
  gunichar character;
} html_entities[] = {
  { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
  { "apos", '\'' }, { "nbsp", ' ' }, { "eacute", 0xE9 }, { "egrave", 0xE8 },
  { "ecirc", 0xEA }, { "euml", 0xEB }, { "agrave", 0xE0 }, { "acirc", 0xE2 },
  { "auml", 0xE4 }, { "ccedil", 0xE7 }, { "icirc", 0xEE }, { "iuml", 0xEF },
  { "ocirc", 0xF4 }, { "ouml", 0xF6 }, { "ugrave", 0xF9 }, { "ucirc", 0xFB },
  { "uuml", 0xFC }, { "Eacute", 0xC9 }, { "Egrave", 0xC8 }, { "Ecirc", 0xCA },
  { "Agrave", 0xC0 }, { "Acirc", 0xC2 }, { "Ccedil", 0xC7 }, { "Ocirc", 0xD4 },
  { "Icirc", 0xCE }, { "oelig", 0x153 }, { "OElig", 0x152 }, { "aelig", 0xE6 },
  { "laquo", 0xAB }, { "raquo", 0xBB }, { "rsquo", 0x2019 }, { "lsquo", 0x2018 },
  { "ldquo", 0x201C }, { "rdquo", 0x201D }, { "hellip", 0x2026 },
  { "ndash", 0x2013 }, { "mdash", 0x2014 }, { "euro", 0x20AC }, { "deg", 0xB0 },
  { "copy", 0xA9 }, { "reg", 0xAE }, { "middot", 0xB7 }, { "bull", 0x2022 },
};

G_DEFINE_QUARK (atlaas-json-error-quark, atlaas_json_error)

/* Scans a number token starting at data[*pos]; fails when it is an integer
 * (no fraction, no exponent) outside the signed 64-bit range, which
 * json-glib 1.6 would silently wrap. */
static gboolean
check_number (const char  *data,
              gsize        length,
              gsize       *pos,
              gsize        line,
              GError     **error)
{
  gsize start = *pos;
  gsize i = start;
  gboolean negative = FALSE;
  gsize digits_start;
  gsize n_digits;
  gboolean is_integer = TRUE;

  if (data[i] == '-')
    {
      negative = TRUE;
      i++;
    }

  while (i < length && data[i] == '0' && i + 1 < length && g_ascii_isdigit (data[i + 1]))
    i++;
  digits_start = i;
  while (i < length && g_ascii_isdigit (data[i]))
    i++;
  n_digits = i - digits_start;

  while (i < length && (g_ascii_isdigit (data[i]) || data[i] == '.' || data[i] == 'e'
                        || data[i] == 'E' || data[i] == '+' || data[i] == '-'))
    {
      is_integer = FALSE;
      i++;
    }

  *pos = i - 1;

  if (!is_integer || n_digits < 19)
    return TRUE;

  if (n_digits == 19)
    {
      const char *limit = negative ? "9223372036854775808" : "9223372036854775807";

      if (strncmp (data + digits_start, limit, 19) <= 0)
        return TRUE;
    }

  g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_RANGE,
               "The integer %.*s on line %" G_GSIZE_FORMAT " is outside the "
               "64-bit range [-9223372036854775808, 9223372036854775807]; "
               "write it as a string or correct it",
               (int) MIN (i - start, 40), data + start, line);
  return FALSE;
}

static gboolean
check_raw_document (const char  *data,
                    gsize        length,
                    GError     **error)
{
  gboolean in_string = FALSE;
  guint depth = 0;
  gsize line = 1;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (c == '\n')
        line++;

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;

        case '[':
        case '{':
          if (++depth > ATLAAS_JSON_MAX_DEPTH)
            {
              g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_TOO_DEEP,
                           "The document nests arrays or objects deeper than %d "
                           "levels (line %" G_GSIZE_FORMAT "); it is not an "
                           "Atlaas or Hinaura document",
                           ATLAAS_JSON_MAX_DEPTH, line);
              return FALSE;
            }
          break;

        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;

        case '-':
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
          if (!check_number (data, length, &i, line, error))
            return FALSE;
          break;

        default:
          break;
        }
    }

  return TRUE;
}

static void
add_warning (ReadContext *context,
             const char  *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
add_warning (ReadContext *context,
             const char  *format,
             ...)
{
  va_list args;

  if (context->warnings == NULL)
    return;

  va_start (args, format);
  g_ptr_array_add (context->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

static const char *
node_type_name (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_BOOLEAN:
      return "a boolean";
    default:
      return "a number";
    }
}

static gboolean
node_is_integer (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
node_is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
node_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
set_type_error (const char  *path,
                const char  *expected,
                JsonNode    *node,
                GError     **error)
{
  g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_INVALID,
               "“%s” must be %s, not %s", path, expected, node_type_name (node));
  return FALSE;
}

/* Rejects text that the store could not keep as given: invalid UTF-8 (a
 * lone surrogate such as \ud800 decodes to it), a NUL character (marked by
 * NUL_MARK, see atlaas_json_parse()), and control characters other than tab,
 * line feed and carriage return. */
static gboolean
check_text (const char  *path,
            const char  *text,
            GError     **error)
{
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_INVALID,
                   "“%s” is not valid UTF-8, as a lone surrogate escape such as "
                   "\\ud800 gives; fix the text", path);
      return FALSE;
    }

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == NUL_MARK)
        {
          g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_INVALID,
                       "“%s” contains a NUL character (\\u0000); remove it", path);
          return FALSE;
        }
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
        {
          g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_INVALID,
                       "“%s” contains the control character U+%04X; remove it",
                       path, c);
          return FALSE;
        }
    }

  return TRUE;
}

/* Reads an optional text member into *out: absent or null gives NULL. Legacy
 * documents may hold HTML and numbers where text is expected. */
static gboolean
read_text (ReadContext  *context,
           JsonObject   *object,
           const char   *member,
           const char   *path_prefix,
           char        **out,
           GError      **error)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *path = g_strconcat (path_prefix, member, NULL);

  *out = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (node_is_string (node))
    {
      if (!check_text (path, json_node_get_string (node), error))
        return FALSE;
      if (context->legacy)
        *out = atlaas_json_html_to_text (json_node_get_string (node));
      else
        *out = g_strdup (json_node_get_string (node));
      return TRUE;
    }

  if (context->legacy && node_is_integer (node))
    {
      *out = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      return TRUE;
    }

  return set_type_error (path, "a string", node, error);
}

static gboolean
read_coordinate (ReadContext  *context,
                 JsonObject   *object,
                 const char   *member,
                 const char   *path,
                 gboolean     *present,
                 double       *value,
                 GError      **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *present = FALSE;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (node_is_number (node))
    {
      *value = json_node_get_double (node);
      *present = TRUE;
      return TRUE;
    }

  if (context->legacy && node_is_string (node))
    {
      const char *text = json_node_get_string (node);
      char *end = NULL;

      *value = g_ascii_strtod (text, &end);
      if (end != text && *end == '\0')
        {
          *present = TRUE;
          return TRUE;
        }
    }

  return set_type_error (path, "a number", node, error);
}

static gboolean
read_string_list (ReadContext  *context,
                  JsonObject   *object,
                  const char   *member,
                  GPtrArray    *out,
                  GError      **error)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  /* The original atlas kept links as one text, one link per line. */
  if (context->legacy && node_is_string (node))
    {
      g_autofree char *text = atlaas_json_html_to_text (json_node_get_string (node));
      g_auto(GStrv) parts = g_strsplit_set (text != NULL ? text : "", " \t\n", -1);

      for (guint i = 0; parts[i] != NULL; i++)
        if (parts[i][0] != '\0')
          g_ptr_array_add (out, g_strdup (parts[i]));
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return set_type_error (member, "an array of strings", node, error);

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!node_is_string (element))
        {
          g_autofree char *path = g_strdup_printf ("%s[%u]", member, i);

          return set_type_error (path, "a string", element, error);
        }
      g_ptr_array_add (out, g_strdup (json_node_get_string (element)));
    }

  return TRUE;
}

static const char *
lookup_service_label (ReadContext *context,
                      const char  *label)
{
  g_autofree char *folded = NULL;

  if (context->taxonomy == NULL || label == NULL)
    return NULL;

  if (context->service_labels == NULL)
    {
      GPtrArray *all = atlaas_taxonomy_get_all (context->taxonomy);

      context->service_labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; i < all->len; i++)
        {
          const AtlaasTheme *theme = g_ptr_array_index (all, i);

          if (theme->level == ATLAAS_THEME_LEVEL_SERVICE)
            g_hash_table_insert (context->service_labels,
                                 atlaas_text_fold (theme->label), theme->id);
        }
    }

  folded = atlaas_text_fold (label);
  return g_hash_table_lookup (context->service_labels, folded);
}

static gboolean
read_services (ReadContext   *context,
               JsonObject    *object,
               AtlaasAction  *action,
               GError       **error)
{
  JsonNode *node = json_object_get_member (object, "services");
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return set_type_error ("services", "an array", node, error);

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *id = NULL;

      if (node_is_string (element))
        {
          id = json_node_get_string (element);
          if (context->taxonomy != NULL
              && atlaas_taxonomy_lookup (context->taxonomy, id) == NULL)
            {
              add_warning (context, "Action “%s”: service id “%s” is not in the "
                           "taxonomy and was dropped", action->id, id);
              continue;
            }
        }
      else if (JSON_NODE_HOLDS_OBJECT (element))
        {
          /* The original atlas's {id_service, axe, enjeu, usage, service}:
           * its service ids were never published, so the label decides. */
          JsonObject *service = json_node_get_object (element);
          JsonNode *label_node = json_object_get_member (service, "service");
          const char *label = NULL;

          if (label_node != NULL && node_is_string (label_node))
            label = json_node_get_string (label_node);

          id = lookup_service_label (context, label);
          if (id == NULL)
            {
              add_warning (context, "Action “%s”: service “%s” matches no service "
                           "label of the taxonomy and was dropped",
                           action->id, label != NULL ? label : "(no label)");
              continue;
            }
        }
      else
        {
          g_autofree char *path = g_strdup_printf ("services[%u]", i);

          return set_type_error (path, "a service id or a service object", element, error);
        }

      if (!g_ptr_array_find_with_equal_func (action->services, id, g_str_equal, NULL))
        g_ptr_array_add (action->services, g_strdup (id));
    }

  return TRUE;
}

static gboolean
read_contacts (ReadContext   *context,
               JsonObject    *object,
               AtlaasAction  *action,
               GError       **error)
{
  JsonNode *node = json_object_get_member (object, "personnes");
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return set_type_error ("personnes", "an array", node, error);

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(AtlaasContact) contact = atlaas_contact_new ();
      g_autofree char *prefix = g_strdup_printf ("personnes[%u].", i);
      JsonObject *person;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_autofree char *path = g_strdup_printf ("personnes[%u]", i);

          return set_type_error (path, "an object", element, error);
        }

      person = json_node_get_object (element);
      if (!read_text (context, person, "nom", prefix, &contact->name, error)
          || !read_text (context, person, "titre", prefix, &contact->role, error)
          || !read_text (context, person, "courriel", prefix, &contact->email, error)
          || !read_text (context, person, "telephone", prefix, &contact->phone, error))
        return FALSE;

      g_ptr_array_add (action->contacts, g_steal_pointer (&contact));
    }

  return TRUE;
}

static void
fill_areas (ReadContext  *context,
            AtlaasAction *action,
            AtlaasPlace  *place)
{
  const char *mapped;

  if (context->gazetteer != NULL && place->insee_code != NULL)
    {
      const AtlaasCommune *commune =
        atlaas_gazetteer_lookup_insee (context->gazetteer, place->insee_code);

      if (commune != NULL)
        {
          g_free (place->departement);
          place->departement = g_strdup (commune->departement);
          g_free (place->region);
          place->region = g_strdup (commune->region);
          return;
        }

      add_warning (context, "Action “%s”: INSEE code “%s” is not a current "
                   "commune; département and région kept as given",
                   action->id, place->insee_code);
    }

  if (place->region == NULL)
    return;

  mapped = atlaas_json_map_legacy_region (place->region);
  if (mapped == NULL)
    add_warning (context, "Action “%s”: région code “%s” is unknown; kept as given",
                 action->id, place->region);
  else if (strcmp (mapped, place->region) != 0)
    {
      g_free (place->region);
      place->region = g_strdup (mapped);
    }
}

static gboolean
read_places (ReadContext   *context,
             JsonObject    *object,
             AtlaasAction  *action,
             GError       **error)
{
  JsonNode *node = json_object_get_member (object, "lieux");
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return set_type_error ("lieux", "an array", node, error);

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(AtlaasPlace) place = atlaas_place_new ();
      g_autofree char *prefix = g_strdup_printf ("lieux[%u].", i);
      g_autofree char *lat_path = g_strconcat (prefix, "lat", NULL);
      g_autofree char *lon_path = g_strconcat (prefix, "lon", NULL);
      g_autofree char *type_label = NULL;
      JsonObject *lieu;
      gboolean has_lat, has_lon;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_autofree char *path = g_strdup_printf ("lieux[%u]", i);

          return set_type_error (path, "an object", element, error);
        }

      lieu = json_node_get_object (element);
      if (!read_text (context, lieu, "nom", prefix, &place->name, error)
          || !read_text (context, lieu, "description", prefix, &place->description, error)
          || !read_text (context, lieu, "type", prefix, &type_label, error)
          || !read_text (context, lieu, "adresse", prefix, &place->address, error)
          || !read_text (context, lieu, "code_postal", prefix, &place->postal_code, error)
          || !read_text (context, lieu, "ville", prefix, &place->town, error)
          || !read_text (context, lieu, "id_insee", prefix, &place->insee_code, error)
          || !read_text (context, lieu, "departement", prefix, &place->departement, error)
          || !read_text (context, lieu, "region", prefix, &place->region, error)
          || !read_text (context, lieu, "telephone", prefix, &place->phone, error)
          || !read_text (context, lieu, "courriel", prefix, &place->email, error)
          || !read_text (context, lieu, "adresse_web", prefix, &place->website, error)
          || !read_coordinate (context, lieu, "lat", lat_path, &has_lat, &place->latitude, error)
          || !read_coordinate (context, lieu, "lon", lon_path, &has_lon, &place->longitude, error))
        return FALSE;

      /* The original atlas also kept the position as location {lat, lon}. */
      if (!has_lat && !has_lon && context->legacy
          && json_object_has_member (lieu, "location")
          && JSON_NODE_HOLDS_OBJECT (json_object_get_member (lieu, "location")))
        {
          JsonObject *location = json_object_get_object_member (lieu, "location");
          g_autofree char *location_lat = g_strconcat (prefix, "location.lat", NULL);
          g_autofree char *location_lon = g_strconcat (prefix, "location.lon", NULL);

          if (!read_coordinate (context, location, "lat", location_lat, &has_lat,
                                &place->latitude, error)
              || !read_coordinate (context, location, "lon", location_lon, &has_lon,
                                   &place->longitude, error))
            return FALSE;
        }

      if (has_lat != has_lon)
        {
          g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_INVALID,
                       "“lieux[%u]” has %s but no %s; give both or neither",
                       i, has_lat ? "lat" : "lon", has_lat ? "lon" : "lat");
          return FALSE;
        }

      if (has_lat
          && (!isfinite (place->latitude) || !isfinite (place->longitude)
              || fabs (place->latitude) > 90 || fabs (place->longitude) > 180))
        {
          g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_INVALID,
                       "“lieux[%u]” has an invalid position (lat %g, lon %g); "
                       "lat must lie in [-90, 90] and lon in [-180, 180]",
                       i, place->latitude, place->longitude);
          return FALSE;
        }
      place->has_position = has_lat;

      if (type_label != NULL
          && !atlaas_place_type_from_label (type_label, &place->type))
        {
          if (!context->legacy)
            {
              g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_INVALID,
                           "“lieux[%u].type” is “%s”; use “%s” or “%s”",
                           i, type_label,
                           atlaas_place_type_to_label (ATLAAS_PLACE_TYPE_TOWN),
                           atlaas_place_type_to_label (ATLAAS_PLACE_TYPE_OTHER));
              return FALSE;
            }
          place->type = ATLAAS_PLACE_TYPE_OTHER;
        }

      fill_areas (context, action, place);
      g_ptr_array_add (action->places, g_steal_pointer (&place));
    }

  return TRUE;
}

static gboolean
read_id (ReadContext  *context,
         JsonObject   *object,
         char        **out,
         GError      **error)
{
  JsonNode *node = json_object_get_member (object, "id");
  const char *member = "id";

  *out = NULL;

  if ((node == NULL || JSON_NODE_HOLDS_NULL (node)) && context->legacy)
    {
      node = json_object_get_member (object, "id_action");
      member = "id_action";
    }

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_INVALID,
                   "The action has no “id”");
      return FALSE;
    }

  if (node_is_integer (node))
    *out = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  else if (node_is_string (node))
    *out = atlaas_text_strip_or_null (json_node_get_string (node));
  else
    return set_type_error (member, "a string", node, error);

  if (*out == NULL)
    {
      g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_INVALID,
                   "The action's “id” is empty");
      return FALSE;
    }

  return TRUE;
}

static gboolean
read_integer (JsonObject  *object,
              const char  *member,
              gint64      *out,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!node_is_integer (node))
    return set_type_error (member, "an integer", node, error);

  *out = json_node_get_int (node);
  if (*out < 0)
    {
      g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_INVALID,
                   "“%s” is %" G_GINT64_FORMAT "; it must not be negative",
                   member, *out);
      return FALSE;
    }

  return TRUE;
}

/* Checks that *DATE is an ISO 8601 YYYY-MM-DD date of the calendar. A French
 * DD/MM/YYYY date is converted to it, with a warning. */
static gboolean
normalize_date (ReadContext  *context,
                char        **date,
                GError      **error)
{
  unsigned int year, month, day;
  char rest;

  if (*date == NULL)
    return TRUE;

  if (sscanf (*date, "%2u/%2u/%4u%c", &day, &month, &year, &rest) == 3
      && strlen (*date) == 10
      && g_date_valid_dmy (day, month, year))
    {
      g_autofree char *iso = g_strdup_printf ("%04u-%02u-%02u", year, month, day);

      if (context->warnings != NULL)
        g_ptr_array_add (context->warnings,
                         g_strdup_printf ("“date” “%s” was converted to %s (YYYY-MM-DD)",
                                          *date, iso));
      g_free (*date);
      *date = g_steal_pointer (&iso);
      return TRUE;
    }

  if (strlen (*date) != 10
      || sscanf (*date, "%4u-%2u-%2u%c", &year, &month, &day, &rest) != 3
      || !g_ascii_isdigit ((*date)[0]) || (*date)[4] != '-' || (*date)[7] != '-'
      || !g_date_valid_dmy (day, month, year))
    {
      g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_INVALID,
                   "“date” “%s” is not a date in the form YYYY-MM-DD, such as 2020-12-31",
                   *date);
      return FALSE;
    }

  return TRUE;
}

static AtlaasAction *
read_action (ReadContext  *context,
             JsonNode     *node,
             GError      **error)
{
  g_autoptr(AtlaasAction) action = atlaas_action_new ();
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_type_error ("action", "an object", node, error);
      return NULL;
    }
  object = json_node_get_object (node);

  if (!read_id (context, object, &action->id, error)
      || !read_integer (object, "revision", &action->revision, error)
      || !read_integer (object, "updated_at", &action->updated_at, error)
      || !read_text (context, object, "status", "", &action->status, error)
      || !read_text (context, object, "source", "", &action->source, error)
      || !read_text (context, object, "titre", "", &action->title, error)
      || !read_text (context, object, "sous_titre", "", &action->subtitle, error)
      || !read_text (context, object, "date", "", &action->date, error)
      || !read_text (context, object, "actions", "", &action->actions, error)
      || !read_text (context, object, "synthese", "", &action->synthesis, error)
      || !read_text (context, object, "outils", "", &action->tools, error)
      || !read_text (context, object, "prestataires", "", &action->providers, error)
      || !read_text (context, object, "recommandations", "", &action->recommendations, error)
      || !read_text (context, object, "resultats", "", &action->results, error)
      || !read_string_list (context, object, "liens", action->links, error)
      || !read_contacts (context, object, action, error)
      || !read_places (context, object, action, error)
      || !read_services (context, object, action, error))
    return NULL;

  if (action->title == NULL || action->title[0] == '\0')
    {
      g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_INVALID,
                   "The action has no “titre”");
      return NULL;
    }

  if (g_utf8_strlen (action->title, -1) > MAX_TITLE_LENGTH)
    {
      g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_INVALID,
                   "“titre” has %ld characters; shorten it to at most %d",
                   g_utf8_strlen (action->title, -1), MAX_TITLE_LENGTH);
      return NULL;
    }

  if (!normalize_date (context, &action->date, error))
    return NULL;

  if (action->status == NULL)
    action->status = g_strdup ("published");
  else if (g_strcmp0 (action->status, "published") != 0
           && g_strcmp0 (action->status, "pending") != 0
           && g_strcmp0 (action->status, "draft") != 0)
    {
      g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_INVALID,
                   "“status” is “%s”; use “published”, “pending” or “draft”",
                   action->status);
      return NULL;
    }

  return g_steal_pointer (&action);
}

static void
add_text_member (JsonBuilder *builder,
                 const char  *member,
                 const char  *value)
{
  if (value == NULL)
    return;

  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

static void
add_string_array (JsonBuilder *builder,
                  const char  *member,
                  GPtrArray   *values)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; i < values->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (values, i));
  json_builder_end_array (builder);
}

static void
build_action (JsonBuilder        *builder,
              const AtlaasAction *action)
{
  json_builder_begin_object (builder);

  add_text_member (builder, "id", action->id);
  json_builder_set_member_name (builder, "revision");
  json_builder_add_int_value (builder, action->revision);
  json_builder_set_member_name (builder, "updated_at");
  json_builder_add_int_value (builder, action->updated_at);
  add_text_member (builder, "status", action->status);
  add_text_member (builder, "source", action->source);
  add_text_member (builder, "titre", action->title);
  add_text_member (builder, "sous_titre", action->subtitle);
  add_text_member (builder, "date", action->date);
  add_text_member (builder, "actions", action->actions);
  add_text_member (builder, "synthese", action->synthesis);
  add_text_member (builder, "outils", action->tools);
  add_text_member (builder, "prestataires", action->providers);
  add_text_member (builder, "recommandations", action->recommendations);
  add_text_member (builder, "resultats", action->results);
  add_string_array (builder, "liens", action->links);

  json_builder_set_member_name (builder, "personnes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < action->contacts->len; i++)
    {
      const AtlaasContact *contact = g_ptr_array_index (action->contacts, i);

      json_builder_begin_object (builder);
      add_text_member (builder, "nom", contact->name);
      add_text_member (builder, "titre", contact->role);
      add_text_member (builder, "courriel", contact->email);
      add_text_member (builder, "telephone", contact->phone);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "lieux");
  json_builder_begin_array (builder);
  for (guint i = 0; i < action->places->len; i++)
    {
      const AtlaasPlace *place = g_ptr_array_index (action->places, i);

      json_builder_begin_object (builder);
      add_text_member (builder, "nom", place->name);
      add_text_member (builder, "description", place->description);
      add_text_member (builder, "type", atlaas_place_type_to_label (place->type));
      add_text_member (builder, "adresse", place->address);
      add_text_member (builder, "code_postal", place->postal_code);
      add_text_member (builder, "ville", place->town);
      add_text_member (builder, "id_insee", place->insee_code);
      add_text_member (builder, "departement", place->departement);
      add_text_member (builder, "region", place->region);
      add_text_member (builder, "telephone", place->phone);
      add_text_member (builder, "courriel", place->email);
      add_text_member (builder, "adresse_web", place->website);
      if (place->has_position)
        {
          json_builder_set_member_name (builder, "lat");
          json_builder_add_double_value (builder, place->latitude);
          json_builder_set_member_name (builder, "lon");
          json_builder_add_double_value (builder, place->longitude);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  add_string_array (builder, "services", action->services);

  json_builder_end_object (builder);
}

static void
append_entity (GString    *out,
               const char *entity,
               gsize       length)
{
  gunichar character = 0;

  if (length >= 2 && entity[0] == '#')
    {
      g_autofree char *number = g_strndup (entity + 1, length - 1);
      char *end = NULL;
      guint64 value;

      if (number[0] == 'x' || number[0] == 'X')
        value = g_ascii_strtoull (number + 1, &end, 16);
      else
        value = g_ascii_strtoull (number, &end, 10);

      if (end != NULL && *end == '\0' && value > 0 && value <= 0x10FFFF)
        character = (gunichar) value;
    }
  else
    {
      for (guint i = 0; i < G_N_ELEMENTS (html_entities); i++)
        if (strlen (html_entities[i].name) == length
            && strncmp (html_entities[i].name, entity, length) == 0)
          {
            character = html_entities[i].character;
            break;
          }
    }

  if (character == 0 || !g_unichar_validate (character))
    {
      /* Not an entity after all: keep the text as written. */
      g_string_append_c (out, '&');
      g_string_append_len (out, entity, length);
      g_string_append_c (out, ';');
      return;
    }

  /* A non-breaking space becomes an ordinary one in plain text. */
  if (character == 0xA0)
    character = ' ';
  g_string_append_unichar (out, character);
}

static void
append_tag (GString    *out,
            const char *tag,
            gsize       length)
{
  g_autofree char *name = NULL;
  gsize start = 0;
  gsize end;

  if (length > 0 && tag[0] == '/')
    start = 1;
  end = start;
  while (end < length && g_ascii_isalnum (tag[end]))
    end++;
  name = g_ascii_strdown (tag + start, end - start);

  if (strcmp (name, "br") == 0)
    g_string_append_c (out, '\n');
  else if (strcmp (name, "p") == 0 || strcmp (name, "div") == 0
           || strcmp (name, "ul") == 0 || strcmp (name, "ol") == 0
           || strcmp (name, "table") == 0
           || (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && name[2] == '\0'))
    g_string_append (out, "\n\n");
  else if (strcmp (name, "li") == 0 && start == 0)
    g_string_append (out, "\n- ");
  else if (strcmp (name, "tr") == 0)
    g_string_append_c (out, '\n');
  else if (strcmp (name, "td") == 0 || strcmp (name, "th") == 0)
    g_string_append_c (out, ' ');
}

/* Collapses runs of spaces, strips each line, and keeps at most one blank
 * line between paragraphs. */
static char *
tidy_whitespace (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);
  guint pending_newlines = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GString) line = g_string_new (NULL);
      gboolean in_space = FALSE;

      for (const char *p = lines[i]; *p != '\0'; p++)
        {
          if (*p == ' ' || *p == '\t' || *p == '\r')
            in_space = TRUE;
          else
            {
              if (in_space && line->len > 0)
                g_string_append_c (line, ' ');
              in_space = FALSE;
              g_string_append_c (line, *p);
            }
        }

      if (line->len == 0)
        {
          pending_newlines++;
          continue;
        }

      if (out->len > 0)
        g_string_append (out, pending_newlines > 0 ? "\n\n" : "\n");
      g_string_append (out, line->str);
      pending_newlines = 0;
    }

  return g_string_free (out, FALSE);
}

JsonNode *
atlaas_json_parse (const char  *data,
                   gssize       length,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *marked = NULL;
  JsonNode *root;

  g_return_val_if_fail (data != NULL, NULL);

  if (length < 0)
    length = strlen (data);

  if (!check_raw_document (data, length, error))
    return NULL;

  /* Replace each \u0000 escape (not an escaped backslash followed by
   * "u0000") with the NUL_MARK escape, \uffff, of the same length. */
  if (g_strstr_len (data, length, "\\u0000") != NULL)
    {
      marked = g_strndup (data, length);
      for (gsize i = 0; i + 6 <= (gsize) length; i++)
        if (marked[i] == '\\')
          {
            if (strncmp (marked + i, "\\u0000", 6) == 0)
              memcpy (marked + i, "\\uffff", 6);
            i++;
          }
      data = marked;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_PARSE,
                   "Not valid JSON: %s", parse_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_PARSE,
                   "Not valid JSON: the document is empty");
      return NULL;
    }

  return json_node_ref (root);
}

JsonNode *
atlaas_json_action_to_node (const AtlaasAction *action)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (action != NULL, NULL);

  build_action (builder, action);
  return json_builder_get_root (builder);
}

AtlaasAction *
atlaas_json_action_from_node (JsonNode        *node,
                              gboolean         legacy,
                              AtlaasTaxonomy  *taxonomy,
                              AtlaasGazetteer *gazetteer,
                              GPtrArray       *warnings,
                              GError         **error)
{
  ReadContext context = { legacy, taxonomy, gazetteer, NULL, warnings };
  AtlaasAction *action;

  g_return_val_if_fail (node != NULL, NULL);

  action = read_action (&context, node, error);
  g_clear_pointer (&context.service_labels, g_hash_table_unref);

  return action;
}

char *
atlaas_json_write_actions (GPtrArray *actions,
                           gboolean   pretty,
                           gsize     *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (actions != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, ATLAAS_JSON_FORMAT_NAME);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, ATLAAS_JSON_FORMAT_VERSION);
  json_builder_set_member_name (builder, "actions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < actions->len; i++)
    build_action (builder, g_ptr_array_index (actions, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, pretty);

  return json_generator_to_data (generator, length);
}

AtlaasJsonReadResult *
atlaas_json_read_actions (JsonNode        *root,
                          AtlaasTaxonomy  *taxonomy,
                          AtlaasGazetteer *gazetteer,
                          GError         **error)
{
  g_autoptr(AtlaasJsonReadResult) result = NULL;
  ReadContext context = { FALSE, taxonomy, gazetteer, NULL, NULL };
  JsonArray *records;

  g_return_val_if_fail (root != NULL, NULL);

  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      context.legacy = TRUE;
      records = json_node_get_array (root);
    }
  else if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      JsonNode *format = json_object_get_member (object, "format");
      JsonNode *version = json_object_get_member (object, "version");
      JsonNode *actions = json_object_get_member (object, "actions");

      if (format == NULL || !node_is_string (format)
          || strcmp (json_node_get_string (format), ATLAAS_JSON_FORMAT_NAME) != 0)
        {
          g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_FORMAT,
                       "The document's “format” is not “%s”; expected an "
                       "Atlaas export or an array of actions",
                       ATLAAS_JSON_FORMAT_NAME);
          return NULL;
        }

      if (version != NULL && !node_is_integer (version))
        {
          g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_FORMAT,
                       "The document's format “version” must be a number, "
                       "such as \"version\": %d", ATLAAS_JSON_FORMAT_VERSION);
          return NULL;
        }

      if (version != NULL && json_node_get_int (version) > ATLAAS_JSON_FORMAT_VERSION)
        {
          g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_FORMAT,
                       "The document's format version is newer than version %d, "
                       "the latest this program reads; update Atlaas to import it",
                       ATLAAS_JSON_FORMAT_VERSION);
          return NULL;
        }

      if (actions == NULL || !JSON_NODE_HOLDS_ARRAY (actions))
        {
          g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_FORMAT,
                       "The document has no “actions” array");
          return NULL;
        }
      records = json_node_get_array (actions);
    }
  else
    {
      g_set_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_FORMAT,
                   "The document is %s; expected an Atlaas export or an "
                   "array of actions", node_type_name (root));
      return NULL;
    }

  result = g_new0 (AtlaasJsonReadResult, 1);
  result->actions = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_action_free);
  result->rejected = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_json_rejection_free);
  result->warnings = g_ptr_array_new_with_free_func (g_free);
  context.warnings = result->warnings;

  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonNode *record = json_array_get_element (records, i);
      g_autoptr(GError) record_error = NULL;
      AtlaasAction *action;

      action = read_action (&context, record, &record_error);
      if (action == NULL)
        {
          g_autofree char *id = NULL;

          if (JSON_NODE_HOLDS_OBJECT (record))
            read_id (&context, json_node_get_object (record), &id, NULL);
          g_ptr_array_add (result->rejected,
                           atlaas_json_rejection_new (i, id, record_error->message));
          continue;
        }

      g_ptr_array_add (result->actions, action);
    }

  g_clear_pointer (&context.service_labels, g_hash_table_unref);

  return g_steal_pointer (&result);
}

void
atlaas_json_read_result_free (AtlaasJsonReadResult *result)
{
  if (result == NULL)
    return;

  g_clear_pointer (&result->actions, g_ptr_array_unref);
  g_clear_pointer (&result->rejected, g_ptr_array_unref);
  g_clear_pointer (&result->warnings, g_ptr_array_unref);
  g_free (result);
}

void
atlaas_json_rejection_free (AtlaasJsonRejection *rejection)
{
  if (rejection == NULL)
    return;

  g_free (rejection->id);
  g_free (rejection->reason);
  g_free (rejection);
}

AtlaasJsonRejection *
atlaas_json_rejection_new (guint       index,
                           const char *id,
                           const char *reason)
{
  AtlaasJsonRejection *rejection = g_new0 (AtlaasJsonRejection, 1);

  rejection->index = index;
  rejection->id = g_strdup (id);
  rejection->reason = g_strdup (reason);

  return rejection;
}

char *
atlaas_json_html_to_text (const char *html)
{
  g_autoptr(GString) out = NULL;
  const char *p;
  char *text;

  if (html == NULL)
    return NULL;

  out = g_string_sized_new (strlen (html));

  for (p = html; *p != '\0'; p++)
    {
      if (*p == '<' && (g_ascii_isalpha (p[1]) || p[1] == '/' || p[1] == '!'))
        {
          const char *close = strchr (p, '>');

          if (close != NULL)
            {
              append_tag (out, p + 1, close - p - 1);
              p = close;
              continue;
            }
        }
      else if (*p == '&')
        {
          const char *semicolon = strchr (p, ';');

          if (semicolon != NULL && semicolon - p > 1 && semicolon - p <= 10)
            {
              gboolean plausible = TRUE;

              for (const char *q = p + 1; q < semicolon; q++)
                if (!g_ascii_isalnum (*q) && *q != '#')
                  plausible = FALSE;

              if (plausible)
                {
                  append_entity (out, p + 1, semicolon - p - 1);
                  p = semicolon;
                  continue;
                }
            }
        }

      g_string_append_c (out, *p);
    }

  text = tidy_whitespace (out->str);
  if (text[0] == '\0')
    g_clear_pointer (&text, g_free);

  return text;
}

const char *
atlaas_json_map_legacy_region (const char *code)
{
  if (code == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (legacy_regions); i++)
    if (strcmp (legacy_regions[i].old_code, code) == 0)
      return legacy_regions[i].new_code;

  for (guint i = 0; i < G_N_ELEMENTS (current_regions); i++)
    if (strcmp (current_regions[i], code) == 0)
      return current_regions[i];

  return NULL;
}
