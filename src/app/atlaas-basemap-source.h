/* atlaas-basemap-source.h: offline base map tiles drawn from bundled borders
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

#define ATLAAS_TYPE_BASEMAP_SOURCE (atlaas_basemap_source_get_type ())
G_DECLARE_FINAL_TYPE (AtlaasBasemapSource, atlaas_basemap_source, ATLAAS, BASEMAP_SOURCE, ShumateMapSource)

/* Reads the country polygons of `path` (the basemap.json format:
 * {"countries": [{"name": …, "rings": [[lon, lat, lon, lat, …], …]}]}) and
 * returns a map source that draws them as 256-pixel Web Mercator tiles. */
AtlaasBasemapSource *atlaas_basemap_source_new_from_file (const char *path,
                                                          GError    **error);

/* A source with no polygons: sea colour only, used when the file is missing. */
AtlaasBasemapSource *atlaas_basemap_source_new_empty     (void);

guint                atlaas_basemap_source_get_n_rings   (AtlaasBasemapSource *self);

G_END_DECLS
