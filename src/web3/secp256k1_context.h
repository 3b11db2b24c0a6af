#pragma once

// The one libsecp256k1 context of the process. It is randomized (blinding against side channels) once, when
// first used, and only read afterwards, which libsecp256k1 documents as safe from many threads.

#include <secp256k1.h>

namespace alith::web3::detail {

const secp256k1_context* secp256k1();

}  // namespace alith::web3::detail
