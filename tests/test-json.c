/* test-json.c: the Atlaas JSON format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "atlaas-json.h"

static AtlaasAction *
make_full_action (const char *id)
{
  AtlaasAction *action = atlaas_action_new ();
  AtlaasPlace *place;
  AtlaasContact *contact;

  action->id = g_strdup (id);
  action->revision = 7;
  action->updated_at = G_GINT64_CONSTANT (1712345678);
  action->status = g_strdup ("pending");
  action->source = g_strdup ("atlaas");
  action->title = g_strdup ("Cœur de ville \"connecté\"");
  action->subtitle = g_strdup ("Sous-titre avec l’apostrophe et un \\ antislash");
  action->date = g_strdup ("2014-03-02");
  action->actions = g_strdup ("Premier paragraphe.\n\nSecond paragraphe\tavec tabulation.");
  action->synthesis = g_strdup ("Synthèse : 5 < 6 & 7 > 2");
  action->tools = g_strdup ("Outils");
  action->providers = g_strdup ("Prestataires");
  action->recommendations = g_strdup ("Recommandations");
  action->results = g_strdup ("Résultats");
  g_ptr_array_add (action->links, g_strdup ("https://example.org/a?b=c&d=e"));
  g_ptr_array_add (action->services, g_strdup ("1a1-04"));
  g_ptr_array_add (action->services, g_strdup ("4c1-03"));

  contact = atlaas_contact_new ();
  contact->name = g_strdup ("Jean Martin");
  contact->role = g_strdup ("Chargé de mission");
  contact->email = g_strdup ("jean@example.org");
  g_ptr_array_add (action->contacts, contact);

  place = atlaas_place_new ();
  place->name = g_strdup ("Mairie");
  place->description = g_strdup ("Le lundi de 9 h à 12 h");
  place->address = g_strdup ("Place de la Mairie");
  place->postal_code = g_strdup ("97400");
  place->town = g_strdup ("Saint-Denis");
  place->insee_code = g_strdup ("97411");
  place->departement = g_strdup ("974");
  place->region = g_strdup ("04");
  place->phone = g_strdup ("+262 262 00 00 00");
  place->email = g_strdup ("mairie@example.org");
  place->website = g_strdup ("https://example.org");
  place->type = ATLAAS_PLACE_TYPE_TOWN;
  place->has_position = TRUE;
  place->latitude = -20.882057;
  place->longitude = 55.450675;
  g_ptr_array_add (action->places, place);

  return action;
}

static AtlaasJsonReadResult *
read_document (const char  *text,
               GError     **error)
{
  g_autoptr(JsonNode) root = atlaas_json_parse (text, -1, error);

  if (root == NULL)
    return NULL;

  return atlaas_json_read_actions (root, NULL, NULL, error);
}

static void
test_json_round_trip (void)
{
  g_autoptr(GPtrArray) actions = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_action_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasJsonReadResult) result = NULL;
  g_autofree char *text = NULL;
  AtlaasAction *minimal;

  g_ptr_array_add (actions, make_full_action ("a1"));

  /* Only the required fields: nothing may come back as "" or gain a place. */
  minimal = atlaas_action_new ();
  minimal->id = g_strdup ("a2");
  minimal->status = g_strdup ("draft");
  minimal->title = g_strdup ("Minimal");
  g_ptr_array_add (actions, minimal);

  text = atlaas_json_write_actions (actions, TRUE, NULL);
  g_assert_nonnull (strstr (text, "\"format\" : \"atlaas\""));
  g_assert_nonnull (strstr (text, "\"titre\""));
  g_assert_nonnull (strstr (text, "\"Ville / village\""));

  result = read_document (text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->rejected->len, ==, 0);
  g_assert_cmpuint (result->actions->len, ==, 2);

  for (guint i = 0; i < actions->len; i++)
    g_assert_true (atlaas_action_equal (g_ptr_array_index (result->actions, i),
                                        g_ptr_array_index (actions, i)));

  /* Text fields of the Atlaas format are plain text, kept verbatim. */
  g_assert_cmpstr (((AtlaasAction *) g_ptr_array_index (result->actions, 0))->synthesis,
                   ==, "Synthèse : 5 < 6 & 7 > 2");
}

