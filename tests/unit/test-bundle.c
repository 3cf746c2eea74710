/*
 * test-bundle.c - model files: only the rows training touched are stored,
 * and a save/load round trip is bit for bit (every weight, every
 * prediction), for models, checkpoints with AdamW state (optim.c's views,
 * and files that name the moments as before optim.c), and files written
 * dense by earlier versions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tunetop/bundle.h"
#include "tunetop/safetensors.h"

enum { NLAB = 3, DIM = 12, BUCKETS = 50000 };

static const char *const texts[] = {
	"the cat sat on the mat", "dogs bark at night", "stocks fell sharply today",
	"the dog chased the cat", "markets rallied after the news", "a cat and a dog",
};
static const uint32_t golds[] = { 0, 1, 2, 0, 2, 1 };
static const char *const probes[] = {
	"the cat", "dogs at the market", "unseen words only", "", "news of the cat sat",
};
static char *const label_names[] = { "cats", "dogs", "money" };

struct fx {
	char dir[64];
	char path[96];
	struct tok_vocab vocab;         /* the tokenizer's (tok is in charge) */
	struct tokenizer *tok;
	struct model *model;
	struct optim *opt;              /* after train(f, 1) */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct tok_config c;
	struct model_config mc = { 0 };
	struct tt_err err;

	strcpy(f->dir, "/tmp/tt-bundle-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/m.safetensors", f->dir);
	tok_config_default(&c);
	c.word_ngrams = 2;
	c.buckets = BUCKETS;
	tok_vocab_init(&f->vocab, &c);
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		tok_vocab_add_text(&f->vocab, texts[i], strlen(texts[i]));
	tok_vocab_finish(&f->vocab);
	mc.type = "ngram";
	mc.ninputs = (uint32_t)tok_vocab_nfeatures(&f->vocab);
	f->tok = tokenizer_ngram_create(&f->vocab);
	mc.nlabels = NLAB;
	mc.dim = DIM;
	mc.loss = MODEL_LOSS_SOFTMAX;
	mc.seed = 7;
	f->model = model_create(&mc, &err);
	if (f->model == NULL)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	optim_destroy(f->opt);
	model_destroy(f->model);
	tokenizer_destroy(f->tok);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* A few epochs of SGD (or AdamW) over the texts. */
static void train(struct fx *f, int adamw)
{
	struct model_ws *ws = model_ws_create(f->model);
	struct model_hparams hp;
	struct model_rng rng;
	uint32_t ids[6][64];
	struct model_example ex[6];
	struct tt_err err;

	model_hparams_default(&hp);
	hp.lr = adamw ? 0.01f : 0.5f;
	model_rng_seed(&rng, 1);
	if (adamw) {
		f->opt = optim_create(f->model, OPTIM_ADAMW, &err);
		assert_non_null(f->opt);
	}
	for (size_t i = 0; i < 6; i++) {
		ex[i].tokens = ids[i];
		ex[i].ntokens = (uint32_t)tokenizer_encode(f->tok, texts[i], strlen(texts[i]), ids[i],
							   64);
		ex[i].targets = &golds[i];
		ex[i].ntargets = 1;
	}
	for (int e = 0; e < 5; e++) {
		if (adamw) {
			model_zero_grad(f->model);
			model_forward(f->model, ws, ex, 6, &hp, &rng);
			model_backward(f->model, ws);
			optim_step(f->opt, &hp);
			continue;
		}
		for (size_t i = 0; i < 6; i++)
			model_sgd_fast(f->model, ws, &ex[i], &hp, &rng);
	}
	model_ws_destroy(f->model, ws);
}

/* Every view of a and b holds the same bytes. */
static void assert_same_views(struct model *a, struct model *b)
{
	assert_int_equal(model_nviews(a), model_nviews(b));
	for (size_t i = 0; i < model_nviews(a); i++) {
		struct model_view va, vb;

		model_view(a, i, &va);
		model_view(b, i, &vb);
		assert_string_equal(va.name, vb.name);
		assert_int_equal(va.data == NULL, vb.data == NULL);
		if (va.data == NULL)
			continue;
		assert_int_equal(model_view_numel(&va), model_view_numel(&vb));
		assert_memory_equal(va.data, vb.data,
				    model_view_numel(&va) * (va.dtype == MODEL_F32 ? 4 : 8));
	}
}

