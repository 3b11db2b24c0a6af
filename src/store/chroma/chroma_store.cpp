// Chroma over its HTTP API (v2, chromadb 1.x): collections of the default tenant and database. The metric is
// the collection's HNSW space (cosine, ip, l2) and the embedding model is recorded in the collection's
// metadata. Chroma reports distances; scores follow the store convention:
//   cosine  distance 1 - cos          -> score 1 - d
//   ip      distance 1 - dot          -> score 1 - d (the inner product)
//   l2      distance squared L2       -> score -sqrt(d)
// Keyword search is not offered: Chroma's document filter ($contains) matches but does not rank, and a score
// without a ranking would be a made-up number.

#include <cmath>
#include <map>
#include <mutex>
#include <utility>

#include "alith/core/error.h"
#include "alith/core/http.h"
#include "backends.h"
#include "chroma/chroma_where.h"
#include "json_http.h"
#include "validate.h"

namespace alith::store {
namespace {

constexpr const char* kModelKey = "alith:embedding_model";

const char* space_of(Metric metric) {
  switch (metric) {
    case Metric::cosine:
      return "cosine";
    case Metric::dot:
      return "ip";
    case Metric::l2:
      return "l2";
  }
  return "cosine";
}

float score_of(Metric metric, double distance) {
  switch (metric) {
    case Metric::cosine:
    case Metric::dot:
      return static_cast<float>(1.0 - distance);
    case Metric::l2:
      return static_cast<float>(-std::sqrt(std::max(0.0, distance)));
  }
  return 0;
}

class ChromaStore final : public VectorStore {
 public:
  ChromaStore(std::string base_url, const StoreOptions& options)
      : ref_("chroma:" + base_url), collection_(options.collection) {
    base_url = checked_base_url(std::move(base_url), "chroma", ref_);
    api_ = base_url + "/api/v2/tenants/default_tenant/databases/default_database/collections";
    max_batch_ = 1000;
    if (auto checks = call("GET", base_url + "/api/v2/pre-flight-checks", nullptr);
        checks.contains("max_batch_size") && checks["max_batch_size"].is_number_unsigned())
      max_batch_ = std::max<size_t>(1, checks["max_batch_size"].get<size_t>());

    Json create = {{"name", collection_},
                   {"get_or_create", true},
                   {"configuration", {{"hnsw", {{"space", space_of(options.metric)}}}}}};
    if (!options.embedding_model.empty()) create["metadata"] = {{kModelKey, options.embedding_model}};
    const Json info = call("POST", api_, &create);
    id_ = info.value("id", "");
    if (id_.empty()) throw IoError("chroma store: the server did not return a collection id");
    const std::string space =
        info.contains("configuration_json") && info["configuration_json"].is_object()
            ? info["configuration_json"].value("/hnsw/space"_json_pointer, std::string("l2"))
            : "l2";
    metric_ = space == "cosine" ? Metric::cosine : space == "ip" ? Metric::dot : Metric::l2;
    if (info.contains("dimension") && info["dimension"].is_number_unsigned())
      dimensions_ = info["dimension"].get<size_t>();

    const Json metadata =
        info.contains("metadata") && info["metadata"].is_object() ? info["metadata"] : Json::object();
    const std::string recorded = metadata.value(kModelKey, "");
    if (!options.embedding_model.empty() && recorded != options.embedding_model) {
      if (!recorded.empty())
        throw InvalidArgumentError("chroma store: collection '" + collection_ + "' holds vectors of '" +
                                   recorded + "', not '" + options.embedding_model + "'");
      Json updated = metadata;
      updated[kModelKey] = options.embedding_model;
      Json change = {{"new_metadata", updated}};
      call("PUT", api_ + "/" + id_, &change);
    }
  }

  // Chroma applies one request atomically; a call larger than the server's max_batch_size is sent in several
  // requests, each atomic on its own.
  void upsert(std::span<const Record> records) override {
    if (records.empty()) return;
    const size_t dims = check_records(records, "chroma store");
    std::lock_guard lock(mutex_);
    const size_t have = current_dimensions();
    if (have) check_dimensions("chroma store", dims, have);
    for (size_t start = 0; start < records.size(); start += max_batch_) {
      Json ids = Json::array(), embeddings = Json::array(), documents = Json::array(),
           metadatas = Json::array();
      for (size_t i = start; i < std::min(records.size(), start + max_batch_); ++i)
        ids.push_back(records[i].id);
      // Chroma's upsert merges metadata into an existing record's; a replacement must drop the old keys,
      // which Chroma deletes when they are sent as null.
      Json lookup = {{"ids", ids}, {"include", {"metadatas"}}};
      const Json existing = call("POST", api_ + "/" + id_ + "/get", &lookup);
      std::map<std::string, Json> old_metadata;
      for (size_t i = 0; i < existing["ids"].size(); ++i)
        if (existing["metadatas"].is_array() && existing["metadatas"][i].is_object())
          old_metadata[existing["ids"][i].get<std::string>()] = existing["metadatas"][i];
      for (size_t i = start; i < std::min(records.size(), start + max_batch_); ++i) {
        const auto& r = records[i];
        embeddings.push_back(r.vector);
        documents.push_back(r.text);
        Json metadata = chroma::to_chroma_metadata(r.metadata);
        if (auto old = old_metadata.find(r.id); old != old_metadata.end())
          for (const auto& [key, value] : old->second.items())
            if (!metadata.contains(key)) metadata[key] = nullptr;
        metadatas.push_back(std::move(metadata));
      }
      Json body = {
          {"ids", ids}, {"embeddings", embeddings}, {"documents", documents}, {"metadatas", metadatas}};
      call("POST", api_ + "/" + id_ + "/upsert", &body);
    }
    dimensions_ = dims;
  }

