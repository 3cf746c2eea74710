/*
 * metrics.c - evaluation metrics; see metrics.h for the conventions.
 *
 * Everything is computed from integer counts (tp, fp, fn per class) except
 * log loss and calibration, which accumulate doubles. Computing a report
 * never changes the accumulator, so the trainer can publish intermediate
 * reports while it keeps adding examples.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tunetop/metrics.h"
#include "tunetop/util.h"

enum {
	MODE_EMPTY = 0,
	MODE_SINGLE = 1,
	MODE_MULTI = 2,
};

/* ---- confusion matrix ---- */

void
metrics_confusion_init(struct metrics_confusion *cm, uint32_t nclasses)
{
	cm->nclasses = nclasses;
	cm->counts = NULL;
	if (nclasses > 0)
		cm->counts = tt_xcalloc((size_t)nclasses * nclasses, sizeof(uint64_t));
}

void
metrics_confusion_fini(struct metrics_confusion *cm)
{
	free(cm->counts);
	cm->counts = NULL;
	cm->nclasses = 0;
}

void
metrics_confusion_reset(struct metrics_confusion *cm)
{
	if (cm->counts != NULL)
		memset(cm->counts, 0, (size_t)cm->nclasses * cm->nclasses * sizeof(uint64_t));
}

int
metrics_confusion_add(struct metrics_confusion *cm, uint32_t true_label, uint32_t pred)
{
	if (true_label >= cm->nclasses || pred >= cm->nclasses)
		return -1;
	cm->counts[(size_t)true_label * cm->nclasses + pred]++;
	return 0;
}

uint64_t
metrics_confusion_get(const struct metrics_confusion *cm, uint32_t true_label, uint32_t pred)
{
	if (true_label >= cm->nclasses || pred >= cm->nclasses)
		return 0;
	return cm->counts[(size_t)true_label * cm->nclasses + pred];
}

void
metrics_confusion_copy(struct metrics_confusion *dst, const struct metrics_confusion *src)
{
	metrics_confusion_init(dst, src->nclasses);
	if (src->nclasses > 0)
		memcpy(dst->counts, src->counts,
				(size_t)src->nclasses * src->nclasses * sizeof(uint64_t));
}

/* ---- report ---- */

void
metrics_report_init(struct metrics_report *r)
{
	memset(r, 0, sizeof(*r));
	r->loss = NAN;
	r->log_loss = NAN;
	r->ece = NAN;
}

void
metrics_report_fini(struct metrics_report *r)
{
	free(r->per_class);
	metrics_confusion_fini(&r->confusion);
	metrics_report_init(r);
}

void
metrics_report_copy(struct metrics_report *dst, const struct metrics_report *src)
{
	*dst = *src;
	dst->per_class = NULL;
	if (src->nclasses > 0) {
		dst->per_class = tt_xcalloc(src->nclasses, sizeof(*dst->per_class));
		memcpy(dst->per_class, src->per_class, src->nclasses * sizeof(*dst->per_class));
	}
	metrics_confusion_copy(&dst->confusion, &src->confusion);
}

/* num / den, or 0 when den is 0. */
static double
ratio(double num, double den)
{
	return den > 0 ? num / den : 0.0;
}

/* Precision, recall and F1 of one class from its tp, fp, fn. */
static void
class_fill(struct metrics_class *c)
{
	c->support = c->tp + c->fn;
	c->predicted = c->tp + c->fp;
	c->precision = ratio((double)c->tp, (double)c->predicted);
	c->recall = ratio((double)c->tp, (double)c->support);
	c->f1 = ratio(2.0 * (double)c->tp, 2.0 * (double)c->tp + (double)c->fp + (double)c->fn);
	c->precision_undefined = c->predicted == 0;
	c->recall_undefined = c->support == 0;
	c->f1_undefined = c->tp + c->fp + c->fn == 0;
}

