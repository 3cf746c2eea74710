/*
 * fuzz-journal.c - libFuzzer target for journal replay over a small fixed
 * dataset. Whatever the bytes: no crash, no leak. And whenever a journal
 * replays, its compact form must replay too and compact to the same
 * history; when the journal is consistent (each before value is what the
 * record held) its compact form must also leave the very same records -
 * the property compaction rests on.
 *
 * And whatever the bytes, an open under JOURNAL_HOLD_BAD succeeds: when
 * the journal does not replay in full it is held at some line, and the
 * state and history are exactly those of the journal cut before that
 * line (which must replay); when it replays, it is not held.
 *
 * The first byte picks the mode: odd - the bytes are the journal as is
 * (after a valid header unless they bring one); even - the bytes are a
 * little program that writes plausible journal lines (edits, bulk steps,
 * undo/redo mostly of the right steps, saves, a torn tail), which reaches
 * the undo logic far sooner than mutated JSON would.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/journal.h"

static const char fuzz_data[] =
	"{\"id\":\"a\",\"text\":\"alpha\",\"label\":\"x\"}\n"
	"{\"id\":\"b\",\"text\":\"beta\",\"label\":\"y\",\"split\":\"train\"}\n"
	"{\"text\":\"gamma\"}\n"
	"\n"
	"{\"text\":\"delta\",\"label\":\"x\"}\n"
	"{\"id\":\"e\",\"text\":\"eps\",\"label\":[\"x\",\"y\"]}\n";

static const char fuzz_header[] =
	"{\"tunetop_journal\":1,\"data\":\"fuzz.jsonl\",\"size\":0,"
	"\"xxh3\":\"0000000000000000\",\"next_seq\":1,\"created\":\"t\"}\n";

static void fuzz_load(struct dataset *ds)
{
	struct ds_options o;
	struct tt_err err;

	ds_options_default(&o);
	if (dataset_load_buffer(ds, "fuzz.jsonl", fuzz_data, sizeof fuzz_data - 1, &o, &err) != 0)
		abort();
}

/* Every field of every record, as JSON text. */
static void fuzz_state(const struct dataset *ds, struct tt_buf *out)
{
	size_t i;
	int f;

	for (i = 0; i < ds->n; i++) {
		for (f = 0; f < EDIT_NFIELDS; f++) {
			json_t *v = edit_get(ds, i, (enum edit_field)f);
			char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

			tt_buf_adds(out, s);
			tt_buf_addc(out, f + 1 < EDIT_NFIELDS ? ' ' : '\n');
			free(s);
			json_decref(v);
		}
	}
}

/* The serialized journal without its header line (which has a time in it). */
static void fuzz_history(const struct journal *j, struct tt_buf *out)
{
	struct tt_buf all;
	const char *nl;

	tt_buf_init(&all);
	journal_serialize(j, &all);
	nl = strchr(all.data, '\n');
	tt_buf_adds(out, nl != NULL ? nl + 1 : "");
	tt_buf_fini(&all);
}

/* The line a held journal stopped at, from "fuzz.journal:LINE:COL: ...". */
static unsigned long fuzz_held_line(const struct journal *j)
{
	const char *h = journal_held(j), *p = h != NULL ? strstr(h, "fuzz.journal:") : NULL;

	return p != NULL ? strtoul(p + 13, NULL, 10) : 0;
}

