/*
 * journal.c - the append-only edit journal, its replay, undo/redo and
 * compaction.
 *
 * File. <data>.journal next to the dataset (tickets.jsonl ->
 * tickets.jsonl.journal), JSON Lines. The first line is a header naming the
 * base: the dataset file the journal applies to, by size and XXH3 hash.
 *
 *   {"tunetop_journal":1,"data":"tickets.jsonl","size":144481,
 *    "xxh3":"9f0c...","next_seq":41,"created":"2026-01-05T10:32:12.123Z"}
 *
 * Then one event a line. An edit sets one field of one record:
 *
 *   {"seq":12,"time":"2026-01-05T10:40:01.517Z","annotator":"ana","id":"t0042",
 *    "op":"label","before":["billing"],"after":["refund"],
 *    "suggestion":"refund","confidence":0.87}
 *
 * "id" is the record's id; a record without one is named by its 1-based
 * number as "rec":7. op is label, unlabel, flag, unflag, unsure, sure,
 * note, text, delete or undelete; before/after are the field's values
 * (edit.h). suggestion and confidence are there when the UI gave them.
 * A bulk edit is one step of several events: each carries "step" (the
 * seq of the first) and the first also "count" (how many follow).
 *
 *   {"seq":20,"time":"...","annotator":"ana","op":"undo","step":12}
 *   {"seq":21,"time":"...","annotator":"ana","op":"redo","step":12}
 *   {"seq":22,"time":"...","annotator":"ana","op":"save","size":N,"xxh3":"...",
 *    "removed_pos":[3,17],"removed_id":["t0003"]}
 *
 * Durability. An edit is one write() of its line(s) with O_APPEND, then
 * fdatasync(), and only then applied in memory and reported ("ok SEQ ID").
 * A failed write is truncated away, so the file only ever holds whole
 * lines, except after a crash mid-write: a last line without its newline
 * is torn, dropped with a warning; a bulk step with fewer events than its
 * count at the end of the file is rolled back whole. Anything else that
 * does not parse is an error with file:line:column. An exclusive flock()
 * keeps two tunetops from appending to one journal.
 *
 * Replay. Every value is set, never toggled (field := after), so replaying
 * the events in order over the base file reproduces the state. Undo
 * applies a step's before values in reverse, redo its after values again.
 *
 * Undo. Two stacks of steps: done (undo pops it) and redo (redo pops it).
 * A new step clears the redo stack. Replay rebuilds both stacks from the
 * file, so undo and redo survive a restart.
 *
 * Compaction (after `save`, and to repair a file on load). The journal is
 * rewritten atomically as: a header naming the new base; the events of the
 * done steps, oldest first; the events of the redo steps in the order they
 * were made; then their undo markers. Redo markers, failed saves and undone
 * branches no longer reachable disappear; seqs are kept, and next_seq in
 * the header makes sure none is ever reused. Replaying this history over
 * the base is harmless even though the base already holds it: the last
 * value it sets for each field is the field's value at compaction time.
 * It also restores what a format cannot store (flags and notes in CSV or
 * fastText). So the whole undo history survives a save.
 *
 * Saves that remove records. A deleted record is left out of the saved
 * file, which renumbers the records after it that have no id. `save`
 * therefore first appends a save marker listing the removed records (by
 * number, and by id when they have one) with the hash of the file about
 * to be written, then replaces the file, then renumbers the history in
 * memory (events of removed records leave it: those deletions are final)
 * and compacts. If tunetop dies between the file replace and the
 * compaction, the next load sees a base hash that matches that save
 * marker, not the header, and redoes the renumbering from the marker.
 * A base matching neither is a data file changed behind tunetop's back:
 * an error if the journal holds edits (they could land on the wrong
 * records), else the journal is restarted for the new file.
 */
#include "tunetop/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

enum {
	JOURNAL_VERSION = 1,
	JOURNAL_MAX_COUNT = 100000000,
};

struct journal_stack {
	struct journal_step **s;
	size_t n;
	size_t cap;
};

/* Records a save removes: 1-based numbers (sorted) and the ids among them. */
struct journal_removal {
	uint64_t *pos;
	size_t npos;
	struct strmap ids;
};

struct journal {
	char *path;            /* NULL: in memory only */
	char *name;            /* for messages */
	char *data_name;       /* the dataset's file name, for the header */
	unsigned flags;
	int fd;                /* -1 until the first append */
	bool dir_synced;
	uint64_t file_len;     /* bytes of whole lines in the file */
	uint64_t base_hash;
	uint64_t base_size;
	uint64_t next_seq;
	struct journal_stack done;
	struct journal_stack redo;
	char **annotators;
	uint32_t nannotators;
	struct strmap annot_map;
	uint32_t annotator;
	struct edit_index index;
	size_t pending;
	size_t mismatches;     /* JOURNAL_CHECK_BEFORE */
	bool needs_compact;
	char *broken;          /* why appending is impossible, or NULL */
	struct tt_buf warnings;
	struct tt_buf *prov;   /* provenance output during an export replay */
};

/* ---- small helpers ---- */

char *journal_path_for(const char *data_path)
{
	return tt_xprintf("%s.journal", data_path);
}

static void journal_time_now(char *out, size_t n)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, n, "%s.%03dZ", base, (int)(ts.tv_nsec / 1000000) % 1000);
}

/* s JSON-encoded (s must be valid UTF-8). */
static void journal_put_str(struct tt_buf *b, const char *s)
{
	json_t *v = json_string(s);
	char *enc;

	if (v == NULL)
		v = json_string("?");
	enc = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	json_decref(v);
	if (enc == NULL)
		tt_fatal("journal: cannot encode a string");
	tt_buf_adds(b, enc);
	free(enc);
}

static char *journal_dump(const json_t *v)
{
	char *enc = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

	if (enc == NULL)
		tt_fatal("journal: cannot encode a value");
	return enc;
}

static int journal_write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int journal_fsync_dir(const char *path)
{
	char *dir = tt_xstrdup(path), *slash = strrchr(dir, '/');
	int fd, rc;

	if (slash == NULL) {
		free(dir);
		dir = tt_xstrdup(".");
	} else if (slash == dir) {
		slash[1] = '\0';
	} else {
		*slash = '\0';
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* 1-based column of "key" in a journal line (1 if absent). */
static uint32_t journal_key_col(const char *line, size_t len, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof pat, "\"%s\"", key);
	p = memmem(line, len, pat, strlen(pat));
	return p != NULL ? tt_utf8_column(line, (size_t)(p - line)) : 1;
}

static uint32_t journal_intern_annotator(struct journal *j, const char *name)
{
	uint32_t id;
	const char *what;

	if (tt_utf8_check(name, strlen(name), &what) >= 0 || name[0] == '\0')
		name = "?";
	if (strmap_get(&j->annot_map, name, strlen(name), &id))
		return id;
	j->annotators = tt_xrealloc(j->annotators, (j->nannotators + 1) * sizeof *j->annotators);
	id = j->nannotators++;
	j->annotators[id] = tt_xstrdup(name);
	strmap_put(&j->annot_map, name, strlen(name), id);
	return id;
}

void journal_set_annotator(struct journal *j, const char *name)
{
	if (j == NULL)
		return;
	if (name == NULL || name[0] == '\0')
		name = getenv("USER");
	if (name == NULL || name[0] == '\0')
		name = "unknown";
	j->annotator = journal_intern_annotator(j, name);
}

const char *journal_annotator_name(const struct journal *j, uint32_t index)
{
	return index < j->nannotators ? j->annotators[index] : "?";
}

/* ---- steps and stacks ---- */

static void journal_event_fini(struct journal_event *e)
{
	edit_ref_fini(&e->ref);
	free(e->before);
	free(e->after);
	free(e->time);
	free(e->suggestion);
	memset(e, 0, sizeof *e);
}

static struct journal_step *journal_step_new(uint64_t id, size_t count)
{
	struct journal_step *s = tt_xcalloc(1, sizeof *s);

	s->id = id;
	s->count = count;
	return s;
}

static void journal_step_free(struct journal_step *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		journal_event_fini(&s->ev[i]);
	free(s->ev);
	free(s->undo_time);
	free(s);
}

/* Moves *e into the step. */
static void journal_step_add(struct journal_step *s, struct journal_event *e)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4;
		s->ev = tt_xrealloc(s->ev, s->cap * sizeof *s->ev);
	}
	s->ev[s->n++] = *e;
	memset(e, 0, sizeof *e);
}

