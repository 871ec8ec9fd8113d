#include "base/atomic_file.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace larder {

TEST_CASE("atomic write replaces content, sets the exact mode, leaves no temp file") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("larder-atomic-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string path = (dir / "secret").string();

  ::umask(022);
  REQUIRE(write_file_atomically(path, "first", 0600).is_ok());
  REQUIRE(write_file_atomically(path, "second", 0600).is_ok());
  auto content = read_file(path);
  REQUIRE(content.is_ok());
  CHECK(*content == "second");
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  int entries = 0;
  for (auto& e : fs::directory_iterator(dir)) {
    (void)e;
    ++entries;
  }
  CHECK(entries == 1);

  CHECK(read_file((dir / "missing").string()).status().code() == Code::kNotFound);
  CHECK(write_file_atomically((dir / "no-such-dir" / "f").string(), "x", 0600).code() ==
        Code::kUnavailable);
  fs::remove_all(dir);
}

}  // namespace larder