/* Under JOURNAL_HOLD_BAD: never fails; held exactly when the plain open fails. */
static void fuzz_check_hold(const char *data, size_t size, int plain_ok, const struct tt_err *plain)
{
	struct dataset ds, ds2;
	struct journal *j, *j2;
	struct tt_err err;
	struct tt_buf s1, s2, h1, h2;
	unsigned long line, at;
	size_t cut = 0;

	fuzz_load(&ds);
	if (journal_open_buffer(&j, "fuzz.journal", data, size, &ds, JOURNAL_TRUST_BASE |
				JOURNAL_HOLD_BAD, &err) != 0) {
		fprintf(stderr, "a held open failed: %s\n", err.msg);
		abort();
	}
	if ((journal_held(j) == NULL) != (plain_ok != 0)) {
		fprintf(stderr, "held %s, plain open %s (%s)\n", journal_held(j) ? "yes" : "no",
			plain_ok ? "replays" : "fails", plain->msg);
		abort();
	}
	if (journal_held(j) == NULL) {
		journal_close(j);
		dataset_fini(&ds);
		return;
	}
	line = fuzz_held_line(j);
	if (line == 0 || line > plain->line)
		abort();   /* the first line that fails, at or before the plain error */
	for (at = 1; at < line && cut < size; at++) {
		const char *nl = memchr(data + cut, '\n', size - cut);

		cut = nl != NULL ? (size_t)(nl - data) + 1 : size;
	}
	fuzz_load(&ds2);
	if (journal_open_buffer(&j2, "fuzz.journal", data, cut, &ds2, JOURNAL_TRUST_BASE,
				&err) != 0) {
		fprintf(stderr, "the prefix before held line %lu does not replay: %u: %s\n", line,
			err.line, err.msg);
		abort();
	}
	tt_buf_init(&s1);
	tt_buf_init(&s2);
	tt_buf_init(&h1);
	tt_buf_init(&h2);
	fuzz_state(&ds, &s1);
	fuzz_state(&ds2, &s2);
	fuzz_history(j, &h1);
	fuzz_history(j2, &h2);
	if (strcmp(s1.data, s2.data) != 0 || strcmp(h1.data, h2.data) != 0) {
		fprintf(stderr, "held at line %lu, but the state is not the prefix's\n%.*s", line,
			(int)size, data);
		abort();
	}
	tt_buf_fini(&s1);
	tt_buf_fini(&s2);
	tt_buf_fini(&h1);
	tt_buf_fini(&h2);
	journal_close(j);
	journal_close(j2);
	dataset_fini(&ds);
	dataset_fini(&ds2);
}

static void fuzz_check(const char *data, size_t size)
{
	struct dataset ds, ds2;
	struct journal *j, *j2;
	struct tt_err err;
	struct tt_buf compact, s1, s2, h1, h2;

	fuzz_load(&ds);
	if (journal_open_buffer(&j, "fuzz.journal", data, size, &ds,
				JOURNAL_TRUST_BASE | JOURNAL_CHECK_BEFORE, &err) != 0) {
		if (err.msg[0] == '\0')
			abort();   /* every failure says why */
		dataset_fini(&ds);
		fuzz_check_hold(data, size, 0, &err);
		return;
	}
	fuzz_check_hold(data, size, 1, &err);
	tt_buf_init(&compact);
	journal_serialize(j, &compact);
	fuzz_load(&ds2);
	if (journal_open_buffer(&j2, "compact", compact.data, compact.len, &ds2, JOURNAL_TRUST_BASE,
				&err) != 0) {
		fprintf(stderr, "compact form does not replay: %u:%u: %s\n%s", err.line, err.col,
			err.msg, compact.data);
		abort();
	}
	tt_buf_init(&s1);
	tt_buf_init(&s2);
	tt_buf_init(&h1);
	tt_buf_init(&h2);
	fuzz_state(&ds, &s1);
	fuzz_state(&ds2, &s2);
	fuzz_history(j, &h1);
	fuzz_history(j2, &h2);
	/*
	 * The state only has to survive compaction when the journal is
	 * consistent (every before is what the record held): an undone
	 * branch whose befores lie would otherwise leave a trace.
	 */
	if ((journal_mismatches(j) == 0 && strcmp(s1.data, s2.data) != 0) ||
	    strcmp(h1.data, h2.data) != 0 ||
	    journal_undo_depth(j) != journal_undo_depth(j2) ||
	    journal_redo_depth(j) != journal_redo_depth(j2)) {
		fprintf(stderr, "compaction changed the state\n--- journal\n%.*s--- compact\n%s"
			"--- state\n%s--- state after compaction\n%s", (int)size, data, compact.data,
			s1.data, s2.data);
		abort();
	}
	tt_buf_fini(&s1);
	tt_buf_fini(&s2);
	tt_buf_fini(&h1);
	tt_buf_fini(&h2);
	tt_buf_fini(&compact);
	journal_close(j);
	journal_close(j2);
	dataset_fini(&ds);
	dataset_fini(&ds2);
}

/* ---- the generator ---- */

enum {
	FUZZ_RECS = 5,
	FUZZ_MAXSTEPS = 64,
	FUZZ_MAXEV = 8,
};

