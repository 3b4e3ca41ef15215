/* atlaas-text.h: text folding and clean-up for French data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Lower-cases, removes accents, folds œ→oe and æ→ae, maps ’ to ' and turns
 * hyphens and runs of spaces into one space: a key for comparing names. */
char     *atlaas_text_fold              (const char *text);

/* Rewrites text typed all in capitals ("MAISON DE SERVICES AU PUBLIC
 * D'ABONDANCE") in ordinary French case ("Maison de services au public
 * d'Abondance"); text with lower-case letters is returned unchanged. */
char     *atlaas_text_tidy_capitals     (const char *text);

/* Returns a French phone number in the form "04 79 72 89 39", or "+33 …" for
 * other forms it can read (foreign numbers keep their "+CC" prefix), or NULL
 * when the text is not a phone number. Accepts "+33479728939", "0479728939",
 * "04.79.72.89.39", "(0)4 79…" and the overseas prefixes (+262, +590, +594,
 * +596, +269, +508, +681, +687, +689). */
char     *atlaas_text_normalize_phone   (const char *text);

/* Strips leading and trailing white space; returns NULL for an empty result. */
char     *atlaas_text_strip_or_null     (const char *text);

G_END_DECLS
