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
 * It also registers the auxiliary function atlaas_match_masks that the
 * search ranks with. It must be called on every connection before the
 * action_fts table is used. */
gboolean atlaas_fts_register (sqlite3  *db,
                              GError  **error);

/* Splits text into words as the tokenizer does and returns them folded,
 * unstemmed, without stop words: "L’École du numérique" gives "ecole",
 * "numerique". A GPtrArray of char *, empty when nothing is left. */
GPtrArray *atlaas_fts_split_words (const char *text);

G_END_DECLS
