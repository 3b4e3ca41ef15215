/* atlaas-validate.c: field checks of an action before it is proposed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-Core"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "atlaas-text.h"
#include "atlaas-validate.h"

/* A date more than this many days after today is a typing mistake. */
#define MAX_DAYS_AHEAD 366

/* A position further than this from the commune's approximate centre
 * probably belongs to another commune. Guyane's communes are much larger. */
#define MAX_KM_FROM_COMMUNE 40.0
#define MAX_KM_FROM_COMMUNE_GUYANE 150.0

typedef struct
{
  double latitude;
  double longitude;
} LatLon;

/* Metropolitan France without Corsica, drawn by hand clockwise from Dunkirk
 * about 2–10 km outside the coast and borders. Every commune centre of the
 * bundled gazetteer lies inside it (checked by tests/test-validate.c).
 * NOTE: Geneva and Monaco fall inside, because the border there is too
 * tight for an outline of this size. */
static const LatLon metropole[] = {
  { 51.12, 2.52 },
  { 50.82, 2.95 },
  { 50.80, 3.20 },
  { 50.72, 3.30 },
  { 50.50, 3.70 },
  { 50.33, 4.12 },
  { 50.20, 4.85 },
  { 49.78, 5.00 },
  { 49.55, 5.80 },
  { 49.47, 6.38 },
  { 49.35, 6.60 },
  { 49.25, 6.78 },
  { 49.23, 6.95 },
  { 49.12, 7.10 },
  { 49.15, 7.20 },
  { 49.12, 7.35 },
  { 49.06, 7.65 },
  { 49.06, 7.95 },
  { 48.98, 8.25 },
  { 48.60, 7.85 },
  { 48.00, 7.64 },
  { 47.62, 7.60 },
  { 47.58, 7.56 },
  { 47.48, 7.52 },
  { 47.43, 7.20 },
  { 47.45, 7.05 },
  { 47.30, 6.95 },
  { 47.10, 6.72 },
  { 46.90, 6.45 },
  { 46.72, 6.42 },
  { 46.60, 6.20 },
  { 46.37, 6.18 },
  { 46.28, 6.20 },
  { 46.12, 6.42 },
  { 46.27, 6.24 },
  { 46.36, 6.26 },
  { 46.42, 6.42 },
  { 46.42, 6.85 },
  { 46.05, 7.08 },
  { 45.85, 6.85 },
  { 45.60, 7.05 },
  { 45.10, 6.95 },
  { 44.82, 7.05 },
  { 44.40, 6.95 },
  { 44.15, 7.70 },
  { 43.78, 7.55 },
  { 43.45, 7.20 },
  { 42.98, 6.45 },
  { 43.05, 5.75 },
  { 43.15, 5.30 },
  { 43.30, 4.50 },
  { 43.40, 3.60 },
  { 43.27, 3.45 },
  { 43.05, 3.10 },
  { 42.42, 3.20 },
  { 42.38, 2.60 },
  { 42.40, 2.00 },
  { 42.55, 1.72 },
  { 42.68, 1.40 },
  { 42.72, 0.95 },
  { 42.78, 0.60 },
  { 42.65, 0.00 },
  { 42.80, -0.35 },
  { 42.78, -0.80 },
  { 42.98, -1.00 },
  { 43.00, -1.40 },
  { 43.22, -1.45 },
  { 43.30, -1.60 },
  { 43.35, -1.80 },
  { 43.42, -1.80 },
  { 43.65, -1.55 },
  { 44.60, -1.30 },
  { 45.55, -1.30 },
  { 45.90, -1.50 },
  { 46.20, -1.62 },
  { 46.68, -2.45 },
  { 47.15, -2.65 },
  { 47.28, -3.30 },
  { 47.60, -4.05 },
  { 47.75, -4.45 },
  { 48.02, -4.95 },
  { 48.45, -5.20 },
  { 48.75, -4.15 },
  { 48.90, -3.05 },
  { 48.70, -2.10 },
  { 48.72, -1.65 },
  { 49.30, -1.85 },
  { 49.75, -2.02 },
  { 49.72, -1.15 },
  { 49.40, -0.45 },
  { 49.45, -0.05 },
  { 49.78, 0.12 },
  { 50.00, 1.30 },
  { 50.30, 1.45 },
  { 50.75, 1.50 },
  { 50.95, 1.68 },
  { 51.08, 2.10 },
};

typedef struct
{
  const char *name;
  double south;
  double north;
  double west;
  double east;
} Box;

