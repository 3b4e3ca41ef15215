/* test-french.c: no English text in the windows under a French locale
 *
 * The test starts the real application under LANG=fr_FR.UTF-8, opens each
 * window and popover in turn and reads every text a person can see: labels,
 * placeholders, tooltips, titles and subtitles. A text fails when it is the
 * English msgid of a string that po/fr.po translates differently, when it
 * contains a common English word, or when its punctuation breaks French
 * typography. Texts of the dataset (action titles, descriptions, taxonomy
 * labels) are left out, because the data is not the app's to translate.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "atlaas-action-popover.h"
#include "atlaas-application.h"
#include "atlaas-proposal-dialog.h"
#include "atlaas-window.h"
#include "ui-test-utils.h"

#define NBSP "\u00a0"
#define NNBSP "\u202f"

/* A msgid with printf conversions, matched against formatted texts. */
typedef struct
{
  char *msgid;
  GRegex *english;
  GRegex *french;
} Pattern;

/* The parsed po/fr.po. */
typedef struct
{
  GHashTable *translations;  /* msgid without mnemonics → msgstr, every translated entry */
  GHashTable *leaks;         /* the same, only where msgstr differs from msgid */
  GPtrArray *patterns;       /* Pattern * */
} Catalogue;

/* The texts found on one window or popover, and what is wrong with them. */
typedef struct
{
  const char *surface;
  const char *where;      /* a page name, or NULL */
  GHashTable *texts;      /* every text seen, as a set */
  GPtrArray *leaks;       /* char *: one line per failing text */
  GHashTable *reported;   /* texts already reported */
} Walk;

static AtlaasApplication *app;
static AtlaasWindow *window;
static char *temp_dir;
static Catalogue catalogue;
static GRegex *first_of_month;    /* "1 mai", which French writes "1er mai" */
static GHashTable *data_texts;    /* every string of the dataset, as a set */
static GPtrArray *data_by_length; /* the same strings of 4 bytes or more, longest first */

/* English words that the French interface must not show. The first list is
 * matched in any case. UI words, months and days are matched only as English
 * capitalizes them, because some are French words in lower case ("close",
 * "places"). */
static const char *english_words_any_case[] = {
  "the", "and", "of", "to", "for", "with", "your", "this",
};

static const char *english_words[] = {
  "January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December",
  "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
  "Search", "Cancel", "Close", "Next", "Previous", "Summary", "Links", "People",
  "Places", "Results", "Tools", "Providers", "Show", "Hide", "Open", "Save",
  "Quit", "About", "Help", "Settings", "Loading", "Error", "Failed", "Untitled",
  "Draft", "Send", "Back", "Done", "Add", "Remove", "Delete", "Edit", "Name",
  "Phone", "Town", "Address", "Website", "Keyboard", "Shortcuts", "Learn",
};

/* English proper names that French texts keep as they are. */
static const char *proper_names[] = {
  "Open Database License",
};

/* Catalogue */

/* Drops GTK mnemonic underscores: "_Quit" → "Quit", "a__b" → "a_b". */
static char *
strip_mnemonics (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '_')
        {
          if (p[1] == '_')
            {
              g_string_append_c (out, '_');
              p++;
            }
          continue;
        }
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/* The content of a quoted po string, unescaped, or NULL when `line` contains
 * no quoted string. */
static char *
parse_po_string (const char *line)
{
  const char *start = strchr (line, '"');
  const char *end = strrchr (line, '"');
  g_autofree char *inner = NULL;

  if (start == NULL || end == start)
    return NULL;

  inner = g_strndup (start + 1, end - start - 1);

  return g_strcompress (inner);
}

static const char conversion_regex[] =
  "%(?:[0-9]+\\$)?[-+ #0']*[0-9]*(?:\\.[0-9]+)?(?:hh|h|ll|l|L|z|j|t)?[diouxXeEfFgGcspaA]";

/* An anchored regex for a printf format, each conversion matching any text;
 * NULL when the format has no conversion or fewer than four literal
 * letters, because "%s" or "“%s”" would match every text. */
static GRegex *
format_to_regex (const char *format)
{
  static GRegex *conversion = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GString) regex = g_string_new ("^");
  g_autofree char *literal = NULL;
  g_autofree char *escaped = NULL;
  gsize done = 0;
  guint n_conversions = 0;
  guint n_letters = 0;

  if (conversion == NULL)
    conversion = g_regex_new (conversion_regex, G_REGEX_OPTIMIZE, 0, NULL);

  g_regex_match (conversion, format, 0, &match);
  while (g_match_info_matches (match))
    {
      int start, end;

      g_match_info_fetch_pos (match, 0, &start, &end);
      literal = g_strndup (format + done, start - done);
      for (const char *p = literal; *p != '\0'; p = g_utf8_next_char (p))
        n_letters += g_unichar_isalpha (g_utf8_get_char (p)) ? 1 : 0;
      escaped = g_regex_escape_string (literal, -1);
      g_string_append (regex, escaped);
      g_string_append (regex, ".+");
      g_clear_pointer (&literal, g_free);
      g_clear_pointer (&escaped, g_free);
      done = end;
      n_conversions++;
      g_match_info_next (match, NULL);
    }
  for (const char *p = format + done; *p != '\0'; p = g_utf8_next_char (p))
    n_letters += g_unichar_isalpha (g_utf8_get_char (p)) ? 1 : 0;

  if (n_conversions == 0 || n_letters < 4)
    return NULL;

  {
    g_autofree char *rest = g_regex_escape_string (format + done, -1);
    g_autofree char *pattern = NULL;
    g_auto(GStrv) parts = NULL;

    g_string_append (regex, rest);
    g_string_append (regex, "$");
    /* "%%" stands for a single "%". */
    parts = g_strsplit (regex->str, "%%", -1);
    pattern = g_strjoinv ("%", parts);

    return g_regex_new (pattern, G_REGEX_DOTALL, 0, NULL);
  }
}

