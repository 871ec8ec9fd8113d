// CleanupWatchdog: makes sure a test server is stopped even if the test
// process dies without running destructors (abort, segfault, SIGKILL from a
// ctest timeout).
//
// It forks a small detached child that blocks reading a pipe whose write end
// only this process holds (O_CLOEXEC, so no other child inherits it). When
// this process dies the pipe reaches EOF and the child runs the cleanup shell
// command. disarm() (also called by the destructor) tells the child to exit
// without running it, for the normal path where the owner cleaned up itself.
//
// Thread safety: one owner; not copyable. Construct it before starting the
// threads of a test if possible (fork in a multi-threaded process is safe
// here because the child only makes async-signal-safe calls before exec).
#pragma once

#include <sys/types.h>

#include <string>

namespace larder::testing {

class CleanupWatchdog {
 public:
  // command: run with /bin/sh -c, output discarded, if this process dies.
  explicit CleanupWatchdog(const std::string& command);
  ~CleanupWatchdog();
  CleanupWatchdog(const CleanupWatchdog&) = delete;
  CleanupWatchdog& operator=(const CleanupWatchdog&) = delete;

  // Tells the watchdog to exit without running the command, and reaps it.
  void disarm();

 private:
  pid_t pid_ = -1;
  int write_fd_ = -1;
};

}  // namespace larder::testing
