#include "sync/client/hub_transport.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>

#include <cctype>

namespace larder::sync {
namespace {

class HttplibTransport : public HubTransport {
 public:
  HttplibTransport(const TransportOptions& o)
      : client_(o.hub_url), hub_url_(o.hub_url), token_(o.token) {
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
      return unavailable(std::string(method) + " " + hub_url_ + target.substr(0, target.find('?')) +
                         ": " + describe(r.error()));
    }
    return HttpReply{r->status, r->body};
  }

  // What failed, in words an operator reading the status understands
  // (cpp-httplib's own names are one word, e.g. "Connection").
  static std::string describe(httplib::Error e) {
    switch (e) {
      case httplib::Error::Connection: return "cannot connect (connection refused or no route)";
      case httplib::Error::ConnectionTimeout: return "cannot connect (timed out)";
      case httplib::Error::Read: return "no answer (read failed or timed out)";
      case httplib::Error::Write: return "sending the request failed";
      case httplib::Error::SSLConnection: return "TLS handshake failed";
      case httplib::Error::SSLLoadingCerts: return "cannot load the CA certificates (sync.hub_ca_file)";
      case httplib::Error::SSLServerVerification:
        return "the hub's TLS certificate is not trusted (sync.hub_ca_file)";
      case httplib::Error::Canceled: return "cancelled";
      default: return httplib::to_string(e);
    }
  }

  std::mutex mu_;  // httplib::Client is used by one call at a time
  httplib::Client client_;
  std::string hub_url_;
  std::string token_;
  httplib::Headers headers_;
};

}  // namespace

namespace {

// PORT of "HOST:PORT": 1 to 5 digits, 1..65535.
bool valid_port(const std::string& port) {
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  int n = std::stoi(port);
  return n >= 1 && n <= 65535;
}

bool loopback_host(const std::string& host, bool bracketed) {
  if (bracketed) {
    in6_addr a6{};
    return inet_pton(AF_INET6, host.c_str(), &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
  }
  std::string lower = host;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "localhost") return true;
  // inet_pton takes only the four-part dotted decimal form (no "127.1", no
  // octal or hex), so "127.example.com" is a name, not an address.
  in_addr a4{};
  return inet_pton(AF_INET, host.c_str(), &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

}  // namespace

bool is_loopback_url(const std::string& url) {
  // http://HOST[:PORT][/...]: the authority ends at the first '/', '?' or
  // '#'. Userinfo ("127.0.0.1@host") is refused: the host would be the part
  // after '@'. HOST is compared whole, never by prefix.
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) return false;
  const std::size_t end = url.find_first_of("/?#", scheme.size());
  const std::string authority = url.substr(scheme.size(), end - scheme.size());
  if (authority.find('@') != std::string::npos) return false;
  const bool bracketed = !authority.empty() && authority[0] == '[';
  std::size_t host_end = bracketed ? authority.find(']') : authority.find(':');
  if (bracketed && host_end == std::string::npos) return false;
  const std::string host =
      bracketed ? authority.substr(1, host_end - 1) : authority.substr(0, host_end);
  std::string rest =
      host_end == std::string::npos ? "" : authority.substr(host_end + (bracketed ? 1 : 0));
  if (!rest.empty() && (rest[0] != ':' || !valid_port(rest.substr(1)))) return false;
  return loopback_host(host, bracketed);
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
