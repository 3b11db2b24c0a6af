// Offline web3 for Python: Keccak-256, addresses, keys and signatures (EIP-191 messages, EIP-712 typed data,
// transactions), units, the ABI, keystores and mnemonics. A PrivateKey never prints its secret: its repr is
// the address, and errors about keys never quote key material.

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <string>
#include <vector>

#include "alith/web3/abi.h"
#include "alith/web3/abi_codec.h"
#include "alith/web3/eip712.h"
#include "alith/web3/hd.h"
#include "alith/web3/keccak.h"
#include "alith/web3/keys.h"
#include "alith/web3/keystore.h"
#include "alith/web3/message.h"
#include "alith/web3/mnemonic.h"
#include "alith/web3/transaction.h"
#include "alith/web3/u256.h"
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

w3::Signature signature_from_python(nb::handle value) {
  return w3::Signature::from_bytes(data_from_python(value)).value();
}

w3::TypedData typed_data_from_python(nb::handle document) {
  if (nb::isinstance<nb::str>(document)) return w3::TypedData::parse(nb::cast<std::string>(document)).value();
  return w3::TypedData::from_json(from_python(document)).value();
}

abi::Interface interface_from_python(nb::handle value) {
  if (nb::isinstance<nb::str>(value)) {
    auto parsed = alith::parse_json(nb::cast<std::string>(value));
    return abi::Interface::from_json(parsed.value()).value();
  }
  if (nb::isinstance<nb::list>(value) || nb::isinstance<nb::tuple>(value)) {
    bool all_strings = true;
    for (nb::handle item : value) all_strings = all_strings && nb::isinstance<nb::str>(item);
    if (all_strings)
      return abi::Interface::from_signatures(nb::cast<std::vector<std::string>>(value)).value();
  }
  return abi::Interface::from_json(from_python(value)).value();
}

std::vector<abi::Value> args_from_python(const std::vector<abi::Param>& params, nb::handle args) {
  alith::Json json = args.is_valid() && !args.is_none() ? json_from_python_exact(args) : alith::Json::array();
  return abi::from_json(abi::types_of(params), json).value();
}

std::vector<abi::Type> types_from_python(const std::vector<std::string>& types) {
  std::vector<abi::Type> out;
  for (const auto& t : types) out.push_back(abi::Type::from_string(t));
  return out;
}

std::string hex(const w3::Bytes& b) {
  return w3::to_hex(b);
}

nb::dict revert_to_python(const abi::Revert& r) {
  static const char* const kinds[] = {"empty", "message", "panic", "custom", "unknown"};
  nb::dict d;
  d["kind"] = kinds[static_cast<int>(r.kind)];
  d["message"] = r.message;
  d["panic_code"] = u256_to_python(r.panic_code);
  d["error_name"] = r.error_name;
  d["data"] = hex(r.data);
  d["text"] = r.to_string();
  return d;
}

PyPrivateKey key_from_hex(nb::handle value) {
  // The bytes are never echoed: parse errors of keys say what is wrong, not what was given.
  return PyPrivateKey{w3::PrivateKey::from_bytes(data_from_python(value)).value()};
}

}  // namespace

