/*
 * session-edit.c - `session save` over a person's session file: change the
 * values in the original text, so its comments, key order, quoting and
 * layout stay.
 *
 * The file is parsed with libyaml's document API, whose nodes carry the
 * byte offsets of their text (start_mark, end_mark). Every change is an
 * edit: a byte range of the original and its replacement, applied from the
 * end of the file backwards.
 *  - A scalar that changed: its span is replaced (plain where YAML reads it
 *    back the same, else double-quoted); one that did not is not touched.
 *  - A key no longer set (a ui value cleared): its line goes.
 *  - A new key: a line after the last key of its mapping, at that
 *    mapping's indentation; a new top-level key after the key that comes
 *    before it in the usual order (name, data, labels, options, annotator,
 *    split, history, checkpoint, run, ui).
 *  - A flow mapping ({ratios: .., seed: ..}) or the history list is
 *    written again whole. Of the labels, only an item that changed is
 *    written again, and labels added in the workbench are appended to the
 *    list in its own style.
 * Block collections end where their last value ends (libyaml's end mark
 * of a block collection lies on the next key's line, past any comments
 * in between, which must stay where they are).
 * The result is parsed again before the file is replaced atomically: a
 * text that would not load is never written.
 */
#include "tunetop/session.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct sedit {
	size_t start, end;
	size_t seq;             /* insertions at one place keep the order they were made */
	char *text;
};

struct sedit_doc {
	const char *src;
	size_t len;
	yaml_document_t doc;
	struct sedit *edits;
	size_t nedits;
};

enum sedit_top {
	SEDIT_NAME, SEDIT_DATA, SEDIT_LABELS, SEDIT_OPTIONS, SEDIT_ANNOTATOR, SEDIT_SPLIT,
	SEDIT_HISTORY, SEDIT_CHECKPOINT, SEDIT_RUN, SEDIT_UI, SEDIT_NTOP
};

static const char *const sedit_top_names[SEDIT_NTOP] = {
	"name", "data", "labels", "options", "annotator", "split", "history", "checkpoint",
	"run", "ui",
};

static void sedit_add(struct sedit_doc *d, size_t start, size_t end, char *text)
{
	d->edits = tt_xrealloc(d->edits, (d->nedits + 1) * sizeof *d->edits);
	d->edits[d->nedits].start = start;
	d->edits[d->nedits].end = end;
	d->edits[d->nedits].text = text;
	d->edits[d->nedits].seq = d->nedits;
	d->nedits++;
}

/* ---- scalars as YAML text ---- */

/* Read back as the same string when written plain (in flow context too)? */
static int sedit_plain_ok(const char *v)
{
	size_t n = strlen(v), i;
	unsigned char c0 = (unsigned char)v[0];

	if (n == 0 || !((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') ||
			(c0 >= '0' && c0 <= '9') || c0 == '_' || c0 == '.' || c0 == '/'))
		return 0;
	if (v[n - 1] == ' ' || v[n - 1] == ':')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20 || c == 0x7f || c >= 0x80 || strchr(",[]{}#\"'", c) != NULL)
			return 0;
		if (c == ':' && v[i + 1] == ' ')
			return 0;
	}
	return 1;
}

static void sedit_scalar(struct tt_buf *b, const char *v)
{
	const unsigned char *p;

	if (sedit_plain_ok(v)) {
		tt_buf_adds(b, v);
		return;
	}
	tt_buf_addc(b, '"');
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			tt_buf_addc(b, '\\');
			tt_buf_addc(b, (char)*p);
		} else if (*p < 0x20 || *p == 0x7f) {
			tt_buf_printf(b, "\\x%02x", *p);
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			tt_buf_printf(b, "\\u%04x", p[1]);	/* a C1 control */
			p++;
		} else {
			tt_buf_addc(b, (char)*p);
		}
	}
	tt_buf_addc(b, '"');
}

static char *sedit_scalar_text(const char *v)
{
	struct tt_buf b;

	tt_buf_init(&b);
	sedit_scalar(&b, v);
	return b.data != NULL ? b.data : tt_xstrdup("\"\"");
}

/* ---- positions ---- */

static size_t sedit_line_start(const struct sedit_doc *d, size_t i)
{
	while (i > 0 && d->src[i - 1] != '\n')
		i--;
	return i;
}

