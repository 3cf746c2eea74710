/*
 * cfg.c - the declarative option table, value parsing and YAML loading.
 *
 * Every option lives in one row of cfg_options below: name, type, range,
 * default, group and help. `set`, `--set key=value`, `show`, help text and
 * YAML files are all driven from that table, so they cannot disagree.
 *
 * Conventions of the table:
 * - CFG_INT / CFG_FLOAT: min and max are inclusive. A float option whose
 *   min is CFG_ABOVE_ZERO must be strictly positive (lr: "> 0"); the header
 *   has no flag for an exclusive bound, so the sentinel stands for one.
 * - CFG_STRING: min and max bound the length in bytes (min 1 = non-empty).
 * - CFG_ENUM: choices is "a|b|c"; a value must match one word exactly.
 *
 * YAML is read with libyaml's event API (yaml_parser_parse). The file must be
 * one document whose top level is a mapping of option names to scalars.
 * Values are applied to a copy of the config, which replaces the caller's
 * only when the whole file is valid, so a bad file changes nothing.
 * Anchors and aliases are refused: a config file has no use for them and
 * they only make error positions harder to follow.
 */
#include "tunetop/cfg.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

/* Sentinel min for float options that must be > 0 (see the top comment). */
#define CFG_ABOVE_ZERO DBL_MIN

/* Longest value quoted back in an error message. */
#define CFG_QUOTE_MAX 40

