/* atlaas-store.c: the local SQLite store of actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-Core"

#include "config.h"

#include <math.h>
#include <string.h>

#include "atlaas-fts.h"
#include "atlaas-store.h"

/* Threading: one AtlaasStore (one SQLite connection and its prepared
 * statements) belongs to one thread at a time. A thread that needs the store
 * concurrently opens its own AtlaasStore on the same file; WAL mode lets
 * readers run while one writer writes. The reference count is atomic, the
 * rest is not locked. */

typedef enum
{
  STMT_UPSERT_ACTION,
  STMT_DELETE_PLACES,
  STMT_DELETE_CONTACTS,
  STMT_DELETE_LINKS,
  STMT_DELETE_SERVICES,
  STMT_INSERT_PLACE,
  STMT_INSERT_CONTACT,
  STMT_INSERT_LINK,
  STMT_INSERT_SERVICE,
  STMT_DELETE_FTS,
  STMT_INSERT_FTS,
  STMT_SELECT_ACTION_BY_ID,
  STMT_SELECT_ACTION_BY_ROWID,
  STMT_SELECT_PLACES,
  STMT_SELECT_CONTACTS,
  STMT_SELECT_LINKS,
  STMT_SELECT_SERVICES,
  STMT_SELECT_ROWIDS,
  STMT_COUNT_ACTIONS,
  STMT_LOAD_POINTS,
  STMT_LOAD_AXIS_BITS,
  STMT_DELETE_ACTION,
  N_STMTS
} StmtId;

#define ACTION_COLUMNS \
  "rowid, id, revision, updated_at, status, source, title, subtitle, date, " \
  "actions, synthesis, tools, providers, recommendations, results"

static const char *const statement_sql[N_STMTS] = {
  [STMT_UPSERT_ACTION] =
    "INSERT INTO actions (id, revision, updated_at, status, source, title, "
    "subtitle, date, actions, synthesis, tools, providers, recommendations, "
    "results, axis_bits) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
    "ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, "
    "updated_at = excluded.updated_at, status = excluded.status, "
    "source = excluded.source, title = excluded.title, "
    "subtitle = excluded.subtitle, date = excluded.date, "
    "actions = excluded.actions, synthesis = excluded.synthesis, "
    "tools = excluded.tools, providers = excluded.providers, "
    "recommendations = excluded.recommendations, results = excluded.results, "
    "axis_bits = excluded.axis_bits "
    "RETURNING rowid",
  [STMT_DELETE_PLACES] = "DELETE FROM places WHERE action = ?1",
  [STMT_DELETE_CONTACTS] = "DELETE FROM contacts WHERE action = ?1",
  [STMT_DELETE_LINKS] = "DELETE FROM links WHERE action = ?1",
  [STMT_DELETE_SERVICES] = "DELETE FROM action_services WHERE action = ?1",
  [STMT_INSERT_PLACE] =
    "INSERT INTO places (action, position, name, description, type, address, "
    "postal_code, town, insee_code, departement, region, phone, email, "
    "website, latitude, longitude) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
  [STMT_INSERT_CONTACT] =
    "INSERT INTO contacts (action, position, name, role, email, phone) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  [STMT_INSERT_LINK] =
    "INSERT INTO links (action, position, url) VALUES (?1, ?2, ?3)",
  [STMT_INSERT_SERVICE] =
    "INSERT INTO action_services (action, position, service) VALUES (?1, ?2, ?3)",
  [STMT_DELETE_FTS] = "DELETE FROM action_fts WHERE rowid = ?1",
  [STMT_INSERT_FTS] =
    "INSERT INTO action_fts (rowid, title, body) VALUES (?1, ?2, ?3)",
  [STMT_SELECT_ACTION_BY_ID] =
    "SELECT " ACTION_COLUMNS " FROM actions WHERE id = ?1",
  [STMT_SELECT_ACTION_BY_ROWID] =
    "SELECT " ACTION_COLUMNS " FROM actions WHERE rowid = ?1",
  [STMT_SELECT_PLACES] =
    "SELECT name, description, type, address, postal_code, town, insee_code, "
    "departement, region, phone, email, website, latitude, longitude "
    "FROM places WHERE action = ?1 ORDER BY position",
  [STMT_SELECT_CONTACTS] =
    "SELECT name, role, email, phone FROM contacts WHERE action = ?1 "
    "ORDER BY position",
  [STMT_SELECT_LINKS] =
    "SELECT url FROM links WHERE action = ?1 ORDER BY position",
  [STMT_SELECT_SERVICES] =
    "SELECT service FROM action_services WHERE action = ?1 ORDER BY position",
  [STMT_SELECT_ROWIDS] = "SELECT rowid FROM actions ORDER BY id",
  [STMT_COUNT_ACTIONS] = "SELECT count(*) FROM actions",
  /* The two load statements read covering indexes (schema version 3), both
   * in action rowid order, and atlaas_store_load_points merges them: the
   * wide actions rows, with axis_bits behind their text, stay on disk. */
  [STMT_LOAD_POINTS] =
    "SELECT longitude, latitude, action FROM places INDEXED BY places_points "
    "WHERE latitude IS NOT NULL AND longitude IS NOT NULL "
    "ORDER BY action, position",
  [STMT_LOAD_AXIS_BITS] =
    "SELECT rowid, axis_bits FROM actions INDEXED BY actions_axis_bits ORDER BY rowid",
  [STMT_DELETE_ACTION] = "DELETE FROM actions WHERE id = ?1 RETURNING rowid",
};

