/* atlaas-drafts.h: proposals being typed, and the outbox of proposals to send
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "atlaas-action.h"
#include "atlaas-store.h"

G_BEGIN_DECLS

#define ATLAAS_DRAFTS_ERROR (atlaas_drafts_error_quark ())

typedef enum
{
  ATLAAS_DRAFTS_ERROR_SQLITE,     /* SQLite failed; the message has its text */
  ATLAAS_DRAFTS_ERROR_NOT_FOUND,  /* no draft with that id */
  ATLAAS_DRAFTS_ERROR_CORRUPT,    /* a stored draft is not readable JSON */
} AtlaasDraftsError;

/* The state of a proposal in the outbox. Only the sync code moves an entry
 * out of "pending". */
#define ATLAAS_OUTBOX_STATE_PENDING "pending"

/* Both tables live in the store's file (schema version 2 and later), and
 * each row keeps the action in the Atlaas JSON format (atlaas-json.h). */
typedef struct
{
  char *id;              /* a UUID made when the draft is first saved */
  gint64 created_at;     /* Unix time in seconds */
  gint64 updated_at;     /* Unix time in microseconds, for ordering */
  AtlaasAction *action;
} AtlaasDraft;

typedef struct
{
  char *client_id;       /* UUID v4 made on this computer: the idempotency key */
  gint64 created_at;     /* Unix time in seconds */
  char *state;           /* ATLAAS_OUTBOX_STATE_PENDING, … */
  AtlaasAction *action;
} AtlaasOutboxEntry;

GQuark       atlaas_drafts_error_quark  (void);

void         atlaas_draft_free          (AtlaasDraft       *draft);
void         atlaas_outbox_entry_free   (AtlaasOutboxEntry *entry);

/* Saves the action as the draft `draft_id`, or as a new draft when it is
 * NULL, and returns the draft's id. One statement, so a crash keeps either
 * the previous or the new version. */
char        *atlaas_drafts_save         (AtlaasStore        *store,
                                         const char         *draft_id,
                                         const AtlaasAction *action,
                                         GError            **error);
AtlaasDraft *atlaas_drafts_load         (AtlaasStore        *store,
                                         const char         *draft_id,
                                         GError            **error);
/* Every draft, the most recently changed first: a GPtrArray of AtlaasDraft *. */
GPtrArray   *atlaas_drafts_list         (AtlaasStore        *store,
                                         GError            **error);
/* Deleting a draft that does not exist fails with NOT_FOUND. */
gboolean     atlaas_drafts_delete       (AtlaasStore        *store,
                                         const char         *draft_id,
                                         GError            **error);

/* Puts the action into the outbox as "pending" with a new UUID v4 as client
 * id (returned in `client_id` when it is not NULL), and deletes the draft
 * `draft_id` (may be NULL) in the same transaction: either both happen or
 * neither. The action is stored with status "pending" and, when it has no
 * id yet, the client id as its id. It is not validated here. */
gboolean     atlaas_outbox_submit       (AtlaasStore        *store,
                                         const char         *draft_id,
                                         const AtlaasAction *action,
                                         char              **client_id,
                                         GError            **error);
/* Every outbox entry, oldest first: a GPtrArray of AtlaasOutboxEntry *. */
GPtrArray   *atlaas_outbox_list         (AtlaasStore        *store,
                                         GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlaasDraft, atlaas_draft_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlaasOutboxEntry, atlaas_outbox_entry_free)

G_END_DECLS
