/*
 * theme.h - color themes: semantic roles to colors and attributes.
 *
 * A theme file (themes/NAME.yaml) looks like
 *
 *   name: dark
 *   colors:
 *     chart.train: "#5fafff"          # a scalar sets the foreground
 *     chart.valid: "214"              # xterm-256 index 0..255
 *     error: red                      # black red green yellow blue magenta cyan white
 *     status: {fg: black, bg: "#87af87", attrs: [bold]}
 *     selection: {attrs: reverse}     # fg/bg "default" or left out: the terminal's
 *
 * Keys of colors are the role names of grid.h. Unknown keys, roles, colors
 * and attributes, duplicates and wrong shapes are errors with
 * file:line:column. A role the file leaves out is drawn like "default".
 *
 * Rendering (theme_color_for) maps the stored colors to what the terminal
 * has: 256 colors (#rrggbb to the nearest xterm-256 entry), 16 or 8 colors
 * (the nearest basic color by the xterm palette), or none (fg/bg -1 and the
 * monochrome attributes of theme_mono() added to the theme's own).
 */
#ifndef TUNETOP_THEME_H
#define TUNETOP_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunetop/grid.h"
#include "tunetop/util.h"

enum theme_color_kind {
	THEME_COLOR_DEFAULT,	/* the terminal's own */
	THEME_COLOR_INDEX,	/* xterm-256 index */
	THEME_COLOR_RGB
};

struct theme_color {
	uint8_t kind;		/* enum theme_color_kind */
	uint8_t index;
	uint8_t r, g, b;
};

struct theme_style {
	struct theme_color fg, bg;
	uint8_t attr;		/* enum grid_attr bits */
	bool defined;		/* set by the theme file */
};

struct theme {
	char name[64];
	struct theme_style style[GRID_ROLE_COUNT];
};

/* What to hand to curses: fg/bg color numbers (-1 = default) and attributes. */
struct theme_render {
	int fg, bg;
	uint8_t attr;
};

/* An empty theme: every role the terminal's default, nothing defined. */
void theme_init(struct theme *t, const char *name);

/* Load a theme file; on error t is unchanged and err says where. 0 / -1. */
int theme_load(struct theme *t, const char *path, struct tt_err *err);
/* The same from memory; file names the text in errors. */
int theme_parse(struct theme *t, const char *file, const char *data, size_t len,
		struct tt_err *err);

/* The built-in monochrome theme (no colors, attributes only). */
const struct theme *theme_mono(void);

/*
 * The rendering of role for a terminal with ncolors colors (>= 256, 16, 8,
 * or 0 for none).
 */
struct theme_render theme_color_for(const struct theme *t, int role, int ncolors);

/* Number of roles the theme file did not define. */
int theme_missing(const struct theme *t);

/* "#rrggbb", "0".."255", a basic color name or "default". 0 / -1. */
int theme_parse_color(const char *s, struct theme_color *c);
/* "bold", "dim", "reverse", "underline" to its bit; 0 if unknown. */
uint8_t theme_parse_attr(const char *s);

/* The RGB value of an xterm-256 index (the standard xterm palette). */
void theme_index_rgb(int index, uint8_t *r, uint8_t *g, uint8_t *b);
/* Nearest xterm-256 index (16..255: the cube and the gray ramp) to a color. */
int theme_rgb_to_256(uint8_t r, uint8_t g, uint8_t b);
/* Nearest of the first n palette colors (n = 8 or 16) to a color. */
int theme_rgb_to_basic(uint8_t r, uint8_t g, uint8_t b, int n);

#endif
