// Filling, signing and sending transactions for one key.

#include <algorithm>
#include <cmath>

#include "alith/web3/wallet.h"

namespace alith::web3 {
namespace {

// The gas a transaction costs before it executes anything (EIP-2028 calldata, EIP-2930 access lists,
// EIP-3860 init code, EIP-7623's calldata floor). Nodes answer eth_estimateGas for a plain transfer with
// 21000 without looking at the access list, so the estimate alone can be too low.
std::uint64_t intrinsic_gas(const Transaction& tx) {
  std::uint64_t zero = 0, nonzero = 0;
  for (std::uint8_t b : tx.data) (b == 0 ? zero : nonzero) += 1;
  std::uint64_t gas = 21000 + 4 * zero + 16 * nonzero;
  if (!tx.to) gas += 32000 + 2 * ((tx.data.size() + 31) / 32);
  for (const auto& entry : tx.access_list) gas += 2400 + 1900 * entry.storage_keys.size();
  const std::uint64_t floor = 21000 + 10 * (zero + 4 * nonzero);
  return std::max(gas, floor);
}

}  // namespace

Wallet::Wallet(PrivateKey key, std::shared_ptr<RpcClient> rpc, WalletOptions options)
    : key_(std::move(key)), rpc_(std::move(rpc)), options_(options), nonces_(rpc_, key_.address()) {
  if (!(options_.gas_margin >= 1.0 && options_.gas_margin <= 10.0)) {
    throw InvalidArgumentError("WalletOptions::gas_margin must lie in [1, 10]");
  }
}

std::uint64_t Wallet::chain_id(const CancelToken& cancel) {
  std::lock_guard lock(chain_mutex_);
  if (!chain_id_) chain_id_ = rpc_->chain_id(cancel);
  return *chain_id_;
}

Transaction Wallet::prepare(const TxRequest& request, const CancelToken& cancel) {
  Transaction tx;
  tx.type = request.type;
  tx.chain_id = chain_id(cancel);
  tx.nonce = request.nonce.value_or(0);
  tx.to = request.to;
  tx.value = request.value;
  tx.data = request.data;
  if (request.type != TxType::legacy) tx.access_list = request.access_list;

  if (request.type == TxType::dynamic_fee) {
    if (request.max_fee_per_gas && request.max_priority_fee_per_gas) {
      tx.max_fee_per_gas = *request.max_fee_per_gas;
      tx.max_priority_fee_per_gas = *request.max_priority_fee_per_gas;
    } else {
      const FeeSuggestion fees =
          rpc_->suggest_fees(options_.fee_history_blocks, options_.priority_fee_percentile, cancel);
      tx.max_priority_fee_per_gas = request.max_priority_fee_per_gas.value_or(fees.max_priority_fee_per_gas);
      tx.max_fee_per_gas =
          request.max_fee_per_gas.value_or(fees.base_fee * U256(2) + tx.max_priority_fee_per_gas);
      // A fee cap below the tip is invalid: lift the tip's cap to the tip.
      if (tx.max_fee_per_gas < tx.max_priority_fee_per_gas) tx.max_fee_per_gas = tx.max_priority_fee_per_gas;
    }
  } else {
    tx.gas_price = request.gas_price ? *request.gas_price : rpc_->gas_price(cancel);
  }

  if (request.gas_limit) {
    tx.gas_limit = *request.gas_limit;
  } else {
    CallRequest call;
    call.from = address();
    call.to = request.to;
    call.data = request.data;
    call.value = request.value;
    call.access_list = tx.access_list;
    const std::uint64_t estimate = std::max(rpc_->estimate_gas(call, cancel), intrinsic_gas(tx));
    tx.gas_limit = static_cast<std::uint64_t>(std::ceil(static_cast<double>(estimate) * options_.gas_margin));
  }
  return tx;
}

Hash Wallet::send(const TxRequest& request, const CancelToken& cancel) {
  Transaction tx = prepare(request, cancel);
  if (request.nonce) return rpc_->send_raw_transaction(sign(tx).raw(), cancel);

  for (int attempt = 1;; ++attempt) {
    tx.nonce = nonces_.reserve(cancel);
    const SignedTransaction signed_tx = sign(tx);
    // Errors not caught here (transport failures after retries, an unreadable reply) leave the transaction's
    // fate unknown: the node may hold it, so its nonce stays used (NonceManager::reset() when the caller
    // knows).
    try {
      return rpc_->send_raw_transaction(signed_tx.raw(), cancel);
    } catch (const AlreadyKnownError&) {
      return signed_tx.hash();  // these very bytes are already in the node's pool
    } catch (const NonceTooLowError&) {
      // Another sender used this nonce: nothing of ours was consumed. Catch up and sign again.
      nonces_.resync(cancel);
      if (attempt >= std::max(1, options_.nonce_attempts)) throw;
    } catch (const RpcError&) {
      nonces_.release(tx.nonce);  // rejected: the nonce is still free
      throw;
    }
  }
}

Receipt Wallet::send_and_wait(const TxRequest& request, std::chrono::milliseconds timeout,
                              const CancelToken& cancel) {
  const Hash hash = send(request, cancel);
  return rpc_->wait_for_receipt(hash, 1, timeout, std::chrono::milliseconds(100), cancel);
}

}  // namespace alith::web3
