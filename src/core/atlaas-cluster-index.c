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
 * uniform grid of 2^shift units: by row, then by column, then in creation
 * order. A row table gives where each row starts. The cell is at least the
 * clustering radius, so a radius query reads three rows. A level where no
 * cluster forms shares the list of the level above.
 *
 * A cluster keeps its children as a slice of one array, so children, leaves
 * and expansion zooms need no spatial query. Nodes are numbered in the grid
 * order of the level that created them, which keeps neighbours close
 * together in memory.
 *
 * The greedy pass of each zoom visits the nodes in creation order, as
 * supercluster does, which jumps across the map. A sweep in grid order
 * first lists every node's neighbours, so the pass reads one short list per
 * node instead of searching the grid. Loads of 50,000 points or more use a
 * second thread for the projection and the sweeps. */
#define COORD_SCALE 4294967296.0   /* 2^32 */
#define NO_NODE G_MAXUINT32
#define ZOOM_BITS 5
#define ZOOM_MASK ((1u << ZOOM_BITS) - 1)
#define MAX_ZOOM_LIMIT 30

/* Marks clusters not numbered yet in lists of nodes. Node ids stay below
 * 2^31 because n_points is limited to 2^26. */
#define FLAG (1u << 31)

/* How many seeds ahead the clustering pass starts loading memory. */
#define PREFETCH_DISTANCE 16

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
 * queried when the greedy pass reaches it. */
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

/* Sorts n nodes, with coordinates `xy` (two per node), into the grid of
 * `level`, whose cell is at least `radius` wide, and fills its row table.
 * Returns the grid order as indices into xy, and in *positions_out the grid
 * position of each node. */
