// StaticFiles: the kiosk UI's files, served at / from one folder.
//
// "/" is index.html. A path is served only when every segment is a plain
// name: no "." or ".." (also when they arrived percent-encoded: the path
// given here is already decoded), no backslash or NUL, no hidden names
// ("."-prefixed), and the file, after resolving symlinks, lies inside the
// folder. Only what a UI ships is served, both as named and after resolving
// symlinks: the extensions below, outside node_modules/, test/, tests/,
// __tests__/ and __mocks__/, and not a test itself (*.test.js, *.spec.js);
// the folder's README.md, package.json, configs, source maps and the like
// answer 404 (the packages install the whole kiosk-ui/ folder). Refusals are
// JSON errors (400 invalid_path, 404 not_found) that never say what exists
// outside the folder or what was left out.
//
// Caching: every file carries a strong ETag (a hash of its bytes) and
// "Cache-Control: no-cache", so the browser revalidates (a cheap 304 on
// loopback) and never runs yesterday's app.js beside today's index.html after
// an upgrade. Content types come from the extension, which must be one of
// .html .js .mjs .css .svg .png .jpg .jpeg .webp .ico .webmanifest .woff2
// .woff, with X-Content-Type-Options: nosniff.
//
// Thread safety: immutable after construction; serve() reads the disk and may
// be called from any thread.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "node/api/api_message.h"

namespace larder::node::api {

class StaticFiles {
 public:
  static constexpr std::size_t kMaxFileBytes = 16 * 1024 * 1024;

  // `dir` empty or not a folder: every request answers 404.
  explicit StaticFiles(const std::string& dir);

  bool enabled() const { return root_.has_value(); }
  // `relative` is the decoded path without its leading "/" ("" for index).
  // `if_none_match` is the request's If-None-Match header, if any. For HEAD
  // the body is still filled: the HTTP layer drops it after sizing the answer.
  ApiResponse serve(const std::string& relative,
                    const std::optional<std::string>& if_none_match) const;

 private:
  std::optional<std::filesystem::path> root_;  // canonical
};

// The Content-Type for a file name, by extension; application/octet-stream
// for an extension that is never served.
std::string content_type_for(const std::string& filename);

// True when an If-None-Match value matches `etag` (weak comparison,
// RFC 9110 section 13.1.2; "*" matches any).
bool etag_matches(const std::string& if_none_match, const std::string& etag);

}  // namespace larder::node::api
