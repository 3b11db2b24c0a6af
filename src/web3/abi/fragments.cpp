// Functions, events, errors and constructors: the human-readable grammar, signatures, selectors, topics,
// call and log encoding and decoding.

#include <algorithm>

#include "alith/web3/keccak.h"
#include "parser.h"

namespace alith::web3::abi {
namespace detail {
namespace {

// Modifiers after the parameter list of a function, constructor, fallback or receive.
Result<void> parse_modifiers(Cursor& in, std::string& mutability, std::vector<Param>* outputs) {
  for (;;) {
    size_t at = in.offset();
    std::string_view id = in.identifier();
    if (id.empty()) break;
    if (id == "view" || id == "pure" || id == "payable" || id == "nonpayable") {
      mutability = id;
    } else if (id == "constant") {
      mutability = "view";
    } else if (id == "external" || id == "public" || id == "internal" || id == "private" || id == "virtual" ||
               id == "override") {
      // visibility and inheritance say nothing about the ABI
    } else if (id == "returns" && outputs) {
      auto out = parse_params(in, false);
      if (!out) return out.error();
      *outputs = std::move(out).value();
    } else {
      in.set_offset(at);
      return in.error("unexpected word " + std::string(id));
    }
  }
  in.eat(';');
  if (!in.at_end()) return in.error("unexpected text");
  return {};
}

}  // namespace

Result<Fragment> parse_fragment(std::string_view text) {
  if (text.size() > 65536) return make_error(ErrorCode::parse, "signature longer than 64 KiB");
  Cursor in(text);
  Fragment f;
  size_t at = in.offset();
  std::string_view keyword = in.identifier();
  if (keyword.empty()) return in.error("expected a fragment (function, event, error, constructor)");
  if (keyword == "constructor") {
    f.kind = Fragment::Kind::constructor;
    auto params = parse_params(in, false);
    if (!params) return params.error();
    f.constructor.inputs = std::move(params).value();
    auto mods = parse_modifiers(in, f.constructor.state_mutability, nullptr);
    if (!mods) return mods.error();
    if (f.constructor.state_mutability != "payable" && f.constructor.state_mutability != "nonpayable")
      return in.error("a constructor is payable or nonpayable");
    return f;
  }
  if (keyword == "fallback" || keyword == "receive") {
    f.kind = keyword == "fallback" ? Fragment::Kind::fallback : Fragment::Kind::receive;
    auto params = parse_params(in, false);
    if (!params) return params.error();
    std::vector<Param> outputs;
    auto mods = parse_modifiers(in, f.function.state_mutability, &outputs);
    if (!mods) return mods.error();
    return f;
  }
  std::string_view name = keyword;
  const bool keyword_given = keyword == "function" || keyword == "event" || keyword == "error";
  if (keyword_given) {
    name = in.identifier();
    if (name.empty()) return in.error("expected a name");
  } else {
    in.set_offset(at);
    in.identifier();
    if (in.peek() != '(') return in.error("expected '(' after the name");
  }
  if (keyword == "event") {
    f.kind = Fragment::Kind::event;
    f.event.name = name;
    auto params = parse_params(in, true);
    if (!params) return params.error();
    f.event.inputs = std::move(params).value();
    if (in.peek_identifier() == "anonymous") {
      in.identifier();
      f.event.anonymous = true;
    }
    in.eat(';');
    if (!in.at_end()) return in.error("unexpected text after the event");
    return f;
  }
  if (keyword == "error") {
    f.kind = Fragment::Kind::error;
    f.error.name = name;
    auto params = parse_params(in, false);
    if (!params) return params.error();
    f.error.inputs = std::move(params).value();
    in.eat(';');
    if (!in.at_end()) return in.error("unexpected text after the error");
    return f;
  }
  f.kind = Fragment::Kind::function;
  f.function.name = name;
  auto params = parse_params(in, false);
  if (!params) return params.error();
  f.function.inputs = std::move(params).value();
  auto mods = parse_modifiers(in, f.function.state_mutability, &f.function.outputs);
  if (!mods) return mods.error();
  return f;
}

}  // namespace detail

namespace {

template <class T>
Result<T> parse_as(std::string_view text, detail::Fragment::Kind kind, T detail::Fragment::*member,
                   const char* what) {
  auto f = detail::parse_fragment(text);
  if (!f) return f.error();
  if (f->kind != kind)
    return make_error(ErrorCode::parse, std::string("not ") + what + ": " + std::string(text));
  return std::move((*f).*member);
}

std::string mutability_suffix(const std::string& m) {
  return m.empty() || m == "nonpayable" ? std::string() : " " + m;
}

FixedBytes<4> first4(const Hash& h) {
  FixedBytes<4> out;
  std::copy(h.begin(), h.begin() + 4, out.begin());
  return out;
}

Result<std::vector<Value>> decode_after_selector(ByteView data, const FixedBytes<4>& selector,
                                                 const std::vector<Param>& params, const std::string& what) {
  if (data.size() < 4 || !std::equal(selector.begin(), selector.end(), data.begin()))
    return make_error(ErrorCode::parse, "data does not start with the selector of " + what, 0);
  auto values = decode(types_of(params), data.subspan(4));
  if (!values) {
    ErrorInfo e = values.error();
    if (e.offset) *e.offset += 4;
    return e;
  }
  return values;
}

Bytes with_selector(const FixedBytes<4>& selector, const Bytes& encoded) {
  Bytes out(selector.begin(), selector.end());
  out.insert(out.end(), encoded.begin(), encoded.end());
  return out;
}

}  // namespace

std::vector<Type> types_of(const std::vector<Param>& params) {
  std::vector<Type> out;
  out.reserve(params.size());
  for (const Param& p : params) out.push_back(p.type);
  return out;
}

// ---- Function

Result<Function> Function::parse(std::string_view human_readable) {
  return parse_as(human_readable, detail::Fragment::Kind::function, &detail::Fragment::function,
                  "a function");
}

std::string Function::signature() const {
  return name + detail::join_canonical(inputs);
}

FixedBytes<4> Function::selector() const {
  return first4(signature_hash(signature()));
}

std::string Function::human_readable() const {
  std::string out =
      "function " + name + detail::join_full(inputs, false) + mutability_suffix(state_mutability);
  if (!outputs.empty()) out += " returns " + detail::join_full(outputs, false);
  return out;
}

Bytes Function::encode_call(const std::vector<Value>& args) const {
  try {
    return with_selector(selector(), encode(types_of(inputs), args));
  } catch (const InvalidArgumentError& e) {
    throw InvalidArgumentError(signature() + ": " + e.what());
  }
}

Result<std::vector<Value>> Function::decode_input(ByteView calldata) const {
  return decode_after_selector(calldata, selector(), inputs, signature());
}

Bytes Function::encode_output(const std::vector<Value>& results) const {
  return encode(types_of(outputs), results);
}

Result<std::vector<Value>> Function::decode_output(ByteView data) const {
  return decode(types_of(outputs), data);
}

// ---- Event

Result<Event> Event::parse(std::string_view human_readable) {
  return parse_as(human_readable, detail::Fragment::Kind::event, &detail::Fragment::event, "an event");
}

std::string Event::signature() const {
  return name + detail::join_canonical(inputs);
}

Hash Event::topic() const {
  return signature_hash(signature());
}

std::string Event::human_readable() const {
  return "event " + name + detail::join_full(inputs, true) + (anonymous ? " anonymous" : "");
}

namespace {
bool topic_is_hash(const Type& t) {
  return t.is_dynamic() || t.kind() == Type::Kind::fixed_array || t.kind() == Type::Kind::tuple;
}
}  // namespace

Result<DecodedLog> Event::decode_log(const std::vector<Hash>& topics, ByteView data) const {
  const size_t indexed =
      size_t(std::count_if(inputs.begin(), inputs.end(), [](const Param& p) { return p.indexed; }));
  const size_t first = anonymous ? 0 : 1;
  if (topics.size() != indexed + first)
    return make_error(ErrorCode::parse, "log of " + signature() + " needs " +
                                            std::to_string(indexed + first) + " topics, got " +
                                            std::to_string(topics.size()));
  if (!anonymous && topics[0] != topic())
    return make_error(ErrorCode::parse, "log topic0 is not the topic of " + signature());
  std::vector<Type> data_types;
  for (const Param& p : inputs)
    if (!p.indexed) data_types.push_back(p.type);
  auto values = decode(data_types, data);
  if (!values) return values.error();
  DecodedLog log;
  log.event = name;
  log.signature = signature();
  size_t next_topic = first, next_value = 0;
  for (const Param& p : inputs) {
    DecodedArg arg{p.name, p.type, Value(), p.indexed, false};
    if (p.indexed) {
      const Hash& topic = topics[next_topic++];
      if (topic_is_hash(p.type)) {
        arg.hashed = true;
        arg.value = Value(topic);
      } else {
        auto v = abi::decode(p.type, ByteView(topic));
        if (!v)
          return make_error(ErrorCode::parse,
                            "topic for " + p.type.canonical() + " " + p.name + ": " + v.error().message);
        arg.value = std::move(v).value();
      }
    } else {
      arg.value = std::move((*values)[next_value++]);
    }
    log.args.push_back(std::move(arg));
  }
  return log;
}

std::pair<std::vector<Hash>, Bytes> Event::encode_log(const std::vector<Value>& values) const {
  if (values.size() != inputs.size())
    throw InvalidArgumentError(signature() + ": " + std::to_string(inputs.size()) + " arguments, got " +
                               std::to_string(values.size()));
  std::vector<Hash> topics;
  if (!anonymous) topics.push_back(topic());
  std::vector<Type> data_types;
  std::vector<Value> data_values;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].indexed) {
      topics.push_back(encode_topic(inputs[i].type, values[i]));
    } else {
      data_types.push_back(inputs[i].type);
      data_values.push_back(values[i]);
    }
  }
  return {std::move(topics), encode(data_types, data_values)};
}

