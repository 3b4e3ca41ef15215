/* atlaas-import.c: importing JSON files of actions into the store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-Core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "atlaas-import.h"
#include "atlaas-text.h"

/* The services of the Hinaura dataset (the ANCT schema of digital
 * mediation places) and the taxonomy services that carry the same
 * meaning. docs/format.md has the same table with the labels. */
typedef struct
{
  const char *label;
  const char *services[4];
} CrosswalkEntry;

static const CrosswalkEntry hinaura_crosswalk[] = {
  /* Public internet access points and public digital spaces. */
  { "Accéder à une connexion internet", { "2b2-03", "4c1-03", NULL } },
  /* Equipment used on the spot in a public digital space. */
  { "Accéder à du matériel", { "4c1-03", "2b2-03", NULL } },
  /* Initiation workshops to digital tools and inclusion actions. */
  { "Prendre en main un ordinateur", { "4a2-01", "2b2-02", NULL } },
  { "Prendre en main un smartphone ou une tablette", { "4a2-01", "2b2-02", NULL } },
  { "Utiliser le numérique au quotidien", { "2b2-02", "4a2-01", NULL } },
  /* Training beyond the basics and critical media education. */
  { "Approfondir ma culture numérique", { "4a2-01", "1c2-02", NULL } },
  /* Critical education, protection of minors, personal data rights. */
  { "Promouvoir la citoyenneté numérique", { "1c2-02", "1c2-01", "1c1-03" } },
  /* Online procedures and information on rights. */
  { "Réaliser des démarches administratives avec un accompagnement", { "1a1-04", "1a1-06", NULL } },
  { "Devenir autonome dans les démarches administratives", { "1a1-04", "2b2-02", NULL } },
  /* Access to personal services (health) and online procedures. */
  { "Accompagner les démarches de santé", { "2a1-03", "1a1-04", NULL } },
};

static const char *const weekday_codes[7] = { "Mo", "Tu", "We", "Th", "Fr", "Sa", "Su" };
static const char *const weekday_names[7] = {
  "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
};

/* Opening hours of one day: minutes since midnight, up to 8 intervals. */
typedef struct
{
  gboolean set;
  guint n_intervals;
  guint start[8];
  guint end[8];
} DayHours;

G_DEFINE_QUARK (atlaas-import-error-quark, atlaas_import_error)

static int
parse_weekday (const char *text)
{
  for (int i = 0; i < 7; i++)
    if (strncmp (text, weekday_codes[i], 2) == 0)
      return i;

  return -1;
}

/* Sets the flags of "Mo-Fr", "Tu,Th" or "We"; returns FALSE for anything else. */
static gboolean
parse_days (const char *text,
            gboolean    days[7])
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = parts[i];
      int first, last;

      if (strlen (part) == 2)
        {
          first = last = parse_weekday (part);
        }
      else if (strlen (part) == 5 && part[2] == '-')
        {
          first = parse_weekday (part);
          last = parse_weekday (part + 3);
        }
      else
        return FALSE;

      if (first < 0 || last < 0)
        return FALSE;

      /* "Sa-Mo" wraps over the end of the week. */
      for (int d = first; ; d = (d + 1) % 7)
        {
          days[d] = TRUE;
          if (d == last)
            break;
        }
    }

  return TRUE;
}

static gboolean
parse_time (const char *text,
            guint      *minutes)
{
  guint hours, mins;

  if (strlen (text) != 5 || text[2] != ':'
      || !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1])
      || !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]))
    return FALSE;

  hours = (text[0] - '0') * 10 + (text[1] - '0');
  mins = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 24 || mins > 59 || (hours == 24 && mins != 0))
    return FALSE;

  *minutes = hours * 60 + mins;
  return TRUE;
}

/* "09:00-12:00,14:00-17:00" or "off". */
static gboolean
parse_intervals (const char *text,
                 DayHours   *hours)
{
  g_auto(GStrv) parts = NULL;

  hours->set = TRUE;
  hours->n_intervals = 0;

  if (strcmp (text, "off") == 0 || strcmp (text, "closed") == 0)
    return TRUE;

  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_auto(GStrv) bounds = g_strsplit (g_strstrip (parts[i]), "-", -1);

      if (g_strv_length (bounds) != 2 || hours->n_intervals == G_N_ELEMENTS (hours->start))
        return FALSE;

      if (!parse_time (bounds[0], &hours->start[hours->n_intervals])
          || !parse_time (bounds[1], &hours->end[hours->n_intervals]))
        return FALSE;

      hours->n_intervals++;
    }

  return hours->n_intervals > 0;
}

