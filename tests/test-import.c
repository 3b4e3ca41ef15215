/* test-import.c: the importers, on the real Hinaura dataset
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "atlaas-data.h"
#include "atlaas-import.h"

#define HINAURA_RECORDS 687

typedef struct
{
  char *dir;
  AtlaasStore *store;
  AtlaasTaxonomy *taxonomy;
  AtlaasGazetteer *gazetteer;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("atlaas-test-import-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "atlaas.db", NULL);
  fixture->store = atlaas_store_open (path, &error);
  g_assert_no_error (error);
  fixture->taxonomy = atlaas_taxonomy_get_default (&error);
  g_assert_no_error (error);
  fixture->gazetteer = atlaas_gazetteer_get_default (&error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *names[] = { "atlaas.db", "atlaas.db-wal", "atlaas.db-shm", "input.json" };

  g_clear_pointer (&fixture->store, atlaas_store_unref);
  g_clear_pointer (&fixture->taxonomy, atlaas_taxonomy_unref);
  g_clear_pointer (&fixture->gazetteer, atlaas_gazetteer_unref);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *file = g_build_filename (fixture->dir, names[i], NULL);

      g_remove (file);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static char *
hinaura_path (void)
{
  g_autoptr(GError) error = NULL;
  char *path = atlaas_data_find_file ("datasets/lieux-mediation-numerique-hinaura.json", &error);

  g_assert_no_error (error);
  return path;
}

static AtlaasImportReport *
import_text (Fixture     *fixture,
             const char  *text,
             GError     **error)
{
  return atlaas_import_data (fixture->store, text, strlen (text),
                             fixture->taxonomy, fixture->gazetteer, error);
}

static const AtlaasJsonRejection *
rejection_at (AtlaasImportReport *report,
              guint               i)
{
  return g_ptr_array_index (report->rejected, i);
}

static void
test_import_hinaura_real (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = hinaura_path ();
  g_autoptr(AtlaasImportReport) report = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  g_autoptr(AtlaasAction) first = NULL;
  AtlaasPlace *place;

  report = atlaas_import_file (fixture->store, path, fixture->taxonomy,
                               fixture->gazetteer, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report->format, ==, ATLAAS_IMPORT_FORMAT_HINAURA);
  g_assert_cmpuint (report->n_records, ==, HINAURA_RECORDS);
  g_assert_cmpuint (report->n_added, ==, HINAURA_RECORDS);
  g_assert_cmpuint (report->rejected->len, ==, 0);
  g_assert_cmpint (atlaas_store_count_actions (fixture->store, NULL), ==, HINAURA_RECORDS);

  actions = atlaas_store_list_actions (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (actions->len, ==, HINAURA_RECORDS);

  for (guint i = 0; i < actions->len; i++)
    {
      const AtlaasAction *action = g_ptr_array_index (actions, i);
      const AtlaasCommune *commune;

      g_assert_true (g_str_has_prefix (action->id, "hinaura-"));
      g_assert_cmpstr (action->source, ==, "hinaura");
      g_assert_cmpstr (action->status, ==, "published");
      g_assert_cmpint (action->revision, ==, 1);
      g_assert_cmpint (action->updated_at, >, 0);
      g_assert_nonnull (action->title);
      g_assert_true (g_str_has_prefix (action->subtitle, "Lieu de médiation numérique à "));

      g_assert_cmpuint (action->places->len, ==, 1);
      place = g_ptr_array_index (action->places, 0);
      g_assert_true (place->has_position);
      g_assert_nonnull (place->insee_code);
      g_assert_nonnull (place->departement);
      g_assert_nonnull (place->region);

      /* The areas come from the commune's INSEE code. */
      commune = atlaas_gazetteer_lookup_insee (fixture->gazetteer, place->insee_code);
      g_assert_nonnull (commune);
      g_assert_cmpstr (place->departement, ==, commune->departement);
      g_assert_cmpstr (place->region, ==, commune->region);
      g_assert_cmpstr (place->town, ==, commune->name);

      g_assert_cmpuint (action->services->len, >=, 1);
      for (guint k = 0; k < action->services->len; k++)
        g_assert_nonnull (atlaas_taxonomy_lookup (fixture->taxonomy,
                                                  g_ptr_array_index (action->services, k)));
    }

  first = atlaas_store_get_action (fixture->store, "hinaura-0", &error);
  g_assert_no_error (error);
  place = g_ptr_array_index (first->places, 0);
  g_assert_cmpstr (place->name, ==, "MAISON DE SERVICES AU PUBLIC D'ABONDANCE");
  g_assert_cmpstr (first->title, !=, place->name);
  g_assert_cmpstr (place->town, ==, "Abondance");
  g_assert_cmpstr (place->insee_code, ==, "74001");
  g_assert_cmpstr (place->departement, ==, "74");
  g_assert_cmpstr (place->region, ==, "84");
  g_assert_cmpstr (place->description, ==,
                   "Horaires\u00A0: Du mardi au vendredi de 9 h à 12 h et de 14 h à 17 h\u202F; "
                   "le samedi de 9 h à 12 h");
  g_assert_cmpstr (first->date, ==, "2021-05-05");
  g_assert_nonnull (strstr (first->synthesis, "- Seniors (+ 65 ans)"));
  g_assert_nonnull (strstr (first->actions, "- Accéder à une connexion internet"));
  g_assert_true (g_ptr_array_find_with_equal_func (first->services, "2b2-03", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (first->services, "4c1-03", g_str_equal, NULL));
}

