/*
 * findings.c - duplicate and near-duplicate groups, leaks and outliers,
 * record by record (findings.h).
 *
 * Duplicates: a 64-bit XXH3 hash of each record's normalized text, sorted
 * with the record index; runs of equal hashes are groups (a chance
 * collision among a million texts has probability about 3e-8, so texts are
 * not compared again). Near duplicates come from neardup_groups. Both
 * become struct findings_groups through one path (findings_groups_build)
 * that orders them and marks disagreeing labels and leaks.
 */
#include "tunetop/findings.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "tunetop/neardup.h"
#include "tunetop/normtext.h"

int findings_options_from_cfg(const struct cfg *c, struct findings_options *o,
			      struct tt_err *err)
{
	memset(o, 0, sizeof *o);
	o->min_words = (int)cfg_get_int(c, "check_min_words");
	o->z = cfg_get_num(c, "check_outlier_z");
	o->min_class = cfg_get_int(c, "check_min_class");
	o->max_unknown = cfg_get_num(c, "check_max_unknown");
	return neardup_params_from_cfg(c, &o->mh, err);
}

static const char *findings_kind_names[FINDINGS_O_NKINDS] = {
	"empty", "short", "long", "control", "encoding", "nonletter", "unknown",
};

const char *findings_outlier_name(unsigned bit)
{
	int k;

	for (k = 0; k < FINDINGS_O_NKINDS; k++) {
		if (bit == 1u << k)
			return findings_kind_names[k];
	}
	return NULL;
}

unsigned findings_outlier_parse(const char *name)
{
	int k;

	for (k = 0; k < FINDINGS_O_NKINDS; k++) {
		if (strcmp(name, findings_kind_names[k]) == 0)
			return 1u << k;
	}
	return 0;
}

/* ---- groups ---- */

/* The same set of labels (multi-label records may list them in another order). */
static bool findings_same_labels(const struct ds_record *a, const struct ds_record *b)
{
	uint32_t i, j, n = ds_record_nlabels(a);

	if (n != ds_record_nlabels(b))
		return false;
	for (i = 0; i < n; i++) {
		for (j = 0; j < n && ds_record_label_at(a, i) != ds_record_label_at(b, j); j++)
			;
		if (j == n)
			return false;
	}
	return true;
}

static void findings_group_marks(const struct dataset *ds, struct findings_group *g)
{
	const struct ds_record *first = NULL;
	bool train = false, held = false;
	uint32_t i;

	for (i = 0; i < g->n; i++) {
		const struct ds_record *r = &ds->recs[g->members[i]];

		train |= r->split == DS_SPLIT_TRAIN;
		held |= r->split == DS_SPLIT_VALID || r->split == DS_SPLIT_TEST;
		if (ds_record_nlabels(r) == 0)
			continue;
		if (first == NULL)
			first = r;
		else if (!findings_same_labels(first, r))
			g->disagree = true;
	}
	g->leak = train && held;
}

static int findings_group_cmp(const void *pa, const void *pb)
{
	const struct findings_group *a = pa, *b = pb;

	if (a->disagree != b->disagree)
		return a->disagree ? -1 : 1;
	if (a->leak != b->leak)
		return a->leak ? -1 : 1;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return (a->members[0] > b->members[0]) - (a->members[0] < b->members[0]);
}

/*
 * Groups from one number per record (FINDINGS_NONE: in none; numbers
 * 0..ngroups-1, each used by 2 or more records). One allocation holds
 * every member list.
 */
static void findings_groups_build(const struct dataset *ds, const uint32_t *gid, uint32_t ngroups,
				  struct findings_groups *out)
{
	uint32_t *count = tt_xcalloc((size_t)ngroups + 1, sizeof *count), *members, g;
	size_t i, at = 0;

