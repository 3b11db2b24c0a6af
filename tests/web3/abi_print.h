#pragma once

// Readable gtest failure messages for ABI values and parameters (found by argument-dependent lookup).

#include <ostream>

#include "alith/web3/abi.h"

namespace alith::web3::abi {

inline void PrintTo(const Value& v, std::ostream* os) {
  if (v.is_bool()) *os << (v.as_bool() ? "true" : "false");
  if (v.is_uint()) *os << v.as_uint().to_hex();
  if (v.is_address()) *os << v.as_address().to_hex();
  if (v.is_bytes()) *os << "bytes:" << to_hex(v.as_bytes());
  if (v.is_string()) *os << dump_json(v.as_string());
  if (v.is_list()) {
    *os << "[";
    for (size_t i = 0; i < v.as_list().size(); ++i) {
      if (i) *os << ", ";
      PrintTo(v.as_list()[i], os);
    }
    *os << "]";
  }
}

inline void PrintTo(const Param& p, std::ostream* os) {
  *os << p.type.full() << (p.indexed ? " indexed" : "") << (p.name.empty() ? "" : " ") << p.name;
}

}  // namespace alith::web3::abi
