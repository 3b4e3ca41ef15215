/* atlaas-action-sheet.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-App"

#include "config.h"

#include <glib/gi18n.h>

#include "atlaas-action-sheet.h"

struct _AtlaasActionSheet
{
  AdwWindow parent_instance;

  /* template widgets */
  AdwWindowTitle *window_title;
  GtkScrolledWindow *scrolled;
  GtkBox *content;

  /* owned */
  AtlaasAction *action;
  GPtrArray *section_titles;   /* char * */
};

G_DEFINE_FINAL_TYPE (AtlaasActionSheet, atlaas_action_sheet, ADW_TYPE_WINDOW)

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}

static GtkWidget *
new_text_label (const char *text,
                const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_focusable (label, FALSE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

static GtkWidget *
new_markup_label (const char *markup)
{
  GtkWidget *label = new_text_label (NULL, NULL);

  gtk_label_set_markup (GTK_LABEL (label), markup);

  return label;
}

/* Appends a heading and returns the box its content goes into. */
static GtkBox *
add_section (AtlaasActionSheet *self,
             const char        *title)
{
  GtkWidget *section = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *heading = gtk_label_new (title);

  gtk_label_set_xalign (GTK_LABEL (heading), 0.0);
  gtk_widget_add_css_class (heading, "title-4");
  gtk_widget_add_css_class (section, "atlaas-sheet-section");
  gtk_accessible_update_property (GTK_ACCESSIBLE (heading),
                                  GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
  gtk_box_append (GTK_BOX (section), heading);
  gtk_box_append (self->content, section);
  g_ptr_array_add (self->section_titles, g_strdup (title));

  return GTK_BOX (section);
}

static void
add_text_section (AtlaasActionSheet *self,
                  const char        *title,
                  const char        *text)
{
  GtkBox *section;

  if (is_blank (text))
    return;

  section = add_section (self, title);
  gtk_box_append (section, new_text_label (text, "atlaas-sheet-text"));
}

static char *
link_markup (const char *scheme,
             const char *target,
             const char *text)
{
  g_autofree char *uri = g_strconcat (scheme, target, NULL);

  return g_markup_printf_escaped ("<a href=\"%s\">%s</a>", uri, text);
}

/* A web address without a scheme ("www.example.fr") still opens in a browser. */
static char *
web_link_markup (const char *address)
{
  if (g_str_has_prefix (address, "http://") || g_str_has_prefix (address, "https://"))
    return link_markup ("", address, address);

  return link_markup ("https://", address, address);
}

static void
add_links (AtlaasActionSheet *self)
{
  GPtrArray *links = self->action->links;
  GtkBox *section = NULL;

  for (guint i = 0; links != NULL && i < links->len; i++)
    {
      const char *link = g_ptr_array_index (links, i);
      g_autofree char *markup = NULL;

      if (is_blank (link))
        continue;
      if (section == NULL)
        section = add_section (self, _("Links"));

      markup = web_link_markup (link);
      gtk_box_append (section, new_markup_label (markup));
    }
}

static GtkWidget *
new_card (void)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "atlaas-sheet-card");

  return card;
}

static void
card_add_text (GtkWidget  *card,
               const char *text,
               const char *css_class)
{
  if (!is_blank (text))
    gtk_box_append (GTK_BOX (card), new_text_label (text, css_class));
}

static void
card_add_link (GtkWidget  *card,
               const char *scheme,
               const char *target)
{
  g_autofree char *markup = NULL;

  if (is_blank (target))
    return;

  if (scheme == NULL)
    markup = web_link_markup (target);
  else
    markup = link_markup (scheme, target, target);
  gtk_box_append (GTK_BOX (card), new_markup_label (markup));
}

static void
add_contacts (AtlaasActionSheet *self)
{
  GPtrArray *contacts = self->action->contacts;
  GtkBox *section = NULL;

  for (guint i = 0; contacts != NULL && i < contacts->len; i++)
    {
      const AtlaasContact *contact = g_ptr_array_index (contacts, i);
      GtkWidget *card;

      if (is_blank (contact->name) && is_blank (contact->role)
          && is_blank (contact->email) && is_blank (contact->phone))
        continue;
      if (section == NULL)
        section = add_section (self, _("People"));

      card = new_card ();
      card_add_text (card, contact->name, "heading");
      card_add_text (card, contact->role, NULL);
      card_add_link (card, "mailto:", contact->email);
      card_add_text (card, contact->phone, NULL);
      gtk_box_append (section, card);
    }
}

static void
add_places (AtlaasActionSheet *self,
            AtlaasGazetteer   *gazetteer)
{
  GPtrArray *places = self->action->places;
  GtkBox *section = NULL;

  for (guint i = 0; places != NULL && i < places->len; i++)
    {
      const AtlaasPlace *place = g_ptr_array_index (places, i);
      g_autofree char *town_line = NULL;
      g_autofree char *area_line = NULL;
      const AtlaasDepartement *departement = NULL;
      const AtlaasRegion *region = NULL;
      GtkWidget *card;

      if (section == NULL)
        section = add_section (self, _("Places"));

      card = new_card ();
      card_add_text (card, place->name, "heading");
      card_add_text (card, place->address, NULL);

      if (!is_blank (place->postal_code) || !is_blank (place->town))
        town_line = g_strjoin (" ",
                               is_blank (place->postal_code) ? "" : place->postal_code,
                               is_blank (place->town) ? "" : place->town,
                               NULL);
      card_add_text (card, town_line != NULL ? g_strstrip (town_line) : NULL, NULL);

      if (gazetteer != NULL && place->departement != NULL)
        departement = atlaas_gazetteer_lookup_departement (gazetteer, place->departement);
      if (gazetteer != NULL && place->region != NULL)
        region = atlaas_gazetteer_lookup_region (gazetteer, place->region);
      if (departement != NULL && region != NULL)
        area_line = g_strdup_printf ("%s (%s), %s", departement->name, departement->code, region->name);
      else if (departement != NULL)
        area_line = g_strdup_printf ("%s (%s)", departement->name, departement->code);
      else if (place->departement != NULL)
        /* Translators: %s is a département code such as "74" or "2A". */
        area_line = g_strdup_printf (_("Département %s"), place->departement);
      card_add_text (card, area_line, "dim-label");

      card_add_text (card, place->phone, NULL);
      card_add_link (card, "mailto:", place->email);
      card_add_link (card, NULL, place->website);
      if (!is_blank (place->description))
        {
          GtkWidget *description = new_text_label (place->description, NULL);

          gtk_widget_set_margin_top (description, 6);
          gtk_box_append (GTK_BOX (card), description);
        }
      gtk_box_append (section, card);
    }
}

static void
add_services (AtlaasActionSheet *self,
              AtlaasTaxonomy    *taxonomy)
{
  GPtrArray *services = self->action->services;
  GtkBox *section = NULL;
  GtkWidget *card = NULL;

  for (guint i = 0; services != NULL && i < services->len; i++)
    {
      const char *id = g_ptr_array_index (services, i);
      const AtlaasTheme *service = NULL;
      g_autoptr(GString) path = g_string_new (NULL);
      GtkWidget *entry;

      if (taxonomy != NULL)
        service = atlaas_taxonomy_lookup (taxonomy, id);

      if (section == NULL)
        {
          section = add_section (self, _("Services"));
          card = new_card ();
          gtk_box_set_spacing (GTK_BOX (card), 12);
          gtk_box_append (section, card);
        }

      entry = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      gtk_box_append (GTK_BOX (entry),
                      new_text_label (service != NULL ? service->label : id, "heading"));

      /* The path from the axe down to the usage, "Axe › Enjeu › Usage". */
      for (const AtlaasTheme *node = service != NULL ? service->parent : NULL;
           node != NULL; node = node->parent)
        {
          if (path->len > 0)
            g_string_prepend (path, " › ");
          g_string_prepend (path, node->label);
        }
      if (path->len > 0)
        gtk_box_append (GTK_BOX (entry), new_text_label (path->str, "dim-label"));

      gtk_box_append (GTK_BOX (card), entry);
    }
}

static char *
format_date (const char *iso_date)
{
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *with_time = NULL;

  if (is_blank (iso_date))
    return NULL;

  with_time = g_strconcat (iso_date, "T00:00:00Z", NULL);
  date = g_date_time_new_from_iso8601 (with_time, NULL);
  if (date == NULL)
    return g_strdup (iso_date);

  /* French writes the first day of a month as an ordinal, "1er mai 2021". */
  if (g_date_time_get_day_of_month (date) == 1)
    /* Translators: the first day of a month as strftime () writes it, here
     * "1 May 2021"; French writes "1er %B %Y". */
    return g_date_time_format (date, C_("first day of a month", "%-d %B %Y"));

  /* Translators: a date as strftime () writes it, here "5 May 2021". */
  return g_date_time_format (date, _("%-d %B %Y"));
}

static void
clear_content (AtlaasActionSheet *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->content))) != NULL)
    gtk_box_remove (self->content, child);
  g_ptr_array_set_size (self->section_titles, 0);
}

