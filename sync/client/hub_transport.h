// HubTransport: how the sync client reaches larder-hub (the transport seam of
// DESIGN.md decision 12).
//
// get()/post() send one request with the device's bearer token and return the
// status and body, or kUnavailable when the hub cannot be reached (refused,
// reset, timed out, TLS failure) — a transport error, never an HTTP one.
// cancel() aborts a call in progress (a long-poll at shutdown) and makes it
// return kUnavailable.
//
// make_http_transport() builds the real one on cpp-httplib: HTTPS verified
// against a CA file (or the system store), and plain HTTP accepted only for a
// loopback hub (127.0.0.0/8, ::1, localhost) — anything else is refused at
// construction with kInvalidArgument. FaultyTransport wraps another transport
// and fails chosen calls, for tests of every failure path.
//
// Thread safety: one call at a time per transport object (use one for pulls
// and one for pushes); cancel() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "base/status.h"

namespace larder::sync {

struct HttpReply {
  int status = 0;
  std::string body;
};

class HubTransport {
 public:
  virtual ~HubTransport() = default;
  virtual Result<HttpReply> get(const std::string& target, std::chrono::milliseconds timeout) = 0;
  virtual Result<HttpReply> post(const std::string& target, const std::string& json_body,
                                 std::chrono::milliseconds timeout) = 0;
  virtual void cancel() = 0;
};

struct TransportOptions {
  std::string hub_url;   // scheme://host[:port], no path
  std::string token;     // bearer token; empty for enrollment
  std::string ca_file;   // PEM bundle for HTTPS; empty: the system's
  std::string user_agent = "larder-node";
};

Result<std::unique_ptr<HubTransport>> make_http_transport(const TransportOptions& options);

// True for a plain-HTTP URL whose host is a loopback address: an IPv4
// address in 127.0.0.0/8 (dotted decimal, four parts), [::1] (brackets
// required, any spelling of ::1), or localhost (any case); with an optional
// port 1-65535 and anything after a '/', '?' or '#'. The host is parsed,
// not prefix-matched: http://127.example.com, http://127.0.0.1.evil.com and
// http://127.0.0.1@evil.com are not loopback.
bool is_loopback_url(const std::string& url);

// Fails the calls whose 1-based numbers are in `fail_calls` (or every call
// from `fail_from` on) with kUnavailable, without sending them; with
// `after_send` the call is sent first and its answer lost (the hub acted, the
// device never heard).
class FaultyTransport : public HubTransport {
 public:
  explicit FaultyTransport(std::unique_ptr<HubTransport> inner) : inner_(std::move(inner)) {}
  void fail_call(int n, bool after_send);
  void fail_from(int n);
  void heal();
  int calls() const { return calls_.load(); }

  Result<HttpReply> get(const std::string& target, std::chrono::milliseconds timeout) override;
  Result<HttpReply> post(const std::string& target, const std::string& json_body,
                         std::chrono::milliseconds timeout) override;
  void cancel() override { inner_->cancel(); }

 private:
  // 0: send; 1: fail before sending; 2: send, then lose the answer.
  int decide();

  std::unique_ptr<HubTransport> inner_;
  std::atomic<int> calls_{0};
  std::mutex mu_;
  std::set<int> before_;
  std::set<int> after_;
  int fail_from_ = 0;
};

}  // namespace larder::sync
