/*
 * labelerr.c - likely label errors from out-of-fold probabilities and
 * confident learning (see labelerr.h): the records to check, the job, the
 * report and its text and JSON forms.
 */
#include "tunetop/labelerr.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/trainer.h"

/* Keep the records of in for which keep[i]; in place. */
static void labelerr_compact(struct trainer_input *in, const bool *keep)
{
	size_t i, m = 0;
	uint64_t tpos = 0;
	uint32_t lpos = 0;

	for (i = 0; i < in->n; i++) {
		uint64_t t0 = in->text_off[i], tl = in->text_off[i + 1] - t0;
		uint32_t l0 = in->label_off[i], ll = in->label_off[i + 1] - l0;

		if (!keep[i])
			continue;
		memmove(in->texts + tpos, in->texts + t0, tl);
		memmove(in->label_ids + lpos, in->label_ids + l0, ll * sizeof *in->label_ids);
		in->text_off[m] = tpos;
		in->label_off[m] = lpos;
		in->split[m] = in->split[i];
		in->src[m] = in->src[i];
		tpos += tl;
		lpos += ll;
		m++;
	}
	in->text_off[m] = tpos;
	in->label_off[m] = lpos;
	in->n = m;
}

struct trainer_input *labelerr_input(const struct dataset *ds, struct tt_err *err)
{
	struct trainer_input *in;
	bool *keep;
	size_t i, m = 0;

	if (ds->multilabel) {
		tt_err_set(err, NULL, 0, 0, "label errors: the data is multi-label; confident "
			   "learning here is single-label only (records with one label each)");
		return NULL;
	}
	in = trainer_input_from_dataset(ds);
	keep = tt_xmalloc((in->n + 1) * sizeof *keep);
	for (i = 0; i < in->n; i++) {
		keep[i] = in->label_off[i + 1] - in->label_off[i] == 1 &&
			  in->split[i] != DS_SPLIT_TEST;
		m += keep[i];
	}
	labelerr_compact(in, keep);
	free(keep);
	if (m == 0) {
		tt_err_set(err, NULL, 0, 0, "label errors: no labeled records outside the test split");
		trainer_input_free(in);
		return NULL;
	}
	return in;
}

struct xval *labelerr_start(const struct dataset *ds, const struct cfg *cfg, struct tt_err *err)
{
	struct xval_setup s;

	memset(&s, 0, sizeof s);
	s.input = labelerr_input(ds, err);
	if (s.input == NULL)
		return NULL;
	s.cfg = cfg;
	s.folds = (uint32_t)cfg_get_int(cfg, "label_errors_folds");
	s.repeats = (uint32_t)cfg_get_int(cfg, "label_errors_repeats");
	s.epochs = (uint32_t)cfg_get_int(cfg, "label_errors_epochs");
	s.seed = (uint64_t)cfg_get_int(cfg, "seed");
	return xval_start(&s, err);
}

/* Labels with at least folds records among the used ones: their new ids (or UINT32_MAX). */
static uint32_t labelerr_kept(const struct xval_result *xr, const uint32_t *given,
			      struct labelerr_report *out, uint32_t *map)
{
	uint32_t l, k = 0;
	size_t i;

	for (i = 0; i < xr->n; i++) {
		if (xr->used[i] && xr->given[i] < xr->nlabels)
			out->label_count[given[i]]++;
	}
	for (l = 0; l < xr->nlabels; l++) {
		out->label_ranked[l] = out->label_count[l] >= out->folds;
		map[l] = out->label_ranked[l] ? k++ : UINT32_MAX;
	}
	return k;
}

static void labelerr_report_init(const struct xval_result *xr, size_t ds_n, uint32_t folds,
				 uint32_t repeats, enum cleanlab_rank rank,
				 struct labelerr_report *out)
{
	size_t i;
	uint32_t l;

	memset(out, 0, sizeof *out);
	out->nlabels = xr->nlabels;
	out->label_names = tt_xcalloc(xr->nlabels + 1, sizeof *out->label_names);
	for (l = 0; l < xr->nlabels; l++)
		out->label_names[l] = tt_xstrdup(xr->label_names[l]);
	out->label_count = tt_xcalloc(xr->nlabels + 1, sizeof *out->label_count);
	out->label_ranked = tt_xcalloc(xr->nlabels + 1, sizeof *out->label_ranked);
	out->folds = folds;
	out->repeats = repeats;
	out->rank = rank;
	out->seconds = xr->seconds;
	out->ds_n = ds_n;
	out->score_of = tt_xmalloc((ds_n + 1) * sizeof *out->score_of);
	out->flagged_of = tt_xcalloc(ds_n + 1, sizeof *out->flagged_of);
	out->pos_of = tt_xmalloc((ds_n + 1) * sizeof *out->pos_of);
	for (i = 0; i < ds_n; i++) {
		out->score_of[i] = NAN;
		out->pos_of[i] = UINT32_MAX;
	}
}