	memset(out, 0, sizeof *out);
	out->of = tt_xmalloc((ds->n + 1) * sizeof *out->of);
	for (i = 0; i < ds->n; i++) {
		if (gid[i] != FINDINGS_NONE)
			count[gid[i]]++;
	}
	out->g = tt_xcalloc((size_t)ngroups + 1, sizeof *out->g);
	out->n = ngroups;
	for (g = 0; g < ngroups; g++)
		at += count[g];
	members = tt_xmalloc((at + 1) * sizeof *members);
	out->records = at;
	for (g = 0, at = 0; g < ngroups; g++) {
		out->g[g].members = members + at;
		at += count[g];
	}
	for (i = 0; i < ds->n; i++) {
		if (gid[i] != FINDINGS_NONE)
			out->g[gid[i]].members[out->g[gid[i]].n++] = (uint32_t)i;
	}
	free(count);
	for (g = 0; g < ngroups; g++) {
		findings_group_marks(ds, &out->g[g]);
		out->disagree += out->g[g].disagree;
		out->leak += out->g[g].leak;
	}
	/* The first group's members start the one allocation: remember it before sorting. */
	if (ngroups > 0)
		qsort(out->g, ngroups, sizeof *out->g, findings_group_cmp);
	for (i = 0; i < ds->n; i++)
		out->of[i] = FINDINGS_NONE;
	for (g = 0; g < ngroups; g++) {
		for (i = 0; i < out->g[g].n; i++)
			out->of[out->g[g].members[i]] = g;
	}
	out->g[ngroups].members = members;    /* the sentinel owns the allocation */
}

static void findings_groups_fini(struct findings_groups *gs)
{
	if (gs->g != NULL)
		free(gs->g[gs->n].members);
	free(gs->g);
	free(gs->of);
	memset(gs, 0, sizeof *gs);
}

/* ---- outliers ---- */

struct findings_measure {
	size_t chars, words, letters, visible;
	bool control, encoding;
};

static bool findings_space(int32_t cp)
{
	return cp == ' ' || (cp >= '\t' && cp <= '\r') ||
	       (cp >= 0x80 && utf8proc_category(cp) >= UTF8PROC_CATEGORY_ZS &&
		utf8proc_category(cp) <= UTF8PROC_CATEGORY_ZP);
}

static bool findings_letter(int32_t cp)
{
	utf8proc_category_t c;

	if (cp < 0x80)
		return (cp | 32) >= 'a' && (cp | 32) <= 'z';
	c = utf8proc_category(cp);
	return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

/* C0/C1 controls and DEL other than tab and line breaks. */
static bool findings_control(int32_t cp)
{
	return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7f && cp < 0xa0);
}

/* ASCII classes: bit 1 space, 2 letter, 4 control (not tab or a line break). */
static const unsigned char findings_ascii_class[128] = {
	4, 4, 4, 4, 4, 4, 4, 4, 4, 1, 1, 5, 5, 1, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0,
	0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 4,
};

#ifdef __SSE2__
/* Set bits of a 16-bit mask (no popcnt instruction in the baseline x86-64). */
static unsigned findings_popcount16(unsigned x)
{
	x = x - ((x >> 1) & 0x5555u);
	x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
	x = (x + (x >> 4)) & 0x0f0fu;
	return (x + (x >> 8)) & 0x1fu;
}

/*
 * Sixteen bytes at once when they are all ASCII (else 0, nothing counted):
 * the same counts as the byte loop with findings_ascii_class.
 */
static int findings_block(const char *s, struct findings_measure *m, bool *inword, unsigned *ctl)
{
	const __m128i v = _mm_loadu_si128((const __m128i *)s);
	__m128i low, lo, ws, letter, bad;
	unsigned sp, before;

	if (_mm_movemask_epi8(v) != 0)
		return 0;
	low = _mm_sub_epi8(v, _mm_set1_epi8(9));                  /* \t..\r: 0..4 */
	ws = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')),
			  _mm_cmpeq_epi8(_mm_min_epu8(low, _mm_set1_epi8(4)), low));
	lo = _mm_or_si128(v, _mm_set1_epi8(32));
	letter = _mm_and_si128(_mm_cmpgt_epi8(lo, _mm_set1_epi8('a' - 1)),
			       _mm_cmplt_epi8(lo, _mm_set1_epi8('z' + 1)));
	bad = _mm_andnot_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')),
			       _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
					    _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')))),
			       _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
	bad = _mm_or_si128(bad, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
	sp = (unsigned)_mm_movemask_epi8(ws);
	before = (sp << 1) | (*inword ? 0u : 1u);
	m->chars += 16;
	m->words += findings_popcount16(~sp & before & 0xffffu);
	m->visible += 16 - findings_popcount16(sp);
	m->letters += findings_popcount16((unsigned)_mm_movemask_epi8(letter));
	if (_mm_movemask_epi8(bad) != 0)
		*ctl |= 4u;
	*inword = !(sp & 0x8000u);
	return 1;
}
#endif

