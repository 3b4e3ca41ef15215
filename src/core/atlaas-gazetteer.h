/* atlaas-gazetteer.h: French communes from the official COG list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ATLAAS_GAZETTEER_ERROR (atlaas_gazetteer_error_quark ())

typedef enum
{
  ATLAAS_GAZETTEER_ERROR_INVALID_FILE,  /* communes.tsv is malformed */
  ATLAAS_GAZETTEER_ERROR_NOT_FOUND,     /* no commune fits the town and postal code */
  ATLAAS_GAZETTEER_ERROR_AMBIGUOUS,     /* several communes fit and nothing chose */
} AtlaasGazetteerError;

typedef struct
{
  const char *insee_code;    /* "69123", "2A004", "97411" */
  const char *name;          /* official name, "Saint-Étienne" */
  const char *departement;   /* "42", "2A", "974" */
  const char *region;        /* current COG région code, "84" */
  const char *const *postal_codes;  /* NULL-terminated */
  guint population;
  gboolean has_position;     /* approximate centre known */
  double latitude;
  double longitude;
} AtlaasCommune;

typedef struct
{
  const char *code;          /* "2A", "974" */
  const char *name;
  const char *region;
  const char *chef_lieu;     /* INSEE code of the prefecture */
} AtlaasDepartement;

typedef struct
{
  const char *code;          /* "84" */
  const char *name;          /* "Auvergne-Rhône-Alpes" */
} AtlaasRegion;

typedef enum
{
  ATLAAS_MATCH_EXACT,        /* name and postal code agree */
  ATLAAS_MATCH_NORMALIZED,   /* after folding case, accents, hyphens, "St" */
  ATLAAS_MATCH_FORMER,       /* a former commune merged into this one */
  ATLAAS_MATCH_FUZZY,        /* a small spelling difference */
  ATLAAS_MATCH_POSTAL_ONLY,  /* the name did not help; postal code and position chose */
} AtlaasMatchKind;

typedef struct
{
  const AtlaasCommune *commune;  /* borrowed from the gazetteer */
  AtlaasMatchKind kind;
} AtlaasCommuneMatch;

typedef struct _AtlaasGazetteer AtlaasGazetteer;

GQuark           atlaas_gazetteer_error_quark   (void);

AtlaasGazetteer *atlaas_gazetteer_new_from_file (const char *path,
                                                 GError    **error);
/* The bundled gazetteer, found through atlaas_data_find_file (), loaded once
 * and shared. Returns a new reference: release it with atlaas_gazetteer_unref (). */
AtlaasGazetteer *atlaas_gazetteer_get_default   (GError    **error);
AtlaasGazetteer *atlaas_gazetteer_ref           (AtlaasGazetteer *gazetteer);
void             atlaas_gazetteer_unref         (AtlaasGazetteer *gazetteer);

const AtlaasCommune     *atlaas_gazetteer_lookup_insee   (AtlaasGazetteer *gazetteer,
                                                          const char      *insee_code);
/* Communes that use this postal code, as a GPtrArray of const AtlaasCommune *. */
GPtrArray               *atlaas_gazetteer_lookup_postal  (AtlaasGazetteer *gazetteer,
                                                          const char      *postal_code);
/* Completion for a town or postal code prefix, best first, at most `limit`. */
GPtrArray               *atlaas_gazetteer_complete       (AtlaasGazetteer *gazetteer,
                                                          const char      *text,
                                                          guint            limit);
const AtlaasDepartement *atlaas_gazetteer_lookup_departement (AtlaasGazetteer *gazetteer,
                                                              const char      *code);
const AtlaasRegion      *atlaas_gazetteer_lookup_region  (AtlaasGazetteer *gazetteer,
                                                          const char      *code);

/* Finds the commune of a place given as free text, as real data gives it:
 * capitals, abbreviations ("St", "Ste"), missing hyphens or apostrophes,
 * CEDEX postal codes, arrondissements ("Lyon 3e"), former communes, small
 * typos. The position, when has_position, chooses among candidates. Returns
 * FALSE with a message naming the town and postal code when nothing fits. */
gboolean atlaas_gazetteer_resolve (AtlaasGazetteer    *gazetteer,
                                   const char         *town,
                                   const char         *postal_code,
                                   gboolean            has_position,
                                   double              latitude,
                                   double              longitude,
                                   AtlaasCommuneMatch *match,
                                   GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlaasGazetteer, atlaas_gazetteer_unref)

G_END_DECLS