const Value& DecodedLog::operator[](std::string_view name) const {
  for (const DecodedArg& a : args)
    if (a.name == name) return a.value;
  throw InvalidArgumentError("log of " + signature + " has no argument " + std::string(name));
}

Json DecodedLog::to_json() const {
  Json values = Json::object();
  for (size_t i = 0; i < args.size(); ++i) {
    const DecodedArg& a = args[i];
    std::string key = a.name.empty() ? std::to_string(i) : a.name;
    values[key] = a.hashed ? Json(to_hex(a.value.as_bytes())) : abi::to_json(a.type, a.value);
  }
  return {{"event", event}, {"signature", signature}, {"args", std::move(values)}};
}

// ---- ErrorDef

Result<ErrorDef> ErrorDef::parse(std::string_view human_readable) {
  return parse_as(human_readable, detail::Fragment::Kind::error, &detail::Fragment::error, "an error");
}

std::string ErrorDef::signature() const {
  return name + detail::join_canonical(inputs);
}

FixedBytes<4> ErrorDef::selector() const {
  return first4(signature_hash(signature()));
}

std::string ErrorDef::human_readable() const {
  return "error " + name + detail::join_full(inputs, false);
}

Bytes ErrorDef::encode(const std::vector<Value>& args) const {
  return with_selector(selector(), abi::encode(types_of(inputs), args));
}

Result<std::vector<Value>> ErrorDef::decode(ByteView revert_data) const {
  return decode_after_selector(revert_data, selector(), inputs, signature());
}

// ---- Constructor

Result<Constructor> Constructor::parse(std::string_view human_readable) {
  return parse_as(human_readable, detail::Fragment::Kind::constructor, &detail::Fragment::constructor,
                  "a constructor");
}

std::string Constructor::human_readable() const {
  return "constructor" + detail::join_full(inputs, false) + mutability_suffix(state_mutability);
}

Bytes Constructor::encode_deploy(ByteView bytecode, const std::vector<Value>& args) const {
  Bytes out(bytecode.begin(), bytecode.end());
  Bytes encoded = encode(types_of(inputs), args);
  out.insert(out.end(), encoded.begin(), encoded.end());
  return out;
}

}  // namespace alith::web3::abi
