/*
 * session.c - load YAML sessions with libyaml's document API, so every
 * node carries its line and column for error messages.
 */
#include "tunetop/session.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "tunetop/label-queue.h"

void session_init(struct session *s)
{
	memset(s, 0, sizeof *s);
}

static const char *ui_key_names[SESSION_UI_COUNT] = {
	"layout", "theme", "focus", "zoom", "data_cursor", "data_filter", "label_cursor",
	"queue", "smoothing", "logy", "data_sort", "search",
};

const char *session_ui_key_name(enum session_ui_key k)
{
	return (unsigned)k < SESSION_UI_COUNT ? ui_key_names[k] : "?";
}

void session_set_string(char **slot, const char *value)
{
	free(*slot);
	*slot = value != NULL ? tt_xstrdup(value) : NULL;
}

void session_ui_set(struct session *s, enum session_ui_key k, const char *value)
{
	if ((unsigned)k < SESSION_UI_COUNT)
		session_set_string(&s->ui[k], value);
}

void session_add_change(struct session *s, unsigned long long step, const char *key,
			const char *old_value, const char *new_value)
{
	struct session_change *c;

	s->history = tt_xrealloc(s->history, (size_t)(s->nhistory + 1) * sizeof *s->history);
	c = &s->history[s->nhistory++];
	c->step = step;
	c->key = tt_xstrdup(key);
	c->old_value = tt_xstrdup(old_value);
	c->new_value = tt_xstrdup(new_value);
}

void session_fini(struct session *s)
{
	int i;

	for (i = 0; i < s->nhistory; i++) {
		free(s->history[i].key);
		free(s->history[i].old_value);
		free(s->history[i].new_value);
	}
	free(s->history);
	for (i = 0; i < SESSION_UI_COUNT; i++)
		free(s->ui[i]);
	free(s->annotator);
	free(s->split_ratios);
	free(s->checkpoint);
	free(s->run);

	for (i = 0; i < s->nlabels; i++) {
		free(s->labels[i].name);
		free(s->labels[i].key);
		free(s->labels[i].description);
	}
	free(s->labels);
	for (i = 0; i < s->npresets; i++) {
		for (int j = 0; j < s->presets[i].n; j++) {
			free(s->presets[i].keys[j]);
			free(s->presets[i].values[j]);
		}
		free(s->presets[i].keys);
		free(s->presets[i].values);
		free(s->presets[i].name);
	}
	free(s->presets);
	free(s->path);
	free(s->name);
	free(s->data);
	memset(s, 0, sizeof *s);
}

/* Parsing state: the document and where errors go. */
struct session_parse {
	yaml_document_t *doc;
	const char *path;
	struct tt_err *err;
};

static int session_fail(struct session_parse *p, const yaml_node_t *node, const char *fmt,
			const char *arg)
{
	char msg[1024];

	snprintf(msg, sizeof msg, fmt, arg);
	tt_err_set(p->err, p->path, (uint32_t)node->start_mark.line + 1,
		   (uint32_t)node->start_mark.column + 1, "%s", msg);
	return -1;
}

