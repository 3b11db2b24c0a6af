// libFuzzer target for the ABI's text grammars: the input is parsed as a type and as a human-readable
// fragment. What parses must print back to text (canonical, full, human-readable) and JSON forms that parse
// to the same thing; nothing may crash or hang.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alith/web3/abi.h"

using alith::web3::abi::Interface;
using alith::web3::abi::Type;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto type = Type::parse(text)) {
    auto canonical = Type::parse(type->canonical());
    if (!canonical || canonical->canonical() != type->canonical()) std::abort();
    auto full = Type::parse(type->full());
    if (!full || !(*full == *type)) std::abort();
    auto json = Type::from_json_param(type->to_json_param("x"));
    if (!json || !(*json == *type)) std::abort();
  }

  auto iface = Interface::from_signatures({std::string(text)});
  if (!iface) return 0;
  auto printed = Interface::from_signatures(iface->to_signatures());
  auto from_json = Interface::from_json(iface->to_json());
  if (!printed || !from_json) std::abort();
  for (const Interface* other : {&*printed, &*from_json}) {
    if (other->functions().size() != iface->functions().size() ||
        other->events().size() != iface->events().size() || other->errors().size() != iface->errors().size())
      std::abort();
    for (size_t i = 0; i < iface->functions().size(); ++i) {
      const auto &a = iface->functions()[i], &b = other->functions()[i];
      if (a.selector() != b.selector() || a.inputs != b.inputs || a.outputs != b.outputs ||
          a.state_mutability != b.state_mutability)
        std::abort();
    }
    for (size_t i = 0; i < iface->events().size(); ++i) {
      const auto &a = iface->events()[i], &b = other->events()[i];
      if (a.topic() != b.topic() || a.inputs != b.inputs || a.anonymous != b.anonymous) std::abort();
    }
    for (size_t i = 0; i < iface->errors().size(); ++i)
      if (iface->errors()[i].inputs != other->errors()[i].inputs) std::abort();
    if (other->constructor().inputs != iface->constructor().inputs) std::abort();
  }
  return 0;
}
