/*
 * trainer-gpt.c - what a run of model gpt needs beyond the n-gram path:
 * its tokenizer (a byte-level BPE learned from the train texts, or the one
 * of an init file), its model (fresh, or from an init file), the language
 * model's data (chunks) and its evaluation (loss and perplexity).
 *
 * Objectives (option objective):
 *   classify  as the n-gram model: a labeled record is one example, its
 *             BPE ids cut to context tokens (option truncate);
 *   lm        each split's texts (labeled or not) joined with
 *             <|endoftext|> and cut into chunks of context + 1 tokens,
 *             consecutive chunks sharing one token, so every token but the
 *             first of the split is a target once; a chunk is one example
 *             (tokens = chunk[0..n-1), targets = chunk[1..n)), and the
 *             train split's chunks are what epochs shuffle. The rows of
 *             struct trainer_data are then chunk numbers, not records.
 *
 * Threads: a gpt step runs on the trainer thread alone (trainer-step.c
 * takes the general path, one worker); OpenBLAS runs the matrix products
 * on `threads` threads of its own, set here, so the two never add up to
 * more threads than the option asks for.
 */
#include <cblas.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tunetop/bpe.h"
#include "tunetop/bundle.h"
#include "tunetop/model-gpt.h"
#include "tunetop/safetensors.h"
#include "trainer-impl.h"

int trainer_is_gpt(const struct trainer *t)
{
	return strcmp(cfg_get_str(&t->cfg, "model"), "gpt") == 0;
}

int trainer_is_lm(const struct trainer *t)
{
	if (t->model != NULL)
		return t->model->cfg.lm;
	return trainer_is_gpt(t) && strcmp(cfg_get_str(&t->cfg, "objective"), "lm") == 0;
}

/* The run's wishes for a gpt model; shapes from the options. */
static void trainer_gpt_config(const struct trainer *t, struct model_config *mc)
{
	memset(mc, 0, sizeof *mc);
	mc->type = "gpt";
	mc->lm = strcmp(cfg_get_str(&t->cfg, "objective"), "lm") == 0;
	mc->ninputs = t->tok != NULL ? tokenizer_vocab_size(t->tok) : 0;
	mc->nlabels = mc->lm ? mc->ninputs : t->in->nlabels;
	mc->dim = (uint32_t)cfg_get_int(&t->cfg, "dim");
	mc->n_layer = (uint32_t)cfg_get_int(&t->cfg, "layers");
	mc->n_head = (uint32_t)cfg_get_int(&t->cfg, "heads");
	mc->n_ctx = (uint32_t)cfg_get_int(&t->cfg, "context");
	mc->pool_mean = strcmp(cfg_get_str(&t->cfg, "pooling"), "mean") == 0;
	mc->truncate_last = strcmp(cfg_get_str(&t->cfg, "truncate"), "last") == 0;
	mc->loss = t->in->multilabel ? MODEL_LOSS_OVA : MODEL_LOSS_SOFTMAX;
	mc->seed = (uint64_t)cfg_get_int(&t->cfg, "seed");
}

/* ---- tokenizer --------------------------------------------------------- */

/* A byte-level BPE of vocab_size learned from the train split's texts. */
static int trainer_learn_bpe(struct trainer *t, struct tt_err *err)
{
	const struct trainer_input *in = t->in;
	struct bpe_trainer *bt = bpe_trainer_create();
	uint32_t vs = (uint32_t)cfg_get_int(&t->cfg, "vocab_size");
	struct bpe *b;
	size_t bad, i;

	trainer_phase(t, "preparing: learning a BPE of %u tokens", vs);
	for (i = 0; i < in->n; i++) {
		if (in->split[i] != DS_SPLIT_TRAIN)
			continue;
		if (bpe_trainer_add(bt, in->texts + in->text_off[i],
				    in->text_off[i + 1] - in->text_off[i], &bad) != 0) {
			tt_err_set(err, NULL, 0, 0, "record %zu: byte %zu is not UTF-8 (the BPE "
				   "tokenizer needs UTF-8 text)", (size_t)in->src[i] + 1, bad);
			bpe_trainer_destroy(bt);
			return -1;
		}
	}
	b = bpe_trainer_finish(bt, vs, err);
	bpe_trainer_destroy(bt);
	if (b == NULL)
		return -1;
	t->tok = tokenizer_bpe_create(b);
	return 0;
}

