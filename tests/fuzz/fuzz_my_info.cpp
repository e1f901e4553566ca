// Fuzz target: parse_my_info, the reader of the user's identity file (name, client id, base64
// private key), on arbitrary text.
//
// Input: the file's text, as it is.
//
// Invariants: every refusal is Errc::config; an accepted file has a valid name, and what
// format_my_info writes for it parses back to the same identity, whose key loads and is
// already in the PKCS#8 form it is written in.
#include "fuzz_support.hpp"

#include <messageu/client/my_info.hpp>
#include <messageu/crypto/rsa.hpp>
#include <messageu/protocol/messages.hpp>

using namespace messageu;
using namespace messageu::client;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  auto text = as_chars(ByteView(data, size));
  auto info = parse_my_info(text);
  if (!info) {
    MESSAGEU_FUZZ_CHECK(info.error().code == Errc::config);
    return 0;
  }
  MESSAGEU_FUZZ_CHECK(protocol::validate_user_name(info->name));
  auto again = parse_my_info(format_my_info(*info));
  MESSAGEU_FUZZ_CHECK(again && *again == *info);
  auto key = crypto::RsaPrivateKey::from_der(info->private_key_der);
  MESSAGEU_FUZZ_CHECK(key && key->to_pkcs8_der() == info->private_key_der);
  return 0;
}
