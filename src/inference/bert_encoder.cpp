// The BERT encoder on oneDNN (see bert_encoder.h for why it exists).
//
// One forward pass per group of texts of similar length: the group is padded to a common length L (a multiple
// of 16) and laid out token-major, [B texts x L tokens] rows of H features. Per layer:
//   qkv   = x · Wqkv + b                       one GEMM for the three projections (T x 3H)
//   split qkv into per-head Q, K, V            one strided reorder ([3, B, heads, L, d])
//   S     = Q · Kᵀ / sqrt(d) + mask            batched over (text, head); padded keys get -1e30
//   P     = softmax(S)                         over keys
//   ctx   = P · V                              written straight back token-major (T x H)
//   y     = ctx · Wo + b + x;  x = LN(y)
//   h     = gelu(x · Wup + b)
//   y     = h · Wdown + b + x; x = LN(y)
// Matrices are bf16 with fp32 accumulation when the CPU computes bf16 natively, else fp32; the residual
// stream, layer norms and pooling stay fp32. Primitives depend on the group's shape and are cached per shape.

#include "inference/bert_encoder.h"

#include <gguf.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <dnnl.hpp>
#include <map>
#include <numeric>
#include <utility>

#include "alith/core/error.h"

// OpenMP's standard entry point, from libgomp (oneDNN's runtime here). Declared rather than taken from
// <omp.h>, which clang only ships with its own libomp.
extern "C" void omp_set_num_threads(int);

namespace alith::inference::detail {
namespace {

using dnnl::memory;
using dims = memory::dims;
using dt = memory::data_type;
using tag = memory::format_tag;

constexpr int kLengthQuantum = 16;           // padded lengths are multiples of this: fewer distinct shapes
constexpr int64_t kGroupTokens = 4096;       // padded tokens per forward pass
constexpr int64_t kScoreElements = 8 << 20;  // attention scores per pass (32 MiB of fp32) at long lengths

struct GgufDeleter {
  void operator()(gguf_context* g) const { gguf_free(g); }
};
struct GgmlDeleter {
  void operator()(ggml_context* c) const { ggml_free(c); }
};

class GgufFile {
 public:
  explicit GgufFile(const std::filesystem::path& path) {
    ggml_context* data = nullptr;
    gguf_init_params params{/*no_alloc=*/false, /*ctx=*/&data};
    gguf_.reset(gguf_init_from_file(path.c_str(), params));
    data_.reset(data);
    if (!gguf_ || !data_) throw ParseError("cannot read GGUF " + path.string());
  }

  std::string string(const std::string& key) const {
    const int64_t id = gguf_find_key(gguf_.get(), key.c_str());
    if (id < 0 || gguf_get_kv_type(gguf_.get(), id) != GGUF_TYPE_STRING) return {};
    return gguf_get_val_str(gguf_.get(), id);
  }

  // Integer keys of any width, or floats; `fallback` when missing.
  double number(const std::string& key, double fallback) const {
    const int64_t id = gguf_find_key(gguf_.get(), key.c_str());
    if (id < 0) return fallback;
    switch (gguf_get_kv_type(gguf_.get(), id)) {
      case GGUF_TYPE_UINT8:
        return gguf_get_val_u8(gguf_.get(), id);
      case GGUF_TYPE_INT8:
        return gguf_get_val_i8(gguf_.get(), id);
      case GGUF_TYPE_UINT16:
        return gguf_get_val_u16(gguf_.get(), id);
      case GGUF_TYPE_INT16:
        return gguf_get_val_i16(gguf_.get(), id);
      case GGUF_TYPE_UINT32:
        return gguf_get_val_u32(gguf_.get(), id);
      case GGUF_TYPE_INT32:
        return gguf_get_val_i32(gguf_.get(), id);
      case GGUF_TYPE_UINT64:
        return static_cast<double>(gguf_get_val_u64(gguf_.get(), id));
      case GGUF_TYPE_INT64:
        return static_cast<double>(gguf_get_val_i64(gguf_.get(), id));
      case GGUF_TYPE_FLOAT32:
        return gguf_get_val_f32(gguf_.get(), id);
      case GGUF_TYPE_FLOAT64:
        return gguf_get_val_f64(gguf_.get(), id);
      case GGUF_TYPE_BOOL:
        return gguf_get_val_bool(gguf_.get(), id) ? 1 : 0;
      default:
        return fallback;
    }
  }

