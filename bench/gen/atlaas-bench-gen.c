/* atlaas-bench-gen.c: generates realistic synthetic actions for benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes N actions either as an Atlaas JSON file (docs/format.md), to measure
 * imports, or straight into a store through atlaas_store_put_actions () in
 * batches, which is faster for a million. The output depends only on N, the
 * seed and the data files (communes.tsv, taxonomy.json): see
 * docs/benchmarks.md, "Generated stores", for the method.
 */
#define G_LOG_DOMAIN "Atlaas-Bench"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "atlaas-data.h"
#include "atlaas-json.h"
#include "atlaas-store.h"
#include "atlaas-taxonomy.h"

#define DEFAULT_SEED   20260101
#define DEFAULT_BATCH  5000

/* Exponent of the Zipf law over service ranks: the rank-r service is drawn
 * with weight 1 / r^ZIPF_EXPONENT. */
#define ZIPF_EXPONENT  1.0

/* Share of places put exactly at the commune's centre (the town hall), so
 * that many actions share one position as in real data. */
#define TOWN_HALL_SHARE  0.2

/* Fixed "now" for updated_at, so that the output does not depend on the
 * clock: 2026-06-01T00:00:00Z. */
#define GENERATION_TIME  G_GINT64_CONSTANT (1780272000)

typedef struct
{
  char *insee_code;
  char *name;
  char *departement;
  char *region;
  char *postal_code;   /* the first of the commune's postal codes */
  guint population;
  double latitude;
  double longitude;
} Commune;

typedef struct
{
  GRand *rand;
  GPtrArray *communes;         /* Commune *, with a position and a population */
  double *commune_weights;     /* cumulative population, same order */
  GPtrArray *services;         /* char *: service ids in Zipf rank order */
  double *service_weights;     /* cumulative Zipf weights */
} Generator;

/* The vocabulary of the field, in French, as the atlas's actions are
 * written. Each list is combined with the others, so titles and texts
 * repeat their words but rarely whole sentences. */

static const char *const title_subjects[] = {
  "Médiathèque numérique", "Espace public numérique", "Ateliers d'inclusion numérique",
  "Portail citoyen", "Ouverture des données publiques", "Tablettes numériques dans les écoles",
  "Conseiller numérique", "Wifi public", "Accompagnement aux démarches en ligne",
  "Fab lab", "Cartographie participative", "Application mobile des services municipaux",
  "Budget participatif en ligne", "Visio-guichet", "Environnement numérique de travail",
  "Télémédecine", "Déploiement de la fibre optique", "Dématérialisation des marchés publics",
  "Paiement en ligne de la restauration scolaire", "Guichet unique des démarches",
  "Tiers-lieu numérique", "Cours d'initiation à l'informatique", "Plateforme de covoiturage",
  "Bornes interactives d'information", "Gestion de la relation citoyen",
  "Réseau social des associations", "Archives numérisées", "Vidéoprotection de l'espace public",
  "Télétravail en espace partagé", "Éclairage public connecté", "Consultation citoyenne en ligne",
  "Site internet accessible", "Pass numérique", "Atelier de réparation d'ordinateurs",
};

static const char *const title_audiences[] = {
  "pour les seniors", "pour les demandeurs d'emploi", "pour les familles", "pour les jeunes",
  "pour les agents", "pour les associations", "pour les entreprises", "pour les élèves",
  "pour les personnes en situation de handicap", "pour tous les habitants",
};

static const char *const subtitle_verbs[] = {
  "accompagner", "former", "informer", "rapprocher", "aider", "équiper",
  "rendre autonomes", "mieux servir", "mettre en réseau", "associer",
};

static const char *const subtitle_objects[] = {
  "les habitants dans leurs démarches", "les usagers éloignés du numérique",
  "les élus et les agents", "les acteurs du territoire", "les écoles du territoire",
  "les commerces de proximité", "les aidants numériques", "les services de la collectivité",
};

