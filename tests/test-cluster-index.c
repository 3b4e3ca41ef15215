/* test-cluster-index.c: tests of the supercluster-style cluster index
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "atlaas-cluster-index.h"

static const AtlaasClusterOptions default_options = ATLAAS_CLUSTER_OPTIONS_DEFAULT;

static GArray *
new_cluster_array (void)
{
  return g_array_new (FALSE, FALSE, sizeof (AtlaasCluster));
}

static GArray *
get_world (AtlaasClusterIndex *index,
           int                 zoom)
{
  GArray *clusters = new_cluster_array ();

  atlaas_cluster_index_get_clusters (index, -180, -90, 180, 90, zoom, clusters);
  return clusters;
}

static guint64
sum_counts (GArray *clusters)
{
  guint64 sum = 0;

  for (guint i = 0; i < clusters->len; i++)
    sum += g_array_index (clusters, AtlaasCluster, i).count;
  return sum;
}

/* The clusters of the whole world at `zoom` as a list of input indices:
 * singles as themselves, clusters through their leaves. */
static GArray *
collect_world_indices (AtlaasClusterIndex *index,
                       int                 zoom)
{
  g_autoptr(GArray) clusters = get_world (index, zoom);
  GArray *indices = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint i = 0; i < clusters->len; i++)
    {
      AtlaasCluster *c = &g_array_index (clusters, AtlaasCluster, i);

      if (c->is_cluster)
        {
          guint before = indices->len;

          g_assert_true (atlaas_cluster_index_get_leaves (index, c->id, G_MAXUINT, 0, indices));
          g_assert_cmpuint (indices->len - before, ==, c->count);
        }
      else
        {
          g_assert_cmpuint (c->count, ==, 1);
          g_array_append_val (indices, c->id);
        }
    }

  return indices;
}

static void
test_empty (void)
{
  g_autoptr(AtlaasClusterIndex) index = atlaas_cluster_index_new (&default_options);

  atlaas_cluster_index_load (index, NULL, NULL, NULL, 0);
  g_assert_cmpuint (atlaas_cluster_index_get_n_points (index), ==, 0);

  for (int zoom = 0; zoom <= 18; zoom++)
    {
      g_autoptr(GArray) clusters = get_world (index, zoom);

      g_assert_cmpuint (clusters->len, ==, 0);
    }

  g_assert_cmpint (atlaas_cluster_index_get_expansion_zoom (index, 42), ==, -1);
}

static void
test_single_point (void)
{
  g_autoptr(AtlaasClusterIndex) index = atlaas_cluster_index_new (&default_options);
  double lon = 2.3522, lat = 48.8566;
  guint32 bits = 0x5;

  atlaas_cluster_index_load (index, &lon, &lat, &bits, 1);
  g_assert_cmpuint (atlaas_cluster_index_get_n_points (index), ==, 1);

  for (int zoom = 0; zoom <= 18; zoom++)
    {
      g_autoptr(GArray) clusters = get_world (index, zoom);
      AtlaasCluster *c;

      g_assert_cmpuint (clusters->len, ==, 1);
      c = &g_array_index (clusters, AtlaasCluster, 0);
      g_assert_false (c->is_cluster);
      g_assert_cmpuint (c->id, ==, 0);
      g_assert_cmpuint (c->count, ==, 1);
      g_assert_cmpuint (c->axis_bits, ==, 0x5);
      g_assert_cmpfloat_with_epsilon (c->longitude, lon, 1e-6);
      g_assert_cmpfloat_with_epsilon (c->latitude, lat, 1e-6);
    }
}

