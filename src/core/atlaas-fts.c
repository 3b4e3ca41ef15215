/* atlaas-fts.c: the French full-text tokenizer for SQLite FTS5
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-Core"

#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <libstemmer.h>

#include "atlaas-fts.h"

/* Folded words longer than this (in bytes) are cut: they are URLs or noise,
 * and the cut keeps the stemmer and the index away from huge tokens. */
#define MAX_WORD_BYTES 64

typedef struct
{
  struct sb_stemmer *stemmer;
} AtlaasTokenizer;

/* Elided articles and pronouns ("l'", "d'", "qu'"…) and French function
 * words, in folded form. They carry no meaning for a search and would match
 * nearly every action. "pas" (Pas-de-Calais), "est" (Grand Est) and "mais"
 * (folded "maïs") are kept on purpose. */
static const char * const stop_words[] = {
  "a", "au", "aux", "avec", "c", "ce", "ces", "cet", "cette", "d", "dans",
  "de", "des", "du", "e", "elle", "elles", "en", "es", "et", "il", "ils",
  "j", "l", "la", "le", "les", "leur", "leurs", "lui", "m", "ma", "me",
  "mes", "mon", "n", "ne", "nos", "notre", "nous", "on", "ou", "par",
  "pour", "qu", "que", "qui", "s", "sa", "se", "ses", "son", "sur", "t",
  "ta", "te", "tes", "ton", "un", "une", "vos", "votre", "vous", "y",
};

static GHashTable *stop_word_set;

static void
ensure_stop_words (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      stop_word_set = g_hash_table_new (g_str_hash, g_str_equal);
      for (gsize i = 0; i < G_N_ELEMENTS (stop_words); i++)
        g_hash_table_add (stop_word_set, (gpointer) stop_words[i]);
      g_once_init_leave (&initialized, 1);
    }
}

