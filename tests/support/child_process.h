// Running helper programs (initdb, pg_ctl, pgbouncer) for the test servers.
//
// Thread safety: run_program may be called from any thread; it spawns with
// posix_spawn, so it is safe in multi-threaded test processes.
// Nothing here is for production code: it exists for tests/support only.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace larder::testing {

// The argv prefix that runs a program as the PostgreSQL service user:
// {"runuser", "-u", "postgres", "--"} when we are root (PostgreSQL refuses to
// run as root), empty otherwise (the current user runs it directly).
std::vector<std::string> as_service_user();

// True when this process runs as root (the service user is then "postgres").
bool running_as_root();

// Name of the service user: "postgres" when root, else the current user.
std::string service_user_name();

// Runs argv[0] (searched in PATH) with stdout and stderr appended to
// log_path, and waits for it. OK when it exits with status 0; otherwise an
// error naming the command, its exit status and the last lines of the log.
Status run_program(const std::vector<std::string>& argv, const std::string& log_path);

// The last max_bytes of a file, or "" when it cannot be read.
std::string tail_of_file(const std::string& path, std::size_t max_bytes = 2000);

}  // namespace larder::testing
