/*
 * findings-format.c - findings as text and as JSON (findings.h). Every
 * string from the data goes through tt_esc_* (text) or JSON escaping.
 */
#include "tunetop/findings.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

json_t *findings_record_id(const struct dataset *ds, size_t index)
{
	const struct ds_record *r = &ds->recs[index];

	if (r->id != NULL && r->id_len > 0)
		return json_stringn_nocheck(r->id, r->id_len);
	return json_integer((json_int_t)index + 1);
}

static json_t *findings_label_json(const struct dataset *ds, const struct ds_record *r)
{
	return ds_record_nlabels(r) > 0 ?
	       json_string_nocheck(ds->labels.names[ds_record_label_at(r, 0)]) : json_null();
}

static json_t *findings_member_json(const struct dataset *ds, uint32_t index)
{
	const struct ds_record *r = &ds->recs[index];

	return json_pack("{s:o,s:I,s:s,s:o}", "id", findings_record_id(ds, index),
			 "record", (json_int_t)index + 1, "split", ds_split_name(r->split),
			 "label", findings_label_json(ds, r));
}

static json_t *findings_groups_json(const struct dataset *ds, const struct findings_groups *gs)
{
	json_t *list = json_array();
	uint32_t g, i;

	for (g = 0; g < gs->n; g++) {
		json_t *m = json_array();

		for (i = 0; i < gs->g[g].n; i++)
			json_array_append_new(m, findings_member_json(ds, gs->g[g].members[i]));
		json_array_append_new(list, json_pack("{s:b,s:b,s:o}", "labels_disagree",
			gs->g[g].disagree, "leak", gs->g[g].leak, "records", m));
	}
	return json_pack("{s:I,s:I,s:I,s:I,s:o}", "groups", (json_int_t)gs->n,
			 "records", (json_int_t)gs->records,
			 "groups_disagreeing", (json_int_t)gs->disagree,
			 "groups_leaking", (json_int_t)gs->leak, "list", list);
}

static json_t *findings_near_json(const struct dataset *ds, const struct findings *f)
{
	json_t *o;
	char sh[16];

	if (!f->has_near)
		return json_null();
	o = findings_groups_json(ds, &f->nears);
	minhash_shingle_name(&f->opt.mh, sh, sizeof sh);
	json_object_set_new(o, "shingle", json_string(sh));
	json_object_set_new(o, "perm", json_integer(f->opt.mh.perm));
	json_object_set_new(o, "bands", json_integer(f->opt.mh.bands));
	json_object_set_new(o, "rows", json_integer(f->opt.mh.rows));
	json_object_set_new(o, "threshold", json_real(f->opt.mh.threshold));
	json_object_set_new(o, "pairs_compared", json_integer((json_int_t)f->near_compared));
	return o;
}

static json_t *findings_kinds_json(unsigned bits)
{
	json_t *a = json_array();
	int k;

	for (k = 0; k < FINDINGS_O_NKINDS; k++) {
		if (bits & (1u << k))
			json_array_append_new(a, json_string(findings_outlier_name(1u << k)));
	}
	return a;
}

static json_t *findings_outliers_json(const struct dataset *ds, const struct findings *f)
{
	json_t *counts = json_object(), *list = json_array(), *o, *unknown;
	size_t i;
	int k;

	for (k = 0; k < FINDINGS_O_NKINDS; k++)
		json_object_set_new(counts, findings_outlier_name(1u << k),
				    json_integer((json_int_t)f->per_kind[k]));
	for (i = 0; i < f->n; i++) {
		size_t chars = 0;
		const struct ds_record *r = &ds->recs[i];
		uint32_t b;

		if (f->outlier[i] == 0)
			continue;
		for (b = 0; b < r->text_len; b++)
			chars += ((unsigned char)r->text[b] & 0xC0) != 0x80;
		o = json_pack("{s:o,s:I,s:o,s:I,s:f}", "id",
			findings_record_id(ds, i), "record", (json_int_t)i + 1,
			"kinds", findings_kinds_json(f->outlier[i]), "chars", (json_int_t)chars,
			"z", findings_length_z(f, chars));
		if (f->unknown != NULL && isfinite(f->unknown[i]))
			json_object_set_new(o, "unknown_rate", json_real(f->unknown[i]));
		json_array_append_new(list, o);
	}
	/* unknown: null when no model's vocabulary was given (check --model) */
	unknown = f->unknown == NULL ? json_null() :
		  json_pack("{s:s?,s:f}", "model", f->unknown_model, "max_rate", f->opt.max_unknown);
	return json_pack("{s:I,s:I,s:f,s:f,s:I,s:o,s:o,s:o}", "records", (json_int_t)f->outliers,
			 "median_chars", (json_int_t)f->median_chars, "mad_chars", f->mad_chars,
			 "z", f->opt.z, "min_words", (json_int_t)f->opt.min_words,
			 "unknown", unknown, "counts", counts, "list", list);
}