/* oof_accuracy and oof_log_loss of the m renormalized rows of k probabilities. */
static void labelerr_oof_quality(const float *rp, const uint32_t *rgiven, size_t m, uint32_t k,
				 struct labelerr_report *out)
{
	double loss = 0;
	size_t i, right = 0;
	uint32_t l, best;

	for (i = 0; i < m; i++) {
		const float *p = rp + i * k;
		double pg = (double)p[rgiven[i]];

		for (l = 1, best = 0; l < k; l++) {
			if (p[l] > p[best])
				best = l;
		}
		right += best == rgiven[i];
		loss -= log(pg > 1e-15 ? pg : 1e-15);
	}
	out->oof_accuracy = m > 0 ? (double)right / (double)m : NAN;
	out->oof_log_loss = m > 0 ? loss / (double)m : NAN;
}

void labelerr_compute(const struct xval_result *xr, size_t ds_n, uint32_t folds,
		      uint32_t repeats, enum cleanlab_rank rank, struct labelerr_report *out)
{
	uint32_t nl = xr->nlabels, *given = tt_xcalloc(xr->n + 1, sizeof *given);
	uint32_t *map = tt_xmalloc((nl + 1) * sizeof *map), *back, k, l;
	uint32_t *rgiven, *rrow;
	float *rp;
	size_t i, m = 0;
	struct cleanlab_result cl;

	labelerr_report_init(xr, ds_n, folds, repeats, rank, out);
	for (i = 0; i < xr->n; i++)
		given[i] = xr->given[i] < nl ? xr->given[i] : 0;
	k = labelerr_kept(xr, given, out, map);
	back = tt_xmalloc((k + 1) * sizeof *back);
	for (l = 0; l < nl; l++) {
		if (map[l] != UINT32_MAX)
			back[map[l]] = l;
	}
	rp = tt_xmalloc(((size_t)xr->n * (k ? k : 1) + 1) * sizeof *rp);
	rgiven = tt_xmalloc((xr->n + 1) * sizeof *rgiven);
	rrow = tt_xmalloc((xr->n + 1) * sizeof *rrow);
	for (i = 0; i < xr->n; i++) {
		double sum = 0;

		if (!xr->used[i] || xr->given[i] >= nl || map[given[i]] == UINT32_MAX)
			continue;
		for (l = 0; l < k; l++)
			sum += xr->probs[i * nl + back[l]];
		for (l = 0; l < k; l++)
			rp[m * k + l] = sum > 0 ? (float)(xr->probs[i * nl + back[l]] / sum) :
					1.0f / (float)k;
		rgiven[m] = map[given[i]];
		rrow[m++] = (uint32_t)i;
	}
	labelerr_oof_quality(rp, rgiven, m, k, out);
	cleanlab_run(rp, rgiven, m, k, rank, &cl);
	out->n = m;
	out->e = tt_xmalloc((m + 1) * sizeof *out->e);
	for (i = 0; i < m; i++) {
		uint32_t r = cl.order[i], row = rrow[r];
		struct labelerr_entry *e = &out->e[i];

		e->rec = xr->src[row];
		e->given = back[rgiven[r]];
		e->suggested = back[cl.suggested[r]];
		e->score = (float)cl.score[r];
		e->flagged = cl.flagged[r];
		out->nflagged += e->flagged;
		if (e->rec < ds_n) {
			out->score_of[e->rec] = e->score;
			out->flagged_of[e->rec] = e->flagged;
			out->pos_of[e->rec] = (uint32_t)i;
		}
	}
	cleanlab_result_fini(&cl);
	free(rp);
	free(rgiven);
	free(rrow);
	free(back);
	free(map);
	free(given);
}

void labelerr_report_fini(struct labelerr_report *r)
{
	uint32_t l;

	for (l = 0; r->label_names != NULL && l < r->nlabels; l++)
		free(r->label_names[l]);
	free(r->label_names);
	free(r->label_count);
	free(r->label_ranked);
	free(r->e);
	free(r->score_of);
	free(r->flagged_of);
	free(r->pos_of);
	memset(r, 0, sizeof *r);
}

int labelerr_run(const struct dataset *ds, const struct cfg *cfg, struct labelerr_report *out,
		 void (*progress)(void *opaque, const struct xval_progress *p), void *opaque,
		 struct tt_err *err)
{
	struct xval *x = labelerr_start(ds, cfg, err);
	struct xval_progress p;
	struct xval_result xr;
	enum cleanlab_rank rank = CLEANLAB_SELF_CONFIDENCE;

	if (x == NULL)
		return -1;
	while (!xval_wait(x, 1.0)) {
		if (progress != NULL) {
			xval_progress(x, &p);
			progress(opaque, &p);
		}
	}
	xval_progress(x, &p);
	if (p.failed || xval_take(x, &xr) != 0) {
		tt_err_set(err, NULL, 0, 0, "label errors: %s", p.message);
		xval_destroy(x);
		return -1;
	}
	xval_destroy(x);
	cleanlab_rank_parse(cfg_get_str(cfg, "label_errors_rank"), &rank);
	labelerr_compute(&xr, ds->n, (uint32_t)cfg_get_int(cfg, "label_errors_folds"),
			 (uint32_t)cfg_get_int(cfg, "label_errors_repeats"), rank, out);
	xval_result_fini(&xr);
	return 0;
}

