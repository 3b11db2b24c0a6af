// Node bindings of web3/. Conventions at this boundary: bytes travel as Buffers into C++ and 0x-hex strings
// out; 256-bit integers travel as decimal (or 0x) strings, which lib/web3.js turns into BigInt; private keys
// stay behind an opaque handle and only reveal() (an explicit call) shows one.
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "alith/core/error.h"
#include "alith/web3/abi.h"
#include "alith/web3/abi_codec.h"
#include "alith/web3/address.h"
#include "alith/web3/contract.h"
#include "alith/web3/eip712.h"
#include "alith/web3/erc.h"
#include "alith/web3/hd.h"
#include "alith/web3/keccak.h"
#include "alith/web3/keys.h"
#include "alith/web3/keystore.h"
#include "alith/web3/message.h"
#include "alith/web3/mnemonic.h"
#include "alith/web3/policy.h"
#include "alith/web3/rpc.h"
#include "alith/web3/transaction.h"
#include "alith/web3/u256.h"
#include "alith/web3/wallet.h"
#include "alith/web3/wallet_tools.h"
#include "bindings.h"
#include "convert.h"
#include "errors.h"
#include "handles.h"
#include "mods_util.h"

namespace {

using alith::Json;
using namespace alith_node_mods;
namespace w3 = alith::web3;

constexpr const char* kKeyTag = "PrivateKey";
constexpr const char* kRpcTag = "RpcClient";
constexpr const char* kWalletTag = "Wallet";
constexpr const char* kInterfaceTag = "AbiInterface";

std::string Str(const Napi::Value& v) {
  return v.As<Napi::String>().Utf8Value();
}

w3::Bytes BytesArg(const Napi::Value& v) {
  if (v.IsBuffer()) {
    auto b = v.As<Napi::Buffer<uint8_t>>();
    return w3::Bytes(b.Data(), b.Data() + b.Length());
  }
  if (v.IsTypedArray()) {
    auto a = v.As<Napi::Uint8Array>();
    return w3::Bytes(a.Data(), a.Data() + a.ElementLength());
  }
  if (v.IsString()) return w3::from_hex(Str(v));
  throw alith::InvalidArgumentError("expected bytes: a Buffer, a Uint8Array or a 0x-hex string");
}

w3::U256 U256From(const Json& v) {
  if (v.is_null()) return w3::U256();
  if (v.is_number_unsigned()) return w3::U256(v.get<uint64_t>());
  if (v.is_number_integer() && v.get<int64_t>() >= 0)
    return w3::U256(static_cast<uint64_t>(v.get<int64_t>()));
  if (v.is_string()) return w3::U256::parse(v.get<std::string>()).value();
  throw alith::InvalidArgumentError("expected a non-negative integer (a number, bigint or decimal string)");
}

std::optional<w3::U256> OptU256(const Json& o, const char* key) {
  Json v = Opt(o, key);
  if (v.is_null()) return std::nullopt;
  return U256From(v);
}

std::optional<uint64_t> OptU64(const Json& o, const char* key) {
  Json v = Opt(o, key);
  if (v.is_null()) return std::nullopt;
  return U256From(v).to_u64();
}

w3::Address AddressFrom(const Json& v) {
  return w3::Address::from_string(v.get<std::string>());
}

std::optional<w3::Address> OptAddress(const Json& o, const char* key) {
  Json v = Opt(o, key);
  if (v.is_null()) return std::nullopt;
  return AddressFrom(v);
}

w3::TxType TxTypeFrom(const Json& v) {
  if (v.is_null()) return w3::TxType::dynamic_fee;
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (s == "legacy" || s == "0" || s == "0x0") return w3::TxType::legacy;
    if (s == "accessList" || s == "access_list" || s == "1" || s == "0x1") return w3::TxType::access_list;
    return w3::TxType::dynamic_fee;
  }
  int t = v.get<int>();
  return t == 0 ? w3::TxType::legacy : t == 1 ? w3::TxType::access_list : w3::TxType::dynamic_fee;
}

std::vector<w3::AccessListEntry> AccessListFrom(const Json& v) {
  std::vector<w3::AccessListEntry> out;
  if (!v.is_array()) return out;
  for (const auto& e : v) {
    w3::AccessListEntry entry;
    entry.address = AddressFrom(e.at("address"));
    for (const auto& k : e.value("storageKeys", Json::array()))
      entry.storage_keys.push_back(w3::hash_from_hex(k.get<std::string>()));
    out.push_back(std::move(entry));
  }
  return out;
}

