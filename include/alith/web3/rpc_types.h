#pragma once

// The values the Ethereum JSON-RPC API exchanges (blocks, logs, receipts, fee history, call requests) and
// their parsers. Nodes are untrusted: every parse_* takes the JSON a node returned and gives a value or a
// parse error (a missing field, a wrong type, bad hex), never an exception or a crash.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alith/core/json.h"
#include "alith/web3/address.h"
#include "alith/web3/bytes.h"
#include "alith/web3/transaction.h"
#include "alith/web3/u256.h"

namespace alith::web3 {

// Which state a query reads: "latest", "pending", "earliest", "safe", "finalized", or a block number.
class BlockTag {
 public:
  BlockTag() = default;                                  // latest
  BlockTag(const char* tag) : value_(tag) {}             // NOLINT: implicit by design ("pending")
  BlockTag(std::string tag) : value_(std::move(tag)) {}  // NOLINT
  static BlockTag number(std::uint64_t block);
  static BlockTag latest() { return BlockTag("latest"); }
  static BlockTag pending() { return BlockTag("pending"); }
  const std::string& str() const noexcept { return value_; }  // the JSON-RPC form
  friend bool operator==(const BlockTag&, const BlockTag&) = default;

 private:
  std::string value_ = "latest";
};

// An event log. removed is true when a reorg dropped the block that held it.
struct Log {
  Address address;
  std::vector<Hash> topics;  // topics[0] is the event's signature hash unless the event is anonymous
  Bytes data;
  std::optional<std::uint64_t> block_number;  // absent for a pending log
  std::optional<Hash> block_hash;
  std::optional<Hash> transaction_hash;
  std::optional<std::uint64_t> transaction_index;
  std::optional<std::uint64_t> log_index;
  bool removed = false;
};

struct Receipt {
  Hash transaction_hash{};
  std::uint64_t transaction_index = 0;
  Hash block_hash{};
  std::uint64_t block_number = 0;
  Address from;
  std::optional<Address> to;                // absent for a contract creation
  std::optional<Address> contract_address;  // the created contract, for a creation
  bool status = false;                      // true: executed; false: reverted (post-Byzantium receipts)
  std::uint64_t gas_used = 0;
  std::uint64_t cumulative_gas_used = 0;
  U256 effective_gas_price;
  std::uint8_t type = 0;  // 0 legacy, 1 EIP-2930, 2 EIP-1559
  std::vector<Log> logs;
};

struct Block {
  std::optional<std::uint64_t> number;  // absent for a pending block
  std::optional<Hash> hash;
  Hash parent_hash{};
  std::uint64_t timestamp = 0;
  std::uint64_t gas_limit = 0;
  std::uint64_t gas_used = 0;
  std::optional<U256> base_fee_per_gas;  // absent before London
  Address miner;
  std::vector<Hash> transactions;  // hashes (blocks are fetched without full transactions)
};

// eth_feeHistory: base fees of the blocks asked for plus the next one (one more entry than blocks), the
// share of each block's gas used, and per block the priority fees paid at the requested percentiles.
struct FeeHistory {
  std::uint64_t oldest_block = 0;
  std::vector<U256> base_fee_per_gas;
  std::vector<double> gas_used_ratio;
  std::vector<std::vector<U256>> reward;
};

// EIP-1559 fees for a transaction sent now (see RpcClient::suggest_fees for how they are chosen).
struct FeeSuggestion {
  U256 base_fee;  // of the next block
  U256 max_priority_fee_per_gas;
  U256 max_fee_per_gas;
};

// A message call for eth_call and eth_estimateGas; unset fields are left out and the node fills them in.
struct CallRequest {
  std::optional<Address> from;
  std::optional<Address> to;  // absent: a contract creation (data is init code)
  Bytes data;
  std::optional<U256> value;
  std::optional<std::uint64_t> gas;
  std::optional<U256> gas_price;
  std::optional<U256> max_fee_per_gas;
  std::optional<U256> max_priority_fee_per_gas;
  std::vector<AccessListEntry> access_list;  // sent when not empty: it changes the gas a transaction needs
};

// eth_getLogs. topics[i] constrains topic i: nullopt matches anything, a set matches any of its hashes (OR).
// Either a block range or a block hash.
struct LogFilter {
  std::vector<Address> addresses;  // empty: any contract
  std::vector<std::optional<std::vector<Hash>>> topics;
  BlockTag from_block = BlockTag("earliest");
  BlockTag to_block = BlockTag("latest");
  std::optional<Hash> block_hash;
};

// Encoders to the JSON-RPC wire form.
std::string to_quantity(const U256& value);  // "0x" + minimal hex
std::string to_quantity(std::uint64_t value);
Json to_json(const CallRequest& call);
Json to_json(const LogFilter& filter);

// Decoders from what a node returned. A quantity is "0x" + hex digits (leading zeros tolerated); "data" is
// "0x" + an even number of hex digits.
Result<U256> parse_quantity(const Json& value);
Result<std::uint64_t> parse_quantity_u64(const Json& value);
Result<Bytes> parse_data(const Json& value);
Result<Hash> parse_hash_json(const Json& value);
Result<Address> parse_address_json(const Json& value);
Result<Log> parse_log(const Json& value);
Result<Receipt> parse_receipt(const Json& value);
Result<Block> parse_block(const Json& value);
Result<FeeHistory> parse_fee_history(const Json& value);

}  // namespace alith::web3
