/* app-bench.c: start-up, memory and frame time of the real Atlaas window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage:
 *   app-bench startup STORE        launch `app-bench window STORE` as a new
 *                                  process and time it from the launch
 *   app-bench window STORE [--passes N] [--frames FILE]
 *                                  open the window on STORE; with --passes,
 *                                  play the pan and zoom sequence N times
 *   app-bench points STORE FILE    time what the map layer loads at start
 *                                  (points, taxonomy, gazetteer) and write
 *                                  the points for bench/cluster/cluster-bench
 *
 * The window is the app's own AtlaasWindow and AtlaasMapLayer, linked from
 * libatlaas-app.a and opened as AtlaasApplication's activate handler does
 * (atlaas_window_new, atlaas_store_open, atlaas_window_load_store). The one
 * difference: an empty store stays empty, where the app would import its
 * bundled data on first start.
 *
 * Each command prints one JSON object on standard output. Times are in
 * milliseconds: "wall" is elapsed time, "cpu" the CPU time of the main
 * thread, which stays meaningful when other processes share the machine.
 * Run the window commands under a display with GSK_RENDERER=cairo, as
 * bench/run does.
 */
#define G_LOG_DOMAIN "Atlaas-Bench"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "atlaas-gazetteer.h"
#include "atlaas-map-layer.h"
#include "atlaas-store.h"
#include "atlaas-taxonomy.h"
#include "atlaas-window.h"

/* The environment variable through which `startup` passes its launch time
 * (g_get_monotonic_time (), microseconds) to the process it starts. */
#define LAUNCH_ENV          "ATLAAS_BENCH_LAUNCH_US"

#define WINDOW_WIDTH        1200
#define WINDOW_HEIGHT       760
#define LOAD_TIMEOUT_S      300
/* Time left to the map after its first frame with the clusters, so that the
 * base map tiles of the start view are drawn before memory is read. */
#define SETTLE_MS           1500
/* Frames over this take two refreshes at 60 Hz: the visible stutter limit. */
#define SLOW_FRAME_MS       33.0

/* The scripted flight over France: the map goes from each key view to the
 * next in `frames` frames, one step per frame whatever the frame takes, so
 * that every run draws the same views. */
typedef struct
{
  double latitude;
  double longitude;
  double zoom;
  guint frames;   /* frames to reach this view from the previous one */
} KeyView;

static const KeyView flight[] = {
  { 46.60,  2.50,  5.5,  0 },   /* mainland France */
  { 48.85,  2.35,  6.0, 45 },   /* pan north to Paris */
  { 48.85,  2.35,  9.0, 45 },   /* zoom into the densest area */
  { 48.80,  2.60,  9.0, 30 },   /* pan across the Paris region */
  { 48.85,  2.35, 12.0, 45 },   /* zoom to single actions */
  { 45.76,  4.84,  6.5, 60 },   /* zoom out and fly to Lyon */
  { 43.30,  5.37,  8.0, 45 },   /* on to Marseille, zooming in */
  { 46.60,  2.50,  5.0, 45 },   /* back to the whole country */
};

typedef struct
{
  double wall_ms;
  double cpu_ms;
  double layer_wall_ms;
  double layer_cpu_ms;
  double interval_ms;   /* since the previous frame's start */
  guint n_items;        /* items the layer drew */
  /* The main thread's wall time besides its CPU time: runnable but waiting
   * for a CPU (from /proc/thread-self/schedstat), and asleep (blocked on a
   * lock, a poll or an X server reply). */
  double runqueue_ms;
  double blocked_ms;
  double other_threads_cpu_ms;   /* CPU time of the process's other threads */
} FrameRecord;

