#include "alith/web3/policy.h"

#include <algorithm>

namespace alith::web3 {
namespace {

constexpr auto kDay = std::chrono::hours(24);
// The veto of a call whose id is already reserved; after_tool must not release the other call's reservation.
constexpr std::string_view kDuplicate = "policy: another transfer with this tool call id is in progress";

std::string asset_name(const std::optional<Address>& token) {
  return token ? "token " + token->to_checksum() : std::string("the native coin");
}

}  // namespace

SpendingGuard::SpendingGuard(WalletPolicy policy) : policy_(std::move(policy)) {
  if (!policy_.now) throw InvalidArgumentError("WalletPolicy::now must be set");
}

U256 SpendingGuard::window_total(const std::optional<Address>& token,
                                 std::chrono::system_clock::time_point now) const {
  U256 total;
  auto add = [&](const Entry& e) {
    // Saturating: a sum past 2^256 is over any limit anyway.
    if (e.token == token && e.at > now - kDay)
      total = U256::checked_add(total, e.amount).value_or(U256::max());
  };
  for (const auto& [id, e] : open_) add(e);
  for (const Entry& e : sent_) add(e);
  return total;
}

agent::ToolDecision SpendingGuard::authorize(const SpendRequest& request) {
  if (policy_.allowlist && !policy_.allowlist->contains(request.to)) {
    return agent::ToolDecision::veto("policy: " + request.to.to_checksum() +
                                     " is not on this wallet's allowlist of recipients");
  }
  const SpendLimits* limits = &policy_.native;
  if (request.token) {
    auto it = policy_.tokens.find(*request.token);
    if (it == policy_.tokens.end()) {
      return agent::ToolDecision::veto("policy: " + asset_name(request.token) +
                                       " has no spending limits configured, so it cannot be sent");
    }
    limits = &it->second;
  }
  if (limits->per_transaction && request.amount > *limits->per_transaction) {
    return agent::ToolDecision::veto(
        "policy: " + request.amount.to_string() + " exceeds the per-transaction limit of " +
        limits->per_transaction->to_string() + " (base units of " + asset_name(request.token) + ")");
  }
  {
    std::lock_guard lock(mutex_);
    auto now = policy_.now();
    std::erase_if(sent_, [&](const Entry& e) { return e.at <= now - kDay; });
    if (open_.contains(request.call_id)) {
      return agent::ToolDecision::veto(std::string(kDuplicate));
    }
    if (limits->per_day) {
      U256 spent = window_total(request.token, now);
      auto after = U256::checked_add(spent, request.amount);
      if (!after || *after > *limits->per_day) {
        return agent::ToolDecision::veto(
            "policy: sending " + request.amount.to_string() + " would exceed the daily limit of " +
            limits->per_day->to_string() + " (" + spent.to_string() +
            " already spent in the last 24 hours; base units of " + asset_name(request.token) + ")");
      }
    }
    open_[request.call_id] = Entry{request.token, request.amount, now};
  }
  // The human is asked without holding the lock: other agents keep being checked meanwhile.
  if (policy_.confirm && !policy_.confirm(request)) {
    release(request.call_id);
    return agent::ToolDecision::veto("policy: the user declined: " + request.summary);
  }
  return agent::ToolDecision::allow();
}

bool SpendingGuard::approved(const std::string& call_id) const {
  std::lock_guard lock(mutex_);
  return open_.contains(call_id);
}

void SpendingGuard::mark_sent(const std::string& call_id) {
  std::lock_guard lock(mutex_);
  auto it = open_.find(call_id);
  if (it == open_.end()) return;
  sent_.push_back(it->second);
  open_.erase(it);
}

void SpendingGuard::release(const std::string& call_id) {
  std::lock_guard lock(mutex_);
  open_.erase(call_id);
}

U256 SpendingGuard::spent_today(const std::optional<Address>& token) const {
  std::lock_guard lock(mutex_);
  return window_total(token, policy_.now());
}

void SpendingGuard::watch(std::string tool_name,
                          std::function<SpendRequest(const llm::ToolCall& call)> parse) {
  std::lock_guard lock(mutex_);
  watched_[std::move(tool_name)] = std::move(parse);
}

agent::Hooks SpendingGuard::hooks() {
  agent::Hooks h;
  h.before_tool = [this](const llm::ToolCall& call) {
    std::function<SpendRequest(const llm::ToolCall&)> parse;
    {
      std::lock_guard lock(mutex_);
      auto it = watched_.find(call.name);
      if (it == watched_.end()) return agent::ToolDecision::allow();
      parse = it->second;
    }
    SpendRequest request;
    try {
      request = parse(call);
    } catch (const std::exception& e) {
      return agent::ToolDecision::veto(std::string("policy: cannot read this transfer: ") + e.what());
    }
    request.call_id = call.id;
    return authorize(request);
  };
  h.after_tool = [this](const llm::ToolCall& call, agent::ToolOutcome& outcome) {
    // A sending tool marks its call sent right after broadcasting; what is still open failed before that.
    if (outcome.is_error && outcome.content.find(kDuplicate) == std::string::npos) release(call.id);
  };
  return h;
}

}  // namespace alith::web3
