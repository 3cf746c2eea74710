/*
 * trainer.c - the background training thread: its message loop, control
 * (start, pause, resume, stop, step N, set, eval, checkpoint, reload) and
 * what it publishes.
 *
 * Design:
 *  - Other threads call trainer_send(): the message goes on the inbox and
 *    the atomic `interrupt` flag is raised, so a running round ends after
 *    the optimizer step in progress (pause takes effect within one step).
 *  - The thread handles every queued message between rounds. While not
 *    running it blocks in chan_wait() on the inbox: pausing costs no CPU.
 *  - A changed hyperparameter is written to the trainer's own cfg and read
 *    back (trainer_read_hp) before the next round, so it applies from the
 *    next step; each change is an event (step, key, old, new) published
 *    and logged to metrics.jsonl.
 *  - Publication: snapshot, points and events live under `lock`; readers
 *    copy them out. The news pipe is written at most 20 times a second
 *    (always on a state change) to wake a poll() loop.
 */
#include "trainer-impl.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *state_names[] = { "idle", "running", "paused", "done", "stopped", "failed" };

const char *trainer_state_name(enum trainer_state s)
{
	return (unsigned)s < sizeof state_names / sizeof state_names[0] ? state_names[s] : "?";
}

bool trainer_key_is_live(const char *key)
{
	static const char *live[] = { "lr", "schedule", "warmup", "weight_decay", "dropout",
				      "batch_size", "epochs", "class_weights", "label_smoothing",
				      "clip", "eval_every", "log_every", "patience", "threads",
				      "seed", "metric", "max_steps", "grad_accum" };

	for (size_t i = 0; i < sizeof live / sizeof live[0]; i++) {
		if (strcmp(live[i], key) == 0)
			return true;
	}
	return false;
}

/* ---- the run log, metrics.jsonl (trainer thread) ---- */

/*
 * One line of the log, from jansson (keys and values escaped as JSON). A
 * write that fails (a full disk) ends the log with an error notice; the
 * run goes on. A value that is not finite is null, never "inf".
 */
void trainer_log_json(struct trainer *t, json_t *o)
{
	int rc, e;

	rc = json_dumpf(o, t->log, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9));
	json_decref(o);
	if (rc == 0 && fputc('\n', t->log) != EOF && fflush(t->log) == 0 && !ferror(t->log))
		return;
	e = errno;
	fclose(t->log);
	t->log = NULL;
	trainer_notice(t, 1, "metrics.jsonl: cannot write (%s); the run's log stops at step %llu",
		       strerror(e), (unsigned long long)t->step);
}