static gboolean
day_hours_equal (const DayHours *a,
                 const DayHours *b)
{
  if (a->n_intervals != b->n_intervals)
    return FALSE;

  for (guint i = 0; i < a->n_intervals; i++)
    if (a->start[i] != b->start[i] || a->end[i] != b->end[i])
      return FALSE;

  return TRUE;
}

static void
append_time (GString *out,
             guint    minutes)
{
  g_string_append_printf (out, "%u h", minutes / 60);
  if (minutes % 60 != 0)
    g_string_append_printf (out, " %02u", minutes % 60);
}

/* Joins items as French does: "a", "a et b", "a, b et c". */
static void
append_french_list (GString   *out,
                    GPtrArray *items)
{
  for (guint i = 0; i < items->len; i++)
    {
      if (i > 0)
        g_string_append (out, i == items->len - 1 ? " et " : ", ");
      g_string_append (out, g_ptr_array_index (items, i));
    }
}

/* "le lundi", "du mardi au vendredi", "le lundi, le mardi et le jeudi". */
static void
append_day_set (GString        *out,
                const gboolean  days[7])
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  int d = 0;

  while (d < 7)
    {
      int last;

      if (!days[d])
        {
          d++;
          continue;
        }

      last = d;
      while (last + 1 < 7 && days[last + 1])
        last++;

      if (last - d >= 2)
        g_ptr_array_add (items, g_strdup_printf ("du %s au %s",
                                                 weekday_names[d], weekday_names[last]));
      else
        for (int k = d; k <= last; k++)
          g_ptr_array_add (items, g_strdup_printf ("le %s", weekday_names[k]));

      d = last + 1;
    }

  append_french_list (out, items);
}

static void
append_intervals (GString        *out,
                  const DayHours *hours)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < hours->n_intervals; i++)
    {
      g_autoptr(GString) item = g_string_new ("de ");

      append_time (item, hours->start[i]);
      g_string_append (item, " à ");
      append_time (item, hours->end[i]);
      g_ptr_array_add (items, g_string_free (g_steal_pointer (&item), FALSE));
    }

  append_french_list (out, items);
}

static char *
capitalize_first (char *text)
{
  gunichar first;
  char buffer[8];
  int length;
  char *result;

  if (text == NULL || text[0] == '\0')
    return text;

  first = g_utf8_get_char (text);
  length = g_unichar_to_utf8 (g_unichar_totitle (first), buffer);
  result = g_strdup_printf ("%.*s%s", length, buffer, g_utf8_next_char (text));
  g_free (text);

  return result;
}

static const char *
object_get_string (JsonObject *object,
                   const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* Checks that the optional members are strings when present. Returns the
 * reason for rejecting the record, or NULL. */
static char *
check_hinaura_types (JsonObject *object)
{
  const char *text_members[] = {
    "nom", "services", "commune", "code_postal", "adresse", "telephone",
    "courriel", "site_web", "publics_accueillis", "conditions_acces",
    "modalites_accompagnement", "horaires", "date_maj", "source", "pivot",
  };

  for (guint i = 0; i < G_N_ELEMENTS (text_members); i++)
    {
      JsonNode *node = json_object_get_member (object, text_members[i]);

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return g_strdup_printf ("“%s” must be a string", text_members[i]);
    }

  return NULL;
}

static gboolean
read_hinaura_coordinate (JsonObject *object,
                         const char *member,
                         double     *value)
{
  JsonNode *node = json_object_get_member (object, member);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return FALSE;

  *value = json_node_get_double (node);
  return isfinite (*value);
}

/* Splits "a;b;c" into stripped, non-empty items. */
static GPtrArray *
split_list (const char *text)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) parts = NULL;

  if (text == NULL)
    return items;

  parts = g_strsplit (text, ";", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *item = atlaas_text_strip_or_null (parts[i]);

      if (item != NULL)
        g_ptr_array_add (items, item);
    }

  return items;
}

