/*
 * trainer-run.c - what the trainer thread does between messages: prepare
 * the data, the tokenizer and the model, evaluate, log, after each round.
 * The steps themselves are in trainer-step.c.
 *
 * Data. The tokenizer is the model's (tokenizer.h): a fresh run fits the
 * n-gram tokenizer's vocabulary on the train split (trainer_fit_tokenizer,
 * the one place that knows which tokenizer a new run builds, and which
 * encodes the texts it has normalized for the fit without normalizing them
 * again); a restored run takes the checkpoint's, and new labels keep the
 * run's. Otherwise records are encoded through the tokenizer interface
 * alone. Either way on two threads (trainer_encode), into one id array
 * with offsets; an example is a record's ids with its label ids as targets
 * (classification, model.h).
 */
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tunetop/model-gpt.h"
#include "tunetop/resample.h"
#include "trainer-impl.h"

void trainer_read_hp(struct trainer *t)
{
	struct trainer_hp *hp = &t->hp;
	enum sched_kind k = SCHED_LINEAR;

	hp->base_lr = cfg_get_num(&t->cfg, "lr");
	sched_parse(cfg_get_str(&t->cfg, "schedule"), &k);
	hp->schedule = k;
	hp->warmup = (uint64_t)cfg_get_int(&t->cfg, "warmup");
	hp->batch = (uint32_t)cfg_get_int(&t->cfg, "batch_size");
	hp->epochs = (uint32_t)cfg_get_int(&t->cfg, "epochs");
	hp->threads = (uint32_t)cfg_get_int(&t->cfg, "threads");
	hp->seed = (uint64_t)cfg_get_int(&t->cfg, "seed");
	hp->optim = OPTIM_SGD;
	optim_parse(cfg_get_str(&t->cfg, "optimizer"), &hp->optim);
	hp->eval_every = (uint64_t)cfg_get_int(&t->cfg, "eval_every");
	hp->log_every = (uint64_t)cfg_get_int(&t->cfg, "log_every");
	hp->patience = (uint32_t)cfg_get_int(&t->cfg, "patience");
	hp->max_steps = (uint64_t)cfg_get_int(&t->cfg, "max_steps");
	hp->context = (uint32_t)cfg_get_int(&t->cfg, "context");
	model_hparams_default(&hp->model);
	hp->model.weight_decay = (float)cfg_get_num(&t->cfg, "weight_decay");
	hp->model.dropout = (float)cfg_get_num(&t->cfg, "dropout");
	hp->model.label_smoothing = (float)cfg_get_num(&t->cfg, "label_smoothing");
	hp->model.clip = (float)cfg_get_num(&t->cfg, "clip");
	hp->model.class_weights = t->class_weights;
	trainer_distill_hp(t);
	if (t->model != NULL) {
		trainer_gpt_threads(t);
		trainer_gpt_flops(t);
	}
}

uint64_t trainer_steps_per_epoch(const struct trainer *t)
{
	size_t n = t->data.nrows[DS_SPLIT_TRAIN];

	return (n + t->hp.batch - 1) / t->hp.batch;
}

/* Steps done plus those left at the current batch size. */
uint64_t trainer_total_steps(const struct trainer *t)
{
	size_t n = t->data.nrows[DS_SPLIT_TRAIN];
	uint64_t left_in_epoch = n > t->pos ? (n - t->pos + t->hp.batch - 1) / t->hp.batch : 0;
	uint64_t later = t->hp.epochs > t->epoch + 1 ?
		(uint64_t)(t->hp.epochs - t->epoch - 1) * trainer_steps_per_epoch(t) : 0;
	uint64_t total = t->step + left_in_epoch + later;

	if (t->epoch >= t->hp.epochs)
		return t->step;
	return t->hp.max_steps > 0 && total > t->hp.max_steps ? t->hp.max_steps : total;
}

/* Steps between logged points: log_every, or about 50 points an epoch. */
static uint64_t trainer_log_every(const struct trainer *t)
{
	uint64_t spe = trainer_steps_per_epoch(t);

	return t->hp.log_every > 0 ? t->hp.log_every : (spe >= 50 ? spe / 50 : 1);
}