  const ggml_tensor* tensor(const std::string& name) const {
    return ggml_get_tensor(data_.get(), name.c_str());
  }

  // The tensor as fp32, checked against the expected shape (ggml order: ne0 is the contiguous dimension).
  std::vector<float> floats(const std::string& name, int64_t ne0, int64_t ne1 = 1) const {
    const ggml_tensor* t = tensor(name);
    if (t == nullptr) throw ParseError("GGUF has no tensor " + name);
    if (t->ne[0] != ne0 || t->ne[1] != ne1 || t->ne[2] != 1 || t->ne[3] != 1) {
      throw ParseError("GGUF tensor " + name + " has an unexpected shape");
    }
    std::vector<float> out(static_cast<size_t>(ne0 * ne1));
    if (t->type == GGML_TYPE_F32) {
      std::memcpy(out.data(), t->data, out.size() * sizeof(float));
      return out;
    }
    const auto* traits = ggml_get_type_traits(t->type);
    if (traits == nullptr || traits->to_float == nullptr) {
      throw UnsupportedError("GGUF tensor " + name + " has a type this encoder cannot read");
    }
    for (int64_t row = 0; row < ne1; ++row) {
      traits->to_float(static_cast<const char*>(t->data) + row * t->nb[1], out.data() + row * ne0, ne0);
    }
    return out;
  }

 private:
  std::unique_ptr<gguf_context, GgufDeleter> gguf_;
  std::unique_ptr<ggml_context, GgmlDeleter> data_;
};

// A weight matrix packed for the matmuls: `in` x `out`, from PyTorch's [out][in] row-major layout.
struct Linear {
  memory weights;
  memory bias;
  int64_t in = 0, out = 0;
};

struct Norm {
  memory scale, shift;
};

struct Layer {
  Linear qkv, attn_out, up, down;
  Norm attn_norm, out_norm;
};

// Primitives and buffers for one padded shape (B texts of L tokens).
struct Plan {
  dnnl::matmul qkv, attn_out, up, down, scores, context;
  dnnl::reorder split, to_compute;  // to_compute: fp32 x -> compute-type x (bf16 only)
  dnnl::softmax_v2_forward softmax;
  dnnl::layer_normalization_forward norm;
  memory::desc x_f32, x_c, qkv_md, split_src, split_dst, q_md, kt_md, v_md, s_md, p_md, ctx_heads, mask_md,
      h_md;
};

}  // namespace

class BertEncoder::Impl {
 public:
  Impl(const GgufFile& f, int hidden, int layers, int heads, int ffn, int context, float eps, Pooling pooling)
      : hidden_(hidden),
        heads_(heads),
        ffn_(ffn),
        context_(context),
        eps_(eps),
        pooling_(pooling),
        engine_(dnnl::engine::kind::cpu, 0),
        stream_(engine_) {
    const auto isa = dnnl::get_effective_cpu_isa();
    const bool bf16 = isa == dnnl::cpu_isa::avx512_core_bf16 || isa == dnnl::cpu_isa::avx512_core_amx;
    compute_ = bf16 ? dt::bf16 : dt::f32;
    name_ = bf16 ? "onednn-bf16" : "onednn-f32";

    const auto* tok = f.tensor("token_embd.weight");
    if (tok == nullptr) throw ParseError("GGUF has no tensor token_embd.weight");
    vocab_ = tok->ne[1];
    token_embd_ = f.floats("token_embd.weight", hidden, vocab_);
    position_embd_ = f.floats("position_embd.weight", hidden, context);
    if (const ggml_tensor* t = f.tensor("token_types.weight"); t != nullptr && t->ne[1] >= 1) {
      const auto types = f.floats("token_types.weight", hidden, t->ne[1]);
      type0_.assign(types.begin(), types.begin() + hidden);
    } else {
      type0_.assign(static_cast<size_t>(hidden), 0.0f);
    }
    embd_norm_ = norm(f, "token_embd_norm");
    for (int i = 0; i < layers; ++i) {
      const std::string p = "blk." + std::to_string(i) + ".";
      Layer l;
      l.qkv = linear(f, {p + "attn_q", p + "attn_k", p + "attn_v"}, hidden, hidden);
      l.attn_out = linear(f, {p + "attn_output"}, hidden, hidden);
      l.attn_norm = norm(f, p + "attn_output_norm");
      l.up = linear(f, {p + "ffn_up"}, hidden, ffn);
      l.down = linear(f, {p + "ffn_down"}, ffn, hidden);
      l.out_norm = norm(f, p + "layer_output_norm");
      layers_.push_back(std::move(l));
    }
  }

