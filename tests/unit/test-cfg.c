/*
 * test-cfg.c - the option table, value parsing, set/--set and YAML loading.
 *
 * Most cases are rows of data: a key, a value, and what must come out (the
 * stored text and number, or the error message, line and column).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tunetop/cfg.h"

#define DATA_DIR "tests/data/cfg/"

/* ---- the table itself ---- */

static int
is_snake_case(const char *s)
{
	if (*s < 'a' || *s > 'z')
		return 0;
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	}
	return 1;
}

static void
test_table_rows(void **state)
{
	size_t n;
	const struct cfg_option *t = cfg_table(&n);

	(void)state;
	assert_true(n >= 30);
	for (size_t i = 0; i < n; i++) {
		const struct cfg_option *o = &t[i];
		assert_true(is_snake_case(o->name));
		assert_ptr_equal(cfg_find(o->name), o);
		assert_non_null(o->def);
		assert_non_null(o->help);
		assert_true(strlen(o->help) > 10);
		assert_true(strcmp(o->group, "data") == 0 || strcmp(o->group, "train") == 0 ||
			    strcmp(o->group, "check") == 0 || strcmp(o->group, "ui") == 0);
		assert_true(o->min <= o->max);
		if (o->type == CFG_ENUM)
			assert_non_null(o->choices);
		if (o->type == CFG_INT) {
			assert_true(o->min == floor(o->min));
			assert_true(o->max == floor(o->max));
		}
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(t[j].name, o->name);
	}
	assert_null(cfg_find("nope"));
	assert_null(cfg_find(""));
}

/* Every default must itself be a valid value (cfg_init would abort otherwise). */
static void
test_defaults_reparse(void **state)
{
	struct cfg c;
	struct tt_err e;
	size_t n;
	const struct cfg_option *t = cfg_table(&n);

	(void)state;
	cfg_init(&c);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(cfg_set(&c, t[i].name, t[i].def, &e), 0);
		assert_string_equal(cfg_get_str(&c, t[i].name), t[i].def);
	}
	cfg_fini(&c);
}

struct want_default {
	const char *key;
	const char *text;
	double num;
};

static const struct want_default defaults[] = {
	{ "text_field", "text", 0 },
	{ "label_field", "label", 0 },
	{ "id_field", "id", 0 },
	{ "split_field", "split", 0 },
	{ "format", "auto", 0 },
	{ "skip_bad", "false", 0 },
	{ "max_record_mb", "16", 16 },
	{ "seed", "42", 42 },
	{ "model", "ngram", 0 },
	{ "lr", "0.5", 0.5 },
	{ "epochs", "10", 10 },
	{ "dim", "100", 100 },
	{ "word_ngrams", "2", 2 },
	{ "char_ngrams", "0", 0 },
	{ "min_count", "1", 1 },
	{ "buckets", "2000000", 2000000 },
	{ "batch_size", "1", 1 },
	{ "optimizer", "sgd", 0 },
	{ "dropout", "0", 0 },
	{ "weight_decay", "0", 0 },
	{ "label_smoothing", "0", 0 },
	{ "class_weights", "none", 0 },
	{ "schedule", "linear", 0 },
	{ "warmup", "0", 0 },
	{ "clip", "0", 0 },
	{ "eval_every", "0", 0 },
	{ "patience", "0", 0 },
	{ "metric", "macro_f1", 0 },
	{ "threads", "2", 2 },
	{ "loss", "softmax", 0 },
	{ "theme", "dark", 0 },
	{ "refresh_hz", "10", 10 },
};

static void
test_defaults(void **state)
{
	struct cfg c;

	(void)state;
	cfg_init(&c);
	for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
		const struct want_default *w = &defaults[i];
		const struct cfg_option *o = cfg_find(w->key);
		assert_non_null(o);
		assert_string_equal(cfg_get_str(&c, w->key), w->text);
		if (o->type == CFG_INT || o->type == CFG_FLOAT)
			assert_true(cfg_get_num(&c, w->key) == w->num);
	}
	assert_int_equal(cfg_get_int(&c, "buckets"), 2000000);
	assert_false(cfg_get_bool(&c, "skip_bad"));
	/* Not the 1e-5 of large transformers: n-gram models need a large lr. */
	assert_true(cfg_get_num(&c, "lr") >= 0.1);
	cfg_fini(&c);
}

/* ---- cfg_set: good values ---- */

struct good_case {
	const char *key;
	const char *value;
	const char *text;      /* stored text */
	double num;            /* stored number (ignored for strings and enums) */
};