/* ---- data ---- */

static void trainer_tok_config(const struct trainer *t, struct tok_config *tc)
{
	long cn = cfg_get_int(&t->cfg, "char_ngrams");

	tok_config_default(tc);
	tc->normalize = strcmp(cfg_get_str(&t->cfg, "normalize"), "none") != 0;
	tc->casefold = cfg_get_bool(&t->cfg, "lowercase");
	tc->min_count = (int)cfg_get_int(&t->cfg, "min_count");
	tc->word_ngrams = (int)cfg_get_int(&t->cfg, "word_ngrams");
	tc->char_ngrams_min = cn > 0 ? (cn < 3 ? (int)cn : 3) : 0;
	tc->char_ngrams_max = (int)cn;
	tc->buckets = (uint32_t)cfg_get_int(&t->cfg, "buckets");
	tc->eos = cfg_get_bool(&t->cfg, "eos_token");
}

static void trainer_data_free(struct trainer_data *d)
{
	int s;

	free(d->ids);
	free(d->off);
	free(d->perm);
	free(d->lm_ids);
	free(d->lm_off);
	for (s = 0; s < DS_NSPLITS; s++)
		free(d->rows[s]);
	memset(d, 0, sizeof *d);
}

/* Token ids of records [from, to), appended to ids; off[i] relative to its start. */
struct trainer_enc_part {
	const struct tokenizer *tok;
	const struct trainer_input *in;
	const struct trainer_norm *nm;  /* the texts normalized for the fit, or NULL */
	size_t from, to;
	uint32_t *ids;
	size_t len, cap;
	uint64_t *off;          /* [n + 1], shared: each part writes its own records */
};

/* Record i's ids into ids [cap]; how many there are (snprintf-like). */
static size_t trainer_encode_one(const struct trainer_enc_part *p, size_t i, uint32_t *ids,
				 size_t cap)
{
	const struct trainer_input *in = p->in;

	if (p->nm != NULL)
		return tokenizer_ngram_encode_words(p->tok, p->nm->text[i], p->nm->len[i],
						    p->nm->nwords[i], ids, cap);
	return tokenizer_encode(p->tok, in->texts + in->text_off[i],
				in->text_off[i + 1] - in->text_off[i], ids, cap);
}

static void *trainer_encode_part(void *arg)
{
	struct trainer_enc_part *p = arg;

	for (size_t i = p->from; i < p->to; i++) {
		size_t k = trainer_encode_one(p, i, p->ids + p->len, p->cap - p->len);

		if (k > p->cap - p->len) {
			while (p->cap - p->len < k)
				p->cap *= 2;
			p->ids = tt_xrealloc(p->ids, p->cap * sizeof *p->ids);
			trainer_encode_one(p, i, p->ids + p->len, p->cap - p->len);
		}
		p->off[i] = p->len;
		p->len += k;
	}
	return NULL;
}

/*
 * Token ids of every record through the model's tokenizer, the two halves
 * of the text bytes on two threads, then the labeled rows of each split.
 * nm: the texts the n-gram tokenizer's fit normalized (they are not
 * normalized again), or NULL.
 */
