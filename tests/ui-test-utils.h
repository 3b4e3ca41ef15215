/* ui-test-utils.h: set-up shared by the tests that open the app's windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "atlaas-application.h"
#include "atlaas-window.h"

G_BEGIN_DECLS

/* How long ui_test_wait_until () waits before it fails the test. */
#define UI_TEST_WAIT_TIMEOUT_MS 20000

typedef gboolean (*UiTestCondition) (gpointer data);

/* The data of the condition ui_test_zoom_reached (). */
typedef struct
{
  AtlaasWindow *window;
  double zoom;
} UiTestZoomTarget;

typedef enum
{
  UI_TEST_SCREENSHOT_DEFAULT = 0,
  /* Lets frames run, for 1 s at most, until the widget has a size, because
   * a popover just shown gets its size at the next layout. */
  UI_TEST_SCREENSHOT_WAIT_FOR_SIZE = 1 << 0,
  /* Renders the bounds of the render node, which include a popover's arrow
   * outside its allocation, instead of the widget's allocation. */
  UI_TEST_SCREENSHOT_NODE_BOUNDS = 1 << 1,
} UiTestScreenshotFlags;

char              *ui_test_make_store_folder      (const char             *folder_template);
void               ui_test_remove_store_folder    (const char             *folder);

gboolean           ui_test_init_display           (void);

AtlaasApplication *ui_test_register_app           (void);
AtlaasWindow      *ui_test_start_app              (AtlaasApplication     **app);

void               ui_test_wait_until             (UiTestCondition         condition,
                                                   gpointer                data,
                                                   const char             *what);
void               ui_test_run_frames             (guint                   milliseconds);

gboolean           ui_test_layer_loaded           (gpointer                window);
gboolean           ui_test_widget_mapped          (gpointer                widget);
gboolean           ui_test_sheet_mapped           (gpointer                window);
gboolean           ui_test_zoom_reached           (gpointer                target);

gboolean           ui_test_find_shared_position   (AtlaasApplication      *app,
                                                   double                 *latitude,
                                                   double                 *longitude);

GtkWidget         *ui_test_find_widget_with_class (GtkWidget              *root,
                                                   const char             *css_class);

void               ui_test_save_screenshot        (GtkWidget              *widget,
                                                   const char             *name,
                                                   UiTestScreenshotFlags   flags);

G_END_DECLS