static const struct good_case good_cases[] = {
	/* ints: canonical text */
	{ "epochs", "25", "25", 25 },
	{ "epochs", "+7", "7", 7 },
	{ "epochs", "007", "7", 7 },
	{ "epochs", "1", "1", 1 },
	{ "epochs", "10000", "10000", 10000 },
	{ "seed", "0", "0", 0 },
	{ "seed", "2147483647", "2147483647", 2147483647.0 },
	{ "buckets", "0", "0", 0 },
	{ "buckets", "67108864", "67108864", 67108864 },
	{ "char_ngrams", "6", "6", 6 },
	{ "refresh_hz", "60", "60", 60 },
	/* floats: the text as given */
	{ "lr", "1e-3", "1e-3", 1e-3 },
	{ "lr", "100", "100", 100 },
	{ "lr", "0.000001", "0.000001", 1e-6 },
	{ "lr", "0", "0", 0 },
	{ "lr", ".25", ".25", 0.25 },
	{ "lr", "1.", "1.", 1.0 },
	{ "lr", "+2.5E1", "+2.5E1", 25 },
	{ "dropout", "0", "0", 0 },
	{ "dropout", "0.95", "0.95", 0.95 },
	{ "clip", "1e6", "1e6", 1e6 },
	{ "label_smoothing", "0.5", "0.5", 0.5 },
	/* bools: canonical true/false */
	{ "skip_bad", "true", "true", 1 },
	{ "skip_bad", "false", "false", 0 },
	{ "skip_bad", "yes", "true", 1 },
	{ "skip_bad", "no", "false", 0 },
	{ "skip_bad", "on", "true", 1 },
	{ "skip_bad", "off", "false", 0 },
	{ "skip_bad", "1", "true", 1 },
	{ "skip_bad", "0", "false", 0 },
	{ "skip_bad", "TRUE", "true", 1 },
	{ "skip_bad", "Off", "false", 0 },
	/* enums */
	{ "format", "fasttext", "fasttext", 0 },
	{ "format", "csv", "csv", 0 },
	{ "model", "ngram", "ngram", 0 },
	{ "schedule", "cosine", "cosine", 0 },
	{ "class_weights", "sqrt_inverse", "sqrt_inverse", 0 },
	{ "metric", "micro_f1", "micro_f1", 0 },
	{ "loss", "ova", "ova", 0 },
	/* strings */
	{ "text_field", "body", "body", 0 },
	{ "theme", "solarized light", "solarized light", 0 },
	{ "label_field", "l\xc3\xa4" "bel", "l\xc3\xa4" "bel", 0 },
};

static void
test_set_good(void **state)
{
	struct cfg c;
	struct tt_err e;

	(void)state;
	cfg_init(&c);
	for (size_t i = 0; i < sizeof good_cases / sizeof good_cases[0]; i++) {
		const struct good_case *g = &good_cases[i];
		const struct cfg_option *o = cfg_find(g->key);
		tt_err_clear(&e);
		if (cfg_set(&c, g->key, g->value, &e) != 0)
			fail_msg("set %s=%s failed: %s", g->key, g->value, e.msg);
		assert_string_equal(cfg_get_str(&c, g->key), g->text);
		if (o->type == CFG_INT || o->type == CFG_FLOAT || o->type == CFG_BOOL)
			assert_true(fabs(cfg_get_num(&c, g->key) - g->num) < 1e-12);
	}
	cfg_fini(&c);
}

/* ---- cfg_set: bad values ---- */

struct bad_case {
	const char *key;
	const char *value;
	const char *msg;       /* the whole message */
};

