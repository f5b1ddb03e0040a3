"""effect_model.py - an adjustment's effect worked out apart from the product: the daily
means before and after, their difference, and the 95% bootstrap interval drawn the way
analytics/effect.h documents it (xoshiro256** seeded by splitmix64, Lemire's bounded draw,
2000 resamples: before's days first, then after's; the interval d[50] and d[1949] of the
sorted differences), so that a test can compare the interval exactly."""

M64 = (1 << 64) - 1
RESAMPLES = 2000
SEED = 6
MIN_DAYS = 7


def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M64


class Rng:
    def __init__(self, seed):
        x = seed & M64
        self.s = []
        for _ in range(4):  # splitmix64
            x = (x + 0x9E3779B97F4A7C15) & M64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            self.s.append(z ^ (z >> 31))

    def next(self):
        s = self.s
        result = (_rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 45)
        return result

    def below(self, n):
        m = self.next() * n
        low = m & M64
        if low < n:
            t = ((1 << 64) - n) % n
            while low < t:
                m = self.next() * n
                low = m & M64
        return m >> 64


def compare(before, after, seed=SEED):
    """{n_before, n_after, mean_before, mean_after, diff, ci: (lo, hi) or None, verdict}."""
    nb, na = len(before), len(after)
    mb = sum(before) / nb if nb else 0.0
    ma = sum(after) / na if na else 0.0
    ci = None
    if nb and na:
        r = Rng(seed)
        d = []
        for _ in range(RESAMPLES):
            sb = sum(before[r.below(nb)] for _ in range(nb))
            sa = sum(after[r.below(na)] for _ in range(na))
            d.append(sa / na - sb / nb)
        d.sort()
        ci = (d[RESAMPLES // 40], d[RESAMPLES - RESAMPLES // 40 - 1])
    if nb < MIN_DAYS or na < MIN_DAYS:
        verdict = "effect.too_thin"
    elif ci[0] > 0:
        verdict = "effect.up"
    elif ci[1] < 0:
        verdict = "effect.down"
    else:
        verdict = "effect.unclear"
    return {"n_before": nb, "n_after": na, "mean_before": mb, "mean_after": ma,
            "diff": ma - mb, "ci": ci, "verdict": verdict}
