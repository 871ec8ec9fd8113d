// A fast reader for the one large message of the protocol: the pull answer.
//
// A bootstrap reads about 0.4 KB of JSON per menu row; nlohmann's parser
// spends most of a node's bootstrap CPU lexing it (measured: ~60 MB/s here)
// before building the same values. read_pull_response_fast() lexes the body
// directly into the PullResponse (keys and rows still nlohmann::json
// values, exactly as nlohmann would have built them: non-negative integers
// unsigned, negative ones signed, other numbers double, duplicate members
// keeping the last), for the well-formed answer every hub sends.
//
// It only ever accepts what the full reader (parse_pull_response's DOM path,
// sync/protocol/wire.h) accepts, with the same result. Anything else —
// invalid JSON, a field out of place or out of range, a duplicate field,
// numbers beyond 64 bits, nesting deeper than kMaxDepth — makes it return
// false without a verdict, and the caller runs the full reader, which gives
// the precise error (or, for the rare valid corner case, the answer).
//
// Thread safety: a pure function. No coroutines (fuzzed with clang).
#pragma once

#include <string_view>

#include "sync/protocol/wire.h"

namespace larder::sync {

// Nesting of a row value (a JSON column) the fast reader takes on itself.
constexpr int kFastReaderMaxDepth = 32;

// True and *out filled when `body` is a well-formed pull answer; false
// (*out unspecified) when the full reader must decide.
bool read_pull_response_fast(std::string_view body, PullResponse* out);

}  // namespace larder::sync
