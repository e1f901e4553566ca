// JSON rendering: escaping, UTF-8 validation and the object/array builders.
#include "json.hpp"

#include <messageu/util/text.hpp>

#include <array>
#include <cstdio>

namespace messageu::cli {
namespace {

void append_code_point_escape(std::string &out, char32_t code_point) {
  std::array<char, 8> escaped{};
  std::snprintf(escaped.data(), escaped.size(), "\\u%04x", static_cast<unsigned>(code_point));
  out += escaped.data();
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
    append_code_point_escape(out, code);
    return;
  }
  out += character;
}

} // namespace

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
      auto sequence = text.substr(index, length);
      // Valid JSON either way, but escaped a C1 or bidi control cannot act on a terminal
      // that shows the line.
      if (auto code_point = utf8_code_point(sequence); is_hidden_control(code_point))
        append_code_point_escape(out, code_point);
      else
        out.append(sequence);
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

JsonObject &JsonObject::fields(const JsonObject &other) {
  if (other.m_body.empty())
    return *this;
  if (!m_body.empty())
    m_body += ',';
  m_body += other.m_body;
  return *this;
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