w3::Bytes DataFrom(const Json& o) {
  Json d = Opt(o, "data");
  if (d.is_null()) d = Opt(o, "input");
  return d.is_string() ? w3::from_hex(d.get<std::string>()) : w3::Bytes();
}

w3::Transaction TransactionFrom(const Json& o) {
  w3::Transaction tx;
  tx.type = TxTypeFrom(Opt(o, "type"));
  if (auto v = OptU64(o, "chainId")) tx.chain_id = *v;
  if (auto v = OptU64(o, "nonce")) tx.nonce = *v;
  if (auto v = OptU256(o, "gasPrice")) tx.gas_price = *v;
  if (auto v = OptU256(o, "maxPriorityFeePerGas")) tx.max_priority_fee_per_gas = *v;
  if (auto v = OptU256(o, "maxFeePerGas")) tx.max_fee_per_gas = *v;
  if (auto v = OptU64(o, "gasLimit")) tx.gas_limit = *v;
  tx.to = OptAddress(o, "to");
  if (auto v = OptU256(o, "value")) tx.value = *v;
  tx.data = DataFrom(o);
  tx.access_list = AccessListFrom(Opt(o, "accessList"));
  return tx;
}

w3::TxRequest TxRequestFrom(const Json& o) {
  w3::TxRequest r;
  r.type = TxTypeFrom(Opt(o, "type"));
  r.to = OptAddress(o, "to");
  if (auto v = OptU256(o, "value")) r.value = *v;
  r.data = DataFrom(o);
  r.access_list = AccessListFrom(Opt(o, "accessList"));
  r.gas_limit = OptU64(o, "gasLimit");
  r.gas_price = OptU256(o, "gasPrice");
  r.max_fee_per_gas = OptU256(o, "maxFeePerGas");
  r.max_priority_fee_per_gas = OptU256(o, "maxPriorityFeePerGas");
  r.nonce = OptU64(o, "nonce");
  return r;
}

Json LogJson(const w3::Log& l) {
  Json topics = Json::array();
  for (const auto& t : l.topics) topics.push_back(w3::to_hex(t));
  Json j = {{"address", l.address.to_checksum()},
            {"topics", topics},
            {"data", w3::to_hex(l.data)},
            {"removed", l.removed}};
  if (l.block_number) j["blockNumber"] = *l.block_number;
  if (l.transaction_hash) j["transactionHash"] = w3::to_hex(*l.transaction_hash);
  if (l.log_index) j["logIndex"] = *l.log_index;
  return j;
}

Json ReceiptJson(const w3::Receipt& r) {
  Json logs = Json::array();
  for (const auto& l : r.logs) logs.push_back(LogJson(l));
  return {{"transactionHash", w3::to_hex(r.transaction_hash)},
          {"transactionIndex", r.transaction_index},
          {"blockHash", w3::to_hex(r.block_hash)},
          {"blockNumber", r.block_number},
          {"from", r.from.to_checksum()},
          {"to", r.to ? Json(r.to->to_checksum()) : Json(nullptr)},
          {"contractAddress", r.contract_address ? Json(r.contract_address->to_checksum()) : Json(nullptr)},
          {"status", r.status},
          {"gasUsed", r.gas_used},
          {"cumulativeGasUsed", r.cumulative_gas_used},
          {"effectiveGasPrice", r.effective_gas_price.to_string()},
          {"type", r.type},
          {"logs", logs}};
}

Json SignedJson(const w3::SignedTransaction& s) {
  Json j = w3::to_json(s);
  j["raw"] = w3::to_hex(s.raw());
  j["hash"] = w3::to_hex(s.hash());
  auto sender = s.sender();
  if (sender.ok()) j["from"] = sender->to_checksum();
  return j;
}

w3::abi::Interface InterfaceFrom(const Json& abi) {
  if (abi.is_array() && !abi.empty() && abi.front().is_string())
    return w3::abi::Interface::from_signatures(abi.get<std::vector<std::string>>()).value();
  return w3::abi::Interface::from_json(abi).value();
}