/* Corsica and the overseas territories, as latitude/longitude boxes around
 * their land. NOTE: the boxes of Guyane and Saint-Martin include a strip of
 * Suriname and the Dutch half of the island. */
static const Box outside_metropole[] = {
  { "Corse", 41.33, 43.05, 8.50, 9.60 },
  { "Guadeloupe", 15.80, 16.55, -61.85, -60.95 },
  { "Martinique", 14.35, 14.90, -61.25, -60.78 },
  { "Guyane", 2.10, 5.80, -54.62, -51.60 },
  { "La Réunion", -21.40, -20.85, 55.20, 55.85 },
  { "Mayotte", -13.05, -12.60, 44.95, 45.35 },
  { "Saint-Pierre-et-Miquelon", 46.70, 47.15, -56.45, -56.10 },
  { "Saint-Barthélemy", 17.85, 17.98, -62.95, -62.78 },
  { "Saint-Martin", 18.00, 18.13, -63.16, -62.96 },
  { "Wallis-et-Futuna", -14.40, -13.15, -178.25, -176.10 },
  { "Polynésie française", -28.00, -7.80, -155.00, -134.00 },
  { "Nouvelle-Calédonie", -22.80, -19.50, 163.50, 168.20 },
  { "Clipperton", 10.25, 10.35, -109.27, -109.17 },
  { "Kerguelen", -50.00, -48.50, 68.50, 70.60 },
  { "Crozet", -46.50, -46.00, 50.00, 52.50 },
  { "Amsterdam et Saint-Paul", -38.80, -37.70, 77.40, 77.70 },
};

/* Arrondissements municipaux and the commune they belong to. */
static const struct
{
  const char *prefix;
  const char *commune;
} arrondissements[] = {
  { "751", "75056" },
  { "6938", "69123" },
  { "132", "13055" },
};

static const char * const french_dialling_codes[] = {
  "+33", "+262", "+269", "+508", "+590", "+594", "+596", "+681", "+687", "+689",
};

static void add_problem (GPtrArray             *problems,
                         AtlaasProblemSeverity  severity,
                         const char            *field,
                         const char            *format,
                         ...) G_GNUC_PRINTF (4, 5);

static void
add_problem (GPtrArray             *problems,
             AtlaasProblemSeverity  severity,
             const char            *field,
             const char            *format,
             ...)
{
  AtlaasProblem *problem = g_new0 (AtlaasProblem, 1);
  va_list args;

  va_start (args, format);
  problem->message = g_strdup_vprintf (format, args);
  va_end (args);

  problem->field = g_strdup (field);
  problem->severity = severity;
  g_ptr_array_add (problems, problem);
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return FALSE;
    }

  return TRUE;
}

static gboolean
has_space (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_isspace (g_utf8_get_char (p)))
        return TRUE;
    }

  return FALSE;
}

/* A host name of at least two labels of letters, digits and inner hyphens,
 * the last one of letters only ("ville-evian.fr", "mairie.paris"). */
static gboolean
is_host_name (const char *host)
{
  g_auto(GStrv) labels = NULL;
  guint n_labels;

  if (host == NULL || *host == '\0' || strlen (host) > 253)
    return FALSE;

  labels = g_strsplit (host, ".", -1);
  n_labels = g_strv_length (labels);
  if (n_labels < 2)
    return FALSE;

  for (guint i = 0; i < n_labels; i++)
    {
      const char *label = labels[i];
      glong length = g_utf8_strlen (label, -1);

      if (length == 0 || length > 63 || label[0] == '-' || label[strlen (label) - 1] == '-')
        return FALSE;

      for (const char *p = label; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if (i == n_labels - 1 && !g_unichar_isalpha (c))
            return FALSE;
          if (!g_unichar_isalnum (c) && c != '-')
            return FALSE;
        }

      if (i == n_labels - 1 && length < 2)
        return FALSE;
    }

  return TRUE;
}

static double
distance_km (double latitude1,
             double longitude1,
             double latitude2,
             double longitude2)
{
  const double earth_radius_km = 6371.0;
  double phi1 = latitude1 * G_PI / 180.0;
  double phi2 = latitude2 * G_PI / 180.0;
  double dphi = phi2 - phi1;
  double dlambda = (longitude2 - longitude1) * G_PI / 180.0;
  double a = sin (dphi / 2) * sin (dphi / 2)
             + cos (phi1) * cos (phi2) * sin (dlambda / 2) * sin (dlambda / 2);

  return 2 * earth_radius_km * asin (MIN (1.0, sqrt (a)));
}