static gboolean
is_word_char (gunichar c)
{
  /* Combining marks continue a word, so that text in decomposed form (NFD)
   * is not split before each accent. */
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

/* Appends the folded form of one character: lower case, no accents, and the
 * ligatures and letters that Unicode does not decompose spelled out. */
static void
append_folded_char (GString  *out,
                    gunichar  c)
{
  gunichar decomposed[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize n_decomposed;

  c = g_unichar_tolower (c);

  switch (c)
    {
    case 0x0153: g_string_append (out, "oe"); return;   /* œ */
    case 0x00E6: g_string_append (out, "ae"); return;   /* æ */
    case 0x00DF: g_string_append (out, "ss"); return;   /* ß */
    case 0x00F8: g_string_append_c (out, 'o'); return;  /* ø */
    case 0x0142: g_string_append_c (out, 'l'); return;  /* ł */
    case 0x0111: g_string_append_c (out, 'd'); return;  /* đ */
    case 0x00F0: g_string_append_c (out, 'd'); return;  /* ð */
    case 0x00FE: g_string_append (out, "th"); return;   /* þ */
    case 0x0127: g_string_append_c (out, 'h'); return;  /* ħ */
    case 0x0167: g_string_append_c (out, 't'); return;  /* ŧ */
    case 0x0131: g_string_append_c (out, 'i'); return;  /* dotless ı */
    case 0x0138: g_string_append_c (out, 'k'); return;  /* ĸ */
    case 0x014B: g_string_append_c (out, 'n'); return;  /* ŋ */
    default: break;
    }

  if (c < 0x80)
    {
      g_string_append_c (out, (char) c);
      return;
    }

  /* Compatibility decomposition also spells out "ﬁ", "ŀ" and the like; the
   * marks and symbols it leaves behind are dropped. */
  n_decomposed = g_unichar_fully_decompose (c, TRUE, decomposed,
                                            G_N_ELEMENTS (decomposed));
  for (gsize i = 0; i < n_decomposed; i++)
    {
      gunichar d = g_unichar_tolower (decomposed[i]);

      if (d == 0x0153)
        g_string_append (out, "oe");
      else if (d == 0x00E6)
        g_string_append (out, "ae");
      else if (g_unichar_isalnum (d))
        g_string_append_unichar (out, d);
    }
}

typedef void (*WordFunc) (const char *folded,
                          gsize       folded_len,
                          int         start,
                          int         end,
                          gpointer    user_data);

/* Calls func for each word of text (a run of letters and digits) with its
 * folded form and its byte range in text. Stop words are skipped. Invalid
 * UTF-8 ends the text where it starts. */
static void
foreach_word (const char *text,
              int         length,
              WordFunc    func,
              gpointer    user_data)
{
  g_autoptr(GString) folded = g_string_sized_new (MAX_WORD_BYTES);
  const char *end = text + length;
  const char *p = text;

  ensure_stop_words ();

  while (p < end)
    {
      const char *word_start;
      const char *word_end;
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        break;

      if (!is_word_char (c))
        {
          p = g_utf8_next_char (p);
          continue;
        }

      word_start = p;
      g_string_truncate (folded, 0);

      while (p < end)
        {
          c = g_utf8_get_char_validated (p, end - p);
          if (c == (gunichar) -1 || c == (gunichar) -2 || !is_word_char (c))
            break;
          if (folded->len < MAX_WORD_BYTES)
            append_folded_char (folded, c);
          p = g_utf8_next_char (p);
        }
      word_end = p;

      if (folded->len > MAX_WORD_BYTES)
        {
          /* Cut at a character boundary. */
          const char *cut = g_utf8_find_prev_char (folded->str,
                                                   folded->str + MAX_WORD_BYTES + 1);
          g_string_truncate (folded, cut - folded->str);
        }

      if (folded->len == 0 || g_hash_table_contains (stop_word_set, folded->str))
        continue;

      func (folded->str, folded->len,
            (int) (word_start - text), (int) (word_end - text),
            user_data);
    }
}

/* Snowball's French stemmer turns "-ication" into "-iqu", which merges
 * "communication" with "commune" and "publication" with "publique": two
 * pairs that are frequent in this atlas and mean different things. Words
 * that start with one of these get it as their stem instead. */
static const char * const stem_prefixes[] = {
  "communicat",
  "publicat",
};

static const sb_symbol *
stem_override (const char *folded,
               int        *stem_len)
{
  for (gsize i = 0; i < G_N_ELEMENTS (stem_prefixes); i++)
    {
      if (g_str_has_prefix (folded, stem_prefixes[i]))
        {
          *stem_len = (int) strlen (stem_prefixes[i]);
          return (const sb_symbol *) stem_prefixes[i];
        }
    }

  return NULL;
}

typedef struct
{
  AtlaasTokenizer *tokenizer;
  int flags;
  void *context;
  int (*x_token) (void *, int, const char *, int, int, int);
  int rc;
} TokenizeRun;

/* Documents get the stem of each word and, at the same position when it
 * differs, the folded word itself. A prefix query on what the user is
 * typing then finds words whose stem is not a prefix of them ("journau"
 * finds "journaux", whose stem is "journal"). Queries get the stem alone,
 * and prefix queries the folded word alone, because what was typed is a
 * prefix of full words, not of stems. */
static void
emit_word_cb (const char *folded,
              gsize       folded_len,
              int         start,
              int         end,
              gpointer    user_data)
{
  TokenizeRun *run = user_data;
  const sb_symbol *stem;
  int stem_len;

  if (run->rc != SQLITE_OK)
    return;

  if ((run->flags & FTS5_TOKENIZE_PREFIX) != 0)
    {
      run->rc = run->x_token (run->context, 0, folded, (int) folded_len, start, end);
      return;
    }

  stem = stem_override (folded, &stem_len);
  if (stem == NULL)
    {
      stem = sb_stemmer_stem (run->tokenizer->stemmer,
                              (const sb_symbol *) folded, (int) folded_len);
      if (stem == NULL)
        {
          run->rc = SQLITE_NOMEM;
          return;
        }
      stem_len = sb_stemmer_length (run->tokenizer->stemmer);
    }

  /* Snowball's French stemmer keeps the plural mark after a vowel
   * ("emplois", "lieux"), so a final s or x is cut from stems of four bytes
   * or more. Over-merging ("mois" and "moi") is the accepted cost. */
  if (stem_len >= 4
      && (stem[stem_len - 1] == 's' || stem[stem_len - 1] == 'x')
      && stem[stem_len - 2] != 's')
    stem_len--;

  run->rc = run->x_token (run->context, 0, (const char *) stem, stem_len, start, end);
  if (run->rc != SQLITE_OK || (run->flags & FTS5_TOKENIZE_QUERY) != 0)
    return;

  if ((gsize) stem_len != folded_len || memcmp (stem, folded, folded_len) != 0)
    run->rc = run->x_token (run->context, FTS5_TOKEN_COLOCATED,
                            folded, (int) folded_len, start, end);
}

static int
tokenizer_create (void         *user_data,
                  const char  **args,
                  int           n_args,
                  Fts5Tokenizer **out)
{
  AtlaasTokenizer *tokenizer;

  if (n_args > 0)
    return SQLITE_ERROR;

  tokenizer = g_new0 (AtlaasTokenizer, 1);
  tokenizer->stemmer = sb_stemmer_new ("french", "UTF_8");
  if (tokenizer->stemmer == NULL)
    {
      g_free (tokenizer);
      return SQLITE_NOMEM;
    }

  *out = (Fts5Tokenizer *) tokenizer;
  return SQLITE_OK;
}

static void
tokenizer_delete (Fts5Tokenizer *instance)
{
  AtlaasTokenizer *tokenizer = (AtlaasTokenizer *) instance;

  sb_stemmer_delete (tokenizer->stemmer);
  g_free (tokenizer);
}

static int
tokenizer_tokenize (Fts5Tokenizer *instance,
                    void          *context,
                    int            flags,
                    const char    *text,
                    int            length,
                    int          (*x_token) (void *, int, const char *, int, int, int))
{
  TokenizeRun run = {
    .tokenizer = (AtlaasTokenizer *) instance,
    .flags = flags,
    .context = context,
    .x_token = x_token,
    .rc = SQLITE_OK,
  };

  if (text == NULL || length <= 0)
    return SQLITE_OK;

  foreach_word (text, length, emit_word_cb, &run);

  return run.rc;
}

static void
collect_word_cb (const char *folded,
                 gsize       folded_len,
                 int         start,
                 int         end,
                 gpointer    user_data)
{
  GPtrArray *words = user_data;

  g_ptr_array_add (words, g_strndup (folded, folded_len));
}

/* The FTS5 auxiliary function atlaas_match_masks (table, k0, k1, …): phrase
 * i of the MATCH expression belongs to keyword ki (0–31). It returns an
 * integer whose low 32 bits have bit k set when keyword k matches the row,
 * and whose high 32 bits have it set when keyword k matches in column 0,
 * the title. The search uses it to rank by keywords matched. */
static void
match_masks_function (const Fts5ExtensionApi  *api,
                      Fts5Context             *fts,
                      sqlite3_context         *context,
                      int                      n_values,
                      sqlite3_value          **values)
{
  int n_phrases = api->xPhraseCount (fts);
  guint64 any_mask = 0;
  guint64 title_mask = 0;

  for (int phrase = 0; phrase < n_phrases && phrase < n_values; phrase++)
    {
      Fts5PhraseIter iter;
      int column = -1;
      int offset = -1;
      int keyword = sqlite3_value_int (values[phrase]);
      guint64 bit;
      int rc;

      if (keyword < 0 || keyword > 31)
        {
          sqlite3_result_error (context, "atlaas_match_masks: keyword index out of 0-31", -1);
          return;
        }
      bit = G_GUINT64_CONSTANT (1) << keyword;

      rc = api->xPhraseFirst (fts, phrase, &iter, &column, &offset);
      if (rc != SQLITE_OK)
        {
          sqlite3_result_error_code (context, rc);
          return;
        }

      /* Instances come in column order, so the first one shows whether
       * the phrase is in the title. */
      if (column >= 0)
        any_mask |= bit;
      if (column == 0)
        title_mask |= bit;
    }

  sqlite3_result_int64 (context, (sqlite3_int64) ((title_mask << 32) | any_mask));
}

static fts5_api *
get_fts5_api (sqlite3  *db,
              GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  fts5_api *api = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT fts5(?1)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_pointer (stmt, 1, &api, "fts5_api_ptr", NULL);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK || api == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "SQLite has no FTS5 module (%s); build SQLite with FTS5",
                   sqlite3_errmsg (db));
      return NULL;
    }

  return api;
}

gboolean
atlaas_fts_register (sqlite3  *db,
                     GError  **error)
{
  static fts5_tokenizer tokenizer = {
    tokenizer_create,
    tokenizer_delete,
    tokenizer_tokenize,
  };
  fts5_api *api;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  api = get_fts5_api (db, error);
  if (api == NULL)
    return FALSE;

  rc = api->xCreateTokenizer (api, "atlaas", NULL, &tokenizer, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Could not register the FTS5 tokenizer \"atlaas\": %s",
                   sqlite3_errstr (rc));
      return FALSE;
    }

  rc = api->xCreateFunction (api, "atlaas_match_masks", NULL, match_masks_function, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Could not register the FTS5 function \"atlaas_match_masks\": %s",
                   sqlite3_errstr (rc));
      return FALSE;
    }

  return TRUE;
}

GPtrArray *
atlaas_fts_split_words (const char *text)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);

  if (text != NULL)
    foreach_word (text, (int) strlen (text), collect_word_cb, words);

  return words;
}
