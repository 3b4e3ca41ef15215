/* atlaas-fts.h: the French full-text tokenizer for SQLite FTS5
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Registers the FTS5 tokenizer "atlaas" on this connection: it folds case,
 * accents and ligatures, treats ’ as ', splits elisions ("l'école" gives
 * "ecole"), drops French stop words and stems with Snowball's French stemmer.
 * It must be called on every connection before the action_fts table is used. */
gboolean atlaas_fts_register (sqlite3  *db,
                              GError  **error);

G_END_DECLS
