/*
 * keys.c - the key map: default bindings, bind/unbind, lookup, key names.
 * See keys.h. Every binding is a command string; nothing here runs one.
 */
#include "tunetop/keys.h"

#include <ctype.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const keys_contexts[] = {
	"global", "data", "label", "curves", "confusion", "repl", NULL
};

/* The default map, in the order `help keys` lists it. */
static const char *const keys_defaults[][3] = {
	{ "global", "t", "train" },
	{ "global", "space", "toggle-pause" },
	{ "global", "+", "lr-scale 2" },
	{ "global", "=", "lr-scale 2" },
	{ "global", "-", "lr-scale 0.5" },
	{ "global", "e", "eval" },
	{ "global", "s", "checkpoint-now" },
	{ "global", ":", "prompt" },
	{ "global", "Tab", "focus repl" },
	{ "global", "F1", "layout overview" },
	{ "global", "F2", "layout data" },
	{ "global", "F3", "layout labeling" },
	{ "global", "F6", "focus next" },
	{ "global", "C-w", "focus next" },
	{ "global", "BTab", "focus prev" },
	{ "global", "z", "zoom" },
	{ "global", "[", "smooth -" },
	{ "global", "]", "smooth +" },
	{ "global", "y", "logy" },
	{ "global", "x", "range" },
	{ "global", "w", "layers" },
	{ "global", "/", "prompt 'search '" },
	{ "global", "?", "keys" },
	{ "global", "Q", "quality" },
	{ "global", "C-l", "redraw" },
	{ "global", "q", "quit" },
	{ "data", "j", "cursor down" },
	{ "data", "Down", "cursor down" },
	{ "data", "k", "cursor up" },
	{ "data", "Up", "cursor up" },
	{ "data", "PgDn", "cursor pgdn" },
	{ "data", "PgUp", "cursor pgup" },
	{ "data", "g", "cursor top" },
	{ "data", "Home", "cursor top" },
	{ "data", "G", "cursor bottom" },
	{ "data", "End", "cursor bottom" },
	{ "data", "Enter", "detail" },
	{ "data", "Esc", "filter off" },
	{ "data", "n", "search-next" },
	{ "data", "N", "search-next prev" },
	{ "data", "f", "prompt 'filter '" },
	{ "data", "F", "prompt 'filter + '" },
	{ "data", ">", "sort next" },
	{ "data", "<", "sort prev" },
	{ "data", "I", "sort reverse" },
	{ "data", "o", "prompt 'sort '" },
	{ "data", "i", "edit" },
	{ "data", "1", "label-key 1" },
	{ "data", "2", "label-key 2" },
	{ "data", "3", "label-key 3" },
	{ "data", "4", "label-key 4" },
	{ "data", "5", "label-key 5" },
	{ "data", "6", "label-key 6" },
	{ "data", "7", "label-key 7" },
	{ "data", "8", "label-key 8" },
	{ "data", "9", "label-key 9" },
	{ "data", "m", "label-note" },
	{ "data", "J", "text-scroll down" },
	{ "data", "K", "text-scroll up" },
	{ "data", "L", "leak-fix move" },
	{ "data", "X", "leak-fix drop" },
	{ "data", "U", "label-undo" },
	{ "data", "R", "label-redo" },
	{ "label", "j", "label-move next" },
	{ "label", "Down", "label-move next" },
	{ "label", "n", "label-move next" },
	{ "label", "k", "label-move prev" },
	{ "label", "Up", "label-move prev" },
	{ "label", "p", "label-move prev" },
	{ "label", "g", "label-move first" },
	{ "label", "Home", "label-move first" },
	{ "label", "G", "label-move last" },
	{ "label", "End", "label-move last" },
	{ "label", "1", "label-key 1" },
	{ "label", "2", "label-key 2" },
	{ "label", "3", "label-key 3" },
	{ "label", "4", "label-key 4" },
	{ "label", "5", "label-key 5" },
	{ "label", "6", "label-key 6" },
	{ "label", "7", "label-key 7" },
	{ "label", "8", "label-key 8" },
	{ "label", "9", "label-key 9" },
	{ "label", "a", "label-accept" },
	{ "label", "u", "label-mark unsure" },
	{ "label", "f", "label-mark flag" },
	{ "label", "d", "label-mark discard" },
	{ "label", "m", "label-note" },
	{ "label", "N", "label-note" },
	{ "label", "L", "leak-fix move" },
	{ "label", "X", "leak-fix drop" },
	{ "label", "U", "label-undo" },
	{ "label", "C-r", "label-redo" },
	{ "label", "R", "label-redo" },
	{ "label", "Enter", "label-confirm" },
	{ "label", "o", "queue next" },
	{ "label", "A", "prompt 'add-label '" },
	{ "label", "PgDn", "text-scroll pgdn" },
	{ "label", "PgUp", "text-scroll pgup" },
	{ "label", "J", "text-scroll down" },
	{ "label", "K", "text-scroll up" },
	{ "label", "'", "label-pick" },
	{ "label", "T", "tokens-record" },
	{ "confusion", "h", "cursor left" },
	{ "confusion", "Left", "cursor left" },
	{ "confusion", "l", "cursor right" },
	{ "confusion", "Right", "cursor right" },
	{ "confusion", "k", "cursor up" },
	{ "confusion", "Up", "cursor up" },
	{ "confusion", "j", "cursor down" },
	{ "confusion", "Down", "cursor down" },
	{ "confusion", "n", "normalize" },
	{ "confusion", "Enter", "open-cell" },
	{ "confusion", "PgDn", "cursor pgdn" },
	{ "confusion", "PgUp", "cursor pgup" },
	{ "confusion", "g", "cursor top" },
	{ "confusion", "G", "cursor bottom" },
	{ "confusion", "v", "matrix-view" },
	{ "confusion", "o", "matrix-sort" },
	{ "confusion", "T", "matrix-split" },
	{ "repl", "PgUp", "scroll up" },
	{ "repl", "PgDn", "scroll down" },
	{ "repl", "Esc", "focus back" },
};