/* Points come back at their own coordinates, within about 1 cm. */
static void
test_coordinates_round_trip (void)
{
  g_autoptr(AtlaasClusterIndex) index = atlaas_cluster_index_new (&default_options);
  g_autoptr(GRand) rand = g_rand_new_with_seed (31);
  g_autoptr(GArray) clusters = NULL;
  enum { N = 2000 };
  double lons[N], lats[N];

  for (guint i = 0; i < N; i++)
    {
      lons[i] = g_rand_double_range (rand, -180.0, 180.0);
      lats[i] = g_rand_double_range (rand, -85.0, 85.0);
    }
  lats[0] = 0.0;
  lats[1] = 85.0;
  lats[2] = -85.0;
  atlaas_cluster_index_load (index, lons, lats, NULL, N);

  clusters = get_world (index, default_options.max_zoom + 1);
  g_assert_cmpuint (clusters->len, ==, N);
  for (guint i = 0; i < clusters->len; i++)
    {
      AtlaasCluster *c = &g_array_index (clusters, AtlaasCluster, i);

      g_assert_cmpuint (c->id, <, N);
      g_assert_cmpfloat_with_epsilon (c->longitude, lons[c->id], 1e-6);
      g_assert_cmpfloat_with_epsilon (c->latitude, lats[c->id], 1e-6);
    }
}

static void
test_identical_points (void)
{
  g_autoptr(AtlaasClusterIndex) index = atlaas_cluster_index_new (&default_options);
  enum { N = 25 };
  double lons[N], lats[N];
  guint32 bits[N];
  guint32 cluster_id = 0;
  int expected_expansion = default_options.max_zoom + 1;

  for (guint i = 0; i < N; i++)
    {
      lons[i] = 4.8357;
      lats[i] = 45.7640;
      bits[i] = 1u << (i % 4);
    }
  atlaas_cluster_index_load (index, lons, lats, bits, N);

  for (int zoom = 0; zoom <= default_options.max_zoom; zoom++)
    {
      g_autoptr(GArray) clusters = get_world (index, zoom);
      AtlaasCluster *c;

      g_assert_cmpuint (clusters->len, ==, 1);
      c = &g_array_index (clusters, AtlaasCluster, 0);
      g_assert_true (c->is_cluster);
      g_assert_cmpuint (c->count, ==, N);
      g_assert_cmpuint (c->axis_bits, ==, 0xf);
      g_assert_cmpint (atlaas_cluster_index_get_expansion_zoom (index, c->id), ==,
                       expected_expansion);
      cluster_id = c->id;
    }

  /* Deeper than max_zoom the points come back one by one so that the caller
   * can list them or spread them out. */
  for (int zoom = default_options.max_zoom + 1; zoom <= 22; zoom++)
    {
      g_autoptr(GArray) clusters = get_world (index, zoom);

      g_assert_cmpuint (clusters->len, ==, N);
      for (guint i = 0; i < clusters->len; i++)
        g_assert_false (g_array_index (clusters, AtlaasCluster, i).is_cluster);
    }

  {
    g_autoptr(GArray) children = new_cluster_array ();

    g_assert_true (atlaas_cluster_index_get_children (index, cluster_id, children));
    g_assert_cmpuint (children->len, ==, N);
  }
}

static void
test_antimeridian (void)
{
  g_autoptr(AtlaasClusterIndex) index = atlaas_cluster_index_new (&default_options);
  double lons[] = { -180.0, 180.0, 179.5, -179.5, 0.0 };
  double lats[] = { -17.0, 10.0, -40.0, 60.0, 0.0 };
  g_autoptr(GArray) across = new_cluster_array ();
  g_autoptr(GArray) wide = new_cluster_array ();
  g_autoptr(GArray) middle = new_cluster_array ();
  g_autoptr(GArray) shifted = new_cluster_array ();
  gboolean seen[5] = { FALSE, };

  atlaas_cluster_index_load (index, lons, lats, NULL, G_N_ELEMENTS (lons));

  /* West greater than east: the box crosses the antimeridian. */
  atlaas_cluster_index_get_clusters (index, 179.0, -85.0, -179.0, 85.0, 10, across);
  g_assert_cmpuint (across->len, ==, 4);
  for (guint i = 0; i < across->len; i++)
    {
      AtlaasCluster *c = &g_array_index (across, AtlaasCluster, i);

      g_assert_false (c->is_cluster);
      g_assert_cmpuint (c->id, <, 4);
      seen[c->id] = TRUE;
    }
  g_assert_true (seen[0] && seen[1] && seen[2] && seen[3]);

  /* A box wider than 360° covers the whole world. */
  atlaas_cluster_index_get_clusters (index, -200.0, -90.0, 200.0, 90.0, 10, wide);
  g_assert_cmpuint (wide->len, ==, 5);

  /* Longitudes out of range wrap: 170..190 is 170..-170. */
  atlaas_cluster_index_get_clusters (index, 170.0, -85.0, 190.0, 85.0, 10, shifted);
  g_assert_cmpuint (shifted->len, ==, 4);

  atlaas_cluster_index_get_clusters (index, -10.0, -10.0, 10.0, 10.0, 10, middle);
  g_assert_cmpuint (middle->len, ==, 1);
  g_assert_cmpuint (g_array_index (middle, AtlaasCluster, 0).id, ==, 4);
}