static const struct bad_case bad_cases[] = {
	/* ints */
	{ "epochs", "1.5",
	  "epochs: '1.5' is not an integer (expected an integer from 1 to 10000)" },
	{ "epochs", "12abc",
	  "epochs: '12abc' is not an integer (expected an integer from 1 to 10000)" },
	{ "epochs", "",
	  "epochs: empty value (expected an integer from 1 to 10000)" },
	{ "epochs", " 5",
	  "epochs: ' 5' is not an integer (expected an integer from 1 to 10000)" },
	{ "epochs", "5 ",
	  "epochs: '5 ' is not an integer (expected an integer from 1 to 10000)" },
	{ "epochs", "0x10",
	  "epochs: '0x10' is not an integer (expected an integer from 1 to 10000)" },
	{ "epochs", "1e3",
	  "epochs: '1e3' is not an integer (expected an integer from 1 to 10000)" },
	{ "epochs", "-",
	  "epochs: '-' is not an integer (expected an integer from 1 to 10000)" },
	{ "epochs", "0",
	  "epochs: 0 is out of range (expected an integer from 1 to 10000)" },
	{ "epochs", "10001",
	  "epochs: 10001 is out of range (expected an integer from 1 to 10000)" },
	{ "seed", "-1",
	  "seed: -1 is out of range (expected an integer from 0 to 2147483647)" },
	{ "seed", "2147483648",
	  "seed: 2147483648 is out of range (expected an integer from 0 to 2147483647)" },
	{ "seed", "99999999999999999999999",
	  "seed: 99999999999999999999999 is out of range "
	  "(expected an integer from 0 to 2147483647)" },
	{ "buckets", "67108865",
	  "buckets: 67108865 is out of range (expected an integer from 0 to 67108864)" },
	{ "threads", "0",
	  "threads: 0 is out of range (expected an integer from 1 to 256)" },
	{ "refresh_hz", "61",
	  "refresh_hz: 61 is out of range (expected an integer from 1 to 60)" },
	/* floats */
	{ "lr", "-1", "lr: -1 is out of range (expected a number from 0 to 100)" },
	{ "lr", "100.5", "lr: 100.5 is out of range (expected a number from 0 to 100)" },
	{ "lr", "1e999", "lr: 1e999 is out of range (expected a number from 0 to 100)" },
	{ "lr", "nan", "lr: 'nan' is not a number (expected a number from 0 to 100)" },
	{ "lr", "inf", "lr: 'inf' is not a number (expected a number from 0 to 100)" },
	{ "lr", "-Infinity",
	  "lr: '-Infinity' is not a number (expected a number from 0 to 100)" },
	{ "lr", "0x1p3", "lr: '0x1p3' is not a number (expected a number from 0 to 100)" },
	{ "lr", "1,5", "lr: '1,5' is not a number (expected a number from 0 to 100)" },
	{ "lr", "5e", "lr: '5e' is not a number (expected a number from 0 to 100)" },
	{ "lr", ".", "lr: '.' is not a number (expected a number from 0 to 100)" },
	{ "lr", "1e-3x", "lr: '1e-3x' is not a number (expected a number from 0 to 100)" },
	{ "lr", "", "lr: empty value (expected a number from 0 to 100)" },
	{ "dropout", "0.96",
	  "dropout: 0.96 is out of range (expected a number from 0 to 0.95)" },
	{ "dropout", "-0.1",
	  "dropout: -0.1 is out of range (expected a number from 0 to 0.95)" },
	{ "weight_decay", "2",
	  "weight_decay: 2 is out of range (expected a number from 0 to 1)" },
	{ "clip", "2e6", "clip: 2e6 is out of range (expected a number from 0 to 1000000)" },
	/* bools */
	{ "skip_bad", "maybe", "skip_bad: 'maybe' is not a boolean (expected true or false)" },
	{ "skip_bad", "2", "skip_bad: '2' is not a boolean (expected true or false)" },
	{ "skip_bad", "y", "skip_bad: 'y' is not a boolean (expected true or false)" },
	{ "skip_bad", "", "skip_bad: empty value (expected true or false)" },
	/* enums: exact, case-sensitive; the message lists the choices */
	{ "format", "xml", "format: 'xml' is not a valid choice "
	  "(expected one of auto, jsonl, csv, tsv, fasttext)" },
	{ "format", "JSONL", "format: 'JSONL' is not a valid choice "
	  "(expected one of auto, jsonl, csv, tsv, fasttext)" },
	{ "format", "json", "format: 'json' is not a valid choice "
	  "(expected one of auto, jsonl, csv, tsv, fasttext)" },
	{ "model", "ngramx", "model: 'ngramx' is not a valid choice (expected one of ngram, gpt)" },
	/* only what exists is offered */
	{ "model", "bert", "model: 'bert' is not a valid choice (expected one of ngram, gpt)" },
	{ "optimizer", "adam", "optimizer: 'adam' is not a valid choice "
	  "(expected one of sgd, adamw)" },
	{ "schedule", "", "schedule: empty value "
	  "(expected one of constant, linear, cosine, step)" },
	/* strings */
	{ "text_field", "", "text_field: empty value (expected a string of 1 to 256 bytes)" },
	/* long values are cut in the message */
	{ "epochs", "123456789012345678901234567890123456789012345678901234567890x",
	  "epochs: '1234567890123456789012345678901234567890...' is not an integer "
	  "(expected an integer from 1 to 10000)" },
	/* ... at a character boundary: byte 40 is inside the first 'é' */
	{ "format", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9\xc3\xa9",
	  "format: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is not a valid choice "
	  "(expected one of auto, jsonl, csv, tsv, fasttext)" },
};

