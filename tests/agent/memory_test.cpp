// Memories: windows never separate an assistant tool call from its results, nor start with a tool result.

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "alith/agent/memory.h"

namespace alith::agent {
namespace {

using llm::Message;
using llm::Role;

Message call_msg(int n_calls, const std::string& tag) {
  std::vector<llm::ToolCall> calls;
  for (int i = 0; i < n_calls; ++i) {
    llm::ToolCall c;
    c.id = tag + "_" + std::to_string(i);
    c.name = "t";
    c.raw_arguments = "{}";
    calls.push_back(c);
  }
  return Message::assistant("", calls);
}

std::vector<Message> tool_turn(const std::string& tag, int n_calls) {
  std::vector<Message> out{Message::user("q " + tag), call_msg(n_calls, tag)};
  for (int i = 0; i < n_calls; ++i)
    out.push_back(Message::tool_result(tag + "_" + std::to_string(i), "t", "r"));
  out.push_back(Message::assistant("a " + tag));
  return out;
}

// Every tool result's call is present earlier in the window, and every call has all its results.
void expect_consistent(const std::vector<Message>& window) {
  if (!window.empty()) {
    EXPECT_NE(window.front().role, Role::tool);
  }
  for (size_t i = 0; i < window.size(); ++i) {
    if (window[i].role == Role::tool) {
      bool found = false;
      for (size_t j = 0; j < i && !found; ++j) {
        for (const auto& c : window[j].tool_calls) found |= c.id == window[i].tool_call_id;
      }
      EXPECT_TRUE(found) << "orphan tool result " << window[i].tool_call_id;
    }
    for (const auto& c : window[i].tool_calls) {
      bool answered = false;
      for (size_t j = i + 1; j < window.size(); ++j) answered |= window[j].tool_call_id == c.id;
      EXPECT_TRUE(answered) << "call without result " << c.id;
    }
  }
}

TEST(BufferMemory, KeepsEverything) {
  BufferMemory m;
  for (int i = 0; i < 100; ++i) m.append(Message::user(std::to_string(i)));
  EXPECT_EQ(m.messages().size(), 100u);
  m.clear();
  EXPECT_TRUE(m.messages().empty());
}

TEST(WindowMemory, KeepsTheLastMessages) {
  WindowMemory m(4);
  for (int i = 0; i < 10; ++i) {
    m.append(Message::user("u" + std::to_string(i)));
    m.append(Message::assistant("a" + std::to_string(i)));
  }
  auto w = m.messages();
  ASSERT_EQ(w.size(), 4u);
  EXPECT_EQ(w[0].text(), "u8");
  EXPECT_EQ(w[3].text(), "a9");
}

TEST(WindowMemory, NeverSplitsAToolCallFromItsResults) {
  WindowMemory m(5);
  auto turn = tool_turn("x", 3);  // user, assistant(3 calls), 3 tool results, answer = 6 messages
  m.append_all(turn);
  auto w = m.messages();
  // The last five would start with the call message but cut the user turn... keeping 5 from the end
  // gives [call, r, r, r, answer], which is consistent.
  expect_consistent(w);
  EXPECT_LE(w.size(), 5u);
  EXPECT_EQ(w.back().text(), "a x");

  WindowMemory small(3);
  small.append_all(turn);
  auto s = small.messages();
  expect_consistent(s);  // [r, r, answer] would orphan results: only the answer is kept
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].text(), "a x");
}

TEST(WindowMemory, PrefersToStartAtAUserMessage) {
  WindowMemory m(3);
  m.append(Message::user("u1"));
  m.append(Message::assistant("a1"));
  m.append(Message::user("u2"));
  m.append(Message::assistant("a2"));
  auto w = m.messages();
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].text(), "u2");
}

TEST(WindowMemory, DropsALeadingOrphanEvenWithoutOverflow) {
  WindowMemory m(10);
  m.append(Message::tool_result("c", "t", "r"));
  EXPECT_TRUE(m.messages().empty());
}

TEST(WindowMemory, RandomHistoriesStayConsistent) {
  std::mt19937 rng(42);
  for (size_t window = 1; window <= 12; ++window) {
    WindowMemory m(window);
    for (int turn = 0; turn < 30; ++turn) {
      const int calls = static_cast<int>(rng() % 4);
      auto msgs = calls ? tool_turn(std::to_string(turn), calls)
                        : std::vector<Message>{Message::user("u"), Message::assistant("a")};
      if (rng() % 2) {
        m.append_all(msgs);
      } else {
        for (const auto& one : msgs) m.append(one);  // message by message, trimmed each time
      }
      auto w = m.messages();
      EXPECT_LE(w.size(), window);
      // Appending one by one may leave a call whose results are still to come at the tail: check only
      // complete histories (after the turn's last message).
      expect_consistent(w);
    }
  }
}

TEST(TokenWindowMemory, KeepsWithinBudget) {
  // Each message costs its text length.
  TokenWindowMemory m(10, [](const Message& msg) { return msg.text().size(); });
  m.append(Message::user("aaaa"));       // 4
  m.append(Message::assistant("bbbb"));  // 8
  m.append(Message::user("cccc"));       // 12 > 10: drop to a user start
  auto w = m.messages();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].text(), "cccc");
  EXPECT_EQ(m.tokens(), 4u);
  m.append(Message::assistant("dd"));
  EXPECT_EQ(m.messages().size(), 2u);
  EXPECT_EQ(m.tokens(), 6u);
  m.clear();
  EXPECT_EQ(m.tokens(), 0u);
}

TEST(TokenWindowMemory, NeverSplitsToolGroups) {
  std::mt19937 rng(3);
  for (size_t budget : {5u, 20u, 40u, 80u, 200u}) {
    TokenWindowMemory m(budget);
    for (int turn = 0; turn < 20; ++turn) {
      const int calls = static_cast<int>(rng() % 3);
      m.append_all(calls ? tool_turn(std::to_string(turn), calls)
                         : std::vector<Message>{Message::user("hello there"), Message::assistant("hi")});
      auto w = m.messages();
      expect_consistent(w);
      size_t total = 0;
      for (const auto& msg : w) total += approx_tokens(msg);
      EXPECT_LE(total, budget);
      EXPECT_EQ(total, m.tokens());
    }
  }
}

TEST(ApproxTokens, Heuristic) {
  EXPECT_EQ(approx_tokens(Message::user("")), 4u);
  EXPECT_EQ(approx_tokens(Message::user(std::string(40, 'x'))), 14u);
  EXPECT_EQ(approx_tokens(Message::user(std::string(41, 'x'))), 15u);
  Message with_image = Message::user("");
  with_image.content.push_back(llm::ContentPart::make_image_url("https://x/y.png"));
  EXPECT_EQ(approx_tokens(with_image), 89u);
  Message call = call_msg(1, "id");  // "id_0" + "t" + "{}" = 7 chars
  EXPECT_EQ(approx_tokens(call), 6u);
}

TEST(WindowMemory, ConcurrentAppendsAreSafe) {
  WindowMemory m(50);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < 200; ++i) {
        m.append(Message::user("x"));
        (void)m.messages();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(m.messages().size(), 50u);
}

}  // namespace
}  // namespace alith::agent
