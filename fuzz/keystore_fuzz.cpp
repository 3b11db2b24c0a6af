// libFuzzer target for Web3 Secret Storage keystores: any bytes are parsed under tiny KDF limits (so no input
// can make a run take seconds); a parsed keystore must decrypt or fail with a typed alith::Error, survive
// to_json and parse again to the same fields.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alith/web3/keystore.h"

namespace {

bool same(const alith::web3::Keystore& a, const alith::web3::Keystore& b) {
  auto kdf_equal = [](const alith::web3::KdfParams& x, const alith::web3::KdfParams& y) {
    if (x.index() != y.index()) return false;
    if (const auto* s = std::get_if<alith::web3::ScryptParams>(&x)) {
      const auto& t = std::get<alith::web3::ScryptParams>(y);
      return s->n == t.n && s->r == t.r && s->p == t.p;
    }
    const auto& p = std::get<alith::web3::Pbkdf2Params>(x);
    const auto& q = std::get<alith::web3::Pbkdf2Params>(y);
    return p.iterations == q.iterations && p.hash == q.hash;
  };
  return a.address == b.address && a.id == b.id && kdf_equal(a.kdf, b.kdf) && a.salt == b.salt &&
         a.iv == b.iv && a.ciphertext == b.ciphertext && a.mac == b.mac;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  alith::web3::KeystoreLimits limits;
  limits.max_scrypt_memory = 64 * 1024;
  limits.max_scrypt_work = 1024;
  limits.max_pbkdf2_iterations = 64;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = alith::web3::Keystore::parse(text, limits);
  if (!parsed) {
    if (parsed.error().message.empty()) std::abort();
    return 0;
  }
  auto again = alith::web3::Keystore::parse(parsed->to_json(), limits);
  if (!again || !same(*parsed, *again)) std::abort();
  try {
    auto key = parsed->decrypt("password", limits);
    // A right password: the MAC matched, so the key must be the file's (when it names one).
    if (parsed->address && *parsed->address != key.address()) std::abort();
  } catch (const alith::Error&) {
    // wrong password, address mismatch, key out of range: all typed
  }
  return 0;
}
