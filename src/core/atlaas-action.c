/* atlaas-action.c: the action model shared by the store, importers and UI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-Core"

#include "config.h"

#include <string.h>

#include "atlaas-action.h"

static GPtrArray *
copy_string_array (GPtrArray *array)
{
  GPtrArray *copy = g_ptr_array_new_full (array->len, g_free);

  for (guint i = 0; i < array->len; i++)
    g_ptr_array_add (copy, g_strdup (g_ptr_array_index (array, i)));

  return copy;
}

static gboolean
string_arrays_equal (GPtrArray *a,
                     GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    if (g_strcmp0 (g_ptr_array_index (a, i), g_ptr_array_index (b, i)) != 0)
      return FALSE;

  return TRUE;
}

static gboolean
contacts_equal (const AtlaasContact *a,
                const AtlaasContact *b)
{
  return g_strcmp0 (a->name, b->name) == 0
         && g_strcmp0 (a->role, b->role) == 0
         && g_strcmp0 (a->email, b->email) == 0
         && g_strcmp0 (a->phone, b->phone) == 0;
}

static gboolean
places_equal (const AtlaasPlace *a,
              const AtlaasPlace *b)
{
  if (a->has_position != b->has_position)
    return FALSE;

  /* Exact comparison on purpose: the store and the JSON format both keep
   * doubles bit for bit (JSON through 17 significant digits). */
  if (a->has_position
      && (a->latitude != b->latitude || a->longitude != b->longitude))
    return FALSE;

  return a->type == b->type
         && g_strcmp0 (a->name, b->name) == 0
         && g_strcmp0 (a->description, b->description) == 0
         && g_strcmp0 (a->address, b->address) == 0
         && g_strcmp0 (a->postal_code, b->postal_code) == 0
         && g_strcmp0 (a->town, b->town) == 0
         && g_strcmp0 (a->insee_code, b->insee_code) == 0
         && g_strcmp0 (a->departement, b->departement) == 0
         && g_strcmp0 (a->region, b->region) == 0
         && g_strcmp0 (a->phone, b->phone) == 0
         && g_strcmp0 (a->email, b->email) == 0
         && g_strcmp0 (a->website, b->website) == 0;
}

AtlaasContact *
atlaas_contact_new (void)
{
  return g_new0 (AtlaasContact, 1);
}

void
atlaas_contact_free (AtlaasContact *contact)
{
  if (contact == NULL)
    return;

  g_free (contact->name);
  g_free (contact->role);
  g_free (contact->email);
  g_free (contact->phone);
  g_free (contact);
}

AtlaasContact *
atlaas_contact_copy (const AtlaasContact *contact)
{
  AtlaasContact *copy;

  g_return_val_if_fail (contact != NULL, NULL);

  copy = atlaas_contact_new ();
  copy->name = g_strdup (contact->name);
  copy->role = g_strdup (contact->role);
  copy->email = g_strdup (contact->email);
  copy->phone = g_strdup (contact->phone);

  return copy;
}

AtlaasPlace *
atlaas_place_new (void)
{
  AtlaasPlace *place = g_new0 (AtlaasPlace, 1);

  place->type = ATLAAS_PLACE_TYPE_OTHER;

  return place;
}

void
atlaas_place_free (AtlaasPlace *place)
{
  if (place == NULL)
    return;

  g_free (place->name);
  g_free (place->description);
  g_free (place->address);
  g_free (place->postal_code);
  g_free (place->town);
  g_free (place->insee_code);
  g_free (place->departement);
  g_free (place->region);
  g_free (place->phone);
  g_free (place->email);
  g_free (place->website);
  g_free (place);
}

AtlaasPlace *
atlaas_place_copy (const AtlaasPlace *place)
{
  AtlaasPlace *copy;

  g_return_val_if_fail (place != NULL, NULL);

  copy = atlaas_place_new ();
  copy->name = g_strdup (place->name);
  copy->description = g_strdup (place->description);
  copy->address = g_strdup (place->address);
  copy->postal_code = g_strdup (place->postal_code);
  copy->town = g_strdup (place->town);
  copy->insee_code = g_strdup (place->insee_code);
  copy->departement = g_strdup (place->departement);
  copy->region = g_strdup (place->region);
  copy->phone = g_strdup (place->phone);
  copy->email = g_strdup (place->email);
  copy->website = g_strdup (place->website);
  copy->type = place->type;
  copy->has_position = place->has_position;
  copy->latitude = place->latitude;
  copy->longitude = place->longitude;

  return copy;
}

/* The labels are the values of the JSON field "type", as the original atlas
 * wrote them; they are data, not UI text. */
const char *
atlaas_place_type_to_label (AtlaasPlaceType type)
{
  switch (type)
    {
    case ATLAAS_PLACE_TYPE_TOWN:
      return "Ville / village";
    case ATLAAS_PLACE_TYPE_OTHER:
    default:
      return "Autre";
    }
}