static void
test_set_bad(void **state)
{
	struct cfg c;
	struct tt_err e;

	(void)state;
	cfg_init(&c);
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const struct bad_case *b = &bad_cases[i];
		char before[600];
		snprintf(before, sizeof before, "%s", cfg_get_str(&c, b->key));
		tt_err_clear(&e);
		if (cfg_set(&c, b->key, b->value, &e) != -1)
			fail_msg("set %s=%s was accepted", b->key, b->value);
		assert_string_equal(e.msg, b->msg);
		assert_int_equal(e.line, 0);
		/* a failed set changes nothing */
		assert_string_equal(cfg_get_str(&c, b->key), before);
	}
	cfg_fini(&c);
}

static void
test_set_long_string(void **state)
{
	struct cfg c;
	struct tt_err e;
	char v[300];

	(void)state;
	cfg_init(&c);
	memset(v, 'a', 256);
	v[256] = '\0';
	assert_int_equal(cfg_set(&c, "theme", v, &e), 0);
	v[256] = 'a';
	v[257] = '\0';
	assert_int_equal(cfg_set(&c, "theme", v, &e), -1);
	assert_string_equal(e.msg, "theme: a value of 257 bytes is not allowed "
			    "(expected a string of 1 to 256 bytes)");
	assert_int_equal(strlen(cfg_get_str(&c, "theme")), 256);
	assert_int_equal(cfg_set(&c, "theme", "x", NULL), 0);
	assert_int_equal(cfg_set(&c, "theme", "", NULL), -1);   /* err may be NULL */
	assert_string_equal(cfg_get_str(&c, "theme"), "x");
	cfg_fini(&c);
}

/* ---- unknown keys ---- */

struct unknown_case {
	const char *key;
	const char *msg;
};

static const struct unknown_case unknown_cases[] = {
	{ "lrr", "unknown option 'lrr' (did you mean 'lr'?)" },
	{ "word_ngram", "unknown option 'word_ngram' (did you mean 'word_ngrams'?)" },
	{ "word-ngrams", "unknown option 'word-ngrams' (did you mean 'word_ngrams'?)" },
	{ "dropuot", "unknown option 'dropuot' (did you mean 'dropout'?)" },
	{ "EPOCHS", "unknown option 'EPOCHS' (did you mean 'epochs'?)" },
	{ "thread", "unknown option 'thread' (did you mean 'threads'?)" },
	{ "foo", "unknown option 'foo'" },
	{ "xy", "unknown option 'xy'" },
	{ "learning_rate", "unknown option 'learning_rate'" },
	{ "", "unknown option ''" },
};

static void
test_unknown_key(void **state)
{
	struct cfg c;
	struct tt_err e;

	(void)state;
	cfg_init(&c);
	for (size_t i = 0; i < sizeof unknown_cases / sizeof unknown_cases[0]; i++) {
		tt_err_clear(&e);
		assert_int_equal(cfg_set(&c, unknown_cases[i].key, "1", &e), -1);
		assert_string_equal(e.msg, unknown_cases[i].msg);
	}
	cfg_fini(&c);
}

/* ---- cfg_set_pair ---- */

static void
test_set_pair(void **state)
{
	struct cfg c;
	struct tt_err e;

	(void)state;
	cfg_init(&c);
	assert_int_equal(cfg_set_pair(&c, "lr=0.25", &e), 0);
	assert_true(cfg_get_num(&c, "lr") == 0.25);
	assert_int_equal(cfg_set_pair(&c, "text_field=a=b", &e), 0);
	assert_string_equal(cfg_get_str(&c, "text_field"), "a=b");
	assert_int_equal(cfg_set_pair(&c, "epochs=", &e), -1);
	assert_string_equal(e.msg, "epochs: empty value (expected an integer from 1 to 10000)");
	assert_int_equal(cfg_set_pair(&c, "=5", &e), -1);
	assert_string_equal(e.msg, "'=5': missing option name (expected key=value)");
	assert_int_equal(cfg_set_pair(&c, "lr", &e), -1);
	assert_string_equal(e.msg, "'lr': expected key=value");
	assert_int_equal(cfg_set_pair(&c, "epoch=3", &e), -1);
	assert_string_equal(e.msg, "unknown option 'epoch' (did you mean 'epochs'?)");
	assert_int_equal(cfg_set_pair(&c, "lr=-1", &e), -1);
	assert_string_equal(e.msg, "lr: -1 is out of range (expected a number from 0 to 100)");
	assert_true(cfg_get_num(&c, "lr") == 0.25);
	cfg_fini(&c);
}

/* ---- getters ---- */

static void
test_get(void **state)
{
	struct cfg c;

	(void)state;
	cfg_init(&c);
	assert_int_equal(cfg_set(&c, "epochs", "17", NULL), 0);
	assert_int_equal(cfg_set(&c, "skip_bad", "on", NULL), 0);
	assert_int_equal(cfg_get_int(&c, "epochs"), 17);
	assert_true(cfg_get_num(&c, "epochs") == 17.0);
	assert_true(cfg_get_bool(&c, "skip_bad"));
	assert_true(cfg_get_num(&c, "skip_bad") == 1.0);
	assert_string_equal(cfg_get_str(&c, "skip_bad"), "true");
	assert_string_equal(cfg_get_str(&c, "epochs"), "17");
	cfg_fini(&c);
}

