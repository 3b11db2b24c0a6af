// libFuzzer target for the ABI decoder. The first bytes choose the types: below 0x80, one to four types from
// a table of shapes (nested arrays, tuples, every elementary kind); from 0x80, a parameter list written out
// up to the first NUL ("uint8,(bytes,bool)[]"). The rest is decoded. Whatever decodes must re-encode without
// error and decode again to the same values, and its JSON form must read back to them; nothing may crash,
// hang or allocate out of proportion to the input.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "alith/web3/abi.h"

namespace {

using alith::web3::ByteView;
using alith::web3::abi::Type;

constexpr std::array<std::string_view, 28> kShapes = {"uint8",
                                                      "uint256",
                                                      "int8",
                                                      "int256",
                                                      "int40",
                                                      "address",
                                                      "bool",
                                                      "bytes1",
                                                      "bytes32",
                                                      "bytes",
                                                      "string",
                                                      "uint256[]",
                                                      "uint8[2]",
                                                      "bytes[]",
                                                      "string[3]",
                                                      "(uint8,string)",
                                                      "(uint256,bytes)[]",
                                                      "uint256[][]",
                                                      "string[][2]",
                                                      "((bool,bytes)[],address)",
                                                      "(uint8,string)[3][]",
                                                      "int16[]",
                                                      "bytes7[2][]",
                                                      "bool[]",
                                                      "(int8,(bytes2,uint24)[2])",
                                                      "address[][]",
                                                      "(string)",
                                                      "uint64[3][2]"};

const std::vector<Type>& shape_types() {
  static const std::vector<Type> types = [] {
    std::vector<Type> out;
    for (auto s : kShapes) out.push_back(Type::from_string(s));
    return out;
  }();
  return types;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::vector<Type> types;
  size_t at = 1;
  if (data[0] < 0x80) {
    const size_t count = 1 + data[0] % 4;
    for (size_t i = 0; i < count && at < size; ++i, ++at)
      types.push_back(shape_types()[data[at] % kShapes.size()]);
  } else {
    std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    size_t nul = rest.find('\0');
    if (nul == std::string_view::npos || nul > 512) return 0;
    auto f = alith::web3::abi::Function::parse("f(" + std::string(rest.substr(0, nul)) + ")");
    if (!f) return 0;
    types = alith::web3::abi::types_of(f->inputs);
    at = 1 + nul + 1;
  }
  ByteView payload(data + at, size - at);
  auto decoded = alith::web3::abi::decode(types, payload);
  if (!decoded) return 0;
  alith::web3::Bytes again = alith::web3::abi::encode(types, *decoded);  // throws (and aborts) on a mismatch
  auto redecoded = alith::web3::abi::decode(types, again);
  if (!redecoded || *redecoded != *decoded) std::abort();
  auto json = alith::web3::abi::to_json(types, *decoded);
  auto from_json = alith::web3::abi::from_json(types, json);
  if (!from_json || *from_json != *decoded) std::abort();
  return 0;
}
