// @labbench/tensor-native: CBLAS (OpenBLAS) kernels over Float32Array views of the tfjs wasm heap.
// Every function reads and writes the caller's typed arrays in place: no copies.
#include <cblas.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <node_api.h>

// The exp-heavy row loops are compiled twice and picked when the addon loads (GCC function
// multi-versioning): for x86-64-v3 (AVX2, FMA) and for the portable baseline the rest of the addon
// is built for (-march=x86-64-v2), so one binary runs on any x86-64 CPU and still uses AVX2 where
// there is one. A machine always runs the same version, so results do not depend on thread counts.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define WIDE __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define WIDE
#endif

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, "tensor-native: " #call " failed"); return NULL; } } while (0)

static int f32(napi_env env, napi_value v, float **data, size_t *len) {
  napi_typedarray_type type; napi_value ab; size_t off;
  if (napi_get_typedarray_info(env, v, &type, len, (void **)data, &ab, &off) != napi_ok || type != napi_float32_array) {
    napi_throw_type_error(env, NULL, "tensor-native: expected a Float32Array");
    return 0;
  }
  return 1;
}

static int i32arr(napi_env env, napi_value v, int32_t **data, size_t *len) {
  napi_typedarray_type type; napi_value ab; size_t off;
  if (napi_get_typedarray_info(env, v, &type, len, (void **)data, &ab, &off) != napi_ok || type != napi_int32_array) {
    napi_throw_type_error(env, NULL, "tensor-native: expected an Int32Array");
    return 0;
  }
  return 1;
}

static int64_t num(napi_env env, napi_value v) { int64_t x = 0; napi_get_value_int64(env, v, &x); return x; }
static double dbl(napi_env env, napi_value v) { double x = 0; napi_get_value_double(env, v, &x); return x; }

// exp for x <= 0 (softmax after subtracting the row max): Cephes-style range reduction and a
// degree-6 polynomial, about 2 ulp; written branch-free so that GCC vectorises the row loops.
static inline float fast_exp(float x) {
  x = x < -87.0f ? -87.0f : x;
  float n = floorf(x * 1.44269504088896341f + 0.5f);
  float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  union { float f; int32_t i; } u = { .f = p };
  u.i += (int32_t)n << 23;
  return u.f;
}

typedef struct {
  const float *a, *b; float *c; int64_t from, to, m, n, k, sa, sb, sc; bool ta, tb; float alpha, beta; int64_t lda;
} gemm_job;

// Threads the kernels use (our own; OpenBLAS itself runs single-threaded inside each).
static int threads_in_use = 0;

static void run_gemms(const gemm_job *j) {
  for (int64_t i = j->from; i < j->to; i++)
    cblas_sgemm(CblasRowMajor, j->ta ? CblasTrans : CblasNoTrans, j->tb ? CblasTrans : CblasNoTrans, (blasint)j->m, (blasint)j->n, (blasint)j->k,
                j->alpha, j->a + i * j->sa, (blasint)j->lda, j->b + i * j->sb, j->tb ? (blasint)j->k : (blasint)j->n,
                j->beta, j->c + i * j->sc, (blasint)j->n);
}

// A persistent pool of threads_in_use - 1 workers that, with the caller's thread, claim chunks of
// a job from an atomic counter. Dynamic claiming keeps a descheduled thread (a busy machine) from
// holding up the others: the caller waits only for chunks already claimed, never for a thread
// that has not started. The counter carries the job's generation, so a late worker cannot claim
// chunks of a later job.
typedef void (*chunk_fn)(void *ctx, int64_t chunk);
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cv = PTHREAD_COND_INITIALIZER;
static int pool_workers = 0;
static uint32_t pool_gen = 0;
static chunk_fn pool_fn = NULL;
static void *pool_ctx = NULL;
static int64_t pool_n = 0;
static _Atomic uint64_t pool_next = 0; // generation << 32 | next chunk
static _Atomic int64_t pool_done = 0;

static int claim(uint32_t gen, int64_t n, int64_t *out) {
  uint64_t cur = atomic_load(&pool_next);
  for (;;) {
    if ((uint32_t)(cur >> 32) != gen) return 0;
    int64_t i = (int64_t)(cur & 0xffffffffu);
    if (i >= n) return 0;
    if (atomic_compare_exchange_weak(&pool_next, &cur, cur + 1)) { *out = i; return 1; }
  }
}

static void *pool_worker(void *arg) {
  (void)arg;
  uint32_t seen = 0;
  pthread_mutex_lock(&pool_mu);
  seen = pool_gen;
  for (;;) {
    while (pool_gen == seen) pthread_cond_wait(&pool_cv, &pool_mu);
    seen = pool_gen;
    chunk_fn fn = pool_fn; void *ctx = pool_ctx; int64_t n = pool_n;
    pthread_mutex_unlock(&pool_mu);
    int64_t i;
    while (claim(seen, n, &i)) { fn(ctx, i); atomic_fetch_add(&pool_done, 1); }
    pthread_mutex_lock(&pool_mu);
  }
  return NULL;
}

// Runs fn(ctx, i) for i < n on the caller's thread and the pool's workers.
static void run_chunks(chunk_fn fn, void *ctx, int64_t n) {
  int threads = threads_in_use < 1 ? 1 : threads_in_use;
  if (threads == 1 || n <= 1) { for (int64_t i = 0; i < n; i++) fn(ctx, i); return; }
  pthread_mutex_lock(&pool_mu);
  while (pool_workers < threads - 1) {
    pthread_t tid;
    if (pthread_create(&tid, NULL, pool_worker, NULL) != 0) break;
    pthread_detach(tid);
    pool_workers++;
  }
  uint32_t gen = ++pool_gen;
  pool_fn = fn; pool_ctx = ctx; pool_n = n;
  atomic_store(&pool_done, 0);
  atomic_store(&pool_next, (uint64_t)gen << 32);
  pthread_cond_broadcast(&pool_cv);
  pthread_mutex_unlock(&pool_mu);
  int64_t i;
  while (claim(gen, n, &i)) { fn(ctx, i); atomic_fetch_add(&pool_done, 1); }
  while (atomic_load(&pool_done) < n) sched_yield(); // chunks other threads claimed
}

// Runs body(ctx, from, to) over [0, count) in chunks across the threads, when the work is large
// enough to pay for them.
typedef void (*range_fn)(void *ctx, int64_t from, int64_t to);
typedef struct { range_fn body; void *ctx; int64_t count, chunks; } range_job;
static void range_chunk(void *arg, int64_t i) {
  range_job *j = (range_job *)arg;
  j->body(j->ctx, j->count * i / j->chunks, j->count * (i + 1) / j->chunks);
}
static void parallel_for(range_fn body, void *ctx, int64_t count, int64_t work) {
  int threads = threads_in_use < 1 ? 1 : threads_in_use;
  if (work < 200000 || count < 2 || threads == 1) { body(ctx, 0, count); return; }
  int64_t chunks = 4 * threads < count ? 4 * threads : count;
  range_job job = { body, ctx, count, chunks };
  run_chunks(range_chunk, &job, chunks);
}