/* Forward migrations: entry i takes a file from user_version i to i + 1.
 * Never edit a released entry; append a new one instead. */
static const char *const migrations[] = {
  /* 0 → 1: the first schema. */
  "CREATE TABLE actions ("
  "  rowid INTEGER PRIMARY KEY,"
  "  id TEXT UNIQUE NOT NULL,"
  "  revision INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  status TEXT NOT NULL,"
  "  source TEXT,"
  "  title TEXT NOT NULL,"
  "  subtitle TEXT,"
  "  date TEXT,"
  "  actions TEXT,"
  "  synthesis TEXT,"
  "  tools TEXT,"
  "  providers TEXT,"
  "  recommendations TEXT,"
  "  results TEXT,"
  "  axis_bits INTEGER NOT NULL DEFAULT 0"
  ");"
  "CREATE TABLE places ("
  "  action INTEGER NOT NULL REFERENCES actions (rowid) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  name TEXT,"
  "  description TEXT,"
  "  type INTEGER NOT NULL,"
  "  address TEXT,"
  "  postal_code TEXT,"
  "  town TEXT,"
  "  insee_code TEXT,"
  "  departement TEXT,"
  "  region TEXT,"
  "  phone TEXT,"
  "  email TEXT,"
  "  website TEXT,"
  "  latitude REAL,"
  "  longitude REAL,"
  "  PRIMARY KEY (action, position)"
  ");"
  "CREATE INDEX places_departement ON places (departement);"
  "CREATE INDEX places_region ON places (region);"
  "CREATE TABLE contacts ("
  "  action INTEGER NOT NULL REFERENCES actions (rowid) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  name TEXT,"
  "  role TEXT,"
  "  email TEXT,"
  "  phone TEXT,"
  "  PRIMARY KEY (action, position)"
  ");"
  "CREATE TABLE links ("
  "  action INTEGER NOT NULL REFERENCES actions (rowid) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  url TEXT NOT NULL,"
  "  PRIMARY KEY (action, position)"
  ");"
  "CREATE TABLE action_services ("
  "  action INTEGER NOT NULL REFERENCES actions (rowid) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  service TEXT NOT NULL,"
  "  PRIMARY KEY (action, position)"
  ");"
  "CREATE INDEX action_services_service ON action_services (service);"
  "CREATE VIRTUAL TABLE action_fts USING fts5 (title, body, tokenize = 'atlaas');",
  /* 1 → 2: proposals being typed, and proposals waiting to be sent. An
   * outbox entry's client_id is its idempotency key on the server. */
  "CREATE TABLE drafts ("
  "  id TEXT PRIMARY KEY,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  json TEXT NOT NULL"
  ");"
  "CREATE TABLE outbox ("
  "  client_id TEXT PRIMARY KEY,"
  "  created_at INTEGER NOT NULL,"
  "  state TEXT NOT NULL DEFAULT 'pending',"
  "  json TEXT NOT NULL"
  ");",
  /* 2 → 3: covering indexes for atlaas_store_load_points, so that loading
   * the map points reads (action rowid, position, longitude, latitude,
   * axis_bits) and not the whole actions table.
   * NOTE: building them reads the whole file once: 7 s for 100,000 actions
   * (540 MB) and 250 s for 1,000,000 (5.4 GB) on the benchmark machine, in
   * atlaas_store_open, with no progress shown. */
  "CREATE INDEX places_points ON places (action, position, longitude, latitude);"
  "CREATE INDEX actions_axis_bits ON actions (rowid, axis_bits);",
};

#define CURRENT_SCHEMA_VERSION ((int) G_N_ELEMENTS (migrations))

struct _AtlaasStore
{
  gatomicrefcount ref_count;
  char *path;
  sqlite3 *db;
  sqlite3_stmt *stmts[N_STMTS];
  int schema_version;
};

G_DEFINE_QUARK (atlaas-store-error-quark, atlaas_store_error)

/* Maps an SQLite result code to the AtlaasStoreError that the app explains
 * to the user. */
static AtlaasStoreError
store_error_from_sqlite (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return ATLAAS_STORE_ERROR_CORRUPT;
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return ATLAAS_STORE_ERROR_READ_ONLY;
    default:
      return ATLAAS_STORE_ERROR_SQLITE;
    }
}

