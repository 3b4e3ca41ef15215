/* atlaas-cluster-index.c: hierarchical greedy point clustering per zoom
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-Core"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib.h>
#ifdef G_OS_UNIX
#include <sys/mman.h>
#endif

#include "atlaas-cluster-index.h"

/* Layout
 *
 * Every point and every cluster is a node, stored once whatever the number
 * of zoom levels it shows on. Points are nodes 0 to n_points - 1 and
 * clusters follow. Coordinates are Web Mercator scaled to 32-bit integers
 * (2^32 units across the world, about 1 cm).
 *
 * A zoom level is the list of nodes visible at that zoom, sorted into a
 * uniform grid of 2^shift units: by row, then by column, then in the grid
 * order of the level below (input order for the points). A row table gives
 * where each row starts. The cell is at least the
 * clustering radius, so a radius query reads three rows. A level where no
 * cluster forms shares the list of the level above.
 *
 * A cluster keeps its children as a slice of one array, so children, leaves
 * and expansion zooms need no spatial query. Nodes are numbered in the grid
 * order of the level that created them, which keeps neighbours close
 * together in memory.
 *
 * supercluster's greedy pass visits the nodes in creation order, which
 * jumps across the map. This index gets the same clusters in grid order:
 * each node carries its rank in creation order, and whether it is a seed
 * depends only on its neighbours of lower rank (see resolve_seeds()). A
 * sweep in grid order first lists every node's neighbours, so the passes
 * read one short list per node instead of searching the grid. Loads of
 * 50,000 points or more use a second thread for the projection and the
 * sweeps. */
#define COORD_SCALE 4294967296.0   /* 2^32 */
#define NO_NODE G_MAXUINT32
#define ZOOM_BITS 5
#define ZOOM_MASK ((1u << ZOOM_BITS) - 1)
#define MAX_ZOOM_LIMIT 30

/* Marks clusters not numbered yet in lists of nodes. Node ids stay below
 * 2^31 because n_points is limited to 2^26. */
#define FLAG (1u << 31)

/* How many points ahead load_points() starts loading memory. */
#define PREFETCH_DISTANCE 16

/* Digits of the radix sort into the grid. */
#define RADIX_BITS 11
#define RADIX_MASK ((1u << RADIX_BITS) - 1)

/* Inputs and levels with fewer nodes are processed in one thread. */
#define PARALLEL_MIN_NODES 50000

typedef struct
{
  guint32 *nodes;       /* grid order; NULL for the points, which are numbered in grid order */
  gsize    n_nodes;
  guint32 *row_starts;  /* n_rows + 1 offsets into nodes */
  gsize    n_rows;
  guint32  first_row;   /* row index of row_starts[0] */
  guint    shift;       /* cells are 2^shift coordinate units wide */
  gboolean shared;      /* arrays belong to the level one zoom deeper */
} Level;

struct _AtlaasClusterIndex
{
  AtlaasClusterOptions options;

  gsize n_input;          /* n_points of the last load, the offset of cluster ids */
  gsize n_points;         /* points with finite coordinates */
  gsize n_clusters;

  /* per node, points then clusters */
  guint32 *node_xy;       /* x, y */
  guint32 *node_bits;

  /* per point */
  guint32 *point_input;   /* index in the input arrays */

  /* per cluster */
  guint32 *cluster_count;
  guint8  *cluster_zoom;  /* zoom of its children, as encoded in its id */
  guint32 *cluster_child_starts;  /* n_clusters + 1 offsets into children */
  guint32 *children;      /* node ids */

  Level *levels;          /* indexed by zoom, min_zoom to max_zoom + 1 */
  int    n_levels;        /* max_zoom + 2 */
};

/* A growable array of guint32. */
typedef struct
{
  guint32 *items;
  gsize    len;
  gsize    allocated;
} U32List;

/* Clusters formed at one zoom before they get their node ids. */
typedef struct
{
  guint32 *xy;
  guint32 *count;
  guint32 *bits;
  guint32 *child_starts;  /* len + 1 offsets into children */
  guint32 *children;      /* node ids, at most one per source entry */
  gsize    n_children;
  gsize    len;
} NewClusters;

/* The nodes within the radius of each node of a level, by grid position. */
typedef struct
{
  guint32 *starts;    /* offset of each node's list in items */
  guint8  *lengths;   /* length of each node's list, or LIVE_QUERY */
  guint32 *items;     /* grid positions */
  gsize    capacity;
} NeighbourLists;

/* Maximum length of a stored neighbour list. A node in a denser spot is
 * queried by each pass that needs its neighbours. */
#define MAX_LIST 64
#define LIVE_QUERY G_MAXUINT8

/* Static helpers */

static inline void
u32_list_append (U32List *list,
                 guint32  value)
{
  if (G_UNLIKELY (list->len == list->allocated))
    {
      list->allocated = MAX (64, list->allocated * 2);
      list->items = g_renew (guint32, list->items, list->allocated);
    }
  list->items[list->len++] = value;
}

/* Allocates a work buffer of a build, freed with work_free(). Big buffers
 * come straight from mmap() so that freeing them gives the memory back at
 * once: through malloc() they would leave holes that the persistent arrays
 * allocated in between cannot reuse, and the build's peak memory would grow
 * by a third. Pages never written take no memory. */
static gpointer
work_new (gsize n_bytes)
{
  gsize size = n_bytes + 16;
  guint8 *block;

#ifdef G_OS_UNIX
  if (size >= 64 * 1024)
    {
      block = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (block == MAP_FAILED)
        g_error ("Cannot map %" G_GSIZE_FORMAT " bytes for the cluster index: %s",
                 size, g_strerror (errno));
      memcpy (block, &size, sizeof size);
      return block + 16;
    }
#endif

  block = g_malloc (size);
  memcpy (block, &size, sizeof size);
  return block + 16;
}

static void
work_free (gpointer buffer)
{
  guint8 *block;
  gsize size;

  if (buffer == NULL)
    return;

  block = (guint8 *) buffer - 16;
  memcpy (&size, block, sizeof size);
#ifdef G_OS_UNIX
  if (size >= 64 * 1024)
    {
      munmap (block, size);
      return;
    }
#endif
  g_free (block);
}

#define work_new_n(type, n) ((type *) work_new (sizeof (type) * (gsize) MAX ((n), 1)))

static double
longitude_to_x (double longitude)
{
  return longitude / 360.0 + 0.5;
}

static double
latitude_to_y (double latitude)
{
  double s = sin (latitude * G_PI / 180.0);
  double y;

  /* The projection diverges at the poles: clamp to the edges of the square
   * as every Web Mercator map does. */
  y = 0.5 - 0.25 * log ((1.0 + s) / (1.0 - s)) / G_PI;
  if (!(y > 0.0))
    return 0.0;
  if (y > 1.0)
    return 1.0;
  return y;
}

static double
x_to_longitude (double x)
{
  return (x - 0.5) * 360.0;
}

