// Node bindings of knowledge/ and store/: vector stores, loaders, chunkers, the indexer, retrieval.
// Everything that touches a store, a file or a model returns a Promise and runs off the main thread.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alith/core/error.h"
#include "alith/knowledge/chunker.h"
#include "alith/knowledge/indexer.h"
#include "alith/knowledge/loader.h"
#include "alith/knowledge/retriever.h"
#include "alith/llm/chat_model.h"
#include "alith/store/hybrid.h"
#include "alith/store/vector_store.h"
#include "bindings.h"
#include "convert.h"
#include "errors.h"
#include "handles.h"
#include "mods_util.h"

namespace {

using alith::Json;
using namespace alith_node_mods;
namespace store = alith::store;
namespace knowledge = alith::knowledge;

constexpr const char* kStoreTag = "VectorStore";
constexpr const char* kRetrieverTag = "Retriever";

using StorePtr = std::shared_ptr<store::VectorStore>;

size_t OptSize(const Json& options, const char* key, size_t fallback) {
  Json v = Opt(options, key);
  if (v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0)) return v.get<size_t>();
  if (v.is_number_float() && v.get<double>() >= 0) return static_cast<size_t>(v.get<double>());
  return fallback;
}

std::vector<std::string> OptStrings(const Json& options, const char* key) {
  std::vector<std::string> out;
  Json v = Opt(options, key);
  if (v.is_string()) out.push_back(v.get<std::string>());
  if (v.is_array())
    for (const auto& s : v) out.push_back(s.get<std::string>());
  return out;
}

store::Filter FilterFrom(const Json& filter) {
  return filter.is_object() ? store::Filter::from_json(filter) : store::Filter();
}

std::vector<float> VectorFrom(const Json& v) {
  if (!v.is_array()) throw alith::InvalidArgumentError("a vector must be an array of numbers");
  std::vector<float> out;
  out.reserve(v.size());
  for (const auto& x : v) out.push_back(x.get<float>());
  return out;
}

store::Record RecordFrom(const Json& r) {
  if (!r.is_object() || !r.contains("id")) throw alith::InvalidArgumentError("a record needs an id");
  store::Record record;
  record.id = r.at("id").get<std::string>();
  record.vector = VectorFrom(Opt(r, "vector"));
  record.text = GetString(r, "text");
  Json metadata = Opt(r, "metadata");
  if (metadata.is_object()) record.metadata = metadata;
  return record;
}

Json RecordJson(const store::Record& r) {
  return {{"id", r.id}, {"vector", r.vector}, {"text", r.text}, {"metadata", r.metadata}};
}

Json HitsJson(const std::vector<store::Hit>& hits) {
  Json out = Json::array();
  for (const auto& h : hits)
    out.push_back({{"id", h.id}, {"score", h.score}, {"text", h.text}, {"metadata", h.metadata}});
  return out;
}

Json CitationJson(const knowledge::Citation& c) {
  return {{"number", c.number},        {"id", c.id},
          {"source", c.source},        {"label", c.label()},
          {"score", c.score},          {"text", c.text},
          {"lineBegin", c.line_begin}, {"lineEnd", c.line_end},
          {"pageBegin", c.page_begin}, {"pageEnd", c.page_end},
          {"headings", c.headings}};
}

Json CitationsJson(const std::vector<knowledge::Citation>& citations) {
  Json out = Json::array();
  for (const auto& c : citations) out.push_back(CitationJson(c));
  return out;
}

Json SpanJson(const knowledge::Span& s) {
  return {{"begin", s.begin},          {"end", s.end},
          {"lineBegin", s.line_begin}, {"lineEnd", s.line_end},
          {"pageBegin", s.page_begin}, {"pageEnd", s.page_end}};
}

Json DocumentJson(const knowledge::Document& d) {
  return {{"id", d.id},
          {"source", d.source},
          {"text", d.text},
          {"metadata", d.metadata},
          {"pageStarts", d.page_starts}};
}

knowledge::Document DocumentFrom(const Json& j) {
  knowledge::Document d;
  d.id = GetString(j, "id");
  d.source = GetString(j, "source", d.id);
  if (d.id.empty()) d.id = d.source;
  d.text = GetString(j, "text");
  Json metadata = Opt(j, "metadata");
  if (metadata.is_object()) d.metadata = metadata;
  Json pages = Opt(j, "pageStarts");
  if (pages.is_array())
    for (const auto& p : pages) d.page_starts.push_back(p.get<size_t>());
  return d;
}