static gboolean
set_sqlite_error (sqlite3     *db,
                  const char  *what,
                  GError     **error)
{
  g_set_error (error, ATLAAS_STORE_ERROR, store_error_from_sqlite (sqlite3_extended_errcode (db)),
               "%s failed: %s", what, sqlite3_errmsg (db));
  return FALSE;
}

static gboolean
exec_sql (AtlaasStore  *store,
          const char   *sql,
          GError      **error)
{
  char *message = NULL;
  int rc;

  rc = sqlite3_exec (store->db, sql, NULL, NULL, &message);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, ATLAAS_STORE_ERROR, store_error_from_sqlite (rc),
                   "SQL statement \"%.60s\" failed: %s", sql,
                   message != NULL ? message : sqlite3_errmsg (store->db));
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

static void
rollback (AtlaasStore *store)
{
  /* Harmless if SQLite already rolled back on its own. */
  if (sqlite3_get_autocommit (store->db) == 0)
    sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
}

static gboolean
read_user_version (AtlaasStore  *store,
                   int          *version,
                   GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_prepare_v2 (store->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (store->db, "Reading the schema version", error);

  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *version = sqlite3_column_int (stmt, 0);
      ok = TRUE;
    }
  else
    set_sqlite_error (store->db, "Reading the schema version", error);

  sqlite3_finalize (stmt);
  return ok;
}

/* Fails with ATLAAS_STORE_ERROR_TOO_NEW for a file written by a newer Atlaas.
 * It runs before anything writes to the file, so such a file stays as it
 * was, journal mode included. */
static gboolean
check_schema_not_newer (AtlaasStore  *store,
                        GError      **error)
{
  int version;

  if (!read_user_version (store, &version, error))
    return FALSE;

  if (version > CURRENT_SCHEMA_VERSION)
    {
      g_set_error (error, ATLAAS_STORE_ERROR, ATLAAS_STORE_ERROR_TOO_NEW,
                   "The store %s has schema version %d but this program knows "
                   "versions up to %d; update Atlaas to open it",
                   store->path, version, CURRENT_SCHEMA_VERSION);
      return FALSE;
    }

  return TRUE;
}

static gboolean
migrate (AtlaasStore  *store,
         GError      **error)
{
  int version;

  if (!check_schema_not_newer (store, error)
      || !read_user_version (store, &version, error))
    return FALSE;

  while (version < CURRENT_SCHEMA_VERSION)
    {
      g_autofree char *set_version = NULL;

      if (!exec_sql (store, "BEGIN IMMEDIATE", error))
        return FALSE;

      /* Another connection may have migrated the file meanwhile. */
      if (!read_user_version (store, &version, error))
        {
          rollback (store);
          return FALSE;
        }
      if (version >= CURRENT_SCHEMA_VERSION)
        {
          rollback (store);
          break;
        }

      set_version = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (!exec_sql (store, migrations[version], error)
          || !exec_sql (store, set_version, error)
          || !exec_sql (store, "COMMIT", error))
        {
          rollback (store);
          g_prefix_error (error, "Migrating %s to schema version %d: ",
                          store->path, version + 1);
          return FALSE;
        }

      g_debug ("Migrated %s to schema version %d", store->path, version + 1);
      version++;
    }

  store->schema_version = CURRENT_SCHEMA_VERSION;
  return TRUE;
}

