// abi::Interface: a contract's fragments from a JSON ABI or human-readable signatures, lookups by name,
// signature and hash, and revert decoding.

#include <algorithm>

#include "parser.h"

namespace alith::web3::abi {
namespace {

const FixedBytes<4> kErrorString = {0x08, 0xc3, 0x79, 0xa0};  // Error(string)
const FixedBytes<4> kPanic = {0x4e, 0x48, 0x7b, 0x71};        // Panic(uint256)

std::string panic_meaning(const U256& code) {
  if (!code.fits_u64()) return "unknown panic code";
  switch (code.low_u64()) {
    case 0x00:
      return "generic compiler panic";
    case 0x01:
      return "assertion failed";
    case 0x11:
      return "arithmetic overflow or underflow";
    case 0x12:
      return "division or modulo by zero";
    case 0x21:
      return "invalid enum value";
    case 0x22:
      return "invalid storage byte array encoding";
    case 0x31:
      return "pop on an empty array";
    case 0x32:
      return "array index out of bounds";
    case 0x41:
      return "out of memory (allocation too large)";
    case 0x51:
      return "call to a zero-initialized internal function";
    default:
      return "unknown panic code";
  }
}

bool starts_with(ByteView data, const FixedBytes<4>& selector) {
  return data.size() >= 4 && std::equal(selector.begin(), selector.end(), data.begin());
}

// ---- JSON ABI

Result<std::vector<Param>> params_from_json(const Json& entry, const char* key, bool allow_indexed) {
  std::vector<Param> out;
  auto it = entry.find(key);
  if (it == entry.end() || it->is_null()) return out;
  if (!it->is_array())
    return make_error(ErrorCode::parse, std::string("ABI \"") + key + "\" must be an array");
  for (const Json& p : *it) {
    auto t = Type::from_json_param(p);
    if (!t) return t.error();
    Param param;
    param.type = std::move(t).value();
    if (auto n = p.find("name"); n != p.end() && n->is_string()) param.name = n->get<std::string>();
    if (auto ix = p.find("indexed"); ix != p.end() && ix->is_boolean()) {
      if (ix->get<bool>() && !allow_indexed)
        return make_error(ErrorCode::parse, "'indexed' outside an event");
      param.indexed = ix->get<bool>();
    }
    out.push_back(std::move(param));
  }
  return out;
}

Result<std::string> mutability_from_json(const Json& entry) {
  if (auto m = entry.find("stateMutability"); m != entry.end() && m->is_string()) {
    std::string s = m->get<std::string>();
    if (s != "view" && s != "pure" && s != "payable" && s != "nonpayable")
      return make_error(ErrorCode::parse, "unknown stateMutability " + s);
    return s;
  }
  // ABIs from before solc 0.4.16
  if (auto p = entry.find("payable"); p != entry.end() && p->is_boolean() && p->get<bool>())
    return std::string("payable");
  if (auto c = entry.find("constant"); c != entry.end() && c->is_boolean() && c->get<bool>())
    return std::string("view");
  return std::string("nonpayable");
}

Result<std::string> name_from_json(const Json& entry) {
  auto n = entry.find("name");
  if (n == entry.end() || !n->is_string() || n->get_ref<const std::string&>().empty())
    return make_error(ErrorCode::parse, "ABI entry without a name");
  return n->get<std::string>();
}

Json params_to_json(const std::vector<Param>& params, bool with_indexed) {
  Json out = Json::array();
  for (const Param& p : params) {
    Json j = p.type.to_json_param(p.name);
    if (with_indexed) j["indexed"] = p.indexed;
    out.push_back(std::move(j));
  }
  return out;
}

template <class T>
const T& find_one(const std::vector<T>& items, std::string_view key, const char* what,
                  Result<T> (*parse)(std::string_view)) {
  std::vector<const T*> matches;
  if (key.find('(') != std::string_view::npos) {
    auto parsed = parse(key);
    if (!parsed)
      throw InvalidArgumentError(std::string("bad ") + what + " signature \"" + std::string(key) +
                                 "\": " + parsed.error().message);
    const std::string signature = parsed->signature();
    for (const T& item : items)
      if (item.signature() == signature) matches.push_back(&item);
  } else {
    for (const T& item : items)
      if (item.name == key) matches.push_back(&item);
  }
  if (matches.empty())
    throw InvalidArgumentError(std::string("no ") + what + " " + std::string(key) + " in the ABI");
  if (matches.size() > 1) {
    std::string list;
    for (const T* m : matches) list += (list.empty() ? "" : ", ") + m->signature();
    throw InvalidArgumentError(std::string("ambiguous ") + what + " " + std::string(key) +
                               ": give the signature, one of " + list);
  }
  return *matches.front();
}

template <class T>
Result<void> add_unique(std::vector<T>& items, T item, const char* what) {
  for (const T& existing : items)
    if (existing.signature() == item.signature())
      return make_error(ErrorCode::parse, std::string("duplicate ") + what + " " + item.signature());
  items.push_back(std::move(item));
  return {};
}

}  // namespace

std::string Revert::to_string() const {
  switch (kind) {
    case Kind::empty:
      return "reverted without data";
    case Kind::message:
      return "reverted: " + message;
    case Kind::panic:
      return "panic " + panic_code.to_hex() + " (" + message + ")";
    case Kind::custom: {
      std::string out = "reverted with " + error_name + "(";
      for (size_t i = 0; i < args.size(); ++i) {
        if (i) out += ", ";
        const Value& v = args[i];
        if (v.is_uint())
          out += v.as_uint().to_string();
        else if (v.is_bool())
          out += v.as_bool() ? "true" : "false";
        else if (v.is_address())
          out += v.as_address().to_checksum();
        else if (v.is_bytes())
          out += to_hex(v.as_bytes());
        else if (v.is_string())
          out += dump_json(v.as_string());
        else
          out += "[...]";
      }
      return out + ")";
    }
    case Kind::unknown:
      return "reverted with unrecognised data " +
             to_hex(ByteView(data).first(std::min<size_t>(data.size(), 68))) +
             (data.size() > 68 ? "..." : "");
  }
  return {};
}

Revert decode_revert(ByteView data) {
  Revert r;
  r.data.assign(data.begin(), data.end());
  if (data.empty()) return r;
  r.kind = Revert::Kind::unknown;
  if (starts_with(data, kErrorString)) {
    if (auto v = decode(Type::string(), data.subspan(4))) {
      r.kind = Revert::Kind::message;
      r.message = v->as_string();
    }
  } else if (starts_with(data, kPanic)) {
    if (auto v = decode(Type::uint(), data.subspan(4))) {
      r.kind = Revert::Kind::panic;
      r.panic_code = v->as_uint();
      r.message = panic_meaning(r.panic_code);
    }
  }
  return r;
}

Result<Interface> Interface::from_json(const Json& abi) {
  const Json* entries = &abi;
  if (abi.is_object()) {
    auto it = abi.find("abi");
    if (it == abi.end())
      return make_error(ErrorCode::parse, "a JSON ABI is an array (or an artifact with \"abi\")");
    entries = &*it;
  }
  if (!entries->is_array()) return make_error(ErrorCode::parse, "a JSON ABI is an array of fragments");
  Interface out;
  bool has_constructor = false;
  for (size_t i = 0; i < entries->size(); ++i) {
    const Json& e = (*entries)[i];
    auto fail = [i](const ErrorInfo& err) {
      return make_error(ErrorCode::parse, "ABI entry " + std::to_string(i) + ": " + err.message);
    };
    if (!e.is_object()) return fail(make_error(ErrorCode::parse, "not an object"));
    std::string type = "function";
    if (auto t = e.find("type"); t != e.end()) {
      if (!t->is_string()) return fail(make_error(ErrorCode::parse, "\"type\" must be a string"));
      type = t->get<std::string>();
    }
    auto inputs = params_from_json(e, "inputs", type == "event");
    if (!inputs) return fail(inputs.error());
    auto mutability = mutability_from_json(e);
    if (!mutability) return fail(mutability.error());
    if (type == "function") {
      Function f;
      auto name = name_from_json(e);
      if (!name) return fail(name.error());
      auto outputs = params_from_json(e, "outputs", false);
      if (!outputs) return fail(outputs.error());
      f.name = std::move(name).value();
      f.inputs = std::move(inputs).value();
      f.outputs = std::move(outputs).value();
      f.state_mutability = std::move(mutability).value();
      if (auto r = add_unique(out.functions_, std::move(f), "function"); !r) return fail(r.error());
    } else if (type == "event") {
      Event ev;
      auto name = name_from_json(e);
      if (!name) return fail(name.error());
      ev.name = std::move(name).value();
      ev.inputs = std::move(inputs).value();
      if (auto a = e.find("anonymous"); a != e.end() && a->is_boolean()) ev.anonymous = a->get<bool>();
      if (auto r = add_unique(out.events_, std::move(ev), "event"); !r) return fail(r.error());
    } else if (type == "error") {
      ErrorDef er;
      auto name = name_from_json(e);
      if (!name) return fail(name.error());
      er.name = std::move(name).value();
      er.inputs = std::move(inputs).value();
      if (auto r = add_unique(out.errors_, std::move(er), "error"); !r) return fail(r.error());
    } else if (type == "constructor") {
      if (has_constructor) return fail(make_error(ErrorCode::parse, "a second constructor"));
      has_constructor = true;
      out.constructor_.inputs = std::move(inputs).value();
      out.constructor_.state_mutability = std::move(mutability).value();
    } else if (type == "fallback") {
      out.fallback_ = true;
      out.fallback_payable_ = *mutability == "payable";
    } else if (type == "receive") {
      out.receive_ = true;
    } else {
      return fail(make_error(ErrorCode::parse, "unknown fragment type " + type));
    }
  }
  out.index();
  return out;
}

Result<Interface> Interface::from_signatures(const std::vector<std::string>& human_readable) {
  Interface out;
  bool has_constructor = false;
  for (size_t i = 0; i < human_readable.size(); ++i) {
    auto fail = [&](const ErrorInfo& err) {
      return make_error(ErrorCode::parse, "signature " + std::to_string(i) + " (" +
                                              human_readable[i].substr(0, 200) + "): " + err.message);
    };
    auto f = detail::parse_fragment(human_readable[i]);
    if (!f) return fail(f.error());
    using FK = detail::Fragment::Kind;
    Result<void> added;
    switch (f->kind) {
      case FK::function:
        added = add_unique(out.functions_, std::move(f->function), "function");
        break;
      case FK::event:
        added = add_unique(out.events_, std::move(f->event), "event");
        break;
      case FK::error:
        added = add_unique(out.errors_, std::move(f->error), "error");
        break;
      case FK::constructor:
        if (has_constructor) return fail(make_error(ErrorCode::parse, "a second constructor"));
        has_constructor = true;
        out.constructor_ = std::move(f->constructor);
        break;
      case FK::fallback:
        out.fallback_ = true;
        out.fallback_payable_ = f->function.state_mutability == "payable";
        break;
      case FK::receive:
        out.receive_ = true;
        break;
    }
    if (!added) return fail(added.error());
  }
  out.index();
  return out;
}

const Function& Interface::function(std::string_view name_or_signature) const {
  return find_one(functions_, name_or_signature, "function", &Function::parse);
}

const Event& Interface::event(std::string_view name_or_signature) const {
  return find_one(
      events_, name_or_signature, "event", +[](std::string_view s) -> Result<Event> {
        if (s.starts_with("event ") || s.starts_with("event\t")) return Event::parse(s);
        return Event::parse("event " + std::string(s));
      });
}

const ErrorDef& Interface::error(std::string_view name_or_signature) const {
  // "error X(...)" parsing needs the keyword; accept the bare form too.
  return find_one(
      errors_, name_or_signature, "error", +[](std::string_view s) -> Result<ErrorDef> {
        if (s.starts_with("error ") || s.starts_with("error\t")) return ErrorDef::parse(s);
        return ErrorDef::parse("error " + std::string(s));
      });
}

void Interface::index() {
  function_selectors_.clear();
  event_topics_.clear();
  error_selectors_.clear();
  for (const Function& f : functions_) function_selectors_.push_back(f.selector());
  for (const Event& e : events_) event_topics_.push_back(e.topic());
  for (const ErrorDef& e : errors_) error_selectors_.push_back(e.selector());
}

const Function* Interface::function_by_selector(const FixedBytes<4>& selector) const noexcept {
  for (size_t i = 0; i < function_selectors_.size(); ++i)
    if (function_selectors_[i] == selector) return &functions_[i];
  return nullptr;
}

const Event* Interface::event_by_topic(const Hash& topic0) const noexcept {
  for (size_t i = 0; i < event_topics_.size(); ++i)
    if (!events_[i].anonymous && event_topics_[i] == topic0) return &events_[i];
  return nullptr;
}

const ErrorDef* Interface::error_by_selector(const FixedBytes<4>& selector) const noexcept {
  for (size_t i = 0; i < error_selectors_.size(); ++i)
    if (error_selectors_[i] == selector) return &errors_[i];
  return nullptr;
}

Result<DecodedLog> Interface::decode_log(const std::vector<Hash>& topics, ByteView data) const {
  if (topics.empty())
    return make_error(ErrorCode::parse, "a log without topics matches no (non-anonymous) event");
  const Event* e = event_by_topic(topics[0]);
  if (!e) return make_error(ErrorCode::parse, "no event in the ABI has topic " + to_hex(topics[0]));
  return e->decode_log(topics, data);
}

Revert Interface::decode_revert(ByteView data) const {
  Revert r = abi::decode_revert(data);
  if (r.kind != Revert::Kind::unknown || data.size() < 4) return r;
  FixedBytes<4> selector;
  std::copy(data.begin(), data.begin() + 4, selector.begin());
  if (const ErrorDef* e = error_by_selector(selector)) {
    if (auto args = e->decode(data)) {
      r.kind = Revert::Kind::custom;
      r.error_name = e->name;
      r.args = std::move(args).value();
    }
  }
  return r;
}

Json Interface::to_json() const {
  Json out = Json::array();
  if (!constructor_.inputs.empty() || constructor_.state_mutability != "nonpayable")
    out.push_back({{"type", "constructor"},
                   {"inputs", params_to_json(constructor_.inputs, false)},
                   {"stateMutability", constructor_.state_mutability}});
  for (const Function& f : functions_)
    out.push_back({{"type", "function"},
                   {"name", f.name},
                   {"inputs", params_to_json(f.inputs, false)},
                   {"outputs", params_to_json(f.outputs, false)},
                   {"stateMutability", f.state_mutability}});
  for (const Event& e : events_)
    out.push_back({{"type", "event"},
                   {"name", e.name},
                   {"inputs", params_to_json(e.inputs, true)},
                   {"anonymous", e.anonymous}});
  for (const ErrorDef& e : errors_)
    out.push_back({{"type", "error"}, {"name", e.name}, {"inputs", params_to_json(e.inputs, false)}});
  if (fallback_)
    out.push_back({{"type", "fallback"}, {"stateMutability", fallback_payable_ ? "payable" : "nonpayable"}});
  if (receive_) out.push_back({{"type", "receive"}, {"stateMutability", "payable"}});
  return out;
}

std::vector<std::string> Interface::to_signatures() const {
  std::vector<std::string> out;
  if (!constructor_.inputs.empty() || constructor_.state_mutability != "nonpayable")
    out.push_back(constructor_.human_readable());
  for (const Function& f : functions_) out.push_back(f.human_readable());
  for (const Event& e : events_) out.push_back(e.human_readable());
  for (const ErrorDef& e : errors_) out.push_back(e.human_readable());
  if (fallback_) out.push_back(fallback_payable_ ? "fallback() external payable" : "fallback() external");
  if (receive_) out.push_back("receive() external payable");
  return out;
}

}  // namespace alith::web3::abi