static void journal_push(struct journal_stack *st, struct journal_step *s)
{
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 16;
		st->s = tt_xrealloc(st->s, st->cap * sizeof *st->s);
	}
	st->s[st->n++] = s;
}

static struct journal_step *journal_top(const struct journal_stack *st)
{
	return st->n > 0 ? st->s[st->n - 1] : NULL;
}

static void journal_stack_clear(struct journal_stack *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		journal_step_free(st->s[i]);
	st->n = 0;
}

static void journal_stack_fini(struct journal_stack *st)
{
	journal_stack_clear(st);
	free(st->s);
	memset(st, 0, sizeof *st);
}

/* ---- applying events to the dataset ---- */

static void journal_check_before(struct journal *j, const struct dataset *ds, size_t index,
				 const struct journal_event *e)
{
	json_t *cur = edit_get(ds, index, edit_op_field(e->op));
	json_t *before = json_loads(e->before, JSON_DECODE_ANY, NULL);

	if (!json_equal(cur, before))
		j->mismatches++;
	json_decref(cur);
	json_decref(before);
}

/* field := the event's before (use_after 0) or after value. -1 if no such record. */
static int journal_apply(struct journal *j, struct dataset *ds, const struct journal_event *e,
			 int use_after)
{
	size_t index;
	json_t *v;

	if (ds == NULL)
		return 0;
	if (edit_ref_find(&j->index, ds, &e->ref, &index) != 0)
		return -1;
	if (use_after && (j->flags & JOURNAL_CHECK_BEFORE))
		journal_check_before(j, ds, index, e);
	v = json_loads(use_after ? e->after : e->before, JSON_DECODE_ANY, NULL);
	if (v == NULL)
		tt_fatal("journal: a stored value does not parse");
	edit_set(ds, index, edit_op_field(e->op), v, NULL);
	json_decref(v);
	return 0;
}

static void journal_apply_step(struct journal *j, struct dataset *ds, const struct journal_step *s,
			       int use_after)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		journal_apply(j, ds, &s->ev[use_after ? i : s->n - 1 - i], use_after);
}

/* ---- provenance lines (export) ---- */

static void journal_put_ref(struct tt_buf *b, const struct edit_ref *r)
{
	if (r->id != NULL) {
		tt_buf_adds(b, "\"id\":");
		journal_put_str(b, r->id);
	} else {
		tt_buf_printf(b, "\"rec\":%llu", (unsigned long long)r->rec);
	}
}

static void journal_prov_line(struct journal *j, const struct journal_event *e, const char *op,
			      uint64_t seq, const char *time, uint32_t annotator, int reverse)
{
	struct tt_buf *b = j->prov, id;

	tt_buf_init(&id);
	edit_ref_format(&e->ref, &id);
	tt_buf_printf(b, "{\"seq\":%llu,\"time\":", (unsigned long long)seq);
	journal_put_str(b, time);
	tt_buf_adds(b, ",\"annotator\":");
	journal_put_str(b, journal_annotator_name(j, annotator));
	tt_buf_adds(b, ",\"id\":");
	journal_put_str(b, id.data);
	tt_buf_adds(b, ",\"op\":");
	journal_put_str(b, op);
	tt_buf_printf(b, ",\"field\":\"%s\",\"before\":%s,\"after\":%s",
		      edit_field_name(edit_op_field(e->op)), reverse ? e->after : e->before,
		      reverse ? e->before : e->after);
	if (strcmp(op, edit_op_name(e->op)) != 0)
		tt_buf_printf(b, ",\"of_seq\":%llu,\"of_op\":\"%s\"", (unsigned long long)e->seq,
			      edit_op_name(e->op));
	tt_buf_adds(b, ",\"suggestion\":");
	if (e->suggestion != NULL)
		journal_put_str(b, e->suggestion);
	else
		tt_buf_adds(b, "null");
	if (isfinite(e->confidence))
		tt_buf_printf(b, ",\"confidence\":%.6g}\n", e->confidence);
	else
		tt_buf_adds(b, ",\"confidence\":null}\n");
	tt_buf_fini(&id);
}

static void journal_prov_step(struct journal *j, const struct journal_step *s, const char *op,
			      uint64_t seq, const char *time, uint32_t annotator, int reverse)
{
	size_t i;

	if (j->prov == NULL)
		return;
	for (i = 0; i < s->n; i++)
		journal_prov_line(j, &s->ev[reverse ? s->n - 1 - i : i], op, seq, time, annotator,
				  reverse);
}

/* ---- encoding events ---- */

static void journal_encode_event(const struct journal *j, const struct journal_event *e,
				 const struct journal_step *s, int first, struct tt_buf *b)
{
	tt_buf_printf(b, "{\"seq\":%llu,\"time\":", (unsigned long long)e->seq);
	journal_put_str(b, e->time);
	tt_buf_adds(b, ",\"annotator\":");
	journal_put_str(b, journal_annotator_name(j, e->annotator));
	tt_buf_addc(b, ',');
	journal_put_ref(b, &e->ref);
	tt_buf_printf(b, ",\"op\":\"%s\",\"before\":%s,\"after\":%s", edit_op_name(e->op),
		      e->before, e->after);
	if (s->n > 1 || s->id != e->seq) {
		tt_buf_printf(b, ",\"step\":%llu", (unsigned long long)s->id);
		if (first)
			tt_buf_printf(b, ",\"count\":%zu", s->n);
	}
	if (e->suggestion != NULL) {
		tt_buf_adds(b, ",\"suggestion\":");
		journal_put_str(b, e->suggestion);
	}
	if (isfinite(e->confidence))
		tt_buf_printf(b, ",\"confidence\":%.6g", e->confidence);
	tt_buf_adds(b, "}\n");
}

static void journal_encode_marker(const struct journal *j, const char *op, uint64_t seq,
				  const char *time, uint32_t annotator, uint64_t step,
				  struct tt_buf *b)
{
	tt_buf_printf(b, "{\"seq\":%llu,\"time\":", (unsigned long long)seq);
	journal_put_str(b, time);
	tt_buf_adds(b, ",\"annotator\":");
	journal_put_str(b, journal_annotator_name(j, annotator));
	tt_buf_printf(b, ",\"op\":\"%s\",\"step\":%llu}\n", op, (unsigned long long)step);
}

static void journal_encode_header(const struct journal *j, struct tt_buf *b)
{
	char now[64];

	journal_time_now(now, sizeof now);
	tt_buf_printf(b, "{\"tunetop_journal\":%d,\"data\":", JOURNAL_VERSION);
	journal_put_str(b, j->data_name);
	tt_buf_printf(b, ",\"size\":%llu,\"xxh3\":\"%016llx\",\"next_seq\":%llu,\"created\":\"%s\"}\n",
		      (unsigned long long)j->base_size, (unsigned long long)j->base_hash,
		      (unsigned long long)j->next_seq, now);
}