void trainer_encode(struct trainer *t, const struct trainer_norm *nm)
{
	const struct trainer_input *in = t->in;
	struct trainer_data *d = &t->data;
	struct trainer_enc_part part[2];
	size_t mid = trainer_norm_middle(in), i;
	pthread_t th;
	int k, s, threaded;

	trainer_data_free(d);
	d->off = tt_xmalloc((in->n + 1) * sizeof *d->off);
	for (k = 0; k < 2; k++) {
		part[k].tok = t->tok;
		part[k].in = in;
		part[k].nm = nm;
		part[k].from = k == 0 ? 0 : mid;
		part[k].to = k == 0 ? mid : in->n;
		part[k].cap = 1 << 15;
		part[k].ids = tt_xmalloc(part[k].cap * sizeof *part[k].ids);
		part[k].len = 0;
		part[k].off = d->off;
	}
	threaded = pthread_create(&th, NULL, trainer_encode_part, &part[1]) == 0;
	trainer_encode_part(&part[0]);
	if (threaded)
		pthread_join(th, NULL);
	else
		trainer_encode_part(&part[1]);
	/* the second half follows the first */
	d->ids = tt_xrealloc(part[0].ids, (part[0].len + part[1].len + 1) * sizeof *d->ids);
	memcpy(d->ids + part[0].len, part[1].ids, part[1].len * sizeof *d->ids);
	free(part[1].ids);
	/*
	 * The halves grew their buffers in two malloc arenas and freed them:
	 * give the pages back before the model is allocated (about 50 MB of
	 * peak RSS on the SpamAssassin benchmark).
	 */
	malloc_trim(0);
	for (i = mid; i < in->n; i++)
		d->off[i] += part[0].len;
	d->off[in->n] = part[0].len + part[1].len;
	for (s = 0; s < DS_NSPLITS; s++)
		d->rows[s] = tt_xmalloc((in->n + 1) * sizeof *d->rows[s]);
	for (i = 0; i < in->n; i++) {
		if (in->label_off[i + 1] > in->label_off[i] || trainer_distill_row(t, i)) {
			s = in->split[i] < DS_NSPLITS ? in->split[i] : DS_SPLIT_NONE;
			d->rows[s][d->nrows[s]++] = (uint32_t)i;
			if (s == DS_SPLIT_TRAIN)
				d->train_tokens += d->off[i + 1] - d->off[i];
		}
	}
	resample_trainer_rows(t);	/* the resample option (resample.c) */
	d->perm = tt_xmalloc((d->nrows[DS_SPLIT_TRAIN] + 1) * sizeof *d->perm);
	if (trainer_is_lm(t))
		trainer_lm_chunks(t);
}

/* Record row as a classification example: its token ids, its label ids as targets. */
void trainer_example(const struct trainer *t, uint32_t row, struct model_example *ex)
{
	const struct trainer_data *d = &t->data;
	const struct trainer_input *in = t->in;

	ex->soft = NULL;
	if (d->lm_off != NULL) {
		trainer_lm_example(t, row, ex);
		return;
	}
	ex->tokens = d->ids + d->off[row];
	ex->ntokens = (uint32_t)(d->off[row + 1] - d->off[row]);
	ex->targets = in->label_ids + in->label_off[row];
	ex->ntargets = in->label_off[row + 1] - in->label_off[row];
	ex->soft = trainer_distill_soft(t, row);
	if (t->model != NULL && t->model->cfg.n_layer > 0 && ex->ntokens > t->hp.context) {
		/* a transformer sees at most context tokens: the first, or the last */
		if (t->model->cfg.truncate_last)
			ex->tokens += ex->ntokens - t->hp.context;
		ex->ntokens = t->hp.context;
	}
}

/* The epoch's order: a seeded shuffle of the train rows. */
static void trainer_shuffle(struct trainer *t)
{
	struct trainer_data *d = &t->data;
	struct model_rng rng;
	size_t i, n = d->nrows[DS_SPLIT_TRAIN];

	memcpy(d->perm, d->rows[DS_SPLIT_TRAIN], n * sizeof *d->perm);
	model_rng_seed(&rng, t->hp.seed * 1000003u + t->epoch + 1);
	for (i = n; i > 1; i--) {
		size_t j = (size_t)(model_rng_next(&rng) % i);
		uint32_t x = d->perm[i - 1];

		d->perm[i - 1] = d->perm[j];
		d->perm[j] = x;
	}
}