std::vector<w3::abi::Value> ArgsFor(const w3::abi::Function& fn, const Json& args) {
  return w3::abi::from_json(w3::abi::types_of(fn.inputs), args.is_null() ? Json::array() : args).value();
}

Json OutputsJson(const w3::abi::Function& fn, const std::vector<w3::abi::Value>& values) {
  return w3::abi::to_json(w3::abi::types_of(fn.outputs), values);
}

// ---- hashing, addresses, units
// ---------------------------------------------------------------------------------

Napi::Value Keccak(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    return Napi::String::New(info.Env(), w3::to_hex(w3::keccak256(w3::ByteView(BytesArg(info[0])))));
  });
}

Napi::Value HashMessage(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    return Napi::String::New(info.Env(), w3::to_hex(w3::hash_message(w3::ByteView(BytesArg(info[0])))));
  });
}

Napi::Value ChecksumAddress(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    return Napi::String::New(info.Env(), w3::Address::from_string(Str(info[0])).to_checksum());
  });
}

Napi::Value IsAddress(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), info[0].IsString() && w3::Address::parse(Str(info[0])).ok());
}

Napi::Value ParseUnits(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    int decimals = info[1].As<Napi::Number>().Int32Value();
    return Napi::String::New(info.Env(), w3::parse_units(Str(info[0]), decimals).value().to_string());
  });
}

Napi::Value FormatUnits(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    int decimals = info[1].As<Napi::Number>().Int32Value();
    return Napi::String::New(info.Env(), w3::format_units(w3::U256::parse(Str(info[0])).value(), decimals));
  });
}

// ---- keys and signatures
// -------------------------------------------------------------------------------------

std::shared_ptr<w3::PrivateKey> KeyArg(const Napi::Value& v) {
  return UnwrapHandle<w3::PrivateKey>(v, kKeyTag);
}

Napi::Value KeyRandom(const Napi::CallbackInfo& info) {
  return WrapHandle(info.Env(), kKeyTag, std::make_shared<w3::PrivateKey>(w3::PrivateKey::random()));
}

Napi::Value KeyFromHex(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    return WrapHandle(info.Env(), kKeyTag,
                      std::make_shared<w3::PrivateKey>(w3::PrivateKey::parse(Str(info[0])).value()));
  });
}

Napi::Value KeyAddress(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), KeyArg(info[0])->address().to_checksum());
}

Napi::Value KeyPublic(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), w3::to_hex(KeyArg(info[0])->public_key().uncompressed()));
}

Napi::Value KeyReveal(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), KeyArg(info[0])->reveal_hex());
}

Napi::Value KeySignMessage(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    auto key = KeyArg(info[0]);
    return Napi::String::New(info.Env(), w3::sign_message(*key, w3::ByteView(BytesArg(info[1]))).to_hex());
  });
}

Napi::Value KeySignHash(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    auto key = KeyArg(info[0]);
    return Napi::String::New(info.Env(), key->sign_hash(w3::hash_from_hex(Str(info[1]))).to_hex());
  });
}

Napi::Value RecoverMessage(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    auto sig = w3::Signature::parse(Str(info[1])).value();
    return Napi::String::New(
        info.Env(), w3::recover_message_signer(w3::ByteView(BytesArg(info[0])), sig).value().to_checksum());
  });
}

Napi::Value RecoverHash(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    auto sig = w3::Signature::parse(Str(info[1])).value();
    return Napi::String::New(info.Env(),
                             w3::recover_address(w3::hash_from_hex(Str(info[0])), sig).value().to_checksum());
  });
}

Napi::Value HashTypedData(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    auto data = w3::TypedData::from_json(FromJs(info[0])).value();
    return Napi::String::New(info.Env(), w3::to_hex(data.digest()));
  });
}

Napi::Value KeySignTypedData(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    auto key = KeyArg(info[0]);
    auto data = w3::TypedData::from_json(FromJs(info[1])).value();
    return Napi::String::New(info.Env(), w3::sign_typed_data(*key, data).to_hex());
  });
}

Napi::Value RecoverTypedData(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    auto data = w3::TypedData::from_json(FromJs(info[0])).value();
    auto sig = w3::Signature::parse(Str(info[1])).value();
    return Napi::String::New(info.Env(), w3::recover_typed_data_signer(data, sig).value().to_checksum());
  });
}

