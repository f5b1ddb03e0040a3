/*
 * rng.h - a small seedable pseudo-random generator (xoshiro256**, seeded by
 * splitmix64) for the forecast's Monte Carlo runs: the same seed gives the
 * same sequence on every machine, so a forecast is reproducible. Not for
 * secrets (libsodium makes those).
 */
#ifndef BASE_RNG_H
#define BASE_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

/* Seed r from one 64-bit number (splitmix64 spreads it over the state). */
void rng_seed(struct rng *r, uint64_t seed);

static inline uint64_t rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* The next 64 random bits (inline: the forecast's runs draw tens of millions). */
static inline uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s, result = rng_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rng_rotl(s[3], 45);
	return result;
}

/* A double uniform in [0, 1), from the top 53 bits. */
static inline double rng_uniform(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* An integer uniform in [0, n), without modulo bias (Lemire's method); 0 when n is 0. */
uint64_t rng_below(struct rng *r, uint64_t n);

#endif
