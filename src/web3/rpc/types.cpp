// Wire forms of the JSON-RPC values, and their defensive parsers: a node's reply is untrusted input.

#include <cctype>

#include "alith/web3/rpc_types.h"

namespace alith::web3 {
namespace {

ErrorInfo bad(const std::string& what) {
  return make_error(ErrorCode::parse, "RPC reply: " + what);
}

// The field, or a parse error naming it.
Result<const Json*> field(const Json& object, const char* name) {
  if (!object.is_object()) return bad(std::string("expected an object holding \"") + name + "\"");
  auto it = object.find(name);
  if (it == object.end()) return bad(std::string("missing \"") + name + "\"");
  return &*it;
}

// Present and not null: the field; otherwise nullptr.
const Json* optional_field(const Json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

ErrorInfo in_field(const char* name, const ErrorInfo& e) {
  return make_error(ErrorCode::parse, e.message + " (in \"" + name + "\")");
}

template <class T, class Parse>
Result<T> required(const Json& object, const char* name, Parse parse) {
  auto f = field(object, name);
  if (!f) return f.error();
  auto v = parse(**f);
  if (!v) return in_field(name, v.error());
  return std::move(v).value();
}

template <class T, class Parse>
Result<std::optional<T>> optional(const Json& object, const char* name, Parse parse) {
  const Json* f = optional_field(object, name);
  if (!f) return std::optional<T>();
  auto v = parse(*f);
  if (!v) return in_field(name, v.error());
  return std::optional<T>(std::move(v).value());
}

}  // namespace

BlockTag BlockTag::number(std::uint64_t block) {
  return BlockTag(to_quantity(block));
}

std::string to_quantity(const U256& value) {
  return value.to_hex();
}

std::string to_quantity(std::uint64_t value) {
  return U256(value).to_hex();
}

Json to_json(const CallRequest& call) {
  Json out = Json::object();
  if (call.from) out["from"] = call.from->to_hex();
  if (call.to) out["to"] = call.to->to_hex();
  out["data"] = to_hex(call.data);
  // Both names: older nodes read "data", newer prefer "input".
  out["input"] = out["data"];
  if (call.value) out["value"] = to_quantity(*call.value);
  if (call.gas) out["gas"] = to_quantity(*call.gas);
  if (call.gas_price) out["gasPrice"] = to_quantity(*call.gas_price);
  if (call.max_fee_per_gas) out["maxFeePerGas"] = to_quantity(*call.max_fee_per_gas);
  if (call.max_priority_fee_per_gas)
    out["maxPriorityFeePerGas"] = to_quantity(*call.max_priority_fee_per_gas);
  return out;
}

Json to_json(const LogFilter& filter) {
  Json out = Json::object();
  if (filter.addresses.size() == 1) {
    out["address"] = filter.addresses[0].to_hex();
  } else if (!filter.addresses.empty()) {
    Json list = Json::array();
    for (const auto& a : filter.addresses) list.push_back(a.to_hex());
    out["address"] = list;
  }
  if (!filter.topics.empty()) {
    Json topics = Json::array();
    for (const auto& slot : filter.topics) {
      if (!slot) {
        topics.push_back(nullptr);
      } else if (slot->size() == 1) {
        topics.push_back(to_hex((*slot)[0]));
      } else {
        Json any = Json::array();
        for (const auto& h : *slot) any.push_back(to_hex(h));
        topics.push_back(any);
      }
    }
    out["topics"] = topics;
  }
  if (filter.block_hash) {
    out["blockHash"] = to_hex(*filter.block_hash);
  } else {
    out["fromBlock"] = filter.from_block.str();
    out["toBlock"] = filter.to_block.str();
  }
  return out;
}

Result<U256> parse_quantity(const Json& value) {
  if (!value.is_string()) return bad("expected a hex quantity string, got " + std::string(value.type_name()));
  const auto& text = value.get_ref<const std::string&>();
  if (text.size() < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) {
    return bad("a quantity must be \"0x\" followed by hex digits");
  }
  auto parsed = U256::parse(text);
  if (!parsed) return bad("bad quantity: " + parsed.error().message);
  return parsed;
}

Result<std::uint64_t> parse_quantity_u64(const Json& value) {
  auto q = parse_quantity(value);
  if (!q) return q.error();
  if (!q->fits_u64()) return bad("quantity does not fit 64 bits");
  return q->low_u64();
}

Result<Bytes> parse_data(const Json& value) {
  if (!value.is_string()) return bad("expected hex data, got " + std::string(value.type_name()));
  const auto& text = value.get_ref<const std::string&>();
  if (text.size() < 2 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
    return bad("hex data needs \"0x\"");
  auto bytes = parse_hex(text);
  if (!bytes) return bad("bad hex data: " + bytes.error().message);
  return bytes;
}

Result<Hash> parse_hash_json(const Json& value) {
  auto bytes = parse_data(value);
  if (!bytes) return bytes.error();
  if (bytes->size() != 32) return bad("a hash must be 32 bytes, got " + std::to_string(bytes->size()));
  Hash h{};
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

Result<Address> parse_address_json(const Json& value) {
  // Nodes write addresses in lowercase; no checksum to check here.
  auto bytes = parse_data(value);
  if (!bytes) return bytes.error();
  if (bytes->size() != 20) return bad("an address must be 20 bytes, got " + std::to_string(bytes->size()));
  return Address::from_bytes(*bytes);
}

namespace {

Result<bool> parse_bool(const Json& value) {
  if (!value.is_boolean()) return bad("expected a boolean");
  return value.get<bool>();
}

Result<std::vector<Hash>> parse_hash_list(const Json& value) {
  if (!value.is_array()) return bad("expected an array of hashes");
  std::vector<Hash> out;
  out.reserve(value.size());
  for (const auto& item : value) {
    // Blocks fetched with full transactions hold objects: take their hash.
    const Json& h = item.is_object() && item.contains("hash") ? item["hash"] : item;
    auto parsed = parse_hash_json(h);
    if (!parsed) return parsed.error();
    out.push_back(*parsed);
  }
  return out;
}

}  // namespace

Result<Log> parse_log(const Json& value) {
  if (!value.is_object()) return bad("a log must be an object");
  Log log;
  auto address = required<Address>(value, "address", parse_address_json);
  if (!address) return address.error();
  log.address = *address;
  auto topics = required<std::vector<Hash>>(value, "topics", parse_hash_list);
  if (!topics) return topics.error();
  if (topics->size() > 4) return bad("a log has at most 4 topics");
  log.topics = std::move(*topics);
  auto data = required<Bytes>(value, "data", parse_data);
  if (!data) return data.error();
  log.data = std::move(*data);
  auto block = optional<std::uint64_t>(value, "blockNumber", parse_quantity_u64);
  if (!block) return block.error();
  log.block_number = *block;
  auto block_hash = optional<Hash>(value, "blockHash", parse_hash_json);
  if (!block_hash) return block_hash.error();
  log.block_hash = *block_hash;
  auto tx = optional<Hash>(value, "transactionHash", parse_hash_json);
  if (!tx) return tx.error();
  log.transaction_hash = *tx;
  auto tx_index = optional<std::uint64_t>(value, "transactionIndex", parse_quantity_u64);
  if (!tx_index) return tx_index.error();
  log.transaction_index = *tx_index;
  auto index = optional<std::uint64_t>(value, "logIndex", parse_quantity_u64);
  if (!index) return index.error();
  log.log_index = *index;
  auto removed = optional<bool>(value, "removed", parse_bool);
  if (!removed) return removed.error();
  log.removed = removed->value_or(false);
  return log;
}

Result<Receipt> parse_receipt(const Json& value) {
  if (!value.is_object()) return bad("a receipt must be an object");
  Receipt r;
#define ALITH_REQUIRED(member, name, T, parse) \
  {                                            \
    auto v = required<T>(value, name, parse);  \
    if (!v) return v.error();                  \
    r.member = std::move(*v);                  \
  }
#define ALITH_OPTIONAL(member, name, T, parse) \
  {                                            \
    auto v = optional<T>(value, name, parse);  \
    if (!v) return v.error();                  \
    r.member = std::move(*v);                  \
  }
  ALITH_REQUIRED(transaction_hash, "transactionHash", Hash, parse_hash_json)
  ALITH_REQUIRED(transaction_index, "transactionIndex", std::uint64_t, parse_quantity_u64)
  ALITH_REQUIRED(block_hash, "blockHash", Hash, parse_hash_json)
  ALITH_REQUIRED(block_number, "blockNumber", std::uint64_t, parse_quantity_u64)
  ALITH_REQUIRED(from, "from", Address, parse_address_json)
  ALITH_OPTIONAL(to, "to", Address, parse_address_json)
  ALITH_OPTIONAL(contract_address, "contractAddress", Address, parse_address_json)
  ALITH_REQUIRED(gas_used, "gasUsed", std::uint64_t, parse_quantity_u64)
  ALITH_REQUIRED(cumulative_gas_used, "cumulativeGasUsed", std::uint64_t, parse_quantity_u64)
#undef ALITH_REQUIRED
#undef ALITH_OPTIONAL
  // Pre-London receipts lack effectiveGasPrice; zero then means "unknown".
  auto price = optional<U256>(value, "effectiveGasPrice", parse_quantity);
  if (!price) return price.error();
  r.effective_gas_price = price->value_or(U256());
  auto status = required<std::uint64_t>(value, "status", parse_quantity_u64);
  if (!status) return status.error();
  if (*status > 1) return bad("status must be 0x0 or 0x1");
  r.status = *status == 1;
  auto type = optional<std::uint64_t>(value, "type", parse_quantity_u64);
  if (!type) return type.error();
  if (type->value_or(0) > 0x7f) return bad("transaction type above 0x7f");
  r.type = static_cast<std::uint8_t>(type->value_or(0));
  auto logs = field(value, "logs");
  if (!logs) return logs.error();
  if (!(*logs)->is_array()) return bad("\"logs\" must be an array");
  for (const auto& item : **logs) {
    auto log = parse_log(item);
    if (!log) return in_field("logs", log.error());
    r.logs.push_back(std::move(*log));
  }
  return r;
}

Result<Block> parse_block(const Json& value) {
  if (!value.is_object()) return bad("a block must be an object");
  Block b;
  auto number = optional<std::uint64_t>(value, "number", parse_quantity_u64);
  if (!number) return number.error();
  b.number = *number;
  auto hash = optional<Hash>(value, "hash", parse_hash_json);
  if (!hash) return hash.error();
  b.hash = *hash;
  auto parent = required<Hash>(value, "parentHash", parse_hash_json);
  if (!parent) return parent.error();
  b.parent_hash = *parent;
  auto timestamp = required<std::uint64_t>(value, "timestamp", parse_quantity_u64);
  if (!timestamp) return timestamp.error();
  b.timestamp = *timestamp;
  auto gas_limit = required<std::uint64_t>(value, "gasLimit", parse_quantity_u64);
  if (!gas_limit) return gas_limit.error();
  b.gas_limit = *gas_limit;
  auto gas_used = required<std::uint64_t>(value, "gasUsed", parse_quantity_u64);
  if (!gas_used) return gas_used.error();
  b.gas_used = *gas_used;
  auto base_fee = optional<U256>(value, "baseFeePerGas", parse_quantity);
  if (!base_fee) return base_fee.error();
  b.base_fee_per_gas = *base_fee;
  auto miner = optional<Address>(value, "miner", parse_address_json);
  if (!miner) return miner.error();
  b.miner = miner->value_or(Address{});
  auto txs = optional<std::vector<Hash>>(value, "transactions", parse_hash_list);
  if (!txs) return txs.error();
  b.transactions = txs->value_or(std::vector<Hash>{});
  return b;
}

Result<FeeHistory> parse_fee_history(const Json& value) {
  if (!value.is_object()) return bad("fee history must be an object");
  FeeHistory h;
  auto oldest = required<std::uint64_t>(value, "oldestBlock", parse_quantity_u64);
  if (!oldest) return oldest.error();
  h.oldest_block = *oldest;
  auto base = field(value, "baseFeePerGas");
  if (!base) return base.error();
  if (!(*base)->is_array()) return bad("\"baseFeePerGas\" must be an array");
  for (const auto& item : **base) {
    auto fee = parse_quantity(item);
    if (!fee) return in_field("baseFeePerGas", fee.error());
    h.base_fee_per_gas.push_back(*fee);
  }
  if (const Json* ratios = optional_field(value, "gasUsedRatio")) {
    if (!ratios->is_array()) return bad("\"gasUsedRatio\" must be an array");
    for (const auto& r : *ratios) {
      if (!r.is_number()) return bad("\"gasUsedRatio\" must hold numbers");
      h.gas_used_ratio.push_back(r.get<double>());
    }
  }
  if (const Json* rewards = optional_field(value, "reward")) {
    if (!rewards->is_array()) return bad("\"reward\" must be an array");
    for (const auto& block : *rewards) {
      if (!block.is_array()) return bad("\"reward\" must hold arrays");
      std::vector<U256> row;
      for (const auto& item : block) {
        auto fee = parse_quantity(item);
        if (!fee) return in_field("reward", fee.error());
        row.push_back(*fee);
      }
      h.reward.push_back(std::move(row));
    }
  }
  return h;
}

}  // namespace alith::web3