/* The latitude of y is gd (π (1 - 2y)), the Gudermannian function
 * gd (t) = atan (sinh (t)) over t in [-π, π]. Queries convert every node
 * they return, and atan (exp ()) took half the time of a query. So the
 * conversion interpolates a table of gd and of its derivative 1 / cosh by
 * cubic Hermite splines, at most 1.3e-12 degrees off over [0, 1]. */
#define GD_TABLE_SIZE 4096

static double gd_values[GD_TABLE_SIZE + 1];
static double gd_slopes[GD_TABLE_SIZE + 1];

static void
ensure_gd_table (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (guint i = 0; i <= GD_TABLE_SIZE; i++)
        {
          double t = -G_PI + 2.0 * G_PI * i / GD_TABLE_SIZE;

          gd_values[i] = atan (sinh (t));
          gd_slopes[i] = 1.0 / cosh (t);
        }
      g_once_init_leave (&initialized, 1);
    }
}

static double
y_to_latitude (double y)
{
  double step = 2.0 * G_PI / GD_TABLE_SIZE;
  double u = (G_PI * (1.0 - 2.0 * y) + G_PI) / step;
  double s, s2, s3, radians;
  gsize i;

  u = CLAMP (u, 0.0, (double) GD_TABLE_SIZE);
  i = MIN ((gsize) u, GD_TABLE_SIZE - 1);
  s = u - i;
  s2 = s * s;
  s3 = s2 * s;

  radians = (2 * s3 - 3 * s2 + 1) * gd_values[i]
            + (s3 - 2 * s2 + s) * step * gd_slopes[i]
            + (3 * s2 - 2 * s3) * gd_values[i + 1]
            + (s3 - s2) * step * gd_slopes[i + 1];
  return radians * 180.0 / G_PI;
}

/* Scales a projected coordinate in [0, 1] to the integer grid. */
static guint32
quantize (double value)
{
  double scaled = floor (value * COORD_SCALE + 0.5);

  if (!(scaled > 0.0))
    return 0;
  if (scaled >= COORD_SCALE - 1.0)
    return G_MAXUINT32;
  return (guint32) scaled;
}

static guint32
clamp_coordinate (double value)
{
  if (!(value > 0.0))
    return 0;
  if (value >= COORD_SCALE - 1.0)
    return G_MAXUINT32;
  return (guint32) value;
}

/* The clustering radius at `zoom`, in coordinate units. */
static double
radius_at_zoom (const AtlaasClusterOptions *options,
                int                         zoom)
{
  return options->radius / (options->extent * ldexp (1.0, zoom)) * COORD_SCALE;
}

static inline guint32
node_count (AtlaasClusterIndex *self,
            guint32             node)
{
  return node < self->n_points ? 1 : self->cluster_count[node - self->n_points];
}

static inline guint32
node_id (AtlaasClusterIndex *self,
         guint32             node)
{
  gsize cluster;

  if (node < self->n_points)
    return self->point_input[node];

  cluster = node - self->n_points;
  return (guint32) (self->n_input + ((cluster << ZOOM_BITS) | self->cluster_zoom[cluster]));
}

/* Returns the node of a cluster id, or NO_NODE if the id names no cluster. */
static guint32
cluster_node_of_id (AtlaasClusterIndex *self,
                    guint32             cluster_id)
{
  gsize value, cluster;

  if (cluster_id < self->n_input)
    return NO_NODE;

  value = cluster_id - self->n_input;
  cluster = value >> ZOOM_BITS;
  if (cluster >= self->n_clusters || self->cluster_zoom[cluster] != (value & ZOOM_MASK))
    return NO_NODE;

  return (guint32) (self->n_points + cluster);
}

static void
append_node (AtlaasClusterIndex *self,
             guint32             node,
             GArray             *out)
{
  AtlaasCluster cluster;

  cluster.longitude = x_to_longitude (self->node_xy[2 * node] / COORD_SCALE);
  cluster.latitude = y_to_latitude (self->node_xy[2 * node + 1] / COORD_SCALE);
  cluster.count = node_count (self, node);
  cluster.id = node_id (self, node);
  cluster.axis_bits = self->node_bits[node];
  cluster.is_cluster = node >= self->n_points;
  g_array_append_val (out, cluster);
}

static inline guint32
level_node (const Level *level,
            gsize        position)
{
  return level->nodes != NULL ? level->nodes[position] : (guint32) position;
}

/* Appends to `out` the nodes of `level` inside the box, bounds included, in
 * grid order. */
static void
level_range (AtlaasClusterIndex *self,
             const Level        *level,
             guint32             min_x,
             guint32             min_y,
             guint32             max_x,
             guint32             max_y,
             GArray             *out)
{
  guint32 last_row = level->first_row + (guint32) level->n_rows - 1;
  guint32 row_lo = MAX (min_y >> level->shift, level->first_row);
  guint32 row_hi = MIN (max_y >> level->shift, last_row);
  guint32 col_lo = min_x >> level->shift;
  guint32 col_hi = max_x >> level->shift;

  for (gint64 row = row_lo; row <= row_hi; row++)
    {
      gsize r = row - level->first_row;
      gsize low = level->row_starts[r];
      gsize high = level->row_starts[r + 1];

      /* Binary search for the first column of the box. */
      while (low < high)
        {
          gsize mid = low + (high - low) / 2;

          if ((self->node_xy[2 * level_node (level, mid)] >> level->shift) < col_lo)
            low = mid + 1;
          else
            high = mid;
        }

      for (gsize i = low; i < level->row_starts[r + 1]; i++)
        {
          guint32 node = level_node (level, i);
          guint32 x = self->node_xy[2 * node];
          guint32 y = self->node_xy[2 * node + 1];

          if ((x >> level->shift) > col_hi)
            break;
          if (x >= min_x && x <= max_x && y >= min_y && y <= max_y)
            append_node (self, node, out);
        }
    }
}

static void
level_clear (Level *level)
{
  if (!level->shared)
    {
      g_free (level->nodes);
      g_free (level->row_starts);
    }
  memset (level, 0, sizeof (Level));
}

/* Sorts the nodes into the cells of `level` by two stable counting sorts,
 * by column then by row, and fills its row table. Fast when `xy` is nearly
 * in grid order already, as the levels built from the level below are. */
static guint32 *
sort_cells_counting (Level         *level,
                     const guint32 *xy,
                     gsize          n,
                     guint32        first_col,
                     gsize          n_cols)
{
  guint shift = level->shift;
  guint32 *keys, *by_col, *counts, *order;

  keys = work_new_n (guint32, n);
  by_col = work_new_n (guint32, n);
  counts = work_new_n (guint32, n_cols + 1);
  memset (counts, 0, (n_cols + 1) * sizeof (guint32));
  for (gsize i = 0; i < n; i++)
    {
      keys[i] = (xy[2 * i] >> shift) - first_col;
      counts[keys[i] + 1]++;
    }
  for (gsize c = 0; c < n_cols; c++)
    counts[c + 1] += counts[c];
  for (gsize i = 0; i < n; i++)
    by_col[counts[keys[i]]++] = (guint32) i;
  work_free (counts);

  level->row_starts = g_new0 (guint32, level->n_rows + 1);
  for (gsize i = 0; i < n; i++)
    {
      keys[i] = (xy[2 * i + 1] >> shift) - level->first_row;
      level->row_starts[keys[i] + 1]++;
    }
  for (gsize r = 0; r < level->n_rows; r++)
    level->row_starts[r + 1] += level->row_starts[r];

  order = work_new_n (guint32, n);
  counts = work_new_n (guint32, level->n_rows + 1);
  memcpy (counts, level->row_starts, (level->n_rows + 1) * sizeof (guint32));
  for (gsize j = 0; j < n; j++)
    {
      guint32 i = by_col[j];

      order[counts[keys[i]]++] = i;
    }
  work_free (counts);
  work_free (by_col);
  work_free (keys);

  return order;
}