/* opt if set, else the first of names[] that exists beside path; NULL if none. */
static char *trainer_beside(const char *path, const char *opt, const char *const *names)
{
	char *copy, *dir, *p;
	struct stat st;

	if (opt[0] != '\0')
		return tt_xstrdup(opt);
	copy = tt_xstrdup(path);
	dir = dirname(copy);
	for (size_t i = 0; names[i] != NULL; i++) {
		p = tt_xprintf("%s/%s", dir, names[i]);
		if (stat(p, &st) == 0) {
			free(copy);
			return p;
		}
		free(p);
	}
	free(copy);
	return NULL;
}

/* A Hugging Face GPT-2 file: the weights, and the BPE files beside it or given. */
static int trainer_init_hf(struct trainer *t, const char *path, struct tt_err *err)
{
	static const char *const vocabs[] = { "vocab.json", "encoder.json", NULL };
	static const char *const merges[] = { "merges.txt", "vocab.bpe", NULL };
	char *vp = trainer_beside(path, cfg_get_str(&t->cfg, "bpe_vocab"), vocabs);
	char *mp = trainer_beside(path, cfg_get_str(&t->cfg, "bpe_merges"), merges);
	struct model_config mc;
	struct bpe *b = NULL;
	int rc = -1;

	if (vp == NULL || mp == NULL) {
		tt_err_set(err, path, 0, 0, "no %s beside the init file (give --vocab and "
			   "--merges, or set bpe_vocab and bpe_merges)",
			   vp == NULL ? "vocab.json or encoder.json" : "merges.txt or vocab.bpe");
		goto out;
	}
	b = bpe_load(vp, mp, err);
	if (b == NULL)
		goto out;
	t->tok = tokenizer_bpe_create(b);
	trainer_gpt_config(t, &mc);
	mc.n_head = 0;          /* from the file's metadata, else dim / 64 */
	t->model = model_gpt_from_file(path, &mc, err);
	if (t->model != NULL && t->model->cfg.ninputs != tokenizer_vocab_size(t->tok)) {
		tt_err_set(err, path, 0, 0, "the model has %u tokens but the tokenizer %s has %u",
			   t->model->cfg.ninputs, vp, tokenizer_vocab_size(t->tok));
		model_destroy(t->model);
		t->model = NULL;
	}
	rc = t->model != NULL ? 0 : -1;
out:
	free(vp);
	free(mp);
	return rc;
}

/* A tunetop gpt bundle: its tokenizer and transformer, retargeted to this run. */
static int trainer_init_bundle(struct trainer *t, const char *path, struct tt_err *err)
{
	struct bundle b;
	struct model_config mc;
	struct gpt *g;

	if (bundle_load(&b, path, err) != 0)
		return -1;
	g = model_gpt_get(b.model);
	if (g == NULL) {
		tt_err_set(err, path, 0, 0, "the model is %s, not gpt", b.model->ops->name);
		bundle_fini(&b);
		return -1;
	}
	t->tok = b.tok;
	b.tok = NULL;
	/* a classifier's head rows follow its labels (a restarted run's init) */
	if (!b.model->cfg.lm && strcmp(cfg_get_str(&t->cfg, "objective"), "classify") == 0)
		trainer_input_align(t->in, b.labels, b.nlabels);
	trainer_gpt_config(t, &mc);
	t->model = model_gpt_from_gpt(g, &mc, err);
	bundle_fini(&b);
	return t->model != NULL ? 0 : -1;
}

/*
 * A fresh run's tokenizer from bpe_vocab + bpe_merges (--vocab, --merges):
 * 0 loaded, 1 neither given (learn one), -1 + err (one alone, a bad file).
 */
static int trainer_given_bpe(struct trainer *t, struct tt_err *err)
{
	const char *vp = cfg_get_str(&t->cfg, "bpe_vocab"), *mp = cfg_get_str(&t->cfg, "bpe_merges");
	struct bpe *b;

	if (vp[0] == '\0' && mp[0] == '\0')
		return 1;
	if (vp[0] == '\0' || mp[0] == '\0') {
		tt_err_set(err, NULL, 0, 0, "a BPE tokenizer needs both bpe_vocab and bpe_merges "
			   "(--vocab and --merges); only %s is set", vp[0] ? "bpe_vocab" : "bpe_merges");
		return -1;
	}
	trainer_phase(t, "preparing: loading the BPE %s", vp);
	if ((b = bpe_load(vp, mp, err)) == NULL)
		return -1;
	t->tok = tokenizer_bpe_create(b);
	return 0;
}

/*
 * The tokenizer of a new gpt run (and, with init, its model): the init
 * file's, the one bpe_vocab and bpe_merges name, or a BPE learned from the
 * train texts. Then every record's ids.
 */
