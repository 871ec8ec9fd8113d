// Building the server's TLS context from PEM files. Internal to the server.
//
// Thread safety: the returned context is configured once and then only read
// by handshakes, which OpenSSL allows from any thread.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "base/status.h"

namespace larder::hub::http {

// TLS 1.2 and 1.3 only, no renegotiation, record buffers released while idle. Fails with kInvalidArgument naming
// the file when the certificate chain or key cannot be read or do not match.
Result<std::unique_ptr<boost::asio::ssl::context>> make_server_tls_context(
    const std::string& cert_file, const std::string& key_file);

}  // namespace larder::hub::http