/* Sorts the nodes into the cells of `level` by their cell key, row then
 * column, and fills its row table. A least significant digit radix sort,
 * RADIX_BITS at a time: each pass writes to 2^RADIX_BITS places at a time,
 * few enough for the caches. On the 1,000,000 points of `bench/run
 * cluster`, in random order, it took half the time of
 * sort_cells_counting(), whose every write goes to a random place, but
 * twice its time on the nearly sorted levels. */
static guint32 *
sort_cells_radix (Level         *level,
                  const guint32 *xy,
                  gsize          n,
                  guint32        first_col,
                  gsize          n_cols)
{
  guint shift = level->shift;
  guint64 *keys, *sorted_keys;
  guint32 *order, *sorted_order;
  guint row_bits, col_bits;

  row_bits = g_bit_storage (level->n_rows - 1);
  col_bits = g_bit_storage (n_cols - 1);
  keys = work_new_n (guint64, n);
  order = work_new_n (guint32, n);
  level->row_starts = g_new0 (guint32, level->n_rows + 1);
  for (gsize i = 0; i < n; i++)
    {
      guint64 row = (xy[2 * i + 1] >> shift) - level->first_row;
      guint64 col = (xy[2 * i] >> shift) - first_col;

      keys[i] = (row << col_bits) | col;
      order[i] = (guint32) i;
      level->row_starts[row + 1]++;
    }
  for (gsize r = 0; r < level->n_rows; r++)
    level->row_starts[r + 1] += level->row_starts[r];

  sorted_keys = work_new_n (guint64, n);
  sorted_order = work_new_n (guint32, n);
  for (guint bit = 0; bit < row_bits + col_bits; bit += RADIX_BITS)
    {
      guint32 counts[1 << RADIX_BITS] = { 0, };
      guint32 total = 0;
      gpointer swap;

      for (gsize i = 0; i < n; i++)
        counts[(keys[i] >> bit) & RADIX_MASK]++;

      /* A digit that every key shares changes nothing. */
      if (n == 0 || counts[(keys[0] >> bit) & RADIX_MASK] == n)
        continue;

      for (guint d = 0; d < (1 << RADIX_BITS); d++)
        {
          guint32 count = counts[d];

          counts[d] = total;
          total += count;
        }
      for (gsize i = 0; i < n; i++)
        {
          guint32 to = counts[(keys[i] >> bit) & RADIX_MASK]++;

          sorted_keys[to] = keys[i];
          sorted_order[to] = order[i];
        }

      swap = keys;
      keys = sorted_keys;
      sorted_keys = swap;
      swap = order;
      order = sorted_order;
      sorted_order = swap;
    }
  work_free (keys);
  work_free (sorted_keys);
  work_free (sorted_order);

  return order;
}

/* Sorts n nodes, with coordinates `xy` (two per node), into the grid of
 * `level`, whose cell is at least `radius` wide, and fills its row table.
 * Nodes in the same cell keep the order of `xy`. Set `random_order` when
 * xy is in no spatial order. Returns the grid order as indices into xy. */
static guint32 *
grid_sort (Level         *level,
           const guint32 *xy,
           gsize          n,
           double         radius,
           gboolean       random_order)
{
  guint32 min_x = G_MAXUINT32, min_y = G_MAXUINT32, max_x = 0, max_y = 0;
  guint32 first_col;
  gsize limit, n_cols;
  guint shift = 0;

  for (gsize i = 0; i < n; i++)
    {
      min_x = MIN (min_x, xy[2 * i]);
      max_x = MAX (max_x, xy[2 * i]);
      min_y = MIN (min_y, xy[2 * i + 1]);
      max_y = MAX (max_y, xy[2 * i + 1]);
    }
  if (n == 0)
    min_x = max_x = min_y = max_y = 0;

  /* The smallest power of two not below the radius, made bigger if needed
   * to keep the row table and the column counts within a few times the
   * number of nodes. */
  limit = 2 * n + 64;
  while (shift < 31 && ldexp (1.0, shift) < radius)
    shift++;
  while (shift < 31 && ((gsize) (max_y >> shift) - (min_y >> shift) + 1 > limit ||
                        (gsize) (max_x >> shift) - (min_x >> shift) + 1 > limit))
    shift++;

  level->shift = shift;
  level->first_row = min_y >> shift;
  level->n_rows = (max_y >> shift) - level->first_row + 1;
  level->n_nodes = n;
  first_col = min_x >> shift;
  n_cols = (max_x >> shift) - first_col + 1;

  if (random_order)
    return sort_cells_radix (level, xy, n, first_col, n_cols);
  return sort_cells_counting (level, xy, n, first_col, n_cols);
}

/* How many cells on each side of a cell a query of radius r reads. */
static guint
level_reach (const Level *level,
             double       r)
{
  guint reach = 1;

  while (ldexp ((double) reach, level->shift) < r)
    reach++;
  return reach;
}

/* Appends to `out` the positions of the nodes of `level` within `r` of
 * (qx, qy), by binary searches in each row. */
static void
level_within (AtlaasClusterIndex *self,
              const Level        *level,
              double              qx,
              double              qy,
              double              r,
              U32List            *out)
{
  double r2 = r * r;
  guint32 last_row = level->first_row + (guint32) level->n_rows - 1;
  guint32 row_lo = MAX (clamp_coordinate (qy - r) >> level->shift, level->first_row);
  guint32 row_hi = MIN (clamp_coordinate (qy + r) >> level->shift, last_row);
  guint32 col_lo = clamp_coordinate (qx - r) >> level->shift;
  guint32 col_hi = clamp_coordinate (qx + r) >> level->shift;

  for (gint64 row = row_lo; row <= row_hi; row++)
    {
      gsize rr = row - level->first_row;
      gsize low = level->row_starts[rr];
      gsize high = level->row_starts[rr + 1];

      while (low < high)
        {
          gsize mid = low + (high - low) / 2;

          if ((self->node_xy[2 * level_node (level, mid)] >> level->shift) < col_lo)
            low = mid + 1;
          else
            high = mid;
        }

      for (gsize i = low; i < level->row_starts[rr + 1]; i++)
        {
          const guint32 *xy = &self->node_xy[2 * level_node (level, i)];
          double dx = (double) xy[0] - qx;
          double dy = (double) xy[1] - qy;

          if ((xy[0] >> level->shift) > col_hi)
            break;
          if (dx * dx + dy * dy <= r2)
            u32_list_append (out, (guint32) i);
        }
    }
}