static const struct cfg_option cfg_options[] = {
	/* data: where records come from and how they are read */
	{ "text_field", CFG_STRING, 1, 256, "text", NULL, "data",
	  "field (JSONL) or column (CSV/TSV) holding the text" },
	{ "label_field", CFG_STRING, 1, 256, "label", NULL, "data",
	  "field or column holding the label (or a list of labels)" },
	{ "label_sep", CFG_STRING, 0, 8, "|", NULL, "data",
	  "separator of several labels in one CSV/TSV label field (empty: one label a field)" },
	{ "id_field", CFG_STRING, 1, 256, "id", NULL, "data",
	  "field or column holding a stable record id (line number if absent)" },
	{ "split_field", CFG_STRING, 1, 256, "split", NULL, "data",
	  "field or column holding train/valid/test; kept when present" },
	{ "format", CFG_ENUM, 0, 0, "auto", "auto|jsonl|csv|tsv|fasttext", "data",
	  "dataset format; auto detects it from the extension and content" },
	{ "label_prefix", CFG_STRING, 1, 64, "__label__", NULL, "data",
	  "label marker in fastText-format files" },
	{ "annotator", CFG_STRING, 0, 128, "", NULL, "data",
	  "who edits, journaled with every edit (empty: the session's annotator, else $USER)" },
	{ "skip_bad", CFG_BOOL, 0, 1, "false", NULL, "data",
	  "skip and list malformed records instead of stopping at the first" },
	{ "max_record_mb", CFG_INT, 1, 4096, "16", NULL, "data",
	  "longest record (line) accepted, in MiB" },
	{ "normalize", CFG_ENUM, 0, 0, "nfkc", "none|nfc|nfkc", "data",
	  "Unicode normalization of text; saved with the model" },
	{ "lowercase", CFG_BOOL, 0, 1, "true", NULL, "data",
	  "case-fold text before tokenizing; saved with the model" },
	{ "seed", CFG_INT, 0, 2147483647.0, "42", NULL, "data",
	  "random seed for splits, shuffling and initialization" },

	/* check: the dataset checks (tunetop check, stats, quality) */
	{ "check_min_class", CFG_INT, 0, 1000000000.0, "1000", NULL, "check",
	  "warn when a class has fewer records than this in a split (0 = never)" },
	{ "check_min_words", CFG_INT, 0, 1000, "3", NULL, "check",
	  "a text with fewer words is a short outlier" },
	{ "check_outlier_z", CFG_FLOAT, CFG_ABOVE_ZERO, 1000, "3.5", NULL, "check",
	  "modified z-score of the length (median/MAD) beyond which a text is very short or long" },
	{ "check_max_unknown", CFG_FLOAT, 0, 1, "0.5", NULL, "check",
	  "outlier 'unknown': a larger share of a record's words is not in the model's vocabulary" },
	{ "neardup_shingle", CFG_ENUM, 0, 0, "char5",
	  "char3|char4|char5|char6|char7|char8|word1|word2|word3|word4|word5", "check",
	  "near duplicates: shingles of N characters or N words (char5 suits texts of 10-50 words)" },
	{ "neardup_perm", CFG_INT, 16, 1024, "128", NULL, "check",
	  "near duplicates: MinHash permutations (signature length)" },
	{ "neardup_threshold", CFG_FLOAT, 0.05, 1, "0.5", NULL, "check",
	  "near duplicates: estimated Jaccard similarity of the shingle sets that joins two texts" },
	{ "neardup_bands", CFG_INT, 0, 1024, "0", NULL, "check",
	  "near duplicates: LSH bands (0 = chosen so a pair at the threshold is found with p >= 0.99)" },

	/* train: model and hyperparameters (defaults suit the fast n-gram model) */
	{ "model", CFG_ENUM, 0, 0, "ngram", "ngram|gpt", "train",
	  "ngram: fastText-style linear classifier; gpt: a GPT-2 transformer (see preset gpt-tiny)" },
	{ "lr", CFG_FLOAT, 0, 100, "0.5", NULL, "train",
	  "learning rate (0 freezes the weights); 0.1-1.0 for ngram with SGD, about 0.01 with AdamW (see preset)" },
	{ "epochs", CFG_INT, 1, 10000, "10", NULL, "train",
	  "passes over the training split (fastText uses 5-25)" },
	{ "dim", CFG_INT, 1, 4096, "100", NULL, "train",
	  "embedding dimension" },
	{ "word_ngrams", CFG_INT, 1, 5, "2", NULL, "train",
	  "longest word n-gram used as a feature (1 = words only)" },
	{ "char_ngrams", CFG_INT, 0, 6, "0", NULL, "train",
	  "longest character n-gram per word, from min(3, N) up (0 = off)" },
	{ "min_count", CFG_INT, 1, 1000000, "1", NULL, "train",
	  "words seen fewer times than this are dropped from the vocabulary" },
	{ "eos_token", CFG_BOOL, 0, 1, "true", NULL, "train",
	  "end every text with fastText's end-of-line word </s> (a learned bias)" },
	{ "buckets", CFG_INT, 0, 67108864.0, "2000000", NULL, "train",
	  "hash buckets for word and character n-grams" },
	{ "batch_size", CFG_INT, 1, 65536, "1", NULL, "train",
	  "examples per optimizer step (1 as in fastText's SGD; 32-256 for AdamW)" },
	{ "optimizer", CFG_ENUM, 0, 0, "sgd", "sgd|adamw", "train",
	  "sgd: Hogwild SGD as in fastText; adamw: minibatch AdamW" },
	{ "dropout", CFG_FLOAT, 0, 0.95, "0", NULL, "train",
	  "dropout on the averaged embedding" },
	{ "weight_decay", CFG_FLOAT, 0, 1, "0", NULL, "train",
	  "L2 penalty (decoupled weight decay with AdamW)" },
	{ "label_smoothing", CFG_FLOAT, 0, 0.5, "0", NULL, "train",
	  "mass moved from the true label to the others" },
	{ "class_weights", CFG_ENUM, 0, 0, "none", "none|inverse|sqrt_inverse", "train",
	  "loss weight per class; inverse frequency helps with imbalanced labels" },
	{ "resample", CFG_ENUM, 0, 0, "none", "none|oversample|undersample", "train",
	  "balance the train split's classes: repeat the smaller or drop from the larger (seeded)" },
	{ "loss", CFG_ENUM, 0, 0, "softmax", "softmax|ova", "train",
	  "softmax for one label per record; ova (one-vs-all sigmoids) for multi-label" },
	{ "schedule", CFG_ENUM, 0, 0, "linear", "constant|linear|cosine|step", "train",
	  "learning-rate schedule; linear decay to 0 is fastText's recipe" },
	{ "warmup", CFG_INT, 0, 1000000000.0, "0", NULL, "train",
	  "steps of linear warmup before the schedule" },
	{ "clip", CFG_FLOAT, 0, 1e6, "0", NULL, "train",
	  "clip the gradient norm to this (0 = off)" },
	{ "eval_every", CFG_INT, 0, 1000000000.0, "0", NULL, "train",
	  "evaluate on the validation split every N steps (0 = at epoch ends only)" },
	{ "log_every", CFG_INT, 0, 1000000000.0, "0", NULL, "train",
	  "log a point of the curves every N steps (0 = about 50 points per epoch)" },
	{ "patience", CFG_INT, 0, 1000000, "0", NULL, "train",
	  "stop after this many evaluations without improvement (0 = off)" },
	{ "metric", CFG_ENUM, 0, 0, "macro_f1", "macro_f1|accuracy|loss|micro_f1", "train",
	  "validation metric for early stopping and the best checkpoint" },
	{ "threads", CFG_INT, 1, 256, "2", NULL, "train",
	  "trainer threads (and BLAS threads)" },
	{ "max_steps", CFG_INT, 0, 1000000000000.0, "0", NULL, "train",
	  "stop after this many optimizer steps (0 = run every epoch)" },

	/* train, gpt only: the transformer's shape and objective (width is dim) */
	{ "objective", CFG_ENUM, 0, 0, "classify", "classify|lm", "train",
	  "gpt: classify the labels, or lm (causal language model on the texts, perplexity)" },
	{ "layers", CFG_INT, 1, 1024, "2", NULL, "train",
	  "gpt: transformer blocks" },
	{ "heads", CFG_INT, 1, 1024, "4", NULL, "train",
	  "gpt: attention heads (must divide dim)" },
	{ "context", CFG_INT, 2, 1048576.0, "128", NULL, "train",
	  "gpt: most tokens of a sequence (positions); lm cuts the texts into chunks of this" },
	{ "vocab_size", CFG_INT, 258, 1048576.0, "4096", NULL, "train",
	  "gpt: byte-level BPE vocabulary learned from the train texts (without init)" },
	{ "pooling", CFG_ENUM, 0, 0, "last", "last|mean", "train",
	  "gpt classify: pool the last token's state (as GPT-2) or the mean over the text" },
	{ "truncate", CFG_ENUM, 0, 0, "first", "first|last", "train",
	  "gpt: a text longer than context keeps its first tokens, or its last" },
	{ "init", CFG_STRING, 0, 4096, "", NULL, "train",
	  "gpt: start from this safetensors file (tunetop's or Hugging Face GPT-2's); empty = fresh" },
	{ "bpe_vocab", CFG_STRING, 0, 4096, "", NULL, "train",
	  "gpt: vocab.json (or encoder.json); empty = beside the init file, or learn a BPE" },
	{ "bpe_merges", CFG_STRING, 0, 4096, "", NULL, "train",
	  "gpt: merges.txt (or vocab.bpe); empty = beside the init file, or learn a BPE" },
	{ "prune_sparsity", CFG_FLOAT, 0, 0.99, "0", NULL, "train",
	  "gpt: at the start, zero this share of the block matrices' smallest weights; they "
	  "stay zero while training (0 = off)" },
	{ "prune_scope", CFG_ENUM, 0, 0, "matrix", "matrix|global", "train",
	  "gpt pruning: the same share of every matrix, or one threshold over all of them" },
	{ "layer_stats", CFG_BOOL, 0, 1, "false", NULL, "train",
	  "per-layer gradient norm and update/weight at every logged point, even with no layers "
	  "view open (the view asks for them, within 2% of the run's time)" },

	/* train, gpt only: fine-tuning modes (trainer-ftmodes.c); they apply when a run starts */
	{ "freeze_layers", CFG_INT, -1, 1024, "0", NULL, "train",
	  "gpt: freeze the embeddings and the lower N blocks (0 = none; -1 = all but the "
	  "classification head, feature extraction)" },
	{ "lora_rank", CFG_INT, 0, 4096, "0", NULL, "train",
	  "gpt: LoRA adapters of this rank on lora_targets, the base frozen (0 = off)" },
	{ "lora_alpha", CFG_FLOAT, CFG_ABOVE_ZERO, 1e6, "16", NULL, "train",
	  "gpt: LoRA scale alpha (the update is alpha / rank x B A)" },
	{ "lora_dropout", CFG_FLOAT, 0, 0.95, "0", NULL, "train",
	  "gpt: dropout on the LoRA adapters' input" },
	{ "lora_targets", CFG_STRING, 1, 256, "c_attn,attn.c_proj", NULL, "train",
	  "gpt: comma list of c_attn, attn.c_proj, mlp.c_fc, mlp.c_proj (c_proj = both)" },
	{ "grad_checkpoint", CFG_BOOL, 0, 1, "false", NULL, "train",
	  "gpt: recompute each block's activations in backward instead of keeping them" },
	{ "grad_accum", CFG_INT, 1, 65536, "1", NULL, "train",
	  "gpt: micro-batches per optimizer step (batch_size split; losses weighted by targets)" },
	/* train, ngram: distillation from a trained classifier (distill.h) */
	{ "distill_teacher", CFG_STRING, 0, 4096, "", NULL, "train",
	  "ngram: learn from this model's probabilities too (a classifier file); empty = off" },
	{ "distill_temperature", CFG_FLOAT, 0.05, 100, "2", NULL, "train",
	  "distill: softens the teacher's and the student's probabilities alike" },
	{ "distill_alpha", CFG_FLOAT, 0, 1, "0.5", NULL, "train",
	  "distill: weight of the teacher's soft targets (0 = hard labels only, 1 = soft only)" },
	{ "distill_unlabeled", CFG_BOOL, 0, 1, "true", NULL, "train",
	  "distill: unlabeled train records learn from the teacher's soft targets" },

	/* check: model-assisted cleaning (likely label errors) */
	{ "label_errors_folds", CFG_INT, 2, 20, "5", NULL, "check",
	  "folds of the cross-validation behind label errors (k)" },
	{ "label_errors_repeats", CFG_INT, 1, 10, "1", NULL, "check",
	  "cross-validations with other folds and seeds, probabilities averaged" },
	{ "label_errors_epochs", CFG_INT, 0, 10000, "0", NULL, "check",
	  "epochs of each fold's training (0 = the model's epochs)" },
	{ "label_errors_rank", CFG_ENUM, 0, 0, "self_confidence",
	  "self_confidence|normalized_margin", "check",
	  "rank label errors by self-confidence (1 - p[given]) or normalized margin" },
	{ "label_errors_every", CFG_INT, 0, 1000000, "0", NULL, "check",
	  "workbench: rerun label errors after every N label edits (0 = on request only)" },

	/* ui: the terminal workbench */
	{ "theme", CFG_STRING, 1, 256, "dark", NULL, "ui",
	  "color theme: a name under themes/ or a path to a YAML file" },
	{ "refresh_hz", CFG_INT, 1, 60, "10", NULL, "ui",
	  "most screen redraws per second (keeps SSH traffic low)" },
};

