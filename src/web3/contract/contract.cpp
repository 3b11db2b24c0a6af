// Contract calls, transactions, deployment and events through an ABI.

#include "alith/web3/contract.h"

namespace alith::web3 {

Contract::Contract(abi::Interface abi, Address address, std::shared_ptr<RpcClient> rpc)
    : abi_(std::move(abi)), address_(address), rpc_(std::move(rpc)) {
  if (!rpc_) throw InvalidArgumentError("Contract: no RpcClient");
}

void Contract::rethrow_revert(const RevertError& e) const {
  std::string reason;
  if (!e.revert_data().empty()) {
    const abi::Revert revert = abi_.decode_revert(e.revert_data());
    reason = revert.kind == abi::Revert::Kind::message ? revert.message : revert.to_string();
  } else {
    // No data: some nodes put the reason into the message only ("execution reverted: reason").
    std::string_view message = e.rpc_message();
    for (std::string_view prefix : {"execution reverted", ":", " "}) {
      if (message.starts_with(prefix)) message.remove_prefix(prefix.size());
    }
    reason = message.empty() ? "no reason given (empty revert data)" : std::string(message);
  }
  throw RevertError(e.rpc_code(), e.rpc_message(), e.data(), e.revert_data(), reason);
}

std::vector<abi::Value> Contract::call(std::string_view function, const std::vector<abi::Value>& args,
                                       const CallOptions& options) const {
  const abi::Function& f = abi_.function(function);
  CallRequest request;
  request.from = options.from;
  request.to = address_;
  request.data = f.encode_call(args);
  if (!options.value.is_zero()) request.value = options.value;
  const Bytes output = decoding_reverts([&] { return rpc_->call(request, options.block); });
  if (output.empty() && !f.outputs.empty()) {
    // What eth_call returns for an address without code: say so rather than "cannot decode".
    throw ChainError("call to " + f.signature() + " returned no data: is there a contract at " +
                     address_.to_checksum() + "?");
  }
  return f.decode_output(output).value();
}

Hash Contract::send(Wallet& wallet, std::string_view function, const std::vector<abi::Value>& args,
                    const SendOptions& options) const {
  TxRequest request;
  request.type = options.type;
  request.to = address_;
  request.value = options.value;
  request.data = abi_.function(function).encode_call(args);
  request.gas_limit = options.gas_limit;
  return decoding_reverts([&] { return wallet.send(request); });
}

Receipt Contract::transact(Wallet& wallet, std::string_view function, const std::vector<abi::Value>& args,
                           const SendOptions& options) const {
  const Hash hash = send(wallet, function, args, options);
  Receipt receipt = rpc_->wait_for_receipt(hash, 1, options.timeout, std::chrono::milliseconds(100));
  if (receipt.status) return receipt;
  // Replay as a call on the state before the block, which usually reproduces the reason.
  if (receipt.block_number > 0) {
    CallOptions replay;
    replay.from = wallet.address();
    replay.value = options.value;
    replay.block = BlockTag::number(receipt.block_number - 1);
    call(function, args, replay);  // throws the decoded RevertError when it reverts again
  }
  throw RevertError(0, "transaction " + to_hex(hash) + " reverted", Json(), {},
                    "transaction " + to_hex(hash) + " reverted (reason not reproduced)");
}

Contract Contract::deploy(Wallet& wallet, abi::Interface abi, ByteView bytecode,
                          const std::vector<abi::Value>& constructor_args, const SendOptions& options) {
  if (bytecode.empty()) throw InvalidArgumentError("Contract::deploy: empty bytecode");
  TxRequest request;
  request.type = options.type;
  request.value = options.value;
  request.gas_limit = options.gas_limit;
  request.data = abi.constructor().encode_deploy(bytecode, constructor_args);
  const Contract decoder(abi, Address{}, wallet.rpc_ptr());
  const Receipt receipt =
      decoder.decoding_reverts([&] { return wallet.send_and_wait(request, options.timeout); });
  if (!receipt.status) throw ChainError("deployment " + to_hex(receipt.transaction_hash) + " reverted");
  if (!receipt.contract_address) throw ParseError("deployment receipt without a contract address");
  return Contract(std::move(abi), *receipt.contract_address, wallet.rpc_ptr());
}

std::vector<EventLog> Contract::decode_events(const Receipt& receipt) const {
  std::vector<EventLog> out;
  for (const Log& log : receipt.logs) {
    if (log.address != address_) continue;
    auto decoded = abi_.decode_log(log.topics, log.data);
    if (decoded) out.push_back(EventLog{std::move(*decoded), log});
  }
  return out;
}

std::vector<EventLog> Contract::query_events(std::string_view event,
                                             const std::vector<std::optional<abi::Value>>& indexed,
                                             const BlockTag& from_block, const BlockTag& to_block) const {
  const abi::Event& e = abi_.event(event);
  LogFilter filter;
  filter.addresses = {address_};
  filter.from_block = from_block;
  filter.to_block = to_block;
  if (!e.anonymous) filter.topics.push_back(std::vector<Hash>{e.topic()});
  size_t i = 0;
  for (const abi::Param& p : e.inputs) {
    if (!p.indexed) continue;
    if (i < indexed.size() && indexed[i]) {
      filter.topics.push_back(std::vector<Hash>{abi::encode_topic(p.type, *indexed[i])});
    } else {
      filter.topics.push_back(std::nullopt);
    }
    ++i;
  }
  if (indexed.size() > i) throw InvalidArgumentError("query_events: more filters than indexed parameters");
  while (!filter.topics.empty() && !filter.topics.back()) filter.topics.pop_back();
  std::vector<EventLog> out;
  for (Log& log : rpc_->get_logs(filter)) {
    auto decoded = e.decode_log(log.topics, log.data);
    if (!decoded)
      throw ParseError("log of " + e.signature() + " does not decode: " + decoded.error().message);
    out.push_back(EventLog{std::move(*decoded), std::move(log)});
  }
  return out;
}

}  // namespace alith::web3
