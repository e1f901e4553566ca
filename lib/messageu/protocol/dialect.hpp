// The operations of the MessageU protocol and the dialects that number them (PROTOCOL.md §3,
// §10). Dialects are data: one table of code bases; every code is base + operation index.
// The server recognises every dialect at once from the request code; a client speaks one.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace messageu::protocol {

inline constexpr std::uint8_t k_classic_version = 2;       // PROTOCOL.md §2
inline constexpr std::uint8_t k_authenticated_version = 3; // PROTOCOL.md §10
inline constexpr std::uint8_t k_server_version = 2;
inline constexpr std::uint16_t k_error_code = 9000;

// In wire order: the code of an operation is its dialect's base plus this index.
enum class Operation : std::uint8_t {
  register_client = 0,
  list_users = 1,
  public_key = 2,
  send_message = 3,
  pull_messages = 4,
  challenge = 5,    // version 3 extension
  authenticate = 6, // version 3 extension
  ack = 7,          // version 3 extension
};
inline constexpr std::size_t k_operation_count = 8;

enum class Dialect : std::uint8_t { v2025a, v2022, v2021c, v2026 };

struct DialectInfo {
  Dialect dialect;
  std::string_view name;
  std::uint16_t request_base;
  std::uint16_t response_base;
};

inline constexpr std::array<DialectInfo, 4> k_dialects = {{
    {Dialect::v2025a, "2025a", 600, 2100},
    {Dialect::v2022, "2022", 1100, 2100},
    {Dialect::v2021c, "2021c", 1000, 2000},
    {Dialect::v2026, "2026", 700, 2100},
}};
inline constexpr Dialect k_default_dialect = Dialect::v2025a;
// The order in which `--dialect auto` tries the dialects: the most widely deployed first.
inline constexpr std::array<Dialect, 4> k_detection_order = {Dialect::v2025a, Dialect::v2022,
                                                             Dialect::v2021c, Dialect::v2026};
// WAIT (PROTOCOL.md §11) is request base + 8 and is answered like a pull. It is not an
// Operation: a request frame marks it (RequestFrame::wait) and carries the pull operation.
inline constexpr std::uint16_t k_wait_index = 8;

const DialectInfo &dialect_info(Dialect dialect);
std::string_view dialect_name(Dialect dialect);
// "2025a", "2022", "2021c", "2026"; anything else → nullopt.
std::optional<Dialect> dialect_from_name(std::string_view name);

std::uint16_t request_code(Dialect dialect, Operation operation);
std::uint16_t response_code(Dialect dialect, Operation operation);

struct RequestCodeMeaning {
  Dialect dialect;
  Operation operation;
};
// Which dialect and operation a request code means; nullopt for a code no dialect has.
std::optional<RequestCodeMeaning> decode_request_code(std::uint16_t code);

// Which operation a response code answers in `dialect`; nullopt if it is none of them
// (9000 included: test for k_error_code first).
std::optional<Operation> decode_response_code(Dialect dialect, std::uint16_t code);

std::uint16_t wait_request_code(Dialect dialect);
// The dialect whose WAIT request code `code` is; nullopt for any other code.
std::optional<Dialect> decode_wait_request_code(std::uint16_t code);

// The dialects whose response codes include `code` (9000 excluded), in table order: an answer
// that is not in the dialect spoken says which dialect the server may speak instead.
std::vector<Dialect> dialects_answering_with(std::uint16_t code);

// "register", "list", "public_key", "send", "pull", "challenge", "authenticate", "ack".
std::string_view operation_name(Operation operation);

} // namespace messageu::protocol
