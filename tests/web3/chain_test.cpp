// The web3 stack against a real chain: anvil (scripts/web3-peers) with the project's own contracts
// (contracts/*.sol, compiled offline by solc-js). Balances and a native transfer, the three transaction
// types, an ERC-20 hammered by 20 concurrent senders of one wallet, ERC-721 and ERC-1155 flows, decoded
// reverts and eth_getLogs by topic. Skips when anvil or the npm peers are missing.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "alith/web3/contract.h"
#include "alith/web3/erc.h"
#include "alith/web3/rpc.h"
#include "alith/web3/wallet.h"
#include "chain_fixture.h"

namespace alith::web3 {
namespace {

const U256 kEther = U256::from_string("1000000000000000000");

using ChainTest = ChainFixture;

TEST_F(ChainTest, TheDevChainIsFundedAndAnswers) {
  EXPECT_EQ(rpc_->chain_id(), 31337u);
  EXPECT_EQ(anvil_->dev_keys().at(0), "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
  EXPECT_EQ(account(0).to_checksum(), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  EXPECT_GE(rpc_->get_balance(account(9)), kEther * U256(1000));
  auto block = rpc_->get_block(BlockTag("earliest"));
  ASSERT_TRUE(block);
  EXPECT_EQ(block->number, 0u);
  EXPECT_TRUE(block->base_fee_per_gas.has_value());
  EXPECT_FALSE(rpc_->get_block(BlockTag::number(1'000'000)).has_value());
  EXPECT_TRUE(rpc_->get_code(account(0)).empty());
}

TEST_F(ChainTest, ANativeTransferAndItsReceipt) {
  Wallet sender = wallet(1);
  const Address to = account(2);
  const U256 before_to = rpc_->get_balance(to);
  const U256 before_from = rpc_->get_balance(sender.address());
  const std::uint64_t nonce_before = rpc_->get_transaction_count(sender.address());

  TxRequest request;
  request.to = to;
  request.value = kEther / U256(4);
  Receipt r = sender.send_and_wait(request);
  EXPECT_TRUE(r.status);
  EXPECT_EQ(r.from, sender.address());
  EXPECT_EQ(r.to, to);
  EXPECT_EQ(r.gas_used, 21000u);
  EXPECT_EQ(r.type, 2);
  EXPECT_FALSE(r.effective_gas_price.is_zero());
  EXPECT_TRUE(r.logs.empty());
  EXPECT_EQ(rpc_->get_balance(to), before_to + request.value);
  EXPECT_EQ(rpc_->get_balance(sender.address()),
            before_from - request.value - U256(r.gas_used) * r.effective_gas_price);
  EXPECT_EQ(rpc_->get_transaction_count(sender.address()), nonce_before + 1);
  auto block = rpc_->get_block(BlockTag::number(r.block_number));
  ASSERT_TRUE(block);
  EXPECT_NE(std::find(block->transactions.begin(), block->transactions.end(), r.transaction_hash),
            block->transactions.end());
  EXPECT_GE(rpc_->block_number(), r.block_number);
}

TEST_F(ChainTest, AllThreeTransactionTypesAreAccepted) {
  Wallet sender = wallet(3);
  for (TxType type : {TxType::legacy, TxType::access_list, TxType::dynamic_fee}) {
    TxRequest request;
    request.type = type;
    request.to = account(4);
    request.value = U256(12345);
    if (type != TxType::legacy) request.access_list = {AccessListEntry{account(5), {Hash{}}}};
    const Hash h = sender.send(request);
    // A transaction the node accepted but dropped would never get a receipt: wait briefly.
    Receipt r = rpc_->wait_for_receipt(h, 1, std::chrono::seconds(10), std::chrono::milliseconds(50));
    EXPECT_TRUE(r.status);
    EXPECT_EQ(r.type, static_cast<std::uint8_t>(type));
    // The access list's intrinsic gas: 2400 per address, 1900 per storage key.
    EXPECT_EQ(r.gas_used, type == TxType::legacy ? 21000u : 25300u);
  }
}

TEST_F(ChainTest, TwentyConcurrentErc20TransfersFromOneWallet) {
  Wallet owner = wallet(0);
  const Compiled token_code = contract("AlithToken");
  const U256 supply = kEther * U256(1'000'000);
  Contract deployed =
      Contract::deploy(owner, token_code.abi, token_code.bytecode, {"Alith Token", "ALT", supply});
  EXPECT_FALSE(rpc_->get_code(deployed.address()).empty());
  Erc20 token(deployed.address(), rpc_);
  EXPECT_EQ(token.name(), "Alith Token");
  EXPECT_EQ(token.symbol(), "ALT");
  EXPECT_EQ(token.decimals(), 18);
  EXPECT_EQ(token.total_supply(), supply);
  EXPECT_EQ(token.balance_of(owner.address()), supply);

  const std::uint64_t nonce_before = rpc_->get_transaction_count(owner.address());
  const std::vector<Address> recipients = {account(6), account(7), account(8), account(9)};
  constexpr int kSends = 20;
  std::vector<Hash> hashes(kSends);
  std::vector<std::string> failures(kSends);
  std::vector<std::thread> threads;
  for (int i = 0; i < kSends; ++i) {
    threads.emplace_back([&, i] {
      try {
        hashes[i] = token.transfer(owner, recipients[i % recipients.size()], U256(i + 1) * kEther);
      } catch (const std::exception& e) {
        failures[i] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kSends; ++i) EXPECT_EQ(failures[i], "") << "send " << i;
  EXPECT_EQ(std::set<Hash>(hashes.begin(), hashes.end()).size(), static_cast<size_t>(kSends));

  std::map<Address, U256> received;
  std::set<std::uint64_t> blocks;
  U256 total;
  for (const Hash& h : hashes) {
    Receipt r = rpc_->wait_for_receipt(h, 1, std::chrono::seconds(60), std::chrono::milliseconds(50));
    ASSERT_TRUE(r.status);
    blocks.insert(r.block_number);
    auto events = token.contract().decode_events(r);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].event.event, "Transfer");
    EXPECT_EQ(events[0].event["from"].as_address(), owner.address());
    const U256 value = events[0].event["value"].as_uint();
    received[events[0].event["to"].as_address()] += value;
    total += value;
  }
  EXPECT_EQ(total, U256(kSends * (kSends + 1) / 2) * kEther);
  EXPECT_EQ(rpc_->get_transaction_count(owner.address()), nonce_before + kSends);  // no gap, no collision
  U256 held;
  for (const Address& a : recipients) {
    EXPECT_EQ(token.balance_of(a), received[a]);
    held += token.balance_of(a);
  }
  EXPECT_EQ(held + token.balance_of(owner.address()), supply);

  // ethers reads the same chain: the same balances, receipts and decoded events, and 20 distinct nonces.
  Json holders = Json::array();
  for (const Address& a : recipients) holders.push_back(a.to_hex());
  holders.push_back(owner.address().to_hex());
  Json hash_list = Json::array();
  for (const Hash& h : hashes) hash_list.push_back(to_hex(h));
  const Json ethers = testing::run_ethers("chain.cjs", {{"url", anvil_->url()},
                                                        {"token", deployed.address().to_hex()},
                                                        {"holders", holders},
                                                        {"hashes", hash_list}});
  for (const Address& a : recipients) EXPECT_EQ(ethers["balances"][a.to_hex()], received[a].to_string());
  EXPECT_EQ(ethers["balances"][owner.address().to_hex()], token.balance_of(owner.address()).to_string());
  std::set<std::uint64_t> ethers_nonces;
  for (size_t i = 0; i < hashes.size(); ++i) {
    const Json& theirs = ethers["receipts"][i];
    const Receipt ours = *rpc_->get_transaction_receipt(hashes[i]);
    EXPECT_EQ(theirs["status"], ours.status ? 1 : 0);
    EXPECT_EQ(theirs["block"], ours.block_number);
    EXPECT_EQ(theirs["gas_used"], std::to_string(ours.gas_used));
    EXPECT_EQ(theirs["effective_gas_price"], ours.effective_gas_price.to_string());
    EXPECT_EQ(theirs["from"], owner.address().to_hex());
    EXPECT_EQ(theirs["type"], 2);
    ethers_nonces.insert(theirs["nonce"].get<std::uint64_t>());
    const auto ours_events = token.contract().decode_events(ours);
    ASSERT_EQ(theirs["transfers"].size(), ours_events.size());
    EXPECT_EQ(theirs["transfers"][0]["to"], ours_events[0].event["to"].as_address().to_hex());
    EXPECT_EQ(theirs["transfers"][0]["value"], ours_events[0].event["value"].as_uint().to_string());
  }
  EXPECT_EQ(ethers_nonces.size(), static_cast<size_t>(kSends));
  EXPECT_EQ(*ethers_nonces.begin(), nonce_before);
  EXPECT_EQ(*ethers_nonces.rbegin(), nonce_before + kSends - 1);

  // eth_getLogs by topic: Transfer events to two of the recipients (an OR-set in topic 2).
  LogFilter filter;
  filter.addresses = {deployed.address()};
  filter.topics = {std::vector<Hash>{erc20_abi().event("Transfer").topic()}, std::nullopt,
                   std::vector<Hash>{abi::encode_topic(abi::Type::address(), recipients[0]),
                                     abi::encode_topic(abi::Type::address(), recipients[1])}};
  std::vector<Log> logs = rpc_->get_logs(filter);
  EXPECT_EQ(logs.size(), 10u);  // sends 0,1,4,5,8,9,...: two of every four
  // The same through the contract layer, by the indexed "to" parameter.
  auto to_first = token.contract().query_events("Transfer", {std::nullopt, abi::Value(recipients[0])});
  EXPECT_EQ(to_first.size(), 5u);
  U256 sum;
  for (const auto& e : to_first) sum += e.event["value"].as_uint();
  EXPECT_EQ(sum, received[recipients[0]]);
  auto minted = token.contract().query_events("Transfer", {abi::Value(Address{})});
  ASSERT_EQ(minted.size(), 1u);
  EXPECT_EQ(minted[0].event["value"].as_uint(), supply);
}

TEST_F(ChainTest, RevertReasonsAreDecoded) {
  Wallet owner = wallet(0);
  Wallet stranger = wallet(5);
  const Compiled token_code = contract("AlithToken");
  Contract token = Contract::deploy(owner, token_code.abi, token_code.bytecode, {"T", "T", U256(1000)});
  const std::uint64_t stranger_nonce = rpc_->get_transaction_count(stranger.address());

  // Error(string) from an eth_call.
  CallOptions as_stranger;
  as_stranger.from = stranger.address();
  try {
    token.call("transfer", {owner.address(), U256(1)}, as_stranger);
    FAIL() << "no revert";
  } catch (const RevertError& e) {
    EXPECT_EQ(e.reason(), "AlithToken: transfer amount exceeds balance");
    EXPECT_NE(std::string(e.what()).find("exceeds balance"), std::string::npos) << e.what();
    EXPECT_EQ(e.code(), ErrorCode::chain);
  }
  // From gas estimation of a transaction: no nonce consumed.
  try {
    token.send(stranger, "mint", {stranger.address(), U256(5)});
    FAIL() << "no revert";
  } catch (const RevertError& e) {
    EXPECT_EQ(e.reason(), "AlithToken: caller is not the owner");
  }
  // A custom error with its arguments.
  try {
    token.send(stranger, "transferFrom", {owner.address(), stranger.address(), U256(7)});
    FAIL() << "no revert";
  } catch (const RevertError& e) {
    EXPECT_NE(e.reason().find("InsufficientAllowance"), std::string::npos) << e.reason();
  }
  EXPECT_EQ(rpc_->get_transaction_count(stranger.address()), stranger_nonce);
  // A reverting transaction mined anyway (fixed gas: no estimation) has status false and the reason.
  SendOptions fixed_gas;
  fixed_gas.gas_limit = 100'000;
  try {
    token.transact(stranger, "mint", {stranger.address(), U256(5)}, fixed_gas);
    FAIL() << "no revert";
  } catch (const RevertError& e) {
    EXPECT_EQ(e.reason(), "AlithToken: caller is not the owner");
  }
  EXPECT_EQ(rpc_->get_transaction_count(stranger.address()), stranger_nonce + 1);
  // The nonce manager still hands out the right next nonce.
  TxRequest request;
  request.to = owner.address();
  EXPECT_TRUE(stranger.send_and_wait(request).status);
}

TEST_F(ChainTest, Erc721MintTransferAndOwnerOf) {
  Wallet owner = wallet(0);
  Wallet holder = wallet(6);
  const Compiled nft_code = contract("AlithNft");
  Contract nft =
      Contract::deploy(owner, nft_code.abi, nft_code.bytecode, {"Alith NFT", "ANFT", "ipfs://alith/"});
  Receipt minted = nft.transact(owner, "mint", {owner.address(), U256(1)});
  nft.transact(owner, "mint", {owner.address(), U256(2)});
  auto events = nft.decode_events(minted);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event["tokenId"].as_uint(), U256(1));

  Erc721 erc(nft.address(), rpc_);
  EXPECT_EQ(erc.owner_of(U256(1)), owner.address());
  EXPECT_EQ(erc.balance_of(owner.address()), U256(2));
  EXPECT_EQ(erc.token_uri(U256(1)), "ipfs://alith/1");

  Receipt moved =
      rpc_->wait_for_receipt(erc.safe_transfer_from(owner, owner.address(), holder.address(), U256(1)));
  EXPECT_TRUE(moved.status);
  EXPECT_EQ(erc.owner_of(U256(1)), holder.address());
  EXPECT_EQ(erc.balance_of(holder.address()), U256(1));
  EXPECT_EQ(erc.balance_of(owner.address()), U256(1));

  // The new holder approves the old owner, who may then move it back.
  EXPECT_TRUE(rpc_->wait_for_receipt(erc.approve(holder, owner.address(), U256(1))).status);
  EXPECT_TRUE(
      rpc_->wait_for_receipt(erc.safe_transfer_from(owner, holder.address(), owner.address(), U256(1)))
          .status);
  EXPECT_EQ(erc.owner_of(U256(1)), owner.address());

  try {
    erc.owner_of(U256(99));
    FAIL() << "no revert";
  } catch (const RevertError& e) {
    EXPECT_EQ(e.reason(), "AlithNft: nonexistent token");
  }
}

TEST_F(ChainTest, Erc1155BalancesAndTransfers) {
  Wallet owner = wallet(0);
  const Address other = account(7);
  const Compiled code = contract("AlithMultiToken");
  Contract multi = Contract::deploy(owner, code.abi, code.bytecode, {"ipfs://alith/{id}.json"});
  multi.transact(owner, "mint", {owner.address(), U256(1), U256(100), Bytes{}});
  multi.transact(owner, "mint", {owner.address(), U256(2), U256(5), Bytes{}});

  Erc1155 erc(multi.address(), rpc_);
  EXPECT_EQ(erc.uri(U256(1)), "ipfs://alith/{id}.json");
  Receipt r =
      rpc_->wait_for_receipt(erc.safe_transfer_from(owner, owner.address(), other, U256(1), U256(30)));
  ASSERT_TRUE(r.status);
  auto events = erc.contract().decode_events(r);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.event, "TransferSingle");
  EXPECT_EQ(events[0].event["value"].as_uint(), U256(30));

  EXPECT_EQ(erc.balance_of(owner.address(), U256(1)), U256(70));
  EXPECT_EQ(erc.balance_of(other, U256(1)), U256(30));
  const auto balances = erc.balance_of_batch({owner.address(), other, owner.address(), other},
                                             {U256(1), U256(1), U256(2), U256(2)});
  EXPECT_EQ(balances, (std::vector<U256>{U256(70), U256(30), U256(5), U256(0)}));
  EXPECT_THROW(erc.balance_of_batch({other}, {}), InvalidArgumentError);
  try {
    erc.safe_transfer_from(owner, owner.address(), other, U256(2), U256(6));
    FAIL() << "no revert";
  } catch (const RevertError& e) {
    EXPECT_EQ(e.reason(), "AlithMultiToken: insufficient balance");
  }
}

TEST_F(ChainTest, StaleNoncesAreTypedAndTheWalletResyncs) {
  const Address to = account(9);
  // Resending bytes that were already mined: the node's "nonce too low" as its typed error.
  Wallet sender = wallet(8);
  TxRequest request;
  request.to = to;
  request.value = U256(1);
  Transaction tx = sender.prepare(request);
  tx.nonce = rpc_->get_transaction_count(sender.address());
  const Bytes raw = sender.sign(tx).raw();
  const Hash hash = rpc_->send_raw_transaction(raw);
  EXPECT_TRUE(
      rpc_->wait_for_receipt(hash, 1, std::chrono::seconds(10), std::chrono::milliseconds(50)).status);
  EXPECT_THROW(rpc_->send_raw_transaction(raw), NonceTooLowError);

  // Two wallets of one key in one process, each with its own nonce manager: the one behind catches up.
  Wallet first = wallet(8);
  Wallet second = wallet(8);
  EXPECT_TRUE(first.send_and_wait(request).status);   // first's counter: n + 1
  EXPECT_TRUE(second.send_and_wait(request).status);  // reads the node: uses n + 1
  const std::uint64_t before = rpc_->get_transaction_count(first.address());
  Receipt r = first.send_and_wait(request);  // n + 1 is "too low": resync, sign again with n + 2
  EXPECT_TRUE(r.status);
  EXPECT_EQ(rpc_->get_transaction_count(first.address()), before + 1);
}

}  // namespace
}  // namespace alith::web3