static sqlite3_stmt *
get_stmt (AtlaasStore *store,
          StmtId       id)
{
  sqlite3_stmt *stmt = store->stmts[id];

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

static char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Bit i is set when a service id starts with the axe digit i + 1. */
static guint32
compute_axis_bits (const AtlaasAction *action)
{
  guint32 bits = 0;

  for (guint i = 0; i < action->services->len; i++)
    {
      const char *service = g_ptr_array_index (action->services, i);

      if (service != NULL && service[0] >= '1' && service[0] <= '9')
        bits |= 1u << (service[0] - '1');
    }

  return bits;
}

static void
append_line (GString    *body,
             const char *text)
{
  if (text == NULL || text[0] == '\0')
    return;

  if (body->len > 0)
    g_string_append_c (body, '\n');
  g_string_append (body, text);
}

static char *
build_fts_body (const AtlaasAction *action)
{
  GString *body = g_string_new (NULL);

  append_line (body, action->subtitle);
  append_line (body, action->actions);
  append_line (body, action->synthesis);
  append_line (body, action->tools);
  append_line (body, action->providers);
  append_line (body, action->recommendations);
  append_line (body, action->results);

  for (guint i = 0; i < action->places->len; i++)
    {
      const AtlaasPlace *place = g_ptr_array_index (action->places, i);

      append_line (body, place->name);
      append_line (body, place->town);
    }

  for (guint i = 0; i < action->contacts->len; i++)
    {
      const AtlaasContact *contact = g_ptr_array_index (action->contacts, i);

      append_line (body, contact->name);
    }

  return g_string_free (body, FALSE);
}

static gboolean
validate_action (const AtlaasAction  *action,
                 guint                index,
                 GError             **error)
{
  if (action->id == NULL || action->id[0] == '\0')
    {
      g_set_error (error, ATLAAS_STORE_ERROR, ATLAAS_STORE_ERROR_INVALID,
                   "Action %u has no id", index);
      return FALSE;
    }

  if (action->title == NULL || action->title[0] == '\0')
    {
      g_set_error (error, ATLAAS_STORE_ERROR, ATLAAS_STORE_ERROR_INVALID,
                   "Action “%s” has no title (titre)", action->id);
      return FALSE;
    }

  for (guint i = 0; i < action->places->len; i++)
    {
      const AtlaasPlace *place = g_ptr_array_index (action->places, i);

      if (place->has_position
          && (!isfinite (place->latitude) || !isfinite (place->longitude)
              || place->latitude < -90 || place->latitude > 90
              || place->longitude < -180 || place->longitude > 180))
        {
          g_set_error (error, ATLAAS_STORE_ERROR, ATLAAS_STORE_ERROR_INVALID,
                       "Place %u of action “%s” has an invalid position "
                       "(latitude %g, longitude %g); latitudes must lie in "
                       "[-90, 90] and longitudes in [-180, 180]",
                       i, action->id, place->latitude, place->longitude);
          return FALSE;
        }
    }

  for (guint i = 0; i < action->services->len; i++)
    if (g_ptr_array_index (action->services, i) == NULL)
      {
        g_set_error (error, ATLAAS_STORE_ERROR, ATLAAS_STORE_ERROR_INVALID,
                     "Service %u of action “%s” is empty", i, action->id);
        return FALSE;
      }

  for (guint i = 0; i < action->links->len; i++)
    if (g_ptr_array_index (action->links, i) == NULL)
      {
        g_set_error (error, ATLAAS_STORE_ERROR, ATLAAS_STORE_ERROR_INVALID,
                     "Link %u of action “%s” is empty", i, action->id);
        return FALSE;
      }

  return TRUE;
}

static gboolean
step_done (AtlaasStore  *store,
           sqlite3_stmt *stmt,
           const char   *what,
           GError      **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (store->db, what, error);

  return TRUE;
}

static gboolean
delete_children (AtlaasStore  *store,
                 gint64        rowid,
                 GError      **error)
{
  const StmtId deletes[] = {
    STMT_DELETE_PLACES, STMT_DELETE_CONTACTS, STMT_DELETE_LINKS,
    STMT_DELETE_SERVICES, STMT_DELETE_FTS,
  };

  for (guint i = 0; i < G_N_ELEMENTS (deletes); i++)
    {
      sqlite3_stmt *stmt = get_stmt (store, deletes[i]);

      sqlite3_bind_int64 (stmt, 1, rowid);
      if (!step_done (store, stmt, "Deleting the old rows of an action", error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
put_one (AtlaasStore         *store,
         const AtlaasAction  *action,
         GError             **error)
{
  sqlite3_stmt *stmt;
  gint64 rowid;
  g_autofree char *body = NULL;
  int rc;

  stmt = get_stmt (store, STMT_UPSERT_ACTION);
  bind_text (stmt, 1, action->id);
  sqlite3_bind_int64 (stmt, 2, action->revision);
  sqlite3_bind_int64 (stmt, 3, action->updated_at);
  bind_text (stmt, 4, action->status != NULL ? action->status : "published");
  bind_text (stmt, 5, action->source);
  bind_text (stmt, 6, action->title);
  bind_text (stmt, 7, action->subtitle);
  bind_text (stmt, 8, action->date);
  bind_text (stmt, 9, action->actions);
  bind_text (stmt, 10, action->synthesis);
  bind_text (stmt, 11, action->tools);
  bind_text (stmt, 12, action->providers);
  bind_text (stmt, 13, action->recommendations);
  bind_text (stmt, 14, action->results);
  sqlite3_bind_int64 (stmt, 15, compute_axis_bits (action));

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (store->db, "Writing an action", error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  rowid = sqlite3_column_int64 (stmt, 0);
  /* Step to the end so that the RETURNING statement completes. */
  if (!step_done (store, stmt, "Writing an action", error))
    return FALSE;

  if (!delete_children (store, rowid, error))
    return FALSE;

  for (guint i = 0; i < action->places->len; i++)
    {
      const AtlaasPlace *place = g_ptr_array_index (action->places, i);

      stmt = get_stmt (store, STMT_INSERT_PLACE);
      sqlite3_bind_int64 (stmt, 1, rowid);
      sqlite3_bind_int (stmt, 2, i);
      bind_text (stmt, 3, place->name);
      bind_text (stmt, 4, place->description);
      sqlite3_bind_int (stmt, 5, place->type);
      bind_text (stmt, 6, place->address);
      bind_text (stmt, 7, place->postal_code);
      bind_text (stmt, 8, place->town);
      bind_text (stmt, 9, place->insee_code);
      bind_text (stmt, 10, place->departement);
      bind_text (stmt, 11, place->region);
      bind_text (stmt, 12, place->phone);
      bind_text (stmt, 13, place->email);
      bind_text (stmt, 14, place->website);
      if (place->has_position)
        {
          sqlite3_bind_double (stmt, 15, place->latitude);
          sqlite3_bind_double (stmt, 16, place->longitude);
        }
      if (!step_done (store, stmt, "Writing a place", error))
        return FALSE;
    }

  for (guint i = 0; i < action->contacts->len; i++)
    {
      const AtlaasContact *contact = g_ptr_array_index (action->contacts, i);

      stmt = get_stmt (store, STMT_INSERT_CONTACT);
      sqlite3_bind_int64 (stmt, 1, rowid);
      sqlite3_bind_int (stmt, 2, i);
      bind_text (stmt, 3, contact->name);
      bind_text (stmt, 4, contact->role);
      bind_text (stmt, 5, contact->email);
      bind_text (stmt, 6, contact->phone);
      if (!step_done (store, stmt, "Writing a contact", error))
        return FALSE;
    }

  for (guint i = 0; i < action->links->len; i++)
    {
      stmt = get_stmt (store, STMT_INSERT_LINK);
      sqlite3_bind_int64 (stmt, 1, rowid);
      sqlite3_bind_int (stmt, 2, i);
      bind_text (stmt, 3, g_ptr_array_index (action->links, i));
      if (!step_done (store, stmt, "Writing a link", error))
        return FALSE;
    }

  for (guint i = 0; i < action->services->len; i++)
    {
      stmt = get_stmt (store, STMT_INSERT_SERVICE);
      sqlite3_bind_int64 (stmt, 1, rowid);
      sqlite3_bind_int (stmt, 2, i);
      bind_text (stmt, 3, g_ptr_array_index (action->services, i));
      if (!step_done (store, stmt, "Writing a service", error))
        return FALSE;
    }

  body = build_fts_body (action);
  stmt = get_stmt (store, STMT_INSERT_FTS);
  sqlite3_bind_int64 (stmt, 1, rowid);
  bind_text (stmt, 2, action->title);
  bind_text (stmt, 3, body);
  if (!step_done (store, stmt, "Indexing an action for search", error))
    return FALSE;

  return TRUE;
}

static gboolean
read_children (AtlaasStore   *store,
               AtlaasAction  *action,
               gint64         rowid,
               GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = get_stmt (store, STMT_SELECT_PLACES);
  sqlite3_bind_int64 (stmt, 1, rowid);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AtlaasPlace *place = atlaas_place_new ();

      place->name = column_text (stmt, 0);
      place->description = column_text (stmt, 1);
      place->type = sqlite3_column_int (stmt, 2) == ATLAAS_PLACE_TYPE_TOWN
                    ? ATLAAS_PLACE_TYPE_TOWN : ATLAAS_PLACE_TYPE_OTHER;
      place->address = column_text (stmt, 3);
      place->postal_code = column_text (stmt, 4);
      place->town = column_text (stmt, 5);
      place->insee_code = column_text (stmt, 6);
      place->departement = column_text (stmt, 7);
      place->region = column_text (stmt, 8);
      place->phone = column_text (stmt, 9);
      place->email = column_text (stmt, 10);
      place->website = column_text (stmt, 11);
      if (sqlite3_column_type (stmt, 12) != SQLITE_NULL
          && sqlite3_column_type (stmt, 13) != SQLITE_NULL)
        {
          place->has_position = TRUE;
          place->latitude = sqlite3_column_double (stmt, 12);
          place->longitude = sqlite3_column_double (stmt, 13);
        }
      g_ptr_array_add (action->places, place);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (store->db, "Reading places", error);

  stmt = get_stmt (store, STMT_SELECT_CONTACTS);
  sqlite3_bind_int64 (stmt, 1, rowid);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AtlaasContact *contact = atlaas_contact_new ();

      contact->name = column_text (stmt, 0);
      contact->role = column_text (stmt, 1);
      contact->email = column_text (stmt, 2);
      contact->phone = column_text (stmt, 3);
      g_ptr_array_add (action->contacts, contact);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (store->db, "Reading contacts", error);

  stmt = get_stmt (store, STMT_SELECT_LINKS);
  sqlite3_bind_int64 (stmt, 1, rowid);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (action->links, column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (store->db, "Reading links", error);

  stmt = get_stmt (store, STMT_SELECT_SERVICES);
  sqlite3_bind_int64 (stmt, 1, rowid);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (action->services, column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return set_sqlite_error (store->db, "Reading services", error);

  return TRUE;
}

/* Runs a prepared SELECT of ACTION_COLUMNS; NULL with NOT_FOUND when it
 * returns no row. */
static AtlaasAction *
read_action (AtlaasStore   *store,
             sqlite3_stmt  *stmt,
             const char    *description,
             GError       **error)
{
  g_autoptr(AtlaasAction) action = NULL;
  gint64 rowid;
  int rc;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      g_set_error (error, ATLAAS_STORE_ERROR, ATLAAS_STORE_ERROR_NOT_FOUND,
                   "No action %s in the store %s", description, store->path);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      set_sqlite_error (store->db, "Reading an action", error);
      return NULL;
    }

  action = atlaas_action_new ();
  rowid = sqlite3_column_int64 (stmt, 0);
  action->id = column_text (stmt, 1);
  action->revision = sqlite3_column_int64 (stmt, 2);
  action->updated_at = sqlite3_column_int64 (stmt, 3);
  action->status = column_text (stmt, 4);
  action->source = column_text (stmt, 5);
  action->title = column_text (stmt, 6);
  action->subtitle = column_text (stmt, 7);
  action->date = column_text (stmt, 8);
  action->actions = column_text (stmt, 9);
  action->synthesis = column_text (stmt, 10);
  action->tools = column_text (stmt, 11);
  action->providers = column_text (stmt, 12);
  action->recommendations = column_text (stmt, 13);
  action->results = column_text (stmt, 14);
  sqlite3_reset (stmt);

  if (!read_children (store, action, rowid, error))
    return NULL;

  return g_steal_pointer (&action);
}

static gboolean
query_int64 (AtlaasStore  *store,
             const char   *sql,
             gint64       *value,
             GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return set_sqlite_error (store->db, "Counting rows", error);

  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *value = sqlite3_column_int64 (stmt, 0);
      ok = TRUE;
    }
  else
    set_sqlite_error (store->db, "Counting rows", error);

  sqlite3_finalize (stmt);
  return ok;
}

static void
store_count_free (AtlaasStoreCount *count)
{
  g_free (count->code);
  g_free (count);
}

static GPtrArray *
query_counts (AtlaasStore  *store,
              const char   *sql,
              GError      **error)
{
  g_autoptr(GPtrArray) counts = g_ptr_array_new_with_free_func ((GDestroyNotify) store_count_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (store->db, "Counting actions per area", error);
      return NULL;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AtlaasStoreCount *count = g_new0 (AtlaasStoreCount, 1);

      count->code = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      if (count->code == NULL)
        count->code = g_strdup ("");
      count->n_actions = sqlite3_column_int64 (stmt, 1);
      g_ptr_array_add (counts, count);
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (store->db, "Counting actions per area", error);
      sqlite3_finalize (stmt);
      return NULL;
    }

  sqlite3_finalize (stmt);
  return g_steal_pointer (&counts);
}

static void
atlaas_store_free (AtlaasStore *store)
{
  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&store->stmts[i], sqlite3_finalize);

  g_clear_pointer (&store->db, sqlite3_close);
  g_clear_pointer (&store->path, g_free);
  g_free (store);
}

AtlaasStore *
atlaas_store_open (const char  *path,
                   GError     **error)
{
  AtlaasStore *store;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  store = g_new0 (AtlaasStore, 1);
  g_atomic_ref_count_init (&store->ref_count);
  store->path = g_strdup (path);

  rc = sqlite3_open_v2 (path, &store->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                        | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, ATLAAS_STORE_ERROR, store_error_from_sqlite (rc),
                   "Could not open the store %s: %s; check that the folder "
                   "exists and is writable",
                   path, store->db != NULL ? sqlite3_errmsg (store->db) : sqlite3_errstr (rc));
      atlaas_store_free (store);
      return NULL;
    }

  sqlite3_extended_result_codes (store->db, 1);
  sqlite3_busy_timeout (store->db, 5000);

  if (!check_schema_not_newer (store, error))
    {
      atlaas_store_free (store);
      return NULL;
    }

  /* journal_mode returns "memory" for ":memory:" databases; that is fine. */
  if (!exec_sql (store, "PRAGMA journal_mode = WAL", error)
      || !exec_sql (store, "PRAGMA foreign_keys = ON", error)
      || !exec_sql (store, "PRAGMA synchronous = NORMAL", error))
    {
      g_prefix_error (error, "Opening the store %s: ", path);
      atlaas_store_free (store);
      return NULL;
    }

  /* The tokenizer must exist before any statement touches action_fts,
   * migrations included. */
  if (!atlaas_fts_register (store->db, error) || !migrate (store, error))
    {
      atlaas_store_free (store);
      return NULL;
    }

  for (guint i = 0; i < N_STMTS; i++)
    {
      if (sqlite3_prepare_v3 (store->db, statement_sql[i], -1,
                              SQLITE_PREPARE_PERSISTENT,
                              &store->stmts[i], NULL) != SQLITE_OK)
        {
          set_sqlite_error (store->db, "Preparing a statement", error);
          atlaas_store_free (store);
          return NULL;
        }
    }

  return store;
}

AtlaasStore *
atlaas_store_ref (AtlaasStore *store)
{
  g_return_val_if_fail (store != NULL, NULL);

  g_atomic_ref_count_inc (&store->ref_count);
  return store;
}

void
atlaas_store_unref (AtlaasStore *store)
{
  g_return_if_fail (store != NULL);

  if (g_atomic_ref_count_dec (&store->ref_count))
    atlaas_store_free (store);
}

int
atlaas_store_get_schema_version (AtlaasStore *store)
{
  g_return_val_if_fail (store != NULL, 0);

  return store->schema_version;
}

const char *
atlaas_store_get_path (AtlaasStore *store)
{
  g_return_val_if_fail (store != NULL, NULL);

  return store->path;
}

gboolean
atlaas_store_put_actions (AtlaasStore  *store,
                          GPtrArray    *actions,
                          GError      **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (actions != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!exec_sql (store, "BEGIN IMMEDIATE", error))
    return FALSE;

  /* Each action is checked just before it is written, so an invalid one
   * after valid ones exercises the rollback of what was already written. */
  for (guint i = 0; i < actions->len; i++)
    {
      const AtlaasAction *action = g_ptr_array_index (actions, i);

      if (!validate_action (action, i, error))
        {
          rollback (store);
          return FALSE;
        }

      if (!put_one (store, action, error))
        {
          g_prefix_error (error, "Storing action “%s”: ", action->id);
          rollback (store);
          return FALSE;
        }
    }

  if (!exec_sql (store, "COMMIT", error))
    {
      rollback (store);
      return FALSE;
    }

  return TRUE;
}

AtlaasAction *
atlaas_store_get_action (AtlaasStore  *store,
                         const char   *id,
                         GError      **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *description = NULL;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  stmt = get_stmt (store, STMT_SELECT_ACTION_BY_ID);
  bind_text (stmt, 1, id);
  description = g_strdup_printf ("with id “%s”", id);

  return read_action (store, stmt, description, error);
}

AtlaasAction *
atlaas_store_get_action_by_rowid (AtlaasStore *store,
                                  gint64       rowid,
                                  GError     **error)
{
  sqlite3_stmt *stmt;
  g_autofree char *description = NULL;

  g_return_val_if_fail (store != NULL, NULL);

  stmt = get_stmt (store, STMT_SELECT_ACTION_BY_ROWID);
  sqlite3_bind_int64 (stmt, 1, rowid);
  description = g_strdup_printf ("with row id %" G_GINT64_FORMAT, rowid);

  return read_action (store, stmt, description, error);
}

GPtrArray *
atlaas_store_list_actions (AtlaasStore  *store,
                           GError      **error)
{
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) actions = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (store != NULL, NULL);

  /* Collect the keys first: read_action reuses statements of its own. */
  stmt = get_stmt (store, STMT_SELECT_ROWIDS);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (rowids, rowid);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (store->db, "Listing actions", error);
      return NULL;
    }

  actions = g_ptr_array_new_full (rowids->len, (GDestroyNotify) atlaas_action_free);
  for (guint i = 0; i < rowids->len; i++)
    {
      AtlaasAction *action;

      action = atlaas_store_get_action_by_rowid (store,
                                                 g_array_index (rowids, gint64, i),
                                                 error);
      if (action == NULL)
        return NULL;
      g_ptr_array_add (actions, action);
    }

  return g_steal_pointer (&actions);
}

gint64
atlaas_store_count_actions (AtlaasStore  *store,
                            GError      **error)
{
  sqlite3_stmt *stmt;
  gint64 count = -1;

  g_return_val_if_fail (store != NULL, -1);

  stmt = get_stmt (store, STMT_COUNT_ACTIONS);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  else
    set_sqlite_error (store->db, "Counting actions", error);
  sqlite3_reset (stmt);

  return count;
}

AtlaasPointSet *
atlaas_store_load_points (AtlaasStore *store,
                          GError     **error)
{
  g_autoptr(GArray) longitudes = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) latitudes = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) bits = g_array_new (FALSE, FALSE, sizeof (guint32));
  AtlaasPointSet *points;
  sqlite3_stmt *stmt;
  sqlite3_stmt *actions;
  gint64 action_rowid = G_MININT64;
  guint32 action_bits = 0;
  int rc;
  int action_rc = SQLITE_ROW;
  gboolean failed;

  g_return_val_if_fail (store != NULL, NULL);

  /* Both statements run at once on the connection: for each place in
   * action order, advance the actions to its action. A place always has
   * its action (foreign key); one without would be left out. */
  actions = get_stmt (store, STMT_LOAD_AXIS_BITS);
  stmt = get_stmt (store, STMT_LOAD_POINTS);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      double longitude = sqlite3_column_double (stmt, 0);
      double latitude = sqlite3_column_double (stmt, 1);
      gint64 rowid = sqlite3_column_int64 (stmt, 2);

      while (action_rc == SQLITE_ROW && action_rowid < rowid)
        {
          action_rc = sqlite3_step (actions);
          if (action_rc == SQLITE_ROW)
            {
              action_rowid = sqlite3_column_int64 (actions, 0);
              action_bits = (guint32) sqlite3_column_int64 (actions, 1);
            }
        }
      if (action_rc != SQLITE_ROW)
        break;
      if (action_rowid != rowid)
        continue;

      g_array_append_val (longitudes, longitude);
      g_array_append_val (latitudes, latitude);
      g_array_append_val (rowids, rowid);
      g_array_append_val (bits, action_bits);
    }
  failed = (rc != SQLITE_DONE && rc != SQLITE_ROW)
           || (action_rc != SQLITE_DONE && action_rc != SQLITE_ROW);
  if (failed)
    set_sqlite_error (store->db, "Loading the map points", error);
  sqlite3_reset (stmt);
  sqlite3_reset (actions);
  if (failed)
    return NULL;

  points = g_new0 (AtlaasPointSet, 1);
  points->n_points = longitudes->len;
  points->longitudes = (double *) (void *) g_array_free (g_steal_pointer (&longitudes), FALSE);
  points->latitudes = (double *) (void *) g_array_free (g_steal_pointer (&latitudes), FALSE);
  points->action_rowids = (gint64 *) (void *) g_array_free (g_steal_pointer (&rowids), FALSE);
  points->axis_bits = (guint32 *) (void *) g_array_free (g_steal_pointer (&bits), FALSE);

  return points;
}

