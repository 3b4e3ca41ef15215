/* test-validate.c: field checks of actions, against the bundled gazetteer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "atlaas-data.h"
#include "atlaas-gazetteer.h"
#include "atlaas-taxonomy.h"
#include "atlaas-validate.h"

static AtlaasGazetteer *gazetteer;
static AtlaasTaxonomy *taxonomy;

/* A complete, valid action: a digital service of Lyon's 3rd arrondissement. */
static AtlaasAction *
make_valid_action (void)
{
  AtlaasAction *action = atlaas_action_new ();
  AtlaasPlace *place = atlaas_place_new ();
  AtlaasContact *contact = atlaas_contact_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  action->title = g_strdup ("Espace public numérique de la Part-Dieu");
  action->subtitle = g_strdup ("Ateliers d’initiation pour les seniors");
  action->date = g_date_time_format (now, "%Y-%m-%d");
  action->actions = g_strdup ("Ouverture d’un espace de 12 postes.");

  place->name = g_strdup ("Mairie du 3e");
  place->address = g_strdup ("215 rue Duguesclin");
  place->postal_code = g_strdup ("69003");
  place->town = g_strdup ("Lyon");
  place->insee_code = g_strdup ("69123");
  place->departement = g_strdup ("69");
  place->region = g_strdup ("84");
  place->has_position = TRUE;
  place->latitude = 45.7597;
  place->longitude = 4.8500;
  g_ptr_array_add (action->places, place);

  contact->name = g_strdup ("Marie Dupont");
  contact->role = g_strdup ("Médiatrice numérique");
  g_ptr_array_add (action->contacts, contact);

  g_ptr_array_add (action->services, g_strdup ("1a1-01"));

  return action;
}

static void
replace (char      **slot,
         const char *value)
{
  g_free (*slot);
  *slot = g_strdup (value);
}

static void
set_place_commune (AtlaasPlace *place,
                   const char  *insee_code,
                   const char  *postal_code,
                   const char  *town,
                   const char  *departement,
                   const char  *region,
                   double       latitude,
                   double       longitude)
{
  replace (&place->insee_code, insee_code);
  replace (&place->postal_code, postal_code);
  replace (&place->town, town);
  replace (&place->departement, departement);
  replace (&place->region, region);
  place->has_position = TRUE;
  place->latitude = latitude;
  place->longitude = longitude;
}

/* Applies one change, written "key=value", to the valid action. Keys are the
 * JSON field paths; "liens+" appends a link, "lieux[0].position" takes
 * "lat,lon" or "none", "lieux[0].commune" takes the seven fields of
 * set_place_commune () separated by "|", and "services" a comma list. */
static void
apply_change (AtlaasAction *action,
              const char   *change)
{
  g_auto(GStrv) parts = g_strsplit (change, "=", 2);
  const char *key = parts[0];
  const char *value = parts[1];
  AtlaasPlace *place = g_ptr_array_index (action->places, 0);
  AtlaasContact *contact = g_ptr_array_index (action->contacts, 0);

  if (g_str_equal (key, "titre"))
    replace (&action->title, value);
  else if (g_str_equal (key, "sous_titre"))
    replace (&action->subtitle, value);
  else if (g_str_equal (key, "date"))
    replace (&action->date, value);
  else if (g_str_equal (key, "actions"))
    replace (&action->actions, value);
  else if (g_str_equal (key, "liens+"))
    g_ptr_array_add (action->links, g_strdup (value));
  else if (g_str_equal (key, "personnes[0].nom"))
    replace (&contact->name, value);
  else if (g_str_equal (key, "personnes[0].courriel"))
    replace (&contact->email, value);
  else if (g_str_equal (key, "personnes[0].telephone"))
    replace (&contact->phone, value);
  else if (g_str_equal (key, "personnes+"))
    g_ptr_array_add (action->contacts, atlaas_contact_new ());
  else if (g_str_equal (key, "lieux[0].code_postal"))
    replace (&place->postal_code, value);
  else if (g_str_equal (key, "lieux[0].id_insee"))
    replace (&place->insee_code, value);
  else if (g_str_equal (key, "lieux[0].ville"))
    replace (&place->town, value);
  else if (g_str_equal (key, "lieux[0].departement"))
    replace (&place->departement, value);
  else if (g_str_equal (key, "lieux[0].region"))
    replace (&place->region, value);
  else if (g_str_equal (key, "lieux[0].courriel"))
    replace (&place->email, value);
  else if (g_str_equal (key, "lieux[0].adresse_web"))
    replace (&place->website, value);
  else if (g_str_equal (key, "lieux[0].telephone"))
    replace (&place->phone, value);
  else if (g_str_equal (key, "lieux[0].position"))
    {
      if (g_str_equal (value, "none"))
        {
          place->has_position = FALSE;
        }
      else
        {
          g_auto(GStrv) numbers = g_strsplit (value, ",", 2);

          place->has_position = TRUE;
          place->latitude = g_ascii_strtod (numbers[0], NULL);
          place->longitude = g_ascii_strtod (numbers[1], NULL);
        }
    }
  else if (g_str_equal (key, "lieux[0].commune"))
    {
      g_auto(GStrv) fields = g_strsplit (value, "|", 7);

      g_assert_cmpuint (g_strv_length (fields), ==, 7);
      set_place_commune (place, fields[0], fields[1], fields[2], fields[3], fields[4],
                         g_ascii_strtod (fields[5], NULL), g_ascii_strtod (fields[6], NULL));
    }
  else if (g_str_equal (key, "lieux"))
    g_ptr_array_set_size (action->places, 0);
  else if (g_str_equal (key, "services"))
    {
      g_auto(GStrv) ids = g_strsplit (value, ",", -1);

      g_ptr_array_set_size (action->services, 0);
      for (guint i = 0; ids[i] != NULL; i++)
        {
          if (ids[i][0] != '\0')
            g_ptr_array_add (action->services, g_strdup (ids[i]));
        }
    }
  else
    g_error ("Unknown key in test case: %s", key);
}

