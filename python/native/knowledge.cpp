// The knowledge/ module for Python: loaders, chunkers, the indexer, the retriever, answers with citations
// and the search_knowledge tool. Documents, chunks, citations and reports cross as dicts.

#include <nanobind/nanobind.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alith/agent/tool.h"
#include "alith/core/cancel.h"
#include "alith/knowledge/chunker.h"
#include "alith/knowledge/embedding_cache.h"
#include "alith/knowledge/indexer.h"
#include "alith/knowledge/loader.h"
#include "alith/knowledge/retriever.h"
#include "alith/knowledge/walk.h"
#include "alith/llm/chat_model.h"
#include "bindings.h"
#include "convert.h"
#include "gil.h"
#include "mods_bindings.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace kn = alith::knowledge;

namespace alith_py {
namespace {

nb::dict document_to_python(const kn::Document& d) {
  nb::dict out;
  out["id"] = d.id;
  out["source"] = d.source;
  out["text"] = d.text;
  out["metadata"] = to_python(d.metadata);
  out["page_starts"] = nb::cast(d.page_starts);
  return out;
}

kn::Document document_from_python(nb::handle item) {
  if (!nb::isinstance<nb::dict>(item))
    throw nb::type_error("a document is a dict {id, source, text, metadata}");
  nb::dict d = nb::borrow<nb::dict>(item);
  kn::Document doc;
  doc.text = nb::cast<std::string>(d["text"]);
  doc.source = d.contains("source") ? nb::cast<std::string>(d["source"]) : std::string("<text>");
  doc.id = d.contains("id") ? nb::cast<std::string>(d["id"]) : doc.source;
  if (d.contains("metadata") && !d["metadata"].is_none()) doc.metadata = from_python(d["metadata"]);
  if (d.contains("page_starts")) doc.page_starts = nb::cast<std::vector<size_t>>(d["page_starts"]);
  return doc;
}

nb::dict span_to_python(const kn::Span& s) {
  nb::dict out;
  out["begin"] = s.begin;
  out["end"] = s.end;
  out["line_begin"] = s.line_begin;
  out["line_end"] = s.line_end;
  out["page_begin"] = s.page_begin;
  out["page_end"] = s.page_end;
  return out;
}

nb::dict chunk_to_python(const kn::Chunk& c) {
  nb::dict out;
  out["id"] = c.id;
  out["document_id"] = c.document_id;
  out["source"] = c.source;
  out["index"] = c.index;
  out["text"] = c.text;
  out["span"] = span_to_python(c.span);
  out["tokens"] = c.tokens;
  out["headings"] = nb::cast(c.headings);
  out["metadata"] = to_python(c.metadata);
  out["embedding_text"] = c.embedding_text();
  return out;
}

nb::list citations_to_python(const std::vector<kn::Citation>& citations) {
  nb::list out;
  for (const auto& c : citations) out.append(to_python(c.to_json()));
  return out;
}

nb::dict failure_to_python(const kn::LoadFailure& f) {
  nb::dict out;
  out["source"] = f.source;
  out["code"] = std::string(alith::to_string(f.code));
  out["message"] = f.message;
  return out;
}

// Loader options from keyword arguments (csv and json option dicts use the C++ member names).
kn::LoadOptions load_options(const std::string& format, nb::handle csv, nb::handle json,
                             std::optional<size_t> max_bytes) {
  kn::LoadOptions o;
  o.format = format;
  if (max_bytes) o.max_bytes = *max_bytes;
  if (csv.is_valid() && !csv.is_none()) {
    nb::dict d = nb::borrow<nb::dict>(csv);
    if (d.contains("delimiter")) {
      auto s = nb::cast<std::string>(d["delimiter"]);
      if (s.size() != 1) throw nb::value_error("csv delimiter must be one character");
      o.csv.delimiter = s[0];
    }
    if (d.contains("text_column")) o.csv.text_column = nb::cast<std::string>(d["text_column"]);
    if (d.contains("metadata_columns"))
      o.csv.metadata_columns = nb::cast<std::vector<std::string>>(d["metadata_columns"]);
    if (d.contains("id_column")) o.csv.id_column = nb::cast<std::string>(d["id_column"]);
    if (d.contains("header")) o.csv.header = nb::cast<bool>(d["header"]);
  }
  if (json.is_valid() && !json.is_none()) {
    nb::dict d = nb::borrow<nb::dict>(json);
    if (d.contains("records")) o.json.records = nb::cast<std::string>(d["records"]);
    if (d.contains("text_field")) o.json.text_field = nb::cast<std::string>(d["text_field"]);
    if (d.contains("metadata_fields"))
      o.json.metadata_fields = nb::cast<std::vector<std::string>>(d["metadata_fields"]);
    if (d.contains("id_field")) o.json.id_field = nb::cast<std::string>(d["id_field"]);
  }
  return o;
}

kn::WalkOptions walk_options(std::vector<std::string> include, std::vector<std::string> exclude, bool hidden,
                             bool follow_symlinks) {
  kn::WalkOptions w;
  w.include = std::move(include);
  w.exclude = std::move(exclude);
  w.hidden = hidden;
  w.follow_symlinks = follow_symlinks;
  return w;
}

kn::ChunkOptions chunk_options(size_t max_tokens, size_t overlap_tokens,
                               const std::shared_ptr<alith::llm::EmbeddingModel>& model) {
  kn::ChunkOptions o;
  o.max_tokens = max_tokens;
  o.overlap_tokens = overlap_tokens;
  if (model) {
    // The counter calls into the model; keep it alive for as long as the counter lives.
    o.count_tokens = [model, counter = kn::token_counter_for(*model)](std::string_view t) {
      return counter(t);
    };
  }
  return o;
}

nb::dict progress_to_python(const kn::IndexProgress& p) {
  nb::dict out;
  out["files_total"] = p.files_total;
  out["files_done"] = p.files_done;
  out["bytes_total"] = p.bytes_total;
  out["bytes_done"] = p.bytes_done;
  out["chunks"] = p.chunks;
  out["embeddings"] = p.embeddings;
  out["embeddings_per_second"] = p.embeddings_per_second;
  out["elapsed_seconds"] = p.elapsed_seconds;
  out["eta_seconds"] = p.eta_seconds;
  out["current"] = p.current;
  return out;
}

alith::store::Reranker reranker_from_python(nb::handle fn) {
  if (!fn.is_valid() || fn.is_none()) return {};
  PyObjectRef ref(fn);
  return [ref](std::string_view query, std::vector<alith::store::Hit> candidates) {
    nb::gil_scoped_acquire gil;
    nb::object result = ref.get()(std::string(query), hits_to_python(candidates));
    std::vector<alith::store::Hit> out;
    for (nb::handle item : result) {
      out.push_back(hit_from_python(item));
    }
    return out;
  };
}

kn::RetrieveOptions retrieve_options(size_t k, std::optional<float> min_score, bool hybrid, size_t candidates,
                                     nb::handle filter, nb::handle reranker) {
  kn::RetrieveOptions o;
  o.k = k;
  o.min_score = min_score;
  o.hybrid = hybrid;
  o.candidates = candidates;
  o.filter = filter_from_python(filter);
  o.reranker = reranker_from_python(reranker);
  return o;
}

alith::CancelToken token_of(const alith::CancelToken* cancel) {
  return cancel ? *cancel : alith::CancelToken();
}

}  // namespace
}  // namespace alith_py

