// UTF-8 decoding and the terminal escaping of untrusted text.
#include <messageu/util/text.hpp>

#include <array>
#include <cstdio>

namespace messageu {
namespace {

// Invisible code points that reorder or hide the text around them (Unicode bidi controls and
// the separators and zero-width marks a look-alike could hide behind).
constexpr std::array<std::pair<char32_t, char32_t>, 8> k_hidden_ranges{{
    {0x0080, 0x009f}, // C1 controls: 0x9b is CSI, 0x9d OSC on terminals that take 8-bit controls
    {0x061c, 0x061c}, // Arabic letter mark
    {0x200b, 0x200b}, // zero width space
    {0x200e, 0x200f}, // left-to-right and right-to-left marks
    {0x2028, 0x202e}, // line and paragraph separators, bidi embeddings and overrides
    {0x2060, 0x2060}, // word joiner
    {0x2066, 0x2069}, // bidi isolates
    {0xfeff, 0xfeff}, // zero width no-break space (byte order mark)
}};

std::string formatted(const char *format, unsigned value) {
  std::array<char, 16> buffer{};
  std::snprintf(buffer.data(), buffer.size(), format, value);
  return buffer.data();
}

void append_ascii(std::string &out, char character, LineBreaks line_breaks) {
  auto code = static_cast<unsigned char>(character);
  bool kept_break = line_breaks == LineBreaks::keep && (character == '\n' || character == '\t');
  if (kept_break || (code >= 0x20 && code != 0x7f)) {
    out += character;
    return;
  }
  out += '^';
  out += static_cast<char>(code ^ 0x40); // ^@ .. ^_ and ^? for DEL, as cat -v prints them
}

} // namespace

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

char32_t utf8_code_point(std::string_view sequence) {
  auto lead = static_cast<unsigned char>(sequence[0]);
  if (sequence.size() == 1)
    return lead;
  // The lead keeps 7 - length bits; each continuation byte adds 6.
  char32_t code_point = lead & (0x7fu >> sequence.size());
  for (std::size_t index = 1; index < sequence.size(); ++index)
    code_point = (code_point << 6) | (static_cast<unsigned char>(sequence[index]) & 0x3fu);
  return code_point;
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t index = 0; index < text.size();) {
    auto length = utf8_sequence_length(text, index);
    if (length == 0)
      return false;
    index += length;
  }
  return true;
}

bool is_hidden_control(char32_t code_point) {
  for (const auto &[first, last] : k_hidden_ranges)
    if (code_point >= first && code_point <= last)
      return true;
  return false;
}

std::string escape_for_terminal(std::string_view text, LineBreaks line_breaks) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t index = 0; index < text.size();) {
    auto length = utf8_sequence_length(text, index);
    if (length == 0) {
      out += formatted("\\x%02x", static_cast<unsigned char>(text[index]));
      index += 1;
      continue;
    }
    auto sequence = text.substr(index, length);
    index += length;
    if (length == 1)
      append_ascii(out, sequence[0], line_breaks);
    else if (auto code_point = utf8_code_point(sequence); is_hidden_control(code_point))
      out += formatted("\\u%04x", static_cast<unsigned>(code_point));
    else
      out += sequence;
  }
  return out;
}

} // namespace messageu