typedef struct
{
  const char *name;
  const char *changes[3];      /* applied in order to the valid action */
  const char *field;           /* expected problem's field, or NULL: no problem at all */
  AtlaasProblemSeverity severity;
} ValidateCase;

#define E ATLAAS_PROBLEM_ERROR
#define W ATLAAS_PROBLEM_WARNING

static const ValidateCase cases[] = {
  { "valid action", { NULL }, NULL, E },
  /* Required fields. */
  { "empty title", { "titre=" }, "titre", E },
  { "blank title", { "titre=   " }, "titre", E },
  { "empty date", { "date=" }, "date", E },
  { "empty actions", { "actions=" }, "actions", E },
  { "no place", { "lieux" }, "lieux", E },
  { "place without position", { "lieux[0].position=none" }, "lieux[0].position", E },
  { "no service", { "services=" }, "services", E },
  /* Dates. */
  { "date 30 February", { "date=2024-02-30" }, "date", E },
  { "date 29 February leap", { "date=2024-02-29" }, NULL, E },
  { "date French order", { "date=15/03/2024" }, "date", E },
  { "date month 13", { "date=2023-13-01" }, "date", E },
  { "date far future", { "date=2999-01-01" }, "date", E },
  { "date past", { "date=2009-06-01" }, NULL, E },
  /* Subtitle length. */
  { "subtitle 140 chars",
    { "sous_titre=Un sous-titre de cent quarante caractères exactement, écrit pour tester la limite des deux lignes de la fiche de l’action.   abcdefghijklmno" },
    NULL, E },
  { "subtitle 141 chars",
    { "sous_titre=Un sous-titre de cent quarante caractères exactement, écrit pour tester la limite des deux lignes de la fiche de l’action.   abcdefghijklmnop" },
    "sous_titre", W },
  /* Links. */
  { "link https", { "liens+=https://www.ville-evian.fr/numerique?page=2" }, NULL, E },
  { "link http", { "liens+=http://mairie.paris" }, NULL, E },
  { "link ftp", { "liens+=ftp://ftp.example.fr/file" }, "liens[0]", E },
  { "link without scheme", { "liens+=www.example.fr" }, "liens[0]", E },
  { "link with space", { "liens+=https://exa mple.fr" }, "liens[0]", E },
  { "link empty", { "liens+=" }, "liens[0]", E },
  { "link single label host", { "liens+=http://localhost/" }, "liens[0]", E },
  { "second link bad", { "liens+=https://www.lyon.fr", "liens+=javascript:alert(1)" }, "liens[1]", E },
  /* E-mail addresses. */
  { "email valid", { "personnes[0].courriel=marie.dupont@mairie-lyon.fr" }, NULL, E },
  { "email no domain", { "personnes[0].courriel=marie.dupont@" }, "personnes[0].courriel", E },
  { "email with space", { "personnes[0].courriel=marie dupont@lyon.fr" }, "personnes[0].courriel", E },
  { "email one label", { "personnes[0].courriel=a@b" }, "personnes[0].courriel", E },
  { "email two at", { "personnes[0].courriel=a@b@lyon.fr" }, "personnes[0].courriel", E },
  { "email double dot", { "personnes[0].courriel=marie..dupont@lyon.fr" }, "personnes[0].courriel", E },
  { "place email bad", { "lieux[0].courriel=mairie(at)lyon.fr" }, "lieux[0].courriel", E },
  { "place website bad", { "lieux[0].adresse_web=mairie-lyon.fr" }, "lieux[0].adresse_web", E },
  /* Phone numbers. */
  { "phone spaced", { "personnes[0].telephone=04 72 10 30 30" }, NULL, E },
  { "phone compact", { "personnes[0].telephone=0472103030" }, NULL, E },
  { "phone dotted", { "personnes[0].telephone=04.72.10.30.30" }, NULL, E },
  { "phone +33", { "personnes[0].telephone=+33 4 72 10 30 30" }, NULL, E },
  { "phone Réunion", { "personnes[0].telephone=+262 262 40 20 20" }, NULL, E },
  { "phone Guadeloupe", { "personnes[0].telephone=+590 590 99 39 00" }, NULL, E },
  { "phone Polynésie", { "personnes[0].telephone=+689 40 47 20 00" }, NULL, E },
  { "phone Nouvelle-Calédonie", { "personnes[0].telephone=+687 27 31 15" }, NULL, E },
  { "phone foreign", { "personnes[0].telephone=+44 20 7946 0958" }, "personnes[0].telephone", W },
  { "phone too short", { "personnes[0].telephone=12345" }, "personnes[0].telephone", E },
  { "phone letters", { "lieux[0].telephone=mairie" }, "lieux[0].telephone", E },
  /* Contacts. */
  { "contact without name", { "personnes[0].nom=", "personnes[0].courriel=a@lyon.fr" }, "personnes[0].nom", E },
  { "contact empty", { "personnes+" }, "personnes[1].nom", E },
  /* Postal codes, INSEE codes, départements and régions. */
  { "postal code 4 digits", { "lieux[0].code_postal=6900" }, "lieux[0].code_postal", E },
  { "postal code of Paris in Lyon", { "lieux[0].code_postal=75001" }, "lieux[0].code_postal", E },
  { "postal code CEDEX", { "lieux[0].code_postal=69421 CEDEX 03" }, "lieux[0].code_postal", W },
  { "postal code CEDEX no number", { "lieux[0].code_postal=69421 cedex" }, "lieux[0].code_postal", W },
  { "postal code CEDEX in town", { "lieux[0].code_postal=69421", "lieux[0].ville=Lyon CEDEX 03" },
    "lieux[0].code_postal", W },
  { "postal code CEDEX no INSEE", { "lieux[0].id_insee=", "lieux[0].code_postal=69421",
                                    "lieux[0].ville=Lyon Cedex" }, "lieux[0].code_postal", W },
  { "postal code CEDEX with letters", { "lieux[0].code_postal=69421 CEDEX X" }, "lieux[0].code_postal", E },
  { "département from postal code", { "lieux[0].departement=75" }, "lieux[0].departement", E },
  { "legacy région", { "lieux[0].region=82" }, "lieux[0].region", E },
  { "unknown INSEE code", { "lieux[0].id_insee=99999" }, "lieux[0].id_insee", E },
  { "malformed INSEE code", { "lieux[0].id_insee=ABCDE" }, "lieux[0].id_insee", E },
  { "town differs from INSEE", { "lieux[0].ville=Villeurbanne" }, "lieux[0].ville", W },
  { "Ajaccio 2A", { "lieux[0].commune=2A004|20000|Ajaccio|2A|94|41.9189|8.7381" }, NULL, E },
  { "Ajaccio département 20", { "lieux[0].commune=2A004|20000|Ajaccio|20|94|41.9189|8.7381" },
    "lieux[0].departement", E },
  { "Bastia 2B", { "lieux[0].commune=2B033|20200|Bastia|2B|94|42.7028|9.45" }, NULL, E },
  { "Bastia said 2A", { "lieux[0].commune=2B033|20200|Bastia|2A|94|42.7028|9.45" },
    "lieux[0].departement", E },
  { "Saint-Denis Réunion", { "lieux[0].commune=97411|97400|Saint-Denis|974|04|-20.8823|55.4504" }, NULL, E },
  { "Saint-Denis département 97", { "lieux[0].commune=97411|97400|Saint-Denis|97|04|-20.8823|55.4504" },
    "lieux[0].departement", E },
  { "Saint-Barthélemy 977", { "lieux[0].commune=97701|97133|Saint-Barthélemy|977|977|17.8967|-62.8500" }, NULL, E },
  { "Saint-Martin 978", { "lieux[0].commune=97801|97150|Saint-Martin|978|978|18.0680|-63.0830" }, NULL, E },
  { "Saint-Martin said 971", { "lieux[0].commune=97801|97150|Saint-Martin|971|978|18.0680|-63.0830" },
    "lieux[0].departement", E },
  { "Mayotte Dzaoudzi", { "lieux[0].commune=97608|97615|Dzaoudzi|976|06|-12.7834|45.2569" }, NULL, E },
  { "Guyane Cayenne", { "lieux[0].commune=97302|97300|Cayenne|973|03|4.9333|-52.3333" }, NULL, E },
  { "Martinique", { "lieux[0].commune=97209|97200|Fort-de-France|972|02|14.6037|-61.0742" }, NULL, E },
  { "Guadeloupe", { "lieux[0].commune=97105|97100|Basse-Terre|971|01|15.9971|-61.7321" }, NULL, E },
  { "Paris 15e arrondissement", { "lieux[0].commune=75115|75015|Paris|75|11|48.8412|2.3003" }, NULL, E },
  { "Lyon 3e arrondissement", { "lieux[0].commune=69383|69003|Lyon|69|84|45.7597|4.85" }, NULL, E },
  { "Marseille 1er arrondissement", { "lieux[0].commune=13201|13001|Marseille|13|93|43.2981|5.3841" }, NULL, E },
  { "Marseille 1er wrong postal", { "lieux[0].commune=13201|13008|Marseille|13|93|43.2981|5.3841" },
    "lieux[0].code_postal", E },
  { "town and postal code only", { "lieux[0].id_insee=", "lieux[0].departement=", "lieux[0].region=" }, NULL, E },
  { "town not at postal code", { "lieux[0].id_insee=", "lieux[0].ville=Brest" }, "lieux[0].ville", E },
  { "unknown postal code", { "lieux[0].id_insee=", "lieux[0].code_postal=00000" }, "lieux[0].code_postal", E },
  { "no town at all", { "lieux[0].id_insee=", "lieux[0].ville=", "lieux[0].code_postal=" }, "lieux[0].ville", E },
  /* Positions. */
  { "position sea off Brittany", { "lieux[0].position=48.0,-6.0" }, "lieux[0].position", E },
  { "position Bay of Biscay", { "lieux[0].position=46.0,-3.0" }, "lieux[0].position", E },
  { "position Madrid", { "lieux[0].position=40.4168,-3.7038" }, "lieux[0].position", E },
  { "position Barcelona", { "lieux[0].position=41.3874,2.1686" }, "lieux[0].position", E },
  { "position San Sebastián", { "lieux[0].position=43.3183,-1.9812" }, "lieux[0].position", E },
  { "position Brussels", { "lieux[0].position=50.8503,4.3517" }, "lieux[0].position", E },
  { "position Jersey", { "lieux[0].position=49.2138,-2.1358" }, "lieux[0].position", E },
  { "position Sardinia", { "lieux[0].position=40.9,9.1" }, "lieux[0].position", E },
  { "position latitude 100", { "lieux[0].position=100,4" }, "lieux[0].position", E },
  { "position null island", { "lieux[0].position=0,0" }, "lieux[0].position", E },
  { "position far from commune", { "lieux[0].position=48.3903,-4.4863" }, "lieux[0].position", W },
  /* Services. */
  { "service unknown", { "services=9z9-99" }, "services[0]", E },
  { "service is an enjeu", { "services=1a" }, "services[0]", E },
  { "service twice", { "services=1a1-01,1a1-01" }, "services[1]", W },
  { "two services", { "services=1a1-01,1a1-02" }, NULL, E },
};

