#include "alith/convert/safetensors.h"

#include <algorithm>
#include <array>
#include <bit>
#include <limits>
#include <utility>

#include "alith/core/json.h"

namespace alith::convert {
namespace {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

constexpr std::array<std::pair<std::string_view, Dtype>, 15> kDtypes{{
    {"BOOL", Dtype::boolean},
    {"U8", Dtype::u8},
    {"I8", Dtype::i8},
    {"F8_E5M2", Dtype::f8_e5m2},
    {"F8_E4M3", Dtype::f8_e4m3},
    {"I16", Dtype::i16},
    {"U16", Dtype::u16},
    {"F16", Dtype::f16},
    {"BF16", Dtype::bf16},
    {"I32", Dtype::i32},
    {"U32", Dtype::u32},
    {"F32", Dtype::f32},
    {"I64", Dtype::i64},
    {"U64", Dtype::u64},
    {"F64", Dtype::f64},
}};

ErrorInfo bad(std::string message, std::optional<size_t> offset = std::nullopt) {
  return make_error(ErrorCode::parse, "safetensors: " + std::move(message), offset);
}

uint64_t read_le64(std::string_view bytes) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

// Only non-negative integers fit a shape or an offset; nlohmann stores those as number_unsigned, while
// negative numbers, fractions and integers beyond 2^64 arrive as other number kinds.
bool as_u64(const Json& value, uint64_t& out) {
  if (!value.is_number_unsigned()) return false;
  out = value.get<uint64_t>();
  return true;
}

Result<TensorInfo> parse_entry(const std::string& name, const Json& entry, const SafetensorsLimits& limits) {
  if (!entry.is_object()) return bad("tensor '" + name + "' is not an object");
  auto dtype_it = entry.find("dtype");
  auto shape_it = entry.find("shape");
  auto offsets_it = entry.find("data_offsets");
  if (dtype_it == entry.end() || shape_it == entry.end() || offsets_it == entry.end())
    return bad("tensor '" + name + "' needs dtype, shape and data_offsets");
  if (!dtype_it->is_string()) return bad("tensor '" + name + "': dtype is not a string");

  TensorInfo info;
  info.name = name;
  const auto& dtype_text = dtype_it->get_ref<const std::string&>();
  auto known =
      std::find_if(kDtypes.begin(), kDtypes.end(), [&](const auto& d) { return d.first == dtype_text; });
  if (known == kDtypes.end()) return bad("tensor '" + name + "': unknown dtype '" + dtype_text + "'");
  info.dtype = known->second;

  if (!shape_it->is_array()) return bad("tensor '" + name + "': shape is not an array");
  if (shape_it->size() > limits.max_rank)
    return bad("tensor '" + name + "': rank " + std::to_string(shape_it->size()) + " is over the limit");
  uint64_t elements = 1;
  for (const auto& dim : *shape_it) {
    uint64_t d = 0;
    if (!as_u64(dim, d)) return bad("tensor '" + name + "': shape holds something other than a size");
    // A zero dimension makes the product zero whatever follows; only a non-zero product can overflow.
    if (d != 0 && elements > std::numeric_limits<uint64_t>::max() / d)
      return bad("tensor '" + name + "': shape product overflows");
    elements *= d;
    info.shape.push_back(d);
  }

  if (!offsets_it->is_array() || offsets_it->size() != 2 || !as_u64((*offsets_it)[0], info.begin) ||
      !as_u64((*offsets_it)[1], info.end))
    return bad("tensor '" + name + "': data_offsets must be two byte positions");
  if (info.end < info.begin) return bad("tensor '" + name + "': data_offsets end before they begin");

  const uint64_t size = dtype_size(info.dtype);
  if (elements > std::numeric_limits<uint64_t>::max() / size)
    return bad("tensor '" + name + "': byte size overflows");
  if (elements * size != info.end - info.begin)
    return bad("tensor '" + name + "': shape and dtype need " + std::to_string(elements * size) +
               " bytes but data_offsets span " + std::to_string(info.end - info.begin));
  return info;
}

}  // namespace

size_t dtype_size(Dtype dtype) noexcept {
  switch (dtype) {
    case Dtype::boolean:
    case Dtype::u8:
    case Dtype::i8:
    case Dtype::f8_e5m2:
    case Dtype::f8_e4m3:
      return 1;
    case Dtype::i16:
    case Dtype::u16:
    case Dtype::f16:
    case Dtype::bf16:
      return 2;
    case Dtype::i32:
    case Dtype::u32:
    case Dtype::f32:
      return 4;
    case Dtype::i64:
    case Dtype::u64:
    case Dtype::f64:
      return 8;
  }
  return 1;
}

std::string_view dtype_name(Dtype dtype) noexcept {
  for (const auto& [text, d] : kDtypes) {
    if (d == dtype) return text;
  }
  return "?";
}

uint64_t TensorInfo::elements() const noexcept {
  uint64_t n = 1;
  for (uint64_t d : shape) n *= d;
  return n;
}

const TensorInfo* SafetensorsHeader::find(std::string_view name) const noexcept {
  for (const auto& t : tensors) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

Result<SafetensorsHeader> parse_safetensors_header(std::string_view prefix, uint64_t file_size,
                                                   const SafetensorsLimits& limits) {
  if (file_size < 8 || prefix.size() < 8) return bad("file is shorter than the 8-byte header length", 0);
  const uint64_t header_len = read_le64(prefix);
  if (header_len > limits.max_header_bytes)
    return bad("header length " + std::to_string(header_len) + " is over the cap of " +
                   std::to_string(limits.max_header_bytes) + " bytes",
               0);
  if (header_len > file_size - 8)
    return bad("header length " + std::to_string(header_len) + " runs past the end of the file", 0);
  if (header_len > prefix.size() - 8) return bad("header is truncated", prefix.size());

  SafetensorsHeader header;
  header.data_offset = 8 + header_len;
  header.data_size = file_size - header.data_offset;

  // The reference writer pads the header with trailing spaces to align the data.
  std::string_view text = prefix.substr(8, header_len);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  auto parsed = parse_json(text, limits.max_json_depth);
  if (!parsed) {
    const auto& e = parsed.error();
    return bad("header JSON: " + e.message, e.offset ? std::optional<size_t>(*e.offset + 8) : std::nullopt);
  }
  const Json& root = *parsed;
  if (!root.is_object()) return bad("header is not a JSON object", 8);

  for (const auto& [key, value] : root.items()) {
    if (key == "__metadata__") {
      if (!value.is_object()) return bad("__metadata__ is not an object");
      for (const auto& [mk, mv] : value.items()) {
        if (!mv.is_string()) return bad("__metadata__ value '" + mk + "' is not a string");
        header.metadata.emplace(mk, mv.get<std::string>());
      }
      continue;
    }
    auto info = parse_entry(key, value, limits);
    if (!info) return info.error();
    if (info->end > header.data_size)
      return bad("tensor '" + key + "': data_offsets end at " + std::to_string(info->end) +
                 " but the data section holds " + std::to_string(header.data_size) + " bytes");
    header.tensors.push_back(std::move(*info));
  }

  std::sort(header.tensors.begin(), header.tensors.end(),
            [](const TensorInfo& a, const TensorInfo& b) { return a.begin < b.begin; });
  // Empty tensors occupy no bytes, so they may sit anywhere; every other range must start at or after the
  // furthest end seen so far.
  const TensorInfo* furthest = nullptr;
  for (const auto& t : header.tensors) {
    if (t.bytes() == 0) continue;
    if (furthest && t.begin < furthest->end)
      return bad("tensors '" + furthest->name + "' and '" + t.name + "' overlap");
    if (!furthest || t.end > furthest->end) furthest = &t;
  }
  return header;
}

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path, const SafetensorsLimits& limits)
    : path_(path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw IoError("cannot read " + path.string() + ": " + ec.message());
  file_size_ = size;
  in_.open(path, std::ios::binary);
  if (!in_) throw IoError("cannot open " + path.string());

  std::string prefix(static_cast<size_t>(std::min<uint64_t>(file_size_, 8)), '\0');
  if (!in_.read(prefix.data(), static_cast<std::streamsize>(prefix.size())))
    throw IoError("cannot read " + path.string());
  // Read the announced header only once its length has passed the checks, so a hostile length never
  // decides how much we allocate; the parser then reports whichever check failed.
  if (prefix.size() == 8) {
    const uint64_t header_len = read_le64(prefix);
    if (header_len <= limits.max_header_bytes && header_len <= file_size_ - 8) {
      prefix.resize(static_cast<size_t>(8 + header_len));
      if (!in_.read(prefix.data() + 8, static_cast<std::streamsize>(header_len)))
        throw IoError("cannot read the header of " + path.string());
    }
  }
  auto header = parse_safetensors_header(prefix, file_size_, limits);
  if (!header) {
    const auto& e = header.error();
    throw ParseError(path.string() + ": " + e.message, e.offset);
  }
  header_ = std::move(*header);
}

std::vector<std::byte> SafetensorsFile::read(const TensorInfo& tensor) {
  if (tensor.end < tensor.begin || tensor.end > header_.data_size)
    throw InvalidArgumentError("tensor range is not inside " + path_.string());
  std::vector<std::byte> data(tensor.bytes());
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(header_.data_offset + tensor.begin));
  if (!data.empty() &&
      !in_.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size())))
    throw IoError("short read of tensor '" + tensor.name + "' from " + path_.string());
  return data;
}

}  // namespace alith::convert
