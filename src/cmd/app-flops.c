/*
 * app-flops.c - tokens/s, GFLOP/s, MFU and the estimated duration of a
 * transformer run (app-flops.h).
 *
 * The estimate of a run that has not started: the train split's tokens
 * (bytes / 4, each record cut to the context; a language model's whole
 * texts) x epochs, or max_steps x batch_size examples if that is fewer,
 * x FLOPs per token (flops_gpt_token), over the sgemm peak x an MFU: the
 * one the last gpt run of this process measured, else APP_FLOPS_MFU_GUESS
 * (what the demo's gpt-tiny reaches on two cores: its products are small).
 * With an init file the shapes come from its tensors (files up to 64 MB,
 * read once per path; a 124M model's 500 MB are not read for a status line).
 */
#include "tunetop/app-flops.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tunetop/flops.h"
#include "tunetop/gpt.h"
#include "tunetop/safetensors.h"
#include "tunetop/util.h"

enum { APP_FLOPS_INIT_MAX = 64 << 20, APP_FLOPS_BYTES_PER_TOKEN = 4 };

bool app_flops_of(struct app *a, const struct trainer_snapshot *s, double *gflops, double *mfu)
{
	if (!(s->flops_per_token > 0) || !(s->tokens_per_sec > 0))
		return false;
	*gflops = s->flops_per_token * s->tokens_per_sec / 1e9;
	*mfu = s->peak_gflops > 0 ? *gflops / s->peak_gflops : NAN;
	if (a != NULL && isfinite(*mfu) && *mfu > 0) {
		a->flops.last_mfu = *mfu;
		/* the run's peak is the latest measurement (trainer_gpt_peak_check
		 * may have raised it): estimate with the same peak the MFU used */
		a->flops.peak = s->peak_gflops;
	}
	return true;
}

