#pragma once

// Agent tools over a wallet and a node. Reading tools:
//   get_balance      {address?}                        the native balance (default: the wallet's own)
//   erc20_balance    {token, holder?}                  an ERC-20 balance with its symbol and decimals
//   contract_read    {address, function, args?}        eth_call of a human-readable function signature
// Sending tools (wallet_tools only), each checked by the SpendingGuard (policy.h) before it runs:
//   send_native      {to, amount}                      amount in whole coins as a decimal string ("0.05")
//   send_erc20       {token, to, amount}               amount in whole tokens ("12.5"; the token's decimals)
// Results are JSON the model can read: balances as decimal strings in whole units and base units, transaction
// hashes, receipt status and block. No tool takes or returns key material: the key stays inside the Wallet.
//
// The agent must carry the guard's hooks (AgentBuilder::hooks(guard->hooks())): a sending tool whose call the
// guard did not approve refuses to run, so forgetting the hooks fails closed.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "alith/agent/tool.h"
#include "alith/web3/policy.h"
#include "alith/web3/rpc.h"
#include "alith/web3/wallet.h"

namespace alith::web3 {

struct WalletToolsOptions {
  std::string native_symbol = "ETH";
  // Sending tools wait this long for the receipt; on timeout the result says the transaction is pending.
  std::chrono::milliseconds receipt_timeout = std::chrono::seconds(120);
};

// get_balance, erc20_balance and contract_read on rpc (no wallet needed).
std::vector<std::shared_ptr<agent::Tool>> chain_read_tools(std::shared_ptr<RpcClient> rpc,
                                                           WalletToolsOptions options = {});

// The reading tools (get_balance defaulting to the wallet's address) plus send_native and send_erc20, which
// are registered with guard (SpendingGuard::watch).
std::vector<std::shared_ptr<agent::Tool>> wallet_tools(std::shared_ptr<Wallet> wallet,
                                                       std::shared_ptr<SpendingGuard> guard,
                                                       WalletToolsOptions options = {});

}  // namespace alith::web3
