// Replacing a small file atomically and durably (keys, credentials, config).
//
// write_file_atomically() writes to "<path>.tmp-<random>", fsyncs it, renames
// it over <path> and fsyncs the directory (leveldb's SetCurrentFile). After a
// power cut the path holds either the old content or the new, never a mix or
// an empty file. The file is created with `mode` (e.g. 0600) before any byte is
// written, so a secret is never readable by others even for a moment.
//
// Thread safety: safe to call concurrently for different paths.
#pragma once

#include <string>
#include <sys/types.h>

#include "base/status.h"

namespace larder {

Status write_file_atomically(const std::string& path, const std::string& content, mode_t mode);
// The whole file; kNotFound when it does not exist.
Result<std::string> read_file(const std::string& path);
// fsync a directory so a rename or unlink inside it is durable.
Status fsync_directory(const std::string& dir);
// "No such file" text for errno, e.g. for log lines.
std::string errno_text(int err);

}  // namespace larder
