#include "alith/web3/wallet_tools.h"

#include <map>
#include <mutex>

#include "alith/web3/abi.h"
#include "alith/web3/abi_codec.h"
#include "alith/web3/contract.h"
#include "alith/web3/erc.h"

namespace alith::web3 {
namespace {

Json string_property(std::string description) {
  return {{"type", "string"}, {"description", std::move(description)}};
}

Json object_schema(Json properties, std::vector<std::string> required) {
  return {{"type", "object"},
          {"properties", std::move(properties)},
          {"required", std::move(required)},
          {"additionalProperties", false}};
}

Address address_arg(const Json& args, const char* name) {
  auto parsed = Address::parse(args.at(name).get<std::string>());
  if (!parsed) throw InvalidArgumentError(std::string(name) + ": " + parsed.error().message);
  return *parsed;
}

U256 amount_arg(const Json& args, int decimals) {
  auto amount = parse_units(args.at("amount").get<std::string>(), decimals);
  if (!amount) throw InvalidArgumentError("amount: " + amount.error().message);
  if (amount->is_zero()) throw InvalidArgumentError("amount: must be more than zero");
  return *amount;
}

// What the tools share: the node, a cache of token metadata (read once per token).
struct Chain {
  std::shared_ptr<RpcClient> rpc;
  WalletToolsOptions options;
  std::mutex mutex;
  std::map<Address, std::pair<std::string, int>> tokens;  // symbol, decimals

