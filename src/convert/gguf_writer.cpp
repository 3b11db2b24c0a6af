#include "gguf_writer.h"

#include <ggml.h>
#include <gguf.h>

#include "alith/core/error.h"

namespace alith::convert {

void GgufWriter::GgufFree::operator()(gguf_context* ctx) const noexcept {
  gguf_free(ctx);
}
void GgufWriter::GgmlFree::operator()(ggml_context* ctx) const noexcept {
  ggml_free(ctx);
}

GgufWriter::GgufWriter(size_t max_tensors) : gguf_(gguf_init_empty()), max_tensors_(max_tensors) {
  // Descriptions only: the data stays in our own buffers, which gguf reads when it writes the file.
  ggml_init_params params{};
  params.mem_size = (max_tensors + 1) * ggml_tensor_overhead();
  params.mem_buffer = nullptr;
  params.no_alloc = true;
  ggml_.reset(ggml_init(params));
  if (!gguf_ || !ggml_) throw IoError("cannot allocate the GGUF writer");
}

GgufWriter::~GgufWriter() = default;

void GgufWriter::set_u32(const std::string& key, uint32_t value) {
  gguf_set_val_u32(gguf_.get(), key.c_str(), value);
}
void GgufWriter::set_f32(const std::string& key, float value) {
  gguf_set_val_f32(gguf_.get(), key.c_str(), value);
}
void GgufWriter::set_bool(const std::string& key, bool value) {
  gguf_set_val_bool(gguf_.get(), key.c_str(), value);
}

void GgufWriter::set_string(const std::string& key, const std::string& value) {
  gguf_set_val_str(gguf_.get(), key.c_str(), value.c_str());
}

void GgufWriter::set_strings(const std::string& key, const std::vector<std::string>& values) {
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const auto& v : values) pointers.push_back(v.c_str());
  gguf_set_arr_str(gguf_.get(), key.c_str(), pointers.data(), pointers.size());
}

void GgufWriter::set_i32s(const std::string& key, const std::vector<int32_t>& values) {
  gguf_set_arr_data(gguf_.get(), key.c_str(), GGUF_TYPE_INT32, values.data(), values.size());
}

void GgufWriter::add_tensor(const std::string& name, GgufTensorType type, const std::vector<int64_t>& ne,
                            std::vector<std::byte> data) {
  // ggml aborts on these; a converter should refuse instead.
  if (name.empty() || name.size() >= GGML_MAX_NAME)
    throw InvalidArgumentError("tensor name '" + name + "' does not fit ggml's name limit");
  if (gguf_find_tensor(gguf_.get(), name.c_str()) >= 0)
    throw InvalidArgumentError("tensor '" + name + "' added twice");
  if (data_.size() >= max_tensors_) throw InvalidArgumentError("more tensors than the writer was sized for");
  if (ne.empty() || ne.size() > GGML_MAX_DIMS)
    throw InvalidArgumentError("tensor '" + name + "' has " + std::to_string(ne.size()) + " dimensions");
  for (int64_t n : ne) {
    if (n <= 0) throw InvalidArgumentError("tensor '" + name + "' has an empty dimension");
  }
  const ggml_type gtype = type == GgufTensorType::f16 ? GGML_TYPE_F16 : GGML_TYPE_F32;
  ggml_tensor* tensor = ggml_new_tensor(ggml_.get(), gtype, static_cast<int>(ne.size()), ne.data());
  if (ggml_nbytes(tensor) != data.size())
    throw InvalidArgumentError("tensor '" + name + "' needs " + std::to_string(ggml_nbytes(tensor)) +
                               " bytes, got " + std::to_string(data.size()));
  ggml_set_name(tensor, name.c_str());
  data_.push_back(std::move(data));
  // Moving a vector keeps its buffer, so this pointer stays valid while data_ grows.
  tensor->data = data_.back().data();
  gguf_add_tensor(gguf_.get(), tensor);
}

uint64_t GgufWriter::write(const std::filesystem::path& path) const {
  auto part = path;
  part += ".part";
  if (!gguf_write_to_file(gguf_.get(), part.c_str(), false)) {
    std::error_code ignored;
    std::filesystem::remove(part, ignored);
    throw IoError("cannot write " + part.string());
  }
  // gguf does not check fclose, where a full disk may first show; the size tells.
  uint64_t expected = gguf_get_meta_size(gguf_.get());
  const size_t alignment = gguf_get_alignment(gguf_.get());
  for (const auto& d : data_) expected += (d.size() + alignment - 1) / alignment * alignment;
  std::error_code ec;
  const auto size = std::filesystem::file_size(part, ec);
  if (!ec && size != expected) ec = std::make_error_code(std::errc::no_space_on_device);
  if (!ec) std::filesystem::rename(part, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(part, ignored);
    throw IoError("cannot move " + part.string() + " to " + path.string() + ": " + ec.message());
  }
  return size;
}

}  // namespace alith::convert
