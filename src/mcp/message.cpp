// JSON-RPC 2.0 messages of MCP: parsing (never throws), serialization, versions, McpError.

#include <algorithm>
#include <charconv>
#include <cmath>

#include "alith/mcp/protocol.h"

namespace alith::mcp {

bool is_supported_protocol_version(std::string_view version) noexcept {
  return std::find(protocol_versions.begin(), protocol_versions.end(), version) != protocol_versions.end();
}

std::string negotiate_protocol_version(std::string_view requested) {
  return std::string(is_supported_protocol_version(requested) ? requested : latest_protocol_version);
}

McpError::McpError(int rpc_code, std::string rpc_message, Json data)
    : Error(ErrorCode::provider, "MCP error " + std::to_string(rpc_code) + ": " + rpc_message),
      rpc_code_(rpc_code),
      rpc_message_(std::move(rpc_message)),
      data_(std::move(data)) {}

Json to_json(const RequestId& id) {
  return std::visit([](const auto& v) { return Json(v); }, id);
}

std::string to_string(const RequestId& id) {
  std::string out;
  append_json(out, id);
  return out;
}

void append_json(std::string& out, const RequestId& id) {
  if (const auto* n = std::get_if<int64_t>(&id)) {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, *n).ptr;
    out.append(digits, end);
  } else {
    append_json_string(out, std::get<std::string>(id));
  }
}

namespace {

ErrorInfo invalid(std::string message) {
  return make_error(ErrorCode::parse, "invalid JSON-RPC message: " + message);
}

// An id: an integral number or a string. Fractional numbers are rejected: no peer sends them and they would
// not round-trip.
std::optional<RequestId> read_id(const Json& id) {
  if (id.is_string()) return RequestId(id.get<std::string>());
  if (id.is_number_integer()) {
    if (id.is_number_unsigned() && id.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return RequestId(id.get<int64_t>());
  }
  if (id.is_number_float()) {
    double d = id.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15)
      return RequestId(static_cast<int64_t>(d));
  }
  return std::nullopt;
}

// The members of a message that matter, each absent (nullopt) or present with its value.
struct Envelope {
  std::optional<Json> jsonrpc, id, method, params, result, error;

  void take(std::string_view key, Json&& value) {
    if (auto* slot = member(key)) *slot = std::move(value);  // other members (_meta, extensions) are ignored
  }
  std::optional<Json>* member(std::string_view key) {
    if (key == "jsonrpc") return &jsonrpc;
    if (key == "id") return &id;
    if (key == "method") return &method;
    if (key == "params") return &params;
    if (key == "result") return &result;
    if (key == "error") return &error;
    return nullptr;
  }
};

Result<Message> message_from_envelope(Envelope&& e) {
  if (!e.jsonrpc || !e.jsonrpc->is_string() || e.jsonrpc->get_ref<const std::string&>() != "2.0") {
    return invalid("\"jsonrpc\" must be \"2.0\"");
  }
  Json params;
  if (e.params) {
    if (!e.params->is_object() && !e.params->is_array() && !e.params->is_null())
      return invalid("\"params\" must be an object");
    if (e.params->is_array()) return invalid("\"params\" must be an object (MCP uses named parameters)");
    params = std::move(*e.params);
  }
  if (e.method) {
    if (!e.method->is_string()) return invalid("\"method\" must be a string");
    if (e.result || e.error) return invalid("a request cannot carry result or error");
    std::string name = std::move(e.method->get_ref<std::string&>());
    if (name.empty()) return invalid("\"method\" is empty");
    if (!e.id) return Message(Notification{std::move(name), std::move(params)});
    auto rid = read_id(*e.id);
    if (!rid) return invalid("\"id\" must be a string or an integer");
    return Message(Request{std::move(*rid), std::move(name), std::move(params)});
  }
  if (e.result && e.error) return invalid("both \"result\" and \"error\"");
  if (e.result) {
    if (!e.id) return invalid("a response needs an \"id\"");
    auto rid = read_id(*e.id);
    if (!rid) return invalid("\"id\" must be a string or an integer");
    if (!e.result->is_object()) return invalid("\"result\" must be an object");
    return Message(Response{std::move(*rid), std::move(*e.result)});
  }
  if (e.error) {
    Json& error = *e.error;
    if (!error.is_object()) return invalid("\"error\" must be an object");
    auto code = error.find("code");
    auto message = error.find("message");
    if (code == error.end() || !code->is_number_integer())
      return invalid("\"error.code\" must be an integer");
    if (message == error.end() || !message->is_string()) return invalid("\"error.message\" must be a string");
    ErrorResponse out;
    if (code->is_number_unsigned() && code->get<uint64_t>() > static_cast<uint64_t>(INT32_MAX)) {
      return invalid("\"error.code\" out of range");
    }
    int64_t c = code->get<int64_t>();
    if (c < INT32_MIN || c > INT32_MAX) return invalid("\"error.code\" out of range");
    out.error.code = static_cast<int>(c);
    out.error.message = message->get<std::string>();
    if (auto data = error.find("data"); data != error.end()) out.error.data = std::move(*data);
    if (e.id && !e.id->is_null()) {
      out.id = read_id(*e.id);
      if (!out.id) return invalid("\"id\" must be a string, an integer or null");
    }
    return Message(std::move(out));
  }
  return invalid("neither a request, a notification nor a response");
}

Result<Message> not_an_object(const Json& json) {
  return invalid(json.is_array() ? "batches are not supported" : "not an object");
}

}  // namespace