  std::pair<std::string, int> token(const Address& address) {
    {
      std::lock_guard lock(mutex);
      if (auto it = tokens.find(address); it != tokens.end()) return it->second;
    }
    Erc20 erc20(address, rpc);
    std::pair<std::string, int> info{erc20.symbol(), erc20.decimals()};
    std::lock_guard lock(mutex);
    return tokens.emplace(address, info).first->second;
  }
};

Json balance_json(const U256& base, int decimals, const std::string& symbol) {
  return {{"balance", format_units(base, decimals)}, {"base_units", base.to_string()}, {"symbol", symbol}};
}

std::shared_ptr<agent::Tool> get_balance_tool(std::shared_ptr<Chain> chain, std::optional<Address> own) {
  std::string about =
      own ? " Without an address, the balance of this agent's own wallet (" + own->to_checksum() + ")."
          : std::string();
  Json schema = object_schema({{"address", string_property("0x-prefixed account address")}},
                              own ? std::vector<std::string>{} : std::vector<std::string>{"address"});
  return agent::make_tool("get_balance", "The native coin balance of an account." + about, schema,
                          [chain, own](const Json& args, const agent::ToolContext& ctx) {
                            Address who = args.contains("address") ? address_arg(args, "address") : *own;
                            U256 wei = chain->rpc->get_balance(who, {}, ctx.cancel);
                            Json out = balance_json(wei, 18, chain->options.native_symbol);
                            out["address"] = who.to_checksum();
                            return out;
                          });
}

std::shared_ptr<agent::Tool> erc20_balance_tool(std::shared_ptr<Chain> chain, std::optional<Address> own) {
  Json schema =
      object_schema({{"token", string_property("the ERC-20 token contract address")},
                     {"holder", string_property("the account whose balance to read")}},
                    own ? std::vector<std::string>{"token"} : std::vector<std::string>{"token", "holder"});
  return agent::make_tool("erc20_balance",
                          "An ERC-20 token balance, in whole tokens and in base units." +
                              std::string(own ? " Without a holder, this agent's own wallet." : ""),
                          schema, [chain, own](const Json& args, const agent::ToolContext&) {
                            Address token = address_arg(args, "token");
                            Address holder = args.contains("holder") ? address_arg(args, "holder") : *own;
                            auto [symbol, decimals] = chain->token(token);
                            Json out =
                                balance_json(Erc20(token, chain->rpc).balance_of(holder), decimals, symbol);
                            out["holder"] = holder.to_checksum();
                            out["token"] = token.to_checksum();
                            return out;
                          });
}

std::shared_ptr<agent::Tool> contract_read_tool(std::shared_ptr<Chain> chain) {
  Json schema = object_schema(
      {{"address", string_property("the contract address")},
       {"function",
        string_property("the function's human-readable signature, e.g. \"function balanceOf(address "
                        "owner) view returns (uint256)\"")},
       {"args", {{"type", "array"}, {"description", "the arguments in order; integers as decimal strings"}}}},
      {"address", "function"});
  return agent::make_tool(
      "contract_read",
      "Calls a contract function without sending a transaction (eth_call) and returns its outputs.", schema,
      [chain](const Json& args, const agent::ToolContext&) {
        Address address = address_arg(args, "address");
        std::string signature = args.at("function").get<std::string>();
        if (signature.rfind("function ", 0) != 0) signature = "function " + signature;
        auto function = abi::Function::parse(signature);
        if (!function) throw InvalidArgumentError("function: " + function.error().message);
        auto types = abi::types_of(function->inputs);
        auto values = abi::from_json(types, args.value("args", Json::array()));
        if (!values) throw InvalidArgumentError("args: " + values.error().message);
        auto iface = abi::Interface::from_signatures({function->human_readable()}).value();
        Contract contract(std::move(iface), address, chain->rpc);
        auto outputs = contract.call(function->signature(), *values);
        Json named = Json::object();
        auto out_types = abi::types_of(function->outputs);
        for (size_t i = 0; i < outputs.size() && i < out_types.size(); ++i) {
          std::string name =
              function->outputs[i].name.empty() ? std::to_string(i) : function->outputs[i].name;
          named[name] = abi::to_json(out_types[i], outputs[i]);
        }
        return Json{{"outputs", named}};
      });
}

// Sends through the wallet for an approved call and reports the outcome. The guard learns the transaction
// went out as soon as the node accepted it; a node's refusal (an RpcError: nothing was broadcast) leaves the
// reservation to be released, while a transport failure counts it, since the node may have it.
Json send_guarded(Wallet& wallet, SpendingGuard& guard, const TxRequest& request,
                  const agent::ToolContext& ctx, const WalletToolsOptions& options) {
  if (!guard.approved(ctx.call_id)) {
    throw ToolError(
        "this transfer was not approved by the wallet's policy (the agent lacks the guard's hooks)");
  }
  Hash hash;
  try {
    hash = wallet.send(request, ctx.cancel);
  } catch (const RpcError&) {
    throw;
  } catch (const InvalidArgumentError&) {
    throw;
  } catch (...) {
    guard.mark_sent(ctx.call_id);
    throw;
  }
  guard.mark_sent(ctx.call_id);
  Json out = {{"transaction_hash", to_hex(hash)}};
  try {
    Receipt receipt = wallet.rpc().wait_for_receipt(hash, 1, options.receipt_timeout,
                                                    std::chrono::milliseconds(250), ctx.cancel);
    out["status"] = receipt.status ? "success" : "reverted";
    out["block"] = receipt.block_number;
    out["gas_used"] = receipt.gas_used;
  } catch (const TimeoutError&) {
    out["status"] = "pending";
  }
  return out;
}

std::string summary(const std::string& amount, const std::string& symbol, const Address& to) {
  return "send " + amount + " " + symbol + " to " + to.to_checksum();
}

}  // namespace

std::vector<std::shared_ptr<agent::Tool>> chain_read_tools(std::shared_ptr<RpcClient> rpc,
                                                           WalletToolsOptions options) {
  auto chain = std::make_shared<Chain>();
  chain->rpc = std::move(rpc);
  chain->options = std::move(options);
  return {get_balance_tool(chain, std::nullopt), erc20_balance_tool(chain, std::nullopt),
          contract_read_tool(chain)};
}

std::vector<std::shared_ptr<agent::Tool>> wallet_tools(std::shared_ptr<Wallet> wallet,
                                                       std::shared_ptr<SpendingGuard> guard,
                                                       WalletToolsOptions options) {
  if (!wallet || !guard) throw InvalidArgumentError("wallet_tools needs a wallet and a guard");
  auto chain = std::make_shared<Chain>();
  chain->rpc = wallet->rpc_ptr();
  chain->options = std::move(options);
  const Address own = wallet->address();
  std::vector<std::shared_ptr<agent::Tool>> tools = {
      get_balance_tool(chain, own), erc20_balance_tool(chain, own), contract_read_tool(chain)};

  std::string symbol = chain->options.native_symbol;
  guard->watch("send_native", [symbol](const llm::ToolCall& call) {
    Address to = address_arg(call.arguments, "to");
    return SpendRequest{"", to, std::nullopt, amount_arg(call.arguments, 18),
                        summary(call.arguments.at("amount").get<std::string>(), symbol, to)};
  });
  tools.push_back(agent::make_tool(
      "send_native",
      "Sends " + symbol + " from this agent's wallet. Subject to the wallet's spending policy.",
      object_schema({{"to", string_property("the recipient address")},
                     {"amount", string_property("how much, in whole " + symbol +
                                                " as a decimal string, e.g. \"0.05\"")}},
                    {"to", "amount"}),
      [wallet, guard, chain](const Json& args, const agent::ToolContext& ctx) {
        TxRequest request;
        request.to = address_arg(args, "to");
        request.value = amount_arg(args, 18);
        return send_guarded(*wallet, *guard, request, ctx, chain->options);
      }));

  guard->watch("send_erc20", [chain](const llm::ToolCall& call) {
    Address token = address_arg(call.arguments, "token");
    Address to = address_arg(call.arguments, "to");
    auto [token_symbol, decimals] = chain->token(token);
    return SpendRequest{"", to, token, amount_arg(call.arguments, decimals),
                        summary(call.arguments.at("amount").get<std::string>(), token_symbol, to)};
  });
  tools.push_back(agent::make_tool(
      "send_erc20",
      "Transfers ERC-20 tokens from this agent's wallet. Subject to the wallet's spending policy.",
      object_schema(
          {{"token", string_property("the ERC-20 token contract address")},
           {"to", string_property("the recipient address")},
           {"amount", string_property("how much, in whole tokens as a decimal string, e.g. \"12.5\"")}},
          {"token", "to", "amount"}),
      [wallet, guard, chain](const Json& args, const agent::ToolContext& ctx) {
        Address token = address_arg(args, "token");
        auto decimals = chain->token(token).second;
        TxRequest request;
        request.to = token;
        request.data =
            erc20_abi()
                .function("transfer")
                .encode_call({abi::Value(address_arg(args, "to")), abi::Value(amount_arg(args, decimals))});
        return send_guarded(*wallet, *guard, request, ctx, chain->options);
      }));
  return tools;
}

}  // namespace alith::web3
