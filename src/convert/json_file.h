#pragma once

// Reading the small JSON files of a Hugging Face model folder (config.json, tokenizer.json, ...).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "alith/core/json.h"

namespace alith::convert {

// Tokenizers of large multilingual models reach tens of MiB; nothing legitimate in a BERT folder is larger.
inline constexpr uint64_t kMaxJsonFileBytes = 64u << 20;

// The file's text. Throws IoError when it cannot be read or is larger than max_bytes.
std::string read_text_file(const std::filesystem::path& path, uint64_t max_bytes = kMaxJsonFileBytes);

// The parsed file. Throws IoError as above, ParseError (naming the file) when it is not JSON.
Json read_json_file(const std::filesystem::path& path);

// read_json_file(), or nullopt when the file does not exist.
std::optional<Json> read_json_file_if_present(const std::filesystem::path& path);

}  // namespace alith::convert