static gboolean
point_in_polygon (const LatLon *polygon,
                  gsize         n_vertices,
                  double        latitude,
                  double        longitude)
{
  gboolean inside = FALSE;

  /* Even-odd rule: count the edges crossed by a ray going west. */
  for (gsize i = 0, j = n_vertices - 1; i < n_vertices; j = i++)
    {
      const LatLon *a = &polygon[i];
      const LatLon *b = &polygon[j];

      if ((a->latitude > latitude) != (b->latitude > latitude))
        {
          double crossing = a->longitude
                            + (latitude - a->latitude) * (b->longitude - a->longitude)
                              / (b->latitude - a->latitude);

          if (longitude < crossing)
            inside = !inside;
        }
    }

  return inside;
}

static gboolean
is_french_dialling_code (const char *phone)
{
  for (guint i = 0; i < G_N_ELEMENTS (french_dialling_codes); i++)
    {
      const char *code = french_dialling_codes[i];
      gsize length = strlen (code);

      if (strncmp (phone, code, length) == 0 && (phone[length] == ' ' || phone[length] == '\0'))
        return TRUE;
    }

  return FALSE;
}

static const AtlaasCommune *
lookup_commune (AtlaasGazetteer *gazetteer,
                const char      *insee_code)
{
  const AtlaasCommune *commune = atlaas_gazetteer_lookup_insee (gazetteer, insee_code);

  if (commune != NULL)
    return commune;

  /* Arrondissements of Paris, Lyon and Marseille, should the gazetteer list
   * only the communes they belong to. */
  for (guint i = 0; i < G_N_ELEMENTS (arrondissements); i++)
    {
      if (g_str_has_prefix (insee_code, arrondissements[i].prefix))
        return atlaas_gazetteer_lookup_insee (gazetteer, arrondissements[i].commune);
    }

  return NULL;
}

static gboolean
commune_has_postal_code (const AtlaasCommune *commune,
                         const char          *postal_code)
{
  if (commune->postal_codes == NULL)
    return FALSE;

  return g_strv_contains ((const char * const *) commune->postal_codes, postal_code);
}

static gboolean
town_matches_commune (const char          *town,
                      const AtlaasCommune *commune)
{
  g_autofree char *folded_town = atlaas_text_fold (town);
  g_autofree char *folded_name = atlaas_text_fold (commune->name);

  if (folded_town == NULL || folded_name == NULL)
    return FALSE;

  /* "Lyon" for "Lyon 3e Arrondissement" and the reverse are fine. */
  return g_str_has_prefix (folded_town, folded_name)
         || g_str_has_prefix (folded_name, folded_town);
}

static void
check_phone (GPtrArray  *problems,
             const char *field,
             const char *phone)
{
  g_autofree char *normalized = NULL;

  if (is_blank (phone))
    return;

  normalized = atlaas_text_normalize_phone (phone);
  if (normalized == NULL)
    {
      add_problem (problems, ATLAAS_PROBLEM_ERROR, field,
                   _("“%s” is not a phone number. Write it as 01 23 45 67 89 or +33 1 23 45 67 89."),
                   phone);
    }
  else if (normalized[0] == '+' && !is_french_dialling_code (normalized))
    {
      add_problem (problems, ATLAAS_PROBLEM_WARNING, field,
                   _("The phone number “%s” is not French. Check its country code."),
                   phone);
    }
}

static void
check_email (GPtrArray  *problems,
             const char *field,
             const char *email)
{
  if (!is_blank (email) && !atlaas_validate_is_email (email))
    add_problem (problems, ATLAAS_PROBLEM_ERROR, field,
                 _("“%s” is not an e-mail address. Write it as name@example.fr."),
                 email);
}

static void
check_web_url (GPtrArray  *problems,
               const char *field,
               const char *url)
{
  if (!is_blank (url) && !atlaas_validate_is_web_url (url))
    add_problem (problems, ATLAAS_PROBLEM_ERROR, field,
                 _("“%s” is not a web address. Write the whole address, starting with https:// or http://."),
                 url);
}