static void
test_import_reimport_idempotent (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = hinaura_path ();
  g_autoptr(AtlaasImportReport) first = NULL;
  g_autoptr(AtlaasImportReport) second = NULL;
  g_autoptr(AtlaasImportReport) third = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(AtlaasAction) changed = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *modified = NULL;
  const char *original_name = "\"nom\": \"MAISON DE SERVICES AU PUBLIC D'ABONDANCE\"";
  char *at;

  first = atlaas_import_file (fixture->store, path, fixture->taxonomy, fixture->gazetteer, &error);
  g_assert_no_error (error);
  before = atlaas_store_list_actions (fixture->store, &error);
  g_assert_no_error (error);

  second = atlaas_import_file (fixture->store, path, fixture->taxonomy, fixture->gazetteer, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->n_added, ==, 0);
  g_assert_cmpuint (second->n_updated, ==, 0);
  g_assert_cmpuint (second->n_unchanged, ==, HINAURA_RECORDS);
  g_assert_cmpint (atlaas_store_count_actions (fixture->store, NULL), ==, HINAURA_RECORDS);

  /* Revisions and timestamps included: nothing was rewritten. */
  after = atlaas_store_list_actions (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < after->len; i++)
    g_assert_true (atlaas_action_equal (g_ptr_array_index (after, i),
                                        g_ptr_array_index (before, i)));

  /* One changed record: only it is rewritten, with the next revision. */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  at = strstr (contents, original_name);
  g_assert_nonnull (at);
  modified = g_strdup (contents);
  memcpy (modified + (at - contents), "\"nom\": \"MAISON DE SERVICES AU PUBLIC D'ABONDANCX\"",
          strlen (original_name));

  third = import_text (fixture, modified, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (third->n_updated, ==, 1);
  g_assert_cmpuint (third->n_unchanged, ==, HINAURA_RECORDS - 1);

  changed = atlaas_store_get_action (fixture->store, "hinaura-0", &error);
  g_assert_no_error (error);
  g_assert_cmpint (changed->revision, ==, 2);
  g_assert_cmpstr (((AtlaasPlace *) g_ptr_array_index (changed->places, 0))->name, ==,
                   "MAISON DE SERVICES AU PUBLIC D'ABONDANCX");
}

static void
test_import_invalid_json (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasImportReport) report = NULL;
  g_autoptr(AtlaasImportReport) bad = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "input.json", NULL);
  const char *valid =
    "[{\"id\": \"1\", \"nom\": \"Médiathèque\", \"commune\": \"Annecy\", "
    "\"code_postal\": \"74000\", \"latitude\": 45.9, \"longitude\": 6.12, "
    "\"services\": \"Accéder à du matériel\"}]";
  const char *truncated =
    "[{\"id\": \"1\", \"nom\": \"Autre nom\", \"commune\": \"Annecy\", "
    "\"code_postal\": \"74000\", \"latitude\": 45.9, \"longitude\": 6.12}, {\"id\": ";

  report = import_text (fixture, valid, &error);
  g_assert_no_error (error);
  before = atlaas_store_list_actions (fixture->store, NULL);

  g_assert_true (g_file_set_contents (path, truncated, -1, NULL));
  bad = atlaas_import_file (fixture->store, path, fixture->taxonomy, fixture->gazetteer, &error);
  g_assert_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_PARSE);
  g_assert_null (bad);
  g_assert_nonnull (strstr (error->message, path));

  after = atlaas_store_list_actions (fixture->store, NULL);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_true (atlaas_action_equal (g_ptr_array_index (after, 0), g_ptr_array_index (before, 0)));
}

