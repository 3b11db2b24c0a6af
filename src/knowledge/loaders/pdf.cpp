// PDF: the text of each page through poppler-cpp, with page_starts so spans know their pages.

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <climits>
#include <memory>
#include <string>

#include "formats.h"

namespace alith::knowledge::detail {

namespace {

// poppler reports every problem of a malformed file on stderr; the loader reports them as a ParseError
// instead. The callback is process-wide in poppler, so it is installed once (a function-local static) and
// never changed.
void silence_poppler() {
  static const bool installed = [] {
    poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr);
    return true;
  }();
  (void)installed;
}

std::string utf8(const poppler::ustring& s) {
  const poppler::byte_array bytes = s.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

std::vector<Document> load_pdf(std::string_view bytes, const std::string& source) {
  silence_poppler();
  if (bytes.size() > static_cast<size_t>(INT_MAX)) throw TooLargeError(source + ": PDF larger than 2 GiB");
  if (!bytes.starts_with("%PDF-") && bytes.substr(0, 1024).find("%PDF-") == std::string_view::npos)
    throw ParseError(source + ": not a PDF (no %PDF- header)");
  std::unique_ptr<poppler::document> pdf(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!pdf) throw ParseError(source + ": malformed PDF");
  if (pdf->is_locked()) throw ParseError(source + ": the PDF is encrypted and needs a password");

  Document doc;
  doc.id = source;
  doc.source = source;
  doc.metadata["format"] = "pdf";
  const int pages = pdf->pages();
  doc.metadata["pages"] = pages;
  if (const std::string title = utf8(pdf->get_title()); !title.empty()) doc.metadata["title"] = title;
  if (const std::string author = utf8(pdf->get_author()); !author.empty()) doc.metadata["author"] = author;
  for (int i = 0; i < pages; ++i) {
    doc.page_starts.push_back(doc.text.size());
    const std::unique_ptr<poppler::page> page(pdf->create_page(i));
    if (!page) continue;  // an unreadable page is an empty one; its neighbours still count
    // Reading order rather than physical layout: columns come out one after the other, not interleaved.
    std::string text = utf8(page->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout));
    for (char& c : text)
      if (c == '\0' || c == '\f') c = '\n';
    doc.text += valid_utf8(text);
    if (!doc.text.empty() && doc.text.back() != '\n') doc.text += '\n';
  }
  return {std::move(doc)};
}

}  // namespace alith::knowledge::detail
