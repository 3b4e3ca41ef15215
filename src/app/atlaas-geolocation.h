/* atlaas-geolocation.h: the person's approximate position, through GeoClue
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ATLAAS_GEOLOCATION_ERROR (atlaas_geolocation_error_quark ())

/* The error messages are meant for the person, translated, and fit after
 * "Position unavailable: ". */
typedef enum
{
  ATLAAS_GEOLOCATION_ERROR_UNAVAILABLE,  /* no GeoClue service, or no system bus */
  ATLAAS_GEOLOCATION_ERROR_DENIED,       /* the system or the person refused */
  ATLAAS_GEOLOCATION_ERROR_TIMED_OUT,    /* no position within the timeout */
  ATLAAS_GEOLOCATION_ERROR_FAILED,       /* another GeoClue failure */
} AtlaasGeolocationError;

/* GeoClue may take a while to find Wi-Fi networks, but a button should not
 * wait for ever. */
#define ATLAAS_GEOLOCATION_TIMEOUT_SECONDS 20

GQuark   atlaas_geolocation_error_quark   (void);

/* Asks GeoClue for a position at the accuracy of a town. */
void     atlaas_geolocation_locate_async  (GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
/* `accuracy` (may be NULL) is the radius in metres that GeoClue reports. */
gboolean atlaas_geolocation_locate_finish (GAsyncResult        *result,
                                           double              *latitude,
                                           double              *longitude,
                                           double              *accuracy,
                                           GError             **error);

G_END_DECLS