static void findings_measure(const char *s, size_t n, struct findings_measure *m)
{
	size_t i = 0;
	int32_t prev = 0, cp;
	bool inword = false;
	unsigned c, ctl = 0;

	memset(m, 0, sizeof *m);
	while (i < n) {
		utf8proc_ssize_t k;

#ifdef __SSE2__
		if (i + 16 <= n && findings_block(s + i, m, &inword, &ctl)) {
			prev = (unsigned char)s[i + 15];
			i += 16;
			continue;
		}
#endif
		if ((unsigned char)s[i] < 0x80) {
			/* the ASCII fast path: a table lookup a byte */
			c = findings_ascii_class[(unsigned char)s[i]];
			ctl |= c;
			m->chars++;
			if (c & 1u) {
				inword = false;
			} else {
				m->words += !inword;
				inword = true;
				m->visible++;
				m->letters += c >> 1 & 1u;
			}
			prev = (unsigned char)s[i++];
			continue;
		}
		k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
				     (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0) {
			m->encoding = true;    /* invalid UTF-8 (the loaders refuse it) */
			k = 1;
			cp = 0xfffd;
		}
		i += (size_t)k;
		m->chars++;
		if (cp == 0xfffd || ((prev == 0xc3 || prev == 0xc2) && cp >= 0x80 && cp <= 0xbf) ||
		    (prev == 0xe2 && cp == 0x20ac))
			m->encoding = true;
		if (findings_control(cp))
			m->control = true;
		prev = cp;
		if (findings_space(cp)) {
			inword = false;
			continue;
		}
		if (!inword)
			m->words++;
		inword = true;
		m->visible++;
		m->letters += findings_letter(cp);
	}
	if (ctl & 4u)
		m->control = true;
}

double findings_length_z(const struct findings *f, size_t chars)
{
	if (f->mad_chars <= 0)
		return 0;
	return 0.6745 * ((double)chars - (double)f->median_chars) / f->mad_chars;
}

/*
 * One pass over a slice of the records, on up to two threads: the hash of
 * each normalized text and the measures outliers need.
 */
struct findings_scan {
	const struct dataset *ds;
	const struct findings_options *o;
	uint64_t *hash;          /* [n] */
	uint8_t *has;            /* [n] 1: not deleted, not empty after normalization */
	uint32_t *chars;         /* [n] code points */
	uint8_t *outlier;        /* [n] */
	size_t from, to;
};

static void *findings_scan_part(void *arg)
{
	struct findings_scan *sc = arg;
	struct tt_buf scratch;
	size_t i;

	tt_buf_init(&scratch);
	for (i = sc->from; i < sc->to; i++) {
		const struct ds_record *r = &sc->ds->recs[i];
		struct findings_measure me;
		uint8_t o = 0;

		if (r->flags & DS_FLAG_DELETED)
			continue;
		sc->hash[i] = normtext_hash(r->text, r->text_len, &scratch);
		sc->has[i] = scratch.len > 0;
		findings_measure(r->text, r->text_len, &me);
		sc->chars[i] = me.chars > UINT32_MAX ? UINT32_MAX : (uint32_t)me.chars;
		if (me.words == 0)
			o |= FINDINGS_O_EMPTY;
		else if ((int)me.words < sc->o->min_words)
			o |= FINDINGS_O_SHORT;
		if (me.control)
			o |= FINDINGS_O_CONTROL;
		if (me.encoding)
			o |= FINDINGS_O_ENCODING;
		if (me.visible >= 4 && me.letters * 2 < me.visible)
			o |= FINDINGS_O_NONLETTER;
		sc->outlier[i] = o;
	}
	tt_buf_fini(&scratch);
	return NULL;
}

static void findings_scan(struct findings_scan *all)
{
	struct findings_scan half = *all;
	pthread_t tid;
	int threaded;

	half.from = all->to = all->ds->n / 2;
	half.to = all->ds->n;
	threaded = all->ds->n >= 10000 && pthread_create(&tid, NULL, findings_scan_part, &half) == 0;
	findings_scan_part(all);
	if (threaded)
		pthread_join(tid, NULL);
	else
		findings_scan_part(&half);
	all->to = all->ds->n;
}

