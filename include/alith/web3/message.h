#pragma once

// EIP-191 version 0x45 ("personal_sign"): keccak256("\x19Ethereum Signed Message:\n" + len + message).

#include "alith/web3/keys.h"

namespace alith::web3 {

Hash hash_message(ByteView message);
inline Hash hash_message(std::string_view message) {
  return hash_message(as_bytes(message));
}

Signature sign_message(const PrivateKey& key, ByteView message);
inline Signature sign_message(const PrivateKey& key, std::string_view message) {
  return sign_message(key, as_bytes(message));
}

// The signer's address; a malformed or high-s signature is a crypto error.
Result<Address> recover_message_signer(ByteView message, const Signature& signature);
inline Result<Address> recover_message_signer(std::string_view message, const Signature& signature) {
  return recover_message_signer(as_bytes(message), signature);
}

}  // namespace alith::web3