static void
test_import_partial_rejection (Fixture       *fixture,
                               gconstpointer  data)
{
  const char *document =
    "["
    " {\"id\": \"1\", \"nom\": \"Un\", \"commune\": \"Annecy\", \"code_postal\": \"74000\","
    "  \"latitude\": 45.9, \"longitude\": 6.12, \"services\": \"Accéder à du matériel\"},"
    " {\"id\": \"2\", \"commune\": \"Annecy\", \"code_postal\": \"74000\","
    "  \"latitude\": 45.9, \"longitude\": 6.12},"
    " {\"id\": \"3\", \"nom\": \"Trois\", \"commune\": \"Lyon\", \"code_postal\": \"69003\","
    "  \"latitude\": 45.76, \"longitude\": 4.85, \"telephone\": \"04.78.00.00.00\"},"
    " {\"id\": \"4\", \"nom\": \"Quatre\", \"commune\": \"Lyon\", \"code_postal\": \"69003\","
    "  \"latitude\": \"45.76\", \"longitude\": 4.85},"
    " {\"id\": \"5\", \"nom\": \"Cinq\", \"commune\": \"Nulle-Part-sur-Rien\", \"code_postal\": \"99999\","
    "  \"latitude\": 45.5, \"longitude\": 5.5}"
    "]";
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasImportReport) report = NULL;
  g_autoptr(AtlaasAction) three = NULL;
  g_autoptr(AtlaasAction) five = NULL;
  AtlaasPlace *place;
  gboolean warned = FALSE;

  report = import_text (fixture, document, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report->format, ==, ATLAAS_IMPORT_FORMAT_HINAURA);
  g_assert_cmpuint (report->n_records, ==, 5);
  g_assert_cmpuint (report->n_added, ==, 3);
  g_assert_cmpuint (report->rejected->len, ==, 2);

  g_assert_cmpuint (rejection_at (report, 0)->index, ==, 1);
  g_assert_cmpstr (rejection_at (report, 0)->id, ==, "hinaura-2");
  g_assert_nonnull (strstr (rejection_at (report, 0)->reason, "nom"));
  g_assert_cmpuint (rejection_at (report, 1)->index, ==, 3);
  g_assert_nonnull (strstr (rejection_at (report, 1)->reason, "latitude"));

  g_assert_cmpint (atlaas_store_count_actions (fixture->store, NULL), ==, 3);

  three = atlaas_store_get_action (fixture->store, "hinaura-3", &error);
  g_assert_no_error (error);
  place = g_ptr_array_index (three->places, 0);
  g_assert_cmpstr (place->phone, ==, "04 78 00 00 00");
  g_assert_cmpstr (place->departement, ==, "69");

  /* An unknown commune keeps the place and its position, and is reported. */
  five = atlaas_store_get_action (fixture->store, "hinaura-5", &error);
  g_assert_no_error (error);
  place = g_ptr_array_index (five->places, 0);
  g_assert_true (place->has_position);
  g_assert_null (place->insee_code);
  for (guint i = 0; i < report->warnings->len; i++)
    if (strstr (g_ptr_array_index (report->warnings, i), "hinaura-5") != NULL)
      warned = TRUE;
  g_assert_true (warned);
}