/* The lower median of v[i] over the records kept (keep[i]), from a histogram. */
static uint32_t findings_median(const uint32_t *v, const struct dataset *ds, size_t m)
{
	uint32_t max = 0, x;
	size_t i, *hist, seen = 0;

	for (i = 0; i < ds->n; i++) {
		if (!(ds->recs[i].flags & DS_FLAG_DELETED) && v[i] > max)
			max = v[i];
	}
	hist = tt_xcalloc((size_t)max + 1, sizeof *hist);
	for (i = 0; i < ds->n; i++) {
		if (!(ds->recs[i].flags & DS_FLAG_DELETED))
			hist[v[i]]++;
	}
	for (x = 0; x <= max; x++) {
		seen += hist[x];
		if (m > 0 && seen > (m - 1) / 2)
			break;
	}
	free(hist);
	return m > 0 ? x : 0;
}

static void findings_outliers(const struct dataset *ds, struct findings *f, uint32_t *chars)
{
	uint32_t *dev = tt_xmalloc((ds->n + 1) * sizeof *dev), med;
	size_t i, m = 0;
	double z;
	int k;

	for (i = 0; i < ds->n; i++)
		m += !(ds->recs[i].flags & DS_FLAG_DELETED);
	med = findings_median(chars, ds, m);
	f->median_chars = med;
	for (i = 0; i < ds->n; i++)
		dev[i] = chars[i] > med ? chars[i] - med : med - chars[i];
	f->mad_chars = findings_median(dev, ds, m);
	free(dev);
	for (i = 0; i < ds->n && f->mad_chars > 0; i++) {
		if (ds->recs[i].flags & DS_FLAG_DELETED)
			continue;
		z = 0.6745 * ((double)chars[i] - (double)med) / f->mad_chars;
		if (z > f->opt.z)
			f->outlier[i] |= FINDINGS_O_LONG;
		else if (z < -f->opt.z && !(f->outlier[i] & FINDINGS_O_EMPTY))
			f->outlier[i] |= FINDINGS_O_SHORT;
	}
	for (i = 0; i < ds->n && f->unknown != NULL; i++) {
		/* NaN (no words, deleted) compares false */
		if (!(ds->recs[i].flags & DS_FLAG_DELETED) && f->unknown[i] > f->opt.max_unknown)
			f->outlier[i] |= FINDINGS_O_UNKNOWN;
	}
	for (i = 0; i < ds->n; i++) {
		if (f->outlier[i] == 0)
			continue;
		f->flags[i] |= FINDINGS_OUTLIER;
		f->outliers++;
		for (k = 0; k < FINDINGS_O_NKINDS; k++)
			f->per_kind[k] += (f->outlier[i] >> k) & 1u;
	}
}

/* ---- exact duplicates after normalization ---- */

/*
 * LSD radix sort of record indexes on the low 32 bits of their hash, 8
 * bits a pass, stable (equal hashes stay in record order). Indexes alone
 * (4 bytes, not a key beside each) keep the peak memory of the default
 * check down; the hash is looked up each pass.
 */
static void findings_radix_sort(uint32_t *v, uint32_t *tmp, size_t n, const uint64_t *hash)
{
	uint32_t *src = v, *dst = tmp, *swap;
	size_t count[256], i, sum, c;
	int pass, b;

	for (pass = 0; pass < 4; pass++) {
		int shift = pass * 8;

		memset(count, 0, sizeof count);
		for (i = 0; i < n; i++)
			count[(hash[src[i]] >> shift) & 0xff]++;
		for (b = 0, sum = 0; b < 256; b++) {
			c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(hash[src[i]] >> shift) & 0xff]++] = src[i];
		swap = src;
		src = dst;
		dst = swap;
	}
	if (src != v)
		memcpy(v, src, n * sizeof *v);
}

/*
 * gid[i] := duplicate group of record i, numbered in order of first
 * record; returns the number of groups. Records sort on 32 bits of the
 * hash; within a run, records with the same full 64-bit hash are one text.
 */
