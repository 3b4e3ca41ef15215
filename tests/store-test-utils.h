/* store-test-utils.h: a test fixture with a store in a temporary folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

#include "atlaas-store.h"

typedef struct
{
  char *folder;
  char *path;
  AtlaasStore *store;
} StoreFixture;

/* Creates an empty temporary folder, with `folder_template` as the name
 * template of g_dir_make_tmp (), and opens a new store file in it. Pass the
 * template as the test data of g_test_add (). */
static inline void
store_fixture_set_up (StoreFixture  *fixture,
                      gconstpointer  folder_template)
{
  g_autoptr(GError) error = NULL;

  fixture->folder = g_dir_make_tmp (folder_template, &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->folder, "atlaas.sqlite", NULL);
  fixture->store = atlaas_store_open (fixture->path, &error);
  g_assert_no_error (error);
}

/* Closes the store, then deletes its file, its SQLite write-ahead log and
 * shared-memory files, and the folder. */
static inline void
store_fixture_tear_down (StoreFixture  *fixture,
                         gconstpointer  folder_template)
{
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (fixture->path, "-shm", NULL);

  g_clear_pointer (&fixture->store, atlaas_store_unref);
  g_unlink (fixture->path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (fixture->folder);
  g_free (fixture->path);
  g_free (fixture->folder);
}
