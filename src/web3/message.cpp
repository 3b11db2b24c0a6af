#include "alith/web3/message.h"

#include "alith/web3/keccak.h"

namespace alith::web3 {

Hash hash_message(ByteView message) {
  std::string prefix =
      "\x19"
      "Ethereum Signed Message:\n" +
      std::to_string(message.size());
  return Keccak256().update(std::string_view(prefix)).update(message).finish();
}

Signature sign_message(const PrivateKey& key, ByteView message) {
  return key.sign_hash(hash_message(message));
}

Result<Address> recover_message_signer(ByteView message, const Signature& signature) {
  return recover_address(hash_message(message), signature);
}

}  // namespace alith::web3
