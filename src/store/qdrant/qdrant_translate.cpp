#include "qdrant/qdrant_translate.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <vector>

#include "alith/core/error.h"

namespace alith::store::qdrant {
namespace {

using Op = Condition::Op;

std::array<unsigned char, 16> uuid_bytes(std::string_view uuid) {
  std::array<unsigned char, 16> out{};
  size_t n = 0;
  for (size_t i = 0; i + 1 < uuid.size() && n < out.size(); ++i) {
    if (uuid[i] == '-') continue;
    unsigned value = 0;
    std::sscanf(std::string(uuid.substr(i, 2)).c_str(), "%2x", &value);
    out[n++] = static_cast<unsigned char>(value);
    ++i;
  }
  return out;
}

// A metadata field as a Qdrant JSON path: plain names as they are, others in double quotes (so '.', '[' and
// spaces stay part of the name). Qdrant's paths have no escape for a double quote itself.
std::string key_of(const std::string& field) {
  const bool plain = std::all_of(field.begin(), field.end(),
                                 [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; });
  if (plain) return "metadata." + field;
  if (field.find_first_of("\"\\") != std::string::npos)
    throw UnsupportedError("qdrant store: filter on '" + field + "': Qdrant paths cannot hold '\"' or '\\'");
  return "metadata.\"" + field + "\"";
}

// One condition that holds when the field equals value.
Json equals(const std::string& key, const Json& value) {
  if (value.is_number()) return {{"key", key}, {"range", {{"gte", value}, {"lte", value}}}};
  return {{"key", key}, {"match", {{"value", value}}}};
}

// The conditions of which at least one holds when the field is in the list.
std::vector<Json> any_of(const std::string& key, const Json& list) {
  std::vector<Json> out;
  Json strings = Json::array();
  for (const auto& v : list) {
    if (v.is_string())
      strings.push_back(v);
    else
      out.push_back(equals(key, v));
  }
  if (!strings.empty()) out.insert(out.begin(), Json{{"key", key}, {"match", {{"any", strings}}}});
  return out;
}

const char* range_name(Op op) {
  switch (op) {
    case Op::lt:
      return "lt";
    case Op::lte:
      return "lte";
    case Op::gt:
      return "gt";
    default:
      return "gte";
  }
}

}  // namespace

std::string point_id(std::string_view id) {
  const auto ns = uuid_bytes(kIdNamespace);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  std::string input(reinterpret_cast<const char*>(ns.data()), ns.size());
  input.append(id);
  if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha1(), nullptr) != 1 || length < 16)
    throw Error(ErrorCode::crypto, "qdrant store: SHA-1 failed");
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0F) | 0x50);  // version 5
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3F) | 0x80);  // RFC variant
  char out[37];
  std::snprintf(out, sizeof(out), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
                digest[8], digest[9], digest[10], digest[11], digest[12], digest[13], digest[14], digest[15]);
  return out;
}

std::optional<Json> to_qdrant_filter(const Filter& filter) {
  Json must = Json::array(), must_not = Json::array();
  for (const auto& c : filter.conditions()) {
    const std::string key = key_of(c.field);
    switch (c.op) {
      case Op::eq:
        must.push_back(equals(key, c.value));
        break;
      case Op::ne:
        // must_not also admits points without the field, as Filter::matches does.
        must_not.push_back(equals(key, c.value));
        break;
      case Op::in: {
        auto any = any_of(key, c.value);
        if (any.empty()) return std::nullopt;
        must.push_back(any.size() == 1 ? any[0] : Json{{"should", any}});
        break;
      }
      case Op::nin:
        for (auto& condition : any_of(key, c.value)) must_not.push_back(std::move(condition));
        break;
      case Op::lt:
      case Op::lte:
      case Op::gt:
      case Op::gte:
        if (!c.value.is_number())
          throw UnsupportedError("qdrant store: filter on '" + c.field +
                                 "': Qdrant ranges compare only numbers");
        must.push_back({{"key", key}, {"range", {{range_name(c.op), c.value}}}});
        break;
    }
  }
  Json out = Json::object();
  if (!must.empty()) out["must"] = must;
  if (!must_not.empty()) out["must_not"] = must_not;
  return out;
}

std::string_view distance_name(Metric metric) {
  switch (metric) {
    case Metric::cosine:
      return "Cosine";
    case Metric::dot:
      return "Dot";
    case Metric::l2:
      return "Euclid";
  }
  return "Cosine";
}

Metric metric_from_distance(std::string_view distance) {
  if (distance == "Cosine") return Metric::cosine;
  if (distance == "Dot") return Metric::dot;
  if (distance == "Euclid") return Metric::l2;
  throw UnsupportedError("qdrant store: distance '" + std::string(distance) + "' has no alith metric");
}

float score_of(Metric metric, double qdrant_score) {
  return static_cast<float>(metric == Metric::l2 ? -qdrant_score : qdrant_score);
}

}  // namespace alith::store::qdrant
