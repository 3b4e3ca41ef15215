/* atlaas-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "Atlaas-App"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "atlaas-basemap-source.h"
#include "atlaas-data.h"
#include "atlaas-drafts.h"
#include "atlaas-geolocation.h"
#include "atlaas-proposal-dialog.h"
#include "atlaas-proposals-view.h"
#include "atlaas-sidebar.h"
#include "atlaas-window.h"

/* OpenStreetMap's tile usage policy requires an identifying User-Agent (set in
 * AtlaasApplication) and caching. libshumate's tile downloader keeps an
 * on-disk cache by itself. */
#define OSM_TILE_URL   "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
#define MAX_ZOOM       19
#define MIN_ZOOM       3

/* Mainland France and Corsica, fitted into the map at start. */
#define FRANCE_WEST    -5.2
#define FRANCE_EAST     9.6
#define FRANCE_SOUTH   41.3
#define FRANCE_NORTH   51.1

struct _AtlaasWindow
{
  AdwApplicationWindow parent_instance;

  /* template widgets */
  AdwToastOverlay *toast_overlay;
  GtkSpinner *spinner;
  GtkPaned *paned;
  GtkOverlay *map_overlay;
  ShumateMap *map;
  GtkWidget *sidebar;

  /* borrowed: children of the map and the overlay */
  AtlaasMapLayer *map_layer;
  ShumateScale *scale;
  GtkLabel *attribution;
  GtkWidget *loading_box;       /* "Loading the atlas…" over the map */
  GtkSpinner *loading_spinner;
  AdwStatusPage *error_page;    /* hidden until the store fails to open */
  gboolean layer_loading;       /* between load_store () and the layer's end */

  /* owned */
  GSettings *settings;   /* NULL when the schema is not installed */
  AdwToast *busy_toast;  /* shown while busy, then dismissed */
  AtlaasActionSheet *sheet;   /* weak pointer */
  guint fit_tick_id;
  GCancellable *locate_cancellable;  /* of the running geolocation, or NULL */
  int sidebar_width;                 /* restored at the first frame */
};