/* Every optimizer view of a and b holds the same bytes. */
static void assert_same_optim(struct optim *a, struct optim *b)
{
	assert_int_equal(optim_nviews(a), optim_nviews(b));
	assert_true(optim_nviews(a) > 0);
	for (size_t i = 0; i < optim_nviews(a); i++) {
		struct model_view va, vb;

		optim_view(a, i, &va);
		optim_view(b, i, &vb);
		assert_string_equal(va.name, vb.name);
		assert_memory_equal(va.data, vb.data,
				    model_view_numel(&va) * (va.dtype == MODEL_F32 ? 4 : 8));
	}
}

static void assert_same_predictions(struct fx *f, const struct bundle *b)
{
	struct model_ws *ws = model_ws_create(f->model), *wb = model_ws_create(b->model);
	struct bundle mine = { 0 };
	float pa[NLAB], pb[NLAB];

	mine.model = f->model;
	mine.tok = f->tok;
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		bundle_predict(&mine, ws, probes[i], strlen(probes[i]), pa);
		bundle_predict(b, wb, probes[i], strlen(probes[i]), pb);
		assert_memory_equal(pa, pb, sizeof pa);
	}
	model_ws_destroy(f->model, ws);
	model_ws_destroy(b->model, wb);
}

static size_t touched_rows(struct model *m)
{
	struct model_view v;
	size_t k = 0;

	assert_int_equal(model_find_view(m, "ngram.input.weight", &v), 0);
	assert_non_null(v.touched);
	for (uint64_t r = 0; r < v.shape[0]; r++)
		k += v.touched[r] != 0;
	return k;
}

static off_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

static void test_sparse_round_trip(void **state)
{
	struct fx *f = *state;
	struct bundle b;
	struct tt_err err;
	struct st_file sf;
	size_t k;
	uint64_t dense = (uint64_t)tokenizer_vocab_size(f->tok) * DIM * 4;

	train(f, 0);
	k = touched_rows(f->model);
	assert_true(k > 10 && k < 200);
	assert_int_equal(bundle_save(f->path, f->model, f->tok, NULL, label_names, NLAB, false,
				     NULL, 0, &err), 0);
	/* only the touched rows are in the file: far below the dense matrix */
	assert_true((uint64_t)file_size(f->path) < dense / 50);
	assert_int_equal(st_open(&sf, f->path, &err), 0);
	assert_null(st_find(&sf, "ngram.input.weight"));
	assert_non_null(st_find(&sf, "ngram.input.weight.index"));
	assert_int_equal(st_find(&sf, "ngram.input.weight.rows")->shape[0], k);
	st_close(&sf);

	assert_int_equal(bundle_load(&b, f->path, &err), 0);
	assert_same_views(f->model, b.model);
	assert_same_predictions(f, &b);
	assert_int_equal(touched_rows(b.model), k);
	bundle_fini(&b);
}

/* A checkpoint with AdamW moments: row-sparse like their parameter. */
static void test_sparse_checkpoint_adamw(void **state)
{
	struct fx *f = *state;
	struct bundle b;
	struct tt_err err;
	struct st_file sf;
	struct optim *o;

	train(f, 1);
	assert_int_equal(bundle_save(f->path, f->model, f->tok, f->opt, label_names, NLAB, false,
				     NULL, 0, &err), 0);
	assert_int_equal(st_open(&sf, f->path, &err), 0);
	assert_non_null(st_find(&sf, "optim.adamw.ngram.input.weight.m.rows"));
	assert_non_null(st_find(&sf, "optim.adamw.ngram.output.weight.v"));
	assert_non_null(st_find(&sf, "optim.adamw.step"));
	st_close(&sf);
	assert_int_equal(bundle_load(&b, f->path, &err), 0);
	assert_true(b.has_optimizer);
	assert_same_views(f->model, b.model);
	assert_same_predictions(f, &b);
	o = optim_create(b.model, OPTIM_ADAMW, &err);
	assert_non_null(o);
	assert_int_equal(bundle_load_optim(f->path, o, &err), 0);
	assert_same_optim(f->opt, o);
	optim_destroy(o);
	bundle_fini(&b);
}

