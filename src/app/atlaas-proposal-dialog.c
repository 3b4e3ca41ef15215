/* atlaas-proposal-dialog.c: the "Propose an action" form
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-App"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <shumate/shumate.h>

#include "atlaas-basemap-source.h"
#include "atlaas-data.h"
#include "atlaas-drafts.h"
#include "atlaas-gazetteer.h"
#include "atlaas-proposal-dialog.h"
#include "atlaas-taxonomy.h"
#include "atlaas-text.h"
#include "atlaas-validate.h"

#define MAX_SUGGESTIONS 8
#define COMMUNE_ZOOM 13.0
#define DEPARTEMENT_ZOOM 9.0

/* A widget that edits one field, the label that shows its problem, and the
 * page it is on. */
typedef struct
{
  GtkWidget *widget;
  GtkWidget *error_label;
  const char *page;
  gboolean owns_error_label;  /* for buttons, whose label is not shown */
} Field;

typedef struct _PlaceWidgets PlaceWidgets;

struct _AtlaasProposalDialog
{
  AdwWindow parent_instance;

  /* template widgets */
  GtkWidget *header_bar;
  GtkWidget *switcher;
  AdwToastOverlay *toast_overlay;
  GtkStack *mode_stack;
  GtkWidget *resume_box;
  GtkStack *pages;
  GtkWidget *previous_button;
  GtkWidget *next_button;
  GtkWidget *save_label;

  /* page contents */
  GtkWidget *subtitle_counter;
  GtkWidget *date_calendar;
  GtkWidget *date_button;
  GtkWidget *links_box;
  GtkWidget *contacts_box;
  GtkWidget *places_box;
  GtkWidget *services_search;
  GtkWidget *services_view;
  GtkWidget *services_count;
  GtkWidget *summary_box;

  /* owned */
  AtlaasStore *store;
  AtlaasGazetteer *gazetteer;
  AtlaasTaxonomy *taxonomy;
  GHashTable *fields;            /* path → Field * */
  GHashTable *selected_services; /* id → id, borrowed from the taxonomy */
  GHashTable *visible_themes;    /* ids shown while searching, or NULL */
  GHashTable *bound_checks;      /* service id → GtkCheckButton of a visible row */
  GPtrArray *place_widgets;      /* PlaceWidgets * */
  GPtrArray *problems;           /* AtlaasProblem *, from the last validation */
  char *draft_id;
  guint n_links;
  guint n_contacts;
  guint save_source_id;
  gboolean loading;
  gboolean submitted;
};

struct _PlaceWidgets
{
  AtlaasProposalDialog *dialog;  /* borrowed */
  guint index;
  GtkWidget *suggestions;        /* GtkListBox under the town entry */
  GtkWidget *suggestions_frame;
  GtkWidget *commune_label;
  GtkWidget *map;                /* ShumateSimpleMap */
  ShumateMarkerLayer *marker_layer;
  ShumateMarker *marker;
  double drag_start_x;
  double drag_start_y;
  gboolean updating;
};

enum {
  SIGNAL_SUBMITTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AtlaasProposalDialog, atlaas_proposal_dialog, ADW_TYPE_WINDOW)

static const char * const page_names[] = {
  "action", "details", "people", "places", "services", "summary",
};

static void schedule_save (AtlaasProposalDialog *self);
static void rebuild_links (AtlaasProposalDialog *self, GPtrArray *links, guint removed);
static void rebuild_contacts (AtlaasProposalDialog *self, GPtrArray *contacts, guint removed);
static void rebuild_places (AtlaasProposalDialog *self, GPtrArray *places, guint removed);
static void rebuild_summary (AtlaasProposalDialog *self);
static void rebuild_resume_page (AtlaasProposalDialog *self, GPtrArray *drafts);
static void refresh_services_model (AtlaasProposalDialog *self);
static void show_field_problem (AtlaasProposalDialog *self, const char *path);

/* ---- fields ---------------------------------------------------------- */

static void
field_free (Field *field)
{
  if (field->owns_error_label)
    g_object_unref (field->error_label);
  g_free (field);
}

static char *
get_widget_text (GtkWidget *widget)
{
  if (GTK_IS_EDITABLE (widget))
    return atlaas_text_strip_or_null (gtk_editable_get_text (GTK_EDITABLE (widget)));

  if (GTK_IS_TEXT_VIEW (widget))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
      GtkTextIter start, end;
      g_autofree char *text = NULL;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      return atlaas_text_strip_or_null (text);
    }

  g_assert_not_reached ();
}

static void
set_widget_text (GtkWidget  *widget,
                 const char *text)
{
  if (GTK_IS_EDITABLE (widget))
    gtk_editable_set_text (GTK_EDITABLE (widget), text != NULL ? text : "");
  else if (GTK_IS_TEXT_VIEW (widget))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)),
                              text != NULL ? text : "", -1);
  else
    g_assert_not_reached ();
}

static char *
get_field_text (AtlaasProposalDialog *self,
                const char           *path)
{
  Field *field = g_hash_table_lookup (self->fields, path);

  if (field == NULL)
    return NULL;

  return get_widget_text (field->widget);
}

static void
set_field_text (AtlaasProposalDialog *self,
                const char           *path,
                const char           *text)
{
  Field *field = g_hash_table_lookup (self->fields, path);

  g_return_if_fail (field != NULL);
  set_widget_text (field->widget, text);
}

static void
remove_fields_with_prefix (AtlaasProposalDialog *self,
                           const char           *prefix)
{
  GHashTableIter iter;
  const char *path;

  g_hash_table_iter_init (&iter, self->fields);
  while (g_hash_table_iter_next (&iter, (gpointer *) &path, NULL))
    {
      if (g_str_has_prefix (path, prefix))
        g_hash_table_iter_remove (&iter);
    }
}

static void
changed_cb (AtlaasProposalDialog *self)
{
  if (!self->loading)
    schedule_save (self);
}

/* A problem shown under a field goes away as soon as it is corrected. */
static void
field_changed_cb (GObject              *object,
                  AtlaasProposalDialog *self)
{
  const char *path = g_object_get_data (object, "atlaas-field");
  Field *field = path != NULL ? g_hash_table_lookup (self->fields, path) : NULL;

  if (self->loading)
    return;

  schedule_save (self);

  if (field != NULL && gtk_widget_get_visible (field->error_label))
    show_field_problem (self, path);
}

static void
focus_leave_cb (GtkEventControllerFocus *controller,
                AtlaasProposalDialog    *self)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  const char *path = g_object_get_data (G_OBJECT (widget), "atlaas-field");

  if (path != NULL && !self->loading)
    show_field_problem (self, path);
}

/* Connects a field's widget to the draft saving and the inline checks. */
static void
watch_field (AtlaasProposalDialog *self,
             GtkWidget            *widget,
             const char           *path)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  g_object_set_data_full (G_OBJECT (widget), "atlaas-field", g_strdup (path), g_free);
  g_signal_connect_object (focus, "leave", G_CALLBACK (focus_leave_cb), self, 0);
  gtk_widget_add_controller (widget, focus);

  if (GTK_IS_EDITABLE (widget))
    {
      g_signal_connect_object (widget, "changed", G_CALLBACK (field_changed_cb), self, 0);
    }
  else if (GTK_IS_TEXT_VIEW (widget))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));

      g_object_set_data_full (G_OBJECT (buffer), "atlaas-field", g_strdup (path), g_free);
      g_signal_connect_object (buffer, "changed", G_CALLBACK (field_changed_cb), self, 0);
    }
}

static GtkWidget *
new_entry (const char *placeholder,
           GtkInputPurpose purpose)
{
  GtkWidget *entry = gtk_entry_new ();

  if (placeholder != NULL)
    gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), purpose);
  gtk_widget_set_hexpand (entry, TRUE);

  return entry;
}

static GtkWidget *
new_text_view (void)
{
  GtkWidget *view = gtk_text_view_new ();

  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_widget_set_size_request (view, -1, 96);
  gtk_widget_add_css_class (view, "card");

  return view;
}

/* Adds a labelled field to `box`: its title, the widget (or `row`, a box
 * that contains it), a hint and the line where its problem shows. */
static GtkWidget *
add_field (AtlaasProposalDialog *self,
           GtkWidget            *box,
           const char           *page,
           const char           *path,
           const char           *title,
           const char           *hint,
           GtkWidget            *widget,
           GtkWidget            *row)
{
  GtkWidget *field_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *label = gtk_label_new_with_mnemonic (title);
  GtkWidget *error_label = gtk_label_new (NULL);
  Field *field = g_new0 (Field, 1);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
  gtk_widget_add_css_class (label, "heading");
  gtk_box_append (GTK_BOX (field_box), label);
  gtk_box_append (GTK_BOX (field_box), row != NULL ? row : widget);

  if (hint != NULL)
    {
      GtkWidget *hint_label = gtk_label_new (hint);

      gtk_label_set_xalign (GTK_LABEL (hint_label), 0);
      gtk_label_set_wrap (GTK_LABEL (hint_label), TRUE);
      gtk_widget_add_css_class (hint_label, "dim-label");
      gtk_widget_add_css_class (hint_label, "caption");
      gtk_box_append (GTK_BOX (field_box), hint_label);
    }

  gtk_label_set_xalign (GTK_LABEL (error_label), 0);
  gtk_label_set_wrap (GTK_LABEL (error_label), TRUE);
  gtk_widget_add_css_class (error_label, "error");
  gtk_widget_set_visible (error_label, FALSE);
  gtk_box_append (GTK_BOX (field_box), error_label);

  gtk_accessible_update_relation (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL,
                                  -1);

  field->widget = widget;
  field->error_label = error_label;
  field->page = page;
  g_hash_table_replace (self->fields, g_strdup (path), field);

  if (GTK_IS_EDITABLE (widget) || GTK_IS_TEXT_VIEW (widget))
    watch_field (self, widget, path);

  gtk_box_append (GTK_BOX (box), field_box);
  return field_box;
}

static GtkWidget *
new_page (AtlaasProposalDialog *self,
          const char           *name,
          const char           *title,
          guint                 number,
          const char           *description)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *step = NULL;
  GtkWidget *heading = gtk_label_new (title);
  g_autofree char *step_text = NULL;

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 640);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);

  /* Translators: the position of a page in the form, "Step 2 of 6". */
  step_text = g_strdup_printf (_("Step %u of %u"), number, (guint) G_N_ELEMENTS (page_names));
  step = gtk_label_new (step_text);
  gtk_label_set_xalign (GTK_LABEL (step), 0);
  gtk_widget_add_css_class (step, "dim-label");
  gtk_widget_add_css_class (step, "caption-heading");
  gtk_box_append (GTK_BOX (box), step);

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "title-2");
  gtk_box_append (GTK_BOX (box), heading);

  if (description != NULL)
    {
      GtkWidget *label = gtk_label_new (description);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_box_append (GTK_BOX (box), label);
    }

  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_stack_add_titled (self->pages, scrolled, name, title);

  return box;
}

static GtkWidget *
new_section_heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "title-4");
  gtk_widget_set_margin_top (label, 12);

  return label;
}

static GtkWidget *
new_remove_button (const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_widget_set_valign (button, GTK_ALIGN_START);
  gtk_widget_add_css_class (button, "flat");

  return button;
}

/* ---- reading and writing the whole form ------------------------------ */

/* The date field accepts "15/03/2024" as French people write it, and the
 * ISO form that the action stores. */
static char *
date_from_entry (const char *text)
{
  guint day, month, year;
  char extra;

  if (text == NULL)
    return NULL;

  if (sscanf (text, "%u/%u/%u%c", &day, &month, &year, &extra) == 3 && year >= 1000)
    return g_strdup_printf ("%04u-%02u-%02u", year, month, day);

  return g_strdup (text);
}

static char *
date_to_entry (const char *iso_date)
{
  if (iso_date != NULL && atlaas_validate_is_iso_date (iso_date))
    return g_strdup_printf ("%.2s/%.2s/%.4s", iso_date + 8, iso_date + 5, iso_date);

  return g_strdup (iso_date);
}

static gboolean
parse_coordinate (const char *text,
                  double     *value)
{
  g_autofree char *copy = NULL;
  char *end = NULL;

  if (text == NULL)
    return FALSE;

  /* French keyboards type a decimal comma. */
  copy = g_strdup (text);
  g_strdelimit (copy, ",", '.');
  *value = g_ascii_strtod (copy, &end);

  return end != copy && *end == '\0' && isfinite (*value);
}

static char *
field_path (const char *prefix,
            guint       index,
            const char *member)
{
  if (member == NULL)
    return g_strdup_printf ("%s[%u]", prefix, index);

  return g_strdup_printf ("%s[%u].%s", prefix, index, member);
}

static char *
get_indexed_text (AtlaasProposalDialog *self,
                  const char           *prefix,
                  guint                 index,
                  const char           *member)
{
  g_autofree char *path = field_path (prefix, index, member);

  return get_field_text (self, path);
}

