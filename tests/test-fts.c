/* test-fts.c: the "atlaas" FTS5 tokenizer, called through SQLite's fts5_api
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "atlaas-fts.h"

typedef struct
{
  GString *out;
} Collect;

static int
collect_token_cb (void       *user_data,
                  int         flags,
                  const char *token,
                  int         length,
                  int         start,
                  int         end)
{
  Collect *collect = user_data;

  if ((flags & FTS5_TOKEN_COLOCATED) != 0)
    g_string_append_c (collect->out, '/');
  else if (collect->out->len > 0)
    g_string_append_c (collect->out, ' ');
  g_string_append_len (collect->out, token, length);

  return SQLITE_OK;
}

static fts5_api *
get_api (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  fts5_api *api = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT fts5(?1)", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_pointer (stmt, 1, &api, "fts5_api_ptr", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  sqlite3_finalize (stmt);
  g_assert_nonnull (api);

  return api;
}

/* Runs the registered tokenizer on text and returns its tokens separated by
 * spaces, with a token at the same position as the previous one (colocated)
 * after a slash. */
static char *
tokenize (const char *text,
          int         flags)
{
  sqlite3 *db = NULL;
  g_autoptr(GError) error = NULL;
  fts5_api *api;
  fts5_tokenizer tokenizer;
  Fts5Tokenizer *instance = NULL;
  void *user_data = NULL;
  Collect collect = { g_string_new (NULL) };

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  g_assert_true (atlaas_fts_register (db, &error));
  g_assert_no_error (error);

  api = get_api (db);
  g_assert_cmpint (api->xFindTokenizer (api, "atlaas", &user_data, &tokenizer), ==, SQLITE_OK);
  g_assert_cmpint (tokenizer.xCreate (user_data, NULL, 0, &instance), ==, SQLITE_OK);
  g_assert_cmpint (tokenizer.xTokenize (instance, &collect, flags, text, (int) strlen (text),
                                        collect_token_cb), ==, SQLITE_OK);
  tokenizer.xDelete (instance);
  sqlite3_close (db);

  return g_string_free (collect.out, FALSE);
}

/* Prefix mode returns the folded words without stemming, so these show the
 * splitting, folding and stop words alone. */