static void
pattern_free (Pattern *pattern)
{
  g_free (pattern->msgid);
  g_clear_pointer (&pattern->english, g_regex_unref);
  g_clear_pointer (&pattern->french, g_regex_unref);
  g_free (pattern);
}

static void
catalogue_add (const char *msgid,
               const char *msgstr)
{
  g_autofree char *english = strip_mnemonics (msgid);
  g_autofree char *french = strip_mnemonics (msgstr);
  Pattern *pattern;

  if (msgstr[0] == '\0')
    return;

  g_hash_table_replace (catalogue.translations, g_strdup (english), g_strdup (french));
  if (g_strcmp0 (english, french) == 0)
    return;

  g_hash_table_replace (catalogue.leaks, g_strdup (english), g_strdup (french));

  pattern = g_new0 (Pattern, 1);
  pattern->english = format_to_regex (english);
  if (pattern->english == NULL)
    {
      pattern_free (pattern);
      return;
    }
  pattern->msgid = g_strdup (english);
  pattern->french = format_to_regex (french);
  g_ptr_array_add (catalogue.patterns, pattern);
}

typedef struct
{
  GString *msgid;
  GString *msgid_plural;
  GPtrArray *msgstr;    /* GString *, one per plural form */
  GString *current;     /* the field continuation lines go to */
  gboolean fuzzy;
  gboolean has_msgstr;
} PoEntry;

static void
po_entry_flush (PoEntry *entry)
{
  if (entry->has_msgstr && !entry->fuzzy && entry->msgid->len > 0)
    {
      GString *singular = g_ptr_array_index (entry->msgstr, 0);

      catalogue_add (entry->msgid->str, singular->str);
      if (entry->msgid_plural->len > 0 && entry->msgstr->len > 1)
        {
          GString *plural = g_ptr_array_index (entry->msgstr, entry->msgstr->len - 1);

          catalogue_add (entry->msgid_plural->str, plural->str);
        }
    }

  g_string_truncate (entry->msgid, 0);
  g_string_truncate (entry->msgid_plural, 0);
  g_ptr_array_set_size (entry->msgstr, 0);
  entry->current = NULL;
  entry->fuzzy = FALSE;
  entry->has_msgstr = FALSE;
}

static void
free_gstring (gpointer data)
{
  g_string_free (data, TRUE);
}

/* Reads msgctxt, msgid, msgid_plural and msgstr[n] with their continuation
 * lines; fuzzy and obsolete entries are skipped as msgfmt skips them. */
static void
catalogue_load (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  PoEntry entry = { g_string_new (NULL), g_string_new (NULL),
                    g_ptr_array_new_with_free_func (free_gstring), NULL, FALSE, FALSE };

  catalogue.translations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  catalogue.leaks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  catalogue.patterns = g_ptr_array_new_with_free_func ((GDestroyNotify) pattern_free);

  if (!g_file_get_contents (path, &contents, NULL, &error))
    g_error ("Could not read the French catalogue: %s", error->message);

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);
      g_autofree char *value = NULL;

      if (line[0] == '\0' || g_str_has_prefix (line, "#~"))
        {
          if (entry.has_msgstr)
            po_entry_flush (&entry);
          continue;
        }
      if (line[0] == '#')
        {
          if (entry.has_msgstr)
            po_entry_flush (&entry);
          if (g_str_has_prefix (line, "#,") && strstr (line, "fuzzy") != NULL)
            entry.fuzzy = TRUE;
          continue;
        }

      value = parse_po_string (line);
      if (value == NULL)
        g_error ("%s:%u: expected a quoted string in “%s”", path, i + 1, line);

      if (line[0] == '"')
        {
          if (entry.current != NULL)
            g_string_append (entry.current, value);
          continue;
        }

      if (g_str_has_prefix (line, "msgctxt") || g_str_has_prefix (line, "msgid "))
        {
          gboolean fuzzy = entry.fuzzy;

          if (entry.has_msgstr)
            {
              po_entry_flush (&entry);
              entry.fuzzy = fuzzy;
            }
          /* The context only distinguishes translations, and each is checked. */
          entry.current = g_str_has_prefix (line, "msgctxt") ? NULL : entry.msgid;
          if (entry.current != NULL)
            g_string_assign (entry.current, value);
        }
      else if (g_str_has_prefix (line, "msgid_plural"))
        {
          entry.current = entry.msgid_plural;
          g_string_assign (entry.current, value);
        }
      else if (g_str_has_prefix (line, "msgstr"))
        {
          entry.current = g_string_new (value);
          g_ptr_array_add (entry.msgstr, entry.current);
          entry.has_msgstr = TRUE;
        }
      else
        {
          g_error ("%s:%u: unknown keyword in “%s”", path, i + 1, line);
        }
    }
  po_entry_flush (&entry);

  g_string_free (entry.msgid, TRUE);
  g_string_free (entry.msgid_plural, TRUE);
  g_ptr_array_unref (entry.msgstr);
}

