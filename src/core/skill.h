/*
 * skill.h - the team's skills (step 3 of the method): each person's rating,
 * 1 to 5, in the skills a sales team needs, and a project's skills matrix.
 */
#ifndef CORE_SKILL_H
#define CORE_SKILL_H

#include <stddef.h>
#include <stdint.h>

#include "base/jw.h"
#include "core/core.h"

/* A column of the matrix: a skill ("other" with its own name). */
struct skill_column {
	char skill[24];
	char name[64];
	int64_t rated;   /* members rated in it */
	int64_t sum;     /* their ratings' sum */
};

/* A row: a member and their rating in each column (0: not rated). */
struct skill_row {
	char login[64];
	char name[128];
	char role[16];
	int *ratings; /* ncolumns */
};

struct skill_matrix {
	char project[64];
	struct skill_column *columns;
	size_t ncolumns;
	struct skill_row *rows;
	size_t nrows;
};

/*
 * The skills matrix of project code as actor sees it (any project role): its
 * members who sell (owners, managers, members: not viewers) by login, and
 * every skill any of them is rated in, the standard ones first in their
 * order, then the others by name.
 */
int skill_matrix(struct store *st, const struct actor *a, const char *code,
		 struct skill_matrix *out, struct err *err);
void skill_matrix_release(struct skill_matrix *m);

/*
 * {"project","skills":[{"skill","name","rated","average"}],"members":[{"login","name",
 * "role","ratings":[n|null...]}]}: average is the mean of the ratings given, to one
 * decimal rounded half up (null when nobody is rated).
 */
void skill_matrix_write_json(struct jw *w, const struct skill_matrix *m);

/* A column's average in tenths, rounded half up; -1 when nobody is rated. */
int64_t skill_average_tenths(const struct skill_column *c);

#endif
