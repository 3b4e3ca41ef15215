/* atlaas-data.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-Core"

#include "config.h"

#include <gio/gio.h>

#include "atlaas-data.h"

char *
atlaas_data_find_file (const char *name,
                       GError    **error)
{
  const char *env_dir = g_getenv ("ATLAAS_DATADIR");
  const char *dirs[] = { env_dir, PKGDATADIR, SOURCE_DATADIR };

  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = NULL;

      if (dirs[i] == NULL || dirs[i][0] == '\0')
        continue;

      path = g_build_filename (dirs[i], name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               "Data file %s not found in $ATLAAS_DATADIR, %s or %s",
               name, PKGDATADIR, SOURCE_DATADIR);
  return NULL;
}