/* Runs fn in a child; returns the signal that ended it, or 0. */
static int
child_signal(void (*fn)(void))
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, 2);     /* keep the fatal message out of the TAP output */
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void
get_unknown_num(void)
{
	struct cfg c;

	cfg_init(&c);
	(void)cfg_get_num(&c, "no_such_option");
}

static void
get_unknown_str(void)
{
	struct cfg c;

	cfg_init(&c);
	(void)cfg_get_str(&c, "lrate");
}

static void
get_int_of_float(void)
{
	struct cfg c;

	cfg_init(&c);
	(void)cfg_get_int(&c, "lr");
}

static void
get_bool_of_enum(void)
{
	struct cfg c;

	cfg_init(&c);
	(void)cfg_get_bool(&c, "format");
}

static void
get_known(void)
{
	struct cfg c;

	cfg_init(&c);
	(void)cfg_get_int(&c, "epochs");
	cfg_fini(&c);
}

static void
test_get_fatal(void **state)
{
	(void)state;
	assert_int_equal(child_signal(get_unknown_num), SIGABRT);
	assert_int_equal(child_signal(get_unknown_str), SIGABRT);
	assert_int_equal(child_signal(get_int_of_float), SIGABRT);
	assert_int_equal(child_signal(get_bool_of_enum), SIGABRT);
	assert_int_equal(child_signal(get_known), 0);
}

/* ---- describe ---- */

struct describe_case {
	const char *key;
	const char *line;
};

static const struct describe_case describe_cases[] = {
	{ "lr", "lr = 0.5  (float, 0..100, default 0.5) "
	  "learning rate (0 freezes the weights); 0.1-1.0 for ngram with SGD, about 0.01 with AdamW (see preset)" },
	{ "epochs", "epochs = 10  (int, 1..10000, default 10) "
	  "passes over the training split (fastText uses 5-25)" },
	{ "format", "format = auto  (enum, auto|jsonl|csv|tsv|fasttext, default auto) "
	  "dataset format; auto detects it from the extension and content" },
	{ "skip_bad", "skip_bad = false  (bool, default false) "
	  "skip and list malformed records instead of stopping at the first" },
	{ "text_field", "text_field = \"text\"  (string, default \"text\") "
	  "field (JSONL) or column (CSV/TSV) holding the text" },
};

static void
test_describe(void **state)
{
	struct cfg c;
	struct tt_buf b;
	size_t n;
	const struct cfg_option *t = cfg_table(&n);

	(void)state;
	cfg_init(&c);
	tt_buf_init(&b);
	for (size_t i = 0; i < sizeof describe_cases / sizeof describe_cases[0]; i++) {
		tt_buf_clear(&b);
		cfg_describe(&c, cfg_find(describe_cases[i].key), &b);
		assert_string_equal(b.data, describe_cases[i].line);
	}
	/* the current value, not the default, comes first */
	assert_int_equal(cfg_set(&c, "dropout", "0.3", NULL), 0);
	tt_buf_clear(&b);
	cfg_describe(&c, cfg_find("dropout"), &b);
	assert_string_equal(b.data, "dropout = 0.3  (float, 0..0.95, default 0) "
			    "dropout on the averaged embedding");
	/* every row describes itself on one line */
	for (size_t i = 0; i < n; i++) {
		tt_buf_clear(&b);
		cfg_describe(&c, &t[i], &b);
		assert_true(strncmp(b.data, t[i].name, strlen(t[i].name)) == 0);
		assert_null(strchr(b.data, '\n'));
		assert_non_null(strstr(b.data, t[i].help));
	}
	tt_buf_fini(&b);
	cfg_fini(&c);
}

/* ---- YAML ---- */

static int
load_str(struct cfg *c, const char *yaml, struct tt_err *e)
{
	tt_err_clear(e);
	return cfg_load_yaml_buffer(c, "t.yaml", yaml, strlen(yaml), e);
}

