// `messageu trust USER [--fingerprint HEX]`: accepts USER's current server key after it
// changed (CLI.md §5), optionally only if its fingerprint is the one the user checked.
#include "commands.hpp"

#include <messageu/client/requests.hpp>
#include <messageu/client/trust_policy.hpp>
#include <messageu/crypto/fingerprint.hpp>

#include <memory>

namespace messageu::cli {
namespace {

struct TrustOptions {
  std::string user;
  std::string fingerprint;
};

Status check_expected(const TrustOptions &options, const client::Peer &peer,
                      const std::string &actual) {
  if (options.fingerprint.empty())
    return {};
  auto expected = crypto::normalize_fingerprint(options.fingerprint);
  if (!expected)
    return make_error(Errc::invalid_argument,
                      "--fingerprint: " + expected.error().message + " (64 hex digits)");
  if (*expected != actual)
    return make_error(Errc::key_changed,
                      "the server's key for " + peer.label() + " has the fingerprint\n  " + actual +
                          "\nnot the expected\n  " + *expected + "\nNothing was changed.");
  return {};
}

Result<bool> accept_key(client_state::ClientState &state, const client::Peer &peer,
                        const PublicKeyBytes &key) {
  auto known = MESSAGEU_TRY(state.find_user_by_id(peer.id));
  if (!known || !known->pinned_key) {
    MESSAGEU_TRY(client::pin_key(state, peer.id, key));
    return true;
  }
  bool changed = *known->pinned_key != key;
  // Also clears a pending offered key, should the server have gone back to the pinned one.
  MESSAGEU_TRY(state.replace_pinned_key(peer.id, key));
  return changed;
}

Status run_trust(Context &context, const TrustOptions &options) {
  MESSAGEU_TRY(context.lock_profile());
  auto *directory = MESSAGEU_TRY(context.directory());
  auto *state = MESSAGEU_TRY(context.state());
  auto *link = MESSAGEU_TRY(context.link());
  auto peer = MESSAGEU_TRY(directory->resolve(options.user));
  auto key = MESSAGEU_TRY(client::get_public_key(*link, peer.id));
  auto fingerprint = crypto::fingerprint(key);
  MESSAGEU_TRY(check_expected(options, peer, fingerprint));
  bool changed = MESSAGEU_TRY(accept_key(*state, peer, key));
  if (!changed)
    context.output().note("the key of " + peer.label() + " was already trusted");
  JsonObject record;
  record.string("id", client_id_to_hex(peer.id))
      .string("name", peer.name)
      .string("fingerprint", fingerprint)
      .boolean("changed", changed);
  return context.output().result(fingerprint, record);
}

} // namespace

Command add_trust_command(CLI::App &parent) {
  auto options = std::make_shared<TrustOptions>();
  auto *app = add_subcommand(parent, "trust", "Accept USER's current server key after it changed",
                             "messageu trust bob --fingerprint \"3f2a 9c01 ...\"");
  app->add_option("USER", options->user, "A user name or a 32-hex-digit id")
      ->type_name("")
      ->required();
  app->add_option("--fingerprint", options->fingerprint,
                  "Accept the key only if its fingerprint is HEX (spaces and colons allowed)")
      ->type_name("HEX");
  return {app, [options](Context &context) { return run_trust(context, *options); }};
}

} // namespace messageu::cli
