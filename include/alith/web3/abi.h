#pragma once

// A contract's interface: functions, events, custom errors and the constructor, read from human-readable
// signatures (as ethers writes them) or a solc / ethers JSON ABI; selectors, event topics, call encoding,
// log decoding and revert decoding. The codec itself is in abi_codec.h.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alith/web3/abi_codec.h"

namespace alith::web3::abi {

struct Param {
  std::string name;  // may be empty
  Type type;
  bool indexed = false;  // event parameters only

  friend bool operator==(const Param&, const Param&) = default;
};

std::vector<Type> types_of(const std::vector<Param>& params);

struct Function {
  std::string name;
  std::vector<Param> inputs, outputs;
  std::string state_mutability = "nonpayable";  // "view", "pure", "nonpayable", "payable"

  // "function balanceOf(address owner) view returns (uint256)"; the keyword may be left out. Parameters may
  // carry a data location (memory, calldata, storage) which is ignored; "constant" reads as view.
  static Result<Function> parse(std::string_view human_readable);

  std::string signature() const;  // canonical: "balanceOf(address)"
  FixedBytes<4> selector() const;
  // Human-readable form, names included: "function balanceOf(address owner) view returns (uint256)".
  std::string human_readable() const;

  // selector + arguments; InvalidArgumentError when the values do not fit the inputs.
  Bytes encode_call(const std::vector<Value>& args) const;
  // Arguments of calldata; a parse error unless it starts with this function's selector.
  Result<std::vector<Value>> decode_input(ByteView calldata) const;
  Bytes encode_output(const std::vector<Value>& results) const;
  Result<std::vector<Value>> decode_output(ByteView data) const;
};

// One argument of a decoded log. An indexed parameter of a dynamic type (string, bytes, arrays, tuples) is
// only present as the keccak256 topic of its value: then hashed is true and value holds the 32-byte topic.
struct DecodedArg {
  std::string name;
  Type type;
  Value value;
  bool indexed = false;
  bool hashed = false;
};

struct DecodedLog {
  std::string event;  // the event's name
  std::string signature;
  std::vector<DecodedArg> args;  // in declaration order

  // The argument with that name; InvalidArgumentError when there is none.
  const Value& operator[](std::string_view name) const;
  // {"event": ..., "signature": ..., "args": {name or index: JSON value}}; hashed args as their 0x topic.
  Json to_json() const;
};

struct Event {
  std::string name;
  std::vector<Param> inputs;
  bool anonymous = false;  // no topic0: topics are only the indexed arguments

  // "event Transfer(address indexed from, address indexed to, uint256 value) [anonymous]"
  static Result<Event> parse(std::string_view human_readable);

  std::string signature() const;  // "Transfer(address,address,uint256)"
  Hash topic() const;             // keccak256(signature()): topic0 unless anonymous
  std::string human_readable() const;

  // Checks topic0 (unless anonymous) and the number of topics; decodes the data part strictly.
  Result<DecodedLog> decode_log(const std::vector<Hash>& topics, ByteView data) const;
  // The topics and data a log of these values would carry (for tests, and to build filters).
  std::pair<std::vector<Hash>, Bytes> encode_log(const std::vector<Value>& values) const;
};

// The topic an indexed argument becomes: static values are their 32-byte word, bytes and string the
// keccak256 of their content, arrays and tuples the keccak256 of their in-place encoding (elements padded to
// 32 bytes, no offsets or lengths). InvalidArgumentError when the value does not fit the type.
Hash encode_topic(const Type& type, const Value& value);

struct ErrorDef {
  std::string name;
  std::vector<Param> inputs;

  // "error InsufficientBalance(uint256 available, uint256 required)"
  static Result<ErrorDef> parse(std::string_view human_readable);

  std::string signature() const;
  FixedBytes<4> selector() const;
  std::string human_readable() const;
  Bytes encode(const std::vector<Value>& args) const;
  // Arguments of revert data; a parse error unless it starts with this error's selector.
  Result<std::vector<Value>> decode(ByteView revert_data) const;
};

struct Constructor {
  std::vector<Param> inputs;
  std::string state_mutability = "nonpayable";

