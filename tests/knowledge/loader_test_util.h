#pragma once

// Helpers for the loader tests: the shared temporary directory (support/temp_dir.h), file reading, and shell
// commands that make real files (PDFs through groff and Ghostscript).

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "support/temp_dir.h"

namespace alith::knowledge::testing {

using alith::testing::TempDir;

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
