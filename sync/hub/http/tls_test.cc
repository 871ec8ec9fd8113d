// HTTPS: a request over TLS against a self-signed certificate made at test
// time with the OpenSSL API (no files shipped, nothing to expire).
#include <doctest/doctest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "sync/hub/http/test_client.h"
#include "sync/hub/http/test_server.h"

namespace larder::hub::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace fs = std::filesystem;

// A temporary folder holding cert.pem and key.pem for CN=localhost with
// subjectAltName DNS:localhost, IP:127.0.0.1; removed by the destructor.
struct SelfSignedCert {
  SelfSignedCert() {
    char tmpl[] = "/tmp/larder-hub-tls-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    cert_file = (dir / "cert.pem").string();
    key_file = (dir / "key.pem").string();

    EVP_PKEY* key = EVP_EC_gen("P-256");
    REQUIRE(key);
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"},
                              std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
      REQUIRE(ext);
      X509_add_ext(x, ext, -1);
      X509_EXTENSION_free(ext);
    }
    REQUIRE(X509_sign(x, key, EVP_sha256()) > 0);

    FILE* f = std::fopen(cert_file.c_str(), "w");
    REQUIRE(f);
    PEM_write_X509(f, x);
    std::fclose(f);
    f = std::fopen(key_file.c_str(), "w");
    REQUIRE(f);
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    X509_free(x);
    EVP_PKEY_free(key);
  }
  ~SelfSignedCert() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  fs::path dir;
  std::string cert_file;
  std::string key_file;
};

// HTTPS GETs on one keep-alive connection that trusts only `cert_file` and
// checks the name "localhost".
std::vector<bhttp::response<bhttp::string_body>> https_get(
    std::uint16_t port, const std::string& cert_file, const std::vector<std::string>& targets) {
  net::io_context io;
  net::ssl::context ctx(net::ssl::context::tls_client);
  ctx.load_verify_file(cert_file);
  ctx.set_verify_mode(net::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  SSL_set1_host(stream.native_handle(), "localhost");
  SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(20));
  beast::get_lowest_layer(stream).connect(
      net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  stream.handshake(net::ssl::stream_base::client);
  std::vector<bhttp::response<bhttp::string_body>> out;
  beast::flat_buffer buffer;
  for (const auto& target : targets) {
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
    req.set(bhttp::field::host, "localhost");
    bhttp::write(stream, req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buffer, res);
    out.push_back(std::move(res));
  }
  return out;
}

TEST_CASE("HTTPS with a self-signed certificate serves requests") {
  SelfSignedCert cert;
  auto options = testing::test_options();
  options.tls_cert_file = cert.cert_file;
  options.tls_key_file = cert.key_file;
  testing::TestServer t(options);
  t.router.add("GET", "/hello", [](Request req, Responder r) {
    r.send(Response::json(200, R"({"hello":")" + *req.query_param("who") + "\"}"));
  });
  // Answers later from another thread, as a long-poll or a pool job does:
  // the session's hang-up watch on the TLS stream is cancelled for the write.
  t.router.add("GET", "/later", [](Request, Responder r) {
    std::thread([r] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      r.send(Response::json(200, R"({"later":true})"));
    }).detach();
  });
  t.start();

  auto res = https_get(t.port(), cert.cert_file, {"/hello?who=tls", "/later", "/hello?who=again"});
  REQUIRE(res.size() == 3);
  CHECK(res[0].result_int() == 200);
  CHECK(res[0].body() == R"({"hello":"tls"})");
  CHECK(res[1].body() == R"({"later":true})");
  CHECK(res[2].body() == R"({"hello":"again"})");
  CHECK(t.server->open_connections() <= 1);

  SUBCASE("plain HTTP to the TLS port gets no answer") {
    testing::RawConnection c(t.port());
    REQUIRE(c.connected());
    c.send(testing::format_request("GET", "/hello?who=plain"));
    CHECK_FALSE(c.read_response());
    CHECK(c.wait_closed());
  }
  SUBCASE("a client that does not trust the certificate fails the handshake") {
    net::io_context io;
    net::ssl::context ctx(net::ssl::context::tls_client);
    ctx.set_verify_mode(net::ssl::verify_peer);  // no CA loaded
    beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
    beast::get_lowest_layer(stream).connect(
        net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), t.port()));
    beast::error_code ec;
    stream.handshake(net::ssl::stream_base::client, ec);
    CHECK(ec);
  }
}

TEST_CASE("start fails with a clear message for missing or mismatched TLS files") {
  SelfSignedCert cert;
  SelfSignedCert other;
  Router router;
  MetricsRegistry metrics;
  SUBCASE("missing certificate") {
    auto options = testing::test_options();
    options.tls_cert_file = cert.dir.string() + "/missing.pem";
    options.tls_key_file = cert.key_file;
    HttpServer server(options, router, metrics);
    Status s = server.start();
    CHECK(s.code() == Code::kInvalidArgument);
    CHECK(s.message().rfind("reading TLS certificate chain " + options.tls_cert_file + ": ", 0) == 0);
  }
  SUBCASE("key of another certificate") {
    auto options = testing::test_options();
    options.tls_cert_file = cert.cert_file;
    options.tls_key_file = other.key_file;
    HttpServer server(options, router, metrics);
    Status s = server.start();
    CHECK(s.code() == Code::kInvalidArgument);
    INFO(s.message());
    CHECK(s.message().rfind("reading TLS private key " + other.key_file + ": ", 0) == 0);
  }
  SUBCASE("only one of the pair") {
    auto options = testing::test_options();
    options.tls_cert_file = cert.cert_file;
    HttpServer server(options, router, metrics);
    CHECK(server.start().message() == "TLS needs both a certificate file and a key file");
  }
}

}  // namespace
}  // namespace larder::hub::http