  std::vector<std::vector<float>> encode(const std::vector<std::vector<int32_t>>& texts, Pooling pooling,
                                         int threads, const CancelToken& cancel) {
    if (pooling == Pooling::model_default) pooling = pooling_;
    if (pooling == Pooling::last) throw UnsupportedError("the oneDNN BERT encoder pools by mean or CLS");
    for (const auto& t : texts) {
      if (t.empty() || static_cast<int>(t.size()) > context_) {
        throw InvalidArgumentError("BertEncoder: a text must hold 1 to context_length tokens");
      }
      for (int32_t id : t) {
        if (id < 0 || id >= vocab_) throw InvalidArgumentError("BertEncoder: token id out of range");
      }
    }
    // oneDNN runs on OpenMP: the team size is the calling thread's setting.
    if (threads > 0) omp_set_num_threads(threads);

    // Longest first, so each group pads little.
    std::vector<size_t> order(texts.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return texts[a].size() > texts[b].size(); });
    std::vector<std::vector<float>> out(texts.size());
    size_t next = 0;
    while (next < order.size()) {
      cancel.check();
      const int length = round_up(static_cast<int>(texts[order[next]].size()));
      const auto fit = static_cast<size_t>(std::max<int64_t>(
          1, std::min(kGroupTokens / length, kScoreElements / (int64_t{heads_} * length * length))));
      const size_t count = std::min(fit, order.size() - next);
      std::vector<const std::vector<int32_t>*> group;
      for (size_t i = 0; i < count; ++i) group.push_back(&texts[order[next + i]]);
      auto vectors = forward(group, length, pooling, cancel);
      for (size_t i = 0; i < count; ++i) out[order[next + i]] = std::move(vectors[i]);
      next += count;
    }
    return out;
  }

  int hidden_, heads_, ffn_, context_;
  float eps_;
  Pooling pooling_;
  std::string name_;

 private:
  static int round_up(int n) { return (n + kLengthQuantum - 1) / kLengthQuantum * kLengthQuantum; }

  memory f32_memory(const std::vector<float>& values) {
    memory m(memory::desc({static_cast<int64_t>(values.size())}, dt::f32, tag::a), engine_);
    std::memcpy(m.get_data_handle(), values.data(), values.size() * sizeof(float));
    return m;
  }

  Norm norm(const GgufFile& f, const std::string& name) {
    return {f32_memory(f.floats(name + ".weight", hidden_)), f32_memory(f.floats(name + ".bias", hidden_))};
  }