typedef struct
{
  const char *store_path;
  guint passes;
  const char *frames_path;

  gint64 launch_us;          /* the reference of the start-up times */
  gboolean launch_from_env;

  AtlaasStore *store;
  AtlaasWindow *window;
  AtlaasMapLayer *layer;
  GdkFrameClock *frame_clock;

  /* start-up milestones, microseconds since launch_us; -1 until reached */
  gint64 first_frame_us;
  gint64 load_requested_us;
  gint64 loaded_us;
  gint64 clusters_frame_us;

  /* the frame in progress */
  gint64 frame_start_wall;
  gint64 frame_start_cpu;
  gint64 frame_start_runqueue;
  gint64 frame_start_process_cpu;
  gint64 previous_frame_start_wall;
  double frame_layer_wall_ms;
  double frame_layer_cpu_ms;
  guint frame_layer_items;
  gboolean layer_drawn_loaded;

  /* the flight */
  gboolean flying;
  guint flight_frame;        /* frames since the flight began, all passes */
  guint flight_length;       /* frames of one pass */
  GArray *frames;            /* FrameRecord, one per flight frame */
  double server_cpu_pass_start_ms;  /* display_server_cpu_ms () when the last pass began */

  char memory_idle[256];
  int status;
} Bench;

static Bench bench;

static void (*layer_snapshot_original) (GtkWidget   *widget,
                                        GtkSnapshot *snapshot);

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * G_GINT64_CONSTANT (1000000) + ts.tv_nsec / 1000;
}

/* Microseconds the calling thread spent runnable on a run queue, waiting for
 * a CPU (the second field of /proc/thread-self/schedstat, in nanoseconds),
 * or 0 when the kernel does not report it. */
static gint64
thread_runqueue_us (void)
{
  char buffer[128];
  FILE *file = fopen ("/proc/thread-self/schedstat", "r");
  unsigned long long run_ns, wait_ns;
  gint64 result = 0;

  if (file == NULL)
    return 0;
  if (fgets (buffer, sizeof buffer, file) != NULL
      && sscanf (buffer, "%llu %llu", &run_ns, &wait_ns) == 2)
    result = (gint64) (wait_ns / 1000);
  fclose (file);

  return result;
}

static gint64
process_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * G_GINT64_CONSTANT (1000000) + ts.tv_nsec / 1000;
}

static double
since_launch_ms (gint64 us)
{
  return us < 0 ? -1.0 : us / 1000.0;
}

/* Reads VmRSS and VmHWM (kB) from /proc/self/status into a JSON fragment. */
static void
format_memory (char  *out,
               gsize  size)
{
  g_autofree char *status = NULL;
  long rss_kb = -1, hwm_kb = -1;

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    {
      const char *rss = strstr (status, "VmRSS:");
      const char *hwm = strstr (status, "VmHWM:");

      if (rss != NULL)
        rss_kb = strtol (rss + strlen ("VmRSS:"), NULL, 10);
      if (hwm != NULL)
        hwm_kb = strtol (hwm + strlen ("VmHWM:"), NULL, 10);
    }

  g_snprintf (out, size, "{\"rss_mib\": %.1f, \"hwm_mib\": %.1f}",
              rss_kb / 1024.0, hwm_kb / 1024.0);
}

/* The CPU time (milliseconds, 10 ms resolution) used so far by the X server
 * of $DISPLAY when it is an Xvfb of this machine, or -1. The server's share
 * of a frame (receiving and compositing what GTK sends) is missing from the
 * main thread's CPU time. */
static double
display_server_cpu_ms (void)
{
  const char *display = g_getenv ("DISPLAY");
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  if (display == NULL || proc == NULL)
    return -1.0;

  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *cmdline_path = g_build_filename ("/proc", name, "cmdline", NULL);
      g_autofree char *stat_path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *cmdline = NULL;
      g_autofree char *stat = NULL;
      g_autofree char *program = NULL;
      gsize length;
      const char *after_name;
      unsigned long user_ticks, system_ticks;

      if (!g_ascii_isdigit (name[0])
          || !g_file_get_contents (cmdline_path, &cmdline, &length, NULL)
          || length == 0)
        continue;

      /* argv[0] ends in Xvfb and argv[1] is the display, as xvfb-run starts it. */
      program = g_path_get_basename (cmdline);
      if (!g_str_equal (program, "Xvfb") || strlen (cmdline) + 1 >= length
          || !g_str_equal (cmdline + strlen (cmdline) + 1, display))
        continue;

      /* Fields 14 and 15 of /proc/PID/stat, counted after the ")" that ends
       * the command name. */
      if (!g_file_get_contents (stat_path, &stat, NULL, NULL)
          || (after_name = strrchr (stat, ')')) == NULL
          || sscanf (after_name + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
                     &user_ticks, &system_ticks) != 2)
        return -1.0;

      return (user_ticks + system_ticks) * 1000.0 / sysconf (_SC_CLK_TCK);
    }

  return -1.0;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : (x > y ? 1 : 0);
}

