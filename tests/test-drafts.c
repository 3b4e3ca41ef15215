/* test-drafts.c: drafts and outbox in a real SQLite file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <sqlite3.h>

#include "atlaas-drafts.h"
#include "atlaas-store.h"
#include "store-test-utils.h"

typedef StoreFixture Fixture;

/* A half-typed proposal: some fields only, as the form saves it. */
static AtlaasAction *
make_partial_action (const char *title)
{
  AtlaasAction *action = atlaas_action_new ();
  AtlaasPlace *place = atlaas_place_new ();
  AtlaasContact *contact = atlaas_contact_new ();

  action->title = g_strdup (title);
  action->date = g_strdup ("2024-03-15");
  action->actions = g_strdup ("Premier paragraphe.\n\nSecond paragraphe, avec « guillemets » et œ.");
  g_ptr_array_add (action->links, g_strdup ("https://www.ville-evian.fr/"));

  contact->name = g_strdup ("Jean Martin");
  contact->email = g_strdup ("jean.martin@evian.fr");
  g_ptr_array_add (action->contacts, contact);

  place->town = g_strdup ("Évian-les-Bains");
  place->postal_code = g_strdup ("74500");
  place->insee_code = g_strdup ("74119");
  place->type = ATLAAS_PLACE_TYPE_OTHER;
  place->has_position = TRUE;
  place->latitude = 46.4008;
  place->longitude = 6.5898;
  g_ptr_array_add (action->places, place);

  g_ptr_array_add (action->services, g_strdup ("1a1-01"));

  return action;
}

static gint64
count_rows (Fixture    *fixture,
            const char *table)
{
  sqlite3 *db = atlaas_store_get_database (fixture->store);
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  sqlite3_stmt *statement = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (statement, 0);
  sqlite3_finalize (statement);

  return count;
}

static void
test_drafts_save_load (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(AtlaasAction) action = make_partial_action ("Bornes numériques");
  g_autoptr(AtlaasDraft) draft = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  id = atlaas_drafts_save (fixture->store, NULL, action, &error);
  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (id));

  draft = atlaas_drafts_load (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (draft->id, ==, id);
  g_assert_cmpint (draft->created_at, >, 0);
  g_assert_true (atlaas_action_equal (draft->action, action));
}

static void
test_drafts_empty_action (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(AtlaasAction) action = atlaas_action_new ();
  g_autoptr(AtlaasDraft) draft = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  /* A form opened and closed at once still has a draft to resume. */
  id = atlaas_drafts_save (fixture->store, NULL, action, &error);
  g_assert_no_error (error);
  draft = atlaas_drafts_load (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_true (atlaas_action_equal (draft->action, action));
}

static void
test_drafts_update (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(AtlaasAction) action = make_partial_action ("Premier titre");
  g_autoptr(AtlaasDraft) first = NULL;
  g_autoptr(AtlaasDraft) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *same_id = NULL;

  id = atlaas_drafts_save (fixture->store, NULL, action, &error);
  g_assert_no_error (error);
  first = atlaas_drafts_load (fixture->store, id, &error);
  g_assert_no_error (error);

  g_free (action->title);
  action->title = g_strdup ("Titre corrigé");
  same_id = atlaas_drafts_save (fixture->store, id, action, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (same_id, ==, id);

  second = atlaas_drafts_load (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second->action->title, ==, "Titre corrigé");
  g_assert_cmpint (second->created_at, ==, first->created_at);
  g_assert_cmpint (second->updated_at, >=, first->updated_at);
  g_assert_cmpint (count_rows (fixture, "drafts"), ==, 1);
}

static void
test_drafts_list_delete (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *titles[] = { "Un", "Deux", "Trois" };
  g_autofree char *ids[G_N_ELEMENTS (titles)] = { NULL, };
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autoptr(AtlaasAction) action = make_partial_action (titles[i]);

      ids[i] = atlaas_drafts_save (fixture->store, NULL, action, &error);
      g_assert_no_error (error);
      /* updated_at has microseconds, but make the order certain. */
      g_usleep (2000);
    }

  drafts = atlaas_drafts_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, 3);

  /* The most recently changed first. */
  for (guint i = 0; i < 3; i++)
    {
      AtlaasDraft *draft = g_ptr_array_index (drafts, i);

      g_assert_cmpstr (draft->id, ==, ids[2 - i]);
      g_assert_cmpstr (draft->action->title, ==, titles[2 - i]);
    }

  atlaas_drafts_delete (fixture->store, ids[1], &error);
  g_assert_no_error (error);

  after = atlaas_drafts_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, 2);
  g_assert_cmpstr (((AtlaasDraft *) g_ptr_array_index (after, 0))->id, ==, ids[2]);
  g_assert_cmpstr (((AtlaasDraft *) g_ptr_array_index (after, 1))->id, ==, ids[0]);

  g_assert_false (atlaas_drafts_delete (fixture->store, ids[1], &error));
  g_assert_error (error, ATLAAS_DRAFTS_ERROR, ATLAAS_DRAFTS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (atlaas_drafts_load (fixture->store, ids[1], &error));
  g_assert_error (error, ATLAAS_DRAFTS_ERROR, ATLAAS_DRAFTS_ERROR_NOT_FOUND);
}