Json FailuresJson(const std::vector<knowledge::LoadFailure>& failures) {
  Json out = Json::array();
  for (const auto& f : failures)
    out.push_back(
        {{"source", f.source}, {"code", std::string(alith::to_string(f.code))}, {"message", f.message}});
  return out;
}

knowledge::LoadOptions LoadOptionsFrom(const Json& o) {
  knowledge::LoadOptions load;
  load.format = GetString(o, "format");
  load.max_bytes = OptSize(o, "maxBytes", load.max_bytes);
  Json csv = Opt(o, "csv");
  if (csv.is_object()) {
    std::string delimiter = GetString(csv, "delimiter", ",");
    if (!delimiter.empty()) load.csv.delimiter = delimiter[0];
    load.csv.text_column = GetString(csv, "textColumn");
    load.csv.metadata_columns = OptStrings(csv, "metadataColumns");
    load.csv.id_column = GetString(csv, "idColumn");
    if (Opt(csv, "header").is_boolean()) load.csv.header = Opt(csv, "header").get<bool>();
  }
  Json json = Opt(o, "json");
  if (json.is_object()) {
    load.json.records = GetString(json, "records");
    load.json.text_field = GetString(json, "textField");
    load.json.metadata_fields = OptStrings(json, "metadataFields");
    load.json.id_field = GetString(json, "idField");
  }
  return load;
}

knowledge::WalkOptions WalkOptionsFrom(const Json& o) {
  knowledge::WalkOptions walk;
  walk.include = OptStrings(o, "include");
  walk.exclude = OptStrings(o, "exclude");
  if (Opt(o, "hidden").is_boolean()) walk.hidden = Opt(o, "hidden").get<bool>();
  if (Opt(o, "followSymlinks").is_boolean()) walk.follow_symlinks = Opt(o, "followSymlinks").get<bool>();
  return walk;
}

knowledge::ChunkOptions ChunkOptionsFrom(const Json& o, knowledge::ChunkOptions chunk = {}) {
  chunk.max_tokens = OptSize(o, "maxTokens", chunk.max_tokens);
  chunk.overlap_tokens = OptSize(o, "overlapTokens", chunk.overlap_tokens);
  return chunk;
}

knowledge::RetrieveOptions RetrieveOptionsFrom(const Json& o, knowledge::RetrieveOptions r = {}) {
  r.k = OptSize(o, "k", r.k);
  if (Opt(o, "minScore").is_number()) r.min_score = Opt(o, "minScore").get<float>();
  if (Opt(o, "hybrid").is_boolean()) r.hybrid = Opt(o, "hybrid").get<bool>();
  r.candidates = OptSize(o, "candidates", r.candidates);
  if (Opt(o, "filter").is_object()) r.filter = FilterFrom(Opt(o, "filter"));
  return r;
}

std::vector<std::filesystem::path> PathsFrom(const Json& paths) {
  std::vector<std::filesystem::path> out;
  if (paths.is_string()) out.emplace_back(paths.get<std::string>());
  if (paths.is_array())
    for (const auto& p : paths) out.emplace_back(p.get<std::string>());
  return out;
}

// ---- stores ----------------------------------------------------------------------------------------------

Napi::Value OpenStore(const Napi::CallbackInfo& info) {
  std::string ref = info[0].As<Napi::String>().Utf8Value();
  Json o = Arg(info, 1);
  store::StoreOptions options;
  options.collection = GetString(o, "collection", options.collection);
  if (Opt(o, "metric").is_string()) options.metric = store::metric_from_string(GetString(o, "metric"));
  options.embedding_model = GetString(o, "embeddingModel");
  return RunWork(info.Env(), [ref, options]() -> Finish {
    StorePtr opened = store::open_store(ref, options);
    return [opened](Napi::Env env) { return WrapHandle(env, kStoreTag, opened); };
  });
}

Napi::Value StoreInfo(const Napi::CallbackInfo& info) {
  auto s = UnwrapHandle<store::VectorStore>(info[0], kStoreTag);
  return ToJs(info.Env(), {{"ref", s->ref()},
                           {"metric", std::string(store::to_string(s->metric()))},
                           {"dimensions", s->dimensions()}});
}