/* One part of a sweep: rows [first_row, end_row) of a level, writing
 * neighbour lists to items [first_item, end_item). */
typedef struct
{
  const Level    *level;
  const guint32  *xy;
  double          r;
  NeighbourLists *lists;
  gsize           first_row;
  gsize           end_row;
  gsize           first_item;
  gsize           end_item;
} SweepPart;

static gpointer
sweep_part (gpointer data)
{
  SweepPart *part = data;
  const Level *level = part->level;
  const guint32 *xy = part->xy;
  NeighbourLists *lists = part->lists;
  guint reach = level_reach (level, part->r);
  guint n_windows = 2 * reach + 1;
  gsize *lo = g_new (gsize, n_windows);
  gsize *hi = g_new (gsize, n_windows);
  gsize *ends = g_new (gsize, n_windows);
  double r2 = part->r * part->r;
  guint shift = level->shift;
  gsize n_items = part->first_item;

  for (gsize row = part->first_row; row < part->end_row; row++)
    {
      for (guint w = 0; w < n_windows; w++)
        {
          gint64 rr = (gint64) row + w - reach;

          if (rr < 0 || rr >= (gint64) level->n_rows)
            lo[w] = hi[w] = ends[w] = 0;
          else
            {
              lo[w] = hi[w] = level->row_starts[rr];
              ends[w] = level->row_starts[rr + 1];
            }
        }

      for (gsize p = level->row_starts[row]; p < level->row_starts[row + 1]; p++)
        {
          guint32 px = xy[2 * p];
          guint32 py = xy[2 * p + 1];
          guint64 col = px >> shift;
          guint64 col_lo = col >= reach ? col - reach : 0;
          guint64 col_hi = col + reach;
          gsize n_candidates = 0;

          /* The columns only grow along a row, so each window slides
           * forward. */
          for (guint w = 0; w < n_windows; w++)
            {
              while (lo[w] < ends[w] && (xy[2 * lo[w]] >> shift) < col_lo)
                lo[w]++;
              hi[w] = MAX (hi[w], lo[w]);
              while (hi[w] < ends[w] && (xy[2 * hi[w]] >> shift) <= col_hi)
                hi[w]++;
              n_candidates += hi[w] - lo[w];
            }

          lists->starts[p] = (guint32) n_items;
          if (n_candidates > MAX_LIST + 1 || n_items + n_candidates > part->end_item)
            {
              lists->lengths[p] = LIVE_QUERY;
              continue;
            }

          /* Every candidate is written, and kept by advancing past it only
           * if it is within the radius: about half are, so a branch would
           * be mispredicted half the time. */
          for (guint w = 0; w < n_windows; w++)
            {
              for (gsize q = lo[w]; q < hi[w]; q++)
                {
                  double dx = (double) xy[2 * q] - px;
                  double dy = (double) xy[2 * q + 1] - py;

                  lists->items[n_items] = (guint32) q;
                  n_items += (dx * dx + dy * dy <= r2) & (q != p);
                }
            }
          lists->lengths[p] = (guint8) (n_items - lists->starts[p]);
        }
    }

  g_free (lo);
  g_free (hi);
  g_free (ends);
  return NULL;
}

/* Finds, for each node of `level`, the other nodes within `r`. The sweep
 * goes through the grid in order and slides a window along the rows above
 * and below, so its memory accesses are sequential. The passes of
 * cluster_pass() then read one short list per node. A node with more than MAX_LIST candidates
 * around it, or past the capacity of the lists, gets LIVE_QUERY instead.
 * A big level is swept in two halves, the second in a thread of its own. */
static void
sweep_neighbours (const Level    *level,
                  const guint32  *xy,
                  double          r,
                  NeighbourLists *lists)
{
  SweepPart parts[2];
  GThread *thread = NULL;
  gsize middle_row = level->n_rows;
  gsize middle_item;

  lists->capacity = 4 * level->n_nodes + 1024;
  lists->items = work_new_n (guint32, lists->capacity);
  lists->starts = work_new_n (guint32, level->n_nodes);
  lists->lengths = work_new_n (guint8, level->n_nodes);

  if (level->n_nodes >= PARALLEL_MIN_NODES)
    {
      /* Split where half the nodes are. */
      gsize low = 0, high = level->n_rows;

      while (low < high)
        {
          gsize mid = low + (high - low) / 2;

          if (level->row_starts[mid] < level->n_nodes / 2)
            low = mid + 1;
          else
            high = mid;
        }
      middle_row = low;
    }
  middle_item = middle_row < level->n_rows ? lists->capacity / 2 : lists->capacity;

  parts[0] = (SweepPart) { level, xy, r, lists, 0, middle_row, 0, middle_item };
  parts[1] = (SweepPart) { level, xy, r, lists, middle_row, level->n_rows,
                           middle_item, lists->capacity };

  if (middle_row < level->n_rows)
    thread = g_thread_try_new ("cluster-sweep", sweep_part, &parts[1], NULL);
  sweep_part (&parts[0]);
  if (thread != NULL)
    g_thread_join (thread);
  else if (middle_row < level->n_rows)
    sweep_part (&parts[1]);
}

static void
neighbour_lists_clear (NeighbourLists *lists)
{
  g_clear_pointer (&lists->items, work_free);
  g_clear_pointer (&lists->starts, work_free);
  g_clear_pointer (&lists->lengths, work_free);
}

/* States of the nodes of a level during its greedy pass. */
enum
{
  NODE_UNDECIDED,
  NODE_SEED,           /* not taken by an earlier seed: takes its neighbours */
  NODE_TAKEN,          /* within the radius of an earlier seed */
  NODE_CLUSTER_SEED,   /* a seed whose group becomes a cluster */
  NODE_KEPT,           /* taken by a seed whose group is too small */
};

/* Returns the positions of the nodes within `r` of the node at grid
 * position p, from its stored list or, for a node in a dense spot, by a
 * query into `live`. The result is valid until the next call with `live`. */
static const guint32 *
node_neighbours (AtlaasClusterIndex   *self,
                 const Level          *source,
                 const guint32        *xy,
                 const NeighbourLists *lists,
                 double                r,
                 gsize                 p,
                 U32List              *live,
                 gsize                *n_neighbours)
{
  if (lists->lengths[p] != LIVE_QUERY)
    {
      *n_neighbours = lists->lengths[p];
      return &lists->items[lists->starts[p]];
    }

  live->len = 0;
  level_within (self, source, xy[2 * p], xy[2 * p + 1], r, live);
  *n_neighbours = live->len;
  return live->items;
}

/* Decides which nodes of level zoom + 1 are seeds. supercluster visits the
 * nodes in creation order, and each node not taken yet becomes a seed and
 * takes every node not taken yet within the radius. So a node is a seed if
 * and only if no node created before it within the radius is a seed, and
 * that depends only on its neighbours. This walk goes through the grid in
 * order, which keeps memory accesses local, and decides each node after
 * the earlier-created neighbours it depends on, with an explicit stack.
 * It gives the same seeds as the visit in creation order. `rank` contains
 * the creation order of each grid position. */
