/*
 * trainer-copy.c - a copy of the run's transformer and tokenizer for text
 * generation while the run goes on (trainer.h, trainer_copy_gpt).
 *
 * Design: the trainer thread alone touches the model, so the copy is made
 * by the trainer thread itself, as the handler of a message
 * (TRAINER_COPY_GPT): messages are handled between optimizer steps, so the
 * weights copied are those of one step, never half of an update. The copy
 * (gpt_copy_frozen: no gradient arena, LoRA adapters folded in) and a
 * copy of the tokenizer wait in t->copy until the caller takes them under
 * the lock; from then on the caller owns them and generates at leisure
 * (on any thread, for as long as it likes) while training continues, and
 * the trainer may even be destroyed meanwhile. The cost is one copy of the
 * weights (4 MB for gpt-tiny, 500 MB at GPT-2 124M) per generation, and a
 * wait of at most one optimizer step.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tunetop/bpe.h"
#include "tunetop/gpt-generate.h"
#include "tunetop/model-gpt.h"
#include "trainer-impl.h"

int trainer_msg_copy(struct trainer *t, char *reply, size_t n)
{
	struct gpt *g = t->model != NULL ? model_gpt_get(t->model) : NULL;
	const struct bpe *b = t->tok != NULL ? tokenizer_bpe(t->tok) : NULL;
	struct gpt *cg;
	struct bpe *cb;
	struct tt_buf blob;
	struct tt_err err;

	if (t->model == NULL) {
		snprintf(reply, n, "the run has no model yet");
		return -1;
	}
	if (g == NULL) {
		snprintf(reply, n, "the run trains model %s, which cannot generate text",
			 t->model->ops->name);
		return -1;
	}
	if (g->cfg.nlabels != 0) {
		snprintf(reply, n, "the run trains a classifier (objective classify), which cannot "
			 "generate text");
		return -1;
	}
	if (b == NULL) {
		snprintf(reply, n, "the run's model has no BPE tokenizer");
		return -1;
	}
	tt_err_clear(&err);
	if ((cg = gpt_copy_frozen(g, &err)) == NULL) {
		snprintf(reply, n, "copying the run's model: %s", err.msg);
		return -1;
	}
	tt_buf_init(&blob);
	bpe_serialize(b, &blob);
	cb = bpe_deserialize(blob.data, blob.len, &err);
	tt_buf_fini(&blob);
	if (cb == NULL) {
		gpt_destroy(cg);
		snprintf(reply, n, "copying the run's tokenizer: %s", err.msg);
		return -1;
	}
	pthread_mutex_lock(&t->lock);
	gpt_destroy(t->copy.g);         /* one nobody took (cannot happen from one caller) */
	bpe_destroy(t->copy.b);
	t->copy.g = cg;
	t->copy.b = cb;
	t->copy.step = t->step;
	pthread_mutex_unlock(&t->lock);
	snprintf(reply, n, "model copied at step %llu", (unsigned long long)t->step);
	return 0;
}

int trainer_copy_gpt(struct trainer *t, struct gpt **g, struct bpe **b, uint64_t *step,
		     char *why, size_t n)
{
	struct trainer_snapshot s;
	uint64_t id;
	bool starting;

	*g = NULL;
	*b = NULL;
	trainer_snapshot_get(t, &s);
	starting = s.state == TRAINER_IDLE || s.phase[0] != '\0';
	trainer_snapshot_fini(&s);
	if (starting) {         /* the start's preparation may take seconds: do not wait */
		snprintf(why, n, "the run is starting (try again when it runs)");
		return -1;
	}
	id = trainer_send(t, TRAINER_COPY_GPT, NULL, NULL, 0, NULL);
	if (trainer_wait_handled(t, id, why, n) != 0)
		return -1;
	pthread_mutex_lock(&t->lock);
	*g = t->copy.g;
	*b = t->copy.b;
	*step = t->copy.step;
	t->copy.g = NULL;
	t->copy.b = NULL;
	pthread_mutex_unlock(&t->lock);
	return *g != NULL ? 0 : -1;
}

void trainer_copy_fini(struct trainer *t)
{
	gpt_destroy(t->copy.g);
	bpe_destroy(t->copy.b);
	t->copy.g = NULL;
	t->copy.b = NULL;
}
