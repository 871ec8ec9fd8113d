#include "sync/client/hub_transport.h"

#include <httplib.h>

namespace larder::sync {
namespace {

class HttplibTransport : public HubTransport {
 public:
  HttplibTransport(const TransportOptions& o) : client_(o.hub_url), token_(o.token) {
    client_.set_tcp_nodelay(true);
    client_.set_keep_alive(true);
    client_.set_connection_timeout(std::chrono::seconds(5));
    if (!o.ca_file.empty()) client_.set_ca_cert_path(o.ca_file.c_str());
    client_.enable_server_certificate_verification(true);
    headers_ = {{"User-Agent", o.user_agent}};
    if (!token_.empty()) headers_.emplace("Authorization", "Bearer " + token_);
  }

  Result<HttpReply> get(const std::string& target, std::chrono::milliseconds timeout) override {
    std::lock_guard<std::mutex> lock(mu_);
    set_timeout(timeout);
    return reply(client_.Get(target, headers_), "GET", target);
  }

  Result<HttpReply> post(const std::string& target, const std::string& body,
                         std::chrono::milliseconds timeout) override {
    std::lock_guard<std::mutex> lock(mu_);
    set_timeout(timeout);
    return reply(client_.Post(target, headers_, body, "application/json"), "POST", target);
  }

  void cancel() override { client_.stop(); }

 private:
  void set_timeout(std::chrono::milliseconds t) {
    client_.set_read_timeout(std::chrono::duration_cast<std::chrono::microseconds>(t));
    client_.set_write_timeout(std::chrono::seconds(10));
  }

  Result<HttpReply> reply(const httplib::Result& r, const char* method, const std::string& target) {
    if (!r) {
      return unavailable(std::string(method) + " " + target.substr(0, target.find('?')) +
                         ": " + httplib::to_string(r.error()));
    }
    return HttpReply{r->status, r->body};
  }

  std::mutex mu_;  // httplib::Client is used by one call at a time
  httplib::Client client_;
  std::string token_;
  httplib::Headers headers_;
};

}  // namespace

bool is_loopback_url(const std::string& url) {
  const std::string prefix = "http://";
  if (url.compare(0, prefix.size(), prefix) != 0) return false;
  std::string host = url.substr(prefix.size());
  host = host.substr(0, host.find('/'));
  if (host.rfind("[::1]", 0) == 0) return true;
  host = host.substr(0, host.find(':'));
  if (host == "localhost") return true;
  return host.rfind("127.", 0) == 0;
}

Result<std::unique_ptr<HubTransport>> make_http_transport(const TransportOptions& o) {
  bool https = o.hub_url.rfind("https://", 0) == 0;
  if (!https && !is_loopback_url(o.hub_url)) {
    return invalid_argument("hub URL " + o.hub_url +
                            " must use https:// (plain http is accepted only for a loopback hub)");
  }
  auto after_scheme = o.hub_url.find("://") + 3;
  if (o.hub_url.find('/', after_scheme) != std::string::npos) {
    return invalid_argument("hub URL " + o.hub_url + " must not have a path");
  }
  return std::unique_ptr<HubTransport>(new HttplibTransport(o));
}

void FaultyTransport::fail_call(int n, bool after_send) {
  std::lock_guard<std::mutex> lock(mu_);
  (after_send ? after_ : before_).insert(n);
}

void FaultyTransport::fail_from(int n) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_from_ = n;
}

void FaultyTransport::heal() {
  std::lock_guard<std::mutex> lock(mu_);
  before_.clear();
  after_.clear();
  fail_from_ = 0;
}

int FaultyTransport::decide() {
  int n = ++calls_;
  std::lock_guard<std::mutex> lock(mu_);
  if ((fail_from_ > 0 && n >= fail_from_) || before_.count(n)) return 1;
  if (after_.count(n)) return 2;
  return 0;
}

Result<HttpReply> FaultyTransport::get(const std::string& target, std::chrono::milliseconds t) {
  int d = decide();
  if (d == 1) return unavailable("injected fault before sending GET");
  auto r = inner_->get(target, t);
  if (d == 2) return unavailable("injected fault: the answer to GET was lost");
  return r;
}

Result<HttpReply> FaultyTransport::post(const std::string& target, const std::string& body,
                                        std::chrono::milliseconds t) {
  int d = decide();
  if (d == 1) return unavailable("injected fault before sending POST");
  auto r = inner_->post(target, body, t);
  if (d == 2) return unavailable("injected fault: the answer to POST was lost");
  return r;
}

}  // namespace larder::sync