static void trainer_class_weights(struct trainer *t)
{
	const char *mode = cfg_get_str(&t->cfg, "class_weights");
	uint32_t nl = t->model->cfg.nlabels, l;
	size_t i, ntrain = t->data.nrows[DS_SPLIT_TRAIN], nlabeled = 0;
	double *count;

	free(t->class_weights);
	t->class_weights = NULL;
	if (strcmp(mode, "none") == 0 || ntrain == 0 || t->data.lm_off != NULL)
		return;
	count = tt_xcalloc(nl, sizeof *count);
	for (i = 0; i < ntrain; i++) {
		uint32_t r = t->data.rows[DS_SPLIT_TRAIN][i];

		/* unlabeled rows (distillation) have no class: not in the total */
		nlabeled += t->in->label_off[r + 1] > t->in->label_off[r];
		for (uint32_t j = t->in->label_off[r]; j < t->in->label_off[r + 1]; j++)
			if (t->in->label_ids[j] < nl)
				count[t->in->label_ids[j]] += 1;
	}
	t->class_weights = tt_xmalloc(nl * sizeof *t->class_weights);
	for (l = 0; l < nl; l++) {
		/* Inverse frequency normalized so a balanced set gets weight 1. */
		double w = count[l] > 0 ? (double)nlabeled / ((double)nl * count[l]) : 1.0;

		t->class_weights[l] = (float)(strcmp(mode, "sqrt_inverse") == 0 ? sqrt(w) : w);
	}
	free(count);
}

static void trainer_publish_labels(struct trainer *t)
{
	uint32_t l;

	pthread_mutex_lock(&t->lock);
	for (l = 0; l < t->snap.nlabels; l++)
		free(t->snap.label_names[l]);
	free(t->snap.label_names);
	t->snap.nlabels = t->in->nlabels;
	t->snap.label_names = tt_xcalloc(t->in->nlabels + 1, sizeof *t->snap.label_names);
	for (l = 0; l < t->in->nlabels; l++)
		t->snap.label_names[l] = tt_xstrdup(t->in->label_names[l]);
	snprintf(t->snap.metric_name, sizeof t->snap.metric_name, "%s",
		 cfg_get_str(&t->cfg, "metric"));
	pthread_mutex_unlock(&t->lock);
}

static int trainer_open_log(struct trainer *t, struct tt_err *err)
{
	char *path;

	if (t->out_dir == NULL)
		return 0;
	mkdir(t->out_dir, 0755);
	path = tt_xprintf("%s/metrics.jsonl", t->out_dir);
	if (t->log != NULL)
		fclose(t->log);
	t->log = fopen(path, t->resume_from != NULL ? "a" : "w");
	if (t->log == NULL)
		tt_err_set(err, path, 0, 0, "cannot write the run's log");
	free(path);
	return t->log == NULL ? -1 : 0;
}

static int trainer_new_model(struct trainer *t, struct tt_err *err)
{
	struct model_config mc;
	const char *type = cfg_get_str(&t->cfg, "model");

	if (trainer_is_gpt(t)) {
		if (trainer_gpt_model(t, err) != 0 || trainer_modes_apply(t, err) != 0)
			return -1;
		t->ws = model_ws_create(t->model);
		return trainer_make_optim(t, err);
	}
	if (trainer_modes_apply(t, err) != 0)   /* refuses the gpt-only options */
		return -1;
	memset(&mc, 0, sizeof mc);
	mc.type = type;
	mc.ninputs = tokenizer_vocab_size(t->tok);
	mc.nlabels = t->in->nlabels;
	mc.dim = (uint32_t)cfg_get_int(&t->cfg, "dim");
	mc.loss = t->in->multilabel || strcmp(cfg_get_str(&t->cfg, "loss"), "ova") == 0 ?
		  MODEL_LOSS_OVA : MODEL_LOSS_SOFTMAX;
	mc.seed = (uint64_t)cfg_get_int(&t->cfg, "seed");
	t->model = model_create(&mc, err);
	if (t->model == NULL)
		return -1;
	t->ws = model_ws_create(t->model);
	return trainer_make_optim(t, err);
}

