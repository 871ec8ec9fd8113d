#include "sync/hub/http/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace larder::hub::http {
namespace ssl = boost::asio::ssl;

Result<std::unique_ptr<ssl::context>> make_server_tls_context(const std::string& cert_file,
                                                              const std::string& key_file) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                       ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                   ec);
  if (ec) return internal_error("setting TLS options: " + ec.message());
  SSL_CTX_set_options(ctx->native_handle(), SSL_OP_NO_RENEGOTIATION);
  // An idle connection (a held long-poll) gives its ~34 KB of record buffers
  // back between reads; without this, 10,000 idle HTTPS long-polls would
  // cost hundreds of megabytes.
  SSL_CTX_set_mode(ctx->native_handle(), SSL_MODE_RELEASE_BUFFERS);

  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return invalid_argument("reading TLS certificate chain " + cert_file + ": " + ec.message());
  }
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) return invalid_argument("reading TLS private key " + key_file + ": " + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    ERR_clear_error();
    return invalid_argument("TLS private key " + key_file + " does not match certificate " +
                            cert_file);
  }
  return ctx;
}

}  // namespace larder::hub::http