// sgemm chunks: one chunk is a run of matrices of the batch, or a block of rows of op(A) and C.
#define ROW_BLOCK 128
typedef struct { gemm_job g; int64_t per_chunk; bool by_rows; } gemm_plan;
static void gemm_chunk(void *arg, int64_t i) {
  const gemm_plan *p = (const gemm_plan *)arg;
  gemm_job j = p->g;
  if (p->by_rows) {
    int64_t r0 = i * p->per_chunk, r1 = r0 + p->per_chunk < p->g.m ? r0 + p->per_chunk : p->g.m;
    j.m = r1 - r0;
    j.a = p->g.a + (p->g.ta ? r0 : r0 * p->g.k); // row r of op(A): a + r*k, or a + r when transposed (lda = m)
    j.c = p->g.c + r0 * p->g.n;
  } else {
    j.from = i * p->per_chunk;
    j.to = j.from + p->per_chunk < p->g.to ? j.from + p->per_chunk : p->g.to;
  }
  run_gemms(&j);
}

// sgemm(a, b, c, batch, m, n, k, transA, transB, strideA, strideB, strideC, alpha, beta)
// Row-major: for each i < batch, C_i = alpha op(A_i) op(B_i) + beta C_i with A_i at a + i*strideA
// (strideA 0 broadcasts one matrix). Bounds are checked against the views' lengths.
static napi_value sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 14; napi_value argv[14];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 14) { napi_throw_error(env, NULL, "tensor-native: sgemm needs 14 arguments"); return NULL; }
  float *a, *b, *c; size_t la, lb, lc;
  if (!f32(env, argv[0], &a, &la) || !f32(env, argv[1], &b, &lb) || !f32(env, argv[2], &c, &lc)) return NULL;
  int64_t batch = num(env, argv[3]), m = num(env, argv[4]), n = num(env, argv[5]), k = num(env, argv[6]);
  bool ta = false, tb = false; napi_get_value_bool(env, argv[7], &ta); napi_get_value_bool(env, argv[8], &tb);
  int64_t sa = num(env, argv[9]), sb = num(env, argv[10]), sc = num(env, argv[11]);
  float alpha = (float)dbl(env, argv[12]), beta = (float)dbl(env, argv[13]);
  if (batch < 0 || m < 0 || n < 0 || k < 0 || sa < 0 || sb < 0 || sc < 0 ||
      (batch > 0 && ((uint64_t)((batch - 1) * sa + m * k) > la || (uint64_t)((batch - 1) * sb + k * n) > lb || (uint64_t)((batch - 1) * sc + m * n) > lc))) {
    napi_throw_range_error(env, NULL, "tensor-native: sgemm shapes exceed the views");
    return NULL;
  }
  if (m == 0 || n == 0 || batch == 0) return NULL;
  if (k == 0) {
    for (int64_t i = 0; i < batch; i++) if (beta == 0.0f) memset(c + i * sc, 0, sizeof(float) * m * n);
    return NULL;
  }
  gemm_job job = { a, b, c, 0, batch, m, n, k, sa, sb, sc, ta, tb, alpha, beta, ta ? m : k };
  // Our own threads, each running single-threaded OpenBLAS (see run_chunks): several matrices
  // (attention heads) go out one by one, a single matrix in blocks of rows.
  // How C is cut depends only on the shapes, never on the thread count: every row of C is computed
  // by the same OpenBLAS call at any thread count, so results have the same bits (OpenBLAS picks
  // its microkernels, and its small-matrix path, by the sizes of each call).
  int threads = threads_in_use < 1 ? 1 : threads_in_use;
  if ((double)batch * m * n * k < 65536.0) { run_gemms(&job); return NULL; }
  gemm_plan plan = { job, 1, false };
  int64_t chunks;
  if (batch >= 2) {
    if (threads == 1) { run_gemms(&job); return NULL; } // one call per matrix either way
    plan.per_chunk = (batch + 8 * threads - 1) / (8 * threads); // at most 8 chunks per thread
    chunks = (batch + plan.per_chunk - 1) / plan.per_chunk;
  } else if (m >= 2 * ROW_BLOCK) {
    // blocks of at least ROW_BLOCK rows, a quarter of C each at most, starting at multiples of 64
    plan.by_rows = true;
    int64_t per = (m + 3) / 4;
    per = per < ROW_BLOCK ? ROW_BLOCK : per;
    plan.per_chunk = (per + 63) / 64 * 64;
    chunks = (m + plan.per_chunk - 1) / plan.per_chunk;
  } else { run_gemms(&job); return NULL; }
  run_chunks(gemm_chunk, &plan, chunks);
  return NULL;
}

static inline __attribute__((always_inline)) float row_max(const float *x, int64_t n) {
  float mx = x[0];
#pragma omp simd reduction(max:mx)
  for (int64_t j = 0; j < n; j++) mx = x[j] > mx ? x[j] : mx;
  return mx;
}

// y = exp(x - mx); returns the sum (vectorised: the exponentials, then a simd reduction)
static inline __attribute__((always_inline)) float exp_row(const float *x, float *y, int64_t n, float mx) {
#pragma omp simd
  for (int64_t j = 0; j < n; j++) y[j] = fast_exp(x[j] - mx);
  float sum = 0.0f;
#pragma omp simd reduction(+:sum)
  for (int64_t j = 0; j < n; j++) sum += y[j];
  return sum;
}

typedef struct { const float *x; const int32_t *t; float *nll; float *g; int64_t cols; } ce_ctx;
WIDE static void ce_rows(void *arg, int64_t from, int64_t to) {
  ce_ctx *c = (ce_ctx *)arg; int64_t cols = c->cols;
  for (int64_t r = from; r < to; r++) {
    const float *xr = c->x + r * cols; float *gr = c->g + r * cols; int32_t target = c->t[r];
    if (target < 0 || target >= cols) { c->nll[r] = 0.0f; memset(gr, 0, sizeof(float) * cols); continue; }
    float mx = row_max(xr, cols);
    float sum = exp_row(xr, gr, cols, mx);
    float inv = 1.0f / sum;
#pragma omp simd
    for (int64_t j = 0; j < cols; j++) gr[j] *= inv;
    gr[target] -= 1.0f;
    c->nll[r] = logf(sum) + mx - xr[target];
  }
}

