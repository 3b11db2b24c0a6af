// `alith wallet new|import|address|sign-message|sign-tx|balance|send|call`: keys, signatures and transactions
// from the terminal. Keys come from keystores or an environment variable (wallet_keys.h); --json prints one
// JSON object per command for scripts.

#include <cstdlib>
#include <iostream>
#include <memory>

#include "alith/core/json.h"
#include "alith/web3/abi.h"
#include "alith/web3/abi_codec.h"
#include "alith/web3/contract.h"
#include "alith/web3/erc.h"
#include "alith/web3/hd.h"
#include "alith/web3/keystore.h"
#include "alith/web3/message.h"
#include "alith/web3/mnemonic.h"
#include "alith/web3/wallet.h"
#include "commands.h"
#include "wallet_keys.h"

namespace alith::cli {
namespace {

using namespace alith::web3;

struct WalletCommand {
  KeySource key;
  std::string rpc_url;
  bool json = false;
  // new / import
  std::string kdf = "scrypt";
  std::uint64_t scrypt_n = ScryptParams{}.n;
  bool mnemonic = false;
  std::string mnemonic_env;
  std::uint32_t index = 0;
  // sign-message
  std::string message;
  // sign-tx / send / call / balance
  std::string to, value = "0", data, token, function, address;
  std::vector<std::string> args;
  std::optional<std::uint64_t> nonce, gas, chain_id;
  std::string max_fee, priority_fee, gas_price;  // in gwei
  int type = 2;
  bool no_wait = false;
};

void print(const WalletCommand& c, const Json& object, const std::string& text) {
  if (c.json)
    std::cout << dump_json(object, 2) << "\n";
  else
    std::cout << text << "\n";
}

std::shared_ptr<RpcClient> rpc(const WalletCommand& c) {
  std::string url = c.rpc_url;
  if (url.empty()) {
    const char* env = std::getenv("ALITH_RPC_URL");
    url = env && *env ? env : "http://127.0.0.1:8545";
  }
  RpcOptions options;
  options.url = url;
  return std::make_shared<RpcClient>(options);
}

U256 gwei(const std::string& text, const char* what) {
  auto value = parse_units(text, 9);
  if (!value) throw InvalidArgumentError(std::string(what) + ": " + value.error().message);
  return *value;
}

KeystoreOptions keystore_options(const WalletCommand& c) {
  KeystoreOptions options;
  if (c.kdf == "pbkdf2")
    options.kdf = Pbkdf2Params{};
  else if (c.kdf == "scrypt")
    options.kdf = ScryptParams{c.scrypt_n, 8, 1};
  else
    throw InvalidArgumentError("--kdf must be scrypt or pbkdf2");
  return options;
}

void save_keystore(const WalletCommand& c, const PrivateKey& key) {
  if (c.key.keystore.empty()) throw InvalidArgumentError("--keystore FILE: where to write the keystore");
  std::string password = read_password("Password for the new keystore: ", true);
  if (password.empty()) throw InvalidArgumentError("an empty password protects nothing");
  write_secret_file(c.key.keystore, encrypt_keystore(key, password, keystore_options(c)));
}

int run_new(const WalletCommand& c) {
  std::optional<std::string> phrase;
  PrivateKey key = PrivateKey::random();
  if (c.mnemonic) {
    phrase = generate_mnemonic(12);
    key = ethereum_account(*phrase, {}, c.index);
  }
  save_keystore(c, key);
  Json out = {{"address", key.address().to_checksum()}, {"keystore", c.key.keystore}};
  std::string text = key.address().to_checksum() + "  (keystore " + c.key.keystore + ")";
  if (phrase) {
    // Asked for with --mnemonic: the only time alith shows a secret, and only on the terminal's stdout.
    out["mnemonic"] = *phrase;
    out["path"] = ethereum_path(c.index);
    text += "\nrecovery phrase (write it down; anyone who has it owns the account):\n" + *phrase;
  }
  print(c, out, text);
  return 0;
}

int run_import(const WalletCommand& c) {
  std::optional<PrivateKey> key;
  if (!c.mnemonic_env.empty()) {
    const char* phrase = std::getenv(c.mnemonic_env.c_str());
    if (phrase == nullptr) throw ConfigError("environment variable " + c.mnemonic_env + " is not set");
    key = ethereum_account(phrase, {}, c.index);
  } else if (!c.key.key_env.empty()) {
    key = KeySource{{}, c.key.key_env}.load();
  } else {
    throw InvalidArgumentError("import needs --key-env NAME or --mnemonic-env NAME");
  }
  save_keystore(c, *key);
  print(c, {{"address", key->address().to_checksum()}, {"keystore", c.key.keystore}},
        key->address().to_checksum());
  return 0;
}

int run_address(const WalletCommand& c) {
  Address address = c.key.address();
  print(c, {{"address", address.to_checksum()}}, address.to_checksum());
  return 0;
}

int run_sign_message(const WalletCommand& c) {
  PrivateKey key = c.key.load();
  Signature sig = sign_message(key, c.message);
  print(c, {{"address", key.address().to_checksum()}, {"message", c.message}, {"signature", sig.to_hex()}},
        sig.to_hex());
  return 0;
}

TxRequest tx_request(const WalletCommand& c) {
  TxRequest r;
  if (c.type < 0 || c.type > 2) throw InvalidArgumentError("--type must be 0, 1 or 2");
  r.type = static_cast<TxType>(c.type);
  if (!c.to.empty()) r.to = Address::from_string(c.to);
  auto value = parse_units(c.value, 18);
  if (!value) throw InvalidArgumentError("--value: " + value.error().message);
  r.value = *value;
  if (!c.data.empty()) r.data = from_hex(c.data);
  r.nonce = c.nonce;
  r.gas_limit = c.gas;
  if (!c.gas_price.empty()) r.gas_price = gwei(c.gas_price, "--gas-price");
  if (!c.max_fee.empty()) r.max_fee_per_gas = gwei(c.max_fee, "--max-fee");
  if (!c.priority_fee.empty()) r.max_priority_fee_per_gas = gwei(c.priority_fee, "--priority-fee");
  return r;
}

// Signs offline when every field is given (nonce, gas, chain id and fees); otherwise the node fills the rest.
int run_sign_tx(const WalletCommand& c) {
  PrivateKey key = c.key.load();
  TxRequest r = tx_request(c);
  bool fees = r.type == TxType::dynamic_fee ? r.max_fee_per_gas && r.max_priority_fee_per_gas
                                            : r.gas_price.has_value();
  Transaction tx;
  if (r.nonce && r.gas_limit && c.chain_id && fees) {
    tx.type = r.type;
    tx.chain_id = *c.chain_id;
    tx.nonce = *r.nonce;
    tx.gas_limit = *r.gas_limit;
    tx.to = r.to;
    tx.value = r.value;
    tx.data = r.data;
    if (r.type == TxType::dynamic_fee) {
      tx.max_fee_per_gas = *r.max_fee_per_gas;
      tx.max_priority_fee_per_gas = *r.max_priority_fee_per_gas;
    } else {
      tx.gas_price = *r.gas_price;
    }
  } else {
    Wallet wallet(key, rpc(c));
    tx = wallet.prepare(r);
    if (!r.nonce) tx.nonce = wallet.rpc().get_transaction_count(key.address());
  }
  SignedTransaction signed_tx = sign_transaction(tx, key);
  Json out = to_json(signed_tx);
  out["raw"] = to_hex(signed_tx.raw());
  print(c, out, to_hex(signed_tx.raw()));
  return 0;
}

int run_balance(const WalletCommand& c) {
  Address who = c.address.empty() ? c.key.address() : Address::from_string(c.address);
  auto client = rpc(c);
  if (!c.token.empty()) {
    Erc20 token(Address::from_string(c.token), client);
    U256 base = token.balance_of(who);
    std::string symbol = token.symbol();
    std::string amount = format_units(base, token.decimals());
    print(c,
          {{"address", who.to_checksum()},
           {"token", token.contract().address().to_checksum()},
           {"symbol", symbol},
           {"balance", amount},
           {"base_units", base.to_string()}},
          amount + " " + symbol);
    return 0;
  }
  U256 wei = client->get_balance(who);
  print(c, {{"address", who.to_checksum()}, {"balance", format_units(wei, 18)}, {"wei", wei.to_string()}},
        format_units(wei, 18) + " ETH");
  return 0;
}

Json receipt_json(const Receipt& receipt) {
  Json out = {{"transaction_hash", to_hex(receipt.transaction_hash)},
              {"status", receipt.status ? "success" : "reverted"},
              {"block", receipt.block_number},
              {"gas_used", receipt.gas_used}};
  if (receipt.contract_address) out["contract_address"] = receipt.contract_address->to_checksum();
  return out;
}

int run_send(const WalletCommand& c) {
  if (c.to.empty()) throw InvalidArgumentError("--to ADDRESS is required");
  Wallet wallet(c.key.load(), rpc(c));
  TxRequest r = tx_request(c);
  if (!c.token.empty()) {
    Erc20 token(Address::from_string(c.token), wallet.rpc_ptr());
    auto amount = parse_units(c.value, token.decimals());
    if (!amount) throw InvalidArgumentError("--value: " + amount.error().message);
    r.data = erc20_abi().function("transfer").encode_call({abi::Value(*r.to), abi::Value(*amount)});
    r.to = token.contract().address();
    r.value = U256(0);
  }
  Hash hash = wallet.send(r);
  if (c.no_wait) {
    print(c, {{"transaction_hash", to_hex(hash)}}, to_hex(hash));
    return 0;
  }
  Receipt receipt = wallet.rpc().wait_for_receipt(hash);
  Json out = receipt_json(receipt);
  print(c, out,
        to_hex(hash) + " " + out["status"].get<std::string>() + " in block " +
            std::to_string(receipt.block_number));
  return receipt.status ? 0 : 1;
}

// An argument as the ABI's JSON form expects it: arrays, objects and booleans as JSON, everything else
// (numbers included, which may exceed a double) as a string.
Json cli_arg(const std::string& text) {
  if (!text.empty() && (text[0] == '[' || text[0] == '{' || text == "true" || text == "false")) {
    auto parsed = parse_json(text);
    if (!parsed)
      throw InvalidArgumentError("argument " + text + " is not valid JSON: " + parsed.error().message);
    return *parsed;
  }
  return text;
}

int run_call(const WalletCommand& c) {
  if (c.to.empty()) throw InvalidArgumentError("--to ADDRESS is required");
  std::string signature = c.function.rfind("function ", 0) == 0 ? c.function : "function " + c.function;
  abi::Function function = abi::Function::parse(signature).value();
  Json args = Json::array();
  for (const auto& a : c.args) args.push_back(cli_arg(a));
  auto values = abi::from_json(abi::types_of(function.inputs), args).value();
  Contract contract(abi::Interface::from_signatures({function.human_readable()}).value(),
                    Address::from_string(c.to), rpc(c));
  CallOptions options;
  if (!c.key.empty()) options.from = c.key.address();
  auto outputs = contract.call(function.signature(), values, options);
  Json out = abi::to_json(abi::types_of(function.outputs), outputs);
  std::string text;
  for (const auto& v : out)
    text += (text.empty() ? "" : "\n") + (v.is_string() ? v.get<std::string>() : dump_json(v));
  print(c, out, text);
  return 0;
}

}  // namespace

Command add_wallet(CLI::App& app) {
  auto c = std::make_shared<WalletCommand>();
  auto* wallet = app.add_subcommand("wallet", "Ethereum keys, signatures and transactions");
  wallet->require_subcommand(1);
  auto key_options = [&](CLI::App* sub) {
    sub->add_option("--keystore", c->key.keystore,
                    "a v3 keystore file (password from $ALITH_WALLET_PASSWORD or asked)");
    sub->add_option("--key-env", c->key.key_env, "an environment variable holding the hex private key");
  };
  auto node_options = [&](CLI::App* sub) {
    sub->add_option("--rpc", c->rpc_url,
                    "the node's JSON-RPC URL (default $ALITH_RPC_URL or http://127.0.0.1:8545)");
  };
  auto tx_options = [&](CLI::App* sub) {
    sub->add_option("--to", c->to, "recipient or contract address");
    sub->add_option("--value", c->value, "amount in ETH (with --token: in whole tokens)");
    sub->add_option("--data", c->data, "calldata as hex");
    sub->add_option("--nonce", c->nonce, "nonce (default: the node's pending count)");
    sub->add_option("--gas", c->gas, "gas limit (default: estimated)");
    sub->add_option("--max-fee", c->max_fee, "EIP-1559 max fee per gas, in gwei");
    sub->add_option("--priority-fee", c->priority_fee, "EIP-1559 priority fee per gas, in gwei");
    sub->add_option("--gas-price", c->gas_price, "legacy / EIP-2930 gas price, in gwei");
    sub->add_option("--type", c->type, "transaction type: 0 legacy, 1 EIP-2930, 2 EIP-1559 (default)");
  };
  std::vector<std::pair<CLI::App*, int (*)(const WalletCommand&)>> subs;

  auto* make = wallet->add_subcommand("new", "create a key and save it in an encrypted keystore");
  key_options(make);
  make->add_option("--kdf", c->kdf, "scrypt (default) or pbkdf2");
  make->add_option("--scrypt-n", c->scrypt_n, "scrypt cost (a power of two; default 131072)");
  make->add_flag("--mnemonic", c->mnemonic,
                 "derive the key from a new 12-word recovery phrase and print it once");
  make->add_option("--index", c->index, "account index under m/44'/60'/0'/0 (with --mnemonic)");
  subs.emplace_back(make, run_new);

  auto* import = wallet->add_subcommand(
      "import", "save a key from --key-env or a phrase from --mnemonic-env in a keystore");
  key_options(import);
  import->add_option("--mnemonic-env", c->mnemonic_env, "an environment variable holding a BIP-39 phrase");
  import->add_option("--index", c->index, "account index under m/44'/60'/0'/0");
  import->add_option("--kdf", c->kdf, "scrypt (default) or pbkdf2");
  import->add_option("--scrypt-n", c->scrypt_n, "scrypt cost (a power of two; default 131072)");
  subs.emplace_back(import, run_import);

  auto* address = wallet->add_subcommand("address", "print the account's address");
  key_options(address);
  subs.emplace_back(address, run_address);

  auto* sign_message = wallet->add_subcommand("sign-message", "sign a message (EIP-191 personal_sign)");
  key_options(sign_message);
  sign_message->add_option("message", c->message, "the message")->required();
  subs.emplace_back(sign_message, run_sign_message);

  auto* sign_tx = wallet->add_subcommand(
      "sign-tx", "sign a transaction and print its raw bytes (offline when every field is given)");
  key_options(sign_tx);
  node_options(sign_tx);
  tx_options(sign_tx);
  sign_tx->add_option("--chain-id", c->chain_id, "chain id (default: asked from the node)");
  subs.emplace_back(sign_tx, run_sign_tx);

  auto* balance = wallet->add_subcommand("balance", "an account's balance of ETH or of an ERC-20 token");
  key_options(balance);
  node_options(balance);
  balance->add_option("address", c->address, "the account (default: the key's)");
  balance->add_option("--token", c->token, "an ERC-20 token contract");
  subs.emplace_back(balance, run_balance);

  auto* send =
      wallet->add_subcommand("send", "send ETH or (with --token) ERC-20 tokens and wait for the receipt");
  key_options(send);
  node_options(send);
  tx_options(send);
  send->add_option("--token", c->token, "an ERC-20 token contract: --value is then in whole tokens");
  send->add_flag("--no-wait", c->no_wait, "print the transaction hash without waiting for the receipt");
  subs.emplace_back(send, run_send);

  auto* call = wallet->add_subcommand("call", "call a contract function without a transaction (eth_call)");
  key_options(call);
  node_options(call);
  call->add_option("--to", c->to, "the contract")->required();
  call->add_option("function", c->function, "e.g. \"balanceOf(address) view returns (uint256)\"")->required();
  call->add_option("args", c->args, "arguments: numbers and addresses as text, arrays and tuples as JSON");
  subs.emplace_back(call, run_call);

  for (auto& [sub, fn] : subs) sub->add_flag("--json", c->json, "print JSON");
  return [c, subs] {
    for (const auto& [sub, fn] : subs) {
      if (sub->parsed()) return fn(*c);
    }
    return 2;
  };
}

}  // namespace alith::cli
