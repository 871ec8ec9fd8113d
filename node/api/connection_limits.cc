#include "node/api/connection_limits.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string_view>

#include "node/api/api_message.h"
#include "node/api/api_options.h"

namespace larder::node::api {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How often a connection waiting between requests looks for Server::stop().
constexpr milliseconds kStopCheck{100};

thread_local bool t_request_timed_out = false;
thread_local bool t_close_after_answer = false;

milliseconds to_ms(time_t sec, time_t usec) { return milliseconds(sec * 1000 + usec / 1000); }

// poll() on one descriptor: >0 ready (`revents` set), 0 timed out, <0 error.
int poll_one(int fd, short events, milliseconds timeout, short& revents) {
  pollfd p{fd, events, 0};
  Clock::time_point give_up = Clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::ceil<milliseconds>(give_up - Clock::now());
    int n = ::poll(&p, 1, static_cast<int>(std::max(left, milliseconds(0)).count()));
    if (n < 0 && errno == EINTR) continue;
    revents = p.revents;
    return n;
  }
}

void numeric_address(int fd, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  auto* sa = reinterpret_cast<sockaddr*>(&addr);
  int rc = peer ? ::getpeername(fd, sa, &len) : ::getsockname(fd, sa, &len);
  if (rc != 0) return;
  std::array<char, NI_MAXHOST> host{};
  std::array<char, NI_MAXSERV> serv{};
  if (::getnameinfo(sa, len, host.data(), host.size(), serv.data(), serv.size(),
                    NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
    ip = host.data();
    port = std::atoi(serv.data());
  }
}

// One connection's socket, read through a buffer that lives as long as the
// connection (cpp-httplib's SocketStream lives for one request and drops what
// it read ahead), under the deadline of the request being read.
class ConnectionStream : public httplib::Stream {
 public:
  ConnectionStream(int fd, milliseconds write_timeout) : fd_(fd), write_timeout_(write_timeout) {}

  // Waits for the next request's first byte (or the peer's close): false
  // after `keep_alive` without one, or once `listener` is closed (stop()).
  bool wait_for_request(milliseconds keep_alive, const std::atomic<socket_t>& listener) {
    if (begin_ < end_) return true;
    Clock::time_point give_up = Clock::now() + keep_alive;
    for (;;) {
      if (listener == INVALID_SOCKET) return false;
      auto left = std::chrono::ceil<milliseconds>(give_up - Clock::now());
      if (left.count() <= 0) return false;
      short revents = 0;
      int n = poll_one(fd_, POLLIN, std::min(left, kStopCheck), revents);
      if (n != 0) return n > 0;
    }
  }

  void begin_request(milliseconds deadline) {
    deadline_ = Clock::now() + deadline;
    timed_out_ = false;
    t_request_timed_out = false;
    t_close_after_answer = false;
  }
  bool timed_out() const { return timed_out_; }

  bool is_readable() const override {
    short revents = 0;
    return begin_ < end_ || poll_one(fd_, POLLIN, time_left(), revents) > 0;
  }

  // Writable, and the peer has neither closed nor reset the connection.
  bool is_writable() const override {
    short revents = 0;
    if (poll_one(fd_, POLLRDHUP, milliseconds(0), revents) < 0 ||
        (revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
      return false;
    }
    return poll_one(fd_, POLLOUT, write_timeout_, revents) > 0 && (revents & POLLOUT) != 0;
  }

  // Reads what has arrived; waits (poll) only when nothing has, so a request
  // that is already here costs one recv(). The request's deadline holds
  // either way.
  ssize_t read(char* ptr, size_t size) override {
    while (begin_ == end_) {
      if (timed_out_ || time_left().count() == 0) return time_out();
      ssize_t n = ::recv(fd_, buffer_.data(), buffer_.size(), MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        milliseconds wait = time_left();
        short revents = 0;
        int ready = wait.count() > 0 ? poll_one(fd_, POLLIN, wait, revents) : 0;
        if (ready < 0) return -1;
        if (ready == 0) return time_out();
        continue;
      }
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<std::size_t>(n);
    }
    std::size_t n = std::min(size, end_ - begin_);
    std::memcpy(ptr, buffer_.data() + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

  // Writes all of it, or fails when a step makes no progress within the
  // write timeout (cpp-httplib writes a response's headers in one call and
  // does not retry a short write). Waits (poll) only when the socket's send
  // buffer is full.
  //
  // A header block that announces a body (Content-Length > 0) is held and
  // sent with the body's first write in one sendmsg(): one segment and one
  // system call per answer instead of two. flush() sends a held header that
  // no body followed (HEAD); process_and_close_socket() calls it after each
  // request. Chunked answers (the event stream) are never held.
  ssize_t write(const char* ptr, size_t size) override {
    std::string_view data(ptr, size);
    if (held_.empty() && announces_body(data)) {
      held_.assign(data);
      return static_cast<ssize_t>(size);
    }
    std::string_view head = held_;
    bool ok = send_all(head, data);
    held_.clear();
    return ok ? static_cast<ssize_t>(size) : -1;
  }

  bool flush() {
    if (held_.empty()) return true;
    bool ok = send_all(held_, {});
    held_.clear();
    return ok;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    numeric_address(fd_, true, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    numeric_address(fd_, false, ip, port);
  }
  socket_t socket() const override { return fd_; }

  // Discards what the peer already sent, so that closing does not reset the
  // connection before it has read our answer.
  void discard_pending() {
    for (int i = 0; i < 16; ++i) {
      if (::recv(fd_, buffer_.data(), buffer_.size(), MSG_DONTWAIT) <= 0) return;
    }
  }

 private:
  // "HTTP/1.x ..." headers ending the block, with a non-zero Content-Length.
  static bool announces_body(std::string_view data) {
    if (data.size() > 8192 || data.substr(0, 7) != "HTTP/1." || data.size() < 4 ||
        data.substr(data.size() - 4) != "\r\n\r\n") {
      return false;
    }
    std::size_t at = data.find("\r\nContent-Length: ");
    if (at == std::string_view::npos) return false;
    at += 18;
    return at < data.size() && data[at] >= '1' && data[at] <= '9';
  }

  // Sends `a` then `b` (either may be empty), both in one sendmsg() when the
  // socket takes them.
  bool send_all(std::string_view a, std::string_view b) {
    while (!a.empty() || !b.empty()) {
      iovec iov[2];
      int n_iov = 0;
      if (!a.empty()) iov[n_iov++] = {const_cast<char*>(a.data()), a.size()};
      if (!b.empty()) iov[n_iov++] = {const_cast<char*>(b.data()), b.size()};
      msghdr msg{};
      msg.msg_iov = iov;
      msg.msg_iovlen = static_cast<std::size_t>(n_iov);
      ssize_t n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        short revents = 0;
        if (poll_one(fd_, POLLOUT, write_timeout_, revents) <= 0) return false;
        continue;
      }
      if (n <= 0) return false;
      std::size_t sent = static_cast<std::size_t>(n);
      std::size_t from_a = std::min(sent, a.size());
      a.remove_prefix(from_a);
      b.remove_prefix(sent - from_a);
    }
    return true;
  }

  // The whole request had read_timeout to arrive: a client dribbling a byte
  // at a time must not hold this thread for longer.
  ssize_t time_out() {
    timed_out_ = true;
    t_request_timed_out = true;
    return -1;
  }

  milliseconds time_left() const {
    return std::max(std::chrono::ceil<milliseconds>(deadline_ - Clock::now()), milliseconds(0));
  }

  const int fd_;
  const milliseconds write_timeout_;
  Clock::time_point deadline_ = Clock::now();
  bool timed_out_ = false;
  std::array<char, 4096> buffer_{};
  std::size_t begin_ = 0;  // unread bytes are buffer_[begin_, end_)
  std::size_t end_ = 0;
  std::string held_;  // a header block waiting for its body (see write())
};

std::string busy_peer_answer(std::size_t max_per_peer) {
  ApiResponse r = error_response(503, "unavailable",
                                 "this client already has " + std::to_string(max_per_peer) +
                                     " connections open to the node; close one or retry");
  return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(r.body.size()) + "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n" + r.body;
}

}  // namespace

bool PeerConnections::acquire(const std::string& peer) {
  if (is_loopback_address(peer)) return true;
  std::lock_guard<std::mutex> lock(mu_);
  std::size_t& open = open_[peer];
  if (max_per_peer_ != 0 && open >= max_per_peer_) return false;  // open >= 1: kept
  ++open;
  return true;
}

void PeerConnections::release(const std::string& peer) {
  if (is_loopback_address(peer)) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = open_.find(peer);
  if (it != open_.end() && --it->second == 0) open_.erase(it);
}

LimitedServer::LimitedServer(std::size_t max_per_peer, ApiMetrics& metrics)
    : peers_(max_per_peer), metrics_(metrics), busy_answer_(busy_peer_answer(max_per_peer)) {}

bool LimitedServer::request_timed_out() { return t_request_timed_out; }

void LimitedServer::close_after_answer() { t_close_after_answer = true; }

bool LimitedServer::process_and_close_socket(socket_t sock) {
  const milliseconds request_deadline = to_ms(read_timeout_sec_, read_timeout_usec_);
  const milliseconds keep_alive = milliseconds(keep_alive_timeout_sec_ * 1000);
  ConnectionStream strm(sock, to_ms(write_timeout_sec_, write_timeout_usec_));
  std::string peer;
  int peer_port = 0;
  strm.get_remote_ip_and_port(peer, peer_port);

  bool ret = false;
  if (!peers_.acquire(peer)) {
    metrics_.record_status("other", 503);
    strm.write(busy_answer_.data(), busy_answer_.size());
    strm.discard_pending();
  } else {
    // As cpp-httplib's own loop (detail::process_server_socket), with the
    // stream above instead of one SocketStream per request.
    for (std::size_t requests_left = keep_alive_max_count_; requests_left > 0; --requests_left) {
      if (!strm.wait_for_request(keep_alive, svr_sock_)) break;
      strm.begin_request(request_deadline);
      bool connection_closed = false;
      ret = process_request(strm, requests_left == 1, connection_closed, nullptr);
      if (!strm.flush()) break;
      if (!ret || connection_closed || strm.timed_out() || t_close_after_answer) break;
    }
    peers_.release(peer);
    strm.discard_pending();
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ret;
}

}  // namespace larder::node::api