  // "constructor(string name, string symbol) [payable]"
  static Result<Constructor> parse(std::string_view human_readable);
  std::string human_readable() const;
  // What a deployment transaction carries: the creation bytecode followed by the encoded arguments.
  Bytes encode_deploy(ByteView bytecode, const std::vector<Value>& args) const;
};

// Why a call reverted, read from its revert data.
struct Revert {
  enum class Kind {
    empty,    // no data: revert() or require(false) without a message, or out of gas
    message,  // Error(string): require/revert with a reason
    panic,    // Panic(uint256): assert, overflow, division by zero, ...
    custom,   // an error of the interface
    unknown,  // anything else (or Error/Panic data that does not decode)
  };
  Kind kind = Kind::empty;
  std::string message;  // the reason (message), the panic's meaning (panic), else empty
  U256 panic_code;
  std::string error_name;   // custom: the error's name
  std::vector<Value> args;  // custom: its arguments
  Bytes data;               // the raw revert data

  // One line for people: "reverted: insufficient balance", "panic 0x11 (arithmetic overflow)", ...
  std::string to_string() const;
};

// Error(string) and Panic(uint256) only; other data is Kind::unknown. Never throws.
Revert decode_revert(ByteView data);

class Interface {
 public:
  Interface() = default;

  // A JSON ABI: an array of fragments (solc's "abi", ethers' format), or an object with an "abi" array
  // (a Hardhat / Foundry artifact). Unknown fragment types are a parse error; fallback and receive are noted.
  static Result<Interface> from_json(const Json& abi);
  // Human-readable fragments: "function ...", "event ...", "error ...", "constructor(...)",
  // "fallback() external [payable]", "receive() external payable". A bare "name(...)" is a function.
  static Result<Interface> from_signatures(const std::vector<std::string>& human_readable);

  const std::vector<Function>& functions() const noexcept { return functions_; }
  const std::vector<Event>& events() const noexcept { return events_; }
  const std::vector<ErrorDef>& errors() const noexcept { return errors_; }
  // The declared constructor, or one without inputs when the ABI has none.
  const Constructor& constructor() const noexcept { return constructor_; }
  bool has_fallback() const noexcept { return fallback_; }
  bool fallback_payable() const noexcept { return fallback_payable_; }
  bool has_receive() const noexcept { return receive_; }

  // By name when it has one overload, or by signature ("transfer(address,uint256)"; names and spaces in the
  // parameter list are allowed). InvalidArgumentError when unknown, or ambiguous (the message lists the
  // overloads' signatures).
  const Function& function(std::string_view name_or_signature) const;
  const Event& event(std::string_view name_or_signature) const;
  const ErrorDef& error(std::string_view name_or_signature) const;
  // Lookups by hash; nullptr when none matches.
  const Function* function_by_selector(const FixedBytes<4>& selector) const noexcept;
  const Event* event_by_topic(const Hash& topic0) const noexcept;
  const ErrorDef* error_by_selector(const FixedBytes<4>& selector) const noexcept;

  // The log decoded by the event its topic0 names (non-anonymous events only); a parse error when no event
  // matches or the log does not decode.
  Result<DecodedLog> decode_log(const std::vector<Hash>& topics, ByteView data) const;
  // Error(string), Panic(uint256) and this interface's custom errors.
  Revert decode_revert(ByteView data) const;

  // A JSON ABI array (solc's format) and the human-readable list of this interface.
  Json to_json() const;
  std::vector<std::string> to_signatures() const;

 private:
  void index();  // fills the hash tables below once the fragments are read

  std::vector<Function> functions_;
  std::vector<Event> events_;
  std::vector<ErrorDef> errors_;
  Constructor constructor_;
  bool fallback_ = false;
  bool fallback_payable_ = false;
  bool receive_ = false;
  std::vector<FixedBytes<4>> function_selectors_;  // parallel to functions_, and so on
  std::vector<Hash> event_topics_;
  std::vector<FixedBytes<4>> error_selectors_;
};

}  // namespace alith::web3::abi
