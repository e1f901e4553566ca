// Escaping untrusted text for a terminal: control characters in caret and \u notation,
// invalid UTF-8 as \xNN, and printable UTF-8 (accents, emoji) left alone.
#include <messageu/util/text.hpp>

#include <gtest/gtest.h>

using namespace messageu;

TEST(EscapeForTerminal, LeavesPrintableTextAlone) {
  EXPECT_EQ(escape_for_terminal("grüße, 世界 👋 ^ \\", LineBreaks::escape), "grüße, 世界 👋 ^ \\");
  EXPECT_EQ(escape_for_terminal("", LineBreaks::escape), "");
}

TEST(EscapeForTerminal, ShowsC0ControlsAndDeleteInCaretNotation) {
  // An OSC 52 clipboard write and a CSI screen clear lose their ESC and BEL.
  EXPECT_EQ(escape_for_terminal("\x1b]52;c;aGk=\x07", LineBreaks::keep), "^[]52;c;aGk=^G");
  EXPECT_EQ(escape_for_terminal("\x1b[2J\x1b[H", LineBreaks::keep), "^[[2J^[[H");
  EXPECT_EQ(escape_for_terminal("safe\rFrom: bank", LineBreaks::keep), "safe^MFrom: bank");
  EXPECT_EQ(escape_for_terminal(std::string("a\0b\x7f\x1f", 5), LineBreaks::keep), "a^@b^?^_");
}

TEST(EscapeForTerminal, KeepsLineBreaksInTextsButNotInNames) {
  EXPECT_EQ(escape_for_terminal("one\ntwo\tthree", LineBreaks::keep), "one\ntwo\tthree");
  EXPECT_EQ(escape_for_terminal("one\ntwo\tthree", LineBreaks::escape), "one^Jtwo^Ithree");
}

TEST(EscapeForTerminal, ShowsC1AndBidiControlsAsCodePoints) {
  EXPECT_EQ(escape_for_terminal("\xc2\x9b"
                                "2J",
                                LineBreaks::keep),
            "\\u009b2J");                                                  // 8-bit CSI
  EXPECT_EQ(escape_for_terminal("\xc2\x85", LineBreaks::keep), "\\u0085"); // NEL
  // "invoice_\u202Efdp.exe" reads "invoice_exe.pdf" on a terminal that obeys the override.
  EXPECT_EQ(escape_for_terminal("invoice_\xe2\x80\xae"
                                "fdp.exe",
                                LineBreaks::escape),
            "invoice_\\u202efdp.exe");
  EXPECT_EQ(escape_for_terminal("\xe2\x81\xa6x\xe2\x81\xa9", LineBreaks::escape),
            "\\u2066x\\u2069");
  EXPECT_EQ(escape_for_terminal("\xef\xbb\xbf"
                                "bob\xe2\x80\x8b",
                                LineBreaks::escape),
            "\\ufeffbob\\u200b");
  EXPECT_EQ(escape_for_terminal("a\xe2\x80\xa8"
                                "b",
                                LineBreaks::keep),
            "a\\u2028b");
}

TEST(EscapeForTerminal, ShowsBytesThatAreNotUtf8InHex) {
  EXPECT_EQ(escape_for_terminal("\xff\xfe", LineBreaks::keep), "\\xff\\xfe");
  EXPECT_EQ(escape_for_terminal("\xc3", LineBreaks::keep), "\\xc3");          // cut short
  EXPECT_EQ(escape_for_terminal("\xc0\xaf", LineBreaks::keep), "\\xc0\\xaf"); // overlong '/'
  EXPECT_EQ(escape_for_terminal("\xed\xa0\x80", LineBreaks::keep), "\\xed\\xa0\\x80"); // surrogate
  // An overlong ESC cannot sneak past as one.
  EXPECT_EQ(escape_for_terminal("\xc0\x9b", LineBreaks::keep), "\\xc0\\x9b");
}

TEST(Utf8, DecodesCodePointsOfEachLength) {
  EXPECT_EQ(utf8_code_point("A"), U'A');
  EXPECT_EQ(utf8_code_point("\xc3\xa9"), U'\u00e9');
  EXPECT_EQ(utf8_code_point("\xe2\x80\xae"), U'\u202e');
  EXPECT_EQ(utf8_code_point("\xf0\x9f\x91\x8b"), U'\U0001f44b');
}

TEST(Utf8, ValidatesWholeTexts) {
  EXPECT_TRUE(is_valid_utf8("grüße 👋"));
  EXPECT_FALSE(is_valid_utf8("gr\xfc\xdf"
                             "e"));
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80")); // above U+10FFFF
}
