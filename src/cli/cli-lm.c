/*
 * cli-lm.c - `tunetop eval` and `tunetop predict` on a language model
 * (a gpt bundle trained with objective lm): its classes are the tokens of
 * its vocabulary, not the data's labels.
 *
 *   eval     every record's text (labeled or not), joined with
 *            <|endoftext|> and cut into chunks of n_ctx + 1 tokens as the
 *            trainer cuts them: tokens scored, mean loss per token,
 *            perplexity = exp(loss)
 *   predict  the k most likely next tokens after each text, shown as
 *            their vocabulary strings ("Ġthe")
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/bpe.h"
#include "tunetop/cli.h"

/* All of ds's texts as one id stream, each followed by <|endoftext|>. */
static void cli_lm_stream(const struct bundle *b, const struct dataset *ds, struct bpe_ids *out)
{
	const struct bpe *bpe = tokenizer_bpe(b->tok);
	uint32_t eot = bpe != NULL ? bpe_eot(bpe) : BPE_NONE;

	for (size_t i = 0; i < ds->n; i++) {
		const struct ds_record *r = &ds->recs[i];
		size_t need;

		if (r->flags & DS_FLAG_DELETED)
			continue;
		need = tokenizer_encode(b->tok, r->text, r->text_len, NULL, 0);
		if (out->cap < out->n + need + 1) {
			out->cap = 2 * (out->n + need + 1);
			out->v = tt_xrealloc(out->v, out->cap * sizeof *out->v);
		}
		tokenizer_encode(b->tok, r->text, r->text_len, out->v + out->n, need);
		out->n += need;
		if (eot != BPE_NONE)
			bpe_ids_push(out, eot);
	}
}

int cli_eval_lm(const struct bundle *b, const struct dataset *ds, const char *path, int json)
{
	struct model *m = b->model;
	struct model_ws *ws = model_ws_create(m);
	struct model_hparams hp;
	struct model_example ex[8];
	struct bpe_ids s;
	size_t T = m->cfg.n_ctx, k, nb = 0;
	double sum = 0, ntok = 0, loss;

	model_hparams_default(&hp);
	bpe_ids_init(&s);
	cli_lm_stream(b, ds, &s);
	for (k = 0; k + 1 < s.n; k += T) {
		uint32_t n = (uint32_t)(s.n - k < T + 1 ? s.n - k : T + 1);

		ex[nb].tokens = s.v + k;
		ex[nb].ntokens = n - 1;
		ex[nb].targets = s.v + k + 1;
		ex[nb].ntargets = n - 1;
		nb++;
		if (nb == 8 || k + T + 1 >= s.n) {
			double cnt = 0;

			for (size_t j = 0; j < nb; j++)
				cnt += ex[j].ntokens;
			sum += (double)model_forward(m, ws, ex, nb, &hp, NULL) * cnt;
			ntok += cnt;
			nb = 0;
		}
	}
	bpe_ids_fini(&s);
	model_ws_destroy(m, ws);
	if (ntok == 0) {
		tt_esc_printf(stderr, "tunetop eval: %s: no text to score\n", path);
		return 1;
	}
	loss = sum / ntok;
	if (json)
		printf("{\"tokens\":%.0f,\"loss\":%.6g,\"perplexity\":%.6g}\n", ntok, loss, exp(loss));
	else
		printf("%.0f tokens: loss %.4f, perplexity %.4f\n", ntok, loss, exp(loss));
	return 0;
}

void cli_predict_lm(const struct bundle *b, struct model_ws *ws, const char *text, size_t len,
		    int k, int json, float *probs)
{
	const struct bpe *bpe = tokenizer_bpe(b->tok);
	uint32_t V = b->model->cfg.nlabels, n = (uint32_t)tokenizer_encode(b->tok, text, len, NULL, 0);
	uint32_t *ids = tt_xmalloc((n + 1) * sizeof *ids), *best = tt_xcalloc((size_t)k, sizeof *best);
	json_t *arr = json_array();
	char *enc, *safe;

	tokenizer_encode(b->tok, text, len, ids, n);
	model_predict(b->model, ws, ids, n, probs);
	for (int i = 0; i < k && (uint32_t)i < V; i++) {
		uint32_t top = UINT32_MAX;
		size_t sl = 0;
		const char *str;
		char num[16];

		for (uint32_t v = 0; v < V; v++)
			if ((top == UINT32_MAX || probs[v] > probs[top]) && probs[v] >= 0)
				top = v;
		best[i] = top;
		str = bpe != NULL ? bpe_token_str(bpe, top, &sl) : NULL;
		snprintf(num, sizeof num, "%u", top);
		if (json) {
			json_array_append_new(arr, json_pack("{s:I,s:s%,s:f}", "id", (json_int_t)top,
							     "token", str ? str : num, str ? sl : strlen(num),
							     "prob", (double)probs[top]));
		} else {
			char *copy = str ? tt_xprintf("%.*s", (int)sl, str) : tt_xstrdup(num);
			char *esc = tt_esc_dup(copy);

			printf("%s%s %.4f", i ? "  " : "", esc, probs[top]);
			free(esc);
			free(copy);
		}
		probs[top] = -1;        /* taken */
	}
	if (json) {
		enc = json_dumps(arr, JSON_COMPACT | JSON_REAL_PRECISION(5));
		safe = tt_esc_json(enc);
		printf("%s\n", safe);
		free(safe);
		free(enc);
	} else {
		putchar('\n');
	}
	json_decref(arr);
	free(best);
	free(ids);
}
