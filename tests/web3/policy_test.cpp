// SpendingGuard: limits, the daily window, the allowlist, confirmation, reservations and the hooks.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "alith/web3/policy.h"

namespace alith::web3 {
namespace {

const Address kAlice = Address::from_string("0x00000000000000000000000000000000000a11ce");
const Address kBob = Address::from_string("0x0000000000000000000000000000000000000b0b");
const Address kToken = Address::from_string("0x000000000000000000000000000000000000707e");

SpendRequest send(std::string id, U256 amount, Address to = kAlice,
                  std::optional<Address> token = std::nullopt) {
  return SpendRequest{std::move(id), to, token, amount, "send " + amount.to_string()};
}

struct FakeClock {
  std::chrono::system_clock::time_point t = std::chrono::system_clock::time_point(std::chrono::hours(1000));
  std::function<std::chrono::system_clock::time_point()> fn() {
    return [this] { return t; };
  }
};

TEST(SpendingGuard, PerTransactionAndDailyLimits) {
  FakeClock clock;
  WalletPolicy policy;
  policy.native = {U256(100), U256(250)};
  policy.now = clock.fn();
  SpendingGuard guard(policy);
  EXPECT_FALSE(guard.authorize(send("a", 101)).allowed);
  EXPECT_TRUE(guard.authorize(send("b", 100)).allowed);
  guard.mark_sent("b");
  EXPECT_TRUE(guard.authorize(send("c", 100)).allowed);  // reserved, not yet sent: still counted
  auto over = guard.authorize(send("d", 51));
  EXPECT_FALSE(over.allowed);
  EXPECT_NE(over.reason.find("daily limit"), std::string::npos);
  guard.release("c");  // c failed before broadcasting
  EXPECT_TRUE(guard.authorize(send("d", 51)).allowed);
  guard.mark_sent("d");
  EXPECT_EQ(guard.spent_today(), U256(151));
  clock.t += std::chrono::hours(23);
  EXPECT_FALSE(guard.authorize(send("e", 100)).allowed);
  clock.t += std::chrono::hours(1) + std::chrono::seconds(1);  // b and d leave the window
  EXPECT_EQ(guard.spent_today(), U256(0));
  EXPECT_TRUE(guard.authorize(send("e", 100)).allowed);
}

TEST(SpendingGuard, AllowlistAndTokens) {
  WalletPolicy policy;
  policy.allowlist = std::set<Address>{kAlice};
  policy.tokens[kToken] = {U256(10), std::nullopt};
  SpendingGuard guard(policy);
  auto bob = guard.authorize(send("a", 1, kBob));
  EXPECT_FALSE(bob.allowed);
  EXPECT_NE(bob.reason.find("allowlist"), std::string::npos);
  EXPECT_TRUE(guard.authorize(send("b", 10, kAlice, kToken)).allowed);
  EXPECT_FALSE(guard.authorize(send("c", 11, kAlice, kToken)).allowed);
  auto unknown = guard.authorize(send("d", 1, kAlice, kBob));
  EXPECT_FALSE(unknown.allowed);
  EXPECT_NE(unknown.reason.find("no spending limits"), std::string::npos);
  // Token spends do not count against the native coin.
  EXPECT_EQ(guard.spent_today(), U256(0));
  EXPECT_EQ(guard.spent_today(kToken), U256(10));
}

TEST(SpendingGuard, ConfirmationSeesTheSummaryAndDeclineReleases) {
  std::vector<std::string> asked;
  bool answer = false;
  WalletPolicy policy;
  policy.native.per_day = U256(10);
  policy.confirm = [&](const SpendRequest& r) {
    asked.push_back(r.summary);
    return answer;
  };
  SpendingGuard guard(policy);
  auto declined = guard.authorize(send("a", 10));
  EXPECT_FALSE(declined.allowed);
  EXPECT_NE(declined.reason.find("declined"), std::string::npos);
  EXPECT_FALSE(guard.approved("a"));
  answer = true;
  EXPECT_TRUE(guard.authorize(send("b", 10)).allowed);  // the declined amount was not kept
  EXPECT_TRUE(guard.approved("b"));
  EXPECT_EQ(asked, (std::vector<std::string>{"send 10", "send 10"}));
}

TEST(SpendingGuard, HooksAuthorizeWatchedToolsAndReleaseFailures) {
  WalletPolicy policy;
  policy.native.per_day = U256(100);
  SpendingGuard guard(policy);
  guard.watch("send_native", [](const llm::ToolCall& call) {
    return send("", U256::from_string(call.arguments.at("wei").get<std::string>()));
  });
  agent::Hooks hooks = guard.hooks();
  llm::ToolCall other{"x", "get_balance", Json::object(), "{}"};
  EXPECT_TRUE(hooks.before_tool(other).allowed);
  llm::ToolCall first{"1", "send_native", Json{{"wei", "60"}}, ""};
  ASSERT_TRUE(hooks.before_tool(first).allowed);
  EXPECT_TRUE(guard.approved("1"));
  llm::ToolCall second{"2", "send_native", Json{{"wei", "60"}}, ""};
  EXPECT_FALSE(hooks.before_tool(second).allowed) << "both calls of one turn together exceed the day";
  agent::ToolOutcome failed{"rpc down", true};
  hooks.after_tool(first, failed);
  EXPECT_FALSE(guard.approved("1"));
  EXPECT_TRUE(hooks.before_tool(second).allowed);
  guard.mark_sent("2");
  agent::ToolOutcome late_error{"receipt timed out", true};
  hooks.after_tool(second, late_error);
  EXPECT_EQ(guard.spent_today(), U256(60)) << "a broadcast transfer stays counted";
  llm::ToolCall garbage{"3", "send_native", Json{{"wei", "lots"}}, ""};
  auto vetoed = hooks.before_tool(garbage);
  EXPECT_FALSE(vetoed.allowed);
  EXPECT_NE(vetoed.reason.find("cannot read"), std::string::npos);
}

TEST(SpendingGuard, DuplicateCallIdDoesNotReleaseTheFirst) {
  WalletPolicy policy;
  SpendingGuard guard(policy);
  guard.watch("send_native", [](const llm::ToolCall&) { return send("", 1); });
  agent::Hooks hooks = guard.hooks();
  llm::ToolCall call{"same", "send_native", Json::object(), ""};
  ASSERT_TRUE(hooks.before_tool(call).allowed);
  auto dup = hooks.before_tool(call);
  ASSERT_FALSE(dup.allowed);
  agent::ToolOutcome outcome{dup.reason, true};
  hooks.after_tool(call, outcome);
  EXPECT_TRUE(guard.approved("same"));
}

TEST(SpendingGuard, ConcurrentAuthorizationsNeverExceedTheDay) {
  WalletPolicy policy;
  policy.native.per_day = U256(1000);
  SpendingGuard guard(policy);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        if (guard.authorize(send(std::to_string(t) + "-" + std::to_string(i), 7)).allowed) ++allowed;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(allowed.load(), 1000 / 7);
  EXPECT_EQ(guard.spent_today(), U256(7 * (1000 / 7)));
}

}  // namespace
}  // namespace alith::web3