void trainer_release(struct trainer *t)
{
	optim_destroy(t->opt);
	t->opt = NULL;
	if (t->ws != NULL)
		model_ws_destroy(t->model, t->ws);
	if (t->model != NULL)
		model_destroy(t->model);
	t->ws = NULL;
	t->model = NULL;
	tokenizer_destroy(t->tok);
	t->tok = NULL;
	trainer_data_free(&t->data);
	trainer_distill_free(t);
	free(t->class_weights);
	t->class_weights = NULL;
	free(t->step_ms);
	t->step_ms = NULL;
	t->nstep_ms = t->step_ms_cap = 0;
	t->steps_timed = 0;
	t->step_ms_median = NAN;
	trainer_prune_free(t);
	trainer_layers_free(t);
}

/*
 * A new run's tokenizer, the n-gram vocabulary of the train split's texts,
 * and every record's ids: the texts are normalized once, on two threads
 * (trainer-norm.c), for both.
 */
static int trainer_fit_tokenizer(struct trainer *t, struct tt_err *err)
{
	struct trainer_norm nm;
	struct tok_config tc;
	struct tok_vocab vocab;
	size_t i;

	trainer_tok_config(t, &tc);
	if (tok_config_check(&tc, err) != 0)
		return -1;
	tok_vocab_init(&vocab, &tc);
	trainer_phase(t, "preparing: normalizing %zu records", t->in->n);
	trainer_norm_build(&nm, t->in, &tc);
	trainer_phase(t, "preparing: vocabulary and features of %zu records", t->in->n);
	for (i = 0; i < t->in->n; i++) {
		if (t->in->split[i] == DS_SPLIT_TRAIN)
			tok_vocab_add_words(&vocab, nm.text[i], nm.len[i]);
	}
	tok_vocab_finish(&vocab);
	t->tok = tokenizer_ngram_create(&vocab);
	trainer_encode(t, &nm);
	trainer_norm_fini(&nm);
	malloc_trim(0);         /* the normalized texts, freed in two arenas */
	return 0;
}

/* Fresh run (or a resumed one): tokenizer, token ids, model, counters. */
int trainer_prepare(struct trainer *t, struct tt_err *err)
{
	trainer_release(t);
	trainer_read_hp(t);
	if (t->in == NULL || (t->in->nlabels == 0 && !trainer_is_lm(t))) {
		tt_err_set(err, NULL, 0, 0, "no labels in the data (label some records first)");
		return -1;
	}
	if (trainer_distill_prepare(t, err) != 0)
		return -1;
	if ((trainer_is_gpt(t) ? trainer_gpt_tokenizer(t, err) : trainer_fit_tokenizer(t, err)) != 0)
		return -1;
	if (t->data.nrows[DS_SPLIT_TRAIN] == 0) {
		tt_err_set(err, NULL, 0, 0, trainer_is_lm(t) ? "the train split has no text" :
			   "the train split has no labeled records (try 'split 80/10/10')");
		return -1;
	}
	if (trainer_is_gpt(t))
		trainer_phase(t, "preparing: the transformer (%lld layers, dim %lld)",
			      (long long)cfg_get_int(&t->cfg, "layers"),
			      (long long)cfg_get_int(&t->cfg, "dim"));
	else
		trainer_phase(t, "preparing: the model (%u buckets + words, dim %lld)",
			      (unsigned)cfg_get_int(&t->cfg, "buckets"),
			      (long long)cfg_get_int(&t->cfg, "dim"));
	if (trainer_new_model(t, err) != 0)
		return -1;
	trainer_class_weights(t);
	t->step = 0;
	t->epoch = 0;
	t->pos = 0;
	t->diverged = 0;
	t->best = NAN;
	t->best_step = 0;
	t->since_best = 0;
	t->loss_sum = 0;
	t->loss_steps = 0;
	t->run_seconds = 0;
	t->run_steps = 0;
	if (t->resume_from != NULL && trainer_restore(t, t->resume_from, err) != 0)
		return -1;
	if (trainer_prune_start(t, err) != 0)
		return -1;
	trainer_read_hp(t);
	trainer_modes_publish(t);
	trainer_shuffle(t);
	t->next_point = t->step + trainer_log_every(t);
	t->next_eval = t->hp.eval_every > 0 ? t->step + t->hp.eval_every : UINT64_MAX;
	trainer_publish_labels(t);
	return trainer_open_log(t, err);
}