static void
check_text_fields (GPtrArray          *problems,
                   const AtlaasAction *action)
{
  if (is_blank (action->title))
    add_problem (problems, ATLAAS_PROBLEM_ERROR, "titre", _("Enter the title of the action."));

  if (!is_blank (action->subtitle))
    {
      glong length = g_utf8_strlen (action->subtitle, -1);

      if (length > ATLAAS_SUBTITLE_MAX_CHARS)
        add_problem (problems, ATLAAS_PROBLEM_WARNING, "sous_titre",
                     _("The subtitle has %ld characters. Shorten it to %d so that it fits in two lines."),
                     length, ATLAAS_SUBTITLE_MAX_CHARS);
    }

  if (is_blank (action->date))
    {
      add_problem (problems, ATLAAS_PROBLEM_ERROR, "date", _("Enter the date of the action."));
    }
  else if (!atlaas_validate_is_iso_date (action->date))
    {
      add_problem (problems, ATLAAS_PROBLEM_ERROR, "date",
                   _("“%s” is not a date. Write it as YYYY-MM-DD, for example 2024-03-15."),
                   action->date);
    }
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autoptr(GDateTime) limit = g_date_time_add_days (now, MAX_DAYS_AHEAD);
      g_autofree char *limit_text = g_date_time_format (limit, "%Y-%m-%d");

      /* ISO dates compare as strings. */
      if (strcmp (action->date, limit_text) > 0)
        add_problem (problems, ATLAAS_PROBLEM_ERROR, "date",
                     _("The date %s is more than a year ahead. Check the year."),
                     action->date);
    }

  if (is_blank (action->actions))
    add_problem (problems, ATLAAS_PROBLEM_ERROR, "actions",
                 _("Describe what was done in the “Actions” field."));
}

static void
check_links (GPtrArray          *problems,
             const AtlaasAction *action)
{
  for (guint i = 0; action->links != NULL && i < action->links->len; i++)
    {
      const char *link = g_ptr_array_index (action->links, i);
      g_autofree char *field = g_strdup_printf ("liens[%u]", i);

      if (is_blank (link))
        add_problem (problems, ATLAAS_PROBLEM_ERROR, field,
                     _("This link is empty. Enter a web address or remove the link."));
      else
        check_web_url (problems, field, link);
    }
}

static void
check_contacts (GPtrArray          *problems,
                const AtlaasAction *action)
{
  for (guint i = 0; action->contacts != NULL && i < action->contacts->len; i++)
    {
      const AtlaasContact *contact = g_ptr_array_index (action->contacts, i);
      g_autofree char *prefix = g_strdup_printf ("personnes[%u]", i);
      g_autofree char *name_field = g_strconcat (prefix, ".nom", NULL);
      g_autofree char *email_field = g_strconcat (prefix, ".courriel", NULL);
      g_autofree char *phone_field = g_strconcat (prefix, ".telephone", NULL);
      gboolean empty = is_blank (contact->name) && is_blank (contact->role)
                       && is_blank (contact->email) && is_blank (contact->phone);

      if (empty)
        {
          add_problem (problems, ATLAAS_PROBLEM_ERROR, name_field,
                       _("This contact is empty. Fill it in or remove it."));
          continue;
        }

      if (is_blank (contact->name))
        add_problem (problems, ATLAAS_PROBLEM_ERROR, name_field, _("Enter the contact’s name."));

      check_email (problems, email_field, contact->email);
      check_phone (problems, phone_field, contact->phone);
    }
}

/* Checks the département and région given with a place against its commune,
 * because both are derived from the commune's INSEE code. */
static void
check_place_derived_codes (GPtrArray           *problems,
                           const char          *prefix,
                           const AtlaasPlace   *place,
                           const AtlaasCommune *commune)
{
  if (!is_blank (place->departement) && g_strcmp0 (place->departement, commune->departement) != 0)
    {
      g_autofree char *field = g_strconcat (prefix, ".departement", NULL);

      add_problem (problems, ATLAAS_PROBLEM_ERROR, field,
                   _("The département “%s” does not match the commune %s (INSEE code %s), which is in département %s."),
                   place->departement, commune->name, commune->insee_code, commune->departement);
    }

  if (!is_blank (place->region) && g_strcmp0 (place->region, commune->region) != 0)
    {
      g_autofree char *field = g_strconcat (prefix, ".region", NULL);

      add_problem (problems, ATLAAS_PROBLEM_ERROR, field,
                   _("The région “%s” does not match the commune %s (INSEE code %s), which is in région %s."),
                   place->region, commune->name, commune->insee_code, commune->region);
    }
}

/* Returns the start of a " CEDEX" word in TEXT (any case), or NULL. */
static const char *
find_cedex (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if ((p == text || *(p - 1) == ' ')
        && g_ascii_strncasecmp (p, "CEDEX", 5) == 0
        && (p[5] == '\0' || p[5] == ' '))
      return p;

  return NULL;
}

