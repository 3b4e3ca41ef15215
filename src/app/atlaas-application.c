/* atlaas-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-App"

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <shumate/shumate.h>

#include "atlaas-application.h"
#include "atlaas-data.h"
#include "atlaas-import.h"
#include "atlaas-window.h"

/* TODO: add the project's public address once it has one, because the
 * OpenStreetMap tile policy requires contact details in the User-Agent. */
#define ATLAAS_USER_AGENT "Atlaas/" PACKAGE_VERSION " (" APPLICATION_ID "; GNOME desktop app)"

struct _AtlaasApplication
{
  AdwApplication parent_instance;

  AtlaasStore *store;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (AtlaasApplication, atlaas_application, ADW_TYPE_APPLICATION)

typedef struct
{
  AtlaasStore *store;
  char *dataset_path;
  guint n_imported;
} ImportJob;

static void
import_job_free (ImportJob *job)
{
  g_clear_pointer (&job->store, atlaas_store_unref);
  g_clear_pointer (&job->dataset_path, g_free);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImportJob, import_job_free)

static AtlaasWindow *
get_window (AtlaasApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

      for (GList *l = windows; l != NULL; l = l->next)
        if (ATLAAS_IS_WINDOW (l->data))
          return l->data;

      return NULL;
    }

  return ATLAAS_IS_WINDOW (window) ? ATLAAS_WINDOW (window) : NULL;
}

static gboolean
import_dataset (ImportJob  *job,
                GError    **error)
{
  g_autoptr(AtlaasImportReport) report = NULL;

  report = atlaas_import_file (job->store, job->dataset_path, NULL, NULL, error);
  if (report == NULL)
    return FALSE;

  job->n_imported = report->n_added + report->n_updated;
  if (report->rejected->len > 0)
    g_warning ("%u invalid records of %s were skipped",
               report->rejected->len, job->dataset_path);

  return TRUE;
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportJob *job = task_data;
  g_autoptr(GError) error = NULL;

  if (!import_dataset (job, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
import_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  AtlaasApplication *self = ATLAAS_APPLICATION (object);
  ImportJob *job = g_task_get_task_data (G_TASK (result));
  AtlaasWindow *window = get_window (self);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_warning ("Could not import %s into %s: %s", job->dataset_path,
                 atlaas_store_get_path (job->store), error->message);
      if (window != NULL)
        {
          atlaas_window_set_busy (window, NULL);
          atlaas_window_show_toast (window, _("The bundled data could not be imported. The map stays empty."));
        }
      return;
    }

  g_message ("Imported %u actions from %s", job->n_imported, job->dataset_path);

  if (window != NULL)
    {
      g_autofree char *message = NULL;

      message = g_strdup_printf (ngettext ("%u action imported from the bundled data",
                                           "%u actions imported from the bundled data",
                                           job->n_imported),
                                 job->n_imported);
      atlaas_window_set_busy (window, NULL);
      atlaas_window_show_toast (window, message);
      atlaas_window_load_store (window, self->store);
    }
}

/* Imports the bundled dataset in a worker thread when the store is empty,
 * then loads the map; loads it at once otherwise. */
static void
fill_window (AtlaasApplication *self,
             AtlaasWindow      *window)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(ImportJob) job = NULL;
  gint64 count;

  count = atlaas_store_count_actions (self->store, &error);
  if (count < 0)
    {
      g_warning ("Could not count the actions of %s: %s",
                 atlaas_store_get_path (self->store), error->message);
      atlaas_window_show_toast (window, _("The local copy of the atlas could not be read."));
      return;
    }

  if (count > 0)
    {
      atlaas_window_load_store (window, self->store);
      return;
    }

  job = g_new0 (ImportJob, 1);
  job->store = atlaas_store_ref (self->store);
  job->dataset_path = atlaas_data_find_file (ATLAAS_BUNDLED_DATASET, &error);
  if (job->dataset_path == NULL)
    {
      g_warning ("The store is empty and the bundled dataset is missing: %s", error->message);
      atlaas_window_show_toast (window, _("The atlas is empty and the bundled data was not found."));
      return;
    }

  atlaas_window_set_busy (window, _("Importing the bundled data…"));

  task = g_task_new (self, self->cancellable, import_cb, NULL);
  g_task_set_source_tag (task, fill_window);
  g_task_set_task_data (task, g_steal_pointer (&job), (GDestroyNotify) import_job_free);
  g_task_run_in_thread (task, import_thread);
}

static gboolean
open_store (AtlaasApplication  *self,
            GError            **error)
{
  g_autofree char *path = atlaas_application_get_store_path ();
  g_autofree char *folder = g_path_get_dirname (path);

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not create the folder %s for the store: %s",
                   folder, g_strerror (saved_errno));
      return FALSE;
    }

  self->store = atlaas_store_open (path, error);

  return self->store != NULL;
}

/* Covers the map with the reason why the store at `path` could not be
 * opened and what the user can do about it. */
static void
show_open_error (AtlaasWindow *window,
                 const char   *path,
                 const GError *error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *description = NULL;

  if (g_error_matches (error, ATLAAS_STORE_ERROR, ATLAAS_STORE_ERROR_CORRUPT))
    description = g_strdup_printf (_("The file %s is damaged. It was left as it is; move or delete it, "
                                     "then restart Atlaas to start again from the bundled data."),
                                   path);
  else if (g_error_matches (error, ATLAAS_STORE_ERROR, ATLAAS_STORE_ERROR_TOO_NEW))
    description = g_strdup_printf (_("The file %s was created by a newer version of Atlaas. Update Atlaas."),
                                   path);
  else if (g_error_matches (error, ATLAAS_STORE_ERROR, ATLAAS_STORE_ERROR_READ_ONLY)
           || error->domain == G_IO_ERROR)
    description = g_strdup_printf (_("The folder %s is not writable. Check its permissions, "
                                     "then restart Atlaas."),
                                   folder);
  else
    description = g_strdup_printf (_("The file %s could not be opened: %s"), path, error->message);

  atlaas_window_show_store_error (window, _("The Atlas Could Not Be Opened"), description);
}

