// Text that comes from others (message texts, user names a server sends) made safe to show on
// a terminal: UTF-8 validation, and escaping of everything a terminal would act on rather than
// display. Control characters are shown as `cat -v` and `less` show them, so that an escape
// sequence (an OSC 52 clipboard write, a CSI screen clear), a carriage return or a bidi override
// is seen, not obeyed; valid printable UTF-8 is left as it is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace messageu {

// The length of the UTF-8 sequence starting at text[index], or 0 when it is not well-formed
// (overlong forms, surrogates and code points above U+10FFFF are rejected).
std::size_t utf8_sequence_length(std::string_view text, std::size_t index);

// The code point of the well-formed `sequence` (one whole sequence).
char32_t utf8_code_point(std::string_view sequence);

// True when `text` is well-formed UTF-8.
bool is_valid_utf8(std::string_view text);

// True for the code points a terminal acts on or that change how the text around them reads,
// beyond C0 and DEL: C1 controls (U+0080-U+009F) and the invisible bidi and formatting
// controls (U+202A-U+202E, U+2066-U+2069, the marks and separators around them).
bool is_hidden_control(char32_t code_point);

enum class LineBreaks {
  escape, // one line (a name): newline and tab escaped too
  keep,   // a body of text: newline and tab stay
};

// `text` with C0 controls and DEL in caret notation (ESC → ^[, CR → ^M, DEL → ^?), the other
// hidden controls as \uXXXX, and each byte that is not part of well-formed UTF-8 as \xNN.
std::string escape_for_terminal(std::string_view text, LineBreaks line_breaks);

} // namespace messageu
