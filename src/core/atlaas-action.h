/* atlaas-action.h: the action model shared by the store, importers and UI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Field names in comments are the keys of the JSON format (docs/format.md),
 * which keeps the original atlas's French names. All strings are UTF-8 and
 * owned by the struct; a NULL string means "not given". */

typedef struct
{
  char *name;        /* nom */
  char *role;        /* titre: the person's function */
  char *email;       /* courriel */
  char *phone;       /* telephone, normalised (see atlaas_text_normalize_phone) */
} AtlaasContact;

typedef enum
{
  ATLAAS_PLACE_TYPE_TOWN,   /* "Ville / village" */
  ATLAAS_PLACE_TYPE_OTHER,  /* "Autre" */
} AtlaasPlaceType;

typedef struct
{
  char *name;          /* nom */
  char *description;   /* description: opening hours and practical notes */
  char *address;       /* adresse */
  char *postal_code;   /* code_postal */
  char *town;          /* ville */
  char *insee_code;    /* id_insee: COG commune code, "2A004", "97411" */
  char *departement;   /* departement: COG code, "01", "2A", "974" */
  char *region;        /* region: current COG code, "84", "94" */
  char *phone;         /* telephone */
  char *email;         /* courriel */
  char *website;       /* adresse_web */
  AtlaasPlaceType type;/* type */
  gboolean has_position;
  double latitude;     /* lat, WGS 84 degrees */
  double longitude;    /* lon, WGS 84 degrees */
} AtlaasPlace;

typedef struct
{
  char *id;            /* id: stable identifier, unique in a store */
  gint64 revision;     /* revision: starts at 1, grows with each accepted change */
  gint64 updated_at;   /* updated_at: Unix time in seconds, UTC */
  char *status;        /* status: "published", "pending", "draft" */
  char *source;        /* source: the dataset it came from, or NULL */

  char *title;           /* titre */
  char *subtitle;        /* sous_titre */
  char *date;            /* date: ISO 8601 "YYYY-MM-DD" */
  char *actions;         /* actions: what was done, plain text with paragraphs */
  char *synthesis;       /* synthese */
  char *tools;           /* outils */
  char *providers;       /* prestataires */
  char *recommendations; /* recommandations */
  char *results;         /* resultats */

  GPtrArray *links;      /* liens: char * URLs */
  GPtrArray *contacts;   /* personnes: AtlaasContact * */
  GPtrArray *places;     /* lieux: AtlaasPlace * */
  GPtrArray *services;   /* services: char * taxonomy service ids */
} AtlaasAction;

AtlaasContact *atlaas_contact_new   (void);
void           atlaas_contact_free  (AtlaasContact *contact);
AtlaasContact *atlaas_contact_copy  (const AtlaasContact *contact);

AtlaasPlace   *atlaas_place_new     (void);
void           atlaas_place_free    (AtlaasPlace *place);
AtlaasPlace   *atlaas_place_copy    (const AtlaasPlace *place);
const char    *atlaas_place_type_to_label   (AtlaasPlaceType type);
gboolean       atlaas_place_type_from_label (const char      *label,
                                             AtlaasPlaceType *type);

AtlaasAction  *atlaas_action_new    (void);
void           atlaas_action_free   (AtlaasAction *action);
AtlaasAction  *atlaas_action_copy   (const AtlaasAction *action);
gboolean       atlaas_action_equal  (const AtlaasAction *a,
                                     const AtlaasAction *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlaasContact, atlaas_contact_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlaasPlace, atlaas_place_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlaasAction, atlaas_action_free)

G_END_DECLS