/* Just past the end of the line holding byte i. */
static size_t sedit_line_next(const struct sedit_doc *d, size_t i)
{
	while (i < d->len && d->src[i] != '\n')
		i++;
	return i < d->len ? i + 1 : i;
}

/* Where a node's own text ends (see the design note on block collections). */
static size_t sedit_node_end(struct sedit_doc *d, yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE && n->data.mapping.style != YAML_FLOW_MAPPING_STYLE &&
	    n->data.mapping.pairs.top > n->data.mapping.pairs.start)
		return sedit_node_end(d, yaml_document_get_node(&d->doc,
								n->data.mapping.pairs.top[-1].value));
	if (n->type == YAML_SEQUENCE_NODE && n->data.sequence.style != YAML_FLOW_SEQUENCE_STYLE &&
	    n->data.sequence.items.top > n->data.sequence.items.start)
		return sedit_node_end(d, yaml_document_get_node(&d->doc,
								n->data.sequence.items.top[-1]));
	return n->end_mark.index;
}

static yaml_node_pair_t *sedit_find(struct sedit_doc *d, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&d->doc, p->key);

		if (k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0)
			return p;
	}
	return NULL;
}

static yaml_node_t *sedit_value(struct sedit_doc *d, yaml_node_pair_t *p)
{
	return yaml_document_get_node(&d->doc, p->value);
}

static yaml_node_t *sedit_key(struct sedit_doc *d, yaml_node_pair_t *p)
{
	return yaml_document_get_node(&d->doc, p->key);
}

/* A pair's lines, from its key's line to the end of its value's. */
static void sedit_remove_pair(struct sedit_doc *d, yaml_node_pair_t *p)
{
	size_t start = sedit_line_start(d, sedit_key(d, p)->start_mark.index);

	sedit_add(d, start, sedit_line_next(d, sedit_node_end(d, sedit_value(d, p))),
		  tt_xstrdup(""));
}

/* Replace a scalar value when it changed. */
static void sedit_set_scalar(struct sedit_doc *d, yaml_node_t *v, const char *value)
{
	if (v->type == YAML_SCALAR_NODE && strcmp((const char *)v->data.scalar.value, value) == 0)
		return;
	sedit_add(d, v->start_mark.index, sedit_node_end(d, v), sedit_scalar_text(value));
}

/* ---- mappings of scalars: options, ui, split ---- */

struct sedit_kv {
	const char *key;
	const char *value;      /* NULL: not set (removed if present) */
};

static char *sedit_flow_map(const struct sedit_kv *kv, size_t n)
{
	struct tt_buf b;
	size_t i;
	int first = 1;

	tt_buf_init(&b);
	tt_buf_addc(&b, '{');
	for (i = 0; i < n; i++) {
		if (kv[i].value == NULL)
			continue;
		tt_buf_printf(&b, "%s%s: ", first ? "" : ", ", kv[i].key);
		sedit_scalar(&b, kv[i].value);
		first = 0;
	}
	tt_buf_addc(&b, '}');
	return b.data;
}

/* The block text of new pairs, each on its own line at indent. */
static void sedit_block_pairs(struct tt_buf *b, const struct sedit_kv *kv, size_t n, size_t indent)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (kv[i].value == NULL)
			continue;
		tt_buf_printf(b, "%*s%s: ", (int)indent, "", kv[i].key);
		sedit_scalar(b, kv[i].value);
		tt_buf_addc(b, '\n');
	}
}

/* A block or flow mapping of scalars brought to kv (in place where it can). */
static void sedit_map(struct sedit_doc *d, yaml_node_t *map, const struct sedit_kv *kv, size_t n)
{
	struct tt_buf add;
	yaml_node_pair_t *p;
	size_t i, indent;

	if (map->type != YAML_MAPPING_NODE || map->data.mapping.style == YAML_FLOW_MAPPING_STYLE ||
	    map->data.mapping.pairs.top == map->data.mapping.pairs.start) {
		sedit_add(d, map->start_mark.index, sedit_node_end(d, map), sedit_flow_map(kv, n));
		return;
	}
	tt_buf_init(&add);
	indent = sedit_key(d, map->data.mapping.pairs.start)->start_mark.column;
	for (i = 0; i < n; i++) {
		p = sedit_find(d, map, kv[i].key);
		if (p != NULL && kv[i].value == NULL)
			sedit_remove_pair(d, p);
		else if (p != NULL)
			sedit_set_scalar(d, sedit_value(d, p), kv[i].value);
		else
			sedit_block_pairs(&add, &kv[i], 1, indent);
	}
	if (add.len > 0) {
		size_t at = sedit_line_next(d, sedit_node_end(d, map));

		if (at == d->len && d->len > 0 && d->src[d->len - 1] != '\n') {
			char *t = tt_xprintf("\n%s", add.data);

			sedit_add(d, at, at, t);
		} else {
			sedit_add(d, at, at, tt_xstrdup(add.data));
		}
	}
	tt_buf_fini(&add);
}

