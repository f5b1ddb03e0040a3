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

/* The next 64 random bits. */
uint64_t rng_next(struct rng *r);

/* A double uniform in [0, 1), from the top 53 bits. */
double rng_uniform(struct rng *r);

/* An integer uniform in [0, n), without modulo bias (Lemire's method); 0 when n is 0. */
uint64_t rng_below(struct rng *r, uint64_t n);

#endif
