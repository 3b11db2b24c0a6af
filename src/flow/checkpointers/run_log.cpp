// The run log's file format, its writer and the replay of what dead writers left (run_log.h).

#include "flow/checkpointers/run_log.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include "alith/core/json.h"
#include "core/unique_fd.h"

namespace alith::flow::detail {

static_assert(std::endian::native == std::endian::little, "the run log stores integers little-endian");

namespace {

constexpr char kMagic[12] = {'A', 'L', 'I', 'T', 'H', 'R', 'U', 'N', 'L', 'O', 'G', '\0'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderBytes = 64;
constexpr size_t kRecordHeaderBytes = 16;
constexpr uint32_t kMarker = 0x21434552;  // "REC!"
constexpr uint32_t kPending = 0, kSettled = 1;
constexpr uint8_t kCheckpointRecord = 1, kWritesRecord = 2;

std::string errno_text() {
  return std::strerror(errno);
}

size_t align8(size_t n) {
  return (n + 7) & ~size_t{7};
}

uint32_t crc_of(const void* data, size_t n) {
  uLong crc = crc32(0L, Z_NULL, 0);
  const auto* p = static_cast<const Bytef*>(data);
  while (n > 0) {  // zlib takes uInt lengths
    const uInt chunk = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    crc = crc32(crc, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return static_cast<uint32_t>(crc);
}

// --- encoding ---------------------------------------------------------------------------------------------

void put_u8(std::string& out, uint8_t v) {
  out.push_back(static_cast<char>(v));
}
void put_u32(std::string& out, uint32_t v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}
void put_str(std::string& out, std::string_view s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

uint8_t kind_code(TaskWrite::Kind kind) {
  return static_cast<uint8_t>(kind);
}

std::optional<TaskWrite::Kind> kind_of(uint8_t code) {
  for (auto kind : {TaskWrite::Kind::update, TaskWrite::Kind::interrupt, TaskWrite::Kind::resume}) {
    if (kind_code(kind) == code) return kind;
  }
  return std::nullopt;
}

// --- decoding ---------------------------------------------------------------------------------------------

class Reader {
 public:
  explicit Reader(std::span<const std::byte> bytes) : bytes_(bytes) {}
  bool u8(uint8_t& v) {
    if (bytes_.size() - pos_ < 1) return false;
    v = static_cast<uint8_t>(bytes_[pos_++]);
    return true;
  }
  bool u32(uint32_t& v) {
    if (bytes_.size() - pos_ < sizeof v) return false;
    std::memcpy(&v, bytes_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return true;
  }
  bool str(std::string_view& s) {
    uint32_t n = 0;
    if (!u32(n) || bytes_.size() - pos_ < n) return false;
    s = std::string_view(reinterpret_cast<const char*>(bytes_.data() + pos_), n);
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ == bytes_.size(); }

 private:
  std::span<const std::byte> bytes_;
  size_t pos_ = 0;
};

bool decode_payload(std::span<const std::byte> payload, LoggedRecord& record) {
  Reader in(payload);
  uint8_t type = 0;
  if (!in.u8(type)) return false;
  if (type == kCheckpointRecord) {
    record.is_checkpoint = true;
    if (!in.str(record.thread_id) || !in.str(record.checkpoint_id) || !in.str(record.parent_id) ||
        !in.str(record.document)) {
      return false;
    }
  } else if (type == kWritesRecord) {
    uint32_t count = 0;
    if (!in.str(record.thread_id) || !in.str(record.checkpoint_id) || !in.u32(count)) return false;
    // Each write takes at least 9 bytes: a count beyond what is left is malformed, not a reason to reserve.
    if (count > payload.size() / 9) return false;
    record.writes.resize(count);
    for (auto& w : record.writes) {
      uint8_t kind = 0;
      if (!in.str(w.task_id) || !in.u8(kind) || !in.str(w.value)) return false;
      auto k = kind_of(kind);
      if (!k) return false;
      w.kind = *k;
    }
  } else {
    return false;
  }
  return in.done();
}

uint32_t load_u32(const std::byte* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

Result<std::vector<LoggedRecord>> parse_run_log(std::span<const std::byte> bytes) {
  // A segment whose writer was killed before it wrote the header: no records.
  const auto head = bytes.first(std::min(bytes.size(), sizeof kMagic));
  if (std::all_of(head.begin(), head.end(), [](std::byte b) { return b == std::byte{0}; })) {
    return std::vector<LoggedRecord>{};
  }
  if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return make_error(ErrorCode::parse, "run log: not a run log file (bad header)", 0);
  }
  if (const uint32_t version = load_u32(bytes.data() + sizeof kMagic); version != kVersion) {
    return make_error(ErrorCode::parse, "run log: unsupported version " + std::to_string(version), 12);
  }
  std::vector<LoggedRecord> records;
  size_t offset = kHeaderBytes;
  while (bytes.size() - offset >= kRecordHeaderBytes) {
    const std::byte* head = bytes.data() + offset;
    const uint32_t length = load_u32(head), crc = load_u32(head + 4), state = load_u32(head + 8),
                   marker = load_u32(head + 12);
    // A record the writer did not finish, or the zeros after the last one: the end.
    if (marker != kMarker || length > bytes.size() - offset - kRecordHeaderBytes) break;
    const auto payload = bytes.subspan(offset + kRecordHeaderBytes, length);
    if (crc_of(payload.data(), payload.size()) != crc) break;
    LoggedRecord record;
    if (!decode_payload(payload, record)) {
      return make_error(
          ErrorCode::parse,
          "run log: the record at offset " + std::to_string(offset) + " is whole but does not decode",
          offset);
    }
    record.settled = state == kSettled;
    records.push_back(std::move(record));
    offset += align8(kRecordHeaderBytes + length);
    if (offset > bytes.size()) break;
  }
  return records;
}

// --- the writer -------------------------------------------------------------------------------------------

// One segment file: created, locked and mapped for the writer's lifetime.
class MappedRunLog::Segment {
 public:
  Segment(std::string dir, std::string name, size_t bytes)
      : path_(std::move(dir) + "/" + name), name_(std::move(name)), size_(bytes) {
    fd_ = Fd(::open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd_.valid()) throw IoError("run log: cannot create " + path_ + ": " + errno_text());
    try {
      // The lock says "my writer is alive" to replay; it goes with the process. Replay may have taken the
      // empty file for a dead writer's between our create and our lock, and removed it: then a new name.
      struct stat st {};
      if (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0 || ::fstat(fd_.get(), &st) != 0 || st.st_nlink == 0) {
        throw IoError("run log: cannot lock " + path_);
      }
      if (::ftruncate(fd_.get(), static_cast<off_t>(size_)) != 0) {
        throw IoError("run log: cannot size " + path_ + ": " + errno_text());
      }
      void* map = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_.get(), 0);
      if (map == MAP_FAILED) throw IoError("run log: cannot map " + path_ + ": " + errno_text());
      data_ = static_cast<std::byte*>(map);
    } catch (...) {
      ::unlink(path_.c_str());
      throw;
    }
    std::memcpy(data_, kMagic, sizeof kMagic);
    std::memcpy(data_ + sizeof kMagic, &kVersion, sizeof kVersion);
  }
  ~Segment() {
    if (data_) ::munmap(data_, size_);
  }
  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;

  bool fits(size_t record_bytes) const { return record_bytes <= size_ - tail_; }
  // Writes a record at the tail; returns its offset.
  size_t write(const std::string& payload, uint32_t crc) {
    const size_t offset = tail_;
    std::byte* head = data_ + offset;
    const auto length = static_cast<uint32_t>(payload.size());
    std::memcpy(head, &length, 4);
    std::memcpy(head + 4, &crc, 4);
    std::memcpy(head + 8, &kPending, 4);
    std::memcpy(head + kRecordHeaderBytes, payload.data(), payload.size());
    // Last, and after everything above: a record with its marker is whole.
    std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(head + 12))
        .store(kMarker, std::memory_order_release);
    tail_ += align8(kRecordHeaderBytes + payload.size());
    ++unsettled_;
    return offset;
  }
  void settle(size_t offset) {
    std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(data_ + offset + 8))
        .store(kSettled, std::memory_order_relaxed);
    --unsettled_;
  }
  // The record this log wrote at offset (pending: nothing else writes it now).
  LoggedRecord record_at(size_t offset) const {
    const std::byte* head = data_ + offset;
    LoggedRecord record;
    if (!decode_payload({head + kRecordHeaderBytes, load_u32(head)}, record)) {
      throw ParseError("run log: " + path_ + " lost its record at offset " + std::to_string(offset), offset);
    }
    return record;
  }
  void remove_file() const { ::unlink(path_.c_str()); }

  const std::string& name() const { return name_; }
  size_t unsettled() const { return unsettled_; }
  bool full = false;  // no longer appended to

 private:
  std::string path_, name_;
  size_t size_;
  Fd fd_;
  std::byte* data_ = nullptr;
  size_t tail_ = kHeaderBytes;
  size_t unsettled_ = 0;
};

MappedRunLog::MappedRunLog(std::string dir, StoreRecords store, size_t segment_bytes)
    : dir_(std::move(dir)), store_(std::move(store)), segment_bytes_(std::max<size_t>(segment_bytes, 4096)) {
  if (segment_bytes_ >= (size_t{1} << 32)) throw InvalidArgumentError("run log: segments stay below 4 GiB");
  std::random_device seed;
  char nonce[40];
  std::snprintf(nonce, sizeof nonce, "%d-%08x%08x", static_cast<int>(::getpid()), seed(), seed());
  nonce_ = nonce;
  std::lock_guard lock(mu_);
  open_segment();
}

MappedRunLog::~MappedRunLog() {
  std::lock_guard lock(mu_);
  for (auto& [sequence, segment] : segments_) {
    if (segment->unsettled() == 0) segment->remove_file();
  }
  segments_.clear();
  ::rmdir(dir_.c_str());  // only when no other writer has a segment there
}

void MappedRunLog::open_segment() {
  // Another writer's destructor may remove the folder between our mkdir and our create, and a replay may
  // take a segment we just created: try again, under the next name.
  for (int attempt = 0;; ++attempt) {
    if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) {
      throw IoError("run log: cannot make " + dir_ + ": " + errno_text());
    }
    char name[96];
    std::snprintf(name, sizeof name, "%s-%08u.log", nonce_.c_str(), next_sequence_);
    try {
      auto segment = std::make_unique<Segment>(dir_, name, segment_bytes_);
      segments_.emplace(next_sequence_++, std::move(segment));
      return;
    } catch (const IoError&) {
      ++next_sequence_;
      if (attempt == 2) throw;
    }
  }
}

std::optional<uint64_t> MappedRunLog::append(const Checkpoint& checkpoint) {
  std::string payload;
  const std::string document = checkpoint_document(checkpoint);
  payload.reserve(20 + checkpoint.thread_id.size() + checkpoint.id.size() + checkpoint.parent_id.size() +
                  document.size());
  put_u8(payload, kCheckpointRecord);
  put_str(payload, checkpoint.thread_id);
  put_str(payload, checkpoint.id);
  put_str(payload, checkpoint.parent_id);
  put_str(payload, document);
  return append_payload(payload);
}

std::optional<uint64_t> MappedRunLog::append(const std::string& thread_id, const std::string& checkpoint_id,
                                             const std::vector<TaskWrite>& writes) {
  std::string payload;
  put_u8(payload, kWritesRecord);
  put_str(payload, thread_id);
  put_str(payload, checkpoint_id);
  put_u32(payload, static_cast<uint32_t>(writes.size()));
  for (const auto& w : writes) {
    put_str(payload, w.task_id);
    put_u8(payload, kind_code(w.kind));
    put_str(payload, dump_json(w.value));
  }
  return append_payload(payload);
}

std::optional<uint64_t> MappedRunLog::append_payload(const std::string& payload) {
  const size_t bytes = align8(kRecordHeaderBytes + payload.size());
  if (bytes > segment_bytes_ - kHeaderBytes) return std::nullopt;
  const uint32_t crc = crc_of(payload.data(), payload.size());
  std::lock_guard lock(mu_);
  auto active = std::prev(segments_.end());
  if (!active->second->fits(bytes)) {
    active->second->full = true;
    if (active->second->unsettled() == 0) {
      active->second->remove_file();
      segments_.erase(active);
    }
    open_segment();
    active = std::prev(segments_.end());
  }
  const size_t offset = active->second->write(payload, crc);
  return (static_cast<uint64_t>(active->first) << 32) | offset;
}

void MappedRunLog::store(const std::vector<uint64_t>& tickets) {
  if (tickets.empty()) return;
  std::vector<std::pair<const Segment*, size_t>> places;
  places.reserve(tickets.size());
  {
    std::lock_guard lock(mu_);
    for (const uint64_t ticket : tickets) {
      auto it = segments_.find(static_cast<uint32_t>(ticket >> 32));
      if (it == segments_.end()) throw InvalidArgumentError("run log: an unknown or stored ticket");
      places.emplace_back(it->second.get(), static_cast<size_t>(ticket & 0xffffffffu));
    }
  }
  // Outside the lock: a segment with pending records stays mapped, and nobody else writes those records.
  std::vector<LoggedRecord> records;
  records.reserve(places.size());
  for (const auto& [segment, offset] : places) records.push_back(segment->record_at(offset));
  store_(records);
  std::lock_guard lock(mu_);
  for (const uint64_t ticket : tickets) {
    auto it = segments_.find(static_cast<uint32_t>(ticket >> 32));
    it->second->settle(static_cast<size_t>(ticket & 0xffffffffu));
    if (it->second->full && it->second->unsettled() == 0) {
      it->second->remove_file();
      segments_.erase(it);
    }
  }
}

bool MappedRunLog::owns(const std::string& file_name) const {
  std::lock_guard lock(mu_);
  return std::any_of(segments_.begin(), segments_.end(),
                     [&](const auto& entry) { return entry.second->name() == file_name; });
}

// --- replay -----------------------------------------------------------------------------------------------

size_t replay_orphan_run_logs(const std::string& dir, const MappedRunLog* own, const StoreRecords& store) {
  std::vector<std::string> names;
  {
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), &::closedir);
    if (!d) return 0;  // no folder: no run log was ever kept here
    while (const dirent* entry = ::readdir(d.get())) {
      const std::string name = entry->d_name;
      if (name.size() > 4 && name.ends_with(".log") && !(own && own->owns(name))) names.push_back(name);
    }
  }
  // A writer's segments in the order it wrote them (its names differ only in the zero-padded sequence).
  std::sort(names.begin(), names.end());
  size_t replayed = 0;
  for (const auto& name : names) {
    const std::string path = dir + "/" + name;
    Fd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid()) continue;  // replayed and removed by someone else meanwhile
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;  // its writer is alive
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || st.st_nlink == 0 || !S_ISREG(st.st_mode))
      continue;  // already replayed
    if (st.st_size > (off_t{1} << 32)) throw ParseError("run log: " + path + " is larger than any segment");
    std::vector<std::byte> bytes(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < bytes.size()) {
      const ssize_t n = ::pread(fd.get(), bytes.data() + got, bytes.size() - got, static_cast<off_t>(got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw IoError("run log: cannot read " + path + ": " + errno_text());
      got += static_cast<size_t>(n);
    }
    auto records = parse_run_log(bytes);
    if (!records) throw ParseError(path + ": " + records.error().message, records.error().offset);
    std::erase_if(*records, [](const LoggedRecord& r) { return r.settled; });
    if (!records->empty()) store(*records);
    replayed += records->size();
    ::unlink(path.c_str());  // under the lock: nobody replays it twice
  }
  return replayed;
}

}  // namespace alith::flow::detail
