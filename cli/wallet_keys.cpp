#include "wallet_keys.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "alith/core/error.h"
#include "alith/web3/keystore.h"

namespace alith::cli {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One line from the terminal with echo off; the terminal's settings are restored whatever happens.
std::string ask_tty(const std::string& prompt) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) throw ConfigError("no password: set ALITH_WALLET_PASSWORD or run in a terminal");
  struct Restore {
    int fd;
    termios saved{};
    bool changed = false;
    ~Restore() {
      if (changed) ::tcsetattr(fd, TCSAFLUSH, &saved);
      ::close(fd);
    }
  } restore{fd};
  if (::tcgetattr(fd, &restore.saved) == 0) {
    termios quiet = restore.saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    restore.changed = ::tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
  }
  (void)!::write(fd, prompt.data(), prompt.size());
  std::string line;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
  (void)!::write(fd, "\n", 1);
  return line;
}

}  // namespace

std::string read_password(const std::string& prompt, bool confirm) {
  if (const char* env = std::getenv("ALITH_WALLET_PASSWORD"); env != nullptr) return env;
  std::string first = ask_tty(prompt);
  if (confirm && ask_tty("Repeat the password: ") != first)
    throw InvalidArgumentError("the passwords differ");
  return first;
}

web3::PrivateKey KeySource::load() const {
  if (!key_env.empty()) {
    const char* hex = std::getenv(key_env.c_str());
    if (hex == nullptr || *hex == '\0') throw ConfigError("environment variable " + key_env + " is not set");
    return web3::PrivateKey::parse(hex).value();
  }
  if (keystore.empty()) throw ConfigError("no key: pass --keystore FILE or --key-env NAME");
  std::string json = read_file(keystore);
  return web3::decrypt_keystore(json, read_password("Password for " + keystore + ": ", false));
}

web3::Address KeySource::address() const {
  if (!keystore.empty() && key_env.empty()) {
    auto parsed = web3::Keystore::parse(read_file(keystore));
    if (parsed && parsed->address) return *parsed->address;
  }
  return load().address();
}

void write_secret_file(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    throw IoError("cannot create " + path + " (it may exist already; alith never overwrites a keystore)");
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok) throw IoError("cannot write " + path);
}

}  // namespace alith::cli