static void
test_json_html_conversion (void)
{
  struct
  {
    const char *html;
    const char *text;
  } cases[] = {
    { "Ligne 1<br/>Ligne 2", "Ligne 1\nLigne 2" },
    { "Un.<br /><br />Deux.", "Un.\n\nDeux." },
    { "<p>Premier</p><p>Second &amp; dernier</p>", "Premier\n\nSecond & dernier" },
    { "L&#39;&eacute;cole&nbsp;: &laquo;&#x2009;ok&#x2009;&raquo;", "L'école : «\u2009ok\u2009»" },
    { "<ul><li>un</li><li>deux</li></ul>", "- un\n- deux" },
    { "<strong>Gras</strong> et <a href=\"x\">lien</a>", "Gras et lien" },
    { "5 < 6 &unknown; AT&T", "5 < 6 &unknown; AT&T" },
    { "  espaces   multiples  ", "espaces multiples" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = atlaas_json_html_to_text (cases[i].html);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  g_assert_null (atlaas_json_html_to_text ("<br/> <p></p>"));
}

static void
test_json_legacy_document (void)
{
  const char *document =
    "[{\"id_action\": 1234, \"titre\": \"Ateliers &eacute;t&eacute;\","
    "  \"actions\": \"<p>Des ateliers.</p><p>Pour tous.</p>\","
    "  \"liens\": \"http://a.example<br/>http://b.example\","
    "  \"lieux\": [{\"nom\": \"EPN\", \"type\": \"Mairie\", \"region\": \"82\","
    "               \"departement\": \"69\", \"code_postal\": 69001,"
    "               \"location\": {\"lat\": \"45.76\", \"lon\": 4.83}}],"
    "  \"personnes\": [{\"nom\": \"A\", \"elu\": true, \"fax\": \"x\"}]}]";
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasJsonReadResult) result = read_document (document, &error);
  AtlaasAction *action;
  AtlaasPlace *place;

  g_assert_no_error (error);
  g_assert_cmpuint (result->rejected->len, ==, 0);
  g_assert_cmpuint (result->actions->len, ==, 1);

  action = g_ptr_array_index (result->actions, 0);
  g_assert_cmpstr (action->id, ==, "1234");
  g_assert_cmpstr (action->title, ==, "Ateliers été");
  g_assert_cmpstr (action->actions, ==, "Des ateliers.\n\nPour tous.");
  g_assert_cmpstr (action->status, ==, "published");
  g_assert_cmpint (action->revision, ==, 0);
  g_assert_cmpuint (action->links->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (action->links, 1), ==, "http://b.example");
  g_assert_cmpuint (action->contacts->len, ==, 1);

  place = g_ptr_array_index (action->places, 0);
  g_assert_cmpstr (place->region, ==, "84");
  g_assert_cmpstr (place->postal_code, ==, "69001");
  g_assert_true (place->has_position);
  g_assert_cmpfloat (place->latitude, ==, 45.76);
  g_assert_cmpint (place->type, ==, ATLAAS_PLACE_TYPE_OTHER);
}

static void
test_json_legacy_regions (void)
{
  g_assert_cmpstr (atlaas_json_map_legacy_region ("82"), ==, "84");
  g_assert_cmpstr (atlaas_json_map_legacy_region ("83"), ==, "84");
  g_assert_cmpstr (atlaas_json_map_legacy_region ("42"), ==, "44");
  g_assert_cmpstr (atlaas_json_map_legacy_region ("91"), ==, "76");
  g_assert_cmpstr (atlaas_json_map_legacy_region ("94"), ==, "94");
  g_assert_cmpstr (atlaas_json_map_legacy_region ("06"), ==, "06");
  g_assert_null (atlaas_json_map_legacy_region ("99"));
}

static void
test_json_bare_array (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasJsonReadResult) result =
    read_document ("[{\"id\": \"x\", \"titre\": \"X\", \"services\": [\"2b2-03\"]}]", &error);
  AtlaasAction *action;

  g_assert_no_error (error);
  g_assert_cmpuint (result->actions->len, ==, 1);
  action = g_ptr_array_index (result->actions, 0);
  g_assert_cmpstr (action->id, ==, "x");
  g_assert_cmpuint (action->services->len, ==, 1);
  g_assert_cmpuint (action->places->len, ==, 0);
}

