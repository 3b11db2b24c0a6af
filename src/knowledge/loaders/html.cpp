// HTML: the readable text of a page, through gumbo's HTML5 parser (lenient by the standard's own rules).

#include <gumbo.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <vector>

#include "formats.h"

namespace alith::knowledge::detail {

namespace {

struct OutputDeleter {
  void operator()(GumboOutput* output) const { gumbo_destroy_output(&kGumboDefaultOptions, output); }
};
using OutputPtr = std::unique_ptr<GumboOutput, OutputDeleter>;

bool is_html(const GumboNode* node, GumboTag tag) {
  return node->type == GUMBO_NODE_ELEMENT && node->v.element.tag == tag &&
         node->v.element.tag_namespace == GUMBO_NAMESPACE_HTML;
}

const char* attribute(const GumboNode* node, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, name);
  return a ? a->value : nullptr;
}

// gumbo's tree builder scans the stack of open elements for many start tags, so its time grows with the
// square of the nesting depth (20000 nested <div>s take half a second, 40000 several). Browsers stop nesting
// at a few hundred levels; a page deeper than this is refused before gumbo sees it.
constexpr size_t kMaxHtmlDepth = 1024;

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == ':';
}

std::string tag_name(std::string_view html, size_t at) {
  std::string name;
  while (at < html.size() && is_name_char(html[at]) && name.size() < 32)
    name += static_cast<char>(std::tolower(static_cast<unsigned char>(html[at++])));
  return name;
}

// Where "</name" next occurs (any case), or npos.
size_t find_end_tag(std::string_view html, std::string_view name, size_t from) {
  for (size_t at = html.find("</", from); at != std::string_view::npos; at = html.find("</", at + 2)) {
    if (tag_name(html, at + 2) == name) return at;
  }
  return std::string_view::npos;
}

// Elements that never nest (void) or whose end tag the parser implies: they do not deepen a real tree.
bool keeps_depth(const std::string& name) {
  static constexpr std::string_view kFlat[] = {
      "area",    "base",     "br",     "col",   "embed", "hr",    "img",   "input", "link",
      "meta",    "param",    "source", "track", "wbr",   "p",     "li",    "dt",    "dd",
      "option",  "optgroup", "tr",     "td",    "th",    "thead", "tbody", "tfoot", "colgroup",
      "caption", "rt",       "rp",     "html",  "head",  "body"};
  for (std::string_view flat : kFlat)
    if (name == flat) return true;
  return false;
}

// An upper estimate of the element nesting depth, from the tags alone: start tags of elements that must be
// closed open a level, their end tags close one; comments and the text of script, style and the like are
// skipped.
size_t estimated_depth(std::string_view html) {
  size_t depth = 0, deepest = 0;
  for (size_t at = html.find('<'); at != std::string_view::npos; at = html.find('<', at + 1)) {
    if (html.substr(at, 4) == "<!--") {
      const size_t end = html.find("-->", at + 4);
      if (end == std::string_view::npos) break;
      at = end + 2;
      continue;
    }
    const bool closing = at + 1 < html.size() && html[at + 1] == '/';
    const std::string name = tag_name(html, at + (closing ? 2 : 1));
    if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) continue;
    if (closing) {
      if (!keeps_depth(name) && depth > 0) --depth;
      continue;
    }
    const size_t close = html.find('>', at);
    if (close == std::string_view::npos) break;
    if (name == "script" || name == "style" || name == "textarea" || name == "title" || name == "xmp" ||
        name == "iframe" || name == "noembed" || name == "noframes") {
      const size_t end = find_end_tag(html, name, close);
      if (end == std::string_view::npos) break;
      at = end;
      continue;
    }
    if (name == "plaintext") break;
    const bool self_closing = html[close - 1] == '/';
    if (!self_closing && !keeps_depth(name)) deepest = std::max(deepest, ++depth);
    at = close;
  }
  return deepest;
}

