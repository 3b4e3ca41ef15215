/* test-gazetteer.c: the bundled gazetteer and the commune resolver
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "atlaas-data.h"
#include "atlaas-gazetteer.h"

static AtlaasGazetteer *
load_default (void)
{
  g_autoptr(GError) error = NULL;
  AtlaasGazetteer *gazetteer = atlaas_gazetteer_get_default (&error);

  g_assert_no_error (error);
  g_assert_nonnull (gazetteer);
  return gazetteer;
}

typedef struct
{
  const char *town;
  const char *postal_code;
  const char *expected_insee_code;
  AtlaasMatchKind expected_kind;
} ResolveCase;

static void
check_resolve_cases (const ResolveCase *cases,
                     guint              n_cases)
{
  g_autoptr(AtlaasGazetteer) gazetteer = load_default ();

  for (guint i = 0; i < n_cases; i++)
    {
      g_autoptr(GError) error = NULL;
      AtlaasCommuneMatch match;
      gboolean resolved;

      resolved = atlaas_gazetteer_resolve (gazetteer, cases[i].town, cases[i].postal_code,
                                           FALSE, 0.0, 0.0, &match, &error);
      if (!resolved)
        g_error ("“%s” %s did not resolve: %s", cases[i].town,
                 cases[i].postal_code ? cases[i].postal_code : "", error->message);

      g_assert_no_error (error);
      g_assert_nonnull (match.commune);
      if (!g_str_equal (match.commune->insee_code, cases[i].expected_insee_code))
        g_error ("“%s” %s resolved to %s %s, expected %s", cases[i].town,
                 cases[i].postal_code ? cases[i].postal_code : "",
                 match.commune->insee_code, match.commune->name, cases[i].expected_insee_code);
      if (match.kind != cases[i].expected_kind)
        g_error ("“%s” %s resolved with match kind %d, expected %d", cases[i].town,
                 cases[i].postal_code ? cases[i].postal_code : "",
                 match.kind, cases[i].expected_kind);
    }
}

static void
test_gazetteer_lookup (void)
{
  g_autoptr(AtlaasGazetteer) gazetteer = load_default ();
  const AtlaasCommune *ajaccio = atlaas_gazetteer_lookup_insee (gazetteer, "2A004");
  const AtlaasCommune *saint_denis = atlaas_gazetteer_lookup_insee (gazetteer, "97411");
  const AtlaasDepartement *corse_du_sud = atlaas_gazetteer_lookup_departement (gazetteer, "2A");
  const AtlaasRegion *region = atlaas_gazetteer_lookup_region (gazetteer, "84");
  g_autoptr(GPtrArray) postal = atlaas_gazetteer_lookup_postal (gazetteer, "20000");
  g_autoptr(GPtrArray) nothing = atlaas_gazetteer_lookup_postal (gazetteer, "00000");

  g_assert_nonnull (ajaccio);
  g_assert_cmpstr (ajaccio->name, ==, "Ajaccio");
  g_assert_cmpstr (ajaccio->departement, ==, "2A");
  g_assert_cmpstr (ajaccio->region, ==, "94");
  g_assert_true (g_strv_contains (ajaccio->postal_codes, "20000"));
  g_assert_cmpuint (ajaccio->population, >, 50000);
  g_assert_true (ajaccio->has_position);
  g_assert_cmpfloat_with_epsilon (ajaccio->latitude, 41.92, 0.05);
  g_assert_cmpfloat_with_epsilon (ajaccio->longitude, 8.74, 0.05);

  g_assert_nonnull (saint_denis);
  g_assert_cmpstr (saint_denis->name, ==, "Saint-Denis");
  g_assert_cmpstr (saint_denis->departement, ==, "974");
  g_assert_cmpstr (saint_denis->region, ==, "04");

  g_assert_nonnull (corse_du_sud);
  g_assert_cmpstr (corse_du_sud->name, ==, "Corse-du-Sud");
  g_assert_cmpstr (corse_du_sud->region, ==, "94");
  g_assert_cmpstr (corse_du_sud->chef_lieu, ==, "2A004");
  g_assert_cmpstr (atlaas_gazetteer_lookup_departement (gazetteer, "974")->name, ==, "La Réunion");

  g_assert_nonnull (region);
  g_assert_cmpstr (region->name, ==, "Auvergne-Rhône-Alpes");
  g_assert_cmpstr (atlaas_gazetteer_lookup_region (gazetteer, "04")->name, ==, "La Réunion");
  g_assert_null (atlaas_gazetteer_lookup_region (gazetteer, "82"));

  g_assert_cmpuint (postal->len, >=, 1);
  g_assert_true (g_ptr_array_find (postal, ajaccio, NULL));
  g_assert_cmpuint (nothing->len, ==, 0);
  g_assert_null (atlaas_gazetteer_lookup_insee (gazetteer, "99999"));

  /* Arrondissements municipaux have their own INSEE code. */
  g_assert_cmpstr (atlaas_gazetteer_lookup_insee (gazetteer, "69383")->name, ==, "Lyon 3e Arrondissement");
  g_assert_cmpstr (atlaas_gazetteer_lookup_insee (gazetteer, "69383")->departement, ==, "69");
}