static json_t *trainer_log_real(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static void trainer_log_point(struct trainer *t, const struct trainer_point *p)
{
	json_t *o = json_object();
	char key[64];

	json_object_set_new(o, "step", json_integer((json_int_t)p->step));
	json_object_set_new(o, "epoch", trainer_log_real(p->epoch));
	json_object_set_new(o, "lr", trainer_log_real(p->lr));
	json_object_set_new(o, "tokens_per_sec", isfinite(p->tokens_per_sec) ?
			    json_integer((json_int_t)llround(p->tokens_per_sec)) : json_null());
	if (!isnan(p->train_loss))
		json_object_set_new(o, "train_loss", trainer_log_real(p->train_loss));
	if (!isnan(p->valid_loss))
		json_object_set_new(o, "valid_loss", trainer_log_real(p->valid_loss));
	if (!isnan(p->valid_metric)) {
		/* a language model's metric is its perplexity, whatever `metric` says */
		snprintf(key, sizeof key, "valid_%s", trainer_is_lm(t) ? "perplexity" :
			 cfg_get_str(&t->cfg, "metric"));
		json_object_set_new(o, key, trainer_log_real(p->valid_metric));
	}
	trainer_log_json(t, o);
}

/*
 * Events carry the wall-clock time (Unix milliseconds, an integer: the
 * log's reals have 9 significant digits), so the trainer's own
 * start and done marks time a run without its loading (bench/tui.sh).
 */
static void trainer_log_event(struct trainer *t, const struct trainer_event *ev, const char *kind)
{
	json_t *o = json_object();
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	json_object_set_new(o, "step", json_integer((json_int_t)ev->step));
	json_object_set_new(o, "event", json_string(kind));
	if (ev->kind == TRAINER_EV_SET || ev->kind == TRAINER_EV_PRUNE) {
		json_object_set_new(o, "key", json_string(ev->key));
		json_object_set_new(o, "old", json_string(ev->old_value));
		json_object_set_new(o, "new", json_string(ev->new_value));
	}
	json_object_set_new(o, "time_ms", json_integer((json_int_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000));
	trainer_log_json(t, o);
}

/* ---- publication (trainer thread) ---- */

void trainer_push_point(struct trainer *t, const struct trainer_point *p)
{
	pthread_mutex_lock(&t->lock);
	if (t->npoints == t->points_cap) {
		t->points_cap = t->points_cap ? t->points_cap * 2 : 1024;
		t->points = tt_xrealloc(t->points, t->points_cap * sizeof *t->points);
	}
	t->points[t->npoints++] = *p;
	pthread_mutex_unlock(&t->lock);
}

void trainer_add_point(struct trainer *t, const struct trainer_point *p)
{
	trainer_push_point(t, p);
	if (t->log != NULL)
		trainer_log_point(t, p);
}

static const char *const trainer_event_kinds[] = { "start", "set", "pause", "resume",
						   "checkpoint", "best", "diverged", "reload",
						   "stop", "done", "prune" };

const char *trainer_event_kind_name(enum trainer_event_kind kind)
{
	return (unsigned)kind <= TRAINER_EV_PRUNE ? trainer_event_kinds[kind] : "?";
}

void trainer_push_event(struct trainer *t, const struct trainer_event *ev)
{
	pthread_mutex_lock(&t->lock);
	if (t->nevents == t->events_cap) {
		t->events_cap = t->events_cap ? t->events_cap * 2 : 64;
		t->events = tt_xrealloc(t->events, t->events_cap * sizeof *t->events);
	}
	t->events[t->nevents++] = *ev;
	pthread_mutex_unlock(&t->lock);
}

void trainer_add_event(struct trainer *t, enum trainer_event_kind kind, const char *key,
		       const char *old_value, const char *new_value, const char *fmt, ...)
{
	const char *const *kinds = trainer_event_kinds;
	struct trainer_event ev;
	va_list ap;

	memset(&ev, 0, sizeof ev);
	ev.step = t->step;
	ev.kind = kind;
	snprintf(ev.key, sizeof ev.key, "%s", key != NULL ? key : "");
	snprintf(ev.old_value, sizeof ev.old_value, "%s", old_value != NULL ? old_value : "");
	snprintf(ev.new_value, sizeof ev.new_value, "%s", new_value != NULL ? new_value : "");
	va_start(ap, fmt);
	vsnprintf(ev.text, sizeof ev.text, fmt, ap);
	va_end(ap);
	trainer_push_event(t, &ev);
	if (t->log != NULL)
		trainer_log_event(t, &ev, kinds[kind]);
}

void trainer_notice(struct trainer *t, int is_error, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&t->lock);
	va_start(ap, fmt);
	vsnprintf(t->snap.message, sizeof t->snap.message, fmt, ap);
	va_end(ap);
	t->snap.message_is_error = is_error;
	pthread_mutex_unlock(&t->lock);
}

void trainer_phase(struct trainer *t, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&t->lock);
	va_start(ap, fmt);
	vsnprintf(t->snap.phase, sizeof t->snap.phase, fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&t->lock);
	trainer_publish(t, 1);
}

