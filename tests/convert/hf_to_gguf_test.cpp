// The converter on a tiny synthetic BERT: the GGUF it writes reads back with ggml's own GGUF reader with the
// keys, tokenizer, tensor names, shapes, types and values llama.cpp expects, and llama.cpp loads and embeds
// with it. Broken folders give typed errors and leave no output behind.

#include "alith/convert/hf_to_gguf.h"

#include <ggml.h>
#include <gguf.h>
#include <gtest/gtest.h>
#include <llama.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "alith/core/error.h"
#include "tiny_bert.h"

namespace alith::convert {
namespace {

using testing::f32_bytes;
using testing::make_safetensors;
using testing::StTensor;
using testing::TinyBert;
using testing::write_file;

// A GGUF file read back, tensor data included.
class GgufFile {
 public:
  explicit GgufFile(const std::filesystem::path& path) {
    ggml_context* data = nullptr;
    gguf_init_params params{false, &data};
    gguf_.reset(gguf_init_from_file(path.c_str(), params));
    data_.reset(data);
    if (!gguf_) throw std::runtime_error("gguf cannot read " + path.string());
  }

  int64_t key(const std::string& name, gguf_type type) const {
    const int64_t id = gguf_find_key(gguf_.get(), name.c_str());
    if (id < 0) throw std::runtime_error("no key " + name);
    if (gguf_get_kv_type(gguf_.get(), id) != type)
      throw std::runtime_error("key " + name + " has another type");
    return id;
  }
  bool has(const std::string& name) const { return gguf_find_key(gguf_.get(), name.c_str()) >= 0; }
  uint32_t u32(const std::string& k) const { return gguf_get_val_u32(gguf_.get(), key(k, GGUF_TYPE_UINT32)); }
  float f32(const std::string& k) const { return gguf_get_val_f32(gguf_.get(), key(k, GGUF_TYPE_FLOAT32)); }
  bool flag(const std::string& k) const { return gguf_get_val_bool(gguf_.get(), key(k, GGUF_TYPE_BOOL)); }
  std::string str(const std::string& k) const {
    return gguf_get_val_str(gguf_.get(), key(k, GGUF_TYPE_STRING));
  }
  std::vector<std::string> strings(const std::string& k) const {
    const int64_t id = key(k, GGUF_TYPE_ARRAY);
    if (gguf_get_arr_type(gguf_.get(), id) != GGUF_TYPE_STRING)
      throw std::runtime_error(k + " is not strings");
    std::vector<std::string> out;
    for (size_t i = 0; i < gguf_get_arr_n(gguf_.get(), id); ++i)
      out.push_back(gguf_get_arr_str(gguf_.get(), id, i));
    return out;
  }
  std::vector<int32_t> i32s(const std::string& k) const {
    const int64_t id = key(k, GGUF_TYPE_ARRAY);
    if (gguf_get_arr_type(gguf_.get(), id) != GGUF_TYPE_INT32) throw std::runtime_error(k + " is not int32s");
    const auto* p = static_cast<const int32_t*>(gguf_get_arr_data(gguf_.get(), id));
    return {p, p + gguf_get_arr_n(gguf_.get(), id)};
  }
  int64_t n_tensors() const { return gguf_get_n_tensors(gguf_.get()); }
  const ggml_tensor* tensor(const std::string& name) const {
    const ggml_tensor* t = ggml_get_tensor(data_.get(), name.c_str());
    if (!t) throw std::runtime_error("no tensor " + name);
    return t;
  }
  // A tensor's values, widened to float.
  std::vector<float> values(const std::string& name) const {
    const ggml_tensor* t = tensor(name);
    std::vector<float> out(static_cast<size_t>(ggml_nelements(t)));
    if (t->type == GGML_TYPE_F32) {
      std::memcpy(out.data(), t->data, out.size() * 4);
    } else if (t->type == GGML_TYPE_F16) {
      ggml_fp16_to_fp32_row(static_cast<const ggml_fp16_t*>(t->data), out.data(), ggml_nelements(t));
    } else {
      throw std::runtime_error("unexpected type");
    }
    return out;
  }

