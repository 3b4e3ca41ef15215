/* atlaas-admin.c: the command-line tool for administrators of an Atlaas store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-Admin"

#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "atlaas-cluster-index.h"
#include "atlaas-gazetteer.h"
#include "atlaas-import.h"
#include "atlaas-json.h"
#include "atlaas-store.h"
#include "atlaas-taxonomy.h"

/* Exit statuses: 1 when the command ran but something failed or was
 * rejected, 2 when the command line itself is wrong. */
#define EXIT_FAILED 1
#define EXIT_USAGE 2

/* Deepest zoom accepted by `clusters`: the map tiles stop at 19 and the
 * index clusters up to --max-zoom (at most 24), so 30 leaves a margin. */
#define MAX_CLUSTER_ZOOM 30

int atlaas_admin_search_main (int    argc,
                              char **argv);
int atlaas_admin_validate_main (int    argc,
                                char **argv);

typedef struct
{
  const char *name;
  const char *synopsis;
  int (*run) (int argc, char **argv);
} Command;

static int run_import   (int argc, char **argv);
static int run_export   (int argc, char **argv);
static int run_stats    (int argc, char **argv);
static int run_clusters (int argc, char **argv);

static const Command commands[] = {
  { "import", "import [--db PATH] FILE…", run_import },
  { "export", "export [--db PATH] --format json [-o FILE]", run_export },
  { "stats", "stats [--db PATH] [--json]", run_stats },
  { "clusters", "clusters [--db PATH] --zoom Z [--bbox W,S,E,N] [--radius PX] "
                "[--extent PX] [--min-points N] [--max-zoom Z] [--json]", run_clusters },
  { "validate", "validate FILE.json", atlaas_admin_validate_main },
  { "search", "search [--db PATH] [--theme ID]… [--limit N] [--counts] [--json] [KEYWORD…]", atlaas_admin_search_main },
};

static void
print_usage (FILE *stream)
{
  fprintf (stream, "Usage: atlaas-admin COMMAND [OPTION…]\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  atlaas-admin %s\n", commands[i].synopsis);
  fprintf (stream, "\nRun “atlaas-admin COMMAND --help” for the options of a command.\n"
                   "The default store is %s/atlaas/atlaas.db.\n", g_get_user_data_dir ());
}

static int
usage_error (GOptionContext *context,
             const char     *command,
             const char     *format,
             ...) G_GNUC_PRINTF (3, 4);

/* Prints the message and the command's help, and returns EXIT_USAGE. */
static int
usage_error (GOptionContext *context,
             const char     *command,
             const char     *format,
             ...)
{
  g_autofree char *message = NULL;
  g_autofree char *help = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("atlaas-admin %s: %s\n\n", command, message);
  if (context != NULL)
    {
      help = g_option_context_get_help (context, TRUE, NULL);
      g_printerr ("%s", help);
    }

  return EXIT_USAGE;
}

static char *
default_store_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "atlaas", "atlaas.db", NULL);
}

/* Opens the store at DB_PATH, or the app's store. Only `import` may create
 * it: the read-only commands (MAY_CREATE false) reject a missing file and
 * leave the file system unchanged. */
static AtlaasStore *
open_store (const char *command,
            const char *db_path,
            gboolean    may_create)
{
  g_autofree char *path = db_path != NULL ? g_strdup (db_path) : default_store_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  AtlaasStore *store;

  if (!may_create && !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("atlaas-admin %s: No store at %s; run `atlaas-admin import` first or check --db\n",
                  command, path);
      return NULL;
    }

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      g_printerr ("atlaas-admin %s: could not create the folder %s: %s\n",
                  command, folder, g_strerror (errno));
      return NULL;
    }

  store = atlaas_store_open (path, &error);
  if (store == NULL)
    g_printerr ("atlaas-admin %s: %s\n", command, error->message);

  return store;
}

static GOptionContext *
new_context (const char   *parameters,
             const char   *summary,
             GOptionEntry *entries)
{
  GOptionContext *context = g_option_context_new (parameters);

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, NULL);

  return context;
}

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static const char *
format_name (AtlaasImportFormat format)
{
  return format == ATLAAS_IMPORT_FORMAT_HINAURA ? "Hinaura" : "Atlaas";
}

