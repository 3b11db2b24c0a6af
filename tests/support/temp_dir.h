#pragma once

// A fresh directory under the system temp dir, removed with everything in it when the object goes away.
// Shared by unit tests (files to load, stores to open) and by the peer launchers (a server's data folder and
// log).

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace alith::testing {

class TempDir {
 public:
  // prefix names the folder (prefix + six random characters), so a leftover one says which test made it.
  explicit TempDir(const std::string& prefix = "alith-test-") {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary folder");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

  // Writes bytes to path()/rel, making the parent directories.
  std::filesystem::path write(const std::string& rel, std::string_view bytes) const {
    const auto p = path_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + p.string());
    return p;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace alith::testing
