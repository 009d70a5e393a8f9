"""Independent peer of src/count-models.ts: interpolated Witten-Bell bigram over an add-k unigram,
written from Chen & Goodman (1998), eq. 14, with plain dicts. Prints ln p(w | v) for every pair
of the tiny corpus in count-models.test.ts, so the test's expected values come from here.

Run: python3 plugins/reference-lm/test/witten_bell_peer.py
"""
import math
from collections import Counter

def witten_bell(tokens, V, k=1.0):
    uni = Counter(tokens)
    N = len(tokens)
    p_uni = {w: (uni[w] + k) / (N + k * V) for w in range(V)}
    pairs = Counter(zip(tokens, tokens[1:]))
    hist = Counter(tokens[:-1])
    follow = Counter(v for (v, _w) in pairs)  # T(v): distinct successors
    def p(v, w):
        if hist[v] == 0:
            return p_uni[w]
        lam = hist[v] / (hist[v] + follow[v])
        return lam * pairs[(v, w)] / hist[v] + (1 - lam) * p_uni[w]
    return p_uni, p

if __name__ == '__main__':
    corpus = [0, 1, 2, 1, 2, 3, 0, 1, 1, 2, 0]  # V = 5: id 4 never occurs
    V = 5
    p_uni, p = witten_bell(corpus, V, k=1.0)
    print('unigram', [round(math.log(p_uni[w]), 12) for w in range(V)])
    for v in range(V):
        print(v, [round(math.log(p(v, w)), 12) for w in range(V)])
    p_uni, p = witten_bell(corpus, V, k=0.5)
    print('k=0.5 p(1|1), p(4|2), p(3|4):', [round(math.log(x), 12) for x in (p(1, 1), p(2, 4), p(4, 3))])
