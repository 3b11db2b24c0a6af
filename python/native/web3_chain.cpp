// The chain side of web3 for Python: the JSON-RPC client, the Wallet (fills, signs and sends transactions),
// contracts through their ABI, ERC-20 tokens, and the agent tools over a wallet with their spending guard.
// Every network call runs with the GIL released.

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alith/agent/tool.h"
#include "alith/web3/contract.h"
#include "alith/web3/erc.h"
#include "alith/web3/policy.h"
#include "alith/web3/rpc.h"
#include "alith/web3/wallet.h"
#include "alith/web3/wallet_tools.h"
#include "convert.h"
#include "gil.h"
#include "mods_bindings.h"
#include "web3_util.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace w3 = alith::web3;
namespace abi = alith::web3::abi;

namespace alith_py {
namespace {

std::chrono::milliseconds seconds(double s) {
  return std::chrono::milliseconds(static_cast<int64_t>(s * 1000));
}

std::vector<abi::Value> args_for(const std::vector<abi::Param>& params, nb::handle args) {
  alith::Json json = args.is_valid() && !args.is_none() ? json_from_python_exact(args) : alith::Json::array();
  return abi::from_json(abi::types_of(params), json).value();
}

nb::list events_to_python(const std::vector<w3::EventLog>& events) {
  nb::list out;
  for (const auto& e : events) {
    nb::dict d = nb::borrow<nb::dict>(to_python(e.event.to_json()));
    d["log"] = log_to_python(e.log);
    out.append(d);
  }
  return out;
}

// The ERC-20 tools of a wallet, with the spending guard applied by the tools themselves: the C++ sending
// tools expect the agent to carry the guard's hooks, which a Python agent does not; wrapping each tool in the
// same before/after checks keeps the guarantee (nothing is sent that the policy did not approve) without
// them.
class GuardedTool final : public alith::agent::Tool {
 public:
  GuardedTool(std::shared_ptr<alith::agent::Tool> inner, std::shared_ptr<w3::SpendingGuard> guard)
      : inner_(std::move(inner)), guard_(std::move(guard)), hooks_(guard_->hooks()) {}

  const alith::llm::ToolSpec& spec() const override { return inner_->spec(); }

  alith::Json invoke(const alith::Json& args, const alith::agent::ToolContext& context) override {
    alith::agent::ToolContext ctx = context;
    // Calls made outside an agent loop have no id; reservations are keyed by it.
    if (ctx.call_id.empty()) ctx.call_id = "py-" + std::to_string(next_id_.fetch_add(1));
    alith::llm::ToolCall call;
    call.id = ctx.call_id;
    call.name = inner_->spec().name;
    call.arguments = args;
    const alith::agent::ToolDecision decision = hooks_.before_tool(call);
    if (!decision.allowed) throw alith::ToolError(decision.reason);
    try {
      return inner_->invoke(args, ctx);
    } catch (const std::exception& e) {
      alith::agent::ToolOutcome outcome{e.what(), true};
      hooks_.after_tool(call, outcome);
      throw;
    }
  }

