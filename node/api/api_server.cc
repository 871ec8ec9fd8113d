#include "node/api/api_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include "base/percent_encoding.h"
#include "node/api/connection_limits.h"
#include "node/api/connection_pool.h"
#include "node/api/event_stream.h"
#include "node/api/route_table.h"

namespace larder::node::api {
namespace {

// Headers cpp-httplib adds to every request itself; they are not the
// client's (and a client sending them must not be believed).
bool library_header(const std::string& name) {
  return name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
         name == "LOCAL_PORT";
}

ApiRequest to_api_request(const httplib::Request& req) {
  ApiRequest r;
  r.method = req.method;
  r.path = req.path;
  // The query from the target itself: cpp-httplib's req.params also holds the
  // fields of a form-encoded body, which are not query parameters.
  auto qmark = req.target.find('?');
  if (qmark != std::string::npos) {
    auto query = parse_query(std::string_view(req.target).substr(qmark + 1));
    if (query) {
      for (auto& [k, v] : *query) r.query.emplace_back(std::move(k), std::move(v));
    } else {
      r.query.emplace_back("", "");  // a malformed escape: the handler refuses an unknown parameter
    }
  }
  for (const auto& [k, v] : req.headers) {
    if (!library_header(k)) r.headers.emplace(k, v);
  }
  r.body = req.body;
  r.remote_addr = req.remote_addr;
  return r;
}

void write_response(ApiResponse a, httplib::Response& res) {
  res.status = a.status;
  for (auto& [k, v] : a.headers) res.set_header(k, v);
  if (a.stream) {
    std::shared_ptr<EventStream> stream = std::move(a.stream);
    res.set_chunked_content_provider(
        a.content_type, [stream](std::size_t, httplib::DataSink& sink) {
          // is_writable() is false once the screen has closed the connection
          // (connection_limits.h): the stream then frees its slot at once
          // instead of at the next heartbeat's failed write.
          std::optional<std::string> chunk =
              stream->next_chunk([&sink] { return !sink.is_writable(); });
          if (!chunk) {
            sink.done();
            return true;
          }
          // A failed write means the screen went away: end the stream.
          return sink.write(chunk->data(), chunk->size());
        });
  } else if (!a.content_type.empty()) {
    res.set_content(std::move(a.body), a.content_type);
  }
}

// The methods after which cpp-httplib reads a body (its expect_content()).
bool reads_body(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

const char* status_code_name(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 408:
      return "request_timeout";
    case 413:
      return "payload_too_large";
    case 414:
      return "uri_too_long";
    case 416:
      return "range_not_satisfiable";
    case 431:
      return "headers_too_large";
    default:
      return status >= 500 ? "internal" : "bad_request";
  }
}

}  // namespace

struct ApiServer::Impl {
  Impl(NodeService& node, const ApiOptions& options)
      : handler(node, options), server(connections_per_peer(options), handler.metrics()) {}

  ApiHandler handler;
  LimitedServer server;
  std::thread thread;
  std::atomic<bool> listen_returned{false};
  int port = 0;
  std::mutex stop_mu;
  bool stopped = false;  // guarded by stop_mu