static void
quit_activated_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  AtlaasApplication *self = ATLAAS_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing, not destroying, lets the windows save their settings. */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }

  g_application_quit (G_APPLICATION (self));
}

static void
about_activated_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  AtlaasApplication *self = ATLAAS_APPLICATION (user_data);
  const char *developers[] = { _("The Atlaas contributors"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", "Atlaas",
                        "application-icon", APPLICATION_ID,
                        "developer-name", _("The Atlaas contributors"),
                        "developers", developers,
                        "version", PACKAGE_VERSION,
                        "comments", _("The atlas of digital actions carried out by French local governments."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);

  adw_about_window_add_legal_section (ADW_ABOUT_WINDOW (about),
                                      _("Places of digital mediation"),
                                      _("Places of digital mediation in Auvergne-Rhône-Alpes, by Hinaura, from the national map of places of digital inclusion (ANCT), data updated from 2021 to 2022."),
                                      GTK_LICENSE_CUSTOM,
                                      _("Licence Ouverte 2.0 (Etalab)."));
  adw_about_window_add_legal_section (ADW_ABOUT_WINDOW (about),
                                      _("Communes, départements and régions"),
                                      _("Official Geographic Code (COG) of INSEE, through the @etalab/decoupage-administratif package."),
                                      GTK_LICENSE_CUSTOM,
                                      _("Licence Ouverte 2.0 (Etalab)."));
  adw_about_window_add_legal_section (ADW_ABOUT_WINDOW (about),
                                      _("Town positions"),
                                      "GeoNames",
                                      GTK_LICENSE_CUSTOM,
                                      _("Creative Commons Attribution 4.0 (CC BY 4.0)."));
  adw_about_window_add_legal_section (ADW_ABOUT_WINDOW (about),
                                      _("Offline base map"),
                                      "Natural Earth",
                                      GTK_LICENSE_CUSTOM,
                                      _("Public domain."));
  adw_about_window_add_legal_section (ADW_ABOUT_WINDOW (about),
                                      _("Map tiles"),
                                      _("© OpenStreetMap contributors"),
                                      GTK_LICENSE_CUSTOM,
                                      _("Open Database License (ODbL); tiles served by the OpenStreetMap Foundation."));

  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated_cb },
  { "about", about_activated_cb },
};

static void
atlaas_application_startup (GApplication *application)
{
  AtlaasApplication *self = ATLAAS_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (atlaas_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);

  shumate_set_user_agent (ATLAAS_USER_AGENT);
  gtk_window_set_default_icon_name (APPLICATION_ID);
}

static void
atlaas_application_activate (GApplication *application)
{
  AtlaasApplication *self = ATLAAS_APPLICATION (application);
  AtlaasWindow *window = get_window (self);
  g_autoptr(GError) error = NULL;

  if (window != NULL)
    {
      gtk_window_present (GTK_WINDOW (window));
      return;
    }

  window = atlaas_window_new (ADW_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (window));

  if (self->store == NULL && !open_store (self, &error))
    {
      g_autofree char *path = atlaas_application_get_store_path ();

      g_warning ("Could not open the store: %s", error->message);
      show_open_error (window, path, error);
      return;
    }

  fill_window (self, window);
}

static void
atlaas_application_shutdown (GApplication *application)
{
  AtlaasApplication *self = ATLAAS_APPLICATION (application);

  g_cancellable_cancel (self->cancellable);

  G_APPLICATION_CLASS (atlaas_application_parent_class)->shutdown (application);
}

static void
atlaas_application_finalize (GObject *object)
{
  AtlaasApplication *self = ATLAAS_APPLICATION (object);

  g_clear_pointer (&self->store, atlaas_store_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (atlaas_application_parent_class)->finalize (object);
}

static void
atlaas_application_class_init (AtlaasApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = atlaas_application_finalize;
  app_class->startup = atlaas_application_startup;
  app_class->activate = atlaas_application_activate;
  app_class->shutdown = atlaas_application_shutdown;
}

static void
atlaas_application_init (AtlaasApplication *self)
{
  self->cancellable = g_cancellable_new ();
}

void
atlaas_application_init_i18n (void)
{
  const char *localedir = g_getenv ("ATLAAS_LOCALEDIR");

  bindtextdomain (GETTEXT_PACKAGE,
                  localedir != NULL && localedir[0] != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

AtlaasApplication *
atlaas_application_new (void)
{
  return g_object_new (ATLAAS_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/fr/atlaas/Atlaas",
                       NULL);
}

char *
atlaas_application_get_store_path (void)
{
  const char *override = g_getenv ("ATLAAS_DB");

  if (override != NULL && override[0] != '\0')
    return g_strdup (override);

  return g_build_filename (g_get_user_data_dir (), "atlaas", "atlaas.db", NULL);
}

AtlaasStore *
atlaas_application_get_store (AtlaasApplication *self)
{
  g_return_val_if_fail (ATLAAS_IS_APPLICATION (self), NULL);

  return self->store;
}