// Elements whose text is not the page's content: code, styling, navigation, chrome and controls.
bool is_noise(const GumboNode* node) {
  switch (node->v.element.tag) {
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA:
      return true;
    default:
      break;
  }
  if (attribute(node, "hidden")) return true;
  const char* aria_hidden = attribute(node, "aria-hidden");
  return aria_hidden && std::string_view(aria_hidden) == "true";
}

// Line breaks an element puts around its content: 2 for paragraph-like blocks (an empty line between), 1 for
// other blocks, 0 for inline elements.
int breaks_around(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_HEADER:
      return 2;
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_CENTER:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_HTML:
    case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TR:
      return 1;
    default:
      return 0;
  }
}

// Accumulates text with HTML's whitespace rules: runs of white space collapse to one space (except in pre),
// blocks start new lines, and no line starts or ends with a space.
class TextBuilder {
 public:
  void text(std::string_view s, bool verbatim) {
    for (size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      if (verbatim) {
        if (c == '\n') {
          flush();
          out_ += '\n';
          line_empty_ = true;
        } else {
          put(c);
        }
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        space_ = true;
      } else if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') {  // no-break space
        space_ = true;
        ++i;
      } else {
        put(c);
      }
    }
  }
  void breaks(int n) {
    if (n == 0) return;
    breaks_ = std::max(breaks_, n);
    space_ = false;
  }
  void line_break() {  // <br>: each one ends a line; two make an empty line
    breaks_ = std::min(breaks_ + 1, 2);
    space_ = false;
  }
  void cell() {  // a table cell after another on the same row
    if (!line_empty_ && breaks_ == 0) {
      out_ += " | ";
      space_ = false;
    }
  }
  std::string take() { return std::move(out_); }

 private:
  void flush() {
    if (breaks_ > 0 && !out_.empty()) {
      out_.append(static_cast<size_t>(breaks_), '\n');
      line_empty_ = true;
    }
    breaks_ = 0;
    if (space_ && !line_empty_) out_ += ' ';
    space_ = false;
  }
  void put(char c) {
    flush();
    out_ += c;
    line_empty_ = false;
  }

  std::string out_;
  int breaks_ = 0;
  bool space_ = false;
  bool line_empty_ = true;
};

// The text under root, walked with an explicit stack: gumbo trees can be as deep as the input is long.
std::string render(const GumboNode* root, bool root_is_content) {
  struct Frame {
    const GumboNode* node;
    unsigned next = 0;
  };
  TextBuilder out;
  std::vector<Frame> stack{{root}};
  int pre = 0;                            // open <pre>/<listing> elements
  int content = root_is_content ? 1 : 0;  // open <main>/<article>: a <header> there is the article's own
  const auto counts_as_content = [](const GumboNode* n) {
    return is_html(n, GUMBO_TAG_MAIN) || is_html(n, GUMBO_TAG_ARTICLE);
  };
  const auto is_pre = [](const GumboNode* n) {
    return is_html(n, GUMBO_TAG_PRE) || is_html(n, GUMBO_TAG_LISTING);
  };
  while (!stack.empty()) {
    Frame& frame = stack.back();
    const GumboNode* node = frame.node;
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT) {
      if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
          node->type == GUMBO_NODE_CDATA)
        out.text(node->v.text.text, pre > 0);
      stack.pop_back();
      continue;
    }
    const GumboVector& children =
        node->type == GUMBO_NODE_DOCUMENT ? node->v.document.children : node->v.element.children;
    const bool element = node->type == GUMBO_NODE_ELEMENT;
    if (frame.next == 0 && element) {  // entering
      const GumboTag tag = node->v.element.tag;
      if (node != root && (is_noise(node) || (tag == GUMBO_TAG_HEADER && content == 0))) {
        stack.pop_back();
        continue;
      }
      if (tag == GUMBO_TAG_BR) out.line_break();
      if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH) out.cell();
      out.breaks(breaks_around(tag));
      if (is_pre(node)) ++pre;
      if (node != root && counts_as_content(node)) ++content;
    }
    if (frame.next < children.length) {
      const auto* child = static_cast<const GumboNode*>(children.data[frame.next++]);
      stack.push_back({child});
      continue;
    }
    if (element) {  // leaving
      out.breaks(breaks_around(node->v.element.tag));
      if (is_pre(node)) --pre;
      if (node != root && counts_as_content(node)) --content;
    }
    stack.pop_back();
  }
  return out.take();
}

