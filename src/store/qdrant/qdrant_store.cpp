// Qdrant over its HTTP API. One Qdrant collection per store collection, with a single unnamed vector
// {size, distance: Cosine | Dot | Euclid}; the collection is created by the first upsert, when the dimension
// is known. The embedding model is recorded in the collection's metadata (Qdrant >= 1.16). Writes wait for
// the change to be applied (wait=true), so a read right after sees it.
//
// Qdrant normalises the vectors of Cosine collections when it stores them; the payload keeps the vector as
// given, so get() returns what was upserted. Searches ask for the payload without it.
// Keyword search is not offered: Qdrant's full-text `match: {text}` filters without ranking.

#include <cmath>
#include <mutex>
#include <utility>

#include "alith/core/error.h"
#include "alith/core/http.h"
#include "backends.h"
#include "json_http.h"
#include "qdrant/qdrant_translate.h"
#include "validate.h"

namespace alith::store {
namespace {

constexpr const char* kModelKey = "alith_embedding_model";

class QdrantStore final : public VectorStore {
 public:
  QdrantStore(std::string base_url, const StoreOptions& options)
      : ref_("qdrant:" + base_url),
        collection_(options.collection),
        metric_(options.metric),
        embedding_model_(options.embedding_model) {
    base_url = checked_base_url(std::move(base_url), "qdrant", ref_);
    if (collection_.empty()) throw InvalidArgumentError("qdrant store: empty collection name");
    collection_url_ = base_url + "/collections/" + http::url_encode(collection_);
    load_collection();
  }

  void upsert(std::span<const Record> records) override {
    if (records.empty()) return;
    const size_t dims = check_records(records, "qdrant store");
    std::lock_guard lock(mutex_);
    if (dimensions_ == 0) load_collection();
    if (dimensions_ == 0) create_collection(dims);
    check_dimensions("qdrant store", dims, dimensions_);
    Json points = Json::array();
    for (const auto& r : records) {
      Json payload = {
          {"id", r.id}, {"text", r.text}, {"metadata", r.metadata.is_object() ? r.metadata : Json::object()}};
      if (metric_ == Metric::cosine) payload["vector"] = r.vector;
      points.push_back(
          {{"id", qdrant::point_id(r.id)}, {"vector", r.vector}, {"payload", std::move(payload)}});
    }
    Json body = {{"points", points}};
    call("PUT", collection_url_ + "/points?wait=true", &body);
  }

  size_t remove(std::span<const std::string> ids) override {
    if (ids.empty()) return 0;
    std::lock_guard lock(mutex_);
    if (!ready()) return 0;
    Json points = Json::array();
    for (const auto& id : ids) points.push_back(qdrant::point_id(id));
    // Qdrant's delete does not say how many points existed.
    Json lookup = {{"ids", points}, {"with_payload", false}, {"with_vector", false}};
    const Json found = call("POST", collection_url_ + "/points", &lookup)["result"];
    if (!found.is_array() || found.empty()) return 0;
    Json existing = Json::array();
    for (const auto& p : found) existing.push_back(p["id"]);
    Json body = {{"points", existing}};
    call("POST", collection_url_ + "/points/delete?wait=true", &body);
    return existing.size();
  }

  size_t remove_where(const Filter& filter) override {
    if (filter.empty()) return 0;
    std::lock_guard lock(mutex_);
    if (!ready()) return 0;
    const auto f = qdrant::to_qdrant_filter(filter);
    if (!f) return 0;
    const size_t n = count_locked(*f);
    if (n == 0) return 0;
    Json body = {{"filter", *f}};
    call("POST", collection_url_ + "/points/delete?wait=true", &body);
    return n;
  }

  std::optional<Record> get(std::string_view id) override {
    std::lock_guard lock(mutex_);
    if (!ready()) return std::nullopt;
    Json body = {{"ids", {qdrant::point_id(id)}}, {"with_payload", true}, {"with_vector", true}};
    const Json found = call("POST", collection_url_ + "/points", &body)["result"];
    if (!found.is_array() || found.empty()) return std::nullopt;
    const Json& p = found[0];
    Record r;
    r.id = std::string(id);
    const Json* vector = p.contains("vector") ? &p["vector"] : nullptr;
    if (p.contains("payload") && p["payload"].is_object() && p["payload"].contains("vector"))
      vector = &p["payload"]["vector"];
    if (vector && vector->is_array()) r.vector = vector->get<std::vector<float>>();
    read_payload(p, r.text, r.metadata);
    return r;
  }

  size_t count(const Filter& filter) override {
    std::lock_guard lock(mutex_);
    if (!ready()) return 0;
    const auto f = qdrant::to_qdrant_filter(filter);
    return f ? count_locked(*f) : 0;
  }

