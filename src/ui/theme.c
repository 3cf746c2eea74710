/*
 * theme.c - color themes: loading (libyaml events) and rendering for 256,
 * 16, 8 or no colors. See theme.h.
 *
 * Rendering resolves "default" colors through the theme's "default" role
 * before anything else, so a light theme that sets default's background
 * gets that background under every role, whatever the terminal's own is.
 */
#include "tunetop/theme.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static const char *const basic_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

/* xterm's first 16 colors; 16..255 are computed (cube and gray ramp). */
static const uint8_t xterm16[16][3] = {
	{ 0x00, 0x00, 0x00 }, { 0xcd, 0x00, 0x00 }, { 0x00, 0xcd, 0x00 }, { 0xcd, 0xcd, 0x00 },
	{ 0x00, 0x00, 0xee }, { 0xcd, 0x00, 0xcd }, { 0x00, 0xcd, 0xcd }, { 0xe5, 0xe5, 0xe5 },
	{ 0x7f, 0x7f, 0x7f }, { 0xff, 0x00, 0x00 }, { 0x00, 0xff, 0x00 }, { 0xff, 0xff, 0x00 },
	{ 0x5c, 0x5c, 0xff }, { 0xff, 0x00, 0xff }, { 0x00, 0xff, 0xff }, { 0xff, 0xff, 0xff },
};

static const uint8_t cube_levels[6] = { 0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff };

/*
 * Monochrome: what tells the roles apart without color. Kept in step with
 * themes/mono.yaml (a test compares them).
 */
static const struct theme mono_theme = {
	.name = "mono",
	.style = {
		[GRID_ROLE_DEFAULT] = { .defined = true },
		[GRID_ROLE_DIM] = { .attr = GRID_ATTR_DIM, .defined = true },
		[GRID_ROLE_TITLE] = { .attr = GRID_ATTR_BOLD, .defined = true },
		[GRID_ROLE_BORDER] = { .defined = true },
		[GRID_ROLE_BORDER_FOCUS] = { .attr = GRID_ATTR_BOLD, .defined = true },
		[GRID_ROLE_STATUS] = { .attr = GRID_ATTR_REVERSE, .defined = true },
		[GRID_ROLE_STATUS_KEY] = { .attr = GRID_ATTR_REVERSE | GRID_ATTR_BOLD,
					   .defined = true },
		[GRID_ROLE_ERROR] = { .attr = GRID_ATTR_BOLD, .defined = true },
		[GRID_ROLE_WARNING] = { .attr = GRID_ATTR_UNDERLINE, .defined = true },
		[GRID_ROLE_OK] = { .defined = true },
		[GRID_ROLE_CHART_TRAIN] = { .defined = true },
		[GRID_ROLE_CHART_VALID] = { .attr = GRID_ATTR_BOLD, .defined = true },
		[GRID_ROLE_CHART_METRIC] = { .defined = true },
		[GRID_ROLE_CHART_LR] = { .attr = GRID_ATTR_DIM, .defined = true },
		[GRID_ROLE_CHART_PREV] = { .attr = GRID_ATTR_DIM, .defined = true },
		[GRID_ROLE_CHART_MARKER] = { .attr = GRID_ATTR_DIM, .defined = true },
		[GRID_ROLE_CHART_AXIS] = { .attr = GRID_ATTR_DIM, .defined = true },
		[GRID_ROLE_MATRIX_HEAT0] = { .attr = GRID_ATTR_DIM, .defined = true },
		[GRID_ROLE_MATRIX_HEAT1] = { .defined = true },
		[GRID_ROLE_MATRIX_HEAT2] = { .defined = true },
		[GRID_ROLE_MATRIX_HEAT3] = { .attr = GRID_ATTR_BOLD, .defined = true },
		[GRID_ROLE_MATRIX_HEAT4] = { .attr = GRID_ATTR_REVERSE, .defined = true },
		[GRID_ROLE_MATRIX_HEAT5] = { .attr = GRID_ATTR_REVERSE | GRID_ATTR_BOLD,
					     .defined = true },
		[GRID_ROLE_MATRIX_DIAG] = { .attr = GRID_ATTR_UNDERLINE, .defined = true },
		[GRID_ROLE_LABEL_KEY] = { .attr = GRID_ATTR_BOLD, .defined = true },
		[GRID_ROLE_LABEL_NAME] = { .defined = true },
		[GRID_ROLE_LABEL_SUGGEST] = { .attr = GRID_ATTR_UNDERLINE, .defined = true },
		[GRID_ROLE_SELECTION] = { .attr = GRID_ATTR_REVERSE, .defined = true },
		[GRID_ROLE_SEARCH_MATCH] = { .attr = GRID_ATTR_BOLD | GRID_ATTR_UNDERLINE,
					     .defined = true },
	},
};

