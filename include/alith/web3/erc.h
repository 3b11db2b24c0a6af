#pragma once

// Typed helpers for the three token standards, over the standards' own human-readable ABIs (built in, so any
// compliant token works without its ABI file). Reads are eth_calls; writes send a transaction through a
// Wallet and return its hash (wait with RpcClient::wait_for_receipt). Reverts are RevertError with the
// reason.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "alith/web3/contract.h"

namespace alith::web3 {

// The standard interfaces (EIP-20, EIP-721 with metadata, EIP-1155 with the metadata URI); built once.
const abi::Interface& erc20_abi();
const abi::Interface& erc721_abi();
const abi::Interface& erc1155_abi();

class Erc20 {
 public:
  Erc20(Address token, std::shared_ptr<RpcClient> rpc) : contract_(erc20_abi(), token, std::move(rpc)) {}
  const Contract& contract() const noexcept { return contract_; }

  std::string name() const;
  std::string symbol() const;
  std::uint8_t decimals() const;
  U256 total_supply() const;
  U256 balance_of(const Address& holder) const;
  U256 allowance(const Address& holder, const Address& spender) const;

  Hash transfer(Wallet& wallet, const Address& to, const U256& amount) const;
  Hash approve(Wallet& wallet, const Address& spender, const U256& amount) const;
  Hash transfer_from(Wallet& wallet, const Address& from, const Address& to, const U256& amount) const;

 private:
  Contract contract_;
};

class Erc721 {
 public:
  Erc721(Address token, std::shared_ptr<RpcClient> rpc) : contract_(erc721_abi(), token, std::move(rpc)) {}
  const Contract& contract() const noexcept { return contract_; }

  Address owner_of(const U256& token_id) const;
  U256 balance_of(const Address& holder) const;
  std::string token_uri(const U256& token_id) const;

  // safeTransferFrom(from, to, id): a contract recipient must accept the token (onERC721Received).
  Hash safe_transfer_from(Wallet& wallet, const Address& from, const Address& to, const U256& token_id) const;
  Hash approve(Wallet& wallet, const Address& to, const U256& token_id) const;

 private:
  Contract contract_;
};

class Erc1155 {
 public:
  Erc1155(Address token, std::shared_ptr<RpcClient> rpc) : contract_(erc1155_abi(), token, std::move(rpc)) {}
  const Contract& contract() const noexcept { return contract_; }

  U256 balance_of(const Address& holder, const U256& id) const;
  // holders[i]'s balance of ids[i]; InvalidArgumentError when the lengths differ.
  std::vector<U256> balance_of_batch(const std::vector<Address>& holders, const std::vector<U256>& ids) const;
  // The metadata URI template; clients substitute "{id}" with the id as 64 lowercase hex digits.
  std::string uri(const U256& id) const;

  Hash safe_transfer_from(Wallet& wallet, const Address& from, const Address& to, const U256& id,
                          const U256& amount, const Bytes& data = {}) const;

 private:
  Contract contract_;
};

}  // namespace alith::web3