/* Copy the thread's state into the published snapshot; wake the UI. */
void trainer_publish(struct trainer *t, int force_wake)
{
	double now = tt_now(), remaining, sps;
	int state_changed;

	pthread_mutex_lock(&t->lock);
	state_changed = t->snap.state != t->state;
	t->snap.seq++;
	t->snap.state = t->state;
	t->snap.step = t->step;
	t->snap.total_steps = t->model != NULL ? trainer_total_steps(t) : 0;
	t->snap.epochs = t->hp.epochs;
	t->snap.epoch = t->epoch + (t->data.nrows[DS_SPLIT_TRAIN] > 0 ?
		(double)t->pos / (double)t->data.nrows[DS_SPLIT_TRAIN] : 0.0);
	t->snap.lr = t->lr_now;
	t->snap.base_lr = t->hp.base_lr;
	t->snap.tokens_per_sec = t->tokens_per_sec;
	t->snap.elapsed = t->run_seconds;
	/* steps timed, not t->step: a restored run starts its clock at its step */
	sps = t->run_seconds > 0 ? (double)t->run_steps / t->run_seconds : 0;
	remaining = (double)(t->snap.total_steps > t->step ? t->snap.total_steps - t->step : 0);
	t->snap.eta_seconds = sps > 0 ? remaining / sps : NAN;
	t->snap.steps_per_sec = sps;
	t->snap.best_metric = t->best;
	t->snap.best_step = t->best_step;
	t->snap.npoints = t->npoints;
	t->snap.nevents = t->nevents;
	t->snap.step_ms_median = t->step_ms_median;
	t->snap.lm = t->data.lm_off != NULL;
	t->snap.sparsity = trainer_prune_sparsity(t);
	t->snap.flops_per_token = t->flops_per_token;
	t->snap.peak_gflops = t->peak_gflops;
	pthread_cond_broadcast(&t->cond);
	if (force_wake || state_changed || now - t->last_wake >= 0.05) {
		t->last_wake = now;
		pthread_mutex_unlock(&t->lock);
		chan_notify(&t->news);
		return;
	}
	pthread_mutex_unlock(&t->lock);
}

/* ---- message handling (trainer thread) ---- */

static int trainer_msg_eval(struct trainer *t, enum ds_split split, char *reply, size_t n);

static void trainer_set_state(struct trainer *t, enum trainer_state s)
{
	t->state = s;
	trainer_publish(t, 1);
}

static int trainer_start(struct trainer *t, char *reply, size_t n)
{
	struct tt_err err;

	if (t->state == TRAINER_RUNNING || t->state == TRAINER_PAUSED) {
		snprintf(reply, n, "already %s (use stop first)", trainer_state_name(t->state));
		return -1;
	}
	tt_err_clear(&err);
	if (trainer_prepare(t, &err) != 0) {
		trainer_phase(t, "%s", "");
		snprintf(reply, n, "cannot start: %s", err.msg);
		trainer_notice(t, 1, "%s", reply);
		trainer_set_state(t, TRAINER_FAILED);
		return -1;
	}
	snprintf(reply, n, "training: %zu train, %zu valid examples; %llu steps",
		 t->data.nrows[DS_SPLIT_TRAIN], t->data.nrows[DS_SPLIT_VALID],
		 (unsigned long long)trainer_total_steps(t));
	trainer_notice(t, 0, "%s", reply);
	/* After the notice: a log that cannot be written says so, not hidden by it. */
	trainer_add_event(t, TRAINER_EV_START, NULL, NULL, NULL, "start");
	trainer_distill_started(t, reply, n);
	pthread_mutex_lock(&t->lock);
	t->snap.phase[0] = '\0';	/* published with the state, below */
	pthread_mutex_unlock(&t->lock);
	trainer_set_state(t, TRAINER_RUNNING);
	/* A checkpoint of a finished run: done at once, before anyone looks. */
	if (t->epoch >= t->hp.epochs)
		trainer_after_round(t);
	return 0;
}

/*
 * Reopening a session: the run's checkpoint and its metrics.jsonl, without
 * training. Its curves, events, a validation report and the predictions
 * are published; it waits PAUSED (resume continues it) or is DONE.
 */
static int trainer_restore_run(struct trainer *t, char *reply, size_t n)
{
	struct tt_err err;
	char msg[600];

	if (t->state != TRAINER_IDLE || t->resume_from == NULL) {
		snprintf(reply, n, "nothing to restore");
		return -1;
	}
	tt_err_clear(&err);
	if (trainer_prepare(t, &err) != 0) {
		trainer_phase(t, "%s", "");
		tt_err_format(&err, msg, sizeof msg);
		snprintf(reply, n, "cannot restore the last run: %s", msg);
		trainer_notice(t, 1, "%s", reply);
		trainer_set_state(t, TRAINER_FAILED);
		return -1;
	}
	trainer_phase(t, "restoring: the curves, the matrix and the predictions");
	tt_err_clear(&err);
	msg[0] = '\0';
	if (trainer_log_load(t, &err) != 0)
		tt_err_format(&err, msg, sizeof msg);
	t->lr_now = t->hp.base_lr * sched_factor(t->hp.schedule, t->step, trainer_total_steps(t),
						 t->hp.warmup);
	if (t->data.nrows[DS_SPLIT_VALID] > 0)
		trainer_msg_eval(t, DS_SPLIT_VALID, reply, n);	/* predicts every record too */
	else
		trainer_predict_all(t);
	if (t->epoch >= t->hp.epochs)
		snprintf(reply, n, "last run restored: finished at step %llu",
			 (unsigned long long)t->step);
	else
		snprintf(reply, n, "last run restored at step %llu of %llu: t resumes it",
			 (unsigned long long)t->step, (unsigned long long)trainer_total_steps(t));
	if (msg[0] != '\0')
		trainer_notice(t, 1, "%s (curves: %s)", reply, msg);
	else
		trainer_notice(t, 0, "%s", reply);
	pthread_mutex_lock(&t->lock);
	t->snap.phase[0] = '\0';	/* published with the state, below */
	pthread_mutex_unlock(&t->lock);
	trainer_set_state(t, t->epoch >= t->hp.epochs ? TRAINER_DONE : TRAINER_PAUSED);
	return 0;
}