 private:
  struct GgufFree {
    void operator()(gguf_context* c) const { gguf_free(c); }
  };
  struct GgmlFree {
    void operator()(ggml_context* c) const { ggml_free(c); }
  };
  std::unique_ptr<gguf_context, GgufFree> gguf_;
  std::unique_ptr<ggml_context, GgmlFree> data_;
};

class ConvertTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("alith-convert-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(root_);
    model_ = root_ / "tiny-bert";
    TinyBert::write(model_);
    out_ = root_ / "tiny.gguf";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  // Rewrites model.safetensors from the given tensors (F32), after edit has changed them.
  template <class Edit>
  void rewrite_weights(Edit edit) {
    auto tensors = TinyBert::tensors();
    std::vector<StTensor> st;
    for (const auto& [name, t] : tensors) st.push_back({name, "F32", t.first, f32_bytes(t.second)});
    edit(st);
    write_file(model_ / "model.safetensors", make_safetensors(st));
  }

  // Converting throws E and leaves no file at out_ (nor its temporary).
  template <class E>
  void expect_failure(const std::string& what, ConvertOptions options = {}) {
    try {
      convert_bert_to_gguf(model_, out_, options);
      ADD_FAILURE() << "converted; expected an error about " << what;
    } catch (const E& e) {
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "wrong error type: " << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(out_));
    EXPECT_FALSE(std::filesystem::exists(out_.string() + ".part"));
  }

  std::filesystem::path root_, model_, out_;
};

TEST_F(ConvertTest, WritesTheKeysLlamaCppReads) {
  const auto report = convert_bert_to_gguf(model_, out_);
  EXPECT_EQ(report.architecture, "bert");
  EXPECT_EQ(report.pooling, "mean");
  EXPECT_TRUE(report.normalize);
  EXPECT_EQ(report.n_layer, 2u);
  EXPECT_EQ(report.n_tensors, 5u + 16u * 2u);
  EXPECT_EQ(report.bytes, std::filesystem::file_size(out_));

  GgufFile g(out_);
  EXPECT_EQ(g.str("general.architecture"), "bert");
  EXPECT_EQ(g.str("general.name"), "tiny-bert");
  EXPECT_EQ(g.u32("general.file_type"), 1u);  // mostly F16
  EXPECT_EQ(g.u32("bert.context_length"), 16u);
  EXPECT_EQ(g.u32("bert.embedding_length"), 8u);
  EXPECT_EQ(g.u32("bert.feed_forward_length"), 16u);
  EXPECT_EQ(g.u32("bert.block_count"), 2u);
  EXPECT_EQ(g.u32("bert.attention.head_count"), 2u);
  EXPECT_FLOAT_EQ(g.f32("bert.attention.layer_norm_epsilon"), 1e-12f);
  EXPECT_FALSE(g.flag("bert.attention.causal"));
  EXPECT_EQ(g.u32("bert.pooling_type"), 1u);  // mean

  EXPECT_EQ(g.str("tokenizer.ggml.model"), "bert");
  const auto tokens = g.strings("tokenizer.ggml.tokens");
  ASSERT_EQ(tokens.size(), 16u);
  EXPECT_EQ(tokens[2], "[CLS]");              // control tokens as they are
  EXPECT_EQ(tokens[5], "\xe2\x96\x81hello");  // word starts get the phantom space
  EXPECT_EQ(tokens[7], "s");                  // continuations lose "##"
  const auto types = g.i32s("tokenizer.ggml.token_type");
  ASSERT_EQ(types.size(), 16u);
  EXPECT_EQ(types[0], 3);  // control
  EXPECT_EQ(types[4], 3);
  EXPECT_EQ(types[5], 1);  // normal
  EXPECT_EQ(g.u32("tokenizer.ggml.token_type_count"), 2u);
  EXPECT_EQ(g.u32("tokenizer.ggml.cls_token_id"), 2u);
  EXPECT_EQ(g.u32("tokenizer.ggml.bos_token_id"), 2u);
  EXPECT_EQ(g.u32("tokenizer.ggml.seperator_token_id"), 3u);
  EXPECT_EQ(g.u32("tokenizer.ggml.eos_token_id"), 3u);
  EXPECT_EQ(g.u32("tokenizer.ggml.unknown_token_id"), 1u);
  EXPECT_EQ(g.u32("tokenizer.ggml.padding_token_id"), 0u);
  EXPECT_EQ(g.u32("tokenizer.ggml.mask_token_id"), 4u);
  EXPECT_TRUE(g.flag("tokenizer.ggml.add_bos_token"));
  EXPECT_TRUE(g.flag("tokenizer.ggml.add_eos_token"));
  EXPECT_FALSE(g.flag("tokenizer.ggml.add_sep_token"));
  EXPECT_TRUE(g.flag("tokenizer.ggml.normalizer.lowercase"));
  EXPECT_FALSE(g.has("tokenizer.ggml.normalizer.strip_accents"));  // null: follows lowercase
}

TEST_F(ConvertTest, TensorsHaveLlamaCppNamesShapesAndTypes) {
  convert_bert_to_gguf(model_, out_);
  GgufFile g(out_);
  EXPECT_EQ(g.n_tensors(), 37);
  auto ne = [&](const std::string& name) {
    const ggml_tensor* t = g.tensor(name);
    return std::vector<int64_t>{t->ne[0], t->ne[1]};
  };
  EXPECT_EQ(ne("token_embd.weight"), (std::vector<int64_t>{8, 16}));
  EXPECT_EQ(ne("position_embd.weight"), (std::vector<int64_t>{8, 16}));
  EXPECT_EQ(ne("token_types.weight"), (std::vector<int64_t>{8, 2}));
  EXPECT_EQ(ne("blk.1.ffn_up.weight"), (std::vector<int64_t>{8, 16}));  // {n_embd, n_ff}
  EXPECT_EQ(ne("blk.1.ffn_down.weight"), (std::vector<int64_t>{16, 8}));
  EXPECT_EQ(ne("blk.0.attn_q.bias"), (std::vector<int64_t>{8, 1}));
  EXPECT_EQ(g.tensor("token_embd.weight")->type, GGML_TYPE_F16);
  EXPECT_EQ(g.tensor("blk.0.attn_output.weight")->type, GGML_TYPE_F16);
  EXPECT_EQ(g.tensor("position_embd.weight")->type, GGML_TYPE_F32);
  EXPECT_EQ(g.tensor("token_types.weight")->type, GGML_TYPE_F32);
  EXPECT_EQ(g.tensor("blk.0.attn_output_norm.weight")->type, GGML_TYPE_F32);
  EXPECT_EQ(g.tensor("blk.1.layer_output_norm.bias")->type, GGML_TYPE_F32);
  EXPECT_EQ(g.tensor("token_embd_norm.weight")->type, GGML_TYPE_F32);
  for (const char* name : {"blk.0.attn_k.weight", "blk.0.attn_v.weight", "blk.1.attn_output.bias",
                           "blk.1.ffn_up.bias", "blk.1.ffn_down.bias"})
    EXPECT_NO_THROW(g.tensor(name)) << name;

  // Values survive: exactly in F32, to F16 precision otherwise.
  const auto tensors = TinyBert::tensors();
  EXPECT_EQ(g.values("position_embd.weight"), tensors.at("embeddings.position_embeddings.weight").second);
  const auto q = g.values("blk.1.attn_q.weight");
  const auto& q_ref = tensors.at("encoder.layer.1.attention.self.query.weight").second;
  ASSERT_EQ(q.size(), q_ref.size());
  for (size_t i = 0; i < q.size(); ++i) EXPECT_NEAR(q[i], q_ref[i], 1e-3f * std::fabs(q_ref[i]) + 1e-6f);
}

TEST_F(ConvertTest, F32OutputKeepsEveryValue) {
  ConvertOptions options;
  options.out_type = OutType::f32;
  options.name = "custom";
  convert_bert_to_gguf(model_, out_, options);
  GgufFile g(out_);
  EXPECT_EQ(g.u32("general.file_type"), 0u);
  EXPECT_EQ(g.str("general.name"), "custom");
  EXPECT_EQ(g.tensor("token_embd.weight")->type, GGML_TYPE_F32);
  EXPECT_EQ(g.values("blk.0.ffn_down.weight"),
            TinyBert::tensors().at("encoder.layer.0.output.dense.weight").second);
}

TEST_F(ConvertTest, HalfAndBrainFloatCheckpointsConvert) {
  rewrite_weights([](std::vector<StTensor>& st) {
    for (auto& t : st) {
      std::vector<float> v(t.bytes.size() / 4);
      std::memcpy(v.data(), t.bytes.data(), t.bytes.size());
      if (t.name.find("query") != std::string::npos) {
        std::vector<ggml_bf16_t> b(v.size());
        ggml_fp32_to_bf16_row_ref(v.data(), b.data(), static_cast<int64_t>(v.size()));
        t.dtype = "BF16";
        t.bytes.assign(reinterpret_cast<const char*>(b.data()), b.size() * 2);
      } else if (t.name.find("key") != std::string::npos) {
        std::vector<ggml_fp16_t> h(v.size());
        ggml_fp32_to_fp16_row(v.data(), h.data(), static_cast<int64_t>(v.size()));
        t.dtype = "F16";
        t.bytes.assign(reinterpret_cast<const char*>(h.data()), h.size() * 2);
      }
    }
  });
  ConvertOptions options;
  options.out_type = OutType::f32;
  convert_bert_to_gguf(model_, out_, options);
  GgufFile g(out_);
  const auto ref = TinyBert::tensors().at("encoder.layer.0.attention.self.query.bias").second;
  const auto got = g.values("blk.0.attn_q.bias");
  for (size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(got[i], ref[i], 1e-2f * std::fabs(ref[i]) + 1e-4f);
}

TEST_F(ConvertTest, TaskModelPrefixesAndOldNormNamesMap) {
  rewrite_weights([](std::vector<StTensor>& st) {
    for (auto& t : st) {
      t.name = "bert." + t.name;
      if (t.name.ends_with("LayerNorm.weight")) t.name.replace(t.name.size() - 6, 6, "gamma");
      if (t.name.ends_with("LayerNorm.bias")) t.name.replace(t.name.size() - 4, 4, "beta");
    }
    st.push_back({"cls.predictions.bias", "F32", {16}, f32_bytes(std::vector<float>(16, 0.f))});
    st.push_back({"bert.pooler.dense.bias", "F32", {8}, f32_bytes(std::vector<float>(8, 0.f))});
  });
  EXPECT_EQ(convert_bert_to_gguf(model_, out_).n_tensors, 37u);
}

TEST_F(ConvertTest, VocabTxtAloneIsEnough) {
  std::filesystem::remove(model_ / "tokenizer.json");
  convert_bert_to_gguf(model_, out_);
  GgufFile g(out_);
  const auto tokens = g.strings("tokenizer.ggml.tokens");
  EXPECT_EQ(tokens[3], "[SEP]");
  EXPECT_EQ(tokens[10], "happy");
  EXPECT_EQ(g.i32s("tokenizer.ggml.token_type")[1], 3);  // [UNK], named in tokenizer_config.json
  EXPECT_EQ(g.u32("tokenizer.ggml.cls_token_id"), 2u);
  EXPECT_TRUE(g.flag("tokenizer.ggml.normalizer.lowercase"));  // do_lower_case
}

TEST_F(ConvertTest, MissingIdsBecomeUnusedPlaceholders) {
  auto config = TinyBert::config();
  config["vocab_size"] = 18;
  write_file(model_ / "config.json", config.dump());
  rewrite_weights([](std::vector<StTensor>& st) {
    for (auto& t : st) {
      if (t.name == "embeddings.word_embeddings.weight") {
        t.shape = {18, 8};
        t.bytes = f32_bytes(std::vector<float>(18 * 8, 0.25f));
      }
    }
  });
  convert_bert_to_gguf(model_, out_);
  GgufFile g(out_);
  EXPECT_EQ(g.strings("tokenizer.ggml.tokens")[17], "\xe2\x96\x81[PAD17]");
  EXPECT_EQ(g.i32s("tokenizer.ggml.token_type")[17], 5);  // unused
}

TEST_F(ConvertTest, LlamaCppLoadsAndEmbedsWithTheResult) {
  convert_bert_to_gguf(model_, out_);
  llama_log_set([](ggml_log_level, const char*, void*) {}, nullptr);
  llama_backend_init();
  auto mparams = llama_model_default_params();
  std::unique_ptr<llama_model, decltype(&llama_model_free)> model(
      llama_model_load_from_file(out_.c_str(), mparams), &llama_model_free);
  ASSERT_TRUE(model) << "llama.cpp refused the GGUF";
  EXPECT_EQ(llama_model_n_embd(model.get()), 8);
  const llama_vocab* vocab = llama_model_get_vocab(model.get());
  std::vector<llama_token> tokens(16);
  const std::string text = "Hello unhappy world!";
  const int n =
      llama_tokenize(vocab, text.c_str(), static_cast<int32_t>(text.size()), tokens.data(), 16, true, false);
  tokens.resize(static_cast<size_t>(std::max(n, 0)));
  EXPECT_EQ(tokens,
            (std::vector<llama_token>{2, 5, 9, 10, 6, 12, 3}));  // [CLS] hello un ##happy world ! [SEP]

  auto cparams = llama_context_default_params();
  cparams.embeddings = true;
  cparams.pooling_type = LLAMA_POOLING_TYPE_UNSPECIFIED;  // the GGUF's: mean
  cparams.n_ctx = 16;
  cparams.n_batch = cparams.n_ubatch = 16;
  cparams.n_threads = cparams.n_threads_batch = 1;
  std::unique_ptr<llama_context, decltype(&llama_free)> ctx(llama_init_from_model(model.get(), cparams),
                                                            &llama_free);
  ASSERT_TRUE(ctx);
  EXPECT_EQ(llama_pooling_type(ctx.get()), LLAMA_POOLING_TYPE_MEAN);
  ASSERT_EQ(llama_decode(ctx.get(), llama_batch_get_one(tokens.data(), static_cast<int32_t>(tokens.size()))),
            0);
  const float* embedding = llama_get_embeddings_seq(ctx.get(), 0);
  ASSERT_NE(embedding, nullptr);
  double norm = 0;
  for (int i = 0; i < 8; ++i) {
    EXPECT_TRUE(std::isfinite(embedding[i]));
    norm += embedding[i] * embedding[i];
  }
  EXPECT_GT(norm, 0.0);
}

TEST_F(ConvertTest, ExistingOutputNeedsOverwrite) {
  write_file(out_, "keep me");
  EXPECT_THROW(convert_bert_to_gguf(model_, out_), InvalidArgumentError);
  EXPECT_EQ(std::filesystem::file_size(out_), 7u);
  ConvertOptions options;
  options.overwrite = true;
  convert_bert_to_gguf(model_, out_, options);
  EXPECT_GT(std::filesystem::file_size(out_), 1000u);
}

TEST_F(ConvertTest, MissingFolderOrFiles) {
  EXPECT_THROW(convert_bert_to_gguf(root_ / "absent", out_), IoError);
  std::filesystem::remove(model_ / "model.safetensors");
  expect_failure<IoError>("no model.safetensors");
  write_file(model_ / "pytorch_model.bin", "x");
  expect_failure<UnsupportedError>("pytorch_model.bin");
  TinyBert::write(model_);
  std::filesystem::remove(model_ / "tokenizer.json");
  std::filesystem::remove(model_ / "vocab.txt");
  expect_failure<IoError>("neither tokenizer.json nor vocab.txt");
  std::filesystem::remove(model_ / "config.json");
  expect_failure<IoError>("config.json");
}

TEST_F(ConvertTest, MissingTensorIsAParseError) {
  rewrite_weights([](std::vector<StTensor>& st) {
    std::erase_if(st, [](const StTensor& t) { return t.name == "encoder.layer.1.output.dense.weight"; });
  });
  expect_failure<ParseError>("lacks tensor 'encoder.layer.1.output.dense.weight'");
}

TEST_F(ConvertTest, WrongShapeIsAParseError) {
  rewrite_weights([](std::vector<StTensor>& st) {
    for (auto& t : st) {
      if (t.name == "encoder.layer.0.intermediate.dense.weight") t.shape = {8, 16};  // transposed
    }
  });
  expect_failure<ParseError>("has shape [8, 16], config.json implies [16, 8]");
}

TEST_F(ConvertTest, UnknownTensorIsUnsupported) {
  rewrite_weights([](std::vector<StTensor>& st) {
    st.push_back({"classifier.weight", "F32", {2, 8}, f32_bytes(std::vector<float>(16, 0.f))});
  });
  expect_failure<UnsupportedError>("'classifier.weight' has no place");
}

TEST_F(ConvertTest, IntegerWeightsAreUnsupported) {
  rewrite_weights([](std::vector<StTensor>& st) {
    for (auto& t : st) {
      if (t.name == "embeddings.LayerNorm.bias") t.dtype = "I32";
    }
  });
  expect_failure<UnsupportedError>("only F32, F16, BF16 and F64");
}

TEST_F(ConvertTest, ValuesBeyondHalfRangeNeedF32) {
  rewrite_weights([](std::vector<StTensor>& st) {
    for (auto& t : st) {
      if (t.name == "encoder.layer.0.attention.self.value.weight") {
        std::vector<float> v(64, 0.f);
        v[3] = 1e6f;
        t.bytes = f32_bytes(v);
      }
    }
  });
  expect_failure<UnsupportedError>("beyond F16's range");
  ConvertOptions options;
  options.out_type = OutType::f32;
  EXPECT_NO_THROW(convert_bert_to_gguf(model_, out_, options));
}

TEST_F(ConvertTest, MalformedSafetensorsIsAParseError) {
  write_file(model_ / "model.safetensors", testing::raw_safetensors("{\"a\": {\"dtype\": \"F32\""));
  expect_failure<ParseError>("header JSON");
}

TEST_F(ConvertTest, NonBertModelsAreUnsupported) {
  auto config = TinyBert::config();
  config["model_type"] = "roberta";
  config["architectures"] = {"RobertaModel"};
  write_file(model_ / "config.json", config.dump());
  expect_failure<UnsupportedError>("not BERT");

  config = TinyBert::config();
  config["hidden_act"] = "relu";
  write_file(model_ / "config.json", config.dump());
  expect_failure<UnsupportedError>("hidden_act 'relu'");

  config = TinyBert::config();
  config["position_embedding_type"] = "relative_key";
  write_file(model_ / "config.json", config.dump());
  expect_failure<UnsupportedError>("position_embedding_type");
}

TEST_F(ConvertTest, BadConfigIsAParseError) {
  auto config = TinyBert::config();
  config.erase("hidden_size");
  write_file(model_ / "config.json", config.dump());
  expect_failure<ParseError>("missing hidden_size");
  config = TinyBert::config();
  config["num_attention_heads"] = -2;
  write_file(model_ / "config.json", config.dump());
  expect_failure<ParseError>("num_attention_heads must be a positive integer");
  config = TinyBert::config();
  config["num_attention_heads"] = 3;
  write_file(model_ / "config.json", config.dump());
  expect_failure<ParseError>("not a multiple");
  write_file(model_ / "config.json", "{\"model_type\": ");
  expect_failure<ParseError>("config.json");
}

TEST_F(ConvertTest, OtherTokenizersAreUnsupported) {
  auto tok = TinyBert::tokenizer_json();
  tok["model"]["type"] = "BPE";
  write_file(model_ / "tokenizer.json", tok.dump());
  expect_failure<UnsupportedError>("only WordPiece");
  tok = TinyBert::tokenizer_json();
  tok["model"]["continuing_subword_prefix"] = "@@";
  write_file(model_ / "tokenizer.json", tok.dump());
  expect_failure<UnsupportedError>("continuation prefix");
}

TEST_F(ConvertTest, BrokenVocabulariesAreParseErrors) {
  auto tok = TinyBert::tokenizer_json();
  tok["model"]["vocab"]["extra"] = 99;  // beyond the 16 embeddings
  write_file(model_ / "tokenizer.json", tok.dump());
  expect_failure<ParseError>("has id 99 but the model has 16");

  tok = TinyBert::tokenizer_json();
  tok["model"]["vocab"]["again"] = 5;
  write_file(model_ / "tokenizer.json", tok.dump());
  expect_failure<ParseError>("id 5 is given twice");

  // "cafe" is spelled "▁cafe" for llama.cpp, and so is the continuation "##▁cafe".
  tok = TinyBert::tokenizer_json();
  tok["model"]["vocab"].erase("a");
  tok["model"]["vocab"]
     ["##\xe2\x96\x81"
      "cafe"] = 14;
  write_file(model_ / "tokenizer.json", tok.dump());
  expect_failure<ParseError>("spelled alike");

  tok = TinyBert::tokenizer_json();
  tok["model"]["vocab"].erase("a");
  tok["model"]["vocab"][std::string("nul\0byte", 8)] = 14;
  write_file(model_ / "tokenizer.json", tok.dump());
  expect_failure<ParseError>("NUL");
}

TEST_F(ConvertTest, PoolingModes) {
  write_file(model_ / "1_Pooling" / "config.json", R"({"pooling_mode_cls_token": true})");
  EXPECT_EQ(convert_bert_to_gguf(model_, out_).pooling, "cls");
  std::filesystem::remove(out_);
  write_file(model_ / "1_Pooling" / "config.json", R"({"pooling_mode_max_tokens": true})");
  expect_failure<UnsupportedError>("only mean, CLS and last-token");
  std::filesystem::remove(model_ / "modules.json");
  const auto report = convert_bert_to_gguf(model_, out_);
  EXPECT_EQ(report.pooling, "none");
  EXPECT_FALSE(GgufFile(out_).has("bert.pooling_type"));
}

TEST_F(ConvertTest, ModulesAfterPoolingThatChangeVectorsAreUnsupported) {
  write_file(model_ / "modules.json",
             R"([{"path": "", "type": "sentence_transformers.models.Transformer"},
                 {"path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                 {"path": "2_Dense", "type": "sentence_transformers.models.Dense"}])");
  expect_failure<UnsupportedError>("Dense");
  write_file(model_ / "modules.json",
             R"([{"path": "../outside", "type": "sentence_transformers.models.Pooling"}])");
  expect_failure<ParseError>("leaves the model folder");
}

TEST_F(ConvertTest, ShardedCheckpointsConvert) {
  auto tensors = TinyBert::tensors();
  std::vector<StTensor> first, second;
  Json weight_map = Json::object();
  for (const auto& [name, t] : tensors) {
    const bool early = name.starts_with("embeddings.");
    (early ? first : second).push_back({name, "F32", t.first, f32_bytes(t.second)});
    weight_map[name] = early ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
  }
  std::filesystem::remove(model_ / "model.safetensors");
  write_file(model_ / "model-00001-of-00002.safetensors", make_safetensors(first));
  write_file(model_ / "model-00002-of-00002.safetensors", make_safetensors(second));
  write_file(model_ / "model.safetensors.index.json", Json{{"weight_map", weight_map}}.dump());
  EXPECT_EQ(convert_bert_to_gguf(model_, out_).n_tensors, 37u);

  weight_map["embeddings.LayerNorm.bias"] = "../elsewhere.safetensors";
  write_file(model_ / "model.safetensors.index.json", Json{{"weight_map", weight_map}}.dump());
  std::filesystem::remove(out_);
  expect_failure<ParseError>("no plain shard file");
}

}  // namespace
}  // namespace alith::convert