int trainer_gpt_tokenizer(struct trainer *t, struct tt_err *err)
{
	const char *init = cfg_get_str(&t->cfg, "init");
	struct st_file f;
	int rc, ours;

	if (init[0] == '\0') {
		rc = trainer_given_bpe(t, err);
		if (rc > 0)
			rc = trainer_learn_bpe(t, err);
	} else {
		trainer_phase(t, "preparing: loading %s", init);
		rc = st_open(&f, init, err);
		if (rc == 0) {
			ours = st_meta(&f, "tunetop.model") != NULL;
			st_close(&f);
			rc = ours ? trainer_init_bundle(t, init, err) : trainer_init_hf(t, init, err);
		}
	}
	if (rc != 0 && init[0] != '\0') {
		/* the start reply shows the message alone: put the place in it */
		char msg[sizeof err->msg];

		tt_err_format(err, msg, sizeof msg);
		if (strstr(msg, init) != NULL)
			tt_err_set(err, NULL, 0, 0, "init: %s", msg);
		else
			tt_err_set(err, NULL, 0, 0, "init %s: %s", init, msg);
	}
	if (rc != 0)
		return -1;
	trainer_phase(t, "preparing: BPE ids of %zu records", t->in->n);
	trainer_encode(t, NULL);
	return 0;
}

/* OpenBLAS's threads: the `threads` option (a live change applies at the next step). */
void trainer_gpt_threads(const struct trainer *t)
{
	if (trainer_is_gpt(t))
		openblas_set_num_threads((int)t->hp.threads);
}

/* A fresh gpt model from the options (unless init made one), BLAS threads set. */
int trainer_gpt_model(struct trainer *t, struct tt_err *err)
{
	struct model_config mc;

	trainer_gpt_threads(t);
	if (cfg_get_num(&t->cfg, "label_smoothing") > 0 ||
	    strcmp(cfg_get_str(&t->cfg, "class_weights"), "none") != 0)
		trainer_notice(t, 0, "model gpt ignores label_smoothing and class_weights "
			       "(plain cross-entropy)");
	if (t->model != NULL)
		return 0;
	trainer_gpt_config(t, &mc);
	t->model = model_create(&mc, err);
	return t->model != NULL ? 0 : -1;
}

/* ---- language model data ----------------------------------------------- */

/* Append chunk ids[0..n) to the chunk store as row of split s. */
static void trainer_lm_add(struct trainer_data *d, const uint32_t *ids, size_t n, int s,
			   size_t *cap)
{
	if (d->lm_nchunks + 2 > *cap) {
		*cap = *cap * 2 + 64;
		d->lm_off = tt_xrealloc(d->lm_off, *cap * sizeof *d->lm_off);
	}
	d->lm_ids = tt_xrealloc(d->lm_ids, (d->lm_off[d->lm_nchunks] + n + 1) * sizeof *d->lm_ids);
	memcpy(d->lm_ids + d->lm_off[d->lm_nchunks], ids, n * sizeof *ids);
	d->rows[s][d->nrows[s]++] = (uint32_t)d->lm_nchunks;
	d->lm_off[d->lm_nchunks + 1] = d->lm_off[d->lm_nchunks] + n;
	d->lm_nchunks++;
}

/* One split's stream: texts joined with <|endoftext|>, cut into chunks. */
static void trainer_lm_split(struct trainer *t, int s, size_t *cap)
{
	const struct trainer_input *in = t->in;
	struct trainer_data *d = &t->data;
	const struct bpe *b = tokenizer_bpe(t->tok);
	uint32_t eot = b != NULL ? bpe_eot(b) : BPE_NONE;
	size_t T = (size_t)cfg_get_int(&t->cfg, "context"), n = 0, i, len = 0, k;
	uint32_t *stream;

	if (t->model != NULL && t->model->cfg.n_ctx < T)
		T = t->model->cfg.n_ctx;        /* an init model's positions */
	for (i = 0; i < in->n; i++)
		if (in->split[i] == s)
			len += d->off[i + 1] - d->off[i] + 1;
	stream = tt_xmalloc((len + 1) * sizeof *stream);
	for (i = 0; i < in->n; i++) {
		if (in->split[i] != s)
			continue;
		memcpy(stream + n, d->ids + d->off[i], (d->off[i + 1] - d->off[i]) * sizeof *stream);
		n += d->off[i + 1] - d->off[i];
		if (eot != BPE_NONE)
			stream[n++] = eot;
	}
	d->rows[s] = tt_xrealloc(d->rows[s], (n / T + 2) * sizeof *d->rows[s]);
	d->nrows[s] = 0;
	for (k = 0; k + 1 < n; k += T)
		trainer_lm_add(d, stream + k, n - k < T + 1 ? n - k : T + 1, s, cap);
	if (s == DS_SPLIT_TRAIN)
		d->train_tokens = n;
	free(stream);
}