/* Returns whether TEXT is a CEDEX code: five digits, "CEDEX", and an
 * optional office number, such as "69421 CEDEX 03". */
static gboolean
is_cedex_postal_code (const char *text)
{
  g_autofree char *digits = NULL;
  const char *cedex = find_cedex (text);
  const char *rest;

  if (cedex == NULL || cedex - text < 6)
    return FALSE;
  digits = g_strstrip (g_strndup (text, cedex - text));
  if (!atlaas_validate_is_postal_code (digits))
    return FALSE;

  for (rest = cedex + 5; *rest != '\0'; rest++)
    if (!g_ascii_isdigit (*rest) && *rest != ' ')
      return FALSE;

  return TRUE;
}

/* Finds the commune of a place and checks its postal code and town against
 * it; returns NULL when the commune is unknown or not given. */
static const AtlaasCommune *
check_place_commune (GPtrArray         *problems,
                     const char        *prefix,
                     const AtlaasPlace *place,
                     AtlaasGazetteer   *gazetteer)
{
  g_autofree char *postal_field = g_strconcat (prefix, ".code_postal", NULL);
  g_autofree char *insee_field = g_strconcat (prefix, ".id_insee", NULL);
  g_autofree char *town_field = g_strconcat (prefix, ".ville", NULL);
  gboolean postal_ok = FALSE;
  const AtlaasCommune *commune = NULL;
  g_autofree char *cedex_town = NULL;
  const char *town = place->town;

  /* A CEDEX code belongs to a business mail office, not to a commune, so it
   * is not checked against the gazetteer; the town is read without "CEDEX". */
  if (!is_blank (town) && find_cedex (town) != NULL)
    {
      cedex_town = g_strstrip (g_strndup (town, find_cedex (town) - town));
      town = cedex_town;
    }

  if (!is_blank (place->postal_code)
      && (is_cedex_postal_code (place->postal_code) || cedex_town != NULL))
    add_problem (problems, ATLAAS_PROBLEM_WARNING, postal_field,
                 _("“%s” is a CEDEX code. Give the postal code of the commune instead."),
                 place->postal_code);
  else if (!is_blank (place->postal_code))
    {
      postal_ok = atlaas_validate_is_postal_code (place->postal_code);
      if (!postal_ok)
        add_problem (problems, ATLAAS_PROBLEM_ERROR, postal_field,
                     _("The postal code “%s” must have five digits."), place->postal_code);
    }

  if (!is_blank (place->insee_code))
    {
      g_autofree char *departement = atlaas_validate_departement_from_insee (place->insee_code);

      if (departement == NULL)
        {
          add_problem (problems, ATLAAS_PROBLEM_ERROR, insee_field,
                       _("“%s” is not an INSEE commune code. Choose the town in the list."),
                       place->insee_code);
          return NULL;
        }

      if (gazetteer == NULL)
        return NULL;

      commune = lookup_commune (gazetteer, place->insee_code);
      if (commune == NULL)
        {
          add_problem (problems, ATLAAS_PROBLEM_ERROR, insee_field,
                       _("No commune has the INSEE code “%s”. Choose the town in the list."),
                       place->insee_code);
          return NULL;
        }

      if (postal_ok && !commune_has_postal_code (commune, place->postal_code))
        {
          g_autofree char *codes = g_strjoinv (", ", (char **) commune->postal_codes);

          add_problem (problems, ATLAAS_PROBLEM_ERROR, postal_field,
                       _("The postal code “%s” is not one of %s: %s."),
                       place->postal_code, commune->name, codes);
        }

      if (!is_blank (town) && !town_matches_commune (town, commune))
        add_problem (problems, ATLAAS_PROBLEM_WARNING, town_field,
                     _("The town “%s” differs from the commune of INSEE code %s, %s."),
                     town, commune->insee_code, commune->name);

      return commune;
    }

  /* No INSEE code: the town and postal code must find the commune. */
  if (is_blank (town) && is_blank (place->postal_code))
    {
      add_problem (problems, ATLAAS_PROBLEM_ERROR, town_field, _("Enter the town of the place."));
      return NULL;
    }

  if (gazetteer == NULL)
    return NULL;

  if (postal_ok)
    {
      g_autoptr(GPtrArray) communes = atlaas_gazetteer_lookup_postal (gazetteer, place->postal_code);

      if (communes == NULL || communes->len == 0)
        {
          add_problem (problems, ATLAAS_PROBLEM_ERROR, postal_field,
                       _("No commune has the postal code “%s”."), place->postal_code);
          return NULL;
        }
    }

  if (!is_blank (town))
    {
      AtlaasCommuneMatch match = { NULL, ATLAAS_MATCH_EXACT };

      if (!atlaas_gazetteer_resolve (gazetteer, town, postal_ok ? place->postal_code : NULL,
                                     place->has_position, place->latitude, place->longitude,
                                     &match, NULL))
        {
          if (postal_ok)
            add_problem (problems, ATLAAS_PROBLEM_ERROR, town_field,
                         _("No commune “%s” has the postal code %s. Choose the town in the list."),
                         town, place->postal_code);
          else
            add_problem (problems, ATLAAS_PROBLEM_ERROR, town_field,
                         _("No commune is named “%s”. Choose the town in the list."),
                         town);
          return NULL;
        }

      /* The postal code alone chose the commune: the town is another one. */
      if (match.kind == ATLAAS_MATCH_POSTAL_ONLY && postal_ok)
        {
          add_problem (problems, ATLAAS_PROBLEM_ERROR, town_field,
                       _("No commune “%s” has the postal code %s. Choose the town in the list."),
                       town, place->postal_code);
          return NULL;
        }

      if (match.kind == ATLAAS_MATCH_FUZZY)
        add_problem (problems, ATLAAS_PROBLEM_WARNING, town_field,
                     _("The town “%s” is spelt “%s” in the official list of communes."),
                     town, match.commune->name);

      return match.commune;
    }

  return NULL;
}