void bind_web3_keys(nb::module_& m) {
  m.def(
      "web3_keccak256",
      [](nb::handle data) { return w3::to_hex(w3::keccak256(w3::ByteView(text_bytes_from_python(data)))); },
      "data"_a, "Keccak-256 of bytes (or of a str's UTF-8 text), as 0x hex.");
  m.def(
      "web3_to_checksum_address",
      [](nb::handle address) { return address_from_python(address).to_checksum(); }, "address"_a);
  m.def(
      "web3_is_address", [](const std::string& text) { return w3::Address::parse(text).ok(); }, "text"_a);

  // ---- keys
  nb::class_<PyPrivateKey>(m, "PrivateKey",
                           "A secp256k1 private key. Its repr shows the address, never the key.")
      .def(
          "__init__", [](PyPrivateKey* self, nb::handle hex) { new (self) PyPrivateKey{key_from_hex(hex)}; },
          "hex"_a, "From 32 bytes as 0x hex (or bytes); the input is never echoed in errors.")
      .def_static("random", [] { return PyPrivateKey{w3::PrivateKey::random()}; })
      .def_static(
          "generate", [] { return PyPrivateKey{w3::PrivateKey::random()}; }, "A fresh random key.")
      .def_static("from_hex", &key_from_hex, "hex"_a, "32 bytes as 0x hex (or bytes).")
      .def_prop_ro("address", [](const PyPrivateKey& k) { return k.key.address().to_checksum(); })
      .def_prop_ro(
          "public_key", [](const PyPrivateKey& k) { return w3::to_hex(k.key.public_key().uncompressed()); },
          "The uncompressed public key (0x04 ‖ x ‖ y) as hex.")
      .def(
          "sign_hash",
          [](const PyPrivateKey& k, nb::handle digest) {
            return k.key.sign_hash(hash_from_python(digest)).to_hex();
          },
          "digest"_a, "Signs a 32-byte digest; the 65-byte r ‖ s ‖ v signature as hex.")
      .def(
          "sign_message",
          [](const PyPrivateKey& k, nb::handle message) {
            const auto bytes = text_bytes_from_python(message);
            return w3::sign_message(k.key, w3::ByteView(bytes)).to_hex();
          },
          "message"_a, "EIP-191 personal_sign of a str (UTF-8) or bytes.")
      .def(
          "sign_typed_data",
          [](const PyPrivateKey& k, nb::handle document) {
            return w3::sign_typed_data(k.key, typed_data_from_python(document)).to_hex();
          },
          "typed_data"_a, "EIP-712 eth_signTypedData_v4 of {types, primaryType, domain, message}.")
      .def(
          "sign_transaction",
          [](const PyPrivateKey& k, nb::handle tx) {
            auto signed_tx = w3::sign_transaction(transaction_from_python(tx), k.key);
            nb::dict out = nb::borrow<nb::dict>(to_python(w3::to_json(signed_tx)));
            out["raw"] = hex(signed_tx.raw());
            return out;
          },
          "tx"_a,
          "Signs a transaction dict; the JSON-RPC form of the signed transaction plus 'raw' (0x hex).")
      .def(
          "reveal_hex", [](const PyPrivateKey& k) { return k.key.reveal_hex(); },
          "The secret as 0x hex. Every use of this is a place a key can leak.")
      .def("__repr__",
           [](const PyPrivateKey& k) { return "<PrivateKey " + k.key.address().to_checksum() + ">"; })
      .def("__eq__",
           [](const PyPrivateKey& a, const PyPrivateKey& b) { return a.key.address() == b.key.address(); });

  m.def(
      "web3_hash_message",
      [](nb::handle message) {
        const auto bytes = text_bytes_from_python(message);
        return w3::to_hex(w3::hash_message(w3::ByteView(bytes)));
      },
      "message"_a);
  m.def(
      "web3_recover_message",
      [](nb::handle message, nb::handle signature) {
        const auto bytes = text_bytes_from_python(message);
        return w3::recover_message_signer(w3::ByteView(bytes), signature_from_python(signature))
            .value()
            .to_checksum();
      },
      "message"_a, "signature"_a);
  m.def(
      "web3_recover_hash",
      [](nb::handle digest, nb::handle signature) {
        return w3::recover_address(hash_from_python(digest), signature_from_python(signature))
            .value()
            .to_checksum();
      },
      "digest"_a, "signature"_a);
  m.def(
      "web3_hash_typed_data",
      [](nb::handle document) {
        auto td = typed_data_from_python(document);
        nb::dict d;
        d["digest"] = w3::to_hex(td.digest());
        d["domain_separator"] = w3::to_hex(td.domain_separator());
        d["message_hash"] = w3::to_hex(td.message_hash());
        d["primary_type"] = td.primary_type();
        return d;
      },
      "typed_data"_a);
  m.def(
      "web3_recover_typed_data",
      [](nb::handle document, nb::handle signature) {
        return w3::recover_typed_data_signer(typed_data_from_python(document),
                                             signature_from_python(signature))
            .value()
            .to_checksum();
      },
      "typed_data"_a, "signature"_a);

  // ---- transactions
  m.def(
      "web3_decode_transaction",
      [](nb::handle raw) {
        const auto bytes = data_from_python(raw);
        return to_python(w3::to_json(w3::decode_transaction(w3::ByteView(bytes)).value()));
      },
      "raw"_a, "A raw signed transaction (any type) in its JSON-RPC form, 'from' recovered.");
  m.def(
      "web3_transaction_signing_hash",
      [](nb::handle tx) { return w3::to_hex(transaction_from_python(tx).signing_hash()); }, "tx"_a);

  // ---- units
  m.def(
      "web3_parse_units",
      [](const std::string& text, int decimals) {
        return u256_to_python(w3::parse_units(text, decimals).value());
      },
      "text"_a, "decimals"_a = 18, "'1.5' with 18 decimals -> 1500000000000000000.");
  m.def(
      "web3_format_units",
      [](nb::handle value, int decimals) { return w3::format_units(u256_from_python(value), decimals); },
      "value"_a, "decimals"_a = 18);

  // ---- ABI
  nb::class_<abi::Interface>(m, "Interface",
                             "A contract's ABI: functions, events, errors and the constructor.")
      .def(nb::new_(&interface_from_python), "abi"_a,
           "A JSON ABI (list, artifact dict or JSON text) or a list of human-readable signatures.")
      .def(
          "encode_function_data",
          [](const abi::Interface& i, const std::string& function, nb::handle args) {
            const auto& f = i.function(function);
            return hex(f.encode_call(args_from_python(f.inputs, args)));
          },
          "function"_a, "args"_a = nb::none(), "Calldata: selector + ABI-encoded arguments, as 0x hex.")
      .def(
          "decode_function_data",
          [](const abi::Interface& i, const std::string& function, nb::handle data) {
            const auto& f = i.function(function);
            const auto bytes = data_from_python(data);
            return to_python(
                abi::to_json(abi::types_of(f.inputs), f.decode_input(w3::ByteView(bytes)).value()));
          },
          "function"_a, "data"_a)
      .def(
          "decode_function_result",
          [](const abi::Interface& i, const std::string& function, nb::handle data) {
            const auto& f = i.function(function);
            const auto bytes = data_from_python(data);
            return to_python(
                abi::to_json(abi::types_of(f.outputs), f.decode_output(w3::ByteView(bytes)).value()));
          },
          "function"_a, "data"_a, "The outputs as a list (ints as decimal strings, addresses checksummed).")
      .def(
          "encode_function_result",
          [](const abi::Interface& i, const std::string& function, nb::handle values) {
            const auto& f = i.function(function);
            return hex(f.encode_output(args_from_python(f.outputs, values)));
          },
          "function"_a, "values"_a)
      .def(
          "selector",
          [](const abi::Interface& i, const std::string& function) {
            return w3::to_hex(i.function(function).selector());
          },
          "function"_a)
      .def(
          "event_topic",
          [](const abi::Interface& i, const std::string& event) {
            return w3::to_hex(i.event(event).topic());
          },
          "event"_a)
      .def(
          "decode_log",
          [](const abi::Interface& i, std::vector<std::string> topics, nb::handle data) {
            std::vector<w3::Hash> hashes;
            for (const auto& t : topics) hashes.push_back(w3::hash_from_hex(t));
            const auto bytes = data_from_python(data);
            return to_python(i.decode_log(hashes, w3::ByteView(bytes)).value().to_json());
          },
          "topics"_a, "data"_a, "{event, signature, args: {name: value}}.")
      .def(
          "encode_deploy",
          [](const abi::Interface& i, nb::handle bytecode, nb::handle args) {
            const auto code = data_from_python(bytecode);
            return hex(i.constructor().encode_deploy(w3::ByteView(code),
                                                     args_from_python(i.constructor().inputs, args)));
          },
          "bytecode"_a, "args"_a = nb::none())
      .def(
          "decode_revert",
          [](const abi::Interface& i, nb::handle data) {
            const auto bytes = data_from_python(data);
            return revert_to_python(i.decode_revert(w3::ByteView(bytes)));
          },
          "data"_a)
      .def("to_json", [](const abi::Interface& i) { return to_python(i.to_json()); })
      .def("signatures", &abi::Interface::to_signatures)
      .def_prop_ro("functions",
                   [](const abi::Interface& i) {
                     std::vector<std::string> out;
                     for (const auto& f : i.functions()) out.push_back(f.human_readable());
                     return out;
                   })
      .def_prop_ro("events", [](const abi::Interface& i) {
        std::vector<std::string> out;
        for (const auto& e : i.events()) out.push_back(e.human_readable());
        return out;
      });

  m.def(
      "web3_abi_encode",
      [](std::vector<std::string> types, nb::handle values) {
        auto ts = types_from_python(types);
        return hex(abi::encode(ts, abi::from_json(ts, json_from_python_exact(values)).value()));
      },
      "types"_a, "values"_a);
  m.def(
      "web3_abi_decode",
      [](std::vector<std::string> types, nb::handle data) {
        auto ts = types_from_python(types);
        const auto bytes = data_from_python(data);
        return to_python(abi::to_json(ts, abi::decode(ts, w3::ByteView(bytes)).value()));
      },
      "types"_a, "data"_a);
  m.def(
      "web3_abi_encode_packed",
      [](std::vector<std::string> types, nb::handle values) {
        auto ts = types_from_python(types);
        return hex(abi::encode_packed(ts, abi::from_json(ts, json_from_python_exact(values)).value()));
      },
      "types"_a, "values"_a);

  // ---- keystores and mnemonics
  m.def(
      "web3_encrypt_keystore",
      [](const PyPrivateKey& key, const std::string& password, const std::string& kdf,
         std::optional<uint64_t> n, std::optional<uint64_t> iterations) {
        w3::KeystoreOptions options;
        if (kdf == "scrypt") {
          w3::ScryptParams p;
          if (n) p.n = *n;
          options.kdf = p;
        } else if (kdf == "pbkdf2") {
          w3::Pbkdf2Params p;
          if (iterations) p.iterations = *iterations;
          options.kdf = p;
        } else {
          throw alith::InvalidArgumentError("kdf must be 'scrypt' or 'pbkdf2'");
        }
        const w3::PrivateKey k = key.key;
        nb::gil_scoped_release release;
        return w3::encrypt_keystore(k, password, options);
      },
      "key"_a, "password"_a, "kdf"_a = "scrypt", "n"_a = nb::none(), "iterations"_a = nb::none(),
      "A Web3 Secret Storage v3 JSON text.");
  m.def(
      "web3_decrypt_keystore",
      [](const std::string& json, const std::string& password) {
        nb::gil_scoped_release release;
        return PyPrivateKey{w3::decrypt_keystore(json, password)};
      },
      "json"_a, "password"_a, "CryptoError 'wrong password' when the MAC does not match.");

  m.def("web3_generate_mnemonic", &w3::generate_mnemonic, "word_count"_a = 12);
  m.def(
      "web3_is_valid_mnemonic", [](const std::string& phrase) { return w3::is_valid_mnemonic(phrase); },
      "phrase"_a);
  m.def(
      "web3_ethereum_account",
      [](const std::string& phrase, uint32_t index, const std::string& passphrase) {
        nb::gil_scoped_release release;
        return PyPrivateKey{w3::ethereum_account(phrase, passphrase, index)};
      },
      "phrase"_a, "index"_a = 0, "passphrase"_a = "",
      "The key of m/44'/60'/0'/0/index, as MetaMask derives it.");
  m.def(
      "web3_hd_derive",
      [](const std::string& phrase, const std::string& path, const std::string& passphrase) {
        nb::gil_scoped_release release;
        return PyPrivateKey{w3::HDKey::from_mnemonic(phrase, passphrase).derive(path).private_key()};
      },
      "phrase"_a, "path"_a, "passphrase"_a = "");
}

}  // namespace alith_py