/* Named keys: canonical name, curses code (0 = a plain character). */
struct keys_named {
	const char *name;
	int code;
	int ch;
};

static const struct keys_named keys_named[] = {
	{ "space", 0, ' ' },
	{ "Enter", 0, '\r' },
	{ "Tab", 0, '\t' },
	{ "Esc", 0, 27 },
	{ "Backspace", KEY_BACKSPACE, 0 },
	{ "BTab", KEY_BTAB, 0 },
	{ "Up", KEY_UP, 0 },
	{ "Down", KEY_DOWN, 0 },
	{ "Left", KEY_LEFT, 0 },
	{ "Right", KEY_RIGHT, 0 },
	{ "PgUp", KEY_PPAGE, 0 },
	{ "PgDn", KEY_NPAGE, 0 },
	{ "Home", KEY_HOME, 0 },
	{ "End", KEY_END, 0 },
	{ "Ins", KEY_IC, 0 },
	{ "Del", KEY_DC, 0 },
};

static const char *const keys_aliases[][2] = {
	{ "return", "Enter" }, { "ret", "Enter" }, { "escape", "Esc" }, { "pageup", "PgUp" },
	{ "pagedown", "PgDn" }, { "ppage", "PgUp" }, { "npage", "PgDn" }, { "delete", "Del" },
	{ "insert", "Ins" }, { "bspace", "Backspace" }, { "s-tab", "BTab" }, { "spc", "space" },
};

void keys_init(struct keys *k)
{
	size_t i;

	memset(k, 0, sizeof *k);
	for (i = 0; i < sizeof keys_defaults / sizeof keys_defaults[0]; i++)
		keys_bind(k, keys_defaults[i][0], keys_defaults[i][1], keys_defaults[i][2], NULL);
}

void keys_fini(struct keys *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->b[i].command);
	free(k->b);
	memset(k, 0, sizeof *k);
}

int keys_context_valid(const char *context)
{
	int i;

	for (i = 0; keys_contexts[i] != NULL; i++) {
		if (strcmp(keys_contexts[i], context) == 0)
			return 1;
	}
	return 0;
}