static const char *session_scalar(const yaml_node_t *node)
{
	return node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

static int session_string(struct session_parse *p, const yaml_node_t *node, const char *what,
			  char **out)
{
	const char *v = session_scalar(node);

	if (v == NULL)
		return session_fail(p, node, "%s must be a single value (expected a string)", what);
	free(*out);
	*out = tt_xstrdup(v);
	return 0;
}

static int session_label_map(struct session_parse *p, yaml_node_t *node, struct session_label *l)
{
	yaml_node_pair_t *pair;

	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(p->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(p->doc, pair->value);
		const char *key = session_scalar(k);
		int rc;

		if (key != NULL && strcmp(key, "name") == 0)
			rc = session_string(p, v, "a label's name", &l->name);
		else if (key != NULL && strcmp(key, "key") == 0)
			rc = session_string(p, v, "a label's key", &l->key);
		else if (key != NULL && strcmp(key, "description") == 0)
			rc = session_string(p, v, "a label's description", &l->description);
		else
			rc = session_fail(p, k, "unknown label key '%s' (expected name, key or description)",
					  key != NULL ? key : "?");
		if (rc != 0)
			return rc;
	}
	if (l->name == NULL || l->name[0] == '\0')
		return session_fail(p, node, "%s", "a label needs a name");
	return 0;
}

static int session_labels(struct session_parse *p, yaml_node_t *node, struct session *s)
{
	yaml_node_item_t *it;

	if (node->type != YAML_SEQUENCE_NODE)
		return session_fail(p, node, "%s", "labels must be a list");
	for (it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(p->doc, *it);
		struct session_label *l;

		s->labels = tt_xrealloc(s->labels, (size_t)(s->nlabels + 1) * sizeof *s->labels);
		l = &s->labels[s->nlabels++];
		memset(l, 0, sizeof *l);
		if (item->type == YAML_MAPPING_NODE) {
			if (session_label_map(p, item, l) != 0)
				return -1;
		} else if (session_string(p, item, "a label", &l->name) != 0) {
			return -1;
		}
	}
	return 0;
}

static int session_options(struct session_parse *p, yaml_node_t *node, struct cfg *cfg)
{
	yaml_node_pair_t *pair;
	struct tt_err e;

	if (node->type != YAML_MAPPING_NODE)
		return session_fail(p, node, "%s", "options must be a mapping of option: value");
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(p->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(p->doc, pair->value);
		const char *key = session_scalar(k), *val = session_scalar(v);

		if (key == NULL)
			return session_fail(p, k, "%s", "an option name must be a plain word");
		if (val == NULL)
			return session_fail(p, v, "option '%s' needs a single value", key);
		tt_err_clear(&e);
		if (cfg_set(cfg, key, val, &e) != 0)
			return session_fail(p, cfg_find(key) == NULL ? k : v, "%s", e.msg);
	}
	return 0;
}

/* The data path relative to the session file's directory. */
static char *session_resolve(const char *session_path, const char *data)
{
	char *copy, *dir, *out;

	if (data[0] == '/')
		return tt_xstrdup(data);
	copy = tt_xstrdup(session_path);
	dir = dirname(copy);
	out = strcmp(dir, ".") == 0 ? tt_xstrdup(data) : tt_xprintf("%s/%s", dir, data);
	free(copy);
	return out;
}

static int session_data(struct session_parse *p, yaml_node_t *v, struct session *s,
			char **slot, const char *what)
{
	char *raw = NULL;
	int rc = session_string(p, v, what, &raw);

	(void)s;
	if (rc == 0) {
		free(*slot);
		*slot = session_resolve(p->path, raw);
	}
	free(raw);
	return rc;
}

/* An integer scalar within [lo, hi]. */
static int session_int(struct session_parse *p, yaml_node_t *v, const char *what, long lo,
		       long hi, long *out)
{
	const char *t = session_scalar(v);
	char *end;
	long x;

	if (t == NULL)
		return session_fail(p, v, "%s must be an integer", what);
	x = strtol(t, &end, 10);
	if (*t == '\0' || *end != '\0' || x < lo || x > hi) {
		char msg[200];

		snprintf(msg, sizeof msg, "%s: '%s' is not an integer from %ld to %ld", what, t, lo, hi);
		return session_fail(p, v, "%s", msg);
	}
	*out = x;
	return 0;
}

static int session_split(struct session_parse *p, yaml_node_t *node, struct session *s)
{
	yaml_node_pair_t *pair;

	if (node->type != YAML_MAPPING_NODE)
		return session_fail(p, node, "%s", "split must be a mapping {ratios: 80/10/10, seed: N}");
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(p->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(p->doc, pair->value);
		const char *key = session_scalar(k);
		int rc;

		if (key != NULL && strcmp(key, "ratios") == 0)
			rc = session_string(p, v, "split ratios", &s->split_ratios);
		else if (key != NULL && strcmp(key, "seed") == 0)
			rc = session_int(p, v, "split seed", 0, 2147483647L, &s->split_seed);
		else
			rc = session_fail(p, k, "unknown split key '%s' (expected ratios or seed)",
					  key != NULL ? key : "?");
		if (rc != 0)
			return rc;
	}
	if (s->split_ratios == NULL)
		return session_fail(p, node, "%s", "split needs ratios, e.g. 80/10/10");
	return 0;
}

static int session_change(struct session_parse *p, yaml_node_t *node, struct session *s)
{
	char *vals[3] = { NULL, NULL, NULL };
	static const char *names[3] = { "key", "old", "new" };
	long step = -1;
	yaml_node_pair_t *pair;
	int rc = 0, i;

	if (node->type != YAML_MAPPING_NODE)
		return session_fail(p, node, "%s", "a history entry must be {step, key, old, new}");
	for (pair = node->data.mapping.pairs.start; rc == 0 && pair < node->data.mapping.pairs.top;
	     pair++) {
		yaml_node_t *k = yaml_document_get_node(p->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(p->doc, pair->value);
		const char *key = session_scalar(k);

		for (i = 0; i < 3 && (key == NULL || strcmp(key, names[i]) != 0); i++)
			;
		if (i < 3)
			rc = session_string(p, v, names[i], &vals[i]);
		else if (key != NULL && strcmp(key, "step") == 0)
			rc = session_int(p, v, "step", 0, 0x7fffffffffffffffL, &step);
		else
			rc = session_fail(p, k, "unknown history key '%s' (expected step, key, old or new)",
					  key != NULL ? key : "?");
	}
	if (rc == 0 && (step < 0 || vals[0] == NULL))
		rc = session_fail(p, node, "%s", "a history entry needs step and key");
	if (rc == 0)
		session_add_change(s, (unsigned long long)step, vals[0], vals[1] ? vals[1] : "",
				   vals[2] ? vals[2] : "");
	for (i = 0; i < 3; i++)
		free(vals[i]);
	return rc;
}

static int session_history(struct session_parse *p, yaml_node_t *node, struct session *s)
{
	yaml_node_item_t *it;

	if (node->type != YAML_SEQUENCE_NODE)
		return session_fail(p, node, "%s", "history must be a list");
	for (it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
		if (session_change(p, yaml_document_get_node(p->doc, *it), s) != 0)
			return -1;
	}
	return 0;
}

/* Allowed values of each UI key: "a|b|c" words, or a kind. */
static const char *ui_key_kinds[SESSION_UI_COUNT] = {
	"overview|data|labeling", "string", "data|label|curves|confusion|repl", "true|false",
	"count", "any", "count", "file|unlabeled|margin|least-confident|entropy|random [SEED]",
	"fraction", "true|false", "sort", "any",
};

/* "COLUMN" or "COLUMN asc|desc", with the data pane's sort columns. */
static int session_sort_ok(const char *v)
{
	static const char *const cols[] = { "file", "id", "label", "split", "flags", "pred", "conf",
					    "text", "length", NULL };
	const char *sp = strchr(v, ' ');
	size_t n = sp != NULL ? (size_t)(sp - v) : strlen(v);
	int i;

	if (sp != NULL && strcmp(sp + 1, "asc") != 0 && strcmp(sp + 1, "desc") != 0)
		return 0;
	for (i = 0; cols[i] != NULL; i++) {
		if (strlen(cols[i]) == n && strncmp(cols[i], v, n) == 0)
			return 1;
	}
	return 0;
}

/*
 * The labeling queue as `queue` takes it (cmd-ui-label.c): an order, and
 * for random its seed, a number below 2^64: "entropy", "random 42".
 */
static int session_queue_ok(const char *v)
{
	char word[32];
	size_t n = strcspn(v, " "), d;
	const char *seed = v + n + 1;
	enum label_order o;

	if (n == 0 || n >= sizeof word)
		return 0;
	memcpy(word, v, n);
	word[n] = '\0';
	if (label_order_parse(word, &o) != 0)	/* the orders of label-queue.h */
		return 0;
	if (v[n] == '\0')
		return 1;
	if (o != LABEL_ORDER_RANDOM)
		return 0;
	d = strspn(seed, "0123456789");
	if (d == 0 || seed[d] != '\0' || d > 20)
		return 0;
	return d < 20 || strcmp(seed, "18446744073709551615") <= 0;
}

static int session_ui_value_ok(enum session_ui_key k, const char *v)
{
	const char *kind = ui_key_kinds[k], *w;
	char *end;
	size_t n = strlen(v);

	if (strcmp(kind, "any") == 0)
		return 1;
	if (k == SESSION_UI_QUEUE)
		return session_queue_ok(v);
	if (strcmp(kind, "sort") == 0)
		return session_sort_ok(v);
	if (strcmp(kind, "string") == 0)
		return n > 0 && n < 128;
	if (strcmp(kind, "count") == 0)
		return n > 0 && strtoul(v, &end, 10) < 0xffffffffUL && *end == '\0' && v[0] != '-';
	if (strcmp(kind, "fraction") == 0) {
		double x = strtod(v, &end);

		return n > 0 && *end == '\0' && x >= 0 && x < 1;
	}
	for (w = kind; w != NULL; w = strchr(w, '|') != NULL ? strchr(w, '|') + 1 : NULL) {
		size_t len = strchr(w, '|') != NULL ? (size_t)(strchr(w, '|') - w) : strlen(w);

		if (len == n && strncmp(w, v, n) == 0)
			return 1;
	}
	return 0;
}

static int session_ui(struct session_parse *p, yaml_node_t *node, struct session *s)
{
	yaml_node_pair_t *pair;

	if (node->type != YAML_MAPPING_NODE)
		return session_fail(p, node, "%s", "ui must be a mapping");
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(p->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(p->doc, pair->value);
		const char *key = session_scalar(k), *val = session_scalar(v);
		int i;

		for (i = 0; i < SESSION_UI_COUNT && (key == NULL || strcmp(key, ui_key_names[i]) != 0); i++)
			;
		if (i == SESSION_UI_COUNT)
			return session_fail(p, k, "unknown ui key '%s' (expected layout, theme, focus, zoom, "
					    "data_cursor, data_filter, data_sort, search, label_cursor, queue, "
					    "smoothing or logy)",
					    key != NULL ? key : "?");
		if (val == NULL || !session_ui_value_ok((enum session_ui_key)i, val)) {
			char msg[300];

			snprintf(msg, sizeof msg, "ui %s: '%s' is not valid (expected %s)", key,
				 val != NULL ? val : "a value", i == SESSION_UI_DATA_SORT ?
				 "file|id|label|split|flags|pred|conf|text|length, then asc or desc" :
				 ui_key_kinds[i]);
			return session_fail(p, v, "%s", msg);
		}
		session_ui_set(s, (enum session_ui_key)i, val);
	}
	return 0;
}

const struct session_preset *session_preset_find(const struct session *s, const char *name)
{
	for (int i = 0; i < s->npresets; i++)
		if (strcmp(s->presets[i].name, name) == 0)
			return &s->presets[i];
	return NULL;
}

/* One option of a preset, checked against a scratch configuration. */
static int session_preset_value(struct session_parse *p, yaml_node_t *k, yaml_node_t *v,
				struct session_preset *sp)
{
	const char *key = session_scalar(k), *val = session_scalar(v);
	struct tt_err e;
	struct cfg scratch;
	int rc;

	if (key == NULL)
		return session_fail(p, k, "%s", "an option name must be a plain word");
	if (val == NULL)
		return session_fail(p, v, "option '%s' needs a single value", key);
	tt_err_clear(&e);
	cfg_init(&scratch);
	rc = cfg_set(&scratch, key, val, &e);
	cfg_fini(&scratch);
	if (rc != 0)
		return session_fail(p, cfg_find(key) == NULL ? k : v, "%s", e.msg);
	sp->keys = tt_xrealloc(sp->keys, (size_t)(sp->n + 1) * sizeof *sp->keys);
	sp->values = tt_xrealloc(sp->values, (size_t)(sp->n + 1) * sizeof *sp->values);
	sp->keys[sp->n] = tt_xstrdup(key);
	sp->values[sp->n] = strcmp(key, "init") == 0 && val[0] != '\0' ?
		session_resolve(p->path, val) : tt_xstrdup(val);
	sp->n++;
	return 0;
}

static int session_presets(struct session_parse *p, yaml_node_t *node, struct session *s)
{
	yaml_node_pair_t *pair, *q;

	if (node->type != YAML_MAPPING_NODE)
		return session_fail(p, node, "%s", "presets must be a mapping of name: {option: value}");
	for (pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(p->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(p->doc, pair->value);
		const char *name = session_scalar(k);
		struct session_preset *sp;

		if (name == NULL || name[0] == '\0')
			return session_fail(p, k, "%s", "a preset name must be a plain word");
		if (session_preset_find(s, name) != NULL)
			return session_fail(p, k, "preset '%s' is declared twice", name);
		if (v->type != YAML_MAPPING_NODE)
			return session_fail(p, v, "preset '%s' must be a mapping of option: value", name);
		s->presets = tt_xrealloc(s->presets, (size_t)(s->npresets + 1) * sizeof *s->presets);
		sp = &s->presets[s->npresets++];
		memset(sp, 0, sizeof *sp);
		sp->name = tt_xstrdup(name);
		for (q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++)
			if (session_preset_value(p, yaml_document_get_node(p->doc, q->key),
						 yaml_document_get_node(p->doc, q->value), sp) != 0)
				return -1;
	}
	return 0;
}

static int session_top_key(struct session_parse *p, const char *key, yaml_node_t *k,
			   yaml_node_t *v, struct session *s, struct cfg *cfg)
{
	if (strcmp(key, "name") == 0)
		return session_string(p, v, "name", &s->name);
	if (strcmp(key, "data") == 0)
		return session_data(p, v, s, &s->data, "data");
	if (strcmp(key, "labels") == 0)
		return session_labels(p, v, s);
	if (strcmp(key, "options") == 0)
		return session_options(p, v, cfg);
	if (strcmp(key, "presets") == 0)
		return session_presets(p, v, s);
	if (strcmp(key, "annotator") == 0)
		return session_string(p, v, "annotator", &s->annotator);
	if (strcmp(key, "split") == 0)
		return session_split(p, v, s);
	if (strcmp(key, "history") == 0)
		return session_history(p, v, s);
	if (strcmp(key, "checkpoint") == 0)
		return session_data(p, v, s, &s->checkpoint, "checkpoint");
	if (strcmp(key, "run") == 0)
		return session_data(p, v, s, &s->run, "run");
	if (strcmp(key, "ui") == 0)
		return session_ui(p, v, s);
	return session_fail(p, k, "unknown session key '%s' (expected name, data, labels, options, "
			    "presets, annotator, split, history, checkpoint, run or ui)", key);
}

static int session_top(struct session_parse *p, yaml_node_t *root, struct session *s,
		       struct cfg *cfg)
{
	yaml_node_pair_t *pair;

	if (root->type != YAML_MAPPING_NODE)
		return session_fail(p, root, "%s", "a session must be a mapping (name, data, labels, options)");
	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(p->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(p->doc, pair->value);
		const char *key = session_scalar(k);

		if (key == NULL)
			return session_fail(p, k, "%s", "a session key must be a plain word");
		if (session_top_key(p, key, k, v, s, cfg) != 0)
			return -1;
	}
	return 0;
}

/*
 * A key given twice in one mapping, anywhere in the document: an error at
 * the second (libyaml keeps both, and the later one would win silently).
 */
static int session_no_duplicates(struct session_parse *p)
{
	yaml_node_t *node;
	yaml_node_pair_t *a, *b;

	for (node = p->doc->nodes.start; node < p->doc->nodes.top; node++) {
		if (node->type != YAML_MAPPING_NODE)
			continue;
		for (b = node->data.mapping.pairs.start; b < node->data.mapping.pairs.top; b++) {
			yaml_node_t *kb = yaml_document_get_node(p->doc, b->key);
			const char *nb = session_scalar(kb);

			for (a = node->data.mapping.pairs.start; nb != NULL && a < b; a++) {
				yaml_node_t *ka = yaml_document_get_node(p->doc, a->key);
				const char *na = session_scalar(ka);
				char msg[300];

				if (na == NULL || strcmp(na, nb) != 0)
					continue;
				snprintf(msg, sizeof msg, "duplicate key '%.200s' (first given at line %lu)",
					 nb, (unsigned long)ka->start_mark.line + 1);
				return session_fail(p, kb, "%s", msg);
			}
		}
	}
	return 0;
}

/*
 * Parse path into s (initialized by the caller) and cfg (options are
 * validated into a copy first). Nothing changes unless all of it is valid.
 */
static int session_parse_file(struct session *s, const char *path, struct cfg *cfg,
			      struct tt_err *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct session_parse p = { &doc, path, err };
	struct cfg scratch;
	char *data;
	size_t len, i, n;
	yaml_node_t *root;
	int rc = 0;

	if (tt_read_file(path, &data, &len, err) != 0)
		return -1;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	if (!yaml_parser_load(&parser, &doc)) {
		tt_err_set(err, path, (uint32_t)parser.problem_mark.line + 1,
			   (uint32_t)parser.problem_mark.column + 1, "YAML error: %s",
			   parser.problem != NULL ? parser.problem : "syntax error");
		yaml_parser_delete(&parser);
		free(data);
		return -1;
	}
	cfg_init(&scratch);
	{
		const struct cfg_option *t = cfg_table(&n);

		for (i = 0; i < n; i++)
			cfg_set(&scratch, t[i].name, cfg_get_str(cfg, t[i].name), NULL);
	}
	root = yaml_document_get_root_node(&doc);
	if (root == NULL) {
		tt_err_set(err, path, 1, 1, "the session file is empty (expected a mapping: "
			   "name, data, labels, options)");
		rc = -1;
	}
	if (rc == 0)
		rc = session_no_duplicates(&p);
	if (rc == 0)
		rc = session_top(&p, root, s, &scratch);
	if (rc == 0) {
		cfg_fini(cfg);
		*cfg = scratch;
	} else {
		cfg_fini(&scratch);
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	free(data);
	return rc;
}

int session_load(struct session *s, const char *path, struct cfg *cfg, struct tt_err *err)
{
	session_init(s);
	s->path = tt_xstrdup(path);
	if (session_parse_file(s, path, cfg, err) != 0) {
		session_fini(s);
		return -1;
	}
	return 0;
}

/* Move a string field from src to dst when src has it. */
static void session_take(char **dst, char **src)
{
	if (*src == NULL)
		return;
	free(*dst);
	*dst = *src;
	*src = NULL;
}

int session_load_state(struct session *s, const char *path, struct cfg *cfg, char **why,
		       struct tt_err *err)
{
	struct session st;
	int i;

	*why = NULL;
	session_init(&st);
	st.path = tt_xstrdup(path);
	/* Options land in a copy: a state that names other data changes nothing. */
	{
		struct cfg copy;
		size_t n, k;
		const struct cfg_option *t = cfg_table(&n);

		cfg_init(&copy);
		for (k = 0; k < n; k++)
			cfg_set(&copy, t[k].name, cfg_get_str(cfg, t[k].name), NULL);
		if (session_parse_file(&st, path, &copy, err) != 0) {
			cfg_fini(&copy);
			session_fini(&st);
			return -1;
		}
		if (st.data != NULL && s->data != NULL && !session_same_file(st.data, s->data)) {
			*why = tt_xprintf("%s names %s, not %s: not read", path, st.data, s->data);
			cfg_fini(&copy);
			session_fini(&st);
			return 0;
		}
		cfg_fini(cfg);
		*cfg = copy;
	}
	if (st.split_ratios != NULL) {
		session_take(&s->split_ratios, &st.split_ratios);
		s->split_seed = st.split_seed;
	}
	if (st.nhistory > 0) {
		for (i = 0; i < s->nhistory; i++) {
			free(s->history[i].key);
			free(s->history[i].old_value);
			free(s->history[i].new_value);
		}
		free(s->history);
		s->history = st.history;
		s->nhistory = st.nhistory;
		st.history = NULL;
		st.nhistory = 0;
	}
	session_take(&s->annotator, &st.annotator);
	session_take(&s->checkpoint, &st.checkpoint);
	session_take(&s->run, &st.run);
	for (i = 0; i < SESSION_UI_COUNT; i++)
		session_take(&s->ui[i], &st.ui[i]);
	if (s->data == NULL)
		session_take(&s->data, &st.data);
	if (s->nlabels == 0 && st.nlabels > 0) {
		s->labels = st.labels;
		s->nlabels = st.nlabels;
		st.labels = NULL;
		st.nlabels = 0;
	}
	session_fini(&st);
	return 1;
}

/* The recorded split, again: deterministic, and records that have one keep it. */
int session_apply_split(const struct session *s, struct app *a, struct tt_err *err)
{
	double r[3];
	int n = 0;
	const char *p = s->split_ratios;

	while (*p != '\0' && n < 3) {
		char *end;

		r[n] = strtod(p, &end);
		if (end == p) {
			tt_err_set(err, s->path, 0, 0, "split ratios '%s' (expected e.g. 80/10/10)",
				   s->split_ratios);
			return -1;
		}
		n++;
		p = *end == '/' ? end + 1 : end;
		if (*end != '/' && *end != '\0') {
			tt_err_set(err, s->path, 0, 0, "split ratios '%s' (expected e.g. 80/10/10)",
				   s->split_ratios);
			return -1;
		}
	}
	return dataset_split(&a->ds, r, n, (uint64_t)s->split_seed, true, err);
}

int session_apply(const struct session *s, struct app *a, struct tt_err *err)
{
	int i;

	for (i = 0; i < a->nschema; i++)
		free(a->schema[i]);
	free(a->schema);
	a->schema = tt_xcalloc((size_t)s->nlabels + 1, sizeof *a->schema);
	a->nschema = s->nlabels;
	for (i = 0; i < s->nlabels; i++)
		a->schema[i] = tt_xstrdup(s->labels[i].name);
	free(a->session_path);
	a->session_path = tt_xstrdup(s->path);
	if (s->data != NULL && app_load_data(a, s->data, NULL, err) != 0)
		return -1;
	if (s->data != NULL && s->split_ratios != NULL)
		return session_apply_split(s, a, err);
	return 0;
}

/* ---- saving ---- */

/* A libyaml emitter writing into a buffer; the first failure sticks. */
struct session_out {
	yaml_emitter_t em;
	int failed;
};

static int session_write_cb(void *data, unsigned char *buf, size_t size)
{
	tt_buf_add(data, buf, size);
	return 1;
}

static void session_emit(struct session_out *o, yaml_event_t *ev)
{
	if (!o->failed && !yaml_emitter_emit(&o->em, ev))
		o->failed = 1;
}

static void session_scalar_out(struct session_out *o, const char *text)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text, (int)strlen(text), 1, 1,
				     YAML_ANY_SCALAR_STYLE);
	session_emit(o, &ev);
}

static void session_map_out(struct session_out *o, int start, int flow)
{
	yaml_event_t ev;

	if (start)
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, flow ?
						    YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
	else
		yaml_mapping_end_event_initialize(&ev);
	session_emit(o, &ev);
}

static void session_seq_out(struct session_out *o, int start)
{
	yaml_event_t ev;

	if (start)
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
	else
		yaml_sequence_end_event_initialize(&ev);
	session_emit(o, &ev);
}

static void session_pair_out(struct session_out *o, const char *key, const char *value)
{
	if (value == NULL)
		return;
	session_scalar_out(o, key);
	session_scalar_out(o, value);
}

/*
 * A path as the session should hold it: relative to the session file's
 * directory when it lies below it, else absolute (a path relative to the
 * working directory would break when the session is opened from elsewhere).
 */
char *session_relative(const char *session_path, const char *path)
{
	char *sdir = realpath(session_path, NULL), *abs = realpath(path, NULL), *out;
	size_t n;

	if (sdir == NULL) {
		/* Not written yet: its directory exists, the file may not. */
		char *copy = tt_xstrdup(session_path);

		sdir = realpath(dirname(copy), NULL);
		free(copy);
	} else {
		char *d = tt_xstrdup(dirname(sdir));

		free(sdir);
		sdir = d;
	}
	if (abs == NULL || sdir == NULL) {
		out = tt_xstrdup(abs != NULL ? abs : path);
	} else {
		n = strlen(sdir);
		if (strncmp(abs, sdir, n) == 0 && abs[n] == '/')
			out = tt_xstrdup(abs + n + 1);
		else
			out = tt_xstrdup(abs);
	}
	free(sdir);
	free(abs);
	return out;
}

static void session_labels_out(struct session_out *o, const struct session *s)
{
	int i;

	session_scalar_out(o, "labels");
	session_seq_out(o, 1);
	for (i = 0; i < s->nlabels; i++) {
		session_map_out(o, 1, 1);
		session_pair_out(o, "name", s->labels[i].name);
		session_pair_out(o, "key", s->labels[i].key);
		session_pair_out(o, "description", s->labels[i].description);
		session_map_out(o, 0, 1);
	}
	session_seq_out(o, 0);
}

/* Options that differ from base's (from their defaults when base is NULL). */
static void session_options_out(struct session_out *o, const struct cfg *cfg,
				const struct cfg *base)
{
	size_t i, n;
	const struct cfg_option *t = cfg_table(&n);

	session_scalar_out(o, "options");
	session_map_out(o, 1, 0);
	for (i = 0; i < n; i++) {
		const char *ref = base != NULL ? cfg_get_str(base, t[i].name) : t[i].def;

		if (strcmp(cfg_get_str(cfg, t[i].name), ref) != 0)
			session_pair_out(o, t[i].name, cfg_get_str(cfg, t[i].name));
	}
	session_map_out(o, 0, 0);
}

static void session_history_out(struct session_out *o, const struct session *s)
{
	char step[32];
	int i;

	if (s->nhistory == 0)
		return;
	session_scalar_out(o, "history");
	session_seq_out(o, 1);
	for (i = 0; i < s->nhistory; i++) {
		snprintf(step, sizeof step, "%llu", s->history[i].step);
		session_map_out(o, 1, 1);
		session_pair_out(o, "step", step);
		session_pair_out(o, "key", s->history[i].key);
		session_pair_out(o, "old", s->history[i].old_value);
		session_pair_out(o, "new", s->history[i].new_value);
		session_map_out(o, 0, 1);
	}
	session_seq_out(o, 0);
}

static void session_presets_out(struct session_out *o, const struct session *s, const char *path)
{
	if (s->npresets == 0)
		return;
	session_scalar_out(o, "presets");
	session_map_out(o, 1, 0);
	for (int i = 0; i < s->npresets; i++) {
		const struct session_preset *sp = &s->presets[i];

		session_scalar_out(o, sp->name);
		session_map_out(o, 1, 1);
		for (int j = 0; j < sp->n; j++) {
			char *rel = strcmp(sp->keys[j], "init") == 0 && sp->values[j][0] != '\0' ?
				session_relative(path, sp->values[j]) : tt_xstrdup(sp->values[j]);

			session_pair_out(o, sp->keys[j], rel);
			free(rel);
		}
		session_map_out(o, 0, 1);
	}
	session_map_out(o, 0, 0);
}

static void session_rest_out(struct session_out *o, const struct session *s, const char *path)
{
	char seed[32];
	int i, any = 0;

	session_presets_out(o, s, path);
	session_pair_out(o, "annotator", s->annotator);
	if (s->split_ratios != NULL) {
		snprintf(seed, sizeof seed, "%ld", s->split_seed);
		session_scalar_out(o, "split");
		session_map_out(o, 1, 1);
		session_pair_out(o, "ratios", s->split_ratios);
		session_pair_out(o, "seed", seed);
		session_map_out(o, 0, 1);
	}
	session_history_out(o, s);
	if (s->checkpoint != NULL) {
		char *rel = session_relative(path, s->checkpoint);

		session_pair_out(o, "checkpoint", rel);
		free(rel);
	}
	if (s->run != NULL) {
		char *rel = session_relative(path, s->run);

		session_pair_out(o, "run", rel);
		free(rel);
	}
	for (i = 0; i < SESSION_UI_COUNT; i++)
		any |= s->ui[i] != NULL;
	if (!any)
		return;
	session_scalar_out(o, "ui");
	session_map_out(o, 1, 0);
	for (i = 0; i < SESSION_UI_COUNT; i++)
		session_pair_out(o, ui_key_names[i], s->ui[i]);
	session_map_out(o, 0, 0);
}

int session_save(const struct session *s, const struct cfg *cfg, const struct cfg *base,
		 const char *path, struct tt_err *err)
{
	struct session_out o;
	struct tt_buf buf;
	yaml_event_t ev;
	size_t n;
	int rc;

	memset(&o, 0, sizeof o);
	tt_buf_init(&buf);
	n = strlen(path);
	tt_buf_adds(&buf, n > 11 && strcmp(path + n - 11, ".state.yaml") == 0 ?
		    "# tunetop state: saved on quit, read after the session (do not edit)\n" :
		    "# tunetop session (written by `session save`)\n");
	yaml_emitter_initialize(&o.em);
	yaml_emitter_set_output(&o.em, session_write_cb, &buf);
	yaml_emitter_set_unicode(&o.em, 1);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	session_emit(&o, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	session_emit(&o, &ev);
	session_map_out(&o, 1, 0);
	session_pair_out(&o, "name", s->name);
	if (s->data != NULL) {
		char *rel = session_relative(path, s->data);

		session_pair_out(&o, "data", rel);
		free(rel);
	}
	session_labels_out(&o, s);
	session_options_out(&o, cfg, base);
	session_rest_out(&o, s, path);
	session_map_out(&o, 0, 0);
	yaml_document_end_event_initialize(&ev, 1);
	session_emit(&o, &ev);
	yaml_stream_end_event_initialize(&ev);
	session_emit(&o, &ev);
	yaml_emitter_delete(&o.em);
	if (o.failed) {
		tt_err_set(err, path, 0, 0, "cannot write the session as YAML");
		tt_buf_fini(&buf);
		return -1;
	}
	rc = tt_write_file_atomic(path, buf.data, buf.len, err);
	tt_buf_fini(&buf);
	return rc;
}

char *session_peek_data(const char *path)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	yaml_node_pair_t *pair;
	char *data, *out = NULL;
	size_t len;
	struct tt_err err;

	if (tt_read_file(path, &data, &len, &err) != 0)
		return NULL;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	if (yaml_parser_load(&parser, &doc)) {
		root = yaml_document_get_root_node(&doc);
		for (pair = root != NULL && root->type == YAML_MAPPING_NODE ?
		     root->data.mapping.pairs.start : NULL;
		     pair != NULL && pair < root->data.mapping.pairs.top; pair++) {
			const char *k = session_scalar(yaml_document_get_node(&doc, pair->key));
			const char *v = session_scalar(yaml_document_get_node(&doc, pair->value));

			if (k != NULL && v != NULL && strcmp(k, "data") == 0 && out == NULL)
				out = session_resolve(path, v);
		}
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	free(data);
	return out;
}

/* ---- names beside a session or data file ---- */

char *session_path_for_data(const char *data)
{
	return tt_xprintf("%s.session.yaml", data);
}

/* The first version's name: the data's name without its extension. */
char *session_legacy_path(const char *data)
{
	const char *slash = strrchr(data, '/'), *dot = strrchr(data, '.');
	size_t len = dot != NULL && (slash == NULL || dot > slash + 1) ? (size_t)(dot - data) :
		     strlen(data);

	return tt_xprintf("%.*s.session.yaml", (int)len, data);
}

/* demo.yaml -> demo, small.csv.session.yaml -> small.csv */
static size_t session_base_len(const char *path)
{
	static const char *const ends[] = { ".session.yaml", ".session.yml", ".state.yaml",
					    ".yaml", ".yml", NULL };
	size_t n = strlen(path), k;
	int i;

	for (i = 0; ends[i] != NULL; i++) {
		k = strlen(ends[i]);
		if (n > k && strcmp(path + n - k, ends[i]) == 0 && path[n - k - 1] != '/')
			return n - k;
	}
	return n;
}

char *session_sibling(const char *session_path, const char *suffix)
{
	return tt_xprintf("%.*s%s", (int)session_base_len(session_path), session_path, suffix);
}

char *session_state_path(const char *session_path)
{
	return session_sibling(session_path, ".state.yaml");
}

char *session_runs_dir(const char *session_path)
{
	return session_sibling(session_path, ".runs");
}

int session_same_file(const char *a, const char *b)
{
	char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
	int same = ra != NULL && rb != NULL && strcmp(ra, rb) == 0;

	free(ra);
	free(rb);
	return same;
}