static void
check_places (GPtrArray          *problems,
              const AtlaasAction *action,
              AtlaasGazetteer    *gazetteer)
{
  guint n_positions = 0;

  if (action->places == NULL || action->places->len == 0)
    {
      add_problem (problems, ATLAAS_PROBLEM_ERROR, "lieux",
                   _("Add at least one place where the action was carried out."));
      return;
    }

  for (guint i = 0; i < action->places->len; i++)
    {
      const AtlaasPlace *place = g_ptr_array_index (action->places, i);
      g_autofree char *prefix = g_strdup_printf ("lieux[%u]", i);
      g_autofree char *position_field = g_strconcat (prefix, ".position", NULL);
      g_autofree char *phone_field = g_strconcat (prefix, ".telephone", NULL);
      g_autofree char *email_field = g_strconcat (prefix, ".courriel", NULL);
      g_autofree char *website_field = g_strconcat (prefix, ".adresse_web", NULL);
      gboolean position_ok = FALSE;
      const AtlaasCommune *commune;

      if (place->has_position)
        {
          n_positions++;

          if (!isfinite (place->latitude) || !isfinite (place->longitude)
              || fabs (place->latitude) > 90.0 || fabs (place->longitude) > 180.0)
            add_problem (problems, ATLAAS_PROBLEM_ERROR, position_field,
                         _("The latitude %g and longitude %g are out of range. Place the marker on the map."),
                         place->latitude, place->longitude);
          else if (!atlaas_validate_is_in_france (place->latitude, place->longitude))
            add_problem (problems, ATLAAS_PROBLEM_ERROR, position_field,
                         _("The position %.5f, %.5f is outside France. Place the marker on the place of the action."),
                         place->latitude, place->longitude);
          else
            position_ok = TRUE;
        }

      commune = check_place_commune (problems, prefix, place, gazetteer);
      if (commune != NULL)
        {
          check_place_derived_codes (problems, prefix, place, commune);

          if (position_ok && commune->has_position)
            {
              double limit = g_str_equal (commune->departement, "973")
                             ? MAX_KM_FROM_COMMUNE_GUYANE : MAX_KM_FROM_COMMUNE;
              double distance = distance_km (place->latitude, place->longitude,
                                             commune->latitude, commune->longitude);

              if (distance > limit)
                add_problem (problems, ATLAAS_PROBLEM_WARNING, position_field,
                             _("The marker is %.0f km away from %s. Check the position or the town."),
                             distance, commune->name);
            }
        }
      else if (gazetteer != NULL && is_blank (place->insee_code) && !is_blank (place->departement)
               && atlaas_gazetteer_lookup_departement (gazetteer, place->departement) == NULL)
        {
          g_autofree char *field = g_strconcat (prefix, ".departement", NULL);

          add_problem (problems, ATLAAS_PROBLEM_ERROR, field,
                       _("“%s” is not a département code."), place->departement);
        }

      check_phone (problems, phone_field, place->phone);
      check_email (problems, email_field, place->email);
      check_web_url (problems, website_field, place->website);
    }

  if (n_positions == 0)
    add_problem (problems, ATLAAS_PROBLEM_ERROR, "lieux[0].position",
                 _("Place the action on the map, or enter its latitude and longitude."));
}