void journal_serialize(const struct journal *j, struct tt_buf *out)
{
	size_t i, k;

	journal_encode_header(j, out);
	for (i = 0; i < j->done.n; i++) {
		const struct journal_step *s = j->done.s[i];

		for (k = 0; k < s->n; k++)
			journal_encode_event(j, &s->ev[k], s, k == 0, out);
	}
	for (i = j->redo.n; i-- > 0;) {
		const struct journal_step *s = j->redo.s[i];

		for (k = 0; k < s->n; k++)
			journal_encode_event(j, &s->ev[k], s, k == 0, out);
	}
	for (i = 0; i < j->redo.n; i++) {
		const struct journal_step *s = j->redo.s[i];

		journal_encode_marker(j, "undo", s->undo_seq, s->undo_time, s->undo_annotator, s->id,
				      out);
	}
}

/* ---- the file ---- */

static int journal_set_broken(struct journal *j, const char *why)
{
	free(j->broken);
	j->broken = tt_xstrdup(why);
	return -1;
}

static int journal_open_fd(struct journal *j, struct tt_err *err)
{
	struct stat st;

	if (j->fd >= 0)
		return 0;
	if (j->path == NULL || (j->flags & JOURNAL_READ_ONLY)) {
		tt_err_set(err, j->name, 0, 0, "the journal is read-only here");
		return -1;
	}
	j->fd = open(j->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (j->fd < 0) {
		tt_err_set(err, j->path, 0, 0, "cannot open the journal: %s", strerror(errno));
		return -1;
	}
	if (flock(j->fd, LOCK_EX | LOCK_NB) != 0) {
		tt_err_set(err, j->path, 0, 0, "another tunetop is editing this dataset "
			   "(its journal is locked)");
		close(j->fd);
		j->fd = -1;
		return -1;
	}
	if (fstat(j->fd, &st) != 0 || (uint64_t)st.st_size != j->file_len) {
		tt_err_set(err, j->path, 0, 0, "the journal changed since it was loaded (another "
			   "program wrote to it); load the data again");
		close(j->fd);
		j->fd = -1;
		return -1;
	}
	j->dir_synced = st.st_size > 0;
	return 0;
}

/* Append whole lines durably (the header first into an empty file). */
static int journal_append(struct journal *j, const struct tt_buf *lines, struct tt_err *err)
{
	struct tt_buf all;
	int rc = 0, e;

	if (j->broken != NULL) {
		tt_err_set(err, j->name, 0, 0, "%s", j->broken);
		return -1;
	}
	if (j->needs_compact && journal_compact(j, err) != 0)
		return -1;
	if (journal_open_fd(j, err) != 0)
		return -1;
	tt_buf_init(&all);
	if (j->file_len == 0)
		journal_encode_header(j, &all);
	tt_buf_add(&all, lines->data, lines->len);
	if (journal_write_all(j->fd, all.data, all.len) != 0 || fdatasync(j->fd) != 0) {
		e = errno;
		if (ftruncate(j->fd, (off_t)j->file_len) != 0 || fdatasync(j->fd) != 0)
			journal_set_broken(j, "the journal could not be repaired after a failed write; "
					   "restart tunetop to recover it");
		tt_err_set(err, j->path, 0, 0, "cannot write the journal: %s", strerror(e));
		rc = -1;
	} else {
		j->file_len += all.len;
		if (!j->dir_synced && journal_fsync_dir(j->path) == 0)
			j->dir_synced = true;
	}
	tt_buf_fini(&all);
	return rc;
}

int journal_compact(struct journal *j, struct tt_err *err)
{
	struct tt_buf out;
	int rc;

	if (j->path == NULL || (j->flags & JOURNAL_READ_ONLY)) {
		tt_err_set(err, j->name, 0, 0, "the journal is read-only here");
		return -1;
	}
	tt_buf_init(&out);
	journal_serialize(j, &out);
	rc = tt_write_file_atomic(j->path, out.data, out.len, err);
	if (rc == 0) {
		if (j->fd >= 0)
			close(j->fd);
		j->fd = -1;
		j->file_len = out.len;
		j->needs_compact = false;
		free(j->broken);
		j->broken = NULL;
		j->dir_synced = true;
	} else {
		j->needs_compact = true;
	}
	tt_buf_fini(&out);
	return rc;
}

/* ---- removal (saves that drop deleted records) ---- */

static void journal_removal_init(struct journal_removal *rm)
{
	memset(rm, 0, sizeof *rm);
	strmap_init(&rm->ids);
}

static void journal_removal_fini(struct journal_removal *rm)
{
	free(rm->pos);
	strmap_fini(&rm->ids);
	memset(rm, 0, sizeof *rm);
}

/* Maps ref to its number after the removal; 0 if its record was removed. */
static int journal_removal_map(const struct journal_removal *rm, struct edit_ref *ref)
{
	size_t lo = 0, hi = rm->npos;
	uint32_t v;

	if (ref->id != NULL)
		return !strmap_get(&rm->ids, ref->id, strlen(ref->id), &v);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rm->pos[mid] < ref->rec)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < rm->npos && rm->pos[lo] == ref->rec)
		return 0;
	ref->rec -= lo;
	return 1;
}

static void journal_prune_stack(struct journal_stack *st)
{
	size_t i, k = 0;

	for (i = 0; i < st->n; i++) {
		if (st->s[i]->n == 0)
			journal_step_free(st->s[i]);
		else
			st->s[k++] = st->s[i];
	}
	st->n = k;
}

static void journal_remap_stack(struct journal_stack *st, const struct journal_removal *rm)
{
	size_t i, e, k;

	for (i = 0; i < st->n; i++) {
		struct journal_step *s = st->s[i];

		for (e = 0, k = 0; e < s->n; e++) {
			if (journal_removal_map(rm, &s->ev[e].ref))
				s->ev[k++] = s->ev[e];
			else
				journal_event_fini(&s->ev[e]);
		}
		s->n = k;
	}
	journal_prune_stack(st);
}

static void journal_removal_of(struct journal *j, const struct dataset *ds,
			       struct journal_removal *rm)
{
	size_t i;

	size_t n = 0;

	journal_removal_init(rm);
	for (i = 0; i < ds->n; i++)
		n += (ds->recs[i].flags & DS_FLAG_DELETED) != 0;
	rm->pos = tt_xcalloc(n + 1, sizeof *rm->pos);
	for (i = 0; i < ds->n; i++) {
		struct edit_ref ref;

		if (!(ds->recs[i].flags & DS_FLAG_DELETED))
			continue;
		rm->pos[rm->npos++] = i + 1;
		edit_ref_of(&j->index, ds, i, &ref);
		if (ref.id != NULL)
			strmap_put(&rm->ids, ref.id, strlen(ref.id), 1);
		edit_ref_fini(&ref);
	}
}

static void journal_encode_save(const struct journal *j, uint64_t seq, uint64_t hash,
				uint64_t size, const struct journal_removal *rm,
				const struct dataset *ds, struct tt_buf *b)
{
	char now[64];
	size_t i, first = 1;

	journal_time_now(now, sizeof now);
	tt_buf_printf(b, "{\"seq\":%llu,\"time\":\"%s\",\"annotator\":", (unsigned long long)seq, now);
	journal_put_str(b, journal_annotator_name(j, j->annotator));
	tt_buf_printf(b, ",\"op\":\"save\",\"size\":%llu,\"xxh3\":\"%016llx\",\"removed_pos\":[",
		      (unsigned long long)size, (unsigned long long)hash);
	for (i = 0; i < rm->npos; i++)
		tt_buf_printf(b, "%s%llu", i ? "," : "", (unsigned long long)rm->pos[i]);
	tt_buf_adds(b, "],\"removed_id\":[");
	for (i = 0; i < rm->npos; i++) {
		struct edit_ref ref;

		edit_ref_of(&j->index, ds, (size_t)(rm->pos[i] - 1), &ref);
		if (ref.id != NULL) {
			if (!first)
				tt_buf_addc(b, ',');
			journal_put_str(b, ref.id);
			first = 0;
		}
		edit_ref_fini(&ref);
	}
	tt_buf_adds(b, "]}\n");
}

