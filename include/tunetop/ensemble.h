/*
 * ensemble.h - several saved models (bundle.h) predicting as one.
 *
 * Members may be of any model type (n-gram, GPT-2...): the ensemble only
 * calls bundle_predict, so each member tokenizes with its own tokenizer.
 * Each member also has its own label set. The ensemble's label set is the
 * union of the members' (in the order first seen: member 1's labels, then
 * the new ones of member 2, ...), matched by name; a label a member does
 * not know gets probability 0 from that member. So in mean mode a label
 * only one of three members knows scores at most 1/3. Members must all
 * share at least one label with the first member (otherwise they would be
 * voting on different questions): ensemble_align refuses them.
 *
 * Modes:
 *   mean  p[l] = sum_k w_k p_k[l] / sum_k w_k   (weights default 1)
 *   vote  each member votes for its own top-1 label; the label with the
 *         most votes wins, a tie goes to the higher mean probability (then
 *         to the lower index). The vector returned is
 *             p[l] = (votes[l] + mean[l]) / (n + 1)
 *         a distribution (it sums to 1) whose largest entry is the winner
 *         (mean[l] < 1 cannot undo a whole vote), whose value is close to
 *         the vote share. Weights are refused in vote mode.
 * Multi-label members (independent sigmoids) can be averaged, not voted,
 * and are not mixed with single-label ones.
 *
 * One struct ensemble_ws per thread that predicts (each member's model
 * scratch and vectors), as struct model_ws for one model.
 */
#ifndef TUNETOP_ENSEMBLE_H
#define TUNETOP_ENSEMBLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunetop/bundle.h"
#include "tunetop/util.h"

enum ensemble_mode {
	ENSEMBLE_MEAN,
	ENSEMBLE_VOTE,
};

/* The union of the members' labels and where each member's labels go. */
struct ensemble_labels {
	char **names;           /* [n] the union, first-seen order */
	uint32_t n;
	uint32_t **map;         /* map[k][j]: union index of member k's label j */
	size_t nmembers;
};

struct ensemble {
	enum ensemble_mode mode;
	size_t n;               /* members */
	struct bundle *members; /* [n], owned */
	char **paths;           /* [n] the files they came from */
	float *weights;         /* [n] (mean mode; all 1 unless given) */
	struct ensemble_labels lab;
	bool multilabel;
};

struct ensemble_ws {
	struct model_ws **ws;   /* [n] */
	float **member_probs;   /* [n][member nlabels] */
	float *scratch;         /* [nlabels] */
	uint32_t *votes;        /* [nlabels] */
	const float **rows;     /* [n] the aligned vectors (into scratch) */
	uint32_t *top1;         /* [n] each member's top-1, a union index */
};

/* "mean" or "vote" */
const char *ensemble_mode_name(enum ensemble_mode m);

/*
 * Build the union of n label sets (names[k][0..counts[k])). names_of[k]
 * says where set k came from, for the error. -1 + err when a member
 * shares no label with the first one.
 */
int ensemble_labels_build(struct ensemble_labels *L, char *const *const *names,
			  const uint32_t *counts, size_t n, const char *const *names_of,
			  struct tt_err *err);
void ensemble_labels_fini(struct ensemble_labels *L);
/* How many members know union label l. */
size_t ensemble_labels_known_by(const struct ensemble_labels *L, const uint32_t *counts,
				uint32_t l);

/*
 * Combine n members' probability vectors, already aligned to the union
 * (probs[k][0..nlabels), 0 where member k lacks the label), into out
 * [nlabels]. top1[k] is member k's own top-1 label as a union index (vote
 * mode). weights may be NULL (all 1). votes is scratch [nlabels] (vote).
 * Returns the index of the predicted label (the winner in vote mode).
 */
uint32_t ensemble_combine(enum ensemble_mode mode, size_t n, const float *const *probs,
			  const uint32_t *top1, const float *weights, uint32_t nlabels,
			  uint32_t *votes, float *out);

/*
 * Parse "w1,w2,..." into n weights (malloc'd into *out): finite, >= 0,
 * not all zero, exactly n of them. -1 + err.
 */
int ensemble_parse_weights(const char *s, size_t n, float **out, struct tt_err *err);

/*
 * Load the n model files and align their labels. weights NULL: all 1.
 * Errors name the file (a missing or corrupt model, labels that do not
 * overlap, a mix of single- and multi-label models, weights in vote mode).
 * On failure e is left empty (ensemble_fini is still safe).
 */
int ensemble_load(struct ensemble *e, const char *const *paths, size_t n,
		  const float *weights, enum ensemble_mode mode, struct tt_err *err);
void ensemble_fini(struct ensemble *e);

struct ensemble_ws *ensemble_ws_create(const struct ensemble *e);
void ensemble_ws_destroy(const struct ensemble *e, struct ensemble_ws *ws);

/*
 * Probabilities over the union labels e->lab.names for a text; returns the
 * predicted label's index (argmax of probs, the vote winner in vote mode).
 */
uint32_t ensemble_predict(const struct ensemble *e, struct ensemble_ws *ws, const char *text,
			  size_t len, float *probs);

/* How many members know union label l (the others give it 0). */
size_t ensemble_known_by(const struct ensemble *e, uint32_t l);

/* Union index of a label name, or UINT32_MAX. */
uint32_t ensemble_label_index(const struct ensemble *e, const char *name);

#endif
