// UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits.
// Order ids are UUIDv7 so they sort by creation time and serve as the
// idempotency key end to end (DESIGN.md decision 7).
#pragma once

#include <string>
#include <string_view>

#include "base/env.h"

namespace larder {

// "0190b3c4-...-7xxx-..." lower case, 36 characters.
std::string new_uuid_v7(Env& env);
// True for any canonical 8-4-4-4-12 hex UUID (any version, either case).
bool is_uuid(std::string_view text);

}  // namespace larder
