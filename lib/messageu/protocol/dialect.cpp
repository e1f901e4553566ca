// The dialect table lookups.
#include <messageu/protocol/dialect.hpp>

namespace messageu::protocol {

const DialectInfo &dialect_info(Dialect dialect) {
  return k_dialects[static_cast<std::size_t>(dialect)];
}

std::string_view dialect_name(Dialect dialect) { return dialect_info(dialect).name; }

std::optional<Dialect> dialect_from_name(std::string_view name) {
  for (const auto &info : k_dialects)
    if (info.name == name)
      return info.dialect;
  return std::nullopt;
}

std::uint16_t request_code(Dialect dialect, Operation operation) {
  return static_cast<std::uint16_t>(dialect_info(dialect).request_base +
                                    static_cast<std::uint16_t>(operation));
}

std::uint16_t response_code(Dialect dialect, Operation operation) {
  return static_cast<std::uint16_t>(dialect_info(dialect).response_base +
                                    static_cast<std::uint16_t>(operation));
}

std::uint16_t wait_request_code(Dialect dialect) {
  return static_cast<std::uint16_t>(dialect_info(dialect).request_base + k_wait_index);
}

std::optional<Dialect> decode_wait_request_code(std::uint16_t code) {
  for (const auto &info : k_dialects)
    if (code == info.request_base + k_wait_index)
      return info.dialect;
  return std::nullopt;
}

std::vector<Dialect> dialects_answering_with(std::uint16_t code) {
  std::vector<Dialect> dialects;
  for (const auto &info : k_dialects)
    if (code >= info.response_base && code < info.response_base + k_operation_count)
      dialects.push_back(info.dialect);
  return dialects;
}

std::optional<RequestCodeMeaning> decode_request_code(std::uint16_t code) {
  for (const auto &info : k_dialects)
    if (code >= info.request_base && code < info.request_base + k_operation_count)
      return RequestCodeMeaning{info.dialect, static_cast<Operation>(code - info.request_base)};
  return std::nullopt;
}

std::optional<Operation> decode_response_code(Dialect dialect, std::uint16_t code) {
  auto base = dialect_info(dialect).response_base;
  if (code >= base && code < base + k_operation_count)
    return static_cast<Operation>(code - base);
  return std::nullopt;
}

std::string_view operation_name(Operation operation) {
  switch (operation) {
  case Operation::register_client: return "register";
  case Operation::list_users: return "list";
  case Operation::public_key: return "public_key";
  case Operation::send_message: return "send";
  case Operation::pull_messages: return "pull";
  case Operation::challenge: return "challenge";
  case Operation::authenticate: return "authenticate";
  case Operation::ack: return "ack";
  }
  return "unknown";
}

} // namespace messageu::protocol
