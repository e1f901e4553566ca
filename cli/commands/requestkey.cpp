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
  auto *link = MESSAGEU_TRY(context.user_link());
  auto *directory = MESSAGEU_TRY(context.directory());
  auto *state = MESSAGEU_TRY(context.state());
  auto peer = MESSAGEU_TRY(directory->resolve(options.user));
  client::Outbox outbox(*link, *state, *directory);
  auto sent = MESSAGEU_TRY(outbox.send_key_request(peer));
  return print_sent(context, peer, sent, MessageType::key_request);
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