static void
test_json_deep_nesting (void)
{
  const gsize depth = 100000;
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) shallow = NULL;
  g_autofree char *at_limit = NULL;
  g_autofree char *over_limit = NULL;
  g_autofree char *open_limit = g_strnfill (ATLAAS_JSON_MAX_DEPTH, '[');
  g_autofree char *close_limit = g_strnfill (ATLAAS_JSON_MAX_DEPTH, ']');
  g_autofree char *open_over = g_strnfill (ATLAAS_JSON_MAX_DEPTH + 1, '{');
  g_autofree char *close_over = g_strnfill (ATLAAS_JSON_MAX_DEPTH + 1, '}');

  for (gsize i = 0; i < depth; i++)
    g_string_append_c (deep, '[');
  for (gsize i = 0; i < depth; i++)
    g_string_append_c (deep, ']');

  root = atlaas_json_parse (deep->str, deep->len, &error);
  g_assert_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_TOO_DEEP);
  g_assert_null (root);
  g_clear_error (&error);

  /* Brackets inside strings do not count. */
  at_limit = g_strdup_printf ("%s\"[[[[{{{{\"%s", open_limit, close_limit);
  shallow = atlaas_json_parse (at_limit, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (shallow);

  over_limit = g_strdup_printf ("%s%s", open_over, close_over);
  g_assert_null (atlaas_json_parse (over_limit, -1, &error));
  g_assert_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_TOO_DEEP);
}

static void
test_json_huge_integer (void)
{
  const char *too_big[] = {
    "{\"format\":\"atlaas\",\"version\":1,\"actions\":[{\"id\":\"a\",\"titre\":\"A\",\"revision\":9223372036854775808}]}",
    "[18446744073709551616]",
    "[-9223372036854775809]",
    "[123456789012345678901234567890]",
  };
  const char *in_range[] = {
    "[9223372036854775807]",
    "[-9223372036854775808]",
    "[1e300, 12345678901234567890.5, \"99999999999999999999999\"]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (too_big); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = atlaas_json_parse (too_big[i], -1, &error);

      g_assert_error (error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_RANGE);
      g_assert_null (root);
    }

  for (guint i = 0; i < G_N_ELEMENTS (in_range); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) root = atlaas_json_parse (in_range[i], -1, &error);

      g_assert_no_error (error);
      g_assert_nonnull (root);
    }
}

static void
test_json_invalid_records (void)
{
  const char *document =
    "{\"format\":\"atlaas\",\"version\":1,\"actions\":["
    " {\"id\":\"ok1\",\"titre\":\"Un\"},"
    " {\"id\":\"no-title\"},"
    " {\"id\":\"bad-lat\",\"titre\":\"T\",\"lieux\":[{\"lat\":\"north\",\"lon\":3}]},"
    " {\"id\":\"ok2\",\"titre\":\"Deux\",\"lieux\":[{\"lat\":45,\"lon\":3}]},"
    " 42,"
    " {\"id\":\"bad-type\",\"titre\":\"T\",\"lieux\":[{\"type\":\"Château\"}]},"
    " {\"id\":\"half\",\"titre\":\"T\",\"lieux\":[{\"lat\":45}]},"
    " {\"id\":\"bad-status\",\"titre\":\"T\",\"status\":\"deleted\"}"
    "]}";
  const guint rejected_indices[] = { 1, 2, 4, 5, 6, 7 };
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasJsonReadResult) result = read_document (document, &error);
  AtlaasJsonRejection *rejection;
  AtlaasAction *action;

  g_assert_no_error (error);
  g_assert_cmpuint (result->actions->len, ==, 2);
  g_assert_cmpuint (result->rejected->len, ==, G_N_ELEMENTS (rejected_indices));

  for (guint i = 0; i < G_N_ELEMENTS (rejected_indices); i++)
    {
      rejection = g_ptr_array_index (result->rejected, i);
      g_assert_cmpuint (rejection->index, ==, rejected_indices[i]);
      g_assert_nonnull (rejection->reason);
    }

  rejection = g_ptr_array_index (result->rejected, 1);
  g_assert_cmpstr (rejection->id, ==, "bad-lat");
  g_assert_nonnull (strstr (rejection->reason, "lieux[0].lat"));

  action = g_ptr_array_index (result->actions, 1);
  g_assert_cmpstr (action->id, ==, "ok2");
  g_assert_cmpfloat (((AtlaasPlace *) g_ptr_array_index (action->places, 0))->latitude, ==, 45);
}