void bind_knowledge(nb::module_& m) {
  using namespace alith_py;
  bind_store(m);

  // ---- loaders and walking
  m.def(
      "knowledge_load_file",
      [](const std::filesystem::path& path, const std::string& format, nb::handle csv, nb::handle json,
         std::optional<size_t> max_bytes) {
        auto options = load_options(format, csv, json, max_bytes);
        std::vector<kn::Document> docs = without_gil([&] { return kn::load_file(path, options); });
        nb::list out;
        for (const auto& d : docs) out.append(document_to_python(d));
        return out;
      },
      "path"_a, "format"_a = "", "csv"_a = nb::none(), "json"_a = nb::none(), "max_bytes"_a = nb::none());

  m.def(
      "knowledge_load_bytes",
      [](nb::bytes data, const std::string& format, const std::string& source, nb::handle csv,
         nb::handle json, std::optional<size_t> max_bytes) {
        auto options = load_options("", csv, json, max_bytes);
        std::string bytes(data.c_str(), data.size());
        std::vector<kn::Document> docs =
            without_gil([&] { return kn::load_bytes(bytes, format, source, options); });
        nb::list out;
        for (const auto& d : docs) out.append(document_to_python(d));
        return out;
      },
      "data"_a, "format"_a, "source"_a = "<bytes>", "csv"_a = nb::none(), "json"_a = nb::none(),
      "max_bytes"_a = nb::none());

  m.def(
      "knowledge_load_paths",
      [](std::vector<std::filesystem::path> paths, std::vector<std::string> include,
         std::vector<std::string> exclude, bool hidden, bool follow_symlinks, const std::string& format,
         nb::handle csv, nb::handle json, std::optional<size_t> max_bytes) {
        auto options = load_options(format, csv, json, max_bytes);
        auto walk = walk_options(std::move(include), std::move(exclude), hidden, follow_symlinks);
        kn::LoadReport report = without_gil([&] { return kn::load_paths(paths, options, walk); });
        nb::list docs, failures;
        for (const auto& d : report.documents) docs.append(document_to_python(d));
        for (const auto& f : report.failures) failures.append(failure_to_python(f));
        nb::dict out;
        out["documents"] = docs;
        out["failures"] = failures;
        return out;
      },
      "paths"_a, "include"_a = std::vector<std::string>{}, "exclude"_a = std::vector<std::string>{},
      "hidden"_a = false, "follow_symlinks"_a = false, "format"_a = "", "csv"_a = nb::none(),
      "json"_a = nb::none(), "max_bytes"_a = nb::none());

  m.def(
      "knowledge_walk",
      [](const std::filesystem::path& root, std::vector<std::string> include,
         std::vector<std::string> exclude, bool hidden, bool follow_symlinks) {
        auto walk = walk_options(std::move(include), std::move(exclude), hidden, follow_symlinks);
        nb::gil_scoped_release release;
        return kn::walk(root, walk);
      },
      "root"_a, "include"_a = std::vector<std::string>{}, "exclude"_a = std::vector<std::string>{},
      "hidden"_a = false, "follow_symlinks"_a = false);

  m.def(
      "knowledge_glob_match",
      [](const std::string& pattern, const std::string& path) { return kn::glob_match(pattern, path); },
      "pattern"_a, "relative_path"_a);
  m.def("knowledge_format_for_path", &kn::format_for_path, "path"_a);

  // ---- chunking
  m.def(
      "knowledge_split",
      [](nb::handle document, const std::string& mode, size_t max_tokens, size_t overlap_tokens,
         std::shared_ptr<alith::llm::EmbeddingModel> model) {
        kn::Document doc = document_from_python(document);
        auto options = chunk_options(max_tokens, overlap_tokens, model);
        std::vector<kn::Chunk> chunks;
        {
          nb::gil_scoped_release release;
          if (mode == "markdown") {
            chunks = kn::split_markdown(doc, options);
          } else if (mode == "recursive") {
            chunks = kn::split_recursive(doc, options);
          } else if (mode == "auto") {
            chunks = kn::split_document(doc, options);
          } else {
            throw alith::InvalidArgumentError("chunking mode must be auto, markdown or recursive, not '" +
                                              mode + "'");
          }
        }
        nb::list out;
        for (const auto& c : chunks) out.append(chunk_to_python(c));
        return out;
      },
      "document"_a, "mode"_a = "auto", "max_tokens"_a = 256, "overlap_tokens"_a = 32,
      "embedding_model"_a = nb::none());

  // ---- indexing
  m.def(
      "knowledge_index",
      [](std::vector<std::filesystem::path> paths, std::shared_ptr<alith::store::VectorStore> store,
         std::shared_ptr<alith::llm::EmbeddingModel> model, std::vector<std::string> include,
         std::vector<std::string> exclude, bool hidden, std::optional<size_t> max_tokens,
         std::optional<size_t> overlap_tokens, size_t embed_batch, nb::handle on_progress,
         const alith::CancelToken* cancel) {
        if (!store || !model) throw alith::InvalidArgumentError("index needs a store and an embedding model");
        kn::IndexOptions options;
        options.walk = walk_options(std::move(include), std::move(exclude), hidden, false);
        if (max_tokens) options.chunk.max_tokens = *max_tokens;
        if (overlap_tokens) options.chunk.overlap_tokens = *overlap_tokens;
        options.embed_batch = embed_batch;
        options.cancel = token_of(cancel);
        if (on_progress.is_valid() && !on_progress.is_none()) {
          PyObjectRef fn(on_progress);
          options.on_progress = [fn](const kn::IndexProgress& p) {
            nb::gil_scoped_acquire gil;
            fn.get()(progress_to_python(p));
          };
        }
        kn::IndexReport report;
        {
          nb::gil_scoped_release release;
          kn::Indexer indexer(*store, *model, options);
          report = indexer.index(paths);
        }
        nb::dict out;
        out["files_indexed"] = report.files_indexed;
        out["files_unchanged"] = report.files_unchanged;
        out["chunks_stored"] = report.chunks_stored;
        out["chunks_removed"] = report.chunks_removed;
        nb::list failures;
        for (const auto& f : report.failures) failures.append(failure_to_python(f));
        out["failures"] = failures;
        out["elapsed_seconds"] = report.elapsed.count();
        return out;
      },
      "paths"_a, "store"_a, "embedding_model"_a, "include"_a = std::vector<std::string>{},
      "exclude"_a = std::vector<std::string>{}, "hidden"_a = false, "max_tokens"_a = nb::none(),
      "overlap_tokens"_a = nb::none(), "embed_batch"_a = 32, "on_progress"_a = nb::none(),
      "cancel"_a = nb::none());

  m.def(
      "knowledge_cached_embedding_model",
      [](std::shared_ptr<alith::llm::EmbeddingModel> model, std::optional<std::filesystem::path> path,
         size_t batch_size) -> std::shared_ptr<alith::llm::EmbeddingModel> {
        if (!model) throw alith::InvalidArgumentError("cached_embedding_model needs a model");
        nb::gil_scoped_release release;
        return std::make_shared<kn::CachedEmbeddingModel>(
            model, path ? *path : kn::default_embedding_cache_path(), batch_size);
      },
      "model"_a, "path"_a = nb::none(), "batch_size"_a = 32);

  // ---- retrieval
  nb::class_<kn::Retriever>(m, "Retriever", "Retrieval over an indexed store: query -> citations.")
      .def(nb::new_([](std::shared_ptr<alith::store::VectorStore> store,
                       std::shared_ptr<alith::llm::EmbeddingModel> model, size_t k,
                       std::optional<float> min_score, bool hybrid, size_t candidates, nb::handle filter,
                       nb::handle reranker) {
             return std::make_shared<kn::Retriever>(
                 std::move(store), std::move(model),
                 retrieve_options(k, min_score, hybrid, candidates, filter, reranker));
           }),
           "store"_a, "embedding_model"_a, "k"_a = 5, "min_score"_a = nb::none(), "hybrid"_a = false,
           "candidates"_a = 50, "filter"_a = nb::none(), "reranker"_a = nb::none())
      .def(
          "retrieve",
          [](const kn::Retriever& r, const std::string& query, std::optional<size_t> k,
             std::optional<float> min_score, std::optional<bool> hybrid, nb::handle filter) {
            kn::RetrieveOptions o = r.options();
            if (k) o.k = *k;
            if (min_score) o.min_score = min_score;
            if (hybrid) o.hybrid = *hybrid;
            if (filter.is_valid() && !filter.is_none()) o.filter = filter_from_python(filter);
            std::vector<kn::Citation> citations = without_gil([&] { return r.retrieve(query, o); });
            return citations_to_python(citations);
          },
          "query"_a, "k"_a = nb::none(), "min_score"_a = nb::none(), "hybrid"_a = nb::none(),
          "filter"_a = nb::none(),
          "The best passages: [{number, id, source, label, score, text, line_begin, line_end, ...}].")
      .def_prop_ro("k", [](const kn::Retriever& r) { return r.options().k; })
      .def_prop_ro("hybrid", [](const kn::Retriever& r) { return r.options().hybrid; });

  m.def(
      "knowledge_answer_from_sources",
      [](std::shared_ptr<alith::llm::ChatModel> model, std::shared_ptr<kn::Retriever> retriever,
         const std::string& question, const std::string& instructions,
         std::optional<std::string> no_sources_answer, std::optional<double> timeout,
         const alith::CancelToken* cancel) {
        if (!model || !retriever)
          throw alith::InvalidArgumentError("answer_from_sources needs a model and a retriever");
        kn::AnswerOptions options;
        options.instructions = instructions;
        if (no_sources_answer) options.no_sources_answer = *no_sources_answer;
        options.call.cancel = token_of(cancel);
        if (timeout) options.call.timeout = std::chrono::milliseconds(static_cast<int64_t>(*timeout * 1000));
        kn::Answer answer =
            without_gil([&] { return kn::answer_from_sources(*model, *retriever, question, options); });
        nb::dict out;
        out["text"] = answer.text;
        out["sources"] = citations_to_python(answer.sources);
        out["cited"] = citations_to_python(answer.cited);
        nb::dict usage;
        usage["prompt_tokens"] = answer.usage.prompt_tokens;
        usage["completion_tokens"] = answer.usage.completion_tokens;
        usage["total_tokens"] = answer.usage.total_tokens;
        out["usage"] = usage;
        return out;
      },
      "model"_a, "retriever"_a, "question"_a, "instructions"_a = "", "no_sources_answer"_a = nb::none(),
      "timeout"_a = nb::none(), "cancel"_a = nb::none());

  m.def(
      "knowledge_format_sources",
      [](std::shared_ptr<kn::Retriever> retriever, const std::string& query) {
        nb::gil_scoped_release release;
        return kn::format_sources(retriever->retrieve(query));
      },
      "retriever"_a, "query"_a);

  m.def(
      "knowledge_search_tool",
      [](std::shared_ptr<kn::Retriever> retriever, const std::string& name) {
        return kn::search_knowledge_tool(std::move(retriever), name);
      },
      "retriever"_a, "name"_a = "search_knowledge");
}