static int trainer_msg_set(struct trainer *t, const struct trainer_msg *m, char *reply, size_t n)
{
	struct tt_err err;
	char old[64];

	if (t->model != NULL && !trainer_key_is_live(m->key)) {
		snprintf(reply, n, "%s cannot change while a model exists (it applies at the next start)",
			 m->key);
		return -1;
	}
	if (cfg_find(m->key) == NULL) {
		snprintf(reply, n, "unknown option '%s'", m->key);
		return -1;
	}
	snprintf(old, sizeof old, "%s", cfg_get_str(&t->cfg, m->key));
	tt_err_clear(&err);
	if (cfg_set(&t->cfg, m->key, m->value, &err) != 0) {
		snprintf(reply, n, "%s", err.msg);
		return -1;
	}
	if (strcmp(m->key, "class_weights") == 0 && t->model != NULL)
		trainer_reweight(t);
	trainer_read_hp(t);
	if (strcmp(m->key, "metric") == 0) {
		pthread_mutex_lock(&t->lock);
		snprintf(t->snap.metric_name, sizeof t->snap.metric_name, "%s",
			 cfg_get_str(&t->cfg, "metric"));
		pthread_mutex_unlock(&t->lock);
	}
	trainer_add_event(t, TRAINER_EV_SET, m->key, old, cfg_get_str(&t->cfg, m->key), "%s %s -> %s",
			  m->key, old, cfg_get_str(&t->cfg, m->key));
	snprintf(reply, n, "%s = %s (was %s) from step %llu", m->key, cfg_get_str(&t->cfg, m->key),
		 old, (unsigned long long)t->step);
	return 0;
}

static int trainer_msg_step(struct trainer *t, uint64_t n_steps, char *reply, size_t n)
{
	if (t->state != TRAINER_PAUSED && t->state != TRAINER_RUNNING &&
	    trainer_start(t, reply, n) != 0)
		return -1;
	t->pause_at = t->step + n_steps;
	snprintf(reply, n, "stepping %llu steps to step %llu", (unsigned long long)n_steps,
		 (unsigned long long)t->pause_at);
	if (t->state == TRAINER_PAUSED)
		trainer_add_event(t, TRAINER_EV_RESUME, NULL, NULL, NULL, "step %llu",
				  (unsigned long long)n_steps);
	trainer_set_state(t, TRAINER_RUNNING);
	return 0;
}