/* Appends "Heading :\n- a\n- b" as a paragraph, if there are items. */
static void
append_bullet_paragraph (GString    *out,
                         const char *heading,
                         GPtrArray  *items)
{
  if (items->len == 0)
    return;

  if (out->len > 0)
    g_string_append (out, "\n\n");
  g_string_append_printf (out, "%s\u00A0:", heading);
  for (guint i = 0; i < items->len; i++)
    g_string_append_printf (out, "\n- %s", (const char *) g_ptr_array_index (items, i));
}

/* Replaces each run of spaces in TEXT, which it takes, by one space. */
static char *
collapse_spaces (char *text)
{
  char *out = text;

  if (text == NULL)
    return NULL;

  for (const char *p = text; *p != '\0'; p++)
    if (*p != ' ' || out == text || *(out - 1) != ' ')
      *out++ = *p;
  *out = '\0';

  return text;
}

/* Typesets one of the known Hinaura "modalites_accompagnement" values, such
 * as "A ma place : une personne habilitée fait les démarches à ma place", in
 * French: "À", typographic apostrophes and a no-break space before ":".
 * Takes ITEM and returns the new text. */
static char *
typeset_mode (char *item)
{
  g_autoptr(GString) text = g_string_new (item);

  g_free (item);
  if (g_str_has_prefix (text->str, "A ma place"))
    g_string_replace (text, "A", "À", 1);
  g_string_replace (text, "'", "’", 0);
  g_string_replace (text, " : ", "\u00A0: ", 0);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
string_or_null (GString *text)
{
  if (text->len == 0)
    {
      g_string_free (text, TRUE);
      return NULL;
    }

  return g_string_free (text, FALSE);
}

static AtlaasAction *
read_hinaura_record (JsonNode         *node,
                     AtlaasGazetteer  *gazetteer,
                     AtlaasTaxonomy   *taxonomy,
                     char            **id_out,
                     char            **reason,
                     GPtrArray        *unresolved,
                     GPtrArray        *warnings)
{
  g_autoptr(AtlaasAction) action = atlaas_action_new ();
  g_autoptr(AtlaasPlace) place = atlaas_place_new ();
  g_autoptr(GPtrArray) services = NULL;
  g_autoptr(GPtrArray) audiences = NULL;
  g_autoptr(GPtrArray) conditions = NULL;
  g_autoptr(GPtrArray) modes = NULL;
  g_autofree char *name = NULL;
  g_autofree char *commune_text = NULL;
  g_autofree char *hours = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *website = NULL;
  g_autofree char *email = NULL;
  g_autoptr(GError) resolve_error = NULL;
  AtlaasCommuneMatch match = { NULL, ATLAAS_MATCH_EXACT };
  GString *text;
  JsonObject *object;
  JsonNode *id_node;
  double latitude, longitude;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      *reason = g_strdup ("the record is not an object");
      return NULL;
    }
  object = json_node_get_object (node);

  id_node = json_object_get_member (object, "id");
  if (id_node != NULL && JSON_NODE_HOLDS_VALUE (id_node)
      && json_node_get_value_type (id_node) == G_TYPE_STRING
      && json_node_get_string (id_node)[0] != '\0')
    action->id = g_strconcat ("hinaura-", json_node_get_string (id_node), NULL);
  else if (id_node != NULL && JSON_NODE_HOLDS_VALUE (id_node)
           && json_node_get_value_type (id_node) == G_TYPE_INT64)
    action->id = g_strdup_printf ("hinaura-%" G_GINT64_FORMAT, json_node_get_int (id_node));
  else
    {
      *reason = g_strdup ("missing or invalid “id”");
      return NULL;
    }
  *id_out = g_strdup (action->id);

  *reason = check_hinaura_types (object);
  if (*reason != NULL)
    return NULL;

  /* NOTE: Hinaura strings are not passed through the NUL, UTF-8 and control
   * character checks that Atlaas-format records get in atlaas-json.c. */
  name = atlaas_text_strip_or_null (object_get_string (object, "nom"));
  if (name == NULL)
    {
      *reason = g_strdup ("missing name (“nom”)");
      return NULL;
    }

  if (!read_hinaura_coordinate (object, "latitude", &latitude)
      || !read_hinaura_coordinate (object, "longitude", &longitude))
    {
      *reason = g_strdup ("missing or non-numeric “latitude” or “longitude”");
      return NULL;
    }
  if (fabs (latitude) > 90 || fabs (longitude) > 180)
    {
      *reason = g_strdup_printf ("position out of range (latitude %g, longitude %g)",
                                 latitude, longitude);
      return NULL;
    }

  /* Revision 0 and updated_at 0 mean "not given": the merge sets them. */
  action->revision = 0;
  action->status = g_strdup ("published");
  action->source = g_strdup ("hinaura");
  /* The title is tidied from capitals; the place keeps the name as given. */
  action->title = collapse_spaces (atlaas_text_tidy_capitals (name));
  action->date = atlaas_text_strip_or_null (object_get_string (object, "date_maj"));

  /* The place. */
  place->name = g_strdup (name);
  place->type = ATLAAS_PLACE_TYPE_OTHER;
  place->address = atlaas_text_strip_or_null (object_get_string (object, "adresse"));
  place->postal_code = atlaas_text_strip_or_null (object_get_string (object, "code_postal"));
  place->has_position = TRUE;
  place->latitude = latitude;
  place->longitude = longitude;

  commune_text = atlaas_text_strip_or_null (object_get_string (object, "commune"));
  if (atlaas_gazetteer_resolve (gazetteer, commune_text, place->postal_code,
                                TRUE, latitude, longitude, &match, &resolve_error))
    {
      place->town = g_strdup (match.commune->name);
      place->insee_code = g_strdup (match.commune->insee_code);
      place->departement = g_strdup (match.commune->departement);
      place->region = g_strdup (match.commune->region);
    }
  else
    {
      place->town = commune_text != NULL ? atlaas_text_tidy_capitals (commune_text) : NULL;
      g_ptr_array_add (unresolved,
                       g_strdup_printf ("%s (%s %s)", action->id,
                                        commune_text != NULL ? commune_text : "no commune",
                                        place->postal_code != NULL ? place->postal_code : ""));
    }

  phone = atlaas_text_strip_or_null (object_get_string (object, "telephone"));
  if (phone != NULL)
    {
      place->phone = atlaas_text_normalize_phone (phone);
      if (place->phone == NULL)
        place->phone = g_strdup (phone);
    }
  email = atlaas_text_strip_or_null (object_get_string (object, "courriel"));
  place->email = g_strdup (email);
  website = atlaas_text_strip_or_null (object_get_string (object, "site_web"));
  place->website = g_strdup (website);

  hours = atlaas_text_strip_or_null (object_get_string (object, "horaires"));
  if (hours != NULL)
    {
      g_autofree char *rendered = atlaas_import_format_opening_hours (hours);

      place->description = g_strdup_printf ("Horaires\u00A0: %s",
                                            rendered != NULL ? rendered : hours);
    }

  action->subtitle = g_strdup_printf ("Lieu de médiation numérique à %s",
                                      place->town != NULL ? place->town : "une commune inconnue");

  if (website != NULL)
    g_ptr_array_add (action->links, g_strdup (website));

  if (email != NULL || place->phone != NULL)
    {
      AtlaasContact *contact = atlaas_contact_new ();

      contact->name = g_strdup (action->title);
      contact->role = g_strdup ("Accueil");
      contact->email = g_strdup (email);
      contact->phone = g_strdup (place->phone);
      g_ptr_array_add (action->contacts, contact);
    }

  /* Services, through the crosswalk. */
  services = split_list (object_get_string (object, "services"));
  for (guint i = 0; i < services->len; i++)
    {
      const char *label = g_ptr_array_index (services, i);
      const char *const *ids = atlaas_import_hinaura_services (label);

      if (ids == NULL)
        {
          g_ptr_array_add (warnings,
                           g_strdup_printf ("%s: service “%s” is not in the Hinaura "
                                            "crosswalk and has no taxonomy service",
                                            action->id, label));
          continue;
        }

      for (guint k = 0; ids[k] != NULL; k++)
        {
          if (taxonomy != NULL && atlaas_taxonomy_lookup (taxonomy, ids[k]) == NULL)
            {
              g_warning ("Crosswalk service id %s is not in the taxonomy", ids[k]);
              continue;
            }
          if (!g_ptr_array_find_with_equal_func (action->services, ids[k], g_str_equal, NULL))
            g_ptr_array_add (action->services, g_strdup (ids[k]));
        }
    }

  audiences = split_list (object_get_string (object, "publics_accueillis"));
  conditions = split_list (object_get_string (object, "conditions_acces"));
  modes = split_list (object_get_string (object, "modalites_accompagnement"));
  for (guint i = 0; i < modes->len; i++)
    modes->pdata[i] = typeset_mode (modes->pdata[i]);

  text = g_string_new (NULL);
  append_bullet_paragraph (text, "Services proposés", services);
  append_bullet_paragraph (text, "Modalités d’accompagnement", modes);
  action->actions = string_or_null (text);

  text = g_string_new (NULL);
  append_bullet_paragraph (text, "Publics accueillis", audiences);
  append_bullet_paragraph (text, "Conditions d’accès", conditions);
  action->synthesis = string_or_null (text);

  g_ptr_array_add (action->places, g_steal_pointer (&place));

  return g_steal_pointer (&action);
}