// softmaxCrossEntropy(logits [rows, cols], targets Int32 [rows], nll [rows], grad [rows, cols])
// nll = logsumexp(row) - row[target]; grad = softmax(row) - onehot(target). Targets outside
// [0, cols) (padding, -1) give nll 0 and a zero gradient row.
static napi_value softmaxCrossEntropy(napi_env env, napi_callback_info info) {
  size_t argc = 6; napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *x, *nll, *g; int32_t *t; size_t lx, lt, ln, lg;
  if (!f32(env, argv[0], &x, &lx) || !i32arr(env, argv[1], &t, &lt) || !f32(env, argv[2], &nll, &ln) || !f32(env, argv[3], &g, &lg)) return NULL;
  int64_t rows = num(env, argv[4]), cols = num(env, argv[5]);
  if (rows < 0 || cols <= 0 || (uint64_t)(rows * cols) > lx || (uint64_t)rows > lt || (uint64_t)rows > ln || (uint64_t)(rows * cols) > lg) {
    napi_throw_range_error(env, NULL, "tensor-native: softmaxCrossEntropy shapes exceed the views");
    return NULL;
  }
  ce_ctx ctx = { x, t, nll, g, cols };
  parallel_for(ce_rows, &ctx, rows, rows * cols);
  return NULL;
}

typedef struct { const float *x; float *y; int64_t cols; } sm_ctx;
WIDE static void sm_rows(void *arg, int64_t from, int64_t to) {
  sm_ctx *c = (sm_ctx *)arg; int64_t cols = c->cols;
  for (int64_t r = from; r < to; r++) {
    const float *xr = c->x + r * cols; float *yr = c->y + r * cols;
    float mx = row_max(xr, cols);
    float inv = 1.0f / exp_row(xr, yr, cols, mx);
#pragma omp simd
    for (int64_t j = 0; j < cols; j++) yr[j] *= inv;
  }
}

// softmax(x, y, rows, cols): y = softmax over the last axis (y may alias x).
static napi_value softmax(napi_env env, napi_callback_info info) {
  size_t argc = 4; napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *x, *y; size_t lx, ly;
  if (!f32(env, argv[0], &x, &lx) || !f32(env, argv[1], &y, &ly)) return NULL;
  int64_t rows = num(env, argv[2]), cols = num(env, argv[3]);
  if (rows < 0 || cols <= 0 || (uint64_t)(rows * cols) > lx || (uint64_t)(rows * cols) > ly) {
    napi_throw_range_error(env, NULL, "tensor-native: softmax shapes exceed the views");
    return NULL;
  }
  sm_ctx ctx = { x, y, cols };
  parallel_for(sm_rows, &ctx, rows, rows * cols);
  return NULL;
}

// logitStats: per-position scores of raw logits for evaluation (the native twin of
// @labbench/tensor's eval/logit-stats.ts JS loop). The exponentials are float32 (fast_exp); every
// sum is float64, as in the JS loop: entropy and Var[ln p] come from first and second moments,
// whose difference cancels. exp(d) below e^-87 is taken as 0 (fast_exp clamps there; the JS loop
// underflows to 0 too), so -Infinity logits (masked ids) contribute nothing instead of 0 * -inf.
enum { LS_ARGMAX = 1, LS_DISTRIBUTION = 2 };
typedef struct {
  const float *x; const int32_t *t; float *logp; int32_t *argmax, *rank; float *entropy, *variance;
  int64_t cols; int flags; _Atomic int failed;
} ls_ctx;
WIDE static void ls_rows(void *arg, int64_t from, int64_t to) {
  ls_ctx *c = (ls_ctx *)arg; int64_t cols = c->cols; bool dist = (c->flags & LS_DISTRIBUTION) != 0;
  // exp(l - max) per id, kept for p: one buffer per chunk (chunks run on any thread)
  float *ex = dist ? (float *)malloc(sizeof(float) * cols) : NULL;
  if (dist && !ex) { atomic_store(&c->failed, 1); return; }
  for (int64_t r = from; r < to; r++) {
    int32_t target = c->t[r];
    if (target < 0) continue; // unscored: outputs untouched
    const float *xr = c->x + r * cols;
    float mx = row_max(xr, cols);
    double sum = 0.0;
    if (dist) {
#pragma omp simd
      for (int64_t j = 0; j < cols; j++) { float d = xr[j] - mx; ex[j] = d < -87.0f ? 0.0f : fast_exp(d); }
#pragma omp simd reduction(+:sum)
      for (int64_t j = 0; j < cols; j++) sum += (double)ex[j];
    } else {
#pragma omp simd reduction(+:sum)
      for (int64_t j = 0; j < cols; j++) { float d = xr[j] - mx; sum += d < -87.0f ? 0.0 : (double)fast_exp(d); }
    }
    double logSum = log(sum);
    float xt = xr[target];
    c->logp[r] = (float)(((double)xt - (double)mx) - logSum);
    if (c->flags & LS_ARGMAX) {
      int64_t best = 0; // the first maximum, as tf.argMax
      while (best < cols - 1 && !(xr[best] == mx)) best++;
      c->argmax[r] = (int32_t)best;
    }
    if (dist) {
      // with d = l - max and ln p = d - ln(sum): H = ln(sum) - E[d], Var[ln p] = Var[d] = E[d^2] - E[d]^2
      // (moments of d, not of ln p: the smaller magnitudes cancel less)
      double s1 = 0.0, s2 = 0.0, mxd = mx; int64_t above = 0;
#pragma omp simd reduction(+:s1, s2, above)
      for (int64_t j = 0; j < cols; j++) {
        double e = ex[j];
        double d = e > 0.0 ? (double)xr[j] - mxd : 0.0;
        s1 += e * d; s2 += e * d * d;
        above += xr[j] > xt ? 1 : 0;
      }
      double mean = s1 / sum, var = s2 / sum - mean * mean;
      c->rank[r] = (int32_t)(1 + above);
      c->entropy[r] = (float)(logSum - mean);
      c->variance[r] = (float)(var > 0.0 ? var : 0.0);
    }
  }
  free(ex);
}

