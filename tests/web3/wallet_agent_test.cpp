// Wallet tools in an agent, and `alith wallet`, against a real chain (anvil from scripts/web3-peers) with the
// project's ERC-20 (contracts/AlithToken.sol compiled by solc-js). The model is scripted, so the calls it
// makes are exact; everything else is real: the agent loop and its hooks, the SpendingGuard, the wallet, the
// node.

#include <gtest/gtest.h>

#include <cstdlib>

#include "agent/scripted_model.h"
#include "alith/agent/agent.h"
#include "alith/web3/contract.h"
#include "alith/web3/erc.h"
#include "alith/web3/wallet_tools.h"
#include "chain_fixture.h"
#include "support/run_command.h"

namespace alith::web3 {
namespace {

using agent::testing::make_call;
using agent::testing::ScriptedModel;
using agent::testing::text_reply;
using agent::testing::tool_reply;
const U256 kEther = U256::from_string("1000000000000000000");

class WalletAgentTest : public ChainFixture {
 protected:
  // An ERC-20 whose whole supply (1,000 tokens) belongs to wallet.
  Address deploy_token(Wallet& wallet) const {
    const Compiled code = contract("AlithToken");
    return Contract::deploy(wallet, code.abi, code.bytecode, {"Agent Token", "AGT", kEther * U256(1000)})
        .address();
  }
};

// The tool result the model saw for call id.
const llm::Message& result_of(const agent::RunResult& run, const std::string& id) {
  for (const auto& m : run.transcript) {
    if (m.role == llm::Role::tool && m.tool_call_id == id) return m;
  }
  throw std::runtime_error("no result for " + id);
}

TEST_F(WalletAgentTest, AgentSendsWithinItsPolicyAndIsVetoedBeyondIt) {
  auto wallet = std::make_shared<Wallet>(key(1), rpc_);
  const Address token = deploy_token(*wallet);
  WalletPolicy policy;
  policy.native = {kEther, kEther * U256(6) / U256(5)};  // 1 ETH per transfer, 1.2 ETH a day
  policy.tokens[token] = {kEther * U256(100), std::nullopt};
  policy.allowlist = std::set<Address>{account(2), account(3)};
  auto guard = std::make_shared<SpendingGuard>(policy);

  const std::string two = account(2).to_checksum(), three = account(3).to_checksum(),
                    four = account(4).to_checksum();
  const std::string token_hex = token.to_checksum();
  const U256 two_before = rpc_->get_balance(account(2));
  const U256 four_before = rpc_->get_balance(account(4));
  const std::uint64_t nonce_before = rpc_->get_transaction_count(wallet->address());

  auto model = std::make_shared<ScriptedModel>();
  model->push(tool_reply({make_call("balance", "get_balance", Json::object()),
                          make_call("ok", "send_native", {{"to", two}, {"amount", "0.5"}}),
                          make_call("too_big", "send_native", {{"to", two}, {"amount", "2"}}),
                          make_call("stranger", "send_native", {{"to", four}, {"amount", "0.1"}})}));
  model->push(tool_reply({make_call("over_day", "send_native", {{"to", three}, {"amount", "1"}})}));
  model->push(tool_reply(
      {make_call("tokens", "send_erc20", {{"token", token_hex}, {"to", two}, {"amount", "10"}}),
       make_call("too_many", "send_erc20", {{"token", token_hex}, {"to", two}, {"amount", "101"}})}));
  model->push(tool_reply({make_call("their_tokens", "erc20_balance", {{"token", token_hex}, {"holder", two}}),
                          make_call("read", "contract_read",
                                    {{"address", token_hex},
                                     {"function", "balanceOf(address owner) view returns (uint256 amount)"},
                                     {"args", {two}}})}));
  model->push(text_reply("done"));
  auto agent = agent::AgentBuilder()
                   .model(model)
                   .tools(wallet_tools(wallet, guard))
                   .hooks(guard->hooks())
                   .tool_threads(1)
                   .build();
  agent::RunResult run = agent->run("pay people");
  EXPECT_EQ(run.answer, "done");

  Json balance = parse_json(result_of(run, "balance").text()).value();
  EXPECT_EQ(balance["address"], wallet->address().to_checksum());
  EXPECT_EQ(balance["symbol"], "ETH");
  Json sent = parse_json(result_of(run, "ok").text()).value();
  EXPECT_EQ(sent["status"], "success");
  EXPECT_EQ(rpc_->get_balance(account(2)), two_before + kEther / U256(2));
  EXPECT_NE(result_of(run, "too_big").text().find("per-transaction limit"), std::string::npos);
  EXPECT_NE(result_of(run, "stranger").text().find("allowlist"), std::string::npos);
  EXPECT_EQ(rpc_->get_balance(account(4)), four_before);
  EXPECT_NE(result_of(run, "over_day").text().find("daily limit"), std::string::npos);
  EXPECT_EQ(parse_json(result_of(run, "tokens").text()).value()["status"], "success");
  EXPECT_NE(result_of(run, "too_many").text().find("per-transaction limit"), std::string::npos);
  Json theirs = parse_json(result_of(run, "their_tokens").text()).value();
  EXPECT_EQ(theirs["balance"], "10");
  EXPECT_EQ(theirs["symbol"], "AGT");
  Json read = parse_json(result_of(run, "read").text()).value();
  EXPECT_EQ(read["outputs"]["amount"], (kEther * U256(10)).to_string());

  // Two transfers went out (ETH and tokens); nothing vetoed touched the chain.
  EXPECT_EQ(rpc_->get_transaction_count(wallet->address()), nonce_before + 2);
  EXPECT_EQ(guard->spent_today(), kEther / U256(2));
  EXPECT_EQ(guard->spent_today(token), kEther * U256(10));
  // The key never reached the model.
  const std::string secret = key(1).reveal_hex().substr(2);
  for (const auto& m : run.transcript) EXPECT_EQ(m.text().find(secret), std::string::npos);
}

TEST_F(WalletAgentTest, SendingToolsRefuseWithoutTheGuardsHooks) {
  auto wallet = std::make_shared<Wallet>(key(5), rpc_);
  auto guard = std::make_shared<SpendingGuard>(WalletPolicy{});
  const std::uint64_t nonce_before = rpc_->get_transaction_count(wallet->address());
  auto model = std::make_shared<ScriptedModel>();
  model->push(
      tool_reply({make_call("1", "send_native", {{"to", account(2).to_checksum()}, {"amount", "1"}})}));
  model->push(text_reply("done"));
  auto agent = agent::AgentBuilder().model(model).tools(wallet_tools(wallet, guard)).build();  // no hooks
  agent::RunResult run = agent->run("pay");
  EXPECT_NE(result_of(run, "1").text().find("not approved"), std::string::npos);
  EXPECT_EQ(rpc_->get_transaction_count(wallet->address()), nonce_before);
}

// `alith wallet` end to end; the key travels in an environment variable, never on the command line.
TEST_F(WalletAgentTest, CliBalanceSendCallAndSignTx) {
  auto owner = std::make_shared<Wallet>(key(6), rpc_);
  const Address token = deploy_token(*owner);
  const std::string env = "ALITH_TEST_KEY='" + key(6).reveal_hex() + "' ";
  const std::string cli = std::string(ALITH_CLI_PATH) + " wallet ";
  const std::string rpc = " --rpc " + anvil_->url();
  const std::string to = account(7).to_checksum();

  auto out = testing::run_command(env + cli + "address --key-env ALITH_TEST_KEY");
  EXPECT_EQ(out.status, 0);
  EXPECT_EQ(out.out, account(6).to_checksum() + "\n");

  const U256 before = rpc_->get_balance(account(7));
  out = testing::run_command(env + cli + "send --key-env ALITH_TEST_KEY --to " + to + " --value 0.25 --json" +
                             rpc);
  ASSERT_EQ(out.status, 0) << out.out;
  EXPECT_EQ(parse_json(out.out).value()["status"], "success");
  EXPECT_EQ(rpc_->get_balance(account(7)), before + kEther / U256(4));

  out = testing::run_command(env + cli + "send --key-env ALITH_TEST_KEY --token " + token.to_checksum() +
                             " --to " + to + " --value 1.5" + rpc);
  ASSERT_EQ(out.status, 0) << out.out;
  out = testing::run_command(cli + "balance " + to + " --token " + token.to_checksum() + rpc);
  EXPECT_EQ(out.out, "1.5 AGT\n");
  out = testing::run_command(cli + "call --to " + token.to_checksum() +
                             " 'balanceOf(address) view returns (uint256)' " + to + rpc);
  EXPECT_EQ(out.out, (kEther * U256(3) / U256(2)).to_string() + "\n");
  out = testing::run_command(cli + "balance " + to + " --json" + rpc);
  EXPECT_EQ(parse_json(out.out).value()["wei"], rpc_->get_balance(account(7)).to_string());

  // sign-tx with the node filling nonce, gas and fees; the raw bytes decode to a transaction from the key.
  out = testing::run_command(env + cli + "sign-tx --key-env ALITH_TEST_KEY --to " + to + " --value 1" + rpc);
  ASSERT_EQ(out.status, 0) << out.out;
  auto raw = from_hex(out.out.substr(0, out.out.size() - 1));
  SignedTransaction signed_tx = decode_transaction(raw).value();
  EXPECT_EQ(signed_tx.sender().value(), account(6));
  EXPECT_EQ(signed_tx.tx.nonce, rpc_->get_transaction_count(account(6)));
  EXPECT_EQ(signed_tx.tx.chain_id, anvil_->chain_id());
  EXPECT_EQ(rpc_->send_raw_transaction(raw), signed_tx.hash());

  // A bad address is a clear error (exit 1) and a missing key variable a configuration error (exit 2).
  out = testing::run_command(cli + "balance 0x1234" + rpc + " 2>&1");
  EXPECT_EQ(out.status, 1);
  EXPECT_NE(out.out.find("address"), std::string::npos);
  out = testing::run_command("env -u NO_SUCH_VAR " + cli + "address --key-env NO_SUCH_VAR 2>&1");
  EXPECT_EQ(out.status, 2);
}

}  // namespace
}  // namespace alith::web3
