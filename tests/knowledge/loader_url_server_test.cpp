// load_url against a real HTTP server: Python's http.server, started by the test on 127.0.0.1 and serving a
// temporary directory of real files (Content-Type from Python's mimetypes).

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "alith/core/http.h"
#include "alith/knowledge/loader.h"
#include "loader_test_util.h"
#include "support/child_process.h"

namespace alith::knowledge {
namespace {

using testing::TempDir;

// python3 -m http.server on an ephemeral port; the port is read from its first line of output, so there is no
// race for a free port and no waiting on a clock.
class PythonHttpServer {
 public:
  explicit PythonHttpServer(const std::filesystem::path& root) : child_(options(root)) {
    // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
    const auto line = child_.read_line();
    if (!line) throw std::runtime_error("http.server did not start");
    const size_t at = line->find(" port ");
    if (at == std::string::npos) throw std::runtime_error("unexpected http.server output: " + *line);
    port_ = std::stoi(line->substr(at + 6));
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  static alith::testing::ChildOptions options(const std::filesystem::path& root) {
    alith::testing::ChildOptions options({alith::testing::find_in_path("python3"), "-u", "-m", "http.server",
                                          "0", "--bind", "127.0.0.1", "--directory", root.string()});
    options.pipe_stdout = true;  // stderr goes to /dev/null
    return options;
  }

  alith::testing::ChildProcess child_;
  int port_ = 0;
};

TEST(UrlLoaderAgainstHttpServer, LoadsEveryFormatAndReportsMissingFiles) {
  TempDir dir;
  dir.write("page.html",
            "<html><head><title>Served</title></head><body><nav>menu</nav><p>Served page.</p>"
            "</body></html>");
  dir.write("rows.csv", "name,n\nx,1\ny,2\n");
  dir.write("doc.json", R"({"items": [{"text": "a"}, {"text": "b"}]})");
  dir.write("notes.txt", "plain\n");
  dir.write("guide.md", "# Served Guide\n");
  dir.write("data.jsonl", "{\"t\": 1}\n");
  testing::make_pdf(".LP\nServed PDF.\n.bp\n.LP\nPage two.\n", dir / "paper.pdf", "Served Paper");
  PythonHttpServer server(dir.path());
  http::Client client;

  auto docs = load_url(server.url("/page.html"), client);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].metadata["title"], "Served");
  EXPECT_EQ(docs[0].text, "Served page.");

  EXPECT_EQ(load_url(server.url("/rows.csv"), client).size(), 2u);
  LoadOptions o;
  o.json.records = "/items";
  o.json.text_field = "text";
  docs = load_url(server.url("/doc.json"), client, o);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[1].text, "b");
  EXPECT_EQ(load_url(server.url("/notes.txt"), client)[0].text, "plain\n");
  EXPECT_EQ(load_url(server.url("/guide.md"), client)[0].metadata["title"], "Served Guide");
  EXPECT_EQ(load_url(server.url("/data.jsonl"), client)[0].metadata["format"], "jsonl");

  docs = load_url(server.url("/paper.pdf"), client);
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].metadata["title"], "Served Paper");
  EXPECT_EQ(docs[0].page_starts.size(), 2u);
  const size_t at = docs[0].text.find("Page two");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(docs[0].span(at, at + 8).page_begin, 2);

  try {
    (void)load_url(server.url("/absent.txt"), client);
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("HTTP 404"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace alith::knowledge
