#include "http_pool.h"

#include "alith/core/error.h"

namespace alith::http::detail {

namespace {
void global_init() {
  // curl_global_init is not thread-safe on older libcurl; a function-local static runs it exactly once.
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK) throw IoError(std::string("curl_global_init failed: ") + curl_easy_strerror(rc));
}
}  // namespace

HandlePool::HandlePool(size_t max_idle) : max_idle_(max_idle) {
  global_init();
  share_ = curl_share_init();
  if (!share_) throw IoError("curl_share_init failed");
  curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &HandlePool::lock);
  curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &HandlePool::unlock);
  curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

HandlePool::~HandlePool() {
  // Every easy handle must be gone before the share they point at.
  idle_.clear();
  curl_share_cleanup(share_);
}

std::unique_ptr<Handle> HandlePool::acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto h = std::move(idle_.back());
      idle_.pop_back();
      curl_easy_reset(h->easy.get());
      return h;
    }
  }
  auto h = std::make_unique<Handle>();
  h->easy.reset(curl_easy_init());
  h->multi.reset(curl_multi_init());
  if (!h->easy || !h->multi) throw IoError("curl handle allocation failed");
  curl_multi_setopt(h->multi.get(), CURLMOPT_MAXCONNECTS, 4L);
  return h;
}

void HandlePool::release(std::unique_ptr<Handle> handle) {
  std::lock_guard lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(handle));
}

void HandlePool::lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
  static_cast<HandlePool*>(self)->share_locks_[static_cast<size_t>(data)].lock();
}

void HandlePool::unlock(CURL*, curl_lock_data data, void* self) {
  static_cast<HandlePool*>(self)->share_locks_[static_cast<size_t>(data)].unlock();
}

}  // namespace alith::http::detail
