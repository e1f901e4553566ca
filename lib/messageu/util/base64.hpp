// Base64 (RFC 4648, standard alphabet, with padding), used for the private key in my.info.
#pragma once

#include <messageu/util/bytes.hpp>

#include <string>
#include <string_view>

namespace messageu {

// Encodes `bytes`; when `line_width` is non-zero, inserts a '\n' after every `line_width`
// characters (as Crypto++'s Base64Encoder wraps at 72), with no trailing newline.
std::string base64_encode(ByteView bytes, std::size_t line_width = 0);

// Decodes base64, ignoring ASCII whitespace (spaces, tabs, CR, LF) anywhere. Padding is
// optional at the end. Any other character, misplaced padding or a dangling single
// character → Errc::bad_data.
Result<Bytes> base64_decode(std::string_view text);

} // namespace messageu
