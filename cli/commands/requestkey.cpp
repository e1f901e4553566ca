// `messageu requestkey USER`: asks USER for a symmetric key (a type 1 message).
#include "commands.hpp"

#include "common.hpp"

#include <messageu/client/outbox.hpp>

#include <memory>

namespace messageu::cli {
namespace {

struct RequestkeyOptions {
  std::string user;
};

Status run_requestkey(Context &context, const RequestkeyOptions &options) {
  auto recipient = MESSAGEU_TRY(open_recipient(context, options.user));
  auto sent = MESSAGEU_TRY(recipient.outbox.send_key_request(recipient.peer));
  return print_sent(context, recipient.peer, sent, MessageType::key_request);
}

} // namespace

Command add_requestkey_command(CLI::App &parent) {
  auto options = std::make_shared<RequestkeyOptions>();
  auto *app = add_subcommand(parent, "requestkey",
                             "Ask USER for a symmetric key (type 1); prints the message id",
                             "messageu requestkey bob");
  app->add_option("USER", options->user, "A user name or a 32-hex-digit id")
      ->type_name("")
      ->required();
  return {app, [options](Context &context) { return run_requestkey(context, *options); }};
}

} // namespace messageu::cli
