/* atlaas-admin-validate.c: `atlaas-admin validate FILE.json`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-Admin"

#include "config.h"

#include <gio/gio.h>

#include "atlaas-gazetteer.h"
#include "atlaas-import.h"
#include "atlaas-json.h"
#include "atlaas-taxonomy.h"
#include "atlaas-validate.h"

#define EXIT_PROBLEMS 1
#define EXIT_USAGE 2

int atlaas_admin_validate_main (int    argc,
                                char **argv);

/* json-glib names an in-memory document "<data>" in its parse errors. */
static char *
replace_data_placeholder (const char *message,
                          const char *path)
{
  g_auto(GStrv) parts = g_strsplit (message, "<data>", -1);

  return g_strjoinv (path, parts);
}

static void
print_problems (const char         *path,
                guint               index,
                const AtlaasAction *action,
                GPtrArray          *problems,
                guint              *n_errors,
                guint              *n_warnings)
{
  for (guint i = 0; i < problems->len; i++)
    {
      const AtlaasProblem *problem = g_ptr_array_index (problems, i);
      gboolean is_error = problem->severity == ATLAAS_PROBLEM_ERROR;

      g_print ("%s: action %u (id %s): %s: %s: %s\n",
               path, index, action->id != NULL ? action->id : "none",
               problem->field, is_error ? "error" : "warning", problem->message);

      if (is_error)
        (*n_errors)++;
      else
        (*n_warnings)++;
    }
}

/* Reads a document of the Atlaas format, a bare array of actions, or one
 * action object. The gazetteer and taxonomy are not given to the reader, so
 * that the file's own départements, régions and service ids are checked. */
static AtlaasJsonReadResult *
read_document (JsonNode         *root,
               AtlaasGazetteer  *gazetteer,
               AtlaasTaxonomy   *taxonomy,
               GError          **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *actions = object != NULL ? json_object_get_member (object, "actions") : NULL;

  /* A Hinaura list is checked as the actions the import converts it to. */
  if (atlaas_import_is_hinaura (root))
    {
      g_autoptr(AtlaasJsonReadResult) result = g_new0 (AtlaasJsonReadResult, 1);

      result->rejected = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_json_rejection_free);
      result->warnings = g_ptr_array_new_with_free_func (g_free);
      result->actions = atlaas_import_read_hinaura (json_node_get_array (root), gazetteer,
                                                    taxonomy, result->rejected,
                                                    result->warnings);

      return g_steal_pointer (&result);
    }

  /* A single action has an "actions" member too, but as text. */
  if (object != NULL && !json_object_has_member (object, "format")
      && (actions == NULL || !JSON_NODE_HOLDS_ARRAY (actions)))
    {
      g_autoptr(AtlaasJsonReadResult) result = g_new0 (AtlaasJsonReadResult, 1);
      g_autoptr(GError) local_error = NULL;
      AtlaasAction *action;

      result->actions = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_action_free);
      result->rejected = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_json_rejection_free);
      result->warnings = g_ptr_array_new_with_free_func (g_free);

      action = atlaas_json_action_from_node (root, FALSE, NULL, NULL, result->warnings, &local_error);
      if (action != NULL)
        g_ptr_array_add (result->actions, action);
      else
        g_ptr_array_add (result->rejected, atlaas_json_rejection_new (0, NULL, local_error->message));

      return g_steal_pointer (&result);
    }

  return atlaas_json_read_actions (root, NULL, NULL, error);
}

int
atlaas_admin_validate_main (int    argc,
                            char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasGazetteer) gazetteer = NULL;
  g_autoptr(AtlaasTaxonomy) taxonomy = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(AtlaasJsonReadResult) result = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  const char *path;
  guint n_errors = 0;
  guint n_warnings = 0;

  /* Messages of the admin tool are in English, the msgids. */
  g_setenv ("LANGUAGE", "en", TRUE);

  context = g_option_context_new ("FILE.json");
  g_option_context_set_summary (context,
                                "Checks every action of an Atlaas JSON file as the proposal form does,\n"
                                "or of a Hinaura list after converting it as the import does,\n"
                                "and prints each problem with its field path. Exits with 0 when there is\n"
                                "no problem, 1 when there is at least one, 2 on a usage error.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("atlaas-admin validate: %s\n", error->message);
      return EXIT_USAGE;
    }

  if (argc != 2)
    {
      g_printerr ("Usage: atlaas-admin validate FILE.json\n"
                  "Give exactly one file; see atlaas-admin validate --help.\n");
      return EXIT_USAGE;
    }
  path = argv[1];

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      g_printerr ("atlaas-admin validate: cannot read %s: %s; check the path\n", path, error->message);
      return EXIT_PROBLEMS;
    }

  gazetteer = atlaas_gazetteer_get_default (&error);
  if (gazetteer == NULL)
    {
      g_printerr ("atlaas-admin validate: cannot load the gazetteer: %s\n"
                  "Set ATLAAS_DATADIR to the folder that contains communes.tsv.\n",
                  error->message);
      return EXIT_USAGE;
    }
  taxonomy = atlaas_taxonomy_get_default (&error);
  if (taxonomy == NULL)
    {
      g_printerr ("atlaas-admin validate: cannot load the taxonomy: %s\n"
                  "Set ATLAAS_DATADIR to the folder that contains taxonomy.json.\n",
                  error->message);
      return EXIT_USAGE;
    }

  root = atlaas_json_parse (contents, length, &error);
  if (root != NULL)
    result = read_document (root, gazetteer, taxonomy, &error);
  if (result == NULL)
    {
      g_autofree char *message = replace_data_placeholder (error->message, path);

      g_print ("%s: error: %s\n", path, message);
      return EXIT_PROBLEMS;
    }

  for (guint i = 0; i < result->warnings->len; i++)
    {
      g_print ("%s: warning: %s\n", path, (const char *) g_ptr_array_index (result->warnings, i));
      n_warnings++;
    }

  for (guint i = 0; i < result->rejected->len; i++)
    {
      const AtlaasJsonRejection *rejection = g_ptr_array_index (result->rejected, i);

      g_print ("%s: action %u (id %s): error: %s\n", path, rejection->index,
               rejection->id != NULL ? rejection->id : "none", rejection->reason);
      n_errors++;
    }

  for (guint i = 0; i < result->actions->len; i++)
    {
      const AtlaasAction *action = g_ptr_array_index (result->actions, i);
      g_autoptr(GPtrArray) problems = atlaas_validate_action_full (action, gazetteer, taxonomy);

      print_problems (path, i, action, problems, &n_errors, &n_warnings);
    }

  g_print ("%s: %u actions checked, %u errors, %u warnings\n",
           path, result->actions->len + result->rejected->len, n_errors, n_warnings);

  return n_errors + n_warnings > 0 ? EXIT_PROBLEMS : EXIT_SUCCESS;
}
