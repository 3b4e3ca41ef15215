/* atlaas-validate.h: field checks of an action before it is proposed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "atlaas-action.h"
#include "atlaas-gazetteer.h"
#include "atlaas-taxonomy.h"

G_BEGIN_DECLS

typedef enum
{
  ATLAAS_PROBLEM_ERROR,    /* the action cannot be sent as it is */
  ATLAAS_PROBLEM_WARNING,  /* probably a mistake, but the action can be sent */
} AtlaasProblemSeverity;

/* One problem found in an action. `field` is a path in the JSON format's
 * names: "titre", "liens[1]", "personnes[0].courriel", "lieux[0].code_postal",
 * "lieux[0].position" (lat and lon), "services". `message` is translated. */
typedef struct
{
  char *field;
  char *message;
  AtlaasProblemSeverity severity;
} AtlaasProblem;

/* The subtitle should fit in two lines of the action's sheet. */
#define ATLAAS_SUBTITLE_MAX_CHARS 140

void      atlaas_problem_free            (AtlaasProblem *problem);

/* Checks every field of the action and returns a GPtrArray of AtlaasProblem *,
 * empty when nothing is wrong. The gazetteer (may be NULL, then communes are
 * not checked) checks postal codes, INSEE codes, départements and régions;
 * the taxonomy (may be NULL, then the bundled one is used) checks services. */
GPtrArray *atlaas_validate_action_full   (const AtlaasAction *action,
                                          AtlaasGazetteer    *gazetteer,
                                          AtlaasTaxonomy     *taxonomy);
GPtrArray *atlaas_validate_action        (const AtlaasAction *action,
                                          AtlaasGazetteer    *gazetteer);

/* TRUE when at least one problem is an error. */
gboolean  atlaas_problems_have_errors    (GPtrArray *problems);

/* Rewrites the action in its stored form: strips white space, normalises
 * phone numbers, and fills the département and région of each place from its
 * INSEE code through the gazetteer (may be NULL). Values it cannot read are
 * left for atlaas_validate_action () to report. */
void      atlaas_validate_normalize_action (AtlaasAction    *action,
                                            AtlaasGazetteer *gazetteer);

/* Single-value checks, also used by the proposal form. */
gboolean  atlaas_validate_is_email       (const char *text);
gboolean  atlaas_validate_is_web_url     (const char *text);
gboolean  atlaas_validate_is_iso_date    (const char *text);
gboolean  atlaas_validate_is_postal_code (const char *text);
/* TRUE when the point lies in metropolitan France, Corsica or an overseas
 * territory (see atlaas-validate.c for the outlines used). */
gboolean  atlaas_validate_is_in_france   (double latitude,
                                          double longitude);
/* The département code that an INSEE commune code starts with: "2A" for
 * "2A004", "974" for "97411", "69" for "69123"; NULL when it is not one. */
char     *atlaas_validate_departement_from_insee (const char *insee_code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlaasProblem, atlaas_problem_free)

G_END_DECLS
