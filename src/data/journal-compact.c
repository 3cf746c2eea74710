/*
 * journal-compact.c - the compact form of the journal and rewriting the
 * file in it (journal_serialize, journal_compact), and journal_save: the
 * save marker listing the records a save removes, and renumbering the
 * history after them. The design is at the top of journal.c.
 */
#include "journal-impl.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

/* ---- compaction ---- */

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

int journal_compact(struct journal *j, struct tt_err *err)
{
	struct tt_buf out;
	int rc;

	if (j->path == NULL || (j->flags & JOURNAL_READ_ONLY)) {
		tt_err_set(err, j->name, 0, 0, "the journal is read-only here");
		return -1;
	}
	if (journal_refuse_held(j, err) != 0)
		return -1;
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

void journal_removal_init(struct journal_removal *rm)
{
	memset(rm, 0, sizeof *rm);
	strmap_init(&rm->ids);
}

void journal_removal_fini(struct journal_removal *rm)
{
	free(rm->pos);
	strmap_fini(&rm->ids);
	memset(rm, 0, sizeof *rm);
}

/* Maps ref to its number after the removal; 0 if its record was removed. */
int journal_removal_map(const struct journal_removal *rm, struct edit_ref *ref)
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

void journal_prune_stack(struct journal_stack *st)
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
	if (journal_refuse_held(j, err) != 0)
		return -1;     /* a save compacts the journal: it would lose the held lines */
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