static json_t *findings_balance_json(const struct dataset *ds, const struct quality_report *q,
				     const struct findings *f)
{
	json_t *warn = json_array();
	uint32_t l;
	int s;

	for (s = DS_SPLIT_TRAIN; s <= DS_SPLIT_TEST; s++) {
		if (q->per_split[s] == 0)
			continue;
		for (l = 0; l < q->nlabels; l++) {
			size_t c = q->per_label_split[l * DS_NSPLITS + s];

			if (f->opt.min_class > 0 && c < (size_t)f->opt.min_class)
				json_array_append_new(warn, json_pack("{s:s,s:s,s:I}", "split",
					ds_split_name((enum ds_split)s), "label", ds->labels.names[l],
					"count", (json_int_t)c));
		}
	}
	return json_pack("{s:I,s:b,s:o}", "min_class", (json_int_t)f->opt.min_class,
			 "test_under_1000", q->per_split[DS_SPLIT_TEST] > 0 &&
			 q->per_split[DS_SPLIT_TEST] < 1000, "under_min", warn);
}

json_t *findings_json(const struct dataset *ds, const struct quality_report *q,
		      const struct findings *f)
{
	json_t *leaks = json_pack("{s:I,s:I,s:I}", "records", (json_int_t)f->leak_records,
				  "duplicate_groups", (json_int_t)f->dups.leak,
				  "near_duplicate_groups", (json_int_t)f->nears.leak);

	return json_pack("{s:s,s:o,s:o,s:o,s:o,s:o}",
			 "normalization", "nfkc casefold whitespace",
			 "duplicates", findings_groups_json(ds, &f->dups),
			 "near_duplicates", findings_near_json(ds, f),
			 "leaks", leaks,
			 "outliers", findings_outliers_json(ds, f),
			 "class_balance", findings_balance_json(ds, q, f));
}

/* ---- text ---- */

static void findings_text_snippet(const struct ds_record *r, struct tt_buf *out)
{
	size_t n = r->text_len < 60 ? r->text_len : 60;

	while (n > 0 && n < r->text_len && ((unsigned char)r->text[n] & 0xC0) == 0x80)
		n--;    /* not inside a UTF-8 sequence */
	tt_buf_addc(out, '"');
	tt_esc_buf(out, r->text, n, 0);
	tt_buf_adds(out, n < r->text_len ? "...\"" : "\"");
}

static void findings_text_groups(const struct dataset *ds, const char *what,
				 const struct findings_groups *gs, int max_groups, struct tt_buf *out)
{
	uint32_t g, i;

	for (g = 0; g < gs->n && (int)g < max_groups; g++) {
		const struct findings_group *x = &gs->g[g];

		tt_buf_printf(out, "  %s group %u (%u records)%s%s:\n", what, g + 1, x->n,
			      x->disagree ? ", labels disagree" : "", x->leak ? ", crosses splits" : "");
		for (i = 0; i < x->n && i < 6; i++) {
			const struct ds_record *r = &ds->recs[x->members[i]];
			json_t *id = findings_record_id(ds, x->members[i]);
			char *enc = json_dumps(id, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);

			tt_buf_adds(out, "    ");
			tt_esc_adds(out, enc != NULL ? enc : "?");
			tt_buf_printf(out, " %s ", ds_split_name(r->split));
			tt_esc_adds(out, ds_record_nlabels(r) > 0 ?
				    ds->labels.names[ds_record_label_at(r, 0)] : "(unlabeled)");
			tt_buf_addc(out, ' ');
			findings_text_snippet(r, out);
			tt_buf_addc(out, '\n');
			free(enc);
			json_decref(id);
		}
		if (x->n > 6)
			tt_buf_printf(out, "    ... %u more\n", x->n - 6);
	}
	if (gs->n > (uint32_t)max_groups && max_groups > 0)
		tt_buf_printf(out, "  ... %u more %s groups\n", gs->n - (uint32_t)max_groups, what);
}