/* New labels and splits: same texts, same vocabulary. */
int trainer_apply_input(struct trainer *t, struct trainer_input *in, struct tt_err *err)
{
	if (in == NULL) {
		tt_err_set(err, NULL, 0, 0, "nothing to reload");
		return -1;
	}
	/* The model's output classes keep their order whatever the edits did to the records'. */
	if (t->in != NULL)
		trainer_input_align(in, t->in->label_names, t->in->nlabels);
	trainer_input_free(t->in);
	t->in = in;
	if (t->model == NULL)
		return 0;
	trainer_distill_reload(t);
	trainer_encode(t, NULL);
	if (t->pos > t->data.nrows[DS_SPLIT_TRAIN])
		t->pos = t->data.nrows[DS_SPLIT_TRAIN];
	trainer_shuffle(t);
	trainer_class_weights(t);
	trainer_read_hp(t);
	return 0;
}

/* ---- evaluation ---- */

void trainer_evaluate(struct trainer *t, enum ds_split split, struct metrics_report *out)
{
	struct metrics_eval acc;
	uint32_t nl = t->model->cfg.nlabels;
	float *probs;
	uint8_t *truth;
	size_t i;

	if (t->data.lm_off != NULL) {
		trainer_lm_evaluate(t, split, out);
		return;
	}
	probs = tt_xmalloc(nl * sizeof *probs);
	truth = tt_xmalloc(nl);
	metrics_eval_init(&acc, nl);
	if (model_gpt_get(t->model) != NULL)
		trainer_gpt_eval_classify(t, split, &acc);     /* batched forwards */
	for (i = 0; i < t->data.nrows[split] && model_gpt_get(t->model) == NULL; i++) {
		struct model_example ex;
		uint32_t j;

		trainer_example(t, t->data.rows[split][i], &ex);
		model_predict(t->model, t->ws, ex.tokens, ex.ntokens, probs);
		if (t->model->cfg.loss == MODEL_LOSS_OVA) {
			memset(truth, 0, nl);
			for (j = 0; j < ex.ntargets; j++)
				if (ex.targets[j] < nl)
					truth[ex.targets[j]] = 1;
			metrics_eval_add_multi(&acc, truth, probs, 0.5f);
		} else if (ex.targets[0] < nl) {
			metrics_eval_add(&acc, ex.targets[0], probs);
		}
	}
	metrics_report_fini(out);
	metrics_eval_finish(&acc, out);
	metrics_eval_fini(&acc);
	free(probs);
	free(truth);
}

/* The configured metric, oriented so that larger is better. */
double trainer_metric_value(const struct trainer *t, const struct metrics_report *r)
{
	const char *m = cfg_get_str(&t->cfg, "metric");

	if (t->data.lm_off != NULL)
		return -r->loss;        /* a language model: lower perplexity is better */
	if (strcmp(m, "accuracy") == 0)
		return r->accuracy;
	if (strcmp(m, "micro_f1") == 0)
		return r->micro_f1;
	if (strcmp(m, "loss") == 0)
		return -r->loss;
	return r->macro_f1;
}

