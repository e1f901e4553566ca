// A small JSON writer for the CLI's machine output (`--json`): objects built field by field
// and rendered on one line. Only what the output needs: strings, integers, booleans, null and
// nested arrays and objects. Strings that are not valid UTF-8 are rendered with U+FFFD in
// place of each invalid byte, so every line stays valid JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace messageu::cli {

// `text` as a quoted JSON string with every quote and control character escaped: C0 and
// DEL, and also the C1 and bidi controls (U+0080-U+009F, U+202A-U+202E, ...) as \uXXXX, so
// that a line shown on a terminal cannot act on it while the decoded text stays exact.
std::string json_quote(std::string_view text);

class JsonArray;

// An object whose fields keep the order in which they were added.
class JsonObject {
public:
  JsonObject &string(std::string_view key, std::string_view value);
  JsonObject &number(std::string_view key, std::uint64_t value);
  JsonObject &signed_number(std::string_view key, std::int64_t value);
  JsonObject &boolean(std::string_view key, bool value);
  JsonObject &null(std::string_view key);
  JsonObject &object(std::string_view key, const JsonObject &value);
  JsonObject &array(std::string_view key, const JsonArray &value);
  // Appends every field of `other`, in its order.
  JsonObject &fields(const JsonObject &other);

  // The object on one line, e.g. {"id":7,"from":"bob"}.
  std::string str() const;

private:
  JsonObject &raw(std::string_view key, std::string_view rendered);

  std::string m_body;
};

class JsonArray {
public:
  JsonArray &object(const JsonObject &value);
  JsonArray &string(std::string_view value);

  std::string str() const;

private:
  JsonArray &raw(std::string_view rendered);

  std::string m_body;
};

} // namespace messageu::cli