/* The French of `msgid`, mnemonics removed from both. */
static const char *
translation_of (const char *msgid)
{
  g_autofree char *english = strip_mnemonics (msgid);
  const char *french = g_hash_table_lookup (catalogue.translations, english);

  if (french == NULL)
    g_error ("po/fr.po has no translation for “%s”", msgid);

  return french;
}

/* Dataset */

static void
add_data_text (const char *text)
{
  g_autofree char *copy = NULL;

  if (text == NULL)
    return;

  copy = g_strstrip (g_strdup (text));
  if (copy[0] == '\0' || g_hash_table_contains (data_texts, copy))
    return;

  if (strlen (copy) >= 4)
    g_ptr_array_add (data_by_length, g_strdup (copy));
  g_hash_table_add (data_texts, g_steal_pointer (&copy));
}

static int
compare_length_descending (gconstpointer a,
                           gconstpointer b)
{
  gsize la = strlen (*(const char **) a);
  gsize lb = strlen (*(const char **) b);

  if (la < lb)
    return 1;
  if (la > lb)
    return -1;

  return 0;
}

/* Every string of every action in the store, and the taxonomy's labels. */
static void
load_data_texts (AtlaasStore    *store,
                 AtlaasTaxonomy *taxonomy)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) actions = atlaas_store_list_actions (store, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (actions->len, >, 0);

  data_texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  data_by_length = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < actions->len; i++)
    {
      const AtlaasAction *action = g_ptr_array_index (actions, i);
      const char *fields[] = { action->title, action->subtitle, action->date,
                               action->actions, action->synthesis, action->tools,
                               action->providers, action->recommendations, action->results };

      for (guint k = 0; k < G_N_ELEMENTS (fields); k++)
        add_data_text (fields[k]);
      for (guint k = 0; action->links != NULL && k < action->links->len; k++)
        add_data_text (g_ptr_array_index (action->links, k));
      for (guint k = 0; action->contacts != NULL && k < action->contacts->len; k++)
        {
          const AtlaasContact *contact = g_ptr_array_index (action->contacts, k);

          add_data_text (contact->name);
          add_data_text (contact->role);
          add_data_text (contact->email);
          add_data_text (contact->phone);
        }
      for (guint k = 0; action->places != NULL && k < action->places->len; k++)
        {
          const AtlaasPlace *place = g_ptr_array_index (action->places, k);
          const char *place_fields[] = { place->name, place->description, place->address,
                                         place->postal_code, place->town, place->insee_code,
                                         place->departement, place->region, place->phone,
                                         place->email, place->website };

          for (guint f = 0; f < G_N_ELEMENTS (place_fields); f++)
            add_data_text (place_fields[f]);
        }
    }

  if (taxonomy != NULL)
    {
      GPtrArray *themes = atlaas_taxonomy_get_all (taxonomy);

      for (guint i = 0; i < themes->len; i++)
        add_data_text (((const AtlaasTheme *) g_ptr_array_index (themes, i))->label);
    }

  g_ptr_array_sort (data_by_length, compare_length_descending);
}

/* The text with every dataset string cut out, so that a label such as
 * "Horaires : …" or "Town (Département)" is judged on the app's part only. */
static char *
remove_data (const char *text)
{
  g_autoptr(GString) rest = g_string_new (text);

  for (guint i = 0; i < data_by_length->len; i++)
    {
      const char *data = g_ptr_array_index (data_by_length, i);

      if (strstr (rest->str, data) != NULL)
        g_string_replace (rest, data, " ", 0);
    }

  return g_string_free (g_steal_pointer (&rest), FALSE);
}

/* Checks */

static gboolean
is_english_word (const char *word)
{
  g_autofree char *folded = g_utf8_casefold (word, -1);

  for (guint i = 0; i < G_N_ELEMENTS (english_words_any_case); i++)
    if (g_strcmp0 (folded, english_words_any_case[i]) == 0)
      return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (english_words); i++)
    if (g_strcmp0 (word, english_words[i]) == 0)
      return TRUE;

  return FALSE;
}