  // Rows of the named [out][in] matrices stacked (the fused QKV projection), packed in the layout oneDNN's
  // matmul prefers for this CPU; the biases stacked the same way.
  Linear linear(const GgufFile& f, const std::vector<std::string>& names, int64_t in, int64_t out_each) {
    Linear l;
    l.in = in;
    l.out = out_each * static_cast<int64_t>(names.size());
    std::vector<float> w, b;
    for (const auto& n : names) {
      auto wi = f.floats(n + ".weight", in, out_each);
      auto bi = f.floats(n + ".bias", out_each);
      w.insert(w.end(), wi.begin(), wi.end());
      b.insert(b.end(), bi.begin(), bi.end());
    }
    // Element (k, n) of the in x out matrix sits at n * in + k.
    memory::desc user({l.in, l.out}, dt::f32, dims{1, l.in});
    memory::desc packed =
        dnnl::matmul::primitive_desc(dnnl::matmul::desc(memory::desc({256, l.in}, compute_, tag::ab),
                                                        memory::desc({l.in, l.out}, compute_, tag::any),
                                                        memory::desc({1, l.out}, dt::f32, tag::ab),
                                                        memory::desc({256, l.out}, dt::f32, tag::ab)),
                                     engine_)
            .weights_desc();
    memory src(user, engine_, w.data());
    l.weights = memory(packed, engine_);
    dnnl::reorder(src, l.weights).execute(stream_, src, l.weights);
    stream_.wait();
    l.bias = memory(memory::desc({1, l.out}, dt::f32, tag::ab), engine_);
    std::memcpy(l.bias.get_data_handle(), b.data(), b.size() * sizeof(float));
    return l;
  }

  dnnl::matmul linear_primitive(const Linear& l, int64_t rows, dt dst, const dnnl::post_ops& ops) {
    dnnl::primitive_attr attr;
    attr.set_post_ops(ops);
    return dnnl::matmul(dnnl::matmul::primitive_desc(
        dnnl::matmul::desc(memory::desc({rows, l.in}, compute_, tag::ab), l.weights.get_desc(),
                           l.bias.get_desc(), memory::desc({rows, l.out}, dst, tag::ab)),
        attr, engine_));
  }

  Plan& plan(int64_t texts, int64_t length) {
    const auto key = std::make_pair(texts, length);
    if (auto it = plans_.find(key); it != plans_.end()) return it->second;
    // Each plan holds JIT code; shapes repeat (lengths are quantized), so a full cache is simply dropped.
    if (plans_.size() >= 64) plans_.clear();
    const int64_t T = texts * length, H = hidden_, NH = heads_, D = hidden_ / heads_, B = texts, L = length;
    Plan p;
    p.x_f32 = memory::desc({T, H}, dt::f32, tag::ab);
    p.x_c = memory::desc({T, H}, compute_, tag::ab);
    p.qkv_md = memory::desc({T, 3 * H}, compute_, tag::ab);
    p.h_md = memory::desc({T, static_cast<int64_t>(ffn_)}, compute_, tag::ab);
    p.mask_md = memory::desc({B, 1, 1, L}, dt::f32, tag::abcd);
    const Layer& l0 = layers_.front();

    dnnl::post_ops none;
    dnnl::post_ops add_residual;
    add_residual.append_binary(dnnl::algorithm::binary_add, p.x_f32);
    dnnl::post_ops gelu;
    gelu.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_erf, 0.0f, 0.0f);
    p.qkv = linear_primitive(l0.qkv, T, compute_, none);
    p.attn_out = linear_primitive(l0.attn_out, T, dt::f32, add_residual);
    p.up = linear_primitive(l0.up, T, compute_, gelu);
    p.down = linear_primitive(l0.down, T, dt::f32, add_residual);

