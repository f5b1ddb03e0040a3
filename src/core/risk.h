/*
 * risk.h - a project's risks (the plan around the method's steps): a project
 * noun of the entity engine (core/risk.c) whose score is its probability
 * times its impact, listed highest score first, and the probability x impact
 * matrix of the open ones.
 */
#ifndef CORE_RISK_H
#define CORE_RISK_H

#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"
#include "core/entity.h"

extern const struct entity risk_entity;

/* The matrix: count[p - 1][i - 1] open risks of probability p and impact i. */
struct risk_matrix {
	char project[64];
	int64_t count[5][5];
	int64_t total;
};

/* The matrix of project code's open risks (any project role reads it). */
int risk_matrix(struct store *st, const struct actor *a, const char *code,
		struct risk_matrix *out, struct err *err);

/*
 * The score band of a score: "low" 1-4, "medium" 5-9, "high" 10-16,
 * "critical" 20-25.
 */
const char *risk_band(int64_t score);

/*
 * {"project", "open", "cells":[{"probability","impact","score","band","count"}...]}:
 * 25 cells, probability 5 to 1, each with impact 1 to 5.
 */
void risk_matrix_write_json(struct jw *w, const struct risk_matrix *m);

#endif
