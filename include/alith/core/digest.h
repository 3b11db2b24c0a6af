#pragma once

// SHA-256 (OpenSSL's), for content addressing: cache keys, file fingerprints.

#include <array>
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace alith {

using Sha256Digest = std::array<std::byte, 32>;

Sha256Digest sha256(std::string_view data);
// Streams the file. IoError when it cannot be read.
Sha256Digest sha256_file(const std::filesystem::path& path);
// Lowercase hex.
std::string to_hex(std::span<const std::byte> bytes);

}  // namespace alith