static void
test_far_points_separate (void)
{
  g_autoptr(AtlaasClusterIndex) index = atlaas_cluster_index_new (&default_options);
  double lons[] = { -120.0, 120.0 };
  double lats[] = { 40.0, -30.0 };

  atlaas_cluster_index_load (index, lons, lats, NULL, 2);

  for (int zoom = 0; zoom <= 17; zoom++)
    {
      g_autoptr(GArray) clusters = get_world (index, zoom);

      g_assert_cmpuint (clusters->len, ==, 2);
      g_assert_false (g_array_index (clusters, AtlaasCluster, 0).is_cluster);
      g_assert_false (g_array_index (clusters, AtlaasCluster, 1).is_cluster);
    }
}

/* Two points on the equator 0.1° apart are 0.1 / 360 = 2.78e-4 apart in
 * projected units. With radius 40 and extent 512 the radius at zoom z is
 * 40 / (512 · 2^z): 3.05e-4 at zoom 8 (merged), 1.53e-4 at zoom 9 (apart). */
static void
test_close_points_split (void)
{
  g_autoptr(AtlaasClusterIndex) index = atlaas_cluster_index_new (&default_options);
  double lons[] = { 10.0, 10.1 };
  double lats[] = { 0.0, 0.0 };
  guint32 bits[] = { 0x1, 0x2 };

  atlaas_cluster_index_load (index, lons, lats, bits, 2);

  for (int zoom = 0; zoom <= 8; zoom++)
    {
      g_autoptr(GArray) clusters = get_world (index, zoom);
      AtlaasCluster *c;

      g_assert_cmpuint (clusters->len, ==, 1);
      c = &g_array_index (clusters, AtlaasCluster, 0);
      g_assert_true (c->is_cluster);
      g_assert_cmpuint (c->count, ==, 2);
      g_assert_cmpuint (c->axis_bits, ==, 0x3);
      g_assert_cmpfloat_with_epsilon (c->longitude, 10.05, 1e-6);
      g_assert_cmpfloat_with_epsilon (c->latitude, 0.0, 1e-6);
      g_assert_cmpint (atlaas_cluster_index_get_expansion_zoom (index, c->id), ==, 9);
    }

  for (int zoom = 9; zoom <= 17; zoom++)
    {
      g_autoptr(GArray) clusters = get_world (index, zoom);

      g_assert_cmpuint (clusters->len, ==, 2);
    }
}

static void
test_min_points (void)
{
  AtlaasClusterOptions options = default_options;
  g_autoptr(AtlaasClusterIndex) index = NULL;
  double lons[] = { 2.0, 2.001, 2.002, 30.0, 30.001 };
  double lats[] = { 45.0, 45.0, 45.0, 10.0, 10.0 };

  options.min_points = 3;
  index = atlaas_cluster_index_new (&options);
  atlaas_cluster_index_load (index, lons, lats, NULL, G_N_ELEMENTS (lons));

  {
    g_autoptr(GArray) clusters = get_world (index, 5);
    guint n_clusters = 0, n_singles = 0;

    for (guint i = 0; i < clusters->len; i++)
      {
        AtlaasCluster *c = &g_array_index (clusters, AtlaasCluster, i);

        if (c->is_cluster)
          {
            n_clusters++;
            g_assert_cmpuint (c->count, ==, 3);
          }
        else
          {
            n_singles++;
            g_assert_cmpuint (c->id, >=, 3);
          }
      }
    g_assert_cmpuint (n_clusters, ==, 1);
    g_assert_cmpuint (n_singles, ==, 2);
  }
}

