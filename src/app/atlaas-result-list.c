/* atlaas-result-list.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-App"

#include "config.h"

#include <string.h>

#include "atlaas-result-list.h"

struct _AtlaasResultList
{
  GObject parent_instance;

  AtlaasStore *store;
  AtlaasGazetteer *gazetteer;
  GArray *rowids;      /* gint64 */
  GPtrArray *items;    /* AtlaasResultItem * or NULL, parallel to rowids */
  guint n_read;
};

/* The items array has NULL for rows not read yet, which g_object_unref ()
 * rejects. */
static void
unref_item (gpointer item)
{
  if (item != NULL)
    g_object_unref (item);
}

static void atlaas_result_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AtlaasResultList, atlaas_result_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      atlaas_result_list_model_init))

static GType
atlaas_result_list_get_item_type (GListModel *model)
{
  return ATLAAS_TYPE_RESULT_ITEM;
}

static guint
atlaas_result_list_get_n_items (GListModel *model)
{
  return ATLAAS_RESULT_LIST (model)->rowids->len;
}

static gpointer
atlaas_result_list_get_item (GListModel *model,
                             guint       position)
{
  AtlaasResultList *self = ATLAAS_RESULT_LIST (model);
  AtlaasResultItem *item;

  if (position >= self->rowids->len || self->store == NULL)
    return NULL;

  item = g_ptr_array_index (self->items, position);
  if (item == NULL)
    {
      item = atlaas_result_item_new_from_store (self->store, self->gazetteer,
                                                g_array_index (self->rowids, gint64, position));
      g_ptr_array_index (self->items, position) = item;
      self->n_read++;
    }

  return g_object_ref (item);
}

static void
atlaas_result_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = atlaas_result_list_get_item_type;
  iface->get_n_items = atlaas_result_list_get_n_items;
  iface->get_item = atlaas_result_list_get_item;
}

static void
atlaas_result_list_finalize (GObject *object)
{
  AtlaasResultList *self = ATLAAS_RESULT_LIST (object);

  g_clear_pointer (&self->store, atlaas_store_unref);
  g_clear_pointer (&self->gazetteer, atlaas_gazetteer_unref);
  g_clear_pointer (&self->rowids, g_array_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (atlaas_result_list_parent_class)->finalize (object);
}

static void
atlaas_result_list_class_init (AtlaasResultListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = atlaas_result_list_finalize;
}

static void
atlaas_result_list_init (AtlaasResultList *self)
{
  self->rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->items = g_ptr_array_new_with_free_func (unref_item);
}

AtlaasResultList *
atlaas_result_list_new (void)
{
  return g_object_new (ATLAAS_TYPE_RESULT_LIST, NULL);
}

void
atlaas_result_list_set_store (AtlaasResultList *self,
                              AtlaasStore      *store,
                              AtlaasGazetteer  *gazetteer)
{
  g_return_if_fail (ATLAAS_IS_RESULT_LIST (self));
  g_return_if_fail (store != NULL);

  if (self->store != store)
    {
      g_clear_pointer (&self->store, atlaas_store_unref);
      self->store = atlaas_store_ref (store);
    }
  if (self->gazetteer != gazetteer)
    {
      g_clear_pointer (&self->gazetteer, atlaas_gazetteer_unref);
      self->gazetteer = gazetteer != NULL ? atlaas_gazetteer_ref (gazetteer) : NULL;
    }
}

void
atlaas_result_list_set_rowids (AtlaasResultList *self,
                               const gint64     *rowids,
                               guint             n_rowids)
{
  guint old_length;

  g_return_if_fail (ATLAAS_IS_RESULT_LIST (self));
  g_return_if_fail (rowids != NULL || n_rowids == 0);

  old_length = self->rowids->len;
  if (old_length == n_rowids
      && (n_rowids == 0 || memcmp (self->rowids->data, rowids, n_rowids * sizeof (gint64)) == 0))
    return;

  /* Two signals rather than one that replaces everything, because GTK 4.8's
   * list view reads every added item on such a replacement (all 687 of the
   * bundled data, in test-sidebar). The model matches each signal as it is
   * emitted. */
  g_array_set_size (self->rowids, 0);
  g_ptr_array_set_size (self->items, 0);
  self->n_read = 0;
  if (old_length > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_length, 0);

  if (n_rowids == 0)
    return;

  g_array_append_vals (self->rowids, rowids, n_rowids);
  g_ptr_array_set_size (self->items, n_rowids);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, n_rowids);
}

gint64
atlaas_result_list_get_rowid (AtlaasResultList *self,
                              guint             position)
{
  g_return_val_if_fail (ATLAAS_IS_RESULT_LIST (self), 0);
  g_return_val_if_fail (position < self->rowids->len, 0);

  return g_array_index (self->rowids, gint64, position);
}

guint
atlaas_result_list_get_n_read (AtlaasResultList *self)
{
  g_return_val_if_fail (ATLAAS_IS_RESULT_LIST (self), 0);

  return self->n_read;
}
