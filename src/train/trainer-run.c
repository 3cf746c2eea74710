/*
 * trainer-run.c - what the trainer thread does between messages: prepare
 * the data and the model, run rounds of optimizer steps, evaluate, log.
 *
 * Steps. A step is one optimizer update on batch_size examples: for SGD
 * (fastText's recipe) the examples of a step are applied one by one, for
 * AdamW as one minibatch. Step s of an epoch covers positions
 * [s*B, s*B + B) of that epoch's shuffled order, and its random numbers
 * (dropout) come from a generator seeded with (seed, s) - so a run is a
 * pure function of its seed, and a checkpoint needs only (epoch, position,
 * step) to continue exactly as the uninterrupted run would have (with one
 * thread; Hogwild threads race by design).
 *
 * Rounds. The trainer runs steps in rounds that end at the next logged
 * point, evaluation, epoch end or `step N` target - or earlier when a
 * message raises `interrupt`, which workers check before each step. With
 * threads > 1 (SGD only) workers claim the round's steps from an atomic
 * counter and update the shared weights without locks (Hogwild).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trainer-impl.h"

/* A gradient norm above this is an explosion, whatever clip is set to. */
static const double TRAINER_GRAD_EXPLODED = 1e4;

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
	hp->adamw = strcmp(cfg_get_str(&t->cfg, "optimizer"), "adamw") == 0;
	hp->eval_every = (uint64_t)cfg_get_int(&t->cfg, "eval_every");
	hp->log_every = (uint64_t)cfg_get_int(&t->cfg, "log_every");
	hp->patience = (uint32_t)cfg_get_int(&t->cfg, "patience");
	model_hparams_default(&hp->model);
	hp->model.weight_decay = (float)cfg_get_num(&t->cfg, "weight_decay");
	hp->model.dropout = (float)cfg_get_num(&t->cfg, "dropout");
	hp->model.label_smoothing = (float)cfg_get_num(&t->cfg, "label_smoothing");
	hp->model.clip = (float)cfg_get_num(&t->cfg, "clip");
	hp->model.class_weights = t->class_weights;
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

	if (t->epoch >= t->hp.epochs)
		return t->step;
	return t->step + left_in_epoch + later;
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
	for (s = 0; s < DS_NSPLITS; s++)
		free(d->rows[s]);
	memset(d, 0, sizeof *d);
}

/*
 * Feature ids of every record, and the labeled rows of each split. nm: the
 * texts already normalized with the vocabulary's settings, or NULL.
 */