static void
test_json_document_errors (void)
{
  const struct
  {
    const char *text;
    int code;
  } cases[] = {
    { "{\"format\":\"atlaas\",", ATLAAS_JSON_ERROR_PARSE },
    { "", ATLAAS_JSON_ERROR_PARSE },
    { "{\"format\":\"other\",\"actions\":[]}", ATLAAS_JSON_ERROR_FORMAT },
    { "{\"format\":\"atlaas\",\"version\":2,\"actions\":[]}", ATLAAS_JSON_ERROR_FORMAT },
    { "{\"format\":\"atlaas\",\"version\":1}", ATLAAS_JSON_ERROR_FORMAT },
    { "{\"format\":\"atlaas\",\"version\":\"1\",\"actions\":[]}", ATLAAS_JSON_ERROR_FORMAT },
    { "\"text\"", ATLAAS_JSON_ERROR_FORMAT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AtlaasJsonReadResult) result = read_document (cases[i].text, &error);

      g_assert_error (error, ATLAAS_JSON_ERROR, cases[i].code);
      g_assert_null (result);
    }
}

/* Text the store would lose or keep malformed rejects its record, and the
 * other records of the document are still read. */
static void
test_json_invalid_text (void)
{
  g_autofree char *long_title = g_strnfill (501, 'a');
  g_autofree char *document = g_strdup_printf (
    "{\"format\":\"atlaas\",\"version\":1,\"actions\":["
    " {\"id\":\"nul\",\"titre\":\"T\",\"synthese\":\"avant\\u0000après\"},"
    " {\"id\":\"surrogate\",\"titre\":\"a\\ud800b\"},"
    " {\"id\":\"control\",\"titre\":\"a\\u0007b\"},"
    " {\"id\":\"long\",\"titre\":\"%s\"},"
    " {\"id\":\"bad-date\",\"titre\":\"T\",\"date\":\"2020-13-01\"},"
    " {\"id\":\"french-date\",\"titre\":\"T\",\"date\":\"31/12/2020\"},"
    " {\"id\":\"ok\",\"titre\":\"Ligne\\nsuivante\\tet tab\",\"date\":\"2020-02-29\"}"
    "]}", long_title);
  const struct
  {
    const char *id;
    const char *reason_part;
  } rejections[] = {
    { "nul", "synthese" },
    { "surrogate", "UTF-8" },
    { "control", "U+0007" },
    { "long", "500" },
    { "bad-date", "YYYY-MM-DD" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasJsonReadResult) result = read_document (document, &error);
  AtlaasAction *action;

  g_assert_no_error (error);
  g_assert_cmpuint (result->rejected->len, ==, G_N_ELEMENTS (rejections));
  for (guint i = 0; i < G_N_ELEMENTS (rejections); i++)
    {
      AtlaasJsonRejection *rejection = g_ptr_array_index (result->rejected, i);

      g_assert_cmpstr (rejection->id, ==, rejections[i].id);
      g_assert_nonnull (strstr (rejection->reason, rejections[i].reason_part));
    }

  g_assert_cmpuint (result->actions->len, ==, 2);
  action = g_ptr_array_index (result->actions, 0);
  g_assert_cmpstr (action->id, ==, "french-date");
  g_assert_cmpstr (action->date, ==, "2020-12-31");
  g_assert_cmpuint (result->warnings->len, >=, 1);
  action = g_ptr_array_index (result->actions, 1);
  g_assert_cmpstr (action->title, ==, "Ligne\nsuivante\tet tab");
  g_assert_cmpstr (action->date, ==, "2020-02-29");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/round-trip", test_json_round_trip);
  g_test_add_func ("/json/html-conversion", test_json_html_conversion);
  g_test_add_func ("/json/legacy-document", test_json_legacy_document);
  g_test_add_func ("/json/legacy-regions", test_json_legacy_regions);
  g_test_add_func ("/json/bare-array", test_json_bare_array);
  g_test_add_func ("/json/deep-nesting", test_json_deep_nesting);
  g_test_add_func ("/json/huge-integer", test_json_huge_integer);
  g_test_add_func ("/json/invalid-records", test_json_invalid_records);
  g_test_add_func ("/json/document-errors", test_json_document_errors);
  g_test_add_func ("/json/invalid-text", test_json_invalid_text);

  return g_test_run ();
}
