/* atlaas-theme-node.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-App"

#include "config.h"

#include "atlaas-theme-node.h"

struct _AtlaasThemeNode
{
  GObject parent_instance;

  const AtlaasTheme *theme;   /* borrowed from the taxonomy */
  GListStore *children;       /* NULL for a service */
  guint count;
  gboolean checked;
  gboolean inconsistent;
};

G_DEFINE_FINAL_TYPE (AtlaasThemeNode, atlaas_theme_node, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_LABEL,
  PROP_LEVEL,
  PROP_COUNT,
  PROP_CHECKED,
  PROP_INCONSISTENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
atlaas_theme_node_dispose (GObject *object)
{
  AtlaasThemeNode *self = ATLAAS_THEME_NODE (object);

  g_clear_object (&self->children);

  G_OBJECT_CLASS (atlaas_theme_node_parent_class)->dispose (object);
}

static void
atlaas_theme_node_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AtlaasThemeNode *self = ATLAAS_THEME_NODE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->theme->id);
      break;

    case PROP_LABEL:
      g_value_set_string (value, self->theme->label);
      break;

    case PROP_LEVEL:
      g_value_set_uint (value, self->theme->level);
      break;

    case PROP_COUNT:
      g_value_set_uint (value, self->count);
      break;

    case PROP_CHECKED:
      g_value_set_boolean (value, self->checked);
      break;

    case PROP_INCONSISTENT:
      g_value_set_boolean (value, self->inconsistent);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atlaas_theme_node_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AtlaasThemeNode *self = ATLAAS_THEME_NODE (object);

  switch (prop_id)
    {
    case PROP_COUNT:
      atlaas_theme_node_set_count (self, g_value_get_uint (value));
      break;

    case PROP_CHECKED:
      atlaas_theme_node_set_checked (self, g_value_get_boolean (value));
      break;

    case PROP_INCONSISTENT:
      atlaas_theme_node_set_inconsistent (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atlaas_theme_node_class_init (AtlaasThemeNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = atlaas_theme_node_dispose;
  object_class->get_property = atlaas_theme_node_get_property;
  object_class->set_property = atlaas_theme_node_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LEVEL] =
    g_param_spec_uint ("level", NULL, NULL,
                       ATLAAS_THEME_LEVEL_AXIS, ATLAAS_THEME_LEVEL_SERVICE, ATLAAS_THEME_LEVEL_AXIS,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COUNT] =
    g_param_spec_uint ("count", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHECKED] =
    g_param_spec_boolean ("checked", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INCONSISTENT] =
    g_param_spec_boolean ("inconsistent", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
atlaas_theme_node_init (AtlaasThemeNode *self)
{
}

AtlaasThemeNode *
atlaas_theme_node_new (const AtlaasTheme *theme)
{
  AtlaasThemeNode *self;

  g_return_val_if_fail (theme != NULL, NULL);

  self = g_object_new (ATLAAS_TYPE_THEME_NODE, NULL);
  self->theme = theme;
  if (theme->level != ATLAAS_THEME_LEVEL_SERVICE)
    self->children = g_list_store_new (ATLAAS_TYPE_THEME_NODE);

  return self;
}

const AtlaasTheme *
atlaas_theme_node_get_theme (AtlaasThemeNode *self)
{
  g_return_val_if_fail (ATLAAS_IS_THEME_NODE (self), NULL);

  return self->theme;
}

const char *
atlaas_theme_node_get_id (AtlaasThemeNode *self)
{
  g_return_val_if_fail (ATLAAS_IS_THEME_NODE (self), NULL);

  return self->theme->id;
}

const char *
atlaas_theme_node_get_label (AtlaasThemeNode *self)
{
  g_return_val_if_fail (ATLAAS_IS_THEME_NODE (self), NULL);

  return self->theme->label;
}

GListStore *
atlaas_theme_node_get_children (AtlaasThemeNode *self)
{
  g_return_val_if_fail (ATLAAS_IS_THEME_NODE (self), NULL);

  return self->children;
}

guint
atlaas_theme_node_get_count (AtlaasThemeNode *self)
{
  g_return_val_if_fail (ATLAAS_IS_THEME_NODE (self), 0);

  return self->count;
}

void
atlaas_theme_node_set_count (AtlaasThemeNode *self,
                             guint            count)
{
  g_return_if_fail (ATLAAS_IS_THEME_NODE (self));

  if (self->count == count)
    return;

  self->count = count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
}

gboolean
atlaas_theme_node_get_checked (AtlaasThemeNode *self)
{
  g_return_val_if_fail (ATLAAS_IS_THEME_NODE (self), FALSE);

  return self->checked;
}

void
atlaas_theme_node_set_checked (AtlaasThemeNode *self,
                               gboolean         checked)
{
  g_return_if_fail (ATLAAS_IS_THEME_NODE (self));

  checked = !!checked;
  if (self->checked == checked)
    return;

  self->checked = checked;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKED]);
}

gboolean
atlaas_theme_node_get_inconsistent (AtlaasThemeNode *self)
{
  g_return_val_if_fail (ATLAAS_IS_THEME_NODE (self), FALSE);

  return self->inconsistent;
}

void
atlaas_theme_node_set_inconsistent (AtlaasThemeNode *self,
                                    gboolean         inconsistent)
{
  g_return_if_fail (ATLAAS_IS_THEME_NODE (self));

  inconsistent = !!inconsistent;
  if (self->inconsistent == inconsistent)
    return;

  self->inconsistent = inconsistent;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INCONSISTENT]);
}