  std::vector<Hit> search(std::span<const float> query, size_t k, const Filter& filter) override {
    if (query.empty()) throw InvalidArgumentError("qdrant store: the query has an empty vector");
    std::lock_guard lock(mutex_);
    if (k == 0 || !ready()) return {};
    check_dimensions("qdrant store", query.size(), dimensions_, /*query=*/true);
    const auto f = qdrant::to_qdrant_filter(filter);
    if (!f) return {};
    Json body = {{"query", std::vector<float>(query.begin(), query.end())},
                 {"limit", k},
                 {"with_payload", {"id", "text", "metadata"}}};
    if (!f->empty()) body["filter"] = *f;
    const Json result = call("POST", collection_url_ + "/points/query", &body)["result"];
    std::vector<Hit> hits;
    if (!result.is_object() || !result.contains("points") || !result["points"].is_array()) return hits;
    for (const auto& p : result["points"]) {
      Hit h;
      h.score = qdrant::score_of(metric_, p.value("score", 0.0));
      if (p.contains("payload") && p["payload"].is_object()) h.id = p["payload"].value("id", "");
      if (h.id.empty()) h.id = p["id"].is_string() ? p["id"].get<std::string>() : p["id"].dump();
      read_payload(p, h.text, h.metadata);
      hits.push_back(std::move(h));
    }
    return hits;
  }

  Metric metric() const override {
    std::lock_guard lock(mutex_);
    return metric_;
  }
  size_t dimensions() const override {
    std::lock_guard lock(mutex_);
    return dimensions_;
  }
  std::string ref() const override { return ref_; }

 private:
  static void read_payload(const Json& point, std::string& text, Json& metadata) {
    if (!point.contains("payload") || !point["payload"].is_object()) return;
    const Json& payload = point["payload"];
    text = payload.value("text", "");
    if (payload.contains("metadata") && payload["metadata"].is_object()) metadata = payload["metadata"];
  }

  // Reads the collection's settings when it exists (another client may have created it since we opened).
  void load_collection() {
    const Json info = call("GET", collection_url_, nullptr, true);
    if (!info.contains("result") || !info["result"].is_object()) return;
    const Json& config = info["result"].value("config", Json::object());
    const Json vectors = config.is_object() ? config.value("/params/vectors"_json_pointer, Json()) : Json();
    if (!vectors.is_object() || !vectors.contains("size"))
      throw UnsupportedError("qdrant store: collection '" + collection_ +
                             "' uses named vectors; alith expects one unnamed vector");
    dimensions_ = vectors["size"].get<size_t>();
    metric_ = qdrant::metric_from_distance(vectors.value("distance", ""));
    const Json metadata = config.value("metadata", Json::object());
    const std::string recorded = metadata.is_object() ? metadata.value(kModelKey, "") : "";
    if (!embedding_model_.empty() && recorded != embedding_model_) {
      if (!recorded.empty())
        throw InvalidArgumentError("qdrant store: collection '" + collection_ + "' holds vectors of '" +
                                   recorded + "', not '" + embedding_model_ + "'");
      Json change = {{"metadata", {{kModelKey, embedding_model_}}}};
      call("PATCH", collection_url_, &change);
    }
  }

  void create_collection(size_t dims) {
    Json body = {{"vectors", {{"size", dims}, {"distance", qdrant::distance_name(metric_)}}}};
    if (!embedding_model_.empty()) body["metadata"] = {{kModelKey, embedding_model_}};
    const Json created = call("PUT", collection_url_, &body, false, true);
    // 409: another client created it first; its settings win.
    if (created.is_object() && created.value("conflict", false)) {
      load_collection();
      return;
    }
    dimensions_ = dims;
  }

  bool ready() {
    if (dimensions_ == 0) load_collection();
    return dimensions_ > 0;
  }

  size_t count_locked(const Json& filter) {
    Json body = {{"exact", true}};
    if (!filter.empty()) body["filter"] = filter;
    return call("POST", collection_url_ + "/points/count", &body)["result"].value("count", size_t{0});
  }

  // One JSON request. Qdrant reports errors as {"status": {"error": "..."}}; 400 and 422 (bad input, such as
  // a dimension mismatch) become InvalidArgumentError, other failures IoError. With missing_ok a 404 returns
  // an empty object, with conflict_ok a 409 returns {"conflict": true}.
  Json call(const std::string& method, const std::string& url, const Json* body, bool missing_ok = false,
            bool conflict_ok = false) {
    const auto response = send_json(client_, method, url, body);
    auto parsed = parse_json(response.body);
    if (response.ok()) {
      if (!parsed.ok() || !parsed.value().is_object())
        throw IoError("qdrant store: unreadable reply from " + method + " " + url);
      return std::move(parsed).value();
    }
    if (missing_ok && response.status == 404) return Json::object();
    if (conflict_ok && response.status == 409) return Json{{"conflict", true}};
    std::string message = response.body.substr(0, 500);
    if (parsed.ok() && parsed.value().is_object())
      message = parsed.value().value("/status/error"_json_pointer, message);
    throw_reply_error("qdrant store", method, url, response.status, message);
  }

  http::Client client_;
  const std::string ref_;
  const std::string collection_;
  std::string collection_url_;
  Metric metric_;
  const std::string embedding_model_;
  size_t dimensions_ = 0;
  mutable std::mutex mutex_;
};

}  // namespace

std::unique_ptr<VectorStore> open_qdrant_store(const std::string& base_url, const StoreOptions& options) {
  return std::make_unique<QdrantStore>(base_url, options);
}

}  // namespace alith::store