Napi::Value StoreUpsert(const Napi::CallbackInfo& info) {
  auto s = UnwrapHandle<store::VectorStore>(info[0], kStoreTag);
  Json records = Arg(info, 1);
  return RunJsonWork(info.Env(), [s, records]() -> Json {
    std::vector<store::Record> batch;
    for (const auto& r : records) batch.push_back(RecordFrom(r));
    s->upsert(batch);
    return batch.size();
  });
}

Napi::Value StoreDelete(const Napi::CallbackInfo& info) {
  auto s = UnwrapHandle<store::VectorStore>(info[0], kStoreTag);
  Json ids = Arg(info, 1);
  return RunJsonWork(info.Env(), [s, ids]() -> Json {
    std::vector<std::string> list;
    if (ids.is_string()) list.push_back(ids.get<std::string>());
    if (ids.is_array())
      for (const auto& id : ids) list.push_back(id.get<std::string>());
    return s->remove(list);
  });
}

Napi::Value StoreDeleteWhere(const Napi::CallbackInfo& info) {
  auto s = UnwrapHandle<store::VectorStore>(info[0], kStoreTag);
  Json filter = Arg(info, 1);
  return RunJsonWork(info.Env(), [s, filter]() -> Json { return s->remove_where(FilterFrom(filter)); });
}

Napi::Value StoreGet(const Napi::CallbackInfo& info) {
  auto s = UnwrapHandle<store::VectorStore>(info[0], kStoreTag);
  std::string id = info[1].As<Napi::String>().Utf8Value();
  return RunJsonWork(info.Env(), [s, id]() -> Json {
    auto r = s->get(id);
    return r ? RecordJson(*r) : Json(nullptr);
  });
}

Napi::Value StoreCount(const Napi::CallbackInfo& info) {
  auto s = UnwrapHandle<store::VectorStore>(info[0], kStoreTag);
  Json filter = Arg(info, 1);
  return RunJsonWork(info.Env(), [s, filter]() -> Json { return s->count(FilterFrom(filter)); });
}

Napi::Value StoreSearch(const Napi::CallbackInfo& info) {
  auto s = UnwrapHandle<store::VectorStore>(info[0], kStoreTag);
  Json vector = Arg(info, 1);
  Json o = Arg(info, 2);
  return RunJsonWork(info.Env(), [s, vector, o]() -> Json {
    return HitsJson(s->search(VectorFrom(vector), OptSize(o, "k", 10), FilterFrom(Opt(o, "filter"))));
  });
}

Napi::Value StoreKeywordSearch(const Napi::CallbackInfo& info) {
  auto s = UnwrapHandle<store::VectorStore>(info[0], kStoreTag);
  std::string text = info[1].As<Napi::String>().Utf8Value();
  Json o = Arg(info, 2);
  return RunJsonWork(info.Env(), [s, text, o]() -> Json {
    return HitsJson(s->keyword_search(text, OptSize(o, "k", 10), FilterFrom(Opt(o, "filter"))));
  });
}

Napi::Value StoreHybridSearch(const Napi::CallbackInfo& info) {
  auto s = UnwrapHandle<store::VectorStore>(info[0], kStoreTag);
  Json vector = Arg(info, 1);
  std::string text = info[2].As<Napi::String>().Utf8Value();
  Json o = Arg(info, 3);
  return RunJsonWork(info.Env(), [s, vector, text, o]() -> Json {
    store::HybridOptions options;
    options.k = OptSize(o, "k", options.k);
    options.candidates = OptSize(o, "candidates", options.candidates);
    if (Opt(o, "rrfK").is_number()) options.rrf_k = Opt(o, "rrfK").get<double>();
    options.filter = FilterFrom(Opt(o, "filter"));
    return HitsJson(store::hybrid_search(*s, VectorFrom(vector), text, options));
  });
}

// ---- loading and chunking
// -----------------------------------------------------------------------------------

Napi::Value LoadFile(const Napi::CallbackInfo& info) {
  std::string path = info[0].As<Napi::String>().Utf8Value();
  Json o = Arg(info, 1);
  return RunJsonWork(info.Env(), [path, o]() -> Json {
    Json out = Json::array();
    for (const auto& d : knowledge::load_file(path, LoadOptionsFrom(o))) out.push_back(DocumentJson(d));
    return out;
  });
}