static void
test_leaves_paging (void)
{
  g_autoptr(AtlaasClusterIndex) index = atlaas_cluster_index_new (&default_options);
  enum { N = 103 };
  double lons[N], lats[N];
  g_autoptr(GArray) clusters = NULL;
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GArray) paged = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint32 cluster_id;
  gboolean seen[N] = { FALSE, };

  /* A spread of points near Toulouse, with a pile of ten at one spot. */
  for (guint i = 0; i < N; i++)
    {
      lons[i] = i < 10 ? 1.444 : 1.40 + 0.001 * (i % 17);
      lats[i] = i < 10 ? 43.604 : 43.58 + 0.0013 * (i / 17);
    }
  atlaas_cluster_index_load (index, lons, lats, NULL, N);

  clusters = get_world (index, 0);
  g_assert_cmpuint (clusters->len, ==, 1);
  cluster_id = g_array_index (clusters, AtlaasCluster, 0).id;

  g_assert_true (atlaas_cluster_index_get_leaves (index, cluster_id, G_MAXUINT, 0, all));
  g_assert_cmpuint (all->len, ==, N);

  for (guint offset = 0; offset < N; offset += 10)
    {
      guint before = paged->len;

      g_assert_true (atlaas_cluster_index_get_leaves (index, cluster_id, 10, offset, paged));
      g_assert_cmpuint (paged->len - before, ==, MIN (10, N - offset));
    }
  g_assert_cmpuint (paged->len, ==, N);

  /* Pages follow the order of the full list and cover every point once. */
  for (guint i = 0; i < N; i++)
    {
      guint32 leaf = g_array_index (paged, guint32, i);

      g_assert_cmpuint (leaf, ==, g_array_index (all, guint32, i));
      g_assert_cmpuint (leaf, <, N);
      g_assert_false (seen[leaf]);
      seen[leaf] = TRUE;
    }

  {
    g_autoptr(GArray) past_end = g_array_new (FALSE, FALSE, sizeof (guint32));

    g_assert_true (atlaas_cluster_index_get_leaves (index, cluster_id, 10, N, past_end));
    g_assert_cmpuint (past_end->len, ==, 0);
  }
}

static void
test_unknown_ids (void)
{
  g_autoptr(AtlaasClusterIndex) index = atlaas_cluster_index_new (&default_options);
  double lons[] = { 5.0, 5.001 };
  double lats[] = { 45.0, 45.0 };
  g_autoptr(GArray) children = new_cluster_array ();
  g_autoptr(GArray) leaves = g_array_new (FALSE, FALSE, sizeof (guint32));

  atlaas_cluster_index_load (index, lons, lats, NULL, 2);

  /* A point index is not a cluster id. */
  g_assert_false (atlaas_cluster_index_get_children (index, 0, children));
  g_assert_false (atlaas_cluster_index_get_leaves (index, 1, 10, 0, leaves));
  g_assert_cmpint (atlaas_cluster_index_get_expansion_zoom (index, 1), ==, -1);

  g_assert_false (atlaas_cluster_index_get_children (index, 123456789, children));
  g_assert_false (atlaas_cluster_index_get_leaves (index, 123456789, 10, 0, leaves));
  g_assert_cmpint (atlaas_cluster_index_get_expansion_zoom (index, 123456789), ==, -1);
  g_assert_cmpuint (children->len, ==, 0);
  g_assert_cmpuint (leaves->len, ==, 0);
}

