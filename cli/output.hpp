// Where everything the CLI says goes. stdout carries data only (text lines, or one JSON
// object per line with --json); diagnostics, warnings, progress and errors go to stderr.
// --quiet keeps stderr to errors; --verbose adds diagnostics (the callers never pass keys or
// plaintext). With --json every line on either stream is one JSON object whose first field is
// "schema" (docs/JSON.md): results and messages on stdout; notes, warnings, diagnostics and
// the error on stderr. A closed stdout (EPIPE) is reported once as an I/O error and remembered, so
// the program can end quietly instead of complaining about the pipe.
#pragma once

#include "json.hpp"

#include <messageu/util/result.hpp>
#include <messageu/util/text.hpp>

#include <string>
#include <string_view>

namespace messageu::cli {

// The version of the JSON format (docs/JSON.md), the "schema" field of every object printed.
// Fields may be added under the same version; renaming, removing or changing the meaning of
// one takes a new version.
inline constexpr std::string_view k_json_schema = "messageu/1";

// Text from others (a user name, a message text, a path made from a name) as it may be shown
// on a terminal: control characters in caret or \u notation, bytes that are not UTF-8 as \xNN
// (escape_for_terminal()). Every command prints names in text mode through this; a name is
// one line (`line_breaks` escape), a message text keeps its lines.
std::string printable(std::string_view untrusted, LineBreaks line_breaks = LineBreaks::escape);

struct OutputSettings {
  bool json = false;
  bool quiet = false;
  bool verbose = false;
};

class Output {
public:
  // Reads the terminal state of stderr and NO_COLOR / TERM once.
  explicit Output(OutputSettings settings);

  bool json() const { return m_settings.json; }
  bool quiet() const { return m_settings.quiet; }
  bool verbose() const { return m_settings.verbose; }
  // Progress bars are drawn only on a terminal, never under --quiet nor between JSON lines.
  bool progress_enabled() const {
    return m_stderr_is_terminal && !m_settings.quiet && !m_settings.json;
  }

  // The result of a command: `text` (one or more lines, each ended here with '\n' when it
  // lacks one) in text mode, or `record` on one line with --json. Errc::io_error when stdout
  // cannot be written (closed pipe, full disk).
  Status result(std::string_view text, const JsonObject &record);
  // Data in text mode only, written exactly as given.
  Status text(std::string_view bytes);
  // One JSON record on its own line, "schema" first.
  Status record(const JsonObject &record);

  // Progress notes ("fetched bob's key") on stderr, unless --quiet; {"note":"..."} with --json.
  void note(std::string_view message) const;
  // Warnings on stderr, unless --quiet; {"warning":"..."} with --json.
  void warning(std::string_view message) const;
  // Diagnostics on stderr, only with --verbose; {"debug":"..."} with --json.
  void debug(std::string_view message) const;
  // The final error: "messageu: error: ..." or {"error":"...","exit_code":N} on stderr.
  void error(std::string_view message, int exit_code) const;
  // Writes raw bytes to stderr (progress bars redraw with '\r').
  void stderr_raw(std::string_view bytes) const;

  // True once a write to stdout failed because the reader went away.
  bool stdout_closed() const { return m_stdout_closed; }

private:
  Status write_stdout(std::string_view bytes);
  std::string paint(std::string_view text, std::string_view color) const;

  OutputSettings m_settings;
  bool m_stderr_is_terminal = false;
  bool m_color = false;
  bool m_stdout_closed = false;
};

} // namespace messageu::cli
