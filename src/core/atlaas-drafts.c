/* atlaas-drafts.c: proposals being typed, and the outbox of proposals to send
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-Core"

#include "config.h"

#include <sqlite3.h>

#include "atlaas-drafts.h"
#include "atlaas-json.h"

/* A distinct name, so that this cleanup cannot clash with one that another
 * file defines for sqlite3_stmt. */
typedef sqlite3_stmt DraftsStatement;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DraftsStatement, sqlite3_finalize)

G_DEFINE_QUARK (atlaas-drafts-error-quark, atlaas_drafts_error)

static gboolean
set_sqlite_error (sqlite3    *db,
                  const char *what,
                  GError    **error)
{
  g_set_error (error, ATLAAS_DRAFTS_ERROR, ATLAAS_DRAFTS_ERROR_SQLITE,
               "%s failed: %s", what, sqlite3_errmsg (db));
  return FALSE;
}

static DraftsStatement *
prepare (sqlite3    *db,
         const char *sql,
         GError    **error)
{
  sqlite3_stmt *statement = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) != SQLITE_OK)
    {
      set_sqlite_error (db, sql, error);
      return NULL;
    }

  return statement;
}

static gboolean
exec_sql (sqlite3    *db,
          const char *sql,
          GError    **error)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return set_sqlite_error (db, sql, error);

  return TRUE;
}

static char *
action_to_json (const AtlaasAction *action)
{
  g_autoptr(JsonNode) node = atlaas_json_action_to_node (action);

  return json_to_string (node, FALSE);
}

/* Placeholders for the two members that the JSON reader requires and that
 * a half-typed draft may lack; they are removed again after reading. */
#define MISSING_ID "atlaas-draft-without-id"
#define MISSING_TITLE "atlaas-draft-without-title"

static gboolean
member_is_empty (JsonObject *object,
                 const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  return JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING
         && json_node_get_string (node)[0] == '\0';
}

static AtlaasAction *
action_from_json (const char *json,
                  const char *key,
                  GError    **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean had_id = TRUE;
  gboolean had_title = TRUE;
  gboolean had_status = TRUE;
  AtlaasAction *action = NULL;

  node = atlaas_json_parse (json, -1, &local_error);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);

      had_id = !member_is_empty (object, "id");
      had_title = !member_is_empty (object, "titre");
      had_status = !member_is_empty (object, "status");
      if (!had_id)
        json_object_set_string_member (object, "id", MISSING_ID);
      if (!had_title)
        json_object_set_string_member (object, "titre", MISSING_TITLE);

      action = atlaas_json_action_from_node (node, FALSE, NULL, NULL, NULL, &local_error);
    }
  else if (node != NULL)
    {
      g_set_error (&local_error, ATLAAS_JSON_ERROR, ATLAAS_JSON_ERROR_FORMAT,
                   "The stored value is not a JSON object");
    }

  if (action == NULL)
    {
      g_set_error (error, ATLAAS_DRAFTS_ERROR, ATLAAS_DRAFTS_ERROR_CORRUPT,
                   "Stored proposal %s is not readable: %s", key, local_error->message);
      return NULL;
    }

  if (!had_id)
    g_clear_pointer (&action->id, g_free);
  if (!had_title)
    g_clear_pointer (&action->title, g_free);
  /* The reader takes a missing status as "published". */
  if (!had_status)
    g_clear_pointer (&action->status, g_free);

  return action;
}

static const char *
column_text (sqlite3_stmt *statement,
             int           column)
{
  return (const char *) sqlite3_column_text (statement, column);
}

static AtlaasDraft *
draft_from_row (sqlite3_stmt *statement,
                GError      **error)
{
  g_autoptr(AtlaasDraft) draft = g_new0 (AtlaasDraft, 1);

  draft->id = g_strdup (column_text (statement, 0));
  draft->created_at = sqlite3_column_int64 (statement, 1);
  draft->updated_at = sqlite3_column_int64 (statement, 2);
  draft->action = action_from_json (column_text (statement, 3), draft->id, error);
  if (draft->action == NULL)
    return NULL;

  return g_steal_pointer (&draft);
}

void
atlaas_draft_free (AtlaasDraft *draft)
{
  if (draft == NULL)
    return;

  g_free (draft->id);
  g_clear_pointer (&draft->action, atlaas_action_free);
  g_free (draft);
}

void
atlaas_outbox_entry_free (AtlaasOutboxEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->client_id);
  g_free (entry->state);
  g_clear_pointer (&entry->action, atlaas_action_free);
  g_free (entry);
}