static const size_t cfg_count = sizeof cfg_options / sizeof cfg_options[0];

const struct cfg_option *
cfg_table(size_t *count)
{
	if (count != NULL)
		*count = cfg_count;
	return cfg_options;
}

static long
cfg_index(const char *name)
{
	for (size_t i = 0; i < cfg_count; i++) {
		if (strcmp(cfg_options[i].name, name) == 0)
			return (long)i;
	}
	return -1;
}

const struct cfg_option *
cfg_find(const char *name)
{
	long i = cfg_index(name);

	return i < 0 ? NULL : &cfg_options[i];
}

/* ---- error helpers ---- */

static void
cfg_fail(struct tt_err *err, const char *file, uint32_t line, uint32_t col,
	 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Formats once here so err may be NULL for callers that only want the status. */
static void
cfg_fail(struct tt_err *err, const char *file, uint32_t line, uint32_t col,
	 const char *fmt, ...)
{
	char msg[sizeof err->msg];
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	tt_err_set(err, file, line, col, "%s", msg);
}

/*
 * The value as it should appear in a message: at most CFG_QUOTE_MAX bytes,
 * cut at a UTF-8 character boundary.
 */
static void
cfg_quote(const char *value, char *out, size_t n)
{
	size_t cut = CFG_QUOTE_MAX;

	if (strlen(value) <= CFG_QUOTE_MAX) {
		snprintf(out, n, "%s", value);
		return;
	}
	while (cut > 0 && ((unsigned char)value[cut] & 0xC0) == 0x80)
		cut--;
	snprintf(out, n, "%.*s...", (int)cut, value);
}

/* What a valid value looks like, e.g. "a number > 0 and <= 100". */
static void
cfg_expected(const struct cfg_option *opt, char *out, size_t n)
{
	switch (opt->type) {
	case CFG_INT:
		snprintf(out, n, "an integer from %.0f to %.0f", opt->min, opt->max);
		break;
	case CFG_FLOAT:
		if (opt->min == CFG_ABOVE_ZERO)
			snprintf(out, n, "a number > 0 and <= %.15g", opt->max);
		else
			snprintf(out, n, "a number from %.15g to %.15g", opt->min, opt->max);
		break;
	case CFG_BOOL:
		snprintf(out, n, "true or false");
		break;
	case CFG_STRING:
		snprintf(out, n, "a string of %.0f to %.0f bytes", opt->min, opt->max);
		break;
	case CFG_ENUM: {
		size_t o = (size_t)snprintf(out, n, "one of ");
		for (const char *p = opt->choices; *p != '\0' && o + 3 < n; p++) {
			if (*p == '|') {
				out[o++] = ',';
				out[o++] = ' ';
			} else {
				out[o++] = *p;
			}
		}
		out[o] = '\0';
		break;
	}
	}
}

/* ---- parsing one value ---- */

/*
 * A parsed value: text to keep (canonical for ints and bools) and number.
 * On failure msg holds "key: what is wrong (expected ...)".
 */
struct cfg_parsed {
	char text[64];         /* canonical text when canonical is set */
	int canonical;
	double num;
};

static int
cfg_all_chars(const char *s, const char *allowed)
{
	return s[strspn(s, allowed)] == '\0';
}

static int
cfg_parse_int(const char *s, struct cfg_parsed *out)
{
	const char *digits = (*s == '+' || *s == '-') ? s + 1 : s;
	char *end;
	long v;

	if (*digits == '\0' || !cfg_all_chars(digits, "0123456789"))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0')
		return -1;
	if (errno == ERANGE)
		return -2;
	out->num = (double)v;
	snprintf(out->text, sizeof out->text, "%ld", v);
	out->canonical = 1;
	return 0;
}

/* Decimal notation only: no hex floats, no nan or inf spellings. */
static int
cfg_parse_float(const char *s, struct cfg_parsed *out)
{
	char *end;
	double v;

	if (!cfg_all_chars(s, "0123456789+-.eE"))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0')
		return -1;
	if (!isfinite(v))
		return -2;       /* overflow such as 1e999 */
	/* An underflow (1e-400) is a tiny number; the range check decides. */
	out->num = v;
	return 0;
}

static int
cfg_parse_bool(const char *s, struct cfg_parsed *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(s, yes[i]) == 0 || strcasecmp(s, no[i]) == 0) {
			int v = strcasecmp(s, yes[i]) == 0;
			out->num = v;
			snprintf(out->text, sizeof out->text, "%s", v ? "true" : "false");
			out->canonical = 1;
			return 0;
		}
	}
	return -1;
}

