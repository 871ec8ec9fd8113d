#include "node/daemon/systemd_notify.h"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "storage/testing/temp_dir.h"

namespace larder::node {
namespace {

// A datagram socket standing in for systemd's notification socket.
class FakeServiceManager {
 public:
  explicit FakeServiceManager(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof addr.sun_path);
    std::memcpy(addr.sun_path, path.data(), path.size());
    if (path[0] == '@') addr.sun_path[0] = '\0';
    auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
    REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), len) == 0);
    timeval tv{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~FakeServiceManager() { ::close(fd_); }
  std::string receive() {
    char buf[256];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    return n < 0 ? std::string("(nothing)") : std::string(buf, static_cast<std::size_t>(n));
  }

 private:
  int fd_ = -1;
};

}  // namespace

TEST_CASE("notifications reach $NOTIFY_SOCKET, by path or in the abstract namespace") {
  storage::testing::TempDir dir;
  std::string path = dir.file("notify");
  {
    FakeServiceManager manager(path);
    ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
    CHECK(notify_service_manager("READY=1"));
    CHECK(manager.receive() == "READY=1");
    CHECK(notify_service_manager("STOPPING=1"));
    CHECK(manager.receive() == "STOPPING=1");
  }
  std::string abstract = "@larder-notify-test-" + std::to_string(::getpid());
  {
    FakeServiceManager manager(abstract);
    ::setenv("NOTIFY_SOCKET", abstract.c_str(), 1);
    CHECK(notify_service_manager("WATCHDOG=1"));
    CHECK(manager.receive() == "WATCHDOG=1");
  }
  // Nobody listening, a bad address, or no service manager at all: false, no crash.
  CHECK_FALSE(notify_service_manager("READY=1"));
  ::setenv("NOTIFY_SOCKET", "relative/path", 1);
  CHECK_FALSE(notify_service_manager("READY=1"));
  ::unsetenv("NOTIFY_SOCKET");
  CHECK_FALSE(notify_service_manager("READY=1"));
}

TEST_CASE("the watchdog interval comes from $WATCHDOG_USEC, for this process only") {
  ::unsetenv("WATCHDOG_PID");
  ::unsetenv("WATCHDOG_USEC");
  CHECK_FALSE(service_watchdog_interval().has_value());
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  CHECK(service_watchdog_interval() == std::chrono::seconds(30));
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  CHECK(service_watchdog_interval() == std::chrono::seconds(30));
  ::setenv("WATCHDOG_PID", std::to_string(::getpid() + 1).c_str(), 1);
  CHECK_FALSE(service_watchdog_interval().has_value());  // meant for another process
  ::unsetenv("WATCHDOG_PID");
  for (const char* bad : {"0", "", "-5", "12abc"}) {
    CAPTURE(bad);
    ::setenv("WATCHDOG_USEC", bad, 1);
    CHECK_FALSE(service_watchdog_interval().has_value());
  }
  ::unsetenv("WATCHDOG_USEC");
}

}  // namespace larder::node