/*
 * The tensors of a dense ngram file as written before sparse saving
 * (input, output, tokenizer.vocab) into ts[0..2], and its tunetop.model
 * JSON into cfgjson[256]; vb holds the vocabulary (the caller frees it).
 */
static void dense_tensors(struct fx *f, struct st_tensor *ts, struct tt_buf *vb, char *cfgjson)
{
	struct model_view in, out;

	model_find_view(f->model, "ngram.input.weight", &in);
	model_find_view(f->model, "ngram.output.weight", &out);
	snprintf(cfgjson, 256, "{\"type\":\"ngram\",\"ninputs\":%llu,\"nlabels\":%d,"
		 "\"dim\":%d,\"loss\":\"softmax\",\"seed\":7,\"multilabel\":false}",
		 (unsigned long long)in.shape[0], NLAB, DIM);
	tt_buf_init(vb);
	tokenizer_save(f->tok, vb);
	ts[0] = (struct st_tensor){ in.name, ST_F32, 2, { in.shape[0], DIM }, in.data,
				    in.shape[0] * DIM * 4, NULL };
	ts[1] = (struct st_tensor){ out.name, ST_F32, 2, { NLAB, DIM }, out.data, NLAB * DIM * 4,
				    NULL };
	ts[2] = (struct st_tensor){ "tokenizer.vocab", ST_U8, 1, { vb->len }, vb->data, vb->len,
				    NULL };
}

/* A checkpoint from before optim.c: the moments under their old names, dense. */
static void test_legacy_optim_names(void **state)
{
	struct fx *f = *state;
	static const char *const names[][2] = {
		{ "optim.adamw.ngram.input.weight.m", "optim.adamw.input.m" },
		{ "optim.adamw.ngram.input.weight.v", "optim.adamw.input.v" },
		{ "optim.adamw.ngram.output.weight.m", "optim.adamw.output.m" },
		{ "optim.adamw.ngram.output.weight.v", "optim.adamw.output.v" },
		{ "optim.adamw.step", "optim.adamw.step" },
	};
	struct st_tensor ts[8];
	struct model_view v;
	struct tt_buf vb;
	struct bundle b;
	struct tt_err err;
	struct optim *o;
	char cfgjson[256];
	const char *keys[] = { "tunetop.labels", "tunetop.model" };
	const char *vals[] = { "[\"cats\",\"dogs\",\"money\"]", cfgjson };

	train(f, 1);
	memset(ts, 0, sizeof ts);
	dense_tensors(f, ts, &vb, cfgjson);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(optim_find_view(f->opt, names[i][0], &v), 0);
		ts[3 + i] = (struct st_tensor){ names[i][1], v.dtype == MODEL_F32 ? ST_F32 : ST_I64,
						(int)v.ndim, { v.shape[0], v.shape[1] }, v.data,
						model_view_numel(&v) * (v.dtype == MODEL_F32 ? 4 : 8),
						NULL };
	}
	assert_int_equal(st_write(f->path, ts, 8, keys, vals, 2, &err), 0);
	tt_buf_fini(&vb);
	assert_int_equal(bundle_load(&b, f->path, &err), 0);
	assert_true(b.has_optimizer);
	assert_same_views(f->model, b.model);
	o = optim_create(b.model, OPTIM_ADAMW, &err);
	assert_non_null(o);
	assert_int_equal(bundle_load_optim(f->path, o, &err), 0);
	assert_same_optim(f->opt, o);
	optim_destroy(o);
	bundle_fini(&b);
}