static void
atlaas_action_sheet_finalize (GObject *object)
{
  AtlaasActionSheet *self = ATLAAS_ACTION_SHEET (object);

  g_clear_pointer (&self->action, atlaas_action_free);
  g_clear_pointer (&self->section_titles, g_ptr_array_unref);

  G_OBJECT_CLASS (atlaas_action_sheet_parent_class)->finalize (object);
}

static void
atlaas_action_sheet_class_init (AtlaasActionSheetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = atlaas_action_sheet_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/fr/atlaas/Atlaas/atlaas-action-sheet.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlaasActionSheet, window_title);
  gtk_widget_class_bind_template_child (widget_class, AtlaasActionSheet, scrolled);
  gtk_widget_class_bind_template_child (widget_class, AtlaasActionSheet, content);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
atlaas_action_sheet_init (AtlaasActionSheet *self)
{
  self->section_titles = g_ptr_array_new_with_free_func (g_free);

  gtk_widget_init_template (GTK_WIDGET (self));
}

AtlaasActionSheet *
atlaas_action_sheet_new (GtkWindow *parent)
{
  return g_object_new (ATLAAS_TYPE_ACTION_SHEET,
                       "transient-for", parent,
                       NULL);
}

void
atlaas_action_sheet_set_action (AtlaasActionSheet  *self,
                                const AtlaasAction *action,
                                AtlaasTaxonomy     *taxonomy,
                                AtlaasGazetteer    *gazetteer)
{
  g_autofree char *date = NULL;
  GtkWidget *header;

  g_return_if_fail (ATLAAS_IS_ACTION_SHEET (self));
  g_return_if_fail (action != NULL);

  g_clear_pointer (&self->action, atlaas_action_free);
  self->action = atlaas_action_copy (action);
  clear_content (self);

  adw_window_title_set_title (self->window_title, action->title != NULL ? action->title : "");
  gtk_window_set_title (GTK_WINDOW (self), action->title);

  header = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (header), new_text_label (action->title, "title-1"));
  if (!is_blank (action->subtitle))
    gtk_box_append (GTK_BOX (header), new_text_label (action->subtitle, "title-4"));
  date = format_date (action->date);
  if (date != NULL)
    {
      /* Translators: %s is the date of the action, such as "5 mai 2021". */
      g_autofree char *line = g_strdup_printf (_("Date: %s"), date);

      gtk_box_append (GTK_BOX (header), new_text_label (line, "dim-label"));
    }
  gtk_box_append (self->content, header);

  add_text_section (self, _("Actions"), action->actions);
  /* Translators: the heading of the action's detailed description
   * ("synthèse"), not the summary page of the proposal form. */
  add_text_section (self, C_("action field", "Summary"), action->synthesis);
  add_text_section (self, _("Tools"), action->tools);
  add_text_section (self, _("Providers"), action->providers);
  add_text_section (self, _("Recommendations"), action->recommendations);
  add_text_section (self, _("Results"), action->results);
  add_links (self);
  add_contacts (self);
  add_places (self, gazetteer);
  add_services (self, taxonomy);

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled), 0.0);
}

const AtlaasAction *
atlaas_action_sheet_get_action (AtlaasActionSheet *self)
{
  g_return_val_if_fail (ATLAAS_IS_ACTION_SHEET (self), NULL);

  return self->action;
}

GPtrArray *
atlaas_action_sheet_get_section_titles (AtlaasActionSheet *self)
{
  g_return_val_if_fail (ATLAAS_IS_ACTION_SHEET (self), NULL);

  return self->section_titles;
}
