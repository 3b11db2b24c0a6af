#include "alith/core/http.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <exception>

#include "http_pool.h"

namespace alith::http {

namespace {

// How often a transfer wakes to look at its CancelToken when no data arrives.
constexpr int kCancelPollMs = 25;

char lower_ascii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower_ascii(x) == lower_ascii(y); });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// The URL without credentials, query or fragment: error messages must not leak keys passed in the URL.
std::string url_for_message(const std::string& url) {
  std::string out = url.substr(0, std::min(url.find('?'), url.find('#')));
  const size_t scheme = out.find("://");
  const size_t host = scheme == std::string::npos ? 0 : scheme + 3;
  const size_t at = out.find('@', host);
  if (at != std::string::npos && at < out.find('/', host)) out.erase(host, at + 1 - host);
  return out;
}

using Clock = std::chrono::steady_clock;

struct Transfer {
  const BodyHandler* on_body = nullptr;            // null: collect every body
  Clock::time_point last_activity = Clock::now();  // the last byte received or sent
  curl_off_t uploaded = 0;
  size_t max_bytes = 0;
  size_t received = 0;
  bool head = false;  // a HEAD response announces a length it never sends
  Response response;
  bool too_large = false;
  std::exception_ptr handler_error;

  bool streaming_now() const { return on_body && response.ok(); }
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const size_t n = size * count;
  t.last_activity = Clock::now();
  const std::string_view line = trim(std::string_view(data, n));
  if (line.starts_with("HTTP/")) {
    // A new status line (after 100-continue or a redirect): only the final response's headers count.
    t.response.headers.clear();
    const size_t sp = line.find(' ');
    t.response.status =
        sp == std::string_view::npos ? 0 : std::atoi(std::string(line.substr(sp + 1, 3)).c_str());
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(trim(line.substr(0, colon)));
  std::transform(name.begin(), name.end(), name.begin(), lower_ascii);
  std::string value(trim(line.substr(colon + 1)));
  if (name == "content-length" && !t.head) {
    // Refuse an oversized body before reading it.
    const unsigned long long length = std::strtoull(value.c_str(), nullptr, 10);
    if (length > t.max_bytes) {
      t.too_large = true;
      return 0;
    }
  }
  t.response.headers.emplace_back(std::move(name), std::move(value));
  return n;
}

size_t on_write(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const size_t n = size * count;
  t.last_activity = Clock::now();
  if (n > t.max_bytes - t.received) {
    t.too_large = true;
    return CURL_WRITEFUNC_ERROR;
  }
  t.received += n;
  if (!t.streaming_now()) {
    t.response.body.append(data, n);
    return n;
  }
  try {
    (*t.on_body)(std::string_view(data, n));
    t.last_activity = Clock::now();  // time spent in the handler is not the peer being idle
  } catch (...) {
    t.handler_error = std::current_exception();
    return CURL_WRITEFUNC_ERROR;
  }
  return n;
}

// Progress of a request body counts as activity for the idle timeout.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t ulnow) {
  auto& t = *static_cast<Transfer*>(user);
  if (ulnow != t.uploaded) {
    t.uploaded = ulnow;
    t.last_activity = Clock::now();
  }
  return 0;
}

void check_header_text(std::string_view s) {
  if (s.find_first_of("\r\n", 0) != std::string_view::npos || s.find('\0') != std::string_view::npos)
    throw InvalidArgumentError("HTTP header names and values must not contain CR, LF or NUL");
}

detail::SlistPtr build_headers(const Request& request) {
  detail::SlistPtr list;
  auto append = [&list](const std::string& line) {
    curl_slist* next = curl_slist_append(list.get(), line.c_str());
    if (!next) throw IoError("out of memory building HTTP headers");
    (void)list.release();
    list.reset(next);
  };
  // No "Expect: 100-continue" round trip before large bodies.
  append("Expect:");
  for (const auto& [name, value] : request.headers) {
    check_header_text(name);
    check_header_text(value);
    // curl drops "Name:" (empty value) unless written as "Name;".
    append(value.empty() ? name + ";" : name + ": " + value);
  }
  return list;
}

template <class T>
void setopt(CURL* easy, CURLoption option, T value) {
  // Options set here are all supported by the libcurl we link; a failure means a bad value, e.g. a URL.
  if (const CURLcode rc = curl_easy_setopt(easy, option, value); rc != CURLE_OK)
    throw InvalidArgumentError(std::string("invalid HTTP request option: ") + curl_easy_strerror(rc));
}

