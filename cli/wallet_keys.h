#pragma once

// Where `alith wallet` gets keys and passwords. A key comes from a v3 keystore file (its password from
// $ALITH_WALLET_PASSWORD or asked on the terminal without echo) or, for scripts and tests, from an
// environment variable holding the hex key (--key-env NAME): never from a command-line argument, which other
// users can read in the process list.

#include <optional>
#include <string>

#include "alith/web3/keys.h"

namespace alith::cli {

struct KeySource {
  std::string keystore;  // path of a v3 keystore
  std::string key_env;   // name of an environment variable holding the hex private key

  bool empty() const { return keystore.empty() && key_env.empty(); }
  // The key; ConfigError when no source is given or the variable is unset; CryptoError for a wrong password.
  web3::PrivateKey load() const;
  // The address without decrypting, when the keystore states it; else load().address().
  web3::Address address() const;
};

// $ALITH_WALLET_PASSWORD, else asked on /dev/tty (twice when confirm). ConfigError with neither.
std::string read_password(const std::string& prompt, bool confirm);

// Writes text to path, readable by its owner only (0600); refuses to replace an existing file.
void write_secret_file(const std::string& path, const std::string& text);

}  // namespace alith::cli
