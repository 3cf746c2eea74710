/*
 * quality.c - dataset health report. Exact duplicates are found by sorting
 * records on an XXH3 hash of their text (a radix sort, stable, so equal
 * hashes stay in record order) and comparing texts within equal hashes.
 * Length statistics come from a histogram when the lengths are small (they
 * nearly always are), not from sorting. The duplicate pass runs on a
 * second thread while this one counts: 1,000,000 records take about a
 * tenth of a second.
 */
#include "tunetop/quality.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/*
 * 32 bits of a text's hash are enough to bring equal texts together: a run
 * of equal hashes is settled by comparing the texts themselves, and
 * collisions (about a hundred among a million texts) only make a run longer.
 */
struct quality_key {
	uint32_t hash;
	uint32_t index;
};

static int quality_same_text(const struct ds_record *a, const struct ds_record *b)
{
	return a->text_len == b->text_len && memcmp(a->text, b->text, a->text_len) == 0;
}

static int quality_same_labels(const struct ds_record *a, const struct ds_record *b)
{
	uint32_t i, n = ds_record_nlabels(a);

	if (n != ds_record_nlabels(b))
		return 0;
	for (i = 0; i < n; i++) {
		if (ds_record_label_at(a, i) != ds_record_label_at(b, i))
			return 0;
	}
	return 1;
}

/* One run of equal hashes: count duplicates, groups and label conflicts. */
static void quality_run(const struct dataset *ds, const struct quality_key *k, size_t n,
			struct quality_report *q)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const struct ds_record *a = &ds->recs[k[i].index];
		int first = 1, conflict = 0, seen_before = 0;

		for (j = 0; j < i; j++) {
			if (quality_same_text(&ds->recs[k[j].index], a)) {
				seen_before = 1;
				break;
			}
		}
		if (seen_before) {
			q->dup_records++;
			continue;
		}
		for (j = i + 1; j < n; j++) {
			const struct ds_record *b = &ds->recs[k[j].index];

			if (!quality_same_text(a, b))
				continue;
			if (first)
				q->dup_groups++;
			first = 0;
			if (ds_record_nlabels(a) > 0 && ds_record_nlabels(b) > 0 &&
			    !quality_same_labels(a, b))
				conflict = 1;
		}
		q->conflicts += (size_t)conflict;
	}
}

/* LSD radix sort of keys on hash, 8 bits a pass; tmp has room for n keys. */
static void quality_radix_sort(struct quality_key *keys, struct quality_key *tmp, size_t n)
{
	size_t (*count)[256] = tt_xcalloc(4, sizeof *count);
	struct quality_key *src = keys, *dst = tmp, *swap;
	size_t i;
	int pass, b;

	for (i = 0; i < n; i++) {
		for (pass = 0; pass < 4; pass++)
			count[pass][(keys[i].hash >> (pass * 8)) & 0xff]++;
	}
	for (pass = 0; pass < 4; pass++) {
		size_t sum = 0, c;
		int shift = pass * 8;

		if (count[pass][(keys[0].hash >> shift) & 0xff] == n)
			continue;    /* every key has the same byte here */
		for (b = 0; b < 256; b++) {
			c = count[pass][b];
			count[pass][b] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[pass][(src[i].hash >> shift) & 0xff]++] = src[i];
		swap = src;
		src = dst;
		dst = swap;
	}
	if (src != keys)
		memcpy(keys, src, n * sizeof *keys);
	free(count);
}

static void quality_duplicates(const struct dataset *ds, struct quality_report *q)
{
	struct quality_key *keys = tt_xmalloc((ds->n + 1) * sizeof *keys);
	struct quality_key *tmp = tt_xmalloc((ds->n + 1) * sizeof *tmp);
	size_t i, m = 0, start;

	for (i = 0; i < ds->n; i++) {
		const struct ds_record *r = &ds->recs[i];

		if (r->flags & DS_FLAG_DELETED)
			continue;
		keys[m].hash = (uint32_t)XXH3_64bits(r->text, r->text_len);
		keys[m].index = (uint32_t)i;
		m++;
	}
	if (m > 0)
		quality_radix_sort(keys, tmp, m);
	free(tmp);
	for (start = 0; start < m;) {
		size_t end = start + 1;

		while (end < m && keys[end].hash == keys[start].hash)
			end++;
		if (end - start > 1)
			quality_run(ds, keys + start, end - start, q);
		start = end;
	}
	free(keys);
}