    // The token-major qkv rows viewed as [3, B, heads, L, d], copied to contiguous per-head blocks: the
    // batched matmuls are much faster on dense operands than on strided views.
    p.split_src = memory::desc({3, B, NH, L, D}, compute_, dims{H, L * 3 * H, D, 3 * H, 1});
    p.split_dst = memory::desc({3, B, NH, L, D}, compute_, tag::abcde);
    p.split = dnnl::reorder(dnnl::reorder::primitive_desc(engine_, p.split_src, engine_, p.split_dst));
    p.q_md = memory::desc({B, NH, L, D}, compute_, tag::abcd);
    p.kt_md = memory::desc({B, NH, D, L}, compute_, tag::abdc);  // K stored [L][d], read transposed
    p.v_md = memory::desc({B, NH, L, D}, compute_, tag::abcd);
    p.s_md = memory::desc({B, NH, L, L}, dt::f32, tag::abcd);
    p.p_md = memory::desc({B, NH, L, L}, compute_, tag::abcd);
    p.ctx_heads = memory::desc({B, NH, L, D}, compute_, dims{L * H, D, H, 1});
    dnnl::primitive_attr score_attr;
    score_attr.set_output_scales(0, {1.0f / std::sqrt(static_cast<float>(D))});
    dnnl::post_ops mask;
    mask.append_binary(dnnl::algorithm::binary_add, p.mask_md);
    score_attr.set_post_ops(mask);
    p.scores = dnnl::matmul(
        dnnl::matmul::primitive_desc(dnnl::matmul::desc(p.q_md, p.kt_md, p.s_md), score_attr, engine_));
    p.softmax = dnnl::softmax_v2_forward(dnnl::softmax_v2_forward::primitive_desc(
        dnnl::softmax_v2_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::softmax_accurate,
                                       p.s_md, p.p_md, 3),
        engine_));
    p.context =
        dnnl::matmul(dnnl::matmul::primitive_desc(dnnl::matmul::desc(p.p_md, p.v_md, p.ctx_heads), engine_));
    p.norm = dnnl::layer_normalization_forward(dnnl::layer_normalization_forward::primitive_desc(
        dnnl::layer_normalization_forward::desc(
            dnnl::prop_kind::forward_inference, p.x_f32, eps_,
            dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift),
        engine_));
    if (compute_ != dt::f32) {
      p.to_compute = dnnl::reorder(dnnl::reorder::primitive_desc(engine_, p.x_f32, engine_, p.x_c));
    }
    return plans_.emplace(key, std::move(p)).first->second;
  }

  template <typename T>
  static T* grow(std::vector<T>& buffer, size_t n) {
    if (buffer.size() < n) buffer.resize(n);
    return buffer.data();
  }
  // A buffer of n bytes of compute-type elements (kept in 4-byte words for alignment).
  static char* grow_bytes(std::vector<uint32_t>& buffer, size_t n) {
    return static_cast<char*>(static_cast<void*>(grow(buffer, (n + 3) / 4)));
  }

  std::vector<std::vector<float>> forward(const std::vector<const std::vector<int32_t>*>& group, int length,
                                          Pooling pooling, const CancelToken& cancel) {
    const auto B = static_cast<int64_t>(group.size());
    const int64_t L = length, H = hidden_, T = B * L, NH = heads_;
    Plan& p = plan(B, L);
    const size_t c = compute_ == dt::f32 ? 4 : 2;  // bytes per compute-type element

    // Buffers are kept between calls; oneDNN memories wrap them.
    float* x = grow(x_, static_cast<size_t>(T * H));
    float* y = grow(y_, static_cast<size_t>(T * H));
    float* mask = grow(mask_, static_cast<size_t>(B * L));
    memory mx(p.x_f32, engine_, x), my(p.x_f32, engine_, y), mmask(p.mask_md, engine_, mask);
    memory mxc =
        compute_ == dt::f32 ? mx : memory(p.x_c, engine_, grow_bytes(xc_, static_cast<size_t>(T * H) * c));
    memory mqkv(p.qkv_md, engine_, grow_bytes(qkv_, static_cast<size_t>(T * 3 * H) * c));
    memory msplit_src(p.split_src, engine_, mqkv.get_data_handle());
    char* heads = grow_bytes(heads_buffer_, static_cast<size_t>(3 * T * H) * c);
    memory msplit_dst(p.split_dst, engine_, heads);
    memory mq(p.q_md, engine_, heads), mk(p.kt_md, engine_, heads + T * H * c),
        mv(p.v_md, engine_, heads + 2 * T * H * c);
    memory ms(p.s_md, engine_, grow(scores_, static_cast<size_t>(B * NH * L * L)));
    memory mp(p.p_md, engine_, grow_bytes(probs_, static_cast<size_t>(B * NH * L * L) * c));
    memory mctx(p.x_c, engine_, grow_bytes(ctx_, static_cast<size_t>(T * H) * c));
    memory mctx_heads(p.ctx_heads, engine_, mctx.get_data_handle());
    memory mh(p.h_md, engine_, grow_bytes(h_, static_cast<size_t>(T * ffn_) * c));

    // Embeddings (token + position + type 0) into y. Padding rows are zeros, and the mask hides them as keys.
    for (int64_t b = 0; b < B; ++b) {
      const auto& tokens = *group[static_cast<size_t>(b)];
      for (int64_t i = 0; i < L; ++i) {
        float* row = y + (b * L + i) * H;
        const bool real = i < static_cast<int64_t>(tokens.size());
        mask[b * L + i] = real ? 0.0f : -1e30f;
        if (!real) {
          std::fill(row, row + H, 0.0f);
          continue;
        }
        const float* t = token_embd_.data() + static_cast<int64_t>(tokens[static_cast<size_t>(i)]) * H;
        const float* pos = position_embd_.data() + i * H;
        for (int64_t j = 0; j < H; ++j) row[j] = t[j] + pos[j] + type0_[static_cast<size_t>(j)];
      }
    }
    normalize(p, my, mx, mxc, embd_norm_);

    for (const Layer& l : layers_) {
      cancel.check();
      p.qkv.execute(stream_, {{DNNL_ARG_SRC, mxc},
                              {DNNL_ARG_WEIGHTS, l.qkv.weights},
                              {DNNL_ARG_BIAS, l.qkv.bias},
                              {DNNL_ARG_DST, mqkv}});
      p.split.execute(stream_, msplit_src, msplit_dst);
      p.scores.execute(stream_, {{DNNL_ARG_SRC, mq},
                                 {DNNL_ARG_WEIGHTS, mk},
                                 {DNNL_ARG_DST, ms},
                                 {DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, mmask}});
      p.softmax.execute(stream_, {{DNNL_ARG_SRC, ms}, {DNNL_ARG_DST, mp}});
      p.context.execute(stream_, {{DNNL_ARG_SRC, mp}, {DNNL_ARG_WEIGHTS, mv}, {DNNL_ARG_DST, mctx_heads}});
      p.attn_out.execute(stream_, {{DNNL_ARG_SRC, mctx},
                                   {DNNL_ARG_WEIGHTS, l.attn_out.weights},
                                   {DNNL_ARG_BIAS, l.attn_out.bias},
                                   {DNNL_ARG_DST, my},
                                   {DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, mx}});
      normalize(p, my, mx, mxc, l.attn_norm);
      p.up.execute(stream_, {{DNNL_ARG_SRC, mxc},
                             {DNNL_ARG_WEIGHTS, l.up.weights},
                             {DNNL_ARG_BIAS, l.up.bias},
                             {DNNL_ARG_DST, mh}});
      p.down.execute(stream_, {{DNNL_ARG_SRC, mh},
                               {DNNL_ARG_WEIGHTS, l.down.weights},
                               {DNNL_ARG_BIAS, l.down.bias},
                               {DNNL_ARG_DST, my},
                               {DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, mx}});
      normalize(p, my, mx, mxc, l.out_norm);
    }
    stream_.wait();

    std::vector<std::vector<float>> out(static_cast<size_t>(B));
    for (int64_t b = 0; b < B; ++b) {
      auto& v = out[static_cast<size_t>(b)];
      v.assign(static_cast<size_t>(H), 0.0f);
      const auto n =
          pooling == Pooling::cls ? int64_t{1} : static_cast<int64_t>(group[static_cast<size_t>(b)]->size());
      for (int64_t i = 0; i < n; ++i) {
        const float* row = x + (b * L + i) * H;
        for (int64_t j = 0; j < H; ++j) v[static_cast<size_t>(j)] += row[j];
      }
      for (float& e : v) e /= static_cast<float>(n);
    }
    return out;
  }

  // x = LN(y) in fp32, and its compute-type copy for the next matmul.
  void normalize(Plan& p, memory& y, memory& x, memory& xc, const Norm& n) {
    p.norm.execute(
        stream_,
        {{DNNL_ARG_SRC, y}, {DNNL_ARG_DST, x}, {DNNL_ARG_SCALE, n.scale}, {DNNL_ARG_SHIFT, n.shift}});
    if (compute_ != dt::f32) p.to_compute.execute(stream_, x, xc);
  }

  dnnl::engine engine_;
  dnnl::stream stream_;
  dt compute_ = dt::f32;
  int64_t vocab_ = 0;
  std::vector<float> token_embd_, position_embd_, type0_;
  Norm embd_norm_;
  std::vector<Layer> layers_;
  std::map<std::pair<int64_t, int64_t>, Plan> plans_;
  std::vector<float> x_, y_, mask_, scores_;
  std::vector<uint32_t> xc_, qkv_, heads_buffer_, probs_, ctx_, h_;  // compute-type bytes, 4-byte aligned
};