Napi::Value KeySignTransaction(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    auto key = KeyArg(info[0]);
    return ToJs(info.Env(), SignedJson(w3::sign_transaction(TransactionFrom(FromJs(info[1])), *key)));
  });
}

Napi::Value DecodeTransaction(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    return ToJs(info.Env(), SignedJson(w3::decode_transaction(w3::ByteView(BytesArg(info[0]))).value()));
  });
}

// ---- keystores, mnemonics, HD
// --------------------------------------------------------------------------------

Napi::Value KeystoreEncrypt(const Napi::CallbackInfo& info) {
  auto key = KeyArg(info[0]);
  std::string password = Str(info[1]);
  Json o = Arg(info, 2);
  return RunJsonWork(info.Env(), [key, password, o]() -> Json {
    w3::KeystoreOptions options;
    if (GetString(o, "kdf") == "pbkdf2") {
      w3::Pbkdf2Params p;
      if (auto it = OptU64(o, "iterations")) p.iterations = *it;
      options.kdf = p;
    } else {
      w3::ScryptParams s;
      if (auto n = OptU64(o, "scryptN")) s.n = *n;
      options.kdf = s;
    }
    return w3::encrypt_keystore(*key, password, options);
  });
}

Napi::Value KeystoreDecrypt(const Napi::CallbackInfo& info) {
  std::string json = info[0].IsString() ? Str(info[0]) : FromJs(info[0]).dump();
  std::string password = Str(info[1]);
  return RunWork(info.Env(), [json, password]() -> Finish {
    auto key = std::make_shared<w3::PrivateKey>(w3::decrypt_keystore(json, password));
    return [key](Napi::Env env) { return WrapHandle(env, kKeyTag, key); };
  });
}

Napi::Value GenerateMnemonic(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    int words = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 12;
    return Napi::String::New(info.Env(), w3::generate_mnemonic(words));
  });
}

Napi::Value IsValidMnemonic(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), info[0].IsString() && w3::is_valid_mnemonic(Str(info[0])));
}

// (phrase, path | index, passphrase) -> key handle
Napi::Value KeyFromMnemonic(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    std::string phrase = Str(info[0]);
    std::string passphrase = info.Length() > 2 && info[2].IsString() ? Str(info[2]) : "";
    std::shared_ptr<w3::PrivateKey> key;
    if (info.Length() > 1 && info[1].IsString())
      key = std::make_shared<w3::PrivateKey>(
          w3::HDKey::from_mnemonic(phrase, passphrase).derive(std::string_view(Str(info[1]))).private_key());
    else {
      uint32_t index = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Uint32Value() : 0;
      key = std::make_shared<w3::PrivateKey>(w3::ethereum_account(phrase, passphrase, index));
    }
    return WrapHandle(info.Env(), kKeyTag, key);
  });
}

// ---- ABI
// -----------------------------------------------------------------------------------------------------

std::shared_ptr<w3::abi::Interface> IfaceArg(const Napi::Value& v) {
  return UnwrapHandle<w3::abi::Interface>(v, kInterfaceTag);
}

Napi::Value NewInterface(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    return WrapHandle(info.Env(), kInterfaceTag,
                      std::make_shared<w3::abi::Interface>(InterfaceFrom(FromJs(info[0]))));
  });
}

Napi::Value InterfaceJson(const Napi::CallbackInfo& info) {
  auto iface = IfaceArg(info[0]);
  return Guard(info.Env(), [&] {
    return ToJs(info.Env(), Json{{"abi", iface->to_json()}, {"signatures", iface->to_signatures()}});
  });
}

Napi::Value EncodeFunction(const Napi::CallbackInfo& info) {
  auto iface = IfaceArg(info[0]);
  return Guard(info.Env(), [&] {
    const auto& fn = iface->function(Str(info[1]));
    return Napi::String::New(info.Env(), w3::to_hex(fn.encode_call(ArgsFor(fn, Arg(info, 2)))));
  });
}

Napi::Value DecodeFunctionResult(const Napi::CallbackInfo& info) {
  auto iface = IfaceArg(info[0]);
  return Guard(info.Env(), [&] {
    const auto& fn = iface->function(Str(info[1]));
    w3::Bytes data = BytesArg(info[2]);
    return ToJs(info.Env(), OutputsJson(fn, fn.decode_output(data).value()));
  });
}

