// Output on the two streams, with unbuffered full writes so that what pull has reported as
// printed really reached the reader before it forgets a message.
#include "output.hpp"

#include "standard_streams.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace messageu::cli {
namespace {

// Writes all of `bytes` to `fd`, retrying short writes and EINTR; returns errno or 0.
int write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    auto written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return 0;
}

bool color_wanted(bool is_terminal) {
  // https://no-color.org: any non-empty NO_COLOR disables colour.
  const char *no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0')
    return false;
  const char *term = std::getenv("TERM");
  if (term != nullptr && std::strcmp(term, "dumb") == 0)
    return false;
  return is_terminal;
}

// A diagnostic line on stderr, with what it quotes (names, server messages) made harmless.
void write_diagnostic(std::string_view prefix, std::string_view message) {
  write_all(STDERR_FILENO, std::string(prefix) + printable(message, LineBreaks::keep) + "\n");
}

// `record` as one line, behind the "schema" field.
std::string json_line(const JsonObject &record) {
  JsonObject line;
  line.string("schema", k_json_schema).fields(record);
  return line.str() + "\n";
}

// A diagnostic as one JSON line on stderr: {"schema":...,"<kind>":"message"}.
void write_json_diagnostic(std::string_view kind, std::string_view message) {
  write_all(STDERR_FILENO, json_line(JsonObject().string(kind, message)));
}

} // namespace

std::string printable(std::string_view untrusted, LineBreaks line_breaks) {
  return escape_for_terminal(untrusted, line_breaks);
}

Output::Output(OutputSettings settings) : m_settings(settings) {
  m_stderr_is_terminal = ::isatty(STDERR_FILENO) == 1;
  m_color = color_wanted(m_stderr_is_terminal);
}

Status Output::write_stdout(std::string_view bytes) {
  if (m_stdout_closed || standard_streams::stdout_was_closed())
    return make_error(Errc::io_error, "standard output is closed");
  int error = write_all(STDOUT_FILENO, bytes);
  if (error == 0)
    return {};
  if (error == EPIPE)
    m_stdout_closed = true;
  return make_error(Errc::io_error,
                    std::string("cannot write to standard output: ") + std::strerror(error));
}

Status Output::result(std::string_view text, const JsonObject &json_record) {
  if (m_settings.json)
    return record(json_record);
  if (text.empty() || text.back() == '\n')
    return write_stdout(text);
  std::string line(text);
  line += '\n';
  return write_stdout(line);
}

Status Output::text(std::string_view bytes) {
  if (m_settings.json)
    return {};
  return write_stdout(bytes);
}

Status Output::record(const JsonObject &json_record) {
  return write_stdout(json_line(json_record));
}

std::string Output::paint(std::string_view text, std::string_view color) const {
  if (!m_color)
    return std::string(text);
  return std::string("\x1b[") + std::string(color) + "m" + std::string(text) + "\x1b[0m";
}

void Output::note(std::string_view message) const {
  if (m_settings.quiet)
    return;
  if (m_settings.json)
    return write_json_diagnostic("note", message);
  write_diagnostic("", message);
}

void Output::warning(std::string_view message) const {
  if (m_settings.quiet)
    return;
  if (m_settings.json)
    return write_json_diagnostic("warning", message);
  write_diagnostic("messageu: " + paint("warning:", "1;33") + " ", message);
}

void Output::debug(std::string_view message) const {
  if (!m_settings.verbose)
    return;
  if (m_settings.json)
    return write_json_diagnostic("debug", message);
  write_diagnostic("messageu: ", message);
}

void Output::error(std::string_view message, int exit_code) const {
  if (m_settings.json) {
    JsonObject object;
    object.string("error", message).number("exit_code", static_cast<std::uint64_t>(exit_code));
    write_all(STDERR_FILENO, json_line(object));
    return;
  }
  write_diagnostic("messageu: " + paint("error:", "1;31") + " ", message);
}

void Output::stderr_raw(std::string_view bytes) const { write_all(STDERR_FILENO, bytes); }

} // namespace messageu::cli
