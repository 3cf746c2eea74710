/*
 * jsonl-diff.h - load JSONL bytes twice, through the fast scanner
 * (jsonl-scan.c) and through jansson alone, and say how the two results
 * differ (shared by test-jsonl-scan.c and tests/fuzz/fuzz-jsonl-scan.c).
 * Everything a reader produces is compared: status, error position and
 * message, records (raw bytes, text, id, labels by name, split, flags,
 * note, line), skipped lines, the multi-label flag.
 */
#ifndef TUNETOP_TEST_JSONL_DIFF_H
#define TUNETOP_TEST_JSONL_DIFF_H

#include <stdio.h>
#include <string.h>

#include "tunetop/dataset.h"
#include "tunetop/jsonl-scan.h"

static int jd_same_bytes(const char *a, size_t na, const char *b, size_t nb)
{
	if (a == NULL || b == NULL)
		return a == b;
	return na == nb && memcmp(a, b, na) == 0;
}

static int jd_same_label(const struct dataset *a, uint32_t la, const struct dataset *b, uint32_t lb)
{
	if (la == DS_NO_LABEL || lb == DS_NO_LABEL)
		return la == lb;
	return strcmp(a->labels.names[la], b->labels.names[lb]) == 0;
}

/* 0 when the records agree, else -1 and what differs in why. */
static int jd_records(const struct dataset *a, const struct dataset *b, char *why, size_t n)
{
	size_t i;
	uint32_t k;

	if (a->n != b->n || a->multilabel != b->multilabel || a->preamble_len != b->preamble_len) {
		snprintf(why, n, "%zu vs %zu records (multilabel %d/%d, preamble %u/%u)", a->n,
			 b->n, a->multilabel, b->multilabel, a->preamble_len, b->preamble_len);
		return -1;
	}
	for (i = 0; i < a->n; i++) {
		const struct ds_record *x = &a->recs[i], *y = &b->recs[i];
		const char *what = NULL;

		if (x->raw - a->buf != y->raw - b->buf || x->raw_len != y->raw_len ||
		    x->body_len != y->body_len || x->line != y->line)
			what = "raw bytes or line";
		else if (!jd_same_bytes(x->text, x->text_len, y->text, y->text_len))
			what = "text";
		else if (!jd_same_bytes(x->id, x->id_len, y->id, y->id_len))
			what = "id";
		else if (ds_record_nlabels(x) != ds_record_nlabels(y) ||
			 x->had_label_field != y->had_label_field)
			what = "number of labels";
		else if (x->split != y->split || x->flags != y->flags)
			what = "split or flags";
		else if (!jd_same_bytes(x->note, x->note ? strlen(x->note) : 0, y->note,
					y->note ? strlen(y->note) : 0))
			what = "note";
		for (k = 0; what == NULL && k < ds_record_nlabels(x); k++) {
			if (!jd_same_label(a, ds_record_label_at(x, k), b, ds_record_label_at(y, k)))
				what = "label";
		}
		if (what != NULL) {
			snprintf(why, n, "record %zu (line %u): %s differs", i + 1, x->line, what);
			return -1;
		}
	}
	for (i = 0; i < a->nbad && i < b->nbad; i++) {
		if (a->bad[i].line != b->bad[i].line || a->bad[i].col != b->bad[i].col ||
		    strcmp(a->bad[i].msg, b->bad[i].msg) != 0) {
			snprintf(why, n, "skipped line %zu: %u:%u %s vs %u:%u %s", i + 1,
				 a->bad[i].line, a->bad[i].col, a->bad[i].msg, b->bad[i].line,
				 b->bad[i].col, b->bad[i].msg);
			return -1;
		}
	}
	if (a->nbad != b->nbad) {
		snprintf(why, n, "%zu vs %zu skipped lines", a->nbad, b->nbad);
		return -1;
	}
	return 0;
}

/*
 * Load data[0..len) both ways (strict or skip_bad) and compare; 0 when
 * they agree, else -1 with the difference in why. *loaded says whether
 * the load succeeded.
 */
static int jsonl_diff(const char *data, size_t len, int skip_bad, int *loaded, char *why,
		      size_t n)
{
	struct ds_options o;
	struct dataset fast, slow;
	struct tt_err ef, es;
	int rf, rs, rc = 0;

	ds_options_default(&o);
	o.format = DS_FMT_JSONL;
	o.skip_bad = skip_bad;
	o.max_record_bytes = 1u << 20;
	tt_err_clear(&ef);
	tt_err_clear(&es);
	rf = dataset_load_buffer(&fast, "d.jsonl", data, len, &o, &ef);
	o.jansson_only = true;
	rs = dataset_load_buffer(&slow, "d.jsonl", data, len, &o, &es);
	*loaded = rf == 0;
	if (rf != rs) {
		snprintf(why, n, "fast path status %d, jansson %d (%u:%u %s / %u:%u %s)", rf, rs,
			 ef.line, ef.col, ef.msg, es.line, es.col, es.msg);
		rc = -1;
	} else if (rf != 0 && (ef.line != es.line || ef.col != es.col ||
			       strcmp(ef.msg, es.msg) != 0)) {
		snprintf(why, n, "errors differ: %u:%u %s / %u:%u %s", ef.line, ef.col, ef.msg,
			 es.line, es.col, es.msg);
		rc = -1;
	} else if (rf == 0) {
		rc = jd_records(&fast, &slow, why, n);
	}
	dataset_fini(&fast);
	dataset_fini(&slow);
	return rc;
}

#endif