void
theme_init(struct theme *t, const char *name)
{
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name != NULL ? name : "");
}

const struct theme *
theme_mono(void)
{
	return &mono_theme;
}

int
theme_missing(const struct theme *t)
{
	int n = 0;

	for (int i = 0; i < GRID_ROLE_COUNT; i++)
		if (!t->style[i].defined)
			n++;
	return n;
}

/* ---- colors ---- */

static int
theme_hex(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

static int
theme_parse_rgb(const char *s, struct theme_color *c)
{
	int v[6];

	if (strlen(s) != 7)
		return -1;
	for (int i = 0; i < 6; i++)
		if ((v[i] = theme_hex((unsigned char)s[i + 1])) < 0)
			return -1;
	c->kind = THEME_COLOR_RGB;
	c->r = (uint8_t)(v[0] * 16 + v[1]);
	c->g = (uint8_t)(v[2] * 16 + v[3]);
	c->b = (uint8_t)(v[4] * 16 + v[5]);
	c->index = 0;
	return 0;
}

int
theme_parse_color(const char *s, struct theme_color *c)
{
	struct theme_color out = { 0 };

	if (s[0] == '#') {
		if (theme_parse_rgb(s, &out) < 0)
			return -1;
		*c = out;
		return 0;
	}
	if (isdigit((unsigned char)s[0])) {
		char *end;
		long v = strtol(s, &end, 10);
		if (*end != '\0' || v < 0 || v > 255 || strlen(s) > 3)
			return -1;
		out.kind = THEME_COLOR_INDEX;
		out.index = (uint8_t)v;
		*c = out;
		return 0;
	}
	if (strcmp(s, "default") == 0) {
		*c = out;
		return 0;
	}
	for (int i = 0; i < 8; i++)
		if (strcmp(s, basic_names[i]) == 0) {
			out.kind = THEME_COLOR_INDEX;
			out.index = (uint8_t)i;
			*c = out;
			return 0;
		}
	return -1;
}

uint8_t
theme_parse_attr(const char *s)
{
	if (strcmp(s, "bold") == 0)
		return GRID_ATTR_BOLD;
	if (strcmp(s, "dim") == 0)
		return GRID_ATTR_DIM;
	if (strcmp(s, "reverse") == 0)
		return GRID_ATTR_REVERSE;
	if (strcmp(s, "underline") == 0)
		return GRID_ATTR_UNDERLINE;
	return 0;
}

void
theme_index_rgb(int index, uint8_t *r, uint8_t *g, uint8_t *b)
{
	if (index < 0 || index > 255)
		index = 0;
	if (index < 16) {
		*r = xterm16[index][0];
		*g = xterm16[index][1];
		*b = xterm16[index][2];
	} else if (index < 232) {
		int i = index - 16;
		*r = cube_levels[i / 36];
		*g = cube_levels[(i / 6) % 6];
		*b = cube_levels[i % 6];
	} else {
		uint8_t v = (uint8_t)(8 + 10 * (index - 232));
		*r = *g = *b = v;
	}
}

static long
theme_dist(int r1, int g1, int b1, int r2, int g2, int b2)
{
	long dr = r1 - r2, dg = g1 - g2, db = b1 - b2;

	return dr * dr + dg * dg + db * db;
}

/* The cube level nearest to v (0..5). */
static int
theme_cube_step(int v)
{
	int best = 0;

	for (int i = 1; i < 6; i++)
		if (abs(cube_levels[i] - v) < abs(cube_levels[best] - v))
			best = i;
	return best;
}

int
theme_rgb_to_256(uint8_t r, uint8_t g, uint8_t b)
{
	int cr = theme_cube_step(r), cg = theme_cube_step(g), cb = theme_cube_step(b);
	int cube = 16 + 36 * cr + 6 * cg + cb;
	long dcube = theme_dist(r, g, b, cube_levels[cr], cube_levels[cg], cube_levels[cb]);
	int avg = (r + g + b) / 3;
	int gi = (avg - 8 + 5) / 10;
	long dgray;

	if (gi < 0)
		gi = 0;
	if (gi > 23)
		gi = 23;
	dgray = theme_dist(r, g, b, 8 + 10 * gi, 8 + 10 * gi, 8 + 10 * gi);
	return dgray < dcube ? 232 + gi : cube;
}

int
theme_rgb_to_basic(uint8_t r, uint8_t g, uint8_t b, int n)
{
	int best = 0;
	long bestd = -1;

	if (n > 16)
		n = 16;
	for (int i = 0; i < n; i++) {
		long d = theme_dist(r, g, b, xterm16[i][0], xterm16[i][1], xterm16[i][2]);
		if (bestd < 0 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return best;
}

/* One color for a terminal with ncolors (>= 8); -1 = default. */
static int
theme_render_color(const struct theme_color *c, int ncolors)
{
	uint8_t r, g, b;
	int basic = ncolors >= 16 ? 16 : 8;

	if (c->kind == THEME_COLOR_DEFAULT)
		return -1;
	if (c->kind == THEME_COLOR_INDEX && (ncolors >= 256 || c->index < basic))
		return c->index;
	/* Bright 8..15 on an 8-color terminal: the same hue, not a gray. */
	if (c->kind == THEME_COLOR_INDEX && c->index < 16)
		return c->index - 8;
	if (c->kind == THEME_COLOR_INDEX)
		theme_index_rgb(c->index, &r, &g, &b);
	else {
		r = c->r;
		g = c->g;
		b = c->b;
	}
	if (ncolors >= 256)
		return theme_rgb_to_256(r, g, b);
	return theme_rgb_to_basic(r, g, b, basic);
}

struct theme_render
theme_color_for(const struct theme *t, int role, int ncolors)
{
	struct theme_render out = { -1, -1, 0 };
	const struct theme_style *base = &t->style[GRID_ROLE_DEFAULT];
	const struct theme_style *s;
	struct theme_color fg, bg;

	if (role < 0 || role >= GRID_ROLE_COUNT)
		role = GRID_ROLE_DEFAULT;
	s = t->style[role].defined ? &t->style[role] : base;
	out.attr = s->attr;
	if (ncolors < 8) {
		out.attr |= mono_theme.style[role].attr;
		return out;
	}
	fg = s->fg.kind == THEME_COLOR_DEFAULT ? base->fg : s->fg;
	bg = s->bg.kind == THEME_COLOR_DEFAULT ? base->bg : s->bg;
	out.fg = theme_render_color(&fg, ncolors);
	out.bg = theme_render_color(&bg, ncolors);
	/* Downsampling can merge distinct colors: never draw text invisible. */
	if (out.fg >= 0 && out.fg == out.bg && ncolors < 256)
		out.fg = out.bg == 0 ? 7 : 0;
	return out;
}

/* ---- loading ---- */

struct theme_ld {
	yaml_parser_t parser;
	const char *file;
	const char *data;
	size_t len;
	struct theme tmp;
	uint32_t seen[GRID_ROLE_COUNT];	/* line where a role was set; 0 = not yet */
	struct tt_err *err;
};

static int
theme_fail(struct theme_ld *ld, yaml_mark_t mark, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record the error at mark (libyaml counts from 0). Returns -1. */
static int
theme_fail(struct theme_ld *ld, yaml_mark_t mark, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	tt_err_set(ld->err, ld->file, (uint32_t)mark.line + 1, (uint32_t)mark.column + 1, "%s",
		   msg);
	return -1;
}

/* Line and character column of a byte offset (reader errors give only that). */
static yaml_mark_t
theme_offset_mark(const struct theme_ld *ld, size_t off)
{
	yaml_mark_t m = { 0, 0, 0 };

	if (off > ld->len)
		off = ld->len;
	for (size_t i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)ld->data[i];
		if (ch == '\n') {
			m.line++;
			m.column = 0;
		} else if ((ch & 0xC0) != 0x80) {
			m.column++;
		}
	}
	m.index = off;
	return m;
}

static int
theme_next(struct theme_ld *ld, yaml_event_t *ev)
{
	yaml_parser_t *p = &ld->parser;

	if (yaml_parser_parse(p, ev)) {
		if (ev->type != YAML_ALIAS_EVENT)
			return 0;
		theme_fail(ld, ev->start_mark, "YAML aliases are not supported in themes");
		yaml_event_delete(ev);
		return -1;
	}
	if (p->error == YAML_MEMORY_ERROR)
		tt_fatal("theme: out of memory while parsing YAML");
	if (p->error == YAML_READER_ERROR)
		return theme_fail(ld, theme_offset_mark(ld, p->problem_offset),
				  "YAML syntax error: %s", p->problem ? p->problem : "?");
	if (p->context != NULL)
		return theme_fail(ld, p->problem_mark, "YAML syntax error: %s (%s at line %zu, "
				  "column %zu)", p->problem ? p->problem : "?", p->context,
				  p->context_mark.line + 1, p->context_mark.column + 1);
	return theme_fail(ld, p->problem_mark, "YAML syntax error: %s",
			  p->problem ? p->problem : "?");
}

static const char *
theme_kind(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return "a scalar";
	case YAML_SEQUENCE_START_EVENT:
		return "a list";
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	case YAML_ALIAS_EVENT:
		return "an alias";
	default:
		return "the end of a block";
	}
}

static const char *
theme_scalar(const yaml_event_t *ev)
{
	return (const char *)ev->data.scalar.value;
}

/* The next event must be a scalar; its text is copied to buf. */
static int
theme_expect_scalar(struct theme_ld *ld, const char *what, char *buf, size_t n,
		    yaml_mark_t *mark)
{
	yaml_event_t ev;
	int rc = 0;

	if (theme_next(ld, &ev) < 0)
		return -1;
	*mark = ev.start_mark;
	if (ev.type != YAML_SCALAR_EVENT)
		rc = theme_fail(ld, ev.start_mark, "expected %s, found %s", what,
				theme_kind(&ev));
	else
		snprintf(buf, n, "%s", theme_scalar(&ev));
	yaml_event_delete(&ev);
	return rc;
}

static int
theme_color_value(struct theme_ld *ld, const char *s, yaml_mark_t mark, struct theme_color *c)
{
	if (theme_parse_color(s, c) == 0)
		return 0;
	/* In YAML an unquoted #rrggbb starts a comment, leaving the value empty. */
	if (s[0] == '\0')
		return theme_fail(ld, mark, "missing color (quote #rrggbb values: \"#5fafff\")");
	return theme_fail(ld, mark,
			  "unknown color '%s' (expected #rrggbb, 0-255, default, or one of "
			  "black red green yellow blue magenta cyan white)", s);
}

static int
theme_attr_value(struct theme_ld *ld, const yaml_event_t *ev, uint8_t *attr)
{
	uint8_t a = theme_parse_attr(theme_scalar(ev));

	if (a == 0)
		return theme_fail(ld, ev->start_mark,
				  "unknown attribute '%s' "
				  "(expected bold, dim, reverse or underline)",
				  theme_scalar(ev));
	*attr |= a;
	return 0;
}

/* attrs: bold, or attrs: [bold, underline] */
static int
theme_attrs(struct theme_ld *ld, uint8_t *attr)
{
	yaml_event_t ev;
	int rc = 0;

	if (theme_next(ld, &ev) < 0)
		return -1;
	if (ev.type == YAML_SCALAR_EVENT) {
		rc = theme_attr_value(ld, &ev, attr);
		yaml_event_delete(&ev);
		return rc;
	}
	if (ev.type != YAML_SEQUENCE_START_EVENT) {
		rc = theme_fail(ld, ev.start_mark, "expected an attribute or a list of them, "
				"found %s", theme_kind(&ev));
		yaml_event_delete(&ev);
		return rc;
	}
	yaml_event_delete(&ev);
	for (;;) {
		if (theme_next(ld, &ev) < 0)
			return -1;
		if (ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		if (ev.type == YAML_SCALAR_EVENT)
			rc = theme_attr_value(ld, &ev, attr);
		else
			rc = theme_fail(ld, ev.start_mark, "expected an attribute, found %s",
					theme_kind(&ev));
		yaml_event_delete(&ev);
		if (rc < 0)
			return -1;
	}
	yaml_event_delete(&ev);
	return 0;
}

/* One key of a style mapping: fg, bg or attrs. */
static int
theme_style_key(struct theme_ld *ld, const yaml_event_t *key, struct theme_style *st,
		unsigned *seen)
{
	const char *k = theme_scalar(key);
	unsigned bit = strcmp(k, "fg") == 0 ? 1u : strcmp(k, "bg") == 0 ? 2u :
		       strcmp(k, "attrs") == 0 ? 4u : 0u;
	char buf[128];
	yaml_mark_t mark;

	if (bit == 0)
		return theme_fail(ld, key->start_mark,
				  "unknown key '%s' in a style (expected fg, bg or attrs)", k);
	if (*seen & bit)
		return theme_fail(ld, key->start_mark, "'%s' given twice", k);
	*seen |= bit;
	if (bit == 4u)
		return theme_attrs(ld, &st->attr);
	if (theme_expect_scalar(ld, "a color", buf, sizeof buf, &mark) < 0)
		return -1;
	return theme_color_value(ld, buf, mark, bit == 1u ? &st->fg : &st->bg);
}

/* {fg: ..., bg: ..., attrs: ...} after its MAPPING_START. */
static int
theme_style_map(struct theme_ld *ld, struct theme_style *st)
{
	unsigned seen = 0;

	for (;;) {
		yaml_event_t ev;
		int rc;

		if (theme_next(ld, &ev) < 0)
			return -1;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (ev.type != YAML_SCALAR_EVENT)
			rc = theme_fail(ld, ev.start_mark, "expected fg, bg or attrs, found %s",
					theme_kind(&ev));
		else
			rc = theme_style_key(ld, &ev, st, &seen);
		yaml_event_delete(&ev);
		if (rc < 0)
			return -1;
	}
}

/* A role's value: a color (the foreground) or a style mapping. */
static int
theme_style(struct theme_ld *ld, struct theme_style *st)
{
	yaml_event_t ev;
	char buf[128];
	int rc;

	memset(st, 0, sizeof *st);
	st->defined = true;
	if (theme_next(ld, &ev) < 0)
		return -1;
	if (ev.type == YAML_SCALAR_EVENT) {
		snprintf(buf, sizeof buf, "%s", theme_scalar(&ev));
		rc = theme_color_value(ld, buf, ev.start_mark, &st->fg);
	} else if (ev.type == YAML_MAPPING_START_EVENT) {
		rc = theme_style_map(ld, st);
	} else {
		rc = theme_fail(ld, ev.start_mark, "expected a color or {fg, bg, attrs}, found %s",
				theme_kind(&ev));
	}
	yaml_event_delete(&ev);
	return rc;
}

static int
theme_role(struct theme_ld *ld, const yaml_event_t *key)
{
	const char *name = theme_scalar(key);
	int role = grid_role_lookup(name);

	if (role < 0)
		return theme_fail(ld, key->start_mark, "unknown role '%s'", name);
	if (ld->seen[role] != 0)
		return theme_fail(ld, key->start_mark, "role '%s' defined twice (first at line %u)",
				  name, ld->seen[role]);
	ld->seen[role] = (uint32_t)key->start_mark.line + 1;
	return theme_style(ld, &ld->tmp.style[role]);
}

/* colors: {role: style, ...} */
static int
theme_colors(struct theme_ld *ld)
{
	yaml_event_t ev;

	if (theme_next(ld, &ev) < 0)
		return -1;
	if (ev.type != YAML_MAPPING_START_EVENT) {
		int rc = theme_fail(ld, ev.start_mark, "expected a mapping of roles, found %s",
				    theme_kind(&ev));
		yaml_event_delete(&ev);
		return rc;
	}
	yaml_event_delete(&ev);
	for (;;) {
		int rc;

		if (theme_next(ld, &ev) < 0)
			return -1;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (ev.type != YAML_SCALAR_EVENT)
			rc = theme_fail(ld, ev.start_mark, "expected a role name, found %s",
					theme_kind(&ev));
		else
			rc = theme_role(ld, &ev);
		yaml_event_delete(&ev);
		if (rc < 0)
			return -1;
	}
}

/* One top-level key: name or colors. seen: bit 1 name, bit 2 colors. */
static int
theme_top_key(struct theme_ld *ld, const yaml_event_t *key, unsigned *seen)
{
	const char *k = theme_scalar(key);
	char buf[sizeof ld->tmp.name];
	yaml_mark_t mark;

	if (strcmp(k, "name") == 0 && !(*seen & 1u)) {
		*seen |= 1u;
		if (theme_expect_scalar(ld, "a theme name", buf, sizeof buf, &mark) < 0)
			return -1;
		snprintf(ld->tmp.name, sizeof ld->tmp.name, "%s", buf);
		return 0;
	}
	if (strcmp(k, "colors") == 0 && !(*seen & 2u)) {
		*seen |= 2u;
		return theme_colors(ld);
	}
	if (strcmp(k, "name") == 0 || strcmp(k, "colors") == 0)
		return theme_fail(ld, key->start_mark, "'%s' given twice", k);
	return theme_fail(ld, key->start_mark, "unknown key '%s' (expected name or colors)", k);
}

/* The document's mapping, after its MAPPING_START. */
static int
theme_top(struct theme_ld *ld)
{
	unsigned seen = 0;

	for (;;) {
		yaml_event_t ev;
		int rc;

		if (theme_next(ld, &ev) < 0)
			return -1;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (ev.type != YAML_SCALAR_EVENT)
			rc = theme_fail(ld, ev.start_mark, "expected a key, found %s",
					theme_kind(&ev));
		else
			rc = theme_top_key(ld, &ev, &seen);
		yaml_event_delete(&ev);
		if (rc < 0)
			return -1;
	}
}

/* Stream start, document start, the mapping, document end, stream end. */
static int
theme_document(struct theme_ld *ld)
{
	yaml_event_t ev;
	int rc = 0;

	for (int i = 0; i < 3 && rc == 0; i++) {
		if (theme_next(ld, &ev) < 0)
			return -1;
		if (i == 1 && ev.type == YAML_STREAM_END_EVENT)
			rc = theme_fail(ld, ev.start_mark, "empty theme file");
		else if (i == 2 && ev.type != YAML_MAPPING_START_EVENT)
			rc = theme_fail(ld, ev.start_mark, "expected a mapping with name and "
					"colors, found %s", theme_kind(&ev));
		yaml_event_delete(&ev);
	}
	if (rc < 0 || theme_top(ld) < 0)
		return -1;
	if (theme_next(ld, &ev) < 0)	/* document end */
		return -1;
	yaml_event_delete(&ev);
	if (theme_next(ld, &ev) < 0)
		return -1;
	if (ev.type != YAML_STREAM_END_EVENT)
		rc = theme_fail(ld, ev.start_mark, "only one document is allowed");
	yaml_event_delete(&ev);
	return rc;
}

/* "themes/dark.yaml" -> "dark" */
static void
theme_name_from_file(const char *file, char *out, size_t n)
{
	const char *base = strrchr(file, '/');
	size_t len;

	base = base != NULL ? base + 1 : file;
	len = strcspn(base, ".");
	snprintf(out, n, "%.*s", (int)len, base);
}

int
theme_parse(struct theme *t, const char *file, const char *data, size_t len,
	    struct tt_err *err)
{
	struct theme_ld *ld = tt_xcalloc(1, sizeof *ld);
	int rc;

	ld->file = file;
	ld->data = data;
	ld->len = len;
	ld->err = err;
	theme_init(&ld->tmp, NULL);
	theme_name_from_file(file, ld->tmp.name, sizeof ld->tmp.name);
	if (!yaml_parser_initialize(&ld->parser))
		tt_fatal("theme: out of memory initializing the YAML parser");
	yaml_parser_set_input_string(&ld->parser, (const unsigned char *)data, len);
	rc = theme_document(ld);
	yaml_parser_delete(&ld->parser);
	if (rc == 0)
		*t = ld->tmp;
	free(ld);
	return rc;
}

int
theme_load(struct theme *t, const char *path, struct tt_err *err)
{
	char *data;
	size_t len;
	int rc;

	if (tt_read_file(path, &data, &len, err) < 0)
		return -1;
	rc = theme_parse(t, path, data, len, err);
	free(data);
	return rc;
}
