#include "tests/support/cleanup_watchdog.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace larder::testing {

CleanupWatchdog::CleanupWatchdog(const std::string& command) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return;  // no watchdog; the destructor path still cleans
  int dev_null = open("/dev/null", O_RDWR | O_CLOEXEC);
  // Everything the child needs is prepared before fork.
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = fork();
  if (pid == 0) {
    setsid();  // survive a kill of the test's process group
    dup2(fds[0], 0);
    if (dev_null >= 0) {
      dup2(dev_null, 1);
      dup2(dev_null, 2);
    }
    close_range(3, ~0U, 0);  // drop every other inherited descriptor (sockets, ctest's pipes)
    char byte = 0;
    ssize_t n;
    do {
      n = read(0, &byte, 1);
    } while (n < 0 && errno == EINTR);
    if (n == 1) _exit(0);  // disarmed: the owner cleaned up
    execv("/bin/sh", const_cast<char* const*>(argv));
    _exit(127);
  }
  close(fds[0]);
  if (dev_null >= 0) close(dev_null);
  if (pid < 0) {
    close(fds[1]);
    return;
  }
  pid_ = pid;
  write_fd_ = fds[1];
}

CleanupWatchdog::~CleanupWatchdog() { disarm(); }

void CleanupWatchdog::disarm() {
  if (pid_ < 0) return;
  char byte = 'q';
  ssize_t n;
  do {
    n = write(write_fd_, &byte, 1);
  } while (n < 0 && errno == EINTR);
  close(write_fd_);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  write_fd_ = -1;
}

}  // namespace larder::testing
