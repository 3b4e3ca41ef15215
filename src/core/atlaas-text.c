/* atlaas-text.c: text folding and clean-up for French data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-Core"

#include "config.h"

#include <string.h>

#include "atlaas-text.h"

/* Words that stay in lower case inside a name written in capitals: articles,
 * prepositions and conjunctions. */
static const char *const small_words[] = {
  "a", "à", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le",
  "les", "ou", "par", "pour", "sous", "sur", "un", "une", "avec", "chez",
};

/* Common nouns and adjectives of the names of public places, written with
 * their accents and looked up by their folded form. A word of a capitalised
 * name that is in this list comes out in lower case with its accents. Any
 * other word is taken as a proper name and capitalised. */
static const char *const common_words[] = {
  "accès", "accueil", "action", "actions", "administratif", "administrative",
  "agence", "aide", "aides", "allée", "animation", "antenne", "assistant",
  "association", "atelier", "ateliers", "avenue", "bibliothèque", "bureau",
  "boulevard", "caisse", "centre", "centres", "chemin", "champ", "clin",
  "club", "collège", "commune", "communes", "communauté", "communautaire",
  "conseil", "culture", "culturel", "culturelle", "cyber", "départemental",
  "départementale", "digital", "école", "emploi", "entreprise", "entreprises",
  "espace", "espaces", "famille", "familles", "fêtes", "foire", "formation",
  "france", "gare", "grand", "grande", "habitants", "hôtel", "immeuble",
  "impasse", "information", "informations", "informatique", "insertion",
  "intercommunal", "intercommunale", "internet", "jeunes", "jeunesse", "lab",
  "lieu", "lieux", "local", "locale", "loisirs", "lycée", "mairie", "maison",
  "maisons", "médiathèque", "médiation", "mission", "mon", "montée",
  "multimédia", "municipal", "municipale", "nouveau", "nouvelle",
  "numérique", "numériques", "œil", "office", "parc", "permanence", "place",
  "plume", "point", "pôle", "populaire", "proximité", "public", "publics",
  "publique", "quai", "quartier", "régional", "régionale", "relais", "route",
  "rue", "rural", "rurale", "salle", "santé", "service", "services", "social",
  "sociale", "sociaux", "solidaire", "solidarité", "square", "territoire",
  "territorial", "territoriale", "tiers", "tourisme", "ville", "vie",
};

/* Acronyms that contain a vowel, so that the "no vowel" rule misses them. */
static const char *const acronyms[] = {
  "ANCT", "CAF", "CCAS", "CIAS", "CPAM", "EPN", "MSA", "MSAP", "PIMMS",
};

/* Abbreviations without a vowel that are words, not acronyms ("ST" is
 * "Saint", "BD" is "boulevard"). */
static const char *const abbreviations[] = {
  "bd", "ch", "dr", "mlle", "mme", "pl", "rte", "st", "ste", "sts",
};

static GHashTable *common_word_table;

static GHashTable *
get_common_word_table (void)
{
  if (g_once_init_enter (&common_word_table))
    {
      GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      for (guint i = 0; i < G_N_ELEMENTS (common_words); i++)
        g_hash_table_insert (table, atlaas_text_fold (common_words[i]),
                             (gpointer) common_words[i]);

      g_once_init_leave (&common_word_table, table);
    }

  return common_word_table;
}

static gboolean
is_apostrophe (gunichar c)
{
  return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02BC;
}

static gboolean
is_hyphen (gunichar c)
{
  return c == '-' || c == 0x2010 || c == 0x2011;
}

static gboolean
is_small_word (const char *folded)
{
  for (guint i = 0; i < G_N_ELEMENTS (small_words); i++)
    if (strcmp (folded, small_words[i]) == 0)
      return TRUE;

  return FALSE;
}

static gboolean
is_acronym (const char *word)
{
  gboolean has_letter = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (acronyms); i++)
    if (strcmp (word, acronyms[i]) == 0)
      return TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (abbreviations); i++)
    if (g_ascii_strcasecmp (word, abbreviations[i]) == 0)
      return FALSE;

  /* A word of capitals without a vowel ("MJC", "MDH") is read as an acronym. */
  for (const char *p = word; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      g_autofree char *folded = NULL;
      char utf8[8] = { 0 };

      if (!g_unichar_isalpha (c))
        continue;

      has_letter = TRUE;
      g_unichar_to_utf8 (c, utf8);
      folded = atlaas_text_fold (utf8);
      if (strchr ("aeiouy", folded[0]) != NULL)
        return FALSE;
    }

  return has_letter;
}

