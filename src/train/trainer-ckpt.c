/*
 * trainer-ckpt.c - checkpoints and exported models of a run.
 *
 * A checkpoint is a bundle (bundle.h: model, tokenizer, labels) with the
 * optimizer state (optim.h's views; none for SGD) and the run's position:
 * step, epoch, position in the epoch's order, best metric, and every
 * option value. The random state needs no saving: each step's
 * generator is seeded from (seed, step) and each epoch's order from
 * (seed, epoch), so (step, epoch, pos) is enough to continue exactly.
 * Files are written atomically (temp file, fsync, rename).
 */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "tunetop/bundle.h"
#include "trainer-impl.h"
#include "tunetop/version.h"

/* A hash of what the run learns from: texts, labels, splits. */
static uint64_t trainer_data_hash(const struct trainer_input *in)
{
	XXH3_state_t *st = XXH3_createState();
	uint64_t h;

	XXH3_64bits_reset(st);
	XXH3_64bits_update(st, in->texts, in->text_off[in->n]);
	XXH3_64bits_update(st, in->text_off, (in->n + 1) * sizeof *in->text_off);
	XXH3_64bits_update(st, in->label_ids, in->label_off[in->n] * sizeof *in->label_ids);
	XXH3_64bits_update(st, in->split, in->n);
	h = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	return h;
}

static char *trainer_options_json(const struct trainer *t)
{
	size_t n, i;
	const struct cfg_option *opts = cfg_table(&n);
	json_t *o = json_object();
	char *s;

	for (i = 0; i < n; i++)
		json_object_set_new(o, opts[i].name, json_string(cfg_get_str(&t->cfg, opts[i].name)));
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

int trainer_save(struct trainer *t, const char *path, int with_optimizer, struct tt_err *err)
{
	char step[32], epoch[32], pos[32], best[32], best_step[32], hash[32];
	char *options = trainer_options_json(t);
	struct bundle_meta meta[] = {
		{ "tunetop.kind", with_optimizer ? "checkpoint" : "model" },
		{ "tunetop.version", TUNETOP_VERSION },
		{ "tunetop.step", step },
		{ "tunetop.epoch", epoch },
		{ "tunetop.pos", pos },
		{ "tunetop.best", best },
		{ "tunetop.best_step", best_step },
		{ "tunetop.data_hash", hash },
		{ "tunetop.options", options },
	};
	int rc;

	snprintf(step, sizeof step, "%" PRIu64, t->step);
	snprintf(epoch, sizeof epoch, "%" PRIu32, t->epoch);
	snprintf(pos, sizeof pos, "%zu", t->pos);
	snprintf(best, sizeof best, "%.17g", t->best);
	snprintf(best_step, sizeof best_step, "%" PRIu64, t->best_step);
	snprintf(hash, sizeof hash, "%016" PRIx64, trainer_data_hash(t->in));
	rc = bundle_save(path, t->model, t->tok, with_optimizer ? t->opt : NULL,
			 t->in->label_names, t->in->nlabels, t->in->multilabel, meta,
			 sizeof meta / sizeof meta[0], err);
	free(options);
	return rc;
}

static int trainer_meta_u64(const struct bundle *b, const char *key, uint64_t *out)
{
	const char *s = bundle_meta(b, key);
	char *end;

	if (s == NULL)
		return -1;
	*out = strtoull(s, &end, 10);
	return *end == '\0' && end != s ? 0 : -1;
}

/* The checkpoint's options, except those about this machine. */
static int trainer_apply_options(struct trainer *t, const struct bundle *b, struct tt_err *err)
{
	const char *s = bundle_meta(b, "tunetop.options");
	json_t *o = s != NULL ? json_loads(s, 0, NULL) : NULL;
	const char *key;
	json_t *v;

	if (o == NULL || !json_is_object(o)) {
		json_decref(o);
		tt_err_set(err, t->resume_from, 0, 0, "checkpoint has no options");
		return -1;
	}
	json_object_foreach(o, key, v) {
		if (!json_is_string(v) || cfg_find(key) == NULL || strcmp(key, "threads") == 0 ||
		    strcmp(key, "theme") == 0 || strcmp(key, "refresh_hz") == 0)
			continue;
		cfg_set(&t->cfg, key, json_string_value(v), NULL);
	}
	json_decref(o);
	return 0;
}

static int trainer_labels_match(const struct trainer *t, const struct bundle *b)
{
	if (b->nlabels != t->in->nlabels)
		return 0;
	for (uint32_t l = 0; l < b->nlabels; l++) {
		if (strcmp(b->labels[l], t->in->label_names[l]) != 0)
			return 0;
	}
	return 1;
}

int trainer_restore(struct trainer *t, const char *path, struct tt_err *err)
{
	struct bundle b;
	uint64_t step, epoch, pos;
	const char *best;

	if (bundle_load(&b, path, err) != 0)
		return -1;
	/* Edits may have changed the order labels first appear in: the model's order rules. */
	trainer_input_align(t->in, b.labels, b.nlabels);
	if (!trainer_labels_match(t, &b) ||
	    trainer_meta_u64(&b, "tunetop.step", &step) != 0 ||
	    trainer_meta_u64(&b, "tunetop.epoch", &epoch) != 0 ||
	    trainer_meta_u64(&b, "tunetop.pos", &pos) != 0 ||
	    trainer_apply_options(t, &b, err) != 0) {
		if (err->msg[0] == '\0' || trainer_labels_match(t, &b) == 0)
			tt_err_set(err, path, 0, 0, "%s", !trainer_labels_match(t, &b) ?
				   "the checkpoint's labels differ from the data's" :
				   "not a checkpoint (no step, epoch or position)");
		bundle_fini(&b);
		return -1;
	}
	/* Take the checkpoint's tokenizer and weights in place of the fresh ones. */
	optim_destroy(t->opt);
	t->opt = NULL;
	model_ws_destroy(t->model, t->ws);
	model_destroy(t->model);
	tokenizer_destroy(t->tok);
	t->tok = b.tok;
	b.tok = NULL;
	t->model = b.model;
	b.model = NULL;
	t->ws = model_ws_create(t->model);
	trainer_read_hp(t);
	/* then the modes (the adapters came with the weights) and the optimizer,
	 * with the state the checkpoint saved */
	if (trainer_modes_apply(t, err) != 0 || trainer_make_optim(t, err) != 0 ||
	    (t->opt != NULL && b.has_optimizer && bundle_load_optim(path, t->opt, err) != 0)) {
		bundle_fini(&b);
		return -1;
	}
	t->step = step;
	t->epoch = (uint32_t)epoch;
	t->pos = (size_t)pos;
	best = bundle_meta(&b, "tunetop.best");
	t->best = best != NULL ? strtod(best, NULL) : NAN;
	trainer_meta_u64(&b, "tunetop.best_step", &t->best_step);
	bundle_fini(&b);
	trainer_data_reencode(t);
	return 0;
}
