/*
 * cmd-ui-schema.c - the labels of the labeling flow: their names (the
 * session's schema, else the data's), keys (1..9, then the session's own
 * or free letters) and guidelines, and `add-label NAME [KEY [DESCRIPTION]]`,
 * which adds one to the schema while labeling and binds its key at once.
 * Split from cmd-ui-label.c (the queue and the one-key edits).
 */
#include "tunetop/cmd-ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/keys.h"
#include "tunetop/pane.h"
#include "tunetop/session.h"
#include "tunetop/ui.h"

/* Letters for labels after the ninth: those no pane or global key takes. */
static const char label_free_letters[] = "bchilrvw";

void label_key_of(const struct app *a, int i, char *out, size_t n)
{
	const struct session *s = a->session;

	if (s != NULL && a->nschema > 0 && i < s->nlabels && s->labels[i].key != NULL)
		snprintf(out, n, "%s", s->labels[i].key);
	else if (i < 9)
		pane_label_key(i, out, n);
	else if (i < 9 + (int)sizeof label_free_letters - 1)
		snprintf(out, n, "%c", label_free_letters[i - 9]);
	else
		snprintf(out, n, " ");
}

/* Bind the label keys beyond 1..9 (the session's, letters) not yet bound. */
void label_bind_keys(struct ui *ui)
{
	char key[16], cmd[48];
	int n, i;

	if (ui->keys == NULL)
		return;
	label_names(ui->app, &n);
	for (i = 0; i < n; i++) {
		label_key_of(ui->app, i, key, sizeof key);
		if (key[0] == ' ' || keys_get(ui->keys, "label", key) != NULL)
			continue;
		snprintf(cmd, sizeof cmd, "label-key %s", key);
		keys_bind(ui->keys, "label", key, cmd, NULL);
	}
}

char *const *label_names(const struct app *a, int *n)
{
	if (a->nschema > 0) {
		*n = a->nschema;
		return a->schema;
	}
	*n = (int)a->ds.labels.n;
	return a->ds.labels.names;
}

const char *label_description(const struct app *a, int i)
{
	const struct session *s = a->session;

	if (s != NULL && a->nschema > 0 && i >= 0 && i < s->nlabels)
		return s->labels[i].description;
	return NULL;
}

/* ---- adding a label ---- */

/* Label i's key is key (canonical names compared). */
static bool label_key_is(const struct app *a, int i, const char *key)
{
	char k[KEYS_NAME_MAX], canon[KEYS_NAME_MAX];

	label_key_of(a, i, k, sizeof k);
	if (keys_normalize(k, canon, sizeof canon) != 0)
		return strcmp(k, key) == 0;
	return strcmp(canon, key) == 0;
}

/*
 * Why key cannot be a new label's key (NULL: it can): another label has it,
 * or the label pane runs something else on it.
 */
static const char *label_key_taken(const struct app *a, const char *key, char *why, size_t n)
{
	char *const *names;
	const char *bound;
	char own[48];
	int i, count;

	names = label_names(a, &count);
	for (i = 0; i < count; i++) {
		if (label_key_is(a, i, key)) {
			snprintf(why, n, "key %s is the key of label %s", key, names[i]);
			return why;
		}
	}
	if (a->ui == NULL || a->ui->keys == NULL)
		return NULL;
	bound = keys_get(a->ui->keys, "label", key);
	snprintf(own, sizeof own, "label-key %s", key);
	if (bound != NULL && strcmp(bound, own) != 0) {
		snprintf(why, n, "key %s runs '%s' in the label pane", key, bound);
		return why;
	}
	return NULL;
}

/* The first free label key: 1..9, then the spare letters. -1 if none. */
static int label_free_key(const struct app *a, char *out, size_t n)
{
	char cand[2] = { 0, 0 }, why[160];
	int i;

	for (i = 0; i < 9 + (int)sizeof label_free_letters - 1; i++) {
		cand[0] = i < 9 ? (char)('1' + i) : label_free_letters[i - 9];
		if (label_key_taken(a, cand, why, sizeof why) == NULL) {
			snprintf(out, n, "%s", cand);
			return 0;
		}
	}
	return -1;
}

