// The JSON-RPC client against the scripted HTTP server: reply parsing, typed errors, retries, timeouts, and
// the nonce manager under concurrency. No chain needed (the anvil tests are in chain_test.cpp).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "alith/web3/keccak.h"
#include "alith/web3/rpc.h"
#include "alith/web3/transaction.h"
#include "alith/web3/wallet.h"
#include "support/scripted_server.h"

namespace alith::web3 {
namespace {

using testing::RecordedRequest;
using testing::ScriptedReply;
using testing::ScriptedServer;

// A node double: each request is answered by the next scripted function of its parsed JSON body.
class RpcTest : public ::testing::Test {
 protected:
  using Script = std::function<ScriptedReply(const Json& request)>;

  void SetUp() override {
    server_.set_handler([this](const RecordedRequest& r) {
      std::lock_guard lock(mutex_);
      if (script_.empty()) return ScriptedReply::http(500, "no script left");
      Script next = std::move(script_.front());
      script_.pop_front();
      return next(parse_json(r.body).value());
    });
  }

  void then(Script s) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(s));
  }
  // A result for whatever id the request carried.
  void then_result(Json result) {
    then([result](const Json& req) {
      return ScriptedReply::http(200, dump_json({{"jsonrpc", "2.0"}, {"id", req["id"]}, {"result", result}}));
    });
  }
  void then_error(int code, std::string message, Json data = nullptr) {
    then([=](const Json& req) {
      Json error = {{"code", code}, {"message", message}};
      if (!data.is_null()) error["data"] = data;
      return ScriptedReply::http(200, dump_json({{"jsonrpc", "2.0"}, {"id", req["id"]}, {"error", error}}));
    });
  }
  void then_raw(int status, std::string body, std::vector<std::string> headers = {}) {
    then([=](const Json&) { return ScriptedReply::http(status, body, "application/json", headers); });
  }

  RpcClient client(int attempts = 3) {
    RpcOptions o;
    o.url = server_.url();
    o.max_attempts = attempts;
    o.initial_backoff = std::chrono::milliseconds(5);
    o.max_backoff = std::chrono::milliseconds(20);
    o.request_timeout = std::chrono::milliseconds(2000);
    return RpcClient(o);
  }
  std::shared_ptr<RpcClient> shared_client(int attempts = 3) {
    RpcOptions o;
    o.url = server_.url();
    o.max_attempts = attempts;
    o.initial_backoff = std::chrono::milliseconds(5);
    return std::make_shared<RpcClient>(o);
  }
  Json request_body(size_t i) { return parse_json(server_.requests().at(i).body).value(); }

  ScriptedServer server_;
  std::mutex mutex_;
  std::deque<Script> script_;
};

const Address kAlice = Address::from_string("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");

Json receipt_json() {
  return {{"transactionHash", "0x" + std::string(64, 'a')},
          {"transactionIndex", "0x0"},
          {"blockHash", "0x" + std::string(64, 'b')},
          {"blockNumber", "0x5"},
          {"from", kAlice.to_hex()},
          {"to", nullptr},
          {"contractAddress", "0x5fbdb2315678afecb367f032d93f642f64180aa3"},
          {"gasUsed", "0x5208"},
          {"cumulativeGasUsed", "0x5208"},
          {"effectiveGasPrice", "0x3b9aca00"},
          {"status", "0x1"},
          {"type", "0x2"},
          {"logs",
           {{{"address", "0x5fbdb2315678afecb367f032d93f642f64180aa3"},
             {"topics", {"0x" + std::string(64, 'c')}},
             {"data", "0x01"},
             {"blockNumber", "0x5"},
             {"logIndex", "0x0"},
             {"removed", false}}}}};
}

TEST_F(RpcTest, SendsJsonRpc20AndReadsTheResult) {
  then_result("0x7a69");
  auto rpc = client();
  EXPECT_EQ(rpc.chain_id(), 31337u);
  Json body = request_body(0);
  EXPECT_EQ(body["jsonrpc"], "2.0");
  EXPECT_EQ(body["method"], "eth_chainId");
  EXPECT_TRUE(body["params"].is_array());
  EXPECT_EQ(server_.requests()[0].header("content-type"), "application/json");
}