void trainer_lm_chunks(struct trainer *t)
{
	struct trainer_data *d = &t->data;
	size_t cap = 64;

	d->lm_off = tt_xcalloc(cap, sizeof *d->lm_off);
	d->lm_nchunks = 0;
	for (int s = DS_SPLIT_TRAIN; s <= DS_SPLIT_TEST; s++)
		trainer_lm_split(t, s, &cap);
	d->nrows[DS_SPLIT_NONE] = 0;
	d->perm = tt_xrealloc(d->perm, (d->nrows[DS_SPLIT_TRAIN] + 1) * sizeof *d->perm);
}

void trainer_lm_example(const struct trainer *t, uint32_t row, struct model_example *ex)
{
	const struct trainer_data *d = &t->data;
	uint32_t n = (uint32_t)(d->lm_off[row + 1] - d->lm_off[row]);

	ex->tokens = d->lm_ids + d->lm_off[row];
	ex->ntokens = n - 1;
	ex->targets = ex->tokens + 1;
	ex->ntargets = n - 1;
}

/*
 * A language model on a split: the mean cross-entropy per target token
 * (loss, log_loss; perplexity = exp(loss)) and how often the most likely
 * next token is right (accuracy), in batches of batch_size chunks.
 */
void trainer_lm_evaluate(struct trainer *t, enum ds_split split, struct metrics_report *out)
{
	uint32_t B = trainer_micro_batch(t, t->hp.batch), V = t->model->cfg.ninputs;
	struct model_example *ex = tt_xmalloc(B * sizeof *ex);
	struct gpt *g = model_gpt_get(t->model);
	double sum = 0;
	uint64_t targets = 0, right = 0;
	size_t i, n = t->data.nrows[split];

	metrics_report_fini(out);
	for (i = 0; i < n; i += B) {
		uint32_t nb = n - i < B ? (uint32_t)(n - i) : B, T = 0, b;
		float loss;

		for (b = 0; b < nb; b++) {
			trainer_lm_example(t, t->data.rows[split][i + b], &ex[b]);
			if (ex[b].ntokens > T)
				T = ex[b].ntokens;
		}
		loss = model_forward(t->model, t->ws, ex, nb, &t->hp.model, NULL);
		if (g == NULL || !isfinite(loss))
			continue;
		for (b = 0; b < nb; b++) {
			for (uint32_t j = 0; j < ex[b].ntokens; j++) {
				const float *row = g->a.logits + ((size_t)b * T + j) * V;
				uint32_t best = 0;

				for (uint32_t v = 1; v < V; v++)
					if (row[v] > row[best])
						best = v;
				right += best == ex[b].targets[j];
			}
		}
		sum += (double)loss * g->count;
		targets += g->count;
	}
	free(ex);
	out->n = targets;
	out->loss = out->log_loss = targets > 0 ? sum / (double)targets : NAN;
	out->accuracy = targets > 0 ? (double)right / (double)targets : NAN;
	out->macro_f1 = out->micro_f1 = NAN;
}

/* ---- classification evaluation ------------------------------------------ */

/*
 * A gpt classifier on a split: the records in batches of batch_size (one
 * forward each, as in training, instead of one forward a record), each
 * record's class probabilities from the score head's logits.
 */
void trainer_gpt_eval_classify(struct trainer *t, enum ds_split split, struct metrics_eval *acc)
{
	uint32_t B = trainer_micro_batch(t, t->hp.batch), K = t->model->cfg.nlabels;
	struct model_example *ex = tt_xmalloc(B * sizeof *ex);
	float *probs = tt_xmalloc(K * sizeof *probs);
	struct gpt *g = model_gpt_get(t->model);
	size_t i, n = t->data.nrows[split];

	for (i = 0; i < n && g != NULL; i += B) {
		uint32_t nb = n - i < B ? (uint32_t)(n - i) : B;

		for (uint32_t b = 0; b < nb; b++)
			trainer_example(t, t->data.rows[split][i + b], &ex[b]);
		model_forward(t->model, t->ws, ex, nb, &t->hp.model, NULL);
		for (uint32_t b = 0; b < nb; b++) {
			if (ex[b].ntargets == 0 || ex[b].targets[0] >= K)
				continue;
			model_gpt_softmax(g->a.cls_logits + (size_t)b * K, K, probs);
			metrics_eval_add(acc, ex[b].targets[0], probs);
		}
	}
	free(probs);
	free(ex);
}
