#pragma once

// Document loaders: files, bytes and URLs to Documents (document.h), one format at a time.
//
// Formats, chosen by LoadOptions::format, else by extension (case-insensitive), else (URLs) by Content-Type:
//   text      .txt .text .log       the file as it is
//   markdown  .md .markdown         the file; "title" from front matter or the first level-1 heading
//   html      .html .htm            the readable text (gumbo); "title" from <title>
//   pdf       .pdf                  text per page (poppler), page_starts filled; "title", "author", "pages"
//   csv       .csv, tsv .tsv        one Document per row (RFC 4180)
//   json      .json                 one Document per record
//   jsonl     .jsonl .ndjson        one Document per non-blank line
//
// Text encoding. Input is taken as UTF-8; a leading byte order mark is dropped, and invalid byte sequences
// are replaced by U+FFFD (so a Latin-1 file still loads, with its accented letters marked as unreadable).
// Input that looks binary (a NUL byte, or more than one byte in eight of the first 64 KiB being control
// characters or invalid UTF-8) gives ParseError instead of a document of garbage.
//
// Errors: IoError (missing or unreadable file, HTTP failure), TooLargeError (over max_bytes), ParseError
// (malformed input; the message names the line where that means something), UnsupportedError (unknown
// format), InvalidArgumentError (options that cannot apply, e.g. a malformed JSON pointer or a CSV column
// that the header lacks). Loaders keep no state between calls.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "alith/core/error.h"
#include "alith/knowledge/document.h"
#include "alith/knowledge/walk.h"

namespace alith::http {
class Client;
}

namespace alith::knowledge {

struct CsvOptions {
  // ',' by default; '\t' is used for the tsv format whatever this says.
  char delimiter = ',';
  // The column whose cell is the Document's text. Empty: every column, one "name: value" line each.
  std::string text_column;
  // Columns copied into metadata under their own names; a cell that is a JSON number ("42", "-1.5e3", but not
  // "007") becomes a number, any other cell a string.
  std::vector<std::string> metadata_columns;
  // The column that names the row: its id becomes "<source>#<cell>" instead of "<source>#<row>". Two rows
  // with the same cell are a ParseError; an empty cell falls back to the row number.
  std::string id_column;
  // The first record names the columns. Without a header, columns are named "1", "2", ...
  bool header = true;
};
// Rows are numbered from 1 after the header. Every row must have as many fields as the first record
// (ParseError naming the line otherwise); lines that are entirely empty are skipped. Metadata: "format":
// "csv", "row", "line" and "line_end" (the file lines the row spans, 1-based, so a quoted field with
// newlines spans several), and the metadata columns.

struct JsonOptions {
  // JSON pointer (RFC 6901, e.g. "/data/items") to the array of records in a .json file. Empty: a top-level
  // array is the records, any other value is one record. Ignored for jsonl, where every line is a record.
  std::string records;
  // Where a record's text is: a JSON pointer ("/body/text") or a top-level key ("body"). A string value is
  // the text; any other value is serialized as JSON; null is empty text. Empty: a string record is its own
  // text, any other record is serialized whole. A record without the field is a ParseError.
  std::string text_field;
  // Fields copied into metadata, each a JSON pointer or a top-level key; the metadata key is the field as
  // given without a leading '/'. Missing fields are left out.
  std::vector<std::string> metadata_fields;
  // The field that names the record (string or number): its id becomes "<source>#<value>". Duplicates are a
  // ParseError; a record without it falls back to its number.
  std::string id_field;
};
// Ids: "<source>#<index>" for array items (0-based, as in a JSON pointer), "<source>#<line>" for jsonl lines
// (1-based); a .json file that is one record has id "<source>". Metadata: "format" ("json" or "jsonl"),
// "index" (array items) or "line" (jsonl), and the metadata fields.

struct LoadOptions {
  // One of the format names above, or an extension without the dot ("md", "htm"). Empty: from the path
  // (load_file) or the response (load_url).
  std::string format;
  CsvOptions csv;
  JsonOptions json;
  // Larger input gives TooLargeError before it is parsed.
  size_t max_bytes = 256u << 20;
};

// Markdown front matter: a file that starts with a "---" line and has a closing "---" (or "...") line starts
// with YAML front matter. Its mapping is merged into metadata (YAML scalars become JSON strings, numbers,
// booleans or null by the YAML 1.2 core schema; quoted scalars stay strings); a "title" there wins over the
// first heading. In the text, the front matter is replaced by as many empty lines as it had, so line numbers
// in spans are the file's own. Malformed front matter, or more than 10000 values (alias bombs), is a
// ParseError with the file line.

// The documents in a file. IoError when it cannot be read, UnsupportedError for an unknown extension.
std::vector<Document> load_file(const std::filesystem::path& path, const LoadOptions& options = {});

// The documents in bytes of the given format (a format name or extension; LoadOptions::format is not
// consulted). source becomes Document::source and the base of ids.
std::vector<Document> load_bytes(std::string_view bytes, std::string_view format, std::string source,
                                 const LoadOptions& options = {});

// GETs the URL (at most max_bytes of body) and loads the body. A non-2xx status is an IoError naming it. The
// format is LoadOptions::format, else the Content-Type's (text/html, application/pdf, text/csv,
// text/tab-separated-values, application/json, application/x-ndjson, application/jsonl, text/markdown), else
// the URL path's extension, else text for text/plain. Other types are UnsupportedError.
std::vector<Document> load_url(const std::string& url, http::Client& client, const LoadOptions& options = {});

// The format name for a file name's extension ("" when unknown).
std::string format_for_path(const std::filesystem::path& path);

struct LoadFailure {
  std::string source;
  ErrorCode code;
  std::string message;
};

struct LoadReport {
  std::vector<Document> documents;
  std::vector<LoadFailure> failures;
};

// Loads files and directories (walked with the walk options; a file named directly is loaded whatever the
// walk options say). A path that fails (missing, unreadable, malformed, unsupported) is recorded in failures
// and the rest are still loaded; documents come in the order of paths, then of the walk.
LoadReport load_paths(const std::vector<std::filesystem::path>& paths, const LoadOptions& options = {},
                      const WalkOptions& walk_options = {});

}  // namespace alith::knowledge