static void
set_indexed_text (AtlaasProposalDialog *self,
                  const char           *prefix,
                  guint                 index,
                  const char           *member,
                  const char           *text)
{
  g_autofree char *path = field_path (prefix, index, member);

  set_field_text (self, path, text);
}

static int
compare_service_ids (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  AtlaasTaxonomy *taxonomy = user_data;
  const AtlaasTheme *theme_a = atlaas_taxonomy_lookup (taxonomy, *(const char **) a);
  const AtlaasTheme *theme_b = atlaas_taxonomy_lookup (taxonomy, *(const char **) b);

  return (int) theme_a->index - (int) theme_b->index;
}

static AtlaasAction *
collect_action (AtlaasProposalDialog *self)
{
  AtlaasAction *action = atlaas_action_new ();
  g_autofree char *date_text = get_field_text (self, "date");
  GHashTableIter iter;
  const char *service_id;

  action->title = get_field_text (self, "titre");
  action->subtitle = get_field_text (self, "sous_titre");
  action->date = date_from_entry (date_text);
  action->actions = get_field_text (self, "actions");
  action->synthesis = get_field_text (self, "synthese");
  action->tools = get_field_text (self, "outils");
  action->providers = get_field_text (self, "prestataires");
  action->recommendations = get_field_text (self, "recommandations");
  action->results = get_field_text (self, "resultats");

  for (guint i = 0; i < self->n_links; i++)
    {
      char *link = get_indexed_text (self, "liens", i, NULL);

      g_ptr_array_add (action->links, link != NULL ? link : g_strdup (""));
    }

  for (guint i = 0; i < self->n_contacts; i++)
    {
      AtlaasContact *contact = atlaas_contact_new ();

      contact->name = get_indexed_text (self, "personnes", i, "nom");
      contact->role = get_indexed_text (self, "personnes", i, "titre");
      contact->email = get_indexed_text (self, "personnes", i, "courriel");
      contact->phone = get_indexed_text (self, "personnes", i, "telephone");
      g_ptr_array_add (action->contacts, contact);
    }

  for (guint i = 0; i < self->place_widgets->len; i++)
    {
      AtlaasPlace *place = atlaas_place_new ();
      g_autofree char *latitude = get_indexed_text (self, "lieux", i, "lat");
      g_autofree char *longitude = get_indexed_text (self, "lieux", i, "lon");
      g_autofree char *type_path = field_path ("lieux", i, "type");
      Field *type_field = g_hash_table_lookup (self->fields, type_path);

      place->name = get_indexed_text (self, "lieux", i, "nom");
      place->address = get_indexed_text (self, "lieux", i, "adresse");
      place->town = get_indexed_text (self, "lieux", i, "ville");
      place->postal_code = get_indexed_text (self, "lieux", i, "code_postal");
      place->insee_code = get_indexed_text (self, "lieux", i, "id_insee");
      place->departement = get_indexed_text (self, "lieux", i, "departement");
      place->region = get_indexed_text (self, "lieux", i, "region");
      place->phone = get_indexed_text (self, "lieux", i, "telephone");
      place->type = gtk_drop_down_get_selected (GTK_DROP_DOWN (type_field->widget)) == 1
                    ? ATLAAS_PLACE_TYPE_OTHER : ATLAAS_PLACE_TYPE_TOWN;
      place->has_position = parse_coordinate (latitude, &place->latitude)
                            && parse_coordinate (longitude, &place->longitude);
      if (!place->has_position)
        place->latitude = place->longitude = 0;
      g_ptr_array_add (action->places, place);
    }

  g_hash_table_iter_init (&iter, self->selected_services);
  while (g_hash_table_iter_next (&iter, (gpointer *) &service_id, NULL))
    g_ptr_array_add (action->services, g_strdup (service_id));
  g_ptr_array_sort_with_data (action->services, compare_service_ids, self->taxonomy);

  return action;
}

static gboolean
contact_is_empty (const AtlaasContact *contact)
{
  return contact->name == NULL && contact->role == NULL
         && contact->email == NULL && contact->phone == NULL;
}

static gboolean
place_is_empty (const AtlaasPlace *place)
{
  return place->name == NULL && place->address == NULL && place->town == NULL
         && place->postal_code == NULL && place->insee_code == NULL
         && place->phone == NULL && !place->has_position;
}

/* Returns TRUE for a form with nothing typed in it, for which no draft is made. */
static gboolean
action_is_empty (const AtlaasAction *action)
{
  if (action->title != NULL || action->subtitle != NULL || action->actions != NULL
      || action->synthesis != NULL || action->tools != NULL || action->providers != NULL
      || action->recommendations != NULL || action->results != NULL
      || action->links->len > 0 || action->services->len > 0)
    return FALSE;

  for (guint i = 0; i < action->contacts->len; i++)
    {
      if (!contact_is_empty (g_ptr_array_index (action->contacts, i)))
        return FALSE;
    }

  for (guint i = 0; i < action->places->len; i++)
    {
      if (!place_is_empty (g_ptr_array_index (action->places, i)))
        return FALSE;
    }

  return TRUE;
}

static void
load_action (AtlaasProposalDialog *self,
             const AtlaasAction   *action)
{
  g_autofree char *date_text = date_to_entry (action->date);
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GPtrArray) places = NULL;

  self->loading = TRUE;

  set_field_text (self, "titre", action->title);
  set_field_text (self, "sous_titre", action->subtitle);
  set_field_text (self, "date", date_text);
  set_field_text (self, "actions", action->actions);
  set_field_text (self, "synthese", action->synthesis);
  set_field_text (self, "outils", action->tools);
  set_field_text (self, "prestataires", action->providers);
  set_field_text (self, "recommandations", action->recommendations);
  set_field_text (self, "resultats", action->results);

  rebuild_links (self, action->links, G_MAXUINT);

  /* The form always shows at least one contact and one place to fill in. */
  contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_contact_free);
  for (guint i = 0; i < action->contacts->len; i++)
    g_ptr_array_add (contacts, atlaas_contact_copy (g_ptr_array_index (action->contacts, i)));
  if (contacts->len == 0)
    g_ptr_array_add (contacts, atlaas_contact_new ());
  rebuild_contacts (self, contacts, G_MAXUINT);

  places = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_place_free);
  for (guint i = 0; i < action->places->len; i++)
    g_ptr_array_add (places, atlaas_place_copy (g_ptr_array_index (action->places, i)));
  if (places->len == 0)
    g_ptr_array_add (places, atlaas_place_new ());
  rebuild_places (self, places, G_MAXUINT);

  g_hash_table_remove_all (self->selected_services);
  for (guint i = 0; i < action->services->len; i++)
    {
      const AtlaasTheme *theme = atlaas_taxonomy_lookup (self->taxonomy,
                                                         g_ptr_array_index (action->services, i));

      if (theme != NULL && theme->level == ATLAAS_THEME_LEVEL_SERVICE)
        g_hash_table_add (self->selected_services, theme->id);
    }
  refresh_services_model (self);

  self->loading = FALSE;
}

/* ---- problems -------------------------------------------------------- */

/* The validator names the date as converted to YYYY-MM-DD, but the form's
 * hint requests DD/MM/YYYY. This replaces the message by one that repeats
 * the typed text in the form's own format. */
static void
reword_date_problem (AtlaasProposalDialog *self)
{
  for (guint i = 0; i < self->problems->len; i++)
    {
      AtlaasProblem *problem = g_ptr_array_index (self->problems, i);
      g_autofree char *typed = NULL;

      if (!g_str_equal (problem->field, "date") || problem->severity != ATLAAS_PROBLEM_ERROR)
        continue;

      typed = get_field_text (self, "date");
      if (typed == NULL || *g_strstrip (typed) == '\0')
        continue;

      g_free (problem->message);
      problem->message = g_strdup_printf (_("“%s” is not a date. Write it as DD/MM/YYYY, for example 15/03/2024."),
                                          typed);
    }
}

static GPtrArray *
validate_form (AtlaasProposalDialog *self)
{
  g_autoptr(AtlaasAction) action = collect_action (self);

  atlaas_validate_normalize_action (action, self->gazetteer);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  self->problems = atlaas_validate_action_full (action, self->gazetteer, self->taxonomy);
  reword_date_problem (self);

  return self->problems;
}

/* The field whose widget shows a problem: positions show under the
 * latitude, and service problems under the list of services. */
static char *
problem_widget_path (AtlaasProposalDialog *self,
                     const char           *problem_field)
{
  if (g_str_has_suffix (problem_field, ".position"))
    {
      g_autofree char *prefix = g_strndup (problem_field, strlen (problem_field) - strlen (".position"));

      return g_strconcat (prefix, ".lat", NULL);
    }

  if (g_str_has_prefix (problem_field, "services"))
    return g_strdup ("services");

  if (g_str_equal (problem_field, "lieux"))
    return g_strdup ("lieux+");

  return g_strdup (problem_field);
}

static void
set_field_problem (Field      *field,
                   const char *message,
                   gboolean    is_error)
{
  gtk_label_set_text (GTK_LABEL (field->error_label), message != NULL ? message : "");
  gtk_widget_set_visible (field->error_label, message != NULL);

  gtk_widget_remove_css_class (field->error_label, "error");
  gtk_widget_remove_css_class (field->error_label, "warning");
  gtk_widget_remove_css_class (field->widget, "error");
  gtk_widget_remove_css_class (field->widget, "warning");

  if (message != NULL)
    {
      gtk_widget_add_css_class (field->error_label, is_error ? "error" : "warning");
      gtk_widget_add_css_class (field->widget, is_error ? "error" : "warning");
    }
}

static void
update_field_from_problems (AtlaasProposalDialog *self,
                            const char           *path,
                            Field                *field)
{
  g_autoptr(GString) messages = g_string_new (NULL);
  gboolean is_error = FALSE;

  for (guint i = 0; self->problems != NULL && i < self->problems->len; i++)
    {
      const AtlaasProblem *problem = g_ptr_array_index (self->problems, i);
      g_autofree char *widget_path = problem_widget_path (self, problem->field);

      if (!g_str_equal (widget_path, path))
        continue;

      if (messages->len > 0)
        g_string_append_c (messages, '\n');
      g_string_append (messages, problem->message);
      is_error |= problem->severity == ATLAAS_PROBLEM_ERROR;
    }

  set_field_problem (field, messages->len > 0 ? messages->str : NULL, is_error);
}

static void
show_field_problem (AtlaasProposalDialog *self,
                    const char           *path)
{
  Field *field;

  /* Leaving the longitude checks the position, shown under the latitude. */
  if (g_str_has_suffix (path, ".lon"))
    {
      g_autofree char *prefix = g_strndup (path, strlen (path) - strlen (".lon"));
      g_autofree char *latitude_path = g_strconcat (prefix, ".lat", NULL);

      show_field_problem (self, latitude_path);
      return;
    }

  field = g_hash_table_lookup (self->fields, path);
  if (field == NULL)
    return;

  validate_form (self);
  update_field_from_problems (self, path, field);
}

/* Shows the problems of every field of a page, or of all pages. */
static void
show_page_problems (AtlaasProposalDialog *self,
                    const char           *page)
{
  GHashTableIter iter;
  const char *path;
  Field *field;

  validate_form (self);

  g_hash_table_iter_init (&iter, self->fields);
  while (g_hash_table_iter_next (&iter, (gpointer *) &path, (gpointer *) &field))
    {
      if (page == NULL || g_str_equal (field->page, page))
        update_field_from_problems (self, path, field);
    }
}

static void
go_to_field (AtlaasProposalDialog *self,
             const char           *problem_field)
{
  g_autofree char *path = problem_widget_path (self, problem_field);
  Field *field = g_hash_table_lookup (self->fields, path);

  if (field == NULL)
    return;

  gtk_stack_set_visible_child_name (self->pages, field->page);
  show_page_problems (self, field->page);
  gtk_widget_grab_focus (field->widget);
}

/* Returns the paths starting with `prefix` whose problem is shown, so a
 * rebuild of the cards can show them again. */
static GPtrArray *
list_shown_problems (AtlaasProposalDialog *self,
                     const char           *prefix)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  const char *path;
  Field *field;

  g_hash_table_iter_init (&iter, self->fields);
  while (g_hash_table_iter_next (&iter, (gpointer *) &path, (gpointer *) &field))
    {
      if (g_str_has_prefix (path, prefix) && gtk_widget_get_visible (field->error_label))
        g_ptr_array_add (paths, g_strdup (path));
    }

  return paths;
}

/* Shows again the problems listed by list_shown_problems() on the rebuilt
 * cards. When the card `removed` was deleted (G_MAXUINT if none), the
 * problems of the following cards move up by one. */