Napi::Value DecodeFunctionData(const Napi::CallbackInfo& info) {
  auto iface = IfaceArg(info[0]);
  return Guard(info.Env(), [&] {
    w3::Bytes data = BytesArg(info[1]);
    if (data.size() < 4) throw alith::InvalidArgumentError("calldata shorter than a selector");
    w3::FixedBytes<4> selector{};
    std::copy_n(data.begin(), 4, selector.begin());
    const auto* fn = iface->function_by_selector(selector);
    if (fn == nullptr) throw alith::InvalidArgumentError("no function of the interface has this selector");
    Json args = w3::abi::to_json(w3::abi::types_of(fn->inputs), fn->decode_input(data).value());
    return ToJs(info.Env(), Json{{"name", fn->name}, {"signature", fn->signature()}, {"args", args}});
  });
}

Napi::Value DecodeLog(const Napi::CallbackInfo& info) {
  auto iface = IfaceArg(info[0]);
  return Guard(info.Env(), [&] {
    std::vector<w3::Hash> topics;
    for (const auto& t : FromJs(info[1])) topics.push_back(w3::hash_from_hex(t.get<std::string>()));
    w3::Bytes data = BytesArg(info[2]);
    return ToJs(info.Env(), iface->decode_log(topics, data).value().to_json());
  });
}

Napi::Value DecodeRevert(const Napi::CallbackInfo& info) {
  auto iface = IfaceArg(info[0]);
  return Guard(info.Env(), [&] {
    auto r = iface->decode_revert(BytesArg(info[1]));
    return ToJs(info.Env(),
                Json{{"message", r.message}, {"errorName", r.error_name}, {"text", r.to_string()}});
  });
}

// ---- RPC, wallets, contracts
// ---------------------------------------------------------------------------------

std::shared_ptr<w3::RpcClient> RpcArg(const Napi::Value& v) {
  return UnwrapHandle<w3::RpcClient>(v, kRpcTag);
}
std::shared_ptr<w3::Wallet> WalletArg(const Napi::Value& v) {
  return UnwrapHandle<w3::Wallet>(v, kWalletTag);
}

Napi::Value NewRpc(const Napi::CallbackInfo& info) {
  Json o = Arg(info, 0);
  return Guard(info.Env(), [&] {
    w3::RpcOptions options;
    options.url = GetString(o, "url");
    if (Json t = Opt(o, "timeoutMs"); t.is_number())
      options.request_timeout = std::chrono::milliseconds(t.get<int64_t>());
    if (Json a = Opt(o, "maxAttempts"); a.is_number()) options.max_attempts = a.get<int>();
    return WrapHandle(info.Env(), kRpcTag, std::make_shared<w3::RpcClient>(options));
  });
}

Napi::Value RpcRequest(const Napi::CallbackInfo& info) {
  auto rpc = RpcArg(info[0]);
  std::string method = Str(info[1]);
  Json params = Arg(info, 2);
  if (params.is_null()) params = Json::array();
  return RunJsonWork(info.Env(), [rpc, method, params]() -> Json { return rpc->request(method, params); });
}

Napi::Value RpcBalance(const Napi::CallbackInfo& info) {
  auto rpc = RpcArg(info[0]);
  Json address = Arg(info, 1);
  std::string block = info.Length() > 2 && info[2].IsString() ? Str(info[2]) : "latest";
  return RunJsonWork(info.Env(), [rpc, address, block]() -> Json {
    return rpc->get_balance(AddressFrom(address), w3::BlockTag(block)).to_string();
  });
}

Napi::Value RpcWaitForReceipt(const Napi::CallbackInfo& info) {
  auto rpc = RpcArg(info[0]);
  std::string hash = Str(info[1]);
  Json o = Arg(info, 2);
  return RunJsonWork(info.Env(), [rpc, hash, o]() -> Json {
    uint64_t confirmations = OptU64(o, "confirmations").value_or(1);
    auto timeout = std::chrono::milliseconds(OptU64(o, "timeoutMs").value_or(120000));
    auto poll = std::chrono::milliseconds(OptU64(o, "pollMs").value_or(200));
    return ReceiptJson(rpc->wait_for_receipt(w3::hash_from_hex(hash), confirmations, timeout, poll));
  });
}