/* Validation at a point: publish, log, track the best, early stopping. */
static void trainer_eval_point(struct trainer *t, struct trainer_point *p)
{
	struct metrics_report r;
	double v;

	if (t->data.nrows[DS_SPLIT_VALID] == 0)
		return;
	metrics_report_init(&r);
	trainer_evaluate(t, DS_SPLIT_VALID, &r);
	v = trainer_metric_value(t, &r);
	p->valid_loss = r.loss;
	if (t->data.lm_off != NULL)
		p->valid_metric = exp(r.loss);  /* a language model's curve: perplexity */
	else
		p->valid_metric = strcmp(cfg_get_str(&t->cfg, "metric"), "loss") == 0 ? r.loss : v;
	pthread_mutex_lock(&t->lock);
	metrics_report_fini(&t->snap.eval);
	t->snap.eval = r;
	t->snap.has_eval = true;
	t->snap.eval_step = t->step;
	pthread_mutex_unlock(&t->lock);
	if (isnan(t->best) || v > t->best) {
		t->best = v;
		t->best_step = t->step;
		t->since_best = 0;
		if (t->out_dir != NULL) {
			struct tt_err err;

			tt_err_clear(&err);
			if (trainer_save_model(t, "best", &err) == 0)
				trainer_add_event(t, TRAINER_EV_BEST, NULL, NULL, NULL, "best %.4f", v);
			else
				trainer_notice(t, 1, "cannot save the best model: %s", err.msg);
		}
	} else {
		t->since_best++;
	}
}

static void trainer_finish(struct trainer *t, const char *why)
{
	trainer_add_event(t, TRAINER_EV_DONE, NULL, NULL, NULL, "%s", why);
	trainer_notice(t, 0, "%s at step %llu", why, (unsigned long long)t->step);
	if (t->out_dir != NULL) {
		struct tt_err err;

		tt_err_clear(&err);
		if (trainer_save_model(t, "model", &err) != 0)
			trainer_notice(t, 1, "cannot save the model: %s", err.msg);
	}
	/* The screen shows the final model's predictions, whatever was skipped. */
	if (atomic_load(&t->want_predictions) && t->preds.step != t->step)
		trainer_predict_all(t);
	t->state = TRAINER_DONE;
}

/*
 * Predictions for a reader (the workbench's data pane and labeling queue)
 * at an epoch end, at a bounded cost: the first epoch end always predicts,
 * later ones only once training has run PRED_SHARE times as long as the
 * last prediction took, so predicting every record costs at most about 2%
 * of the training time whatever the data size (a small set still gets new
 * predictions at every epoch end). A headless run has no reader and skips it.
 */
enum { TRAINER_PRED_SHARE = 50 };

static void trainer_epoch_predictions(struct trainer *t)
{
	double t0 = tt_now(), cost;

	if (!atomic_load(&t->want_predictions))
		return;
	if (t->preds.n != 0 && t0 < t->pred_next)
		return;
	trainer_predict_all(t);
	cost = tt_now() - t0;
	t->pred_next = t0 + cost * TRAINER_PRED_SHARE;
}

/* After a round: points, evaluation, epoch end, step targets. */
void trainer_after_round(struct trainer *t)
{
	uint64_t every = trainer_log_every(t);
	int epoch_end = t->pos >= t->data.nrows[DS_SPLIT_TRAIN];
	int last = t->hp.max_steps > 0 && t->step >= t->hp.max_steps;
	int eval_now = epoch_end || last || t->step >= t->next_eval;
	struct trainer_point p;

	if (t->time_since > 0)
		t->tokens_per_sec = (double)t->tokens_since / t->time_since;
	trainer_gpt_peak_check(t);
	if (t->step >= t->next_point || eval_now) {
		p.step = t->step;
		p.epoch = t->epoch + (double)t->pos / (double)t->data.nrows[DS_SPLIT_TRAIN];
		p.train_loss = t->loss_steps > 0 ? t->loss_sum / (double)t->loss_steps : NAN;
		p.valid_loss = p.valid_metric = NAN;
		p.lr = t->lr_now;
		p.tokens_per_sec = t->tokens_per_sec;
		trainer_layers_point(t);        /* before eval: the last step's gradients */
		if (eval_now)
			trainer_eval_point(t, &p);
		trainer_add_point(t, &p);
		pthread_mutex_lock(&t->lock);
		t->snap.train_loss = p.train_loss;
		pthread_mutex_unlock(&t->lock);
		t->loss_sum = 0;
		t->loss_steps = 0;
		t->tokens_since = 0;
		t->time_since = 0;
		t->next_point = t->step + every;
	}
	if (t->step >= t->next_eval)
		t->next_eval = t->hp.eval_every > 0 ? t->step + t->hp.eval_every : UINT64_MAX;
	if (epoch_end) {
		trainer_epoch_predictions(t);
		t->epoch++;
		t->pos = 0;
		trainer_shuffle(t);
	}
	if (t->hp.patience > 0 && t->since_best >= t->hp.patience)
		trainer_finish(t, "early stop: no improvement");
	else if (t->hp.max_steps > 0 && t->step >= t->hp.max_steps)
		trainer_finish(t, "max_steps reached");
	else if (t->epoch >= t->hp.epochs)
		trainer_finish(t, "finished");
	else if (t->pause_at != UINT64_MAX && t->step >= t->pause_at) {
		t->pause_at = UINT64_MAX;
		t->state = TRAINER_PAUSED;
		trainer_add_event(t, TRAINER_EV_PAUSE, NULL, NULL, NULL, "step target reached");
	}
	trainer_publish(t, 0);
}