/* ---- parsing ---- */

enum journal_line_kind {
	JL_EDIT,
	JL_UNDO,
	JL_REDO,
	JL_SAVE,
};

struct journal_line {
	enum journal_line_kind kind;
	const char *text;      /* in the loaded bytes, for error columns */
	size_t len;
	uint32_t line;
	uint64_t seq;
	uint64_t step;
	size_t count;          /* JL_EDIT: > 0 when it starts a step */
	struct journal_event ev;
	char *time;            /* markers */
	uint32_t annotator;
	uint64_t hash;         /* JL_SAVE */
	uint64_t size;
	struct journal_removal rm;
	bool dropped;
};

/* What a load works with. */
struct journal_load {
	struct journal *j;
	struct dataset *ds;
	const char *data;
	size_t len;
	struct journal_line *lines;
	size_t nlines;
	size_t cap;
	struct tt_err *err;
	bool repair;           /* rewrite the file when done */
};

static int journal_fail(struct journal_load *ld, const struct journal_line *l, const char *key,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int journal_fail(struct journal_load *ld, const struct journal_line *l, const char *key,
			const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	tt_err_set(ld->err, ld->j->name, l->line,
		   key != NULL ? journal_key_col(l->text, l->len, key) : 1, "%s", msg);
	return -1;
}

/* An integer member >= min, or -1 + error. */
static int journal_get_uint(struct journal_load *ld, const struct journal_line *l, json_t *o,
			    const char *key, uint64_t min, uint64_t *out)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		return journal_fail(ld, l, NULL, "missing \"%s\" (expected an integer)", key);
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) < min)
		return journal_fail(ld, l, key, "\"%s\" is not an integer >= %llu", key,
				    (unsigned long long)min);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int journal_get_str(struct journal_load *ld, const struct journal_line *l, json_t *o,
			   const char *key, const char **out)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		return journal_fail(ld, l, NULL, "missing \"%s\" (expected a string)", key);
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return journal_fail(ld, l, key, "\"%s\" is not a string", key);
	*out = json_string_value(v);
	return 0;
}

static int journal_parse_hash(struct journal_load *ld, const struct journal_line *l, json_t *o,
			      uint64_t *out)
{
	const char *s;
	char *end;

	if (journal_get_str(ld, l, o, "xxh3", &s) != 0)
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 16);
	if (strlen(s) != 16 || *end != '\0' || errno != 0)
		return journal_fail(ld, l, "xxh3", "\"xxh3\" is not 16 hex digits");
	return 0;
}

static int journal_parse_header(struct journal_load *ld, struct journal_line *l, json_t *o,
				uint64_t *hash, uint64_t *size)
{
	uint64_t version, next;

	if (!json_is_object(o) || json_object_get(o, "tunetop_journal") == NULL)
		return journal_fail(ld, l, NULL, "not a tunetop journal (expected a header line "
				    "{\"tunetop_journal\":1,...})");
	if (journal_get_uint(ld, l, o, "tunetop_journal", 1, &version) != 0)
		return -1;
	if (version > JOURNAL_VERSION)
		return journal_fail(ld, l, "tunetop_journal", "journal version %llu is newer than "
				    "this tunetop reads (%d)", (unsigned long long)version,
				    JOURNAL_VERSION);
	if (journal_get_uint(ld, l, o, "size", 0, size) != 0 ||
	    journal_parse_hash(ld, l, o, hash) != 0 ||
	    journal_get_uint(ld, l, o, "next_seq", 1, &next) != 0)
		return -1;
	if (next > ld->j->next_seq)
		ld->j->next_seq = next;
	return 0;
}

static int journal_parse_value(struct journal_load *ld, struct journal_line *l, json_t *o,
			       const char *key, char **out)
{
	json_t *v = json_object_get(o, key);
	enum edit_field f = edit_op_field(l->ev.op);
	const char *why;

	if (v == NULL)
		return journal_fail(ld, l, NULL, "missing \"%s\" (expected the %s value)", key,
				    edit_field_name(f));
	why = edit_value_check(f, v);
	if (why != NULL)
		return journal_fail(ld, l, key, "\"%s\" of a %s event is not %s", key,
				    edit_op_name(l->ev.op), why);
	*out = journal_dump(v);
	return 0;
}

static int journal_parse_ref(struct journal_load *ld, struct journal_line *l, json_t *o)
{
	json_t *id = json_object_get(o, "id");
	const char *s;

	if (id != NULL && json_object_get(o, "rec") != NULL)
		return journal_fail(ld, l, "rec", "both \"id\" and \"rec\" (expected one)");
	if (id == NULL)
		return journal_get_uint(ld, l, o, "rec", 1, &l->ev.ref.rec);
	if (journal_get_str(ld, l, o, "id", &s) != 0)
		return -1;
	if (s[0] == '\0')
		return journal_fail(ld, l, "id", "empty \"id\"");
	l->ev.ref.id = tt_xstrdup(s);
	return 0;
}

static int journal_parse_meta(struct journal_load *ld, struct journal_line *l, json_t *o)
{
	json_t *s = json_object_get(o, "suggestion"), *c = json_object_get(o, "confidence");

	l->ev.confidence = NAN;
	if (s != NULL && !json_is_null(s)) {
		if (!json_is_string(s) || strlen(json_string_value(s)) != json_string_length(s))
			return journal_fail(ld, l, "suggestion", "\"suggestion\" is not a string");
		l->ev.suggestion = tt_xstrdup(json_string_value(s));
	}
	if (c != NULL && !json_is_null(c)) {
		if (!json_is_number(c) || !isfinite(json_number_value(c)))
			return journal_fail(ld, l, "confidence", "\"confidence\" is not a number");
		l->ev.confidence = json_number_value(c);
	}
	return 0;
}

/* "step" and "count": which step the event belongs to and whether it starts it. */
static int journal_parse_step(struct journal_load *ld, struct journal_line *l, json_t *o)
{
	uint64_t count = 1;

	l->step = l->seq;
	if (json_object_get(o, "step") != NULL &&
	    journal_get_uint(ld, l, o, "step", 1, &l->step) != 0)
		return -1;
	if (l->step > l->seq)
		return journal_fail(ld, l, "step", "\"step\" %llu is after the event's seq %llu",
				    (unsigned long long)l->step, (unsigned long long)l->seq);
	if (json_object_get(o, "count") != NULL) {
		if (journal_get_uint(ld, l, o, "count", 1, &count) != 0)
			return -1;
		if (count > JOURNAL_MAX_COUNT)
			return journal_fail(ld, l, "count", "\"count\" is too large");
	} else if (json_object_get(o, "step") != NULL && l->step != l->seq) {
		count = 0;   /* continues a step */
	}
	l->count = (size_t)count;
	return 0;
}

static int journal_parse_edit(struct journal_load *ld, struct journal_line *l, json_t *o,
			      enum edit_op op)
{
	const char *time, *annotator;

	l->kind = JL_EDIT;
	l->ev.op = op;
	l->ev.seq = l->seq;
	if (journal_get_str(ld, l, o, "time", &time) != 0 ||
	    journal_get_str(ld, l, o, "annotator", &annotator) != 0)
		return -1;
	l->ev.time = tt_xstrdup(time);
	l->ev.annotator = journal_intern_annotator(ld->j, annotator);
	if (journal_parse_ref(ld, l, o) != 0 || journal_parse_value(ld, l, o, "before", &l->ev.before) != 0 ||
	    journal_parse_value(ld, l, o, "after", &l->ev.after) != 0 ||
	    journal_parse_meta(ld, l, o) != 0)
		return -1;
	return journal_parse_step(ld, l, o);
}

