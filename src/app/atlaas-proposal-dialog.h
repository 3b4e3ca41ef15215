/* atlaas-proposal-dialog.h: the "Propose an action" form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "atlaas-action.h"
#include "atlaas-store.h"

G_BEGIN_DECLS

#define ATLAAS_TYPE_PROPOSAL_DIALOG (atlaas_proposal_dialog_get_type ())
G_DECLARE_FINAL_TYPE (AtlaasProposalDialog, atlaas_proposal_dialog, ATLAAS, PROPOSAL_DIALOG, AdwWindow)

/* Delay between a change in the form and the saving of its draft. */
#define ATLAAS_PROPOSAL_SAVE_DELAY_MS 500

/* Creates the form, modal and transient for `parent`. When the store has
 * drafts, it opens on a page that offers to resume one of them. Every change
 * is saved as a draft within a second, and when the window closes. The
 * "submitted" signal (client id) is emitted once the proposal is in the
 * outbox, just before the window closes. */
AtlaasProposalDialog *atlaas_proposal_dialog_new         (GtkWindow            *parent,
                                                          AtlaasStore          *store);

/* Pages: "action", "details", "people", "places", "services", "summary". */
void          atlaas_proposal_dialog_set_page            (AtlaasProposalDialog *self,
                                                          const char           *page);
const char   *atlaas_proposal_dialog_get_page            (AtlaasProposalDialog *self);

/* Starts a new, empty proposal, or loads a stored draft into the form. */
void          atlaas_proposal_dialog_start_new           (AtlaasProposalDialog *self);
gboolean      atlaas_proposal_dialog_load_draft          (AtlaasProposalDialog *self,
                                                          const char           *draft_id,
                                                          GError              **error);
/* The id of the draft being edited, or NULL before its first save. */
const char   *atlaas_proposal_dialog_get_draft_id        (AtlaasProposalDialog *self);

/* The action as typed so far, read from the fields. */
AtlaasAction *atlaas_proposal_dialog_get_action          (AtlaasProposalDialog *self);

/* The widget that edits a field, by the field paths of atlaas-validate.h
 * ("titre", "liens[0]", "lieux[1].ville", "lieux[0].lat", "services"), or
 * NULL. Entries are GtkEditable, long texts GtkTextView. */
GtkWidget    *atlaas_proposal_dialog_get_field_widget    (AtlaasProposalDialog *self,
                                                          const char           *field);
/* The message shown under a field, or NULL when it has none. */
const char   *atlaas_proposal_dialog_get_field_error     (AtlaasProposalDialog *self,
                                                          const char           *field);

void          atlaas_proposal_dialog_add_link            (AtlaasProposalDialog *self);
void          atlaas_proposal_dialog_add_contact         (AtlaasProposalDialog *self);
void          atlaas_proposal_dialog_add_place           (AtlaasProposalDialog *self);
/* Fills town, postal code, INSEE code, département and région of a place
 * from the gazetteer, and centres its map on the commune. */
gboolean      atlaas_proposal_dialog_choose_commune      (AtlaasProposalDialog *self,
                                                          guint                 place,
                                                          const char           *insee_code);
void          atlaas_proposal_dialog_set_position        (AtlaasProposalDialog *self,
                                                          guint                 place,
                                                          double                latitude,
                                                          double                longitude);
void          atlaas_proposal_dialog_set_service_selected (AtlaasProposalDialog *self,
                                                           const char           *service_id,
                                                           gboolean              selected);

/* Saves the draft now rather than after the delay. */
gboolean      atlaas_proposal_dialog_save_draft          (AtlaasProposalDialog *self,
                                                          GError              **error);
/* Validates, and when nothing blocks, puts the proposal into the outbox and
 * deletes its draft in one transaction, emits "submitted" and closes. */
gboolean      atlaas_proposal_dialog_submit              (AtlaasProposalDialog *self,
                                                          char                **client_id,
                                                          GError              **error);

G_END_DECLS
