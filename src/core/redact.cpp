// Secret masking for log text. Hand-written scanners rather than std::regex: linear time on any input, no
// recursion, and no surprises with very long lines.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "alith/core/log.h"

namespace alith::log {

namespace {

constexpr std::string_view kMask = "[REDACTED]";

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_word(char c) {
  return is_alnum(c) || c == '_' || c == '-';
}
bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_space(char c) {
  return c == ' ' || c == '\t';
}
bool is_token(char c) {
  return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
}

bool iequal_at(std::string_view text, size_t pos, std::string_view word) {
  if (pos + word.size() > text.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (lower(text[pos + i]) != word[i]) return false;
  return true;
}

void replace_all(std::string& text, std::string_view secret) {
  if (secret.empty()) return;
  std::string out;
  size_t from = 0;
  for (size_t at; (at = text.find(secret, from)) != std::string::npos; from = at + secret.size()) {
    out.append(text, from, at - from);
    out.append(kMask);
  }
  if (from == 0) return;
  out.append(text, from);
  text = std::move(out);
}

// Names whose value is a credential, as headers ("Authorization: ..."), JSON ("api_key": "...") or
// assignments (api_key=...). Longer names first so that "x-api-key" wins over "api-key".
constexpr std::array<std::string_view, 15> kSecretKeys = {"proxy-authorization",
                                                          "authorization",
                                                          "x-goog-api-key",
                                                          "x-api-key",
                                                          "api-key",
                                                          "api_key",
                                                          "apikey",
                                                          "access_token",
                                                          "refresh_token",
                                                          "client_secret",
                                                          "private_key",
                                                          "privatekey",
                                                          "secret_key",
                                                          "password",
                                                          "secret"};

// Masks the value after a secret key name. Returns true and advances i past the masked value on a match.
bool mask_keyed_value(std::string_view text, size_t& i, std::string& out) {
  if (i > 0 && is_word(text[i - 1])) return false;
  for (const std::string_view key : kSecretKeys) {
    if (!iequal_at(text, i, key)) continue;
    size_t j = i + key.size();
    if (j < text.size() && is_word(text[j])) return false;
    if (j < text.size() && (text[j] == '"' || text[j] == '\'')) ++j;
    while (j < text.size() && is_space(text[j])) ++j;
    if (j >= text.size() || (text[j] != ':' && text[j] != '=')) return false;
    const char separator = text[j++];
    while (j < text.size() && is_space(text[j])) ++j;
    out.append(text.substr(i, j - i));
    size_t end = j;
    if (j < text.size() && (text[j] == '"' || text[j] == '\'')) {
      const char quote = text[j];
      out.push_back(quote);
      end = ++j;
      while (end < text.size() && text[end] != quote && text[end] != '\n') end += text[end] == '\\' ? 2 : 1;
      end = std::min(end, text.size());
    } else if (separator == ':') {
      // Header or YAML style: the value runs to the end of the line.
      while (end < text.size() && text[end] != '\n' && text[end] != '\r') ++end;
    } else {
      while (end < text.size() && !is_space(text[end]) && text[end] != '&' && text[end] != ';' &&
             text[end] != ',' && text[end] != '\n' && text[end] != '"' && text[end] != '\'')
        ++end;
    }
    if (end > j) out.append(kMask);
    i = end;
    return true;
  }
  return false;
}

// "Bearer <token>" anywhere (also inside values not caught above).
bool mask_bearer(std::string_view text, size_t& i, std::string& out) {
  if ((i > 0 && is_word(text[i - 1])) || !iequal_at(text, i, "bearer")) return false;
  size_t j = i + 6;
  if (j >= text.size() || !is_space(text[j])) return false;
  while (j < text.size() && is_space(text[j])) ++j;
  size_t end = j;
  while (end < text.size() && is_token(text[end])) ++end;
  if (end - j < 8) return false;  // too short to be a credential ("bearer of bad news")
  out.append(text.substr(i, j - i));
  out.append(kMask);
  i = end;
  return true;
}

// OpenAI/Anthropic-style keys: sk-..., sk-ant-..., sk-proj-...; a short prefix stays for debugging.
bool mask_sk(std::string_view text, size_t& i, std::string& out) {
  if ((i > 0 && is_word(text[i - 1])) || text.compare(i, 3, "sk-") != 0) return false;
  size_t end = i + 3;
  while (end < text.size() && is_word(text[end])) ++end;
  if (end - (i + 3) < 10) return false;
  const std::string_view prefix = text.compare(i, 7, "sk-ant-") == 0 ? "sk-ant-" : "sk-";
  out.append(prefix);
  out.append(kMask);
  i = end;
  return true;
}

// 32-byte hex strings (secp256k1 private keys), bare or 0x-prefixed.
bool mask_hex_key(std::string_view text, size_t& i, std::string& out) {
  if (i > 0 && is_alnum(text[i - 1])) return false;
  size_t j = i;
  if (text.compare(i, 2, "0x") == 0 || text.compare(i, 2, "0X") == 0) j += 2;
  size_t end = j;
  while (end < text.size() && is_hex(text[end])) ++end;
  if (end - j != 64 || (end < text.size() && is_alnum(text[end]))) return false;
  out.append(text.substr(i, j - i));
  out.append(kMask);
  i = end;
  return true;
}

}  // namespace

std::string redact(std::string_view input, const std::vector<std::string>& extra_secrets) {
  std::string text(input);
  for (const auto& secret : extra_secrets) replace_all(text, secret);

  std::string out;
  out.reserve(text.size());
  const std::string_view view(text);
  size_t i = 0;
  while (i < view.size()) {
    if (mask_keyed_value(view, i, out) || mask_bearer(view, i, out) || mask_sk(view, i, out) ||
        mask_hex_key(view, i, out))
      continue;
    out.push_back(view[i++]);
  }
  return out;
}

}  // namespace alith::log