void configure(CURL* easy, CURLSH* share, const Options& opt, const Request& request, curl_slist* headers,
               Transfer& transfer, char* error_buffer) {
  setopt(easy, CURLOPT_URL, request.url.c_str());
  setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  setopt(easy, CURLOPT_NOSIGNAL, 1L);
  setopt(easy, CURLOPT_SHARE, share);
  setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
  setopt(easy, CURLOPT_USERAGENT, opt.user_agent.c_str());
  setopt(easy, CURLOPT_HTTPHEADER, headers);
  setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);

  setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opt.connect_timeout.count()));
  setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.value_or(opt.timeout).count()));
  // The idle timeout is enforced by run(): curl's low-speed check averages over a window of seconds,
  // which would let a stalled stream live several seconds longer than asked.

  setopt(easy, CURLOPT_SSL_VERIFYPEER, opt.verify_tls ? 1L : 0L);
  setopt(easy, CURLOPT_SSL_VERIFYHOST, opt.verify_tls ? 2L : 0L);
  if (!opt.ca_bundle.empty()) setopt(easy, CURLOPT_CAINFO, opt.ca_bundle.c_str());

  if (request.method == "GET" && request.body.empty()) {
    setopt(easy, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    setopt(easy, CURLOPT_NOBODY, 1L);
  } else {
    if (!request.body.empty() || request.method == "POST") {
      setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
    }
    if (request.method != "POST") setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
  setopt(easy, CURLOPT_HEADERDATA, &transfer);
  setopt(easy, CURLOPT_WRITEFUNCTION, &on_write);
  setopt(easy, CURLOPT_WRITEDATA, &transfer);
  setopt(easy, CURLOPT_XFERINFOFUNCTION, &on_progress);
  setopt(easy, CURLOPT_XFERINFODATA, &transfer);
  setopt(easy, CURLOPT_NOPROGRESS, 0L);
}

enum class Stop { none, cancelled, idle };

// Runs the transfer on the entry's multi handle, waking regularly to honour the CancelToken and the idle
// timeout. Returns the transfer's CURLcode; stop says when the transfer was abandoned for one of those.
CURLcode run(detail::Handle& h, const Transfer& transfer, Clock::duration idle_timeout,
             const CancelToken& cancel, Stop& stop) {
  CURLM* multi = h.multi.get();
  CURL* easy = h.easy.get();
  if (curl_multi_add_handle(multi, easy) != CURLM_OK) throw IoError("curl_multi_add_handle failed");
  CURLcode result = CURLE_OK;
  CURLMcode mc = CURLM_OK;
  for (;;) {
    int running = 0;
    mc = curl_multi_perform(multi, &running);
    if (mc != CURLM_OK || running == 0) break;
    if (cancel.cancelled()) {
      stop = Stop::cancelled;
      break;
    }
    if (Clock::now() - transfer.last_activity > idle_timeout) {
      stop = Stop::idle;
      break;
    }
    mc = curl_multi_poll(multi, nullptr, 0, kCancelPollMs, nullptr);
    if (mc != CURLM_OK) break;
  }
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &queued))
    if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy) result = msg->data.result;
  // Removing an unfinished transfer closes its connection, so a cancelled stream is never reused.
  curl_multi_remove_handle(multi, easy);
  if (mc != CURLM_OK && stop == Stop::none)
    throw IoError(std::string("curl multi error: ") + curl_multi_strerror(mc));
  return result;
}

Response perform(detail::HandlePool& pool, const Options& opt, const Request& request,
                 const BodyHandler* on_body, const CancelToken& cancel) {
  cancel.check();
  if (request.url.empty()) throw InvalidArgumentError("HTTP request without a URL");
  Transfer transfer;
  transfer.on_body = on_body;
  transfer.head = request.method == "HEAD";
  transfer.max_bytes = request.max_response_bytes.value_or(opt.max_response_bytes);
  detail::SlistPtr headers = build_headers(request);
  char error_buffer[CURL_ERROR_SIZE] = {0};

  auto handle = pool.acquire();
  configure(handle->easy.get(), pool.share(), opt, request, headers.get(), transfer, error_buffer);
  Stop stop = Stop::none;
  transfer.last_activity = Clock::now();
  const CURLcode rc = run(*handle, transfer, opt.idle_timeout, cancel, stop);
  // The error buffer and header list live on this stack frame: detach them before the handle is pooled.
  curl_easy_setopt(handle->easy.get(), CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(handle->easy.get(), CURLOPT_HTTPHEADER, nullptr);
  pool.release(std::move(handle));

  if (transfer.handler_error) std::rethrow_exception(transfer.handler_error);
  const std::string what = request.method + " " + url_for_message(request.url);
  if (stop == Stop::cancelled) throw CancelledError("HTTP request cancelled: " + what);
  if (stop == Stop::idle)
    throw TimeoutError("HTTP request idle for more than " + std::to_string(opt.idle_timeout.count()) +
                       " ms: " + what);
  if (transfer.too_large)
    throw TooLargeError("HTTP response larger than " + std::to_string(transfer.max_bytes) +
                        " bytes: " + what);
  if (rc != CURLE_OK) {
    const std::string detail =
        error_buffer[0] ? std::string(error_buffer) : std::string(curl_easy_strerror(rc));
    if (rc == CURLE_OPERATION_TIMEDOUT) throw TimeoutError("HTTP request timed out: " + what + ": " + detail);
    if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL)
      throw InvalidArgumentError("invalid HTTP request URL: " + what + ": " + detail);
    throw IoError("HTTP request failed: " + what + ": " + detail);
  }
  return std::move(transfer.response);
}

}  // namespace

std::optional<std::string> Response::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (iequals(n, name)) return v;
  return std::nullopt;
}

struct Client::Pool : detail::HandlePool {
  using detail::HandlePool::HandlePool;
};

Client::Client(Options options)
    : options_(std::move(options)), pool_(std::make_unique<Pool>(options_.max_idle_connections)) {}

Client::~Client() = default;

Response Client::send(const Request& request, const CancelToken& cancel) {
  return perform(*pool_, options_, request, nullptr, cancel);
}

Response Client::send_streaming(const Request& request, const BodyHandler& on_body,
                                const CancelToken& cancel) {
  return perform(*pool_, options_, request, &on_body, cancel);
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

}  // namespace alith::http