typedef enum
{
  DETECTED_NONE,
  DETECTED_ATLAAS,
  DETECTED_HINAURA,
} Detected;

/* Votes over the members of every object record, so that a few bad records
 * at the start do not decide the format. */
static Detected
detect_array_format (JsonArray *records)
{
  const char *hinaura_members[] = { "commune", "pivot", "latitude", "longitude",
                                    "site_web", "horaires", "date_maj" };
  const char *atlaas_members[] = { "titre", "sous_titre", "lieux", "id_action",
                                   "personnes", "synthese" };
  guint hinaura_votes = 0;
  guint atlaas_votes = 0;

  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonNode *node = json_array_get_element (records, i);
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);

      for (guint k = 0; k < G_N_ELEMENTS (hinaura_members); k++)
        if (json_object_has_member (object, hinaura_members[k]))
          hinaura_votes++;
      for (guint k = 0; k < G_N_ELEMENTS (atlaas_members); k++)
        if (json_object_has_member (object, atlaas_members[k]))
          atlaas_votes++;
    }

  if (hinaura_votes == 0 && atlaas_votes == 0)
    return json_array_get_length (records) == 0 ? DETECTED_ATLAAS : DETECTED_NONE;

  return hinaura_votes > atlaas_votes ? DETECTED_HINAURA : DETECTED_ATLAAS;
}

