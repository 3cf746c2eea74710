/*
 * repl-complete.c - tab completion for the REPL: command names and
 * aliases, option keys and their values, label names, themes, layouts,
 * panes, and file paths for the commands that take one.
 */
#include "tunetop/repl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/readline.h>

#include "tunetop/app.h"
#include "tunetop/cfg.h"
#include "tunetop/cmd.h"
#include "tunetop/layout.h"
#include "tunetop/pane.h"
#include "tunetop/ui.h"

struct repl_list {
	char **v;
	size_t n;
};

static void repl_add(struct repl_list *l, const char *s)
{
	l->v = tt_xrealloc(l->v, (l->n + 2) * sizeof *l->v);
	l->v[l->n++] = tt_xstrdup(s);
	l->v[l->n] = NULL;
}

/* Words of a fixed list separated by sep. */
static void repl_add_words(struct repl_list *l, const char *words, char sep)
{
	const char *p = words, *e;

	while (*p != '\0') {
		char w[128];

		e = strchr(p, sep);
		if (e == NULL)
			e = p + strlen(p);
		snprintf(w, sizeof w, "%.*s", (int)(e - p), p);
		repl_add(l, w);
		p = *e != '\0' ? e + 1 : e;
	}
}

static void repl_add_commands(struct repl_list *l)
{
	size_t n, i;
	const struct cmd_entry *t = cmd_table(&n);

	for (i = 0; i < n; i++) {
		repl_add(l, t[i].name);
		if (t[i].alias != NULL && strlen(t[i].alias) > 1)
			repl_add(l, t[i].alias);
	}
}

static void repl_add_options(struct repl_list *l)
{
	size_t n, i;
	const struct cfg_option *t = cfg_table(&n);

	for (i = 0; i < n; i++)
		repl_add(l, t[i].name);
}

static void repl_add_labels(struct repl_list *l, struct ui *ui)
{
	uint32_t i;
	int k;

	for (k = 0; k < ui->app->nschema; k++)
		repl_add(l, ui->app->schema[k]);
	for (i = 0; i < ui->app->ds.labels.n; i++)
		repl_add(l, ui->app->ds.labels.names[i]);
}

static void repl_add_themes(struct repl_list *l)
{
	char **names = ui_theme_names();
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		repl_add(l, names[i]);
		free(names[i]);
	}
	free(names);
}

/* Values for `set KEY`: the choices of an enum, booleans, themes. */
static void repl_add_values(struct repl_list *l, const char *key)
{
	const struct cfg_option *o = cfg_find(key);

	if (o == NULL)
		return;
	if (strcmp(key, "theme") == 0)
		repl_add_themes(l);
	else if (o->type == CFG_ENUM)
		repl_add_words(l, o->choices, '|');
	else if (o->type == CFG_BOOL)
		repl_add_words(l, "true false", ' ');
}

static void repl_add_panes(struct repl_list *l)
{
	int p;

	for (p = 0; p < PANE_STATUS; p++)
		repl_add(l, layout_pane_name(p));
}

/* Arguments of the UI's own commands. */
static int repl_ui_args(struct repl_list *l, struct ui *ui, const char *cmd, int argc, char **argv)
{
	if (strcmp(cmd, "layout") == 0)
		repl_add_words(l, "overview data labeling", ' ');
	else if (strcmp(cmd, "theme") == 0)
		repl_add_themes(l);
	else if (strcmp(cmd, "focus") == 0 || strcmp(cmd, "zoom") == 0) {
		repl_add_panes(l);
		if (cmd[0] == 'f')
			repl_add_words(l, "next prev back", ' ');
	} else if (strcmp(cmd, "filter") == 0 && argc == 1)
		repl_add_words(l, "off label split text unlabeled flagged", ' ');
	else if (strcmp(cmd, "filter") == 0 && argc == 2 && strcmp(argv[1], "label") == 0)
		repl_add_labels(l, ui);
	else if (strcmp(cmd, "filter") == 0 && argc == 2 && strcmp(argv[1], "split") == 0)
		repl_add_words(l, "train valid test none", ' ');
	else if (strcmp(cmd, "cursor") == 0)
		repl_add_words(l, "up down left right pgup pgdn top bottom", ' ');
	else if (strcmp(cmd, "smooth") == 0)
		repl_add_words(l, "+ - 0 0.6 0.9", ' ');
	else if (strcmp(cmd, "range") == 0)
		repl_add_words(l, "all 1000", ' ');
	else if (strcmp(cmd, "scroll") == 0)
		repl_add_words(l, "up down bottom", ' ');
	else
		return 0;
	return 1;
}

