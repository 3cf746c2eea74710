/*
 * screen.h - the workbench's screen as text, for the unit tests that draw
 * it (include after cmocka.h and tunetop/ui.h).
 */
#ifndef TUNETOP_TEST_SCREEN_H
#define TUNETOP_TEST_SCREEN_H

#include <string.h>

/* Render every pane and return the screen as text (kept in text). */
static inline const char *screen_frame(struct ui *ui, struct tt_buf *text)
{
	ui_render(ui, UI_DIRTY_ALL);
	tt_buf_clear(text);
	grid_to_text(&ui->screen, text);
	return text->data;
}

/* Fail, with the screen, unless it shows what. */
static inline void screen_assert_shows(struct ui *ui, struct tt_buf *text, const char *what)
{
	const char *t = screen_frame(ui, text);

	if (strstr(t, what) == NULL)
		fail_msg("screen lacks \"%s\":\n%s", what, t);
}

#endif
