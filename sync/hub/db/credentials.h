// Device credentials: enrollment codes and bearer tokens.
//
// Formats (the secret part is hex from Env::random_bytes):
//   enrollment code  "lde1.<tenant uuid>.<32 hex>"   (128-bit secret)
//   bearer token     "ldt1.<tenant uuid>.<64 hex>"   (256-bit secret)
// Only SHA-256(hex) of the whole string is stored.
//
// Why the tenant id is in the clear as a prefix: a token is looked up before
// the tenant is known, and every table is under RLS. The alternative, a
// SECURITY DEFINER lookup function owned by the owner role, would be a hole
// through RLS that every future change must keep safe. With the prefix the
// lookup is an ordinary tenant-scoped query: a forged prefix only scopes the
// lookup to another tenant, where the hash of the forged string matches
// nothing (the secret is 128/256 random bits). The tenant id is not secret.
//
// Thread safety: pure functions (Env must be thread-safe, as system_env is).
#pragma once

#include <string>
#include <string_view>

#include "base/env.h"
#include "base/status.h"

namespace larder::hub::db {

struct ParsedCredential {
  std::string tenant_id;
  std::string hash;  // SHA-256 hex of the whole credential
};

std::string make_enrollment_code(Env& env, std::string_view tenant_id);
std::string make_device_token(Env& env, std::string_view tenant_id);

// kPermissionDenied (never saying which part is wrong) for a malformed one.
Result<ParsedCredential> parse_enrollment_code(std::string_view code);
Result<ParsedCredential> parse_device_token(std::string_view token);

std::string sha256_hex(std::string_view text);

}  // namespace larder::hub::db
