// libFuzzer target for the CSV/TSV loader through load_bytes. The first byte picks the options (delimiter,
// header, column mapping); the rest is the file. Only alith::Error may escape; every document must carry its
// row number and a line span that is in order.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alith/knowledge/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const unsigned pick = data[0];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  alith::knowledge::LoadOptions options;
  options.max_bytes = 1u << 16;
  options.csv.delimiter = (pick & 3) == 0 ? ',' : (pick & 3) == 1 ? ';' : (pick & 3) == 2 ? '\t' : '|';
  options.csv.header = (pick & 4) == 0;
  if (pick & 8) options.csv.text_column = options.csv.header ? "text" : "1";
  if (pick & 16) options.csv.metadata_columns = {options.csv.header ? "n" : "2"};
  if (pick & 32) options.csv.id_column = options.csv.header ? "id" : "1";
  const char* format = (pick & 64) ? "tsv" : "csv";
  try {
    const auto docs = alith::knowledge::load_bytes(bytes, format, "fuzz.csv", options);
    for (size_t i = 0; i < docs.size(); ++i) {
      const auto& m = docs[i].metadata;
      if (m.at("row").get<size_t>() != i + 1) std::abort();
      if (m.at("line").get<size_t>() > m.at("line_end").get<size_t>()) std::abort();
    }
  } catch (const alith::Error&) {
  }
  return 0;
}