static void
test_non_finite_skipped (void)
{
  g_autoptr(AtlaasClusterIndex) index = atlaas_cluster_index_new (&default_options);
  double lons[] = { NAN, 3.0, INFINITY };
  double lats[] = { 45.0, 45.0, 45.0 };
  g_autoptr(GArray) clusters = NULL;

  atlaas_cluster_index_load (index, lons, lats, NULL, 3);
  g_assert_cmpuint (atlaas_cluster_index_get_n_points (index), ==, 1);

  clusters = get_world (index, 17);
  g_assert_cmpuint (clusters->len, ==, 1);
  g_assert_cmpuint (g_array_index (clusters, AtlaasCluster, 0).id, ==, 1);
}

/* Every cluster's children, one zoom deeper, add up to its count, and each
 * cluster child's own children do too. */
static void
check_children_sum (AtlaasClusterIndex *index,
                    const AtlaasCluster *cluster,
                    guint              *n_checked)
{
  g_autoptr(GArray) children = new_cluster_array ();
  guint64 sum;

  g_assert_true (atlaas_cluster_index_get_children (index, cluster->id, children));
  g_assert_cmpuint (children->len, >=, 1);
  sum = sum_counts (children);
  g_assert_cmpuint (sum, ==, cluster->count);
  (*n_checked)++;

  for (guint i = 0; i < children->len; i++)
    {
      AtlaasCluster *child = &g_array_index (children, AtlaasCluster, i);

      g_assert_cmpuint (child->axis_bits & ~cluster->axis_bits, ==, 0);
      if (child->is_cluster)
        check_children_sum (index, child, n_checked);
    }
}

static void
test_children_sum (void)
{
  g_autoptr(AtlaasClusterIndex) index = atlaas_cluster_index_new (&default_options);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  enum { N = 2000 };
  double lons[N], lats[N];
  guint32 bits[N];
  g_autoptr(GArray) clusters = NULL;
  guint n_checked = 0;

  for (guint i = 0; i < N; i++)
    {
      lons[i] = g_rand_double_range (rand, -5.0, 9.0);
      lats[i] = g_rand_double_range (rand, 42.0, 51.0);
      bits[i] = 1u << g_rand_int_range (rand, 0, 6);
    }
  atlaas_cluster_index_load (index, lons, lats, bits, N);

  clusters = get_world (index, 2);
  g_assert_cmpuint (sum_counts (clusters), ==, N);
  for (guint i = 0; i < clusters->len; i++)
    {
      AtlaasCluster *c = &g_array_index (clusters, AtlaasCluster, i);

      if (c->is_cluster)
        check_children_sum (index, c, &n_checked);
    }
  g_assert_cmpuint (n_checked, >, 10);
}

/* Random points, some of them piled up: at every zoom each input point is
 * represented exactly once, by itself or as a leaf of one cluster. */
static void
test_brute_force_coverage (void)
{
  AtlaasClusterOptions options = { 60, 256, 2, 0, 16 };
  g_autoptr(AtlaasClusterIndex) index = atlaas_cluster_index_new (&options);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240601);
  enum { N = 3000 };
  double *lons = g_new (double, N);
  double *lats = g_new (double, N);
  guint8 *seen = g_new (guint8, N);

  for (guint i = 0; i < N; i++)
    {
      if (i % 10 == 0 && i > 0)
        {
          /* Same spot as an earlier point. */
          guint j = g_rand_int_range (rand, 0, i);

          lons[i] = lons[j];
          lats[i] = lats[j];
        }
      else if (i % 3 == 0)
        {
          lons[i] = g_rand_double_range (rand, -180.0, 180.0);
          lats[i] = g_rand_double_range (rand, -85.0, 85.0);
        }
      else
        {
          lons[i] = g_rand_double_range (rand, 2.0, 2.5);
          lats[i] = g_rand_double_range (rand, 48.7, 49.0);
        }
    }
  atlaas_cluster_index_load (index, lons, lats, NULL, N);
  g_assert_cmpuint (atlaas_cluster_index_get_n_points (index), ==, N);

  for (int zoom = 0; zoom <= options.max_zoom + 2; zoom++)
    {
      g_autoptr(GArray) clusters = get_world (index, zoom);
      g_autoptr(GArray) indices = collect_world_indices (index, zoom);

      g_assert_cmpuint (sum_counts (clusters), ==, N);
      g_assert_cmpuint (indices->len, ==, N);

      memset (seen, 0, N);
      for (guint i = 0; i < indices->len; i++)
        {
          guint32 leaf = g_array_index (indices, guint32, i);

          g_assert_cmpuint (leaf, <, N);
          g_assert_false (seen[leaf]);
          seen[leaf] = 1;
        }

      if (zoom <= 3)
        g_assert_cmpuint (clusters->len, <, N / 2);
      if (zoom > options.max_zoom)
        g_assert_cmpuint (clusters->len, ==, N);
    }

  g_free (lons);
  g_free (lats);
  g_free (seen);
}