/* Macro, micro and weighted averages from r->per_class (tp/fp/fn filled). */
static void
report_averages(struct metrics_report *r)
{
	double mp = 0, mr = 0, mf = 0, wp = 0, wr = 0, wf = 0, wsum = 0;
	uint64_t tp = 0, fp = 0, fn = 0;

	r->nmacro = 0;
	for (uint32_t i = 0; i < r->nclasses; i++) {
		struct metrics_class *c = &r->per_class[i];
		class_fill(c);
		c->in_macro = r->multilabel || !c->f1_undefined;
		tp += c->tp;
		fp += c->fp;
		fn += c->fn;
		wsum += (double)c->support;
		wp += (double)c->support * c->precision;
		wr += (double)c->support * c->recall;
		wf += (double)c->support * c->f1;
		if (!c->in_macro)
			continue;
		r->nmacro++;
		mp += c->precision;
		mr += c->recall;
		mf += c->f1;
	}
	r->macro_precision = ratio(mp, r->nmacro);
	r->macro_recall = ratio(mr, r->nmacro);
	r->macro_f1 = ratio(mf, r->nmacro);
	r->weighted_precision = ratio(wp, wsum);
	r->weighted_recall = ratio(wr, wsum);
	r->weighted_f1 = ratio(wf, wsum);
	r->micro_precision = ratio((double)tp, (double)(tp + fp));
	r->micro_recall = ratio((double)tp, (double)(tp + fn));
	r->micro_f1 = ratio(2.0 * (double)tp, 2.0 * (double)tp + (double)fp + (double)fn);
}

/* Start a report of nclasses classes with zeroed per-class counts. */
static void
report_start(struct metrics_report *r, uint32_t nclasses, bool multilabel)
{
	metrics_report_init(r);
	r->nclasses = nclasses;
	r->multilabel = multilabel;
	if (nclasses > 0)
		r->per_class = tt_xcalloc(nclasses, sizeof(*r->per_class));
}

void
metrics_report_from_confusion(struct metrics_report *r, const struct metrics_confusion *cm)
{
	uint32_t k = cm->nclasses;
	uint64_t correct = 0;

	report_start(r, k, false);
	for (uint32_t t = 0; t < k; t++) {
		for (uint32_t p = 0; p < k; p++) {
			uint64_t v = cm->counts[(size_t)t * k + p];
			r->n += v;
			if (t == p) {
				r->per_class[t].tp += v;
				correct += v;
			} else {
				r->per_class[t].fn += v;
				r->per_class[p].fp += v;
			}
		}
	}
	r->accuracy = ratio((double)correct, (double)r->n);
	report_averages(r);
	metrics_confusion_copy(&r->confusion, cm);
}

/* ---- accumulator ---- */

void
metrics_eval_init(struct metrics_eval *acc, uint32_t nclasses)
{
	memset(acc, 0, sizeof(*acc));
	acc->nclasses = nclasses;
	metrics_confusion_init(&acc->cm, nclasses);
	if (nclasses > 0) {
		acc->ml_tp = tt_xcalloc(nclasses, sizeof(uint64_t));
		acc->ml_fp = tt_xcalloc(nclasses, sizeof(uint64_t));
		acc->ml_fn = tt_xcalloc(nclasses, sizeof(uint64_t));
	}
}

void
metrics_eval_fini(struct metrics_eval *acc)
{
	metrics_confusion_fini(&acc->cm);
	free(acc->ml_tp);
	free(acc->ml_fp);
	free(acc->ml_fn);
	memset(acc, 0, sizeof(*acc));
}

void
metrics_eval_reset(struct metrics_eval *acc)
{
	uint32_t k = acc->nclasses;

	metrics_confusion_reset(&acc->cm);
	if (k > 0) {
		memset(acc->ml_tp, 0, k * sizeof(uint64_t));
		memset(acc->ml_fp, 0, k * sizeof(uint64_t));
		memset(acc->ml_fn, 0, k * sizeof(uint64_t));
	}
	acc->mode = MODE_EMPTY;
	acc->n = 0;
	acc->nll_sum = 0;
	memset(acc->bin_count, 0, sizeof(acc->bin_count));
	memset(acc->bin_correct, 0, sizeof(acc->bin_correct));
	memset(acc->bin_conf, 0, sizeof(acc->bin_conf));
	acc->loss_sum = 0;
	acc->loss_count = 0;
	acc->ml_exact = 0;
}

uint32_t
metrics_argmax(const float *probs, uint32_t n)
{
	uint32_t best = 0;

	for (uint32_t i = 1; i < n; i++) {
		if (isnan(probs[i]))
			continue;
		if (isnan(probs[best]) || probs[i] > probs[best])
			best = i;
	}
	return best;
}