/* p50, p95, max, mean and the number of frames over SLOW_FRAME_MS of one
 * field of the records, as a JSON member. */
static void
append_stats (GString           *json,
              const char        *name,
              const FrameRecord *records,
              guint              n,
              gsize              field_offset)
{
  g_autofree double *values = g_new (double, MAX (n, 1));
  double sum = 0.0;
  guint n_slow = 0;

  for (guint i = 0; i < n; i++)
    {
      values[i] = G_STRUCT_MEMBER (double, &records[i], field_offset);
      sum += values[i];
      if (values[i] > SLOW_FRAME_MS)
        n_slow++;
    }
  qsort (values, n, sizeof (double), compare_doubles);

  if (n == 0)
    {
      g_string_append_printf (json, ", \"%s\": null", name);
      return;
    }

  g_string_append_printf (json,
                          ", \"%s\": {\"p50\": %.3f, \"p95\": %.3f, \"max\": %.3f, "
                          "\"mean\": %.3f, \"over_33ms\": %u}",
                          name, values[(n - 1) / 2], values[(guint) ((n - 1) * 0.95)],
                          values[n - 1], sum / n, n_slow);
}

/* Where the wall time of the frames over SLOW_FRAME_MS went, in mean
 * milliseconds per such frame, as a JSON member. */
static void
append_slow_frames (GString           *json,
                    const FrameRecord *records,
                    guint              n)
{
  double cpu = 0.0, runqueue = 0.0, blocked = 0.0, other_threads = 0.0;
  guint n_slow = 0;

  for (guint i = 0; i < n; i++)
    {
      if (records[i].wall_ms <= SLOW_FRAME_MS)
        continue;
      n_slow++;
      cpu += records[i].cpu_ms;
      runqueue += records[i].runqueue_ms;
      blocked += records[i].blocked_ms;
      other_threads += records[i].other_threads_cpu_ms;
    }

  if (n_slow == 0)
    {
      g_string_append (json, ", \"slow_frames\": null");
      return;
    }

  g_string_append_printf (json,
                          ", \"slow_frames\": {\"n\": %u, \"cpu_mean\": %.3f, \"runqueue_mean\": %.3f, "
                          "\"blocked_mean\": %.3f, \"other_threads_cpu_mean\": %.3f}",
                          n_slow, cpu / n_slow, runqueue / n_slow, blocked / n_slow,
                          other_threads / n_slow);
}

static void
write_frames_file (const FrameRecord *records,
                   guint              n)
{
  g_autoptr(GString) tsv = g_string_new ("frame\twall_ms\tcpu_ms\tlayer_wall_ms\tlayer_cpu_ms\tinterval_ms\titems"
                                         "\trunqueue_ms\tblocked_ms\tother_threads_cpu_ms\n");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (tsv, "%u\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%u\t%.3f\t%.3f\t%.3f\n", i,
                            records[i].wall_ms, records[i].cpu_ms,
                            records[i].layer_wall_ms, records[i].layer_cpu_ms,
                            records[i].interval_ms, records[i].n_items,
                            records[i].runqueue_ms, records[i].blocked_ms,
                            records[i].other_threads_cpu_ms);

  if (!g_file_set_contents (bench.frames_path, tsv->str, tsv->len, &error))
    g_warning ("Could not write the frame records: %s", error->message);
}