/* Projected position of a longitude/latitude, in [0, 1]. */
static void
project (double  lon,
         double  lat,
         double *x,
         double *y)
{
  double s = sin (lat * G_PI / 180.0);

  *x = lon / 360.0 + 0.5;
  *y = 0.5 - 0.25 * log ((1.0 + s) / (1.0 - s)) / G_PI;
}

typedef struct
{
  double x;
  double y;
} Position;

static int
compare_positions_by_x (gconstpointer a,
                        gconstpointer b)
{
  const Position *pa = a, *pb = b;

  return pa->x < pb->x ? -1 : pa->x > pb->x;
}

/* With min_points 2, two entries of a zoom that no cluster of that zoom
 * took (singles, and clusters formed deeper) are farther apart than the
 * radius: whichever the greedy pass visited first would have taken the
 * other. Returns how many such entries were checked. */
static guint
check_untaken_apart (AtlaasClusterIndex         *index,
                     const AtlaasClusterOptions *options,
                     int                         zoom)
{
  g_autoptr(GArray) clusters = get_world (index, zoom);
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (Position));
  double r = options->radius / (options->extent * ldexp (1.0, zoom));

  for (guint i = 0; i < clusters->len; i++)
    {
      AtlaasCluster *c = &g_array_index (clusters, AtlaasCluster, i);
      Position position;

      if (c->is_cluster && atlaas_cluster_index_get_expansion_zoom (index, c->id) == zoom + 1)
        continue;
      project (c->longitude, c->latitude, &position.x, &position.y);
      g_array_append_val (positions, position);
    }

  g_array_sort (positions, compare_positions_by_x);
  for (guint i = 0; i < positions->len; i++)
    {
      Position *a = &g_array_index (positions, Position, i);

      for (guint j = i + 1; j < positions->len; j++)
        {
          Position *b = &g_array_index (positions, Position, j);
          double dx = b->x - a->x, dy = b->y - a->y;

          if (dx > r)
            break;
          g_assert_cmpfloat (dx * dx + dy * dy, >, r * r);
        }
    }

  return positions->len;
}

/* A direct transcription of the greedy method, quadratic and in doubles:
 * for each zoom, the entries in creation order each take the entries not yet
 * taken within the radius. Fills, per zoom, the sorted counts of the
 * entries. */
typedef struct
{
  double  x;
  double  y;
  guint32 count;
} ReferenceEntry;