/* The first English word of `text`, or NULL. */
static char *
find_english_word (const char *text)
{
  const char *p = text;

  while (*p != '\0')
    {
      const char *start;
      g_autofree char *word = NULL;

      while (*p != '\0' && !g_unichar_isalpha (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      start = p;
      while (*p != '\0' && g_unichar_isalpha (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (p == start)
        break;

      word = g_strndup (start, p - start);
      if (is_english_word (word))
        return g_steal_pointer (&word);
    }

  return NULL;
}

/* What breaks French typography in `text`, or NULL: French puts a no-break
 * space before ":" and inside « », a narrow one before ";", "!" and "?", and
 * quotes with « » rather than "…" or “…”. */
static const char *
find_typography_error (const char *text)
{
  gunichar previous = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);
      gunichar following = g_utf8_get_char (next);
      gboolean at_word_end = following == 0 || g_unichar_isspace (following);

      if (previous == ' ' && (c == ':' || c == ';' || c == '!' || c == '?' || c == 0x00BB))
        return "ordinary space before a punctuation mark: French uses a no-break space";
      if (c == 0x00AB && following == ' ')
        return "ordinary space after «: French uses a no-break space";
      if (g_unichar_isalpha (previous) && at_word_end
          && (c == ':' || c == ';' || c == '!' || c == '?'))
        return "no space before a punctuation mark: French puts a no-break space there";
      if (c == '"' || c == 0x201C || c == 0x201D)
        return "English quotation marks: French uses « »";

      previous = c;
    }

  return NULL;
}

static char *
describe_widget (GtkWidget *widget)
{
  GString *path = g_string_new (NULL);
  guint depth = 0;

  if (widget == NULL)
    {
      g_string_append (path, "no widget");
      return g_string_free (path, FALSE);
    }

  for (GtkWidget *w = widget; w != NULL && depth < 4; w = gtk_widget_get_parent (w), depth++)
    {
      const char *id = GTK_IS_BUILDABLE (w) ? gtk_buildable_get_buildable_id (GTK_BUILDABLE (w)) : NULL;

      if (path->len > 0)
        g_string_append (path, " < ");
      g_string_append (path, G_OBJECT_TYPE_NAME (w));
      if (id != NULL)
        g_string_append_printf (path, "#%s", id);
    }

  return g_string_free (path, FALSE);
}

static void
report (Walk       *walk,
        GtkWidget  *widget,
        const char *kind,
        const char *text,
        const char *reason)
{
  g_autofree char *where = describe_widget (widget);
  char *line = g_strdup_printf ("%s%s%s: %s “%s” in %s: %s",
                                walk->surface,
                                walk->where != NULL ? "/" : "",
                                walk->where != NULL ? walk->where : "",
                                kind, text, where, reason);

  g_print ("LEAK %s\n", line);
  g_ptr_array_add (walk->leaks, line);
}

/* Returns TRUE when `text` passes every check. */
static gboolean
check_text (Walk       *walk,
            GtkWidget  *widget,
            const char *kind,
            const char *raw_text)
{
  g_autofree char *text = NULL;
  g_autofree char *rest = NULL;
  g_autofree char *word = NULL;
  const char *french;
  const char *typography;

  if (raw_text == NULL)
    return TRUE;
  text = g_strstrip (g_strdup (raw_text));
  if (text[0] == '\0')
    return TRUE;

  if (g_hash_table_add (walk->texts, g_strdup (text)))
    {
      g_autofree char *where = describe_widget (widget);

      g_test_message ("%s: %s “%s” in %s", walk->surface, kind, text, where);
    }
  if (g_hash_table_contains (walk->reported, text))
    return FALSE;
  if (data_texts != NULL && g_hash_table_contains (data_texts, text))
    return TRUE;

  french = g_hash_table_lookup (catalogue.leaks, text);
  if (french != NULL)
    {
      g_autofree char *reason = g_strdup_printf ("untranslated; po/fr.po has “%s”", french);

      report (walk, widget, kind, text, reason);
      g_hash_table_add (walk->reported, g_strdup (text));
      return FALSE;
    }

  for (guint i = 0; i < catalogue.patterns->len; i++)
    {
      Pattern *pattern = g_ptr_array_index (catalogue.patterns, i);

      if (g_regex_match (pattern->english, text, 0, NULL)
          && (pattern->french == NULL || !g_regex_match (pattern->french, text, 0, NULL)))
        {
          g_autofree char *reason = g_strdup_printf ("formatted from the untranslated msgid “%s”",
                                                     pattern->msgid);

          report (walk, widget, kind, text, reason);
          g_hash_table_add (walk->reported, g_strdup (text));
          return FALSE;
        }
    }

  rest = data_by_length != NULL ? remove_data (text) : g_strdup (text);
  for (guint i = 0; i < G_N_ELEMENTS (proper_names); i++)
    {
      g_autoptr(GString) without = g_string_new (rest);

      g_string_replace (without, proper_names[i], " ", 0);
      g_free (rest);
      rest = g_string_free (g_steal_pointer (&without), FALSE);
    }
  word = find_english_word (rest);
  if (word != NULL)
    {
      g_autofree char *reason = g_strdup_printf ("the English word “%s”", word);

      report (walk, widget, kind, text, reason);
      g_hash_table_add (walk->reported, g_strdup (text));
      return FALSE;
    }

  typography = find_typography_error (rest);
  if (typography == NULL && g_regex_match (first_of_month, rest, 0, NULL))
    typography = "the first day of a month is written “1er” in French";
  if (typography != NULL)
    {
      report (walk, widget, kind, text, typography);
      g_hash_table_add (walk->reported, g_strdup (text));
      return FALSE;
    }

  return TRUE;
}

static void
check_string_property (Walk       *walk,
                       GtkWidget  *widget,
                       const char *property)
{
  g_autofree char *value = NULL;
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (widget), property);

  if (pspec == NULL || pspec->value_type != G_TYPE_STRING || !(pspec->flags & G_PARAM_READABLE))
    return;

  g_object_get (widget, property, &value, NULL);
  check_text (walk, widget, property, value);
}

/* Checks the texts of `widget` and of its visible descendants, popovers
 * included, since GTK 4 parents a popover to the widget it points at. */
static void
walk_widget (Walk      *walk,
             GtkWidget *widget)
{
  const char *tooltip;

  if (!gtk_widget_get_visible (widget))
    return;

  if (GTK_IS_LABEL (widget))
    check_text (walk, widget, "label", gtk_label_get_text (GTK_LABEL (widget)));
  else if (GTK_IS_BUTTON (widget) && gtk_button_get_use_underline (GTK_BUTTON (widget)))
    {
      g_autofree char *label = gtk_button_get_label (GTK_BUTTON (widget)) != NULL
                               ? strip_mnemonics (gtk_button_get_label (GTK_BUTTON (widget))) : NULL;

      check_text (walk, widget, "button label", label);
    }
  else if (GTK_IS_BUTTON (widget))
    check_text (walk, widget, "button label", gtk_button_get_label (GTK_BUTTON (widget)));

  if (GTK_IS_WINDOW (widget))
    check_text (walk, widget, "window title", gtk_window_get_title (GTK_WINDOW (widget)));
  if (GTK_IS_TEXT (widget))
    check_text (walk, widget, "placeholder", gtk_text_get_placeholder_text (GTK_TEXT (widget)));

  /* Titles of Adwaita rows, groups, status pages and window titles, of the
   * shortcuts window's entries, and placeholders of entries. */
  if (!GTK_IS_WINDOW (widget))
    check_string_property (walk, widget, "title");
  check_string_property (walk, widget, "subtitle");
  check_string_property (walk, widget, "description");
  check_string_property (walk, widget, "placeholder-text");

  tooltip = gtk_widget_get_tooltip_text (widget);
  if (tooltip != NULL)
    check_text (walk, widget, "tooltip", tooltip);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    walk_widget (walk, child);
}

static Walk *
walk_new (const char *surface)
{
  Walk *walk = g_new0 (Walk, 1);

  walk->surface = surface;
  walk->texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  walk->leaks = g_ptr_array_new_with_free_func (g_free);
  walk->reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  return walk;
}

static void
walk_free (Walk *walk)
{
  g_hash_table_unref (walk->texts);
  g_ptr_array_unref (walk->leaks);
  g_hash_table_unref (walk->reported);
  g_free (walk);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Walk, walk_free)

/* Fails the test case when the walk found leaks; they are printed already. */
static void
walk_finish (Walk *walk)
{
  g_test_message ("%s: %u texts checked, %u failing",
                  walk->surface, g_hash_table_size (walk->texts), walk->leaks->len);
  g_print ("%s: %u texts checked, %u failing\n",
           walk->surface, g_hash_table_size (walk->texts), walk->leaks->len);
  g_assert_cmpuint (g_hash_table_size (walk->texts), >, 0);
  if (walk->leaks->len > 0)
    g_test_fail_printf ("%u texts of %s are English or break French typography; "
                        "the first one: %s",
                        walk->leaks->len, walk->surface,
                        (const char *) g_ptr_array_index (walk->leaks, 0));
}

/* Asserts that the French translation of `msgid` is among the texts seen,
 * which shows that the catalogue reached this surface. */
static void
expect_french (Walk       *walk,
               const char *msgid)
{
  const char *french = translation_of (msgid);

  if (!g_hash_table_contains (walk->texts, french))
    g_test_fail_printf ("%s does not show “%s”, the French of “%s”",
                        walk->surface, french, msgid);
}

/* Main loop helpers */

typedef struct
{
  GType type;
  GtkWidget *found;
} ToplevelQuery;

static gboolean
toplevel_mapped (gpointer data)
{
  ToplevelQuery *query = data;
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, query->type) && gtk_widget_get_mapped (l->data))
      {
        query->found = l->data;
        return TRUE;
      }

  return FALSE;
}

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Test cases */

