/* atlaas-store.h: the local SQLite store of actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "atlaas-action.h"

G_BEGIN_DECLS

#define ATLAAS_STORE_ERROR (atlaas_store_error_quark ())

typedef enum
{
  ATLAAS_STORE_ERROR_SQLITE,     /* SQLite failed; the message has its text */
  ATLAAS_STORE_ERROR_TOO_NEW,    /* the file's schema is newer than this program */
  ATLAAS_STORE_ERROR_NOT_FOUND,  /* no action with that id */
  ATLAAS_STORE_ERROR_INVALID,    /* an action lacks a required field */
  ATLAAS_STORE_ERROR_CORRUPT,    /* the file is not an SQLite database or is damaged */
  ATLAAS_STORE_ERROR_READ_ONLY,  /* the file or its folder cannot be opened or written */
} AtlaasStoreError;

/* What the map needs at start, one entry per place with a position: parallel
 * arrays of length n_points. action_rowids refer to the store's integer keys,
 * so that the rest of an action is read on demand. */
typedef struct
{
  gsize n_points;
  double *longitudes;
  double *latitudes;
  gint64 *action_rowids;
  guint32 *axis_bits;    /* bit i set when the action has a service of axe i+1 */
} AtlaasPointSet;

/* A count of actions for one département or région code; code is "" for
 * actions whose places have none. */
typedef struct
{
  char *code;
  gint64 n_actions;
} AtlaasStoreCount;

typedef struct
{
  gint64 n_actions;
  gint64 n_places;
  gint64 n_places_with_position;
  gint64 n_contacts;
  gint64 n_links;
  gint64 n_service_links;       /* rows of action_services */
  gint64 n_distinct_services;   /* distinct service ids in use */
  GPtrArray *per_departement;   /* AtlaasStoreCount *, ordered by code */
  GPtrArray *per_region;        /* AtlaasStoreCount *, ordered by code */
} AtlaasStoreStats;

typedef struct _AtlaasStore AtlaasStore;

GQuark       atlaas_store_error_quark (void);

/* Opens or creates the store at `path` (":memory:" works) in WAL mode with
 * foreign keys on, and applies forward migrations up to the current schema. */
AtlaasStore *atlaas_store_open          (const char   *path,
                                         GError      **error);
AtlaasStore *atlaas_store_ref           (AtlaasStore  *store);
void         atlaas_store_unref         (AtlaasStore  *store);
int          atlaas_store_get_schema_version (AtlaasStore *store);
const char  *atlaas_store_get_path      (AtlaasStore  *store);

/* Inserts or updates each action by id in one transaction: either all are
 * stored or none. */
gboolean     atlaas_store_put_actions   (AtlaasStore  *store,
                                         GPtrArray    *actions,
                                         GError      **error);
AtlaasAction *atlaas_store_get_action   (AtlaasStore  *store,
                                         const char   *id,
                                         GError      **error);
AtlaasAction *atlaas_store_get_action_by_rowid (AtlaasStore *store,
                                                gint64       rowid,
                                                GError     **error);
/* Every action, ordered by id: a GPtrArray of AtlaasAction *. */
GPtrArray   *atlaas_store_list_actions  (AtlaasStore  *store,
                                         GError      **error);
gint64       atlaas_store_count_actions (AtlaasStore  *store,
                                         GError      **error);

AtlaasPointSet *atlaas_store_load_points (AtlaasStore *store,
                                          GError     **error);
void            atlaas_point_set_free    (AtlaasPointSet *points);

/* Deletes the actions with these ids (unknown ids are skipped) in one
 * transaction; returns the number deleted in `n_deleted` if not NULL. */
gboolean     atlaas_store_delete_actions (AtlaasStore        *store,
                                          const char *const  *ids,
                                          guint              *n_deleted,
                                          GError            **error);
AtlaasStoreStats *atlaas_store_get_stats (AtlaasStore *store,
                                          GError     **error);
void         atlaas_store_stats_free    (AtlaasStoreStats *stats);

/* The connection, for the full-text search and other read-only queries on
 * the same thread; the store keeps ownership. */
sqlite3     *atlaas_store_get_database  (AtlaasStore  *store);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlaasStore, atlaas_store_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlaasPointSet, atlaas_point_set_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlaasStoreStats, atlaas_store_stats_free)

G_END_DECLS