/* ---- the top level ---- */

/* Where a new top-level key k goes: after the present key before it in the usual order. */
static size_t sedit_top_insert_at(struct sedit_doc *d, yaml_node_t *root, int k)
{
	yaml_node_pair_t *p;
	int j;

	for (j = k - 1; j >= 0; j--) {
		p = sedit_find(d, root, sedit_top_names[j]);
		if (p != NULL)
			return sedit_line_next(d, sedit_node_end(d, sedit_value(d, p)));
	}
	if (root->data.mapping.pairs.top > root->data.mapping.pairs.start)
		return sedit_line_start(d, sedit_key(d, root->data.mapping.pairs.start)->start_mark.index);
	return d->len;
}

static void sedit_top_add(struct sedit_doc *d, yaml_node_t *root, int k, const char *text)
{
	size_t at = sedit_top_insert_at(d, root, k);
	char *t = at == d->len && d->len > 0 && d->src[d->len - 1] != '\n' ?
		  tt_xprintf("\n%s", text) : tt_xstrdup(text);

	sedit_add(d, at, at, t);
}

static void sedit_top_scalar(struct sedit_doc *d, yaml_node_t *root, int k, const char *value)
{
	yaml_node_pair_t *p = sedit_find(d, root, sedit_top_names[k]);
	struct tt_buf b;

	if (p != NULL && value == NULL) {
		sedit_remove_pair(d, p);
	} else if (p != NULL) {
		sedit_set_scalar(d, sedit_value(d, p), value);
	} else if (value != NULL) {
		tt_buf_init(&b);
		tt_buf_printf(&b, "%s: ", sedit_top_names[k]);
		sedit_scalar(&b, value);
		tt_buf_addc(&b, '\n');
		sedit_top_add(d, root, k, b.data);
		tt_buf_fini(&b);
	}
}

/* A path written relative to the session where it lies below it. */
static void sedit_top_path(struct sedit_doc *d, yaml_node_t *root, int k, const char *path,
			   const char *file)
{
	char *rel = path != NULL ? session_relative(file, path) : NULL;

	sedit_top_scalar(d, root, k, rel);
	free(rel);
}

static void sedit_top_map(struct sedit_doc *d, yaml_node_t *root, int k, const struct sedit_kv *kv,
			  size_t n, int flow)
{
	yaml_node_pair_t *p = sedit_find(d, root, sedit_top_names[k]);
	struct tt_buf b;
	size_t i, any = 0;
	char *f;

	for (i = 0; i < n; i++)
		any += kv[i].value != NULL;
	if (p != NULL && any == 0 && k != SEDIT_OPTIONS) {
		sedit_remove_pair(d, p);
		return;
	}
	if (p != NULL) {
		if (flow && sedit_value(d, p)->type == YAML_MAPPING_NODE) {
			f = sedit_flow_map(kv, n);
			sedit_add(d, sedit_value(d, p)->start_mark.index,
				  sedit_node_end(d, sedit_value(d, p)), f);
		} else {
			sedit_map(d, sedit_value(d, p), kv, n);
		}
		return;
	}
	if (any == 0)
		return;
	tt_buf_init(&b);
	if (flow) {
		f = sedit_flow_map(kv, n);
		tt_buf_printf(&b, "%s: %s\n", sedit_top_names[k], f);
		free(f);
	} else {
		tt_buf_printf(&b, "%s:\n", sedit_top_names[k]);
		sedit_block_pairs(&b, kv, n, 2);
	}
	sedit_top_add(d, root, k, b.data);
	tt_buf_fini(&b);
}

