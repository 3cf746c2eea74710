/*
 * cli-report.c - one error line of a subcommand, the same for all of them.
 */
#include <stdio.h>

#include "tunetop/cli.h"
#include "tunetop/util.h"

void cli_report(const char *cmd, const struct tt_err *err)
{
	char msg[1200];

	tt_err_format(err, msg, sizeof msg);
	if (cmd != NULL)
		tt_esc_printf(stderr, "tunetop %s: %s\n", cmd, msg);
	else
		tt_esc_printf(stderr, "tunetop: %s\n", msg);
}