/*
 * Bin of a confidence: bins are (i/15, (i+1)/15], with 0 in the first bin
 * (the convention of Guo et al. 2017). Out-of-range values are clamped.
 */
static int
ece_bin(double conf)
{
	int b;

	if (!(conf > 0))
		return 0;
	if (conf >= 1)
		return METRICS_ECE_BINS - 1;
	b = (int)ceil(conf * METRICS_ECE_BINS) - 1;
	if (b < 0)
		b = 0;
	if (b >= METRICS_ECE_BINS)
		b = METRICS_ECE_BINS - 1;
	return b;
}

/* Claim the accumulator for a mode; false if it already holds the other one. */
static bool
eval_claim(struct metrics_eval *acc, int mode)
{
	if (acc->mode != MODE_EMPTY && acc->mode != mode)
		return false;
	acc->mode = mode;
	return true;
}

int
metrics_eval_add(struct metrics_eval *acc, uint32_t true_label, const float *probs)
{
	uint32_t pred;
	double conf, p;
	int b;

	if (probs == NULL || true_label >= acc->nclasses || acc->mode == MODE_MULTI)
		return -1;
	eval_claim(acc, MODE_SINGLE);
	pred = metrics_argmax(probs, acc->nclasses);
	metrics_confusion_add(&acc->cm, true_label, pred);
	acc->n++;

	/* fmax/fmin drop a NaN operand, so a NaN probability counts as EPS. */
	p = fmin(fmax((double)probs[true_label], METRICS_PROB_EPS), 1.0);
	acc->nll_sum -= log(p);

	conf = (double)probs[pred];
	b = ece_bin(conf);
	acc->bin_count[b]++;
	acc->bin_conf[b] += isnan(conf) ? 0.0 : fmin(fmax(conf, 0.0), 1.0);
	if (pred == true_label)
		acc->bin_correct[b]++;
	return 0;
}

int
metrics_eval_add_multi(struct metrics_eval *acc, const uint8_t *true_set,
		const float *probs, float threshold)
{
	bool exact = true;

	if (true_set == NULL || probs == NULL || !eval_claim(acc, MODE_MULTI))
		return -1;
	for (uint32_t i = 0; i < acc->nclasses; i++) {
		bool t = true_set[i] != 0;
		bool p = probs[i] >= threshold;
		/* fmax/fmin drop a NaN operand, so a NaN probability counts as EPS. */
		double q = fmin(fmax((double)probs[i], METRICS_PROB_EPS), 1.0 - METRICS_PROB_EPS);

		acc->nll_sum -= t ? log(q) : log1p(-q);
		if (t && p)
			acc->ml_tp[i]++;
		else if (p)
			acc->ml_fp[i]++;
		else if (t)
			acc->ml_fn[i]++;
		if (t != p)
			exact = false;
	}
	acc->n++;
	if (exact)
		acc->ml_exact++;
	return 0;
}

void
metrics_eval_add_loss(struct metrics_eval *acc, double loss_sum, uint64_t count)
{
	acc->loss_sum += loss_sum;
	acc->loss_count += count;
}

/* Expected calibration error: sum over bins of |correct - confidence| / n. */
static double
eval_ece(const struct metrics_eval *acc)
{
	double sum = 0;

	for (int b = 0; b < METRICS_ECE_BINS; b++)
		sum += fabs((double)acc->bin_correct[b] - acc->bin_conf[b]);
	return sum / (double)acc->n;
}

static void
finish_multi(const struct metrics_eval *acc, struct metrics_report *r)
{
	report_start(r, acc->nclasses, true);
	r->n = acc->n;
	for (uint32_t i = 0; i < acc->nclasses; i++) {
		r->per_class[i].tp = acc->ml_tp[i];
		r->per_class[i].fp = acc->ml_fp[i];
		r->per_class[i].fn = acc->ml_fn[i];
	}
	r->accuracy = ratio((double)acc->ml_exact, (double)acc->n);
	if (acc->n > 0)
		r->log_loss = acc->nll_sum / (double)acc->n;
	report_averages(r);
}