static void
print_report_and_quit (void)
{
  g_autoptr(GString) json = g_string_new (NULL);
  char memory_end[256];
  guint pass_start = bench.frames->len >= bench.flight_length
                     ? bench.frames->len - bench.flight_length : 0;
  const FrameRecord *records = &g_array_index (bench.frames, FrameRecord, pass_start);
  guint n = bench.frames->len - pass_start;

  format_memory (memory_end, sizeof memory_end);

  g_string_append_printf (json,
                          "{\"store\": \"%s\", \"n_actions\": %" G_GINT64_FORMAT
                          ", \"n_points\": %" G_GSIZE_FORMAT ", \"launch_from\": \"%s\""
                          ", \"startup\": {\"first_frame\": %.1f, \"load_requested\": %.1f"
                          ", \"loaded\": %.1f, \"clusters_frame\": %.1f}"
                          ", \"memory_idle\": %s",
                          bench.store_path,
                          atlaas_store_count_actions (bench.store, NULL),
                          atlaas_map_layer_get_n_points (bench.layer),
                          bench.launch_from_env ? "process launch" : "main ()",
                          since_launch_ms (bench.first_frame_us),
                          since_launch_ms (bench.load_requested_us),
                          since_launch_ms (bench.loaded_us),
                          since_launch_ms (bench.clusters_frame_us),
                          bench.memory_idle);

  if (bench.passes > 0)
    {
      double server_ms = display_server_cpu_ms ();

      g_string_append_printf (json, ", \"memory_end\": %s, \"passes\": %u, \"frames\": %u",
                              memory_end, bench.passes, n);
      if (server_ms >= 0 && bench.server_cpu_pass_start_ms >= 0 && n > 0)
        g_string_append_printf (json, ", \"server_cpu_per_frame_ms\": %.3f",
                                (server_ms - bench.server_cpu_pass_start_ms) / n);
      append_stats (json, "frame_wall", records, n, G_STRUCT_OFFSET (FrameRecord, wall_ms));
      append_stats (json, "frame_cpu", records, n, G_STRUCT_OFFSET (FrameRecord, cpu_ms));
      append_stats (json, "layer_wall", records, n, G_STRUCT_OFFSET (FrameRecord, layer_wall_ms));
      append_stats (json, "layer_cpu", records, n, G_STRUCT_OFFSET (FrameRecord, layer_cpu_ms));
      append_stats (json, "interval", records, n, G_STRUCT_OFFSET (FrameRecord, interval_ms));
      append_stats (json, "runqueue", records, n, G_STRUCT_OFFSET (FrameRecord, runqueue_ms));
      append_stats (json, "blocked", records, n, G_STRUCT_OFFSET (FrameRecord, blocked_ms));
      append_stats (json, "other_threads_cpu", records, n, G_STRUCT_OFFSET (FrameRecord, other_threads_cpu_ms));
      append_slow_frames (json, records, n);
      if (bench.frames_path != NULL)
        write_frames_file (records, n);
    }

  g_string_append (json, "}\n");
  fputs (json->str, stdout);
  fflush (stdout);

  g_application_quit (g_application_get_default ());
}

static double
ease (double t)
{
  return t * t * (3.0 - 2.0 * t);
}

static gboolean
flight_tick_cb (GtkWidget     *widget,
                GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  ShumateMap *map = atlaas_window_get_map (bench.window);
  guint step = bench.flight_frame % bench.flight_length;
  guint segment_start = 0;

  if (bench.flight_frame >= bench.flight_length * bench.passes)
    {
      bench.flying = FALSE;
      print_report_and_quit ();
      return G_SOURCE_REMOVE;
    }

  if (step == 0)
    bench.server_cpu_pass_start_ms = display_server_cpu_ms ();

  for (guint i = 1; i < G_N_ELEMENTS (flight); i++)
    {
      const KeyView *from = &flight[i - 1];
      const KeyView *to = &flight[i];

      if (step < segment_start + to->frames)
        {
          double t = ease ((step - segment_start + 1) / (double) to->frames);

          shumate_map_center_on (map,
                                 from->latitude + (to->latitude - from->latitude) * t,
                                 from->longitude + (to->longitude - from->longitude) * t);
          shumate_viewport_set_zoom_level (shumate_map_get_viewport (map),
                                           from->zoom + (to->zoom - from->zoom) * t);
          break;
        }
      segment_start += to->frames;
    }

  bench.flying = TRUE;
  bench.flight_frame++;

  return G_SOURCE_CONTINUE;
}

static void
start_flight (void)
{
  ShumateMap *map = atlaas_window_get_map (bench.window);

  bench.flight_length = 0;
  for (guint i = 1; i < G_N_ELEMENTS (flight); i++)
    bench.flight_length += flight[i].frames;

  shumate_map_center_on (map, flight[0].latitude, flight[0].longitude);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (map), flight[0].zoom);
  gtk_widget_add_tick_callback (GTK_WIDGET (map), flight_tick_cb, NULL, NULL);
}

