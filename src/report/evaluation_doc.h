/*
 * evaluation_doc.h - a project's evaluation (analytics/evaluation.h) as a
 * document (report/doc.h) in zh-CN or en, for the renderers: an overview,
 * goal attainment, strategy effectiveness, team performance, adjustments and
 * lessons learned, with charts; and two projects side by side.
 */
#ifndef REPORT_EVALUATION_DOC_H
#define REPORT_EVALUATION_DOC_H

#include "analytics/evaluation.h"
#include "base/jw.h"
#include "report/doc.h"

/* "en" when lang starts with en (an Accept-Language too), else "zh-CN". */
const char *evaluation_lang(const char *lang);

/* The label of key in lang ("goals" -> "目标达成"), key itself when there is none. */
const char *evaluation_label(const char *lang, const char *key);

/* The document of ev in lang (the caller rdoc_release()s d). */
void evaluation_doc(const struct evaluation *ev, const char *lang, struct rdoc *d);

/*
 * Two projects side by side: their totals and each channel's revenue, a
 * column each and the difference (b - a), in lang.
 */
void compare_doc(const struct evaluation *a, const struct evaluation *b, const char *lang,
		 struct rdoc *d);

/*
 * The comparison as JSON: {"projects":[evaluation a, evaluation b],
 * "difference":{"revenue","margin","units","deals_won","new_customers","goals_met"},
 * "channels":[{"code","name","revenue":[a,b],"difference"}]}.
 */
void compare_write_json(struct jw *w, const struct evaluation *a, const struct evaluation *b);

/* The file name of the report: CODE-evaluation[-interim]-YYYY-MM-DD.EXT (safe characters). */
void evaluation_file_name(const struct evaluation *ev, const char *ext, char *out, size_t size);
/* CODE-vs-CODE2-YYYY-MM-DD.EXT */
void compare_file_name(const struct evaluation *a, const struct evaluation *b, const char *ext,
		       char *out, size_t size);

#endif