void
metrics_eval_finish(const struct metrics_eval *acc, struct metrics_report *r)
{
	if (acc->mode == MODE_MULTI) {
		finish_multi(acc, r);
	} else {
		metrics_report_from_confusion(r, &acc->cm);
		if (acc->n > 0) {
			r->log_loss = acc->nll_sum / (double)acc->n;
			r->ece = eval_ece(acc);
		}
	}
	if (acc->loss_count > 0)
		r->loss = acc->loss_sum / (double)acc->loss_count;
	else
		r->loss = r->log_loss;
}

/* ---- output ---- */

/* A JSON number, or null when x is NaN or infinite (JSON has neither). */
static json_t *
json_num(double x)
{
	if (!isfinite(x))
		return json_null();
	return json_real(x);
}

static json_t *
json_class(const struct metrics_class *c)
{
	json_t *o = json_object();

	json_object_set_new(o, "precision", json_num(c->precision));
	json_object_set_new(o, "recall", json_num(c->recall));
	json_object_set_new(o, "f1", json_num(c->f1));
	json_object_set_new(o, "support", json_integer((json_int_t)c->support));
	return o;
}

static json_t *
json_per_class(const struct metrics_report *r, const char *const *label_names)
{
	json_t *o = json_object();
	char num[16];

	for (uint32_t i = 0; i < r->nclasses; i++) {
		const char *name = label_names != NULL ? label_names[i] : NULL;
		if (name == NULL) {
			snprintf(num, sizeof(num), "%u", (unsigned)i);
			name = num;
		}
		json_object_set_new(o, name, json_class(&r->per_class[i]));
	}
	return o;
}

static json_t *
json_confusion(const struct metrics_confusion *cm)
{
	json_t *rows = json_array();

	for (uint32_t t = 0; t < cm->nclasses; t++) {
		json_t *row = json_array();
		for (uint32_t p = 0; p < cm->nclasses; p++)
			json_array_append_new(row,
					json_integer((json_int_t)metrics_confusion_get(cm, t, p)));
		json_array_append_new(rows, row);
	}
	return rows;
}

struct json_t *
metrics_report_json(const struct metrics_report *r, const char *const *label_names)
{
	json_t *o = json_object();

	json_object_set_new(o, "n", json_integer((json_int_t)r->n));
	json_object_set_new(o, "accuracy", json_num(r->accuracy));
	if (r->multilabel)
		json_object_set_new(o, "subset_accuracy", json_num(r->accuracy));
	json_object_set_new(o, "macro_f1", json_num(r->macro_f1));
	json_object_set_new(o, "micro_f1", json_num(r->micro_f1));
	json_object_set_new(o, "weighted_f1", json_num(r->weighted_f1));
	json_object_set_new(o, "macro_precision", json_num(r->macro_precision));
	json_object_set_new(o, "macro_recall", json_num(r->macro_recall));
	json_object_set_new(o, "micro_precision", json_num(r->micro_precision));
	json_object_set_new(o, "micro_recall", json_num(r->micro_recall));
	json_object_set_new(o, "weighted_precision", json_num(r->weighted_precision));
	json_object_set_new(o, "weighted_recall", json_num(r->weighted_recall));
	json_object_set_new(o, "loss", json_num(r->loss));
	json_object_set_new(o, "log_loss", json_num(r->log_loss));
	json_object_set_new(o, "ece", json_num(r->ece));
	json_object_set_new(o, "per_class", json_per_class(r, label_names));
	if (r->multilabel)
		json_object_set_new(o, "confusion", json_null());
	else
		json_object_set_new(o, "confusion", json_confusion(&r->confusion));
	return o;
}

int
metrics_report_to_json(const struct metrics_report *r, const char *const *label_names,
		struct tt_buf *out)
{
	json_t *o = metrics_report_json(r, label_names);
	char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));

	json_decref(o);
	if (s == NULL)
		return -1;
	tt_buf_adds(out, s);
	free(s);
	return 0;
}

/* ---- language models ---- */

double
metrics_perplexity(double sum_nll, uint64_t ntokens)
{
	/* No fixed relation to accuracy: it is exp of the mean NLL, nothing more. */
	if (ntokens == 0)
		return NAN;
	return exp(sum_nll / (double)ntokens);
}