static const char *const sentence_subjects[] = {
  "La commune", "La communauté de communes", "Le département", "La médiathèque",
  "Le centre communal d'action sociale", "Un conseiller numérique", "L'équipe municipale",
  "La maison France services", "Le service informatique", "Un groupe de bénévoles",
  "La région", "Le syndicat mixte", "L'association partenaire", "Le collège",
};

static const char *const sentence_verbs[] = {
  "a mis en place", "propose chaque semaine", "a ouvert", "anime", "a déployé", "finance",
  "coordonne", "a lancé", "accompagne la création de", "a équipé les écoles de",
  "organise", "a numérisé", "publie en données ouvertes", "évalue chaque année",
};

static const char *const sentence_objects[] = {
  "un espace de médiation numérique", "des ateliers de prise en main des tablettes",
  "un portail de démarches en ligne", "un réseau de points d'accès au wifi",
  "une plateforme de données ouvertes", "des permanences d'aide aux démarches",
  "un parcours de formation au numérique", "un inventaire des outils des agents",
  "des classes mobiles", "un service de prise de rendez-vous en ligne",
  "une lettre d'information électronique", "un observatoire des usages numériques",
  "un dispositif d'insertion par le numérique", "des ordinateurs reconditionnés",
};

static const char *const sentence_complements[] = {
  "avec le soutien de l'État", "en lien avec les associations locales",
  "dans le cadre du plan France Très Haut Débit", "pour réduire la fracture numérique",
  "depuis la rentrée scolaire", "dans chaque quartier", "sur rendez-vous",
  "avec les écoles et les collèges", "en partenariat avec Pôle emploi",
  "pour faciliter l'accès aux droits", "grâce à des logiciels libres",
  "au plus près des habitants", "en zone rurale", "sans frais pour les usagers",
};

static const char *const result_sentences[] = {
  "Plus de %u personnes ont été accompagnées la première année.",
  "La fréquentation a doublé en %u mois.",
  "%u démarches ont été réalisées en ligne grâce au dispositif.",
  "Les usagers donnent une note moyenne de %u sur 5.",
  "%u agents ont suivi la formation.",
};

static const char *const recommendations[] = {
  "Associer les usagers dès la conception du service.",
  "Prévoir un budget de maintenance sur plusieurs années.",
  "Former les agents avant l'ouverture au public.",
  "Mutualiser les équipements avec les communes voisines.",
  "Publier les données dans un format ouvert et documenté.",
  "Communiquer par les canaux habituels des habitants, pas seulement en ligne.",
  "S'appuyer sur les associations déjà présentes sur le territoire.",
};

static const char *const tools[] = {
  "tablettes", "ordinateurs portables", "logiciels libres", "visioconférence",
  "imprimante 3D", "bornes wifi", "espace numérique de travail", "plateforme open data",
  "outil de prise de rendez-vous", "tableau blanc interactif", "casques de réalité virtuelle",
};

static const char *const providers[] = {
  "Association Numérique Solidaire", "Syndicat mixte du numérique",
  "Agence départementale d'ingénierie", "Coopérative des tiers-lieux",
  "Emmaüs Connect", "Régie des données publiques", "Centre de gestion",
};

static const char *const first_names[] = {
  "Marie", "Jean", "Camille", "Nicolas", "Sophie", "Thomas", "Isabelle", "Pierre",
  "Nathalie", "Julien", "Claire", "Mathieu", "Aurélie", "François", "Léa", "Hugo",
};

static const char *const last_names[] = {
  "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
  "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Roux",
};

static const char *const roles[] = {
  "Chargée de mission numérique", "Directeur des systèmes d'information",
  "Conseillère numérique", "Élu délégué au numérique", "Responsable de la médiathèque",
  "Secrétaire de mairie", "Chef de projet inclusion numérique",
};

static const char *const place_names[] = {
  "Médiathèque", "Maison France services", "Centre social", "Espace jeunes",
  "École élémentaire", "Salle polyvalente", "Tiers-lieu", "Centre communal d'action sociale",
};

static const char *const streets[] = {
  "place de la Mairie", "rue de la République", "avenue Jean-Jaurès", "rue Victor-Hugo",
  "place de l'Église", "rue des Écoles", "boulevard Gambetta", "chemin des Vignes",
};