static void trainer_encode(struct trainer *t, const struct trainer_norm *nm)
{
	const struct trainer_input *in = t->in;
	struct trainer_data *d = &t->data;
	struct trainer_norm own;
	size_t i, cap = 1 << 16, used = 0;
	int s;

	if (nm == NULL) {
		trainer_norm_build(&own, in, &t->vocab.cfg);
		nm = &own;
	}
	trainer_data_free(d);
	d->off = tt_xmalloc((in->n + 1) * sizeof *d->off);
	d->ids = tt_xmalloc(cap * sizeof *d->ids);
	for (s = 0; s < DS_NSPLITS; s++)
		d->rows[s] = tt_xmalloc((in->n + 1) * sizeof *d->rows[s]);
	for (i = 0; i < in->n; i++) {
		size_t k = tok_encode_words(&t->vocab, nm->text[i], nm->len[i], nm->nwords[i],
					    d->ids + used, cap - used, NULL);

		if (k > cap - used) {
			while (cap - used < k)
				cap *= 2;
			d->ids = tt_xrealloc(d->ids, cap * sizeof *d->ids);
			tok_encode_words(&t->vocab, nm->text[i], nm->len[i], nm->nwords[i],
					 d->ids + used, cap - used, NULL);
		}
		d->off[i] = used;
		used += k;
		if (in->label_off[i + 1] > in->label_off[i]) {
			s = in->split[i] < DS_NSPLITS ? in->split[i] : DS_SPLIT_NONE;
			d->rows[s][d->nrows[s]++] = (uint32_t)i;
			if (s == DS_SPLIT_TRAIN)
				d->train_tokens += k;
		}
	}
	d->off[in->n] = used;
	d->perm = tt_xmalloc((d->nrows[DS_SPLIT_TRAIN] + 1) * sizeof *d->perm);
	if (nm == &own)
		trainer_norm_fini(&own);
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
	size_t i, ntrain = t->data.nrows[DS_SPLIT_TRAIN];
	double *count;

	free(t->class_weights);
	t->class_weights = NULL;
	if (strcmp(mode, "none") == 0 || ntrain == 0)
		return;
	count = tt_xcalloc(nl, sizeof *count);
	for (i = 0; i < ntrain; i++) {
		uint32_t r = t->data.rows[DS_SPLIT_TRAIN][i];

		for (uint32_t j = t->in->label_off[r]; j < t->in->label_off[r + 1]; j++)
			if (t->in->label_ids[j] < nl)
				count[t->in->label_ids[j]] += 1;
	}
	t->class_weights = tt_xmalloc(nl * sizeof *t->class_weights);
	for (l = 0; l < nl; l++) {
		/* Inverse frequency normalized so a balanced set gets weight 1. */
		double w = count[l] > 0 ? (double)ntrain / ((double)nl * count[l]) : 1.0;

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

	if (strcmp(type, "ngram") != 0) {
		tt_err_set(err, NULL, 0, 0, "model '%s' is not available yet (use model ngram)", type);
		return -1;
	}
	memset(&mc, 0, sizeof mc);
	mc.type = type;
	mc.ninputs = tok_vocab_nfeatures(&t->vocab);
	mc.nlabels = t->in->nlabels;
	mc.dim = (uint32_t)cfg_get_int(&t->cfg, "dim");
	mc.loss = t->in->multilabel || strcmp(cfg_get_str(&t->cfg, "loss"), "ova") == 0 ?
		  MODEL_LOSS_OVA : MODEL_LOSS_SOFTMAX;
	mc.seed = (uint64_t)cfg_get_int(&t->cfg, "seed");
	t->model = model_create(&mc, err);
	if (t->model == NULL)
		return -1;
	t->ws = model_ws_create(t->model);
	if (t->hp.adamw && model_adamw_init(t->model, err) != 0)
		return -1;
	return 0;
}

void trainer_release(struct trainer *t)
{
	if (t->ws != NULL)
		model_ws_destroy(t->model, t->ws);
	if (t->model != NULL)
		model_destroy(t->model);
	t->ws = NULL;
	t->model = NULL;
	if (t->have_vocab)
		tok_vocab_fini(&t->vocab);
	t->have_vocab = 0;
	trainer_data_free(&t->data);
	free(t->class_weights);
	t->class_weights = NULL;
}

/* Fresh run (or a resumed one): vocabulary, features, model, counters. */
int trainer_prepare(struct trainer *t, struct tt_err *err)
{
	struct trainer_norm nm;
	struct tok_config tc;
	size_t i;

	trainer_release(t);
	trainer_read_hp(t);
	if (t->in == NULL || t->in->nlabels == 0) {
		tt_err_set(err, NULL, 0, 0, "no labels in the data (label some records first)");
		return -1;
	}
	trainer_tok_config(t, &tc);
	if (tok_config_check(&tc, err) != 0)
		return -1;
	tok_vocab_init(&t->vocab, &tc);
	t->have_vocab = 1;
	trainer_phase(t, "preparing: normalizing %zu records", t->in->n);
	trainer_norm_build(&nm, t->in, &tc);
	trainer_phase(t, "preparing: vocabulary and features of %zu records", t->in->n);
	for (i = 0; i < t->in->n; i++) {
		if (t->in->split[i] == DS_SPLIT_TRAIN)
			tok_vocab_add_words(&t->vocab, nm.text[i], nm.len[i]);
	}
	tok_vocab_finish(&t->vocab);
	trainer_encode(t, &nm);
	trainer_norm_fini(&nm);
	if (t->data.nrows[DS_SPLIT_TRAIN] == 0) {
		tt_err_set(err, NULL, 0, 0, "the train split has no labeled records (try 'split 80/10/10')");
		return -1;
	}
	trainer_phase(t, "preparing: the model (%u buckets + words, dim %lld)",
		      (unsigned)cfg_get_int(&t->cfg, "buckets"), (long long)cfg_get_int(&t->cfg, "dim"));
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
	if (t->resume_from != NULL && trainer_restore(t, t->resume_from, err) != 0)
		return -1;
	trainer_read_hp(t);
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
	trainer_encode(t, NULL);
	if (t->pos > t->data.nrows[DS_SPLIT_TRAIN])
		t->pos = t->data.nrows[DS_SPLIT_TRAIN];
	trainer_shuffle(t);
	trainer_class_weights(t);
	trainer_read_hp(t);
	return 0;
}

/* ---- steps ---- */

struct trainer_round {
	struct trainer *t;
	uint64_t step0;
	size_t pos0;
	uint64_t nsteps;
	atomic_ullong next;
};

struct trainer_worker {
	struct trainer_round *r;
	struct model_ws *ws;
	struct model_example *batch;
	double loss_sum;
	uint64_t steps;
	uint64_t tokens;
	int bad;
	uint64_t bad_step;
	double bad_value;
	pthread_t thread;
};

static void trainer_example(const struct trainer *t, uint32_t row, struct model_example *ex)
{
	const struct trainer_data *d = &t->data;
	const struct trainer_input *in = t->in;

	ex->ids = d->ids + d->off[row];
	ex->nids = (uint32_t)(d->off[row + 1] - d->off[row]);
	ex->labels = in->label_ids + in->label_off[row];
	ex->nlabels_ex = in->label_off[row + 1] - in->label_off[row];
}

/* One step: returns its mean loss; sets *gn to its largest gradient norm. */
static double trainer_step(struct trainer *t, struct trainer_worker *w, uint64_t step,
			   size_t first, size_t last, double *gn)
{
	struct model_hparams hp = t->hp.model;
	struct model_rng rng;
	struct model_stat st;
	double sum = 0;
	size_t i;

	hp.lr = (float)(t->hp.base_lr * sched_factor(t->hp.schedule, step, trainer_total_steps(t),
						       t->hp.warmup));
	model_rng_seed(&rng, t->hp.seed ^ (step * 0x9E3779B97F4A7C15ull));
	*gn = 0;
	for (i = first; i < last; i++) {
		trainer_example(t, t->data.perm[i], &w->batch[i - first]);
		w->tokens += w->batch[i - first].nids;
	}
	if (t->hp.adamw) {
		st = model_adamw_step(t->model, w->ws, w->batch, last - first, &hp, &rng);
		*gn = st.grad_norm;
		return st.loss;
	}
	for (i = first; i < last; i++) {
		st = model_sgd_step(t->model, w->ws, &w->batch[i - first], &hp, &rng);
		sum += st.loss;
		if (!(st.grad_norm <= *gn))
			*gn = st.grad_norm;
		if (!isfinite(st.loss))
			return st.loss;
	}
	return sum / (double)(last - first);
}

static void *trainer_worker_main(void *arg)
{
	struct trainer_worker *w = arg;
	struct trainer_round *r = w->r;
	struct trainer *t = r->t;
	size_t ntrain = t->data.nrows[DS_SPLIT_TRAIN];

	while (!atomic_load(&t->interrupt)) {
		uint64_t k = atomic_fetch_add(&r->next, 1);
		size_t first = r->pos0 + (size_t)k * t->hp.batch, last;
		double loss, gn;

		if (k >= r->nsteps)
			break;
		last = first + t->hp.batch < ntrain ? first + t->hp.batch : ntrain;
		loss = trainer_step(t, w, r->step0 + k, first, last, &gn);
		w->loss_sum += loss;
		w->steps++;
		if (!isfinite(loss) || !isfinite(gn) || gn > TRAINER_GRAD_EXPLODED) {
			w->bad = 1;
			w->bad_step = r->step0 + k + 1;
			w->bad_value = isfinite(loss) ? gn : loss;
			atomic_store(&t->interrupt, 1);
			break;
		}
	}
	return NULL;
}

/* Steps until the next stop: point, eval, epoch end, step target. */
static uint64_t trainer_round_steps(const struct trainer *t)
{
	size_t ntrain = t->data.nrows[DS_SPLIT_TRAIN];
	uint64_t n = (ntrain - t->pos + t->hp.batch - 1) / t->hp.batch;

	if (t->next_point > t->step && t->next_point - t->step < n)
		n = t->next_point - t->step;
	if (t->next_eval > t->step && t->next_eval - t->step < n)
		n = t->next_eval - t->step;
	if (t->pause_at != UINT64_MAX && t->pause_at - t->step < n)
		n = t->pause_at - t->step;
	return n;
}

static int trainer_run_workers(struct trainer *t, struct trainer_round *r,
			       struct trainer_worker *w, int nw)
{
	int i, bad = -1;

	for (i = 0; i < nw; i++) {
		w[i].r = r;
		w[i].ws = i == 0 ? t->ws : model_ws_create(t->model);
		w[i].batch = tt_xmalloc(t->hp.batch * sizeof *w[i].batch);
	}
	for (i = 1; i < nw; i++) {
		if (pthread_create(&w[i].thread, NULL, trainer_worker_main, &w[i]) != 0)
			w[i].thread = 0;
	}
	trainer_worker_main(&w[0]);
	for (i = 1; i < nw; i++) {
		if (w[i].thread != 0)
			pthread_join(w[i].thread, NULL);
		else
			trainer_worker_main(&w[i]);
		model_ws_destroy(t->model, w[i].ws);
	}
	for (i = 0; i < nw; i++) {
		free(w[i].batch);
		if (w[i].bad && (bad < 0 || w[i].bad_step < w[bad].bad_step))
			bad = i;
	}
	return bad;
}

static void trainer_diverged(struct trainer *t, const struct trainer_worker *w)
{
	t->diverged = 1;
	t->pause_at = UINT64_MAX;
	trainer_notice(t, 1, "diverged at step %llu: %s %g; paused (lower lr, then resume, "
		       "or load the last checkpoint)", (unsigned long long)w->bad_step,
		       isfinite(w->bad_value) ? "gradient norm" : "loss", w->bad_value);
	trainer_add_event(t, TRAINER_EV_DIVERGED, NULL, NULL, NULL, "diverged");
	t->state = TRAINER_PAUSED;
}

void trainer_run_round(struct trainer *t)
{
	struct trainer_round r;
	struct trainer_worker w[64];
	int nw = t->hp.adamw ? 1 : (int)t->hp.threads, bad, i;
	double t0 = tt_now(), dt;
	uint64_t done;

	if (t->epoch >= t->hp.epochs) {
		trainer_after_round(t);    /* a resumed run that had already finished */
		return;
	}
	if (nw > 64)
		nw = 64;
	memset(&r, 0, sizeof r);
	memset(w, 0, sizeof w);
	r.t = t;
	r.step0 = t->step;
	r.pos0 = t->pos;
	r.nsteps = trainer_round_steps(t);
	atomic_store(&r.next, 0);
	t->lr_now = t->hp.base_lr * sched_factor(t->hp.schedule, t->step, trainer_total_steps(t),
						 t->hp.warmup);
	bad = trainer_run_workers(t, &r, w, nw);
	dt = tt_now() - t0;
	done = atomic_load(&r.next);
	if (done > r.nsteps)
		done = r.nsteps;
	for (i = 0; i < nw; i++) {
		t->loss_sum += w[i].loss_sum;
		t->loss_steps += w[i].steps;
		t->tokens_since += w[i].tokens;
	}
	t->time_since += dt;
	t->run_seconds += dt;
	t->step += done;
	t->pos += (size_t)done * t->hp.batch;
	if (t->pos > t->data.nrows[DS_SPLIT_TRAIN])
		t->pos = t->data.nrows[DS_SPLIT_TRAIN];
	if (bad >= 0) {
		trainer_diverged(t, &w[bad]);
		trainer_publish(t, 1);
		return;
	}
	trainer_after_round(t);
}

/* ---- evaluation ---- */

void trainer_evaluate(struct trainer *t, enum ds_split split, struct metrics_report *out)
{
	struct metrics_eval acc;
	uint32_t nl = t->model->cfg.nlabels;
	float *probs = tt_xmalloc(nl * sizeof *probs);
	uint8_t *truth = tt_xmalloc(nl);
	size_t i;

	metrics_eval_init(&acc, nl);
	for (i = 0; i < t->data.nrows[split]; i++) {
		struct model_example ex;
		uint32_t j;

		trainer_example(t, t->data.rows[split][i], &ex);
		model_predict(t->model, t->ws, ex.ids, ex.nids, probs);
		if (t->model->cfg.loss == MODEL_LOSS_OVA) {
			memset(truth, 0, nl);
			for (j = 0; j < ex.nlabels_ex; j++)
				if (ex.labels[j] < nl)
					truth[ex.labels[j]] = 1;
			metrics_eval_add_multi(&acc, truth, probs, 0.5f);
		} else if (ex.labels[0] < nl) {
			metrics_eval_add(&acc, ex.labels[0], probs);
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
			char *path = tt_xprintf("%s/best.safetensors", t->out_dir);
			struct tt_err err;

			if (trainer_save(t, path, 0, &err) == 0)
				trainer_add_event(t, TRAINER_EV_BEST, NULL, NULL, NULL, "best %.4f", v);
			else
				trainer_notice(t, 1, "cannot save the best model: %s", err.msg);
			free(path);
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
		char *path = tt_xprintf("%s/model.safetensors", t->out_dir);
		struct tt_err err;

		if (trainer_save(t, path, 0, &err) != 0)
			trainer_notice(t, 1, "cannot save the model: %s", err.msg);
		free(path);
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
	int eval_now = epoch_end || t->step >= t->next_eval;
	struct trainer_point p;

	if (t->time_since > 0)
		t->tokens_per_sec = (double)t->tokens_since / t->time_since;
	if (t->step >= t->next_point || eval_now) {
		p.step = t->step;
		p.epoch = t->epoch + (double)t->pos / (double)t->data.nrows[DS_SPLIT_TRAIN];
		p.train_loss = t->loss_steps > 0 ? t->loss_sum / (double)t->loss_steps : NAN;
		p.valid_loss = p.valid_metric = NAN;
		p.lr = t->lr_now;
		p.tokens_per_sec = t->tokens_per_sec;
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

/* After the tokenizer changed (a restored checkpoint): features again. */
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
	float *probs = tt_xmalloc(nl * sizeof *probs);
	size_t i, n = t->in->n;

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
