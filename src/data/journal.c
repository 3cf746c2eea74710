/*
 * journal.c - the append-only edit journal: the file (opening it, its
 * header, durable appends under flock), the public API, and the design
 * of the whole journal module (this note).
 *
 * Files. journal.c: the file and the API. journal-parse.c: reading lines
 * (jansson, torn tails, errors with file:line:column). journal-replay.c:
 * replay over the dataset, the base check, the load. journal-undo.c:
 * steps, the done/redo stacks, edits, undo and redo. journal-compact.c:
 * the compact form, compaction and saves. journal-report.c: tail and the
 * provenance export. Their shared insides: journal-impl.h, beside them.
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
 * An adjudication (a label chosen where annotators disagreed, agree.h)
 * also carries the answers it settled, who gave which label:
 *
 *   {"seq":30,...,"annotator":"lead","id":"t0042","op":"label",
 *    "before":["billing"],"after":["refund"],
 *    "adjudicates":[{"annotator":"ana","label":["billing"]},
 *                   {"annotator":"bob","label":["refund"]}]}
 *
 * Journals written before it simply have none.
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
#include "journal-impl.h"
#include "tunetop/tempfile.h"

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

/* ---- small helpers ---- */

char *journal_path_for(const char *data_path)
{
	return tt_xprintf("%s.journal", data_path);
}

void journal_time_now(char *out, size_t n)
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
void journal_put_str(struct tt_buf *b, const char *s)
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

char *journal_dump(const json_t *v)
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

uint32_t journal_intern_annotator(struct journal *j, const char *name)
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

uint32_t journal_annotator_count(const struct journal *j)
{
	return j->nannotators;
}

const char *journal_annotator_name(const struct journal *j, uint32_t index)
{
	return index < j->nannotators ? j->annotators[index] : "?";
}

/* ---- encoding lines ---- */

static void journal_put_ref(struct tt_buf *b, const struct edit_ref *r)
{
	if (r->id != NULL) {
		tt_buf_adds(b, "\"id\":");
		journal_put_str(b, r->id);
	} else {
		tt_buf_printf(b, "\"rec\":%llu", (unsigned long long)r->rec);
	}
}

void journal_encode_event(const struct journal *j, const struct journal_event *e,
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
	if (e->adjudicates != NULL)
		tt_buf_printf(b, ",\"adjudicates\":%s", e->adjudicates);
	tt_buf_adds(b, "}\n");
}

void journal_encode_marker(const struct journal *j, const char *op, uint64_t seq,
			   const char *time, uint32_t annotator, uint64_t step,
			   struct tt_buf *b)
{
	tt_buf_printf(b, "{\"seq\":%llu,\"time\":", (unsigned long long)seq);
	journal_put_str(b, time);
	tt_buf_adds(b, ",\"annotator\":");
	journal_put_str(b, journal_annotator_name(j, annotator));
	tt_buf_printf(b, ",\"op\":\"%s\",\"step\":%llu}\n", op, (unsigned long long)step);
}

void journal_encode_header(const struct journal *j, struct tt_buf *b)
{
	char now[64];

	journal_time_now(now, sizeof now);
	tt_buf_printf(b, "{\"tunetop_journal\":%d,\"data\":", JOURNAL_VERSION);
	journal_put_str(b, j->data_name);
	tt_buf_printf(b, ",\"size\":%llu,\"xxh3\":\"%016llx\",\"next_seq\":%llu,\"created\":\"%s\"}\n",
		      (unsigned long long)j->base_size, (unsigned long long)j->base_hash,
		      (unsigned long long)j->next_seq, now);
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

int journal_refuse_held(const struct journal *j, struct tt_err *err)
{
	if (j->held == NULL)
		return 0;
	tt_err_set(err, NULL, 0, 0, "refused: the journal holds a line that cannot be replayed "
		   "(%s); nothing is written to it until it is set aside: run 'journal set-aside'",
		   j->held);
	return -1;
}

/* Append whole lines durably (the header first into an empty file). */
int journal_append(struct journal *j, const struct tt_buf *lines, struct tt_err *err)
{
	struct tt_buf all;
	int rc = 0, e;

	if (journal_refuse_held(j, err) != 0)
		return -1;
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

/* ---- open and close ---- */

struct journal *journal_new(const char *path, const char *name, struct dataset *ds,
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
	tempfile_clean_stale(j->path);
	if (access(j->path, F_OK) != 0 && errno == ENOENT) {
		*out = j;
		return 0;
	}
	tt_err_clear(&rerr);
	if (tt_read_file(j->path, &data, &len, &rerr) != 0) {
		if (flags & JOURNAL_HOLD_BAD) {
			/* An unreadable journal holds the data back no more than a bad line. */
			journal_hold(j, ds, &rerr);
			*out = j;
			return 0;
		}
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
	free(j->held);
	free(j->path);
	free(j->name);
	free(j->data_name);
	free(j);
}

const char *journal_held(const struct journal *j)
{
	return j != NULL ? j->held : NULL;
}

/* "<journal>.aside-20260105T103212Z", or with "-2", "-3"... if that is taken. */
static char *journal_aside_name(const struct journal *j)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	char *name;
	int k;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	name = tt_xprintf("%s.aside-%s", j->path, stamp);
	for (k = 2; access(name, F_OK) == 0 || errno != ENOENT; k++) {
		free(name);
		if (k > 1000)
			return NULL;
		name = tt_xprintf("%s.aside-%s-%d", j->path, stamp, k);
	}
	return name;
}

int journal_set_aside(struct journal *j, char **aside, struct tt_err *err)
{
	int fd;
	char *name = NULL;

	*aside = NULL;
	if (j->held == NULL) {
		tt_err_set(err, j->name, 0, 0, "the journal replays in full; there is nothing to set "
			   "aside");
		return -1;
	}
	if (j->path == NULL || (j->flags & JOURNAL_READ_ONLY)) {
		tt_err_set(err, j->name, 0, 0, "the journal is read-only here");
		return -1;
	}
	/* Not from under another tunetop that has it open for appending. */
	fd = open(j->path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
		tt_err_set(err, j->path, 0, 0, "another tunetop is editing this dataset (its journal "
			   "is locked)");
		close(fd);
		return -1;
	}
	if (access(j->path, F_OK) == 0 || errno != ENOENT) {
		name = journal_aside_name(j);
		if (name == NULL || rename(j->path, name) != 0 || journal_fsync_dir(j->path) != 0) {
			tt_err_set(err, j->path, 0, 0, "cannot move the journal aside: %s",
				   name == NULL ? "no free name" : strerror(errno));
			if (fd >= 0)
				close(fd);
			free(name);
			return -1;
		}
	}
	if (fd >= 0)
		close(fd);
	free(j->held);
	j->held = NULL;
	/* A new journal with the history replayed (if not now, before the next edit). */
	j->file_len = 0;
	j->needs_compact = true;
	*aside = name != NULL ? name : tt_xstrdup("(nothing: the file was gone)");
	return journal_compact(j, err) != 0 ? 1 : 0;
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
