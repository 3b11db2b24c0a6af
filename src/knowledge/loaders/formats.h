#pragma once

// The loaders of each format, behind load_bytes (loader.h). Each takes the whole input and the source name
// and returns its documents or throws a typed alith::Error.

#include <string>
#include <string_view>
#include <vector>

#include "alith/knowledge/document.h"
#include "alith/knowledge/loader.h"

namespace alith::knowledge::detail {

// The bytes as UTF-8 text: a leading BOM dropped, invalid sequences replaced by U+FFFD. Binary-looking input
// gives ParseError naming the source (loader.h says what counts as binary).
std::string decode_text(std::string_view bytes, const std::string& source);

// The bytes with invalid UTF-8 sequences replaced by U+FFFD.
std::string valid_utf8(std::string_view bytes);

// A CSV cell or scalar as JSON: a number when it is written as a JSON number, else the string.
Json scalar_value(const std::string& text);

std::vector<Document> load_text(std::string_view bytes, const std::string& source);
std::vector<Document> load_markdown(std::string_view bytes, const std::string& source);
std::vector<Document> load_html(std::string_view bytes, const std::string& source);
std::vector<Document> load_pdf(std::string_view bytes, const std::string& source);
std::vector<Document> load_csv(std::string_view bytes, const std::string& source, const CsvOptions& options,
                               char delimiter);
std::vector<Document> load_json(std::string_view bytes, const std::string& source,
                                const JsonOptions& options);
std::vector<Document> load_jsonl(std::string_view bytes, const std::string& source,
                                 const JsonOptions& options);

}  // namespace alith::knowledge::detail
