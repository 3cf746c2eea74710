/*
 * cmd-ui-layers.c - `layers [on|off]`: the curves pane shows the layers
 * view (pane-layers.c) or the curves; without an argument it toggles. When
 * the layout hides the curves pane, the overview layout (which shows it)
 * comes back.
 */
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cmd-ui.h"
#include "tunetop/pane.h"

enum cmd_rc cmd_layers_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	bool on;

	if (ui == NULL)
		return CMD_ERROR;
	if (argc > 1 && strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0) {
		cmd_error(ctx, "layers: expected on or off, got '%s'", argv[1]);
		return CMD_ERROR;
	}
	on = argc > 1 ? strcmp(argv[1], "on") == 0 : !ui->curves.layers;
	if (on && !layout_visible(&ui->layout, PANE_CURVES))
		ui_set_layout(ui, LAYOUT_OVERVIEW);
	pane_layers_show(ui, on);
	if (on && ctx->app->trainer != NULL)
		trainer_want_layers(ctx->app->trainer);  /* from its next logged point */
	return CMD_OK;
}
