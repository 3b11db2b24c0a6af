// Loading a URL through alith's HTTP client.

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>

#include "alith/core/http.h"
#include "alith/knowledge/loader.h"

namespace alith::knowledge {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// The format a media type names, "" for generic or unknown types.
std::string format_for_media_type(std::string type) {
  type = lower(type.substr(0, type.find(';')));
  type.erase(std::remove_if(type.begin(), type.end(), [](unsigned char c) { return std::isspace(c); }),
             type.end());
  if (type == "text/html" || type == "application/xhtml+xml") return "html";
  if (type == "application/pdf") return "pdf";
  if (type == "text/csv") return "csv";
  if (type == "text/tab-separated-values") return "tsv";
  if (type == "text/markdown" || type == "text/x-markdown") return "markdown";
  if (type == "application/x-ndjson" || type == "application/ndjson" || type == "application/jsonl" ||
      type == "application/x-jsonlines" || type == "application/jsonlines")
    return "jsonl";
  if (type == "application/json" || type == "text/json" || type.ends_with("+json")) return "json";
  return "";
}

// The path of a URL: after the authority, before the query or fragment.
std::string url_path(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : url.find('/', start + 3);
  if (start == std::string::npos) return "";
  const size_t end = url.find_first_of("?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

std::vector<Document> load_url(const std::string& url, http::Client& client, const LoadOptions& options) {
  http::Request request;
  request.url = url;
  request.max_response_bytes = options.max_bytes;
  const http::Response response = client.send(request);
  if (!response.ok()) throw IoError("GET " + url + ": HTTP " + std::to_string(response.status));
  std::string format = options.format;
  const std::string content_type = response.header("content-type").value_or("");
  if (format.empty()) format = format_for_media_type(content_type);
  if (format.empty()) format = format_for_path(std::filesystem::path(url_path(url)));
  if (format.empty() && lower(content_type).starts_with("text/plain")) format = "text";
  if (format.empty()) {
    throw UnsupportedError("GET " + url + ": cannot tell the document format (Content-Type '" + content_type +
                           "')");
  }
  return load_bytes(response.body, format, url, options);
}

}  // namespace alith::knowledge
