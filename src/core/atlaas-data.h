/* atlaas-data.h: locating the data files that ship with Atlaas
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns the path of a bundled data file such as "taxonomy.json", looking in
 * $ATLAAS_DATADIR, then the installed data folder, then the source tree's
 * data/ folder (for runs from the build folder), or NULL with an error. */
char *atlaas_data_find_file (const char *name,
                             GError    **error);

G_END_DECLS