/* Compares everything except revision and updated_at. */
static gboolean
same_content (const AtlaasAction *a,
              const AtlaasAction *b)
{
  g_autoptr(AtlaasAction) copy = atlaas_action_copy (a);

  copy->revision = b->revision;
  copy->updated_at = b->updated_at;

  return atlaas_action_equal (copy, b);
}

/* Decides, for each action read, whether it is new, changed or unchanged,
 * sets revision and updated_at, and writes the new and changed ones. */
static gboolean
merge_into_store (AtlaasStore         *store,
                  GPtrArray           *actions,
                  AtlaasImportReport  *report,
                  GError             **error)
{
  g_autoptr(GPtrArray) to_write = g_ptr_array_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < actions->len; i++)
    {
      AtlaasAction *action = g_ptr_array_index (actions, i);
      g_autoptr(AtlaasAction) existing = NULL;
      g_autoptr(GError) local_error = NULL;
      gboolean has_revision = action->revision > 0;

      existing = atlaas_store_get_action (store, action->id, &local_error);
      if (existing == NULL
          && !g_error_matches (local_error, ATLAAS_STORE_ERROR, ATLAAS_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      if (existing == NULL)
        {
          if (!has_revision)
            action->revision = 1;
          if (action->updated_at == 0)
            action->updated_at = now;
          g_ptr_array_add (to_write, action);
          report->n_added++;
          continue;
        }

      if (has_revision && action->revision < existing->revision)
        {
          g_ptr_array_add (report->warnings,
                           g_strdup_printf ("%s: revision %" G_GINT64_FORMAT " in the file "
                                            "is older than revision %" G_GINT64_FORMAT
                                            " in the store; kept the store's",
                                            action->id, action->revision,
                                            existing->revision));
          report->n_unchanged++;
          continue;
        }

      if (has_revision ? atlaas_action_equal (action, existing)
                       : same_content (action, existing))
        {
          report->n_unchanged++;
          continue;
        }

      if (!has_revision)
        action->revision = existing->revision + 1;
      if (!has_revision || action->updated_at == 0)
        action->updated_at = now;
      g_ptr_array_add (to_write, action);
      report->n_updated++;
    }

  if (to_write->len == 0)
    return TRUE;

  return atlaas_store_put_actions (store, to_write, error);
}

/* Rejects later records that repeat an id, so that one file cannot write
 * the same action twice. */
static void
reject_duplicate_ids (GPtrArray          *actions,
                      GArray             *indices,
                      AtlaasImportReport *report)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < actions->len; )
    {
      AtlaasAction *action = g_ptr_array_index (actions, i);
      guint index = g_array_index (indices, guint, i);
      gpointer first;

      if (g_hash_table_lookup_extended (seen, action->id, NULL, &first))
        {
          g_autofree char *reason =
            g_strdup_printf ("id “%s” repeats the record at index %u",
                             action->id, GPOINTER_TO_UINT (first));

          g_ptr_array_add (report->rejected,
                           atlaas_json_rejection_new (index, action->id, reason));
          g_ptr_array_remove_index (actions, i);
          g_array_remove_index (indices, i);
          continue;
        }

      g_hash_table_insert (seen, action->id, GUINT_TO_POINTER (index));
      i++;
    }
}