Napi::Value LoadText(const Napi::CallbackInfo& info) {
  std::string text = info[0].As<Napi::String>().Utf8Value();
  std::string format = info[1].As<Napi::String>().Utf8Value();
  std::string source = info[2].As<Napi::String>().Utf8Value();
  Json o = Arg(info, 3);
  try {
    Json out = Json::array();
    for (const auto& d : knowledge::load_bytes(text, format, source, LoadOptionsFrom(o)))
      out.push_back(DocumentJson(d));
    return ToJs(info.Env(), out);
  } catch (...) {
    RethrowAsJs(info.Env());
  }
}

Napi::Value LoadPaths(const Napi::CallbackInfo& info) {
  Json paths = Arg(info, 0);
  Json o = Arg(info, 1);
  return RunJsonWork(info.Env(), [paths, o]() -> Json {
    auto report = knowledge::load_paths(PathsFrom(paths), LoadOptionsFrom(o), WalkOptionsFrom(o));
    Json documents = Json::array();
    for (const auto& d : report.documents) documents.push_back(DocumentJson(d));
    return {{"documents", documents}, {"failures", FailuresJson(report.failures)}};
  });
}

Napi::Value SplitDocument(const Napi::CallbackInfo& info) {
  Json doc = Arg(info, 0);
  Json o = Arg(info, 1);
  try {
    knowledge::Document document = DocumentFrom(doc);
    knowledge::ChunkOptions options = ChunkOptionsFrom(o);
    std::string mode = GetString(o, "mode", "auto");
    std::vector<knowledge::Chunk> chunks = mode == "markdown" ? knowledge::split_markdown(document, options)
                                           : mode == "recursive"
                                               ? knowledge::split_recursive(document, options)
                                               : knowledge::split_document(document, options);
    Json out = Json::array();
    for (const auto& c : chunks)
      out.push_back({{"id", c.id},
                     {"documentId", c.document_id},
                     {"source", c.source},
                     {"index", c.index},
                     {"text", c.text},
                     {"span", SpanJson(c.span)},
                     {"tokens", c.tokens},
                     {"headings", c.headings},
                     {"metadata", c.metadata}});
    return ToJs(info.Env(), out);
  } catch (...) {
    RethrowAsJs(info.Env());
  }
}

// ---- indexing and retrieval
// --------------------------------------------------------------------------------

Napi::Value Index(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Json paths = Arg(info, 0);
  auto s = UnwrapHandle<store::VectorStore>(info[1], kStoreTag);
  std::shared_ptr<alith::llm::EmbeddingModel> model = EmbeddingModelFromJs(info[2]);
  Json o = Arg(info, 3);
  std::shared_ptr<JsFunction> progress;
  if (info.Length() > 4 && info[4].IsFunction())
    progress = std::make_shared<JsFunction>(env, info[4].As<Napi::Function>(), "alith-index-progress");
  alith::CancelToken cancel = info.Length() > 5 ? CancelFromJs(info[5]) : alith::CancelToken();
  return RunJsonWork(env, [paths, s, model, o, progress, cancel]() -> Json {
    knowledge::IndexOptions options;
    options.load = LoadOptionsFrom(o);
    options.walk = WalkOptionsFrom(o);
    options.chunk = ChunkOptionsFrom(o);
    options.embed_batch = OptSize(o, "embedBatch", options.embed_batch);
    options.cancel = cancel;
    if (progress)
      options.on_progress = [progress](const knowledge::IndexProgress& p) {
        progress->Post(Json::array({Json{{"filesTotal", p.files_total},
                                         {"filesDone", p.files_done},
                                         {"bytesTotal", p.bytes_total},
                                         {"bytesDone", p.bytes_done},
                                         {"chunks", p.chunks},
                                         {"embeddings", p.embeddings},
                                         {"embeddingsPerSecond", p.embeddings_per_second},
                                         {"elapsedSeconds", p.elapsed_seconds},
                                         {"etaSeconds", p.eta_seconds},
                                         {"current", p.current}}}));
      };
    knowledge::Indexer indexer(*s, *model, options);
    auto report = indexer.index(PathsFrom(paths));
    return {{"filesIndexed", report.files_indexed},      {"filesUnchanged", report.files_unchanged},
            {"chunksStored", report.chunks_stored},      {"chunksRemoved", report.chunks_removed},
            {"failures", FailuresJson(report.failures)}, {"elapsedSeconds", report.elapsed.count()}};
  });
}