static char *
describe_problems (GPtrArray *problems)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < problems->len; i++)
    {
      const AtlaasProblem *problem = g_ptr_array_index (problems, i);

      g_string_append_printf (text, "\n  %s [%s] %s", problem->field,
                              problem->severity == ATLAAS_PROBLEM_ERROR ? "error" : "warning",
                              problem->message);
    }

  return g_string_free (text, FALSE);
}

static void
test_validate_case (gconstpointer data)
{
  const ValidateCase *test_case = data;
  g_autoptr(AtlaasAction) action = make_valid_action ();
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *description = NULL;
  gboolean found = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (test_case->changes) && test_case->changes[i] != NULL; i++)
    apply_change (action, test_case->changes[i]);

  problems = atlaas_validate_action_full (action, gazetteer, taxonomy);
  description = describe_problems (problems);
  g_test_message ("%s:%s", test_case->name, description);

  if (test_case->field == NULL)
    {
      if (problems->len != 0)
        g_test_fail_printf ("expected no problem, got:%s", description);
      return;
    }

  for (guint i = 0; i < problems->len; i++)
    {
      const AtlaasProblem *problem = g_ptr_array_index (problems, i);

      g_assert_nonnull (problem->message);
      g_assert_cmpstr (problem->message, !=, "");

      if (g_str_equal (problem->field, test_case->field))
        {
          found = TRUE;
          g_assert_cmpint (problem->severity, ==, test_case->severity);
        }
      else if (problem->severity == ATLAAS_PROBLEM_ERROR)
        {
          /* One change must not cause errors elsewhere. */
          g_test_fail_printf ("unexpected error on %s:%s", problem->field, description);
        }
    }

  if (!found)
    g_test_fail_printf ("no problem on %s, got:%s", test_case->field, description);

  g_assert_cmpint (atlaas_problems_have_errors (problems), ==,
                   test_case->severity == ATLAAS_PROBLEM_ERROR);
}