static void
resolve_seeds (AtlaasClusterIndex   *self,
               const Level          *source,
               const guint32        *xy,
               const NeighbourLists *lists,
               double                r,
               const guint32        *rank,
               guint8               *state)
{
  U32List stack = { NULL, 0, 0 };
  U32List live = { NULL, 0, 0 };

  for (gsize p = 0; p < source->n_nodes; p++)
    {
      if (state[p] != NODE_UNDECIDED)
        continue;

      stack.len = 0;
      u32_list_append (&stack, (guint32) p);
      while (stack.len > 0)
        {
          guint32 top = stack.items[stack.len - 1];
          guint32 pending = NO_NODE;
          gboolean taken = FALSE;
          const guint32 *neighbours;
          gsize n_neighbours;

          if (state[top] != NODE_UNDECIDED)
            {
              stack.len--;
              continue;
            }

          neighbours = node_neighbours (self, source, xy, lists, r, top, &live, &n_neighbours);
          for (gsize j = 0; j < n_neighbours; j++)
            {
              guint32 q = neighbours[j];

              if (rank[q] >= rank[top])
                continue;
              if (state[q] == NODE_SEED)
                {
                  taken = TRUE;
                  break;
                }
              if (state[q] == NODE_UNDECIDED && pending == NO_NODE)
                pending = q;
            }

          if (taken)
            {
              state[top] = NODE_TAKEN;
              stack.len--;
            }
          else if (pending != NO_NODE)
            {
              u32_list_append (&stack, pending);
            }
          else
            {
              state[top] = NODE_SEED;
              stack.len--;
            }
        }
    }

  g_free (stack.items);
  g_free (live.items);
}

/* Runs the greedy pass of supercluster at `zoom` over level zoom + 1, whose
 * coordinates are `xy` and creation order `rank`, both by grid position.
 * Each taken node joins the earliest-created seed within the radius, the
 * one that took it first in supercluster. A group of at least min_points
 * points becomes a cluster at its weighted centre, added to `fresh`. The
 * nodes of a smaller group stay, in creation order after their seed.
 * Returns in *state_out the state of each node, and in *new_rank_out the
 * creation order in level `zoom` of each node that stays in it. */
static void
cluster_pass (AtlaasClusterIndex   *self,
              int                   zoom,
              const guint32        *xy,
              const guint32        *rank,
              const NeighbourLists *lists,
              NewClusters          *fresh,
              guint8              **state_out,
              guint32             **new_rank_out)
{
  const Level *source = &self->levels[zoom + 1];
  gsize n_source = source->n_nodes;
  double r = radius_at_zoom (&self->options, zoom);
  U32List live = { NULL, 0, 0 };
  guint32 *owner;
  guint8 *state;
  gsize n_kept = 0;

  state = work_new_n (guint8, n_source);
  memset (state, NODE_UNDECIDED, n_source);
  resolve_seeds (self, source, xy, lists, r, rank, state);

  /* The owner of a taken node is its earliest-created seed neighbour. For
   * a seed, the same array keeps how many nodes of a group too small for
   * a cluster follow it in creation order. */
  owner = work_new_n (guint32, n_source);
  for (gsize p = 0; p < n_source; p++)
    {
      const guint32 *neighbours;
      gsize n_neighbours;
      guint32 best = NO_NODE;

      owner[p] = 0;
      if (state[p] != NODE_TAKEN)
        continue;

      neighbours = node_neighbours (self, source, xy, lists, r, p, &live, &n_neighbours);
      for (gsize j = 0; j < n_neighbours; j++)
        {
          guint32 q = neighbours[j];

          if (state[q] == NODE_SEED && (best == NO_NODE || rank[q] < rank[best]))
            best = q;
        }
      g_assert (best != NO_NODE);
      owner[p] = best;
    }

  /* At most one cluster per two source nodes. */
  fresh->xy = work_new_n (guint32, 2 * (n_source / 2 + 1));
  fresh->count = work_new_n (guint32, n_source / 2 + 1);
  fresh->bits = work_new_n (guint32, n_source / 2 + 1);
  fresh->child_starts = work_new_n (guint32, n_source / 2 + 2);
  fresh->child_starts[0] = 0;
  fresh->children = work_new_n (guint32, n_source);

  /* Form the groups. The children of a cluster are its seed, then the
   * other nodes in the order of the seed's neighbour list, as in the
   * greedy pass. */
  for (gsize p = 0; p < n_source; p++)
    {
      const guint32 *neighbours;
      gsize n_neighbours;
      guint32 seed;
      guint64 seed_count, n_points;
      double wx, wy;
      guint32 bits;
      gsize c;

      if (state[p] != NODE_SEED)
        continue;

      neighbours = node_neighbours (self, source, xy, lists, r, p, &live, &n_neighbours);
      seed = level_node (source, p);
      seed_count = node_count (self, seed);
      n_points = seed_count;
      for (gsize j = 0; j < n_neighbours; j++)
        {
          guint32 q = neighbours[j];

          if (state[q] == NODE_TAKEN && owner[q] == p)
            n_points += node_count (self, level_node (source, q));
        }

      if (n_points == seed_count || n_points < (guint64) self->options.min_points)
        {
          /* Too small a group: its nodes stay as they are. */
          for (gsize j = 0; j < n_neighbours; j++)
            owner[p] += state[neighbours[j]] == NODE_TAKEN && owner[neighbours[j]] == p;
          n_kept += owner[p];
          continue;
        }

      state[p] = NODE_CLUSTER_SEED;
      wx = (double) xy[2 * p] * seed_count;
      wy = (double) xy[2 * p + 1] * seed_count;
      bits = self->node_bits[seed];
      c = fresh->len++;
      fresh->children[fresh->n_children++] = seed;
      for (gsize j = 0; j < n_neighbours; j++)
        {
          guint32 q = neighbours[j];
          guint32 node, count;

          if (state[q] != NODE_TAKEN || owner[q] != p)
            continue;

          node = level_node (source, q);
          count = node_count (self, node);
          wx += (double) xy[2 * q] * count;
          wy += (double) xy[2 * q + 1] * count;
          bits |= self->node_bits[node];
          fresh->children[fresh->n_children++] = node;
        }

      fresh->xy[2 * c] = clamp_coordinate (floor (wx / n_points + 0.5));
      fresh->xy[2 * c + 1] = clamp_coordinate (floor (wy / n_points + 0.5));
      fresh->count[c] = (guint32) n_points;
      fresh->bits[c] = bits;
      fresh->child_starts[c + 1] = (guint32) fresh->n_children;
    }

  /* With min_points above 2, the nodes of a group too small for a cluster
   * come right after their seed in creation order, so the creation order
   * is numbered anew. rank_starts gives the first new rank of each seed,
   * indexed by its old rank, which is below n_points. A kept node gets its
   * new rank in `owner`.
   * NOTE: kept nodes follow their seed in the order of its neighbour list,
   * the grid order, but in supercluster in the order of its k-d tree. So
   * with min_points above 2 the counts can differ slightly from
   * supercluster's, which was not measured. With min_points 6 on the cities
   * of `bench/run cluster`, they moved by up to 0.9% from the previous
   * version of this file, which ordered each cell differently. */
  if (n_kept > 0)
    {
      guint32 *rank_starts;
      guint32 next_rank = 0;

      rank_starts = work_new_n (guint32, self->n_points);
      memset (rank_starts, 0, self->n_points * sizeof (guint32));
      for (gsize p = 0; p < n_source; p++)
        {
          if (state[p] == NODE_SEED)
            rank_starts[rank[p]] = 1 + owner[p];
          else if (state[p] == NODE_CLUSTER_SEED)
            rank_starts[rank[p]] = 1;
        }
      for (gsize i = 0; i < self->n_points; i++)
        {
          guint32 size = rank_starts[i];

          rank_starts[i] = next_rank;
          next_rank += size;
        }

      for (gsize p = 0; p < n_source; p++)
        {
          const guint32 *neighbours;
          gsize n_neighbours;
          guint32 place = 0;

          if (state[p] != NODE_SEED || owner[p] == 0)
            continue;

          neighbours = node_neighbours (self, source, xy, lists, r, p, &live, &n_neighbours);
          for (gsize j = 0; j < n_neighbours; j++)
            {
              guint32 q = neighbours[j];

              if (state[q] != NODE_TAKEN || owner[q] != p)
                continue;
              state[q] = NODE_KEPT;
              owner[q] = rank_starts[rank[p]] + ++place;
            }
          owner[p] = rank_starts[rank[p]];
        }
      for (gsize p = 0; p < n_source; p++)
        {
          if (state[p] == NODE_CLUSTER_SEED || (state[p] == NODE_SEED && owner[p] == 0))
            owner[p] = rank_starts[rank[p]];
        }
      work_free (rank_starts);
    }
  else
    {
      /* Every seed is one node of level `zoom`: the order stays. The owners
       * are no longer needed, and the array returns the ranks. */
      for (gsize p = 0; p < n_source; p++)
        owner[p] = rank[p];
    }

  g_free (live.items);
  *state_out = state;
  *new_rank_out = owner;
}