static int journal_parse_removed(struct journal_load *ld, struct journal_line *l, json_t *o)
{
	json_t *pos = json_object_get(o, "removed_pos"), *ids = json_object_get(o, "removed_id");
	size_t i;

	if (!json_is_array(pos) || !json_is_array(ids))
		return journal_fail(ld, l, pos == NULL ? "removed_id" : "removed_pos",
				    "expected arrays \"removed_pos\" and \"removed_id\"");
	journal_removal_init(&l->rm);
	l->rm.pos = tt_xcalloc(json_array_size(pos) + 1, sizeof *l->rm.pos);
	for (i = 0; i < json_array_size(pos); i++) {
		json_t *v = json_array_get(pos, i);

		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    (i > 0 && (uint64_t)json_integer_value(v) <= l->rm.pos[i - 1]))
			return journal_fail(ld, l, "removed_pos", "\"removed_pos\" is not an "
					    "increasing list of record numbers");
		l->rm.pos[l->rm.npos++] = (uint64_t)json_integer_value(v);
	}
	for (i = 0; i < json_array_size(ids); i++) {
		json_t *v = json_array_get(ids, i);

		if (!json_is_string(v))
			return journal_fail(ld, l, "removed_id", "\"removed_id\" is not a list of ids");
		strmap_put(&l->rm.ids, json_string_value(v), json_string_length(v), 1);
	}
	return 0;
}

static int journal_parse_marker(struct journal_load *ld, struct journal_line *l, json_t *o,
				const char *op)
{
	const char *time, *annotator;

	if (journal_get_str(ld, l, o, "time", &time) != 0 ||
	    journal_get_str(ld, l, o, "annotator", &annotator) != 0)
		return -1;
	l->time = tt_xstrdup(time);
	l->annotator = journal_intern_annotator(ld->j, annotator);
	if (strcmp(op, "save") == 0) {
		l->kind = JL_SAVE;
		if (journal_get_uint(ld, l, o, "size", 0, &l->size) != 0 ||
		    journal_parse_hash(ld, l, o, &l->hash) != 0)
			return -1;
		return journal_parse_removed(ld, l, o);
	}
	l->kind = strcmp(op, "undo") == 0 ? JL_UNDO : JL_REDO;
	return journal_get_uint(ld, l, o, "step", 1, &l->step);
}

static int journal_parse_line(struct journal_load *ld, struct journal_line *l)
{
	json_error_t je;
	json_t *o = json_loadb(l->text, l->len, JSON_REJECT_DUPLICATES, &je);
	const char *op;
	enum edit_op eop;
	int rc;

	if (o == NULL) {
		tt_err_set(ld->err, ld->j->name, l->line, je.column > 0 ? (uint32_t)je.column : 1,
			   "malformed JSON: %s", je.text);
		return -1;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		return journal_fail(ld, l, NULL, "expected a JSON object (one event a line)");
	}
	rc = journal_get_uint(ld, l, o, "seq", 1, &l->seq);
	if (rc == 0)
		rc = journal_get_str(ld, l, o, "op", &op);
	if (rc == 0) {
		if (edit_op_parse(op, &eop) == 0)
			rc = journal_parse_edit(ld, l, o, eop);
		else if (strcmp(op, "undo") == 0 || strcmp(op, "redo") == 0 || strcmp(op, "save") == 0)
			rc = journal_parse_marker(ld, l, o, op);
		else
			rc = journal_fail(ld, l, "op", "unknown op '%s' (expected label, unlabel, flag, "
					  "unflag, unsure, sure, note, text, delete, undelete, undo, "
					  "redo or save)", op);
	}
	json_decref(o);
	return rc;
}

static void journal_line_fini(struct journal_line *l)
{
	journal_event_fini(&l->ev);
	free(l->time);
	if (l->kind == JL_SAVE)
		journal_removal_fini(&l->rm);
}

static int journal_is_blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	}
	return 1;
}

/* Split into lines, parse the header and every event. */
static int journal_parse_all(struct journal_load *ld, uint64_t *hash, uint64_t *size)
{
	size_t pos = 0;
	uint32_t lineno = 0;
	int have_header = 0;

	while (pos < ld->len) {
		const char *nl = memchr(ld->data + pos, '\n', ld->len - pos);
		struct journal_line l;
		json_t *o;
		json_error_t je;

		lineno++;
		if (nl == NULL) {
			tt_buf_printf(&ld->j->warnings, "%s:%u: warning: ignored an incomplete last "
				      "line (tunetop was stopped while writing it)\n", ld->j->name, lineno);
			ld->repair = true;
			break;
		}
		memset(&l, 0, sizeof l);
		l.text = ld->data + pos;
		l.len = (size_t)(nl - l.text);
		l.line = lineno;
		pos = (size_t)(nl - ld->data) + 1;
		if (journal_is_blank(l.text, l.len))
			continue;
		if (!have_header) {
			o = json_loadb(l.text, l.len, JSON_REJECT_DUPLICATES, &je);
			if (o == NULL) {
				tt_err_set(ld->err, ld->j->name, l.line, je.column > 0 ? (uint32_t)je.column : 1,
					   "malformed JSON: %s", je.text);
				return -1;
			}
			have_header = 1;
			if (journal_parse_header(ld, &l, o, hash, size) != 0) {
				json_decref(o);
				return -1;
			}
			json_decref(o);
			continue;
		}
		if (ld->nlines == ld->cap) {
			ld->cap = ld->cap ? ld->cap * 2 : 256;
			ld->lines = tt_xrealloc(ld->lines, ld->cap * sizeof *ld->lines);
		}
		ld->lines[ld->nlines] = l;
		if (journal_parse_line(ld, &ld->lines[ld->nlines]) != 0) {
			ld->nlines++;
			return -1;
		}
		ld->nlines++;
	}
	if (!have_header) {
		/* Nothing but blank or torn bytes: start the file again. */
		*hash = ld->j->base_hash;
		*size = ld->j->base_size;
		ld->repair = ld->repair || ld->len > 0;
	}
	return 0;
}

/* ---- replay ---- */

struct journal_replay {
	struct journal_step *open;   /* the step being read */
	size_t open_seen;            /* its events so far (dropped ones too) */
	uint64_t last_seq;
	uint64_t last_step;
};

/* The open step is complete: a new step clears the redo stack. */
static int journal_close_open(struct journal_load *ld, struct journal_replay *rp,
			      const struct journal_line *l)
{
	if (rp->open == NULL)
		return 0;
	if (rp->open_seen < rp->open->count)
		return journal_fail(ld, l, NULL, "step %llu announced %zu events but has %zu",
				    (unsigned long long)rp->open->id, rp->open->count, rp->open_seen);
	journal_stack_clear(&ld->j->redo);
	rp->open = NULL;
	return 0;
}

static int journal_fail_ref(struct journal_load *ld, const struct journal_line *l)
{
	struct tt_buf id;
	int rc;

	tt_buf_init(&id);
	edit_ref_format(&l->ev.ref, &id);
	rc = journal_fail(ld, l, l->ev.ref.id != NULL ? "id" : "rec", "no record %s%s in %s "
			  "(%zu records)", l->ev.ref.id != NULL ? "" : "number ", id.data,
			  ld->ds->path, ld->ds->n);
	tt_buf_fini(&id);
	return rc;
}