static int
cfg_enum_has(const char *choices, const char *s)
{
	size_t n = strlen(s);

	for (const char *p = choices; *p != '\0';) {
		size_t w = strcspn(p, "|");
		if (w == n && strncmp(p, s, n) == 0)
			return 1;
		p += w;
		if (*p == '|')
			p++;
	}
	return 0;
}

static int
cfg_in_range(const struct cfg_option *opt, double v)
{
	if (opt->min == CFG_ABOVE_ZERO)
		return v > 0 && v <= opt->max;
	return v >= opt->min && v <= opt->max;
}

/* Parse value for opt into out. On error writes a message into msg. */
static int
cfg_parse(const struct cfg_option *opt, const char *value, struct cfg_parsed *out,
	  char *msg, size_t n)
{
	char expected[256], quoted[CFG_QUOTE_MAX + 8];
	int rc = 0;

	memset(out, 0, sizeof *out);
	cfg_expected(opt, expected, sizeof expected);
	cfg_quote(value, quoted, sizeof quoted);
	if (*value == '\0' && !(opt->type == CFG_STRING && opt->min <= 0)) {
		snprintf(msg, n, "%s: empty value (expected %s)", opt->name, expected);
		return -1;
	}
	switch (opt->type) {
	case CFG_INT:
		rc = cfg_parse_int(value, out);
		if (rc == -1) {
			snprintf(msg, n, "%s: '%s' is not an integer (expected %s)",
				 opt->name, quoted, expected);
			return -1;
		}
		break;
	case CFG_FLOAT:
		rc = cfg_parse_float(value, out);
		if (rc == -1) {
			snprintf(msg, n, "%s: '%s' is not a number (expected %s)",
				 opt->name, quoted, expected);
			return -1;
		}
		break;
	case CFG_BOOL:
		if (cfg_parse_bool(value, out) < 0) {
			snprintf(msg, n, "%s: '%s' is not a boolean (expected %s)",
				 opt->name, quoted, expected);
			return -1;
		}
		return 0;
	case CFG_ENUM:
		if (!cfg_enum_has(opt->choices, value)) {
			snprintf(msg, n, "%s: '%s' is not a valid choice (expected %s)",
				 opt->name, quoted, expected);
			return -1;
		}
		return 0;
	case CFG_STRING: {
		size_t len = strlen(value);
		if ((double)len < opt->min || (double)len > opt->max) {
			snprintf(msg, n, "%s: a value of %zu bytes is not allowed (expected %s)",
				 opt->name, len, expected);
			return -1;
		}
		return 0;
	}
	}
	/* Numbers: rc -2 is an overflow, which is out of range too. */
	if (rc == -2 || !cfg_in_range(opt, out->num)) {
		snprintf(msg, n, "%s: %s is out of range (expected %s)",
			 opt->name, quoted, expected);
		return -1;
	}
	return 0;
}