/* Lists level `zoom` from the groups of cluster_pass(), in the grid order of
 * level zoom + 1: entry_nodes (node ids, or FLAG | index into `fresh`) and
 * entry_xy. `ranks` contains the new creation order by position in level
 * zoom + 1 on entry, and by entry on return: the entries never overtake
 * the positions, so they overwrite it in place. Returns the number of
 * entries. */
static gsize
list_level (AtlaasClusterIndex *self,
            const Level        *source,
            const guint32      *xy,
            const guint8       *state,
            const NewClusters  *fresh,
            guint32            *ranks,
            guint32            *entry_nodes,
            guint32            *entry_xy)
{
  gsize n_entries = 0, n_listed = 0;

  for (gsize p = 0; p < source->n_nodes; p++)
    {
      const guint32 *from;

      if (state[p] == NODE_CLUSTER_SEED)
        {
          from = &fresh->xy[2 * n_listed];
          entry_nodes[n_entries] = FLAG | (guint32) n_listed;
          n_listed++;
        }
      else if (state[p] == NODE_SEED || state[p] == NODE_KEPT)
        {
          from = &xy[2 * p];
          entry_nodes[n_entries] = level_node (source, p);
        }
      else
        {
          continue;
        }

      entry_xy[2 * n_entries] = from[0];
      entry_xy[2 * n_entries + 1] = from[1];
      ranks[n_entries] = ranks[p];
      n_entries++;
    }

  return n_entries;
}

/* Clusters level zoom + 1 into level `zoom`. On entry *rank contains the
 * creation order of level zoom + 1 and *source_xy its coordinates, both by
 * grid position. On return they contain those of level `zoom`. For the points,
 * *source_xy is node_xy itself, which is in grid order. */
static void
cluster_level (AtlaasClusterIndex *self,
               int                 zoom,
               guint32           **rank,
               guint32           **source_xy)
{
  Level *source = &self->levels[zoom + 1];
  Level *target = &self->levels[zoom];
  NewClusters fresh = { NULL, };
  NeighbourLists lists = { NULL, };
  guint32 *entry_nodes, *entry_xy, *entry_rank, *order;
  guint8 *state;
  gsize n_next;

  sweep_neighbours (source, *source_xy, radius_at_zoom (&self->options, zoom), &lists);
  cluster_pass (self, zoom, *source_xy, *rank, &lists, &fresh, &state, &entry_rank);
  neighbour_lists_clear (&lists);
  work_free (*rank);

  entry_nodes = work_new_n (guint32, source->n_nodes);
  entry_xy = work_new_n (guint32, 2 * source->n_nodes);
  n_next = list_level (self, source, *source_xy, state, &fresh, entry_rank,
                       entry_nodes, entry_xy);
  work_free (state);

  if (fresh.len == 0)
    {
      /* Same nodes as the level above, in its grid order: share its grid. */
      *target = *source;
      target->shared = TRUE;
      *rank = g_steal_pointer (&entry_rank);
      goto out;
    }

  if (*source_xy != self->node_xy)
    work_free (*source_xy);
  order = grid_sort (target, entry_xy, n_next, radius_at_zoom (&self->options, zoom - 1),
                     FALSE);

  /* The entries come in the grid order of the level above, so `order` reads
   * them almost sequentially. Each entry array is freed once read, which
   * lowers the peak memory of the build. */
  *source_xy = work_new_n (guint32, 2 * n_next);
  for (gsize p = 0; p < n_next; p++)
    {
      (*source_xy)[2 * p] = entry_xy[2 * order[p]];
      (*source_xy)[2 * p + 1] = entry_xy[2 * order[p] + 1];
    }
  g_clear_pointer (&entry_xy, work_free);

  *rank = work_new_n (guint32, n_next);
  for (gsize p = 0; p < n_next; p++)
    (*rank)[p] = entry_rank[order[p]];
  g_clear_pointer (&entry_rank, work_free);

  /* Number the new clusters in grid order and move them to the node
   * arrays, with their children. */
  target->nodes = g_new (guint32, MAX (n_next, 1));
  for (gsize p = 0; p < n_next; p++)
    {
      guint32 node = entry_nodes[order[p]];

      if (node & FLAG)
        {
          gsize c = node & ~FLAG;
          gsize cluster = self->n_clusters++;
          guint32 start = self->cluster_child_starts[cluster];
          guint32 n_children = fresh.child_starts[c + 1] - fresh.child_starts[c];

          node = (guint32) (self->n_points + cluster);
          self->node_xy[2 * node] = fresh.xy[2 * c];
          self->node_xy[2 * node + 1] = fresh.xy[2 * c + 1];
          self->node_bits[node] = fresh.bits[c];
          self->cluster_count[cluster] = fresh.count[c];
          self->cluster_zoom[cluster] = (guint8) (zoom + 1);
          memcpy (&self->children[start], &fresh.children[fresh.child_starts[c]],
                  n_children * sizeof (guint32));
          self->cluster_child_starts[cluster + 1] = start + n_children;
        }
      target->nodes[p] = node;
    }
  work_free (order);

out:
  work_free (entry_nodes);
  work_free (entry_xy);
  work_free (entry_rank);
  work_free (fresh.xy);
  work_free (fresh.count);
  work_free (fresh.bits);
  work_free (fresh.child_starts);
  work_free (fresh.children);
}