static int
run_import (int    argc,
            char **argv)
{
  g_autofree char *db_path = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "Store to import into (default: the app's store)", "PATH" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasStore) store = NULL;
  int status = EXIT_SUCCESS;

  context = new_context ("FILE…",
                         "Imports JSON files of actions: the Atlaas format (docs/format.md)\n"
                         "or the Hinaura list of digital mediation places. Invalid records are\n"
                         "listed with their index and reason and the rest is imported; the exit\n"
                         "status is then 1. A file that is not valid JSON changes nothing.",
                         entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, "import", "%s", error->message);

  if (argc < 2)
    return usage_error (context, "import", "no FILE given; name at least one JSON file");

  store = open_store ("import", db_path, TRUE);
  if (store == NULL)
    return EXIT_FAILED;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(AtlaasImportReport) report = NULL;
      g_autoptr(GError) import_error = NULL;

      report = atlaas_import_file (store, argv[i], NULL, NULL, &import_error);
      if (report == NULL)
        {
          gboolean is_file_error = import_error->domain == G_FILE_ERROR;

          g_printerr ("atlaas-admin import: %s; %s\n", import_error->message,
                      is_file_error ? "check the path"
                                    : "nothing was imported from this file");
          status = EXIT_FAILED;
          continue;
        }

      for (guint k = 0; k < report->rejected->len; k++)
        {
          const AtlaasJsonRejection *rejection = g_ptr_array_index (report->rejected, k);

          g_printerr ("%s: record at index %u (id %s) rejected: %s\n",
                      argv[i], rejection->index,
                      rejection->id != NULL ? rejection->id : "none",
                      rejection->reason);
        }

      for (guint k = 0; k < report->warnings->len; k++)
        g_printerr ("%s: warning: %s\n", argv[i],
                    (const char *) g_ptr_array_index (report->warnings, k));

      g_print ("%s: %s format, %u records: %u added, %u updated, %u unchanged, %u rejected\n",
               argv[i], format_name (report->format), report->n_records,
               report->n_added, report->n_updated, report->n_unchanged,
               report->rejected->len);

      if (report->rejected->len > 0)
        status = EXIT_FAILED;
    }

  return status;
}

/* Checks the output path before writing, because g_file_set_contents()
 * names its temporary file in its errors, not the path the user gave. */
static gboolean
check_output_path (const char *output)
{
  g_autofree char *folder = g_path_get_dirname (output);

  if (g_file_test (output, G_FILE_TEST_IS_DIR))
    {
      g_printerr ("atlaas-admin export: Cannot write %s: it is a folder; give a file name\n", output);
      return FALSE;
    }
  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_printerr ("atlaas-admin export: Cannot write %s: the folder does not exist\n", output);
      return FALSE;
    }

  return TRUE;
}

static int
run_export (int    argc,
            char **argv)
{
  g_autofree char *db_path = NULL;
  g_autofree char *format = NULL;
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "Store to export (default: the app's store)", "PATH" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "Output format; only “json” (the Atlaas format)", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "File to write (default: standard output)", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasStore) store = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  context = new_context (NULL,
                         "Writes every action of the store, ordered by id, in the Atlaas JSON\n"
                         "format; “atlaas-admin import” reads it back unchanged.",
                         entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, "export", "%s", error->message);

  if (argc > 1)
    return usage_error (context, "export", "unexpected argument “%s”", argv[1]);
  if (format == NULL)
    return usage_error (context, "export", "--format is missing; use --format json");
  if (g_strcmp0 (format, "json") != 0)
    return usage_error (context, "export", "unknown format “%s”; use --format json", format);

  store = open_store ("export", db_path, FALSE);
  if (store == NULL)
    return EXIT_FAILED;

  actions = atlaas_store_list_actions (store, &error);
  if (actions == NULL)
    {
      g_printerr ("atlaas-admin export: %s\n", error->message);
      return EXIT_FAILED;
    }

  text = atlaas_json_write_actions (actions, TRUE, &length);

  if (output == NULL || g_strcmp0 (output, "-") == 0)
    {
      if (fwrite (text, 1, length, stdout) != length || fputc ('\n', stdout) == EOF)
        {
          g_printerr ("atlaas-admin export: writing to standard output failed\n");
          return EXIT_FAILED;
        }
      return EXIT_SUCCESS;
    }

  /* The file ends with a newline, as standard output does. */
  text = g_realloc (text, length + 2);
  text[length++] = '\n';
  text[length] = '\0';

  if (!check_output_path (output))
    return EXIT_FAILED;

  if (!g_file_set_contents (output, text, length, &error))
    {
      g_printerr ("atlaas-admin export: cannot write %s: %s\n", output, error->message);
      return EXIT_FAILED;
    }

  g_printerr ("Exported %u actions to %s\n", actions->len, output);
  return EXIT_SUCCESS;
}