static uint32_t findings_dup_ids(const struct dataset *ds, const struct findings_scan *sc,
				 uint32_t *gid)
{
	uint32_t *k = tt_xmalloc((ds->n + 1) * sizeof *k);
	uint32_t *tmp = tt_xmalloc((ds->n + 1) * sizeof *tmp);
	uint32_t *first = gid;    /* the first record of each text, then numbered in place */
	uint32_t ngroups = 0;
	size_t i, j, m = 0, start, end;

	for (i = 0; i < ds->n; i++) {
		first[i] = FINDINGS_NONE;
		if ((ds->recs[i].flags & DS_FLAG_DELETED) || !sc->has[i])
			continue;    /* empty texts are outliers, not a group */
		k[m++] = (uint32_t)i;
	}
	findings_radix_sort(k, tmp, m, sc->hash);
	free(tmp);
	for (start = 0; start < m; start = end) {
		uint32_t low = (uint32_t)sc->hash[k[start]];

		for (end = start + 1; end < m && (uint32_t)sc->hash[k[end]] == low; end++)
			;
		/* each record joins the first earlier one with its full hash */
		for (i = start + 1; i < end; i++) {
			for (j = start; j < i; j++) {
				if (first[k[j]] != FINDINGS_NONE && first[k[j]] != k[j])
					continue;    /* only a text's first record is compared */
				if (sc->hash[k[j]] == sc->hash[k[i]]) {
					first[k[i]] = k[j];
					first[k[j]] = k[j];
					break;
				}
			}
		}
	}
	/* first[i] <= i, so gid[first[i]] is numbered before gid[i] is written */
	for (i = 0; i < ds->n; i++) {
		if (first[i] != FINDINGS_NONE)
			gid[i] = first[i] == i ? ngroups++ : gid[first[i]];
	}
	free(k);
	return ngroups;
}

/* ---- all of it ---- */

static void findings_mark(struct findings *f, const struct findings_groups *gs, unsigned flag)
{
	uint32_t g, i;

	for (g = 0; g < gs->n; g++) {
		for (i = 0; i < gs->g[g].n; i++) {
			uint32_t r = gs->g[g].members[i];

			f->flags[r] |= (uint8_t)flag;
			if (gs->g[g].leak)
				f->flags[r] |= FINDINGS_LEAK;
		}
	}
}

void findings_compute(const struct dataset *ds, const struct findings_options *o,
		      struct findings *f)
{
	uint32_t *gid = tt_xmalloc((ds->n + 1) * sizeof *gid), n;
	struct findings_scan sc;
	size_t i;

	memset(f, 0, sizeof *f);
	f->n = ds->n;
	f->opt = *o;
	f->flags = tt_xcalloc(ds->n + 1, 1);
	f->outlier = tt_xcalloc(ds->n + 1, 1);
	if (o->unknown != NULL) {	/* copied: the caller's array may go before f does */
		f->unknown = tt_xmalloc((ds->n + 1) * sizeof *f->unknown);
		memcpy(f->unknown, o->unknown, ds->n * sizeof *f->unknown);
		f->unknown_model = o->unknown_model != NULL ? tt_xstrdup(o->unknown_model) : NULL;
	}
	f->opt.unknown = NULL;
	f->opt.unknown_model = NULL;
	memset(&sc, 0, sizeof sc);
	sc.ds = ds;
	sc.o = o;
	sc.hash = tt_xcalloc(ds->n + 1, sizeof *sc.hash);
	sc.has = tt_xcalloc(ds->n + 1, 1);
	sc.chars = tt_xcalloc(ds->n + 1, sizeof *sc.chars);
	sc.outlier = f->outlier;
	sc.to = ds->n;
	findings_scan(&sc);
	findings_outliers(ds, f, sc.chars);
	free(sc.chars);
	n = findings_dup_ids(ds, &sc, gid);
	free(sc.hash);
	free(sc.has);
	findings_groups_build(ds, gid, n, &f->dups);
	findings_mark(f, &f->dups, FINDINGS_DUP);
	free(gid);
	if (o->near) {
		struct neardup_result nr;
		double t0 = tt_now();

		neardup_groups(ds, &o->mh, o->threads, &nr);
		findings_groups_build(ds, nr.group, nr.ngroups, &f->nears);
		f->near_compared = nr.compared;
		neardup_result_fini(&nr);
		findings_mark(f, &f->nears, FINDINGS_NEAR);
		f->has_near = true;
		f->near_seconds = tt_now() - t0;
	}
	for (i = 0; i < ds->n; i++)
		f->leak_records += (f->flags[i] & FINDINGS_LEAK) != 0;
}

void findings_fini(struct findings *f)
{
	free(f->flags);
	free(f->outlier);
	free(f->unknown);
	free(f->unknown_model);
	findings_groups_fini(&f->dups);
	findings_groups_fini(&f->nears);
	memset(f, 0, sizeof *f);
}
