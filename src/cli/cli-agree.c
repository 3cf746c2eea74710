/*
 * cli-agree.c - `tunetop agreement DATA [--journal FILE]... [--set k=v]...
 * [--json]`: the agreement command (cmd-agree.h) on DATA and its journal,
 * from the command line. Exit status 0, 1 (failed: fewer than two
 * annotators, a bad journal), 2 (usage).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cli.h"
#include "tunetop/cmd-agree.h"

/* tunetop agreement DATA [--journal FILE]... [--set k=v]... [--json] */
int cli_agreement(int argc, char **argv)
{
	struct app app;
	struct tt_err err;
	struct cmd_ctx ctx;
	const char *data = NULL;
	char **av = tt_xcalloc((size_t)argc + 1, sizeof *av);
	int ac = 0, rc = 2, i;

	app_init(&app);
	av[ac++] = "agreement";
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			av[ac++] = argv[i];
		} else if (strcmp(argv[i], "--journal") == 0 && i + 1 < argc) {
			av[ac++] = argv[i];
			av[ac++] = argv[++i];
		} else if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) {
			tt_err_clear(&err);
			if (cfg_set_pair(&app.cfg, argv[++i], &err) != 0) {
				tt_esc_printf(stderr, "tunetop agreement: --set %s: %s\n", argv[i], err.msg);
				goto out;
			}
		} else if (argv[i][0] != '-' && data == NULL) {
			data = argv[i];
		} else {
			tt_esc_printf(stderr, "tunetop agreement: unexpected '%s' (usage: tunetop "
				"agreement DATA [--journal FILE]... [--set k=v]... [--json])\n", argv[i]);
			goto out;
		}
	}
	if (data == NULL) {
		tt_esc_printf(stderr, "tunetop agreement: usage: tunetop agreement DATA "
			"[--journal FILE]... [--set k=v]... [--json]\n");
		goto out;
	}
	tt_err_clear(&err);
	rc = 1;
	if (app_load_data(&app, data, NULL, &err) != 0) {
		char msg[1200];

		tt_err_format(&err, msg, sizeof msg);
		tt_esc_printf(stderr, "tunetop agreement: %s\n", msg);
		goto out;
	}
	memset(&ctx, 0, sizeof ctx);
	ctx.app = &app;
	ctx.source = CMD_SRC_HEADLESS;
	rc = cmd_agreement_exec(&ctx, ac, av) == CMD_OK ? 0 : 1;
out:
	free(av);
	app_fini(&app);
	return rc;
}