TEST_F(RpcTest, AnErrorObjectIsATypedChainErrorWithCodeMessageAndData) {
  then_error(-32601, "the method eth_foo does not exist", {{"hint", 1}});
  auto rpc = client();
  try {
    rpc.request("eth_foo", Json::array());
    FAIL() << "no error";
  } catch (const RpcError& e) {
    EXPECT_EQ(e.code(), ErrorCode::chain);
    EXPECT_EQ(e.rpc_code(), -32601);
    EXPECT_EQ(e.rpc_message(), "the method eth_foo does not exist");
    EXPECT_EQ(e.data()["hint"], 1);
  }
  EXPECT_EQ(server_.request_count(), 1u);  // not retried
}

TEST_F(RpcTest, RevertsCarryTheirRevertData) {
  // Error("nope") as geth and anvil return it: code 3, the ABI-encoded reason in data.
  const std::string data =
      "0x08c379a000000000000000000000000000000000000000000000000000000000000000200000000000000000000000000000"
      "0000"
      "000000000000000000000000000000046e6f706500000000000000000000000000000000000000000000000000000000";
  then_error(3, "execution reverted: nope", data);
  auto rpc = client();
  try {
    rpc.call(CallRequest{});
    FAIL() << "no error";
  } catch (const RevertError& e) {
    EXPECT_EQ(to_hex(e.revert_data()), data);
    EXPECT_EQ(e.rpc_code(), 3);
  }
}

TEST_F(RpcTest, NodeMessagesMapToTheirErrorTypes) {
  auto rpc = client();
  then_error(-32000, "nonce too low: next nonce 5, tx nonce 4");
  EXPECT_THROW(rpc.request("eth_sendRawTransaction", Json::array()), NonceTooLowError);
  then_error(-32000, "insufficient funds for gas * price + value");
  EXPECT_THROW(rpc.request("eth_sendRawTransaction", Json::array()), InsufficientFundsError);
  then_error(-32000, "replacement transaction underpriced");
  EXPECT_THROW(rpc.request("eth_sendRawTransaction", Json::array()), ReplacementUnderpricedError);
  then_error(-32003, "already known");
  EXPECT_THROW(rpc.request("eth_sendRawTransaction", Json::array()), AlreadyKnownError);
}

TEST_F(RpcTest, WrongShapedRepliesAreParseErrors) {
  auto rpc = client();
  then_raw(200, "this is not json");
  EXPECT_THROW(rpc.chain_id(), ParseError);
  then_raw(200, R"({"jsonrpc":"2.0","id":2})");  // neither result nor error
  EXPECT_THROW(rpc.chain_id(), ParseError);
  then_result(31337);  // a number where a hex string belongs
  EXPECT_THROW(rpc.chain_id(), ParseError);
  then_raw(200, "[1,2,3]");
  EXPECT_THROW(rpc.chain_id(), ParseError);
  then_raw(200, R"({"jsonrpc":"1.0","id":5,"result":"0x1"})");
  EXPECT_THROW(rpc.chain_id(), ParseError);
  then_raw(200, R"({"jsonrpc":"2.0","id":6,"error":{"code":"x","message":"m"}})");
  EXPECT_THROW(rpc.chain_id(), ParseError);
  then_result({{"not", "a list"}});
  EXPECT_THROW(rpc.get_logs(LogFilter{}), ParseError);
  EXPECT_EQ(server_.request_count(), 7u);  // none of these is retried
}

TEST_F(RpcTest, AnIdMismatchIsAParseError) {
  then_raw(200, R"({"jsonrpc":"2.0","id":999,"result":"0x1"})");
  auto rpc = client();
  try {
    rpc.block_number();
    FAIL() << "no error";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("id mismatch"), std::string::npos) << e.what();
  }
}

TEST_F(RpcTest, BadHexIsAParseError) {
  auto rpc = client();
  then_result("0xzz");
  EXPECT_THROW(rpc.get_balance(kAlice), ParseError);
  then_result("1234");  // no 0x
  EXPECT_THROW(rpc.get_balance(kAlice), ParseError);
  then_result("0x" + std::string(65, 'f'));  // more than 256 bits
  EXPECT_THROW(rpc.get_balance(kAlice), ParseError);
  then_result("0x123");  // odd digits: not data
  EXPECT_THROW(rpc.get_code(kAlice), ParseError);
  Json receipt = receipt_json();
  receipt["blockHash"] = "0x1234";  // a hash of 2 bytes
  then_result(receipt);
  EXPECT_THROW(rpc.get_transaction_receipt(Hash{}), ParseError);
  receipt = receipt_json();
  receipt["logs"][0]["topics"][0] = "0xnothex";
  then_result(receipt);
  EXPECT_THROW(rpc.get_transaction_receipt(Hash{}), ParseError);
}