static gboolean
settled_cb (gpointer user_data)
{
  format_memory (bench.memory_idle, sizeof bench.memory_idle);

  if (bench.passes > 0)
    start_flight ();
  else
    print_report_and_quit ();

  return G_SOURCE_REMOVE;
}

static void
timed_layer_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  gint64 wall = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();
  GArray *items;

  layer_snapshot_original (widget, snapshot);

  bench.frame_layer_wall_ms += (g_get_monotonic_time () - wall) / 1000.0;
  bench.frame_layer_cpu_ms += (thread_cpu_us () - cpu) / 1000.0;

  items = atlaas_map_layer_get_visible_items (ATLAAS_MAP_LAYER (widget));
  bench.frame_layer_items = items->len;
  if (atlaas_map_layer_get_loaded (ATLAAS_MAP_LAYER (widget)))
    bench.layer_drawn_loaded = TRUE;
}

static void
before_paint_cb (GdkFrameClock *frame_clock,
                 gpointer       user_data)
{
  bench.previous_frame_start_wall = bench.frame_start_wall;
  bench.frame_start_wall = g_get_monotonic_time ();
  bench.frame_start_cpu = thread_cpu_us ();
  bench.frame_start_runqueue = thread_runqueue_us ();
  bench.frame_start_process_cpu = process_cpu_us ();
  bench.frame_layer_wall_ms = 0.0;
  bench.frame_layer_cpu_ms = 0.0;
  bench.frame_layer_items = 0;
}

static void
after_paint_cb (GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  gint64 now = g_get_monotonic_time ();

  if (bench.first_frame_us < 0)
    bench.first_frame_us = now - bench.launch_us;

  if (bench.clusters_frame_us < 0 && bench.layer_drawn_loaded)
    {
      bench.clusters_frame_us = now - bench.launch_us;
      g_timeout_add (SETTLE_MS, settled_cb, NULL);
    }

  if (bench.flying)
    {
      gint64 cpu_us = thread_cpu_us () - bench.frame_start_cpu;
      gint64 runqueue_us = thread_runqueue_us () - bench.frame_start_runqueue;
      gint64 process_us = process_cpu_us () - bench.frame_start_process_cpu;
      gint64 wall_us = now - bench.frame_start_wall;
      FrameRecord record = {
        .wall_ms = wall_us / 1000.0,
        .cpu_ms = cpu_us / 1000.0,
        .runqueue_ms = runqueue_us / 1000.0,
        .blocked_ms = MAX (wall_us - cpu_us - runqueue_us, 0) / 1000.0,
        .other_threads_cpu_ms = MAX (process_us - cpu_us, 0) / 1000.0,
        .layer_wall_ms = bench.frame_layer_wall_ms,
        .layer_cpu_ms = bench.frame_layer_cpu_ms,
        .interval_ms = (bench.frame_start_wall - bench.previous_frame_start_wall) / 1000.0,
        .n_items = bench.frame_layer_items,
      };

      g_array_append_val (bench.frames, record);
    }
}

static void
loaded_cb (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  if (bench.loaded_us < 0 && atlaas_map_layer_get_loaded (bench.layer))
    bench.loaded_us = g_get_monotonic_time () - bench.launch_us;
}

static void
load_failed_cb (AtlaasMapLayer *layer,
                const char     *message,
                gpointer        user_data)
{
  g_printerr ("app-bench: the map could not load %s: %s\n", bench.store_path, message);
  bench.status = 1;
  g_application_quit (g_application_get_default ());
}

static gboolean
load_timeout_cb (gpointer user_data)
{
  if (bench.clusters_frame_us >= 0)
    return G_SOURCE_REMOVE;

  g_printerr ("app-bench: no frame with the clusters of %s after %d s\n",
              bench.store_path, LOAD_TIMEOUT_S);
  bench.status = 1;
  g_application_quit (g_application_get_default ());

  return G_SOURCE_REMOVE;
}