/* The name of a région (when `regions`) or département code, or NULL when
 * the gazetteer is missing or does not know the code. */
static const char *
lookup_area_name (AtlaasGazetteer *gazetteer,
                  const char      *code,
                  gboolean         regions)
{
  if (gazetteer == NULL || code[0] == '\0')
    return NULL;

  if (regions)
    {
      const AtlaasRegion *region = atlaas_gazetteer_lookup_region (gazetteer, code);

      return region != NULL ? region->name : NULL;
    }
  else
    {
      const AtlaasDepartement *departement = atlaas_gazetteer_lookup_departement (gazetteer, code);

      return departement != NULL ? departement->name : NULL;
    }
}

static void
add_counts (JsonBuilder     *builder,
            const char      *member,
            GPtrArray       *counts,
            AtlaasGazetteer *gazetteer,
            gboolean         regions)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);

  for (guint i = 0; i < counts->len; i++)
    {
      const AtlaasStoreCount *count = g_ptr_array_index (counts, i);
      const char *name = lookup_area_name (gazetteer, count->code, regions);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      if (count->code[0] != '\0')
        json_builder_add_string_value (builder, count->code);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "name");
      if (name != NULL)
        json_builder_add_string_value (builder, name);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "actions");
      json_builder_add_int_value (builder, count->n_actions);
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
}

static void
print_counts_text (const char      *heading,
                   GPtrArray       *counts,
                   AtlaasGazetteer *gazetteer,
                   gboolean         regions)
{
  g_print ("\n%s:\n", heading);
  for (guint i = 0; i < counts->len; i++)
    {
      const AtlaasStoreCount *count = g_ptr_array_index (counts, i);
      const char *name = lookup_area_name (gazetteer, count->code, regions);

      if (name == NULL)
        name = count->code[0] != '\0' ? "(unknown code)" : "(none)";

      /* Pad by characters, not bytes, so that accented names line up. */
      g_print ("  %-4s %s%*s %6" G_GINT64_FORMAT "\n",
               count->code[0] != '\0' ? count->code : "-",
               name, (int) MAX (0, 32 - (glong) g_utf8_strlen (name, -1)), "",
               count->n_actions);
    }
}

static int
run_stats (int    argc,
           char **argv)
{
  g_autofree char *db_path = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "Store to read (default: the app's store)", "PATH" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON instead of text", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasStore) store = NULL;
  g_autoptr(AtlaasStoreStats) stats = NULL;
  g_autoptr(AtlaasGazetteer) gazetteer = NULL;
  g_autoptr(GError) gazetteer_error = NULL;

  context = new_context (NULL,
                         "Prints the number of actions, places, contacts, links and services of\n"
                         "the store, and the number of actions per département and per région.\n"
                         "An action with places in several départements counts in each.",
                         entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, "stats", "%s", error->message);
  if (argc > 1)
    return usage_error (context, "stats", "unexpected argument “%s”", argv[1]);

  store = open_store ("stats", db_path, FALSE);
  if (store == NULL)
    return EXIT_FAILED;

  stats = atlaas_store_get_stats (store, &error);
  if (stats == NULL)
    {
      g_printerr ("atlaas-admin stats: %s\n", error->message);
      return EXIT_FAILED;
    }

  /* Names are a convenience: without the gazetteer the codes still print. */
  gazetteer = atlaas_gazetteer_get_default (&gazetteer_error);
  if (gazetteer == NULL)
    g_printerr ("atlaas-admin stats: warning: names unavailable: %s\n",
                gazetteer_error->message);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "actions");
      json_builder_add_int_value (builder, stats->n_actions);
      json_builder_set_member_name (builder, "places");
      json_builder_add_int_value (builder, stats->n_places);
      json_builder_set_member_name (builder, "places_with_position");
      json_builder_add_int_value (builder, stats->n_places_with_position);
      json_builder_set_member_name (builder, "contacts");
      json_builder_add_int_value (builder, stats->n_contacts);
      json_builder_set_member_name (builder, "links");
      json_builder_add_int_value (builder, stats->n_links);
      json_builder_set_member_name (builder, "service_links");
      json_builder_add_int_value (builder, stats->n_service_links);
      json_builder_set_member_name (builder, "services");
      json_builder_add_int_value (builder, stats->n_distinct_services);
      add_counts (builder, "departements", stats->per_departement, gazetteer, FALSE);
      add_counts (builder, "regions", stats->per_region, gazetteer, TRUE);
      json_builder_end_object (builder);
      print_json (builder);
      return EXIT_SUCCESS;
    }

  g_print ("Actions:              %" G_GINT64_FORMAT "\n", stats->n_actions);
  g_print ("Places:               %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT " with a position)\n",
           stats->n_places, stats->n_places_with_position);
  g_print ("Contacts:             %" G_GINT64_FORMAT "\n", stats->n_contacts);
  g_print ("Links:                %" G_GINT64_FORMAT "\n", stats->n_links);
  g_print ("Action–service links: %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT " distinct services)\n",
           stats->n_service_links, stats->n_distinct_services);
  print_counts_text ("Actions per région", stats->per_region, gazetteer, TRUE);
  print_counts_text ("Actions per département", stats->per_departement, gazetteer, FALSE);

  return EXIT_SUCCESS;
}

