/* atlaas-result-item.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-App"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "atlaas-result-item.h"

struct _AtlaasResultItem
{
  GObject parent_instance;

  gint64 rowid;
  char *title;
  char *subtitle;
  char *place;
  char *date;
};

G_DEFINE_FINAL_TYPE (AtlaasResultItem, atlaas_result_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ROWID,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_PLACE,
  PROP_DATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The first place that names a town, with its département's name. */
static char *
format_place (const AtlaasAction *action,
              AtlaasGazetteer    *gazetteer)
{
  for (guint i = 0; action->places != NULL && i < action->places->len; i++)
    {
      const AtlaasPlace *place = g_ptr_array_index (action->places, i);
      const AtlaasDepartement *departement = NULL;
      const char *town = place->town != NULL ? place->town : place->name;

      if (town == NULL)
        continue;

      if (place->departement != NULL && gazetteer != NULL)
        departement = atlaas_gazetteer_lookup_departement (gazetteer, place->departement);
      if (departement != NULL)
        return g_strdup_printf ("%s (%s)", town, departement->name);
      if (place->departement != NULL)
        return g_strdup_printf ("%s (%s)", town, place->departement);

      return g_strdup (town);
    }

  return NULL;
}

static char *
format_date (const char *iso_date)
{
  g_autoptr(GDateTime) date_time = NULL;
  int year, month, day;

  if (iso_date == NULL || sscanf (iso_date, "%4d-%2d-%2d", &year, &month, &day) != 3)
    return NULL;

  date_time = g_date_time_new_utc (year, month, day, 0, 0, 0);
  if (date_time == NULL)
    return NULL;

  /* French writes the first day of a month as an ordinal, "1er mai 2021". */
  if (day == 1)
    /* Translators: the first day of a month as strftime () writes it, here
     * "1 May 2021"; French writes "1er %B %Y". */
    return g_date_time_format (date_time, C_("first day of a month", "%-d %B %Y"));

  /* TRANSLATORS: a date in the result list, as strftime () spells it; "%-d"
   * is the day without a leading zero. */
  return g_date_time_format (date_time, _("%-d %B %Y"));
}

static void
atlaas_result_item_finalize (GObject *object)
{
  AtlaasResultItem *self = ATLAAS_RESULT_ITEM (object);

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->subtitle, g_free);
  g_clear_pointer (&self->place, g_free);
  g_clear_pointer (&self->date, g_free);

  G_OBJECT_CLASS (atlaas_result_item_parent_class)->finalize (object);
}

static void
atlaas_result_item_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AtlaasResultItem *self = ATLAAS_RESULT_ITEM (object);

  switch (prop_id)
    {
    case PROP_ROWID:
      g_value_set_int64 (value, self->rowid);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_SUBTITLE:
      g_value_set_string (value, self->subtitle);
      break;

    case PROP_PLACE:
      g_value_set_string (value, self->place);
      break;

    case PROP_DATE:
      g_value_set_string (value, self->date);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atlaas_result_item_class_init (AtlaasResultItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = atlaas_result_item_finalize;
  object_class->get_property = atlaas_result_item_get_property;

  properties[PROP_ROWID] =
    g_param_spec_int64 ("rowid", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUBTITLE] =
    g_param_spec_string ("subtitle", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLACE] =
    g_param_spec_string ("place", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DATE] =
    g_param_spec_string ("date", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
atlaas_result_item_init (AtlaasResultItem *self)
{
}

AtlaasResultItem *
atlaas_result_item_new_from_store (AtlaasStore     *store,
                                   AtlaasGazetteer *gazetteer,
                                   gint64           rowid)
{
  g_autoptr(AtlaasAction) action = NULL;
  g_autoptr(GError) error = NULL;
  AtlaasResultItem *self;

  g_return_val_if_fail (store != NULL, NULL);

  self = g_object_new (ATLAAS_TYPE_RESULT_ITEM, NULL);
  self->rowid = rowid;

  action = atlaas_store_get_action_by_rowid (store, rowid, &error);
  if (action == NULL)
    {
      g_warning ("Could not read action %" G_GINT64_FORMAT " for the result list: %s",
                 rowid, error->message);
      self->title = g_strdup (_("This action could not be read"));
      return self;
    }

  self->title = g_strdup (action->title);
  self->subtitle = g_strdup (action->subtitle);
  self->place = format_place (action, gazetteer);
  self->date = format_date (action->date);

  return self;
}

gint64
atlaas_result_item_get_rowid (AtlaasResultItem *self)
{
  g_return_val_if_fail (ATLAAS_IS_RESULT_ITEM (self), 0);

  return self->rowid;
}

const char *
atlaas_result_item_get_title (AtlaasResultItem *self)
{
  g_return_val_if_fail (ATLAAS_IS_RESULT_ITEM (self), NULL);

  return self->title;
}

const char *
atlaas_result_item_get_subtitle (AtlaasResultItem *self)
{
  g_return_val_if_fail (ATLAAS_IS_RESULT_ITEM (self), NULL);

  return self->subtitle;
}

const char *
atlaas_result_item_get_place (AtlaasResultItem *self)
{
  g_return_val_if_fail (ATLAAS_IS_RESULT_ITEM (self), NULL);

  return self->place;
}

const char *
atlaas_result_item_get_date (AtlaasResultItem *self)
{
  g_return_val_if_fail (ATLAAS_IS_RESULT_ITEM (self), NULL);

  return self->date;
}