  void configure();
};

void ApiServer::Impl::configure() {
  const ApiOptions& o = handler.options();
  server.new_task_queue = [this, n = o.max_connections, idle = o.idle_thread_timeout] {
    return new ConnectionPool(n, idle, handler.metrics());
  };
  server.set_tcp_nodelay(true);
  // cpp-httplib's default also sets SO_REUSEPORT, which lets a second
  // process (or a second node) bind the same port and silently take half the
  // connections. SO_REUSEADDR alone still allows a quick restart.
  server.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  auto split = [](std::chrono::milliseconds d) {
    return std::pair<time_t, time_t>(d.count() / 1000, (d.count() % 1000) * 1000);
  };
  auto [rs, rus] = split(o.read_timeout);
  server.set_read_timeout(rs, rus);
  auto [ws, wus] = split(o.write_timeout);
  server.set_write_timeout(ws, wus);
  server.set_keep_alive_max_count(o.keep_alive_max_count);
  server.set_keep_alive_timeout(o.keep_alive_timeout.count());
  server.set_payload_max_length(o.max_body_bytes);

  // Requests without a body are answered whole here, before routing: the
  // guard runs first and no regex router is involved. Requests with a body
  // (POST...) are guarded here only for their headers when refusing them
  // cannot desynchronise the connection; otherwise cpp-httplib reads the
  // body (bounded by max_body_bytes, draining an oversized one with 413) and
  // the catch-all handlers below answer, guard included.
  server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!reads_body(req.method)) {
      write_response(handler.handle(to_api_request(req)), res);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
      // cpp-httplib would read such a body until the peer closes; unread, it
      // must not be taken for the next request.
      LimitedServer::close_after_answer();
      res.set_header("Connection", "close");
      handler.metrics().record_status(route_label(req.method, req.path), 411);
      handler.note_refusal(req.method, req.path, req.remote_addr, 411, "length_required");
      write_response(error_response(411, "length_required",
                                    "a request with a body needs a Content-Length header"),
                     res);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  auto serve = [this](const httplib::Request& req, httplib::Response& res) {
    write_response(handler.handle(to_api_request(req)), res);
  };
  const std::string any = "[\\s\\S]*";
  server.Post(any, serve);
  server.Put(any, serve);
  server.Patch(any, serve);
  server.Delete(any, serve);

  // Answers cpp-httplib makes itself (malformed request, 413, 414) get the
  // API's JSON error body; ours already have one.
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (LimitedServer::request_timed_out()) res.status = 408;  // cpp-httplib saw a failed read
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        if (res.status == 400 || res.status == 408) {
          // The request could not be read whole: whatever follows it on the
          // connection cannot be trusted to be the next request.
          LimitedServer::close_after_answer();
          res.set_header("Connection", "close");
        }
        handler.metrics().record_status(route_label(req.method, req.path), res.status);
        handler.note_refusal(req.method, req.path, req.remote_addr, res.status,
                             status_code_name(res.status));
        std::string message =
            "the request was refused by the HTTP layer (status " + std::to_string(res.status) + ")";
        if (res.status == 413) {
          message = "the request body is larger than " +
                    std::to_string(handler.options().max_body_bytes) + " bytes";
        } else if (res.status == 408) {
          message = "the request did not arrive whole within " +
                    std::to_string(handler.options().read_timeout.count()) + " ms";
        }
        write_response(error_response(res.status, status_code_name(res.status), message), res);
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler(
      [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        handler.log_error("local API: " + req.method + " " + req.path + ": " + what);
        write_response(
            error_response(500, "internal",
                           "the node could not complete the request; the error is in its log"),
            res);
      });
}

Result<std::unique_ptr<ApiServer>> ApiServer::start(NodeService& node, const ApiOptions& options) {
  LARDER_RETURN_IF_ERROR(validate_api_options(options));
  auto impl = std::make_unique<Impl>(node, options);
  impl->configure();

  std::string where = options.bind_address + ":" + std::to_string(options.port);
  errno = 0;
  if (options.port == 0) {
    impl->port = impl->server.bind_to_any_port(options.bind_address);
  } else {
    impl->port = impl->server.bind_to_port(options.bind_address, options.port) ? options.port : -1;
  }
  if (impl->port <= 0) {
    int err = errno;
    return unavailable("local API: cannot bind " + where + ": " +
                       (err ? std::strerror(err) : "address not usable"));
  }

  Impl* raw = impl.get();
  impl->thread = std::thread([raw] {
    raw->server.listen_after_bind();
    raw->listen_returned = true;
  });
  // cpp-httplib has no "ready" signal; is_running() turns true when the
  // accept loop starts, which follows the bind above within microseconds.
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!raw->server.is_running() && !raw->listen_returned &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!raw->server.is_running()) {
    raw->server.stop();
    raw->thread.join();
    return unavailable("local API: the server on " + where + " did not start listening");
  }
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(impl)));
}

ApiServer::ApiServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ApiServer::~ApiServer() { stop(); }

int ApiServer::port() const { return impl_->port; }

ApiHandler& ApiServer::handler() { return impl_->handler; }

void ApiServer::stop() {
  std::lock_guard<std::mutex> lock(impl_->stop_mu);
  if (impl_->stopped) return;
  impl_->stopped = true;
  // Streams first, and the listener only once they have ended: cpp-httplib
  // stops calling a content provider as soon as the listener is closed, and
  // would leave a stream without its final chunk. A stream's thread wakes at
  // once, writes the last chunk (bounded by write_timeout) and frees its slot.
  impl_->handler.shutdown();
  auto give_up = std::chrono::steady_clock::now() + impl_->handler.options().write_timeout +
                 std::chrono::seconds(1);
  while (impl_->handler.open_streams() > 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace larder::node::api