TEST_F(RpcTest, ASilentServerTimesOutWithoutHanging) {
  then([](const Json&) {
    ScriptedReply r;
    r.never_respond = true;
    return r;
  });
  RpcOptions o;
  o.url = server_.url();
  o.request_timeout = std::chrono::milliseconds(300);
  RpcClient rpc(o);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(rpc.chain_id(), TimeoutError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(server_.request_count(), 1u);  // a timeout is not retried
}

TEST_F(RpcTest, Retries503ThenSucceeds) {
  then_raw(503, "busy");
  then_raw(502, "bad gateway");
  then_result("0x10");
  auto rpc = client(3);
  EXPECT_EQ(rpc.block_number(), 16u);
  EXPECT_EQ(server_.request_count(), 3u);
}

TEST_F(RpcTest, Retries429HonouringRetryAfterAndGivesUpTyped) {
  then_raw(429, "slow down", {"Retry-After: 0"});
  then_result("0x1");
  auto rpc = client(3);
  EXPECT_EQ(rpc.block_number(), 1u);
  EXPECT_EQ(server_.request_count(), 2u);

  for (int i = 0; i < 3; ++i) then_raw(429, "slow down");
  EXPECT_THROW(rpc.block_number(), RateLimitedError);
  EXPECT_EQ(server_.request_count(), 5u);
}

TEST_F(RpcTest, RetriesLimitExceededButNotOtherStatuses) {
  then_error(-32005, "limit exceeded");
  then_result("0x2");
  auto rpc = client(3);
  EXPECT_EQ(rpc.block_number(), 2u);
  then_raw(400, "bad request");
  try {
    rpc.block_number();
    FAIL() << "no error";
  } catch (const RpcHttpError& e) {
    EXPECT_EQ(e.status(), 400);
  }
  EXPECT_EQ(server_.request_count(), 3u);
  // An error object with a 500 status is still the node's typed error.
  then([](const Json& req) {
    return ScriptedReply::http(500, dump_json({{"jsonrpc", "2.0"},
                                               {"id", req["id"]},
                                               {"error", {{"code", -32000}, {"message", "nonce too low"}}}}));
  });
  EXPECT_THROW(rpc.block_number(), NonceTooLowError);
}

TEST_F(RpcTest, ConnectionRefusedIsRetriedThenAnIoError) {
  std::string url;
  {
    ScriptedServer gone;
    url = gone.url();
  }
  RpcOptions o;
  o.url = url;
  o.max_attempts = 2;
  o.initial_backoff = std::chrono::milliseconds(1);
  RpcClient rpc(o);
  EXPECT_THROW(rpc.chain_id(), IoError);
}

TEST_F(RpcTest, SendRawTransactionChecksTheHashAndReportsDuplicates) {
  const Bytes raw = {0x02, 0xc0};
  const Hash expected = keccak256(raw);
  auto rpc = client(3);
  then_result(to_hex(expected));
  EXPECT_EQ(rpc.send_raw_transaction(raw), expected);
  EXPECT_EQ(request_body(0)["params"][0], "0x02c0");

  then_error(-32000, "already known");  // first attempt: the caller sent these bytes before
  EXPECT_THROW(rpc.send_raw_transaction(raw), AlreadyKnownError);

  then_raw(503, "busy");                // the first attempt's fate is unknown ...
  then_error(-32000, "already known");  // ... and the retry shows it arrived
  EXPECT_EQ(rpc.send_raw_transaction(raw), expected);

  then_raw(503, "busy");
  then_error(-32000, "nonce too low");  // mined in between: the node knows the hash
  then_result({{"hash", to_hex(expected)}});
  EXPECT_EQ(rpc.send_raw_transaction(raw), expected);

  then_result("0x" + std::string(64, '1'));  // a node answering another hash
  EXPECT_THROW(rpc.send_raw_transaction(raw), ChainError);
}

TEST_F(RpcTest, ReceiptsParseAndPendingIsEmpty) {
  auto rpc = client();
  then_result(nullptr);
  EXPECT_FALSE(rpc.get_transaction_receipt(Hash{}).has_value());
  then_result(receipt_json());
  auto r = rpc.get_transaction_receipt(Hash{});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->status);
  EXPECT_EQ(r->block_number, 5u);
  EXPECT_EQ(r->gas_used, 21000u);
  EXPECT_EQ(r->effective_gas_price, U256(1'000'000'000));
  EXPECT_EQ(r->type, 2);
  EXPECT_FALSE(r->to);
  ASSERT_TRUE(r->contract_address);
  EXPECT_EQ(r->contract_address->to_hex(), "0x5fbdb2315678afecb367f032d93f642f64180aa3");
  ASSERT_EQ(r->logs.size(), 1u);
  EXPECT_EQ(r->logs[0].data, Bytes{1});
  EXPECT_EQ(r->logs[0].log_index, 0u);
}

TEST_F(RpcTest, WaitForReceiptPollsConfirmsTimesOutAndCancels) {
  auto rpc = client();
  then_result(nullptr);
  then_result(nullptr);
  then_result(receipt_json());  // block 5
  then_result("0x6");           // head 6: two confirmations
  Receipt r = rpc.wait_for_receipt(Hash{}, 2, std::chrono::seconds(5), std::chrono::milliseconds(1));
  EXPECT_EQ(r.block_number, 5u);
  EXPECT_EQ(server_.request_count(), 4u);

  server_.set_handler([](const RecordedRequest& req) {
    Json body = parse_json(req.body).value();
    return ScriptedReply::http(200, dump_json({{"jsonrpc", "2.0"}, {"id", body["id"]}, {"result", nullptr}}));
  });
  auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(rpc.wait_for_receipt(Hash{}, 1, std::chrono::milliseconds(200), std::chrono::milliseconds(20)),
               TimeoutError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));

  CancelToken cancel = CancelToken::create();
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel.cancel();
  });
  start = std::chrono::steady_clock::now();
  EXPECT_THROW(
      rpc.wait_for_receipt(Hash{}, 1, std::chrono::seconds(30), std::chrono::milliseconds(10), cancel),
      CancelledError);
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(RpcTest, FeeSuggestionIsTwiceTheNextBaseFeePlusTheMedianTip) {
  then_result({{"oldestBlock", "0x1"},
               {"baseFeePerGas", {"0x64", "0x6e", "0x78", "0x82"}},  // 100, 110, 120, next 130
               {"gasUsedRatio", {0.5, 0.6, 0.7}},
               {"reward", {{"0x5"}, {"0x1"}, {"0x9"}}}});
  auto rpc = client();
  FeeSuggestion fees = rpc.suggest_fees(3, 50);
  EXPECT_EQ(fees.base_fee, U256(130));
  EXPECT_EQ(fees.max_priority_fee_per_gas, U256(5));
  EXPECT_EQ(fees.max_fee_per_gas, U256(265));
  Json body = request_body(0);
  EXPECT_EQ(body["method"], "eth_feeHistory");
  EXPECT_EQ(body["params"], Json::array({"0x3", "latest", Json::array({50.0})}));

  // An idle chain (zero tips): the node's own suggestion.
  then_result({{"oldestBlock", "0x0"}, {"baseFeePerGas", {"0x10", "0x10"}}, {"reward", {{"0x0"}}}});
  then_result("0x3b9aca00");
  fees = rpc.suggest_fees();
  EXPECT_EQ(fees.max_priority_fee_per_gas, U256(1'000'000'000));
  EXPECT_EQ(fees.max_fee_per_gas, U256(1'000'000'032));
}

TEST_F(RpcTest, LogFiltersEncodeOrSetsAndWildcards) {
  then_result(Json::array());
  auto rpc = client();
  LogFilter filter;
  filter.addresses = {kAlice};
  Hash a{}, b{};
  a[31] = 1;
  b[31] = 2;
  filter.topics = {std::vector<Hash>{a}, std::nullopt, std::vector<Hash>{a, b}};
  filter.from_block = BlockTag::number(16);
  EXPECT_TRUE(rpc.get_logs(filter).empty());
  Json f = request_body(0)["params"][0];
  EXPECT_EQ(f["address"], kAlice.to_hex());
  EXPECT_EQ(f["fromBlock"], "0x10");
  EXPECT_EQ(f["toBlock"], "latest");
  EXPECT_EQ(f["topics"][0], to_hex(a));
  EXPECT_TRUE(f["topics"][1].is_null());
  EXPECT_EQ(f["topics"][2], Json::array({to_hex(a), to_hex(b)}));
}

TEST_F(RpcTest, BatchMatchesRepliesById) {
  then([](const Json& req) {
    Json out = Json::array();  // answered in reverse order
    for (auto it = req.rbegin(); it != req.rend(); ++it) {
      out.push_back({{"jsonrpc", "2.0"}, {"id", (*it)["id"]}, {"result", (*it)["method"]}});
    }
    return ScriptedReply::http(200, dump_json(out));
  });
  auto rpc = client();
  auto results = rpc.batch({{"eth_chainId", Json::array()}, {"eth_blockNumber", Json::array()}});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0], "eth_chainId");
  EXPECT_EQ(results[1], "eth_blockNumber");
  then_raw(200, R"([{"jsonrpc":"2.0","id":1,"result":"0x1"}])");  // one reply for two calls
  EXPECT_THROW(rpc.batch({{"eth_chainId", Json::array()}, {"eth_blockNumber", Json::array()}}), ParseError);
}

TEST_F(RpcTest, ParsersNeverThrowOnGarbage) {
  for (const char* text : {"", "null", "{}", "[]", "{\"id\":1}", "{\"result\":1,\"error\":{}}",
                           "{\"jsonrpc\":\"2.0\",\"id\":-1,\"result\":1}", "{\"error\":[]}", "\"x\""}) {
    EXPECT_FALSE(parse_rpc_reply(text, 1).ok()) << text;
  }
  for (const Json& j : {Json(), Json(1), Json::array(), Json::object(), Json("0x")}) {
    EXPECT_FALSE(parse_receipt(j).ok());
    EXPECT_FALSE(parse_block(j).ok());
    EXPECT_FALSE(parse_log(j).ok());
    EXPECT_FALSE(parse_fee_history(j).ok());
  }
  EXPECT_FALSE(parse_quantity(Json("0x")).ok());
}

TEST_F(RpcTest, NonceManagerHandsOutDistinctConsecutiveNoncesToConcurrentSenders) {
  then_result("0x7");  // the account's pending count, asked once
  auto rpc = shared_client();
  NonceManager nonces(rpc, kAlice);
  std::mutex m;
  std::set<std::uint64_t> seen;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        const std::uint64_t n = nonces.reserve();
        std::lock_guard lock(m);
        EXPECT_TRUE(seen.insert(n).second) << "nonce " << n << " handed out twice";
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(seen.size(), 400u);
  EXPECT_EQ(*seen.begin(), 7u);
  EXPECT_EQ(*seen.rbegin(), 406u);
  EXPECT_EQ(server_.request_count(), 1u);

  // A rejected transaction's nonce is handed out again first; the top one just lowers the counter.
  nonces.release(100);
  nonces.release(406);
  EXPECT_EQ(nonces.reserve(), 100u);
  EXPECT_EQ(nonces.reserve(), 406u);
  EXPECT_EQ(nonces.reserve(), 407u);

  // resync moves up to the node's count, never down.
  then_result("0x3e8");  // 1000
  nonces.resync();
  EXPECT_EQ(nonces.reserve(), 1000u);
  then_result("0x5");
  nonces.resync();
  EXPECT_EQ(nonces.reserve(), 1001u);
  nonces.reset();
  then_result("0x5");
  EXPECT_EQ(nonces.reserve(), 5u);
}

// A node double answering by method, for the wallet: each method has a list of answers, the last repeating.
class WalletTest : public RpcTest {
 protected:
  using Answer = std::function<Json(const Json& params)>;  // a result, or throws a Json error object

  void SetUp() override {
    server_.set_handler([this](const RecordedRequest& r) {
      Json req = parse_json(r.body).value();
      std::lock_guard lock(mutex_);
      const std::string method = req["method"];
      calls_[method] += 1;
      auto& answers = answers_[method];
      if (answers.empty()) return ScriptedReply::http(500, "unscripted method " + method);
      Answer a = answers.size() > 1 ? answers.front() : answers.back();
      if (answers.size() > 1) answers.pop_front();
      Json out = {{"jsonrpc", "2.0"}, {"id", req["id"]}};
      try {
        out["result"] = a(req["params"]);
      } catch (const Json& error) {
        out["error"] = error;
      }
      return ScriptedReply::http(200, dump_json(out));
    });
    answer("eth_chainId", [](const Json&) { return Json("0x7a69"); });
  }
  void answer(const std::string& method, Answer a) {
    std::lock_guard lock(mutex_);
    answers_[method].push_back(std::move(a));
  }
  static Answer reject(const std::string& message) {
    return [message](const Json&) -> Json { throw Json{{"code", -32000}, {"message", message}}; };
  }
  // Accepts the transaction: its hash, and remembers its nonce.
  Answer accept() {
    return [this](const Json& params) {
      Bytes raw = from_hex(params[0].get<std::string>());
      auto decoded = decode_transaction(raw);
      EXPECT_TRUE(decoded.ok());
      if (decoded) sent_nonces_.push_back(decoded->tx.nonce);
      return Json(to_hex(keccak256(raw)));
    };
  }
  static TxRequest plain_transfer() {
    TxRequest request;
    request.to = kAlice;
    request.value = U256(1);
    request.gas_limit = 21000;
    request.max_fee_per_gas = U256(2'000'000'000);
    request.max_priority_fee_per_gas = U256(1'000'000'000);
    return request;
  }

  std::map<std::string, std::deque<Answer>> answers_;
  std::map<std::string, int> calls_;
  std::vector<std::uint64_t> sent_nonces_;
  const PrivateKey key_ =
      PrivateKey::parse("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d").value();
};

TEST_F(WalletTest, ARejectedTransactionGivesItsNonceBack) {
  answer("eth_getTransactionCount", [](const Json& params) {
    EXPECT_EQ(params[1], "pending");
    return Json("0x5");
  });
  answer("eth_sendRawTransaction", reject("insufficient funds for gas * price + value"));
  answer("eth_sendRawTransaction", accept());
  Wallet wallet(key_, shared_client());
  EXPECT_THROW(wallet.send(plain_transfer()), InsufficientFundsError);
  wallet.send(plain_transfer());
  wallet.send(plain_transfer());
  EXPECT_EQ(sent_nonces_, (std::vector<std::uint64_t>{5, 6}));
  EXPECT_EQ(calls_["eth_chainId"], 1);  // asked once
  EXPECT_EQ(calls_["eth_getTransactionCount"], 1);
}

TEST_F(WalletTest, NonceTooLowResyncsAndSignsAgain) {
  answer("eth_getTransactionCount", [](const Json&) { return Json("0x5"); });
  answer("eth_getTransactionCount", [](const Json&) { return Json("0x9"); });  // another sender used 5..8
  answer("eth_sendRawTransaction", reject("nonce too low"));
  answer("eth_sendRawTransaction", accept());
  Wallet wallet(key_, shared_client());
  wallet.send(plain_transfer());
  EXPECT_EQ(sent_nonces_, (std::vector<std::uint64_t>{9}));
  EXPECT_EQ(calls_["eth_sendRawTransaction"], 2);
}

TEST_F(WalletTest, PrepareEstimatesGasWithAMarginAndSuggestsFees) {
  answer("eth_estimateGas", [](const Json& params) {
    EXPECT_EQ(params[0]["from"],
              PrivateKey::parse("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")
                  .value()
                  .address()
                  .to_hex());
    return Json("0xc350");  // 50000
  });
  answer("eth_feeHistory", [](const Json&) {
    return Json{{"oldestBlock", "0x1"}, {"baseFeePerGas", {"0x64", "0x64"}}, {"reward", {{"0x7"}}}};
  });
  answer("eth_gasPrice", [](const Json&) { return Json("0x99"); });
  Wallet wallet(key_, shared_client());
  TxRequest request;
  request.to = kAlice;
  request.data = {1, 2, 3};
  Transaction tx = wallet.prepare(request);
  EXPECT_EQ(tx.chain_id, 31337u);
  EXPECT_EQ(tx.gas_limit, 60000u);
  EXPECT_EQ(tx.max_priority_fee_per_gas, U256(7));
  EXPECT_EQ(tx.max_fee_per_gas, U256(207));
  request.type = TxType::legacy;
  tx = wallet.prepare(request);
  EXPECT_EQ(tx.gas_price, U256(0x99));
  // A reverting estimate fails before any nonce is taken.
  answer("eth_estimateGas", [](const Json&) -> Json {
    throw Json{{"code", 3}, {"message", "execution reverted"}};
  });
  answers_["eth_estimateGas"].pop_front();
  EXPECT_THROW(wallet.send(request), RevertError);
  EXPECT_EQ(calls_["eth_getTransactionCount"], 0);
}

TEST_F(WalletTest, ConcurrentSendsGetDistinctNonces) {
  answer("eth_getTransactionCount", [](const Json&) { return Json("0x0"); });
  answer("eth_sendRawTransaction", accept());
  Wallet wallet(key_, shared_client());
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) threads.emplace_back([&] { wallet.send(plain_transfer()); });
  for (auto& t : threads) t.join();
  std::set<std::uint64_t> nonces(sent_nonces_.begin(), sent_nonces_.end());
  EXPECT_EQ(nonces.size(), 16u);
  EXPECT_EQ(*nonces.rbegin(), 15u);
}

}  // namespace
}  // namespace alith::web3