static int quality_size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* The k-th smallest of v[0..n) (0-based), from a histogram of values up to max. */
static void quality_ranks_hist(const size_t *v, size_t n, size_t max, const size_t *ranks,
			       size_t *out, int nranks)
{
	size_t *hist = tt_xcalloc(max + 1, sizeof *hist);
	size_t i, seen = 0, x = 0;
	int k = 0;

	for (i = 0; i < n; i++)
		hist[v[i]]++;
	for (x = 0; x <= max && k < nranks; x++) {
		seen += hist[x];
		while (k < nranks && ranks[k] < seen)
			out[k++] = x;
	}
	free(hist);
}

static void quality_summarize(size_t *v, size_t n, struct quality_lengths *out)
{
	double sum = 0;
	size_t i, ranks[2], at[2];

	memset(out, 0, sizeof *out);
	if (n == 0)
		return;
	out->min = out->max = v[0];
	for (i = 0; i < n; i++) {
		sum += (double)v[i];
		if (v[i] < out->min)
			out->min = v[i];
		if (v[i] > out->max)
			out->max = v[i];
	}
	ranks[0] = n / 2;                               /* the median */
	ranks[1] = (size_t)((double)(n - 1) * 0.95);    /* p95 (below the median when n < 3) */
	if (out->max <= n * 4 + 4096) {
		/* Small lengths (the usual case): a histogram, one pass, no sort. */
		int swap = ranks[1] < ranks[0];
		size_t sorted[2] = { ranks[swap], ranks[!swap] };

		quality_ranks_hist(v, n, out->max, sorted, at, 2);
		out->median = at[swap];
		out->p95 = at[!swap];
	} else {
		qsort(v, n, sizeof *v, quality_size_cmp);
		out->median = v[ranks[0]];
		out->p95 = v[ranks[1]];
	}
	out->mean = sum / (double)n;
}

static int quality_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Set bits of a 16-bit mask (no popcnt instruction in the baseline x86-64). */
static size_t quality_popcount16(unsigned x)
{
	x = x - ((x >> 1) & 0x5555u);
	x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
	x = (x + (x >> 4)) & 0x0f0fu;
	return (x + (x >> 8)) & 0x1fu;
}

/*
 * Code points and whitespace-separated words of one text. With SSE2 sixteen
 * bytes a step: a code point is a byte that is not a continuation byte
 * (10xxxxxx), a word starts at a non-space byte after a space (or at the
 * start); the scalar loop finishes the tail with the same rules.
 */
static void quality_measure(const char *s, size_t n, size_t *chars, size_t *words)
{
	size_t i = 0, c = 0, w = 0;
	int inword = 0;

#ifdef __SSE2__
	const __m128i top2 = _mm_set1_epi8((char)0xC0), cont = _mm_set1_epi8((char)0x80);
	const __m128i blank = _mm_set1_epi8(' '), nine = _mm_set1_epi8(9), four = _mm_set1_epi8(4);

	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
		__m128i ctl = _mm_sub_epi8(v, nine);   /* \t \n \v \f \r: 0..4 */
		unsigned sp = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, blank),
			_mm_cmpeq_epi8(_mm_min_epu8(ctl, four), ctl)));
		unsigned cn = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(v, top2), cont));
		unsigned before = (sp << 1) | (inword ? 0u : 1u);   /* the byte before is a space */

		c += 16 - quality_popcount16(cn);
		w += quality_popcount16(~sp & before & 0xffffu);
		inword = !(sp & 0x8000u);
	}
#endif
	for (; i < n; i++) {
		unsigned char b = (unsigned char)s[i];

		if ((b & 0xC0) != 0x80)
			c++;
		if (quality_is_space(b)) {
			inword = 0;
		} else if (!inword) {
			inword = 1;
			w++;
		}
	}
	*chars = c;
	*words = w;
}