// logitStats(logits [rows, cols], targets Int32 [rows], logProbs, argmax Int32, ranks Int32, entropies,
// variances, rows, cols, offset, flags): for each row whose target is >= 0, writes at [offset + row]
// the target's log-probability, with flags & 1 the argmax (first maximum), with flags & 2 the rank
// (1 + ids with a strictly larger logit), the entropy and Var[ln p]. Rows with target < 0 are skipped.
static napi_value logitStats(napi_env env, napi_callback_info info) {
  size_t argc = 11; napi_value argv[11];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *x, *logp, *ent, *var; int32_t *t, *am, *rk; size_t lx, lt, llp, lam, lrk, lent, lvar;
  if (argc < 11 || !f32(env, argv[0], &x, &lx) || !i32arr(env, argv[1], &t, &lt) || !f32(env, argv[2], &logp, &llp) || !i32arr(env, argv[3], &am, &lam) ||
      !i32arr(env, argv[4], &rk, &lrk) || !f32(env, argv[5], &ent, &lent) || !f32(env, argv[6], &var, &lvar)) return NULL;
  int64_t rows = num(env, argv[7]), cols = num(env, argv[8]), offset = num(env, argv[9]), flags = num(env, argv[10]);
  uint64_t end = (uint64_t)(offset + rows);
  bool dist = (flags & LS_DISTRIBUTION) != 0;
  if (rows < 0 || cols <= 0 || offset < 0 || (uint64_t)(rows * cols) > lx || (uint64_t)rows > lt || end > llp ||
      ((flags & LS_ARGMAX) && end > lam) || (dist && (end > lrk || end > lent || end > lvar))) {
    napi_throw_range_error(env, NULL, "tensor-native: logitStats shapes exceed the views");
    return NULL;
  }
  for (int64_t r = 0; r < rows; r++) {
    if (t[r] >= cols) { napi_throw_range_error(env, NULL, "tensor-native: logitStats target id is not below the vocabulary size"); return NULL; }
  }
  ls_ctx ctx = { x, t, logp + offset, am + offset, rk + offset, ent + offset, var + offset, cols, (int)flags, 0 };
  parallel_for(ls_rows, &ctx, rows, rows * cols * (dist ? 3 : 2));
  if (atomic_load(&ctx.failed)) { napi_throw_error(env, NULL, "tensor-native: logitStats could not allocate its row buffer"); return NULL; }
  return NULL;
}

// biasActivation(c [rows, n], bias Float32Array | null, rows, n, activation, alpha): in place,
// c = act(c + bias). activation: 0 linear, 1 relu, 2 relu6, 3 leakyrelu, 4 sigmoid, 5 elu.
static napi_value biasActivation(napi_env env, napi_callback_info info) {
  size_t argc = 6; napi_value argv[6]; napi_valuetype bt;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *c, *bias = NULL; size_t lc, lb = 0;
  if (!f32(env, argv[0], &c, &lc)) return NULL;
  napi_typeof(env, argv[1], &bt);
  if (bt != napi_null && bt != napi_undefined && !f32(env, argv[1], &bias, &lb)) return NULL;
  int64_t rows = num(env, argv[2]), n = num(env, argv[3]), act = num(env, argv[4]); float alpha = (float)dbl(env, argv[5]);
  if (rows < 0 || n < 0 || (uint64_t)(rows * n) > lc || (bias && (uint64_t)n > lb)) {
    napi_throw_range_error(env, NULL, "tensor-native: biasActivation shapes exceed the views");
    return NULL;
  }
  for (int64_t r = 0; r < rows; r++) {
    float *cr = c + r * n;
    if (bias) for (int64_t j = 0; j < n; j++) cr[j] += bias[j];
    switch (act) {
      case 1: for (int64_t j = 0; j < n; j++) cr[j] = cr[j] > 0.0f ? cr[j] : 0.0f; break;
      case 2: for (int64_t j = 0; j < n; j++) cr[j] = cr[j] < 0.0f ? 0.0f : (cr[j] > 6.0f ? 6.0f : cr[j]); break;
      case 3: for (int64_t j = 0; j < n; j++) cr[j] = cr[j] > 0.0f ? cr[j] : alpha * cr[j]; break;
      case 4: for (int64_t j = 0; j < n; j++) cr[j] = 1.0f / (1.0f + expf(-cr[j])); break;
      case 5: for (int64_t j = 0; j < n; j++) cr[j] = cr[j] >= 0.0f ? cr[j] : expf(cr[j]) - 1.0f; break;
      default: break;
    }
  }
  return NULL;
}

typedef struct { const float *x, *g, *m, *v; float *xo, *mo, *vo; float lr, b1, b2, eps, wd, ic1, ic2, s; } adam_ctx;
static void adam_range(void *arg, int64_t from, int64_t to) {
  adam_ctx *c = (adam_ctx *)arg;
  const float a1 = 1.0f - c->b1, a2 = 1.0f - c->b2, b1 = c->b1, b2 = c->b2, lr = c->lr, eps = c->eps, wd = c->wd, ic1 = c->ic1, ic2 = c->ic2, s = c->s;
  const float *x = c->x, *g = c->g, *m = c->m, *v = c->v; float *xo = c->xo, *mo = c->mo, *vo = c->vo;
#pragma omp simd
  for (int64_t i = from; i < to; i++) {
    float gi = g[i] * s;
    float mi = b1 * m[i] + a1 * gi;
    float vi = b2 * v[i] + a2 * gi * gi;
    mo[i] = mi; vo[i] = vi;
    xo[i] = x[i] - lr * ((mi * ic1) / (sqrtf(vi * ic2) + eps) + wd * x[i]);
  }
}

// adam(x, g, m, v, xo, mo, vo, lr, beta1, beta2, eps, weightDecay, c1, c2, gradScale): one Adam(W)
// update, outputs into xo, mo, vo (same length as x).
static napi_value adam(napi_env env, napi_callback_info info) {
  size_t argc = 15; napi_value argv[15];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 15) { napi_throw_error(env, NULL, "tensor-native: adam needs 15 arguments"); return NULL; }
  float *x, *g, *m, *v, *xo, *mo, *vo; size_t lx, lg, lm, lv, lxo, lmo, lvo;
  if (!f32(env, argv[0], &x, &lx) || !f32(env, argv[1], &g, &lg) || !f32(env, argv[2], &m, &lm) || !f32(env, argv[3], &v, &lv) ||
      !f32(env, argv[4], &xo, &lxo) || !f32(env, argv[5], &mo, &lmo) || !f32(env, argv[6], &vo, &lvo)) return NULL;
  if (lg < lx || lm < lx || lv < lx || lxo < lx || lmo < lx || lvo < lx) { napi_throw_range_error(env, NULL, "tensor-native: adam views differ in length"); return NULL; }
  float lr = (float)dbl(env, argv[7]), b1 = (float)dbl(env, argv[8]), b2 = (float)dbl(env, argv[9]), eps = (float)dbl(env, argv[10]);
  float wd = (float)dbl(env, argv[11]), ic1 = (float)(1.0 / dbl(env, argv[12])), ic2 = (float)(1.0 / dbl(env, argv[13])), s = (float)dbl(env, argv[14]);
  adam_ctx ctx = { x, g, m, v, xo, mo, vo, lr, b1, b2, eps, wd, ic1, ic2, s };
  parallel_for(adam_range, &ctx, (int64_t)lx, (int64_t)lx * 4);
  return NULL;
}

// ---- fused elementwise kernels (labbench's LabbenchRmsNorm, LabbenchSwiGlu, LabbenchAttentionSoftmax
// and their gradients). Each row is computed by one thread in a fixed order, so the bits do not
// depend on the thread count; reductions across rows (the gain gradient) run in row order.

