/*
 * budget.h - a project's budget (the plan around the method's steps): budget
 * lines, money allocated to a category of spending under a name (the noun
 * `budget`), and expenses recorded against a line of the same project (the
 * noun `expense`), both project nouns of the entity engine (core/budget.c).
 * The overview with the strategy's spending is analytics/budget.h's.
 */
#ifndef CORE_BUDGET_H
#define CORE_BUDGET_H

#include "core/core.h"
#include "core/entity.h"

extern const struct entity budget_entity;
extern const struct entity expense_entity;

#endif
