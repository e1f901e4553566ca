// JSON rendering: escaping, UTF-8 validation and the object/array builders.
#include "json.hpp"

#include <array>
#include <cstdio>

namespace messageu::cli {
namespace {

// The length of the UTF-8 sequence starting at text[index], or 0 if it is not well-formed
// (overlong forms, surrogates and code points above U+10FFFF are rejected).
std::size_t utf8_sequence_length(std::string_view text, std::size_t index) {
  auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
  unsigned char lead = byte(index);
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xbf;
  if (lead < 0x80)
    return 1;
  if (lead >= 0xc2 && lead <= 0xdf)
    length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    low = lead == 0xe0 ? 0xa0 : 0x80;
    high = lead == 0xed ? 0x9f : 0xbf;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    low = lead == 0xf0 ? 0x90 : 0x80;
    high = lead == 0xf4 ? 0x8f : 0xbf;
  } else
    return 0;
  if (index + length > text.size())
    return 0;
  if (byte(index + 1) < low || byte(index + 1) > high)
    return 0;
  for (std::size_t offset = 2; offset < length; ++offset)
    if (byte(index + offset) < 0x80 || byte(index + offset) > 0xbf)
      return 0;
  return length;
}

void append_escaped_ascii(std::string &out, char character) {
  switch (character) {
  case '"': out += "\\\""; return;
  case '\\': out += "\\\\"; return;
  case '\n': out += "\\n"; return;
  case '\r': out += "\\r"; return;
  case '\t': out += "\\t"; return;
  case '\b': out += "\\b"; return;
  case '\f': out += "\\f"; return;
  default: break;
  }
  auto code = static_cast<unsigned char>(character);
  if (code < 0x20 || code == 0x7f) {
    std::array<char, 8> escaped{};
    std::snprintf(escaped.data(), escaped.size(), "\\u%04x", code);
    out += escaped.data();
    return;
  }
  out += character;
}

} // namespace

bool is_valid_utf8(std::string_view text) {
  for (std::size_t index = 0; index < text.size();) {
    auto length = utf8_sequence_length(text, index);
    if (length == 0)
      return false;
    index += length;
  }
  return true;
}

std::string json_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (std::size_t index = 0; index < text.size();) {
    auto length = utf8_sequence_length(text, index);
    if (length == 0) {
      out += "\\ufffd";
      index += 1;
    } else if (length == 1) {
      append_escaped_ascii(out, text[index]);
      index += 1;
    } else {
      out.append(text.substr(index, length));
      index += length;
    }
  }
  out += '"';
  return out;
}

JsonObject &JsonObject::raw(std::string_view key, std::string_view rendered) {
  if (!m_body.empty())
    m_body += ',';
  m_body += json_quote(key);
  m_body += ':';
  m_body += rendered;
  return *this;
}

JsonObject &JsonObject::string(std::string_view key, std::string_view value) {
  return raw(key, json_quote(value));
}

JsonObject &JsonObject::number(std::string_view key, std::uint64_t value) {
  return raw(key, std::to_string(value));
}

JsonObject &JsonObject::signed_number(std::string_view key, std::int64_t value) {
  return raw(key, std::to_string(value));
}

JsonObject &JsonObject::boolean(std::string_view key, bool value) {
  return raw(key, value ? "true" : "false");
}

JsonObject &JsonObject::null(std::string_view key) { return raw(key, "null"); }

JsonObject &JsonObject::object(std::string_view key, const JsonObject &value) {
  return raw(key, value.str());
}

JsonObject &JsonObject::array(std::string_view key, const JsonArray &value) {
  return raw(key, value.str());
}

std::string JsonObject::str() const { return "{" + m_body + "}"; }

JsonArray &JsonArray::raw(std::string_view rendered) {
  if (!m_body.empty())
    m_body += ',';
  m_body += rendered;
  return *this;
}

JsonArray &JsonArray::object(const JsonObject &value) { return raw(value.str()); }

JsonArray &JsonArray::string(std::string_view value) { return raw(json_quote(value)); }

std::string JsonArray::str() const { return "[" + m_body + "]"; }

} // namespace messageu::cli
