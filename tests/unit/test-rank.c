/*
 * test-rank.c - rank_strings against a plain qsort of the same strings:
 * long shared prefixes (so the radix recurses), duplicates, prefixes of
 * each other, empty and NULL strings, bytes above 0x7f.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/rank.h"
#include "tunetop/util.h"

enum { N = 3000 };

static const char *const *ref_s;
static const uint32_t *ref_len;

static int ref_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const char *sx = ref_s[x] ? ref_s[x] : "", *sy = ref_s[y] ? ref_s[y] : "";
	uint32_t lx = ref_s[x] ? ref_len[x] : 0, ly = ref_s[y] ? ref_len[y] : 0;
	int c = memcmp(sx, sy, lx < ly ? lx : ly);

	return c != 0 ? c : (lx > ly) - (lx < ly);
}

static void test_small_cases(void **state)
{
	const char *s[] = { "b", "ab", "abc", NULL, "", "ab", "\xc3\xa9", "a" };
	uint32_t len[] = { 1, 2, 3, 0, 0, 2, 2, 1 };
	uint32_t *r = rank_strings(s, len, 8);

	(void)state;
	assert_int_equal(r[3], 0);		/* NULL and "" are the same, first */
	assert_int_equal(r[4], 0);
	assert_int_equal(r[7], 2);		/* "a" */
	assert_int_equal(r[1], 3);		/* "ab" twice: one rank */
	assert_int_equal(r[5], 3);
	assert_int_equal(r[2], 5);		/* "abc" after "ab" */
	assert_int_equal(r[0], 6);		/* "b" */
	assert_int_equal(r[6], 7);		/* é after ASCII */
	free(r);
}

static void test_against_qsort(void **state)
{
	char **s = tt_xcalloc(N, sizeof *s);
	uint32_t *len = tt_xcalloc(N, sizeof *len), *order = tt_xcalloc(N, sizeof *order), *r;
	uint64_t x = 12345;
	size_t i;

	(void)state;
	for (i = 0; i < N; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		if (x % 5 == 0)		/* long common prefixes, some repeated */
			s[i] = tt_xprintf("a shared prefix longer than sixteen bytes %u", (unsigned)(x >> 40) % 200);
		else if (x % 5 == 1)
			s[i] = tt_xprintf("a shared prefix longer than sixteen bytes");
		else
			s[i] = tt_xprintf("%c%u", 'a' + (int)((x >> 33) % 3), (unsigned)(x >> 45) % 1000);
		len[i] = (uint32_t)strlen(s[i]);
		order[i] = (uint32_t)i;
	}
	r = rank_strings((const char *const *)s, len, N);
	ref_s = (const char *const *)s;
	ref_len = len;
	qsort(order, N, sizeof *order, ref_cmp);
	for (i = 1; i < N; i++) {
		int c = ref_cmp(&order[i - 1], &order[i]);

		if (c == 0)
			assert_int_equal(r[order[i - 1]], r[order[i]]);
		else
			assert_true(r[order[i - 1]] < r[order[i]]);
	}
	for (i = 0; i < N; i++)
		free(s[i]);
	free(s);
	free(len);
	free(order);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_cases),
		cmocka_unit_test(test_against_qsort),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