/* Length in bytes of the single UTF-8 character name is, or 0 if not one. */
static size_t keys_one_char(const char *name)
{
	unsigned char c = (unsigned char)name[0];
	size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
	size_t i;

	if (len == 0 || strlen(name) != len)
		return 0;
	for (i = 1; i < len; i++) {
		if (((unsigned char)name[i] & 0xc0) != 0x80)
			return 0;
	}
	if (len == 1 && (c < 0x21 || c == 0x7f))
		return 0;
	return len;
}

/* "C-x", "c-x", "^x", "^X" -> "C-x"; -1 if not a control key. */
static int keys_control(const char *name, char *out, size_t n)
{
	char c;

	if ((name[0] == 'C' || name[0] == 'c') && name[1] == '-' && name[2] != '\0' && name[3] == '\0')
		c = name[2];
	else if (name[0] == '^' && name[1] != '\0' && name[2] == '\0')
		c = name[1];
	else
		return -1;
	c = (char)tolower((unsigned char)c);
	if (c < 'a' || c > 'z')
		return -1;
	snprintf(out, n, "C-%c", c);
	return 0;
}

int keys_normalize(const char *name, char *out, size_t n)
{
	size_t i;
	char *end;

	if (name == NULL || name[0] == '\0' || n < KEYS_NAME_MAX)
		return -1;
	if (keys_one_char(name) > 0) {
		snprintf(out, n, "%s", name);
		return 0;
	}
	if (keys_control(name, out, n) == 0)
		return 0;
	for (i = 0; i < sizeof keys_named / sizeof keys_named[0]; i++) {
		if (strcasecmp(keys_named[i].name, name) == 0) {
			snprintf(out, n, "%s", keys_named[i].name);
			return 0;
		}
	}
	for (i = 0; i < sizeof keys_aliases / sizeof keys_aliases[0]; i++) {
		if (strcasecmp(keys_aliases[i][0], name) == 0) {
			snprintf(out, n, "%s", keys_aliases[i][1]);
			return 0;
		}
	}
	if ((name[0] == 'F' || name[0] == 'f') && name[1] >= '1' && name[1] <= '9') {
		long f = strtol(name + 1, &end, 10);

		if (*end == '\0' && f >= 1 && f <= 12) {
			snprintf(out, n, "F%ld", f);
			return 0;
		}
	}
	return -1;
}

static struct keys_binding *keys_find(const struct keys *k, const char *context, const char *key)
{
	size_t i;

	for (i = 0; i < k->n; i++) {
		if (strcmp(k->b[i].context, context) == 0 && strcmp(k->b[i].key, key) == 0)
			return &k->b[i];
	}
	return NULL;
}

/* Check context and key; the canonical key goes to canon. */
static int keys_check(const char *context, const char *key, char *canon, struct tt_err *err)
{
	if (!keys_context_valid(context)) {
		tt_err_set(err, NULL, 0, 0, "unknown key context '%s' (expected global, data, label, "
			   "curves, confusion or repl)", context);
		return -1;
	}
	if (keys_normalize(key, canon, KEYS_NAME_MAX) != 0) {
		tt_err_set(err, NULL, 0, 0, "unknown key '%s' (expected a character, space, Enter, "
			   "Tab, Esc, Up, PgDn, F1..F12, C-a..C-z ...)", key);
		return -1;
	}
	return 0;
}

int keys_bind(struct keys *k, const char *context, const char *key, const char *command,
	      struct tt_err *err)
{
	char canon[KEYS_NAME_MAX];
	struct keys_binding *b;

	if (keys_check(context, key, canon, err) != 0)
		return -1;
	if (command == NULL || command[0] == '\0') {
		tt_err_set(err, NULL, 0, 0, "bind %s: no command given", canon);
		return -1;
	}
	b = keys_find(k, context, canon);
	if (b != NULL) {
		free(b->command);
		b->command = tt_xstrdup(command);
		return 0;
	}
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 64;
		k->b = tt_xrealloc(k->b, k->cap * sizeof *k->b);
	}
	b = &k->b[k->n++];
	snprintf(b->context, sizeof b->context, "%s", context);
	snprintf(b->key, sizeof b->key, "%s", canon);
	b->command = tt_xstrdup(command);
	return 0;
}