void
atlaas_point_set_free (AtlaasPointSet *points)
{
  if (points == NULL)
    return;

  g_free (points->longitudes);
  g_free (points->latitudes);
  g_free (points->action_rowids);
  g_free (points->axis_bits);
  g_free (points);
}

gboolean
atlaas_store_delete_actions (AtlaasStore        *store,
                             const char *const  *ids,
                             guint              *n_deleted,
                             GError            **error)
{
  guint deleted = 0;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (ids != NULL, FALSE);

  if (!exec_sql (store, "BEGIN IMMEDIATE", error))
    return FALSE;

  for (guint i = 0; ids[i] != NULL; i++)
    {
      sqlite3_stmt *stmt = get_stmt (store, STMT_DELETE_ACTION);
      int rc;

      bind_text (stmt, 1, ids[i]);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          gint64 rowid = sqlite3_column_int64 (stmt, 0);

          if (!step_done (store, stmt, "Deleting an action", error))
            goto fail;

          /* The foreign keys cascade to places, contacts, links and
           * services; the FTS table has no foreign key. */
          stmt = get_stmt (store, STMT_DELETE_FTS);
          sqlite3_bind_int64 (stmt, 1, rowid);
          if (!step_done (store, stmt, "Removing an action from the search index", error))
            goto fail;
          deleted++;
        }
      else if (rc != SQLITE_DONE)
        {
          sqlite3_reset (stmt);
          set_sqlite_error (store->db, "Deleting an action", error);
          goto fail;
        }
      else
        sqlite3_reset (stmt);
    }

  if (!exec_sql (store, "COMMIT", error))
    goto fail;

  if (n_deleted != NULL)
    *n_deleted = deleted;
  return TRUE;