static int journal_replay_edit(struct journal_load *ld, struct journal_replay *rp,
			       struct journal_line *l)
{
	struct journal *j = ld->j;

	if (l->count > 0) {
		if (journal_close_open(ld, rp, l) != 0)
			return -1;
		if (l->step <= rp->last_step)
			return journal_fail(ld, l, "step", "step %llu is not after step %llu",
					    (unsigned long long)l->step, (unsigned long long)rp->last_step);
		rp->open = journal_step_new(l->step, l->count);
		rp->open_seen = 0;
		rp->last_step = l->step;
		journal_push(&j->done, rp->open);
	} else if (rp->open == NULL || rp->open->id != l->step) {
		return journal_fail(ld, l, "step", "event continues step %llu, which is not the "
				    "step being read", (unsigned long long)l->step);
	}
	rp->open_seen++;
	if (!l->dropped) {
		if (journal_apply(j, ld->ds, &l->ev, 1) != 0)
			return journal_fail_ref(ld, l);
		if (j->prov != NULL)
			journal_prov_line(j, &l->ev, edit_op_name(l->ev.op), l->seq, l->ev.time,
					  l->ev.annotator, 0);
		journal_step_add(rp->open, &l->ev);
	}
	if (rp->open_seen == rp->open->count)
		return journal_close_open(ld, rp, l);
	return 0;
}

static int journal_replay_undo(struct journal_load *ld, struct journal_replay *rp,
			       struct journal_line *l)
{
	struct journal *j = ld->j;
	int undo = l->kind == JL_UNDO;
	struct journal_stack *from = undo ? &j->done : &j->redo, *to = undo ? &j->redo : &j->done;
	struct journal_step *s;

	if (journal_close_open(ld, rp, l) != 0)
		return -1;
	s = journal_top(from);
	if (s == NULL || s->id != l->step)
		return journal_fail(ld, l, "step", "%s of step %llu, but the %s step is %s",
				    undo ? "undo" : "redo", (unsigned long long)l->step,
				    undo ? "last" : "last undone", s == NULL ? "none" : "another");
	journal_apply_step(j, ld->ds, s, !undo);
	journal_prov_step(j, s, undo ? "undo" : "redo", l->seq, l->time, l->annotator, undo);
	from->n--;
	journal_push(to, s);
	if (undo) {
		free(s->undo_time);
		s->undo_time = l->time;
		l->time = NULL;
		s->undo_seq = l->seq;
		s->undo_annotator = l->annotator;
	}
	return 0;
}

/* A bulk step cut short by a crash at the end of the file: take it back. */
static void journal_rollback_open(struct journal_load *ld, struct journal_replay *rp)
{
	struct journal *j = ld->j;
	struct journal_step *s = rp->open;

	journal_apply_step(j, ld->ds, s, 0);
	j->done.n--;
	tt_buf_printf(&j->warnings, "%s: warning: dropped an incomplete bulk edit (step %llu, "
		      "%zu of %zu records written before tunetop stopped)\n", j->name,
		      (unsigned long long)s->id, rp->open_seen, s->count);
	journal_step_free(s);
	rp->open = NULL;
	ld->repair = true;
}

static int journal_replay(struct journal_load *ld, size_t effective_save)
{
	struct journal_replay rp;
	size_t i;
	int rc = 0;

	memset(&rp, 0, sizeof rp);
	for (i = 0; i < ld->nlines && rc == 0; i++) {
		struct journal_line *l = &ld->lines[i];

		if (l->seq <= rp.last_seq) {
			rc = journal_fail(ld, l, "seq", "seq %llu is not above the previous %llu",
					  (unsigned long long)l->seq, (unsigned long long)rp.last_seq);
			break;
		}
		rp.last_seq = l->seq;
		if (l->kind == JL_EDIT) {
			rc = journal_replay_edit(ld, &rp, l);
		} else if (l->kind == JL_SAVE) {
			rc = journal_close_open(ld, &rp, l);
			if (rc == 0 && i == effective_save) {
				journal_prune_stack(&ld->j->done);
				journal_prune_stack(&ld->j->redo);
			}
		} else {
			rc = journal_replay_undo(ld, &rp, l);
		}
	}
	if (rc == 0 && rp.open != NULL)
		journal_rollback_open(ld, &rp);
	if (rp.last_seq >= ld->j->next_seq)
		ld->j->next_seq = rp.last_seq + 1;
	return rc;
}

/* The save marker whose file is the base now, or (size_t)-1. */
static size_t journal_find_save(const struct journal_load *ld, uint64_t hash, uint64_t size)
{
	size_t i;

	for (i = ld->nlines; i-- > 0;) {
		const struct journal_line *l = &ld->lines[i];

		if (l->kind == JL_SAVE && l->hash == hash && l->size == size)
			return i;
	}
	return (size_t)-1;
}

static bool journal_has_edits(const struct journal_load *ld)
{
	size_t i;

	for (i = 0; i < ld->nlines; i++) {
		if (ld->lines[i].kind == JL_EDIT)
			return true;
	}
	return false;
}

/*
 * Which base the journal applies to. Returns the index of the save marker
 * to renumber at, (size_t)-1 for none, or -2 + err.
 */
static size_t journal_check_base(struct journal_load *ld, uint64_t hash, uint64_t size)
{
	struct journal *j = ld->j;
	size_t m, i;

	if ((j->flags & JOURNAL_TRUST_BASE) || ld->ds == NULL ||
	    (hash == j->base_hash && size == j->base_size))
		return (size_t)-1;
	m = journal_find_save(ld, j->base_hash, j->base_size);
	if (m != (size_t)-1) {
		for (i = 0; i < m; i++) {
			if (ld->lines[i].kind == JL_EDIT &&
			    !journal_removal_map(&ld->lines[m].rm, &ld->lines[i].ev.ref))
				ld->lines[i].dropped = true;
		}
		ld->repair = true;
		return m;
	}
	if (!journal_has_edits(ld)) {
		tt_buf_printf(&j->warnings, "%s: warning: %s changed since this journal was "
			      "written; it held no edits and starts afresh\n", j->name, ld->ds->path);
		for (i = 0; i < ld->nlines; i++)
			journal_line_fini(&ld->lines[i]);
		ld->nlines = 0;
		ld->repair = true;
		return (size_t)-1;
	}
	tt_err_set(ld->err, j->name, 0, 0, "%s changed since this journal was written (the "
		   "journal's edits could land on the wrong records). Move the journal aside to "
		   "open the file as it is, or restore the file the journal belongs to",
		   ld->ds->path);
	return (size_t)-2;
}

static int journal_load_bytes(struct journal *j, struct dataset *ds, const char *data, size_t len,
			      struct tt_err *err)
{
	struct journal_load ld;
	uint64_t hash = j->base_hash, size = j->base_size;
	size_t m = (size_t)-1, i;
	int rc;

	memset(&ld, 0, sizeof ld);
	ld.j = j;
	ld.ds = ds;
	ld.data = data;
	ld.len = len;
	ld.err = err;
	rc = journal_parse_all(&ld, &hash, &size);
	if (rc == 0) {
		m = journal_check_base(&ld, hash, size);
		if (m == (size_t)-2)
			rc = -1;
	}
	if (rc == 0)
		rc = journal_replay(&ld, m);
	for (i = 0; i < ld.nlines; i++)
		journal_line_fini(&ld.lines[i]);
	free(ld.lines);
	if (rc != 0)
		return -1;
	j->file_len = len;
	if (ld.repair && j->path != NULL && !(j->flags & JOURNAL_READ_ONLY) &&
	    journal_compact(j, err) != 0) {
		char msg[1200];

		tt_err_format(err, msg, sizeof msg);
		tt_buf_printf(&j->warnings, "%s: warning: could not repair the journal (%s); "
			      "edits are refused until it can be rewritten\n", j->name, msg);
		tt_err_clear(err);
	}
	return 0;
}

