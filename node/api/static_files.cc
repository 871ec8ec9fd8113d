#include "node/api/static_files.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <system_error>

#include "base/hex.h"

namespace larder::node::api {
namespace fs = std::filesystem;
namespace {

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

std::string strip_weak(std::string tag) {
  if (tag.size() >= 2 && tag[0] == 'W' && tag[1] == '/') tag.erase(0, 2);
  return tag;
}

// Plain names only; see the header for why each rule exists.
bool safe_relative(const std::string& rel) {
  if (rel.empty()) return true;
  if (rel.find('\0') != std::string::npos || rel.find('\\') != std::string::npos) return false;
  std::size_t start = 0;
  for (;;) {
    std::size_t slash = rel.find('/', start);
    std::string seg = rel.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    if (slash == std::string::npos) return true;
    start = slash + 1;
  }
}

bool hidden(const std::string& rel) {
  return rel.starts_with('.') || rel.find("/.") != std::string::npos;
}

bool inside(const fs::path& root, const fs::path& p) {
  auto r = root.begin();
  auto q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (q == p.end() || *r != *q) return false;
  }
  return true;
}

std::string sha256_etag(const std::string& data) {
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  // Built by appending: g++ 12 at -O3 reports a false -Wrestrict overlap for
  // "\"" + std::string (the same false positive as in sync/protocol).
  std::string etag(1, '"');
  etag.append(to_hex(md, len), 0, 32).append(1, '"');
  return etag;
}

ApiResponse not_found_response() {
  return error_response(404, "not_found", "no such file in the kiosk UI");
}

// The types of the files a kiosk UI ships, by extension: nothing else in its
// folder is served (README.md, package.json, LICENSE.txt, source maps, ...).
const std::map<std::string, std::string>& shipped_types() {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".webmanifest", "application/manifest+json"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
  };
  return kTypes;
}

std::string extension_of(const std::string& filename) {
  return lowercase(fs::path(filename).extension().string());
}

// A shipped asset: a shipped type, outside the folders of a UI's development
// (packages, tests) and not a test itself (app.test.js, cart.spec.mjs).
bool shipped_asset(const std::string& rel) {
  static const std::set<std::string> kNotShipped = {"node_modules", "test", "tests", "__tests__",
                                                    "__mocks__"};
  std::string name = fs::path(rel).filename().string();
  if (shipped_types().count(extension_of(name)) == 0) return false;
  std::string stem = lowercase(fs::path(name).stem().string());
  if (stem.ends_with(".test") || stem.ends_with(".spec")) return false;
  for (const fs::path& segment : fs::path(rel)) {
    if (kNotShipped.count(lowercase(segment.string())) != 0) return false;
  }
  return true;
}

}  // namespace

std::string content_type_for(const std::string& filename) {
  auto it = shipped_types().find(extension_of(filename));
  return it == shipped_types().end() ? "application/octet-stream" : it->second;
}

bool etag_matches(const std::string& if_none_match, const std::string& etag) {
  std::string want = strip_weak(etag);
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = if_none_match.find(',', start);
    std::string tag = trim(std::string_view(if_none_match).substr(
        start, comma == std::string::npos ? std::string::npos : comma - start));
    if (tag == "*" || (!tag.empty() && strip_weak(tag) == want)) return true;
    if (comma == std::string::npos) return false;
    start = comma + 1;
  }
}

StaticFiles::StaticFiles(const std::string& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  fs::path root = fs::canonical(dir, ec);
  if (ec || !fs::is_directory(root, ec)) return;
  root_ = root;
}

ApiResponse StaticFiles::serve(const std::string& relative,
                               const std::optional<std::string>& if_none_match) const {
  if (!root_) return error_response(404, "not_found", "no kiosk UI is configured on this node");
  if (!safe_relative(relative)) {
    return error_response(400, "invalid_path",
                          "the path must be plain names separated by single slashes"
                          " (no '.', '..', backslash or NUL)");
  }
  std::string rel = relative.empty() ? "index.html" : relative;
  if (hidden(rel) || !shipped_asset(rel)) return not_found_response();

  std::error_code ec;
  fs::path file = fs::weakly_canonical(*root_ / rel, ec);
  if (ec || !inside(*root_, file) || !fs::is_regular_file(file, ec)) return not_found_response();
  // What a symlink inside the folder points at must be shipped too.
  std::string target = file.lexically_relative(*root_).generic_string();
  if (hidden(target) || !shipped_asset(target)) return not_found_response();
  auto size = fs::file_size(file, ec);
  if (ec || size > kMaxFileBytes) return not_found_response();

  std::ifstream in(file, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return not_found_response();

  ApiResponse r;
  std::string etag = sha256_etag(data);
  r.set_header("ETag", etag);
  r.set_header("Cache-Control", "no-cache");
  r.set_header("X-Content-Type-Options", "nosniff");
  if (if_none_match && etag_matches(*if_none_match, etag)) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.content_type = content_type_for(file.filename().string());
  r.body = std::move(data);
  return r;
}

}  // namespace larder::node::api
