#pragma once

// Guard rails for agents that hold a wallet. Every tool that moves value (wallet_tools: send_native,
// send_erc20) is checked by a SpendingGuard in the agent's before_tool hook, against:
//   - a per-transaction and a rolling 24-hour limit, for the native coin and for each listed ERC-20 token
//     (a token without limits cannot be sent at all);
//   - an allowlist of recipients (when set, nothing else can receive);
//   - an optional human confirmation (a callback that sees a plain-language summary, never a key).
// A veto becomes the tool's error result, which the model sees and can explain. The amount of an approved
// call is reserved at once, so calls of one turn cannot together exceed a limit; it is released again when
// the send fails before anything was broadcast, and counted when the transaction went out, whatever happens
// next.
//
// The sending tools also ask the guard, when they run, whether the hook approved their call id, so a tool
// registered without the guard's hooks refuses to send. Reservations are keyed by tool call id, so agents
// that share one guard need ids unique among their concurrent calls (hosted providers issue random ids; the
// agent loop's fallback ids are unique only within a run: give concurrently running local agents a guard
// each). Thread-safe.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "alith/agent/agent.h"
#include "alith/web3/address.h"
#include "alith/web3/u256.h"

namespace alith::web3 {

// What a sending tool is about to do, as the guard sees it.
struct SpendRequest {
  std::string call_id;           // the model's tool call id
  Address to;                    // who receives the value
  std::optional<Address> token;  // the ERC-20 contract; empty for the native coin
  U256 amount;                   // in base units (wei, or the token's smallest unit)
  std::string summary;           // "send 0.5 ETH to 0x…", what a human is asked to confirm
};

struct SpendLimits {
  std::optional<U256> per_transaction;  // empty: no limit of this kind
  std::optional<U256> per_day;          // over the last 24 hours, counting reserved and sent amounts
};

struct WalletPolicy {
  SpendLimits native;                          // wei
  std::map<Address, SpendLimits> tokens;       // ERC-20 contract -> limits in its base units
  std::optional<std::set<Address>> allowlist;  // when set, the only recipients allowed
  // Asked before every send the limits allow; false vetoes. Empty: no confirmation.
  std::function<bool(const SpendRequest&)> confirm;
  // The clock of the daily window (tests move it).
  std::function<std::chrono::system_clock::time_point()> now = [] {
    return std::chrono::system_clock::now();
  };
};

class SpendingGuard {
 public:
  explicit SpendingGuard(WalletPolicy policy);

  // Checks a send against the policy and, when allowed, reserves its amount under request.call_id.
  agent::ToolDecision authorize(const SpendRequest& request);
  // For the sending tools: true when authorize() approved call_id and its reservation is still open.
  bool approved(const std::string& call_id) const;
  // The transaction of call_id was broadcast: its amount stays counted.
  void mark_sent(const std::string& call_id);
  // The send of call_id failed before broadcasting: its reservation is dropped.
  void release(const std::string& call_id);

  // Spent or reserved in the current 24-hour window (native when token is empty).
  U256 spent_today(const std::optional<Address>& token = std::nullopt) const;

  // before_tool: turns calls of the sending tools into SpendRequests (through the parser a tool registered
  // with watch()) and authorizes them; after_tool: releases reservations of calls that failed unsent.
  agent::Hooks hooks();
  // Registers a tool whose calls are spends: parse turns the call's arguments into a request, or throws to
  // veto a call whose arguments make no sense.
  void watch(std::string tool_name, std::function<SpendRequest(const llm::ToolCall& call)> parse);

 private:
  struct Entry {
    std::optional<Address> token;
    U256 amount;
    std::chrono::system_clock::time_point at;
  };
  U256 window_total(const std::optional<Address>& token, std::chrono::system_clock::time_point now) const;

  WalletPolicy policy_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> open_;  // reserved and not yet sent or released, by call id
  std::vector<Entry> sent_;            // broadcast; entries older than a day are dropped as new ones come
  std::map<std::string, std::function<SpendRequest(const llm::ToolCall&)>> watched_;
};

}  // namespace alith::web3
