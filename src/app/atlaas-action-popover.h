/* atlaas-action-popover.h: the popover of an action or of actions sharing a place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "atlaas-action.h"

G_BEGIN_DECLS

#define ATLAAS_TYPE_ACTION_POPOVER (atlaas_action_popover_get_type ())
G_DECLARE_FINAL_TYPE (AtlaasActionPopover, atlaas_action_popover, ATLAAS, ACTION_POPOVER, GtkPopover)

GtkWidget  *atlaas_action_popover_new            (void);

/* Shows one action: its title, `place` (a line such as "Annecy (Haute-Savoie)")
 * and a "Learn more" button that emits "action-activated" with `rowid`. */
void        atlaas_action_popover_show_action    (AtlaasActionPopover *self,
                                                  const AtlaasAction  *action,
                                                  const char          *place,
                                                  gint64               rowid);

/* Shows a list of actions (AtlaasAction *) at one place; activating a row
 * emits "action-activated" with the matching entry of `rowids` (gint64). */
void        atlaas_action_popover_show_list      (AtlaasActionPopover *self,
                                                  GPtrArray           *actions,
                                                  GArray              *rowids,
                                                  const char          *place);

const char *atlaas_action_popover_get_title      (AtlaasActionPopover *self);
GtkWidget  *atlaas_action_popover_get_more_button (AtlaasActionPopover *self);
GtkListBox *atlaas_action_popover_get_list_box   (AtlaasActionPopover *self);

G_END_DECLS
