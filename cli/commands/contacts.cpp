// `messageu contacts`: the users the profile knows, with their key fingerprints and key state,
// from state.db alone (no network).
#include "commands.hpp"

#include <messageu/crypto/fingerprint.hpp>

namespace messageu::cli {
namespace {

// "pinned", "changed" (a different key awaits `trust`) or "none" (never fetched).
std::string_view key_state(const client_state::KnownUser &user) {
  if (!user.pinned_key)
    return "none";
  if (user.offered_key && *user.offered_key != *user.pinned_key)
    return "changed";
  return "pinned";
}

JsonObject contact_record(const client_state::KnownUser &user, bool shared_key) {
  JsonObject record;
  record.string("id", client_id_to_hex(user.id)).string("name", user.name);
  if (user.pinned_key)
    record.string("fingerprint", crypto::fingerprint(*user.pinned_key));
  else
    record.null("fingerprint");
  record.string("key", key_state(user));
  if (key_state(user) == "changed")
    record.string("offered_fingerprint", crypto::fingerprint(*user.offered_key));
  record.boolean("symmetric_key", shared_key)
      .signed_number("first_seen", user.first_seen)
      .signed_number("last_seen", user.last_seen);
  return record;
}

std::string contact_line(const client_state::KnownUser &user, bool shared_key) {
  std::string fingerprint = user.pinned_key ? crypto::fingerprint(*user.pinned_key) : "-";
  return client_id_to_hex(user.id) + "\t" + printable(user.name) + "\t" + fingerprint + "\t" +
         std::string(key_state(user)) + "\t" + (shared_key ? "shared key" : "no shared key") + "\n";
}

Status run_contacts(Context &context) {
  auto *state = MESSAGEU_TRY(context.existing_state());
  std::vector<client_state::KnownUser> users;
  if (state != nullptr)
    users = MESSAGEU_TRY(state->all_users());
  std::string text;
  JsonArray array;
  for (const auto &user : users) {
    bool shared_key = !MESSAGEU_TRY(state->symmetric_keys(user.id)).empty();
    text += contact_line(user, shared_key);
    array.object(contact_record(user, shared_key));
  }
  JsonObject record;
  record.array("contacts", array);
  return context.output().result(text, record);
}

} // namespace

Command add_contacts_command(CLI::App &parent) {
  auto *app = add_subcommand(
      parent, "contacts",
      "Known users: ID, NAME, FINGERPRINT, key state (pinned/changed/none), shared key (offline)",
      "messageu contacts --json");
  return {app, [](Context &context) { return run_contacts(context); }};
}

} // namespace messageu::cli