static void findings_text_balance(const struct dataset *ds, const struct quality_report *q,
				  const struct findings *f, struct tt_buf *out)
{
	uint32_t l, under;
	int s;

	if (f->opt.min_class <= 0)
		return;
	for (s = DS_SPLIT_TRAIN; s <= DS_SPLIT_TEST; s++) {
		if (q->per_split[s] == 0)
			continue;
		for (l = 0, under = 0; l < q->nlabels; l++)
			under += q->per_label_split[l * DS_NSPLITS + s] < (size_t)f->opt.min_class;
		if (under > 0)
			tt_buf_printf(out, "balance      %s: %u of %u classes under %ld records "
				      "(check_min_class)\n", ds_split_name((enum ds_split)s), under,
				      q->nlabels, f->opt.min_class);
	}
	(void)ds;
}

void findings_format_text(const struct dataset *ds, const struct quality_report *q,
			  const struct findings *f, int max_groups, struct tt_buf *out)
{
	int k;

	tt_buf_printf(out, "\nfindings (each opens as a filter: filter TERM)\n");
	tt_buf_printf(out, "dup          %zu records in %u groups repeat a text after NFKC, case "
		      "folding and whitespace (%zu groups with disagreeing labels)\n",
		      f->dups.records, f->dups.n, f->dups.disagree);
	if (f->has_near) {
		char sh[16];

		minhash_shingle_name(&f->opt.mh, sh, sizeof sh);
		tt_buf_printf(out, "near-dup     %zu records in %u groups (%s, %d permutations, "
			      "%d bands x %d rows, Jaccard >= %.2f; %zu groups with disagreeing "
			      "labels)\n", f->nears.records, f->nears.n, sh, f->opt.mh.perm,
			      f->opt.mh.bands, f->opt.mh.rows, f->opt.mh.threshold, f->nears.disagree);
	} else {
		tt_buf_adds(out, "near-dup     not checked (check --near-dups)\n");
	}
	tt_buf_printf(out, "leak         %zu records in %zu groups span train and valid/test\n",
		      f->leak_records, f->dups.leak + f->nears.leak);
	tt_buf_printf(out, "outlier      %zu records:", f->outliers);
	for (k = 0; k < FINDINGS_O_NKINDS; k++) {
		if ((1u << k) == FINDINGS_O_UNKNOWN && f->unknown == NULL)
			continue;
		tt_buf_printf(out, "%s %s %zu", k > 0 ? "," : "", findings_outlier_name(1u << k),
			      f->per_kind[k]);
	}
	tt_buf_printf(out, "\n             (length in chars: median %zu, MAD %.1f; |z| > %.1f "
		      "or under %d words)\n", f->median_chars, f->mad_chars, f->opt.z,
		      f->opt.min_words);
	if (f->unknown != NULL) {
		tt_buf_adds(out, "             (unknown: over ");
		tt_buf_printf(out, "%.0f%% of the words not in the vocabulary of ",
			      100 * f->opt.max_unknown);
		tt_esc_adds(out, f->unknown_model != NULL ? f->unknown_model : "the model");
		tt_buf_adds(out, ")\n");
	} else {
		tt_buf_adds(out, "             (unknown words: not checked, check --model MODEL)\n");
	}
	findings_text_balance(ds, q, f, out);
	if (max_groups > 0) {
		findings_text_groups(ds, "dup", &f->dups, max_groups, out);
		if (f->has_near)
			findings_text_groups(ds, "near-dup", &f->nears, max_groups, out);
	}
}