static int
compare_guint32 (gconstpointer a,
                 gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

static GArray *
reference_counts_per_zoom (const double               *lons,
                           const double               *lats,
                           gsize                       n,
                           const AtlaasClusterOptions *options)
{
  GArray *per_zoom = g_array_new (FALSE, FALSE, sizeof (GArray *));
  GArray *level = g_array_new (FALSE, FALSE, sizeof (ReferenceEntry));

  g_array_set_size (per_zoom, options->max_zoom + 2);
  for (gsize i = 0; i < n; i++)
    {
      ReferenceEntry entry;

      project (lons[i], lats[i], &entry.x, &entry.y);
      entry.count = 1;
      g_array_append_val (level, entry);
    }

  for (int zoom = options->max_zoom + 1; zoom >= options->min_zoom; zoom--)
    {
      GArray *counts = g_array_new (FALSE, FALSE, sizeof (guint32));
      GArray *next = g_array_new (FALSE, FALSE, sizeof (ReferenceEntry));
      double r = options->radius / (options->extent * ldexp (1.0, zoom - 1));
      gboolean *taken = g_new0 (gboolean, MAX (level->len, 1));

      for (guint i = 0; i < level->len; i++)
        g_array_append_val (counts, g_array_index (level, ReferenceEntry, i).count);
      g_array_sort (counts, compare_guint32);
      g_array_index (per_zoom, GArray *, zoom) = counts;

      if (zoom == options->min_zoom)
        {
          g_free (taken);
          g_array_unref (next);
          break;
        }

      /* Cluster this level into the one of zoom - 1. */
      for (guint i = 0; i < level->len; i++)
        {
          ReferenceEntry *seed = &g_array_index (level, ReferenceEntry, i);
          guint64 total = seed->count;
          double wx = seed->x * seed->count, wy = seed->y * seed->count;

          if (taken[i])
            continue;
          taken[i] = TRUE;

          for (guint j = 0; j < level->len; j++)
            {
              ReferenceEntry *other = &g_array_index (level, ReferenceEntry, j);
              double dx = other->x - seed->x, dy = other->y - seed->y;

              if (!taken[j] && dx * dx + dy * dy <= r * r)
                total += other->count;
            }

          if (total > seed->count && total >= (guint64) options->min_points)
            {
              ReferenceEntry cluster;

              for (guint j = 0; j < level->len; j++)
                {
                  ReferenceEntry *other = &g_array_index (level, ReferenceEntry, j);
                  double dx = other->x - seed->x, dy = other->y - seed->y;

                  if (!taken[j] && dx * dx + dy * dy <= r * r)
                    {
                      taken[j] = TRUE;
                      wx += other->x * other->count;
                      wy += other->y * other->count;
                    }
                }
              cluster.x = wx / total;
              cluster.y = wy / total;
              cluster.count = (guint32) total;
              g_array_append_val (next, cluster);
            }
          else
            {
              g_array_append_val (next, *seed);
            }
        }

      g_free (taken);
      g_array_unref (level);
      level = next;
    }

  g_array_unref (level);
  return per_zoom;
}

/* Random points, dense enough to cluster at every zoom: the index finds
 * the same clusters, zoom by zoom, as the quadratic transcription. */
static void
test_matches_reference (void)
{
  AtlaasClusterOptions options = ATLAAS_CLUSTER_OPTIONS_DEFAULT;
  g_autoptr(AtlaasClusterIndex) index = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (4242);
  enum { N = 1500 };
  double lons[N], lats[N];
  GArray *expected;

  for (guint i = 0; i < N; i++)
    {
      /* Half spread over western Europe, half around a few towns. */
      if (i % 2 == 0)
        {
          lons[i] = g_rand_double_range (rand, -5.0, 15.0);
          lats[i] = g_rand_double_range (rand, 40.0, 55.0);
        }
      else
        {
          guint town = g_rand_int_range (rand, 0, 5);

          lons[i] = 2.0 + town + g_rand_double_range (rand, -0.02, 0.02);
          lats[i] = 45.0 + town * 0.7 + g_rand_double_range (rand, -0.02, 0.02);
        }
    }

  index = atlaas_cluster_index_new (&options);
  atlaas_cluster_index_load (index, lons, lats, NULL, N);
  expected = reference_counts_per_zoom (lons, lats, N, &options);

  for (int zoom = options.min_zoom; zoom <= options.max_zoom + 1; zoom++)
    {
      g_autoptr(GArray) clusters = get_world (index, zoom);
      g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (guint32));
      GArray *want = g_array_index (expected, GArray *, zoom);

      for (guint i = 0; i < clusters->len; i++)
        g_array_append_val (counts, g_array_index (clusters, AtlaasCluster, i).count);
      g_array_sort (counts, compare_guint32);

      g_assert_cmpuint (counts->len, ==, want->len);
      for (guint i = 0; i < counts->len; i++)
        g_assert_cmpuint (g_array_index (counts, guint32, i), ==, g_array_index (want, guint32, i));
      g_array_unref (want);
    }
  g_array_unref (expected);
}