static void
cfg_store(struct cfg_value *v, const char *value, const struct cfg_parsed *p)
{
	free(v->text);
	v->text = tt_xstrdup(p->canonical ? p->text : value);
	v->num = p->num;
}

/* ---- unknown keys: "did you mean" ---- */

/* Levenshtein distance, ASCII case-insensitive; b is short (an option name). */
static size_t
cfg_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[64];

	if (lb >= sizeof row / sizeof row[0])
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			int same = tolower((unsigned char)a[i - 1]) ==
				   tolower((unsigned char)b[j - 1]);
			size_t best = diag + (same ? 0 : 1);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/*
 * The closest option within edit distance 2, or NULL. The distance must
 * also be below the typed key's length, so "xy" does not suggest "lr".
 */
static const char *
cfg_suggest(const char *key)
{
	size_t len = strlen(key), best = 3;
	const char *name = NULL;

	for (size_t i = 0; i < cfg_count; i++) {
		size_t ol = strlen(cfg_options[i].name);
		size_t gap = len > ol ? len - ol : ol - len;
		if (gap > 2)
			continue;      /* also keeps cfg_distance cheap on long keys */
		size_t d = cfg_distance(key, cfg_options[i].name);
		if (d < best && d < len) {
			best = d;
			name = cfg_options[i].name;
		}
	}
	return name;
}

static void
cfg_unknown(const char *key, char *msg, size_t n)
{
	char quoted[CFG_QUOTE_MAX + 8];
	const char *s = cfg_suggest(key);

	cfg_quote(key, quoted, sizeof quoted);
	if (s != NULL)
		snprintf(msg, n, "unknown option '%s' (did you mean '%s'?)", quoted, s);
	else
		snprintf(msg, n, "unknown option '%s'", quoted);
}

/* ---- the values ---- */

void
cfg_init(struct cfg *c)
{
	char msg[512];

	c->values = tt_xcalloc(cfg_count, sizeof c->values[0]);
	for (size_t i = 0; i < cfg_count; i++) {
		struct cfg_parsed p;
		if (cfg_parse(&cfg_options[i], cfg_options[i].def, &p, msg, sizeof msg) < 0)
			tt_fatal("cfg: bad default in the option table: %s", msg);
		cfg_store(&c->values[i], cfg_options[i].def, &p);
	}
}

void
cfg_fini(struct cfg *c)
{
	if (c->values == NULL)
		return;
	for (size_t i = 0; i < cfg_count; i++)
		free(c->values[i].text);
	free(c->values);
	c->values = NULL;
}

