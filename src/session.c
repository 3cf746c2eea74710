/*
 * session.c - load YAML sessions with libyaml's document API, so every
 * node carries its line and column for error messages.
 */
#include "tunetop/session.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

void session_init(struct session *s)
{
	memset(s, 0, sizeof *s);
}

void session_fini(struct session *s)
{
	int i;

	for (i = 0; i < s->nlabels; i++) {
		free(s->labels[i].name);
		free(s->labels[i].key);
		free(s->labels[i].description);
	}
	free(s->labels);
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
		int rc;

		if (key != NULL && strcmp(key, "name") == 0) {
			rc = session_string(p, v, "name", &s->name);
		} else if (key != NULL && strcmp(key, "data") == 0) {
			char *raw = NULL;

			rc = session_string(p, v, "data", &raw);
			if (rc == 0) {
				free(s->data);
				s->data = session_resolve(p->path, raw);
			}
			free(raw);
		} else if (key != NULL && strcmp(key, "labels") == 0) {
			rc = session_labels(p, v, s);
		} else if (key != NULL && strcmp(key, "options") == 0) {
			rc = session_options(p, v, cfg);
		} else {
			rc = session_fail(p, k, "unknown session key '%s' (expected name, data, labels or options)",
					  key != NULL ? key : "?");
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

int session_load(struct session *s, const char *path, struct cfg *cfg, struct tt_err *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	struct session_parse p = { &doc, path, err };
	struct cfg scratch;
	char *data;
	size_t len, i, n;
	yaml_node_t *root;
	int rc = 0;

	session_init(s);
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
	s->path = tt_xstrdup(path);
	/* Options go into a copy of cfg first, so a bad session changes nothing. */
	cfg_init(&scratch);
	{
		const struct cfg_option *t = cfg_table(&n);

		for (i = 0; i < n; i++)
			cfg_set(&scratch, t[i].name, cfg_get_str(cfg, t[i].name), NULL);
	}
	root = yaml_document_get_root_node(&doc);
	if (root != NULL)
		rc = session_top(&p, root, s, &scratch);
	if (rc == 0) {
		cfg_fini(cfg);
		*cfg = scratch;
	} else {
		cfg_fini(&scratch);
		session_fini(s);
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	free(data);
	return rc;
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
	if (s->data != NULL)
		return app_load_data(a, s->data, NULL, err);
	return 0;
}