char *labelerr_json(const struct dataset *ds, const struct labelerr_report *r)
{
	json_t *a = json_array(), *o;
	struct tt_buf id;
	char *enc;
	size_t i;

	tt_buf_init(&id);
	for (i = 0; i < r->n; i++) {
		const struct labelerr_entry *e = &r->e[i];

		tt_buf_clear(&id);
		if (e->rec < ds->n)
			ds_record_id(ds, e->rec, &id);
		o = json_object();
		/* Unchecked: ids and names are data (any bytes); the caller escapes the output. */
		json_object_set_new(o, "id", json_stringn_nocheck(id.data != NULL ? id.data : "",
								  id.len));
		json_object_set_new(o, "given", json_string_nocheck(r->label_names[e->given]));
		json_object_set_new(o, "suggested",
				    json_string_nocheck(r->label_names[e->suggested]));
		json_object_set_new(o, "score", json_real((double)e->score));
		json_object_set_new(o, "flagged", json_boolean(e->flagged));
		json_array_append_new(a, o);
	}
	tt_buf_fini(&id);
	enc = json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	json_decref(a);
	return enc;
}

char *labelerr_json_not_ranked(const struct labelerr_report *r)
{
	json_t *a = json_array();
	char *enc;
	uint32_t l;

	for (l = 0; l < r->nlabels; l++) {
		if (r->label_ranked[l] || r->label_count[l] == 0)
			continue;
		/* Unchecked: names are data; the caller escapes the output. */
		json_array_append_new(a, json_pack("{s:o,s:I}", "label",
						   json_string_nocheck(r->label_names[l]), "count",
						   (json_int_t)r->label_count[l]));
	}
	enc = json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(a);
	return enc;
}

static const char *labelerr_rank_name(enum cleanlab_rank r)
{
	return r == CLEANLAB_SELF_CONFIDENCE ? "self_confidence" : "normalized_margin";
}

char *labelerr_json_run(const struct labelerr_report *r)
{
	/* No wall time: the same data, options and seed give the same bytes. */
	json_t *o = json_pack("{s:I,s:I,s:s,s:o,s:o}", "folds", (json_int_t)r->folds,
			      "repeats", (json_int_t)r->repeats, "rank",
			      labelerr_rank_name(r->rank), "accuracy",
			      isnan(r->oof_accuracy) ? json_null() : json_real(r->oof_accuracy),
			      "log_loss",
			      isnan(r->oof_log_loss) ? json_null() : json_real(r->oof_log_loss));
	char *enc = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));

	json_decref(o);
	return enc;
}

void labelerr_format_text(const struct dataset *ds, const struct labelerr_report *r,
			  size_t limit, struct tt_buf *out)
{
	struct tt_buf id;
	size_t i;
	uint32_t l;

	tt_buf_printf(out, "label errors: %zu of %zu ranked records flagged by confident learning "
		      "(%u-fold%s, ranked by %s, %.1fs)\n", r->nflagged, r->n, r->folds,
		      r->repeats > 1 ? " x repeats" : "", labelerr_rank_name(r->rank), r->seconds);
	if (r->n > 0)
		tt_buf_printf(out, "  out-of-fold probabilities: accuracy %.4f on the given labels, "
			      "log loss %.4f (lower is better: compare model options by it)\n",
			      r->oof_accuracy, r->oof_log_loss);
	for (l = 0; l < r->nlabels; l++) {
		if (r->label_ranked[l] || r->label_count[l] == 0)
			continue;
		tt_buf_adds(out, "  not ranked: ");
		tt_esc_adds(out, r->label_names[l]);
		tt_buf_printf(out, " (%zu records, fewer than %u folds)\n", r->label_count[l],
			      r->folds);
	}
	tt_buf_init(&id);
	for (i = 0; i < r->n && i < limit; i++) {
		const struct labelerr_entry *e = &r->e[i];

		tt_buf_clear(&id);
		ds_record_id(ds, e->rec, &id);
		tt_buf_printf(out, "%5zu  %.3f %s  ", i + 1, (double)e->score, e->flagged ? "*" : " ");
		tt_esc_adds(out, id.data);
		tt_buf_adds(out, "  ");
		tt_esc_adds(out, r->label_names[e->given]);
		tt_buf_adds(out, " -> ");
		tt_esc_adds(out, r->label_names[e->suggested]);
		tt_buf_addc(out, '\n');
	}
	if (r->n > limit)
		tt_buf_printf(out, "  ... %zu more (--json lists every ranked record)\n", r->n - limit);
	tt_buf_fini(&id);
}