static void
cfg_copy(struct cfg *dst, const struct cfg *src)
{
	dst->values = tt_xcalloc(cfg_count, sizeof dst->values[0]);
	for (size_t i = 0; i < cfg_count; i++) {
		dst->values[i].text = tt_xstrdup(src->values[i].text);
		dst->values[i].num = src->values[i].num;
	}
}

int
cfg_set(struct cfg *c, const char *key, const char *value, struct tt_err *err)
{
	char msg[512];
	struct cfg_parsed p;
	long i = cfg_index(key);

	if (i < 0) {
		cfg_unknown(key, msg, sizeof msg);
		cfg_fail(err, NULL, 0, 0, "%s", msg);
		return -1;
	}
	if (cfg_parse(&cfg_options[i], value, &p, msg, sizeof msg) < 0) {
		cfg_fail(err, NULL, 0, 0, "%s", msg);
		return -1;
	}
	cfg_store(&c->values[i], value, &p);
	return 0;
}

int
cfg_set_pair(struct cfg *c, const char *pair, struct tt_err *err)
{
	const char *eq = strchr(pair, '=');
	char quoted[CFG_QUOTE_MAX + 8];
	char *key;
	int rc;

	cfg_quote(pair, quoted, sizeof quoted);
	if (eq == NULL) {
		cfg_fail(err, NULL, 0, 0, "'%s': expected key=value", quoted);
		return -1;
	}
	if (eq == pair) {
		cfg_fail(err, NULL, 0, 0, "'%s': missing option name (expected key=value)",
			 quoted);
		return -1;
	}
	key = tt_xstrndup(pair, (size_t)(eq - pair));
	rc = cfg_set(c, key, eq + 1, err);
	free(key);
	return rc;
}

/* Unknown keys and type mismatches here are bugs in the caller: fatal. */
static const struct cfg_value *
cfg_get(const struct cfg *c, const char *key, const struct cfg_option **opt)
{
	long i = cfg_index(key);

	if (i < 0)
		tt_fatal("cfg: no option named '%s'", key);
	*opt = &cfg_options[i];
	return &c->values[i];
}

const char *
cfg_get_str(const struct cfg *c, const char *key)
{
	const struct cfg_option *opt;

	return cfg_get(c, key, &opt)->text;
}

double
cfg_get_num(const struct cfg *c, const char *key)
{
	const struct cfg_option *opt;
	const struct cfg_value *v = cfg_get(c, key, &opt);

	if (opt->type == CFG_STRING || opt->type == CFG_ENUM)
		tt_fatal("cfg: option '%s' is not a number", key);
	return v->num;
}

long
cfg_get_int(const struct cfg *c, const char *key)
{
	const struct cfg_option *opt;
	const struct cfg_value *v = cfg_get(c, key, &opt);

	if (opt->type != CFG_INT)
		tt_fatal("cfg: option '%s' is not an integer", key);
	return (long)v->num;
}

bool
cfg_get_bool(const struct cfg *c, const char *key)
{
	const struct cfg_option *opt;
	const struct cfg_value *v = cfg_get(c, key, &opt);

	if (opt->type != CFG_BOOL)
		tt_fatal("cfg: option '%s' is not a boolean", key);
	return v->num != 0;
}

/* ---- describe ---- */

static const char *
cfg_type_name(enum cfg_type t)
{
	switch (t) {
	case CFG_INT: return "int";
	case CFG_FLOAT: return "float";
	case CFG_BOOL: return "bool";
	case CFG_STRING: return "string";
	case CFG_ENUM: return "enum";
	}
	return "?";
}

/* "name = value  (type, range/choices, default X) help", no newline. */
void
cfg_describe(const struct cfg *c, const struct cfg_option *opt, struct tt_buf *out)
{
	const struct cfg_value *v = &c->values[opt - cfg_options];

	if (opt->type == CFG_STRING) {
		tt_buf_printf(out, "%s = \"", opt->name);
		tt_esc_adds(out, v->text);	/* from a session or config: data */
		tt_buf_adds(out, "\"  (string, ");
	} else
		tt_buf_printf(out, "%s = %s  (%s, ", opt->name, v->text, cfg_type_name(opt->type));
	switch (opt->type) {
	case CFG_INT:
		tt_buf_printf(out, "%.0f..%.0f, default %s", opt->min, opt->max, opt->def);
		break;
	case CFG_FLOAT:
		if (opt->min == CFG_ABOVE_ZERO)
			tt_buf_printf(out, ">0..%.15g, default %s", opt->max, opt->def);
		else
			tt_buf_printf(out, "%.15g..%.15g, default %s", opt->min, opt->max, opt->def);
		break;
	case CFG_ENUM:
		tt_buf_printf(out, "%s, default %s", opt->choices, opt->def);
		break;
	case CFG_BOOL:
		tt_buf_printf(out, "default %s", opt->def);
		break;
	case CFG_STRING:
		tt_buf_printf(out, "default \"%s\"", opt->def);
		break;
	}
	tt_buf_printf(out, ") %s", opt->help);
}

/* ---- YAML ---- */