static gboolean
parse_bbox (const char *text,
            double      bbox[4])
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  if (g_strv_length (parts) != 4)
    return FALSE;

  for (guint i = 0; i < 4; i++)
    {
      char *end = NULL;

      bbox[i] = g_ascii_strtod (g_strstrip (parts[i]), &end);
      if (end == parts[i] || *end != '\0' || !isfinite (bbox[i]))
        return FALSE;
    }

  return bbox[1] >= -90 && bbox[3] <= 90 && bbox[1] <= bbox[3];
}

static int
run_clusters (int    argc,
              char **argv)
{
  AtlaasClusterOptions options = ATLAAS_CLUSTER_OPTIONS_DEFAULT;
  g_autofree char *db_path = NULL;
  g_autofree char *bbox_text = NULL;
  int zoom = -1;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "Store to read (default: the app's store)", "PATH" },
    { "zoom", 0, 0, G_OPTION_ARG_INT, &zoom, "Zoom level to cluster at (required)", "Z" },
    { "bbox", 0, 0, G_OPTION_ARG_STRING, &bbox_text, "Box in degrees, west,south,east,north (default: the whole world)", "W,S,E,N" },
    { "radius", 0, 0, G_OPTION_ARG_INT, &options.radius, "Cluster radius in pixels (default 40)", "PX" },
    { "extent", 0, 0, G_OPTION_ARG_INT, &options.extent, "Tile width in pixels (default 512)", "PX" },
    { "min-points", 0, 0, G_OPTION_ARG_INT, &options.min_points, "Smallest group that forms a cluster (default 2)", "N" },
    { "max-zoom", 0, 0, G_OPTION_ARG_INT, &options.max_zoom, "Deepest zoom with clusters (default 16)", "Z" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON instead of text", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasStore) store = NULL;
  g_autoptr(AtlaasPointSet) points = NULL;
  g_autoptr(AtlaasClusterIndex) index = NULL;
  g_autoptr(GArray) clusters = g_array_new (FALSE, FALSE, sizeof (AtlaasCluster));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  double bbox[4] = { -180, -90, 180, 90 };
  guint64 total = 0;

  context = new_context (NULL,
                         "Clusters the map points of the store (one per place with a position)\n"
                         "as the map does at one zoom level, and prints each cluster or single\n"
                         "action with its position, point count and expansion zoom.",
                         entries);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, "clusters", "%s", error->message);
  if (argc > 1)
    return usage_error (context, "clusters", "unexpected argument “%s”", argv[1]);
  if (zoom < 0)
    return usage_error (context, "clusters", "--zoom is missing or negative; give a zoom level such as --zoom 6");
  if (zoom > MAX_CLUSTER_ZOOM)
    return usage_error (context, "clusters", "--zoom %d is out of range; use 0 to %d",
                        zoom, MAX_CLUSTER_ZOOM);
  if (options.max_zoom < 0 || options.max_zoom > 24)
    return usage_error (context, "clusters", "--max-zoom %d is out of range; use 0 to 24", options.max_zoom);
  if (options.radius <= 0 || options.extent <= 0 || options.min_points < 1)
    return usage_error (context, "clusters", "--radius and --extent must be positive and --min-points at least 1");
  if (bbox_text != NULL && !parse_bbox (bbox_text, bbox))
    return usage_error (context, "clusters",
                        "invalid --bbox “%s”; give west,south,east,north in degrees, "
                        "such as --bbox -5.5,41,10,51.5", bbox_text);

  store = open_store ("clusters", db_path, FALSE);
  if (store == NULL)
    return EXIT_FAILED;

  points = atlaas_store_load_points (store, &error);
  if (points == NULL)
    {
      g_printerr ("atlaas-admin clusters: %s\n", error->message);
      return EXIT_FAILED;
    }

  index = atlaas_cluster_index_new (&options);
  atlaas_cluster_index_load (index, points->longitudes, points->latitudes,
                             points->axis_bits, points->n_points);
  atlaas_cluster_index_get_clusters (index, bbox[0], bbox[1], bbox[2], bbox[3], zoom, clusters);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "zoom");
  json_builder_add_int_value (builder, zoom);
  json_builder_set_member_name (builder, "points");
  json_builder_add_int_value (builder, points->n_points);
  json_builder_set_member_name (builder, "clusters");
  json_builder_begin_array (builder);

  for (guint i = 0; i < clusters->len; i++)
    {
      const AtlaasCluster *cluster = &g_array_index (clusters, AtlaasCluster, i);
      g_autofree char *action_id = NULL;
      int expansion_zoom = -1;

      total += cluster->count;

      if (cluster->is_cluster)
        expansion_zoom = atlaas_cluster_index_get_expansion_zoom (index, cluster->id);
      else if (cluster->id < points->n_points)
        {
          g_autoptr(AtlaasAction) action = NULL;

          action = atlaas_store_get_action_by_rowid (store, points->action_rowids[cluster->id], NULL);
          if (action != NULL)
            action_id = g_strdup (action->id);
        }

      if (!json)
        {
          if (cluster->is_cluster)
            g_print ("cluster %10.6f %10.6f %6u points, expands at zoom %d\n",
                     cluster->longitude, cluster->latitude, cluster->count, expansion_zoom);
          else
            g_print ("action  %10.6f %10.6f %s\n", cluster->longitude, cluster->latitude,
                     action_id != NULL ? action_id : "?");
          continue;
        }

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "lon");
      json_builder_add_double_value (builder, cluster->longitude);
      json_builder_set_member_name (builder, "lat");
      json_builder_add_double_value (builder, cluster->latitude);
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, cluster->count);
      json_builder_set_member_name (builder, "axis_bits");
      json_builder_add_int_value (builder, cluster->axis_bits);
      if (cluster->is_cluster)
        {
          json_builder_set_member_name (builder, "expansion_zoom");
          json_builder_add_int_value (builder, expansion_zoom);
        }
      else
        {
          json_builder_set_member_name (builder, "id");
          if (action_id != NULL)
            json_builder_add_string_value (builder, action_id);
          else
            json_builder_add_null_value (builder);
        }
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "total");
  json_builder_add_int_value (builder, total);
  json_builder_end_object (builder);

  if (json)
    print_json (builder);
  else
    g_print ("%u clusters and single actions, %" G_GUINT64_FORMAT " of %" G_GSIZE_FORMAT " points\n",
             clusters->len, total, points->n_points);

  return EXIT_SUCCESS;
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

  if (argc < 2)
    {
      print_usage (stderr);
      return EXIT_USAGE;
    }

  if (g_strcmp0 (argv[1], "--help") == 0 || g_strcmp0 (argv[1], "-h") == 0
      || g_strcmp0 (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return EXIT_SUCCESS;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (argv[1], commands[i].name) == 0)
      {
        g_autofree char *program = g_strdup_printf ("atlaas-admin %s", argv[1]);

        g_set_prgname (program);
        return commands[i].run (argc - 1, argv + 1);
      }

  g_printerr ("atlaas-admin: unknown command “%s”\n\n", argv[1]);
  print_usage (stderr);
  return EXIT_USAGE;
}
