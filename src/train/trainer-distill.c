/*
 * trainer-distill.c - a run with distill_teacher set (distill.h): the
 * teacher pass when the run starts, on the trainer thread with its
 * progress in the published phase; then the soft targets of the examples,
 * the unlabeled train records among the train rows (distill_unlabeled),
 * and the loss's alpha and temperature (model.h).
 *
 * Only the n-gram model with the softmax loss is a student. alpha 0 is the
 * hard labels alone, bit for bit: no soft targets are read and no
 * unlabeled record joins the train rows.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tunetop/distill.h"
#include "trainer-impl.h"

void trainer_distill_free(struct trainer *t)
{
	if (t->soft == NULL)
		return;
	distill_soft_fini(t->soft);
	free(t->soft);
	t->soft = NULL;
}

static int trainer_distill_on(const struct trainer *t)
{
	return cfg_get_str(&t->cfg, "distill_teacher")[0] != '\0';
}

static int trainer_distill_alpha_on(const struct trainer *t)
{
	return t->soft != NULL && cfg_get_num(&t->cfg, "distill_alpha") > 0;
}

void trainer_distill_hp(struct trainer *t)
{
	t->hp.model.distill_alpha = trainer_distill_alpha_on(t) ?
		(float)cfg_get_num(&t->cfg, "distill_alpha") : 0.0f;
	t->hp.model.distill_temperature = (float)cfg_get_num(&t->cfg, "distill_temperature");
}

int trainer_distill_row(const struct trainer *t, size_t i)
{
	return trainer_distill_alpha_on(t) && cfg_get_bool(&t->cfg, "distill_unlabeled") &&
	       i < t->soft->n && t->soft->has[i] && t->in->split[i] == DS_SPLIT_TRAIN;
}

const float *trainer_distill_soft(const struct trainer *t, uint32_t row)
{
	if (t->soft == NULL || row >= t->soft->n || !t->soft->has[row] ||
	    t->in->split[row] != DS_SPLIT_TRAIN)
		return NULL;
	return t->soft->probs + (size_t)row * t->soft->nlabels;
}

/*
 * The phase every percent; any message sent to the trainer meanwhile (stop,
 * quitting the workbench) ends the pass, which can take minutes with a
 * transformer as teacher. What it computed stays in the cache.
 */
static int trainer_distill_progress(void *ctx, size_t done, size_t total)
{
	struct trainer *t = ctx;
	size_t every = total / 100 > 0 ? total / 100 : 1;

	if (done % every == 0 || done == total)
		trainer_phase(t, "distill: the teacher labels the train records, %zu of %zu", done,
			      total);
	return atomic_load(&t->interrupt);
}

/* What a student must be; -1 + err. */
static int trainer_distill_check(const struct trainer *t, struct tt_err *err)
{
	const char *teacher = cfg_get_str(&t->cfg, "distill_teacher");

	if (strcmp(cfg_get_str(&t->cfg, "model"), "ngram") != 0) {
		tt_err_set(err, teacher, 0, 0, "distill: the student is the n-gram model (set model "
			   "ngram), not %s", cfg_get_str(&t->cfg, "model"));
		return -1;
	}
	if (strcmp(cfg_get_str(&t->cfg, "loss"), "softmax") != 0 || t->in->multilabel) {
		tt_err_set(err, teacher, 0, 0, "distill needs single-label data and the softmax "
			   "loss (not ova, not multi-label)");
		return -1;
	}
	if (strcmp(cfg_get_str(&t->cfg, "resample"), "none") != 0) {
		tt_err_set(err, teacher, 0, 0, "distill: resample must be none (unlabeled records "
			   "have no class to balance)");
		return -1;
	}
	return 0;
}

int trainer_distill_prepare(struct trainer *t, struct tt_err *err)
{
	const char *teacher = cfg_get_str(&t->cfg, "distill_teacher");
	struct distill_soft *ds;

	trainer_distill_free(t);
	if (!trainer_distill_on(t))
		return 0;
	if (trainer_distill_check(t, err) != 0)
		return -1;
	trainer_phase(t, "distill: loading the teacher %s", teacher);
	/*
	 * Raised by the start message itself (every send raises it); messages
	 * that come after it stop the pass, and the main loop handles them.
	 */
	atomic_store(&t->interrupt, 0);
	ds = tt_xcalloc(1, sizeof *ds);
	if (distill_soft_compute(ds, teacher, t->in, trainer_distill_progress, t, err) != 0) {
		free(ds);
		return -1;
	}
	t->soft = ds;
	return 0;
}

/*
 * New records, splits or labels: the rows again (the cache has most). A
 * teacher that no longer fits (a new label) ends distillation for the rest
 * of the run, with a notice; the run goes on with the hard labels.
 */
void trainer_distill_reload(struct trainer *t)
{
	struct tt_err err;

	if (t->soft == NULL)
		return;
	tt_err_clear(&err);
	if (trainer_distill_prepare(t, &err) != 0) {
		trainer_notice(t, 1, "distill off for this run: %s", err.msg);
		trainer_add_event(t, TRAINER_EV_SET, "distill_teacher",
				  cfg_get_str(&t->cfg, "distill_teacher"), "", "distill off");
	}
	trainer_read_hp(t);
}

/*
 * The event: a marker on the curves (set distill_teacher) and a line of
 * metrics.jsonl that a restored run reads as that set event, with the
 * teacher's whole path and the pass's figures besides.
 */
static void trainer_distill_event(struct trainer *t, const struct distill_soft *ds)
{
	const char *teacher = cfg_get_str(&t->cfg, "distill_teacher");
	struct trainer_event ev;
	struct timespec ts;
	json_t *o;

	memset(&ev, 0, sizeof ev);
	ev.step = t->step;
	ev.kind = TRAINER_EV_SET;
	snprintf(ev.key, sizeof ev.key, "distill_teacher");
	snprintf(ev.new_value, sizeof ev.new_value, "%s", teacher);
	snprintf(ev.text, sizeof ev.text, "distill: %zu soft targets (%zu unlabeled)", ds->nsoft,
		 ds->nunlabeled);
	trainer_push_event(t, &ev);
	if (t->log == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:f,s:f,s:f,s:I}",
		      "step", (json_int_t)t->step, "event", "set", "key", "distill_teacher",
		      "old", "", "new", ev.new_value, "teacher", teacher,
		      "soft_targets", (json_int_t)ds->nsoft,
		      "unlabeled", (json_int_t)ds->nunlabeled, "cached", (json_int_t)ds->ncached,
		      "seconds", ds->seconds, "temperature", (double)t->hp.model.distill_temperature,
		      "alpha", (double)t->hp.model.distill_alpha,
		      "time_ms", (json_int_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	if (o != NULL)
		trainer_log_json(t, o);
}

void trainer_distill_started(struct trainer *t, char *reply, size_t n)
{
	const struct distill_soft *ds = t->soft;
	size_t len = strlen(reply);

	if (ds == NULL)
		return;
	trainer_distill_event(t, ds);
	if (len < n)
		snprintf(reply + len, n - len, "; distill: %zu soft targets from the teacher "
			 "(%zu unlabeled, %zu from the cache), alpha %g, temperature %g", ds->nsoft,
			 ds->nunlabeled, ds->ncached, (double)t->hp.model.distill_alpha,
			 (double)t->hp.model.distill_temperature);
}