// The content to render: the first <main> (or role="main"), else every outermost <article>, else the whole
// document.
std::vector<const GumboNode*> content_roots(const GumboNode* document) {
  const GumboNode* main = nullptr;
  std::vector<const GumboNode*> articles;
  std::vector<const GumboNode*> stack{document};
  // Depth-first in document order; noise subtrees are not searched.
  while (!stack.empty() && !main) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type == GUMBO_NODE_ELEMENT) {
      if (is_noise(node)) continue;
      const char* role = attribute(node, "role");
      if (is_html(node, GUMBO_TAG_MAIN) || (role && std::string_view(role) == "main")) {
        main = node;
        break;
      }
      if (is_html(node, GUMBO_TAG_ARTICLE)) {
        articles.push_back(node);
        // Keep looking for a <main> below it, but nested articles are part of this one.
      }
    } else if (node->type != GUMBO_NODE_DOCUMENT) {
      continue;
    }
    const GumboVector& children =
        node->type == GUMBO_NODE_DOCUMENT ? node->v.document.children : node->v.element.children;
    for (unsigned i = children.length; i-- > 0;)
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
  }
  if (main) return {main};
  // Outermost articles only: drop any article inside an earlier one.
  std::vector<const GumboNode*> outer;
  for (const GumboNode* a : articles) {
    bool nested = false;
    for (const GumboNode* p = a->parent; p && !nested; p = p->parent) nested = is_html(p, GUMBO_TAG_ARTICLE);
    if (!nested) outer.push_back(a);
  }
  if (!outer.empty()) return outer;
  return {document};
}

std::string collapse(std::string_view s) {
  TextBuilder b;
  b.text(s, false);
  return b.take();
}

std::string title_of(const GumboNode* document) {
  std::vector<const GumboNode*> stack{document};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (is_html(node, GUMBO_TAG_TITLE)) {
      std::string text;
      const GumboVector& children = node->v.element.children;
      for (unsigned i = 0; i < children.length; ++i) {
        const auto* child = static_cast<const GumboNode*>(children.data[i]);
        if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE)
          text += child->v.text.text;
      }
      return collapse(text);
    }
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT) continue;
    if (is_html(node, GUMBO_TAG_SVG) || is_html(node, GUMBO_TAG_BODY)) continue;
    const GumboVector& children =
        node->type == GUMBO_NODE_DOCUMENT ? node->v.document.children : node->v.element.children;
    for (unsigned i = children.length; i-- > 0;)
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
  }
  return {};
}

}  // namespace

std::vector<Document> load_html(std::string_view bytes, const std::string& source) {
  const std::string html = decode_text(bytes, source);
  if (estimated_depth(html) > kMaxHtmlDepth)
    throw ParseError(source + ": HTML nested deeper than " + std::to_string(kMaxHtmlDepth) + " elements");
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // parse errors are HTML's normal state; recording them only costs memory
  OutputPtr output(gumbo_parse_with_options(&options, html.data(), html.size()));
  if (!output) throw ParseError(source + ": the HTML parser gave no document");

  Document doc;
  doc.id = source;
  doc.source = source;
  doc.metadata["format"] = "html";
  const std::string title = title_of(output->document);
  if (!title.empty()) doc.metadata["title"] = title;
  const auto roots = content_roots(output->document);
  for (const GumboNode* root : roots) {
    std::string part = render(root, root->type == GUMBO_NODE_ELEMENT && root != output->document &&
                                        (is_html(root, GUMBO_TAG_MAIN) || is_html(root, GUMBO_TAG_ARTICLE) ||
                                         attribute(root, "role")));
    if (part.empty()) continue;
    if (!doc.text.empty()) doc.text += "\n\n";
    doc.text += part;
  }
  return {std::move(doc)};
}

}  // namespace alith::knowledge::detail
