/*
 * keys.h - the key map: {context, key, "command string"} rows.
 *
 * A key press runs a command string through the command registry, like a
 * line typed in the REPL, so every binding can be listed (`help keys`, the
 * `?` overlay) and changed (`bind`, `unbind`). Lookup tries the focused
 * pane's context first, then "global".
 *
 * Key names: a printable character ("q", "+", "?"), or one of space,
 * Enter, Tab, BTab (shift-tab), Esc, Backspace, Up, Down, Left, Right,
 * PgUp, PgDn, Home, End, Ins, Del, F1..F12, C-a..C-z. Case is ignored for
 * the named keys; common aliases are accepted (Return, Escape, PageUp,
 * ^W) and stored in the canonical spelling.
 */
#ifndef TUNETOP_KEYS_H
#define TUNETOP_KEYS_H

#include <stddef.h>

#include "tunetop/util.h"

enum {
	KEYS_NAME_MAX = 16,
	KEYS_CONTEXT_MAX = 16,
	KEYS_FN = 0x40000000		/* a decoded key code: curses KEY_* | KEYS_FN */
};

struct keys_binding {
	char context[KEYS_CONTEXT_MAX];
	char key[KEYS_NAME_MAX];
	char *command;
};

struct keys {
	struct keys_binding *b;
	size_t n, cap;
};

/* The default key map. */
void keys_init(struct keys *k);
void keys_fini(struct keys *k);

/* The contexts, NULL-terminated: global, data, label, curves, confusion, repl. */
extern const char *const keys_contexts[];
int keys_context_valid(const char *context);

/*
 * The canonical name of a key name ("Return" -> "Enter", "^w" -> "C-w").
 * Returns 0, or -1 if name is not a key.
 */
int keys_normalize(const char *name, char *out, size_t n);

/* Bind (replacing a binding of the same context and key). 0 or -1 + err. */
int keys_bind(struct keys *k, const char *context, const char *key, const char *command,
	      struct tt_err *err);
/* Remove a binding. 0, or -1 + err when there is none. */
int keys_unbind(struct keys *k, const char *context, const char *key, struct tt_err *err);

/* The command bound to key (canonical) in context, else in global; NULL if none. */
const char *keys_lookup(const struct keys *k, const char *context, const char *key);
/* The command bound to key in exactly that context; NULL if none. */
const char *keys_get(const struct keys *k, const char *context, const char *key);

/*
 * The bindings as text, one "  KEY  COMMAND" line each, grouped by context
 * with a heading line per context. context NULL: all of them; otherwise
 * that context and global.
 */
void keys_describe(const struct keys *k, const char *context, struct tt_buf *out);

/*
 * The name of a key read from curses: a character (a Unicode code point)
 * or a key code | KEYS_FN. Returns 0, or -1 if the key has no name (then
 * out is empty).
 */
int keys_name(int code, char *out, size_t n);

#endif
