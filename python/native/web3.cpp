// The web3/ module for Python: value conversions shared by the web3 binders, and bind_web3, which binds keys
// and signatures (web3_keys.cpp) and the chain side (web3_chain.cpp).

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include <string>

#include "alith/core/error.h"
#include "alith/web3/u256.h"
#include "bindings.h"
#include "convert.h"
#include "gil.h"
#include "mods_bindings.h"
#include "web3_util.h"

namespace nb = nanobind;
namespace w3 = alith::web3;

namespace alith_py {
namespace {

// A dict field under its camelCase or snake_case name; an invalid handle when absent or None.
nb::object field(const nb::dict& d, const char* camel, const char* snake = nullptr) {
  if (d.contains(camel) && !d[camel].is_none()) return d[camel];
  if (snake && d.contains(snake) && !d[snake].is_none()) return d[snake];
  return nb::object();
}

w3::TxType tx_type_from_python(nb::handle value) {
  if (nb::isinstance<nb::str>(value)) {
    const std::string s = nb::cast<std::string>(value);
    if (s == "legacy" || s == "0" || s == "0x0") return w3::TxType::legacy;
    if (s == "access_list" || s == "eip2930" || s == "1" || s == "0x1") return w3::TxType::access_list;
    if (s == "dynamic_fee" || s == "eip1559" || s == "2" || s == "0x2") return w3::TxType::dynamic_fee;
    throw alith::InvalidArgumentError("unknown transaction type '" + s + "'");
  }
  const auto n = nb::cast<int>(value);
  if (n < 0 || n > 2) throw alith::InvalidArgumentError("transaction type must be 0, 1 or 2");
  return static_cast<w3::TxType>(n);
}

std::vector<w3::AccessListEntry> access_list_from_python(nb::handle list) {
  std::vector<w3::AccessListEntry> out;
  for (nb::handle item : list) {
    nb::dict d = nb::borrow<nb::dict>(item);
    w3::AccessListEntry e;
    e.address = address_from_python(d["address"]);
    nb::object keys = field(d, "storageKeys", "storage_keys");
    if (keys.is_valid())
      for (nb::handle k : keys) e.storage_keys.push_back(hash_from_python(k));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

alith::Json json_from_python_exact(nb::handle value) {
  if (nb::isinstance<nb::int_>(value) && !nb::isinstance<nb::bool_>(value)) {
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
    if (overflow == 0) return alith::Json(static_cast<int64_t>(v));
    return alith::Json(nb::cast<std::string>(nb::str(value)));
  }
  if (nb::isinstance<nb::list>(value) || nb::isinstance<nb::tuple>(value)) {
    alith::Json out = alith::Json::array();
    for (nb::handle item : value) out.push_back(json_from_python_exact(item));
    return out;
  }
  if (nb::isinstance<nb::dict>(value)) {
    alith::Json out = alith::Json::object();
    for (auto [k, v] : nb::borrow<nb::dict>(value))
      out[nb::cast<std::string>(nb::str(k))] = json_from_python_exact(v);
    return out;
  }
  return from_python(value);
}

w3::U256 u256_from_python(nb::handle value) {
  if (nb::isinstance<nb::bool_>(value)) throw alith::InvalidArgumentError("expected an integer, got a bool");
  if (nb::isinstance<nb::int_>(value)) {
    if (nb::cast<bool>(value.attr("__lt__")(0)))
      throw alith::InvalidArgumentError("expected a non-negative integer");
    return w3::U256::parse(nb::cast<std::string>(nb::str(value))).value();
  }
  if (nb::isinstance<nb::str>(value)) return w3::U256::parse(nb::cast<std::string>(value)).value();
  throw alith::InvalidArgumentError("expected an int or a decimal / 0x-hex string");
}

nb::object u256_to_python(const w3::U256& value) {
  if (value.fits_u64()) return nb::int_(value.low_u64());
  return nb::module_::import_("builtins").attr("int")(value.to_string());
}

std::uint64_t u64_from_python(nb::handle value) {
  return u256_from_python(value).to_u64();
}

w3::Bytes data_from_python(nb::handle value) {
  if (nb::isinstance<nb::bytes>(value)) {
    nb::bytes b = nb::borrow<nb::bytes>(value);
    const auto* p = static_cast<const std::uint8_t*>(static_cast<const void*>(b.c_str()));
    return w3::Bytes(p, p + b.size());
  }
  if (nb::isinstance<nb::bytearray>(value)) {
    nb::bytearray b = nb::borrow<nb::bytearray>(value);
    const auto* p = static_cast<const std::uint8_t*>(static_cast<const void*>(b.c_str()));
    return w3::Bytes(p, p + b.size());
  }
  if (nb::isinstance<nb::str>(value)) return w3::from_hex(nb::cast<std::string>(value));
  throw alith::InvalidArgumentError("expected bytes or a 0x hex string");
}

w3::Bytes text_bytes_from_python(nb::handle value) {
  if (nb::isinstance<nb::str>(value)) return w3::to_bytes(nb::cast<std::string>(value));
  return data_from_python(value);
}

w3::Hash hash_from_python(nb::handle value) {
  const w3::Bytes b = data_from_python(value);
  if (b.size() != 32)
    throw alith::InvalidArgumentError("a hash is 32 bytes, got " + std::to_string(b.size()));
  w3::Hash h;
  std::copy(b.begin(), b.end(), h.begin());
  return h;
}

w3::Address address_from_python(nb::handle value) {
  if (nb::isinstance<nb::str>(value)) return w3::Address::from_string(nb::cast<std::string>(value));
  if (nb::hasattr(value, "address")) return address_from_python(value.attr("address"));  // a key or a wallet
  return w3::Address::from_bytes(data_from_python(value));
}

std::optional<w3::Address> optional_address(nb::handle value) {
  if (!value.is_valid() || value.is_none()) return std::nullopt;
  return address_from_python(value);
}

w3::Transaction transaction_from_python(nb::handle tx) {
  nb::dict d = nb::borrow<nb::dict>(tx);
  w3::Transaction t;
  if (auto v = field(d, "type"); v.is_valid()) t.type = tx_type_from_python(v);
  if (auto v = field(d, "chainId", "chain_id"); v.is_valid()) t.chain_id = u64_from_python(v);
  if (auto v = field(d, "nonce"); v.is_valid()) t.nonce = u64_from_python(v);
  if (auto v = field(d, "gasLimit", "gas_limit"); v.is_valid()) t.gas_limit = u64_from_python(v);
  if (auto v = field(d, "gas"); v.is_valid()) t.gas_limit = u64_from_python(v);
  if (auto v = field(d, "gasPrice", "gas_price"); v.is_valid()) t.gas_price = u256_from_python(v);
  if (auto v = field(d, "maxFeePerGas", "max_fee_per_gas"); v.is_valid())
    t.max_fee_per_gas = u256_from_python(v);
  if (auto v = field(d, "maxPriorityFeePerGas", "max_priority_fee_per_gas"); v.is_valid())
    t.max_priority_fee_per_gas = u256_from_python(v);
  if (auto v = field(d, "to"); v.is_valid()) t.to = address_from_python(v);
  if (auto v = field(d, "value"); v.is_valid()) t.value = u256_from_python(v);
  if (auto v = field(d, "data"); v.is_valid()) t.data = data_from_python(v);
  if (auto v = field(d, "input"); v.is_valid()) t.data = data_from_python(v);
  if (auto v = field(d, "accessList", "access_list"); v.is_valid())
    t.access_list = access_list_from_python(v);
  return t;
}

w3::TxRequest tx_request_from_python(nb::handle tx) {
  nb::dict d = nb::borrow<nb::dict>(tx);
  w3::TxRequest r;
  if (auto v = field(d, "type"); v.is_valid()) r.type = tx_type_from_python(v);
  if (auto v = field(d, "to"); v.is_valid()) r.to = address_from_python(v);
  if (auto v = field(d, "value"); v.is_valid()) r.value = u256_from_python(v);
  if (auto v = field(d, "data"); v.is_valid()) r.data = data_from_python(v);
  if (auto v = field(d, "input"); v.is_valid()) r.data = data_from_python(v);
  if (auto v = field(d, "accessList", "access_list"); v.is_valid())
    r.access_list = access_list_from_python(v);
  if (auto v = field(d, "gasLimit", "gas_limit"); v.is_valid()) r.gas_limit = u64_from_python(v);
  if (auto v = field(d, "gas"); v.is_valid()) r.gas_limit = u64_from_python(v);
  if (auto v = field(d, "gasPrice", "gas_price"); v.is_valid()) r.gas_price = u256_from_python(v);
  if (auto v = field(d, "maxFeePerGas", "max_fee_per_gas"); v.is_valid())
    r.max_fee_per_gas = u256_from_python(v);
  if (auto v = field(d, "maxPriorityFeePerGas", "max_priority_fee_per_gas"); v.is_valid())
    r.max_priority_fee_per_gas = u256_from_python(v);
  if (auto v = field(d, "nonce"); v.is_valid()) r.nonce = u64_from_python(v);
  return r;
}

w3::CallRequest call_request_from_python(nb::handle call) {
  nb::dict d = nb::borrow<nb::dict>(call);
  w3::CallRequest c;
  if (auto v = field(d, "from", "from_"); v.is_valid()) c.from = address_from_python(v);
  if (auto v = field(d, "to"); v.is_valid()) c.to = address_from_python(v);
  if (auto v = field(d, "data"); v.is_valid()) c.data = data_from_python(v);
  if (auto v = field(d, "input"); v.is_valid()) c.data = data_from_python(v);
  if (auto v = field(d, "value"); v.is_valid()) c.value = u256_from_python(v);
  if (auto v = field(d, "gas"); v.is_valid()) c.gas = u64_from_python(v);
  if (auto v = field(d, "gasPrice", "gas_price"); v.is_valid()) c.gas_price = u256_from_python(v);
  if (auto v = field(d, "maxFeePerGas", "max_fee_per_gas"); v.is_valid())
    c.max_fee_per_gas = u256_from_python(v);
  if (auto v = field(d, "maxPriorityFeePerGas", "max_priority_fee_per_gas"); v.is_valid())
    c.max_priority_fee_per_gas = u256_from_python(v);
  if (auto v = field(d, "accessList", "access_list"); v.is_valid())
    c.access_list = access_list_from_python(v);
  return c;
}

w3::BlockTag block_from_python(nb::handle block) {
  if (!block.is_valid() || block.is_none()) return w3::BlockTag::latest();
  if (nb::isinstance<nb::str>(block)) return w3::BlockTag(nb::cast<std::string>(block));
  return w3::BlockTag::number(u64_from_python(block));
}

nb::dict log_to_python(const w3::Log& log) {
  nb::dict d;
  d["address"] = log.address.to_checksum();
  nb::list topics;
  for (const auto& t : log.topics) topics.append(w3::to_hex(t));
  d["topics"] = topics;
  d["data"] = w3::to_hex(log.data);
  d["blockNumber"] = log.block_number ? nb::cast(*log.block_number) : nb::none();
  d["blockHash"] = log.block_hash ? nb::cast(w3::to_hex(*log.block_hash)) : nb::none();
  d["transactionHash"] = log.transaction_hash ? nb::cast(w3::to_hex(*log.transaction_hash)) : nb::none();
  d["transactionIndex"] = log.transaction_index ? nb::cast(*log.transaction_index) : nb::none();
  d["logIndex"] = log.log_index ? nb::cast(*log.log_index) : nb::none();
  d["removed"] = log.removed;
  return d;
}

nb::dict receipt_to_python(const w3::Receipt& r) {
  nb::dict d;
  d["transactionHash"] = w3::to_hex(r.transaction_hash);
  d["transactionIndex"] = r.transaction_index;
  d["blockHash"] = w3::to_hex(r.block_hash);
  d["blockNumber"] = r.block_number;
  d["from"] = r.from.to_checksum();
  d["to"] = r.to ? nb::cast(r.to->to_checksum()) : nb::none();
  d["contractAddress"] = r.contract_address ? nb::cast(r.contract_address->to_checksum()) : nb::none();
  d["status"] = r.status;
  d["gasUsed"] = r.gas_used;
  d["cumulativeGasUsed"] = r.cumulative_gas_used;
  d["effectiveGasPrice"] = u256_to_python(r.effective_gas_price);
  d["type"] = static_cast<int>(r.type);
  nb::list logs;
  for (const auto& l : r.logs) logs.append(log_to_python(l));
  d["logs"] = logs;
  return d;
}

}  // namespace alith_py

void bind_web3(nb::module_& m) {
  alith_py::bind_web3_keys(m);
  alith_py::bind_web3_chain(m);
}