char *
atlaas_drafts_save (AtlaasStore        *store,
                    const char         *draft_id,
                    const AtlaasAction *action,
                    GError            **error)
{
  sqlite3 *db;
  g_autoptr(DraftsStatement) statement = NULL;
  g_autofree char *id = NULL;
  g_autofree char *json = NULL;
  gint64 now_us = g_get_real_time ();

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (action != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = atlaas_store_get_database (store);
  id = draft_id != NULL ? g_strdup (draft_id) : g_uuid_string_random ();
  json = action_to_json (action);

  statement = prepare (db,
                       "INSERT INTO drafts (id, created_at, updated_at, json) "
                       "VALUES (?1, ?2, ?3, ?4) "
                       "ON CONFLICT (id) DO UPDATE SET "
                       "updated_at = excluded.updated_at, json = excluded.json",
                       error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_text (statement, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (statement, 2, now_us / G_USEC_PER_SEC);
  sqlite3_bind_int64 (statement, 3, now_us);
  sqlite3_bind_text (statement, 4, json, -1, SQLITE_TRANSIENT);

  if (sqlite3_step (statement) != SQLITE_DONE)
    {
      set_sqlite_error (db, "Saving draft", error);
      return NULL;
    }

  return g_steal_pointer (&id);
}

AtlaasDraft *
atlaas_drafts_load (AtlaasStore *store,
                    const char  *draft_id,
                    GError     **error)
{
  sqlite3 *db;
  g_autoptr(DraftsStatement) statement = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (draft_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = atlaas_store_get_database (store);
  statement = prepare (db,
                       "SELECT id, created_at, updated_at, json FROM drafts WHERE id = ?1",
                       error);
  if (statement == NULL)
    return NULL;

  sqlite3_bind_text (statement, 1, draft_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, ATLAAS_DRAFTS_ERROR, ATLAAS_DRAFTS_ERROR_NOT_FOUND,
                   "No draft has the id %s", draft_id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (db, "Loading draft", error);
      return NULL;
    }

  return draft_from_row (statement, error);
}

GPtrArray *
atlaas_drafts_list (AtlaasStore *store,
                    GError     **error)
{
  sqlite3 *db;
  g_autoptr(DraftsStatement) statement = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = atlaas_store_get_database (store);
  statement = prepare (db,
                       "SELECT id, created_at, updated_at, json FROM drafts "
                       "ORDER BY updated_at DESC, id",
                       error);
  if (statement == NULL)
    return NULL;

  drafts = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_draft_free);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      g_autoptr(GError) local_error = NULL;
      AtlaasDraft *draft = draft_from_row (statement, &local_error);

      /* One unreadable draft must not hide the others. */
      if (draft == NULL)
        {
          g_warning ("%s", local_error->message);
          continue;
        }
      g_ptr_array_add (drafts, draft);
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (db, "Listing drafts", error);
      return NULL;
    }

  return g_steal_pointer (&drafts);
}

gboolean
atlaas_drafts_delete (AtlaasStore *store,
                      const char  *draft_id,
                      GError     **error)
{
  sqlite3 *db;
  g_autoptr(DraftsStatement) statement = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (draft_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  db = atlaas_store_get_database (store);
  statement = prepare (db, "DELETE FROM drafts WHERE id = ?1", error);
  if (statement == NULL)
    return FALSE;

  sqlite3_bind_text (statement, 1, draft_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (statement) != SQLITE_DONE)
    return set_sqlite_error (db, "Deleting draft", error);

  if (sqlite3_changes (db) == 0)
    {
      g_set_error (error, ATLAAS_DRAFTS_ERROR, ATLAAS_DRAFTS_ERROR_NOT_FOUND,
                   "No draft has the id %s", draft_id);
      return FALSE;
    }

  return TRUE;
}

gboolean
atlaas_outbox_submit (AtlaasStore        *store,
                      const char         *draft_id,
                      const AtlaasAction *action,
                      char              **client_id,
                      GError            **error)
{
  sqlite3 *db;
  g_autoptr(AtlaasAction) copy = NULL;
  g_autoptr(DraftsStatement) insert = NULL;
  g_autoptr(DraftsStatement) delete = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *json = NULL;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (action != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  db = atlaas_store_get_database (store);

  copy = atlaas_action_copy (action);
  g_free (copy->status);
  copy->status = g_strdup ("pending");
  if (copy->id == NULL)
    copy->id = g_strdup (uuid);
  json = action_to_json (copy);

  insert = prepare (db,
                    "INSERT INTO outbox (client_id, created_at, state, json) "
                    "VALUES (?1, ?2, ?3, ?4)",
                    error);
  if (insert == NULL)
    return FALSE;
  delete = prepare (db, "DELETE FROM drafts WHERE id = ?1", error);
  if (delete == NULL)
    return FALSE;

  if (!exec_sql (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  sqlite3_bind_text (insert, 1, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 2, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_text (insert, 3, ATLAAS_OUTBOX_STATE_PENDING, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 4, json, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (insert) != SQLITE_DONE)
    {
      set_sqlite_error (db, "Adding the proposal to the outbox", error);
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  if (draft_id != NULL)
    {
      sqlite3_bind_text (delete, 1, draft_id, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (delete) != SQLITE_DONE)
        {
          set_sqlite_error (db, "Deleting the sent draft", error);
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }

  if (!exec_sql (db, "COMMIT", error))
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  if (client_id != NULL)
    *client_id = g_steal_pointer (&uuid);

  return TRUE;
}

GPtrArray *
atlaas_outbox_list (AtlaasStore *store,
                    GError     **error)
{
  sqlite3 *db;
  g_autoptr(DraftsStatement) statement = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = atlaas_store_get_database (store);
  statement = prepare (db,
                       "SELECT client_id, created_at, state, json FROM outbox "
                       "ORDER BY created_at, rowid",
                       error);
  if (statement == NULL)
    return NULL;

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_outbox_entry_free);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      g_autoptr(AtlaasOutboxEntry) entry = g_new0 (AtlaasOutboxEntry, 1);
      g_autoptr(GError) local_error = NULL;

      entry->client_id = g_strdup (column_text (statement, 0));
      entry->created_at = sqlite3_column_int64 (statement, 1);
      entry->state = g_strdup (column_text (statement, 2));
      entry->action = action_from_json (column_text (statement, 3), entry->client_id,
                                        &local_error);
      if (entry->action == NULL)
        {
          g_warning ("%s", local_error->message);
          continue;
        }
      g_ptr_array_add (entries, g_steal_pointer (&entry));
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (db, "Listing the outbox", error);
      return NULL;
    }

  return g_steal_pointer (&entries);
}