static void
test_drafts_persist_reopen (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(AtlaasAction) action = make_partial_action ("Survit à la fermeture");
  g_autoptr(AtlaasDraft) draft = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  id = atlaas_drafts_save (fixture->store, NULL, action, &error);
  g_assert_no_error (error);

  g_clear_pointer (&fixture->store, atlaas_store_unref);
  fixture->store = atlaas_store_open (fixture->path, &error);
  g_assert_no_error (error);

  draft = atlaas_drafts_load (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_true (atlaas_action_equal (draft->action, action));
}

static void
test_outbox_submit_moves_draft (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(AtlaasAction) action = make_partial_action ("À envoyer");
  g_autoptr(AtlaasAction) other = make_partial_action ("À garder");
  g_autoptr(GPtrArray) drafts = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *other_id = NULL;
  g_autofree char *client_id = NULL;
  AtlaasOutboxEntry *entry;

  id = atlaas_drafts_save (fixture->store, NULL, action, &error);
  g_assert_no_error (error);
  other_id = atlaas_drafts_save (fixture->store, NULL, other, &error);
  g_assert_no_error (error);

  g_assert_true (atlaas_outbox_submit (fixture->store, id, action, &client_id, &error));
  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (client_id));

  drafts = atlaas_drafts_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (drafts->len, ==, 1);
  g_assert_cmpstr (((AtlaasDraft *) g_ptr_array_index (drafts, 0))->id, ==, other_id);

  outbox = atlaas_outbox_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 1);
  entry = g_ptr_array_index (outbox, 0);
  g_assert_cmpstr (entry->client_id, ==, client_id);
  g_assert_cmpstr (entry->state, ==, ATLAAS_OUTBOX_STATE_PENDING);
  g_assert_cmpstr (entry->action->title, ==, "À envoyer");
  g_assert_cmpstr (entry->action->status, ==, "pending");
  g_assert_cmpstr (entry->action->id, ==, client_id);
  g_assert_cmpuint (entry->action->places->len, ==, 1);
}

static void
test_outbox_submit_unique_ids (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(AtlaasAction) action = make_partial_action ("Deux fois");
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  /* Without a draft, and twice: two entries with distinct keys. */
  g_assert_true (atlaas_outbox_submit (fixture->store, NULL, action, &first, &error));
  g_assert_no_error (error);
  g_assert_true (atlaas_outbox_submit (fixture->store, NULL, action, &second, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (first, !=, second);
  g_assert_cmpint (count_rows (fixture, "outbox"), ==, 2);
}

/* When deleting the draft fails after the outbox insert, neither change
 * may stay: a submit that is not one transaction would leave the proposal
 * both in the outbox and in the drafts, and it would be sent twice. */
static void
test_outbox_submit_atomic (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(AtlaasAction) action = make_partial_action ("Échec simulé");
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *client_id = NULL;
  sqlite3 *db = atlaas_store_get_database (fixture->store);

  id = atlaas_drafts_save (fixture->store, NULL, action, &error);
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE TEMP TRIGGER fail_draft_delete BEFORE DELETE ON main.drafts "
                                 "BEGIN SELECT RAISE (ABORT, 'disk full (simulated)'); END",
                                 NULL, NULL, NULL), ==, SQLITE_OK);

  g_assert_false (atlaas_outbox_submit (fixture->store, id, action, &client_id, &error));
  g_assert_error (error, ATLAAS_DRAFTS_ERROR, ATLAAS_DRAFTS_ERROR_SQLITE);
  g_assert_null (client_id);
  /* No transaction is left open. */
  g_assert_cmpint (sqlite3_get_autocommit (db), !=, 0);

  g_assert_cmpint (count_rows (fixture, "drafts"), ==, 1);
  g_assert_cmpint (count_rows (fixture, "outbox"), ==, 0);

  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER fail_draft_delete", NULL, NULL, NULL), ==, SQLITE_OK);
  g_clear_error (&error);
  g_assert_true (atlaas_outbox_submit (fixture->store, id, action, &client_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (fixture, "drafts"), ==, 0);
  g_assert_cmpint (count_rows (fixture, "outbox"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, "atlaas-drafts-XXXXXX", store_fixture_set_up, func, \
              store_fixture_tear_down)

  ADD ("/drafts/save-load", test_drafts_save_load);
  ADD ("/drafts/empty-action", test_drafts_empty_action);
  ADD ("/drafts/update", test_drafts_update);
  ADD ("/drafts/list-delete", test_drafts_list_delete);
  ADD ("/drafts/persist-reopen", test_drafts_persist_reopen);
  ADD ("/drafts/outbox-submit", test_outbox_submit_moves_draft);
  ADD ("/drafts/outbox-unique-ids", test_outbox_submit_unique_ids);
  ADD ("/drafts/outbox-atomic", test_outbox_submit_atomic);

#undef ADD

  return g_test_run ();
}
