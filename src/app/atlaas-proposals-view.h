/* atlaas-proposals-view.h: "My proposals", the drafts and the outbox
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "atlaas-store.h"

G_BEGIN_DECLS

#define ATLAAS_TYPE_PROPOSALS_VIEW (atlaas_proposals_view_get_type ())
G_DECLARE_FINAL_TYPE (AtlaasProposalsView, atlaas_proposals_view, ATLAAS, PROPOSALS_VIEW, GtkBox)

/* Lists the store's drafts ("Draft") and outbox entries ("Waiting to be
 * sent"). Activating a draft emits "draft-activated" (draft id), so that
 * the window opens it in the proposal form. */
GtkWidget  *atlaas_proposals_view_new         (AtlaasStore         *store);
/* Reads the drafts and the outbox again. */
void        atlaas_proposals_view_reload      (AtlaasProposalsView *self);
/* The list, one AdwActionRow per proposal: drafts first, newest first,
 * then the outbox, oldest first. */
GtkListBox *atlaas_proposals_view_get_list    (AtlaasProposalsView *self);

G_END_DECLS