Napi::Value NewWallet(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    auto key = KeyArg(info[0]);
    auto rpc = RpcArg(info[1]);
    Json o = Arg(info, 2);
    w3::WalletOptions options;
    if (Json m = Opt(o, "gasMargin"); m.is_number()) options.gas_margin = m.get<double>();
    return WrapHandle(info.Env(), kWalletTag, std::make_shared<w3::Wallet>(*key, rpc, options));
  });
}

Napi::Value WalletAddress(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), WalletArg(info[0])->address().to_checksum());
}

Napi::Value WalletSend(const Napi::CallbackInfo& info) {
  auto wallet = WalletArg(info[0]);
  Json request = Arg(info, 1);
  alith::CancelToken cancel = info.Length() > 2 ? CancelFromJs(info[2]) : alith::CancelToken();
  return RunJsonWork(info.Env(), [wallet, request, cancel]() -> Json {
    return w3::to_hex(wallet->send(TxRequestFrom(request), cancel));
  });
}

Napi::Value WalletSendAndWait(const Napi::CallbackInfo& info) {
  auto wallet = WalletArg(info[0]);
  Json request = Arg(info, 1);
  Json o = Arg(info, 2);
  return RunJsonWork(info.Env(), [wallet, request, o]() -> Json {
    auto timeout = std::chrono::milliseconds(OptU64(o, "timeoutMs").value_or(120000));
    return ReceiptJson(wallet->send_and_wait(TxRequestFrom(request), timeout));
  });
}

Napi::Value WalletPrepare(const Napi::CallbackInfo& info) {
  auto wallet = WalletArg(info[0]);
  Json request = Arg(info, 1);
  return RunJsonWork(info.Env(), [wallet, request]() -> Json {
    return w3::to_json(wallet->prepare(TxRequestFrom(request)));
  });
}

// (iface, address, rpc, function, args, {from, value, block})
Napi::Value ContractCall(const Napi::CallbackInfo& info) {
  auto iface = IfaceArg(info[0]);
  std::string address = Str(info[1]);
  auto rpc = RpcArg(info[2]);
  std::string function = Str(info[3]);
  Json args = Arg(info, 4);
  Json o = Arg(info, 5);
  return RunJsonWork(info.Env(), [iface, address, rpc, function, args, o]() -> Json {
    w3::Contract contract(*iface, w3::Address::from_string(address), rpc);
    const auto& fn = iface->function(function);
    w3::CallOptions options;
    options.from = OptAddress(o, "from");
    if (auto v = OptU256(o, "value")) options.value = *v;
    if (Json b = Opt(o, "block"); b.is_string()) options.block = w3::BlockTag(b.get<std::string>());
    return OutputsJson(fn, contract.call(function, ArgsFor(fn, args), options));
  });
}

// (iface, address, wallet, function, args, {value, gasLimit, wait, timeoutMs})
Napi::Value ContractSend(const Napi::CallbackInfo& info) {
  auto iface = IfaceArg(info[0]);
  std::string address = Str(info[1]);
  auto wallet = WalletArg(info[2]);
  std::string function = Str(info[3]);
  Json args = Arg(info, 4);
  Json o = Arg(info, 5);
  return RunJsonWork(info.Env(), [iface, address, wallet, function, args, o]() -> Json {
    w3::Contract contract(*iface, w3::Address::from_string(address), wallet->rpc_ptr());
    const auto& fn = iface->function(function);
    w3::SendOptions options;
    if (auto v = OptU256(o, "value")) options.value = *v;
    options.gas_limit = OptU64(o, "gasLimit");
    if (auto t = OptU64(o, "timeoutMs")) options.timeout = std::chrono::milliseconds(*t);
    if (Opt(o, "wait").is_boolean() && Opt(o, "wait").get<bool>()) {
      auto receipt = contract.transact(*wallet, function, ArgsFor(fn, args), options);
      Json j = ReceiptJson(receipt);
      Json events = Json::array();
      for (const auto& e : contract.decode_events(receipt)) events.push_back(e.event.to_json());
      j["events"] = events;
      return j;
    }
    return w3::to_hex(contract.send(*wallet, function, ArgsFor(fn, args), options));
  });
}