static void
test_yaml_good(void **state)
{
	struct cfg c;
	struct tt_err e;
	const char *y =
		"# comment\n"
		"lr: 0.1   # trailing comment\n"
		"epochs: 5\n"
		"skip_bad: on\n"
		"format: csv\n"
		"text_field: \"body text\"\n"
		"label_field: 'intent'\n"
		"dropout: \"0.2\"\n"
		"theme: >-\n"
		"  folded\n"
		"  theme\n";

	(void)state;
	cfg_init(&c);
	if (load_str(&c, y, &e) != 0)
		fail_msg("load failed: %u:%u: %s", e.line, e.col, e.msg);
	assert_true(cfg_get_num(&c, "lr") == 0.1);
	assert_int_equal(cfg_get_int(&c, "epochs"), 5);
	assert_true(cfg_get_bool(&c, "skip_bad"));
	assert_string_equal(cfg_get_str(&c, "format"), "csv");
	assert_string_equal(cfg_get_str(&c, "text_field"), "body text");
	assert_string_equal(cfg_get_str(&c, "label_field"), "intent");
	assert_true(cfg_get_num(&c, "dropout") == 0.2);
	assert_string_equal(cfg_get_str(&c, "theme"), "folded theme");
	/* untouched keys keep their values */
	assert_int_equal(cfg_get_int(&c, "dim"), 100);

	/* flow style, a document marker and an end marker are fine too */
	assert_int_equal(load_str(&c, "%YAML 1.1\n---\n{dim: 64, threads: 1}\n...\n", &e), 0);
	assert_int_equal(cfg_get_int(&c, "dim"), 64);
	assert_int_equal(cfg_get_int(&c, "threads"), 1);
	/* a second load applies on top of the first */
	assert_int_equal(cfg_get_int(&c, "epochs"), 5);
	cfg_fini(&c);
}

static void
test_yaml_empty(void **state)
{
	static const char *const empties[] = {
		"", "\n", "# just a comment\n", "---\n", "--- ~\n", "~\n", "null\n", "{}\n",
		"---\n...\n",
	};
	struct cfg c;
	struct tt_err e;

	(void)state;
	cfg_init(&c);
	assert_int_equal(cfg_set(&c, "epochs", "3", NULL), 0);
	for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++) {
		if (load_str(&c, empties[i], &e) != 0)
			fail_msg("'%s' failed: %s", empties[i], e.msg);
		assert_int_equal(cfg_get_int(&c, "epochs"), 3);
		assert_true(cfg_get_num(&c, "lr") == 0.5);
	}
	cfg_fini(&c);
}

struct yaml_error_case {
	const char *yaml;
	uint32_t line, col;
	const char *msg;       /* the whole message */
};

static const struct yaml_error_case yaml_errors[] = {
	/* syntax errors, positioned by libyaml's problem_mark */
	{ "lr: 0.5\nepochs: 3: 4\n", 2, 10,
	  "YAML syntax error: mapping values are not allowed in this context" },
	{ "lr: 0.5\ntext_field: \"abc\n", 3, 1,
	  "YAML syntax error: found unexpected end of stream "
	  "(while scanning a quoted scalar at line 2, column 13)" },
	{ "lr: 0.5\n\tepochs: 3\n", 2, 1,
	  "YAML syntax error: found a tab character that violates indentation "
	  "(while scanning a plain scalar at line 1, column 5)" },
	{ "{lr: 0.5, epochs: 3\n", 2, 1,
	  "YAML syntax error: did not find expected ',' or '}' "
	  "(while parsing a flow mapping at line 1, column 1)" },
	/* reader errors: positioned from the byte offset */
	{ "lr: 0.5\ntheme: \xff\n", 2, 8, "YAML syntax error: invalid leading UTF-8 octet" },
	{ "theme: \"h\xc3\xa9\xff\"\n", 1, 11,
	  "YAML syntax error: invalid leading UTF-8 octet" },
	/* libyaml names the bad continuation byte, here '(' after a lone 0xc3 */
	{ "theme: \"h\xc3\xa9\xc3(\"\n", 1, 12,
	  "YAML syntax error: invalid trailing UTF-8 octet" },
	{ "dim: 3\nlr: \x01\n", 2, 5, "YAML syntax error: control characters are not allowed" },
	/* the top level must be a mapping */
	{ "- lr\n- epochs\n", 1, 1,
	  "expected a mapping of option names to values at the top level, found a sequence" },
	{ "\n\nhello\n", 3, 1,
	  "expected a mapping of option names to values at the top level, found a scalar" },
	{ "lr: 0.5\n---\nlr: 0.1\n", 2, 1,
	  "expected a single YAML document, found a second one" },
	/* values must be scalars; keys must be option names */
	{ "lr: 0.5\nepochs: [1, 2]\n", 2, 9,
	  "expected a single value for 'epochs', found a sequence" },
	{ "lr:\n  value: 1\n", 2, 3, "expected a single value for 'lr', found a mapping" },
	{ "dim: 3\n? [a, b]\n: 1\n", 2, 3, "expected an option name, found a sequence" },
	{ "lr:\nepochs: 3\n", 1, 4, "lr: no value given" },
	{ "theme: ~\n", 1, 8, "theme: no value given" },
	{ "\"lr\\0x\": 1\n", 1, 1, "option name contains a NUL byte" },
	{ "theme: \"a\\0b\"\n", 1, 8, "theme: value contains a NUL byte" },
	/* anchors and aliases */
	{ "lr: &x 0.5\nclip: *x\n", 1, 5,
	  "YAML anchors (&name) are not supported in config files" },
	{ "lr: 0.5\nclip: *x\n", 2, 7, "YAML aliases (*name) are not supported in config files" },
	{ "&top\nlr: 0.5\n", 1, 1, "YAML anchors (&name) are not supported in config files" },
	/* unknown keys, with and without a suggestion */
	{ "lr: 0.5\nepoks: 3\n", 2, 1, "unknown option 'epoks' (did you mean 'epochs'?)" },
	{ "lr: 0.5\n  # indented comment\nfoo: 3\n", 3, 1, "unknown option 'foo'" },
	/* wrong types and ranges, at the value */
	{ "epochs: many\n", 1, 9,
	  "epochs: 'many' is not an integer (expected an integer from 1 to 10000)" },
	{ "# c\n\ndropout: 0.99\n", 3, 10,
	  "dropout: 0.99 is out of range (expected a number from 0 to 0.95)" },
	{ "lr:   -2\n", 1, 7, "lr: -2 is out of range (expected a number from 0 to 100)" },
	{ "skip_bad: \"maybe\"\n", 1, 11,
	  "skip_bad: 'maybe' is not a boolean (expected true or false)" },
	{ "format: XML\n", 1, 9, "format: 'XML' is not a valid choice "
	  "(expected one of auto, jsonl, csv, tsv, fasttext)" },
	{ "theme: \"\"\n", 1, 8, "theme: empty value (expected a string of 1 to 256 bytes)" },
	{ "\xc3\xa9t\xc3\xa9: 1\nlr: x\n", 1, 1, "unknown option '\xc3\xa9t\xc3\xa9'" },
	{ "theme: \xc3\xa9t\xc3\xa9\nlr: x\n", 2, 5,
	  "lr: 'x' is not a number (expected a number from 0 to 100)" },
	/* duplicates, at the second key */
	{ "lr: 0.5\ndim: 10\nlr: 0.1\n", 3, 1, "duplicate option 'lr' (already set at line 1)" },
	{ "{dim: 1, dim: 2}\n", 1, 10, "duplicate option 'dim' (already set at line 1)" },
};