typedef struct { const float *x, *g; float *y, *rinv; int64_t cols; float eps; } rms_ctx;
static void rms_rows(void *arg, int64_t from, int64_t to) {
  rms_ctx *c = (rms_ctx *)arg; int64_t n = c->cols;
  for (int64_t r = from; r < to; r++) {
    const float *x = c->x + r * n; float *y = c->y + r * n; float ss = 0.0f;
#pragma omp simd reduction(+:ss)
    for (int64_t j = 0; j < n; j++) ss += x[j] * x[j];
    float inv = 1.0f / sqrtf(ss / (float)n + c->eps);
    c->rinv[r] = inv;
#pragma omp simd
    for (int64_t j = 0; j < n; j++) y[j] = x[j] * inv * c->g[j];
  }
}

// rmsNorm(x, gain, y, rinv, rows, cols, eps)
static napi_value rmsNorm(napi_env env, napi_callback_info info) {
  size_t argc = 7; napi_value argv[7];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *x, *g, *y, *rinv; size_t lx, lg, ly, lr;
  if (argc < 7 || !f32(env, argv[0], &x, &lx) || !f32(env, argv[1], &g, &lg) || !f32(env, argv[2], &y, &ly) || !f32(env, argv[3], &rinv, &lr)) return NULL;
  int64_t rows = num(env, argv[4]), cols = num(env, argv[5]);
  if (rows < 0 || cols <= 0 || (uint64_t)(rows * cols) > lx || (uint64_t)(rows * cols) > ly || (uint64_t)cols > lg || (uint64_t)rows > lr) {
    napi_throw_range_error(env, NULL, "tensor-native: rmsNorm shapes exceed the views"); return NULL;
  }
  rms_ctx ctx = { x, g, y, rinv, cols, (float)dbl(env, argv[6]) };
  parallel_for(rms_rows, &ctx, rows, rows * cols);
  return NULL;
}

typedef struct { const float *dy, *x, *g, *rinv; float *dx; int64_t cols; } rmsg_ctx;
static void rmsg_rows(void *arg, int64_t from, int64_t to) {
  rmsg_ctx *c = (rmsg_ctx *)arg; int64_t n = c->cols;
  for (int64_t r = from; r < to; r++) {
    const float *dy = c->dy + r * n, *x = c->x + r * n; float *dx = c->dx + r * n; float inv = c->rinv[r], dot = 0.0f;
#pragma omp simd reduction(+:dot)
    for (int64_t j = 0; j < n; j++) dot += dy[j] * c->g[j] * x[j];
    float k = inv * inv * inv * dot / (float)n;
#pragma omp simd
    for (int64_t j = 0; j < n; j++) dx[j] = inv * dy[j] * c->g[j] - x[j] * k;
  }
}

// rmsNormGrad(dy, x, gain, rinv, dx, dgain, rows, cols)
static napi_value rmsNormGrad(napi_env env, napi_callback_info info) {
  size_t argc = 8; napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *dy, *x, *g, *rinv, *dx, *dg; size_t ldy, lx, lg, lr, ldx, ldg;
  if (argc < 8 || !f32(env, argv[0], &dy, &ldy) || !f32(env, argv[1], &x, &lx) || !f32(env, argv[2], &g, &lg) || !f32(env, argv[3], &rinv, &lr) ||
      !f32(env, argv[4], &dx, &ldx) || !f32(env, argv[5], &dg, &ldg)) return NULL;
  int64_t rows = num(env, argv[6]), cols = num(env, argv[7]);
  uint64_t size = (uint64_t)(rows * cols);
  if (rows < 0 || cols <= 0 || size > ldy || size > lx || size > ldx || (uint64_t)cols > lg || (uint64_t)cols > ldg || (uint64_t)rows > lr) {
    napi_throw_range_error(env, NULL, "tensor-native: rmsNormGrad shapes exceed the views"); return NULL;
  }
  rmsg_ctx ctx = { dy, x, g, rinv, dx, cols };
  parallel_for(rmsg_rows, &ctx, rows, rows * cols);
  // the gain's gradient sums over rows: on this thread, in row order (the same bits at any thread count)
  memset(dg, 0, sizeof(float) * cols);
  for (int64_t r = 0; r < rows; r++) {
    const float *dyr = dy + r * cols, *xr = x + r * cols; float inv = rinv[r];
#pragma omp simd
    for (int64_t j = 0; j < cols; j++) dg[j] += dyr[j] * xr[j] * inv;
  }
  return NULL;
}

typedef struct { const float *x, *g, *b, *dy; float *y, *mean, *rstd; int64_t cols; float eps; } ln_ctx;
static void ln_rows(void *arg, int64_t from, int64_t to) {
  ln_ctx *c = (ln_ctx *)arg; int64_t n = c->cols;
  for (int64_t r = from; r < to; r++) {
    const float *x = c->x + r * n; float *y = c->y + r * n; float s = 0.0f, ss = 0.0f;
#pragma omp simd reduction(+:s)
    for (int64_t j = 0; j < n; j++) s += x[j];
    float mu = s / (float)n;
#pragma omp simd reduction(+:ss)
    for (int64_t j = 0; j < n; j++) ss += (x[j] - mu) * (x[j] - mu);
    float inv = 1.0f / sqrtf(ss / (float)n + c->eps);
    c->mean[r] = mu; c->rstd[r] = inv;
#pragma omp simd
    for (int64_t j = 0; j < n; j++) y[j] = (x[j] - mu) * inv * c->g[j] + c->b[j];
  }
}
static void ln_grad_rows(void *arg, int64_t from, int64_t to) {
  ln_ctx *c = (ln_ctx *)arg; int64_t n = c->cols;
  for (int64_t r = from; r < to; r++) {
    const float *x = c->x + r * n, *dy = c->dy + r * n; float *dx = c->y + r * n; float mu = c->mean[r], inv = c->rstd[r], a = 0.0f, b = 0.0f;
#pragma omp simd reduction(+:a,b)
    for (int64_t j = 0; j < n; j++) { float gy = dy[j] * c->g[j]; a += gy; b += gy * (x[j] - mu) * inv; }
    a /= (float)n; b /= (float)n;
#pragma omp simd
    for (int64_t j = 0; j < n; j++) dx[j] = inv * (dy[j] * c->g[j] - a - (x[j] - mu) * inv * b);
  }
}

// layerNorm(x, gain, bias, y, mean, rstd, rows, cols, eps)
static napi_value layerNorm(napi_env env, napi_callback_info info) {
  size_t argc = 9; napi_value argv[9];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *x, *g, *b, *y, *mean, *rstd; size_t lx, lg, lb, ly, lm, lr;
  if (argc < 9 || !f32(env, argv[0], &x, &lx) || !f32(env, argv[1], &g, &lg) || !f32(env, argv[2], &b, &lb) || !f32(env, argv[3], &y, &ly) ||
      !f32(env, argv[4], &mean, &lm) || !f32(env, argv[5], &rstd, &lr)) return NULL;
  int64_t rows = num(env, argv[6]), cols = num(env, argv[7]);
  uint64_t size = (uint64_t)(rows * cols);
  if (rows < 0 || cols <= 0 || size > lx || size > ly || (uint64_t)cols > lg || (uint64_t)cols > lb || (uint64_t)rows > lm || (uint64_t)rows > lr) {
    napi_throw_range_error(env, NULL, "tensor-native: layerNorm shapes exceed the views"); return NULL;
  }
  ln_ctx ctx = { x, g, b, NULL, y, mean, rstd, cols, (float)dbl(env, argv[8]) };
  parallel_for(ln_rows, &ctx, rows, rows * cols);
  return NULL;
}

