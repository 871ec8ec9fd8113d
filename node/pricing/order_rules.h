// The per-value rules of an order request, shared by the JSON parser and by
// validate_order_request() so both refuse the same things with the same
// words. Internal to node/pricing; other folders use order_request.h.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace larder::pricing::rules {

inline constexpr const char* kRequired = "is required";
inline constexpr const char* kLines = "must be an array of 1 to 50 order lines";
inline constexpr const char* kLine = "must be an object with item_id, quantity and option_ids";
inline constexpr const char* kId =
    "must be a non-empty string of at most 64 visible ASCII characters";
inline constexpr const char* kQuantity = "must be an integer from 1 to 99";
inline constexpr const char* kOptionIds = "must be an array of at most 50 option ids";
inline constexpr const char* kNoteType = "must be a string of at most 200 characters";

bool valid_id(std::string_view id);
bool valid_quantity(std::int64_t quantity);
// "repeats option "x" (choose each option at most once per line)".
std::string duplicate_option(std::string_view id);
// Empty when the note is acceptable; otherwise the message for path "note".
std::string note_problem(std::string_view note);

}  // namespace larder::pricing::rules
