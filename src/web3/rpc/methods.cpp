// The eth_* methods: parameters in their wire form, results through the defensive parsers.

#include <algorithm>
#include <thread>

#include "alith/web3/rpc.h"

namespace alith::web3 {
namespace {

Json params(std::initializer_list<Json> items) {
  Json out = Json::array();
  for (const auto& item : items) out.push_back(item);
  return out;
}

}  // namespace

std::uint64_t RpcClient::chain_id(const CancelToken& cancel) {
  return parse_quantity_u64(request("eth_chainId", Json::array(), cancel)).value();
}

std::uint64_t RpcClient::block_number(const CancelToken& cancel) {
  return parse_quantity_u64(request("eth_blockNumber", Json::array(), cancel)).value();
}

U256 RpcClient::get_balance(const Address& address, const BlockTag& block, const CancelToken& cancel) {
  return parse_quantity(request("eth_getBalance", params({address.to_hex(), block.str()}), cancel)).value();
}

std::uint64_t RpcClient::get_transaction_count(const Address& address, const BlockTag& block,
                                               const CancelToken& cancel) {
  return parse_quantity_u64(
             request("eth_getTransactionCount", params({address.to_hex(), block.str()}), cancel))
      .value();
}

std::uint64_t RpcClient::estimate_gas(const CallRequest& call, const CancelToken& cancel) {
  return parse_quantity_u64(request("eth_estimateGas", params({to_json(call)}), cancel)).value();
}

U256 RpcClient::gas_price(const CancelToken& cancel) {
  return parse_quantity(request("eth_gasPrice", Json::array(), cancel)).value();
}

U256 RpcClient::max_priority_fee(const CancelToken& cancel) {
  return parse_quantity(request("eth_maxPriorityFeePerGas", Json::array(), cancel)).value();
}

FeeHistory RpcClient::fee_history(std::uint64_t block_count, const BlockTag& newest,
                                  const std::vector<double>& percentiles, const CancelToken& cancel) {
  Json p = Json::array();
  for (double x : percentiles) {
    if (!(x >= 0 && x <= 100)) throw InvalidArgumentError("fee_history: percentiles must lie in [0, 100]");
    p.push_back(x);
  }
  return parse_fee_history(
             request("eth_feeHistory", params({to_quantity(block_count), newest.str(), p}), cancel))
      .value();
}

FeeSuggestion RpcClient::suggest_fees(std::uint64_t blocks, double percentile, const CancelToken& cancel) {
  const FeeHistory history =
      fee_history(std::max<std::uint64_t>(1, blocks), BlockTag::latest(), {percentile}, cancel);
  if (history.base_fee_per_gas.empty()) throw UnsupportedError("the node reports no base fee (no EIP-1559)");
  FeeSuggestion out;
  out.base_fee = history.base_fee_per_gas.back();  // the block after the newest one
  std::vector<U256> tips;
  for (const auto& row : history.reward) {
    if (!row.empty()) tips.push_back(row[0]);
  }
  if (!tips.empty()) {
    std::sort(tips.begin(), tips.end());
    out.max_priority_fee_per_gas = tips[tips.size() / 2];
  }
  if (out.max_priority_fee_per_gas.is_zero()) {
    try {
      out.max_priority_fee_per_gas = max_priority_fee(cancel);
    } catch (const RpcError&) {  // no eth_maxPriorityFeePerGas on this node
      out.max_priority_fee_per_gas = U256(1'000'000'000);
    }
  }
  out.max_fee_per_gas = out.base_fee * U256(2) + out.max_priority_fee_per_gas;
  return out;
}

std::optional<Receipt> RpcClient::get_transaction_receipt(const Hash& tx_hash, const CancelToken& cancel) {
  Json result = request("eth_getTransactionReceipt", params({to_hex(tx_hash)}), cancel);
  if (result.is_null()) return std::nullopt;
  return parse_receipt(result).value();
}

Receipt RpcClient::wait_for_receipt(const Hash& tx_hash, std::uint64_t confirmations,
                                    std::chrono::milliseconds timeout,
                                    std::chrono::milliseconds poll_interval, const CancelToken& cancel) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto interval = std::max(poll_interval, std::chrono::milliseconds(1));
  for (;;) {
    cancel.check();
    // Fetched again on every poll: a reorg may move the transaction to another block.
    if (auto receipt = get_transaction_receipt(tx_hash, cancel)) {
      if (confirmations <= 1) return *receipt;
      const std::uint64_t head = block_number(cancel);
      if (head >= receipt->block_number && head - receipt->block_number + 1 >= confirmations) return *receipt;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      throw TimeoutError("transaction " + to_hex(tx_hash) + " not confirmed within " +
                         std::to_string(timeout.count()) + " ms");
    }
    const auto until = std::min(deadline, now + interval);
    while (std::chrono::steady_clock::now() < until) {
      cancel.check();
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          until - std::chrono::steady_clock::now(), std::chrono::milliseconds(20)));
    }
  }
}

Bytes RpcClient::call(const CallRequest& call, const BlockTag& block, const CancelToken& cancel) {
  return parse_data(request("eth_call", params({to_json(call), block.str()}), cancel)).value();
}

std::vector<Log> RpcClient::get_logs(const LogFilter& filter, const CancelToken& cancel) {
  if (filter.topics.size() > 4) throw InvalidArgumentError("get_logs: at most 4 topic positions");
  Json result = request("eth_getLogs", params({to_json(filter)}), cancel);
  if (!result.is_array()) throw ParseError("RPC reply: eth_getLogs must return an array");
  std::vector<Log> out;
  out.reserve(result.size());
  for (const auto& item : result) out.push_back(parse_log(item).value());
  return out;
}

Bytes RpcClient::get_code(const Address& address, const BlockTag& block, const CancelToken& cancel) {
  return parse_data(request("eth_getCode", params({address.to_hex(), block.str()}), cancel)).value();
}

std::optional<Block> RpcClient::get_block(const BlockTag& block, const CancelToken& cancel) {
  Json result = request("eth_getBlockByNumber", params({block.str(), false}), cancel);
  if (result.is_null()) return std::nullopt;
  return parse_block(result).value();
}

}  // namespace alith::web3
