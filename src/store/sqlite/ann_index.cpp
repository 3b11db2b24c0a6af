#include "ann_index.h"

// hnswlib 0.6.2's SSE prefetches read one link past the end of an upper-level link list (nmslib/hnswlib
// issues 107 and 578): four bytes inside the allocator's chunk, harmless to the CPU, but a
// heap-buffer-overflow to AddressSanitizer. Sanitized builds therefore use hnswlib's plain C++ distance code,
// which has no prefetches.
#if defined(__SANITIZE_ADDRESS__) && !defined(NO_MANUAL_VECTORIZATION)
#define NO_MANUAL_VECTORIZATION
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer) && !defined(NO_MANUAL_VECTORIZATION)
#define NO_MANUAL_VECTORIZATION
#endif
#endif
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "alith/core/error.h"

namespace alith::store::sqlite {
namespace {

namespace fs = std::filesystem;
using Hnsw = hnswlib::HierarchicalNSW<float>;

constexpr char kMagic[8] = {'A', 'L', 'I', 'T', 'H', 'A', 'N', 'N'};
constexpr uint32_t kVersion = 2;

// FILE.meta: a fixed-size little header (native byte order: the index file itself is native too).
struct Meta {
  char magic[8];
  uint32_t version;
  uint32_t metric;
  uint64_t dimensions;
  uint64_t identity;
  uint64_t generation;
  uint64_t file_size;
  uint64_t checksum;
};

std::unique_ptr<hnswlib::SpaceInterface<float>> make_space(Metric metric, size_t dimensions) {
  if (metric == Metric::l2) return std::make_unique<hnswlib::L2Space>(dimensions);
  return std::make_unique<hnswlib::InnerProductSpace>(dimensions);
}

// A fast non-cryptographic 64-bit checksum of a file (detects torn writes and bit rot, not tampering).
std::optional<uint64_t> checksum(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  uint64_t h = 0x9e3779b97f4a7c15ull;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<size_t>(in.gcount());
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t w;
      std::memcpy(&w, buffer.data() + i, 8);
      h = (h ^ w) * 0xff51afd7ed558ccdull;
      h ^= h >> 29;
    }
    for (; i < n; ++i) h = (h ^ static_cast<unsigned char>(buffer[i])) * 0x100000001b3ull;
    h ^= n;
  }
  if (in.bad()) return std::nullopt;
  return h;
}

// The exact size of hnswlib 0.6.2's saveIndex output for this graph; a shorter file means a failed write
// (saveIndex does not check its stream).
uint64_t expected_file_size(const Hnsw& h) {
  uint64_t size = sizeof(h.offsetLevel0_) + sizeof(h.max_elements_) + sizeof(h.cur_element_count) +
                  sizeof(h.size_data_per_element_) + sizeof(h.label_offset_) + sizeof(h.offsetData_) +
                  sizeof(h.maxlevel_) + sizeof(h.enterpoint_node_) + sizeof(h.maxM_) + sizeof(h.maxM0_) +
                  sizeof(h.M_) + sizeof(h.mult_) + sizeof(h.ef_construction_);
  size += h.cur_element_count * h.size_data_per_element_;
  for (size_t i = 0; i < h.cur_element_count; ++i) {
    size += sizeof(unsigned int);
    if (h.element_levels_[i] > 0)
      size += h.size_links_per_element_ * static_cast<size_t>(h.element_levels_[i]);
  }
  return size;
}

}  // namespace

void normalize(std::span<float> vector) {
  double sum = 0;
  for (float x : vector) sum += static_cast<double>(x) * x;
  if (sum <= 0) return;
  const auto scale = static_cast<float>(1.0 / std::sqrt(sum));
  for (float& x : vector) x *= scale;
}

struct AnnIndex::Impl {
  Metric metric;
  size_t dimensions;
  std::unique_ptr<hnswlib::SpaceInterface<float>> space;  // the graph keeps pointers into it: declared first
  std::unique_ptr<Hnsw> graph;

  std::vector<float> prepare(std::span<const float> v) const {
    std::vector<float> out(v.begin(), v.end());
    if (metric == Metric::cosine) normalize(out);
    return out;
  }

  void insert(int64_t label, std::span<const float> v) {
    const auto data = prepare(v);
    graph->addPoint(data.data(), static_cast<hnswlib::labeltype>(label));
  }
};

AnnIndex::AnnIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AnnIndex::~AnnIndex() = default;

AnnIndex::AnnIndex(Metric metric, size_t dimensions, AnnParams params, size_t capacity)
    : impl_(std::make_unique<Impl>()) {
  impl_->metric = metric;
  impl_->dimensions = dimensions;
  impl_->space = make_space(metric, dimensions);
  impl_->graph = std::make_unique<Hnsw>(impl_->space.get(), std::max<size_t>(capacity, 16), params.m,
                                        params.ef_construction);
}

std::unique_ptr<AnnIndex> AnnIndex::build(Metric metric, size_t dimensions, AnnParams params,
                                          const std::vector<std::pair<int64_t, std::vector<float>>>& items,
                                          size_t threads) {
  auto index = std::make_unique<AnnIndex>(metric, dimensions, params, items.size() + items.size() / 8);
  Impl& impl = *index->impl_;
  // hnswlib's addPoint is safe to call concurrently for distinct labels; the first point goes in alone so the
  // others have an entry point.
  if (items.empty()) return index;
  impl.insert(items[0].first, items[0].second);
  threads = std::clamp<size_t>(threads, 1, 64);
  std::atomic<size_t> next{1};
  auto worker = [&] {
    for (size_t i = next++; i < items.size(); i = next++) impl.insert(items[i].first, items[i].second);
  };
  if (threads == 1 || items.size() < 1000) {
    worker();
  } else {
    std::vector<std::jthread> pool;
    for (size_t t = 0; t < threads; ++t) pool.emplace_back(worker);
  }
  return index;
}

