// What an unexpected answer most likely means, and what to try.
#include <messageu/client/answer_diagnosis.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace messageu::client {
namespace {

constexpr std::string_view k_check_address =
    "check the address ('messageu ping' tells what answers there)";

bool all_zero(ByteView bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](Byte byte) { return byte == 0; });
}

bool is_text(ByteView bytes) {
  return !bytes.empty() && std::all_of(bytes.begin(), bytes.end(), [](Byte byte) {
    return (byte >= 0x20 && byte < 0x7f) || byte == '\r' || byte == '\n' || byte == '\t';
  });
}

// "2021c", "2025a and 2022", "2025a, 2022 and 2026".
std::string name_list(const std::vector<protocol::Dialect> &dialects) {
  std::string text;
  for (std::size_t index = 0; index < dialects.size(); ++index) {
    if (index > 0)
      text += index + 1 == dialects.size() ? " and " : ", ";
    text += protocol::dialect_name(dialects[index]);
  }
  return text;
}

Error other_dialect(std::uint16_t code, protocol::Dialect spoken,
                    const std::vector<protocol::Dialect> &owners) {
  std::string message = "the server answered with code " + std::to_string(code) +
                        ", which belongs to dialect" + (owners.size() > 1 ? "s " : " ") +
                        name_list(owners) + ", not to " +
                        std::string(protocol::dialect_name(spoken)) + ": try ";
  if (owners.size() == 1)
    message += "--dialect " + std::string(protocol::dialect_name(owners.front())) + ", or ";
  return make_error(Errc::unexpected_code, message + "--dialect auto");
}

} // namespace

std::optional<Error> diagnose_response_header(ByteView header_bytes, std::uint16_t code,
                                              protocol::Dialect spoken) {
  if (code == protocol::k_error_code || protocol::decode_response_code(spoken, code))
    return std::nullopt;
  if (all_zero(header_bytes))
    return make_error(Errc::unexpected_code,
                      "the server answered with zeros instead of a MessageU response: it is "
                      "probably not a MessageU server; " +
                          std::string(k_check_address));
  if (is_text(header_bytes))
    return make_error(Errc::unexpected_code,
                      "the server answered with text (\"" +
                          std::string(header_bytes.begin(), header_bytes.end()) +
                          "...\") instead of a MessageU response: it is not a MessageU server" +
                          (header_bytes.size() >= 4 && header_bytes[0] == 'H' &&
                                   header_bytes[1] == 'T' && header_bytes[2] == 'T' &&
                                   header_bytes[3] == 'P'
                               ? " but a web server"
                               : "") +
                          "; " + std::string(k_check_address));
  auto owners = protocol::dialects_answering_with(code);
  if (!owners.empty())
    return other_dialect(code, spoken, owners);
  return make_error(Errc::unexpected_code, "the server answered with code " + std::to_string(code) +
                                               ", which no MessageU dialect uses: it is probably "
                                               "not a MessageU server; " +
                                               std::string(k_check_address));
}

Error closed_without_answer(const Endpoint &endpoint, protocol::Dialect spoken) {
  return make_error(Errc::connection_closed,
                    "the server at " + to_string(endpoint) +
                        " closed the connection without answering: it may not understand "
                        "dialect " +
                        std::string(protocol::dialect_name(spoken)) +
                        " (try --dialect auto), or it is not a MessageU server; " +
                        std::string(k_check_address));
}

} // namespace messageu::client