static void
check_services (GPtrArray          *problems,
                const AtlaasAction *action,
                AtlaasTaxonomy     *taxonomy)
{
  g_autoptr(AtlaasTaxonomy) default_taxonomy = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (action->services == NULL || action->services->len == 0)
    {
      add_problem (problems, ATLAAS_PROBLEM_ERROR, "services",
                   _("Choose at least one service that the action provides."));
      return;
    }

  if (taxonomy == NULL)
    {
      g_autoptr(GError) error = NULL;

      default_taxonomy = atlaas_taxonomy_get_default (&error);
      if (default_taxonomy == NULL)
        {
          g_warning ("Services not checked: %s", error->message);
          return;
        }
      taxonomy = default_taxonomy;
    }

  for (guint i = 0; i < action->services->len; i++)
    {
      const char *id = g_ptr_array_index (action->services, i);
      g_autofree char *field = g_strdup_printf ("services[%u]", i);
      const AtlaasTheme *theme = id != NULL ? atlaas_taxonomy_lookup (taxonomy, id) : NULL;

      if (theme == NULL)
        add_problem (problems, ATLAAS_PROBLEM_ERROR, field,
                     _("“%s” is not a service of the atlas. Choose one in the list."),
                     id != NULL ? id : "");
      else if (theme->level != ATLAAS_THEME_LEVEL_SERVICE)
        add_problem (problems, ATLAAS_PROBLEM_ERROR, field,
                     _("“%s” (%s) is a theme, not a service. Choose one of the services under it."),
                     theme->label, id);
      else if (!g_hash_table_add (seen, (gpointer) id))
        add_problem (problems, ATLAAS_PROBLEM_WARNING, field,
                     _("The service “%s” is chosen twice."), theme->label);
    }
}

static void
strip_in_place (char **text)
{
  char *stripped = atlaas_text_strip_or_null (*text);

  g_free (*text);
  *text = stripped;
}

static void
normalize_phone_in_place (char **phone)
{
  char *normalized;

  strip_in_place (phone);
  if (*phone == NULL)
    return;

  normalized = atlaas_text_normalize_phone (*phone);
  if (normalized != NULL)
    {
      g_free (*phone);
      *phone = normalized;
    }
}

void
atlaas_problem_free (AtlaasProblem *problem)
{
  if (problem == NULL)
    return;

  g_free (problem->field);
  g_free (problem->message);
  g_free (problem);
}

GPtrArray *
atlaas_validate_action_full (const AtlaasAction *action,
                             AtlaasGazetteer    *gazetteer,
                             AtlaasTaxonomy     *taxonomy)
{
  GPtrArray *problems;

  g_return_val_if_fail (action != NULL, NULL);

  problems = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_problem_free);

  check_text_fields (problems, action);
  check_links (problems, action);
  check_contacts (problems, action);
  check_places (problems, action, gazetteer);
  check_services (problems, action, taxonomy);

  return problems;
}

GPtrArray *
atlaas_validate_action (const AtlaasAction *action,
                        AtlaasGazetteer    *gazetteer)
{
  return atlaas_validate_action_full (action, gazetteer, NULL);
}

gboolean
atlaas_problems_have_errors (GPtrArray *problems)
{
  g_return_val_if_fail (problems != NULL, FALSE);

  for (guint i = 0; i < problems->len; i++)
    {
      const AtlaasProblem *problem = g_ptr_array_index (problems, i);

      if (problem->severity == ATLAAS_PROBLEM_ERROR)
        return TRUE;
    }

  return FALSE;
}