static int trainer_msg_eval(struct trainer *t, enum ds_split split, char *reply, size_t n)
{
	struct metrics_report r;

	if (t->model == NULL) {
		snprintf(reply, n, "no model yet (start training first)");
		return -1;
	}
	if (t->data.nrows[split] == 0) {
		snprintf(reply, n, "the %s split has no %s", ds_split_name(split), t->data.lm_off != NULL ? "text" : "labeled records");
		return -1;
	}
	metrics_report_init(&r);
	trainer_evaluate(t, split, &r);
	trainer_predict_all(t);
	if (t->data.lm_off != NULL)
		snprintf(reply, n, "%s: perplexity %.4f, loss %.4f, next-token accuracy %.4f "
			 "(%llu tokens)", ds_split_name(split), exp(r.loss), r.loss, r.accuracy,
			 (unsigned long long)r.n);
	else
		snprintf(reply, n, "%s: accuracy %.4f, macro-F1 %.4f, loss %.4f (%llu records)",
			 ds_split_name(split), r.accuracy, r.macro_f1, r.loss,
			 (unsigned long long)r.n);
	pthread_mutex_lock(&t->lock);
	if (split == DS_SPLIT_TEST) {
		metrics_report_fini(&t->snap.test);
		t->snap.test = r;
		t->snap.has_test = true;
	} else {
		metrics_report_fini(&t->snap.eval);
		t->snap.eval = r;
		t->snap.has_eval = true;
		t->snap.eval_step = t->step;
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static int trainer_msg_save(struct trainer *t, const struct trainer_msg *m, char *reply, size_t n)
{
	struct tt_err err;
	int ckpt = m->type == TRAINER_CHECKPOINT;

	if (t->model == NULL) {
		snprintf(reply, n, "no model yet (start training first)");
		return -1;
	}
	if (t->diverged) {
		snprintf(reply, n, "refusing to save: the run diverged at step %llu; "
			 "the last good checkpoint is kept", (unsigned long long)t->step);
		return -1;
	}
	tt_err_clear(&err);
	if (trainer_save(t, m->value, ckpt, &err) != 0) {
		char msg[1024];

		tt_err_format(&err, msg, sizeof msg);
		snprintf(reply, n, "%s", msg);
		return -1;
	}
	if (ckpt)
		trainer_add_event(t, TRAINER_EV_CHECKPOINT, NULL, NULL, m->value, "checkpoint");
	snprintf(reply, n, "%s written at step %llu: %s", ckpt ? "checkpoint" : "model",
		 (unsigned long long)t->step, m->value);
	return 0;
}

static int trainer_msg_control(struct trainer *t, const struct trainer_msg *m, char *reply,
			       size_t n)
{
	switch (m->type) {
	case TRAINER_PAUSE:
		if (t->state != TRAINER_RUNNING) {
			snprintf(reply, n, "not running (%s)", trainer_state_name(t->state));
			return -1;
		}
		t->pause_at = UINT64_MAX;
		trainer_add_event(t, TRAINER_EV_PAUSE, NULL, NULL, NULL, "pause");
		trainer_set_state(t, TRAINER_PAUSED);
		snprintf(reply, n, "paused at step %llu", (unsigned long long)t->step);
		return 0;
	case TRAINER_RESUME:
		if (t->state != TRAINER_PAUSED) {
			snprintf(reply, n, "not paused (%s)", trainer_state_name(t->state));
			return -1;
		}
		t->pause_at = UINT64_MAX;
		t->diverged = 0;
		trainer_add_event(t, TRAINER_EV_RESUME, NULL, NULL, NULL, "resume");
		trainer_set_state(t, TRAINER_RUNNING);
		snprintf(reply, n, "resumed at step %llu", (unsigned long long)t->step);
		return 0;
	case TRAINER_STOP:
		if (t->state != TRAINER_RUNNING && t->state != TRAINER_PAUSED) {
			snprintf(reply, n, "not running (%s)", trainer_state_name(t->state));
			return -1;
		}
		trainer_add_event(t, TRAINER_EV_STOP, NULL, NULL, NULL, "stop");
		trainer_set_state(t, TRAINER_STOPPED);
		snprintf(reply, n, "stopped at step %llu", (unsigned long long)t->step);
		return 0;
	default:
		return -1;
	}
}

static int trainer_handle(struct trainer *t, struct trainer_msg *m, char *reply, size_t n)
{
	struct tt_err err;

	switch (m->type) {
	case TRAINER_START:
		return trainer_start(t, reply, n);
	case TRAINER_RESTORE:
		return trainer_restore_run(t, reply, n);
	case TRAINER_PRUNE:
		return trainer_prune_msg(t, m->value, m->key, reply, n);
	case TRAINER_PAUSE:
	case TRAINER_RESUME:
	case TRAINER_STOP:
		return trainer_msg_control(t, m, reply, n);
	case TRAINER_STEP:
		return trainer_msg_step(t, m->n, reply, n);
	case TRAINER_SET:
		return trainer_msg_set(t, m, reply, n);
	case TRAINER_EVAL:
		return trainer_msg_eval(t, DS_SPLIT_VALID, reply, n);
	case TRAINER_EVAL_TEST:
		return trainer_msg_eval(t, DS_SPLIT_TEST, reply, n);
	case TRAINER_CHECKPOINT:
	case TRAINER_EXPORT:
		return trainer_msg_save(t, m, reply, n);
	case TRAINER_NOTE:
		trainer_add_event(t, TRAINER_EV_SET, m->key, "", m->value != NULL ? m->value : "",
				  "%s %s", m->key, m->value != NULL ? m->value : "");
		snprintf(reply, n, "%s %s: noted at step %llu", m->key,
			 m->value != NULL ? m->value : "", (unsigned long long)t->step);
		return 0;
	case TRAINER_MERGED:
		if (t->model == NULL) {
			snprintf(reply, n, "no model yet (start training first)");
			return -1;
		}
		tt_err_clear(&err);
		if (trainer_save_merged(t, m->value, &err) != 0) {
			char msg[900];

			tt_err_format(&err, msg, sizeof msg);
			snprintf(reply, n, "%s", msg);
			return -1;
		}
		trainer_add_event(t, TRAINER_EV_SET, "merge-adapter", "", m->value, "merge-adapter");
		snprintf(reply, n, "merged model written at step %llu: %s",
			 (unsigned long long)t->step, m->value);
		return 0;
	case TRAINER_COPY_GPT:
		return trainer_msg_copy(t, reply, n);
	case TRAINER_RELOAD:
		tt_err_clear(&err);
		if (trainer_apply_input(t, m->input, &err) != 0) {
			snprintf(reply, n, "reload: %s", err.msg);
			return -1;
		}
		m->input = NULL;
		trainer_add_event(t, TRAINER_EV_RELOAD, NULL, NULL, NULL, "labels reloaded");
		snprintf(reply, n, "labels reloaded at step %llu: %zu train, %zu valid",
			 (unsigned long long)t->step, t->data.nrows[DS_SPLIT_TRAIN],
			 t->data.nrows[DS_SPLIT_VALID]);
		return 0;
	}
	return -1;
}

static void trainer_msg_free(struct trainer_msg *m)
{
	free(m->key);
	free(m->value);
	trainer_input_free(m->input);
	free(m);
}

/* Handle one message and record its outcome for trainer_wait_handled. */
static void trainer_dispatch(struct trainer *t, struct trainer_msg *m)
{
	struct trainer_outcome *o;
	char reply[1024];
	int rc;

	reply[0] = '\0';
	rc = trainer_handle(t, m, reply, sizeof reply);
	pthread_mutex_lock(&t->lock);
	o = &t->outcomes[m->id % TRAINER_REPLIES];
	o->id = m->id;
	o->rc = rc;
	snprintf(o->reply, sizeof o->reply, "%s", reply);
	t->handled_id = m->id;
	pthread_mutex_unlock(&t->lock);
	trainer_msg_free(m);
	trainer_publish(t, 1);
}

static void *trainer_main(void *arg)
{
	struct trainer *t = arg;

	while (!t->quit) {
		struct trainer_msg *m;

		atomic_store(&t->interrupt, 0);
		while ((m = chan_pop(&t->inbox)) != NULL) {
			if (m->type == (enum trainer_msg_type)-1) {
				t->quit = 1;
				trainer_msg_free(m);
				break;
			}
			trainer_dispatch(t, m);
		}
		if (t->quit)
			break;
		if (t->state == TRAINER_RUNNING) {
			trainer_run_round(t);
			continue;
		}
		/* Not running: sleep until a message arrives (no CPU while paused). */
		m = chan_wait(&t->inbox, -1);
		if (m != NULL) {
			if (m->type == (enum trainer_msg_type)-1) {
				t->quit = 1;
				trainer_msg_free(m);
			} else {
				trainer_dispatch(t, m);
			}
		}
	}
	return NULL;
}

/* ---- the API (any thread) ---- */

struct trainer *trainer_create(const struct trainer_setup *setup, struct tt_err *err)
{
	struct trainer *t = tt_xcalloc(1, sizeof *t);
	size_t i, n;
	const struct cfg_option *opts = cfg_table(&n);

	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	if (chan_init(&t->inbox, 0) != 0 || chan_init(&t->news, 1) != 0) {
		tt_err_set(err, NULL, 0, 0, "cannot create the trainer's wake pipe");
		free(t);
		return NULL;
	}
	cfg_init(&t->cfg);
	for (i = 0; i < n; i++)
		cfg_set(&t->cfg, opts[i].name, cfg_get_str(setup->cfg, opts[i].name), NULL);
	t->in = setup->input;
	t->out_dir = setup->out_dir != NULL ? tt_xstrdup(setup->out_dir) : NULL;
	t->resume_from = setup->resume_from != NULL ? tt_xstrdup(setup->resume_from) : NULL;
	t->pause_at = UINT64_MAX;
	t->state = TRAINER_IDLE;
	metrics_report_init(&t->snap.eval);
	metrics_report_init(&t->snap.test);
	t->snap.label_names = NULL;
	snprintf(t->snap.metric_name, sizeof t->snap.metric_name, "%s", cfg_get_str(&t->cfg, "metric"));
	t->snap.eta_seconds = NAN;
	t->snap.step_ms_median = NAN;
	t->snap.sparsity = NAN;
	t->snap.layers_ms = NAN;
	t->step_ms_median = NAN;
	t->best = NAN;
	trainer_read_hp(t);
	if (pthread_create(&t->thread, NULL, trainer_main, t) != 0) {
		tt_err_set(err, NULL, 0, 0, "cannot start the trainer thread");
		chan_fini(&t->inbox);
		chan_fini(&t->news);
		cfg_fini(&t->cfg);
		free(t);
		return NULL;
	}
	return t;
}

void trainer_destroy(struct trainer *t)
{
	struct trainer_msg *m, *quit;
	uint32_t l;

	if (t == NULL)
		return;
	quit = tt_xcalloc(1, sizeof *quit);
	quit->type = (enum trainer_msg_type)-1;
	chan_push(&t->inbox, quit);
	atomic_store(&t->interrupt, 1);
	pthread_join(t->thread, NULL);
	while ((m = chan_pop(&t->inbox)) != NULL)
		trainer_msg_free(m);
	trainer_release(t);
	trainer_copy_fini(t);
	trainer_input_free(t->in);
	trainer_input_free(t->pending);
	if (t->log != NULL)
		fclose(t->log);
	metrics_report_fini(&t->snap.eval);
	metrics_report_fini(&t->snap.test);
	trainer_predictions_fini(&t->preds);
	for (l = 0; l < t->snap.nlabels; l++)
		free(t->snap.label_names[l]);
	free(t->snap.label_names);
	free(t->points);
	free(t->events);
	free(t->out_dir);
	free(t->resume_from);
	cfg_fini(&t->cfg);
	chan_fini(&t->inbox);
	chan_fini(&t->news);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->cond);
	free(t);
}

uint64_t trainer_send(struct trainer *t, enum trainer_msg_type type, const char *key,
		      const char *value, uint64_t n, struct trainer_input *input)
{
	struct trainer_msg *m = tt_xcalloc(1, sizeof *m);
	uint64_t id;

	m->type = type;
	m->key = key != NULL ? tt_xstrdup(key) : NULL;
	m->value = value != NULL ? tt_xstrdup(value) : NULL;
	m->n = n;
	m->input = input;
	pthread_mutex_lock(&t->lock);
	m->id = id = ++t->next_id;
	pthread_mutex_unlock(&t->lock);
	/* From here the trainer may handle and free m at any moment. */
	chan_push(&t->inbox, m);
	atomic_store(&t->interrupt, 1);
	return id;
}

/* Message id's outcome (lock held, id handled): rc, and its reply when kept. */
static int trainer_outcome_of(const struct trainer *t, uint64_t id, char *reply, size_t n)
{
	const struct trainer_outcome *o = &t->outcomes[id % TRAINER_REPLIES];
	bool kept = o->id == id;

	if (reply != NULL)
		snprintf(reply, n, "%s", kept ? o->reply : "");
	return kept ? o->rc : 0;
}

int trainer_wait_handled(struct trainer *t, uint64_t id, char *reply, size_t reply_len)
{
	int rc;

	pthread_mutex_lock(&t->lock);
	while (t->handled_id < id)
		pthread_cond_wait(&t->cond, &t->lock);
	rc = trainer_outcome_of(t, id, reply, reply_len);
	pthread_mutex_unlock(&t->lock);
	return rc;
}

int trainer_reply(struct trainer *t, uint64_t id, char *reply, size_t reply_len)
{
	int rc = 0;

	pthread_mutex_lock(&t->lock);
	if (t->handled_id >= id)
		rc = trainer_outcome_of(t, id, reply, reply_len) != 0 ? -1 : 1;
	pthread_mutex_unlock(&t->lock);
	return rc;
}

enum trainer_state trainer_wait_stopped(struct trainer *t, double timeout)
{
	double until = tt_now() + timeout;
	enum trainer_state s;

	pthread_mutex_lock(&t->lock);
	while (t->snap.state == TRAINER_RUNNING && (timeout < 0 || tt_now() < until)) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&t->cond, &t->lock, &ts);
	}
	s = t->snap.state;
	pthread_mutex_unlock(&t->lock);
	return s;
}

