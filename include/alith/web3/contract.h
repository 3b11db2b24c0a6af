#pragma once

// A deployed contract seen through its ABI: calls (eth_call, outputs decoded), transactions through a Wallet,
// deployment, and its events, from a receipt or queried with eth_getLogs. Reverts come back as RevertError
// whose reason() is decoded with the contract's ABI (Error(string), Panic(uint256) and its custom errors).
// Thread-safe for concurrent use (the Contract itself is immutable).

#include <chrono>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "alith/web3/abi.h"
#include "alith/web3/rpc.h"
#include "alith/web3/wallet.h"

namespace alith::web3 {

struct CallOptions {
  std::optional<Address> from;  // msg.sender of the call
  U256 value;
  BlockTag block;
};

// A log decoded by the contract's ABI, with the log it came from.
struct EventLog {
  abi::DecodedLog event;
  Log log;
};

// Transaction fields a send may set (value included); to and data are the contract's.
struct SendOptions {
  U256 value;
  TxType type = TxType::dynamic_fee;
  std::optional<std::uint64_t> gas_limit;
  std::chrono::milliseconds timeout = std::chrono::seconds(120);  // for the *_and_wait forms
};

class Contract {
 public:
  Contract(abi::Interface abi, Address address, std::shared_ptr<RpcClient> rpc);

  const Address& address() const noexcept { return address_; }
  const abi::Interface& abi() const noexcept { return abi_; }
  RpcClient& rpc() const noexcept { return *rpc_; }

  // eth_call of the function (by name, or by signature for overloads) and its decoded outputs. A revert is
  // RevertError with the decoded reason; outputs that do not decode: ParseError.
  std::vector<abi::Value> call(std::string_view function, const std::vector<abi::Value>& args = {},
                               const CallOptions& options = {}) const;

  // Sends a transaction calling the function; returns its hash. A revert found by gas estimation is a
  // RevertError with the decoded reason (and consumes no nonce).
  Hash send(Wallet& wallet, std::string_view function, const std::vector<abi::Value>& args = {},
            const SendOptions& options = {}) const;
  // send() and wait for the receipt. A receipt with status false is a RevertError (with the reason when an
  // eth_call replayed at that block reproduces it).
  Receipt transact(Wallet& wallet, std::string_view function, const std::vector<abi::Value>& args = {},
                   const SendOptions& options = {}) const;

  // Deploys bytecode with the ABI's constructor arguments and waits for the receipt; the contract at its new
  // address.
  static Contract deploy(Wallet& wallet, abi::Interface abi, ByteView bytecode,
                         const std::vector<abi::Value>& constructor_args = {},
                         const SendOptions& options = {});

  // The receipt's logs emitted by this contract that its ABI decodes, in log order. Others are skipped.
  std::vector<EventLog> decode_events(const Receipt& receipt) const;

  // eth_getLogs for one event of this contract. indexed[i] constrains the event's i-th indexed parameter
  // (nullopt: any value; a value is turned into its topic).
  std::vector<EventLog> query_events(std::string_view event,
                                     const std::vector<std::optional<abi::Value>>& indexed = {},
                                     const BlockTag& from_block = BlockTag("earliest"),
                                     const BlockTag& to_block = BlockTag::latest()) const;

  // Runs fn and rethrows a RevertError from it with the reason decoded by this contract's ABI.
  template <class F>
  auto decoding_reverts(F&& fn) const -> decltype(fn());

 private:
  [[noreturn]] void rethrow_revert(const RevertError& e) const;

  abi::Interface abi_;
  Address address_;
  std::shared_ptr<RpcClient> rpc_;
};

template <class F>
auto Contract::decoding_reverts(F&& fn) const -> decltype(fn()) {
  try {
    return fn();
  } catch (const RevertError& e) {
    if (!e.reason().empty()) throw;
    rethrow_revert(e);
  }
}

}  // namespace alith::web3
