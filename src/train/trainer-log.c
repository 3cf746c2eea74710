/*
 * trainer-log.c - read a run's metrics.jsonl back, so a reopened session
 * shows the curves and events of its last run.
 *
 * The trainer writes one JSON object a line (trainer.c): a logged point
 * {"step", "epoch", "lr", "tokens_per_sec", "train_loss"?, "valid_loss"?,
 * "valid_<metric>"?} or an event {"step", "event", "key"?, "old"?, "new"?}.
 * Lines after the restored checkpoint's step belong to a future the run
 * never kept (the process was killed after the log but before the next
 * checkpoint): they are left out, and the file is rewritten atomically
 * without them, so the resumed run's log reads as one run. A line that
 * does not parse (a write cut short) ends the history there, said with
 * its line number; the lines before it are kept.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trainer-impl.h"

static double trainer_log_num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *trainer_log_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* "valid_<metric>": the one valid_ key that is not the loss. */
static double trainer_log_metric(json_t *o)
{
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v) {
		if (strncmp(key, "valid_", 6) == 0 && strcmp(key, "valid_loss") != 0 &&
		    json_is_number(v))
			return json_number_value(v);
	}
	return NAN;
}

static int trainer_log_event(struct trainer *t, json_t *o, uint64_t step, const char *kind)
{
	struct trainer_event ev;
	int k;

	for (k = 0; k <= TRAINER_EV_PRUNE; k++) {
		if (strcmp(trainer_event_kind_name((enum trainer_event_kind)k), kind) == 0)
			break;
	}
	if (k > TRAINER_EV_PRUNE)
		return -1;
	memset(&ev, 0, sizeof ev);
	ev.step = step;
	ev.kind = (enum trainer_event_kind)k;
	snprintf(ev.key, sizeof ev.key, "%s", trainer_log_str(o, "key"));
	snprintf(ev.old_value, sizeof ev.old_value, "%s", trainer_log_str(o, "old"));
	snprintf(ev.new_value, sizeof ev.new_value, "%s", trainer_log_str(o, "new"));
	/* The log does not keep a checkpoint's path: where the run keeps them. */
	if (ev.kind == TRAINER_EV_CHECKPOINT && ev.new_value[0] == '\0')
		snprintf(ev.new_value, sizeof ev.new_value, "the run directory");
	if (ev.kind == TRAINER_EV_SET || ev.kind == TRAINER_EV_PRUNE)
		snprintf(ev.text, sizeof ev.text, "%s %s -> %s", ev.key, ev.old_value, ev.new_value);
	else
		snprintf(ev.text, sizeof ev.text, "%s", kind);
	trainer_push_event(t, &ev);
	return 0;
}

static void trainer_log_point(struct trainer *t, json_t *o, uint64_t step)
{
	struct trainer_point p;

	p.step = step;
	p.epoch = trainer_log_num(o, "epoch");
	p.lr = trainer_log_num(o, "lr");
	p.tokens_per_sec = trainer_log_num(o, "tokens_per_sec");
	p.train_loss = trainer_log_num(o, "train_loss");
	p.valid_loss = trainer_log_num(o, "valid_loss");
	p.valid_metric = trainer_log_metric(o);
	trainer_push_point(t, &p);
	pthread_mutex_lock(&t->lock);
	if (!isnan(p.train_loss))
		t->snap.train_loss = p.train_loss;
	pthread_mutex_unlock(&t->lock);
	if (!isnan(p.tokens_per_sec))
		t->tokens_per_sec = p.tokens_per_sec;
}

/* One line: 1 kept, 0 after the checkpoint, -1 bad (*col set). */
static int trainer_log_line(struct trainer *t, const char *line, size_t len, int *col)
{
	json_error_t je;
	json_t *o = json_loadb(line, len, 0, &je), *sv;
	const char *kind;
	uint64_t step;
	int rc = 1;

	*col = o == NULL ? je.column : 1;
	sv = o != NULL ? json_object_get(o, "step") : NULL;
	if (!json_is_integer(sv) || json_integer_value(sv) < 0) {
		json_decref(o);
		return -1;
	}
	step = (uint64_t)json_integer_value(sv);
	kind = json_string_value(json_object_get(o, "event"));
	if (step > t->step)
		rc = 0;
	else if (kind != NULL)
		rc = trainer_log_event(t, o, step, kind) == 0 ? 1 : -1;
	else
		trainer_log_point(t, o, step);
	json_decref(o);
	return rc;
}

/* Keep only the first keep bytes of the log; the writer appends after them. */
static int trainer_log_cut(struct trainer *t, const char *path, const char *data, size_t keep,
			   struct tt_err *err)
{
	if (tt_write_file_atomic(path, data, keep, err) != 0)
		return -1;
	if (t->log != NULL)
		fclose(t->log);
	t->log = fopen(path, "a");
	return 0;
}

int trainer_log_load(struct trainer *t, struct tt_err *err)
{
	char *path, *data;
	size_t len, pos = 0, lineno = 0;
	int rc = 0, col = 0, kept = 1;

	if (t->out_dir == NULL)
		return 0;
	path = tt_xprintf("%s/metrics.jsonl", t->out_dir);
	if (tt_read_file(path, &data, &len, err) != 0) {
		free(path);
		return -1;
	}
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - data) : len;

		lineno++;
		kept = trainer_log_line(t, data + pos, end - pos, &col);
		if (kept <= 0)
			break;
		pos = nl != NULL ? end + 1 : len;
	}
	if (pos < len) {
		if (kept < 0) {
			tt_err_set(err, path, (uint32_t)lineno, (uint32_t)col,
				   "not a point or event of the run; the curves end before it");
			rc = -1;
		}
		/* A bad line stays in the file for the person; only the future goes. */
		if (kept == 0 && trainer_log_cut(t, path, data, pos, err) != 0)
			rc = -1;
	}
	/* A line cut short: what the resumed run appends starts on a line of its own. */
	if (kept != 0 && len > 0 && data[len - 1] != '\n' && t->log != NULL)
		fputc('\n', t->log);
	free(data);
	free(path);
	return rc;
}
