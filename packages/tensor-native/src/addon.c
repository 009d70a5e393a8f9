// @labbench/tensor-native: CBLAS (OpenBLAS) kernels over Float32Array views of the tfjs wasm heap.
// Every function reads and writes the caller's typed arrays in place: no copies.
#include <cblas.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <node_api.h>

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
  if (m == 0 || n == 0) return NULL;
  for (int64_t i = 0; i < batch; i++) {
    float *ci = c + i * sc;
    if (k == 0) { if (beta == 0.0f) memset(ci, 0, sizeof(float) * m * n); continue; }
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (blasint)m, (blasint)n, (blasint)k,
                alpha, a + i * sa, ta ? (blasint)m : (blasint)k, b + i * sb, tb ? (blasint)k : (blasint)n, beta, ci, (blasint)n);
  }
  return NULL;
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
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * cols; float *gr = g + r * cols; int32_t target = t[r];
    if (target < 0 || target >= cols) { nll[r] = 0.0f; memset(gr, 0, sizeof(float) * cols); continue; }
    float mx = xr[0];
    for (int64_t j = 1; j < cols; j++) mx = xr[j] > mx ? xr[j] : mx;
    float sum = 0.0f;
    for (int64_t j = 0; j < cols; j++) { float e = expf(xr[j] - mx); gr[j] = e; sum += e; }
    float inv = 1.0f / sum;
    for (int64_t j = 0; j < cols; j++) gr[j] *= inv;
    gr[target] -= 1.0f;
    nll[r] = logf(sum) + mx - xr[target];
  }
  return NULL;
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
  for (int64_t r = 0; r < rows; r++) {
    const float *xr = x + r * cols; float *yr = y + r * cols;
    float mx = xr[0];
    for (int64_t j = 1; j < cols; j++) mx = xr[j] > mx ? xr[j] : mx;
    float sum = 0.0f;
    for (int64_t j = 0; j < cols; j++) { float e = expf(xr[j] - mx); yr[j] = e; sum += e; }
    float inv = 1.0f / sum;
    for (int64_t j = 0; j < cols; j++) yr[j] *= inv;
  }
  return NULL;
}

// setThreads(n): OpenBLAS threads; returns the count in force.
static napi_value setThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1; napi_value argv[1]; napi_value out;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1) openblas_set_num_threads((int)num(env, argv[0]));
  CHECK(napi_create_int32(env, openblas_get_num_threads(), &out));
  return out;
}

static napi_value config(napi_env env, napi_callback_info info) {
  (void)info; napi_value out;
  CHECK(napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &out));
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "sgemm", NULL, sgemm, NULL, NULL, NULL, napi_default, NULL },
    { "softmaxCrossEntropy", NULL, softmaxCrossEntropy, NULL, NULL, NULL, napi_default, NULL },
    { "softmax", NULL, softmax, NULL, NULL, NULL, napi_default, NULL },
    { "setThreads", NULL, setThreads, NULL, NULL, NULL, napi_default, NULL },
    { "config", NULL, config, NULL, NULL, NULL, napi_default, NULL },
  };
  if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
