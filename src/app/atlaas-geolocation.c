/* atlaas-geolocation.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-App"

#include "config.h"

#include <glib/gi18n.h>
#include <geoclue.h>

#include "atlaas-geolocation.h"

G_DEFINE_QUARK (atlaas-geolocation-error-quark, atlaas_geolocation_error)

typedef struct
{
  double latitude;
  double longitude;
  double accuracy;
} Position;

typedef struct
{
  GCancellable *cancellable;   /* cancelled by the caller's or by the timeout */
  GCancellable *outer;         /* the caller's, or NULL */
  gulong outer_handler;
  guint timeout_id;
  gboolean timed_out;
} LocateData;

static void
locate_data_free (LocateData *data)
{
  if (data->outer_handler != 0)
    g_cancellable_disconnect (data->outer, data->outer_handler);
  g_clear_object (&data->outer);
  g_clear_handle_id (&data->timeout_id, g_source_remove);
  g_clear_object (&data->cancellable);
  g_free (data);
}

/* Turns a GeoClue or D-Bus error into one the person can act on. */
static GError *
translate_error (const GError *error)
{
  g_autofree char *remote = NULL;

  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    return g_error_new_literal (ATLAAS_GEOLOCATION_ERROR, ATLAAS_GEOLOCATION_ERROR_DENIED,
                                _("access to the location was refused; allow it in the "
                                  "privacy settings of the system"));

  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_FILE_NOT_FOUND)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_error_new_literal (ATLAAS_GEOLOCATION_ERROR, ATLAAS_GEOLOCATION_ERROR_UNAVAILABLE,
                                _("the location service of the system (GeoClue) is not running"));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_TIMED_OUT))
    return g_error_new (ATLAAS_GEOLOCATION_ERROR, ATLAAS_GEOLOCATION_ERROR_TIMED_OUT,
                        _("the location service did not answer within %d seconds"),
                        ATLAAS_GEOLOCATION_TIMEOUT_SECONDS);

  /* A remote error's message starts with its D-Bus name, which helps the log
   * but not the person. */
  remote = g_dbus_error_get_remote_error (error);
  if (remote != NULL)
    {
      g_autoptr(GError) stripped = g_error_copy (error);

      g_dbus_error_strip_remote_error (stripped);
      return g_error_new (ATLAAS_GEOLOCATION_ERROR, ATLAAS_GEOLOCATION_ERROR_FAILED,
                          _("the location service failed: %s"), stripped->message);
    }

  return g_error_new (ATLAAS_GEOLOCATION_ERROR, ATLAAS_GEOLOCATION_ERROR_FAILED,
                      _("the location service failed: %s"), error->message);
}

static gboolean
timeout_cb (gpointer user_data)
{
  LocateData *data = user_data;

  data->timeout_id = 0;
  data->timed_out = TRUE;
  g_cancellable_cancel (data->cancellable);

  return G_SOURCE_REMOVE;
}

static void
outer_cancelled_cb (GCancellable *outer,
                    LocateData   *data)
{
  g_cancellable_cancel (data->cancellable);
}

static void
simple_new_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LocateData *data = g_task_get_task_data (task);
  g_autoptr(GClueSimple) simple = NULL;
  g_autoptr(GError) error = NULL;
  GClueLocation *location;
  Position *position;

  simple = gclue_simple_new_finish (result, &error);
  if (simple == NULL)
    {
      if (data->timed_out)
        {
          g_task_return_new_error (task, ATLAAS_GEOLOCATION_ERROR,
                                   ATLAAS_GEOLOCATION_ERROR_TIMED_OUT,
                                   _("the location service did not answer within %d seconds"),
                                   ATLAAS_GEOLOCATION_TIMEOUT_SECONDS);
          return;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }

      g_message ("GeoClue gave no position: %s", error->message);
      g_task_return_error (task, translate_error (error));
      return;
    }

  location = gclue_simple_get_location (simple);
  if (location == NULL)
    {
      g_task_return_new_error (task, ATLAAS_GEOLOCATION_ERROR, ATLAAS_GEOLOCATION_ERROR_FAILED,
                               _("the location service found no position"));
      return;
    }

  position = g_new (Position, 1);
  position->latitude = gclue_location_get_latitude (location);
  position->longitude = gclue_location_get_longitude (location);
  position->accuracy = gclue_location_get_accuracy (location);
  g_debug ("GeoClue position %.4f, %.4f within %.0f m",
           position->latitude, position->longitude, position->accuracy);
  g_task_return_pointer (task, position, g_free);
}

void
atlaas_geolocation_locate_async (GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;
  LocateData *data;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, atlaas_geolocation_locate_async);

  data = g_new0 (LocateData, 1);
  data->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      data->outer = g_object_ref (cancellable);
      data->outer_handler = g_cancellable_connect (cancellable, G_CALLBACK (outer_cancelled_cb),
                                                   data, NULL);
    }
  data->timeout_id = g_timeout_add_seconds (ATLAAS_GEOLOCATION_TIMEOUT_SECONDS, timeout_cb, data);
  g_task_set_task_data (task, data, (GDestroyNotify) locate_data_free);

  gclue_simple_new (APPLICATION_ID, GCLUE_ACCURACY_LEVEL_CITY, data->cancellable,
                    simple_new_cb, task);
}

gboolean
atlaas_geolocation_locate_finish (GAsyncResult  *result,
                                  double        *latitude,
                                  double        *longitude,
                                  double        *accuracy,
                                  GError       **error)
{
  g_autofree Position *position = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == atlaas_geolocation_locate_async,
                        FALSE);

  position = g_task_propagate_pointer (G_TASK (result), error);
  if (position == NULL)
    return FALSE;

  if (latitude != NULL)
    *latitude = position->latitude;
  if (longitude != NULL)
    *longitude = position->longitude;
  if (accuracy != NULL)
    *accuracy = position->accuracy;

  return TRUE;
}