G_DEFINE_FINAL_TYPE (AtlaasWindow, atlaas_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_SIDEBAR_VISIBLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GSettings *
new_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL)
    {
      g_warning ("GSettings schema %s is not installed; the window size will not "
                 "be kept. Run from the build folder with `meson devenv`.",
                 APPLICATION_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

static gboolean
is_offline (void)
{
  const char *value = g_getenv ("ATLAAS_OFFLINE");

  return value != NULL && value[0] != '\0' && g_strcmp0 (value, "0") != 0;
}

static double
mercator_y (double latitude)
{
  double phi = latitude * G_PI / 180.0;

  return (1.0 - log (tan (phi) + 1.0 / cos (phi)) / G_PI) / 2.0;
}

/* The largest zoom, in steps of a quarter, at which mainland France fits
 * into a map of this size with a small margin. */
static double
compute_fit_zoom (int width,
                  int height)
{
  double span_x = (FRANCE_EAST - FRANCE_WEST) / 360.0;
  double span_y = mercator_y (FRANCE_SOUTH) - mercator_y (FRANCE_NORTH);
  double zoom_x = log2 ((width * 0.9) / (span_x * 256.0));
  double zoom_y = log2 ((height * 0.9) / (span_y * 256.0));

  return CLAMP (floor (MIN (zoom_x, zoom_y) * 4.0) / 4.0, MIN_ZOOM, 8.0);
}

/* The latitude halfway between the box's north and south on the map, which
 * lies south of their average because Mercator stretches the north. */
static double
compute_fit_latitude (void)
{
  double y = (mercator_y (FRANCE_SOUTH) + mercator_y (FRANCE_NORTH)) / 2.0;

  return atan (sinh (G_PI * (1.0 - 2.0 * y))) * 180.0 / G_PI;
}

static void
setup_map (AtlaasWindow *self)
{
  ShumateViewport *viewport = shumate_map_get_viewport (self->map);
  g_autoptr(AtlaasBasemapSource) basemap = NULL;
  g_autoptr(ShumateRasterRenderer) osm = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *basemap_path = NULL;
  ShumateMapLayer *basemap_layer;

  basemap_path = atlaas_data_find_file ("basemap.json", &error);
  if (basemap_path != NULL)
    basemap = atlaas_basemap_source_new_from_file (basemap_path, &error);
  if (basemap == NULL)
    {
      g_warning ("Offline base map unavailable, the map shows sea only where "
                 "tiles are missing: %s", error->message);
      basemap = atlaas_basemap_source_new_empty ();
    }

  osm = shumate_raster_renderer_new_full_from_url ("osm-mapnik",
                                                   "OpenStreetMap",
                                                   "© OpenStreetMap contributors",
                                                   "https://www.openstreetmap.org/copyright",
                                                   0, MAX_ZOOM, 256,
                                                   SHUMATE_MAP_PROJECTION_MERCATOR,
                                                   OSM_TILE_URL);

  /* Both sources share the Web Mercator tiling, so either can be the
   * viewport's reference; OSM's carries the usual zoom limits. */
  shumate_map_set_map_source (self->map, SHUMATE_MAP_SOURCE (osm));
  shumate_viewport_set_min_zoom_level (viewport, MIN_ZOOM);
  shumate_viewport_set_max_zoom_level (viewport, MAX_ZOOM);

  basemap_layer = shumate_map_layer_new (SHUMATE_MAP_SOURCE (basemap), viewport);
  shumate_map_add_layer (self->map, SHUMATE_LAYER (basemap_layer));

  if (!is_offline ())
    {
      ShumateMapLayer *tile_layer = shumate_map_layer_new (SHUMATE_MAP_SOURCE (osm), viewport);
      g_autofree char *markup = NULL;

      shumate_map_add_layer (self->map, SHUMATE_LAYER (tile_layer));
      markup = g_markup_printf_escaped ("<a href=\"https://www.openstreetmap.org/copyright\">%s</a> · Natural Earth",
                                        _("© OpenStreetMap contributors"));
      gtk_label_set_markup (self->attribution, markup);
    }
  else
    {
      gtk_label_set_text (self->attribution, "Natural Earth");
    }

  self->map_layer = atlaas_map_layer_new (self->map);
  shumate_map_add_layer (self->map, SHUMATE_LAYER (self->map_layer));

  shumate_map_center_on (self->map, ATLAAS_START_LATITUDE, ATLAAS_START_LONGITUDE);
  shumate_viewport_set_zoom_level (viewport, 5.5);
}

static void
restore_settings (AtlaasWindow *self)
{
  int sidebar_width;

  if (self->settings == NULL)
    return;

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  /* A size request would keep the person from narrowing the panel again,
   * so the width is restored through the paned's position at the first frame. */
  sidebar_width = g_settings_get_int (self->settings, "sidebar-width");
  self->sidebar_width = MAX (sidebar_width, 240);
  gtk_widget_set_visible (self->sidebar,
                          g_settings_get_boolean (self->settings, "sidebar-visible"));
}

static void
save_settings (AtlaasWindow *self)
{
  ShumateViewport *viewport = shumate_map_get_viewport (self->map);
  int width, height;

  if (self->settings == NULL)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_set_boolean (self->settings, "sidebar-visible",
                          gtk_widget_get_visible (self->sidebar));
  if (gtk_widget_get_visible (self->sidebar) && gtk_widget_get_width (self->sidebar) > 0)
    g_settings_set_int (self->settings, "sidebar-width", gtk_widget_get_width (self->sidebar));
  g_settings_set_double (self->settings, "map-latitude",
                         shumate_location_get_latitude (SHUMATE_LOCATION (viewport)));
  g_settings_set_double (self->settings, "map-longitude",
                         shumate_location_get_longitude (SHUMATE_LOCATION (viewport)));
  g_settings_set_double (self->settings, "map-zoom", shumate_viewport_get_zoom_level (viewport));
  g_settings_apply (self->settings);
}

static gboolean
restore_map_view (AtlaasWindow *self)
{
  g_autoptr(GVariant) zoom = g_settings_get_user_value (self->settings, "map-zoom");

  if (zoom == NULL)
    return FALSE;

  shumate_map_center_on (self->map,
                         g_settings_get_double (self->settings, "map-latitude"),
                         g_settings_get_double (self->settings, "map-longitude"));
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (self->map),
                                   g_variant_get_double (zoom));

  return TRUE;
}

static gboolean
fit_france_tick_cb (GtkWidget     *widget,
                    GdkFrameClock *frame_clock,
                    gpointer       user_data)
{
  AtlaasWindow *self = ATLAAS_WINDOW (user_data);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (width <= 0 || height <= 0)
    return G_SOURCE_CONTINUE;

  if (self->sidebar_width > 0)
    gtk_paned_set_position (self->paned,
                            MAX (gtk_widget_get_width (GTK_WIDGET (self->paned)) - self->sidebar_width, 0));

  /* The view of the last session, when there was one. */
  if (self->settings != NULL && restore_map_view (self))
    {
      self->fit_tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  shumate_map_center_on (self->map, compute_fit_latitude (), (FRANCE_WEST + FRANCE_EAST) / 2.0);
  shumate_viewport_set_zoom_level (shumate_map_get_viewport (self->map),
                                   compute_fit_zoom (width, height));
  self->fit_tick_id = 0;

  return G_SOURCE_REMOVE;
}

static void
action_activated_cb (AtlaasMapLayer *layer,
                     gint64          rowid,
                     AtlaasWindow   *self)
{
  g_autoptr(GError) error = NULL;

  if (!atlaas_window_open_action (self, rowid, &error))
    {
      g_warning ("Could not open action %" G_GINT64_FORMAT ": %s", rowid, error->message);
      atlaas_window_show_toast (self, _("This action could not be read from the local copy of the atlas."));
    }
}

static void
set_loading (AtlaasWindow *self,
             gboolean      loading)
{
  gtk_widget_set_visible (self->loading_box, loading);
  gtk_spinner_set_spinning (self->loading_spinner, loading);
}

static void
layer_loaded_cb (AtlaasMapLayer *layer,
                 GParamSpec     *pspec,
                 AtlaasWindow   *self)
{
  if (atlaas_map_layer_get_loaded (layer))
    {
      self->layer_loading = FALSE;
      set_loading (self, FALSE);
    }
}

static void
load_failed_cb (AtlaasMapLayer *layer,
                const char     *message,
                AtlaasWindow   *self)
{
  self->layer_loading = FALSE;
  set_loading (self, FALSE);
  atlaas_window_show_toast (self, _("The map could not load the actions of the local copy of the atlas."));
}

static void
zoom_in_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  shumate_map_zoom_in (ATLAAS_WINDOW (widget)->map);
}

static void
zoom_out_cb (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  shumate_map_zoom_out (ATLAAS_WINDOW (widget)->map);
}

static void
search_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  AtlaasWindow *self = ATLAAS_WINDOW (widget);

  g_object_set (self, "sidebar-visible", TRUE, NULL);
  if (ATLAAS_IS_SIDEBAR (self->sidebar))
    atlaas_sidebar_focus_search (ATLAAS_SIDEBAR (self->sidebar));
}