#define PICK(gen, list) ((list)[g_rand_int_range ((gen)->rand, 0, G_N_ELEMENTS (list))])

static void
commune_free (Commune *commune)
{
  g_free (commune->insee_code);
  g_free (commune->name);
  g_free (commune->departement);
  g_free (commune->region);
  g_free (commune->postal_code);
  g_free (commune);
}

/* Reads the current communes (kind C) that have a population and an
 * approximate centre from communes.tsv, whose columns are: kind, code, name,
 * departement, region, link, postal_codes (comma-separated), population,
 * latitude, longitude. */
static gboolean
load_communes (Generator  *gen,
               GError    **error)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  double total = 0.0;

  path = atlaas_data_find_file ("communes.tsv", error);
  if (path == NULL || !g_file_get_contents (path, &contents, NULL, error))
    return FALSE;

  gen->communes = g_ptr_array_new_with_free_func ((GDestroyNotify) commune_free);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      Commune *commune;

      if (lines[i][0] != 'C' || lines[i][1] != '\t')
        continue;

      fields = g_strsplit (lines[i], "\t", -1);
      if (g_strv_length (fields) < 10 || fields[8][0] == '\0' || fields[9][0] == '\0'
          || atoi (fields[7]) <= 0)
        continue;

      commune = g_new0 (Commune, 1);
      commune->insee_code = g_strdup (fields[1]);
      commune->name = g_strdup (fields[2]);
      commune->departement = g_strdup (fields[3]);
      commune->region = g_strdup (fields[4]);
      commune->postal_code = g_strndup (fields[6], strcspn (fields[6], ", "));
      commune->population = atoi (fields[7]);
      commune->latitude = g_ascii_strtod (fields[8], NULL);
      commune->longitude = g_ascii_strtod (fields[9], NULL);
      g_ptr_array_add (gen->communes, commune);
    }

  if (gen->communes->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "No commune with a population and a position in %s; "
                   "rebuild it with tools/gen-gazetteer.mjs", path);
      return FALSE;
    }

  gen->commune_weights = g_new (double, gen->communes->len);
  for (guint i = 0; i < gen->communes->len; i++)
    {
      const Commune *commune = g_ptr_array_index (gen->communes, i);

      total += commune->population;
      gen->commune_weights[i] = total;
    }

  return TRUE;
}

/* Ranks the taxonomy's services in a seeded random order, so that the
 * popular ones are spread over the four axes, and gives rank r the weight
 * 1 / r^ZIPF_EXPONENT. */
static gboolean
load_services (Generator  *gen,
               GError    **error)
{
  g_autoptr(AtlaasTaxonomy) taxonomy = atlaas_taxonomy_get_default (error);
  GPtrArray *all;
  double total = 0.0;

  if (taxonomy == NULL)
    return FALSE;

  gen->services = g_ptr_array_new_with_free_func (g_free);
  all = atlaas_taxonomy_get_all (taxonomy);
  for (guint i = 0; i < all->len; i++)
    {
      const AtlaasTheme *theme = g_ptr_array_index (all, i);

      if (theme->level == ATLAAS_THEME_LEVEL_SERVICE)
        g_ptr_array_add (gen->services, g_strdup (theme->id));
    }

  /* Fisher-Yates shuffle with the generator's seed. */
  for (guint i = gen->services->len; i > 1; i--)
    {
      guint j = g_rand_int_range (gen->rand, 0, i);
      gpointer swap = gen->services->pdata[i - 1];

      gen->services->pdata[i - 1] = gen->services->pdata[j];
      gen->services->pdata[j] = swap;
    }

  gen->service_weights = g_new (double, MAX (gen->services->len, 1));
  for (guint i = 0; i < gen->services->len; i++)
    {
      total += 1.0 / pow (i + 1, ZIPF_EXPONENT);
      gen->service_weights[i] = total;
    }

  return gen->services->len > 0;
}