static void
test_validate_departement_from_insee (void)
{
  const struct { const char *insee; const char *departement; } table[] = {
    { "69123", "69" }, { "01004", "01" }, { "2A004", "2A" }, { "2B033", "2B" },
    { "97411", "974" }, { "97105", "971" }, { "97608", "976" }, { "97701", "977" },
    { "97801", "978" }, { "98818", "988" }, { "75115", "75" }, { "13201", "13" },
    { "20004", NULL }, { "2C004", NULL }, { "6912", NULL }, { "00123", NULL },
    { "ABCDE", NULL }, { "691234", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autofree char *departement = atlaas_validate_departement_from_insee (table[i].insee);

      g_assert_cmpstr (departement, ==, table[i].departement);
    }
}

/* Every commune centre of the gazetteer is in France, so that the outline
 * never rejects a real place. */
static void
test_validate_communes_in_france (void)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  guint n_checked = 0;

  path = atlaas_data_find_file ("communes.tsv", &error);
  g_assert_no_error (error);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", -1);

      if (g_strv_length (fields) < 10 || fields[0][0] == '#' || fields[8][0] == '\0')
        continue;

      if (!atlaas_validate_is_in_france (g_ascii_strtod (fields[8], NULL),
                                         g_ascii_strtod (fields[9], NULL)))
        g_test_fail_printf ("%s %s at %s, %s is outside France", fields[1], fields[2],
                            fields[8], fields[9]);
      n_checked++;
    }

  g_assert_cmpuint (n_checked, >, 8000);
}