static void
test_fts_fold_split (void)
{
  static const struct
  {
    const char *text;
    const char *expected;
  } cases[] = {
    { "Saint-Étienne", "saint etienne" },
    { "l'école", "ecole" },
    { "l’école", "ecole" },
    { "L’ÉCOLE", "ecole" },
    { "d'insertion", "insertion" },
    { "qu’il", "" },
    { "jusqu'à", "jusqu" },
    { "Œuvre du cœur", "oeuvre coeur" },
    { "ŒUVRE", "oeuvre" },
    { "Lætitia", "laetitia" },
    { "Straße", "strasse" },
    { "Ñandú çà ÿ", "nandu ca" },
    { "Łódź Øresund", "lodz oresund" },
    { "ﬁbre", "fibre" },
    { "e\xcc\x81" "cole", "ecole" },  /* decomposed é */
    { "de la", "" },
    { "Les démarches et les aides pour un accès à l'emploi",
      "demarches aides acces emploi" },
    { "Pas-de-Calais", "pas calais" },
    { "Grand Est", "grand est" },
    { "habitant·es", "habitant" },
    { "Wi-Fi 2.0 (4G)", "wi fi 2 0 4g" },
    { "\"quoted\" *star -minus NEAR(a b) col:val ^caret", "quoted star minus near b col val caret" },
    { "", "" },
    { "   ,;!?   ", "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *tokens = tokenize (cases[i].text, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX);

      g_test_message ("input: %s", cases[i].text);
      g_assert_cmpstr (tokens, ==, cases[i].expected);
    }
}

/* Words a French reader calls the same must give the same query token. */
static void
test_fts_stem_equal (void)
{
  static const char * const pairs[][2] = {
    { "démarche", "démarches" },
    { "demarches", "Démarche" },
    { "numérique", "numériques" },
    { "numeriques", "NUMÉRIQUE" },
    { "médiathèque", "médiathèques" },
    { "mediatheque", "Médiathèques" },
    { "école", "écoles" },
    { "ecole", "École" },
    { "informatique", "informatiques" },
    { "accompagnement", "accompagner" },
    { "accompagner", "accompagne" },
    { "insertion", "Insertion" },
    { "université", "universites" },
    { "emploi", "emplois" },
    { "lieu", "lieux" },
    { "journal", "journaux" },
    { "service", "services" },
    { "données", "donnee" },
    { "communication", "communications" },
    { "publication", "publications" },
    { "œuvre", "oeuvres" },
    { "cœur", "coeur" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autofree char *a = tokenize (pairs[i][0], FTS5_TOKENIZE_QUERY);
      g_autofree char *b = tokenize (pairs[i][1], FTS5_TOKENIZE_QUERY);

      g_test_message ("pair: %s, %s", pairs[i][0], pairs[i][1]);
      g_assert_cmpstr (a, !=, "");
      g_assert_cmpstr (a, ==, b);
    }
}

/* Stemming must not merge words with different meanings. */
static void
test_fts_stem_distinct (void)
{
  static const char * const pairs[][2] = {
    { "école", "écran" },
    { "numérique", "nuage" },
    { "insertion", "information" },
    { "médiathèque", "médiation" },
    { "commune", "communication" },
    { "publique", "publication" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autofree char *a = tokenize (pairs[i][0], FTS5_TOKENIZE_QUERY);
      g_autofree char *b = tokenize (pairs[i][1], FTS5_TOKENIZE_QUERY);

      g_test_message ("pair: %s, %s", pairs[i][0], pairs[i][1]);
      g_assert_cmpstr (a, !=, b);
    }
}

/* Documents get the stem, then the folded word at the same position when it
 * differs from the stem; queries get the stem alone. */
static void
test_fts_document_colocated (void)
{
  g_autofree char *document = tokenize ("Les écoles numériques", FTS5_TOKENIZE_DOCUMENT);
  g_autofree char *query = tokenize ("Les écoles numériques", FTS5_TOKENIZE_QUERY);
  g_autofree char *same = tokenize ("public", FTS5_TOKENIZE_DOCUMENT);

  g_assert_cmpstr (document, ==, "ecol/ecoles numer/numeriques");
  g_assert_cmpstr (query, ==, "ecol numer");
  g_assert_cmpstr (same, ==, "public");
}

/* The tokenizer registered on a connection serves a real FTS5 table. */
static void
test_fts_table_match (void)
{
  static const struct
  {
    const char *match;
    int expected_count;
  } cases[] = {
    { "ecole", 2 },
    { "\"écoles\"", 2 },
    { "ECOLE", 2 },
    { "coeur", 1 },
    { "\"œuvre\"", 1 },
    { "mediath*", 1 },
    { "journau*", 1 },
    { "emploi", 1 },
    { "etienne", 1 },
    { "de", 0 },
  };
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  g_assert_true (atlaas_fts_register (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='atlaas');"
                                 "INSERT INTO t VALUES ('L’École du cœur', 'Saint-Étienne');"
                                 "INSERT INTO t VALUES ('Écoles et médiathèques', 'Les journaux');"
                                 "INSERT INTO t VALUES ('Une œuvre', 'Des emplois');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      sqlite3_stmt *stmt = NULL;

      g_test_message ("match: %s", cases[i].match);
      g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM t WHERE t MATCH ?", -1,
                                           &stmt, NULL), ==, SQLITE_OK);
      sqlite3_bind_text (stmt, 1, cases[i].match, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, cases[i].expected_count);
      sqlite3_finalize (stmt);
    }

  sqlite3_close (db);
}

static void
test_fts_split_words (void)
{
  g_autoptr(GPtrArray) words = atlaas_fts_split_words ("L’École du NUMÉRIQUE, d'insertion");
  g_autoptr(GPtrArray) none = atlaas_fts_split_words ("de la, et l'");
  g_autoptr(GPtrArray) null_text = atlaas_fts_split_words (NULL);

  g_assert_cmpuint (words->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (words, 0), ==, "ecole");
  g_assert_cmpstr (g_ptr_array_index (words, 1), ==, "numerique");
  g_assert_cmpstr (g_ptr_array_index (words, 2), ==, "insertion");
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (null_text->len, ==, 0);
}

static void
test_fts_long_word (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *tokens = NULL;

  for (int i = 0; i < 50; i++)
    g_string_append (text, "é");
  tokens = tokenize (text->str, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX);

  /* Each é folds to one byte, and folded words stop at 64 bytes. */
  g_assert_cmpuint (strlen (tokens), ==, 50);

  g_string_truncate (text, 0);
  for (int i = 0; i < 100; i++)
    g_string_append_c (text, 'a');
  g_free (tokens);
  tokens = tokenize (text->str, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX);
  g_assert_cmpuint (strlen (tokens), ==, 64);
}

static void
test_fts_invalid_utf8 (void)
{
  g_autofree char *tokens = tokenize ("école \xff\xfe suite", FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX);

  /* Tokenizing stops at the first invalid byte. */
  g_assert_cmpstr (tokens, ==, "ecole");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fts/fold-split", test_fts_fold_split);
  g_test_add_func ("/fts/stem-equal", test_fts_stem_equal);
  g_test_add_func ("/fts/stem-distinct", test_fts_stem_distinct);
  g_test_add_func ("/fts/document-colocated", test_fts_document_colocated);
  g_test_add_func ("/fts/table-match", test_fts_table_match);
  g_test_add_func ("/fts/split-words", test_fts_split_words);
  g_test_add_func ("/fts/long-word", test_fts_long_word);
  g_test_add_func ("/fts/invalid-utf8", test_fts_invalid_utf8);

  return g_test_run ();
}