/* A dense file (as written before) loads, and saving it again is sparse. */
static void test_dense_file_loads(void **state)
{
	struct fx *f = *state;
	struct bundle b, c;
	struct tt_err err;
	struct st_file sf;
	struct tt_buf vb;
	struct st_tensor ts[3];
	char cfgjson[256], path2[128];
	const char *keys[] = { "tunetop.labels", "tunetop.model" };
	const char *vals[] = { "[\"cats\",\"dogs\",\"money\"]", cfgjson };

	train(f, 0);
	memset(ts, 0, sizeof ts);
	dense_tensors(f, ts, &vb, cfgjson);
	assert_int_equal(st_write(f->path, ts, 3, keys, vals, 2, &err), 0);
	tt_buf_fini(&vb);

	assert_int_equal(bundle_load(&b, f->path, &err), 0);
	assert_same_views(f->model, b.model);
	assert_same_predictions(f, &b);
	assert_int_equal(touched_rows(b.model), touched_rows(f->model));
	snprintf(path2, sizeof path2, "%s/again.safetensors", f->dir);
	assert_int_equal(bundle_save(path2, b.model, b.tok, NULL, label_names, NLAB, false,
				     NULL, 0, &err), 0);
	assert_true(file_size(path2) < file_size(f->path) / 50);
	assert_int_equal(st_open(&sf, path2, &err), 0);
	assert_non_null(st_find(&sf, "ngram.input.weight.rows"));
	st_close(&sf);
	assert_int_equal(bundle_load(&c, path2, &err), 0);
	assert_same_views(f->model, c.model);
	bundle_fini(&c);
	bundle_fini(&b);
}

/* A damaged index is an error naming the file, never a crash. */
static void test_bad_index(void **state)
{
	struct fx *f = *state;
	struct bundle b;
	struct tt_err err;
	struct st_file sf;
	const struct st_tensor *ti;
	char *copy;
	size_t len;
	FILE *fp;

	train(f, 0);
	assert_int_equal(bundle_save(f->path, f->model, f->tok, NULL, label_names, NLAB, false,
				     NULL, 0, &err), 0);
	assert_int_equal(st_open(&sf, f->path, &err), 0);
	ti = st_find(&sf, "ngram.input.weight.index");
	assert_non_null(ti);
	len = sf.len;
	copy = malloc(len);
	memcpy(copy, sf.buf, len);
	/* second entry := first: not ascending */
	memcpy(copy + ((const char *)ti->data - sf.buf) + 4, copy + ((const char *)ti->data - sf.buf),
	       4);
	st_close(&sf);
	fp = fopen(f->path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(copy, 1, len, fp), len);
	fclose(fp);
	free(copy);
	tt_err_clear(&err);
	assert_int_equal(bundle_load(&b, f->path, &err), -1);
	assert_non_null(strstr(err.msg, "not ascending"));
	assert_non_null(strstr(err.file, "m.safetensors"));
}

/* The transformer fields of the model config survive a round trip (absent: 0). */
static void test_config_layers(void **state)
{
	struct fx *f = *state;
	struct bundle b;
	struct tt_err err;

	assert_int_equal(bundle_save(f->path, f->model, f->tok, NULL, label_names, NLAB, false,
				     NULL, 0, &err), 0);
	assert_int_equal(bundle_load(&b, f->path, &err), 0);
	assert_int_equal(b.model->cfg.n_layer, 0);
	bundle_fini(&b);
	f->model->cfg.n_layer = 2;      /* the n-gram model ignores them */
	f->model->cfg.n_head = 4;
	f->model->cfg.n_ctx = 64;
	assert_int_equal(bundle_save(f->path, f->model, f->tok, NULL, label_names, NLAB, false,
				     NULL, 0, &err), 0);
	assert_int_equal(bundle_load(&b, f->path, &err), 0);
	assert_int_equal(b.model->cfg.n_layer, 2);
	assert_int_equal(b.model->cfg.n_head, 4);
	assert_int_equal(b.model->cfg.n_ctx, 64);
	assert_string_equal(tokenizer_name(b.tok), "ngram");
	bundle_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sparse_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sparse_checkpoint_adamw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_legacy_optim_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_layers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dense_file_loads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_index, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