static void
test_gazetteer_resolve_exact (void)
{
  static const ResolveCase cases[] = {
    { "Ajaccio", "20000", "2A004", ATLAAS_MATCH_EXACT },
    { "AJACCIO", "20 000", "2A004", ATLAAS_MATCH_EXACT },
    { "Saint-Denis", "97400", "97411", ATLAAS_MATCH_EXACT },
    { "Bonnevaux", "74360", "74041", ATLAAS_MATCH_EXACT },
    { "La Chapelle-d'Abondance", "74360", "74058", ATLAAS_MATCH_EXACT },
    { "Abondance", "74360", "74001", ATLAAS_MATCH_EXACT },
    { "Villeurbanne", "69100", "69266", ATLAAS_MATCH_EXACT },
  };

  check_resolve_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_gazetteer_resolve_normalized (void)
{
  static const ResolveCase cases[] = {
    { "ST GENIS LAVAL", "69230", "69204", ATLAAS_MATCH_NORMALIZED },
    { "STE FOY LES LYON", "69110", "69202", ATLAAS_MATCH_NORMALIZED },
    { "SAINT DENIS", "97400", "97411", ATLAAS_MATCH_NORMALIZED },
    { "L ARBRESLE", "69210", "69010", ATLAAS_MATCH_NORMALIZED },
    { "Saint-Donat-sur-lHerbasse", "26260", "26301", ATLAAS_MATCH_NORMALIZED },
    { "La Chapelle d’Abondance", "74360", "74058", ATLAAS_MATCH_NORMALIZED },
    { "Pont de Claix", "38800", "38317", ATLAAS_MATCH_NORMALIZED },
    /* A postal code written as a number loses its leading zero. */
    { "Bourg en Bresse", "1000", "01053", ATLAAS_MATCH_NORMALIZED },
  };

  check_resolve_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_gazetteer_resolve_arrondissement (void)
{
  static const ResolveCase cases[] = {
    { "Lyon 3e Arrondissement", "69003", "69383", ATLAAS_MATCH_EXACT },
    { "LYON 8EME", "69008", "69388", ATLAAS_MATCH_NORMALIZED },
    { "Lyon 03", "69003", "69383", ATLAAS_MATCH_NORMALIZED },
    { "Marseille 13e", "13013", "13213", ATLAAS_MATCH_NORMALIZED },
    { "Paris 15ème", "75015", "75115", ATLAAS_MATCH_NORMALIZED },
    { "Paris 1er", NULL, "75101", ATLAAS_MATCH_NORMALIZED },
    /* Without a number, the commune itself. */
    { "Lyon", "69003", "69123", ATLAAS_MATCH_EXACT },
  };

  check_resolve_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_gazetteer_resolve_cedex (void)
{
  static const ResolveCase cases[] = {
    /* CEDEX codes are not in the postal code list. */
    { "Grenoble Cedex 9", "38042", "38185", ATLAAS_MATCH_NORMALIZED },
    { "LYON CEDEX 03", "69423", "69123", ATLAAS_MATCH_NORMALIZED },
    { "Annecy Cedex", "74003", "74010", ATLAAS_MATCH_NORMALIZED },
    /* The postal code written in the town field. */
    { "38042 Grenoble Cedex 9", NULL, "38185", ATLAAS_MATCH_NORMALIZED },
    /* A CEDEX code of Corsica narrows to both 2A and 2B. */
    { "Bastia Cedex", "20408", "2B033", ATLAAS_MATCH_NORMALIZED },
  };

  check_resolve_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_gazetteer_resolve_former (void)
{
  static const ResolveCase cases[] = {
    { "Annecy-le-Vieux", "74940", "74010", ATLAAS_MATCH_FORMER },
    { "Cran Gevrier", "74960", "74010", ATLAAS_MATCH_FORMER },
    { "SEYNOD", "74600", "74010", ATLAAS_MATCH_FORMER },
    { "Oullins", "69600", "69149", ATLAAS_MATCH_FORMER },
    { "Pierre-Bénite", "69310", "69149", ATLAAS_MATCH_FORMER },
    { "Cran-Gevrier - Annecy", "74960", "74010", ATLAAS_MATCH_FORMER },
  };

  check_resolve_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_gazetteer_resolve_fuzzy (void)
{
  static const ResolveCase cases[] = {
    /* One letter missing, one doubled, one swapped. */
    { "Villeurbane", "69100", "69266", ATLAAS_MATCH_FUZZY },
    { "Les Molettes", "73800", "73159", ATLAAS_MATCH_FUZZY },
    { "Clermont-Ferand", "63000", "63113", ATLAAS_MATCH_FUZZY },
    /* Part of the name. */
    { "CHAMONIX", "74400", "74056", ATLAAS_MATCH_FUZZY },
    { "Livron", "26250", "26165", ATLAAS_MATCH_FUZZY },
    { "SAINT GERVAIS", "74170", "74236", ATLAAS_MATCH_FUZZY },
    { "Virieu", "38730", "38560", ATLAAS_MATCH_FUZZY },
  };

  check_resolve_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_gazetteer_resolve_position (void)
{
  g_autoptr(AtlaasGazetteer) gazetteer = load_default ();
  g_autoptr(GError) error = NULL;
  AtlaasCommuneMatch match;

  /* Homonyms without a postal code: the position chooses. */
  g_assert_true (atlaas_gazetteer_resolve (gazetteer, "Saint-Denis", NULL, TRUE, 48.93, 2.36,
                                           &match, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (match.commune->insee_code, ==, "93066");

  g_assert_true (atlaas_gazetteer_resolve (gazetteer, "Saint-Denis", NULL, TRUE, -20.9, 55.45,
                                           &match, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (match.commune->insee_code, ==, "97411");

  /* A shared postal code and no usable name: the nearest of its communes. */
  g_assert_true (atlaas_gazetteer_resolve (gazetteer, "", "74360", TRUE, 46.28, 6.72,
                                           &match, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (match.commune->insee_code, ==, "74001");
  g_assert_cmpint (match.kind, ==, ATLAAS_MATCH_POSTAL_ONLY);

  /* "Le Mont-Dore 63240" is Mont-Dore in Auvergne, not Le Mont-Dore in
   * Nouvelle-Calédonie, even with a position in Nouvelle-Calédonie. */
  g_assert_true (atlaas_gazetteer_resolve (gazetteer, "Le Mont-Dore", "63240", TRUE, -22.26, 166.57,
                                           &match, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (match.commune->insee_code, ==, "63236");
}

static void
test_gazetteer_resolve_errors (void)
{
  g_autoptr(AtlaasGazetteer) gazetteer = load_default ();
  AtlaasCommuneMatch match;

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (atlaas_gazetteer_resolve (gazetteer, "Nulle-Part-sur-Mer", "99999", FALSE, 0, 0,
                                              &match, &error));
    g_assert_error (error, ATLAAS_GAZETTEER_ERROR, ATLAAS_GAZETTEER_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "Nulle-Part-sur-Mer"));
    g_assert_nonnull (strstr (error->message, "99999"));
    g_assert_null (match.commune);
  }

  {
    g_autoptr(GError) error = NULL;

    /* A wrong name on a postal code of three communes, and no position. */
    g_assert_false (atlaas_gazetteer_resolve (gazetteer, "Xyzzy", "74360", FALSE, 0, 0,
                                              &match, &error));
    g_assert_error (error, ATLAAS_GAZETTEER_ERROR, ATLAAS_GAZETTEER_ERROR_AMBIGUOUS);
    g_assert_nonnull (strstr (error->message, "Xyzzy"));
    g_assert_nonnull (strstr (error->message, "74360"));
  }

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (atlaas_gazetteer_resolve (gazetteer, "", NULL, FALSE, 0, 0, &match, &error));
    g_assert_error (error, ATLAAS_GAZETTEER_ERROR, ATLAAS_GAZETTEER_ERROR_NOT_FOUND);
  }
}

static void
test_gazetteer_complete (void)
{
  g_autoptr(AtlaasGazetteer) gazetteer = load_default ();
  g_autoptr(GPtrArray) by_name = atlaas_gazetteer_complete (gazetteer, "villeurb", 5);
  g_autoptr(GPtrArray) saints = atlaas_gazetteer_complete (gazetteer, "St Éti", 3);
  g_autoptr(GPtrArray) by_postal_code = atlaas_gazetteer_complete (gazetteer, "7436", 10);
  g_autoptr(GPtrArray) none = atlaas_gazetteer_complete (gazetteer, "zzzzzz", 10);
  const AtlaasCommune *first;

  g_assert_cmpuint (by_name->len, >=, 1);
  first = g_ptr_array_index (by_name, 0);
  g_assert_cmpstr (first->insee_code, ==, "69266");

  g_assert_cmpuint (saints->len, ==, 3);
  first = g_ptr_array_index (saints, 0);
  g_assert_cmpstr (first->name, ==, "Saint-Étienne");

  g_assert_cmpuint (by_postal_code->len, >=, 3);
  g_assert_cmpuint (by_postal_code->len, <=, 10);
  for (guint i = 0; i < by_postal_code->len; i++)
    {
      const AtlaasCommune *commune = g_ptr_array_index (by_postal_code, i);
      gboolean has_prefix = FALSE;

      for (guint j = 0; commune->postal_codes[j] != NULL; j++)
        has_prefix |= g_str_has_prefix (commune->postal_codes[j], "7436");
      g_assert_true (has_prefix);
    }

  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_gazetteer_invalid_file (void)
{
  static const char *const documents[] = {
    "# only a comment\n",
    "C\t01001\tL'Abergement\n",
    "X\t01001\tL'Abergement\t01\t84\t\t01400\t860\t\t\n",
    "C\t01001\tL'Abergement\t01\t84\t\t01400\t860\t91.0\t5.0\n",
    "A\t69381\tLyon 1er Arrondissement\t69\t84\t69123\t69001\t28717\t\t\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      g_autoptr(AtlaasGazetteer) gazetteer = NULL;
      int fd;

      fd = g_file_open_tmp ("test-gazetteer-XXXXXX.tsv", &path, &error);
      g_assert_no_error (error);
      close (fd);
      g_file_set_contents (path, documents[i], -1, &error);
      g_assert_no_error (error);

      gazetteer = atlaas_gazetteer_new_from_file (path, &error);
      g_assert_null (gazetteer);
      g_assert_error (error, ATLAAS_GAZETTEER_ERROR, ATLAAS_GAZETTEER_ERROR_INVALID_FILE);
      g_unlink (path);
    }
}

/* Great-circle distance in km. */
static double
distance_km (double latitude1,
             double longitude1,
             double latitude2,
             double longitude2)
{
  double radians = G_PI / 180.0;
  double d_latitude = (latitude2 - latitude1) * radians;
  double d_longitude = (longitude2 - longitude1) * radians;
  double h = pow (sin (d_latitude / 2), 2)
             + cos (latitude1 * radians) * cos (latitude2 * radians) * pow (sin (d_longitude / 2), 2);

  return 2 * 6371.0 * asin (sqrt (h));
}

/* Maximum distance between a centre and its chef-lieu's centre, the same
 * limits as tools/gen-gazetteer.mjs applies. */
static double
max_km_from_chef_lieu (const char *departement)
{
  if (g_str_equal (departement, "973"))
    return 400;
  if (g_str_equal (departement, "986"))
    return 300;
  if (g_str_equal (departement, "987"))
    return 2000;
  if (g_str_equal (departement, "988"))
    return 500;
  return 150;
}

typedef struct
{
  double latitude;
  double longitude;
} Centre;

/* Checks every row of the shipped file: a commune, arrondissement or former
 * commune with a centre lies near its département's chef-lieu, so that no
 * GeoNames place of the same name elsewhere gave it its position. */
static void
test_gazetteer_centres_near_chef_lieu (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = atlaas_data_find_file ("communes.tsv", &error);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) chef_lieu_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) centre_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint n_checked = 0;
  guint n_far = 0;

  g_assert_no_error (error);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);

  /* First pass: chef-lieu of each département, centre of each current commune. */
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", -1);

      if (g_strv_length (fields) != 10)
        continue;
      if (g_str_equal (fields[0], "D"))
        g_hash_table_insert (chef_lieu_of, g_strdup (fields[1]), g_strdup (fields[5]));
      else if (g_str_equal (fields[0], "C") && fields[8][0] != '\0')
        {
          Centre *centre = g_new (Centre, 1);

          centre->latitude = g_ascii_strtod (fields[8], NULL);
          centre->longitude = g_ascii_strtod (fields[9], NULL);
          g_hash_table_insert (centre_of, g_strdup (fields[1]), centre);
        }
    }
  g_assert_cmpuint (g_hash_table_size (chef_lieu_of), >=, 100);
  g_assert_cmpuint (g_hash_table_size (centre_of), >=, 8000);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", -1);
      const char *chef_lieu;
      const Centre *chef_lieu_centre;
      double km;

      if (g_strv_length (fields) != 10 || strchr ("CAF", fields[0][0]) == NULL || fields[8][0] == '\0')
        continue;

      chef_lieu = g_hash_table_lookup (chef_lieu_of, fields[3]);
      g_assert_nonnull (chef_lieu);
      chef_lieu_centre = g_hash_table_lookup (centre_of, chef_lieu);
      if (chef_lieu_centre == NULL)
        continue;

      km = distance_km (g_ascii_strtod (fields[8], NULL), g_ascii_strtod (fields[9], NULL),
                        chef_lieu_centre->latitude, chef_lieu_centre->longitude);
      n_checked++;
      if (km > max_km_from_chef_lieu (fields[3]))
        {
          g_test_message ("%s %s %s (département %s) is %.0f km from its chef-lieu %s",
                          fields[0], fields[1], fields[2], fields[3], km, chef_lieu);
          n_far++;
        }
    }

  g_assert_cmpuint (n_checked, >=, 8000);
  g_assert_cmpuint (n_far, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gazetteer/lookup", test_gazetteer_lookup);
  g_test_add_func ("/gazetteer/resolve-exact", test_gazetteer_resolve_exact);
  g_test_add_func ("/gazetteer/resolve-normalized", test_gazetteer_resolve_normalized);
  g_test_add_func ("/gazetteer/resolve-arrondissement", test_gazetteer_resolve_arrondissement);
  g_test_add_func ("/gazetteer/resolve-cedex", test_gazetteer_resolve_cedex);
  g_test_add_func ("/gazetteer/resolve-former", test_gazetteer_resolve_former);
  g_test_add_func ("/gazetteer/resolve-fuzzy", test_gazetteer_resolve_fuzzy);
  g_test_add_func ("/gazetteer/resolve-position", test_gazetteer_resolve_position);
  g_test_add_func ("/gazetteer/resolve-errors", test_gazetteer_resolve_errors);
  g_test_add_func ("/gazetteer/complete", test_gazetteer_complete);
  g_test_add_func ("/gazetteer/invalid-file", test_gazetteer_invalid_file);
  g_test_add_func ("/gazetteer/centres-near-chef-lieu", test_gazetteer_centres_near_chef_lieu);

  return g_test_run ();
}