static void sedit_options(struct sedit_doc *d, yaml_node_t *root, const struct cfg *cfg)
{
	yaml_node_pair_t *p = sedit_find(d, root, "options");
	yaml_node_t *map = p != NULL ? sedit_value(d, p) : NULL;
	const struct cfg_option *t;
	struct sedit_kv *kv;
	size_t n, i, k = 0;

	t = cfg_table(&n);
	kv = tt_xcalloc(n + 1, sizeof *kv);
	for (i = 0; i < n; i++) {
		const char *v = cfg_get_str(cfg, t[i].name);
		int present = map != NULL && map->type == YAML_MAPPING_NODE &&
			      sedit_find(d, map, t[i].name) != NULL;

		/* What the person wrote stays (with today's value); new: only non-defaults. */
		if (present || strcmp(v, t[i].def) != 0) {
			kv[k].key = t[i].name;
			kv[k++].value = v;
		}
	}
	sedit_top_map(d, root, SEDIT_OPTIONS, kv, k, 0);
	free(kv);
}

static void sedit_ui(struct sedit_doc *d, yaml_node_t *root, const struct session *s)
{
	struct sedit_kv kv[SESSION_UI_COUNT];
	int i;

	for (i = 0; i < SESSION_UI_COUNT; i++) {
		kv[i].key = session_ui_key_name((enum session_ui_key)i);
		kv[i].value = s->ui[i];
	}
	sedit_top_map(d, root, SEDIT_UI, kv, SESSION_UI_COUNT, 0);
}

static void sedit_split(struct sedit_doc *d, yaml_node_t *root, const struct session *s)
{
	char seed[32];
	struct sedit_kv kv[2] = { { "ratios", s->split_ratios }, { "seed", NULL } };

	snprintf(seed, sizeof seed, "%ld", s->split_seed);
	kv[1].value = s->split_ratios != NULL ? seed : NULL;
	sedit_top_map(d, root, SEDIT_SPLIT, kv, 2, 1);
}

/* One history entry, or one label, as a flow mapping. */
static void sedit_history_item(struct tt_buf *b, const struct session_change *c)
{
	char step[32];
	struct sedit_kv kv[4] = { { "step", step }, { "key", c->key }, { "old", c->old_value },
				  { "new", c->new_value } };
	char *f;

	snprintf(step, sizeof step, "%llu", c->step);
	f = sedit_flow_map(kv, 4);
	tt_buf_printf(b, "- %s", f);
	free(f);
}

static void sedit_history(struct sedit_doc *d, yaml_node_t *root, const struct session *s)
{
	yaml_node_pair_t *p = sedit_find(d, root, "history");
	struct tt_buf b;
	size_t indent = 2;
	int i;

	if (s->nhistory == 0) {
		if (p != NULL)
			sedit_remove_pair(d, p);
		return;
	}
	if (p != NULL && sedit_value(d, p)->type == YAML_SEQUENCE_NODE &&
	    sedit_value(d, p)->data.sequence.style != YAML_FLOW_SEQUENCE_STYLE &&
	    sedit_value(d, p)->data.sequence.items.top > sedit_value(d, p)->data.sequence.items.start)
		indent = sedit_value(d, p)->start_mark.column;
	tt_buf_init(&b);
	if (p == NULL)
		tt_buf_adds(&b, "history:\n");
	for (i = 0; i < s->nhistory; i++) {
		if (p == NULL || i > 0)
			tt_buf_printf(&b, "%*s", (int)indent, "");
		sedit_history_item(&b, &s->history[i]);
		if (p == NULL || i + 1 < s->nhistory)
			tt_buf_addc(&b, '\n');
	}
	if (p == NULL) {
		sedit_top_add(d, root, SEDIT_HISTORY, b.data);
	} else if (indent == sedit_value(d, p)->start_mark.column &&
		   sedit_value(d, p)->type == YAML_SEQUENCE_NODE &&
		   sedit_value(d, p)->data.sequence.style != YAML_FLOW_SEQUENCE_STYLE) {
		sedit_add(d, sedit_value(d, p)->start_mark.index,
			  sedit_node_end(d, sedit_value(d, p)), tt_xstrdup(b.data));
	} else {
		/* A flow list or an odd value: the pair is written again as a block. */
		struct tt_buf whole;

		tt_buf_init(&whole);
		tt_buf_adds(&whole, "history:\n");
		for (i = 0; i < s->nhistory; i++) {
			tt_buf_adds(&whole, "  ");
			sedit_history_item(&whole, &s->history[i]);
			tt_buf_addc(&whole, '\n');
		}
		sedit_remove_pair(d, p);
		sedit_add(d, sedit_line_start(d, sedit_key(d, p)->start_mark.index),
			  sedit_line_start(d, sedit_key(d, p)->start_mark.index), whole.data);
	}
	tt_buf_fini(&b);
}