/* The checker itself: it flags English texts and passes French ones. */
static void
test_french_checker (void)
{
  g_autoptr(Walk) walk = walk_new ("checker");
  const char *english[] = {
    "Learn More", "Summary", "Date: 5 May 2021", "Show the map", "Search",
    "Date : 5 mai 2021", "Reprendre une proposition ?", "Un “mot”",
    "Lyon · 1 mai 2021",
  };
  const char *french[] = {
    translation_of ("Learn More"), "Date" NBSP ": 5 mai 2021",
    "Reprendre une proposition" NNBSP "?", "Un «" NBSP "mot" NBSP "»",
    "Les places du marché", "Séance close", "https://www.example.fr", "09:00-12:00",
    "Lyon · 1er mai 2021", "Lyon · 21 mai 2021",
    "Open Database License (ODbL)" NNBSP "; tuiles servies par la Fondation OpenStreetMap.",
  };

  g_assert_cmpuint (g_hash_table_size (catalogue.translations), >, 100);

  for (guint i = 0; i < G_N_ELEMENTS (english); i++)
    if (check_text (walk, NULL, "sample", english[i]))
      g_test_fail_printf ("The checker passed the English text “%s”", english[i]);
  for (guint i = 0; i < G_N_ELEMENTS (french); i++)
    if (!check_text (walk, NULL, "sample", french[i]))
      g_test_fail_printf ("The checker failed the French text “%s”", french[i]);

  /* The app reads the compiled catalogue, not only po/fr.po. */
  if (g_strcmp0 (_("Learn More"), translation_of ("Learn More")) != 0)
    g_test_fail_printf ("The compiled catalogue %s/fr/LC_MESSAGES/%s.mo was not loaded",
                        g_getenv ("ATLAAS_LOCALEDIR"), GETTEXT_PACKAGE);
}