static void
reshow_problems (AtlaasProposalDialog *self,
                 GPtrArray            *paths,
                 const char           *prefix,
                 guint                 removed)
{
  gsize prefix_length = strlen (prefix);

  if (self->loading || paths->len == 0)
    return;

  validate_form (self);

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *new_path = NULL;
      char *end = NULL;
      guint64 index = g_ascii_strtoull (path + prefix_length, &end, 10);
      Field *field;

      if (end == path + prefix_length)
        continue;
      if (removed != G_MAXUINT && index == removed)
        continue;
      if (removed != G_MAXUINT && index > removed)
        index--;

      new_path = g_strdup_printf ("%s%" G_GUINT64_FORMAT "%s", prefix, index, end);
      field = g_hash_table_lookup (self->fields, new_path);
      if (field != NULL)
        update_field_from_problems (self, new_path, field);
    }
}

/* ---- drafts ---------------------------------------------------------- */

static gboolean
save_now (AtlaasProposalDialog *self,
          GError              **error)
{
  g_autoptr(AtlaasAction) action = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *time_text = NULL;
  g_autofree char *status = NULL;
  char *id;

  g_clear_handle_id (&self->save_source_id, g_source_remove);

  if (self->submitted || !g_str_equal (gtk_stack_get_visible_child_name (self->mode_stack), "form"))
    return TRUE;

  action = collect_action (self);
  if (self->draft_id == NULL && action_is_empty (action))
    return TRUE;

  id = atlaas_drafts_save (self->store, self->draft_id, action, error);
  if (id == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->save_label), _("The draft could not be saved"));
      return FALSE;
    }

  g_free (self->draft_id);
  self->draft_id = id;

  now = g_date_time_new_now_local ();
  time_text = g_date_time_format (now, "%H:%M:%S");
  /* Translators: %s is a time, "14:05:12". */
  status = g_strdup_printf (_("Draft saved at %s"), time_text);
  gtk_label_set_text (GTK_LABEL (self->save_label), status);

  return TRUE;
}

static void
save_timeout_cb (gpointer user_data)
{
  AtlaasProposalDialog *self = user_data;
  g_autoptr(GError) error = NULL;

  self->save_source_id = 0;
  if (!save_now (self, &error))
    g_warning ("Saving the draft %s failed: %s",
               self->draft_id != NULL ? self->draft_id : "(new)", error->message);
}

/* Saves within ATLAAS_PROPOSAL_SAVE_DELAY_MS of the first unsaved change, so
 * that typing costs one write per half second at most. */
static void
schedule_save (AtlaasProposalDialog *self)
{
  if (self->loading || self->submitted || self->save_source_id != 0)
    return;

  self->save_source_id = g_timeout_add_once (ATLAAS_PROPOSAL_SAVE_DELAY_MS, save_timeout_cb, self);
}

/* ---- page 1: the action ---------------------------------------------- */

static void
subtitle_changed_cb (GtkEditable          *editable,
                     AtlaasProposalDialog *self)
{
  glong length = g_utf8_strlen (gtk_editable_get_text (editable), -1);
  g_autofree char *text = g_strdup_printf ("%ld / %d", length, ATLAAS_SUBTITLE_MAX_CHARS);

  gtk_label_set_text (GTK_LABEL (self->subtitle_counter), text);
  if (length > ATLAAS_SUBTITLE_MAX_CHARS)
    gtk_widget_add_css_class (self->subtitle_counter, "warning");
  else
    gtk_widget_remove_css_class (self->subtitle_counter, "warning");
}

static void
calendar_day_selected_cb (GtkCalendar          *calendar,
                          AtlaasProposalDialog *self)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (calendar);
  g_autofree char *text = g_date_time_format (date, "%d/%m/%Y");

  set_field_text (self, "date", text);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->date_button));
  show_field_problem (self, "date");
}

/* Opens the calendar on the date typed, when it is one. */
static void
date_popover_show_cb (GtkPopover           *popover,
                      AtlaasProposalDialog *self)
{
  g_autofree char *text = get_field_text (self, "date");
  g_autofree char *iso = date_from_entry (text);

  if (iso != NULL && atlaas_validate_is_iso_date (iso))
    {
      g_autofree char *with_time = g_strconcat (iso, "T12:00:00", NULL);
      g_autoptr(GDateTime) date = g_date_time_new_from_iso8601 (with_time, g_time_zone_new_local ());

      if (date != NULL)
        {
          g_signal_handlers_block_by_func (self->date_calendar, calendar_day_selected_cb, self);
          gtk_calendar_select_day (GTK_CALENDAR (self->date_calendar), date);
          g_signal_handlers_unblock_by_func (self->date_calendar, calendar_day_selected_cb, self);
        }
    }
}

static void
build_action_page (AtlaasProposalDialog *self)
{
  GtkWidget *page = new_page (self, "action", _("The Action"), 1,
                              _("Describe the digital action of your local government. "
                                "Fields marked with an asterisk are required."));
  GtkWidget *title = new_entry (_("For example: Digital public space in the town hall"), GTK_INPUT_PURPOSE_FREE_FORM);
  GtkWidget *subtitle = new_entry (NULL, GTK_INPUT_PURPOSE_FREE_FORM);
  GtkWidget *subtitle_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *date = new_entry (_("DD/MM/YYYY"), GTK_INPUT_PURPOSE_DIGITS);
  GtkWidget *date_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *popover = gtk_popover_new ();
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autofree char *today_text = g_date_time_format (today, "%d/%m/%Y");

  add_field (self, page, "action", "titre", _("_Title *"), NULL, title, NULL);

  self->subtitle_counter = gtk_label_new ("0 / 140");
  gtk_widget_add_css_class (self->subtitle_counter, "dim-label");
  gtk_widget_add_css_class (self->subtitle_counter, "numeric");
  gtk_box_append (GTK_BOX (subtitle_row), subtitle);
  gtk_box_append (GTK_BOX (subtitle_row), self->subtitle_counter);
  g_signal_connect_object (subtitle, "changed", G_CALLBACK (subtitle_changed_cb), self, 0);
  add_field (self, page, "action", "sous_titre", _("_Subtitle"),
             _("A short description. Keep it within two lines."), subtitle, subtitle_row);

  gtk_editable_set_text (GTK_EDITABLE (date), today_text);
  gtk_editable_set_width_chars (GTK_EDITABLE (date), 12);
  gtk_widget_set_hexpand (date, FALSE);
  self->date_calendar = gtk_calendar_new ();
  g_signal_connect_object (self->date_calendar, "day-selected",
                           G_CALLBACK (calendar_day_selected_cb), self, 0);
  gtk_popover_set_child (GTK_POPOVER (popover), self->date_calendar);
  g_signal_connect_object (popover, "show", G_CALLBACK (date_popover_show_cb), self, 0);
  self->date_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->date_button), "x-office-calendar-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->date_button), popover);
  gtk_widget_set_tooltip_text (self->date_button, _("Choose the date in a calendar"));
  gtk_box_append (GTK_BOX (date_row), date);
  gtk_box_append (GTK_BOX (date_row), self->date_button);
  add_field (self, page, "action", "date", _("_Date *"),
             _("Today by default. Type it as DD/MM/YYYY or choose it in the calendar."),
             date, date_row);

  add_field (self, page, "action", "actions", _("_Actions *"),
             _("What was done, as factually as possible."), new_text_view (), NULL);
  add_field (self, page, "action", "synthese", _("S_ummary"),
             _("A more detailed description."), new_text_view (), NULL);
}

/* ---- page 2: details and links --------------------------------------- */

static void
remove_link_clicked_cb (GtkButton            *button,
                        AtlaasProposalDialog *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "atlaas-index"));
  g_autoptr(AtlaasAction) action = collect_action (self);

  g_ptr_array_remove_index (action->links, index);
  rebuild_links (self, action->links, index);
  schedule_save (self);
}

static void
rebuild_links (AtlaasProposalDialog *self,
               GPtrArray            *links,
               guint                 removed)
{
  g_autoptr(GPtrArray) shown = list_shown_problems (self, "liens[");
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->links_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->links_box), child);
  remove_fields_with_prefix (self, "liens[");

  for (guint i = 0; i < links->len; i++)
    {
      g_autofree char *path = field_path ("liens", i, NULL);
      /* Translators: the title of the n-th web link of an action. */
      g_autofree char *title = g_strdup_printf (_("Link %u"), i + 1);
      GtkWidget *entry = new_entry ("https://", GTK_INPUT_PURPOSE_URL);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *remove = new_remove_button (_("Remove this link"));

      gtk_editable_set_text (GTK_EDITABLE (entry), g_ptr_array_index (links, i));
      g_object_set_data (G_OBJECT (remove), "atlaas-index", GUINT_TO_POINTER (i));
      g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_link_clicked_cb), self, 0);
      gtk_box_append (GTK_BOX (row), entry);
      gtk_box_append (GTK_BOX (row), remove);
      add_field (self, self->links_box, "details", path, title, NULL, entry, row);
    }

  self->n_links = links->len;
  reshow_problems (self, shown, "liens[", removed);
}

static void
add_link_clicked_cb (AtlaasProposalDialog *self)
{
  atlaas_proposal_dialog_add_link (self);
}

static void
build_details_page (AtlaasProposalDialog *self)
{
  GtkWidget *page = new_page (self, "details", _("Details"), 2,
                              _("Everything that helps others do the same: tools, partners, advice, results."));
  GtkWidget *add_button = gtk_button_new_with_mnemonic (_("_Add a Link"));
  Field *field = g_new0 (Field, 1);

  add_field (self, page, "details", "outils", _("_Tools"),
             _("Hardware or software created or used for the action."), new_text_view (), NULL);
  add_field (self, page, "details", "prestataires", _("_Providers"),
             _("The organisations involved in the action."), new_text_view (), NULL);
  add_field (self, page, "details", "recommandations", _("_Recommendations"),
             _("Advice for those who want to do the same."), new_text_view (), NULL);
  add_field (self, page, "details", "resultats", _("R_esults"),
             _("Results already visible: figures, attendance, feedback."), new_text_view (), NULL);

  gtk_box_append (GTK_BOX (page), new_section_heading (_("Web Links")));
  self->links_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (page), self->links_box);

  gtk_widget_set_halign (add_button, GTK_ALIGN_START);
  g_signal_connect_object (add_button, "clicked", G_CALLBACK (add_link_clicked_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (page), add_button);
  field->widget = add_button;
  field->error_label = g_object_ref_sink (gtk_label_new (NULL));
  field->owns_error_label = TRUE;
  field->page = "details";
  g_hash_table_replace (self->fields, g_strdup ("liens+"), field);
}

/* ---- page 3: people --------------------------------------------------- */

static void
remove_contact_clicked_cb (GtkButton            *button,
                           AtlaasProposalDialog *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "atlaas-index"));
  g_autoptr(AtlaasAction) action = collect_action (self);

  g_ptr_array_remove_index (action->contacts, index);
  rebuild_contacts (self, action->contacts, index);
  schedule_save (self);
}

static GtkWidget *
new_card (const char *title,
          GtkWidget  *remove_button,
          GtkWidget **content)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (title);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_set_margin_bottom (card, 6);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "title-4");
  gtk_box_append (GTK_BOX (header), label);
  if (remove_button != NULL)
    gtk_box_append (GTK_BOX (header), remove_button);

  *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (*content, 12);
  gtk_widget_set_margin_bottom (*content, 12);
  gtk_widget_set_margin_start (*content, 12);
  gtk_widget_set_margin_end (*content, 12);
  gtk_box_append (GTK_BOX (*content), header);
  gtk_box_append (GTK_BOX (card), *content);

  return card;
}

static void
rebuild_contacts (AtlaasProposalDialog *self,
                  GPtrArray            *contacts,
                  guint                 removed)
{
  g_autoptr(GPtrArray) shown = list_shown_problems (self, "personnes[");
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->contacts_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->contacts_box), child);
  remove_fields_with_prefix (self, "personnes[");

  for (guint i = 0; i < contacts->len; i++)
    {
      const AtlaasContact *contact = g_ptr_array_index (contacts, i);
      /* Translators: the title of the n-th contact person of an action. */
      g_autofree char *title = g_strdup_printf (_("Contact %u"), i + 1);
      GtkWidget *remove = new_remove_button (_("Remove this contact"));
      GtkWidget *content = NULL;
      GtkWidget *card = new_card (title, remove, &content);
      struct { const char *member; const char *title; GtkInputPurpose purpose; const char *value; } rows[] = {
        { "nom", _("_Name"), GTK_INPUT_PURPOSE_NAME, contact->name },
        { "titre", _("_Role"), GTK_INPUT_PURPOSE_FREE_FORM, contact->role },
        { "courriel", _("_E-mail"), GTK_INPUT_PURPOSE_EMAIL, contact->email },
        { "telephone", _("_Phone"), GTK_INPUT_PURPOSE_PHONE, contact->phone },
      };

      g_object_set_data (G_OBJECT (remove), "atlaas-index", GUINT_TO_POINTER (i));
      g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_contact_clicked_cb), self, 0);

      for (guint j = 0; j < G_N_ELEMENTS (rows); j++)
        {
          g_autofree char *path = field_path ("personnes", i, rows[j].member);
          GtkWidget *entry = new_entry (NULL, rows[j].purpose);

          if (g_str_equal (rows[j].member, "courriel"))
            gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("name@example.fr"));
          else if (g_str_equal (rows[j].member, "telephone"))
            gtk_entry_set_placeholder_text (GTK_ENTRY (entry), "01 23 45 67 89");
          gtk_editable_set_text (GTK_EDITABLE (entry), rows[j].value != NULL ? rows[j].value : "");
          add_field (self, content, "people", path, rows[j].title, NULL, entry, NULL);
        }

      gtk_box_append (GTK_BOX (self->contacts_box), card);
    }

  self->n_contacts = contacts->len;
  reshow_problems (self, shown, "personnes[", removed);
}