/* One load: the parser, the copy being filled, and where each key was set. */
struct cfg_yaml {
	yaml_parser_t parser;
	const char *name;
	const char *data;
	size_t len;
	struct cfg tmp;
	uint32_t *seen;        /* per option: line where it was set, 0 = not yet */
	struct tt_err *err;
};

static void
cfg_yaml_fail(struct cfg_yaml *ld, yaml_mark_t mark, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
cfg_yaml_fail(struct cfg_yaml *ld, yaml_mark_t mark, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cfg_fail(ld->err, ld->name, (uint32_t)mark.line + 1, (uint32_t)mark.column + 1,
		 "%s", msg);
}

/*
 * Reader errors (bad UTF-8, control characters) carry a byte offset but no
 * mark, so find the line and character column of that offset ourselves.
 */
static yaml_mark_t
cfg_yaml_offset_mark(const struct cfg_yaml *ld, size_t off)
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
			m.column++;    /* count characters, not continuation bytes */
		}
	}
	m.index = off;
	return m;
}

static void
cfg_yaml_syntax_error(struct cfg_yaml *ld)
{
	yaml_parser_t *p = &ld->parser;
	const char *problem = p->problem != NULL ? p->problem : "unknown error";
	yaml_mark_t mark = p->problem_mark;

	if (p->error == YAML_MEMORY_ERROR)
		tt_fatal("cfg: out of memory while parsing YAML");
	if (p->error == YAML_READER_ERROR) {
		mark = cfg_yaml_offset_mark(ld, p->problem_offset);
		cfg_yaml_fail(ld, mark, "YAML syntax error: %s", problem);
	} else if (p->context != NULL) {
		cfg_yaml_fail(ld, mark, "YAML syntax error: %s (%s at line %zu, column %zu)",
			      problem, p->context, p->context_mark.line + 1,
			      p->context_mark.column + 1);
	} else {
		cfg_yaml_fail(ld, mark, "YAML syntax error: %s", problem);
	}
}

static int
cfg_yaml_next(struct cfg_yaml *ld, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&ld->parser, ev)) {
		cfg_yaml_syntax_error(ld);
		return -1;
	}
	return 0;
}

static const char *
cfg_yaml_kind(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT: return "a scalar";
	case YAML_SEQUENCE_START_EVENT: return "a sequence";
	case YAML_MAPPING_START_EVENT: return "a mapping";
	case YAML_ALIAS_EVENT: return "an alias";
	default: return "something else";
	}
}

/* Anchors and aliases are refused wherever they appear. */
static int
cfg_yaml_check_anchor(struct cfg_yaml *ld, const yaml_event_t *ev)
{
	const yaml_char_t *anchor = NULL;

	if (ev->type == YAML_ALIAS_EVENT) {
		cfg_yaml_fail(ld, ev->start_mark,
			      "YAML aliases (*name) are not supported in config files");
		return -1;
	}
	if (ev->type == YAML_SCALAR_EVENT)
		anchor = ev->data.scalar.anchor;
	else if (ev->type == YAML_SEQUENCE_START_EVENT)
		anchor = ev->data.sequence_start.anchor;
	else if (ev->type == YAML_MAPPING_START_EVENT)
		anchor = ev->data.mapping_start.anchor;
	if (anchor != NULL) {
		cfg_yaml_fail(ld, ev->start_mark,
			      "YAML anchors (&name) are not supported in config files");
		return -1;
	}
	return 0;
}