void trainer_snapshot_get(struct trainer *t, struct trainer_snapshot *out)
{
	uint32_t l;

	pthread_mutex_lock(&t->lock);
	*out = t->snap;
	metrics_report_init(&out->eval);
	metrics_report_init(&out->test);
	if (t->snap.has_eval)
		metrics_report_copy(&out->eval, &t->snap.eval);
	if (t->snap.has_test)
		metrics_report_copy(&out->test, &t->snap.test);
	out->label_names = tt_xcalloc(t->snap.nlabels + 1, sizeof *out->label_names);
	for (l = 0; l < t->snap.nlabels; l++)
		out->label_names[l] = tt_xstrdup(t->snap.label_names[l]);
	pthread_mutex_unlock(&t->lock);
}

void trainer_snapshot_fini(struct trainer_snapshot *s)
{
	uint32_t l;

	metrics_report_fini(&s->eval);
	metrics_report_fini(&s->test);
	for (l = 0; l < s->nlabels; l++)
		free(s->label_names[l]);
	free(s->label_names);
	s->label_names = NULL;
}

size_t trainer_points(struct trainer *t, size_t since, struct trainer_point *out, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&t->lock);
	while (since + n < t->npoints && n < max) {
		out[n] = t->points[since + n];
		n++;
	}
	pthread_mutex_unlock(&t->lock);
	return n;
}

