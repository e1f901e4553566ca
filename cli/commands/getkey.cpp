// `messageu getkey USER`: fetches USER's public key and pins it on first sight (CLI.md §5).
#include "commands.hpp"

#include "common.hpp"

#include <messageu/crypto/fingerprint.hpp>

#include <memory>

namespace messageu::cli {
namespace {

struct GetkeyOptions {
  std::string user;
};

Status print_key(Context &context, const client::Peer &peer, const PublicKeyBytes &key) {
  auto fingerprint = crypto::fingerprint(key);
  JsonObject record;
  record.string("id", client_id_to_hex(peer.id))
      .string("name", peer.name)
      .string("fingerprint", fingerprint);
  return context.output().result(
      client_id_to_hex(peer.id) + "\t" + printable(peer.name) + "\t" + fingerprint, record);
}

Status run_getkey(Context &context, const GetkeyOptions &options) {
  MESSAGEU_TRY(context.lock_profile()); // pinning changes the profile
  auto *directory = MESSAGEU_TRY(context.directory());
  auto peer = MESSAGEU_TRY(directory->resolve(options.user));
  auto key = MESSAGEU_TRY(directory->fetch_trusted_key(peer));
  return print_key(context, peer, key);
}

} // namespace

Command add_getkey_command(CLI::App &parent) {
  auto options = std::make_shared<GetkeyOptions>();
  auto *app = add_subcommand(parent, "getkey",
                             "Fetch USER's public key, pin it, print ID<TAB>NAME<TAB>FINGERPRINT",
                             "messageu getkey bob");
  app->add_option("USER", options->user, "A user name or a 32-hex-digit id")
      ->type_name("")
      ->required();
  return {app, [options](Context &context) { return run_getkey(context, *options); }};
}

} // namespace messageu::cli
