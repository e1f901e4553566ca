// `messageu register NAME`: makes a key pair, registers NAME with the server and writes
// my.info. Everything that can be refused offline is refused before the key is made.
#include "commands.hpp"

#include <messageu/client/requests.hpp>
#include <messageu/protocol/messages.hpp>
#include <messageu/util/files.hpp>

#include <memory>

namespace messageu::cli {
namespace {

struct RegisterOptions {
  std::string name;
};

Status refuse_if_registered(Context &context) {
  if (context.profile().is_registered())
    return make_error(Errc::config, "already registered: " +
                                        context.profile().my_info_path().string() + " exists");
  return {};
}

Status check_name(const std::string &name) {
  auto valid = protocol::validate_user_name(name);
  if (!valid)
    return make_error(Errc::bad_data, "invalid name '" + name + "': " + valid.error().message);
  return {};
}

Result<ClientId> register_with_server(Context &context, const std::string &name,
                                      const crypto::RsaPrivateKey &key) {
  auto *link = MESSAGEU_TRY(context.link());
  auto id = client::register_user(*link, name, key.public_key());
  // With --dialect auto the link's error already names both likely causes.
  bool dialect_named = link->settings().dialect_mode == client::DialectMode::fixed;
  if (!id && id.error().code == Errc::server_error && dialect_named)
    return make_error(Errc::server_error,
                      "server responded with an error (is the name '" + name + "' taken?)");
  return id;
}

// A server given by --server or $MESSAGEU_SERVER is remembered when the profile has none, so
// that the next commands need not repeat it.
Status remember_server(Context &context, const Endpoint &endpoint) {
  std::error_code error;
  auto path = context.profile().server_info_path();
  if (std::filesystem::exists(path, error))
    return {};
  return write_file_atomically(path, to_string(endpoint) + "\n", 0600);
}

Status print_registered(Context &context, const client::MyInfo &info) {
  JsonObject record;
  record.string("id", client_id_to_hex(info.id)).string("name", info.name);
  return context.output().result(client_id_to_hex(info.id), record);
}

Status run_register(Context &context, const RegisterOptions &options) {
  MESSAGEU_TRY(check_name(options.name));
  MESSAGEU_TRY(refuse_if_registered(context));
  MESSAGEU_TRY(context.lock_profile());
  MESSAGEU_TRY(refuse_if_registered(context)); // another process may have won the lock
  auto endpoint = MESSAGEU_TRY(context.endpoint());
  auto key = crypto::RsaPrivateKey::generate();
  auto id = MESSAGEU_TRY(register_with_server(context, options.name, key));
  client::MyInfo info{options.name, id, key.to_pkcs8_der()};
  MESSAGEU_TRY(client::save_my_info(context.profile().my_info_path(), info));
  MESSAGEU_TRY(remember_server(context, endpoint));
  return print_registered(context, info);
}

} // namespace

Command add_register_command(CLI::App &parent) {
  auto options = std::make_shared<RegisterOptions>();
  auto *app = add_subcommand(parent, "register",
                             "Make a key pair, register NAME with the server, write my.info",
                             "messageu --server 127.0.0.1:1357 register alice");
  app->add_option("NAME", options->name, "The user name (1 to 254 printable ASCII characters)")
      ->type_name("")
      ->required();
  return {app, [options](Context &context) { return run_register(context, *options); }};
}

} // namespace messageu::cli