  // Chroma's delete does not say how many records existed, so the ids are looked up first.
  size_t remove(std::span<const std::string> ids) override {
    if (ids.empty()) return 0;
    std::lock_guard lock(mutex_);
    Json query = {{"ids", Json(std::vector<std::string>(ids.begin(), ids.end()))},
                  {"include", Json::array()}};
    const Json found = call("POST", api_ + "/" + id_ + "/get", &query)["ids"];
    if (found.empty()) return 0;
    Json del = {{"ids", found}};
    call("POST", api_ + "/" + id_ + "/delete", &del);
    return found.size();
  }

  size_t remove_where(const Filter& filter) override {
    if (filter.empty()) return 0;
    std::lock_guard lock(mutex_);
    const auto where = chroma::to_where(filter);
    if (!where) return 0;
    const Json found = matching_ids(*where);
    if (found.empty()) return 0;
    Json del = {{"ids", found}};
    call("POST", api_ + "/" + id_ + "/delete", &del);
    return found.size();
  }

  std::optional<Record> get(std::string_view id) override {
    std::lock_guard lock(mutex_);
    Json query = {{"ids", {std::string(id)}}, {"include", {"embeddings", "documents", "metadatas"}}};
    const Json got = call("POST", api_ + "/" + id_ + "/get", &query);
    if (!got["ids"].is_array() || got["ids"].empty()) return std::nullopt;
    Record r;
    r.id = got["ids"][0].get<std::string>();
    if (got["embeddings"].is_array() && got["embeddings"][0].is_array())
      r.vector = got["embeddings"][0].get<std::vector<float>>();
    if (got["documents"].is_array() && got["documents"][0].is_string()) r.text = got["documents"][0];
    if (got["metadatas"].is_array()) r.metadata = chroma::from_chroma_metadata(got["metadatas"][0]);
    return r;
  }

  size_t count(const Filter& filter) override {
    std::lock_guard lock(mutex_);
    if (filter.empty()) return call("GET", api_ + "/" + id_ + "/count", nullptr).get<size_t>();
    const auto where = chroma::to_where(filter);
    return where ? matching_ids(*where).size() : 0;
  }

  std::vector<Hit> search(std::span<const float> query, size_t k, const Filter& filter) override {
    if (query.empty()) throw InvalidArgumentError("chroma store: the query has an empty vector");
    std::lock_guard lock(mutex_);
    const size_t have = current_dimensions();
    if (k == 0 || have == 0) return {};
    check_dimensions("chroma store", query.size(), have, /*query=*/true);
    const auto where = chroma::to_where(filter);
    if (!where) return {};
    Json body = {{"query_embeddings", {std::vector<float>(query.begin(), query.end())}},
                 {"n_results", k},
                 {"include", {"documents", "metadatas", "distances"}}};
    if (!where->empty()) body["where"] = *where;
    const Json got = call("POST", api_ + "/" + id_ + "/query", &body);
    std::vector<Hit> hits;
    if (!got["ids"].is_array() || got["ids"].empty()) return hits;
    const Json& ids = got["ids"][0];
    for (size_t i = 0; i < ids.size(); ++i) {
      Hit h;
      h.id = ids[i].get<std::string>();
      h.score = score_of(metric_, got["distances"][0][i].get<double>());
      if (got["documents"][0][i].is_string()) h.text = got["documents"][0][i];
      h.metadata = chroma::from_chroma_metadata(got["metadatas"][0][i]);
      hits.push_back(std::move(h));
    }
    return hits;
  }

  Metric metric() const override { return metric_; }
  size_t dimensions() const override {
    std::lock_guard lock(mutex_);
    return dimensions_;
  }
  std::string ref() const override { return ref_; }

 private:
  // Chroma fixes a collection's dimension at its first add; another client may have done that since we
  // opened.
  size_t current_dimensions() {
    if (dimensions_ == 0) {
      const Json info = call("GET", api_ + "/by-id/" + id_, nullptr, true);
      if (info.contains("dimension") && info["dimension"].is_number_unsigned())
        dimensions_ = info["dimension"].get<size_t>();
    }
    return dimensions_;
  }

  Json matching_ids(const Json& where) {
    Json query = {{"include", Json::array()}};
    if (!where.empty()) query["where"] = where;
    return call("POST", api_ + "/" + id_ + "/get", &query)["ids"];
  }

  // One JSON request. Chroma's InvalidArgumentError becomes ours; other failures are IoError.
  Json call(const std::string& method, const std::string& url, const Json* body, bool missing_ok = false) {
    const auto response = send_json(client_, method, url, body);
    auto parsed = parse_json(response.body);
    if (response.ok()) {
      if (!parsed.ok())
        throw IoError("chroma store: unreadable reply from " + url + ": " + parsed.error().message);
      return std::move(parsed).value();
    }
    if (missing_ok && response.status == 404) return Json::object();
    std::string kind, message = response.body.substr(0, 500);
    if (parsed.ok() && parsed.value().is_object()) {
      kind = parsed.value().value("error", "");
      message = parsed.value().value("message", message);
    }
    throw_reply_error("chroma store", method, url, response.status, message, kind == "InvalidArgumentError");
  }

  http::Client client_;
  const std::string ref_;
  const std::string collection_;
  std::string api_;
  std::string id_;
  size_t max_batch_ = 1000;
  Metric metric_ = Metric::cosine;
  size_t dimensions_ = 0;
  mutable std::mutex mutex_;
};

}  // namespace

std::unique_ptr<VectorStore> open_chroma_store(const std::string& base_url, const StoreOptions& options) {
  return std::make_unique<ChromaStore>(base_url, options);
}

}  // namespace alith::store