/* One part of the projection of the input points. */
typedef struct
{
  const double *longitudes;
  const double *latitudes;
  guint32      *xy;
  guint32      *valid;   /* the index, or NO_NODE for non-finite coordinates */
  gsize         begin;
  gsize         end;
} ProjectPart;

static gpointer
project_part (gpointer data)
{
  ProjectPart *part = data;

  for (gsize i = part->begin; i < part->end; i++)
    {
      if (!isfinite (part->longitudes[i]) || !isfinite (part->latitudes[i]))
        {
          part->valid[i] = NO_NODE;
          continue;
        }

      part->xy[2 * i] = quantize (longitude_to_x (part->longitudes[i]));
      part->xy[2 * i + 1] = quantize (latitude_to_y (part->latitudes[i]));
      part->valid[i] = (guint32) i;
    }

  return NULL;
}

/* Projects n points to xy, in two threads for many points, and sets
 * valid[i] to i, or to NO_NODE where a coordinate is not finite. */
static void
project_points (const double *longitudes,
                const double *latitudes,
                guint32      *xy,
                guint32      *valid,
                gsize         n)
{
  gsize middle = n >= PARALLEL_MIN_NODES ? n / 2 : n;
  ProjectPart parts[2] = {
    { longitudes, latitudes, xy, valid, 0, middle },
    { longitudes, latitudes, xy, valid, middle, n },
  };
  GThread *thread = NULL;

  if (middle < n)
    thread = g_thread_try_new ("cluster-project", project_part, &parts[1], NULL);
  project_part (&parts[0]);
  if (thread != NULL)
    g_thread_join (thread);
  else
    project_part (&parts[1]);
}

/* Builds the deepest level, the points, numbered in grid order. Returns
 * their creation order by grid position: the index among the points with
 * finite coordinates, which follows the input order. */
static guint32 *
load_points (AtlaasClusterIndex *self,
             const double       *longitudes,
             const double       *latitudes,
             const guint32      *bits)
{
  Level *level = &self->levels[self->options.max_zoom + 1];
  guint32 *xy, *input, *order;
  gsize n = 0;

  xy = work_new_n (guint32, 2 * self->n_input);
  input = work_new_n (guint32, self->n_input);
  project_points (longitudes, latitudes, xy, input, self->n_input);

  /* Drop the points with non-finite coordinates. */
  for (gsize i = 0; i < self->n_input; i++)
    {
      if (input[i] == NO_NODE)
        continue;

      xy[2 * n] = xy[2 * i];
      xy[2 * n + 1] = xy[2 * i + 1];
      input[n] = (guint32) i;
      n++;
    }
  self->n_points = n;

  order = grid_sort (level, xy, n, radius_at_zoom (&self->options, self->options.max_zoom),
                     TRUE);
  for (gsize p = 0; p < n; p++)
    {
      guint32 i = order[p];

      /* The grid order reads the input in random order: load the
       * coordinates and input indices two steps ahead, so that the input
       * index of the bits is in the cache one step ahead. */
      if (p + 2 * PREFETCH_DISTANCE < n)
        {
          guint32 ahead = order[p + 2 * PREFETCH_DISTANCE];

          __builtin_prefetch (&xy[2 * ahead]);
          __builtin_prefetch (&input[ahead]);
        }
      if (bits != NULL && p + PREFETCH_DISTANCE < n)
        __builtin_prefetch (&bits[input[order[p + PREFETCH_DISTANCE]]]);

      self->node_xy[2 * p] = xy[2 * i];
      self->node_xy[2 * p + 1] = xy[2 * i + 1];
      self->point_input[p] = input[i];
      self->node_bits[p] = bits != NULL ? bits[input[i]] : 0;
    }

  work_free (input);
  work_free (xy);
  return order;
}

static void
clear_index (AtlaasClusterIndex *self)
{
  for (int z = 0; z < self->n_levels; z++)
    level_clear (&self->levels[z]);

  g_clear_pointer (&self->node_xy, g_free);
  g_clear_pointer (&self->node_bits, g_free);
  g_clear_pointer (&self->point_input, g_free);
  g_clear_pointer (&self->cluster_count, g_free);
  g_clear_pointer (&self->cluster_zoom, g_free);
  g_clear_pointer (&self->cluster_child_starts, g_free);
  g_clear_pointer (&self->children, g_free);
  self->n_input = 0;
  self->n_points = 0;
  self->n_clusters = 0;
}

static const guint32 *
cluster_children (AtlaasClusterIndex *self,
                  guint32             node,
                  gsize              *n_children)
{
  gsize cluster = node - self->n_points;
  guint32 start = self->cluster_child_starts[cluster];

  *n_children = self->cluster_child_starts[cluster + 1] - start;
  return &self->children[start];
}

/* Appends the leaves of `node` after skipping up to `offset` of them;
 * returns FALSE once `limit` leaves are in `out`. */
static gboolean
append_leaves (AtlaasClusterIndex *self,
               guint32             node,
               guint               limit,
               guint               offset,
               guint              *skipped,
               GArray             *out,
               guint               out_start)
{
  const guint32 *children;
  gsize n_children;

  children = cluster_children (self, node, &n_children);
  for (gsize i = 0; i < n_children; i++)
    {
      guint32 child = children[i];

      if (child >= self->n_points)
        {
          guint32 count = node_count (self, child);

          if (*skipped + count <= offset)
            *skipped += count;
          else if (!append_leaves (self, child, limit, offset, skipped, out, out_start))
            return FALSE;
        }
      else if (*skipped < offset)
        {
          (*skipped)++;
        }
      else
        {
          g_array_append_val (out, self->point_input[child]);
        }

      if (out->len - out_start >= limit)
        return FALSE;
    }

  return TRUE;
}

/* Public API */

AtlaasClusterIndex *
atlaas_cluster_index_new (const AtlaasClusterOptions *options)
{
  static const AtlaasClusterOptions defaults = ATLAAS_CLUSTER_OPTIONS_DEFAULT;
  AtlaasClusterIndex *self;

  if (options == NULL)
    options = &defaults;

  g_return_val_if_fail (options->radius > 0, NULL);
  g_return_val_if_fail (options->extent > 0, NULL);
  g_return_val_if_fail (options->min_zoom >= 0, NULL);
  g_return_val_if_fail (options->max_zoom >= options->min_zoom, NULL);
  g_return_val_if_fail (options->max_zoom <= MAX_ZOOM_LIMIT, NULL);

  ensure_gd_table ();

  self = g_new0 (AtlaasClusterIndex, 1);
  self->options = *options;
  self->n_levels = options->max_zoom + 2;
  self->levels = g_new0 (Level, self->n_levels);

  return self;
}