static void
locate_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AtlaasWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  double latitude, longitude;

  if (!atlaas_geolocation_locate_finish (result, &latitude, &longitude, NULL, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* TRANSLATORS: %s is the reason, such as "the location service of
       * the system (GeoClue) is not running" */
      message = g_strdup_printf (_("Position unavailable: %s. Move the map yourself or turn on location in the Settings."),
                                 error->message);
      atlaas_window_show_toast (self, message);
    }
  else
    {
      ShumateViewport *viewport = shumate_map_get_viewport (self->map);

      /* A town's accuracy: zoom to about the size of a town. */
      shumate_map_go_to_full (self->map, latitude, longitude,
                              MAX (shumate_viewport_get_zoom_level (viewport), 12.0));
    }

  g_clear_object (&self->locate_cancellable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.locate", TRUE);
}

static void
locate_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  AtlaasWindow *self = ATLAAS_WINDOW (widget);

  if (self->locate_cancellable != NULL)
    return;

  self->locate_cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (widget, "win.locate", FALSE);
  atlaas_geolocation_locate_async (self->locate_cancellable, locate_done_cb, g_object_ref (self));
}

/* Confirms on the main window that the closed form's proposal is saved. */
static void
proposal_submitted_cb (AtlaasProposalDialog *dialog,
                       const char           *client_id,
                       AtlaasWindow         *self)
{
  AdwToast *toast = adw_toast_new (_("Proposal saved. It will be sent to the moderators as soon as possible."));

  adw_toast_set_button_label (toast, _("My Proposals"));
  adw_toast_set_action_name (toast, "win.my-proposals");
  adw_toast_set_timeout (toast, 10);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static AtlaasProposalDialog *
open_proposal_dialog (AtlaasWindow *self)
{
  AtlaasStore *store = atlaas_map_layer_get_store (self->map_layer);
  AtlaasProposalDialog *dialog;

  /* The store opens once the first-start import is over. */
  if (store == NULL)
    {
      atlaas_window_show_toast (self, _("The atlas is still loading; try again in a moment."));
      return NULL;
    }

  dialog = atlaas_proposal_dialog_new (GTK_WINDOW (self), store);
  /* A sent proposal shows at once on the map as pending. */
  g_signal_connect_object (dialog, "submitted", G_CALLBACK (atlaas_map_layer_reload_pending),
                           self->map_layer, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "submitted", G_CALLBACK (proposal_submitted_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static void
propose_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  open_proposal_dialog (ATLAAS_WINDOW (widget));
}

static void
proposal_draft_activated_cb (AtlaasProposalsView *view,
                             const char          *draft_id,
                             AtlaasWindow        *self)
{
  g_autoptr(GError) error = NULL;
  AtlaasProposalDialog *dialog = open_proposal_dialog (self);

  if (dialog == NULL)
    return;

  if (!atlaas_proposal_dialog_load_draft (dialog, draft_id, &error))
    {
      g_warning ("Could not load draft %s: %s", draft_id, error->message);
      atlaas_window_show_toast (self, _("This draft could not be opened."));
    }
}

static void
my_proposals_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  AtlaasWindow *self = ATLAAS_WINDOW (widget);
  AtlaasStore *store = atlaas_map_layer_get_store (self->map_layer);
  GtkWidget *window;
  GtkWidget *content;
  GtkWidget *view;
  GtkEventController *shortcuts;

  if (store == NULL)
    {
      atlaas_window_show_toast (self, _("The atlas is still loading; try again in a moment."));
      return;
    }

  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), _("My Proposals"));
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 560, 480);
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (window, shortcuts);

  content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (content), adw_header_bar_new ());
  view = atlaas_proposals_view_new (store);
  gtk_widget_set_vexpand (view, TRUE);
  gtk_box_append (GTK_BOX (content), view);
  adw_window_set_content (ADW_WINDOW (window), content);

  g_signal_connect_object (view, "draft-activated",
                           G_CALLBACK (proposal_draft_activated_cb), self, 0);
  g_signal_connect_swapped (view, "draft-activated",
                            G_CALLBACK (gtk_window_destroy), window);
  gtk_window_present (GTK_WINDOW (window));
}