// layerNormGrad(dy, x, gain, mean, rstd, dx, dgain, dbias, rows, cols)
static napi_value layerNormGrad(napi_env env, napi_callback_info info) {
  size_t argc = 10; napi_value argv[10];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *dy, *x, *g, *mean, *rstd, *dx, *dg, *db; size_t ldy, lx, lg, lm, lr, ldx, ldg, ldb;
  if (argc < 10 || !f32(env, argv[0], &dy, &ldy) || !f32(env, argv[1], &x, &lx) || !f32(env, argv[2], &g, &lg) || !f32(env, argv[3], &mean, &lm) ||
      !f32(env, argv[4], &rstd, &lr) || !f32(env, argv[5], &dx, &ldx) || !f32(env, argv[6], &dg, &ldg) || !f32(env, argv[7], &db, &ldb)) return NULL;
  int64_t rows = num(env, argv[8]), cols = num(env, argv[9]);
  uint64_t size = (uint64_t)(rows * cols);
  if (rows < 0 || cols <= 0 || size > ldy || size > lx || size > ldx || (uint64_t)cols > lg || (uint64_t)cols > ldg || (uint64_t)cols > ldb || (uint64_t)rows > lm || (uint64_t)rows > lr) {
    napi_throw_range_error(env, NULL, "tensor-native: layerNormGrad shapes exceed the views"); return NULL;
  }
  ln_ctx ctx = { x, g, NULL, dy, dx, mean, rstd, cols, 0.0f };
  parallel_for(ln_grad_rows, &ctx, rows, rows * cols * 2);
  // gain and bias gradients sum over rows: on this thread, in row order (the same bits at any thread count)
  memset(dg, 0, sizeof(float) * cols); memset(db, 0, sizeof(float) * cols);
  for (int64_t r = 0; r < rows; r++) {
    const float *dyr = dy + r * cols, *xr = x + r * cols; float mu = mean[r], inv = rstd[r];
#pragma omp simd
    for (int64_t j = 0; j < cols; j++) { dg[j] += dyr[j] * (xr[j] - mu) * inv; db[j] += dyr[j]; }
  }
  return NULL;
}

// sigmoid through fast_exp of a non-positive argument (stable for any g)
static inline float sigmoidf_fast(float g) {
  float e = fast_exp(-fabsf(g));
  float s = 1.0f / (1.0f + e);
  float neg = e * s;
  return g >= 0.0f ? s : neg; // both computed: a select, so the row loops vectorise
}

typedef struct { const float *x, *dy; float *y; int64_t hidden; } swiglu_ctx;
WIDE static void swiglu_rows(void *arg, int64_t from, int64_t to) {
  swiglu_ctx *c = (swiglu_ctx *)arg; int64_t f = c->hidden;
  for (int64_t r = from; r < to; r++) {
    const float *gate = c->x + 2 * r * f, *val = gate + f; float *y = c->y + r * f;
#pragma omp simd
    for (int64_t j = 0; j < f; j++) y[j] = gate[j] * sigmoidf_fast(gate[j]) * val[j];
  }
}
WIDE static void swiglu_grad_rows(void *arg, int64_t from, int64_t to) {
  swiglu_ctx *c = (swiglu_ctx *)arg; int64_t f = c->hidden;
  for (int64_t r = from; r < to; r++) {
    const float *gate = c->x + 2 * r * f, *val = gate + f, *dy = c->dy + r * f; float *dgate = c->y + 2 * r * f, *dval = dgate + f;
#pragma omp simd
    for (int64_t j = 0; j < f; j++) {
      float g = gate[j], s = sigmoidf_fast(g), d = dy[j];
      dgate[j] = d * val[j] * s * (1.0f + g * (1.0f - s));
      dval[j] = d * g * s;
    }
  }
}

// swiglu(x [rows, 2F], y [rows, F], rows, F) and swigluGrad(dy [rows, F], x [rows, 2F], dx [rows, 2F], rows, F)
static napi_value swiglu(napi_env env, napi_callback_info info) {
  size_t argc = 4; napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *x, *y; size_t lx, ly;
  if (argc < 4 || !f32(env, argv[0], &x, &lx) || !f32(env, argv[1], &y, &ly)) return NULL;
  int64_t rows = num(env, argv[2]), f = num(env, argv[3]);
  if (rows < 0 || f <= 0 || (uint64_t)(2 * rows * f) > lx || (uint64_t)(rows * f) > ly) { napi_throw_range_error(env, NULL, "tensor-native: swiglu shapes exceed the views"); return NULL; }
  swiglu_ctx ctx = { x, NULL, y, f };
  parallel_for(swiglu_rows, &ctx, rows, rows * f * 4);
  return NULL;
}
static napi_value swigluGrad(napi_env env, napi_callback_info info) {
  size_t argc = 5; napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *dy, *x, *dx; size_t ldy, lx, ldx;
  if (argc < 5 || !f32(env, argv[0], &dy, &ldy) || !f32(env, argv[1], &x, &lx) || !f32(env, argv[2], &dx, &ldx)) return NULL;
  int64_t rows = num(env, argv[3]), f = num(env, argv[4]);
  if (rows < 0 || f <= 0 || (uint64_t)(rows * f) > ldy || (uint64_t)(2 * rows * f) > lx || (uint64_t)(2 * rows * f) > ldx) { napi_throw_range_error(env, NULL, "tensor-native: swigluGrad shapes exceed the views"); return NULL; }
  swiglu_ctx ctx = { x, dy, dx, f };
  parallel_for(swiglu_grad_rows, &ctx, rows, rows * f * 6);
  return NULL;
}

