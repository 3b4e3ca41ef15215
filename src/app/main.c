/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-App"

#include "config.h"

#include <locale.h>

#include "atlaas-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AtlaasApplication) app = NULL;

  setlocale (LC_ALL, "");
  atlaas_application_init_i18n ();

  app = atlaas_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
