/*
 * minhash.h - MinHash signatures of texts and LSH banding, reusable by any
 * check or queue that needs "these texts are nearly the same".
 *
 * A text is normalized (normtext.h), cut into shingles (character n-grams
 * counted in code points, or word n-grams), and each shingle is hashed
 * once (XXH3, folded to 32 bits) and then by `perm` multiply-add
 * functions (a_k h + b_k mod 2^32, a_k odd: bijections of the random
 * shingle hash): sig[k] is the least value over the shingles. Two signatures agree at k with probability the Jaccard
 * similarity of the shingle sets. LSH splits the signature into `bands`
 * bands of `rows` values; texts that agree on a whole band share that
 * band's key and become candidates.
 *
 * Defaults (cfg: neardup_shingle, neardup_perm, neardup_threshold,
 * neardup_bands) are for texts of 10 to 50 words: character 5-grams, 128
 * permutations, threshold 0.5, and bands chosen by minhash_params_init so
 * that a pair at the threshold is a candidate with probability >= 0.99
 * (128 permutations at 0.5: 42 bands of 3 rows). Why not 5-word shingles
 * and 0.7: one changed word of a 20-word text removes 5 of its 16 5-word
 * shingles (Jaccard 0.52 after one edit, 0.2 after three). With character
 * 5-grams a changed word of 5 letters removes about 9 of a 20-word text's
 * ~115 shingles and adds 9: three changes still give about 0.6.
 */
#ifndef TUNETOP_MINHASH_H
#define TUNETOP_MINHASH_H

#include <stddef.h>
#include <stdint.h>

#include "tunetop/util.h"

enum minhash_kind {
	MINHASH_CHAR,     /* n code points of the normalized text (spaces count) */
	MINHASH_WORD,     /* n space-separated words */
};

struct minhash_params {
	enum minhash_kind kind;
	int ngram;            /* 1..16 */
	int perm;             /* 16..1024, a multiple of 8 */
	int bands, rows;      /* bands * rows <= perm */
	double threshold;     /* estimated Jaccard needed to join a group */
	uint64_t seed;
};

/*
 * shingle: "char5", "word2" ... (kind and n, 1..16); bands 0: chosen from
 * threshold (see above). -1 + err (what was expected) on a bad value.
 */
int minhash_params_init(struct minhash_params *p, const char *shingle, int perm,
			double threshold, int bands, struct tt_err *err);
/* The shingle setting as text ("char5"); out has room for 16 bytes. */
void minhash_shingle_name(const struct minhash_params *p, char *out, size_t size);
/* Probability that a pair of Jaccard similarity j becomes a candidate. */
double minhash_candidate_prob(const struct minhash_params *p, double j);

struct minhash {
	struct minhash_params p;
	uint32_t *a, *b;         /* [perm] multiplier (odd) and offset */
};

void minhash_init(struct minhash *m, const struct minhash_params *p);
void minhash_fini(struct minhash *m);

/* Scratch space of one thread (normalized text, shingle hashes). */
struct minhash_scratch {
	struct tt_buf norm;
	uint64_t *h;
	size_t cap;
};
void minhash_scratch_init(struct minhash_scratch *s);
void minhash_scratch_fini(struct minhash_scratch *s);

/*
 * sig[0..perm) of text s[0..n) (raw: normalized here). Returns the number
 * of shingles; 0 for a text that is empty after normalization (sig is
 * then all 0xffffffff and should not be compared).
 */
size_t minhash_sign(const struct minhash *m, const char *s, size_t n, uint32_t *sig,
		    struct minhash_scratch *scratch);
/* The LSH key of band b of a signature. */
uint32_t minhash_band_key(const struct minhash *m, const uint32_t *sig, int band);
/* Share of equal values: the estimate of the Jaccard similarity. */
double minhash_similarity(const uint32_t *x, const uint32_t *y, int perm);

#endif