std::unique_ptr<BertEncoder> BertEncoder::open(const std::filesystem::path& gguf, std::string* why_not) {
  const auto refuse = [&](std::string why) -> std::unique_ptr<BertEncoder> {
    if (why_not) *why_not = std::move(why);
    return nullptr;
  };
  GgufFile f(gguf);
  const std::string arch = f.string("general.architecture");
  if (arch != "bert") return refuse("architecture " + arch + " is not bert");
  const auto hidden = static_cast<int>(f.number("bert.embedding_length", 0));
  const auto layers = static_cast<int>(f.number("bert.block_count", 0));
  const auto heads = static_cast<int>(f.number("bert.attention.head_count", 0));
  const auto ffn = static_cast<int>(f.number("bert.feed_forward_length", 0));
  const auto context = static_cast<int>(f.number("bert.context_length", 0));
  const auto eps = static_cast<float>(f.number("bert.attention.layer_norm_epsilon", 1e-12));
  if (hidden <= 0 || layers <= 0 || heads <= 0 || ffn <= 0 || context <= 0 || hidden % heads != 0 ||
      hidden > 65536 || ffn > 1 << 20 || layers > 1024 || context > 1 << 20) {
    return refuse("the GGUF's BERT hyperparameters are missing or out of range");
  }
  if (f.number("bert.attention.causal", 0) != 0) return refuse("a causal BERT model");
  Pooling pooling;
  switch (static_cast<int>(f.number("bert.pooling_type", 1))) {
    case 0:  // none recorded: sentence-transformers' usual mean
    case 1:
      pooling = Pooling::mean;
      break;
    case 2:
      pooling = Pooling::cls;
      break;
    default:
      return refuse("pooling other than mean or CLS");
  }
  for (const char* name : {"token_embd.weight", "position_embd.weight", "token_embd_norm.weight",
                           "blk.0.attn_q.weight", "blk.0.attn_k.weight", "blk.0.attn_v.weight"}) {
    if (f.tensor(name) == nullptr) return refuse(std::string("no tensor ") + name);
  }
  try {
    return std::unique_ptr<BertEncoder>(
        new BertEncoder(std::make_unique<Impl>(f, hidden, layers, heads, ffn, context, eps, pooling)));
  } catch (const dnnl::error& e) {
    return refuse(std::string("oneDNN: ") + e.what());
  }
}

BertEncoder::BertEncoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BertEncoder::~BertEncoder() = default;

std::vector<std::vector<float>> BertEncoder::encode(const std::vector<std::vector<int32_t>>& texts,
                                                    Pooling pooling, int threads, const CancelToken& cancel) {
  try {
    return impl_->encode(texts, pooling, threads, cancel);
  } catch (const dnnl::error& e) {
    throw Error(ErrorCode::unsupported, std::string("oneDNN failed while embedding: ") + e.what());
  }
}

int BertEncoder::dimensions() const noexcept {
  return impl_->hidden_;
}
int BertEncoder::context_length() const noexcept {
  return impl_->context_;
}
Pooling BertEncoder::model_pooling() const noexcept {
  return impl_->pooling_;
}
const std::string& BertEncoder::name() const noexcept {
  return impl_->name_;
}

}  // namespace alith::inference::detail