 private:
  std::shared_ptr<alith::agent::Tool> inner_;
  std::shared_ptr<w3::SpendingGuard> guard_;
  alith::agent::Hooks hooks_;
  static inline std::atomic<uint64_t> next_id_{1};
};

w3::SpendLimits limits_from_python(nb::handle value) {
  w3::SpendLimits limits;
  if (!value.is_valid() || value.is_none()) return limits;
  nb::dict d = nb::borrow<nb::dict>(value);
  if (d.contains("per_transaction") && !d["per_transaction"].is_none())
    limits.per_transaction = u256_from_python(d["per_transaction"]);
  if (d.contains("per_day") && !d["per_day"].is_none()) limits.per_day = u256_from_python(d["per_day"]);
  return limits;
}

nb::dict spend_request_to_python(const w3::SpendRequest& r) {
  nb::dict d;
  d["call_id"] = r.call_id;
  d["to"] = r.to.to_checksum();
  d["token"] = r.token ? nb::cast(r.token->to_checksum()) : nb::none();
  d["amount"] = u256_to_python(r.amount);
  d["summary"] = r.summary;
  return d;
}

w3::WalletPolicy policy_from_python(nb::handle value) {
  w3::WalletPolicy p;
  if (!value.is_valid() || value.is_none()) return p;
  nb::dict d = nb::borrow<nb::dict>(value);
  if (d.contains("native")) p.native = limits_from_python(d["native"]);
  if (d.contains("tokens") && !d["tokens"].is_none()) {
    for (auto [token, limits] : nb::borrow<nb::dict>(d["tokens"]))
      p.tokens[address_from_python(token)] = limits_from_python(limits);
  }
  if (d.contains("allowlist") && !d["allowlist"].is_none()) {
    std::set<w3::Address> allow;
    for (nb::handle a : d["allowlist"]) allow.insert(address_from_python(a));
    p.allowlist = std::move(allow);
  }
  if (d.contains("confirm") && !d["confirm"].is_none()) {
    PyObjectRef fn(d["confirm"]);
    p.confirm = [fn](const w3::SpendRequest& request) {
      nb::gil_scoped_acquire gil;
      return nb::cast<bool>(fn.get()(spend_request_to_python(request)));
    };
  }
  return p;
}

w3::WalletToolsOptions tools_options(const std::string& native_symbol, double receipt_timeout) {
  w3::WalletToolsOptions o;
  o.native_symbol = native_symbol;
  o.receipt_timeout = seconds(receipt_timeout);
  return o;
}

// A Wallet and its key's address, as Python holds it.
using WalletPtr = std::shared_ptr<w3::Wallet>;
using RpcPtr = std::shared_ptr<w3::RpcClient>;

}  // namespace

void bind_web3_chain(nb::module_& m) {
  nb::class_<w3::RpcClient>(m, "RpcClient", "A JSON-RPC client for an Ethereum node (thread-safe).")
      .def(nb::new_([](const std::string& url, double timeout, int max_attempts,
                       std::vector<std::pair<std::string, std::string>> headers) {
             w3::RpcOptions o;
             o.url = url;
             o.request_timeout = seconds(timeout);
             o.max_attempts = max_attempts;
             for (auto& [k, v] : headers) o.headers.emplace_back(k, v);
             return std::make_shared<w3::RpcClient>(o);
           }),
           "url"_a, "timeout"_a = 30.0, "max_attempts"_a = 4,
           "headers"_a = std::vector<std::pair<std::string, std::string>>{})
      .def_prop_ro("url", [](const w3::RpcClient& c) { return c.options().url; })
      .def(
          "request",
          [](w3::RpcClient& c, const std::string& method, nb::handle params) {
            alith::Json p = params.is_none() ? alith::Json::array() : from_python(params);
            alith::Json result = without_gil([&] { return c.request(method, p); });
            return to_python(result);
          },
          "method"_a, "params"_a = nb::none())
      .def("chain_id",
           [](w3::RpcClient& c) {
             nb::gil_scoped_release release;
             return c.chain_id();
           })
      .def("block_number",
           [](w3::RpcClient& c) {
             nb::gil_scoped_release release;
             return c.block_number();
           })
      .def(
          "get_balance",
          [](w3::RpcClient& c, nb::handle address, nb::handle block) {
            auto a = address_from_python(address);
            auto b = block_from_python(block);
            w3::U256 v = without_gil([&] { return c.get_balance(a, b); });
            return u256_to_python(v);
          },
          "address"_a, "block"_a = nb::none(), "The balance in wei (an int).")
      .def(
          "get_transaction_count",
          [](w3::RpcClient& c, nb::handle address, nb::handle block) {
            auto a = address_from_python(address);
            auto b = block.is_none() ? w3::BlockTag::pending() : block_from_python(block);
            nb::gil_scoped_release release;
            return c.get_transaction_count(a, b);
          },
          "address"_a, "block"_a = nb::none())
      .def("gas_price",
           [](w3::RpcClient& c) {
             w3::U256 v = without_gil([&] { return c.gas_price(); });
             return u256_to_python(v);
           })
      .def(
          "estimate_gas",
          [](w3::RpcClient& c, nb::handle call) {
            auto req = call_request_from_python(call);
            nb::gil_scoped_release release;
            return c.estimate_gas(req);
          },
          "call"_a)
      .def(
          "call",
          [](w3::RpcClient& c, nb::handle call, nb::handle block) {
            auto req = call_request_from_python(call);
            auto b = block_from_python(block);
            w3::Bytes out = without_gil([&] { return c.call(req, b); });
            return w3::to_hex(out);
          },
          "call"_a, "block"_a = nb::none(), "eth_call; the return data as 0x hex.")
      .def(
          "get_code",
          [](w3::RpcClient& c, nb::handle address) {
            auto a = address_from_python(address);
            w3::Bytes out = without_gil([&] { return c.get_code(a); });
            return w3::to_hex(out);
          },
          "address"_a)
      .def(
          "send_raw_transaction",
          [](w3::RpcClient& c, nb::handle raw) {
            auto bytes = data_from_python(raw);
            w3::Hash h = without_gil([&] { return c.send_raw_transaction(bytes); });
            return w3::to_hex(h);
          },
          "raw"_a)
      .def(
          "get_transaction_receipt",
          [](w3::RpcClient& c, nb::handle tx_hash) -> nb::object {
            auto h = hash_from_python(tx_hash);
            std::optional<w3::Receipt> r = without_gil([&] { return c.get_transaction_receipt(h); });
            if (!r) return nb::none();
            return receipt_to_python(*r);
          },
          "tx_hash"_a)
      .def(
          "wait_for_receipt",
          [](w3::RpcClient& c, nb::handle tx_hash, uint64_t confirmations, double timeout,
             double poll_interval, const alith::CancelToken* cancel) {
            auto h = hash_from_python(tx_hash);
            alith::CancelToken token = cancel ? *cancel : alith::CancelToken();
            w3::Receipt r = without_gil([&] {
              return c.wait_for_receipt(h, confirmations, seconds(timeout), seconds(poll_interval), token);
            });
            return receipt_to_python(r);
          },
          "tx_hash"_a, "confirmations"_a = 1, "timeout"_a = 120.0, "poll_interval"_a = 0.5,
          "cancel"_a = nb::none())
      .def("suggest_fees",
           [](w3::RpcClient& c) {
             w3::FeeSuggestion f = without_gil([&] { return c.suggest_fees(); });
             nb::dict d;
             d["base_fee"] = u256_to_python(f.base_fee);
             d["max_priority_fee_per_gas"] = u256_to_python(f.max_priority_fee_per_gas);
             d["max_fee_per_gas"] = u256_to_python(f.max_fee_per_gas);
             return d;
           })
      .def(
          "get_logs",
          [](w3::RpcClient& c, nb::handle address, nb::handle topics, nb::handle from_block,
             nb::handle to_block) {
            w3::LogFilter f;
            if (!address.is_none()) {
              if (nb::isinstance<nb::list>(address)) {
                for (nb::handle a : address) f.addresses.push_back(address_from_python(a));
              } else {
                f.addresses.push_back(address_from_python(address));
              }
            }
            if (!topics.is_none()) {
              for (nb::handle t : topics) {
                if (t.is_none()) {
                  f.topics.emplace_back(std::nullopt);
                } else if (nb::isinstance<nb::list>(t)) {
                  std::vector<w3::Hash> any;
                  for (nb::handle h : t) any.push_back(hash_from_python(h));
                  f.topics.emplace_back(std::move(any));
                } else {
                  f.topics.emplace_back(std::vector<w3::Hash>{hash_from_python(t)});
                }
              }
            }
            f.from_block = from_block.is_none() ? w3::BlockTag("earliest") : block_from_python(from_block);
            f.to_block = block_from_python(to_block);
            std::vector<w3::Log> logs = without_gil([&] { return c.get_logs(f); });
            nb::list out;
            for (const auto& l : logs) out.append(log_to_python(l));
            return out;
          },
          "address"_a = nb::none(), "topics"_a = nb::none(), "from_block"_a = nb::none(),
          "to_block"_a = nb::none());

  nb::class_<w3::Wallet>(m, "Wallet", "A key bound to a node: fills in, signs and sends transactions.")
      .def(nb::new_([](const PyPrivateKey& key, nb::handle node, double gas_margin) {
             RpcPtr rpc;
             if (nb::isinstance<nb::str>(node)) {
               w3::RpcOptions o;
               o.url = nb::cast<std::string>(node);
               rpc = std::make_shared<w3::RpcClient>(o);
             } else {
               rpc = nb::cast<RpcPtr>(node);
             }
             if (!rpc) throw alith::InvalidArgumentError("a Wallet needs an RpcClient or a node URL");
             w3::WalletOptions o;
             o.gas_margin = gas_margin;
             return std::make_shared<w3::Wallet>(key.key, std::move(rpc), o);
           }),
           "key"_a, "rpc"_a, "gas_margin"_a = 1.2)
      .def_prop_ro("address", [](const w3::Wallet& w) { return w.address().to_checksum(); })
      .def_prop_ro("rpc", [](const w3::Wallet& w) { return w.rpc_ptr(); })
      .def("chain_id",
           [](w3::Wallet& w) {
             nb::gil_scoped_release release;
             return w.chain_id();
           })
      .def(
          "prepare",
          [](w3::Wallet& w, nb::handle tx) {
            auto req = tx_request_from_python(tx);
            w3::Transaction t = without_gil([&] { return w.prepare(req); });
            return to_python(w3::to_json(t));
          },
          "tx"_a, "The transaction with chain id, gas and fees filled in (JSON-RPC form).")
      .def(
          "send_transaction",
          [](w3::Wallet& w, nb::handle tx) {
            auto req = tx_request_from_python(tx);
            w3::Hash h = without_gil([&] { return w.send(req); });
            return w3::to_hex(h);
          },
          "tx"_a, "Fills in, signs and sends {to, value, data, ...}; the transaction hash.")
      .def(
          "send_and_wait",
          [](w3::Wallet& w, nb::handle tx, double timeout) {
            auto req = tx_request_from_python(tx);
            w3::Receipt r = without_gil([&] { return w.send_and_wait(req, seconds(timeout)); });
            return receipt_to_python(r);
          },
          "tx"_a, "timeout"_a = 120.0)
      .def(
          "wait_for_receipt",
          [](w3::Wallet& w, nb::handle tx_hash, uint64_t confirmations, double timeout) {
            auto h = hash_from_python(tx_hash);
            w3::Receipt r =
                without_gil([&] { return w.rpc().wait_for_receipt(h, confirmations, seconds(timeout)); });
            return receipt_to_python(r);
          },
          "tx_hash"_a, "confirmations"_a = 1, "timeout"_a = 120.0)
      .def("__repr__", [](const w3::Wallet& w) { return "<Wallet " + w.address().to_checksum() + ">"; });

  nb::class_<w3::Contract>(m, "Contract", "A deployed contract seen through its ABI.")
      .def(nb::new_([](nb::handle address, const abi::Interface& interface, RpcPtr rpc) {
             return std::make_shared<w3::Contract>(interface, address_from_python(address), std::move(rpc));
           }),
           "address"_a, "abi"_a, "rpc"_a)
      .def_prop_ro("address", [](const w3::Contract& c) { return c.address().to_checksum(); })
      .def_prop_ro("abi", [](const w3::Contract& c) { return c.abi(); })
      .def(
          "call",
          [](const w3::Contract& c, const std::string& function, nb::handle args, nb::handle from,
             nb::handle value, nb::handle block) {
            const auto& f = c.abi().function(function);
            auto values = args_for(f.inputs, args);
            w3::CallOptions o;
            o.from = optional_address(from);
            if (!value.is_none()) o.value = u256_from_python(value);
            o.block = block_from_python(block);
            std::vector<abi::Value> out = without_gil([&] { return c.call(function, values, o); });
            return to_python(abi::to_json(abi::types_of(f.outputs), out));
          },
          "function"_a, "args"_a = nb::none(), "from_"_a = nb::none(), "value"_a = nb::none(),
          "block"_a = nb::none(), "eth_call; the decoded outputs as a list (ints as decimal strings).")
      .def(
          "send",
          [](const w3::Contract& c, w3::Wallet& wallet, const std::string& function, nb::handle args,
             nb::handle value, std::optional<uint64_t> gas_limit) {
            auto values = args_for(c.abi().function(function).inputs, args);
            w3::SendOptions o;
            if (!value.is_none()) o.value = u256_from_python(value);
            o.gas_limit = gas_limit;
            w3::Hash h = without_gil([&] { return c.send(wallet, function, values, o); });
            return w3::to_hex(h);
          },
          "wallet"_a, "function"_a, "args"_a = nb::none(), "value"_a = nb::none(), "gas_limit"_a = nb::none())
      .def(
          "transact",
          [](const w3::Contract& c, w3::Wallet& wallet, const std::string& function, nb::handle args,
             nb::handle value, std::optional<uint64_t> gas_limit, double timeout) {
            auto values = args_for(c.abi().function(function).inputs, args);
            w3::SendOptions o;
            if (!value.is_none()) o.value = u256_from_python(value);
            o.gas_limit = gas_limit;
            o.timeout = seconds(timeout);
            w3::Receipt r;
            std::vector<w3::EventLog> events;
            {
              nb::gil_scoped_release release;
              r = c.transact(wallet, function, values, o);
              events = c.decode_events(r);
            }
            nb::dict d = receipt_to_python(r);
            d["events"] = events_to_python(events);
            return d;
          },
          "wallet"_a, "function"_a, "args"_a = nb::none(), "value"_a = nb::none(), "gas_limit"_a = nb::none(),
          "timeout"_a = 120.0, "send() and wait: the receipt plus 'events', this contract's decoded logs.")
      .def_static(
          "deploy",
          [](w3::Wallet& wallet, const abi::Interface& interface, nb::handle bytecode, nb::handle args,
             double timeout) {
            auto code = data_from_python(bytecode);
            auto values = args_for(interface.constructor().inputs, args);
            w3::SendOptions o;
            o.timeout = seconds(timeout);
            nb::gil_scoped_release release;
            return std::make_shared<w3::Contract>(w3::Contract::deploy(wallet, interface, code, values, o));
          },
          "wallet"_a, "abi"_a, "bytecode"_a, "args"_a = nb::none(), "timeout"_a = 120.0)
      .def(
          "query_events",
          [](const w3::Contract& c, const std::string& event, nb::handle from_block, nb::handle to_block) {
            auto from = from_block.is_none() ? w3::BlockTag("earliest") : block_from_python(from_block);
            auto to = block_from_python(to_block);
            std::vector<w3::EventLog> events =
                without_gil([&] { return c.query_events(event, {}, from, to); });
            return events_to_python(events);
          },
          "event"_a, "from_block"_a = nb::none(), "to_block"_a = nb::none());

  nb::class_<w3::Erc20>(m, "Erc20", "An ERC-20 token.")
      .def(nb::new_([](nb::handle token, RpcPtr rpc) {
             return std::make_shared<w3::Erc20>(address_from_python(token), std::move(rpc));
           }),
           "token"_a, "rpc"_a)
      .def_prop_ro("address", [](const w3::Erc20& t) { return t.contract().address().to_checksum(); })
      .def("name",
           [](const w3::Erc20& t) {
             nb::gil_scoped_release release;
             return t.name();
           })
      .def("symbol",
           [](const w3::Erc20& t) {
             nb::gil_scoped_release release;
             return t.symbol();
           })
      .def("decimals",
           [](const w3::Erc20& t) {
             nb::gil_scoped_release release;
             return static_cast<int>(t.decimals());
           })
      .def("total_supply",
           [](const w3::Erc20& t) {
             w3::U256 v = without_gil([&] { return t.total_supply(); });
             return u256_to_python(v);
           })
      .def(
          "balance_of",
          [](const w3::Erc20& t, nb::handle holder) {
            auto a = address_from_python(holder);
            w3::U256 v = without_gil([&] { return t.balance_of(a); });
            return u256_to_python(v);
          },
          "holder"_a)
      .def(
          "allowance",
          [](const w3::Erc20& t, nb::handle holder, nb::handle spender) {
            auto h = address_from_python(holder);
            auto s = address_from_python(spender);
            w3::U256 v = without_gil([&] { return t.allowance(h, s); });
            return u256_to_python(v);
          },
          "holder"_a, "spender"_a)
      .def(
          "transfer",
          [](const w3::Erc20& t, w3::Wallet& wallet, nb::handle to, nb::handle amount) {
            auto a = address_from_python(to);
            auto v = u256_from_python(amount);
            w3::Hash h = without_gil([&] { return t.transfer(wallet, a, v); });
            return w3::to_hex(h);
          },
          "wallet"_a, "to"_a, "amount"_a, "Sends amount (base units); the transaction hash.")
      .def(
          "approve",
          [](const w3::Erc20& t, w3::Wallet& wallet, nb::handle spender, nb::handle amount) {
            auto a = address_from_python(spender);
            auto v = u256_from_python(amount);
            w3::Hash h = without_gil([&] { return t.approve(wallet, a, v); });
            return w3::to_hex(h);
          },
          "wallet"_a, "spender"_a, "amount"_a);

  nb::class_<w3::SpendingGuard>(m, "SpendingGuard",
                                "The policy a wallet's sending tools are checked against.")
      .def(
          "spent_today",
          [](const w3::SpendingGuard& g, nb::handle token) {
            return u256_to_python(g.spent_today(optional_address(token)));
          },
          "token"_a = nb::none());

  m.def(
      "web3_spending_guard",
      [](nb::handle policy) { return std::make_shared<w3::SpendingGuard>(policy_from_python(policy)); },
      "policy"_a = nb::none(),
      "policy: {native: {per_transaction, per_day} (wei), tokens: {address: limits}, allowlist: [address], "
      "confirm: fn(request: dict) -> bool}.");

  m.def(
      "web3_wallet_tools",
      [](WalletPtr wallet, std::shared_ptr<w3::SpendingGuard> guard, const std::string& native_symbol,
         double receipt_timeout) {
        if (!wallet || !guard) throw alith::InvalidArgumentError("wallet_tools needs a wallet and a guard");
        std::vector<std::shared_ptr<alith::agent::Tool>> out;
        for (auto& tool : w3::wallet_tools(wallet, guard, tools_options(native_symbol, receipt_timeout)))
          out.push_back(std::make_shared<GuardedTool>(std::move(tool), guard));
        return out;
      },
      "wallet"_a, "guard"_a, "native_symbol"_a = "ETH", "receipt_timeout"_a = 120.0,
      "get_balance, erc20_balance, contract_read, send_native and send_erc20; sends are checked by the "
      "guard.");

  m.def(
      "web3_chain_read_tools",
      [](RpcPtr rpc, const std::string& native_symbol) {
        return w3::chain_read_tools(std::move(rpc), tools_options(native_symbol, 120.0));
      },
      "rpc"_a, "native_symbol"_a = "ETH");
}

}  // namespace alith_py