/* Enough points for the neighbour search to run in two threads, and a pile
 * of identical points too dense for stored neighbour lists. */
static void
test_large_input_coverage (void)
{
  g_autoptr(AtlaasClusterIndex) index = atlaas_cluster_index_new (&default_options);
  g_autoptr(GRand) rand = g_rand_new_with_seed (99);
  enum { N = 80000, PILE = 500 };
  guint n_checked = 0;
  double *lons = g_new (double, N);
  double *lats = g_new (double, N);
  guint8 *seen = g_new (guint8, N);

  for (guint i = 0; i < N; i++)
    {
      if (i < PILE)
        {
          lons[i] = 5.3698;
          lats[i] = 43.2965;
        }
      else
        {
          lons[i] = g_rand_double_range (rand, -1.0, 7.0);
          lats[i] = g_rand_double_range (rand, 43.0, 49.0);
        }
    }
  atlaas_cluster_index_load (index, lons, lats, NULL, N);

  for (int zoom = 0; zoom <= default_options.max_zoom + 1; zoom++)
    {
      g_autoptr(GArray) clusters = get_world (index, zoom);
      g_autoptr(GArray) indices = collect_world_indices (index, zoom);

      g_assert_cmpuint (sum_counts (clusters), ==, N);
      g_assert_cmpuint (indices->len, ==, N);
      memset (seen, 0, N);
      for (guint i = 0; i < indices->len; i++)
        {
          guint32 leaf = g_array_index (indices, guint32, i);

          g_assert_cmpuint (leaf, <, N);
          g_assert_false (seen[leaf]);
          seen[leaf] = 1;
        }

      if (zoom <= default_options.max_zoom)
        n_checked += check_untaken_apart (index, &default_options, zoom);
    }
  g_assert_cmpuint (n_checked, >, N);

  /* The pile stays one cluster down to max_zoom. */
  {
    g_autoptr(GArray) clusters = new_cluster_array ();
    guint n_piles = 0;

    atlaas_cluster_index_get_clusters (index, 5.3697, 43.2964, 5.3699, 43.2966,
                                       default_options.max_zoom, clusters);
    for (guint i = 0; i < clusters->len; i++)
      {
        AtlaasCluster *c = &g_array_index (clusters, AtlaasCluster, i);

        if (c->is_cluster && c->count >= PILE)
          n_piles++;
      }
    g_assert_cmpuint (n_piles, ==, 1);
  }

  g_free (lons);
  g_free (lats);
  g_free (seen);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cluster-index/empty", test_empty);
  g_test_add_func ("/cluster-index/single-point", test_single_point);
  g_test_add_func ("/cluster-index/coordinates-round-trip", test_coordinates_round_trip);
  g_test_add_func ("/cluster-index/identical-points", test_identical_points);
  g_test_add_func ("/cluster-index/antimeridian", test_antimeridian);
  g_test_add_func ("/cluster-index/far-points-separate", test_far_points_separate);
  g_test_add_func ("/cluster-index/close-points-split", test_close_points_split);
  g_test_add_func ("/cluster-index/min-points", test_min_points);
  g_test_add_func ("/cluster-index/leaves-paging", test_leaves_paging);
  g_test_add_func ("/cluster-index/unknown-ids", test_unknown_ids);
  g_test_add_func ("/cluster-index/non-finite-skipped", test_non_finite_skipped);
  g_test_add_func ("/cluster-index/children-sum", test_children_sum);
  g_test_add_func ("/cluster-index/brute-force-coverage", test_brute_force_coverage);
  g_test_add_func ("/cluster-index/matches-reference", test_matches_reference);
  g_test_add_func ("/cluster-index/large-input-coverage", test_large_input_coverage);

  return g_test_run ();
}