// (abi, bytecode, wallet, args, {value, gasLimit}) -> {address, receipt}
Napi::Value ContractDeploy(const Napi::CallbackInfo& info) {
  Json abi = Arg(info, 0);
  w3::Bytes bytecode = BytesArg(info[1]);
  auto wallet = WalletArg(info[2]);
  Json args = Arg(info, 3);
  Json o = Arg(info, 4);
  return RunJsonWork(info.Env(), [abi, bytecode, wallet, args, o]() -> Json {
    auto iface = InterfaceFrom(abi);
    w3::SendOptions options;
    if (auto v = OptU256(o, "value")) options.value = *v;
    options.gas_limit = OptU64(o, "gasLimit");
    auto ctor_args = w3::abi::from_json(w3::abi::types_of(iface.constructor().inputs),
                                        args.is_null() ? Json::array() : args)
                         .value();
    auto contract = w3::Contract::deploy(*wallet, iface, bytecode, ctor_args, options);
    return contract.address().to_checksum();
  });
}

Napi::Value Erc20Info(const Napi::CallbackInfo& info) {
  std::string token = Str(info[0]);
  auto rpc = RpcArg(info[1]);
  return RunJsonWork(info.Env(), [token, rpc]() -> Json {
    w3::Erc20 erc20(w3::Address::from_string(token), rpc);
    return {{"name", erc20.name()},
            {"symbol", erc20.symbol()},
            {"decimals", erc20.decimals()},
            {"totalSupply", erc20.total_supply().to_string()}};
  });
}

Napi::Value Erc20BalanceOf(const Napi::CallbackInfo& info) {
  std::string token = Str(info[0]);
  auto rpc = RpcArg(info[1]);
  std::string holder = Str(info[2]);
  return RunJsonWork(info.Env(), [token, rpc, holder]() -> Json {
    w3::Erc20 erc20(w3::Address::from_string(token), rpc);
    return erc20.balance_of(w3::Address::from_string(holder)).to_string();
  });
}

Napi::Value Erc20Transfer(const Napi::CallbackInfo& info) {
  std::string token = Str(info[0]);
  auto wallet = WalletArg(info[1]);
  std::string to = Str(info[2]);
  Json amount = Arg(info, 3);
  return RunJsonWork(info.Env(), [token, wallet, to, amount]() -> Json {
    w3::Erc20 erc20(w3::Address::from_string(token), wallet->rpc_ptr());
    return w3::to_hex(erc20.transfer(*wallet, w3::Address::from_string(to), U256From(amount)));
  });
}

// ---- agent tools
// ----------------------------------------------------------------------------------------------

Json SpendJson(const w3::SpendRequest& r) {
  return {{"callId", r.call_id},
          {"to", r.to.to_checksum()},
          {"token", r.token ? Json(r.token->to_checksum()) : Json(nullptr)},
          {"amount", r.amount.to_string()},
          {"summary", r.summary}};
}

w3::SpendLimits LimitsFrom(const Json& o) {
  w3::SpendLimits limits;
  limits.per_transaction = OptU256(o, "perTransaction");
  limits.per_day = OptU256(o, "perDay");
  return limits;
}

Napi::Value ToolsArray(Napi::Env env, const std::vector<std::shared_ptr<alith::agent::Tool>>& tools) {
  Napi::Array out = Napi::Array::New(env, tools.size());
  for (uint32_t i = 0; i < tools.size(); ++i) out.Set(i, WrapTool(env, tools[i]));
  return out;
}

w3::WalletToolsOptions ToolsOptionsFrom(const Json& o) {
  w3::WalletToolsOptions options;
  options.native_symbol = GetString(o, "nativeSymbol", options.native_symbol);
  if (auto t = OptU64(o, "receiptTimeoutMs")) options.receipt_timeout = std::chrono::milliseconds(*t);
  return options;
}

