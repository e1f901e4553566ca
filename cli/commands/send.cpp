// `messageu send USER... TEXT` / `messageu send USER... -`: encrypts and sends a text (type 3)
// to each USER, the text read once. With no key shared with a USER yet, first fetches and pins
// their public key and sends a fresh key (type 2), so that one command is enough.
#include "commands.hpp"

#include "../standard_streams.hpp"
#include "common.hpp"
#include "recipients.hpp"

#include <messageu/client/outbox.hpp>
#include <messageu/protocol/header.hpp>
#include <messageu/util/files.hpp>

#include <array>
#include <memory>
#include <unistd.h>
#include <vector>

namespace messageu::cli {
namespace {

struct SendOptions {
  std::vector<std::string> users;
  std::string text;
};

// All of stdin, byte for byte.
Result<Bytes> read_stdin() {
  MESSAGEU_TRY(standard_streams::require_stdin());
  Bytes all;
  std::array<Byte, 64 * 1024> buffer{};
  for (;;) {
    auto count = MESSAGEU_TRY(read_full_from_fd(STDIN_FILENO, buffer, "standard input"));
    all.insert(all.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(count));
    if (count < buffer.size())
      return all;
  }
}

Result<Bytes> read_text(const SendOptions &options) {
  auto text = options.text == "-" ? MESSAGEU_TRY(read_stdin()) : to_bytes(options.text);
  // Refused before anything is sent, the key message included.
  if (crypto::aes_ciphertext_size(text.size()) >
      protocol::k_max_content_size - protocol::k_send_prefix_size)
    return make_error(Errc::too_large, "the text is too large for the protocol (4 GiB)");
  return text;
}

Status run_send(Context &context, SendOptions options) {
  MESSAGEU_TRY(take_last_argument(options.users, options.text, "TEXT"));
  auto text = MESSAGEU_TRY(read_text(options));
  MESSAGEU_TRY(context.lock_profile()); // a first key changes the profile
  return send_to_each(context, options.users, MessageType::text,
                      [&text](Recipient &recipient, const crypto::AesKey &key) {
                        return recipient.outbox.send_text(recipient.peer, key, text);
                      });
}

} // namespace

Command add_send_command(CLI::App &parent) {
  auto options = std::make_shared<SendOptions>();
  auto *app =
      add_subcommand(parent, "send", "Encrypt and send TEXT (or all of stdin for -) to each USER",
                     "messageu send bob \"see you at noon\"\n  date | messageu send bob carol -");
  app->add_option("USER", options->users, "One or more user names or 32-hex-digit ids")
      ->type_name("")
      ->required();
  // Only for the help: the last argument is taken from USER (take_last_argument).
  app->add_option("TEXT", options->text, "The text, after the users (required); - reads stdin")
      ->type_name("");
  return {app, [options](Context &context) { return run_send(context, *options); }};
}

} // namespace messageu::cli
