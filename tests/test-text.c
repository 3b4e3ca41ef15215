/* test-text.c: folding, capitals, phone numbers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>

#include "atlaas-text.h"

typedef struct
{
  const char *input;
  const char *expected;
} TextCase;

static void
test_text_fold (void)
{
  static const TextCase cases[] = {
    { "Saint-Étienne", "saint etienne" },
    { "CŒUR  de  l’Île", "coeur de l'ile" },
    { "Æther", "aether" },
    { "  Bâgé-Dommartin ", "bage dommartin" },
    { "L'Abergement‐Clémenciat", "l'abergement clemenciat" },
    { "Ça\u00a0va", "ca va" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *folded = atlaas_text_fold (cases[i].input);

      g_assert_cmpstr (folded, ==, cases[i].expected);
    }
}

static void
test_text_tidy_capitals (void)
{
  static const TextCase cases[] = {
    { "MAISON DE SERVICES AU PUBLIC D'ABONDANCE", "Maison de services au public d'Abondance" },
    { "MJC CENTRE SOCIAL VICTOR HUGO", "MJC centre social Victor Hugo" },
    { "SAINT-JEAN-DE-MAURIENNE", "Saint-Jean-de-Maurienne" },
    { "CENTRE SOCIAL L'AGORA", "Centre social l'Agora" },
    { "L'ESPACE NUMERIQUE", "L'espace numérique" },
    { "MEDIATHEQUE ANGE ABRATE DE SALLANCHES", "Médiathèque Ange Abrate de Sallanches" },
    { "MAISON DE L'INFORMATION ET DE L'EMPLOI", "Maison de l'information et de l'emploi" },
    { "1/3 LIEU NUMERIQUE", "1/3 lieu numérique" },
    { "26FK", "26FK" },
    { "CLIN D’ŒIL", "Clin d’œil" },
    { "TI'LIEU", "Ti'lieu" },
    { "ST GENIS LAVAL", "St Genis Laval" },
    { "AIX-LES-BAINS", "Aix-les-Bains" },
    { "PLACE DU CHAMP DE FOIRE", "Place du champ de foire" },
    { "Déjà en minuscules, ON N'Y TOUCHE PAS", "Déjà en minuscules, ON N'Y TOUCHE PAS" },
    { "CCAS", "CCAS" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *tidy = atlaas_text_tidy_capitals (cases[i].input);

      g_assert_cmpstr (tidy, ==, cases[i].expected);
    }
}

static void
test_text_normalize_phone (void)
{
  static const TextCase cases[] = {
    { "+33479728939", "04 79 72 89 39" },
    { "0479728939", "04 79 72 89 39" },
    { "04.79.72.89.39", "04 79 72 89 39" },
    { "04-79-72-89-39", "04 79 72 89 39" },
    { " +33 (0)4 79 72 89 39 ", "04 79 72 89 39" },
    { "(0)4 79 72 89 39", "04 79 72 89 39" },
    { "0033 4 79 72 89 39", "04 79 72 89 39" },
    { "479728939", "04 79 72 89 39" },
    { "+262 262 12 34 56", "02 62 12 34 56" },
    { "+262 692 12 34 56", "06 92 12 34 56" },
    { "+590590123456", "05 90 12 34 56" },
    { "+594 594 12 34 56", "05 94 12 34 56" },
    { "+596 696 12 34 56", "06 96 12 34 56" },
    { "+269 639 12 34 56", "06 39 12 34 56" },
    { "+508 41 23 45", "+508 41 23 45" },
    { "+681 72 12 34", "+681 72 12 34" },
    { "+687 12 34 56", "+687 12 34 56" },
    { "+689 40 12 34 56", "+689 40 12 34 56" },
    { "+41 22 123 45 67", "+41221234567" },
    { "0041 22 123 45 67", "+41221234567" },
    { "not a phone", NULL },
    { "04 79 72 89", NULL },
    { "04 79 72 89 39 12", NULL },
    { "+33 4 79", NULL },
    { "00 12 34", NULL },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *phone = atlaas_text_normalize_phone (cases[i].input);

      g_assert_cmpstr (phone, ==, cases[i].expected);
    }
}

static void
test_text_strip_or_null (void)
{
  g_autofree char *stripped = atlaas_text_strip_or_null ("  Lyon 3e \n");
  g_autofree char *blank = atlaas_text_strip_or_null (" \t\n ");
  g_autofree char *none = atlaas_text_strip_or_null (NULL);

  g_assert_cmpstr (stripped, ==, "Lyon 3e");
  g_assert_null (blank);
  g_assert_null (none);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/text/fold", test_text_fold);
  g_test_add_func ("/text/tidy-capitals", test_text_tidy_capitals);
  g_test_add_func ("/text/normalize-phone", test_text_normalize_phone);
  g_test_add_func ("/text/strip-or-null", test_text_strip_or_null);

  return g_test_run ();
}