/* ---- open and close ---- */

static struct journal *journal_new(const char *path, const char *name, struct dataset *ds,
				   const char *annotator, unsigned flags)
{
	struct journal *j = tt_xcalloc(1, sizeof *j);
	const char *base;

	j->path = path != NULL ? tt_xstrdup(path) : NULL;
	j->name = tt_xstrdup(name);
	base = ds != NULL && ds->path != NULL ? ds->path : "data";
	j->data_name = tt_xstrdup(strrchr(base, '/') != NULL ? strrchr(base, '/') + 1 : base);
	j->flags = flags;
	j->fd = -1;
	j->next_seq = 1;
	strmap_init(&j->annot_map);
	tt_buf_init(&j->warnings);
	journal_set_annotator(j, annotator);
	if (ds != NULL) {
		edit_index_build(&j->index, ds);
		j->base_hash = XXH3_64bits(ds->buf != NULL ? ds->buf : "", ds->buf_len);
		j->base_size = ds->buf_len;
	} else {
		strmap_init(&j->index.ids);
	}
	return j;
}

int journal_open(struct journal **out, struct dataset *ds, const char *annotator,
		 unsigned flags, struct tt_err *err)
{
	char *path = journal_path_for(ds->path), *data;
	struct journal *j = journal_new(path, path, ds, annotator, flags);
	size_t len;
	struct tt_err rerr;

	free(path);
	*out = NULL;
	if (access(j->path, F_OK) != 0 && errno == ENOENT) {
		*out = j;
		return 0;
	}
	tt_err_clear(&rerr);
	if (tt_read_file(j->path, &data, &len, &rerr) != 0) {
		*err = rerr;
		journal_close(j);
		return -1;
	}
	if (journal_load_bytes(j, ds, data, len, err) != 0) {
		free(data);
		journal_close(j);
		return -1;
	}
	free(data);
	*out = j;
	return 0;
}

int journal_open_buffer(struct journal **out, const char *name, const char *data, size_t len,
			struct dataset *ds, unsigned flags, struct tt_err *err)
{
	struct journal *j = journal_new(NULL, name, ds, NULL, flags | JOURNAL_READ_ONLY);

	*out = NULL;
	if (journal_load_bytes(j, ds, data, len, err) != 0) {
		journal_close(j);
		return -1;
	}
	*out = j;
	return 0;
}

void journal_close(struct journal *j)
{
	uint32_t i;

	if (j == NULL)
		return;
	if (j->fd >= 0)
		close(j->fd);
	journal_stack_fini(&j->done);
	journal_stack_fini(&j->redo);
	for (i = 0; i < j->nannotators; i++)
		free(j->annotators[i]);
	free(j->annotators);
	strmap_fini(&j->annot_map);
	edit_index_fini(&j->index);
	tt_buf_fini(&j->warnings);
	free(j->broken);
	free(j->path);
	free(j->name);
	free(j->data_name);
	free(j);
}

const char *journal_warnings(const struct journal *j)
{
	return j != NULL && j->warnings.data != NULL ? j->warnings.data : "";
}

const char *journal_path(const struct journal *j)
{
	return j->path != NULL ? j->path : j->name;
}

const struct edit_index *journal_index(const struct journal *j)
{
	return &j->index;
}

size_t journal_mismatches(const struct journal *j)
{
	return j->mismatches;
}

size_t journal_undo_depth(const struct journal *j)
{
	return j->done.n;
}

size_t journal_redo_depth(const struct journal *j)
{
	return j->redo.n;
}

size_t journal_pending(const struct journal *j)
{
	return j != NULL ? j->pending : 0;
}

void journal_pending_reset(struct journal *j)
{
	if (j != NULL)
		j->pending = 0;
}

void journal_pending_add(struct journal *j, size_t n)
{
	if (j != NULL)
		j->pending += n;
}

/* ---- edits, undo, redo ---- */

static int journal_check_changes(const struct dataset *ds, const struct journal_change *ch,
				 size_t n, const struct journal_meta *meta, struct tt_err *err)
{
	const char *why, *what;
	size_t i;

	if (n == 0) {
		tt_err_set(err, NULL, 0, 0, "nothing to change");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (ch[i].index >= ds->n || (unsigned)ch[i].op >= EDIT_NOPS) {
			tt_err_set(err, NULL, 0, 0, "no record %zu", ch[i].index + 1);
			return -1;
		}
		why = edit_value_check(edit_op_field(ch[i].op), ch[i].after);
		if (why != NULL) {
			tt_err_set(err, NULL, 0, 0, "%s: expected %s", edit_op_name(ch[i].op), why);
			return -1;
		}
	}
	if (meta != NULL && meta->suggestion != NULL &&
	    tt_utf8_check(meta->suggestion, strlen(meta->suggestion), &what) >= 0) {
		tt_err_set(err, NULL, 0, 0, "suggestion: %s (expected UTF-8 text)", what);
		return -1;
	}
	return 0;
}

static void journal_make_event(struct journal *j, const struct dataset *ds,
			       const struct journal_change *c, uint64_t seq, const char *time,
			       const struct journal_meta *meta, struct journal_event *e)
{
	json_t *before = edit_get(ds, c->index, edit_op_field(c->op));

	memset(e, 0, sizeof *e);
	e->seq = seq;
	e->op = c->op;
	edit_ref_of(&j->index, ds, c->index, &e->ref);
	e->before = journal_dump(before);
	json_decref(before);
	e->after = journal_dump(c->after);
	e->time = tt_xstrdup(time);
	e->annotator = j->annotator;
	e->confidence = NAN;
	if (meta != NULL && meta->suggestion != NULL)
		e->suggestion = tt_xstrdup(meta->suggestion);
	if (meta != NULL && isfinite(meta->confidence))
		e->confidence = meta->confidence;
}

int journal_edit(struct journal *j, struct dataset *ds, const struct journal_change *ch,
		 size_t n, const struct journal_meta *meta, const struct journal_step **stepp,
		 uint32_t *new_labels, struct tt_err *err)
{
	struct journal_step *s;
	struct tt_buf lines;
	char now[64];
	size_t i;

	if (journal_check_changes(ds, ch, n, meta, err) != 0)
		return -1;
	journal_time_now(now, sizeof now);
	s = journal_step_new(j->next_seq, n);
	tt_buf_init(&lines);
	for (i = 0; i < n; i++) {
		struct journal_event e;

		journal_make_event(j, ds, &ch[i], j->next_seq + i, now, meta, &e);
		journal_step_add(s, &e);
	}
	for (i = 0; i < n; i++)
		journal_encode_event(j, &s->ev[i], s, i == 0, &lines);
	if (journal_append(j, &lines, err) != 0) {
		tt_buf_fini(&lines);
		journal_step_free(s);
		return -1;
	}
	tt_buf_fini(&lines);
	j->next_seq += n;
	for (i = 0; i < n; i++)
		edit_set(ds, ch[i].index, edit_op_field(ch[i].op), ch[i].after, new_labels);
	journal_stack_clear(&j->redo);
	journal_push(&j->done, s);
	j->pending += n;
	if (stepp != NULL)
		*stepp = s;
	return 0;
}