static gboolean
atlaas_window_close_request (GtkWindow *window)
{
  save_settings (ATLAAS_WINDOW (window));

  return GTK_WINDOW_CLASS (atlaas_window_parent_class)->close_request (window);
}

static void
atlaas_window_dispose (GObject *object)
{
  AtlaasWindow *self = ATLAAS_WINDOW (object);

  if (self->fit_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->map), self->fit_tick_id);
      self->fit_tick_id = 0;
    }
  g_clear_weak_pointer (&self->sheet);
  g_cancellable_cancel (self->locate_cancellable);
  g_clear_object (&self->locate_cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->busy_toast);

  gtk_widget_dispose_template (GTK_WIDGET (self), ATLAAS_TYPE_WINDOW);

  G_OBJECT_CLASS (atlaas_window_parent_class)->dispose (object);
}

static void
atlaas_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AtlaasWindow *self = ATLAAS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SIDEBAR_VISIBLE:
      /* The template reads the state before it sets the child. */
      g_value_set_boolean (value, self->sidebar != NULL && gtk_widget_get_visible (self->sidebar));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atlaas_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AtlaasWindow *self = ATLAAS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SIDEBAR_VISIBLE:
      if (gtk_widget_get_visible (self->sidebar) != g_value_get_boolean (value))
        {
          gtk_widget_set_visible (self->sidebar, g_value_get_boolean (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
atlaas_window_class_init (AtlaasWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = atlaas_window_dispose;
  object_class->get_property = atlaas_window_get_property;
  object_class->set_property = atlaas_window_set_property;
  window_class->close_request = atlaas_window_close_request;

  properties[PROP_SIDEBAR_VISIBLE] =
    g_param_spec_boolean ("sidebar-visible", NULL, NULL,
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SHUMATE_TYPE_MAP);

  gtk_widget_class_set_template_from_resource (widget_class, "/fr/atlaas/Atlaas/atlaas-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AtlaasWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AtlaasWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, AtlaasWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, AtlaasWindow, map_overlay);
  gtk_widget_class_bind_template_child (widget_class, AtlaasWindow, map);
  gtk_widget_class_bind_template_child (widget_class, AtlaasWindow, sidebar);

  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_in_cb);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_out_cb);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_cb);
  gtk_widget_class_install_action (widget_class, "win.locate", NULL, locate_cb);
  gtk_widget_class_install_action (widget_class, "win.propose", NULL, propose_cb);
  gtk_widget_class_install_action (widget_class, "win.my-proposals", NULL, my_proposals_cb);
  gtk_widget_class_install_property_action (widget_class, "win.show-sidebar", "sidebar-visible");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.show-sidebar", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.propose", NULL);
}