static void
test_yaml_errors(void **state)
{
	struct cfg c;
	struct tt_err e;
	int bad = 0;

	(void)state;
	cfg_init(&c);
	/* Report every mismatching case, then fail once. */
	for (size_t i = 0; i < sizeof yaml_errors / sizeof yaml_errors[0]; i++) {
		const struct yaml_error_case *y = &yaml_errors[i];
		int rc = load_str(&c, y->yaml, &e);
		if (rc != -1 || strcmp(e.msg, y->msg) != 0 || e.line != y->line ||
		    e.col != y->col || strcmp(e.file, "t.yaml") != 0) {
			print_message("# case %zu: rc %d, got %s:%u:%u: %s\n"
				      "#   want t.yaml:%u:%u: %s\n", i, rc, e.file, e.line,
				      e.col, e.msg, y->line, y->col, y->msg);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	/* nothing above changed anything */
	assert_true(cfg_get_num(&c, "lr") == 0.5);
	assert_true(cfg_get_num(&c, "dropout") == 0);
	assert_string_equal(cfg_get_str(&c, "theme"), "dark");
	cfg_fini(&c);
}

/* A file with good keys and one bad one changes nothing at all. */
static void
test_yaml_atomic(void **state)
{
	static const char *const bad[] = {
		"lr: 0.25\nepochs: 7\ntheme: light\nbogus: 1\n",
		"lr: 0.25\nepochs: 7\ntheme: light\ndim: 0\n",
		"lr: 0.25\nepochs: 7\ntheme: light\nlr: 0.3\n",
		"lr: 0.25\nepochs: 7\ntheme: light\ndim: [1]\n",
		"lr: 0.25\nepochs: 7\ntheme: light\ndim: 1: 2\n",
		"lr: 0.25\nepochs: 7\ntheme: light\n---\ndim: 3\n",
	};
	struct cfg c;
	struct tt_err e;

	(void)state;
	cfg_init(&c);
	assert_int_equal(cfg_set(&c, "epochs", "3", NULL), 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(load_str(&c, bad[i], &e), -1);
		assert_true(cfg_get_num(&c, "lr") == 0.5);
		assert_int_equal(cfg_get_int(&c, "epochs"), 3);
		assert_string_equal(cfg_get_str(&c, "theme"), "dark");
		assert_int_equal(cfg_get_int(&c, "dim"), 100);
	}
	cfg_fini(&c);
}

static void
test_yaml_fixture(void **state)
{
	struct cfg c;
	struct tt_err e;

	(void)state;
	cfg_init(&c);
	tt_err_clear(&e);
	if (cfg_load_yaml(&c, DATA_DIR "good.yaml", &e) != 0)
		fail_msg("%s:%u:%u: %s", e.file, e.line, e.col, e.msg);
	assert_string_equal(cfg_get_str(&c, "format"), "jsonl");
	assert_string_equal(cfg_get_str(&c, "text_field"), "body");
	assert_string_equal(cfg_get_str(&c, "label_field"), "intent");
	assert_true(cfg_get_bool(&c, "skip_bad"));
	assert_int_equal(cfg_get_int(&c, "seed"), 7);
	assert_true(cfg_get_num(&c, "lr") == 1.0);
	assert_int_equal(cfg_get_int(&c, "epochs"), 25);
	assert_int_equal(cfg_get_int(&c, "dim"), 50);
	assert_int_equal(cfg_get_int(&c, "char_ngrams"), 5);
	assert_true(cfg_get_num(&c, "dropout") == 0.1);
	assert_string_equal(cfg_get_str(&c, "class_weights"), "inverse");
	assert_string_equal(cfg_get_str(&c, "schedule"), "cosine");
	assert_int_equal(cfg_get_int(&c, "warmup"), 100);
	assert_string_equal(cfg_get_str(&c, "metric"), "accuracy");
	assert_int_equal(cfg_get_int(&c, "threads"), 4);
	assert_string_equal(cfg_get_str(&c, "theme"), "solarized light");
	assert_int_equal(cfg_get_int(&c, "refresh_hz"), 30);

	assert_int_equal(cfg_load_yaml(&c, DATA_DIR "empty.yaml", &e), 0);
	assert_int_equal(cfg_get_int(&c, "epochs"), 25);

	/* a bad file by path: its name, line and column; nothing applied */
	tt_err_clear(&e);
	assert_int_equal(cfg_load_yaml(&c, DATA_DIR "bad-range.yaml", &e), -1);
	assert_string_equal(e.file, DATA_DIR "bad-range.yaml");
	assert_int_equal(e.line, 4);
	assert_int_equal(e.col, 10);
	assert_string_equal(e.msg, "dropout: 1.5 is out of range (expected a number from 0 to 0.95)");
	assert_true(cfg_get_num(&c, "lr") == 1.0);
	assert_int_equal(cfg_get_int(&c, "epochs"), 25);
	cfg_fini(&c);
}

static void
test_yaml_missing_file(void **state)
{
	struct cfg c;
	struct tt_err e;
	char line[1200];

	(void)state;
	cfg_init(&c);
	tt_err_clear(&e);
	assert_int_equal(cfg_load_yaml(&c, DATA_DIR "does-not-exist.yaml", &e), -1);
	tt_err_format(&e, line, sizeof line);
	assert_non_null(strstr(line, "does-not-exist.yaml"));
	assert_true(strlen(e.msg) > 0);
	assert_int_equal(cfg_get_int(&c, "epochs"), 10);

	/* a directory is not a config file either */
	tt_err_clear(&e);
	assert_int_equal(cfg_load_yaml(&c, DATA_DIR, &e), -1);
	assert_true(strlen(e.msg) > 0);
	cfg_fini(&c);
}

/* Input is not NUL-terminated: only len bytes may be read. */
static void
test_yaml_buffer_len(void **state)
{
	struct cfg c;
	struct tt_err e;
	const char *y = "dim: 64\nepochs: nonsense";

	(void)state;
	cfg_init(&c);
	assert_int_equal(cfg_load_yaml_buffer(&c, "buf", y, 8, &e), 0);
	assert_int_equal(cfg_get_int(&c, "dim"), 64);
	assert_int_equal(cfg_get_int(&c, "epochs"), 10);
	cfg_fini(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_rows),
		cmocka_unit_test(test_defaults_reparse),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_set_good),
		cmocka_unit_test(test_set_bad),
		cmocka_unit_test(test_set_long_string),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_set_pair),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_get_fatal),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_yaml_good),
		cmocka_unit_test(test_yaml_empty),
		cmocka_unit_test(test_yaml_errors),
		cmocka_unit_test(test_yaml_atomic),
		cmocka_unit_test(test_yaml_fixture),
		cmocka_unit_test(test_yaml_missing_file),
		cmocka_unit_test(test_yaml_buffer_len),
	};

	return cmocka_run_group_tests_name("cfg", tests, NULL, NULL);
}
