/*
 * rng.c - xoshiro256** (Blackman and Vigna, 2018) seeded by splitmix64, as
 * their reference code; rng_below is Lemire's nearly divisionless bounded draw.
 */
#include "base/rng.h"

#include "base/banned.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	unsigned __int128 m;
	uint64_t l;
	if (!n)
		return 0;
	m = (unsigned __int128)rng_next(r) * n;
	l = (uint64_t)m;
	if (l < n) {
		/* reject the low products that would favour small results */
		uint64_t t = -n % n;
		while (l < t) {
			m = (unsigned __int128)rng_next(r) * n;
			l = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}