/* Every translation follows French typography, shown on the walked windows
 * or not. */
static void
test_french_catalogue_typography (void)
{
  GHashTableIter iter;
  const char *english;
  const char *french;
  guint n_errors = 0;

  g_hash_table_iter_init (&iter, catalogue.translations);
  while (g_hash_table_iter_next (&iter, (gpointer *) &english, (gpointer *) &french))
    {
      const char *error;

      /* The Keywords of the desktop file are a list that ends with ";". */
      if (g_str_has_suffix (english, ";"))
        continue;

      error = find_typography_error (french);
      if (error == NULL)
        continue;

      g_print ("TYPOGRAPHY po/fr.po: “%s” translated as “%s”: %s\n", english, french, error);
      n_errors++;
    }

  if (n_errors > 0)
    g_test_fail_printf ("%u translations of po/fr.po break French typography", n_errors);
}

static void
test_french_main_window (void)
{
  g_autoptr(Walk) walk = walk_new ("main window");

  walk_widget (walk, GTK_WIDGET (window));
  ui_test_save_screenshot (GTK_WIDGET (window), "fr-window.png", UI_TEST_SCREENSHOT_NODE_BOUNDS);
  expect_french (walk, "Zoom In");
  expect_french (walk, "Show My Position");
  walk_finish (walk);
}

static void
test_french_main_menu (void)
{
  g_autoptr(Walk) walk = walk_new ("main menu");
  GtkWidget *header = find_widget (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR);
  GtkMenuButton *button;
  GtkPopover *popover;

  g_assert_nonnull (header);
  button = GTK_MENU_BUTTON (find_widget (header, GTK_TYPE_MENU_BUTTON));
  g_assert_nonnull (button);
  g_assert_true (gtk_menu_button_get_primary (button));

  gtk_menu_button_popup (button);
  popover = gtk_menu_button_get_popover (button);
  ui_test_wait_until (ui_test_widget_mapped, popover, "the main menu");
  ui_test_run_frames (200);

  walk_widget (walk, GTK_WIDGET (popover));
  expect_french (walk, "_About Atlaas");
  expect_french (walk, "_Keyboard Shortcuts");
  gtk_menu_button_popdown (button);
  walk_finish (walk);
}

/* The rowid of an action dated on the first of a month, for the "1er". */
static gint64
find_first_of_month_action (void)
{
  AtlaasStore *store = atlaas_application_get_store (app);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlaasPointSet) points = atlaas_store_load_points (store, &error);

  g_assert_no_error (error);
  for (gsize i = 0; i < points->n_points; i++)
    {
      g_autoptr(AtlaasAction) action = atlaas_store_get_action_by_rowid (store, points->action_rowids[i], &error);

      g_assert_no_error (error);
      if (action->date != NULL && g_str_has_suffix (action->date, "-01"))
        return points->action_rowids[i];
    }

  return -1;
}

static void
test_french_action_popover (void)
{
  g_autoptr(Walk) walk = walk_new ("action popover");
  AtlaasMapLayer *layer = atlaas_window_get_map_layer (window);
  GtkPopover *popover;
  gint64 rowid = find_first_of_month_action ();

  g_assert_cmpint (rowid, >=, 0);
  g_assert_true (atlaas_map_layer_show_action (layer, rowid));
  popover = atlaas_map_layer_get_popover (layer);
  ui_test_wait_until (ui_test_widget_mapped, popover, "the action popover");
  ui_test_run_frames (200);

  walk_widget (walk, GTK_WIDGET (popover));
  expect_french (walk, "Learn More");
  walk_finish (walk);
}

