/*
 * cmd-ui-pick.c - the type-ahead label picker of the label pane (for
 * labels without a key: type letters, the labels that start with them
 * and then those that hold them are offered, Enter labels) and
 * `label-as NAME`, its command form. Split from cmd-ui-label.c, whose
 * label_with does the edit.
 */
#include "tunetop/cmd-ui.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tunetop/app.h"
#include "tunetop/pane.h"
#include "tunetop/ui.h"

/* Does name start with (prefix) or hold (else) the letters, ignoring case? */
static bool label_pick_fits(const char *name, const char *letters, bool prefix)
{
	size_t n = strlen(letters), len = strlen(name), at;

	for (at = 0; at + n <= len; at++) {
		if (strncasecmp(name + at, letters, n) == 0)
			return true;
		if (prefix)
			break;
	}
	return false;
}

/* Labels matching letters: those starting with them, then those holding them. */
static int label_matches(const struct app *a, const char *letters, int *out, int max)
{
	char *const *names;
	int n, i, k = 0, pass;

	names = label_names(a, &n);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n && k < max; i++) {
			bool starts = label_pick_fits(names[i], letters, true);

			if (pass == 0 ? starts : !starts && label_pick_fits(names[i], letters, false))
				out[k++] = i;
		}
	}
	return k;
}

int label_pick_matches(const struct ui *ui, int *out, int n)
{
	return label_matches(ui->app, ui->pick.text, out, n);
}

enum cmd_rc cmd_label_as_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	char *const *names;
	char *shown[3];
	int n, k, found[8], m;
	long i;

	(void)argc;
	if (ui == NULL || (i = label_current(ctx, ui, argv[0])) < 0)
		return CMD_ERROR;
	names = label_names(ui->app, &n);
	for (k = 0; k < n; k++) {
		if (strcmp(names[k], argv[1]) == 0)
			return label_with(ctx, ui, i, k);
	}
	m = label_matches(ui->app, argv[1], found, 8);
	if (m > 1 && label_pick_fits(names[found[0]], argv[1], true) &&
	    !label_pick_fits(names[found[1]], argv[1], true))
		m = 1;	/* one label starts with the letters: that one */
	if (m == 1)
		return label_with(ctx, ui, i, found[0]);
	shown[0] = tt_esc_dup(argv[1]);
	shown[1] = tt_esc_dup(m > 0 ? names[found[0]] : "");
	shown[2] = tt_esc_dup(m > 1 ? names[found[1]] : "");
	if (m == 0)
		cmd_error(ctx, "%s: no label matches '%s' (labels lists them)", argv[0], shown[0]);
	else
		cmd_error(ctx, "%s: '%s' matches %s, %s%s; type more of the name", argv[0],
			  shown[0], shown[1], shown[2], m > 2 ? " and more" : "");
	for (k = 0; k < 3; k++)
		free(shown[k]);
	return CMD_ERROR;
}

enum cmd_rc cmd_label_pick_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);

	(void)argc;
	if (ui == NULL || label_current(ctx, ui, argv[0]) < 0)
		return CMD_ERROR;
	if (!layout_visible(&ui->layout, PANE_LABEL) && ui_set_layout(ui, LAYOUT_LABELING) != 0)
		return CMD_ERROR;
	ui_set_focus(ui, PANE_LABEL);
	memset(&ui->pick, 0, sizeof ui->pick);
	ui->pick.on = true;
	ui_mark(ui, 1u << PANE_LABEL | 1u << PANE_STATUS);
	return CMD_OK;
}

/* Append code point c to the picker's letters as UTF-8. */
static void label_pick_add(struct ui_pick *p, int c)
{
	size_t len = strlen(p->text);
	char u[4];
	size_t n;

	if (c < 0x80) {
		u[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	if (len + n < sizeof p->text) {
		memcpy(p->text + len, u, n);
		p->text[len + n] = '\0';
	}
	p->sel = 0;
}

static void label_pick_backspace(struct ui_pick *p)
{
	size_t len = strlen(p->text);

	while (len > 0 && ((unsigned char)p->text[len - 1] & 0xc0) == 0x80)
		len--;
	if (len > 0)
		len--;
	p->text[len] = '\0';
	p->sel = 0;
}

/* Enter: label the record with the chosen match, and close the picker. */
static void label_pick_apply(struct ui *ui)
{
	int m[LABEL_PICK_SHOWN];
	int n = label_pick_matches(ui, m, LABEL_PICK_SHOWN);
	struct cmd_ctx ctx;
	long i;

	if (n == 0) {
		ui_message(ui, true, "no label matches '%s' (Backspace, or Esc to leave)",
			   ui->pick.text);
		return;
	}
	ui->pick.on = false;
	ui_cmd_ctx(ui, CMD_SRC_KEY, &ctx);
	if ((i = label_current(&ctx, ui, "label-pick")) >= 0)
		label_with(&ctx, ui, i, m[ui->pick.sel < n ? ui->pick.sel : 0]);
	pane_repl_flush(&ui->sb);
}

void label_pick_do(struct ui *ui, enum label_pick_op op, int c)
{
	struct ui_pick *p = &ui->pick;
	int m[LABEL_PICK_SHOWN];
	int n = label_pick_matches(ui, m, LABEL_PICK_SHOWN);

	switch (op) {
	case LABEL_PICK_CLOSE:
		p->on = false;
		break;
	case LABEL_PICK_ENTER:
		label_pick_apply(ui);
		break;
	case LABEL_PICK_BACK:
		label_pick_backspace(p);
		break;
	case LABEL_PICK_NEXT:
		p->sel = n > 0 ? (p->sel + 1) % n : 0;
		break;
	case LABEL_PICK_PREV:
		p->sel = n > 0 ? (p->sel + n - 1) % n : 0;
		break;
	case LABEL_PICK_TYPE:
		if (c >= 0x20 && c != 0x7f && c <= 0x10ffff)
			label_pick_add(p, c);
		break;
	}
	ui_mark(ui, 1u << PANE_LABEL | 1u << PANE_STATUS);
}