static gint
compare_rejections (gconstpointer a,
                    gconstpointer b)
{
  const AtlaasJsonRejection *ra = *(AtlaasJsonRejection **) a;
  const AtlaasJsonRejection *rb = *(AtlaasJsonRejection **) b;

  return (ra->index > rb->index) - (ra->index < rb->index);
}

AtlaasImportReport *
atlaas_import_file (AtlaasStore      *store,
                    const char       *path,
                    AtlaasTaxonomy   *taxonomy,
                    AtlaasGazetteer  *gazetteer,
                    GError          **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  AtlaasImportReport *report;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  report = atlaas_import_data (store, contents, length, taxonomy, gazetteer, error);
  if (report == NULL && error != NULL && strstr ((*error)->message, "<data>") != NULL)
    {
      /* json-glib names an in-memory document "<data>"; name the file. */
      g_auto(GStrv) parts = g_strsplit ((*error)->message, "<data>", -1);

      g_free ((*error)->message);
      (*error)->message = g_strjoinv (path, parts);
    }
  else if (report == NULL)
    g_prefix_error (error, "%s: ", path);

  return report;
}

AtlaasImportReport *
atlaas_import_data (AtlaasStore      *store,
                    const char       *data,
                    gsize             length,
                    AtlaasTaxonomy   *taxonomy,
                    AtlaasGazetteer  *gazetteer,
                    GError          **error)
{
  g_autoptr(AtlaasImportReport) report = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(AtlaasTaxonomy) default_taxonomy = NULL;
  g_autoptr(AtlaasGazetteer) default_gazetteer = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  g_autoptr(GArray) indices = g_array_new (FALSE, FALSE, sizeof (guint));
  Detected detected;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (data != NULL, NULL);

  root = atlaas_json_parse (data, length, error);
  if (root == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_ARRAY (root))
    detected = detect_array_format (json_node_get_array (root));
  else
    detected = DETECTED_ATLAAS;

  if (detected == DETECTED_NONE)
    {
      g_set_error (error, ATLAAS_IMPORT_ERROR, ATLAAS_IMPORT_ERROR_UNKNOWN_FORMAT,
                   "The records have neither Atlaas fields (titre, lieux) nor "
                   "Hinaura fields (nom, commune, latitude); this is not a "
                   "file Atlaas can import");
      return NULL;
    }

  if (taxonomy == NULL)
    {
      default_taxonomy = atlaas_taxonomy_get_default (error);
      if (default_taxonomy == NULL)
        return NULL;
      taxonomy = default_taxonomy;
    }

  if (gazetteer == NULL)
    {
      default_gazetteer = atlaas_gazetteer_get_default (error);
      if (default_gazetteer == NULL)
        return NULL;
      gazetteer = default_gazetteer;
    }

  report = g_new0 (AtlaasImportReport, 1);
  report->rejected = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_json_rejection_free);
  report->warnings = g_ptr_array_new_with_free_func (g_free);

  if (detected == DETECTED_HINAURA)
    {
      JsonArray *records = json_node_get_array (root);
      g_autoptr(GHashTable) rejected_indices = g_hash_table_new (NULL, NULL);

      report->format = ATLAAS_IMPORT_FORMAT_HINAURA;
      report->n_records = json_array_get_length (records);
      actions = atlaas_import_read_hinaura (records, gazetteer, taxonomy,
                                            report->rejected, report->warnings);

      for (guint i = 0; i < report->rejected->len; i++)
        {
          AtlaasJsonRejection *rejection = g_ptr_array_index (report->rejected, i);

          g_hash_table_add (rejected_indices, GUINT_TO_POINTER (rejection->index + 1));
        }
      for (guint i = 0; i < report->n_records; i++)
        if (!g_hash_table_contains (rejected_indices, GUINT_TO_POINTER (i + 1)))
          g_array_append_val (indices, i);
    }
  else
    {
      g_autoptr(AtlaasJsonReadResult) result = NULL;
      g_autoptr(GHashTable) rejected_indices = g_hash_table_new (NULL, NULL);
      guint n_records;

      result = atlaas_json_read_actions (root, taxonomy, gazetteer, error);
      if (result == NULL)
        return NULL;

      report->format = ATLAAS_IMPORT_FORMAT_ATLAAS;
      n_records = result->actions->len + result->rejected->len;
      report->n_records = n_records;
      actions = g_steal_pointer (&result->actions);
      g_ptr_array_extend_and_steal (report->rejected, g_steal_pointer (&result->rejected));
      g_ptr_array_extend_and_steal (report->warnings, g_steal_pointer (&result->warnings));

      for (guint i = 0; i < report->rejected->len; i++)
        {
          AtlaasJsonRejection *rejection = g_ptr_array_index (report->rejected, i);

          g_hash_table_add (rejected_indices, GUINT_TO_POINTER (rejection->index + 1));
        }
      for (guint i = 0; i < n_records; i++)
        if (!g_hash_table_contains (rejected_indices, GUINT_TO_POINTER (i + 1)))
          g_array_append_val (indices, i);
    }

  g_assert (indices->len == actions->len);
  reject_duplicate_ids (actions, indices, report);
  g_ptr_array_sort (report->rejected, compare_rejections);

  if (!merge_into_store (store, actions, report, error))
    return NULL;

  return g_steal_pointer (&report);
}