static void
add_contact_clicked_cb (AtlaasProposalDialog *self)
{
  atlaas_proposal_dialog_add_contact (self);
}

static void
build_people_page (AtlaasProposalDialog *self)
{
  GtkWidget *page = new_page (self, "people", _("People"), 3,
                              _("Who can tell more about the action? Give at least one contact."));
  GtkWidget *add_button = gtk_button_new_with_mnemonic (_("_Add a Contact"));
  Field *field = g_new0 (Field, 1);

  self->contacts_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (page), self->contacts_box);

  gtk_widget_set_halign (add_button, GTK_ALIGN_START);
  g_signal_connect_object (add_button, "clicked", G_CALLBACK (add_contact_clicked_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (page), add_button);
  field->widget = add_button;
  field->error_label = g_object_ref_sink (gtk_label_new (NULL));
  field->owns_error_label = TRUE;
  field->page = "people";
  g_hash_table_replace (self->fields, g_strdup ("personnes+"), field);
}

/* ---- page 4: places --------------------------------------------------- */

static const char *
place_field_widget_text (AtlaasProposalDialog *self,
                         guint                 index,
                         const char           *member)
{
  g_autofree char *path = field_path ("lieux", index, member);
  Field *field = g_hash_table_lookup (self->fields, path);

  return gtk_editable_get_text (GTK_EDITABLE (field->widget));
}

static void
draw_marker (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  double radius = MIN (width, height) / 2.0 - 2;

  cairo_arc (cr, width / 2.0, height / 2.0, radius, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, 0.75, 0.11, 0.16);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 3);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_stroke (cr);
}

static void
update_marker (PlaceWidgets *place)
{
  AtlaasProposalDialog *self = place->dialog;
  double latitude, longitude;
  gboolean valid;

  valid = parse_coordinate (place_field_widget_text (self, place->index, "lat"), &latitude)
          && parse_coordinate (place_field_widget_text (self, place->index, "lon"), &longitude)
          && fabs (latitude) <= 85.0 && fabs (longitude) <= 180.0;

  gtk_widget_set_visible (GTK_WIDGET (place->marker), valid);
  if (valid)
    shumate_location_set_location (SHUMATE_LOCATION (place->marker), latitude, longitude);
}

static void
position_changed_cb (GtkEditable  *editable,
                     PlaceWidgets *place)
{
  update_marker (place);
}

static void
center_map (PlaceWidgets *place,
            double        latitude,
            double        longitude,
            double        zoom)
{
  ShumateMap *map = shumate_simple_map_get_map (SHUMATE_SIMPLE_MAP (place->map));
  ShumateViewport *viewport = shumate_map_get_viewport (map);

  shumate_viewport_set_zoom_level (viewport, zoom);
  shumate_map_center_on (map, latitude, longitude);
}

static void
set_position_entries (PlaceWidgets *place,
                      double        latitude,
                      double        longitude)
{
  AtlaasProposalDialog *self = place->dialog;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  set_indexed_text (self, "lieux", place->index, "lat",
                    g_ascii_formatd (buffer, sizeof buffer, "%.6f", latitude));
  set_indexed_text (self, "lieux", place->index, "lon",
                    g_ascii_formatd (buffer, sizeof buffer, "%.6f", longitude));

  if (!self->loading)
    {
      g_autofree char *path = field_path ("lieux", place->index, "lat");

      show_field_problem (self, path);
    }
}

static void
map_clicked_cb (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                PlaceWidgets    *place)
{
  GtkWidget *map = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  ShumateViewport *viewport = shumate_map_get_viewport (SHUMATE_MAP (map));
  double latitude, longitude;

  if (n_press != 1)
    return;

  shumate_viewport_widget_coords_to_location (viewport, map, x, y, &latitude, &longitude);
  set_position_entries (place, latitude, longitude);
}

static void
marker_drag_begin_cb (GtkGestureDrag *gesture,
                      double          x,
                      double          y,
                      PlaceWidgets   *place)
{
  ShumateMap *map = shumate_simple_map_get_map (SHUMATE_SIMPLE_MAP (place->map));

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  shumate_viewport_location_to_widget_coords (shumate_map_get_viewport (map), GTK_WIDGET (map),
                                              shumate_location_get_latitude (SHUMATE_LOCATION (place->marker)),
                                              shumate_location_get_longitude (SHUMATE_LOCATION (place->marker)),
                                              &place->drag_start_x, &place->drag_start_y);
}

static void
marker_drag_update_cb (GtkGestureDrag *gesture,
                       double          dx,
                       double          dy,
                       PlaceWidgets   *place)
{
  ShumateMap *map = shumate_simple_map_get_map (SHUMATE_SIMPLE_MAP (place->map));
  double latitude, longitude;

  shumate_viewport_widget_coords_to_location (shumate_map_get_viewport (map), GTK_WIDGET (map),
                                              place->drag_start_x + dx, place->drag_start_y + dy,
                                              &latitude, &longitude);
  set_position_entries (place, latitude, longitude);
}

static void
describe_commune (PlaceWidgets        *place,
                  const AtlaasCommune *commune)
{
  AtlaasProposalDialog *self = place->dialog;
  const AtlaasDepartement *departement = NULL;
  const AtlaasRegion *region = NULL;
  g_autofree char *text = NULL;

  if (commune == NULL)
    {
      gtk_label_set_text (GTK_LABEL (place->commune_label), "");
      gtk_widget_set_visible (place->commune_label, FALSE);
      return;
    }

  departement = atlaas_gazetteer_lookup_departement (self->gazetteer, commune->departement);
  region = atlaas_gazetteer_lookup_region (self->gazetteer, commune->region);
  /* Translators: "Lyon, INSEE code 69123 · Rhône (69) · Auvergne-Rhône-Alpes (84)". */
  text = g_strdup_printf (_("%s, INSEE code %s · %s (%s) · %s (%s)"),
                          commune->name, commune->insee_code,
                          departement != NULL ? departement->name : "", commune->departement,
                          region != NULL ? region->name : "", commune->region);
  gtk_label_set_text (GTK_LABEL (place->commune_label), text);
  gtk_widget_set_visible (place->commune_label, TRUE);
}

static void
hide_suggestions (PlaceWidgets *place)
{
  gtk_widget_set_visible (place->suggestions_frame, FALSE);
}

static void
town_changed_cb (GtkEditable  *editable,
                 PlaceWidgets *place)
{
  AtlaasProposalDialog *self = place->dialog;
  const char *text = gtk_editable_get_text (editable);
  g_autoptr(GPtrArray) communes = NULL;
  GtkWidget *child;

  if (place->updating || self->loading)
    return;

  /* A town typed again no longer matches the commune chosen before. */
  place->updating = TRUE;
  set_indexed_text (self, "lieux", place->index, "id_insee", NULL);
  set_indexed_text (self, "lieux", place->index, "departement", NULL);
  set_indexed_text (self, "lieux", place->index, "region", NULL);
  describe_commune (place, NULL);
  place->updating = FALSE;

  while ((child = gtk_widget_get_first_child (place->suggestions)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (place->suggestions), child);

  if (g_utf8_strlen (text, -1) < 2)
    {
      hide_suggestions (place);
      return;
    }

  communes = atlaas_gazetteer_complete (self->gazetteer, text, MAX_SUGGESTIONS);
  for (guint i = 0; communes != NULL && i < communes->len; i++)
    {
      const AtlaasCommune *commune = g_ptr_array_index (communes, i);
      const AtlaasDepartement *departement = atlaas_gazetteer_lookup_departement (self->gazetteer,
                                                                                  commune->departement);
      g_autofree char *codes = commune->postal_codes != NULL
                               ? g_strjoinv (", ", (char **) commune->postal_codes) : g_strdup ("");
      g_autofree char *label_text = g_strdup_printf ("%s — %s — %s (%s)", commune->name, codes,
                                                     departement != NULL ? departement->name : "",
                                                     commune->departement);
      GtkWidget *label = gtk_label_new (label_text);
      GtkWidget *row = gtk_list_box_row_new ();

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_widget_set_margin_start (label, 8);
      gtk_widget_set_margin_end (label, 8);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      g_object_set_data_full (G_OBJECT (row), "atlaas-insee", g_strdup (commune->insee_code), g_free);
      gtk_list_box_append (GTK_LIST_BOX (place->suggestions), row);
    }

  gtk_widget_set_visible (place->suggestions_frame, communes != NULL && communes->len > 0);
}

static void
suggestion_activated_cb (GtkListBox    *list,
                         GtkListBoxRow *row,
                         PlaceWidgets  *place)
{
  const char *insee_code = g_object_get_data (G_OBJECT (row), "atlaas-insee");
  g_autofree char *path = field_path ("lieux", place->index, "ville");
  Field *field = g_hash_table_lookup (place->dialog->fields, path);

  atlaas_proposal_dialog_choose_commune (place->dialog, place->index, insee_code);
  gtk_widget_grab_focus (field->widget);
}

static gboolean
town_key_pressed_cb (GtkEventControllerKey *controller,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     PlaceWidgets          *place)
{
  GtkListBoxRow *first;

  if (!gtk_widget_get_visible (place->suggestions_frame))
    return GDK_EVENT_PROPAGATE;

  if (keyval == GDK_KEY_Escape)
    {
      hide_suggestions (place);
      return GDK_EVENT_STOP;
    }

  if (keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down)
    {
      first = gtk_list_box_get_row_at_index (GTK_LIST_BOX (place->suggestions), 0);
      if (first != NULL)
        gtk_widget_grab_focus (GTK_WIDGET (first));
      return GDK_EVENT_STOP;
    }

  /* Enter takes the first suggestion. */
  if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter)
    {
      first = gtk_list_box_get_row_at_index (GTK_LIST_BOX (place->suggestions), 0);
      if (first != NULL)
        suggestion_activated_cb (GTK_LIST_BOX (place->suggestions), first, place);
      return GDK_EVENT_STOP;
    }

  return GDK_EVENT_PROPAGATE;
}

static void
remove_place_clicked_cb (GtkButton            *button,
                         AtlaasProposalDialog *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "atlaas-index"));
  g_autoptr(AtlaasAction) action = collect_action (self);

  g_ptr_array_remove_index (action->places, index);
  rebuild_places (self, action->places, index);
  schedule_save (self);
}

/* The template of ShumateSimpleMap in libshumate 1.0.3 does not mark the
 * tooltips of its zoom buttons for translation, so they are set again here
 * from the app's catalogue. */
static void
translate_zoom_tooltips (GtkWidget *widget)
{
  const char *tooltip = gtk_widget_get_tooltip_text (widget);

  if (g_strcmp0 (tooltip, "Zoom In") == 0)
    gtk_widget_set_tooltip_text (widget, _("Zoom In"));
  else if (g_strcmp0 (tooltip, "Zoom Out") == 0)
    gtk_widget_set_tooltip_text (widget, _("Zoom Out"));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    translate_zoom_tooltips (child);
}

