// ERC-20, ERC-721 and ERC-1155 over their standard human-readable ABIs.

#include "alith/web3/erc.h"

namespace alith::web3 {
namespace {

abi::Interface build(const std::vector<std::string>& signatures) {
  return abi::Interface::from_signatures(signatures).value();
}

// The single output of a view function.
abi::Value one(std::vector<abi::Value> outputs) {
  if (outputs.size() != 1) throw ParseError("expected one return value");
  return std::move(outputs[0]);
}

}  // namespace

// Function-local statics: built once, thread-safe, immutable afterwards.
const abi::Interface& erc20_abi() {
  static const abi::Interface abi = build({
      "function name() view returns (string)",
      "function symbol() view returns (string)",
      "function decimals() view returns (uint8)",
      "function totalSupply() view returns (uint256)",
      "function balanceOf(address owner) view returns (uint256)",
      "function allowance(address owner, address spender) view returns (uint256)",
      "function transfer(address to, uint256 amount) returns (bool)",
      "function approve(address spender, uint256 amount) returns (bool)",
      "function transferFrom(address from, address to, uint256 amount) returns (bool)",
      "event Transfer(address indexed from, address indexed to, uint256 value)",
      "event Approval(address indexed owner, address indexed spender, uint256 value)",
  });
  return abi;
}

const abi::Interface& erc721_abi() {
  static const abi::Interface abi = build({
      "function name() view returns (string)",
      "function symbol() view returns (string)",
      "function tokenURI(uint256 tokenId) view returns (string)",
      "function balanceOf(address owner) view returns (uint256)",
      "function ownerOf(uint256 tokenId) view returns (address)",
      "function getApproved(uint256 tokenId) view returns (address)",
      "function isApprovedForAll(address owner, address operator) view returns (bool)",
      "function approve(address to, uint256 tokenId)",
      "function setApprovalForAll(address operator, bool approved)",
      "function transferFrom(address from, address to, uint256 tokenId)",
      "function safeTransferFrom(address from, address to, uint256 tokenId)",
      "function safeTransferFrom(address from, address to, uint256 tokenId, bytes data)",
      "function supportsInterface(bytes4 interfaceId) view returns (bool)",
      "event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)",
      "event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId)",
      "event ApprovalForAll(address indexed owner, address indexed operator, bool approved)",
  });
  return abi;
}

const abi::Interface& erc1155_abi() {
  static const abi::Interface abi = build({
      "function balanceOf(address account, uint256 id) view returns (uint256)",
      "function balanceOfBatch(address[] accounts, uint256[] ids) view returns (uint256[])",
      "function uri(uint256 id) view returns (string)",
      "function isApprovedForAll(address account, address operator) view returns (bool)",
      "function setApprovalForAll(address operator, bool approved)",
      "function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes data)",
      "function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] values, bytes data)",
      "function supportsInterface(bytes4 interfaceId) view returns (bool)",
      "event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, "
      "uint256 value)",
      "event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] "
      "ids, "
      "uint256[] values)",
      "event ApprovalForAll(address indexed account, address indexed operator, bool approved)",
      "event URI(string value, uint256 indexed id)",
  });
  return abi;
}

std::string Erc20::name() const {
  return one(contract_.call("name")).as_string();
}
std::string Erc20::symbol() const {
  return one(contract_.call("symbol")).as_string();
}
std::uint8_t Erc20::decimals() const {
  return static_cast<std::uint8_t>(
      one(contract_.call("decimals")).as_uint().low_u64());  // uint8: checked by decode
}
U256 Erc20::total_supply() const {
  return one(contract_.call("totalSupply")).as_uint();
}
U256 Erc20::balance_of(const Address& holder) const {
  return one(contract_.call("balanceOf", {holder})).as_uint();
}
U256 Erc20::allowance(const Address& holder, const Address& spender) const {
  return one(contract_.call("allowance", {holder, spender})).as_uint();
}
Hash Erc20::transfer(Wallet& wallet, const Address& to, const U256& amount) const {
  return contract_.send(wallet, "transfer", {to, amount});
}
Hash Erc20::approve(Wallet& wallet, const Address& spender, const U256& amount) const {
  return contract_.send(wallet, "approve", {spender, amount});
}
Hash Erc20::transfer_from(Wallet& wallet, const Address& from, const Address& to, const U256& amount) const {
  return contract_.send(wallet, "transferFrom", {from, to, amount});
}

Address Erc721::owner_of(const U256& token_id) const {
  return one(contract_.call("ownerOf", {token_id})).as_address();
}
U256 Erc721::balance_of(const Address& holder) const {
  return one(contract_.call("balanceOf", {holder})).as_uint();
}
std::string Erc721::token_uri(const U256& token_id) const {
  return one(contract_.call("tokenURI", {token_id})).as_string();
}
Hash Erc721::safe_transfer_from(Wallet& wallet, const Address& from, const Address& to,
                                const U256& token_id) const {
  return contract_.send(wallet, "safeTransferFrom(address,address,uint256)", {from, to, token_id});
}
Hash Erc721::approve(Wallet& wallet, const Address& to, const U256& token_id) const {
  return contract_.send(wallet, "approve", {to, token_id});
}

U256 Erc1155::balance_of(const Address& holder, const U256& id) const {
  return one(contract_.call("balanceOf", {holder, id})).as_uint();
}
std::vector<U256> Erc1155::balance_of_batch(const std::vector<Address>& holders,
                                            const std::vector<U256>& ids) const {
  if (holders.size() != ids.size())
    throw InvalidArgumentError("balance_of_batch: holders and ids differ in length");
  abi::Value::List accounts, id_list;
  for (const auto& h : holders) accounts.emplace_back(h);
  for (const auto& id : ids) id_list.emplace_back(id);
  const abi::Value result =
      one(contract_.call("balanceOfBatch", {abi::Value(accounts), abi::Value(id_list)}));
  std::vector<U256> out;
  for (const auto& v : result.as_list()) out.push_back(v.as_uint());
  if (out.size() != holders.size()) throw ParseError("balanceOfBatch returned the wrong number of balances");
  return out;
}
std::string Erc1155::uri(const U256& id) const {
  return one(contract_.call("uri", {id})).as_string();
}
Hash Erc1155::safe_transfer_from(Wallet& wallet, const Address& from, const Address& to, const U256& id,
                                 const U256& amount, const Bytes& data) const {
  return contract_.send(wallet, "safeTransferFrom", {from, to, id, amount, data});
}

}  // namespace alith::web3
