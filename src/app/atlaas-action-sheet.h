/* atlaas-action-sheet.h: the window showing every field of one action
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "atlaas-action.h"
#include "atlaas-gazetteer.h"
#include "atlaas-taxonomy.h"

G_BEGIN_DECLS

#define ATLAAS_TYPE_ACTION_SHEET (atlaas_action_sheet_get_type ())
G_DECLARE_FINAL_TYPE (AtlaasActionSheet, atlaas_action_sheet, ATLAAS, ACTION_SHEET, AdwWindow)

AtlaasActionSheet  *atlaas_action_sheet_new        (GtkWindow          *parent);

/* Shows `action` (copied); taxonomy and gazetteer may be NULL, and then
 * services and départements show their codes. */
void                atlaas_action_sheet_set_action (AtlaasActionSheet  *self,
                                                    const AtlaasAction *action,
                                                    AtlaasTaxonomy     *taxonomy,
                                                    AtlaasGazetteer    *gazetteer);
const AtlaasAction *atlaas_action_sheet_get_action (AtlaasActionSheet  *self);

/* The headings of the sections shown, in order, for tests. */
GPtrArray          *atlaas_action_sheet_get_section_titles (AtlaasActionSheet *self);

G_END_DECLS
