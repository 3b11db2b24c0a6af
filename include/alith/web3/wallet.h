#pragma once

// A signer bound to a private key and a node: fills in what a transaction leaves open (chain id, nonce, gas,
// fees), signs it and sends it. Thread-safe: many threads may send through one Wallet at once; the nonce
// manager hands each of them its own nonce.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "alith/core/cancel.h"
#include "alith/web3/keys.h"
#include "alith/web3/rpc.h"
#include "alith/web3/transaction.h"

namespace alith::web3 {

// Consecutive nonces for one account, handed to concurrent senders of one process without collisions.
//
// The first reservation reads eth_getTransactionCount(address, "pending"); later ones count up locally under
// a mutex. A nonce whose transaction the node rejected (so it consumed nothing) is release()d and handed out
// again before any new one, so no gap stalls the transactions behind it. When another sender used the
// account (the node says "nonce too low"), resync() moves the counter up to the node's pending count; it
// never moves it down, so reservations still on their way to the node keep their nonces. Nonces of
// transactions whose fate is unknown (the node went away mid-send) stay used: reset() forgets everything, for
// a caller that knows nothing is in flight.
class NonceManager {
 public:
  NonceManager(std::shared_ptr<RpcClient> rpc, Address address);

  std::uint64_t reserve(const CancelToken& cancel = {});
  void release(std::uint64_t nonce);
  void resync(const CancelToken& cancel = {});
  void reset();

  const Address& address() const noexcept { return address_; }

 private:
  std::shared_ptr<RpcClient> rpc_;
  Address address_;
  std::mutex mutex_;
  std::optional<std::uint64_t> next_;  // unset: read the node on the next reserve()
  std::set<std::uint64_t> released_;   // below next_, to be handed out first
};

// What to send; unset fields are filled in by the Wallet.
struct TxRequest {
  TxType type = TxType::dynamic_fee;
  std::optional<Address> to;  // unset: contract creation
  U256 value;
  Bytes data;
  std::vector<AccessListEntry> access_list;  // EIP-2930 and EIP-1559
  std::optional<std::uint64_t> gas_limit;    // unset: estimate_gas x gas_margin
  std::optional<U256> gas_price;             // legacy and EIP-2930; unset: eth_gasPrice
  std::optional<U256> max_fee_per_gas;       // EIP-1559; unset: RpcClient::suggest_fees
  std::optional<U256> max_priority_fee_per_gas;
  std::optional<std::uint64_t> nonce;  // unset: from the nonce manager (set: the manager is not involved)
};

struct WalletOptions {
  double gas_margin = 1.2;  // estimate_gas is exact for the state it ran on; a margin absorbs state changes
  std::uint64_t fee_history_blocks = 10;
  double priority_fee_percentile = 50;
  int nonce_attempts = 3;  // sends retried with a fresh nonce after "nonce too low"
};

class Wallet {
 public:
  Wallet(PrivateKey key, std::shared_ptr<RpcClient> rpc, WalletOptions options = {});

  Address address() const noexcept { return key_.address(); }
  RpcClient& rpc() const noexcept { return *rpc_; }
  const std::shared_ptr<RpcClient>& rpc_ptr() const noexcept { return rpc_; }
  NonceManager& nonces() noexcept { return nonces_; }

  // Asked once, then remembered.
  std::uint64_t chain_id(const CancelToken& cancel = {});

  // The transaction with everything but the nonce filled in (nonce: request.nonce or 0). estimate_gas runs
  // here, so a call that would revert fails now (RevertError) without consuming a nonce.
  Transaction prepare(const TxRequest& request, const CancelToken& cancel = {});
  SignedTransaction sign(const Transaction& tx) const { return sign_transaction(tx, key_); }

  // prepare + a nonce + sign + eth_sendRawTransaction; the transaction hash. A rejected transaction gives its
  // nonce back (see NonceManager); "nonce too low" resyncs and tries again with a new nonce.
  Hash send(const TxRequest& request, const CancelToken& cancel = {});
  // send, then RpcClient::wait_for_receipt.
  Receipt send_and_wait(const TxRequest& request,
                        std::chrono::milliseconds timeout = std::chrono::seconds(120),
                        const CancelToken& cancel = {});

 private:
  PrivateKey key_;
  std::shared_ptr<RpcClient> rpc_;
  WalletOptions options_;
  NonceManager nonces_;
  std::mutex chain_mutex_;
  std::optional<std::uint64_t> chain_id_;
};

}  // namespace alith::web3