static void
test_validate_normalize (void)
{
  g_autoptr(AtlaasAction) action = make_valid_action ();
  AtlaasPlace *place = g_ptr_array_index (action->places, 0);
  AtlaasContact *contact = g_ptr_array_index (action->contacts, 0);
  g_autoptr(GPtrArray) problems = NULL;

  replace (&action->title, "  Titre  ");
  replace (&contact->phone, "0472103030");
  replace (&place->phone, "+33 (0)4 95 51 52 53");
  replace (&place->insee_code, "2a004");
  replace (&place->postal_code, "20000");
  replace (&place->town, "Ajaccio");
  replace (&place->departement, "20");
  replace (&place->region, NULL);
  place->latitude = 41.9189;
  place->longitude = 8.7381;

  atlaas_validate_normalize_action (action, gazetteer);

  g_assert_cmpstr (action->title, ==, "Titre");
  g_assert_cmpstr (contact->phone, ==, "04 72 10 30 30");
  g_assert_cmpstr (place->phone, ==, "04 95 51 52 53");
  g_assert_cmpstr (place->insee_code, ==, "2A004");
  g_assert_cmpstr (place->departement, ==, "2A");
  g_assert_cmpstr (place->region, ==, "94");

  problems = atlaas_validate_action_full (action, gazetteer, taxonomy);
  g_assert_cmpuint (problems->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* Messages stay in their English msgids whatever the machine's locale. */
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  gazetteer = atlaas_gazetteer_get_default (&error);
  g_assert_no_error (error);
  taxonomy = atlaas_taxonomy_get_default (&error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/validate/case/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_validate_case);
    }
  g_test_add_func ("/validate/departement-from-insee", test_validate_departement_from_insee);
  g_test_add_func ("/validate/communes-in-france", test_validate_communes_in_france);
  g_test_add_func ("/validate/normalize", test_validate_normalize);

  status = g_test_run ();

  atlaas_gazetteer_unref (gazetteer);
  atlaas_taxonomy_unref (taxonomy);

  return status;
}