static void
test_import_atlaas_format (Fixture       *fixture,
                           gconstpointer  data)
{
  const char *document =
    "{\"format\": \"atlaas\", \"version\": 1, \"actions\": ["
    " {\"id\": \"a\", \"revision\": 3, \"updated_at\": 1600000000, \"titre\": \"A\","
    "  \"services\": [\"2b2-03\", \"9z9-99\"]},"
    " {\"id\": \"a\", \"revision\": 4, \"titre\": \"A again\"}"
    "]}";
  const char *older =
    "{\"format\": \"atlaas\", \"version\": 1, \"actions\": ["
    " {\"id\": \"a\", \"revision\": 2, \"titre\": \"Old\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasImportReport) report = NULL;
  g_autoptr(AtlaasImportReport) second = NULL;
  g_autoptr(AtlaasAction) action = NULL;

  report = import_text (fixture, document, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report->format, ==, ATLAAS_IMPORT_FORMAT_ATLAAS);
  g_assert_cmpuint (report->n_added, ==, 1);
  g_assert_cmpuint (report->rejected->len, ==, 1);
  g_assert_cmpuint (rejection_at (report, 0)->index, ==, 1);
  g_assert_cmpuint (report->warnings->len, ==, 1);

  action = atlaas_store_get_action (fixture->store, "a", &error);
  g_assert_no_error (error);
  g_assert_cmpint (action->revision, ==, 3);
  g_assert_cmpint (action->updated_at, ==, 1600000000);
  g_assert_cmpuint (action->services->len, ==, 1);

  second = import_text (fixture, older, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->n_unchanged, ==, 1);
  g_clear_pointer (&action, atlaas_action_free);
  action = atlaas_store_get_action (fixture->store, "a", &error);
  g_assert_cmpstr (action->title, ==, "A");
}

static void
test_import_unknown_format (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasImportReport) report = import_text (fixture, "[{\"foo\": 1}]", &error);

  g_assert_error (error, ATLAAS_IMPORT_ERROR, ATLAAS_IMPORT_ERROR_UNKNOWN_FORMAT);
  g_assert_null (report);
}

static void
test_import_opening_hours (void)
{
  const struct
  {
    const char *osm;
    const char *french;
  } cases[] = {
    { "Tu-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00",
      "Du mardi au vendredi de 9 h à 12 h et de 14 h à 17 h\u202F; le samedi de 9 h à 12 h" },
    { "Mo-Fr 08:30-12:00; We off",
      "Le lundi, le mardi, le jeudi et le vendredi de 8 h 30 à 12 h" },
    { "Mo-Fr 09:30-12:00,14:00-17:30; Tu 14:00-17:30",
      "Le lundi et du mercredi au vendredi de 9 h 30 à 12 h et de 14 h à 17 h 30\u202F; "
      "le mardi de 14 h à 17 h 30" },
    { "09:00-12:00", "Du lundi au dimanche de 9 h à 12 h" },
    { "Mo,Tu 09:00-10:00,11:00-12:00,13:00-14:00",
      "Le lundi et le mardi de 9 h à 10 h, de 11 h à 12 h et de 13 h à 14 h" },
    { "Mo-Su off", "Fermé" },
  };
  const char *unparsed[] = {
    "24/7", "Mo-Fr 09:00-12:00; PH off", "Mo 9h-12h", "Xx 09:00-12:00",
    "Mo 25:00-26:00", "Jan-Mar Mo 09:00-12:00",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *french = atlaas_import_format_opening_hours (cases[i].osm);

      g_assert_cmpstr (french, ==, cases[i].french);
    }

  for (guint i = 0; i < G_N_ELEMENTS (unparsed); i++)
    {
      g_autofree char *french = atlaas_import_format_opening_hours (unparsed[i]);

      g_assert_null (french);
    }
}

static void
test_import_crosswalk (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasTaxonomy) taxonomy = atlaas_taxonomy_get_default (&error);
  const char *const *labels = atlaas_import_hinaura_labels ();
  guint n_labels = 0;

  g_assert_no_error (error);

  for (guint i = 0; labels[i] != NULL; i++)
    {
      const char *const *ids = atlaas_import_hinaura_services (labels[i]);

      g_assert_nonnull (ids);
      g_assert_nonnull (ids[0]);
      for (guint k = 0; ids[k] != NULL; k++)
        {
          const AtlaasTheme *theme = atlaas_taxonomy_lookup (taxonomy, ids[k]);

          g_assert_nonnull (theme);
          g_assert_cmpint (theme->level, ==, ATLAAS_THEME_LEVEL_SERVICE);
        }
      n_labels++;
    }

  g_assert_cmpuint (n_labels, ==, 10);
  g_assert_nonnull (atlaas_import_hinaura_services ("ACCÉDER À UNE CONNEXION INTERNET"));
  g_assert_null (atlaas_import_hinaura_services ("Réparer un vélo"));
}