Napi::Value NewRetriever(const Napi::CallbackInfo& info) {
  try {
    auto s = UnwrapHandle<store::VectorStore>(info[0], kStoreTag);
    std::shared_ptr<alith::llm::EmbeddingModel> model = EmbeddingModelFromJs(info[1]);
    auto retriever = std::make_shared<knowledge::Retriever>(s, model, RetrieveOptionsFrom(Arg(info, 2)));
    return WrapHandle(info.Env(), kRetrieverTag, retriever);
  } catch (...) {
    RethrowAsJs(info.Env());
  }
}

Napi::Value Retrieve(const Napi::CallbackInfo& info) {
  auto r = UnwrapHandle<knowledge::Retriever>(info[0], kRetrieverTag);
  std::string query = info[1].As<Napi::String>().Utf8Value();
  Json o = Arg(info, 2);
  return RunJsonWork(info.Env(), [r, query, o]() -> Json {
    return CitationsJson(r->retrieve(query, RetrieveOptionsFrom(o, r->options())));
  });
}

Napi::Value AnswerFromSources(const Napi::CallbackInfo& info) {
  std::shared_ptr<alith::llm::ChatModel> model = ChatModelFromJs(info[0]);
  auto r = UnwrapHandle<knowledge::Retriever>(info[1], kRetrieverTag);
  std::string question = info[2].As<Napi::String>().Utf8Value();
  Json o = Arg(info, 3);
  return RunJsonWork(info.Env(), [model, r, question, o]() -> Json {
    knowledge::AnswerOptions options;
    options.instructions = GetString(o, "instructions");
    options.no_sources_answer = GetString(o, "noSourcesAnswer", options.no_sources_answer);
    if (Opt(o, "timeoutMs").is_number())
      options.call.timeout = std::chrono::milliseconds(Opt(o, "timeoutMs").get<int64_t>());
    auto answer = knowledge::answer_from_sources(*model, *r, question, options);
    return {{"text", answer.text},
            {"sources", CitationsJson(answer.sources)},
            {"cited", CitationsJson(answer.cited)},
            {"usage",
             {{"promptTokens", answer.usage.prompt_tokens},
              {"completionTokens", answer.usage.completion_tokens},
              {"totalTokens", answer.usage.total_tokens}}}};
  });
}

Napi::Value SearchKnowledgeTool(const Napi::CallbackInfo& info) {
  try {
    auto r = UnwrapHandle<knowledge::Retriever>(info[0], kRetrieverTag);
    std::string name = info.Length() > 1 && info[1].IsString() ? info[1].As<Napi::String>().Utf8Value()
                                                               : std::string("search_knowledge");
    return WrapTool(info.Env(), knowledge::search_knowledge_tool(r, name));
  } catch (...) {
    RethrowAsJs(info.Env());
  }
}

}  // namespace

void InitKnowledge(Napi::Env env, Napi::Object exports) {
  Napi::Object k = Napi::Object::New(env);
  k.Set("openStore", Napi::Function::New(env, OpenStore));
  k.Set("storeInfo", Napi::Function::New(env, StoreInfo));
  k.Set("storeUpsert", Napi::Function::New(env, StoreUpsert));
  k.Set("storeDelete", Napi::Function::New(env, StoreDelete));
  k.Set("storeDeleteWhere", Napi::Function::New(env, StoreDeleteWhere));
  k.Set("storeGet", Napi::Function::New(env, StoreGet));
  k.Set("storeCount", Napi::Function::New(env, StoreCount));
  k.Set("storeSearch", Napi::Function::New(env, StoreSearch));
  k.Set("storeKeywordSearch", Napi::Function::New(env, StoreKeywordSearch));
  k.Set("storeHybridSearch", Napi::Function::New(env, StoreHybridSearch));
  k.Set("loadFile", Napi::Function::New(env, LoadFile));
  k.Set("loadText", Napi::Function::New(env, LoadText));
  k.Set("loadPaths", Napi::Function::New(env, LoadPaths));
  k.Set("splitDocument", Napi::Function::New(env, SplitDocument));
  k.Set("index", Napi::Function::New(env, Index));
  k.Set("newRetriever", Napi::Function::New(env, NewRetriever));
  k.Set("retrieve", Napi::Function::New(env, Retrieve));
  k.Set("answerFromSources", Napi::Function::New(env, AnswerFromSources));
  k.Set("searchKnowledgeTool", Napi::Function::New(env, SearchKnowledgeTool));
  exports.Set("knowledge", k);
}