/* One simulated edit: so the generator can write befores that are true. */
struct fuzz_ev {
	int rec;
	int field;
	const char *before;
	const char *after;
};

struct fuzz_step {
	uint64_t id;
	struct fuzz_ev ev[FUZZ_MAXEV];
	int n;
};

struct fuzz_gen {
	const uint8_t *p;
	size_t n;
	struct tt_buf out;
	uint64_t seq;
	const char *val[FUZZ_RECS][EDIT_NFIELDS];   /* the records as the journal leaves them */
	struct fuzz_step done[FUZZ_MAXSTEPS];
	int ndone;
	struct fuzz_step redo[FUZZ_MAXSTEPS];
	int nredo;
};

static unsigned fuzz_byte(struct fuzz_gen *g)
{
	if (g->n == 0)
		return 0;
	g->n--;
	return *g->p++;
}

static void fuzz_gen_init(struct fuzz_gen *g)
{
	static const char *labels[FUZZ_RECS] = { "[\"x\"]", "[\"y\"]", "[]", "[\"x\"]",
						 "[\"x\",\"y\"]" };
	static const char *texts[FUZZ_RECS] = { "\"alpha\"", "\"beta\"", "\"gamma\"", "\"delta\"",
						"\"eps\"" };
	int r;

	for (r = 0; r < FUZZ_RECS; r++) {
		g->val[r][EDIT_F_LABELS] = labels[r];
		g->val[r][EDIT_F_FLAGGED] = "false";
		g->val[r][EDIT_F_UNSURE] = "false";
		g->val[r][EDIT_F_DELETED] = "false";
		g->val[r][EDIT_F_NOTE] = "null";
		g->val[r][EDIT_F_TEXT] = texts[r];
		g->val[r][EDIT_F_SPLIT] = r == 1 ? "\"train\"" : "\"none\"";
	}
}

static const char *fuzz_value(enum edit_field f, unsigned r)
{
	static const char *labels[] = { "[]", "[\"x\"]", "[\"y\"]", "[\"z\"]", "[\"x\",\"z\"]" };
	static const char *notes[] = { "null", "\"n1\"", "\"n\\u00e9\"" };
	static const char *texts[] = { "\"t\"", "\"\"", "\"alpha\"", "\"a\\nb\"" };
	static const char *splits[] = { "\"train\"", "\"valid\"", "\"test\"", "\"none\"" };

	switch (f) {
	case EDIT_F_LABELS: return labels[r % 5];
	case EDIT_F_NOTE: return notes[r % 3];
	case EDIT_F_TEXT: return texts[r % 4];
	case EDIT_F_SPLIT: return splits[r % 4];
	default: return r & 1 ? "true" : "false";
	}
}

/* A reference and the record it names (-1: none; the replay must refuse it). */
static int fuzz_ref(struct fuzz_gen *g, unsigned r)
{
	static const char *refs[] = { "\"id\":\"a\"", "\"id\":\"b\"", "\"rec\":3", "\"rec\":4",
				      "\"id\":\"e\"", "\"rec\":1", "\"id\":\"zz\"", "\"rec\":9" };
	static const int recs[] = { 0, 1, 2, 3, 4, 0, -1, -1 };

	tt_buf_adds(&g->out, refs[r % 8]);
	return recs[r % 8];
}

static void fuzz_gen_edit(struct fuzz_gen *g, struct fuzz_step *st, size_t count, int first)
{
	unsigned op = fuzz_byte(g) % EDIT_NOPS, v = fuzz_byte(g), w = fuzz_byte(g);
	enum edit_field f = edit_op_field((enum edit_op)op);
	const char *before, *after = fuzz_value(f, v >> 2);
	int rec;

	tt_buf_printf(&g->out, "{\"seq\":%llu,\"time\":\"t\",\"annotator\":\"u\",",
		      (unsigned long long)++g->seq);
	rec = fuzz_ref(g, v >> 4);
	before = rec >= 0 && !(w & 0x40) ? g->val[rec][f] : fuzz_value(f, w);
	tt_buf_printf(&g->out, ",\"op\":\"%s\",\"before\":%s,\"after\":%s",
		      edit_op_name((enum edit_op)op), before, after);
	if (count > 1 || st->id != g->seq)
		tt_buf_printf(&g->out, ",\"step\":%llu", (unsigned long long)st->id);
	if (first && count > 1)
		tt_buf_printf(&g->out, ",\"count\":%zu", count);
	if (v & 8)
		tt_buf_adds(&g->out, ",\"suggestion\":\"x\",\"confidence\":0.5");
	tt_buf_adds(&g->out, "}\n");
	if (rec >= 0 && st->n < FUZZ_MAXEV) {
		st->ev[st->n].rec = rec;
		st->ev[st->n].field = f;
		st->ev[st->n].before = g->val[rec][f];
		st->ev[st->n++].after = after;
		g->val[rec][f] = after;
	}
}