gboolean
atlaas_place_type_from_label (const char      *label,
                              AtlaasPlaceType *type)
{
  g_return_val_if_fail (type != NULL, FALSE);

  if (label == NULL)
    return FALSE;

  if (g_strcmp0 (label, "Ville / village") == 0
      || g_ascii_strcasecmp (label, "ville/village") == 0
      || g_ascii_strcasecmp (label, "ville") == 0)
    {
      *type = ATLAAS_PLACE_TYPE_TOWN;
      return TRUE;
    }

  if (g_ascii_strcasecmp (label, "Autre") == 0)
    {
      *type = ATLAAS_PLACE_TYPE_OTHER;
      return TRUE;
    }

  return FALSE;
}

AtlaasAction *
atlaas_action_new (void)
{
  AtlaasAction *action = g_new0 (AtlaasAction, 1);

  action->revision = 1;
  action->links = g_ptr_array_new_with_free_func (g_free);
  action->contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_contact_free);
  action->places = g_ptr_array_new_with_free_func ((GDestroyNotify) atlaas_place_free);
  action->services = g_ptr_array_new_with_free_func (g_free);

  return action;
}

void
atlaas_action_free (AtlaasAction *action)
{
  if (action == NULL)
    return;

  g_free (action->id);
  g_free (action->status);
  g_free (action->source);
  g_free (action->title);
  g_free (action->subtitle);
  g_free (action->date);
  g_free (action->actions);
  g_free (action->synthesis);
  g_free (action->tools);
  g_free (action->providers);
  g_free (action->recommendations);
  g_free (action->results);
  g_clear_pointer (&action->links, g_ptr_array_unref);
  g_clear_pointer (&action->contacts, g_ptr_array_unref);
  g_clear_pointer (&action->places, g_ptr_array_unref);
  g_clear_pointer (&action->services, g_ptr_array_unref);
  g_free (action);
}

AtlaasAction *
atlaas_action_copy (const AtlaasAction *action)
{
  AtlaasAction *copy;

  g_return_val_if_fail (action != NULL, NULL);

  copy = atlaas_action_new ();
  copy->id = g_strdup (action->id);
  copy->revision = action->revision;
  copy->updated_at = action->updated_at;
  copy->status = g_strdup (action->status);
  copy->source = g_strdup (action->source);
  copy->title = g_strdup (action->title);
  copy->subtitle = g_strdup (action->subtitle);
  copy->date = g_strdup (action->date);
  copy->actions = g_strdup (action->actions);
  copy->synthesis = g_strdup (action->synthesis);
  copy->tools = g_strdup (action->tools);
  copy->providers = g_strdup (action->providers);
  copy->recommendations = g_strdup (action->recommendations);
  copy->results = g_strdup (action->results);

  g_ptr_array_unref (copy->links);
  copy->links = copy_string_array (action->links);
  g_ptr_array_unref (copy->services);
  copy->services = copy_string_array (action->services);

  for (guint i = 0; i < action->contacts->len; i++)
    g_ptr_array_add (copy->contacts,
                     atlaas_contact_copy (g_ptr_array_index (action->contacts, i)));
  for (guint i = 0; i < action->places->len; i++)
    g_ptr_array_add (copy->places,
                     atlaas_place_copy (g_ptr_array_index (action->places, i)));

  return copy;
}

/* Compares every field, revision, updated_at, status and source included;
 * the order of links, contacts, places and services matters. */
gboolean
atlaas_action_equal (const AtlaasAction *a,
                     const AtlaasAction *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  if (a->revision != b->revision
      || a->updated_at != b->updated_at
      || g_strcmp0 (a->id, b->id) != 0
      || g_strcmp0 (a->status, b->status) != 0
      || g_strcmp0 (a->source, b->source) != 0
      || g_strcmp0 (a->title, b->title) != 0
      || g_strcmp0 (a->subtitle, b->subtitle) != 0
      || g_strcmp0 (a->date, b->date) != 0
      || g_strcmp0 (a->actions, b->actions) != 0
      || g_strcmp0 (a->synthesis, b->synthesis) != 0
      || g_strcmp0 (a->tools, b->tools) != 0
      || g_strcmp0 (a->providers, b->providers) != 0
      || g_strcmp0 (a->recommendations, b->recommendations) != 0
      || g_strcmp0 (a->results, b->results) != 0)
    return FALSE;

  if (!string_arrays_equal (a->links, b->links)
      || !string_arrays_equal (a->services, b->services))
    return FALSE;

  if (a->contacts->len != b->contacts->len
      || a->places->len != b->places->len)
    return FALSE;

  for (guint i = 0; i < a->contacts->len; i++)
    if (!contacts_equal (g_ptr_array_index (a->contacts, i),
                         g_ptr_array_index (b->contacts, i)))
      return FALSE;

  for (guint i = 0; i < a->places->len; i++)
    if (!places_equal (g_ptr_array_index (a->places, i),
                       g_ptr_array_index (b->places, i)))
      return FALSE;

  return TRUE;
}
