#pragma once

// Python <-> web3 values, shared by web3.cpp, web3_keys.cpp and web3_chain.cpp. Python sees integers as int
// (any size), addresses as EIP-55 strings, hashes and byte strings as 0x hex (inputs may also be bytes).

#include <nanobind/nanobind.h>

#include <cstdint>
#include <optional>
#include <string>

#include "alith/core/json.h"
#include "alith/web3/address.h"
#include "alith/web3/bytes.h"
#include "alith/web3/keys.h"
#include "alith/web3/rpc_types.h"
#include "alith/web3/transaction.h"
#include "alith/web3/u256.h"
#include "alith/web3/wallet.h"

namespace alith_py {

namespace nb = nanobind;

// A non-negative int, or a decimal / 0x-hex string. InvalidArgumentError for negatives and other types.
alith::web3::U256 u256_from_python(nb::handle value);
nb::object u256_to_python(const alith::web3::U256& value);  // an int
std::uint64_t u64_from_python(nb::handle value);

// bytes/bytearray as they are, or a 0x hex string.
alith::web3::Bytes data_from_python(nb::handle value);
// bytes as they are, or a str as its UTF-8 text (what personal_sign signs).
alith::web3::Bytes text_bytes_from_python(nb::handle value);
alith::web3::Hash hash_from_python(nb::handle value);
alith::web3::Address address_from_python(nb::handle value);
std::optional<alith::web3::Address> optional_address(nb::handle value);  // None -> nullopt

// A transaction dict (ethers' field names, camelCase, or snake_case): type, chainId, nonce, gasLimit|gas,
// gasPrice, maxFeePerGas, maxPriorityFeePerGas, to, value, data|input, accessList.
alith::web3::Transaction transaction_from_python(nb::handle tx);
alith::web3::TxRequest tx_request_from_python(nb::handle tx);
alith::web3::CallRequest call_request_from_python(nb::handle call);
alith::web3::BlockTag block_from_python(nb::handle block);  // None, "latest"..., or a number

// from_python, except that ints beyond 64 bits become decimal strings (the ABI and RPC accept those), where
// plain JSON conversion would round them to doubles.
alith::Json json_from_python_exact(nb::handle value);

nb::dict receipt_to_python(const alith::web3::Receipt& receipt);
nb::dict log_to_python(const alith::web3::Log& log);

// The PrivateKey Python objects hold (web3_keys.cpp binds it as alith._native.PrivateKey).
struct PyPrivateKey {
  alith::web3::PrivateKey key;
};

}  // namespace alith_py
