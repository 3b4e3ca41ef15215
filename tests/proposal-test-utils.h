/* proposal-test-utils.h: helpers shared by the proposal form's window tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "atlaas-proposal-dialog.h"

/* Runs the main loop for `ms` milliseconds, so that the window lays out,
 * draws and runs its timers as it would for a person. */
static inline void
test_wait_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

static inline void
test_set_field (AtlaasProposalDialog *dialog,
                const char           *field,
                const char           *text)
{
  GtkWidget *widget = atlaas_proposal_dialog_get_field_widget (dialog, field);

  g_assert_nonnull (widget);
  if (GTK_IS_EDITABLE (widget))
    gtk_editable_set_text (GTK_EDITABLE (widget), text);
  else
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)), text, -1);
}

static inline char *
test_get_field (AtlaasProposalDialog *dialog,
                const char           *field)
{
  GtkWidget *widget = atlaas_proposal_dialog_get_field_widget (dialog, field);

  g_assert_nonnull (widget);
  if (GTK_IS_EDITABLE (widget))
    return g_strdup (gtk_editable_get_text (GTK_EDITABLE (widget)));
  else
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }
}

/* Saves what the window shows as a PNG, rendered by the window's own
 * renderer. */
static inline void
test_save_screenshot (GtkWidget  *window,
                      const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  const char *build_dir = g_getenv ("G_TEST_BUILDDIR");
  int width, height;

  /* A widget with a pending resize draws nothing: let a frame pass. */
  test_wait_ms (300);
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);

  folder = g_build_filename (build_dir != NULL ? build_dir : ".", "screenshots", NULL);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  file_name = g_strconcat (name, ".png", NULL);
  path = g_build_filename (folder, file_name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}
