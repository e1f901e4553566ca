// Fuzz target: every payload and header decoder of the protocol (messages.hpp, header.hpp,
// dialect.hpp) on arbitrary bytes.
//
// Input: decoder (1 byte, index into k_decoders, mod its size) · the bytes to decode. The
// send-prefix decoder first takes the header's payload size (4 bytes, little-endian).
//
// Invariants: each decoder accepts exactly the sizes its contract states and fails with the
// stated error code otherwise; whatever it accepts re-encodes to the input where the format is
// canonical (or decodes again to the same value where it is not: names after their NUL).
#include "fuzz_support.hpp"

#include <messageu/protocol/messages.hpp>

#include <algorithm>
#include <array>

using namespace messageu;
using namespace messageu::protocol;
using namespace messageu::fuzz;

namespace {

bool same_bytes(ByteView encoded, ByteView input) {
  return encoded.size() <= input.size() &&
         std::equal(encoded.begin(), encoded.end(), input.begin());
}

// For a fixed-size payload: decoded exactly when the size is right, and canonical.
template <typename Decode, typename Encode>
void check_fixed(ByteView payload, std::size_t size, Decode decode, Encode encode) {
  auto value = decode(payload);
  MESSAGEU_FUZZ_CHECK(value.has_value() == (payload.size() == size));
  if (!value)
    MESSAGEU_FUZZ_CHECK(value.error().code == Errc::size_mismatch);
  else
    MESSAGEU_FUZZ_CHECK(Bytes(encode(*value)) == Bytes(payload.begin(), payload.end()));
}

void register_request(FuzzInput &input) {
  auto payload = input.rest();
  auto request = decode_register_payload(payload);
  if (!request) {
    auto expected =
        payload.size() == k_register_payload_size ? Errc::bad_data : Errc::size_mismatch;
    MESSAGEU_FUZZ_CHECK(request.error().code == expected);
    return;
  }
  MESSAGEU_FUZZ_CHECK(validate_user_name(request->name));
  MESSAGEU_FUZZ_CHECK(payload[request->name.size()] == 0);
  auto again = decode_register_payload(encode_register_payload(*request));
  MESSAGEU_FUZZ_CHECK(again && again->name == request->name &&
                      again->public_key == request->public_key);
}

void public_key_request(FuzzInput &input) {
  check_fixed(input.rest(), k_public_key_request_size, decode_public_key_request,
              encode_public_key_request);
}

void send_prefix(FuzzInput &input) {
  auto payload_size = load_le32(input.array<4>().data());
  auto bytes = input.rest();
  auto prefix = decode_send_prefix(bytes, payload_size);
  if (!prefix) {
    auto code = prefix.error().code;
    MESSAGEU_FUZZ_CHECK(bytes.size() < k_send_prefix_size
                            ? code == Errc::truncated
                            : code == Errc::bad_data || code == Errc::size_mismatch);
    return;
  }
  MESSAGEU_FUZZ_CHECK(is_valid_message_type(prefix->type));
  MESSAGEU_FUZZ_CHECK(k_send_prefix_size + std::uint64_t{prefix->content_size} == payload_size);
  MESSAGEU_FUZZ_CHECK(same_bytes(encode_send_prefix(*prefix), bytes));
}

void ack_request(FuzzInput &input) {
  auto payload = input.rest();
  auto ids = decode_ack_payload(payload);
  bool valid = payload.size() % 4 == 0 && payload.size() / 4 <= k_max_ack_ids;
  MESSAGEU_FUZZ_CHECK(ids.has_value() == valid);
  if (ids)
    MESSAGEU_FUZZ_CHECK(encode_ack_payload(*ids) == Bytes(payload.begin(), payload.end()));
  else
    MESSAGEU_FUZZ_CHECK(ids.error().code == Errc::size_mismatch);
}

void register_answer(FuzzInput &input) {
  check_fixed(input.rest(), k_client_id_size, decode_register_answer, encode_register_answer);
}

// Names are read leniently: up to the first NUL, or all 255 bytes without one.
void user_list(FuzzInput &input) {
  auto payload = input.rest();
  auto users = decode_user_list(payload);
  MESSAGEU_FUZZ_CHECK(users.has_value() == (payload.size() % k_user_entry_size == 0));
  if (!users) {
    MESSAGEU_FUZZ_CHECK(users.error().code == Errc::size_mismatch);
    return;
  }
  MESSAGEU_FUZZ_CHECK(users->size() * k_user_entry_size == payload.size());
  for (std::size_t index = 0; index < users->size(); ++index) {
    const auto &user = (*users)[index];
    auto entry = payload.subspan(index * k_user_entry_size, k_user_entry_size);
    MESSAGEU_FUZZ_CHECK(same_bytes(user.id, entry));
    MESSAGEU_FUZZ_CHECK(same_bytes(as_bytes(user.name), entry.subspan(k_client_id_size)));
    MESSAGEU_FUZZ_CHECK(user.name.size() == k_name_field_size ||
                        entry[k_client_id_size + user.name.size()] == 0);
  }
}

void public_key_answer(FuzzInput &input) {
  check_fixed(input.rest(), k_public_key_response_size, decode_public_key_answer,
              encode_public_key_answer);
}

void send_answer(FuzzInput &input) {
  check_fixed(input.rest(), k_send_response_size, decode_send_answer, encode_send_answer);
}

void pulled_message_header(FuzzInput &input) {
  auto bytes = input.rest();
  auto header = decode_pulled_message_header(bytes);
  if (!header) {
    auto expected = bytes.size() < k_pulled_message_header_size ? Errc::truncated : Errc::bad_data;
    MESSAGEU_FUZZ_CHECK(header.error().code == expected);
    return;
  }
  MESSAGEU_FUZZ_CHECK(is_valid_message_type(header->type));
  MESSAGEU_FUZZ_CHECK(same_bytes(encode_pulled_message_header(*header), bytes));
}

void pull_payload(FuzzInput &input) {
  auto payload = input.rest();
  auto messages = decode_pull_payload(payload);
  if (!messages) {
    auto code = messages.error().code;
    MESSAGEU_FUZZ_CHECK(code == Errc::truncated || code == Errc::bad_data);
    return;
  }
  MESSAGEU_FUZZ_CHECK(encode_pull_payload(*messages) == Bytes(payload.begin(), payload.end()));
}

void ack_answer(FuzzInput &input) {
  check_fixed(input.rest(), 4, decode_ack_answer, encode_ack_answer);
}

// A header decodes from any 23 bytes; classification agrees with the code tables.
void request_header(FuzzInput &input) {
  auto bytes = input.rest();
  auto header = decode_request_header(bytes);
  MESSAGEU_FUZZ_CHECK(header.has_value() == (bytes.size() >= k_request_header_size));
  if (!header)
    return;
  MESSAGEU_FUZZ_CHECK(same_bytes(encode_request_header(*header), bytes));
  auto frame = classify_request(*header, Limits{});
  auto meaning = decode_request_code(header->code);
  if (!frame) {
    auto code = frame.error().code;
    MESSAGEU_FUZZ_CHECK(code == Errc::unknown_code
                            ? !meaning
                            : code == Errc::size_mismatch || code == Errc::too_large);
    return;
  }
  MESSAGEU_FUZZ_CHECK(meaning && meaning->dialect == frame->dialect &&
                      meaning->operation == frame->operation);
  MESSAGEU_FUZZ_CHECK(request_code(frame->dialect, frame->operation) == header->code);
  MESSAGEU_FUZZ_CHECK(header->payload_size <= max_request_payload(Limits{}));
}

void response_header(FuzzInput &input) {
  auto bytes = input.rest();
  auto header = decode_response_header(bytes);
  MESSAGEU_FUZZ_CHECK(header.has_value() == (bytes.size() >= k_response_header_size));
  if (!header)
    return;
  MESSAGEU_FUZZ_CHECK(same_bytes(encode_response_header(*header), bytes));
  for (const auto &info : k_dialects) {
    auto operation = decode_response_code(info.dialect, header->code);
    if (operation)
      MESSAGEU_FUZZ_CHECK(response_code(info.dialect, *operation) == header->code);
    else
      MESSAGEU_FUZZ_CHECK(header->code < info.response_base ||
                          header->code >= info.response_base + k_operation_count);
  }
}

void name_field(FuzzInput &input) {
  auto field = input.rest();
  auto lenient = decode_name_field(field, false);
  auto strict = decode_name_field(field, true);
  bool has_nul = std::find(field.begin(), field.end(), Byte{0}) != field.end();
  MESSAGEU_FUZZ_CHECK(lenient && strict.has_value() == has_nul);
  MESSAGEU_FUZZ_CHECK(!strict || *strict == *lenient);
  MESSAGEU_FUZZ_CHECK(same_bytes(as_bytes(*lenient), field));
  MESSAGEU_FUZZ_CHECK(lenient->find('\0') == std::string::npos);
  bool printable =
      std::all_of(lenient->begin(), lenient->end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
  bool valid = !lenient->empty() && lenient->size() <= k_max_name_length && printable;
  MESSAGEU_FUZZ_CHECK(validate_user_name(*lenient).has_value() == valid);
}

using Decoder = void (*)(FuzzInput &);
// The order is the input's selector byte; make_corpus.py names the same indices.
constexpr std::array<Decoder, 14> k_decoders = {
    register_request,      public_key_request, send_prefix,       ack_request,
    register_answer,       user_list,          public_key_answer, send_answer,
    pulled_message_header, pull_payload,       ack_answer,        request_header,
    response_header,       name_field};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  FuzzInput input(data, size);
  k_decoders[input.byte() % k_decoders.size()](input);
  return 0;
}