static char *sedit_label_text(const struct session_label *l)
{
	struct sedit_kv kv[3] = { { "name", l->name }, { "key", l->key },
				  { "description", l->description } };

	if (l->key == NULL && l->description == NULL)
		return sedit_scalar_text(l->name);
	return sedit_flow_map(kv, 3);
}

static int sedit_same_str(struct sedit_doc *d, yaml_node_t *map, const char *key, const char *want)
{
	yaml_node_pair_t *p = sedit_find(d, map, key);
	yaml_node_t *v = p != NULL ? sedit_value(d, p) : NULL;
	const char *have = v != NULL && v->type == YAML_SCALAR_NODE ?
			   (const char *)v->data.scalar.value : NULL;

	if (have == NULL || want == NULL)
		return have == want;
	return strcmp(have, want) == 0;
}

/* The file's label item says what l says (a plain name, or {name, key, description}). */
static int sedit_same_label(struct sedit_doc *d, yaml_node_t *item, const struct session_label *l)
{
	if (item->type == YAML_SCALAR_NODE)
		return l->key == NULL && l->description == NULL &&
		       strcmp((const char *)item->data.scalar.value, l->name) == 0;
	return item->type == YAML_MAPPING_NODE && sedit_same_str(d, item, "name", l->name) &&
	       sedit_same_str(d, item, "key", l->key) &&
	       sedit_same_str(d, item, "description", l->description);
}

/* New labels (added in the workbench) after the file's, as its list is written. */
static void sedit_labels_append(struct sedit_doc *d, yaml_node_t *seq, const struct session *s,
				int from)
{
	struct tt_buf b;
	size_t at;
	int i;

	tt_buf_init(&b);
	if (seq->data.sequence.style == YAML_FLOW_SEQUENCE_STYLE) {
		at = seq->end_mark.index > 0 ? seq->end_mark.index - 1 : 0;
		if (d->src[at] != ']')
			return;
		for (i = from; i < s->nlabels; i++) {
			char *t = sedit_label_text(&s->labels[i]);

			tt_buf_printf(&b, "%s%s", i > 0 ? ", " : "", t);
			free(t);
		}
	} else {
		at = sedit_line_next(d, sedit_node_end(d, seq));
		for (i = from; i < s->nlabels; i++) {
			char *t = sedit_label_text(&s->labels[i]);

			tt_buf_printf(&b, "%*s- %s\n", (int)seq->start_mark.column, "", t);
			free(t);
		}
	}
	if (b.len > 0)
		sedit_add(d, at, at, tt_xstrdup(b.data));
	tt_buf_fini(&b);
}

static void sedit_labels(struct sedit_doc *d, yaml_node_t *root, const struct session *s)
{
	yaml_node_pair_t *p = sedit_find(d, root, "labels");
	yaml_node_t *seq;
	struct tt_buf b;
	int i, n;

	if (p == NULL) {
		if (s->nlabels == 0)
			return;
		tt_buf_init(&b);
		tt_buf_adds(&b, "labels:\n");
		for (i = 0; i < s->nlabels; i++) {
			char *t = sedit_label_text(&s->labels[i]);

			tt_buf_printf(&b, "  - %s\n", t);
			free(t);
		}
		sedit_top_add(d, root, SEDIT_LABELS, b.data);
		tt_buf_fini(&b);
		return;
	}
	seq = sedit_value(d, p);
	if (seq->type != YAML_SEQUENCE_NODE)
		return;
	n = (int)(seq->data.sequence.items.top - seq->data.sequence.items.start);
	/* A label whose key or guideline changed: that item alone is written again. */
	for (i = 0; i < n && i < s->nlabels; i++) {
		yaml_node_t *item = yaml_document_get_node(&d->doc, seq->data.sequence.items.start[i]);

		if (!sedit_same_label(d, item, &s->labels[i]))
			sedit_add(d, item->start_mark.index, sedit_node_end(d, item),
				  sedit_label_text(&s->labels[i]));
	}
	if (s->nlabels > n)
		sedit_labels_append(d, seq, s, n);
}