/* Index of a draw from cumulative weights, by binary search. */
static guint
pick_weighted (Generator    *gen,
               const double *cumulative,
               guint         n)
{
  double target = g_rand_double (gen->rand) * cumulative[n - 1];
  guint low = 0, high = n - 1;

  while (low < high)
    {
      guint middle = (low + high) / 2;

      if (cumulative[middle] <= target)
        low = middle + 1;
      else
        high = middle;
    }

  return low;
}

static const Commune *
pick_commune (Generator *gen)
{
  return g_ptr_array_index (gen->communes,
                            pick_weighted (gen, gen->commune_weights, gen->communes->len));
}

/* "de Lyon", "d'Annecy", "du Havre", "des Sables-d'Olonne". */
static char *
format_of_commune (const Commune *commune)
{
  const char *name = commune->name;

  if (g_str_has_prefix (name, "Le "))
    return g_strconcat ("du ", name + 3, NULL);
  if (g_str_has_prefix (name, "Les "))
    return g_strconcat ("des ", name + 4, NULL);
  if ((name[0] != '\0' && strchr ("AEIOUY", name[0]) != NULL)
      || g_str_has_prefix (name, "É") || g_str_has_prefix (name, "Î"))
    return g_strconcat ("d'", name, NULL);

  return g_strconcat ("de ", name, NULL);
}

/* Lowercase ASCII with hyphens, for e-mail domains and URLs. */
static char *
slugify (const char *text)
{
  g_autofree char *ascii = g_str_to_ascii (text, "C");
  GString *slug = g_string_new (NULL);

  for (const char *p = ascii; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (slug, g_ascii_tolower (*p));
      else if (slug->len > 0 && slug->str[slug->len - 1] != '-')
        g_string_append_c (slug, '-');
    }
  while (slug->len > 0 && slug->str[slug->len - 1] == '-')
    g_string_truncate (slug, slug->len - 1);

  return g_string_free (slug, FALSE);
}

static void
append_sentence (Generator *gen,
                 GString   *text)
{
  const char *verb = PICK (gen, sentence_verbs);
  const char *object = PICK (gen, sentence_objects);

  if (text->len > 0 && text->str[text->len - 1] != '\n')
    g_string_append_c (text, ' ');

  /* A verb ending in "de" ("a équipé les écoles de") elides before "un",
   * "une" and vowels, and "de des" becomes "de": "d'un portail",
   * "d'ordinateurs", "de classes mobiles". */
  if (g_str_has_suffix (verb, " de"))
    {
      const char *noun = g_str_has_prefix (object, "des ") ? object + strlen ("des ") : object;
      gboolean elide = strchr ("aeiouyh", noun[0]) != NULL || g_str_has_prefix (noun, "é");

      g_string_append_printf (text, "%s %.*s%s%s %s.", PICK (gen, sentence_subjects),
                              (int) strlen (verb) - (elide ? 1 : 0), verb,
                              elide ? "'" : " ", noun, PICK (gen, sentence_complements));
    }
  else
    {
      g_string_append_printf (text, "%s %s %s %s.", PICK (gen, sentence_subjects), verb,
                              object, PICK (gen, sentence_complements));
    }
}

static char *
make_paragraphs (Generator *gen,
                 guint      min_paragraphs,
                 guint      max_paragraphs)
{
  GString *text = g_string_new (NULL);
  guint n_paragraphs = g_rand_int_range (gen->rand, min_paragraphs, max_paragraphs + 1);

  for (guint p = 0; p < n_paragraphs; p++)
    {
      guint n_sentences = g_rand_int_range (gen->rand, 2, 6);

      if (p > 0)
        g_string_append (text, "\n\n");
      for (guint s = 0; s < n_sentences; s++)
        append_sentence (gen, text);
    }

  return g_string_free (text, FALSE);
}

static char *
make_title (Generator     *gen,
            const Commune *commune)
{
  const char *subject = PICK (gen, title_subjects);
  g_autofree char *of_commune = format_of_commune (commune);

  switch (g_rand_int_range (gen->rand, 0, 3))
    {
    case 0:
      return g_strdup_printf ("%s %s", subject, of_commune);
    case 1:
      return g_strdup_printf ("%s %s", subject, PICK (gen, title_audiences));
    default:
      return g_strdup_printf ("%s %s %s", subject, PICK (gen, title_audiences), of_commune);
    }
}