/* A plain empty, "~" or "null" scalar: YAML's null, i.e. no value. */
static int
cfg_yaml_is_null(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return *s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/* A double-quoted "\0" escape can put a NUL inside a scalar. */
static int
cfg_yaml_has_nul(const yaml_event_t *ev)
{
	return strlen((const char *)ev->data.scalar.value) != ev->data.scalar.length;
}

static int
cfg_yaml_value(struct cfg_yaml *ld, long idx)
{
	const struct cfg_option *opt = &cfg_options[idx];
	struct cfg_parsed p;
	char msg[512];
	yaml_event_t ev;
	int rc = -1;

	if (cfg_yaml_next(ld, &ev) < 0)
		return -1;
	if (cfg_yaml_check_anchor(ld, &ev) < 0)
		goto out;
	if (ev.type != YAML_SCALAR_EVENT) {
		cfg_yaml_fail(ld, ev.start_mark, "expected a single value for '%s', found %s",
			      opt->name, cfg_yaml_kind(&ev));
		goto out;
	}
	if (cfg_yaml_is_null(&ev)) {
		cfg_yaml_fail(ld, ev.start_mark, "%s: no value given", opt->name);
		goto out;
	}
	if (cfg_yaml_has_nul(&ev)) {
		cfg_yaml_fail(ld, ev.start_mark, "%s: value contains a NUL byte", opt->name);
		goto out;
	}
	if (cfg_parse(opt, (const char *)ev.data.scalar.value, &p, msg, sizeof msg) < 0) {
		cfg_yaml_fail(ld, ev.start_mark, "%s", msg);
		goto out;
	}
	cfg_store(&ld->tmp.values[idx], (const char *)ev.data.scalar.value, &p);
	ld->seen[idx] = (uint32_t)ev.start_mark.line + 1;
	rc = 0;
out:
	yaml_event_delete(&ev);
	return rc;
}

/* Checks the key event, then reads and applies its value. */
static int
cfg_yaml_pair(struct cfg_yaml *ld, const yaml_event_t *key)
{
	const char *name = (const char *)key->data.scalar.value;
	char msg[512];
	long idx;

	if (cfg_yaml_has_nul(key)) {
		cfg_yaml_fail(ld, key->start_mark, "option name contains a NUL byte");
		return -1;
	}
	idx = cfg_index(name);
	if (idx < 0) {
		cfg_unknown(name, msg, sizeof msg);
		cfg_yaml_fail(ld, key->start_mark, "%s", msg);
		return -1;
	}
	if (ld->seen[idx] != 0) {
		cfg_yaml_fail(ld, key->start_mark, "duplicate option '%s' (already set at line %u)",
			      name, ld->seen[idx]);
		return -1;
	}
	/* Mark it now so a duplicate is caught even if this value is bad. */
	ld->seen[idx] = (uint32_t)key->start_mark.line + 1;
	return cfg_yaml_value(ld, idx);
}

/* After MAPPING_START: key/value pairs until MAPPING_END. */
static int
cfg_yaml_mapping(struct cfg_yaml *ld)
{
	for (;;) {
		yaml_event_t ev;
		int rc = -1;

		if (cfg_yaml_next(ld, &ev) < 0)
			return -1;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (cfg_yaml_check_anchor(ld, &ev) < 0)
			;
		else if (ev.type != YAML_SCALAR_EVENT)
			cfg_yaml_fail(ld, ev.start_mark, "expected an option name, found %s",
				      cfg_yaml_kind(&ev));
		else
			rc = cfg_yaml_pair(ld, &ev);
		yaml_event_delete(&ev);
		if (rc < 0)
			return -1;
	}
}

/* After DOCUMENT_START: the top-level node, then DOCUMENT_END. */
static int
cfg_yaml_document(struct cfg_yaml *ld)
{
	yaml_event_t ev;
	int rc = -1;

	if (cfg_yaml_next(ld, &ev) < 0)
		return -1;
	if (cfg_yaml_check_anchor(ld, &ev) < 0)
		;
	else if (ev.type == YAML_MAPPING_START_EVENT)
		rc = cfg_yaml_mapping(ld);
	else if (ev.type == YAML_SCALAR_EVENT && cfg_yaml_is_null(&ev))
		rc = 0;        /* an empty document changes nothing */
	else
		cfg_yaml_fail(ld, ev.start_mark,
			      "expected a mapping of option names to values at the top level, "
			      "found %s", cfg_yaml_kind(&ev));
	yaml_event_delete(&ev);
	if (rc < 0)
		return -1;
	if (cfg_yaml_next(ld, &ev) < 0)
		return -1;
	/* libyaml guarantees DOCUMENT_END after a complete node. */
	yaml_event_delete(&ev);
	return 0;
}

/* The whole stream: at most one document. */
static int
cfg_yaml_stream(struct cfg_yaml *ld)
{
	yaml_event_t ev;
	int docs = 0;

	if (cfg_yaml_next(ld, &ev) < 0)
		return -1;
	yaml_event_delete(&ev);        /* STREAM_START */
	for (;;) {
		if (cfg_yaml_next(ld, &ev) < 0)
			return -1;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (docs > 0) {
			cfg_yaml_fail(ld, ev.start_mark,
				      "expected a single YAML document, found a second one");
			yaml_event_delete(&ev);
			return -1;
		}
		yaml_event_delete(&ev);        /* DOCUMENT_START */
		if (cfg_yaml_document(ld) < 0)
			return -1;
		docs++;
	}
}

int
cfg_load_yaml_buffer(struct cfg *c, const char *name, const char *data, size_t len,
		     struct tt_err *err)
{
	struct cfg_yaml ld;
	int rc;

	memset(&ld, 0, sizeof ld);
	if (!yaml_parser_initialize(&ld.parser))
		tt_fatal("cfg: out of memory creating a YAML parser");
	yaml_parser_set_input_string(&ld.parser, (const unsigned char *)data, len);
	ld.name = name;
	ld.data = data;
	ld.len = len;
	ld.err = err;
	ld.seen = tt_xcalloc(cfg_count, sizeof ld.seen[0]);
	cfg_copy(&ld.tmp, c);

	rc = cfg_yaml_stream(&ld);
	if (rc == 0) {
		struct cfg old = *c;
		*c = ld.tmp;
		ld.tmp = old;
	}
	cfg_fini(&ld.tmp);
	free(ld.seen);
	yaml_parser_delete(&ld.parser);
	return rc;
}

int
cfg_load_yaml(struct cfg *c, const char *path, struct tt_err *err)
{
	char *data;
	size_t len;
	int rc;

	if (tt_read_file(path, &data, &len, err) < 0)
		return -1;
	rc = cfg_load_yaml_buffer(c, path, data, len, err);
	free(data);
	return rc;
}