static void fuzz_gen_step(struct fuzz_gen *g, size_t count)
{
	struct fuzz_step st;
	size_t i;

	memset(&st, 0, sizeof st);
	st.id = g->seq + 1;
	for (i = 0; i < count; i++)
		fuzz_gen_edit(g, &st, count, i == 0);
	if (g->ndone < FUZZ_MAXSTEPS)
		g->done[g->ndone++] = st;
	g->nredo = 0;
}

static void fuzz_sim_apply(struct fuzz_gen *g, const struct fuzz_step *st, int undo)
{
	int i;

	for (i = 0; i < st->n; i++) {
		const struct fuzz_ev *e = &st->ev[undo ? st->n - 1 - i : i];

		g->val[e->rec][e->field] = undo ? e->before : e->after;
	}
}

static void fuzz_gen_marker(struct fuzz_gen *g, int undo, unsigned r)
{
	struct fuzz_step *from = undo ? g->done : g->redo, *to = undo ? g->redo : g->done;
	int *nfrom = undo ? &g->ndone : &g->nredo, *nto = undo ? &g->nredo : &g->ndone;
	uint64_t step = *nfrom > 0 ? from[*nfrom - 1].id : 1;

	if (r % 7 == 0)
		step += 1;    /* sometimes the wrong step */
	tt_buf_printf(&g->out, "{\"seq\":%llu,\"time\":\"t\",\"annotator\":\"u\",\"op\":\"%s\","
		      "\"step\":%llu}\n", (unsigned long long)++g->seq, undo ? "undo" : "redo",
		      (unsigned long long)step);
	if (*nfrom > 0 && *nto < FUZZ_MAXSTEPS) {
		fuzz_sim_apply(g, &from[*nfrom - 1], undo);
		to[(*nto)++] = from[--*nfrom];
	}
}

static void fuzz_generate(struct fuzz_gen *g)
{
	fuzz_gen_init(g);
	tt_buf_adds(&g->out, fuzz_header);
	while (g->n > 0) {
		unsigned c = fuzz_byte(g), r = fuzz_byte(g);

		switch (c % 8) {
		case 0: case 1: case 2: fuzz_gen_step(g, 1); break;
		case 3: fuzz_gen_step(g, 2 + r % 4); break;
		case 4: case 5: fuzz_gen_marker(g, 1, r); break;
		case 6: fuzz_gen_marker(g, 0, r); break;
		default:
			tt_buf_printf(&g->out, "{\"seq\":%llu,\"time\":\"t\",\"annotator\":\"u\","
				      "\"op\":\"save\",\"size\":1,\"xxh3\":\"00000000000000%02x\","
				      "\"removed_pos\":[%u],\"removed_id\":[\"a\"]}\n",
				      (unsigned long long)++g->seq, r, 1 + r % 5);
			if (r % 11 == 0 && g->out.len > 10)
				g->out.len -= 1 + r % 9;   /* a torn tail */
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_gen g;

	if (size == 0 || size > 8192)
		return 0;
	if (data[0] & 1) {
		struct tt_buf b;

		tt_buf_init(&b);
		if (size < 2 || data[1] != '{' || memmem(data, size, "tunetop_journal", 15) == NULL)
			tt_buf_adds(&b, fuzz_header);
		tt_buf_add(&b, data + 1, size - 1);
		fuzz_check(b.data, b.len);
		tt_buf_fini(&b);
		return 0;
	}
	memset(&g, 0, sizeof g);
	g.p = data + 1;
	g.n = size - 1;
	tt_buf_init(&g.out);
	fuzz_generate(&g);
	g.out.data[g.out.len] = '\0';
	fuzz_check(g.out.data, g.out.len);
	tt_buf_fini(&g.out);
	return 0;
}