static gboolean
has_digit (const char *word)
{
  for (const char *p = word; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      return TRUE;

  return FALSE;
}

/* Appends word with only its first letter in upper case. */
static void
append_capitalised (GString    *out,
                    const char *word)
{
  g_autofree char *lower = g_utf8_strdown (word, -1);
  gunichar first = g_utf8_get_char (lower);
  const char *rest = g_utf8_next_char (lower);

  if (first == 0)
    return;

  g_string_append_unichar (out, g_unichar_totitle (first));
  g_string_append (out, rest);
}

/* Appends one word (letters and digits, no separator) of a capitalised text.
 * is_first: the word starts the text. */
static void
append_tidy_word (GString    *out,
                  const char *word,
                  gboolean    is_first)
{
  g_autofree char *folded = atlaas_text_fold (word);
  const char *common;

  if (has_digit (word) || (!is_small_word (folded) && is_acronym (word)))
    {
      g_string_append (out, word);
      return;
    }

  common = g_hash_table_lookup (get_common_word_table (), folded);

  if (is_first)
    {
      append_capitalised (out, common != NULL ? common : word);
    }
  else if (is_small_word (folded))
    {
      g_autofree char *lower = g_utf8_strdown (word, -1);
      g_string_append (out, lower);
    }
  else if (common != NULL)
    {
      g_string_append (out, common);
    }
  else
    {
      append_capitalised (out, word);
    }
}

char *
atlaas_text_fold (const char *text)
{
  g_autofree char *decomposed = NULL;
  GString *out;
  gboolean pending_space = FALSE;

  g_return_val_if_fail (text != NULL, NULL);

  decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFD);
  if (decomposed == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (decomposed));

  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_type (c) == G_UNICODE_NON_SPACING_MARK)
        continue;

      if (g_unichar_isspace (c) || is_hyphen (c) || c == 0x00A0 || c == 0x202F)
        {
          pending_space = out->len > 0;
          continue;
        }

      if (pending_space)
        {
          g_string_append_c (out, ' ');
          pending_space = FALSE;
        }

      if (is_apostrophe (c))
        g_string_append_c (out, '\'');
      else if (c == 0x0153 || c == 0x0152)  /* œ, Œ */
        g_string_append (out, "oe");
      else if (c == 0x00E6 || c == 0x00C6)  /* æ, Æ */
        g_string_append (out, "ae");
      else
        g_string_append_unichar (out, g_unichar_tolower (c));
    }

  return g_string_free (out, FALSE);
}

/* Words are cut at spaces, hyphens, slashes and after the apostrophe of an
 * elision ("D'ABONDANCE" is "D'" then "ABONDANCE"). append_tidy_word () then
 * capitalises the first word and writes small words in lower case, common
 * nouns of the table in lower case with their accents, acronyms and words
 * with digits unchanged, and any other word capitalised as a proper name. So "MAISON DE SERVICES AU PUBLIC D'ABONDANCE" becomes "Maison de
 * services au public d'Abondance", and "SAINT-JEAN-DE-MAURIENNE" becomes
 * "Saint-Jean-de-Maurienne". NOTE: a common word missing from the table comes
 * out capitalised ("ATELIER COUTURE" gives "Atelier Couture"). */
char *
atlaas_text_tidy_capitals (const char *text)
{
  GString *out;
  GString *word;
  gboolean is_first = TRUE;

  g_return_val_if_fail (text != NULL, NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_islower (g_utf8_get_char (p)))
      return g_strdup (text);

  out = g_string_sized_new (strlen (text));
  word = g_string_new (NULL);

  for (const char *p = text; ; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != 0 && g_unichar_isalnum (c))
        {
          g_string_append_unichar (word, c);
          continue;
        }

      /* "D'" and "L'" before a word: an elision. Other apostrophes
       * ("TI'LIEU") stay inside the word. */
      if (c != 0 && is_apostrophe (c) && word->len > 0)
        {
          g_autofree char *folded = atlaas_text_fold (word->str);
          const char *next = g_utf8_next_char (p);

          if (!is_small_word (folded) && !g_str_equal (folded, "qu")
              && *next != '\0' && g_unichar_isalpha (g_utf8_get_char (next)))
            {
              g_string_append_unichar (word, c);
              continue;
            }
        }

      if (word->len > 0)
        {
          append_tidy_word (out, word->str, is_first);
          is_first = FALSE;
          g_string_truncate (word, 0);
        }

      if (c == 0)
        break;

      g_string_append_unichar (out, c);
    }

  g_string_free (word, TRUE);
  return g_string_free (out, FALSE);
}