static GtkWidget *
new_map (AtlaasProposalDialog *self,
         PlaceWidgets         *place)
{
  GtkWidget *simple_map = GTK_WIDGET (shumate_simple_map_new ());
  ShumateMap *map = shumate_simple_map_get_map (SHUMATE_SIMPLE_MAP (simple_map));
  ShumateViewport *viewport = shumate_map_get_viewport (map);
  g_autoptr(GError) error = NULL;
  g_autofree char *basemap_path = atlaas_data_find_file ("basemap.json", NULL);
  g_autoptr(AtlaasBasemapSource) source = NULL;
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkWidget *dot = gtk_drawing_area_new ();

  /* NOTE: the form draws the offline base map only, so that it works
   * without a network; the main window's tile settings do not apply here. */
  if (basemap_path != NULL)
    source = atlaas_basemap_source_new_from_file (basemap_path, &error);
  if (source == NULL)
    {
      if (error != NULL)
        g_warning ("Base map not loaded: %s", error->message);
      source = atlaas_basemap_source_new_empty ();
    }
  shumate_simple_map_set_map_source (SHUMATE_SIMPLE_MAP (simple_map), SHUMATE_MAP_SOURCE (source));
  shumate_simple_map_set_show_zoom_buttons (SHUMATE_SIMPLE_MAP (simple_map), TRUE);
  translate_zoom_tooltips (simple_map);
  gtk_widget_set_size_request (simple_map, -1, 280);
  gtk_widget_add_css_class (simple_map, "card");
  gtk_widget_set_overflow (simple_map, GTK_OVERFLOW_HIDDEN);

  place->marker_layer = shumate_marker_layer_new (viewport);
  shumate_simple_map_add_overlay_layer (SHUMATE_SIMPLE_MAP (simple_map), SHUMATE_LAYER (place->marker_layer));

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (dot), 22);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (dot), 22);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (dot), draw_marker, NULL, NULL);
  place->marker = shumate_marker_new ();
  shumate_marker_set_child (place->marker, dot);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (place->marker), "move");
  gtk_widget_set_visible (GTK_WIDGET (place->marker), FALSE);
  shumate_marker_layer_add_marker (place->marker_layer, place->marker);

  g_signal_connect (drag, "drag-begin", G_CALLBACK (marker_drag_begin_cb), place);
  g_signal_connect (drag, "drag-update", G_CALLBACK (marker_drag_update_cb), place);
  gtk_widget_add_controller (GTK_WIDGET (place->marker), GTK_EVENT_CONTROLLER (drag));

  g_signal_connect (click, "released", G_CALLBACK (map_clicked_cb), place);
  gtk_widget_add_controller (GTK_WIDGET (map), GTK_EVENT_CONTROLLER (click));

  /* Metropolitan France until a commune is chosen. */
  shumate_viewport_set_zoom_level (viewport, 4.6);
  shumate_map_center_on (map, 46.6, 2.4);

  return simple_map;
}

static GtkWidget *
add_place_entry (AtlaasProposalDialog *self,
                 GtkWidget            *box,
                 guint                 index,
                 const char           *member,
                 const char           *title,
                 const char           *hint,
                 const char           *value,
                 GtkInputPurpose       purpose,
                 gboolean              editable)
{
  g_autofree char *path = field_path ("lieux", index, member);
  GtkWidget *entry = new_entry (NULL, purpose);

  gtk_editable_set_text (GTK_EDITABLE (entry), value != NULL ? value : "");
  gtk_editable_set_editable (GTK_EDITABLE (entry), editable);
  if (!editable)
    gtk_widget_add_css_class (entry, "dim-label");
  add_field (self, box, "places", path, title, hint, entry, NULL);

  return entry;
}

static void
build_place_card (AtlaasProposalDialog *self,
                  const AtlaasPlace    *place,
                  guint                 index,
                  gboolean              removable)
{
  PlaceWidgets *widgets = g_new0 (PlaceWidgets, 1);
  /* Translators: the title of the n-th place of an action. */
  g_autofree char *title = g_strdup_printf (_("Place %u"), index + 1);
  GtkWidget *remove = removable ? new_remove_button (_("Remove this place")) : NULL;
  GtkWidget *content = NULL;
  GtkWidget *card = new_card (title, remove, &content);
  GtkWidget *town;
  GtkWidget *codes_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *area_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *position_row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *latitude, *longitude;
  GtkWidget *type;
  GtkEventController *keys = gtk_event_controller_key_new ();
  g_autofree char *type_path = field_path ("lieux", index, "type");
  const char * const type_labels[] = { _("Town or village"), _("Other"), NULL };
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  widgets->dialog = self;
  widgets->index = index;
  g_ptr_array_add (self->place_widgets, widgets);

  if (remove != NULL)
    {
      g_object_set_data (G_OBJECT (remove), "atlaas-index", GUINT_TO_POINTER (index));
      g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_place_clicked_cb), self, 0);
    }

  add_place_entry (self, content, index, "nom", _("_Name"),
                   _("For example: Town hall, Media library, Digital public space."),
                   place->name, GTK_INPUT_PURPOSE_FREE_FORM, TRUE);
  add_place_entry (self, content, index, "adresse", _("_Address"), NULL,
                   place->address, GTK_INPUT_PURPOSE_FREE_FORM, TRUE);

  town = add_place_entry (self, content, index, "ville", _("_Town *"),
                          _("Type the name or the postal code of the commune, then choose it in the list."),
                          place->town, GTK_INPUT_PURPOSE_FREE_FORM, TRUE);
  g_signal_connect (town, "changed", G_CALLBACK (town_changed_cb), widgets);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (town_key_pressed_cb), widgets);
  gtk_widget_add_controller (town, keys);

  widgets->suggestions = gtk_list_box_new ();
  gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (widgets->suggestions), TRUE);
  gtk_widget_add_css_class (widgets->suggestions, "boxed-list");
  g_signal_connect (widgets->suggestions, "row-activated", G_CALLBACK (suggestion_activated_cb), widgets);
  widgets->suggestions_frame = widgets->suggestions;
  gtk_widget_set_visible (widgets->suggestions_frame, FALSE);
  /* The suggestions sit right under the town field. */
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (town)), widgets->suggestions_frame, town);

  widgets->commune_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (widgets->commune_label), 0);
  gtk_label_set_wrap (GTK_LABEL (widgets->commune_label), TRUE);
  gtk_widget_add_css_class (widgets->commune_label, "dim-label");
  gtk_box_append (GTK_BOX (content), widgets->commune_label);
  gtk_widget_set_visible (widgets->commune_label, FALSE);

  add_place_entry (self, codes_row, index, "code_postal", _("_Postal Code"), NULL,
                   place->postal_code, GTK_INPUT_PURPOSE_DIGITS, TRUE);
  add_place_entry (self, codes_row, index, "id_insee", _("INSEE Code"), NULL,
                   place->insee_code, GTK_INPUT_PURPOSE_FREE_FORM, FALSE);
  gtk_box_append (GTK_BOX (content), codes_row);

  add_place_entry (self, area_row, index, "departement", _("Département"), NULL,
                   place->departement, GTK_INPUT_PURPOSE_FREE_FORM, FALSE);
  add_place_entry (self, area_row, index, "region", _("Région"), NULL,
                   place->region, GTK_INPUT_PURPOSE_FREE_FORM, FALSE);
  gtk_box_append (GTK_BOX (content), area_row);

  add_place_entry (self, content, index, "telephone", _("P_hone"), NULL,
                   place->phone, GTK_INPUT_PURPOSE_PHONE, TRUE);

  type = gtk_drop_down_new_from_strings (type_labels);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (type), place->type == ATLAAS_PLACE_TYPE_OTHER ? 1 : 0);
  gtk_widget_set_halign (type, GTK_ALIGN_START);
  g_signal_connect_object (type, "notify::selected", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  add_field (self, content, "places", type_path, _("T_ype"), NULL, type, NULL);

  gtk_box_append (GTK_BOX (content), new_section_heading (_("Position")));
  {
    GtkWidget *hint = gtk_label_new (_("Click on the map where the action takes place, or drag the marker. "
                                       "You can also type the latitude and longitude."));

    gtk_label_set_xalign (GTK_LABEL (hint), 0);
    gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
    gtk_widget_add_css_class (hint, "dim-label");
    gtk_box_append (GTK_BOX (content), hint);
  }
  widgets->map = new_map (self, widgets);
  gtk_box_append (GTK_BOX (content), widgets->map);

  /* The validator requires a position on at least one place and reports its
   * absence on the first one, so only the first place marks it required. */
  latitude = add_place_entry (self, position_row, index, "lat",
                              index == 0 ? _("_Latitude *") : _("_Latitude"), NULL,
                              place->has_position ? g_ascii_formatd (buffer, sizeof buffer, "%.6f", place->latitude) : NULL,
                              GTK_INPUT_PURPOSE_NUMBER, TRUE);
  longitude = add_place_entry (self, position_row, index, "lon",
                               index == 0 ? _("L_ongitude *") : _("L_ongitude"), NULL,
                               place->has_position ? g_ascii_formatd (buffer, sizeof buffer, "%.6f", place->longitude) : NULL,
                               GTK_INPUT_PURPOSE_NUMBER, TRUE);
  g_signal_connect (latitude, "changed", G_CALLBACK (position_changed_cb), widgets);
  g_signal_connect (longitude, "changed", G_CALLBACK (position_changed_cb), widgets);
  gtk_box_append (GTK_BOX (content), position_row);

  gtk_box_append (GTK_BOX (self->places_box), card);

  /* Show the commune and the position already known. */
  if (place->insee_code != NULL)
    describe_commune (widgets, atlaas_gazetteer_lookup_insee (self->gazetteer, place->insee_code));
  update_marker (widgets);
  if (place->has_position)
    center_map (widgets, place->latitude, place->longitude, COMMUNE_ZOOM);
}

static void
rebuild_places (AtlaasProposalDialog *self,
                GPtrArray            *places,
                guint                 removed)
{
  g_autoptr(GPtrArray) shown = list_shown_problems (self, "lieux[");
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->places_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->places_box), child);
  remove_fields_with_prefix (self, "lieux[");
  g_ptr_array_set_size (self->place_widgets, 0);

  for (guint i = 0; i < places->len; i++)
    build_place_card (self, g_ptr_array_index (places, i), i, places->len > 1);

  reshow_problems (self, shown, "lieux[", removed);
}

static void
add_place_clicked_cb (AtlaasProposalDialog *self)
{
  atlaas_proposal_dialog_add_place (self);
}

static void
build_places_page (AtlaasProposalDialog *self)
{
  GtkWidget *page = new_page (self, "places", _("Places"), 4,
                              _("Where was the action carried out? The first place puts it on the map."));
  GtkWidget *add_button = gtk_button_new_with_mnemonic (_("_Add a Place"));
  Field *field = g_new0 (Field, 1);

  self->places_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (page), self->places_box);

  gtk_widget_set_halign (add_button, GTK_ALIGN_START);
  g_signal_connect_object (add_button, "clicked", G_CALLBACK (add_place_clicked_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (page), add_button);
  field->widget = add_button;
  field->error_label = g_object_ref_sink (gtk_label_new (NULL));
  field->owns_error_label = TRUE;
  field->page = "places";
  g_hash_table_replace (self->fields, g_strdup ("lieux+"), field);
}

/* ---- page 5: services ------------------------------------------------- */

static void
update_services_count (AtlaasProposalDialog *self)
{
  guint n = g_hash_table_size (self->selected_services);
  g_autofree char *text = NULL;

  if (n == 0)
    text = g_strdup (_("No service chosen yet."));
  else
    text = g_strdup_printf (ngettext ("%u service chosen.", "%u services chosen.", n), n);
  gtk_label_set_text (GTK_LABEL (self->services_count), text);
}

static GListStore *
new_theme_store (AtlaasProposalDialog *self,
                 GPtrArray            *themes)
{
  GListStore *store = g_list_store_new (GTK_TYPE_STRING_OBJECT);

  for (guint i = 0; i < themes->len; i++)
    {
      const AtlaasTheme *theme = g_ptr_array_index (themes, i);
      g_autoptr(GtkStringObject) item = NULL;

      if (self->visible_themes != NULL && !g_hash_table_contains (self->visible_themes, theme->id))
        continue;

      item = gtk_string_object_new (theme->id);
      g_list_store_append (store, item);
    }

  return store;
}

static GListModel *
create_theme_children (gpointer item,
                       gpointer user_data)
{
  AtlaasProposalDialog *self = user_data;
  const AtlaasTheme *theme = atlaas_taxonomy_lookup (self->taxonomy,
                                                     gtk_string_object_get_string (item));

  if (theme == NULL || theme->children == NULL || theme->children->len == 0)
    return NULL;

  return G_LIST_MODEL (new_theme_store (self, theme->children));
}

static void
mark_visible_with_relatives (GHashTable        *visible,
                             const AtlaasTheme *theme)
{
  /* The ancestors lead to it, and its descendants are what it contains. */
  for (const AtlaasTheme *ancestor = theme; ancestor != NULL; ancestor = ancestor->parent)
    g_hash_table_add (visible, ancestor->id);

  for (guint i = 0; theme->children != NULL && i < theme->children->len; i++)
    mark_visible_with_relatives (visible, g_ptr_array_index (theme->children, i));
}

static void
refresh_services_model (AtlaasProposalDialog *self)
{
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->services_search));
  g_autofree char *folded_query = atlaas_text_fold (query);
  g_autoptr(GListStore) roots = NULL;
  GtkTreeListModel *tree;
  GtkNoSelection *selection;
  gboolean searching = folded_query != NULL && folded_query[0] != '\0';

  g_clear_pointer (&self->visible_themes, g_hash_table_unref);
  if (searching)
    {
      GPtrArray *all = atlaas_taxonomy_get_all (self->taxonomy);

      self->visible_themes = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < all->len; i++)
        {
          const AtlaasTheme *theme = g_ptr_array_index (all, i);
          g_autofree char *label = atlaas_text_fold (theme->label);

          if (label != NULL && strstr (label, folded_query) != NULL)
            mark_visible_with_relatives (self->visible_themes, theme);
        }
    }

  roots = new_theme_store (self, atlaas_taxonomy_get_axes (self->taxonomy));
  tree = gtk_tree_list_model_new (G_LIST_MODEL (g_steal_pointer (&roots)), FALSE, searching,
                                  create_theme_children, self, NULL);
  selection = gtk_no_selection_new (G_LIST_MODEL (tree));
  gtk_list_view_set_model (GTK_LIST_VIEW (self->services_view), GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);

  update_services_count (self);
}