int keys_unbind(struct keys *k, const char *context, const char *key, struct tt_err *err)
{
	char canon[KEYS_NAME_MAX];
	struct keys_binding *b;
	size_t at;

	if (keys_check(context, key, canon, err) != 0)
		return -1;
	b = keys_find(k, context, canon);
	if (b == NULL) {
		tt_err_set(err, NULL, 0, 0, "%s is not bound in %s", canon, context);
		return -1;
	}
	at = (size_t)(b - k->b);
	free(b->command);
	memmove(b, b + 1, (k->n - at - 1) * sizeof *b);
	k->n--;
	return 0;
}

const char *keys_lookup(const struct keys *k, const char *context, const char *key)
{
	const struct keys_binding *b = NULL;

	if (context != NULL)
		b = keys_find(k, context, key);
	if (b == NULL)
		b = keys_find(k, "global", key);
	return b != NULL ? b->command : NULL;
}

const char *keys_get(const struct keys *k, const char *context, const char *key)
{
	const struct keys_binding *b = keys_find(k, context, key);

	return b != NULL ? b->command : NULL;
}

static void keys_describe_one(const struct keys *k, const char *context, struct tt_buf *out)
{
	size_t i;
	int any = 0;

	for (i = 0; i < k->n; i++) {
		if (strcmp(k->b[i].context, context) != 0)
			continue;
		if (!any)
			tt_buf_printf(out, "%s%s keys:\n", out->len > 0 ? "\n" : "", context);
		any = 1;
		tt_buf_printf(out, "  %-10s %s\n", k->b[i].key, k->b[i].command);
	}
}

void keys_describe(const struct keys *k, const char *context, struct tt_buf *out)
{
	int i;

	for (i = 0; keys_contexts[i] != NULL; i++) {
		if (context == NULL || strcmp(context, keys_contexts[i]) == 0 ||
		    strcmp(keys_contexts[i], "global") == 0)
			keys_describe_one(k, keys_contexts[i], out);
	}
}

/* A plain character's name: control keys, space, UTF-8. */
static int keys_char_name(int ch, char *out, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof keys_named / sizeof keys_named[0]; i++) {
		if (keys_named[i].code == 0 && keys_named[i].ch == ch) {
			snprintf(out, n, "%s", keys_named[i].name);
			return 0;
		}
	}
	if (ch == '\n')
		return keys_char_name('\r', out, n);
	if (ch == 127 || ch == 8)
		return snprintf(out, n, "Backspace") > 0 ? 0 : -1;
	if (ch >= 1 && ch <= 26) {
		snprintf(out, n, "C-%c", 'a' + ch - 1);
		return 0;
	}
	if (ch < 0x20 || ch > 0x10ffff || (ch >= 0xd800 && ch < 0xe000))
		return -1;
	if (ch < 0x80)
		snprintf(out, n, "%c", ch);
	else if (ch < 0x800)
		snprintf(out, n, "%c%c", 0xc0 | (ch >> 6), 0x80 | (ch & 0x3f));
	else if (ch < 0x10000)
		snprintf(out, n, "%c%c%c", 0xe0 | (ch >> 12), 0x80 | ((ch >> 6) & 0x3f),
			 0x80 | (ch & 0x3f));
	else
		snprintf(out, n, "%c%c%c%c", 0xf0 | (ch >> 18), 0x80 | ((ch >> 12) & 0x3f),
			 0x80 | ((ch >> 6) & 0x3f), 0x80 | (ch & 0x3f));
	return 0;
}

int keys_name(int code, char *out, size_t n)
{
	size_t i;

	out[0] = '\0';
	if (!(code & KEYS_FN))
		return keys_char_name(code, out, n);
	code &= ~KEYS_FN;
	if (code == KEY_ENTER)
		return keys_char_name('\r', out, n);
	if (code >= KEY_F(1) && code <= KEY_F(12)) {
		snprintf(out, n, "F%d", code - KEY_F0);
		return 0;
	}
	for (i = 0; i < sizeof keys_named / sizeof keys_named[0]; i++) {
		if (keys_named[i].code != 0 && keys_named[i].code == code) {
			snprintf(out, n, "%s", keys_named[i].name);
			return 0;
		}
	}
	return -1;
}
