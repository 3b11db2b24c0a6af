// Nonce reservations for concurrent senders of one account (see wallet.h for the rules).

#include "alith/web3/wallet.h"

namespace alith::web3 {

NonceManager::NonceManager(std::shared_ptr<RpcClient> rpc, Address address)
    : rpc_(std::move(rpc)), address_(address) {
  if (!rpc_) throw InvalidArgumentError("NonceManager: no RpcClient");
}

std::uint64_t NonceManager::reserve(const CancelToken& cancel) {
  std::lock_guard lock(mutex_);
  if (!released_.empty()) {
    const std::uint64_t nonce = *released_.begin();
    released_.erase(released_.begin());
    return nonce;
  }
  // The node is asked under the lock: concurrent first senders wait for one answer instead of each
  // reading the same count.
  if (!next_) next_ = rpc_->get_transaction_count(address_, BlockTag::pending(), cancel);
  return (*next_)++;
}

void NonceManager::release(std::uint64_t nonce) {
  std::lock_guard lock(mutex_);
  if (!next_ || nonce >= *next_) return;  // not ours (or forgotten by reset)
  released_.insert(nonce);
  // Released nonces at the top simply lower the counter.
  while (!released_.empty() && *released_.rbegin() + 1 == *next_) {
    released_.erase(std::prev(released_.end()));
    --*next_;
  }
}

void NonceManager::resync(const CancelToken& cancel) {
  const std::uint64_t pending = rpc_->get_transaction_count(address_, BlockTag::pending(), cancel);
  std::lock_guard lock(mutex_);
  // Released nonces below what the node has seen were used by someone else.
  released_.erase(released_.begin(), released_.lower_bound(pending));
  if (!next_ || *next_ < pending) next_ = pending;
}

void NonceManager::reset() {
  std::lock_guard lock(mutex_);
  next_.reset();
  released_.clear();
}

}  // namespace alith::web3
