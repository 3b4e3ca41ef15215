/* cluster-bench.c: the Atlaas side of the cluster benchmark
 *
 * Usage: cluster-bench build|query POINTS VIEWPORTS RADIUS EXTENT MIN_POINTS
 *                      MIN_ZOOM MAX_ZOOM
 *
 * "build" loads the points once and prints the build time and the peak
 * memory of the load (peak resident set size minus the resident set size
 * before the load); run it in a process of its own. "query" loads, times
 * atlaas_cluster_index_get_clusters over each viewport, counts the clusters
 * and points of the whole world at every zoom and checks, through the
 * leaves, that every point is represented exactly once. Prints one JSON
 * object with the same fields as run-supercluster.mjs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "atlaas-cluster-index.h"

typedef struct
{
  gsize    n;
  double  *longitudes;
  double  *latitudes;
  guint32 *bits;
} Points;

typedef struct
{
  double zoom, west, south, east, north;
} Viewport;

static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Returns the resident set size in bytes, from /proc/self/statm. */
static gsize
current_rss (void)
{
  g_autofree char *text = NULL;
  unsigned long size = 0, resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &text, NULL, NULL) ||
      sscanf (text, "%lu %lu", &size, &resident) != 2)
    g_error ("Cannot read /proc/self/statm: the benchmark needs Linux's procfs");

  return resident * (gsize) sysconf (_SC_PAGESIZE);
}

static gsize
peak_rss (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (gsize) usage.ru_maxrss * 1024;
}

static char *
read_file (const char *path,
           const char *magic,
           gsize      *n_records)
{
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize length;
  guint32 n;

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("Cannot read %s: %s; run bench/run to generate it", path, error->message);
  if (length < 16 || memcmp (contents, magic, 8) != 0)
    g_error ("%s is not a %.7s file; rebuild it with make-inputs.mjs", path, magic);

  memcpy (&n, contents + 8, sizeof n);
  *n_records = GUINT32_FROM_LE (n);
  return contents;
}

static void
read_points (const char *path,
             Points     *points)
{
  char *contents = read_file (path, "ATLPTS1", &points->n);
  gsize n = points->n;

  points->longitudes = g_new (double, n);
  points->latitudes = g_new (double, n);
  points->bits = g_new (guint32, n);
  memcpy (points->longitudes, contents + 16, n * sizeof (double));
  memcpy (points->latitudes, contents + 16 + 8 * n, n * sizeof (double));
  memcpy (points->bits, contents + 16 + 16 * n, n * sizeof (guint32));
  g_free (contents);
}

