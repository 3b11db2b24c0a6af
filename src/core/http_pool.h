#pragma once

// Internal to core/http: the libcurl handles a Client reuses. Each pooled entry pairs an easy handle with its
// own multi handle; the multi handle owns the connection cache, so an entry taken from the pool reuses its
// kept-alive connections. DNS and TLS sessions are shared by all entries through one share handle (libcurl
// supports sharing those across threads; it does not support sharing connections between concurrent threads,
// hence the per-entry connection caches).

#include <curl/curl.h>

#include <array>
#include <memory>
#include <mutex>
#include <vector>

namespace alith::http::detail {

struct EasyDeleter {
  void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
};
struct MultiDeleter {
  void operator()(CURLM* h) const noexcept { curl_multi_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;
using MultiPtr = std::unique_ptr<CURLM, MultiDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

struct Handle {
  EasyPtr easy;
  MultiPtr multi;
};

class HandlePool {
 public:
  explicit HandlePool(size_t max_idle);
  ~HandlePool();
  HandlePool(const HandlePool&) = delete;
  HandlePool& operator=(const HandlePool&) = delete;

  // An idle handle (most recently used first, for the warmest connection) or a new one; easy options reset.
  std::unique_ptr<Handle> acquire();
  void release(std::unique_ptr<Handle> handle);
  CURLSH* share() const noexcept { return share_; }

 private:
  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self);
  static void unlock(CURL*, curl_lock_data data, void* self);

  size_t max_idle_;
  CURLSH* share_ = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Handle>> idle_;
};

}  // namespace alith::http::detail
