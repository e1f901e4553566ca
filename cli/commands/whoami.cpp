// `messageu whoami`: the profile's identity and server, read from disk only (no network).
#include "commands.hpp"

#include <messageu/crypto/fingerprint.hpp>

namespace messageu::cli {
namespace {

std::string_view protocol_state_name(client_state::ServerProtocol protocol) {
  switch (protocol) {
  case client_state::ServerProtocol::authenticated: return "authenticated";
  case client_state::ServerProtocol::classic: return "classic";
  case client_state::ServerProtocol::unknown: break;
  }
  return "unknown";
}

std::string_view protocol_state_text(client_state::ServerProtocol protocol) {
  switch (protocol) {
  case client_state::ServerProtocol::authenticated:
    return "authenticated sessions (protocol 3): this server has authenticated this profile";
  case client_state::ServerProtocol::classic:
    return "classic (protocol 2): this server does not offer authenticated sessions";
  case client_state::ServerProtocol::unknown: break;
  }
  return "not known yet (no command has acted as this user on this server)";
}

// What this profile learnt about the server's protocol (PROTOCOL.md §10), from state.db.
Result<client_state::ServerProtocol> remembered_protocol(Context &context,
                                                         const Endpoint &endpoint) {
  auto *state = MESSAGEU_TRY(context.existing_state());
  if (state == nullptr)
    return client_state::ServerProtocol::unknown;
  return state->remembered_server_protocol(to_string(endpoint));
}

Status run_whoami(Context &context) {
  const auto *me = MESSAGEU_TRY(context.identity());
  auto endpoint = MESSAGEU_TRY(context.endpoint());
  auto fingerprint = crypto::fingerprint(me->private_key.public_key());
  auto protocol = MESSAGEU_TRY(remembered_protocol(context, endpoint));
  if (context.options().protocol == 2)
    protocol = client_state::ServerProtocol::classic;
  JsonObject record;
  record.string("name", me->info.name)
      .string("id", client_id_to_hex(me->info.id))
      .string("fingerprint", fingerprint)
      .string("server", to_string(endpoint))
      .string("session", protocol_state_name(protocol))
      .string("home", context.profile().home().string());
  std::string text = "name:        " + printable(me->info.name) +
                     "\nid:          " + client_id_to_hex(me->info.id) +
                     "\nfingerprint: " + fingerprint + "\nserver:      " + to_string(endpoint) +
                     "\nsession:     " + std::string(protocol_state_text(protocol)) + "\n";
  return context.output().result(text, record);
}

} // namespace

Command add_whoami_command(CLI::App &parent) {
  auto *app = add_subcommand(parent, "whoami",
                             "Show this profile's name, id, key fingerprint and server (offline)",
                             "messageu whoami");
  return {app, [](Context &context) { return run_whoami(context); }};
}

} // namespace messageu::cli
