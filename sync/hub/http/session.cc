// One HTTP/1.1 connection: read a request, hand it to the router, write the
// answer, repeat while keep-alive holds. Shaped like Beast's async server
// examples (STYLE.md): the session keeps itself alive with shared_from_this
// bound into every handler, all its handlers run on its strand, and every
// network operation carries a timeout.
//
// While a handler has not answered yet (a long-poll, a job on the blocking
// pool), the session keeps one read outstanding: it is how a client that
// hangs up is noticed, which cancels the exchange so the waiter is released.
// When the answer arrives that read is cancelled and the answer written.
#include "sync/hub/http/session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace larder::hub::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr std::size_t kReadChunk = 1024;
// After an error answer that closes the connection, unread request bytes are
// drained for this long so the close does not turn into a reset that
// destroys the answer before the client reads it.
constexpr auto kLingerTime = std::chrono::seconds(2);
const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

std::string format_remote(const tcp::socket& socket) {
  boost::system::error_code ec;
  tcp::endpoint ep = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  std::string addr = ep.address().to_string();
  if (ep.address().is_v6()) addr = "[" + addr + "]";
  return addr + ":" + std::to_string(ep.port());
}

bool is_http_parse_error(const boost::system::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

template <class Stream>
class Session : public SessionControl, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  Session(ServerState& state, tcp::socket&& socket)
      : state_(state), remote_(format_remote(socket)), stream_(make_stream(state, std::move(socket))) {
    state_.open_connections.fetch_add(1);
  }

  ~Session() override {
    // A pending exchange must not outlive its connection: its waiter or job
    // learns the client is gone.
    if (exchange_) exchange_->cancel();
    {
      std::lock_guard lock(state_.sessions_mu);
      state_.sessions.erase(this);
    }
    state_.open_connections.fetch_sub(1);
  }

  void start() {
    {
      std::lock_guard lock(state_.sessions_mu);
      state_.sessions[this] = this->weak_from_this();
    }
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::on_start, self()));
  }

  void begin_drain() override {
    net::post(stream_.get_executor(), [s = self()] {
      // Between requests nothing is lost by closing; mid-request, the answer
      // goes out first with Connection: close (see write()).
      if (s->phase_ == Phase::kIdle || s->phase_ == Phase::kHandshake ||
          s->phase_ == Phase::kLinger) {
        s->close();
      }
    });
  }

  void force_close() override {
    net::post(stream_.get_executor(), [s = self()] { s->close(); });
  }

 private:
  enum class Phase { kHandshake, kIdle, kHeader, kBody, kHandling, kWrite, kLinger };

  static Stream make_stream(ServerState& state, tcp::socket&& socket) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *state.tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  std::shared_ptr<Session> self() { return this->shared_from_this(); }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  const ServerTimeouts& timeouts() const { return state_.options.timeouts; }

  void on_start() {
    if constexpr (kTls) {
      phase_ = Phase::kHandshake;
      lowest().expires_after(timeouts().tls_handshake);
      stream_.async_handshake(net::ssl::stream_base::server,
                              beast::bind_front_handler(&Session::on_handshake, self()));
    } else {
      do_read();
    }
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    do_read();
  }

  // Waits for the first byte of the next request: the idle (keep-alive)
  // timeout applies, or the header timeout for a connection's first request.
  void do_read() {
    if (closed_) return;
    if (state_.draining.load() && buffer_.size() == 0) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_.options.limits.max_header_bytes));
    parser_->body_limit(state_.options.limits.max_body_bytes);
    if (buffer_.size() > 0) return read_header();  // pipelined bytes already here
    phase_ = Phase::kIdle;
    lowest().expires_after(served_ > 0 ? timeouts().idle : timeouts().header_read);
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            beast::bind_front_handler(&Session::on_first_bytes, self()));
  }

  void on_first_bytes(beast::error_code ec, std::size_t n) {
    buffer_.commit(n);
    if (ec) return on_read_error(ec);
    read_header();
  }

  void read_header() {
    phase_ = Phase::kHeader;
    lowest().expires_after(timeouts().header_read);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::on_header, self()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    started_ = std::chrono::steady_clock::now();
    if (parser_->is_done()) return handle();
    auto expect = parser_->get()[bhttp::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      phase_ = Phase::kWrite;
      lowest().expires_after(timeouts().write);
      net::async_write(stream_, net::buffer(kContinue, sizeof kContinue - 1),
                       beast::bind_front_handler(&Session::on_continue_sent, self()));
      return;
    }
    read_body();
  }

  void on_continue_sent(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    read_body();
  }

  void read_body() {
    phase_ = Phase::kBody;
    lowest().expires_after(timeouts().body_read);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::on_body, self()));
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    handle();
  }

  const char* phase_name() const {
    switch (phase_) {
      case Phase::kHandshake: return "tls_handshake";
      case Phase::kIdle: return served_ > 0 ? "idle" : "header_read";
      case Phase::kHeader: return "header_read";
      case Phase::kBody: return "body_read";
      case Phase::kHandling: return "handling";
      case Phase::kWrite: return "write";
      case Phase::kLinger: return "linger";
    }
    return "unknown";
  }

  void on_read_error(beast::error_code ec) {
    if (closed_) return;
    if (ec == beast::error::timeout) {
      state_.closed_early.inc({std::string(phase_name()) + "_timeout"});
      spdlog::debug("{}: {} timeout, closing", remote_, phase_name());
      return close();
    }
    if (ec == bhttp::error::header_limit) {
      state_.closed_early.inc({"header_too_large"});
      return reply_and_close(431, "header_too_large",
                             "request headers exceed the limit of " +
                                 std::to_string(state_.options.limits.max_header_bytes) + " bytes");
    }
    if (ec == bhttp::error::body_limit) {
      state_.closed_early.inc({"body_too_large"});
      return reply_and_close(413, "body_too_large",
                             "request body exceeds the limit of " +
                                 std::to_string(state_.options.limits.max_body_bytes) + " bytes");
    }
    // A clean hang-up between requests, or a connection reset: not an error
    // worth an answer.
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted ||
        ec == net::ssl::error::stream_truncated || !is_http_parse_error(ec) ||
        ec == bhttp::error::partial_message) {
      if (phase_ == Phase::kHandshake) state_.closed_early.inc({"tls_handshake_failed"});
      return close();
    }
    state_.closed_early.inc({"bad_request"});
    reply_and_close(400, "bad_request", "malformed HTTP request: " + ec.message());
  }

  void reply_and_close(int status, std::string_view code, std::string message) {
    keep_alive_ = false;
    route_ = "invalid";
    method_ = "-";
    if (parser_ && parser_->is_header_done()) method_ = method_label(parser_->get().method());
    if (started_ == std::chrono::steady_clock::time_point{}) {
      started_ = std::chrono::steady_clock::now();
    }
    write(Response::error(status, code, message));
  }

  static std::string method_label(bhttp::verb verb) {
    // Unknown methods share one label, so they cannot grow the series.
    return verb == bhttp::verb::unknown ? "OTHER" : std::string(bhttp::to_string(verb));
  }

  void handle() {
    phase_ = Phase::kHandling;
    bhttp::request<bhttp::string_body> msg = parser_->release();
    parser_.reset();
    keep_alive_ = msg.keep_alive();
    method_ = method_label(msg.method());

    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    auto target = parse_request_target(req.target);
    if (!target.is_ok()) {
      route_ = "invalid";
      state_.closed_early.inc({"bad_target"});
      return write(Response::error(400, "bad_request", target.status().message()));
    }
    req.path = std::move(target->path);
    req.query = std::move(target->query);
    req.headers.reserve(std::distance(msg.begin(), msg.end()));
    for (const auto& field : msg) {
      req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    req.body = std::move(msg.body());
    req.remote_address = remote_;

    const std::uint64_t generation = ++generation_;
    auto exchange = std::make_shared<Exchange>(
        [s = self(), generation](Response response) {
          auto ex = s->stream_.get_executor();
          net::post(ex, [s = std::move(s), generation, r = std::move(response)]() mutable {
            s->on_response(generation, std::move(r));
          });
        });
    exchange_ = exchange;
    route_ = state_.router.dispatch(std::move(req), Responder(exchange));
    if (exchange->pending() && !closed_) watch_for_hangup();
  }

  // Keeps one read outstanding while the handler works, to notice a client
  // that hangs up. Bytes that arrive (a pipelined request) are kept for
  // later; past the header limit the session stops reading and relies on
  // the handler's own deadline.
  void watch_for_hangup() {
    if (buffer_.size() >= state_.options.limits.max_header_bytes) return;
    watching_ = true;
    lowest().expires_never();  // the handler's deadline bounds this wait
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            beast::bind_front_handler(&Session::on_watch, self()));
  }

  void on_watch(beast::error_code ec, std::size_t n) {
    watching_ = false;
    buffer_.commit(n);
    if (closed_) return;
    if (pending_response_) {
      Response r = std::move(*pending_response_);
      pending_response_.reset();
      return write(std::move(r));
    }
    if (ec) {
      state_.closed_early.inc({"client_gone_while_waiting"});
      return close();  // cancels the exchange: the waiter is released
    }
    watch_for_hangup();
  }

  void on_response(std::uint64_t generation, Response r) {
    if (closed_ || generation != generation_) return;
    if (watching_) {
      // Finish the outstanding read first; on_watch then writes.
      pending_response_ = std::move(r);
      lowest().cancel();
      return;
    }
    write(std::move(r));
  }

  void write(Response r) {
    phase_ = Phase::kWrite;
    keep_alive_ = keep_alive_ && !state_.draining.load();
    res_.emplace();
    res_->version(11);
    if (r.status < 100 || r.status > 599) {
      // Beast throws on a status it cannot write; a handler bug must not
      // take an io thread down.
      const int invalid = r.status;
      r = Response::error(500, "internal_error", "the server failed to handle the request");
      r.log_cause = "the handler answered the invalid status " + std::to_string(invalid);
    }
    if (r.status >= 500) {
      // Every 5xx is logged with its cause; the client only sees the code.
      spdlog::log(r.status == 503 ? spdlog::level::warn : spdlog::level::err,
                  "{} {} from {}: answered {}: {}", method_, route_, remote_, r.status,
                  r.log_cause.empty() ? "(no cause given) " + r.body : r.log_cause);
    }
    res_->result(static_cast<unsigned>(r.status));
    res_->set(bhttp::field::server, "larder-hub");
    if (!r.content_type.empty()) res_->set(bhttp::field::content_type, r.content_type);
    for (auto& [name, value] : r.headers) res_->insert(name, value);
    res_->body() = std::move(r.body);
    res_->keep_alive(keep_alive_);
    res_->prepare_payload();

    auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_);
    LabelValues labels{method_, route_, std::to_string(r.status)};
    state_.requests.inc(labels);
    state_.latency.observe(labels, elapsed.count());

    lowest().expires_after(timeouts().write);
    bhttp::async_write(stream_, *res_, beast::bind_front_handler(&Session::on_write, self()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    res_.reset();
    exchange_.reset();
    started_ = {};
    if (closed_) return;
    if (ec) {
      if (ec == beast::error::timeout) state_.closed_early.inc({"write_timeout"});
      return close();
    }
    ++served_;
    if (!keep_alive_) return linger_close();
    do_read();
  }

  // Half-closes, then reads and discards until the client closes or
  // kLingerTime passes (see kLingerTime).
  void linger_close() {
    phase_ = Phase::kLinger;
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    lowest().expires_after(kLingerTime);
    drain_rest();
  }

  void drain_rest() {
    lowest().async_read_some(net::buffer(scratch_), [s = self()](beast::error_code ec, std::size_t) {
      if (ec || s->closed_) return s->close();
      s->drain_rest();
    });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    if (exchange_) exchange_->cancel();
    lowest().close();
  }

  ServerState& state_;
  const std::string remote_;
  // State below is touched only on the connection's strand.
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> res_;
  std::shared_ptr<Exchange> exchange_;
  std::optional<Response> pending_response_;
  std::uint64_t generation_ = 0;
  std::uint64_t served_ = 0;
  Phase phase_ = Phase::kIdle;
  bool keep_alive_ = false;
  bool watching_ = false;
  bool closed_ = false;
  std::string method_ = "-";
  std::string route_ = "invalid";
  std::chrono::steady_clock::time_point started_{};
  char scratch_[512];
};

}  // namespace

ServerState::ServerState(ServerOptions opts, const Router& r, MetricsRegistry& metrics)
    : options(std::move(opts)),
      router(r),
      requests(metrics.counter("larder_hub_http_requests_total",
                               "HTTP requests answered, by method, route and status",
                               {"method", "route", "status"})),
      latency(metrics.histogram("larder_hub_http_request_duration_seconds",
                                "Time from request headers to the answer being queued",
                                {"method", "route", "status"}, default_latency_buckets())),
      closed_early(metrics.counter("larder_hub_http_connections_closed_early_total",
                                   "Connections closed by a timeout, a limit or a bad request",
                                   {"reason"})),
      rejected(metrics.counter("larder_hub_http_connections_rejected_total",
                               "Connections refused because max_connections were open")) {}

void start_session(ServerState& state, tcp::socket socket) {
  if (state.tls) {
    std::make_shared<Session<TlsStream>>(state, std::move(socket))->start();
  } else {
    std::make_shared<Session<PlainStream>>(state, std::move(socket))->start();
  }
}

}  // namespace larder::hub::http