/* Appends digits in pairs separated by spaces ("0479728939" gives
 * "04 79 72 89 39"). */
static void
append_digit_pairs (GString    *out,
                    const char *digits)
{
  gsize length = strlen (digits);

  for (gsize i = 0; i < length; i++)
    {
      if (i > 0 && i % 2 == 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, digits[i]);
    }
}

static char *
format_national (const char *nine_digits)
{
  GString *out = g_string_new ("0");

  g_assert (strlen (nine_digits) == 9);
  g_string_append_c (out, nine_digits[0]);
  g_string_append_c (out, ' ');
  append_digit_pairs (out, nine_digits + 1);
  return g_string_free (out, FALSE);
}

/* Country codes whose numbers are in the French 10-digit plan: metropolitan
 * France, then the overseas départements (La Réunion and Mayotte, Guadeloupe
 * with Saint-Barthélemy and Saint-Martin, Guyane, Martinique) and the former
 * Mayotte code. */
static const char *const national_plan_codes[] = {
  "33", "262", "590", "594", "596", "269",
};

/* Collectivités with their own 6- or 8-digit numbers: Saint-Pierre-et-Miquelon,
 * Wallis-et-Futuna, Nouvelle-Calédonie, Polynésie française. */
static const char *const own_plan_codes[] = {
  "508", "681", "687", "689",
};

char *
atlaas_text_normalize_phone (const char *text)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  gboolean international = FALSE;
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);

  p = text;
  while (g_unichar_isspace (g_utf8_get_char (p)))
    p = g_utf8_next_char (p);

  if (*p == '+')
    {
      international = TRUE;
      p++;
    }

  for (; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* "+33 (0)4 79…": the trunk zero in brackets is not dialled. */
      if (c == '(' && p[1] == '0' && p[2] == ')')
        {
          if (digits->len == 0)
            g_string_append_c (digits, '0');
          p += 2;
          continue;
        }

      if (g_ascii_isdigit (c))
        g_string_append_c (digits, (char) c);
      else if (!(g_unichar_isspace (c) || c == '.' || c == '-' || c == '/'
                 || c == '(' || c == ')' || c == 0x00A0 || c == 0x202F))
        return NULL;
    }

  if (!international && g_str_has_prefix (digits->str, "00"))
    {
      international = TRUE;
      g_string_erase (digits, 0, 2);
    }

  if (!international)
    {
      if (digits->len == 10 && digits->str[0] == '0' && digits->str[1] != '0')
        return format_national (digits->str + 1);
      if (digits->len == 9 && digits->str[0] != '0')
        return format_national (digits->str);
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (national_plan_codes); i++)
    {
      const char *code = national_plan_codes[i];
      const char *rest;

      if (!g_str_has_prefix (digits->str, code))
        continue;

      rest = digits->str + strlen (code);
      if (rest[0] == '0')
        rest++;
      if (strlen (rest) == 9)
        return format_national (rest);
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (own_plan_codes); i++)
    {
      const char *code = own_plan_codes[i];
      const char *rest;
      GString *out;

      if (!g_str_has_prefix (digits->str, code))
        continue;

      rest = digits->str + strlen (code);
      if (strlen (rest) != 6 && strlen (rest) != 8)
        return NULL;

      out = g_string_new ("+");
      g_string_append (out, code);
      g_string_append_c (out, ' ');
      append_digit_pairs (out, rest);
      return g_string_free (out, FALSE);
    }

  /* ITU-T E.164 numbers have at most 15 digits; the country code's length is
   * not known here, so the digits stay in one group. */
  if (digits->len < 7 || digits->len > 15)
    return NULL;

  return g_strconcat ("+", digits->str, NULL);
}

char *
atlaas_text_strip_or_null (const char *text)
{
  g_autofree char *copy = NULL;

  if (text == NULL)
    return NULL;

  copy = g_strstrip (g_strdup (text));
  if (copy[0] == '\0')
    return NULL;

  return g_steal_pointer (&copy);
}
