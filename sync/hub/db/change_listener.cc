#include "sync/hub/db/change_listener.h"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>

#include "sync/hub/db/pg_error.h"

namespace larder::hub::db {
namespace {

constexpr const char* kChannel = "larder_feed";

// Connects and LISTENs; nullptr and *status on failure.
PGconn* connect_and_listen(const std::string& conninfo, Status* status) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    *status = Status(Code::kUnavailable,
                     status_from_pg(conn, nullptr, "change listener connecting").message());
    PQfinish(conn);
    return nullptr;
  }
  PGresult* r = PQexec(conn, (std::string("LISTEN ") + kChannel).c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok) *status = status_from_pg(conn, r, "change listener LISTEN");
  PQclear(r);
  if (!ok) {
    PQfinish(conn);
    return nullptr;
  }
  return conn;
}

}  // namespace

ChangeListener::ChangeListener(std::string conninfo, Callback callback)
    : conninfo_(std::move(conninfo)), callback_(std::move(callback)) {}

Result<std::unique_ptr<ChangeListener>> ChangeListener::start(std::string conninfo,
                                                              Callback callback) {
  std::unique_ptr<ChangeListener> l(new ChangeListener(std::move(conninfo), std::move(callback)));
  l->wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (l->wake_fd_ < 0) return internal_error("change listener: eventfd failed");
  Status status;
  PGconn* conn = connect_and_listen(l->conninfo_, &status);
  if (conn == nullptr) return status;
  ChangeListener* self = l.get();
  l->thread_ = std::thread([self, conn] { self->run(conn); });
  return l;
}

ChangeListener::~ChangeListener() {
  stopping_ = true;
  if (wake_fd_ >= 0) {
    std::uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof(one));
  }
  if (thread_.joinable()) thread_.join();
  if (wake_fd_ >= 0) close(wake_fd_);
}

// True when fd is readable; false on timeout or when asked to stop.
bool ChangeListener::wait_readable(int fd, int timeout_ms) {
  pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {fd, POLLIN, 0}};
  int n = poll(fds, fd >= 0 ? 2 : 1, timeout_ms);
  if (n <= 0 || stopping_) return false;
  return fd >= 0 && (fds[1].revents & (POLLIN | POLLERR | POLLHUP)) != 0;
}

void ChangeListener::run(void* first_conn) {
  PGconn* conn = static_cast<PGconn*>(first_conn);
  int backoff_ms = 100;
  while (!stopping_) {
    if (conn == nullptr) {
      Status ignored;
      conn = connect_and_listen(conninfo_, &ignored);
      if (conn == nullptr) {
        wait_readable(-1, backoff_ms);
        backoff_ms = std::min(backoff_ms * 2, 5000);
        continue;
      }
    }
    backoff_ms = 100;
    // Anything may have changed while we were not listening.
    callback_(ScopeChange{"", "", true});
    while (!stopping_) {
      if (!wait_readable(PQsocket(conn), 1000)) continue;
      if (PQconsumeInput(conn) == 0 || PQstatus(conn) != CONNECTION_OK) break;
      while (PGnotify* n = PQnotifies(conn)) {
        std::string payload = n->extra;
        PQfreemem(n);
        auto slash = payload.find('/');
        if (slash == std::string::npos) continue;
        callback_(ScopeChange{payload.substr(0, slash), payload.substr(slash + 1), false});
      }
    }
    PQfinish(conn);
    conn = nullptr;
  }
  if (conn != nullptr) PQfinish(conn);
}

}  // namespace larder::hub::db
