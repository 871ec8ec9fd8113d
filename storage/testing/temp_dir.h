// TempDir: a fresh directory for one test, removed with everything in it
// when the object dies. Also small file helpers the storage tests share.
#pragma once

#include <string>

namespace larder::storage::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The whole file as bytes ("" when absent).
std::string slurp(const std::string& path);
// SHA-256 of a file's bytes, hex ("" when absent).
std::string sha256_file(const std::string& path);
bool file_contains(const std::string& path, const std::string& needle);
void copy_file(const std::string& from, const std::string& to);

}  // namespace larder::storage::testing