/* Adds, over the map, the loading indicator and the page that explains why
 * the store could not be opened. Both start hidden. */
static void
setup_status_overlays (AtlaasWindow *self)
{
  GtkWidget *label;

  self->loading_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_halign (self->loading_box, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->loading_box, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->loading_box, "osd");
  gtk_widget_add_css_class (self->loading_box, "toolbar");
  gtk_widget_add_css_class (self->loading_box, "atlaas-loading");
  self->loading_spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_box_append (GTK_BOX (self->loading_box), GTK_WIDGET (self->loading_spinner));
  label = gtk_label_new (_("Loading the atlas…"));
  gtk_box_append (GTK_BOX (self->loading_box), label);
  gtk_widget_set_visible (self->loading_box, FALSE);
  gtk_overlay_add_overlay (self->map_overlay, self->loading_box);

  /* The "background" class makes the page opaque over the map tiles. */
  self->error_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->error_page, "dialog-error-symbolic");
  gtk_widget_add_css_class (GTK_WIDGET (self->error_page), "background");
  gtk_widget_add_css_class (GTK_WIDGET (self->error_page), "atlaas-store-error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_page), FALSE);
  gtk_overlay_add_overlay (self->map_overlay, GTK_WIDGET (self->error_page));
}

static void
atlaas_window_init (AtlaasWindow *self)
{
  ShumateViewport *viewport;

  gtk_widget_init_template (GTK_WIDGET (self));

  viewport = shumate_map_get_viewport (self->map);

  self->scale = shumate_scale_new (viewport);
  shumate_scale_set_unit (self->scale, SHUMATE_UNIT_METRIC);
  gtk_widget_set_halign (GTK_WIDGET (self->scale), GTK_ALIGN_START);
  gtk_widget_set_valign (GTK_WIDGET (self->scale), GTK_ALIGN_END);
  gtk_widget_set_margin_start (GTK_WIDGET (self->scale), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->scale), 6);
  gtk_widget_set_can_target (GTK_WIDGET (self->scale), FALSE);
  gtk_overlay_add_overlay (self->map_overlay, GTK_WIDGET (self->scale));

  /* ShumateLicense 1.0.3 measures too narrow in an overlay, so a plain
   * label carries the attribution. */
  self->attribution = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_halign (GTK_WIDGET (self->attribution), GTK_ALIGN_END);
  gtk_widget_set_valign (GTK_WIDGET (self->attribution), GTK_ALIGN_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->attribution), "atlaas-attribution");
  gtk_overlay_add_overlay (self->map_overlay, GTK_WIDGET (self->attribution));

  setup_map (self);
  setup_status_overlays (self);
  atlaas_window_set_sidebar (self, atlaas_sidebar_new (self->map, self->map_layer));
  g_signal_connect (self->map_layer, "action-activated", G_CALLBACK (action_activated_cb), self);
  g_signal_connect (self->map_layer, "load-failed", G_CALLBACK (load_failed_cb), self);
  g_signal_connect (self->map_layer, "notify::loaded", G_CALLBACK (layer_loaded_cb), self);

  self->settings = new_settings ();
  restore_settings (self);

  /* The map has no size until its first frame; fit France then. */
  self->fit_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->map),
                                                    fit_france_tick_cb, self, NULL);
}

