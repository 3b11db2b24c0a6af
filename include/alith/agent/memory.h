#pragma once

// Conversation memory: the messages an agent puts before each new prompt. All implementations are
// thread-safe (one mutex each).
//
// Trimming windows keep whole "turn groups": an assistant message that calls tools is never kept without
// the tool results that follow it, and the kept history never starts with a tool result. To make that
// possible a window may keep fewer messages (or tokens) than its limit, possibly none. Where it can, a
// window starts at a user message (some providers reject a history that opens with an assistant turn).
// System messages get no special treatment: put instructions in the agent's preamble instead.

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <vector>

#include "alith/llm/message.h"

namespace alith::agent {

class Memory {
 public:
  virtual ~Memory() = default;
  virtual void append(const llm::Message& message) = 0;
  // Appends several messages at once; a window trims only after the last (so a run's tool-call group is
  // never judged half-written).
  virtual void append_all(std::span<const llm::Message> messages) = 0;
  virtual std::vector<llm::Message> messages() const = 0;
  virtual void clear() = 0;
};

// Keeps everything.
class BufferMemory final : public Memory {
 public:
  void append(const llm::Message& message) override;
  void append_all(std::span<const llm::Message> messages) override;
  std::vector<llm::Message> messages() const override;
  void clear() override;

 private:
  mutable std::mutex mu_;
  std::vector<llm::Message> messages_;
};

// An estimate of a message's tokens without a tokenizer: ceil(chars / 4) over its text, tool names, tool-call
// arguments and ids, plus 4 per message (role and framing) and 85 per image. English text averages about
// four characters per token with common BPE vocabularies; code and other languages run denser, so leave
// headroom when a hard context limit matters (or pass a real counter to TokenWindowMemory).
size_t approx_tokens(const llm::Message& message);

// Keeps the last max_messages messages, in whole turn groups (see the header comment).
class WindowMemory final : public Memory {
 public:
  explicit WindowMemory(size_t max_messages);
  void append(const llm::Message& message) override;
  void append_all(std::span<const llm::Message> messages) override;
  std::vector<llm::Message> messages() const override;
  void clear() override;

 private:
  void trim();
  mutable std::mutex mu_;
  size_t max_messages_;
  std::deque<llm::Message> messages_;
};

// Keeps the most recent messages whose counted tokens fit in max_tokens, in whole turn groups.
class TokenWindowMemory final : public Memory {
 public:
  using Counter = std::function<size_t(const llm::Message&)>;
  explicit TokenWindowMemory(size_t max_tokens, Counter counter = approx_tokens);
  void append(const llm::Message& message) override;
  void append_all(std::span<const llm::Message> messages) override;
  std::vector<llm::Message> messages() const override;
  void clear() override;
  size_t tokens() const;  // counted tokens currently kept

 private:
  void add(const llm::Message& message);
  void trim();
  mutable std::mutex mu_;
  size_t max_tokens_;
  Counter counter_;
  std::deque<llm::Message> messages_;
  std::deque<size_t> counts_;
  size_t total_ = 0;
};

}  // namespace alith::agent
