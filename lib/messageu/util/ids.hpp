// The fixed-size values that every layer passes around: client ids, message ids, the
// 160-byte public key, and the protocol's field sizes (PROTOCOL.md §4).
#pragma once

#include <messageu/util/bytes.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace messageu {

inline constexpr std::size_t k_client_id_size = 16;
inline constexpr std::size_t k_name_field_size = 255;
inline constexpr std::size_t k_max_name_length = k_name_field_size - 1; // NUL-terminated
inline constexpr std::size_t k_public_key_size = 160;
inline constexpr std::size_t k_symmetric_key_size = 16;
inline constexpr std::size_t k_encrypted_symmetric_key_size = 128;

using ClientId = std::array<Byte, k_client_id_size>;
using PublicKeyBytes = std::array<Byte, k_public_key_size>;
using MessageId = std::uint32_t;

// 32 lower-case hex digits.
std::string client_id_to_hex(const ClientId &id);
// 32 hex digits of either case, else Errc::bad_data.
Result<ClientId> client_id_from_hex(std::string_view text);

// The message types of PROTOCOL.md §5.
enum class MessageType : std::uint8_t {
  key_request = 1,
  symmetric_key = 2,
  text = 3,
  file = 4,
};

inline bool is_valid_message_type(std::uint8_t value) { return value >= 1 && value <= 4; }

// "key_request", "key", "text", "file": the names CLI.md §3 uses in JSON.
std::string_view message_type_name(MessageType type);

} // namespace messageu