/* Dates from 2010-01-01 to 2026-12-31, later years more likely: the
 * weight grows linearly with the year. */
static char *
make_date (Generator *gen)
{
  guint n_years = 2026 - 2010 + 1;
  double u = g_rand_double (gen->rand);
  guint year = 2010 + MIN ((guint) floor (sqrt (u) * n_years), n_years - 1);
  guint month = g_rand_int_range (gen->rand, 1, 13);
  guint day = g_rand_int_range (gen->rand, 1, g_date_get_days_in_month (month, year) + 1);

  return g_strdup_printf ("%04u-%02u-%02u", year, month, day);
}

static char *
make_phone (Generator *gen)
{
  return g_strdup_printf ("0%d %02d %02d %02d %02d",
                          g_rand_int_range (gen->rand, 1, 6),
                          g_rand_int_range (gen->rand, 0, 100),
                          g_rand_int_range (gen->rand, 0, 100),
                          g_rand_int_range (gen->rand, 0, 100),
                          g_rand_int_range (gen->rand, 0, 100));
}

/* A place in the commune: at its centre (the town hall) or, with a jitter
 * that grows with the commune's size, somewhere in it. */
static AtlaasPlace *
make_place (Generator     *gen,
            const Commune *commune)
{
  AtlaasPlace *place = atlaas_place_new ();
  gboolean town_hall = g_rand_double (gen->rand) < TOWN_HALL_SHARE;

  place->type = ATLAAS_PLACE_TYPE_TOWN;
  place->town = g_strdup (commune->name);
  place->insee_code = g_strdup (commune->insee_code);
  place->departement = g_strdup (commune->departement);
  place->region = g_strdup (commune->region);
  place->postal_code = g_strdup (commune->postal_code);
  place->has_position = TRUE;

  if (town_hall)
    {
      g_autofree char *of_commune = format_of_commune (commune);

      place->name = g_strdup_printf ("Mairie %s", of_commune);
      place->address = g_strdup ("place de la Mairie");
      place->latitude = commune->latitude;
      place->longitude = commune->longitude;
    }
  else
    {
      /* Uniform in a disc of 0.5 km plus 2 km per square root of 100,000
       * inhabitants: about 2.5 km for a town of 100,000, 10 km for Paris. */
      double radius_km = 0.5 + 2.0 * sqrt (commune->population / 100000.0);
      double distance = radius_km * sqrt (g_rand_double (gen->rand));
      double angle = g_rand_double_range (gen->rand, 0.0, 2.0 * G_PI);
      double dlat = distance * sin (angle) / 111.2;
      double dlon = distance * cos (angle) / (111.2 * cos (commune->latitude * G_PI / 180.0));

      place->name = g_strdup_printf ("%s %s", PICK (gen, place_names), commune->name);
      place->address = g_strdup_printf ("%d %s", g_rand_int_range (gen->rand, 1, 120),
                                        PICK (gen, streets));
      place->latitude = CLAMP (commune->latitude + dlat, -90.0, 90.0);
      place->longitude = CLAMP (commune->longitude + dlon, -180.0, 180.0);
    }

  if (g_rand_boolean (gen->rand))
    place->phone = make_phone (gen);
  if (g_rand_double (gen->rand) < 0.3)
    place->description = g_strdup ("Du lundi au vendredi de 9 h à 12 h et de 14 h à 17 h");

  return place;
}

static AtlaasContact *
make_contact (Generator     *gen,
              const Commune *commune)
{
  AtlaasContact *contact = atlaas_contact_new ();
  const char *first = PICK (gen, first_names);
  const char *last = PICK (gen, last_names);
  g_autofree char *first_slug = slugify (first);
  g_autofree char *last_slug = slugify (last);
  g_autofree char *town_slug = slugify (commune->name);

  contact->name = g_strdup_printf ("%s %s", first, last);
  contact->role = g_strdup (PICK (gen, roles));
  contact->email = g_strdup_printf ("%s.%s@mairie-%s.fr", first_slug, last_slug, town_slug);
  if (g_rand_boolean (gen->rand))
    contact->phone = make_phone (gen);

  return contact;
}