static void
services_search_changed_cb (AtlaasProposalDialog *self)
{
  refresh_services_model (self);
}

static void
show_services_problem_if_shown (AtlaasProposalDialog *self)
{
  Field *field = g_hash_table_lookup (self->fields, "services");

  if (field != NULL && gtk_widget_get_visible (field->error_label))
    show_field_problem (self, "services");
}

static void
service_toggled_cb (GtkCheckButton       *check,
                    AtlaasProposalDialog *self)
{
  const char *id = g_object_get_data (G_OBJECT (check), "atlaas-service");
  gboolean active = gtk_check_button_get_active (check);

  if (id == NULL || active == g_hash_table_contains (self->selected_services, id))
    return;

  if (active)
    g_hash_table_add (self->selected_services, (gpointer) id);
  else
    g_hash_table_remove (self->selected_services, id);

  update_services_count (self);
  schedule_save (self);
  show_services_problem_if_shown (self);
}

static void
theme_row_setup_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    AtlaasProposalDialog     *self)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, TRUE);
  g_signal_connect_object (check, "toggled", G_CALLBACK (service_toggled_cb), self, 0);
  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (item, expander);
}

static void
theme_row_bind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   AtlaasProposalDialog     *self)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  GtkWidget *check = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_last_child (box);
  GtkStringObject *string = gtk_tree_list_row_get_item (row);
  const AtlaasTheme *theme = atlaas_taxonomy_lookup (self->taxonomy, gtk_string_object_get_string (string));
  gboolean is_service = theme->level == ATLAAS_THEME_LEVEL_SERVICE;

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  gtk_label_set_text (GTK_LABEL (label), theme->label);
  if (theme->level == ATLAAS_THEME_LEVEL_AXIS)
    gtk_widget_add_css_class (label, "heading");
  else
    gtk_widget_remove_css_class (label, "heading");

  /* Only services can be chosen; the levels above group them. */
  g_object_set_data (G_OBJECT (check), "atlaas-service", NULL);
  gtk_widget_set_visible (check, is_service);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                               is_service && g_hash_table_contains (self->selected_services, theme->id));
  g_object_set_data (G_OBJECT (check), "atlaas-service", is_service ? theme->id : NULL);
  if (is_service)
    g_hash_table_replace (self->bound_checks, theme->id, check);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, theme->label, -1);

  g_object_unref (string);
}

static void
theme_row_unbind_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     AtlaasProposalDialog     *self)
{
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  GtkWidget *check = gtk_widget_get_first_child (box);
  const char *id = g_object_get_data (G_OBJECT (check), "atlaas-service");

  if (id != NULL && g_hash_table_lookup (self->bound_checks, id) == check)
    g_hash_table_remove (self->bound_checks, id);
  g_object_set_data (G_OBJECT (check), "atlaas-service", NULL);
}

/* Enter or space on a row chooses a service, or opens a group. */
static void
theme_row_activated_cb (GtkListView          *view,
                        guint                 position,
                        AtlaasProposalDialog *self)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (view));
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, position);
  g_autoptr(GtkStringObject) string = gtk_tree_list_row_get_item (row);
  const AtlaasTheme *theme = atlaas_taxonomy_lookup (self->taxonomy, gtk_string_object_get_string (string));

  if (theme->level == ATLAAS_THEME_LEVEL_SERVICE)
    atlaas_proposal_dialog_set_service_selected (self, theme->id,
                                                 !g_hash_table_contains (self->selected_services, theme->id));
  else
    gtk_tree_list_row_set_expanded (row, !gtk_tree_list_row_get_expanded (row));
}

static void
build_services_page (AtlaasProposalDialog *self)
{
  GtkWidget *page = new_page (self, "services", _("Services"), 5,
                              _("Which services of the atlas does the action provide? Choose at least one. "
                                "Open a theme with its arrow, or search by word."));
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *search_label = gtk_label_new_with_mnemonic (_("_Search the services"));

  gtk_label_set_xalign (GTK_LABEL (search_label), 0);
  gtk_widget_add_css_class (search_label, "heading");
  gtk_box_append (GTK_BOX (page), search_label);
  self->services_search = gtk_search_entry_new ();
  gtk_label_set_mnemonic_widget (GTK_LABEL (search_label), self->services_search);
  g_signal_connect_object (self->services_search, "search-changed",
                           G_CALLBACK (services_search_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (page), self->services_search);

  g_signal_connect_object (factory, "setup", G_CALLBACK (theme_row_setup_cb), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (theme_row_bind_cb), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (theme_row_unbind_cb), self, 0);
  self->services_view = gtk_list_view_new (NULL, factory);
  gtk_list_view_set_single_click_activate (GTK_LIST_VIEW (self->services_view), FALSE);
  g_signal_connect_object (self->services_view, "activate", G_CALLBACK (theme_row_activated_cb), self, 0);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->services_view);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (scrolled, -1, 380);
  gtk_widget_add_css_class (scrolled, "card");

  self->services_count = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->services_count), 0);
  add_field (self, page, "services", "services", _("Services *"), NULL, self->services_view, scrolled);
  gtk_box_append (GTK_BOX (page), self->services_count);

  refresh_services_model (self);
}

/* ---- page 6: summary -------------------------------------------------- */

/* A name for a field path that a reader of the summary understands. */
static char *
describe_field (const char *path)
{
  static const struct { const char *member; const char *label; } names[] = {
    { "titre", N_("Title") }, { "sous_titre", N_("Subtitle") }, { "date", N_("Date") },
    { "actions", N_("Actions") }, { "synthese", N_("Summary") }, { "outils", N_("Tools") },
    { "prestataires", N_("Providers") }, { "recommandations", N_("Recommendations") },
    { "resultats", N_("Results") }, { "services", N_("Services") }, { "lieux", N_("Places") },
    { "nom", N_("Name") }, { "courriel", N_("E-mail") }, { "telephone", N_("Phone") },
    { "adresse", N_("Address") }, { "code_postal", N_("Postal code") }, { "ville", N_("Town") },
    { "id_insee", N_("INSEE code") }, { "departement", N_("Département") },
    { "region", N_("Région") }, { "position", N_("Position") }, { "adresse_web", N_("Website") },
  };
  g_autofree char *prefix = NULL;
  const char *member = path;
  const char *dot = strchr (path, '.');
  guint index = 0;

  if (dot != NULL)
    {
      prefix = g_strndup (path, dot - path);
      member = dot + 1;
    }
  else if (strchr (path, '[') != NULL)
    {
      prefix = g_strdup (path);
      member = NULL;
    }

  if (prefix != NULL)
    {
      const char *bracket = strchr (prefix, '[');

      if (bracket != NULL)
        index = (guint) g_ascii_strtoull (bracket + 1, NULL, 10);
    }

  if (prefix != NULL && g_str_has_prefix (prefix, "liens"))
    return g_strdup_printf (_("Link %u"), index + 1);

  if (prefix != NULL && g_str_has_prefix (prefix, "services"))
    return g_strdup (_("Services"));

  for (guint i = 0; member != NULL && i < G_N_ELEMENTS (names); i++)
    {
      if (!g_str_equal (names[i].member, member))
        continue;

      if (prefix != NULL && g_str_has_prefix (prefix, "personnes"))
        /* Translators: "Contact 1 · E-mail". */
        return g_strdup_printf (_("Contact %u · %s"), index + 1, _(names[i].label));
      if (prefix != NULL && g_str_has_prefix (prefix, "lieux"))
        /* Translators: "Place 1 · Postal code". */
        return g_strdup_printf (_("Place %u · %s"), index + 1, _(names[i].label));

      return g_strdup (_(names[i].label));
    }

  return g_strdup (path);
}

static void
problem_clicked_cb (GtkButton            *button,
                    AtlaasProposalDialog *self)
{
  go_to_field (self, g_object_get_data (G_OBJECT (button), "atlaas-field"));
}

static void
append_summary_row (GtkWidget  *box,
                    const char *key,
                    const char *value)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *key_label = gtk_label_new (key);
  GtkWidget *value_label = gtk_label_new (value != NULL && value[0] != '\0' ? value : _("Not given"));

  gtk_label_set_xalign (GTK_LABEL (key_label), 0);
  gtk_widget_add_css_class (key_label, "caption-heading");
  gtk_widget_add_css_class (key_label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  if (value == NULL || value[0] == '\0')
    gtk_widget_add_css_class (value_label, "dim-label");
  gtk_box_append (GTK_BOX (row), key_label);
  gtk_box_append (GTK_BOX (row), value_label);
  gtk_box_append (GTK_BOX (box), row);
}

static GtkWidget *
append_summary_section (GtkWidget  *box,
                        const char *title)
{
  GtkWidget *content = NULL;
  GtkWidget *card = new_card (title, NULL, &content);

  gtk_box_append (GTK_BOX (box), card);
  return content;
}

static void
append_problems (AtlaasProposalDialog *self,
                 GtkWidget            *box,
                 AtlaasProblemSeverity severity,
                 const char           *title)
{
  GtkWidget *list = NULL;

  for (guint i = 0; i < self->problems->len; i++)
    {
      const AtlaasProblem *problem = g_ptr_array_index (self->problems, i);
      g_autofree char *field_name = NULL;
      g_autofree char *text = NULL;
      GtkWidget *button, *label;

      if (problem->severity != severity)
        continue;

      if (list == NULL)
        {
          GtkWidget *heading = gtk_label_new (title);

          gtk_label_set_xalign (GTK_LABEL (heading), 0);
          gtk_widget_add_css_class (heading, "title-4");
          gtk_widget_add_css_class (heading, severity == ATLAAS_PROBLEM_ERROR ? "error" : "warning");
          gtk_box_append (GTK_BOX (box), heading);
          list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
          gtk_box_append (GTK_BOX (box), list);
        }

      field_name = describe_field (problem->field);
      /* Translators: a problem in the summary, "Title: Enter the title of the action." */
      text = g_strdup_printf (_("%s: %s"), field_name, problem->message);
      label = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      button = gtk_button_new ();
      gtk_button_set_child (GTK_BUTTON (button), label);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, _("Go to this field"));
      g_object_set_data_full (G_OBJECT (button), "atlaas-field", g_strdup (problem->field), g_free);
      g_signal_connect_object (button, "clicked", G_CALLBACK (problem_clicked_cb), self, 0);
      gtk_box_append (GTK_BOX (list), button);
    }
}