static guint32 *
grid_sort (Level         *level,
           const guint32 *xy,
           gsize          n,
           double         radius,
           guint32      **positions_out)
{
  guint32 min_x = G_MAXUINT32, min_y = G_MAXUINT32, max_x = 0, max_y = 0;
  guint32 *keys, *by_col, *counts, *order;
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

  /* Two stable counting sorts, by column then by row, keep the creation
   * order inside a cell. */
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

  /* The key buffer becomes the positions. */
  for (gsize p = 0; p < n; p++)
    keys[order[p]] = (guint32) p;
  *positions_out = keys;

  return order;
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
 * and below, so its memory accesses are sequential. The greedy pass then
 * reads one short list per seed. A node with more than MAX_LIST candidates
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

/* Runs the greedy pass of supercluster at `zoom` over level zoom + 1,
 * visiting its nodes in creation order (`visit` contains their grid
 * positions). Each node not yet taken at this zoom takes every node not yet
 * taken within the radius; the group becomes a cluster at its weighted
 * centre if it contains at least min_points points. `taken` marks the nodes
 * taken at this zoom. Returns level `zoom` in creation order: grid
 * positions of level zoom + 1, or FLAG | index into `fresh`. The result
 * may be `visit` itself, overwritten. */
static guint32 *
cluster_pass (AtlaasClusterIndex   *self,
              int                   zoom,
              const guint32        *xy,
              const NeighbourLists *lists,
              guint8               *taken,
              guint32              *visit,
              NewClusters          *fresh,
              gsize                *n_next_out)
{
  const Level *source = &self->levels[zoom + 1];
  gsize n_source = source->n_nodes;
  double r = radius_at_zoom (&self->options, zoom);
  U32List live = { NULL, 0, 0 };
  guint32 *next;
  gsize n_next = 0;

  /* At most one cluster per two source nodes. */
  fresh->xy = work_new_n (guint32, 2 * (n_source / 2 + 1));
  fresh->count = work_new_n (guint32, n_source / 2 + 1);
  fresh->bits = work_new_n (guint32, n_source / 2 + 1);
  fresh->child_starts = work_new_n (guint32, n_source / 2 + 2);
  fresh->child_starts[0] = 0;
  fresh->children = work_new_n (guint32, n_source);

  /* Each seed adds one entry, so with min_points 2 or less the output never
   * overtakes the visit order and can overwrite it. A bigger min_points can
   * add a seed's neighbours as separate entries and needs a buffer. */
  if (self->options.min_points <= 2)
    next = visit;
  else
    next = work_new_n (guint32, n_source);

  for (gsize k = 0; k < n_source; k++)
    {
      gsize p = visit[k];
      const guint32 *neighbours;
      gsize n_neighbours;
      guint64 seed_count, n_points;

      /* The creation order jumps across the map: load the lists of the
       * next seeds ahead of time. */
      if (k + PREFETCH_DISTANCE < n_source)
        {
          guint32 ahead = visit[k + PREFETCH_DISTANCE];

          if (source->nodes != NULL)
            __builtin_prefetch (&source->nodes[ahead]);
          __builtin_prefetch (&lists->starts[ahead]);
          __builtin_prefetch (&lists->lengths[ahead]);
          __builtin_prefetch (&taken[ahead]);
        }
      if (k + PREFETCH_DISTANCE / 2 < n_source)
        {
          guint32 ahead = visit[k + PREFETCH_DISTANCE / 2];

          __builtin_prefetch (&lists->items[lists->starts[ahead]]);
          __builtin_prefetch (&xy[2 * ahead]);
          __builtin_prefetch (&self->node_bits[level_node (source, ahead)]);
        }

      if (taken[p])
        continue;
      taken[p] = 1;

      if (lists->lengths[p] == LIVE_QUERY)
        {
          live.len = 0;
          level_within (self, source, xy[2 * p], xy[2 * p + 1], r, &live);
          neighbours = live.items;
          n_neighbours = live.len;
        }
      else
        {
          neighbours = &lists->items[lists->starts[p]];
          n_neighbours = lists->lengths[p];
        }

      seed_count = node_count (self, level_node (source, p));
      n_points = seed_count;
      for (gsize j = 0; j < n_neighbours; j++)
        {
          guint32 q = neighbours[j];

          if (!taken[q])
            n_points += node_count (self, level_node (source, q));
        }

      if (n_points > seed_count && n_points >= (guint64) self->options.min_points)
        {
          guint32 seed = level_node (source, p);
          double wx = (double) xy[2 * p] * seed_count;
          double wy = (double) xy[2 * p + 1] * seed_count;
          guint32 bits = self->node_bits[seed];
          gsize c = fresh->len++;

          fresh->children[fresh->n_children++] = seed;
          for (gsize j = 0; j < n_neighbours; j++)
            {
              guint32 q = neighbours[j];
              guint32 node, count;

              if (taken[q])
                continue;

              taken[q] = 1;
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
          next[n_next++] = FLAG | (guint32) c;
        }
      else
        {
          next[n_next++] = (guint32) p;

          /* A group too small for a cluster stays as separate nodes, all of
           * them taken at this zoom. */
          if (n_points > seed_count)
            {
              for (gsize j = 0; j < n_neighbours; j++)
                {
                  guint32 q = neighbours[j];

                  if (taken[q])
                    continue;
                  taken[q] = 1;
                  next[n_next++] = q;
                }
            }
        }
    }

  g_free (live.items);
  *n_next_out = n_next;
  return next;
}

/* Clusters level zoom + 1 into level `zoom`. On entry *visit contains the grid
 * positions of level zoom + 1 in creation order and *source_xy the
 * coordinates of its nodes in grid order; on return, those of level `zoom`.
 * For the points, *source_xy is node_xy itself, which is in grid order. */
static void
cluster_level (AtlaasClusterIndex *self,
               int                 zoom,
               guint32           **visit,
               guint32           **source_xy)
{
  Level *source = &self->levels[zoom + 1];
  Level *target = &self->levels[zoom];
  NewClusters fresh = { NULL, };
  NeighbourLists lists = { NULL, };
  guint32 *next, *xy, *order;
  guint8 *taken;
  gsize n_next;

  taken = work_new_n (guint8, source->n_nodes);
  memset (taken, 0, source->n_nodes);
  sweep_neighbours (source, *source_xy, radius_at_zoom (&self->options, zoom), &lists);

  next = cluster_pass (self, zoom, *source_xy, &lists, taken, *visit, &fresh, &n_next);
  neighbour_lists_clear (&lists);
  work_free (taken);
  if (next != *visit)
    work_free (*visit);
  *visit = NULL;

  if (fresh.len == 0)
    {
      /* Same nodes as the level above: share its grid. */
      *target = *source;
      target->shared = TRUE;
      *visit = g_steal_pointer (&next);
      goto out;
    }

  /* Coordinates of the new level in creation order, and node ids in place
   * of source positions. */
  xy = work_new_n (guint32, 2 * n_next);
  for (gsize i = 0; i < n_next; i++)
    {
      const guint32 *from;

      if (next[i] & FLAG)
        {
          from = &fresh.xy[2 * (next[i] & ~FLAG)];
        }
      else
        {
          from = &(*source_xy)[2 * next[i]];
          next[i] = level_node (source, next[i]);
        }
      xy[2 * i] = from[0];
      xy[2 * i + 1] = from[1];
    }
  if (*source_xy != self->node_xy)
    work_free (*source_xy);
  order = grid_sort (target, xy, n_next, radius_at_zoom (&self->options, zoom - 1), visit);

  *source_xy = work_new_n (guint32, 2 * n_next);
  for (gsize p = 0; p < n_next; p++)
    {
      (*source_xy)[2 * p] = xy[2 * order[p]];
      (*source_xy)[2 * p + 1] = xy[2 * order[p] + 1];
    }
  work_free (xy);

  /* Number the new clusters in grid order and move them to the node
   * arrays, with their children. */
  target->nodes = g_new (guint32, MAX (n_next, 1));
  for (gsize p = 0; p < n_next; p++)
    {
      guint32 node = next[order[p]];

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
  work_free (next);
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
 * their grid positions in input order. */
static guint32 *
load_points (AtlaasClusterIndex *self,
             const double       *longitudes,
             const double       *latitudes,
             const guint32      *bits)
{
  Level *level = &self->levels[self->options.max_zoom + 1];
  guint32 *xy, *input, *order, *visit;
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
                     &visit);
  for (gsize p = 0; p < n; p++)
    {
      guint32 i = order[p];

      if (bits != NULL && p + PREFETCH_DISTANCE < n)
        __builtin_prefetch (&bits[input[order[p + PREFETCH_DISTANCE]]]);

      self->node_xy[2 * p] = xy[2 * i];
      self->node_xy[2 * p + 1] = xy[2 * i + 1];
      self->point_input[p] = input[i];
      self->node_bits[p] = bits != NULL ? bits[input[i]] : 0;
    }

  work_free (order);
  work_free (input);
  work_free (xy);
  return visit;
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
  guint32 *visit, *source_xy;
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

  visit = load_points (index, longitudes, latitudes, bits);
  source_xy = index->node_xy;
  for (int z = index->options.max_zoom; z >= index->options.min_zoom; z--)
    cluster_level (index, z, &visit, &source_xy);
  work_free (visit);
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