static char *
make_list (Generator          *gen,
           const char *const  *items,
           guint               n_items,
           guint               max_count)
{
  GString *text = g_string_new (NULL);
  guint count = g_rand_int_range (gen->rand, 1, max_count + 1);

  for (guint i = 0; i < count; i++)
    {
      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, items[g_rand_int_range (gen->rand, 0, n_items)]);
    }
  if (text->len > 0)
    text->str[0] = g_ascii_toupper (text->str[0]);

  return g_string_free (text, FALSE);
}

static AtlaasAction *
make_action (Generator *gen,
             guint      number)
{
  AtlaasAction *action = atlaas_action_new ();
  const Commune *commune = pick_commune (gen);
  g_autofree char *town_slug = slugify (commune->name);
  guint n_services;

  action->id = g_strdup_printf ("gen-%07u", number);
  action->revision = 1;
  action->updated_at = GENERATION_TIME - g_rand_int_range (gen->rand, 0, 86400 * 365);
  action->status = g_strdup ("published");
  action->source = g_strdup ("bench-gen");

  action->title = make_title (gen, commune);
  action->subtitle = g_strdup_printf ("%s %s %s",
                                      g_rand_boolean (gen->rand) ? "Pour" : "Un projet pour",
                                      PICK (gen, subtitle_verbs), PICK (gen, subtitle_objects));
  action->date = make_date (gen);
  action->actions = make_paragraphs (gen, 2, 3);
  action->synthesis = make_paragraphs (gen, 1, 1);
  if (g_rand_double (gen->rand) < 0.6)
    action->tools = make_list (gen, tools, G_N_ELEMENTS (tools), 4);
  if (g_rand_double (gen->rand) < 0.4)
    action->providers = make_list (gen, providers, G_N_ELEMENTS (providers), 2);
  if (g_rand_double (gen->rand) < 0.5)
    action->recommendations = g_strdup_printf ("%s %s", PICK (gen, recommendations),
                                               PICK (gen, recommendations));
  if (g_rand_double (gen->rand) < 0.5)
    action->results = g_strdup_printf (PICK (gen, result_sentences),
                                       (guint) g_rand_int_range (gen->rand, 2, 500));

  g_ptr_array_add (action->places, make_place (gen, commune));
  if (g_rand_double (gen->rand) < 0.2)
    {
      /* A second place: another site of the same commune, or a partner
       * commune elsewhere. */
      const Commune *second = g_rand_boolean (gen->rand) ? commune : pick_commune (gen);

      g_ptr_array_add (action->places, make_place (gen, second));
    }

  for (guint i = g_rand_int_range (gen->rand, 0, 3); i > 0; i--)
    g_ptr_array_add (action->contacts, make_contact (gen, commune));
  if (g_rand_double (gen->rand) < 0.7)
    g_ptr_array_add (action->links, g_strdup_printf ("https://www.%s.fr/numerique", town_slug));

  /* 1 to 4 distinct services, fewer more likely. */
  n_services = 1 + (guint) floor (pow (g_rand_double (gen->rand), 2.0) * 4.0);
  for (guint i = 0; i < n_services * 4 && action->services->len < n_services; i++)
    {
      const char *service = g_ptr_array_index (gen->services,
                                               pick_weighted (gen, gen->service_weights,
                                                              gen->services->len));
      gboolean known = FALSE;

      for (guint k = 0; k < action->services->len; k++)
        known = known || g_str_equal (g_ptr_array_index (action->services, k), service);
      if (!known)
        g_ptr_array_add (action->services, g_strdup (service));
    }

  return action;
}