size_t trainer_events(struct trainer *t, size_t since, struct trainer_event *out, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&t->lock);
	while (since + n < t->nevents && n < max) {
		out[n] = t->events[since + n];
		n++;
	}
	pthread_mutex_unlock(&t->lock);
	return n;
}

int trainer_wake_fd(const struct trainer *t)
{
	return chan_wake_fd(&t->news);
}

void trainer_drain_wake(struct trainer *t)
{
	chan_drain_wake(&t->news);
}

void trainer_predictions_get(struct trainer *t, struct trainer_predictions *out)
{
	size_t n;

	atomic_store(&t->want_predictions, 1);
	pthread_mutex_lock(&t->lock);
	n = t->preds.n;
	out->step = t->preds.step;
	out->n = n;
	out->src = tt_xmalloc((n + 1) * sizeof *out->src);
	out->label = tt_xmalloc((n + 1) * sizeof *out->label);
	out->conf = tt_xmalloc((n + 1) * sizeof *out->conf);
	out->margin = tt_xmalloc((n + 1) * sizeof *out->margin);
	out->entropy = tt_xmalloc((n + 1) * sizeof *out->entropy);
	out->nprobs = t->preds.probs != NULL ? t->preds.nprobs : 0;
	out->probs = NULL;
	if (out->nprobs > 0) {
		out->probs = tt_xmalloc((n * out->nprobs + 1) * sizeof *out->probs);
		memcpy(out->probs, t->preds.probs, n * out->nprobs * sizeof *out->probs);
	}
	if (n > 0) {
		memcpy(out->src, t->preds.src, n * sizeof *out->src);
		memcpy(out->label, t->preds.label, n * sizeof *out->label);
		memcpy(out->conf, t->preds.conf, n * sizeof *out->conf);
		memcpy(out->margin, t->preds.margin, n * sizeof *out->margin);
		memcpy(out->entropy, t->preds.entropy, n * sizeof *out->entropy);
	}
	pthread_mutex_unlock(&t->lock);
}

void trainer_predictions_fini(struct trainer_predictions *p)
{
	free(p->src);
	free(p->label);
	free(p->conf);
	free(p->margin);
	free(p->entropy);
	free(p->probs);
	memset(p, 0, sizeof *p);
}

void trainer_want_predictions(struct trainer *t)
{
	atomic_store(&t->want_predictions, 1);
}

void trainer_want_probs(struct trainer *t)
{
	atomic_store(&t->want_probs, 1);
	atomic_store(&t->want_predictions, 1);
}