static void quality_count(const struct dataset *ds, struct quality_report *q,
			  size_t *chars, size_t *words)
{
	size_t i;
	uint32_t j;

	for (i = 0; i < ds->n; i++) {
		const struct ds_record *r = &ds->recs[i];
		uint32_t nl = ds_record_nlabels(r);

		if (r->flags & DS_FLAG_DELETED) {
			q->deleted++;
			continue;
		}
		quality_measure(r->text, r->text_len, &chars[q->records], &words[q->records]);
		if (words[q->records] == 0)
			q->empty++;
		q->records++;
		q->per_split[r->split < DS_NSPLITS ? r->split : 0]++;
		if (nl == 0)
			q->unlabeled++;
		else
			q->labeled++;
		if (nl > 1)
			q->multi_labeled++;
		for (j = 0; j < nl; j++) {
			uint32_t l = ds_record_label_at(r, j);

			q->per_label[l]++;
			q->per_label_split[l * DS_NSPLITS + r->split]++;
		}
	}
}

/* The duplicate pass, run beside the counting (it only reads the dataset). */
struct quality_dup_job {
	const struct dataset *ds;
	struct quality_report part;   /* dup_records, dup_groups, conflicts */
};

static void *quality_dup_main(void *arg)
{
	struct quality_dup_job *job = arg;

	quality_duplicates(job->ds, &job->part);
	return NULL;
}

void quality_compute(const struct dataset *ds, struct quality_report *q)
{
	size_t *chars = tt_xmalloc((ds->n + 1) * sizeof *chars);
	size_t *words = tt_xmalloc((ds->n + 1) * sizeof *words);
	struct quality_dup_job job;
	pthread_t thread;
	int threaded;

	memset(q, 0, sizeof *q);
	memset(&job, 0, sizeof job);
	job.ds = ds;
	threaded = ds->n >= 10000 && pthread_create(&thread, NULL, quality_dup_main, &job) == 0;
	q->nlabels = ds->labels.n;
	q->per_label = tt_xcalloc(q->nlabels + 1, sizeof *q->per_label);
	q->per_label_split = tt_xcalloc((q->nlabels + 1) * DS_NSPLITS, sizeof *q->per_label_split);
	q->bad = ds->nbad;
	quality_count(ds, q, chars, words);
	quality_summarize(chars, q->records, &q->chars);
	quality_summarize(words, q->records, &q->words);
	if (threaded)
		pthread_join(thread, NULL);
	else
		quality_duplicates(ds, &job.part);
	q->dup_records = job.part.dup_records;
	q->dup_groups = job.part.dup_groups;
	q->conflicts = job.part.conflicts;
	free(chars);
	free(words);
}

void quality_fini(struct quality_report *q)
{
	free(q->per_label);
	free(q->per_label_split);
	free(q->dup_id_example);
	memset(q, 0, sizeof *q);
}

void quality_set_dup_ids(struct quality_report *q, size_t ids, size_t records,
			 const char *example)
{
	q->dup_ids = ids;
	q->dup_id_records = records;
	free(q->dup_id_example);
	q->dup_id_example = example != NULL ? tt_xstrdup(example) : NULL;
}

static double quality_pct(size_t part, size_t whole)
{
	return whole == 0 ? 0.0 : 100.0 * (double)part / (double)whole;
}

static void quality_text_labels(const struct dataset *ds, const struct quality_report *q,
				struct tt_buf *out)
{
	uint32_t l;
	int s;

	tt_buf_printf(out, "\n%-24s %8s %7s %8s %8s %8s %8s\n", "label", "count", "share",
		      "train", "valid", "test", "none");
	for (l = 0; l < q->nlabels; l++) {
		const size_t *ps = &q->per_label_split[l * DS_NSPLITS];
		char *name = tt_esc_dup(ds->labels.names[l]);

		tt_buf_printf(out, "%-24s %8zu %6.1f%%", name, q->per_label[l],
			      quality_pct(q->per_label[l], q->labeled));
		free(name);
		for (s = DS_SPLIT_TRAIN; s <= DS_SPLIT_TEST; s++)
			tt_buf_printf(out, " %8zu", ps[s]);
		tt_buf_printf(out, " %8zu\n", ps[DS_SPLIT_NONE]);
	}
}