void
atlaas_cluster_index_free (AtlaasClusterIndex *index)
{
  if (index == NULL)
    return;

  clear_index (index);
  g_free (index->levels);
  g_free (index);
}

void
atlaas_cluster_index_load (AtlaasClusterIndex *index,
                           const double       *longitudes,
                           const double       *latitudes,
                           const guint32      *bits,
                           gsize               n_points)
{
  guint32 *rank, *source_xy;
  gsize max_nodes;

  g_return_if_fail (index != NULL);
  g_return_if_fail (n_points == 0 || (longitudes != NULL && latitudes != NULL));
  /* Cluster ids are n_points + (cluster << 5 | zoom) and must fit 32 bits;
   * node ids must stay below FLAG. */
  g_return_if_fail (n_points < (G_MAXUINT32 >> (ZOOM_BITS + 1)));

  clear_index (index);
  index->n_input = n_points;

  /* Each cluster merges at least two nodes, so there are fewer clusters
   * than points and each node is the child of at most one cluster. The
   * arrays are sized for that bound; pages never written cost no memory,
   * and the arrays shrink to their use at the end. */
  max_nodes = 2 * MAX (n_points, 1);
  index->node_xy = g_new (guint32, 2 * max_nodes);
  index->node_bits = g_new (guint32, max_nodes);
  index->point_input = g_new (guint32, MAX (n_points, 1));
  index->cluster_count = g_new (guint32, MAX (n_points, 1));
  index->cluster_zoom = g_new (guint8, MAX (n_points, 1));
  index->cluster_child_starts = g_new (guint32, MAX (n_points, 1) + 1);
  index->cluster_child_starts[0] = 0;
  index->children = g_new (guint32, max_nodes);

  rank = load_points (index, longitudes, latitudes, bits);
  source_xy = index->node_xy;
  for (int z = index->options.max_zoom; z >= index->options.min_zoom; z--)
    cluster_level (index, z, &rank, &source_xy);
  work_free (rank);
  if (source_xy != index->node_xy)
    work_free (source_xy);

  max_nodes = MAX (index->n_points + index->n_clusters, 1);
  index->node_xy = g_renew (guint32, index->node_xy, 2 * max_nodes);
  index->node_bits = g_renew (guint32, index->node_bits, max_nodes);
  index->point_input = g_renew (guint32, index->point_input, MAX (index->n_points, 1));
  index->cluster_count = g_renew (guint32, index->cluster_count, MAX (index->n_clusters, 1));
  index->cluster_zoom = g_renew (guint8, index->cluster_zoom, MAX (index->n_clusters, 1));
  index->cluster_child_starts = g_renew (guint32, index->cluster_child_starts,
                                         index->n_clusters + 1);
  index->children = g_renew (guint32, index->children,
                             MAX (index->cluster_child_starts[index->n_clusters], 1));
}

void
atlaas_cluster_index_get_clusters (AtlaasClusterIndex *index,
                                   double              west,
                                   double              south,
                                   double              east,
                                   double              north,
                                   int                 zoom,
                                   GArray             *out)
{
  double min_lng, max_lng, min_lat, max_lat;
  const Level *level;

  g_return_if_fail (index != NULL);
  g_return_if_fail (out != NULL);
  g_return_if_fail (g_array_get_element_size (out) == sizeof (AtlaasCluster));

  min_lng = fmod (fmod (west + 180.0, 360.0) + 360.0, 360.0) - 180.0;
  max_lng = east == 180.0 ? 180.0 : fmod (fmod (east + 180.0, 360.0) + 360.0, 360.0) - 180.0;
  min_lat = CLAMP (south, -90.0, 90.0);
  max_lat = CLAMP (north, -90.0, 90.0);

  if (east - west >= 360.0)
    {
      min_lng = -180.0;
      max_lng = 180.0;
    }
  else if (min_lng > max_lng)
    {
      atlaas_cluster_index_get_clusters (index, min_lng, min_lat, 180.0, max_lat, zoom, out);
      atlaas_cluster_index_get_clusters (index, -180.0, min_lat, max_lng, max_lat, zoom, out);
      return;
    }

  level = &index->levels[CLAMP (zoom, index->options.min_zoom, index->options.max_zoom + 1)];
  if (level->n_nodes == 0)
    return;

  level_range (index, level,
               quantize (longitude_to_x (min_lng)), quantize (latitude_to_y (max_lat)),
               quantize (longitude_to_x (max_lng)), quantize (latitude_to_y (min_lat)),
               out);
}

gboolean
atlaas_cluster_index_get_children (AtlaasClusterIndex *index,
                                   guint32             cluster_id,
                                   GArray             *out)
{
  const guint32 *children;
  gsize n_children;
  guint32 node;

  g_return_val_if_fail (index != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (g_array_get_element_size (out) == sizeof (AtlaasCluster), FALSE);

  node = cluster_node_of_id (index, cluster_id);
  if (node == NO_NODE)
    return FALSE;

  children = cluster_children (index, node, &n_children);
  for (gsize i = 0; i < n_children; i++)
    append_node (index, children[i], out);

  return TRUE;
}

gboolean
atlaas_cluster_index_get_leaves (AtlaasClusterIndex *index,
                                 guint32             cluster_id,
                                 guint               limit,
                                 guint               offset,
                                 GArray             *out)
{
  guint skipped = 0;
  guint32 node;

  g_return_val_if_fail (index != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (g_array_get_element_size (out) == sizeof (guint32), FALSE);

  node = cluster_node_of_id (index, cluster_id);
  if (node == NO_NODE)
    return FALSE;

  if (limit > 0)
    append_leaves (index, node, limit, offset, &skipped, out, out->len);
  return TRUE;
}

int
atlaas_cluster_index_get_expansion_zoom (AtlaasClusterIndex *index,
                                         guint32             cluster_id)
{
  guint32 node;
  int zoom;

  g_return_val_if_fail (index != NULL, -1);

  node = cluster_node_of_id (index, cluster_id);
  if (node == NO_NODE)
    return -1;

  /* A cluster splits at the zoom of its children. It always has two or
   * more, but follow a chain of single children should one ever occur. */
  zoom = index->cluster_zoom[node - index->n_points];
  for (;;)
    {
      gsize n_children;
      const guint32 *children = cluster_children (index, node, &n_children);

      if (n_children != 1 || children[0] < index->n_points)
        return zoom;

      node = children[0];
      zoom = index->cluster_zoom[node - index->n_points];
    }
}

gsize
atlaas_cluster_index_get_n_points (AtlaasClusterIndex *index)
{
  g_return_val_if_fail (index != NULL, 0);

  return index->n_points;
}

const AtlaasClusterOptions *
atlaas_cluster_index_get_options (AtlaasClusterIndex *index)
{
  g_return_val_if_fail (index != NULL, NULL);

  return &index->options;
}