static void
realize_cb (GtkWidget *widget,
            gpointer   user_data)
{
  bench.frame_clock = gtk_widget_get_frame_clock (widget);
  g_signal_connect (bench.frame_clock, "before-paint", G_CALLBACK (before_paint_cb), NULL);
  g_signal_connect_after (bench.frame_clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
}

static void
activate_cb (GApplication *application,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  bench.window = atlaas_window_new (ADW_APPLICATION (application));
  bench.layer = atlaas_window_get_map_layer (bench.window);
  gtk_window_set_default_size (GTK_WINDOW (bench.window), WINDOW_WIDTH, WINDOW_HEIGHT);
  g_signal_connect (bench.window, "realize", G_CALLBACK (realize_cb), NULL);
  g_signal_connect (bench.layer, "notify::loaded", G_CALLBACK (loaded_cb), NULL);
  g_signal_connect (bench.layer, "load-failed", G_CALLBACK (load_failed_cb), NULL);
  gtk_window_present (GTK_WINDOW (bench.window));

  bench.store = atlaas_store_open (bench.store_path, &error);
  if (bench.store == NULL)
    {
      g_printerr ("app-bench: could not open the store %s: %s\n", bench.store_path, error->message);
      bench.status = 1;
      g_application_quit (application);
      return;
    }

  bench.load_requested_us = g_get_monotonic_time () - bench.launch_us;
  atlaas_window_load_store (bench.window, bench.store);
  g_timeout_add_seconds (LOAD_TIMEOUT_S, load_timeout_cb, NULL);
}

static int
run_window (int    argc,
            char **argv)
{
  g_autoptr(AdwApplication) application = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *frames_path = NULL;
  int passes = 0;
  const char *launch = g_getenv (LAUNCH_ENV);
  GtkWidgetClass *layer_class;
  GOptionEntry entries[] = {
    { "passes", 0, 0, G_OPTION_ARG_INT, &passes, "Times to play the pan and zoom sequence (default 0: start-up and memory only)", "N" },
    { "frames", 0, 0, G_OPTION_ARG_FILENAME, &frames_path, "Write the last pass's frame times to FILE (TSV)", "FILE" },
    { NULL }
  };

  context = g_option_context_new ("window STORE");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 3 || passes < 0)
    {
      g_printerr ("Usage: app-bench window STORE [--passes N] [--frames FILE]%s%s\n",
                  error != NULL ? ": " : "", error != NULL ? error->message : "");
      return 2;
    }

  bench.store_path = argv[2];
  bench.passes = passes;
  bench.frames_path = frames_path;
  bench.frames = g_array_new (FALSE, TRUE, sizeof (FrameRecord));
  bench.first_frame_us = bench.load_requested_us = bench.loaded_us = bench.clusters_frame_us = -1;
  g_snprintf (bench.memory_idle, sizeof bench.memory_idle, "null");

  /* The start-up times count from the launch when `startup` started this
   * process, else from here. */
  bench.launch_from_env = launch != NULL;
  bench.launch_us = launch != NULL ? g_ascii_strtoll (launch, NULL, 10) : g_get_monotonic_time ();

  gtk_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  /* Times the layer's own drawing by wrapping its snapshot method; the app
   * keeps no bench code. */
  layer_class = g_type_class_ref (ATLAAS_TYPE_MAP_LAYER);
  layer_snapshot_original = layer_class->snapshot;
  layer_class->snapshot = timed_layer_snapshot;

  application = adw_application_new ("fr.atlaas.Atlaas.Bench", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (application, "activate", G_CALLBACK (activate_cb), NULL);
  g_application_run (G_APPLICATION (application), 1, argv);

  g_clear_pointer (&bench.store, atlaas_store_unref);
  g_clear_pointer (&bench.frames, g_array_unref);

  return bench.status;
}

static int
run_startup (int    argc,
             char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  g_autofree char *launch = NULL;
  g_auto(GStrv) env = NULL;
  int wait_status;
  char *child_argv[] = { argv[0], (char *) "window", NULL, NULL };

  if (argc != 3)
    {
      g_printerr ("Usage: app-bench startup STORE\n");
      return 2;
    }
  child_argv[2] = argv[2];

  launch = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_monotonic_time ());
  env = g_environ_setenv (g_get_environ (), LAUNCH_ENV, launch, TRUE);
  if (!g_spawn_sync (NULL, child_argv, env, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL,
                     &output, NULL, &wait_status, &error)
      || !g_spawn_check_wait_status (wait_status, &error))
    {
      g_printerr ("app-bench: the window run on %s failed: %s\n", argv[2], error->message);
      return 1;
    }

  fputs (output, stdout);

  return 0;
}