static gboolean
write_json (Generator   *gen,
            guint        count,
            const char  *path,
            GError     **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  FILE *file = g_fopen (path, "w");

  if (file == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not create %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  /* Streamed one action at a time, so that a million actions never sit in
   * memory as one JSON tree. */
  fputs ("{\"format\":\"atlaas\",\"version\":1,\"actions\":[\n", file);
  for (guint i = 0; i < count; i++)
    {
      g_autoptr(AtlaasAction) action = make_action (gen, i + 1);
      g_autoptr(JsonNode) node = atlaas_json_action_to_node (action);
      g_autofree char *text = NULL;

      json_generator_set_root (generator, node);
      text = json_generator_to_data (generator, NULL);
      fputs (text, file);
      fputs (i + 1 < count ? ",\n" : "\n", file);
    }
  fputs ("]}\n", file);

  if (fclose (file) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not write %s: %s", path, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_store (Generator   *gen,
             guint        count,
             guint        batch_size,
             const char  *path,
             GError     **error)
{
  g_autoptr(AtlaasStore) store = atlaas_store_open (path, error);
  gint64 existing;

  if (store == NULL)
    return FALSE;

  existing = atlaas_store_count_actions (store, error);
  if (existing < 0)
    return FALSE;
  if (existing > 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "The store %s already has %" G_GINT64_FORMAT " actions; "
                   "give the path of a new file", path, existing);
      return FALSE;
    }

  for (guint start = 0; start < count; start += batch_size)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_action_free);
      guint end = MIN (start + batch_size, count);

      for (guint i = start; i < end; i++)
        g_ptr_array_add (batch, make_action (gen, i + 1));
      if (!atlaas_store_put_actions (store, batch, error))
        return FALSE;
    }

  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json_path = NULL;
  g_autofree char *store_path = NULL;
  gint64 count = 0;
  gint64 seed = DEFAULT_SEED;
  int batch_size = DEFAULT_BATCH;
  Generator gen = { 0, };
  gint64 started;
  gboolean ok;
  GOptionEntry entries[] = {
    { "count", 'n', 0, G_OPTION_ARG_INT64, &count, "Number of actions to generate", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the random generator (default 20260101)", "SEED" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, "Write an Atlaas JSON file", "FILE" },
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &store_path, "Write into a new store (SQLite file)", "FILE" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch_size, "Actions per transaction with --store (default 5000)", "N" },
    { NULL }
  };

  context = g_option_context_new ("- generate synthetic Atlaas actions for benchmarks");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("atlaas-bench-gen: %s\n", error->message);
      return 2;
    }
  if (count < 0 || count > G_MAXUINT32 || batch_size <= 0)
    {
      g_printerr ("atlaas-bench-gen: --count must lie in [0, %u] and --batch be positive\n",
                  G_MAXUINT32);
      return 2;
    }
  if ((json_path == NULL) == (store_path == NULL))
    {
      g_printerr ("atlaas-bench-gen: give exactly one of --json FILE or --store FILE\n");
      return 2;
    }

  gen.rand = g_rand_new_with_seed ((guint32) seed);
  if (!load_communes (&gen, &error) || !load_services (&gen, &error))
    {
      g_printerr ("atlaas-bench-gen: could not read the data files: %s\n", error->message);
      return 1;
    }

  started = g_get_monotonic_time ();
  if (json_path != NULL)
    ok = write_json (&gen, count, json_path, &error);
  else
    ok = write_store (&gen, count, batch_size, store_path, &error);
  if (!ok)
    {
      g_printerr ("atlaas-bench-gen: %s\n", error->message);
      return 1;
    }

  g_print ("{\"count\": %" G_GINT64_FORMAT ", \"seed\": %" G_GINT64_FORMAT
           ", \"communes\": %u, \"services\": %u, \"seconds\": %.2f}\n",
           count, seed, gen.communes->len, gen.services->len,
           (g_get_monotonic_time () - started) / 1e6);

  g_rand_free (gen.rand);
  g_ptr_array_unref (gen.communes);
  g_ptr_array_unref (gen.services);
  g_free (gen.commune_weights);
  g_free (gen.service_weights);

  return 0;
}