static int journal_undo_redo(struct journal *j, struct dataset *ds, int undo, uint64_t *seq,
			     const struct journal_step **stepp, struct tt_err *err)
{
	struct journal_stack *from = undo ? &j->done : &j->redo, *to = undo ? &j->redo : &j->done;
	struct journal_step *s = journal_top(from);
	struct tt_buf line;
	char now[64];

	if (s == NULL) {
		tt_err_set(err, NULL, 0, 0, "nothing to %s", undo ? "undo" : "redo");
		return -1;
	}
	journal_time_now(now, sizeof now);
	tt_buf_init(&line);
	journal_encode_marker(j, undo ? "undo" : "redo", j->next_seq, now, j->annotator, s->id,
			      &line);
	if (journal_append(j, &line, err) != 0) {
		tt_buf_fini(&line);
		return -1;
	}
	tt_buf_fini(&line);
	*seq = j->next_seq++;
	journal_apply_step(j, ds, s, !undo);
	from->n--;
	journal_push(to, s);
	if (undo) {
		free(s->undo_time);
		s->undo_time = tt_xstrdup(now);
		s->undo_seq = *seq;
		s->undo_annotator = j->annotator;
	}
	j->pending += s->n;
	if (stepp != NULL)
		*stepp = s;
	return 0;
}

int journal_undo(struct journal *j, struct dataset *ds, uint64_t *seq,
		 const struct journal_step **step, struct tt_err *err)
{
	return journal_undo_redo(j, ds, 1, seq, step, err);
}

int journal_redo(struct journal *j, struct dataset *ds, uint64_t *seq,
		 const struct journal_step **step, struct tt_err *err)
{
	return journal_undo_redo(j, ds, 0, seq, step, err);
}

/* ---- save ---- */

/* Nothing journaled, nothing to remove: a plain atomic save. */
static int journal_save_plain(struct journal *j, struct dataset *ds, const struct tt_buf *out,
			      uint64_t hash, struct tt_err *err)
{
	if (tt_write_file_atomic(ds->path, out->data, out->len, err) != 0)
		return -1;
	j->base_hash = hash;
	j->base_size = out->len;
	return 0;
}

static int journal_save_marked(struct journal *j, struct dataset *ds, const struct tt_buf *out,
			       uint64_t hash, struct journal_removal *rm, struct tt_err *err)
{
	struct tt_buf line;
	int rc;

	tt_buf_init(&line);
	journal_encode_save(j, j->next_seq, hash, out->len, rm, ds, &line);
	rc = journal_append(j, &line, err);
	tt_buf_fini(&line);
	if (rc != 0)
		return -1;
	j->next_seq++;
	if (tt_write_file_atomic(ds->path, out->data, out->len, err) != 0)
		return -1;
	j->base_hash = hash;
	j->base_size = out->len;
	journal_remap_stack(&j->done, rm);
	journal_remap_stack(&j->redo, rm);
	if (journal_compact(j, err) != 0)
		return 1;
	return 0;
}

int journal_save(struct journal *j, struct dataset *ds, enum ds_format_id fmt, size_t *removed,
		 struct tt_err *err)
{
	struct tt_buf out;
	struct journal_removal rm;
	uint64_t hash;
	int rc;

	*removed = 0;
	tt_buf_init(&out);
	if (dataset_write(ds, fmt == DS_FMT_AUTO ? ds->format : fmt, &out, err) != 0) {
		tt_buf_fini(&out);
		return -1;
	}
	hash = XXH3_64bits(out.data != NULL ? out.data : "", out.len);
	journal_removal_of(j, ds, &rm);
	if (j->done.n == 0 && j->redo.n == 0 && j->file_len == 0 && rm.npos == 0)
		rc = journal_save_plain(j, ds, &out, hash, err);
	else
		rc = journal_save_marked(j, ds, &out, hash, &rm, err);
	if (rc >= 0)
		*removed = rm.npos;
	journal_removal_fini(&rm);
	tt_buf_fini(&out);
	return rc;
}

/* ---- reading for people ---- */

static const char *journal_json_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "?";
}

static void journal_format_change(json_t *o, struct tt_buf *out)
{
	json_t *v;

	if ((v = json_object_get(o, "id")) != NULL && json_is_string(v))
		tt_buf_printf(out, " %s", json_string_value(v));
	else if ((v = json_object_get(o, "rec")) != NULL)
		tt_buf_printf(out, " %lld", (long long)json_integer_value(v));
	if (json_object_get(o, "after") != NULL) {
		char *b = journal_dump(json_object_get(o, "before"));
		char *a = journal_dump(json_object_get(o, "after"));

		tt_buf_printf(out, "  %.60s -> %.60s", b, a);
		free(b);
		free(a);
	} else if ((v = json_object_get(o, "step")) != NULL) {
		tt_buf_printf(out, " step %lld", (long long)json_integer_value(v));
	}
	if ((v = json_object_get(o, "removed_pos")) != NULL)
		tt_buf_printf(out, " (%zu deleted records removed)", json_array_size(v));
}

/* One journal line for people: seq, time, annotator, op, id, before -> after. */
static void journal_format_line(const char *text, size_t len, struct tt_buf *out)
{
	json_t *o = json_loadb(text, len, 0, NULL);

	if (o == NULL || !json_is_object(o)) {
		tt_buf_printf(out, "%.*s\n", (int)len, text);
		json_decref(o);
		return;
	}
	tt_buf_printf(out, "%6lld  %s  %-10s %-8s", (long long)json_integer_value(json_object_get(o, "seq")),
		      journal_json_str(o, "time"), journal_json_str(o, "annotator"),
		      journal_json_str(o, "op"));
	journal_format_change(o, out);
	tt_buf_addc(out, '\n');
	json_decref(o);
}

int journal_tail(const struct journal *j, size_t n, struct tt_buf *out, struct tt_err *err)
{
	char *data;
	size_t len, *starts = NULL, nstarts = 0, cap = 0, pos = 0, i;

	if (j->path == NULL || access(j->path, F_OK) != 0) {
		tt_buf_adds(out, "no edits yet\n");
		return 0;
	}
	if (tt_read_file(j->path, &data, &len, err) != 0)
		return -1;
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);

		if (nl == NULL)
			break;
		if (nstarts == cap) {
			cap = cap ? cap * 2 : 64;
			starts = tt_xrealloc(starts, cap * sizeof *starts);
		}
		starts[nstarts++] = pos;
		pos = (size_t)(nl - data) + 1;
	}
	if (nstarts <= 1)
		tt_buf_adds(out, "no edits yet\n");
	for (i = nstarts > n + 1 ? nstarts - n : 1; i < nstarts; i++) {
		const char *p = data + starts[i];

		journal_format_line(p, (size_t)((const char *)memchr(p, '\n', len - starts[i]) - p), out);
	}
	free(starts);
	free(data);
	return 0;
}

/* ---- provenance ---- */

int journal_export_provenance(const char *path, const char *out_path, size_t *count,
			      struct tt_err *err)
{
	size_t n = strlen(path), i;
	char *jpath = n > 8 && strcmp(path + n - 8, ".journal") == 0 ? tt_xstrdup(path) :
		      journal_path_for(path);
	struct journal *j;
	struct tt_buf prov;
	char *data;
	size_t len;
	int rc;

	*count = 0;
	if (tt_read_file(jpath, &data, &len, err) != 0) {
		free(jpath);
		return -1;
	}
	j = journal_new(NULL, jpath, NULL, NULL, JOURNAL_READ_ONLY | JOURNAL_TRUST_BASE);
	free(jpath);
	tt_buf_init(&prov);
	j->prov = &prov;
	rc = journal_load_bytes(j, NULL, data, len, err);
	free(data);
	if (rc == 0)
		rc = tt_write_file_atomic(out_path, prov.data != NULL ? prov.data : "", prov.len, err);
	for (i = 0; rc == 0 && i < prov.len; i++)
		*count += prov.data[i] == '\n';
	if (rc == 0 && j->warnings.len > 0)
		fputs(j->warnings.data, stderr);
	tt_buf_fini(&prov);
	journal_close(j);
	return rc;
}