static void
rebuild_summary (AtlaasProposalDialog *self)
{
  g_autoptr(AtlaasAction) action = collect_action (self);
  g_autofree char *date_text = NULL;
  g_autofree char *links = NULL;
  GtkWidget *section;
  GtkWidget *child;
  g_autoptr(GString) services = g_string_new (NULL);

  atlaas_validate_normalize_action (action, self->gazetteer);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  self->problems = atlaas_validate_action_full (action, self->gazetteer, self->taxonomy);

  while ((child = gtk_widget_get_first_child (self->summary_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->summary_box), child);

  if (!atlaas_problems_have_errors (self->problems))
    {
      GtkWidget *ready = gtk_label_new (_("Everything required is filled in. Check the proposal below, then send it."));

      gtk_label_set_xalign (GTK_LABEL (ready), 0);
      gtk_label_set_wrap (GTK_LABEL (ready), TRUE);
      gtk_widget_add_css_class (ready, "success");
      gtk_box_append (GTK_BOX (self->summary_box), ready);
    }
  append_problems (self, self->summary_box, ATLAAS_PROBLEM_ERROR, _("To Correct Before Sending"));
  append_problems (self, self->summary_box, ATLAAS_PROBLEM_WARNING, _("To Check"));

  section = append_summary_section (self->summary_box, _("The Action"));
  date_text = date_to_entry (action->date);
  append_summary_row (section, _("Title"), action->title);
  append_summary_row (section, _("Subtitle"), action->subtitle);
  append_summary_row (section, _("Date"), date_text);
  append_summary_row (section, _("Actions"), action->actions);
  append_summary_row (section, C_("action field", "Summary"), action->synthesis);

  section = append_summary_section (self->summary_box, _("Details"));
  append_summary_row (section, _("Tools"), action->tools);
  append_summary_row (section, _("Providers"), action->providers);
  append_summary_row (section, _("Recommendations"), action->recommendations);
  append_summary_row (section, _("Results"), action->results);
  g_ptr_array_add (action->links, NULL);
  links = g_strjoinv ("\n", (char **) action->links->pdata);
  g_ptr_array_remove_index (action->links, action->links->len - 1);
  append_summary_row (section, _("Web Links"), links);

  section = append_summary_section (self->summary_box, _("People"));
  for (guint i = 0; i < action->contacts->len; i++)
    {
      const AtlaasContact *contact = g_ptr_array_index (action->contacts, i);
      g_autofree char *title = g_strdup_printf (_("Contact %u"), i + 1);
      g_autofree char *text = g_strjoin ("\n",
                                         contact->name != NULL ? contact->name : "",
                                         contact->role != NULL ? contact->role : "",
                                         contact->email != NULL ? contact->email : "",
                                         contact->phone != NULL ? contact->phone : "",
                                         NULL);

      g_strstrip (text);
      append_summary_row (section, title, text);
    }

  section = append_summary_section (self->summary_box, _("Places"));
  for (guint i = 0; i < action->places->len; i++)
    {
      const AtlaasPlace *place = g_ptr_array_index (action->places, i);
      g_autofree char *title = g_strdup_printf (_("Place %u"), i + 1);
      g_autofree char *position = NULL;
      g_autofree char *area = NULL;
      g_autofree char *text = NULL;

      if (place->has_position)
        position = g_strdup_printf (_("Latitude %.5f, longitude %.5f"), place->latitude, place->longitude);
      else
        position = g_strdup (_("No position"));
      area = g_strdup_printf (_("INSEE code %s · département %s · région %s"),
                              place->insee_code != NULL ? place->insee_code : "—",
                              place->departement != NULL ? place->departement : "—",
                              place->region != NULL ? place->region : "—");
      text = g_strdup_printf ("%s\n%s\n%s %s\n%s\n%s\n%s\n%s",
                              place->name != NULL ? place->name : "",
                              place->address != NULL ? place->address : "",
                              place->postal_code != NULL ? place->postal_code : "",
                              place->town != NULL ? place->town : "",
                              area,
                              place->phone != NULL ? place->phone : "",
                              place->type == ATLAAS_PLACE_TYPE_OTHER ? _("Other") : _("Town or village"),
                              position);
      append_summary_row (section, title, text);
    }

  section = append_summary_section (self->summary_box, _("Services"));
  for (guint i = 0; i < action->services->len; i++)
    {
      const AtlaasTheme *theme = atlaas_taxonomy_lookup (self->taxonomy, g_ptr_array_index (action->services, i));

      if (services->len > 0)
        g_string_append_c (services, '\n');
      g_string_append_printf (services, "• %s", theme != NULL ? theme->label : (char *) g_ptr_array_index (action->services, i));
    }
  append_summary_row (section, _("Chosen Services"), services->str);
}

static void
build_summary_page (AtlaasProposalDialog *self)
{
  GtkWidget *page = new_page (self, "summary", _("Summary"), 6,
                              _("This is the proposal as it will be sent to the moderators. "
                                "Click a problem to go to its field."));

  self->summary_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (page), self->summary_box);
}

/* ---- resuming a draft ------------------------------------------------- */

static void
resume_clicked_cb (GtkButton            *button,
                   AtlaasProposalDialog *self)
{
  g_autoptr(GError) error = NULL;
  const char *id = g_object_get_data (G_OBJECT (button), "atlaas-draft");

  if (!atlaas_proposal_dialog_load_draft (self, id, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The draft could not be opened: %s"), error->message);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
    }
}

static void
delete_draft_clicked_cb (GtkButton            *button,
                         AtlaasProposalDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) drafts = NULL;
  const char *id = g_object_get_data (G_OBJECT (button), "atlaas-draft");

  if (!atlaas_drafts_delete (self->store, id, &error))
    g_warning ("Deleting the draft %s failed: %s", id, error->message);

  drafts = atlaas_drafts_list (self->store, &error);
  if (drafts == NULL || drafts->len == 0)
    atlaas_proposal_dialog_start_new (self);
  else
    rebuild_resume_page (self, drafts);
}

static void
new_proposal_clicked_cb (AtlaasProposalDialog *self)
{
  atlaas_proposal_dialog_start_new (self);
}

static void
rebuild_resume_page (AtlaasProposalDialog *self,
                     GPtrArray            *drafts)
{
  GtkWidget *child;
  GtkWidget *heading = gtk_label_new (_("Resume a Proposal?"));
  GtkWidget *intro = gtk_label_new (_("These proposals were not sent yet. Resume one of them, or start a new one."));
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *new_button = gtk_button_new_with_mnemonic (_("_New Proposal"));

  while ((child = gtk_widget_get_first_child (self->resume_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->resume_box), child);

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "title-2");
  gtk_box_append (GTK_BOX (self->resume_box), heading);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_box_append (GTK_BOX (self->resume_box), intro);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < drafts->len; i++)
    {
      const AtlaasDraft *draft = g_ptr_array_index (drafts, i);
      g_autoptr(GDateTime) updated = g_date_time_new_from_unix_local (draft->updated_at / G_USEC_PER_SEC);
      g_autofree char *when = g_date_time_format (updated, "%d/%m/%Y %H:%M");
      /* Translators: %s is a date and time, "15/03/2024 14:05". */
      g_autofree char *subtitle = g_strdup_printf (_("Changed on %s"), when);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *resume = gtk_button_new_with_label (_("Resume"));
      GtkWidget *delete = new_remove_button (_("Delete this draft"));
      g_autofree char *title = g_markup_escape_text (draft->action->title != NULL
                                                     ? draft->action->title : _("Untitled proposal"), -1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (resume, GTK_ALIGN_CENTER);
      gtk_widget_set_valign (delete, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (resume, "suggested-action");
      g_object_set_data_full (G_OBJECT (resume), "atlaas-draft", g_strdup (draft->id), g_free);
      g_object_set_data_full (G_OBJECT (delete), "atlaas-draft", g_strdup (draft->id), g_free);
      g_signal_connect_object (resume, "clicked", G_CALLBACK (resume_clicked_cb), self, 0);
      g_signal_connect_object (delete, "clicked", G_CALLBACK (delete_draft_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), resume);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), delete);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  gtk_box_append (GTK_BOX (self->resume_box), list);

  gtk_widget_set_halign (new_button, GTK_ALIGN_START);
  g_signal_connect_object (new_button, "clicked", G_CALLBACK (new_proposal_clicked_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (self->resume_box), new_button);

  gtk_stack_set_visible_child_name (self->mode_stack, "resume");
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (self->header_bar),
                                   adw_window_title_new (_("Propose an Action"), NULL));
  gtk_widget_set_visible (self->previous_button, FALSE);
  gtk_widget_set_visible (self->next_button, FALSE);
}

static void
show_form (AtlaasProposalDialog *self)
{
  gtk_stack_set_visible_child_name (self->mode_stack, "form");
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (self->header_bar), self->switcher);
  gtk_widget_set_visible (self->previous_button, TRUE);
  gtk_widget_set_visible (self->next_button, TRUE);
  gtk_stack_set_visible_child_name (self->pages, "action");
}

/* ---- navigation ------------------------------------------------------- */

static int
page_index (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    {
      if (g_strcmp0 (page_names[i], name) == 0)
        return i;
    }

  return 0;
}

static void
page_changed_cb (AtlaasProposalDialog *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->pages);
  int index = page_index (name);
  gboolean last = index == (int) G_N_ELEMENTS (page_names) - 1;

  gtk_widget_set_sensitive (self->previous_button, index > 0);
  gtk_button_set_label (GTK_BUTTON (self->next_button), last ? _("_Send") : _("_Next"));

  if (last)
    rebuild_summary (self);

  /* Without this, focus would land on the first card's remove button. */
  if (g_strcmp0 (name, "people") == 0)
    {
      Field *field = g_hash_table_lookup (self->fields, "personnes[0].nom");

      if (field != NULL)
        gtk_widget_grab_focus (field->widget);
    }
}

static void
previous_clicked_cb (AtlaasProposalDialog *self)
{
  int index = page_index (gtk_stack_get_visible_child_name (self->pages));

  if (index > 0)
    gtk_stack_set_visible_child_name (self->pages, page_names[index - 1]);
}

static void
next_clicked_cb (AtlaasProposalDialog *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->pages);
  int index = page_index (name);
  g_autoptr(GError) error = NULL;

  if (index < (int) G_N_ELEMENTS (page_names) - 1)
    {
      /* Show what is wrong on the page being left; it does not block. */
      show_page_problems (self, name);
      gtk_stack_set_visible_child_name (self->pages, page_names[index + 1]);
      return;
    }

  if (!atlaas_proposal_dialog_submit (self, NULL, &error))
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
}

static gboolean
next_page_shortcut (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  AtlaasProposalDialog *self = ATLAAS_PROPOSAL_DIALOG (widget);
  int index = page_index (gtk_stack_get_visible_child_name (self->pages));

  if (index < (int) G_N_ELEMENTS (page_names) - 1)
    next_clicked_cb (self);

  return TRUE;
}

static gboolean
previous_page_shortcut (GtkWidget *widget,
                        GVariant  *args,
                        gpointer   user_data)
{
  previous_clicked_cb (ATLAAS_PROPOSAL_DIALOG (widget));
  return TRUE;
}

static gboolean
close_request_cb (AtlaasProposalDialog *self)
{
  g_autoptr(GError) error = NULL;

  if (!save_now (self, &error))
    g_warning ("Saving the draft on close failed: %s", error->message);

  return FALSE;
}

/* ---- GObject ---------------------------------------------------------- */

static void
atlaas_proposal_dialog_dispose (GObject *object)
{
  AtlaasProposalDialog *self = ATLAAS_PROPOSAL_DIALOG (object);

  g_clear_handle_id (&self->save_source_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), ATLAAS_TYPE_PROPOSAL_DIALOG);

  G_OBJECT_CLASS (atlaas_proposal_dialog_parent_class)->dispose (object);
}

static void
atlaas_proposal_dialog_finalize (GObject *object)
{
  AtlaasProposalDialog *self = ATLAAS_PROPOSAL_DIALOG (object);

  g_clear_object (&self->switcher);
  g_clear_pointer (&self->store, atlaas_store_unref);
  g_clear_pointer (&self->gazetteer, atlaas_gazetteer_unref);
  g_clear_pointer (&self->taxonomy, atlaas_taxonomy_unref);
  g_clear_pointer (&self->fields, g_hash_table_unref);
  g_clear_pointer (&self->selected_services, g_hash_table_unref);
  g_clear_pointer (&self->visible_themes, g_hash_table_unref);
  g_clear_pointer (&self->bound_checks, g_hash_table_unref);
  g_clear_pointer (&self->place_widgets, g_ptr_array_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->draft_id, g_free);

  G_OBJECT_CLASS (atlaas_proposal_dialog_parent_class)->finalize (object);
}

static void
atlaas_proposal_dialog_class_init (AtlaasProposalDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = atlaas_proposal_dialog_dispose;
  object_class->finalize = atlaas_proposal_dialog_finalize;

  /**
   * AtlaasProposalDialog::submitted:
   * @client_id: the UUID of the proposal in the outbox
   */
  signals[SIGNAL_SUBMITTED] =
    g_signal_new ("submitted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/fr/atlaas/Atlaas/atlaas-proposal-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlaasProposalDialog, header_bar);
  gtk_widget_class_bind_template_child (widget_class, AtlaasProposalDialog, switcher);
  gtk_widget_class_bind_template_child (widget_class, AtlaasProposalDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AtlaasProposalDialog, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, AtlaasProposalDialog, resume_box);
  gtk_widget_class_bind_template_child (widget_class, AtlaasProposalDialog, pages);
  gtk_widget_class_bind_template_child (widget_class, AtlaasProposalDialog, previous_button);
  gtk_widget_class_bind_template_child (widget_class, AtlaasProposalDialog, next_button);
  gtk_widget_class_bind_template_child (widget_class, AtlaasProposalDialog, save_label);
  gtk_widget_class_bind_template_callback (widget_class, page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, previous_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, next_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

/* Ctrl+PageDown and Ctrl+PageUp change pages even from a GtkTextView,
 * which handles them itself in the bubble phase, so they are caught in the
 * capture phase. */
static void
add_page_shortcuts (AtlaasProposalDialog *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Page_Down, GDK_CONTROL_MASK),
                                                          gtk_callback_action_new (next_page_shortcut, NULL, NULL)));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Page_Up, GDK_CONTROL_MASK),
                                                          gtk_callback_action_new (previous_page_shortcut, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
atlaas_proposal_dialog_init (AtlaasProposalDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* The header shows the page switcher or a plain title; keep both alive. */
  g_object_ref (self->switcher);

  self->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) field_free);
  self->selected_services = g_hash_table_new (g_str_hash, g_str_equal);
  self->bound_checks = g_hash_table_new (g_str_hash, g_str_equal);
  self->place_widgets = g_ptr_array_new_with_free_func (g_free);

  g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), NULL);
  add_page_shortcuts (self);
}

/* ---- public API ------------------------------------------------------- */