void app_fmt_duration(double s, char *out, size_t n)
{
	long t = (long)(s + 0.5);

	if (!isfinite(s) || s < 0)
		snprintf(out, n, "-");
	else if (t >= 3600)
		snprintf(out, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(out, n, "%ld:%02ld", t / 60, t % 60);
}

/* An init file's shapes (vocab, ctx, dim, layers); -1 when it cannot tell. */
static int app_flops_init_shape(struct app *a, const char *path, struct gpt_config *c)
{
	struct app_flops *f = &a->flops;
	struct st_file st;
	struct tt_err err;
	struct stat sb;
	const struct st_tensor *wte, *wpe;

	if (f->init_path != NULL && strcmp(f->init_path, path) == 0) {
		*c = f->init_cfg;
		return f->init_ok ? 0 : -1;
	}
	free(f->init_path);
	f->init_path = tt_xstrdup(path);
	f->init_ok = false;
	memset(&f->init_cfg, 0, sizeof f->init_cfg);
	if (stat(path, &sb) != 0 || sb.st_size > APP_FLOPS_INIT_MAX)
		return -1;
	tt_err_clear(&err);
	if (st_open(&st, path, &err) != 0)
		return -1;
	wte = st_find(&st, "transformer.wte.weight");
	wpe = st_find(&st, "transformer.wpe.weight");
	if (wte == NULL)
		wte = st_find(&st, "wte.weight");
	if (wpe == NULL)
		wpe = st_find(&st, "wpe.weight");
	if (wte != NULL && wpe != NULL && wte->ndim == 2 && wpe->ndim == 2) {
		f->init_cfg.vocab = (uint32_t)wte->shape[0];
		f->init_cfg.dim = (uint32_t)wte->shape[1];
		f->init_cfg.ctx = (uint32_t)wpe->shape[0];
		for (size_t i = 0; i < st.ntensors; i++) {
			const char *n = st.tensors[i].name, *e = n + strlen(n);

			if (e - n >= 11 && strcmp(e - 11, "ln_1.weight") == 0)
				f->init_cfg.layers++;
		}
		f->init_cfg.heads = 1;
		f->init_ok = f->init_cfg.layers > 0;
	}
	st_close(&st);
	*c = f->init_cfg;
	return f->init_ok ? 0 : -1;
}

/* The shapes the options describe; -1 when unknown. */
static int app_flops_shape(struct app *a, struct gpt_config *c)
{
	const char *init = cfg_get_str(&a->cfg, "init");

	if (init[0] != '\0')
		return app_flops_init_shape(a, init, c);
	memset(c, 0, sizeof *c);
	c->vocab = (uint32_t)cfg_get_int(&a->cfg, "vocab_size");
	c->dim = (uint32_t)cfg_get_int(&a->cfg, "dim");
	c->layers = (uint32_t)cfg_get_int(&a->cfg, "layers");
	c->ctx = (uint32_t)cfg_get_int(&a->cfg, "context");
	c->heads = 1;
	return 0;
}

/* Tokens of one epoch and its examples (records, or context-long chunks). */
static void app_flops_epoch(const struct app *a, uint32_t T, bool lm, double *tokens,
			    double *examples)
{
	double tok = 0, ex = 0, all = 0, all_ex = 0;
	size_t i;

	for (i = 0; i < a->ds.n; i++) {
		const struct ds_record *r = &a->ds.recs[i];
		double n = (double)r->text_len / APP_FLOPS_BYTES_PER_TOKEN + 1;

		if (r->flags & DS_FLAG_DELETED)
			continue;
		if (!lm) {
			if (r->label == DS_NO_LABEL)
				continue;
			if (n > T)
				n = T;
		}
		all += n;
		all_ex += 1;
		if (r->split == DS_SPLIT_TRAIN) {
			tok += n;
			ex += 1;
		}
	}
	if (ex == 0) {          /* no split yet: the default 80% */
		tok = all * 0.8;
		ex = all_ex * 0.8;
	}
	*tokens = tok;
	*examples = lm ? ceil(tok / T) : ex;
}

double app_run_estimate(struct app *a, char *basis, size_t basis_len)
{
	struct app_flops *f = &a->flops;
	struct gpt_config c;
	double now = tt_now(), tokens, examples, steps, max_steps, total, mfu;
	uint32_t T, batch;
	bool lm;

	if (basis_len > 0)
		basis[0] = '\0';
	if (strcmp(cfg_get_str(&a->cfg, "model"), "gpt") != 0 || !a->has_data)
		return -1;
	if (now - f->est_at < 1.0 && f->est_at > 0) {
		if (basis_len > 0)
			snprintf(basis, basis_len, "%s", f->est_basis);
		return f->est_s;
	}
	f->est_at = now;
	f->est_s = -1;
	f->est_basis[0] = '\0';
	if (app_flops_shape(a, &c) != 0)
		return -1;
	if (!(f->peak > 0))
		f->peak = flops_peak(NULL, 0);
	lm = strcmp(cfg_get_str(&a->cfg, "objective"), "lm") == 0;
	T = (uint32_t)cfg_get_int(&a->cfg, "context");
	if (T > c.ctx)
		T = c.ctx;
	batch = (uint32_t)cfg_get_int(&a->cfg, "batch_size");
	app_flops_epoch(a, T, lm, &tokens, &examples);
	if (!(examples > 0))
		return -1;
	steps = ceil(examples / batch) * (double)cfg_get_int(&a->cfg, "epochs");
	total = tokens * (double)cfg_get_int(&a->cfg, "epochs");
	max_steps = (double)cfg_get_int(&a->cfg, "max_steps");
	if (max_steps > 0 && max_steps < steps)
		total *= max_steps / steps;
	mfu = f->last_mfu > 0 ? f->last_mfu : APP_FLOPS_MFU_GUESS;
	f->est_s = total * flops_gpt_token(&c, T, lm) / (f->peak * 1e9 * mfu);
	snprintf(f->est_basis, sizeof f->est_basis, "%.3g TFLOP at %.1f GFLOP/s sgemm peak x MFU "
		 "%.0f%% (%s)", total * flops_gpt_token(&c, T, lm) / 1e12, f->peak, mfu * 100,
		 f->last_mfu > 0 ? "the last gpt run's" : "a guess");
	if (basis_len > 0)
		snprintf(basis, basis_len, "%s", f->est_basis);
	return f->est_s;
}