/* A label name: non-empty, no spaces, commas or control characters. */
static bool label_name_ok(const char *name)
{
	const unsigned char *p;

	if (name[0] == '\0')
		return false;
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p <= ' ' || *p == ',' || *p == 0x7f)
			return false;
	}
	return true;
}

/*
 * The schema as the app offers it now (the data's labels when the session
 * declared none), mirrored into the session's labels, so that appending
 * keeps every label and its key position.
 */
static void label_schema_fill(struct app *a, struct session *s)
{
	char *const *names;
	int n, i;

	if (a->nschema == 0) {
		char **schema;

		names = label_names(a, &n);
		schema = tt_xcalloc((size_t)n + 1, sizeof *schema);
		for (i = 0; i < n; i++)
			schema[i] = tt_xstrdup(names[i]);
		free(a->schema);	/* an empty one (a session without labels) */
		a->schema = schema;
		a->nschema = n;
	}
	if (s->nlabels < a->nschema) {
		s->labels = tt_xrealloc(s->labels, (size_t)a->nschema * sizeof *s->labels);
		for (i = s->nlabels; i < a->nschema; i++) {
			s->labels[i].name = tt_xstrdup(a->schema[i]);
			s->labels[i].key = NULL;
			s->labels[i].description = NULL;
		}
		s->nlabels = a->nschema;
	}
}

static void label_schema_append(struct app *a, struct session *s, const char *name,
				const char *key, const char *description)
{
	struct session_label *l;

	a->schema = tt_xrealloc(a->schema, (size_t)(a->nschema + 2) * sizeof *a->schema);
	a->schema[a->nschema++] = tt_xstrdup(name);
	a->schema[a->nschema] = NULL;
	s->labels = tt_xrealloc(s->labels, (size_t)(s->nlabels + 1) * sizeof *s->labels);
	l = &s->labels[s->nlabels++];
	l->name = tt_xstrdup(name);
	l->key = tt_xstrdup(key);
	l->description = description != NULL ? tt_xstrdup(description) : NULL;
}

/* KEY as given ("-": the next free one) -> a usable canonical key. */
static int label_new_key(struct cmd_ctx *ctx, const char *given, char *out, size_t n)
{
	char why[160];

	if (given == NULL || strcmp(given, "-") == 0) {
		if (label_free_key(ctx->app, out, n) == 0)
			return 0;
		cmd_error(ctx, "add-label: every label key is taken; give one: add-label NAME KEY");
		return -1;
	}
	if (keys_normalize(given, out, n) != 0) {
		cmd_error(ctx, "add-label: '%s' is not a key (give a key, or - for the next free "
			  "one, before the description)", given);
		return -1;
	}
	if (label_key_taken(ctx->app, out, why, sizeof why) != NULL) {
		cmd_error(ctx, "add-label: %s; choose another key", why);
		return -1;
	}
	return 0;
}

enum cmd_rc cmd_add_label_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *a = ctx->app;
	struct tt_buf desc;
	char key[KEYS_NAME_MAX];
	char *const *names;
	int n, i;

	if (!label_name_ok(argv[1])) {
		cmd_error(ctx, "add-label: '%s' is not a label name (no spaces, commas or control "
			  "characters)", argv[1]);
		return CMD_ERROR;
	}
	names = label_names(a, &n);
	for (i = 0; i < n; i++) {
		if (strcmp(names[i], argv[1]) == 0) {
			label_key_of(a, i, key, sizeof key);
			cmd_error(ctx, "add-label: %s is already a label (key %s)", argv[1], key);
			return CMD_ERROR;
		}
	}
	if (label_new_key(ctx, argc > 2 ? argv[2] : NULL, key, sizeof key) != 0)
		return CMD_ERROR;
	tt_buf_init(&desc);
	for (i = 3; i < argc; i++)
		tt_buf_printf(&desc, "%s%s", i > 3 ? " " : "", argv[i]);
	label_schema_fill(a, app_session(a));
	label_schema_append(a, a->session, argv[1], key, argc > 3 ? desc.data : NULL);
	tt_buf_fini(&desc);
	if (a->ui != NULL) {
		label_bind_keys(a->ui);
		ui_mark(a->ui, 1u << PANE_LABEL | 1u << PANE_STATUS | UI_DIRTY_OVERLAY);
	}
	cmd_print(ctx, "label %s added on key %s (session save keeps it)\n", argv[1], key);
	return CMD_OK;
}
