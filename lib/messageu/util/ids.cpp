// Text forms of ids and message types.
#include <messageu/util/hex.hpp>
#include <messageu/util/ids.hpp>

namespace messageu {

std::string client_id_to_hex(const ClientId &id) { return to_hex(id); }

Result<ClientId> client_id_from_hex(std::string_view text) {
  auto id = array_from_hex<k_client_id_size>(text);
  if (!id)
    return make_error(Errc::bad_data, "a client id is 32 hex digits");
  return *id;
}

std::string_view message_type_name(MessageType type) {
  switch (type) {
  case MessageType::key_request: return "key_request";
  case MessageType::symmetric_key: return "key";
  case MessageType::text: return "text";
  case MessageType::file: return "file";
  }
  return "unknown";
}

} // namespace messageu