fail:
  rollback (store);
  return FALSE;
}

AtlaasStoreStats *
atlaas_store_get_stats (AtlaasStore *store,
                        GError     **error)
{
  g_autoptr(AtlaasStoreStats) stats = NULL;

  g_return_val_if_fail (store != NULL, NULL);

  stats = g_new0 (AtlaasStoreStats, 1);

  if (!query_int64 (store, "SELECT count(*) FROM actions", &stats->n_actions, error)
      || !query_int64 (store, "SELECT count(*) FROM places", &stats->n_places, error)
      || !query_int64 (store, "SELECT count(*) FROM places WHERE latitude IS NOT NULL",
                       &stats->n_places_with_position, error)
      || !query_int64 (store, "SELECT count(*) FROM contacts", &stats->n_contacts, error)
      || !query_int64 (store, "SELECT count(*) FROM links", &stats->n_links, error)
      || !query_int64 (store, "SELECT count(*) FROM action_services",
                       &stats->n_service_links, error)
      || !query_int64 (store, "SELECT count(DISTINCT service) FROM action_services",
                       &stats->n_distinct_services, error))
    return NULL;

  /* An action with places in two départements counts once in each. */
  stats->per_departement =
    query_counts (store,
                  "SELECT departement, count(DISTINCT action) FROM places "
                  "GROUP BY departement ORDER BY departement",
                  error);
  if (stats->per_departement == NULL)
    return NULL;

  stats->per_region =
    query_counts (store,
                  "SELECT region, count(DISTINCT action) FROM places "
                  "GROUP BY region ORDER BY region",
                  error);
  if (stats->per_region == NULL)
    return NULL;

  return g_steal_pointer (&stats);
}

void
atlaas_store_stats_free (AtlaasStoreStats *stats)
{
  if (stats == NULL)
    return;

  g_clear_pointer (&stats->per_departement, g_ptr_array_unref);
  g_clear_pointer (&stats->per_region, g_ptr_array_unref);
  g_free (stats);
}

sqlite3 *
atlaas_store_get_database (AtlaasStore *store)
{
  g_return_val_if_fail (store != NULL, NULL);

  return store->db;
}