void AnnIndex::add(int64_t label, std::span<const float> vector) {
  Hnsw& g = *impl_->graph;
  const bool known = g.label_lookup_.count(static_cast<hnswlib::labeltype>(label)) != 0;
  if (!known && g.cur_element_count >= g.max_elements_) g.resizeIndex(g.max_elements_ * 2);
  impl_->insert(label, vector);
}

bool AnnIndex::remove(int64_t label) {
  Hnsw& g = *impl_->graph;
  auto it = g.label_lookup_.find(static_cast<hnswlib::labeltype>(label));
  if (it == g.label_lookup_.end() || g.isMarkedDeleted(it->second)) return false;
  g.markDelete(static_cast<hnswlib::labeltype>(label));
  return true;
}

std::vector<std::pair<int64_t, float>> AnnIndex::search(std::span<const float> query, size_t k,
                                                        size_t ef) const {
  std::vector<std::pair<int64_t, float>> out;
  if (k == 0 || live() == 0) return out;
  const auto q = impl_->prepare(query);
  impl_->graph->setEf(std::max(ef, k));
  auto heap = impl_->graph->searchKnn(q.data(), k);  // farthest on top
  out.resize(heap.size());
  for (size_t i = heap.size(); i-- > 0;) {
    out[i] = {static_cast<int64_t>(heap.top().second), heap.top().first};
    heap.pop();
  }
  return out;
}

size_t AnnIndex::live() const {
  return impl_->graph->cur_element_count - impl_->graph->num_deleted_;
}
size_t AnnIndex::deleted() const {
  return impl_->graph->num_deleted_;
}

void AnnIndex::save(const std::string& file, AnnStamp stamp) const {
  const std::string tmp = file + ".tmp";
  const std::string meta_file = file + ".meta";
  const std::string meta_tmp = meta_file + ".tmp";
  std::error_code ec;
  try {
    impl_->graph->saveIndex(tmp);
  } catch (const std::exception& e) {
    throw IoError("cannot write index '" + tmp + "': " + e.what());
  }
  const auto size = fs::file_size(tmp, ec);
  if (ec || size != expected_file_size(*impl_->graph)) {
    fs::remove(tmp, ec);
    throw IoError("cannot write index '" + tmp + "': short write");
  }
  const auto sum = checksum(tmp);
  if (!sum) throw IoError("cannot read back index '" + tmp + "'");
  Meta meta{};
  std::memcpy(meta.magic, kMagic, sizeof kMagic);
  meta.version = kVersion;
  meta.metric = static_cast<uint32_t>(impl_->metric);
  meta.dimensions = impl_->dimensions;
  meta.identity = stamp.identity;
  meta.generation = stamp.generation;
  meta.file_size = size;
  meta.checksum = *sum;
  {
    std::ofstream out(meta_tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(&meta), sizeof meta);
    out.close();
    if (!out) throw IoError("cannot write '" + meta_tmp + "'");
  }
  // The graph first, then its header: a crash in between leaves a header whose checksum no longer matches.
  fs::rename(tmp, file, ec);
  if (!ec) fs::rename(meta_tmp, meta_file, ec);
  if (ec) throw IoError("cannot replace index '" + file + "': " + ec.message());
}

std::unique_ptr<AnnIndex> AnnIndex::load(const std::string& file, Metric metric, size_t dimensions,
                                         AnnStamp stamp) {
  Meta meta{};
  {
    std::ifstream in(file + ".meta", std::ios::binary);
    if (!in) return nullptr;
    in.read(reinterpret_cast<char*>(&meta), sizeof meta);
    if (in.gcount() != sizeof meta) return nullptr;
  }
  if (std::memcmp(meta.magic, kMagic, sizeof kMagic) != 0 || meta.version != kVersion ||
      meta.metric != static_cast<uint32_t>(metric) || meta.dimensions != dimensions ||
      meta.identity != stamp.identity || meta.generation != stamp.generation)
    return nullptr;
  std::error_code ec;
  if (fs::file_size(file, ec) != meta.file_size || ec) return nullptr;
  const auto sum = checksum(file);
  if (!sum || *sum != meta.checksum) return nullptr;
  auto impl = std::make_unique<Impl>();
  impl->metric = metric;
  impl->dimensions = dimensions;
  impl->space = make_space(metric, dimensions);
  try {
    impl->graph = std::make_unique<Hnsw>(impl->space.get(), file);
  } catch (const std::exception&) {
    return nullptr;
  }
  if (impl->graph->data_size_ != dimensions * sizeof(float)) return nullptr;
  // hnswlib 0.6.2's loading constructor never zeroes num_deleted_ before counting deleted nodes into it, so
  // the count starts from whatever the allocation held; count again from the graph itself.
  Hnsw& g = *impl->graph;
  g.num_deleted_ = 0;
  for (size_t i = 0; i < g.cur_element_count; ++i)
    if (g.isMarkedDeleted(static_cast<hnswlib::tableint>(i))) ++g.num_deleted_;
  return std::unique_ptr<AnnIndex>(new AnnIndex(std::move(impl)));
}

}  // namespace alith::store::sqlite