char **repl_candidates(struct ui *ui, int argc, char **argv, int *files)
{
	struct repl_list l = { NULL, 0 };
	const struct cmd_entry *e;
	struct tt_err err;
	const char *cmd;

	*files = 0;
	l.v = tt_xcalloc(1, sizeof *l.v);
	if (argc == 0) {
		repl_add_commands(&l);
		return l.v;
	}
	tt_err_clear(&err);
	e = cmd_find(argv[0], &err);
	cmd = e != NULL ? e->name : argv[0];
	if ((strcmp(cmd, "set") == 0 || strcmp(cmd, "show") == 0) && argc == 1)
		repl_add_options(&l);
	else if (strcmp(cmd, "set") == 0 && argc == 2)
		repl_add_values(&l, argv[1]);
	else if (strcmp(cmd, "help") == 0 && argc == 1) {
		repl_add_commands(&l);
		repl_add_words(&l, "options keys", ' ');
	} else if (strcmp(cmd, "eval") == 0) {
		repl_add_words(&l, "valid test", ' ');
	} else if (repl_ui_args(&l, ui, cmd, argc, argv)) {
		;
	} else if (strcmp(cmd, "load") == 0 || strcmp(cmd, "save") == 0 ||
		   strcmp(cmd, "source") == 0 || strcmp(cmd, "checkpoint") == 0 ||
		   strcmp(cmd, "export") == 0 || strcmp(cmd, "start") == 0) {
		*files = 1;
	} else {
		repl_add_labels(&l, ui);
		*files = 1;
	}
	return l.v;
}

/* ---- readline glue ---- */

static char **repl_cands;
static size_t repl_at;

static void repl_cands_free(void)
{
	size_t i;

	for (i = 0; repl_cands != NULL && repl_cands[i] != NULL; i++)
		free(repl_cands[i]);
	free(repl_cands);
	repl_cands = NULL;
}

static char *repl_generate(const char *text, int state)
{
	size_t len = strlen(text);

	if (state == 0)
		repl_at = 0;
	while (repl_cands != NULL && repl_cands[repl_at] != NULL) {
		const char *c = repl_cands[repl_at++];

		if (strncmp(c, text, len) == 0)
			return tt_xstrdup(c);
	}
	return NULL;
}

static struct ui *repl_complete_ui;

void repl_complete_init(struct ui *ui)
{
	repl_complete_ui = ui;
	if (ui == NULL)
		repl_cands_free();
}

char **repl_complete(const char *text, int start, int end)
{
	char *head = tt_xstrndup(rl_line_buffer, (size_t)start), **argv = NULL, **matches;
	struct tt_err err;
	int argc, files = 0;

	(void)end;
	rl_attempted_completion_over = 1;
	tt_err_clear(&err);
	argc = cmd_split_words(head, &argv, &err);
	free(head);
	if (argc < 0 || repl_complete_ui == NULL)
		return NULL;
	repl_cands_free();
	repl_cands = repl_candidates(repl_complete_ui, argc, argv, &files);
	cmd_free_argv(argc, argv);
	matches = rl_completion_matches(text, repl_generate);
	if (matches == NULL && files) {
		rl_attempted_completion_over = 0;	/* readline completes file names */
		return NULL;
	}
	return matches;
}