/* Returns whether atlaas_import_data() would read ROOT as a Hinaura list. */
gboolean
atlaas_import_is_hinaura (JsonNode *root)
{
  g_return_val_if_fail (root != NULL, FALSE);

  return JSON_NODE_HOLDS_ARRAY (root)
         && detect_array_format (json_node_get_array (root)) == DETECTED_HINAURA;
}

void
atlaas_import_report_free (AtlaasImportReport *report)
{
  if (report == NULL)
    return;

  g_clear_pointer (&report->rejected, g_ptr_array_unref);
  g_clear_pointer (&report->warnings, g_ptr_array_unref);
  g_free (report);
}

GPtrArray *
atlaas_import_read_hinaura (JsonArray        *records,
                            AtlaasGazetteer  *gazetteer,
                            AtlaasTaxonomy   *taxonomy,
                            GPtrArray        *rejected,
                            GPtrArray        *warnings)
{
  GPtrArray *actions = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_action_free);
  g_autoptr(GPtrArray) unresolved = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (records != NULL, NULL);
  g_return_val_if_fail (gazetteer != NULL, NULL);
  g_return_val_if_fail (rejected != NULL, NULL);
  g_return_val_if_fail (warnings != NULL, NULL);

  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      g_autofree char *id = NULL;
      g_autofree char *reason = NULL;
      AtlaasAction *action;

      action = read_hinaura_record (json_array_get_element (records, i),
                                    gazetteer, taxonomy, &id, &reason,
                                    unresolved, warnings);
      if (action == NULL)
        {
          g_ptr_array_add (rejected, atlaas_json_rejection_new (i, id, reason));
          continue;
        }

      g_ptr_array_add (actions, action);
    }

  if (unresolved->len > 0)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      g_string_append_printf (line, "%u places kept their position but their commune "
                              "was not found in the gazetteer (no INSEE code, "
                              "département or région): ", unresolved->len);
      for (guint i = 0; i < unresolved->len; i++)
        {
          if (i > 0)
            g_string_append (line, ", ");
          g_string_append (line, g_ptr_array_index (unresolved, i));
        }
      g_ptr_array_add (warnings, g_string_free (g_steal_pointer (&line), FALSE));
    }

  return actions;
}

