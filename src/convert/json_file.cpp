#include "json_file.h"

#include <fstream>

namespace alith::convert {

std::string read_text_file(const std::filesystem::path& path, uint64_t max_bytes) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw IoError("cannot read " + path.string() + ": " + ec.message());
  if (size > max_bytes)
    throw IoError(path.string() + " is " + std::to_string(size) + " bytes, over the limit of " +
                  std::to_string(max_bytes));
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<size_t>(size), '\0');
  if (!in || !in.read(text.data(), static_cast<std::streamsize>(text.size())))
    throw IoError("cannot read " + path.string());
  return text;
}

Json read_json_file(const std::filesystem::path& path) {
  auto parsed = parse_json(read_text_file(path));
  if (!parsed) throw ParseError(path.string() + ": " + parsed.error().message, parsed.error().offset);
  return std::move(*parsed);
}

std::optional<Json> read_json_file_if_present(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  return read_json_file(path);
}

}  // namespace alith::convert