static int
run_points (int    argc,
            char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasStore) store = NULL;
  g_autoptr(AtlaasPointSet) points = NULL;
  g_autoptr(GByteArray) file = NULL;
  g_autoptr(AtlaasTaxonomy) taxonomy = NULL;
  g_autoptr(AtlaasGazetteer) gazetteer = NULL;
  guint32 header[2];
  gint64 started;
  double load_ms, taxonomy_ms, gazetteer_ms;

  if (argc != 4)
    {
      g_printerr ("Usage: app-bench points STORE FILE\n");
      return 2;
    }

  store = atlaas_store_open (argv[2], &error);
  if (store == NULL)
    {
      g_printerr ("app-bench: could not open the store %s: %s\n", argv[2], error->message);
      return 1;
    }

  started = g_get_monotonic_time ();
  points = atlaas_store_load_points (store, &error);
  load_ms = (g_get_monotonic_time () - started) / 1000.0;
  if (points == NULL)
    {
      g_printerr ("app-bench: could not load the points of %s: %s\n", argv[2], error->message);
      return 1;
    }

  /* The format of bench/cluster/make-inputs.mjs: "ATLPTS1\0", uint32 n,
   * uint32 0, then n float64 longitudes, n float64 latitudes and n uint32
   * axis bits, little-endian. NOTE: the arrays are written in host order,
   * so the file is right only on little-endian machines such as x86-64. */
  file = g_byte_array_new ();
  header[0] = GUINT32_TO_LE ((guint32) points->n_points);
  header[1] = 0;
  g_byte_array_append (file, (const guint8 *) "ATLPTS1", 8);
  g_byte_array_append (file, (const guint8 *) header, sizeof header);
  g_byte_array_append (file, (const guint8 *) points->longitudes, points->n_points * sizeof (double));
  g_byte_array_append (file, (const guint8 *) points->latitudes, points->n_points * sizeof (double));
  g_byte_array_append (file, (const guint8 *) points->axis_bits, points->n_points * sizeof (guint32));
  if (!g_file_set_contents (argv[3], (const char *) file->data, file->len, &error))
    {
      g_printerr ("app-bench: could not write %s: %s\n", argv[3], error->message);
      return 1;
    }

  /* The map layer's load thread reads these two besides the points. */
  started = g_get_monotonic_time ();
  taxonomy = atlaas_taxonomy_get_default (&error);
  taxonomy_ms = (g_get_monotonic_time () - started) / 1000.0;
  if (taxonomy == NULL)
    {
      g_printerr ("app-bench: could not load the taxonomy: %s\n", error->message);
      return 1;
    }
  started = g_get_monotonic_time ();
  gazetteer = atlaas_gazetteer_get_default (&error);
  gazetteer_ms = (g_get_monotonic_time () - started) / 1000.0;
  if (gazetteer == NULL)
    {
      g_printerr ("app-bench: could not load the gazetteer: %s\n", error->message);
      return 1;
    }

  g_print ("{\"store\": \"%s\", \"n_points\": %" G_GSIZE_FORMAT ", \"load_points_ms\": %.1f"
           ", \"load_taxonomy_ms\": %.1f, \"load_gazetteer_ms\": %.1f}\n",
           argv[2], points->n_points, load_ms, taxonomy_ms, gazetteer_ms);

  return 0;
}

int
main (int    argc,
      char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "window"))
    return run_window (argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "startup"))
    return run_startup (argc, argv);
  if (argc >= 2 && g_str_equal (argv[1], "points"))
    return run_points (argc, argv);

  g_printerr ("Usage: app-bench startup STORE\n"
              "       app-bench window STORE [--passes N] [--frames FILE]\n"
              "       app-bench points STORE FILE\n");

  return 2;
}