/* Text the importer writes is typeset in French; the place keeps its name. */
static void
test_import_hinaura_typography (Fixture       *fixture,
                                gconstpointer  data)
{
  const char *text =
    "[{\"id\": \"t1\", \"nom\": \"Médiathèque   Louise de Savoie\", "
    "\"commune\": \"Annecy\", \"code_postal\": \"74000\", "
    "\"latitude\": 45.9, \"longitude\": 6.12, \"telephone\": \"0450000000\", "
    "\"conditions_acces\": \"Gratuit\", "
    "\"modalites_accompagnement\": \"A ma place : une personne habilitée fait les "
    "démarches à ma place;Avec de l'aide : je suis accompagné\", "
    "\"horaires\": \"Mo 09:00-12:00; Tu 14:00-17:00\"}]";
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasImportReport) report = import_text (fixture, text, &error);
  g_autoptr(AtlaasAction) action = NULL;
  const AtlaasPlace *place;
  const AtlaasContact *contact;

  g_assert_no_error (error);
  g_assert_cmpuint (report->n_added, ==, 1);

  action = atlaas_store_get_action (fixture->store, "hinaura-t1", &error);
  g_assert_no_error (error);
  place = g_ptr_array_index (action->places, 0);
  contact = g_ptr_array_index (action->contacts, 0);

  g_assert_cmpstr (action->title, ==, "Médiathèque Louise de Savoie");
  g_assert_cmpstr (contact->name, ==, "Médiathèque Louise de Savoie");
  g_assert_cmpstr (place->name, ==, "Médiathèque   Louise de Savoie");
  g_assert_nonnull (strstr (action->actions, "Modalités d’accompagnement\u00A0:"));
  g_assert_nonnull (strstr (action->actions, "- À ma place\u00A0: une personne"));
  g_assert_nonnull (strstr (action->actions, "- Avec de l’aide\u00A0: je suis"));
  g_assert_null (strstr (action->actions, "'"));
  g_assert_nonnull (strstr (action->synthesis, "Conditions d’accès\u00A0:"));
  g_assert_cmpstr (place->description, ==,
                   "Horaires\u00A0: Le lundi de 9 h à 12 h\u202F; le mardi de 14 h à 17 h");
}

/* A record with lost or malformed text is rejected and the others import. */
static void
test_import_invalid_text (Fixture       *fixture,
                          gconstpointer  data)
{
  const char *text =
    "{\"format\": \"atlaas\", \"version\": 1, \"actions\": ["
    " {\"id\": \"nul\", \"titre\": \"avant\\u0000après\"},"
    " {\"id\": \"surrogate\", \"titre\": \"a\\ud800b\"},"
    " {\"id\": \"french-date\", \"titre\": \"T\", \"date\": \"31/12/2020\"},"
    " {\"id\": \"fine\", \"titre\": \"T\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasImportReport) report = import_text (fixture, text, &error);
  g_autoptr(AtlaasAction) converted = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (report->rejected->len, ==, 2);
  g_assert_cmpstr (rejection_at (report, 0)->id, ==, "nul");
  g_assert_nonnull (strstr (rejection_at (report, 0)->reason, "titre"));
  g_assert_cmpstr (rejection_at (report, 1)->id, ==, "surrogate");
  g_assert_cmpuint (report->n_added, ==, 2);

  converted = atlaas_store_get_action (fixture->store, "french-date", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (converted->date, ==, "2020-12-31");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/import/hinaura-real", test_import_hinaura_real);
  ADD ("/import/reimport-idempotent", test_import_reimport_idempotent);
  ADD ("/import/invalid-json", test_import_invalid_json);
  ADD ("/import/partial-rejection", test_import_partial_rejection);
  ADD ("/import/atlaas-format", test_import_atlaas_format);
  ADD ("/import/unknown-format", test_import_unknown_format);
  ADD ("/import/hinaura-typography", test_import_hinaura_typography);
  ADD ("/import/invalid-text", test_import_invalid_text);

#undef ADD

  g_test_add_func ("/import/opening-hours", test_import_opening_hours);
  g_test_add_func ("/import/crosswalk", test_import_crosswalk);

  return g_test_run ();
}