AtlaasProposalDialog *
atlaas_proposal_dialog_new (GtkWindow   *parent,
                            AtlaasStore *store)
{
  AtlaasProposalDialog *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) drafts = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (store != NULL, NULL);

  self = g_object_new (ATLAAS_TYPE_PROPOSAL_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->store = atlaas_store_ref (store);

  /* Both are bundled with the app: without them the form cannot check
   * towns nor list services, which is a broken installation. */
  self->gazetteer = atlaas_gazetteer_get_default (&error);
  if (self->gazetteer == NULL)
    g_error ("The gazetteer is missing: %s", error->message);
  self->taxonomy = atlaas_taxonomy_get_default (&error);
  if (self->taxonomy == NULL)
    g_error ("The taxonomy is missing: %s", error->message);

  build_action_page (self);
  build_details_page (self);
  build_people_page (self);
  build_places_page (self);
  build_services_page (self);
  build_summary_page (self);

  drafts = atlaas_drafts_list (store, &error);
  if (drafts == NULL)
    {
      g_warning ("Listing the drafts failed: %s", error->message);
      atlaas_proposal_dialog_start_new (self);
    }
  else if (drafts->len > 0)
    {
      g_autoptr(AtlaasAction) empty = atlaas_action_new ();

      load_action (self, empty);
      rebuild_resume_page (self, drafts);
    }
  else
    {
      atlaas_proposal_dialog_start_new (self);
    }

  return self;
}

void
atlaas_proposal_dialog_set_page (AtlaasProposalDialog *self,
                                 const char           *page)
{
  g_return_if_fail (ATLAAS_IS_PROPOSAL_DIALOG (self));
  g_return_if_fail (page != NULL);

  show_page_problems (self, gtk_stack_get_visible_child_name (self->pages));
  gtk_stack_set_visible_child_name (self->pages, page);
}

const char *
atlaas_proposal_dialog_get_page (AtlaasProposalDialog *self)
{
  g_return_val_if_fail (ATLAAS_IS_PROPOSAL_DIALOG (self), NULL);

  return gtk_stack_get_visible_child_name (self->pages);
}

void
atlaas_proposal_dialog_start_new (AtlaasProposalDialog *self)
{
  g_autoptr(AtlaasAction) action = atlaas_action_new ();
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();

  g_return_if_fail (ATLAAS_IS_PROPOSAL_DIALOG (self));

  g_clear_handle_id (&self->save_source_id, g_source_remove);
  g_clear_pointer (&self->draft_id, g_free);
  action->date = g_date_time_format (today, "%Y-%m-%d");
  load_action (self, action);
  gtk_label_set_text (GTK_LABEL (self->save_label), "");
  show_form (self);
}

gboolean
atlaas_proposal_dialog_load_draft (AtlaasProposalDialog *self,
                                   const char           *draft_id,
                                   GError              **error)
{
  g_autoptr(AtlaasDraft) draft = NULL;

  g_return_val_if_fail (ATLAAS_IS_PROPOSAL_DIALOG (self), FALSE);
  g_return_val_if_fail (draft_id != NULL, FALSE);

  draft = atlaas_drafts_load (self->store, draft_id, error);
  if (draft == NULL)
    return FALSE;

  g_clear_handle_id (&self->save_source_id, g_source_remove);
  g_free (self->draft_id);
  self->draft_id = g_strdup (draft->id);
  load_action (self, draft->action);
  gtk_label_set_text (GTK_LABEL (self->save_label), _("Draft resumed"));
  show_form (self);

  return TRUE;
}

const char *
atlaas_proposal_dialog_get_draft_id (AtlaasProposalDialog *self)
{
  g_return_val_if_fail (ATLAAS_IS_PROPOSAL_DIALOG (self), NULL);

  return self->draft_id;
}

AtlaasAction *
atlaas_proposal_dialog_get_action (AtlaasProposalDialog *self)
{
  g_return_val_if_fail (ATLAAS_IS_PROPOSAL_DIALOG (self), NULL);

  return collect_action (self);
}

GtkWidget *
atlaas_proposal_dialog_get_field_widget (AtlaasProposalDialog *self,
                                         const char           *field)
{
  Field *entry;

  g_return_val_if_fail (ATLAAS_IS_PROPOSAL_DIALOG (self), NULL);
  g_return_val_if_fail (field != NULL, NULL);

  if (g_str_equal (field, "services.search"))
    return self->services_search;

  entry = g_hash_table_lookup (self->fields, field);
  return entry != NULL ? entry->widget : NULL;
}

const char *
atlaas_proposal_dialog_get_field_error (AtlaasProposalDialog *self,
                                        const char           *field)
{
  Field *entry;

  g_return_val_if_fail (ATLAAS_IS_PROPOSAL_DIALOG (self), NULL);

  entry = g_hash_table_lookup (self->fields, field);
  if (entry == NULL || !gtk_widget_get_visible (entry->error_label))
    return NULL;

  return gtk_label_get_text (GTK_LABEL (entry->error_label));
}

void
atlaas_proposal_dialog_add_link (AtlaasProposalDialog *self)
{
  g_autoptr(AtlaasAction) action = NULL;
  g_autofree char *path = NULL;
  Field *field;

  g_return_if_fail (ATLAAS_IS_PROPOSAL_DIALOG (self));

  action = collect_action (self);
  g_ptr_array_add (action->links, g_strdup (""));
  rebuild_links (self, action->links, G_MAXUINT);

  path = field_path ("liens", self->n_links - 1, NULL);
  field = g_hash_table_lookup (self->fields, path);
  gtk_widget_grab_focus (field->widget);
}

void
atlaas_proposal_dialog_add_contact (AtlaasProposalDialog *self)
{
  g_autoptr(AtlaasAction) action = NULL;
  g_autofree char *path = NULL;
  Field *field;

  g_return_if_fail (ATLAAS_IS_PROPOSAL_DIALOG (self));

  action = collect_action (self);
  g_ptr_array_add (action->contacts, atlaas_contact_new ());
  rebuild_contacts (self, action->contacts, G_MAXUINT);

  path = field_path ("personnes", self->n_contacts - 1, "nom");
  field = g_hash_table_lookup (self->fields, path);
  gtk_widget_grab_focus (field->widget);
}

void
atlaas_proposal_dialog_add_place (AtlaasProposalDialog *self)
{
  g_autoptr(AtlaasAction) action = NULL;
  g_autofree char *path = NULL;
  Field *field;

  g_return_if_fail (ATLAAS_IS_PROPOSAL_DIALOG (self));

  action = collect_action (self);
  g_ptr_array_add (action->places, atlaas_place_new ());
  rebuild_places (self, action->places, G_MAXUINT);
  schedule_save (self);

  path = field_path ("lieux", self->place_widgets->len - 1, "nom");
  field = g_hash_table_lookup (self->fields, path);
  gtk_widget_grab_focus (field->widget);
}

gboolean
atlaas_proposal_dialog_choose_commune (AtlaasProposalDialog *self,
                                       guint                 place,
                                       const char           *insee_code)
{
  const AtlaasCommune *commune;
  PlaceWidgets *widgets;
  const char *typed_postal_code;
  const char *postal_code = NULL;

  g_return_val_if_fail (ATLAAS_IS_PROPOSAL_DIALOG (self), FALSE);
  g_return_val_if_fail (place < self->place_widgets->len, FALSE);
  g_return_val_if_fail (insee_code != NULL, FALSE);

  commune = atlaas_gazetteer_lookup_insee (self->gazetteer, insee_code);
  if (commune == NULL)
    return FALSE;

  widgets = g_ptr_array_index (self->place_widgets, place);

  /* Keep the postal code typed, in the field or in place of the town, when
   * it is one of the commune's. */
  typed_postal_code = place_field_widget_text (self, place, "code_postal");
  if (commune->postal_codes != NULL && g_strv_contains (commune->postal_codes, typed_postal_code))
    postal_code = typed_postal_code;
  else if (commune->postal_codes != NULL
           && g_strv_contains (commune->postal_codes, place_field_widget_text (self, place, "ville")))
    postal_code = place_field_widget_text (self, place, "ville");
  else if (commune->postal_codes != NULL)
    postal_code = commune->postal_codes[0];
  postal_code = g_strdup (postal_code);

  widgets->updating = TRUE;
  set_indexed_text (self, "lieux", place, "ville", commune->name);
  set_indexed_text (self, "lieux", place, "code_postal", postal_code);
  set_indexed_text (self, "lieux", place, "id_insee", commune->insee_code);
  set_indexed_text (self, "lieux", place, "departement", commune->departement);
  set_indexed_text (self, "lieux", place, "region", commune->region);
  widgets->updating = FALSE;
  g_free ((char *) postal_code);

  describe_commune (widgets, commune);
  hide_suggestions (widgets);

  /* Open the map on the commune, or on its département's prefecture when
   * the gazetteer has no position for small communes. */
  if (commune->has_position)
    {
      center_map (widgets, commune->latitude, commune->longitude, COMMUNE_ZOOM);
    }
  else
    {
      const AtlaasDepartement *departement = atlaas_gazetteer_lookup_departement (self->gazetteer,
                                                                                  commune->departement);
      const AtlaasCommune *chef_lieu = departement != NULL
                                       ? atlaas_gazetteer_lookup_insee (self->gazetteer, departement->chef_lieu)
                                       : NULL;

      if (chef_lieu != NULL && chef_lieu->has_position)
        center_map (widgets, chef_lieu->latitude, chef_lieu->longitude, DEPARTEMENT_ZOOM);
    }

  schedule_save (self);
  return TRUE;
}

void
atlaas_proposal_dialog_set_position (AtlaasProposalDialog *self,
                                     guint                 place,
                                     double                latitude,
                                     double                longitude)
{
  g_return_if_fail (ATLAAS_IS_PROPOSAL_DIALOG (self));
  g_return_if_fail (place < self->place_widgets->len);

  set_position_entries (g_ptr_array_index (self->place_widgets, place), latitude, longitude);
}

void
atlaas_proposal_dialog_set_service_selected (AtlaasProposalDialog *self,
                                             const char           *service_id,
                                             gboolean              selected)
{
  const AtlaasTheme *theme;

  g_return_if_fail (ATLAAS_IS_PROPOSAL_DIALOG (self));
  g_return_if_fail (service_id != NULL);

  theme = atlaas_taxonomy_lookup (self->taxonomy, service_id);
  g_return_if_fail (theme != NULL && theme->level == ATLAAS_THEME_LEVEL_SERVICE);

  if (selected)
    g_hash_table_add (self->selected_services, theme->id);
  else
    g_hash_table_remove (self->selected_services, theme->id);

  /* The visible row's check box follows; others get it when bound. */
  {
    GtkWidget *check = g_hash_table_lookup (self->bound_checks, theme->id);

    if (check != NULL)
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), selected);
  }

  update_services_count (self);
  schedule_save (self);
  show_services_problem_if_shown (self);
}

gboolean
atlaas_proposal_dialog_save_draft (AtlaasProposalDialog *self,
                                   GError              **error)
{
  g_return_val_if_fail (ATLAAS_IS_PROPOSAL_DIALOG (self), FALSE);

  return save_now (self, error);
}

gboolean
atlaas_proposal_dialog_submit (AtlaasProposalDialog *self,
                               char                **client_id,
                               GError              **error)
{
  g_autoptr(AtlaasAction) action = NULL;
  g_autofree char *id = NULL;
  guint n_errors = 0;

  g_return_val_if_fail (ATLAAS_IS_PROPOSAL_DIALOG (self), FALSE);

  g_clear_handle_id (&self->save_source_id, g_source_remove);

  action = collect_action (self);
  atlaas_validate_normalize_action (action, self->gazetteer);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  self->problems = atlaas_validate_action_full (action, self->gazetteer, self->taxonomy);

  for (guint i = 0; i < self->problems->len; i++)
    {
      const AtlaasProblem *problem = g_ptr_array_index (self->problems, i);

      if (problem->severity == ATLAAS_PROBLEM_ERROR)
        n_errors++;
    }

  if (n_errors > 0)
    {
      gtk_stack_set_visible_child_name (self->pages, "summary");
      rebuild_summary (self);
      show_page_problems (self, NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   ngettext ("Correct the %u problem listed before sending.",
                             "Correct the %u problems listed before sending.", n_errors),
                   n_errors);
      return FALSE;
    }

  if (!atlaas_outbox_submit (self->store, self->draft_id, action, &id, error))
    return FALSE;

  g_message ("Proposal %s put in the outbox (draft %s)", id,
             self->draft_id != NULL ? self->draft_id : "none");
  self->submitted = TRUE;
  g_clear_pointer (&self->draft_id, g_free);
  g_signal_emit (self, signals[SIGNAL_SUBMITTED], 0, id);
  gtk_window_close (GTK_WINDOW (self));

  if (client_id != NULL)
    *client_id = g_steal_pointer (&id);

  return TRUE;
}
