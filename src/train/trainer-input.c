/*
 * trainer-input.c - the copy of texts, labels and splits handed to the
 * trainer thread, so the UI thread can keep editing its dataset.
 */
#include <stdlib.h>
#include <string.h>

#include "tunetop/strmap.h"
#include "tunetop/trainer.h"

static uint32_t input_label(struct trainer_input *in, struct strmap *names, const char *name)
{
	uint32_t id;

	if (strmap_get(names, name, strlen(name), &id))
		return id;
	id = in->nlabels++;
	in->label_names = tt_xrealloc(in->label_names, in->nlabels * sizeof *in->label_names);
	in->label_names[id] = tt_xstrdup(name);
	strmap_put(names, name, strlen(name), id);
	return id;
}

void trainer_input_append(struct trainer_input *in, const struct dataset *ds, enum ds_split split)
{
	struct strmap names;
	size_t i, m = 0, tbytes = 0, nlab = 0, n0 = in->n;
	uint32_t l;

	strmap_init(&names);
	for (l = 0; l < in->nlabels; l++)
		strmap_put(&names, in->label_names[l], strlen(in->label_names[l]), l);
	for (i = 0; i < ds->n; i++) {
		if (ds->recs[i].flags & DS_FLAG_DELETED)
			continue;
		m++;
		tbytes += ds->recs[i].text_len;
		nlab += ds_record_nlabels(&ds->recs[i]);
	}
	in->texts = tt_xrealloc(in->texts, in->text_off[n0] + tbytes + 1);
	in->text_off = tt_xrealloc(in->text_off, (n0 + m + 1) * sizeof *in->text_off);
	in->label_off = tt_xrealloc(in->label_off, (n0 + m + 1) * sizeof *in->label_off);
	in->label_ids = tt_xrealloc(in->label_ids, (in->label_off[n0] + nlab + 1) *
				    sizeof *in->label_ids);
	in->split = tt_xrealloc(in->split, n0 + m + 1);
	in->src = tt_xrealloc(in->src, (n0 + m + 1) * sizeof *in->src);
	for (i = 0; i < ds->n; i++) {
		const struct ds_record *r = &ds->recs[i];
		size_t k = in->n;
		uint32_t j, nl = ds_record_nlabels(r);

		if (r->flags & DS_FLAG_DELETED)
			continue;
		memcpy(in->texts + in->text_off[k], r->text, r->text_len);
		in->text_off[k + 1] = in->text_off[k] + r->text_len;
		for (j = 0; j < nl; j++)
			in->label_ids[in->label_off[k] + j] =
				input_label(in, &names, ds->labels.names[ds_record_label_at(r, j)]);
		in->label_off[k + 1] = in->label_off[k] + nl;
		in->split[k] = (uint8_t)(split != DS_SPLIT_NONE ? split : r->split);
		in->src[k] = (uint32_t)i;
		in->n++;
	}
	/* Labels declared but unused still get an output class. */
	for (l = 0; l < ds->labels.n; l++)
		input_label(in, &names, ds->labels.names[l]);
	in->multilabel = in->multilabel || ds->multilabel;
	strmap_fini(&names);
}

struct trainer_input *trainer_input_from_dataset(const struct dataset *ds)
{
	struct trainer_input *in = tt_xcalloc(1, sizeof *in);

	in->text_off = tt_xcalloc(1, sizeof *in->text_off);
	in->label_off = tt_xcalloc(1, sizeof *in->label_off);
	trainer_input_append(in, ds, DS_SPLIT_NONE);
	return in;
}

void trainer_input_free(struct trainer_input *in)
{
	uint32_t l;

	if (in == NULL)
		return;
	for (l = 0; l < in->nlabels; l++)
		free(in->label_names[l]);
	free(in->label_names);
	free(in->texts);
	free(in->text_off);
	free(in->label_off);
	free(in->label_ids);
	free(in->split);
	free(in->src);
	free(in);
}

void trainer_input_counts(const struct trainer_input *in, size_t *per_split)
{
	size_t i;

	memset(per_split, 0, DS_NSPLITS * sizeof *per_split);
	for (i = 0; i < in->n; i++) {
		if (in->label_off[i + 1] > in->label_off[i])
			per_split[in->split[i] < DS_NSPLITS ? in->split[i] : 0]++;
	}
}

void trainer_input_align(struct trainer_input *in, char *const *names, uint32_t n)
{
	struct strmap have;
	uint32_t *map = tt_xmalloc((in->nlabels + 1) * sizeof *map), l, id, k = 0;
	char **out = tt_xmalloc((n + in->nlabels + 1) * sizeof *out);
	size_t j;

	strmap_init(&have);
	for (l = 0; l < n; l++) {
		out[k] = tt_xstrdup(names[l]);
		strmap_put(&have, out[k], strlen(out[k]), k);
		k++;
	}
	for (l = 0; l < in->nlabels; l++) {
		const char *name = in->label_names[l];

		if (!strmap_get(&have, name, strlen(name), &id)) {
			id = k;
			out[k] = tt_xstrdup(name);
			strmap_put(&have, out[k], strlen(out[k]), k);
			k++;
		}
		map[l] = id;
	}
	for (j = 0; j < in->label_off[in->n]; j++)
		in->label_ids[j] = map[in->label_ids[j]];
	for (l = 0; l < in->nlabels; l++)
		free(in->label_names[l]);
	free(in->label_names);
	in->label_names = out;
	in->nlabels = k;
	strmap_fini(&have);
	free(map);
}