static Viewport *
read_viewports (const char *path,
                gsize      *n)
{
  char *contents = read_file (path, "ATLVPT1", n);
  Viewport *viewports = g_new (Viewport, *n);

  memcpy (viewports, contents + 16, *n * sizeof (Viewport));
  g_free (contents);
  return viewports;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (const double *sorted,
            gsize         n,
            double        p)
{
  return sorted[(gsize) (p * (n - 1))];
}

static void
print_queries (AtlaasClusterIndex *index,
               const Viewport     *viewports,
               gsize               n_viewports)
{
  g_autoptr(GArray) clusters = g_array_new (FALSE, FALSE, sizeof (AtlaasCluster));
  double *times = g_new (double, n_viewports);
  gboolean first = TRUE;

  printf (", \"queries\": [");
  for (gsize start = 0; start < n_viewports;)
    {
      double zoom = viewports[start].zoom;
      gsize end = start, n;

      while (end < n_viewports && viewports[end].zoom == zoom)
        {
          const Viewport *v = &viewports[end];
          double t0;

          g_array_set_size (clusters, 0);
          t0 = now_ms ();
          atlaas_cluster_index_get_clusters (index, v->west, v->south, v->east, v->north,
                                             (int) v->zoom, clusters);
          times[end - start] = now_ms () - t0;
          end++;
        }

      n = end - start;
      qsort (times, n, sizeof (double), compare_doubles);
      printf ("%s{\"zoom\": %g, \"n\": %zu, \"p50_ms\": %.6f, \"p95_ms\": %.6f}",
              first ? "" : ", ", zoom, n, percentile (times, n, 0.5),
              percentile (times, n, 0.95));
      first = FALSE;
      start = end;
    }
  printf ("]");
  g_free (times);
}

/* Counts the whole world at each zoom and checks that the singles and the
 * leaves of the clusters are each input point exactly once. */
static void
print_zooms (AtlaasClusterIndex *index,
             gsize               n_points,
             int                 min_zoom,
             int                 max_zoom)
{
  g_autoptr(GArray) clusters = g_array_new (FALSE, FALSE, sizeof (AtlaasCluster));
  g_autoptr(GArray) leaves = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint8 *seen = g_new (guint8, MAX (n_points, 1));

  printf (", \"zooms\": [");
  for (int zoom = min_zoom; zoom <= max_zoom + 1; zoom++)
    {
      guint64 n_clusters = 0, n_singles = 0, n_represented = 0, n_seen_once = 0;

      g_array_set_size (clusters, 0);
      atlaas_cluster_index_get_clusters (index, -180, -90, 180, 90, zoom, clusters);
      memset (seen, 0, n_points);

      for (guint i = 0; i < clusters->len; i++)
        {
          const AtlaasCluster *c = &g_array_index (clusters, AtlaasCluster, i);

          n_represented += c->count;
          g_array_set_size (leaves, 0);
          if (c->is_cluster)
            {
              n_clusters++;
              if (!atlaas_cluster_index_get_leaves (index, c->id, G_MAXUINT, 0, leaves))
                g_error ("Cluster %u at zoom %d has no leaves", c->id, zoom);
            }
          else
            {
              n_singles++;
              g_array_append_val (leaves, c->id);
            }

          for (guint j = 0; j < leaves->len; j++)
            {
              guint32 leaf = g_array_index (leaves, guint32, j);

              if (leaf < n_points && seen[leaf]++ == 0)
                n_seen_once++;
            }
        }

      printf ("%s{\"zoom\": %d, \"clusters\": %" G_GUINT64_FORMAT
              ", \"singles\": %" G_GUINT64_FORMAT ", \"points\": %" G_GUINT64_FORMAT
              ", \"exactly_once\": %s}",
              zoom == min_zoom ? "" : ", ", zoom, n_clusters, n_singles, n_represented,
              n_seen_once == n_points && n_represented == n_points ? "true" : "false");
    }
  printf ("]");
  g_free (seen);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AtlaasClusterIndex) index = NULL;
  AtlaasClusterOptions options;
  Points points;
  gsize rss_before;
  double t0, build_ms;
  gboolean query;

  if (argc != 9 || (strcmp (argv[1], "build") != 0 && strcmp (argv[1], "query") != 0))
    {
      fprintf (stderr, "Usage: %s build|query POINTS VIEWPORTS RADIUS EXTENT MIN_POINTS "
               "MIN_ZOOM MAX_ZOOM\n", argv[0]);
      return 2;
    }
  query = strcmp (argv[1], "query") == 0;
  options.radius = atoi (argv[4]);
  options.extent = atoi (argv[5]);
  options.min_points = atoi (argv[6]);
  options.min_zoom = atoi (argv[7]);
  options.max_zoom = atoi (argv[8]);

  read_points (argv[2], &points);
  index = atlaas_cluster_index_new (&options);
  if (index == NULL)
    {
      fprintf (stderr, "Invalid options: radius %d, extent %d, min_points %d, zoom %d to %d\n",
               options.radius, options.extent, options.min_points, options.min_zoom,
               options.max_zoom);
      return 2;
    }

  rss_before = current_rss ();
  t0 = now_ms ();
  atlaas_cluster_index_load (index, points.longitudes, points.latitudes, points.bits, points.n);
  build_ms = now_ms () - t0;

  printf ("{\"program\": \"atlaas\", \"points\": %zu, \"build_ms\": %.3f, \"peak_bytes\": %zu",
          points.n, build_ms, peak_rss () - rss_before);

  if (query)
    {
      gsize n_viewports;
      Viewport *viewports = read_viewports (argv[3], &n_viewports);

      print_queries (index, viewports, n_viewports);
      print_zooms (index, points.n, options.min_zoom, options.max_zoom);
      g_free (viewports);
    }
  printf ("}\n");

  g_free (points.longitudes);
  g_free (points.latitudes);
  g_free (points.bits);
  return 0;
}