char *
atlaas_import_format_opening_hours (const char *hours)
{
  DayHours week[7] = { { 0 } };
  gboolean done[7] = { FALSE };
  g_auto(GStrv) rules = NULL;
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (g_free);
  GString *out;

  if (hours == NULL)
    return NULL;

  rules = g_strsplit (hours, ";", -1);
  for (guint i = 0; rules[i] != NULL; i++)
    {
      char *rule = g_strstrip (rules[i]);
      gboolean days[7] = { FALSE };
      const char *times = rule;
      DayHours parsed = { 0 };
      char *space;

      if (rule[0] == '\0')
        continue;

      /* A rule starts with days unless it starts with a time or "off". */
      space = strchr (rule, ' ');
      if (g_ascii_isalpha (rule[0]) && strcmp (rule, "off") != 0)
        {
          if (space == NULL)
            return NULL;
          *space = '\0';
          if (!parse_days (rule, days))
            return NULL;
          times = g_strstrip (space + 1);
        }
      else
        for (int d = 0; d < 7; d++)
          days[d] = TRUE;

      if (!parse_intervals (times, &parsed))
        return NULL;

      for (int d = 0; d < 7; d++)
        if (days[d])
          week[d] = parsed;
    }

  /* One group per distinct set of hours, in the order of its first day. */
  for (int d = 0; d < 7; d++)
    {
      gboolean group_days[7] = { FALSE };
      g_autoptr(GString) group = NULL;

      if (done[d] || !week[d].set || week[d].n_intervals == 0)
        continue;

      for (int e = d; e < 7; e++)
        if (!done[e] && week[e].set && day_hours_equal (&week[d], &week[e]))
          {
            group_days[e] = TRUE;
            done[e] = TRUE;
          }

      group = g_string_new (NULL);
      append_day_set (group, group_days);
      g_string_append_c (group, ' ');
      append_intervals (group, &week[d]);
      g_ptr_array_add (groups, g_string_free (g_steal_pointer (&group), FALSE));
    }

  if (groups->len == 0)
    return g_strdup ("Fermé");

  out = g_string_new (NULL);
  for (guint i = 0; i < groups->len; i++)
    {
      if (i > 0)
        g_string_append (out, "\u202F; ");
      g_string_append (out, g_ptr_array_index (groups, i));
    }

  return capitalize_first (g_string_free (out, FALSE));
}

const char *const *
atlaas_import_hinaura_services (const char *label)
{
  g_autofree char *folded = NULL;

  if (label == NULL)
    return NULL;

  folded = atlaas_text_fold (label);
  for (guint i = 0; i < G_N_ELEMENTS (hinaura_crosswalk); i++)
    {
      g_autofree char *entry = atlaas_text_fold (hinaura_crosswalk[i].label);

      if (g_strcmp0 (entry, folded) == 0)
        return hinaura_crosswalk[i].services;
    }

  return NULL;
}

const char *const *
atlaas_import_hinaura_labels (void)
{
  static const char *labels[G_N_ELEMENTS (hinaura_crosswalk) + 1];

  if (labels[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (hinaura_crosswalk); i++)
      labels[i] = hinaura_crosswalk[i].label;

  return labels;
}