/* The class_weights option changed: recompute the weights from the counts. */
void trainer_reweight(struct trainer *t)
{
	trainer_class_weights(t);
}

/* After the tokenizer changed (a restored checkpoint): token ids again. */
void trainer_data_reencode(struct trainer *t)
{
	trainer_encode(t, NULL);
	if (t->pos > t->data.nrows[DS_SPLIT_TRAIN])
		t->pos = t->data.nrows[DS_SPLIT_TRAIN];
	trainer_class_weights(t);
	trainer_read_hp(t);
}

/* One record's label, confidence, margin and entropy. */
static void trainer_summarize(const float *probs, uint32_t nl, uint32_t *label, float *conf,
			      float *margin, float *entropy)
{
	uint32_t best = 0, l;
	float second = 0;
	double h = 0;

	for (l = 1; l < nl; l++) {
		if (probs[l] > probs[best])
			best = l;
	}
	for (l = 0; l < nl; l++) {
		if (l != best && probs[l] > second)
			second = probs[l];
		if (probs[l] > 0)
			h -= (double)probs[l] * log((double)probs[l]);
	}
	*label = best;
	*conf = probs[best];
	*margin = probs[best] - second;
	*entropy = (float)h;
}

/* Predict every record and publish the result. */
void trainer_predict_all(struct trainer *t)
{
	struct trainer_predictions p;
	uint32_t nl = t->model->cfg.nlabels;
	float *probs;
	size_t i, n = t->in->n;

	if (t->data.lm_off != NULL)
		return;         /* a language model has no label to predict */
	probs = tt_xmalloc(nl * sizeof *probs);

	p.step = t->step > 0 ? t->step : 1;
	p.n = n;
	p.src = tt_xmalloc((n + 1) * sizeof *p.src);
	p.label = tt_xmalloc((n + 1) * sizeof *p.label);
	p.conf = tt_xmalloc((n + 1) * sizeof *p.conf);
	p.margin = tt_xmalloc((n + 1) * sizeof *p.margin);
	p.entropy = tt_xmalloc((n + 1) * sizeof *p.entropy);
	p.nprobs = atomic_load(&t->want_probs) ? nl : 0;
	p.probs = p.nprobs > 0 ? tt_xmalloc((n * nl + 1) * sizeof *p.probs) : NULL;
	for (i = 0; i < n; i++) {
		const uint32_t *ids = t->data.ids + t->data.off[i];
		float *row = p.probs != NULL ? p.probs + i * nl : probs;

		model_predict(t->model, t->ws, ids, (uint32_t)(t->data.off[i + 1] - t->data.off[i]), row);
		p.src[i] = t->in->src[i];
		trainer_summarize(row, nl, &p.label[i], &p.conf[i], &p.margin[i], &p.entropy[i]);
	}
	free(probs);
	pthread_mutex_lock(&t->lock);
	trainer_predictions_fini(&t->preds);
	t->preds = p;
	t->snap.pred_seq++;	/* readers pull them when this moves */
	pthread_mutex_unlock(&t->lock);
}
