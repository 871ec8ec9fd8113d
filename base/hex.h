// Lower-case hexadecimal encoding of bytes, and strict decoding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace larder {

std::string to_hex(const std::uint8_t* data, std::size_t size);
inline std::string to_hex(const std::vector<std::uint8_t>& bytes) {
  return to_hex(bytes.data(), bytes.size());
}
// Accepts upper or lower case; refuses odd lengths and non-hex characters.
Result<std::vector<std::uint8_t>> from_hex(std::string_view hex);

}  // namespace larder
