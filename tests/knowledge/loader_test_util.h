#pragma once

// Helpers for the loader tests: a temporary directory that removes itself, file writing, and shell commands
// that make real files (PDFs through groff and Ghostscript).

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace alith::knowledge::testing {

class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "alith-loader-XXXXXX").string();
    if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& rel) const { return path_ / rel; }

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

inline std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs a shell command; throws with the command when it fails.
inline void shell(const std::string& command) {
  if (std::system(command.c_str()) != 0) throw std::runtime_error("command failed: " + command);
}

// Typesets groff -ms source into a PDF at out; a title and author, when given, go into its document info.
inline void make_pdf(const std::string& ms_source, const std::filesystem::path& out,
                     const std::string& title = "", const std::string& author = "") {
  const auto base = out.string();
  {
    std::ofstream f(base + ".ms", std::ios::binary);
    f << ms_source;
  }
  {
    std::ofstream f(base + ".info.ps", std::ios::binary);
    f << "%!PS\n[";
    if (!title.empty()) f << " /Title (" << title << ")";
    if (!author.empty()) f << " /Author (" << author << ")";
    f << " /DOCINFO pdfmark\n";
  }
  shell("groff -Tps -ms '" + base + ".ms' > '" + base + ".ps' 2>/dev/null");
  shell("gs -q -dSAFER -dNOPAUSE -dBATCH -sDEVICE=pdfwrite -sOutputFile='" + base + "' '" + base + ".ps' '" +
        base + ".info.ps' >/dev/null 2>&1");
}

}  // namespace alith::knowledge::testing