static void
test_french_action_sheet (void)
{
  g_autoptr(Walk) walk = walk_new ("action sheet");
  AtlaasMapLayer *layer = atlaas_window_get_map_layer (window);
  GtkPopover *popover = atlaas_map_layer_get_popover (layer);
  GtkWidget *more_button = atlaas_action_popover_get_more_button (ATLAAS_ACTION_POPOVER (popover));
  g_autoptr(GRegex) date_line = NULL;
  g_autofree char *date_regex = NULL;
  AtlaasActionSheet *sheet;
  GHashTableIter iter;
  const char *text;
  gboolean date_found = FALSE;

  g_assert_nonnull (more_button);
  g_assert_true (gtk_widget_activate (more_button));
  ui_test_wait_until (ui_test_sheet_mapped, window, "the action sheet");
  ui_test_run_frames (300);
  sheet = atlaas_window_get_action_sheet (window);

  walk_widget (walk, GTK_WIDGET (sheet));
  ui_test_save_screenshot (GTK_WIDGET (sheet), "fr-sheet.png", UI_TEST_SCREENSHOT_NODE_BOUNDS);
  ui_test_save_screenshot (ui_test_find_widget_with_class (GTK_WIDGET (sheet), "atlaas-sheet"),
                           "fr-sheet-full.png", UI_TEST_SCREENSHOT_NODE_BOUNDS);
  expect_french (walk, "Action Sheet");
  expect_french (walk, "Places");

  /* The action is dated on the first of a month: "Date : 1er mai 2021". */
  g_assert_true (g_str_has_suffix (atlaas_action_sheet_get_action (sheet)->date, "-01"));
  {
    g_auto(GStrv) parts = g_strsplit (translation_of ("Date: %s"), "%s", 2);
    g_autofree char *before = g_regex_escape_string (parts[0], -1);
    g_autofree char *after = g_regex_escape_string (parts[1] != NULL ? parts[1] : "", -1);

    date_regex = g_strdup_printf ("^%s1er (janvier|février|mars|avril|mai|juin|juillet|août|"
                                  "septembre|octobre|novembre|décembre) [0-9]{4}%s$",
                                  before, after);
    date_line = g_regex_new (date_regex, 0, 0, NULL);
  }
  g_assert_nonnull (date_line);
  g_hash_table_iter_init (&iter, walk->texts);
  while (g_hash_table_iter_next (&iter, (gpointer *) &text, NULL))
    if (g_regex_match (date_line, text, 0, NULL))
      date_found = TRUE;
  if (!date_found)
    g_test_fail_printf ("The sheet shows no date line like “%s”", g_regex_get_pattern (date_line));

  walk_finish (walk);
  gtk_window_close (GTK_WINDOW (sheet));
}

static void
test_french_list_popover (void)
{
  g_autoptr(Walk) walk = walk_new ("list popover");
  AtlaasMapLayer *layer = atlaas_window_get_map_layer (window);
  ShumateMap *map = atlaas_window_get_map (window);
  UiTestZoomTarget target = { window, 18 };
  double latitude = 0.0, longitude = 0.0;
  const AtlaasMapItem *group = NULL;
  AtlaasMapItem item;
  GtkPopover *popover;
  GArray *items;
  g_autofree char *heading = NULL;

  g_assert_true (ui_test_find_shared_position (app, &latitude, &longitude));
  shumate_map_center_on (map, latitude, longitude);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (map), target.zoom);
  ui_test_wait_until (ui_test_zoom_reached, &target, "the zoom level set by the test");
  ui_test_run_frames (200);

  items = atlaas_map_layer_get_visible_items (layer);
  for (guint i = 0; i < items->len && group == NULL; i++)
    {
      const AtlaasMapItem *candidate = &g_array_index (items, AtlaasMapItem, i);

      if (candidate->latitude == latitude && candidate->longitude == longitude)
        group = candidate;
    }
  g_assert_nonnull (group);
  g_assert_cmpint (group->kind, ==, ATLAAS_MAP_ITEM_GROUP);
  item = *group;

  g_assert_cmpint (atlaas_map_layer_click_item (layer, &item), ==, ATLAAS_MAP_CLICK_LIST);
  popover = atlaas_map_layer_get_popover (layer);
  ui_test_wait_until (ui_test_widget_mapped, popover, "the list popover");
  ui_test_run_frames (200);

  walk_widget (walk, GTK_WIDGET (popover));
  ui_test_save_screenshot (GTK_WIDGET (popover), "fr-popover-list.png",
                           UI_TEST_SCREENSHOT_NODE_BOUNDS);

  /* "2 actions à cette adresse": the French plural of the heading. */
  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u action at this place",
                                          "%u actions at this place", item.count),
                             item.count);
  g_assert_cmpstr (heading, !=, "2 actions at this place");
  if (!g_hash_table_contains (walk->texts, heading))
    g_test_fail_printf ("The list popover does not show its heading “%s”", heading);

  gtk_popover_popdown (popover);
  walk_finish (walk);
}