AtlaasWindow *
atlaas_window_new (AdwApplication *application)
{
  return g_object_new (ATLAAS_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/* A draft left by a crash or a closed form is offered once at start-up. */
static void
offer_drafts (AtlaasWindow *self,
              AtlaasStore  *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) drafts = atlaas_drafts_list (store, &error);
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (drafts == NULL)
    {
      g_warning ("Listing the drafts at start-up failed: %s", error->message);
      return;
    }

  if (drafts->len == 0)
    return;

  title = g_strdup_printf (ngettext ("A proposal has not been sent.",
                                     "%u proposals have not been sent.", drafts->len),
                           drafts->len);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("Resume"));
  /* The form opens on its page listing the drafts when there are any. */
  adw_toast_set_action_name (toast, "win.propose");
  adw_toast_set_timeout (toast, 10);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
atlaas_window_load_store (AtlaasWindow *self,
                          AtlaasStore  *store)
{
  g_return_if_fail (ATLAAS_IS_WINDOW (self));
  g_return_if_fail (store != NULL);

  self->layer_loading = !atlaas_map_layer_get_loaded (self->map_layer);
  set_loading (self, self->layer_loading);
  atlaas_map_layer_load (self->map_layer, store);
  offer_drafts (self, store);
}

void
atlaas_window_show_store_error (AtlaasWindow *self,
                                const char   *title,
                                const char   *description)
{
  g_return_if_fail (ATLAAS_IS_WINDOW (self));
  g_return_if_fail (title != NULL);
  g_return_if_fail (description != NULL);

  set_loading (self, FALSE);
  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, description);
  gtk_widget_set_visible (GTK_WIDGET (self->error_page), TRUE);
}

void
atlaas_window_show_toast (AtlaasWindow *self,
                          const char   *message)
{
  AdwToast *toast;

  g_return_if_fail (ATLAAS_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
atlaas_window_set_busy (AtlaasWindow *self,
                        const char   *message)
{
  gboolean busy = message != NULL;

  g_return_if_fail (ATLAAS_IS_WINDOW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  /* The import that runs before the first load also keeps the map empty. */
  set_loading (self, busy || self->layer_loading);

  if (self->busy_toast != NULL)
    adw_toast_dismiss (self->busy_toast);
  g_clear_object (&self->busy_toast);

  if (busy)
    {
      self->busy_toast = g_object_ref (adw_toast_new (message));
      adw_toast_set_timeout (self->busy_toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (self->busy_toast));
    }
}

void
atlaas_window_set_sidebar (AtlaasWindow *self,
                           GtkWidget    *sidebar)
{
  gboolean visible;

  g_return_if_fail (ATLAAS_IS_WINDOW (self));
  g_return_if_fail (GTK_IS_WIDGET (sidebar));

  visible = gtk_widget_get_visible (self->sidebar);
  gtk_widget_set_size_request (sidebar, gtk_widget_get_width (self->sidebar) > 0
                                        ? gtk_widget_get_width (self->sidebar) : 320, -1);
  gtk_widget_set_visible (sidebar, visible);
  gtk_paned_set_end_child (self->paned, sidebar);
  self->sidebar = sidebar;
}

GtkWidget *
atlaas_window_get_sidebar (AtlaasWindow *self)
{
  g_return_val_if_fail (ATLAAS_IS_WINDOW (self), NULL);

  return self->sidebar;
}

gboolean
atlaas_window_open_action (AtlaasWindow  *self,
                           gint64         rowid,
                           GError       **error)
{
  AtlaasStore *store;
  g_autoptr(AtlaasAction) action = NULL;

  g_return_val_if_fail (ATLAAS_IS_WINDOW (self), FALSE);

  store = atlaas_map_layer_get_store (self->map_layer);
  if (store == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                   "Action %" G_GINT64_FORMAT " cannot be opened before the store is loaded",
                   rowid);
      return FALSE;
    }

  action = atlaas_store_get_action_by_rowid (store, rowid, error);
  if (action == NULL)
    return FALSE;

  if (self->sheet == NULL)
    g_set_weak_pointer (&self->sheet, atlaas_action_sheet_new (GTK_WINDOW (self)));

  atlaas_action_sheet_set_action (self->sheet, action,
                                  atlaas_map_layer_get_taxonomy (self->map_layer),
                                  atlaas_map_layer_get_gazetteer (self->map_layer));
  gtk_window_present (GTK_WINDOW (self->sheet));

  return TRUE;
}

ShumateMap *
atlaas_window_get_map (AtlaasWindow *self)
{
  g_return_val_if_fail (ATLAAS_IS_WINDOW (self), NULL);

  return self->map;
}

AtlaasMapLayer *
atlaas_window_get_map_layer (AtlaasWindow *self)
{
  g_return_val_if_fail (ATLAAS_IS_WINDOW (self), NULL);

  return self->map_layer;
}

AtlaasActionSheet *
atlaas_window_get_action_sheet (AtlaasWindow *self)
{
  g_return_val_if_fail (ATLAAS_IS_WINDOW (self), NULL);

  return self->sheet;
}