typedef struct { const float *s, *dy; float *p; int64_t tq, tk; float scale; int causal; } att_ctx;
WIDE static void att_rows(void *arg, int64_t from, int64_t to) {
  att_ctx *c = (att_ctx *)arg; int64_t tk = c->tk;
  for (int64_t r = from; r < to; r++) {
    const float *s = c->s + r * tk; float *p = c->p + r * tk;
    // query i sees keys up to i + (tk - tq); later keys get probability 0
    int64_t n = c->causal ? (r % c->tq) + tk - c->tq + 1 : tk;
    if (n > tk) n = tk;
    if (n < 1) { memset(p, 0, sizeof(float) * tk); continue; }
    float mx = s[0] * c->scale;
    for (int64_t j = 1; j < n; j++) { float v = s[j] * c->scale; mx = v > mx ? v : mx; }
    float sum = 0.0f;
#pragma omp simd reduction(+:sum)
    for (int64_t j = 0; j < n; j++) { float e = fast_exp(s[j] * c->scale - mx); p[j] = e; sum += e; }
    float inv = 1.0f / sum;
#pragma omp simd
    for (int64_t j = 0; j < n; j++) p[j] *= inv;
    for (int64_t j = n; j < tk; j++) p[j] = 0.0f;
  }
}
static void att_grad_rows(void *arg, int64_t from, int64_t to) {
  att_ctx *c = (att_ctx *)arg; int64_t tk = c->tk;
  for (int64_t r = from; r < to; r++) {
    const float *dy = c->dy + r * tk, *p = c->s + r * tk; float *ds = c->p + r * tk, dot = 0.0f;
#pragma omp simd reduction(+:dot)
    for (int64_t j = 0; j < tk; j++) dot += dy[j] * p[j];
#pragma omp simd
    for (int64_t j = 0; j < tk; j++) ds[j] = c->scale * p[j] * (dy[j] - dot);
  }
}

// attentionSoftmax(scores, probs, rows, tq, tk, scale, causal): probs = softmax(scale * scores), causal mask
static napi_value attentionSoftmax(napi_env env, napi_callback_info info) {
  size_t argc = 7; napi_value argv[7]; bool causal = false;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *s, *p; size_t ls, lp;
  if (argc < 7 || !f32(env, argv[0], &s, &ls) || !f32(env, argv[1], &p, &lp)) return NULL;
  int64_t rows = num(env, argv[2]), tq = num(env, argv[3]), tk = num(env, argv[4]);
  napi_get_value_bool(env, argv[6], &causal);
  if (rows < 0 || tq <= 0 || tk <= 0 || (uint64_t)(rows * tk) > ls || (uint64_t)(rows * tk) > lp) { napi_throw_range_error(env, NULL, "tensor-native: attentionSoftmax shapes exceed the views"); return NULL; }
  att_ctx ctx = { s, NULL, p, tq, tk, (float)dbl(env, argv[5]), causal };
  parallel_for(att_rows, &ctx, rows, rows * tk * 4);
  return NULL;
}
// attentionSoftmaxGrad(dy, probs, ds, rows, cols, scale): ds = scale * p * (dy - sum(dy * p))
static napi_value attentionSoftmaxGrad(napi_env env, napi_callback_info info) {
  size_t argc = 6; napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *dy, *p, *ds; size_t ldy, lp, lds;
  if (argc < 6 || !f32(env, argv[0], &dy, &ldy) || !f32(env, argv[1], &p, &lp) || !f32(env, argv[2], &ds, &lds)) return NULL;
  int64_t rows = num(env, argv[3]), cols = num(env, argv[4]);
  uint64_t size = (uint64_t)(rows * cols);
  if (rows < 0 || cols <= 0 || size > ldy || size > lp || size > lds) { napi_throw_range_error(env, NULL, "tensor-native: attentionSoftmaxGrad shapes exceed the views"); return NULL; }
  att_ctx ctx = { p, dy, ds, 1, cols, (float)dbl(env, argv[5]), 0 };
  parallel_for(att_grad_rows, &ctx, rows, rows * cols * 2);
  return NULL;
}

// ---- labbench's LabbenchEmbed, LabbenchEmbedGrad and LabbenchHeadsToRows / RowsToHeads (the
// decoder's input and attention's heads back to rows). Plain float arithmetic in the stock ops'
// order, compiled for the baseline target only (no FMA clone: a fused multiply-add would change
// the bits of table * scale + position).

typedef struct { const float *table, *pos; const int32_t *ids; float *out; int64_t time, d; float scale; } embed_ctx;
static void embed_rows(void *arg, int64_t from, int64_t to) {
  embed_ctx *c = (embed_ctx *)arg; int64_t d = c->d;
  for (int64_t i = from; i < to; i++) {
    const float *e = c->table + (int64_t)c->ids[i] * d, *p = c->pos + (i % c->time) * d; float *o = c->out + i * d;
    if (c->scale == 1.0f) for (int64_t j = 0; j < d; j++) o[j] = e[j] + p[j];
    else for (int64_t j = 0; j < d; j++) { float v = e[j] * c->scale; o[j] = v + p[j]; }
  }
}

// embed(table [V, D], ids Int32 [N], positions [P, D], out [N, D], tokens, time, d, scale, vocab)
static napi_value embed(napi_env env, napi_callback_info info) {
  size_t argc = 9; napi_value argv[9];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *table, *pos, *out; int32_t *ids; size_t lt, lp, lo, li;
  if (argc < 9 || !f32(env, argv[0], &table, &lt) || !i32arr(env, argv[1], &ids, &li) || !f32(env, argv[2], &pos, &lp) || !f32(env, argv[3], &out, &lo)) return NULL;
  int64_t tokens = num(env, argv[4]), time = num(env, argv[5]), d = num(env, argv[6]), vocab = num(env, argv[8]);
  if (tokens < 0 || time <= 0 || d <= 0 || vocab <= 0 || (uint64_t)tokens > li || (uint64_t)(tokens * d) > lo || (uint64_t)(vocab * d) > lt || (uint64_t)(time * d) > lp) {
    napi_throw_range_error(env, NULL, "tensor-native: embed shapes exceed the views"); return NULL;
  }
  for (int64_t i = 0; i < tokens; i++) if (ids[i] < 0 || ids[i] >= vocab) { napi_throw_range_error(env, NULL, "tensor-native: embed token id is not in [0, vocab)"); return NULL; }
  embed_ctx ctx = { table, pos, ids, out, time, d, (float)dbl(env, argv[7]) };
  parallel_for(embed_rows, &ctx, tokens, tokens * d);
  return NULL;
}

// columns over the threads: every element sums its tokens in token order whatever the thread count
typedef struct { const float *dy; const int32_t *ids; float *dt, *dp; int64_t tokens, time, d; float scale; } embedg_ctx;
static void embedg_cols(void *arg, int64_t from, int64_t to) {
  embedg_ctx *c = (embedg_ctx *)arg; int64_t d = c->d;
  for (int64_t i = 0; i < c->tokens; i++) {
    const float *g = c->dy + i * d; float *t = c->dt + (int64_t)c->ids[i] * d, *p = c->dp + (i % c->time) * d;
    if (c->scale == 1.0f) for (int64_t j = from; j < to; j++) t[j] += g[j];
    else for (int64_t j = from; j < to; j++) { float v = g[j] * c->scale; t[j] += v; }
    for (int64_t j = from; j < to; j++) p[j] += g[j];
  }
}