void
atlaas_validate_normalize_action (AtlaasAction    *action,
                                  AtlaasGazetteer *gazetteer)
{
  g_return_if_fail (action != NULL);

  strip_in_place (&action->title);
  strip_in_place (&action->subtitle);
  strip_in_place (&action->date);
  strip_in_place (&action->actions);
  strip_in_place (&action->synthesis);
  strip_in_place (&action->tools);
  strip_in_place (&action->providers);
  strip_in_place (&action->recommendations);
  strip_in_place (&action->results);

  for (guint i = 0; i < action->links->len; i++)
    strip_in_place ((char **) &action->links->pdata[i]);

  for (guint i = 0; i < action->contacts->len; i++)
    {
      AtlaasContact *contact = g_ptr_array_index (action->contacts, i);

      strip_in_place (&contact->name);
      strip_in_place (&contact->role);
      strip_in_place (&contact->email);
      normalize_phone_in_place (&contact->phone);
    }

  for (guint i = 0; i < action->places->len; i++)
    {
      AtlaasPlace *place = g_ptr_array_index (action->places, i);
      const AtlaasCommune *commune = NULL;

      strip_in_place (&place->name);
      strip_in_place (&place->description);
      strip_in_place (&place->address);
      strip_in_place (&place->postal_code);
      strip_in_place (&place->town);
      strip_in_place (&place->insee_code);
      strip_in_place (&place->departement);
      strip_in_place (&place->region);
      strip_in_place (&place->email);
      strip_in_place (&place->website);
      normalize_phone_in_place (&place->phone);

      if (place->insee_code == NULL)
        continue;

      /* Corsican codes are written "2A004", never "2a004". */
      for (char *p = place->insee_code; *p != '\0'; p++)
        *p = g_ascii_toupper (*p);

      if (gazetteer != NULL)
        commune = lookup_commune (gazetteer, place->insee_code);

      if (commune != NULL)
        {
          g_free (place->departement);
          place->departement = g_strdup (commune->departement);
          g_free (place->region);
          place->region = g_strdup (commune->region);
        }
    }
}

gboolean
atlaas_validate_is_email (const char *text)
{
  const char *at;
  const char *local_specials = "!#$%&'*+/=?^_`{|}~.-";
  gsize local_length;

  if (text == NULL || has_space (text))
    return FALSE;

  at = strchr (text, '@');
  if (at == NULL || strchr (at + 1, '@') != NULL)
    return FALSE;

  local_length = at - text;
  if (local_length == 0 || local_length > 64 || text[0] == '.' || at[-1] == '.')
    return FALSE;

  for (const char *p = text; p < at; p++)
    {
      if (!g_ascii_isalnum (*p) && strchr (local_specials, *p) == NULL)
        return FALSE;
      if (p[0] == '.' && p[1] == '.')
        return FALSE;
    }

  return is_host_name (at + 1);
}

gboolean
atlaas_validate_is_web_url (const char *text)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (text == NULL || has_space (text))
    return FALSE;

  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return FALSE;

  return is_host_name (g_uri_get_host (uri));
}

gboolean
atlaas_validate_is_iso_date (const char *text)
{
  guint year, month, day;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;

  for (guint i = 0; i < 10; i++)
    {
      if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
        return FALSE;
    }

  year = g_ascii_strtoull (text, NULL, 10);
  month = g_ascii_strtoull (text + 5, NULL, 10);
  day = g_ascii_strtoull (text + 8, NULL, 10);

  return year >= 1 && g_date_valid_dmy (day, month, year);
}

gboolean
atlaas_validate_is_postal_code (const char *text)
{
  if (text == NULL || strlen (text) != 5)
    return FALSE;

  for (guint i = 0; i < 5; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
    }

  return TRUE;
}

gboolean
atlaas_validate_is_in_france (double latitude,
                              double longitude)
{
  if (!isfinite (latitude) || !isfinite (longitude))
    return FALSE;

  if (point_in_polygon (metropole, G_N_ELEMENTS (metropole), latitude, longitude))
    return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (outside_metropole); i++)
    {
      const Box *box = &outside_metropole[i];

      if (latitude >= box->south && latitude <= box->north
          && longitude >= box->west && longitude <= box->east)
        return TRUE;
    }

  return FALSE;
}

char *
atlaas_validate_departement_from_insee (const char *insee_code)
{
  if (insee_code == NULL || strlen (insee_code) != 5)
    return NULL;

  for (guint i = 2; i < 5; i++)
    {
      if (!g_ascii_isdigit (insee_code[i]))
        return NULL;
    }

  if (insee_code[0] == '2' && (insee_code[1] == 'A' || insee_code[1] == 'B'))
    return g_strndup (insee_code, 2);

  if (!g_ascii_isdigit (insee_code[0]) || !g_ascii_isdigit (insee_code[1]))
    return NULL;

  /* Overseas codes have a three-digit département: 971–978, 984–989. */
  if (insee_code[0] == '9' && (insee_code[1] == '7' || insee_code[1] == '8'))
    return g_strndup (insee_code, 3);

  if (insee_code[0] == '0' && insee_code[1] == '0')
    return NULL;

  /* 20 was split into 2A and 2B in 1976; no current commune uses it. */
  if (insee_code[0] == '2' && insee_code[1] == '0')
    return NULL;

  return g_strndup (insee_code, 2);
}