static void
test_french_about (void)
{
  g_autoptr(Walk) walk = walk_new ("about window");
  ToplevelQuery query = { ADW_TYPE_ABOUT_WINDOW, NULL };

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  ui_test_wait_until (toplevel_mapped, &query, "the about window");
  ui_test_run_frames (300);

  walk_widget (walk, query.found);
  ui_test_save_screenshot (query.found, "fr-about.png", UI_TEST_SCREENSHOT_NODE_BOUNDS);
  expect_french (walk, "The atlas of digital actions carried out by French local governments.");
  expect_french (walk, "Offline base map");
  walk_finish (walk);
  gtk_window_destroy (GTK_WINDOW (query.found));
}

static void
test_french_shortcuts (void)
{
  g_autoptr(Walk) walk = walk_new ("shortcuts window");
  ToplevelQuery query = { GTK_TYPE_SHORTCUTS_WINDOW, NULL };

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  ui_test_wait_until (toplevel_mapped, &query, "the keyboard shortcuts window");
  ui_test_run_frames (300);

  walk_widget (walk, query.found);
  ui_test_save_screenshot (query.found, "fr-shortcuts.png", UI_TEST_SCREENSHOT_NODE_BOUNDS);
  expect_french (walk, "Show or Hide the Search Panel");
  expect_french (walk, "Zoom Out");
  walk_finish (walk);
  gtk_window_close (GTK_WINDOW (query.found));
}

static void
test_french_proposal (void)
{
  g_autoptr(Walk) walk = walk_new ("proposal dialog");
  const char *pages[] = { "action", "details", "people", "places", "services", "summary" };
  AtlaasProposalDialog *dialog;

  dialog = atlaas_proposal_dialog_new (GTK_WINDOW (window), atlaas_application_get_store (app));
  gtk_window_present (GTK_WINDOW (dialog));
  ui_test_wait_until (ui_test_widget_mapped, dialog, "the proposal dialog");
  /* One more of each repeated block, so that their labels are shown too. */
  atlaas_proposal_dialog_add_link (dialog);
  atlaas_proposal_dialog_add_contact (dialog);
  atlaas_proposal_dialog_add_place (dialog);
  ui_test_run_frames (300);

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *name = NULL;

      atlaas_proposal_dialog_set_page (dialog, pages[i]);
      ui_test_run_frames (400);
      g_assert_cmpstr (atlaas_proposal_dialog_get_page (dialog), ==, pages[i]);

      walk->where = pages[i];
      walk_widget (walk, GTK_WIDGET (dialog));
      name = g_strdup_printf ("fr-proposal-%s.png", pages[i]);
      ui_test_save_screenshot (GTK_WIDGET (dialog), name, UI_TEST_SCREENSHOT_NODE_BOUNDS);
    }
  walk->where = NULL;

  expect_french (walk, "Recommendations");
  walk_finish (walk);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Set-up */

static void
start_app (void)
{
  AtlaasMapLayer *layer;

  window = ui_test_start_app (&app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);

  /* The first start imports the bundled dataset, then builds the index. */
  ui_test_wait_until (ui_test_layer_loaded, window, "the map layer to load the imported actions");
  ui_test_run_frames (500);

  layer = atlaas_window_get_map_layer (window);
  load_data_texts (atlaas_application_get_store (app), atlaas_map_layer_get_taxonomy (layer));
}

static void
stop_app (void)
{
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  ui_test_remove_store_folder (temp_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *po_path = NULL;
  const char *messages_locale;
  int status;

  g_test_init (&argc, &argv, NULL);
  atlaas_application_init_i18n ();

  if (!ui_test_init_display ())
    return 77;

  /* gtk_init () has set the locale from LANG and LC_ALL. */
  messages_locale = setlocale (LC_MESSAGES, NULL);
  if (messages_locale == NULL || !g_str_has_prefix (messages_locale, "fr"))
    {
      g_printerr ("The locale is “%s”, not French: install fr_FR.UTF-8 "
                  "(locale-gen) and run with LANG=fr_FR.UTF-8\n",
                  messages_locale != NULL ? messages_locale : "(none)");
      return 77;
    }

  first_of_month = g_regex_new ("(^|[^0-9])1 (janvier|février|mars|avril|mai|juin|juillet|"
                                "août|septembre|octobre|novembre|décembre)( |$)",
                                G_REGEX_OPTIMIZE, 0, NULL);
  po_path = g_test_build_filename (G_TEST_DIST, "..", "po", "fr.po", NULL);
  catalogue_load (po_path);

  temp_dir = ui_test_make_store_folder ("atlaas-test-french-XXXXXX");

  start_app ();

  g_test_add_func ("/french/checker", test_french_checker);
  g_test_add_func ("/french/catalogue-typography", test_french_catalogue_typography);
  g_test_add_func ("/french/main-window", test_french_main_window);
  g_test_add_func ("/french/main-menu", test_french_main_menu);
  g_test_add_func ("/french/action-popover", test_french_action_popover);
  g_test_add_func ("/french/action-sheet", test_french_action_sheet);
  g_test_add_func ("/french/list-popover", test_french_list_popover);
  g_test_add_func ("/french/about", test_french_about);
  g_test_add_func ("/french/shortcuts", test_french_shortcuts);
  g_test_add_func ("/french/proposal", test_french_proposal);

  status = g_test_run ();
  stop_app ();

  return status;
}
