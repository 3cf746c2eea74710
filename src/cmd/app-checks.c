/*
 * app-checks.c - the findings of `check` (findings.h) and the last
 * label-error ranking's flags for the filter's finding terms (dup,
 * near-dup, leak, outlier, likely-error: edit.h's struct edit_findings)
 * and the workbench's quality command. One struct findings is cached and rebuilt
 * when the data was replaced or the journal moved on (an edit, an undo),
 * so a filter over every record computes them once. Near duplicates are
 * computed only when a term or command asks for them; on a million records
 * that takes seconds, on the UI thread (a background job is future work).
 * The unknown-word outliers are there when a model's vocabulary is known
 * (app-unknown.c: check --model, or the workbench run's saved model).
 */
#include "tunetop/app.h"

#include <stdlib.h>
#include <string.h>

#include "tunetop/journal.h"
#include "tunetop/labelerr.h"

static uint64_t app_checks_seq(const struct app *a)
{
	return a->journal != NULL ? journal_next_seq(a->journal) : 0;
}

static size_t app_checks_undo(const struct app *a)
{
	return a->journal != NULL ? journal_undo_depth(a->journal) : 0;
}

static bool app_checks_fresh(const struct app *a, bool near)
{
	const struct app_checks *c = &a->checks_cache;

	return c->f != NULL && c->recs == (const void *)a->ds.recs && c->n == a->ds.n &&
	       c->seq == app_checks_seq(a) && c->undo == app_checks_undo(a) &&
	       c->unknown_tok == a->unknown.tok && (!near || c->f->has_near);
}

const struct findings *app_checks_refresh(struct app *a, bool near, struct tt_err *err)
{
	struct app_checks *c = &a->checks_cache;
	struct findings_options o;
	float *unknown;

	if (findings_options_from_cfg(&a->cfg, &o, err) != 0)
		return NULL;
	o.near = near;
	/* the unknown-word rates under the model check --model named (app-unknown.c) */
	unknown = app_unknown_rates(a, err);
	o.unknown = unknown;
	o.unknown_model = a->unknown.model;
	app_checks_reset(a);
	c->f = tt_xmalloc(sizeof *c->f);
	findings_compute(&a->ds, &o, c->f);
	free(unknown);
	c->unknown_tok = a->unknown.tok;
	c->recs = a->ds.recs;
	c->n = a->ds.n;
	c->seq = app_checks_seq(a);
	c->undo = app_checks_undo(a);
	return c->f;
}

const struct findings *app_checks_get(struct app *a, bool near, struct tt_err *err)
{
	const struct app_checks *c = &a->checks_cache;

	if (app_checks_fresh(a, near))
		return c->f;
	/* keep near duplicates once asked for: a refresh after an edit redoes them */
	return app_checks_refresh(a, near || (c->f != NULL && c->f->has_near), err);
}

/* edit_findings.get: computes only what need asks for (likely-error reads the ranking). */
static unsigned app_findings_get(void *opaque, size_t index, unsigned need, unsigned *outlier)
{
	struct app *a = opaque;
	const struct labelerr_report *r = a->label_errors;
	const struct findings *f;
	struct tt_err err;
	unsigned flags = 0;

	*outlier = 0;
	if ((need & FINDINGS_LIKELY_ERROR) && r != NULL && index < r->ds_n && r->flagged_of[index])
		flags |= FINDINGS_LIKELY_ERROR;
	if ((need & ~(unsigned)FINDINGS_LIKELY_ERROR) == 0)
		return flags;
	tt_err_clear(&err);
	f = app_checks_get(a, (need & (FINDINGS_NEAR | FINDINGS_LEAK)) != 0, &err);
	if (f == NULL || index >= f->n)
		return flags;
	*outlier = f->outlier[index];
	return flags | f->flags[index];
}

void app_findings_attach(struct app *a)
{
	a->findings.get = app_findings_get;
	a->findings.opaque = a;
}

void app_checks_reset(struct app *a)
{
	struct app_checks *c = &a->checks_cache;

	if (c->f != NULL) {
		findings_fini(c->f);
		free(c->f);
	}
	memset(c, 0, sizeof *c);
}