static void quality_text_warnings(const struct dataset *ds, const struct quality_report *q,
				  struct tt_buf *out)
{
	uint32_t l, small = 0;

	for (l = 0; l < q->nlabels; l++) {
		if (q->per_label[l] < 1000)
			small++;
	}
	tt_buf_adds(out, "\nwarnings:\n");
	if (small > 0)
		tt_buf_printf(out, "  %u of %u labels have under 1,000 examples; expect noisy "
			      "per-class metrics\n", small, q->nlabels);
	if (q->per_split[DS_SPLIT_TEST] > 0 && q->per_split[DS_SPLIT_TEST] < 1000)
		tt_buf_printf(out, "  the test split has %zu records (under 1,000): its accuracy "
			      "has a wide confidence interval\n", q->per_split[DS_SPLIT_TEST]);
	if (q->dup_records > 0)
		tt_buf_printf(out, "  %zu exact duplicate records; a duplicate across splits leaks "
			      "test data into training\n", q->dup_records);
	if (q->conflicts > 0)
		tt_buf_printf(out, "  %zu texts appear with different labels\n", q->conflicts);
	if (q->empty > 0)
		tt_buf_printf(out, "  %zu records have empty text\n", q->empty);
	if (q->bad > 0)
		tt_buf_printf(out, "  %zu bad records were skipped at load (listed above)\n", q->bad);
	if (q->dup_ids > 0)
		tt_buf_printf(out, "  %zu %s more than one record (%s%s); an edit by such an "
			      "id is refused: address the record as @N\n", q->dup_ids,
			      q->dup_ids == 1 ? "id names" : "ids name", q->dup_ids > 1 ? "e.g. " : "",
			      q->dup_id_example != NULL ? q->dup_id_example : "?");
	if (small == 0 && q->dup_records == 0 && q->conflicts == 0 && q->empty == 0 &&
	    q->bad == 0 && q->dup_ids == 0 && !(q->per_split[DS_SPLIT_TEST] > 0 && q->per_split[DS_SPLIT_TEST] < 1000))
		tt_buf_adds(out, "  none\n");
	(void)ds;
}

void quality_format_text(const struct dataset *ds, const struct quality_report *q,
			 struct tt_buf *out)
{
	tt_esc_adds(out, ds->path != NULL ? ds->path : "(dataset)");
	tt_buf_printf(out, " (%s)\n", ds_format_name(ds->format));
	tt_buf_printf(out, "records      %zu", q->records);
	if (q->deleted > 0)
		tt_buf_printf(out, " (+%zu deleted)", q->deleted);
	tt_buf_printf(out, "\nlabeled      %zu (%.1f%%)\n", q->labeled,
		      quality_pct(q->labeled, q->records));
	tt_buf_printf(out, "unlabeled    %zu (%.1f%%)\n", q->unlabeled,
		      quality_pct(q->unlabeled, q->records));
	if (ds->multilabel)
		tt_buf_printf(out, "multi-label  %zu records with more than one label\n",
			      q->multi_labeled);
	tt_buf_printf(out, "empty        %zu\n", q->empty);
	tt_buf_printf(out, "duplicates   %zu records repeat an earlier text (%zu texts); "
		      "%zu with conflicting labels\n", q->dup_records, q->dup_groups, q->conflicts);
	if (q->dup_ids > 0)
		tt_buf_printf(out, "ids          %zu record%s an earlier id (%zu id%s)\n",
			      q->dup_id_records, q->dup_id_records == 1 ? " repeats" : "s repeat",
			      q->dup_ids, q->dup_ids == 1 ? "" : "s");
	tt_buf_printf(out, "splits       train %zu, valid %zu, test %zu, none %zu\n",
		      q->per_split[DS_SPLIT_TRAIN], q->per_split[DS_SPLIT_VALID],
		      q->per_split[DS_SPLIT_TEST], q->per_split[DS_SPLIT_NONE]);
	tt_buf_printf(out, "length       chars: min %zu, median %zu, mean %.1f, p95 %zu, max %zu\n",
		      q->chars.min, q->chars.median, q->chars.mean, q->chars.p95, q->chars.max);
	tt_buf_printf(out, "             words: min %zu, median %zu, mean %.1f, p95 %zu, max %zu\n",
		      q->words.min, q->words.median, q->words.mean, q->words.p95, q->words.max);
	quality_text_labels(ds, q, out);
	quality_text_warnings(ds, q, out);
}

