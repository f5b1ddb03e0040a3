/*
 * test_mention.c - the @mention parser (core/mention.h): which logins a text
 * names, where, each once; words and e-mail addresses are not mentions; a
 * sentence's dot is not part of a login. Expected values written out by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/mention.h"

/* The logins text mentions, joined by commas. */
static const char *scan(const char *text)
{
	static char out[512];
	struct mention m[MENTION_MAX];
	size_t n = mention_scan(text, m, MENTION_MAX), len = 0;

	out[0] = 0;
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s", i ? "," : "", m[i].login);
	return out;
}

static void test_which_logins(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "", "" },
		{ "no mention here", "" },
		{ "@wang.fang please look", "wang.fang" },
		{ "ask @li_na and @zhao-lei.", "li_na,zhao-lei" },
		{ "done, @mgr.", "mgr" },
		{ "done @mgr...", "mgr" },
		{ "mail a@b.com or x@y", "" },
		{ "@@twice and @", "" },
		{ "@a @b @a @c", "a,b,c" },
		{ "（@王芳）@rep：看看", "rep" },
		{ "请@rep2看", "rep2" },
		{ "<b>@x</b>", "x" },
		{ "line\n@next line", "next" },
		{ "@-dash", "-dash" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = scan(cases[i].text);
		if (strcmp(got, cases[i].want))
			fail_msg("\"%s\": got \"%s\", want \"%s\"", cases[i].text, got, cases[i].want);
	}
}

static void test_where(void **state)
{
	struct mention m[MENTION_MAX];
	size_t n = mention_scan("hi @ab, @cd.", m, MENTION_MAX);

	(void)state;
	assert_int_equal(n, 2);
	assert_int_equal(m[0].at, 3);
	assert_int_equal(m[0].len, 3); /* "@ab" */
	assert_int_equal(m[1].at, 8);
	assert_int_equal(m[1].len, 3); /* "@cd" without the dot */
}

static void test_limits(void **state)
{
	char text[2048], login[80];
	struct mention m[4];
	size_t len = 0;

	(void)state;
	/* a login past 63 bytes names nobody */
	memset(login, 'a', 64);
	login[64] = 0;
	snprintf(text, sizeof(text), "@%s @ok", login);
	assert_string_equal(scan(text), "ok");
	/* at most max are kept */
	for (int i = 0; i < 10; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "@u%d ", i);
	assert_int_equal(mention_scan(text, m, 4), 4);
	assert_string_equal(m[3].login, "u3");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_which_logins),
		cmocka_unit_test(test_where),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