static int sedit_cmp(const void *a, const void *b)
{
	const struct sedit *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The original with every edit applied (in order of position). */
static char *sedit_apply(struct sedit_doc *d, size_t *len)
{
	struct tt_buf out;
	size_t i, at = 0;

	if (d->nedits > 0)
		qsort(d->edits, d->nedits, sizeof *d->edits, sedit_cmp);
	tt_buf_init(&out);
	for (i = 0; i < d->nedits; i++) {
		struct sedit *e = &d->edits[i];

		if (e->start < at)	/* overlaps one applied already: keep the first */
			continue;
		tt_buf_add(&out, d->src + at, e->start - at);
		tt_buf_adds(&out, e->text);
		at = e->end;
	}
	tt_buf_add(&out, d->src + at, d->len - at);
	*len = out.len;
	return out.data != NULL ? out.data : tt_xstrdup("");
}

/* The new text must still be YAML with a mapping at its root. */
static int sedit_parses(const char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	int ok;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	ok = yaml_parser_load(&parser, &doc);
	if (ok) {
		yaml_node_t *root = yaml_document_get_root_node(&doc);

		ok = root != NULL && root->type == YAML_MAPPING_NODE;
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	return ok;
}

static void sedit_all(struct sedit_doc *d, yaml_node_t *root, const struct session *s,
		      const struct cfg *cfg, const char *path)
{
	sedit_top_scalar(d, root, SEDIT_NAME, s->name);
	sedit_top_path(d, root, SEDIT_DATA, s->data, path);
	sedit_labels(d, root, s);
	sedit_options(d, root, cfg);
	sedit_top_scalar(d, root, SEDIT_ANNOTATOR, s->annotator);
	sedit_split(d, root, s);
	sedit_history(d, root, s);
	sedit_top_path(d, root, SEDIT_CHECKPOINT, s->checkpoint, path);
	sedit_top_path(d, root, SEDIT_RUN, s->run, path);
	sedit_ui(d, root, s);
}

int session_save_edit(const struct session *s, const struct cfg *cfg, const char *path,
		      struct tt_err *err)
{
	struct sedit_doc d;
	yaml_parser_t parser;
	yaml_node_t *root;
	char *src, *out = NULL;
	size_t len, outlen = 0, i;
	int rc = -1;

	if (tt_read_file(path, &src, &len, err) != 0)
		return -1;
	memset(&d, 0, sizeof d);
	d.src = src;
	d.len = len;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)src, len);
	if (!yaml_parser_load(&parser, &d.doc)) {
		tt_err_set(err, path, (uint32_t)parser.problem_mark.line + 1,
			   (uint32_t)parser.problem_mark.column + 1,
			   "YAML error: %s (fix it, or save to a new PATH)",
			   parser.problem != NULL ? parser.problem : "syntax error");
		yaml_parser_delete(&parser);
		free(src);
		return -1;
	}
	root = yaml_document_get_root_node(&d.doc);
	if (root == NULL || root->type != YAML_MAPPING_NODE ||
	    root->data.mapping.style == YAML_FLOW_MAPPING_STYLE) {
		/* Nothing of the person's to keep but a flow mapping: written anew. */
		yaml_document_delete(&d.doc);
		yaml_parser_delete(&parser);
		free(src);
		return session_save(s, cfg, NULL, path, err);
	}
	sedit_all(&d, root, s, cfg, path);
	out = sedit_apply(&d, &outlen);
	if (!sedit_parses(out, outlen))
		tt_err_set(err, path, 0, 0, "cannot keep the file's layout for these values "
			   "(nothing written; save to a new PATH)");
	else
		rc = tt_write_file_atomic(path, out, outlen, err);
	for (i = 0; i < d.nedits; i++)
		free(d.edits[i].text);
	free(d.edits);
	free(out);
	yaml_document_delete(&d.doc);
	yaml_parser_delete(&parser);
	free(src);
	return rc;
}
