/* atlaas-application.h: the Atlaas application, its actions and its store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "atlaas-store.h"

G_BEGIN_DECLS

#define ATLAAS_TYPE_APPLICATION (atlaas_application_get_type ())
G_DECLARE_FINAL_TYPE (AtlaasApplication, atlaas_application, ATLAAS, APPLICATION, AdwApplication)

/* The bundled dataset imported into an empty store on first start. */
#define ATLAAS_BUNDLED_DATASET "datasets/lieux-mediation-numerique-hinaura.json"

/* Binds the gettext domain to $ATLAAS_LOCALEDIR when set (the build folder's
 * compiled po/), else to the installed locale folder. */
void               atlaas_application_init_i18n      (void);

AtlaasApplication *atlaas_application_new            (void);

/* The path of the local store: $ATLAAS_DB when set, else
 * $XDG_DATA_HOME/atlaas/atlaas.db. */
char              *atlaas_application_get_store_path (void);

/* The store opened at activation, or NULL before it or after a failure. */
AtlaasStore       *atlaas_application_get_store      (AtlaasApplication *self);

G_END_DECLS