static json_t *quality_lengths_json(const struct quality_lengths *l)
{
	return json_pack("{s:I,s:I,s:f,s:I,s:I}", "min", (json_int_t)l->min,
			 "median", (json_int_t)l->median, "mean", l->mean,
			 "p95", (json_int_t)l->p95, "max", (json_int_t)l->max);
}

static json_t *quality_splits_json(const size_t *per_split)
{
	return json_pack("{s:I,s:I,s:I,s:I}", "train", (json_int_t)per_split[DS_SPLIT_TRAIN],
			 "valid", (json_int_t)per_split[DS_SPLIT_VALID],
			 "test", (json_int_t)per_split[DS_SPLIT_TEST],
			 "none", (json_int_t)per_split[DS_SPLIT_NONE]);
}

void quality_format_json(const struct dataset *ds, const struct quality_report *q,
			 json_t *extra, struct tt_buf *out)
{
	json_t *o = json_object(), *labels = json_object(), *bad = json_array();
	size_t i;
	uint32_t l;
	char *enc;

	for (l = 0; l < q->nlabels; l++) {
		json_object_set_new(labels, ds->labels.names[l],
				    json_pack("{s:I,s:o}", "count", (json_int_t)q->per_label[l],
					      "splits",
					      quality_splits_json(&q->per_label_split[l * DS_NSPLITS])));
	}
	for (i = 0; i < ds->nbad; i++)
		json_array_append_new(bad, json_pack("{s:I,s:I,s:s}", "line",
						     (json_int_t)ds->bad[i].line, "column",
						     (json_int_t)ds->bad[i].col, "message",
						     ds->bad[i].msg));
	json_object_set_new(o, "path", json_string(ds->path != NULL ? ds->path : ""));
	json_object_set_new(o, "format", json_string(ds_format_name(ds->format)));
	json_object_set_new(o, "records", json_integer((json_int_t)q->records));
	json_object_set_new(o, "deleted", json_integer((json_int_t)q->deleted));
	json_object_set_new(o, "labeled", json_integer((json_int_t)q->labeled));
	json_object_set_new(o, "unlabeled", json_integer((json_int_t)q->unlabeled));
	json_object_set_new(o, "multilabel", json_boolean(ds->multilabel));
	json_object_set_new(o, "empty", json_integer((json_int_t)q->empty));
	json_object_set_new(o, "duplicates", json_pack("{s:I,s:I,s:I}",
		"records", (json_int_t)q->dup_records, "texts", (json_int_t)q->dup_groups,
		"conflicting_labels", (json_int_t)q->conflicts));
	json_object_set_new(o, "duplicate_ids", json_pack("{s:I,s:I}", "ids",
		(json_int_t)q->dup_ids, "records", (json_int_t)q->dup_id_records));
	json_object_set_new(o, "splits", quality_splits_json(q->per_split));
	json_object_set_new(o, "labels", labels);
	json_object_set_new(o, "length_chars", quality_lengths_json(&q->chars));
	json_object_set_new(o, "length_words", quality_lengths_json(&q->words));
	json_object_set_new(o, "bad_records", bad);
	if (extra != NULL)
		json_object_set_new(o, "findings", extra);
	enc = json_dumps(o, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	json_decref(o);
	tt_esc_buf(out, enc, strlen(enc), TT_ESC_JSON | TT_ESC_KEEP_NL);
	tt_buf_addc(out, '\n');
	free(enc);
}