// embedGrad(dy [N, D], ids Int32 [N], dTable [V, D], dPositions [P, D], tokens, time, d, scale): zeroes and fills both
static napi_value embedGrad(napi_env env, napi_callback_info info) {
  size_t argc = 8; napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *dy, *dt, *dp; int32_t *ids; size_t ly, li, lt, lp;
  if (argc < 8 || !f32(env, argv[0], &dy, &ly) || !i32arr(env, argv[1], &ids, &li) || !f32(env, argv[2], &dt, &lt) || !f32(env, argv[3], &dp, &lp)) return NULL;
  int64_t tokens = num(env, argv[4]), time = num(env, argv[5]), d = num(env, argv[6]);
  if (tokens < 0 || time <= 0 || d <= 0 || (uint64_t)tokens > li || (uint64_t)(tokens * d) > ly || (uint64_t)(time * d) > lp) {
    napi_throw_range_error(env, NULL, "tensor-native: embedGrad shapes exceed the views"); return NULL;
  }
  for (int64_t i = 0; i < tokens; i++) if (ids[i] < 0 || (uint64_t)((int64_t)ids[i] * d + d) > lt) { napi_throw_range_error(env, NULL, "tensor-native: embedGrad token id is outside the table"); return NULL; }
  memset(dt, 0, lt * sizeof(float)); memset(dp, 0, lp * sizeof(float));
  embedg_ctx ctx = { dy, ids, dt, dp, tokens, time, d, (float)dbl(env, argv[7]) };
  parallel_for(embedg_cols, &ctx, d, tokens * d);
  return NULL;
}

typedef struct { float *rows, *heads; int64_t batch, heads_n, time, dh, stride, offset; int to_rows; } h2r_ctx;
static void h2r_range(void *arg, int64_t from, int64_t to) {
  h2r_ctx *c = (h2r_ctx *)arg; int64_t dh = c->dh;
  for (int64_t bt = from; bt < to; bt++) {
    int64_t b = bt / c->time, t = bt % c->time;
    for (int64_t h = 0; h < c->heads_n; h++) {
      float *r = c->rows + bt * c->stride + c->offset + h * dh, *x = c->heads + ((b * c->heads_n + h) * c->time + t) * dh;
      if (c->to_rows) memcpy(r, x, dh * sizeof(float)); else memcpy(x, r, dh * sizeof(float));
    }
  }
}

// headsToRows(rows, heads [B, H, T, Dh], batch, heads, time, dh, toRows[, rowStride, rowOffset]): copies
// heads[b, h, t, :] <-> rows[(b * T + t) * rowStride + rowOffset + h * Dh, ...] one way or the other
// (rowStride defaults to H * Dh and rowOffset to 0: rows [B * T, H * Dh]; the fused QKV rows
// [B * T, 3D] hold q, k, v at offsets 0, D, 2D with stride 3D)
static napi_value headsToRows(napi_env env, napi_callback_info info) {
  size_t argc = 9; napi_value argv[9];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *rows, *heads; size_t lr, lh; bool to_rows = false;
  if (argc < 7 || !f32(env, argv[0], &rows, &lr) || !f32(env, argv[1], &heads, &lh)) return NULL;
  int64_t batch = num(env, argv[2]), hn = num(env, argv[3]), time = num(env, argv[4]), dh = num(env, argv[5]);
  napi_get_value_bool(env, argv[6], &to_rows);
  int64_t stride = argc >= 9 ? num(env, argv[7]) : hn * dh, offset = argc >= 9 ? num(env, argv[8]) : 0;
  if (batch < 0 || hn <= 0 || time <= 0 || dh <= 0 || offset < 0 || stride < offset + hn * dh || (uint64_t)(batch * time * hn * dh) > lh ||
      (batch > 0 && (uint64_t)((batch * time - 1) * stride + offset + hn * dh) > lr)) {
    napi_throw_range_error(env, NULL, "tensor-native: headsToRows shapes exceed the views"); return NULL;
  }
  h2r_ctx ctx = { rows, heads, batch, hn, time, dh, stride, offset, to_rows ? 1 : 0 };
  parallel_for(h2r_range, &ctx, batch * time, batch * time * hn * dh);
  return NULL;
}

// setThreads(n): OpenBLAS threads; returns the count in force.
static napi_value setThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1; napi_value argv[1]; napi_value out;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_valuetype t = napi_undefined;
  if (argc >= 1) napi_typeof(env, argv[0], &t);
  if (t == napi_number) { int64_t n = num(env, argv[0]); threads_in_use = n < 1 ? 1 : (n > 16 ? 16 : (int)n); }
  CHECK(napi_create_int32(env, threads_in_use, &out));
  return out;
}

static napi_value config(napi_env env, napi_callback_info info) {
  (void)info; napi_value out;
  CHECK(napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &out));
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  if (threads_in_use == 0) {
    threads_in_use = openblas_get_num_threads(); // one per core by default (OPENBLAS_NUM_THREADS overrides)
    if (threads_in_use < 1) threads_in_use = 1;
    if (threads_in_use > 16) threads_in_use = 16;
    openblas_set_num_threads(1);
  }
  napi_property_descriptor props[] = {
    { "sgemm", NULL, sgemm, NULL, NULL, NULL, napi_default, NULL },
    { "softmaxCrossEntropy", NULL, softmaxCrossEntropy, NULL, NULL, NULL, napi_default, NULL },
    { "adam", NULL, adam, NULL, NULL, NULL, napi_default, NULL },
    { "biasActivation", NULL, biasActivation, NULL, NULL, NULL, napi_default, NULL },
    { "softmax", NULL, softmax, NULL, NULL, NULL, napi_default, NULL },
    { "logitStats", NULL, logitStats, NULL, NULL, NULL, napi_default, NULL },
    { "rmsNorm", NULL, rmsNorm, NULL, NULL, NULL, napi_default, NULL },
    { "rmsNormGrad", NULL, rmsNormGrad, NULL, NULL, NULL, napi_default, NULL },
    { "layerNorm", NULL, layerNorm, NULL, NULL, NULL, napi_default, NULL },
    { "layerNormGrad", NULL, layerNormGrad, NULL, NULL, NULL, napi_default, NULL },
    { "swiglu", NULL, swiglu, NULL, NULL, NULL, napi_default, NULL },
    { "swigluGrad", NULL, swigluGrad, NULL, NULL, NULL, napi_default, NULL },
    { "attentionSoftmax", NULL, attentionSoftmax, NULL, NULL, NULL, napi_default, NULL },
    { "attentionSoftmaxGrad", NULL, attentionSoftmaxGrad, NULL, NULL, NULL, napi_default, NULL },
    { "embed", NULL, embed, NULL, NULL, NULL, napi_default, NULL },
    { "embedGrad", NULL, embedGrad, NULL, NULL, NULL, napi_default, NULL },
    { "headsToRows", NULL, headsToRows, NULL, NULL, NULL, napi_default, NULL },
    { "setThreads", NULL, setThreads, NULL, NULL, NULL, napi_default, NULL },
    { "config", NULL, config, NULL, NULL, NULL, napi_default, NULL },
  };
  if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
