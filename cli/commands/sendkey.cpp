// `messageu sendkey USER`: makes a fresh AES key for USER, sends it encrypted with USER's
// pinned public key (a type 2 message) and keeps it.
#include "commands.hpp"

#include "common.hpp"

#include <messageu/client/outbox.hpp>

#include <memory>

namespace messageu::cli {
namespace {

struct SendkeyOptions {
  std::string user;
};

Status run_sendkey(Context &context, const SendkeyOptions &options) {
  MESSAGEU_TRY(context.lock_profile()); // the new key changes the profile
  auto recipient = MESSAGEU_TRY(open_recipient(context, options.user));
  auto shared = MESSAGEU_TRY(recipient.outbox.send_fresh_key(recipient.peer));
  return print_sent(context, recipient.peer, *shared.key_message, MessageType::symmetric_key);
}

} // namespace

Command add_sendkey_command(CLI::App &parent) {
  auto options = std::make_shared<SendkeyOptions>();
  auto *app = add_subcommand(parent, "sendkey",
                             "Send USER a fresh symmetric key (type 2); prints the message id",
                             "messageu sendkey bob");
  app->add_option("USER", options->user, "A user name or a 32-hex-digit id")
      ->type_name("")
      ->required();
  return {app, [options](Context &context) { return run_sendkey(context, *options); }};
}

} // namespace messageu::cli