// (wallet, policy {native: {perTransaction, perDay}, tokens: {address: limits}, allowlist, confirm}, options)
// -> {tools, hooks}. confirm(request) runs on the JS thread while the agent's thread waits for its answer.
Napi::Value WalletTools(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, [&] {
    auto wallet = WalletArg(info[0]);
    Json p = Arg(info, 1);
    w3::WalletPolicy policy;
    policy.native = LimitsFrom(Opt(p, "native"));
    if (Json tokens = Opt(p, "tokens"); tokens.is_object())
      for (const auto& [address, limits] : tokens.items())
        policy.tokens[w3::Address::from_string(address)] = LimitsFrom(limits);
    if (Json allow = Opt(p, "allowlist"); allow.is_array()) {
      std::set<w3::Address> set;
      for (const auto& a : allow) set.insert(AddressFrom(a));
      policy.allowlist = set;
    }
    if (info.Length() > 1 && info[1].IsObject()) {
      Napi::Value confirm = info[1].As<Napi::Object>().Get("confirm");
      if (confirm.IsFunction()) {
        auto fn = std::make_shared<JsFunction>(env, confirm.As<Napi::Function>(), "alith-wallet-confirm");
        policy.confirm = [fn](const w3::SpendRequest& r) {
          Json answer = fn->Call(Json::array({SpendJson(r)}));
          return answer.is_boolean() && answer.get<bool>();
        };
      }
    }
    auto guard = std::make_shared<w3::SpendingGuard>(std::move(policy));
    auto tools = w3::wallet_tools(wallet, guard, ToolsOptionsFrom(Arg(info, 2)));
    Napi::Object out = Napi::Object::New(env);
    out.Set("tools", ToolsArray(env, tools));
    alith::agent::Hooks hooks = guard->hooks();
    out.Set("hooks", WrapHooks(env, hooks));
    return out.As<Napi::Value>();
  });
}

Napi::Value ChainReadTools(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), [&] {
    return ToolsArray(info.Env(), w3::chain_read_tools(RpcArg(info[0]), ToolsOptionsFrom(Arg(info, 1))));
  });
}

}  // namespace

void InitWeb3(Napi::Env env, Napi::Object exports) {
  Napi::Object w = Napi::Object::New(env);
  auto set = [&](const char* name, Napi::Value (*fn)(const Napi::CallbackInfo&)) {
    w.Set(name, Napi::Function::New(env, fn, name));
  };
  set("keccak256", Keccak);
  set("hashMessage", HashMessage);
  set("checksumAddress", ChecksumAddress);
  set("isAddress", IsAddress);
  set("parseUnits", ParseUnits);
  set("formatUnits", FormatUnits);
  set("keyRandom", KeyRandom);
  set("keyFromHex", KeyFromHex);
  set("keyAddress", KeyAddress);
  set("keyPublic", KeyPublic);
  set("keyReveal", KeyReveal);
  set("keySignMessage", KeySignMessage);
  set("keySignHash", KeySignHash);
  set("recoverMessage", RecoverMessage);
  set("recoverHash", RecoverHash);
  set("hashTypedData", HashTypedData);
  set("keySignTypedData", KeySignTypedData);
  set("recoverTypedData", RecoverTypedData);
  set("keySignTransaction", KeySignTransaction);
  set("decodeTransaction", DecodeTransaction);
  set("keystoreEncrypt", KeystoreEncrypt);
  set("keystoreDecrypt", KeystoreDecrypt);
  set("generateMnemonic", GenerateMnemonic);
  set("isValidMnemonic", IsValidMnemonic);
  set("keyFromMnemonic", KeyFromMnemonic);
  set("newInterface", NewInterface);
  set("interfaceJson", InterfaceJson);
  set("encodeFunction", EncodeFunction);
  set("decodeFunctionResult", DecodeFunctionResult);
  set("decodeFunctionData", DecodeFunctionData);
  set("decodeLog", DecodeLog);
  set("decodeRevert", DecodeRevert);
  set("newRpc", NewRpc);
  set("rpcRequest", RpcRequest);
  set("rpcBalance", RpcBalance);
  set("rpcWaitForReceipt", RpcWaitForReceipt);
  set("newWallet", NewWallet);
  set("walletAddress", WalletAddress);
  set("walletSend", WalletSend);
  set("walletSendAndWait", WalletSendAndWait);
  set("walletPrepare", WalletPrepare);
  set("contractCall", ContractCall);
  set("contractSend", ContractSend);
  set("contractDeploy", ContractDeploy);
  set("erc20Info", Erc20Info);
  set("erc20BalanceOf", Erc20BalanceOf);
  set("erc20Transfer", Erc20Transfer);
  set("walletTools", WalletTools);
  set("chainReadTools", ChainReadTools);
  exports.Set("web3", w);
}