Result<Message> message_from_json(const Json& json) {
  return message_from_json(Json(json));
}

// Takes the parsed document by value so that params, result and error data move into the message instead of
// being copied (a request's arguments are most of its nodes).
Result<Message> message_from_json(Json&& json) {
  if (!json.is_object()) return not_an_object(json);
  Envelope envelope;
  for (auto& [key, value] : json.get_ref<Json::object_t&>()) envelope.take(key, std::move(value));
  return message_from_envelope(std::move(envelope));
}

Result<Message> parse_message(std::string_view text, size_t max_bytes) {
  if (text.size() > max_bytes) {
    return make_error(ErrorCode::too_large, "MCP message of " + std::to_string(text.size()) +
                                                " bytes exceeds the limit of " + std::to_string(max_bytes));
  }
  // The envelope's members go straight to their fields: the object itself is never built.
  Envelope envelope;
  auto other = parse_json_members(
      text, [&](std::string_view key, Json&& value) { envelope.take(key, std::move(value)); }, 128);
  if (!other) {
    ErrorInfo e = other.error();
    if (!e.offset) e.offset = 0;  // marks a JSON syntax error (-32700)
    return e;
  }
  if (*other) return not_an_object(**other);
  return message_from_envelope(std::move(envelope));
}

Json to_json(const Message& message) {
  Json out{{"jsonrpc", "2.0"}};
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Request>) {
          out["id"] = to_json(m.id);
          out["method"] = m.method;
          if (!m.params.is_null()) out["params"] = m.params;
        } else if constexpr (std::is_same_v<T, Notification>) {
          out["method"] = m.method;
          if (!m.params.is_null()) out["params"] = m.params;
        } else if constexpr (std::is_same_v<T, Response>) {
          out["id"] = to_json(m.id);
          out["result"] = m.result.is_null() ? Json::object() : m.result;
        } else {
          out["id"] = m.id ? to_json(*m.id) : Json(nullptr);
          Json e{{"code", m.error.code}, {"message", m.error.message}};
          if (!m.error.data.is_null()) e["data"] = m.error.data;
          out["error"] = std::move(e);
        }
      },
      message);
  return out;
}

std::string serialize(const Message& message) {
  return dump_json(to_json(message));
}

ErrorResponse error_response_for(std::string_view text, const ErrorInfo& error) {
  ErrorResponse out;
  if (error.code == ErrorCode::parse && error.offset) {
    out.error = RpcError{rpc_error::parse_error, "Parse error: " + error.message, nullptr};
    return out;
  }
  out.error = RpcError{rpc_error::invalid_request, "Invalid Request: " + error.message, nullptr};
  if (error.code != ErrorCode::too_large) {
    if (auto json = parse_json(text, 128); json && json->is_object()) {
      if (auto id = json->find("id"); id != json->end()) out.id = read_id(*id);
    }
  }
  return out;
}

std::optional<Json> progress_token_of(const Json& params) {
  if (!params.is_object()) return std::nullopt;
  auto meta = params.find("_meta");
  if (meta == params.end() || !meta->is_object()) return std::nullopt;
  auto token = meta->find("progressToken");
  if (token == meta->end() || !(token->is_string() || token->is_number_integer())) return std::nullopt;
  return *token;
}

}  // namespace alith::mcp
