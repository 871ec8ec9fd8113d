#include "node/api/static_files.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

namespace larder::node::api {
namespace {

namespace fs = std::filesystem;

// A kiosk UI folder beside a secret that must never be served.
struct UiFolder {
  UiFolder() {
    char tmpl[] = "/tmp/larder_static_XXXXXX";
    base = mkdtemp(tmpl);
    root = base / "ui";
    fs::create_directories(root / "assets");
    write(root / "index.html", "<!doctype html><title>kiosk</title>");
    write(root / "assets" / "app.js", "console.log('hi')");
    write(root / "assets" / "app.css", "body{}");
    write(root / "logo.svg", "<svg/>");
    write(root / "site.webmanifest", "{}");
    write(root / "font.woff2", "wOF2");
    write(root / "icon.png", "\x89PNG");
    write(root / ".env", "TOKEN=1");
    write(base / "secret.txt", "SECRET");
    fs::create_symlink(base / "secret.txt", root / "link.txt");
    fs::create_symlink(base / "secret.txt", root / "link.js");
    // What a kiosk-ui/ checkout holds besides what it ships.
    write(root / "README.md", "# kiosk-ui SECRET");
    write(root / "package.json", "{\"name\":\"SECRET\"}");
    write(root / "package-lock.json", "{}");
    write(root / "LICENSE.txt", "SECRET");
    write(root / "app.js.map", "{}");
    write(root / "app.test.js", "SECRET");
    write(root / "assets" / "cart.spec.mjs", "SECRET");
    fs::create_directories(root / "tests");
    write(root / "tests" / "cart.js", "SECRET");
    fs::create_directories(root / "node_modules" / "left-pad");
    write(root / "node_modules" / "left-pad" / "index.js", "SECRET");
    fs::create_symlink(root / "README.md", root / "readme.js");
  }
  ~UiFolder() { fs::remove_all(base); }
  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

  fs::path base;
  fs::path root;
};

TEST_CASE("static files: index, types, ETag and 304") {
  UiFolder ui;
  StaticFiles files(ui.root.string());
  REQUIRE(files.enabled());
  ApiResponse r = files.serve("", std::nullopt);
  REQUIRE(r.status == 200);
  CHECK(r.content_type == "text/html; charset=utf-8");
  CHECK(r.body.find("kiosk") != std::string::npos);
  CHECK(r.header("Cache-Control") == "no-cache");
  CHECK(r.header("X-Content-Type-Options") == "nosniff");
  std::string etag = *r.header("ETag");
  CHECK(etag.size() == 34);
  CHECK(files.serve("", etag).status == 304);
  CHECK(files.serve("index.html", "W/" + etag).status == 304);
  CHECK(files.serve("index.html", std::string("\"stale\"")).status == 200);

  CHECK(files.serve("assets/app.js", std::nullopt).content_type ==
        "text/javascript; charset=utf-8");
  CHECK(files.serve("assets/app.css", std::nullopt).content_type == "text/css; charset=utf-8");
  CHECK(files.serve("logo.svg", std::nullopt).content_type == "image/svg+xml");
  CHECK(files.serve("site.webmanifest", std::nullopt).content_type == "application/manifest+json");
  CHECK(files.serve("font.woff2", std::nullopt).content_type == "font/woff2");
  CHECK(files.serve("icon.png", std::nullopt).content_type == "image/png");
  CHECK(files.serve("assets/app.js", std::nullopt).header("ETag").has_value());
}

TEST_CASE("static files: traversal, hidden files and symlinks out are refused") {
  UiFolder ui;
  StaticFiles files(ui.root.string());
  const std::vector<std::string> bad_paths = {"../secret.txt",
                                              "assets/../../secret.txt",
                                              "./index.html",
                                              "assets//app.js",
                                              "..",
                                              "assets\\..\\..\\secret.txt",
                                              std::string("index.html\0x", 12)};
  for (const std::string& bad : bad_paths) {
    CAPTURE(bad);
    ApiResponse r = files.serve(bad, std::nullopt);
    CHECK(r.status == 400);
    CHECK(r.body.find("SECRET") == std::string::npos);
  }
  for (std::string missing :
       {".env", "assets/.hidden", "link.txt", "link.js", "assets", "nope.html"}) {
    CAPTURE(missing);
    ApiResponse r = files.serve(missing, std::nullopt);
    CHECK(r.status == 404);
    CHECK(r.body.find("SECRET") == std::string::npos);
  }
}

TEST_CASE("static files: only shipped assets, never docs, packages, tests or tooling") {
  UiFolder ui;
  StaticFiles files(ui.root.string());
  for (std::string left_out : {"README.md", "package.json", "package-lock.json", "LICENSE.txt",
                               "app.js.map", "app.test.js", "assets/cart.spec.mjs", "tests/cart.js",
                               "node_modules/left-pad/index.js", "readme.js"}) {
    CAPTURE(left_out);
    ApiResponse r = files.serve(left_out, std::nullopt);
    CHECK(r.status == 404);
    CHECK(r.body.find("SECRET") == std::string::npos);
    CHECK(r.body.find("kiosk-ui") == std::string::npos);
  }
  CHECK(files.serve("assets/app.js", std::nullopt).status == 200);
  CHECK(files.serve("index.html", std::nullopt).status == 200);
  CHECK(content_type_for("README.md") == "application/octet-stream");
}

TEST_CASE("static files: no folder configured, or a missing one, answers 404") {
  CHECK_FALSE(StaticFiles("").enabled());
  CHECK(StaticFiles("").serve("", std::nullopt).status == 404);
  CHECK(StaticFiles("/nonexistent/larder-ui").serve("index.html", std::nullopt).status == 404);
}

}  // namespace
}  // namespace larder::node::api
