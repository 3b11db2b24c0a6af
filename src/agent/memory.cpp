// Conversation memories. The windows cut only at turn-group boundaries (see alith/agent/memory.h).

#include "alith/agent/memory.h"

#include <algorithm>

namespace alith::agent {
namespace {

// The first index >= lower where the kept history may start: a user message if there is one, otherwise
// anything but a tool result; messages.size() (keep nothing) when neither exists.
size_t window_start(const std::deque<llm::Message>& messages, size_t lower) {
  for (size_t s = lower; s < messages.size(); ++s) {
    if (messages[s].role == llm::Role::user) return s;
  }
  for (size_t s = lower; s < messages.size(); ++s) {
    if (messages[s].role != llm::Role::tool) return s;
  }
  return messages.size();
}

size_t ceil_div4(size_t n) {
  return (n + 3) / 4;
}

}  // namespace

void BufferMemory::append(const llm::Message& message) {
  std::lock_guard lock(mu_);
  messages_.push_back(message);
}

void BufferMemory::append_all(std::span<const llm::Message> messages) {
  std::lock_guard lock(mu_);
  messages_.insert(messages_.end(), messages.begin(), messages.end());
}

std::vector<llm::Message> BufferMemory::messages() const {
  std::lock_guard lock(mu_);
  return messages_;
}

void BufferMemory::clear() {
  std::lock_guard lock(mu_);
  messages_.clear();
}

size_t approx_tokens(const llm::Message& message) {
  size_t chars = message.name.size() + message.tool_call_id.size();
  size_t images = 0;
  for (const auto& part : message.content) {
    if (part.kind == llm::ContentPart::Kind::text) {
      chars += part.text.size();
    } else {
      ++images;
    }
  }
  for (const auto& call : message.tool_calls) {
    chars += call.id.size() + call.name.size();
    // raw_arguments is what the model wrote; fall back to the parsed form when a call was built in code.
    chars += !call.raw_arguments.empty() ? call.raw_arguments.size() : dump_json(call.arguments).size();
  }
  return ceil_div4(chars) + 4 + 85 * images;
}

WindowMemory::WindowMemory(size_t max_messages) : max_messages_(max_messages) {}

void WindowMemory::append(const llm::Message& message) {
  std::lock_guard lock(mu_);
  messages_.push_back(message);
  trim();
}

void WindowMemory::append_all(std::span<const llm::Message> messages) {
  std::lock_guard lock(mu_);
  messages_.insert(messages_.end(), messages.begin(), messages.end());
  trim();
}

std::vector<llm::Message> WindowMemory::messages() const {
  std::lock_guard lock(mu_);
  return {messages_.begin(), messages_.end()};
}

void WindowMemory::clear() {
  std::lock_guard lock(mu_);
  messages_.clear();
}

void WindowMemory::trim() {
  const size_t lower = messages_.size() > max_messages_ ? messages_.size() - max_messages_ : 0;
  // Even without overflow, a history must not open with an orphaned tool result.
  if (lower == 0 && (messages_.empty() || messages_.front().role != llm::Role::tool)) return;
  const size_t start = window_start(messages_, lower);
  messages_.erase(messages_.begin(), messages_.begin() + static_cast<std::ptrdiff_t>(start));
}

TokenWindowMemory::TokenWindowMemory(size_t max_tokens, Counter counter)
    : max_tokens_(max_tokens), counter_(counter ? std::move(counter) : Counter(approx_tokens)) {}

void TokenWindowMemory::add(const llm::Message& message) {
  const size_t n = counter_(message);
  messages_.push_back(message);
  counts_.push_back(n);
  total_ += n;
}

void TokenWindowMemory::append(const llm::Message& message) {
  std::lock_guard lock(mu_);
  add(message);
  trim();
}

void TokenWindowMemory::append_all(std::span<const llm::Message> messages) {
  std::lock_guard lock(mu_);
  for (const auto& m : messages) add(m);
  trim();
}

std::vector<llm::Message> TokenWindowMemory::messages() const {
  std::lock_guard lock(mu_);
  return {messages_.begin(), messages_.end()};
}

void TokenWindowMemory::clear() {
  std::lock_guard lock(mu_);
  messages_.clear();
  counts_.clear();
  total_ = 0;
}

size_t TokenWindowMemory::tokens() const {
  std::lock_guard lock(mu_);
  return total_;
}

void TokenWindowMemory::trim() {
  size_t lower = 0;
  size_t kept = total_;
  while (lower < messages_.size() && kept > max_tokens_) kept -= counts_[lower++];
  if (lower == 0 && (messages_.empty() || messages_.front().role != llm::Role::tool)) return;
  const size_t start = window_start(messages_, lower);
  for (size_t i = 0; i < start; ++i) total_ -= counts_[i];
  messages_.erase(messages_.begin(), messages_.begin() + static_cast<std::ptrdiff_t>(start));
  counts_.erase(counts_.begin(), counts_.begin() + static_cast<std::ptrdiff_t>(start));
}

}  // namespace alith::agent
