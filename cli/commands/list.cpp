// `messageu list [--cached]`: the users the server knows (all but oneself), refreshing the
// profile's cache, or the cache alone with --cached.
#include "commands.hpp"

#include <memory>

namespace messageu::cli {
namespace {

struct ListOptions {
  bool cached = false;
};

struct Listed {
  ClientId id{};
  std::string name;
};

Result<std::vector<Listed>> cached_users(Context &context) {
  std::vector<Listed> users;
  auto *state = MESSAGEU_TRY(context.existing_state());
  if (state == nullptr)
    return users;
  for (auto &user : MESSAGEU_TRY(state->all_users()))
    if (!user.name.empty())
      users.push_back(Listed{user.id, std::move(user.name)});
  return users;
}

Result<std::vector<Listed>> server_users(Context &context) {
  auto *directory = MESSAGEU_TRY(context.directory());
  std::vector<Listed> users;
  for (auto &user : MESSAGEU_TRY(directory->refresh()))
    users.push_back(Listed{user.id, std::move(user.name)});
  return users;
}

Status print_users(Context &context, const std::vector<Listed> &users) {
  std::string text;
  JsonArray array;
  for (const auto &user : users) {
    text += client_id_to_hex(user.id) + "\t" + printable(user.name) + "\n";
    array.object(JsonObject().string("id", client_id_to_hex(user.id)).string("name", user.name));
  }
  JsonObject record;
  record.array("users", array);
  return context.output().result(text, record);
}

Status run_list(Context &context, const ListOptions &options) {
  auto users = options.cached ? cached_users(context) : server_users(context);
  if (!users)
    return users.error();
  return print_users(context, *users);
}

} // namespace

Command add_list_command(CLI::App &parent) {
  auto options = std::make_shared<ListOptions>();
  auto *app = add_subcommand(parent, "list",
                             "List the registered users (ID<TAB>NAME) and refresh the cache",
                             "messageu list --cached");
  app->add_flag("--cached", options->cached, "Show the cached list, without asking the server");
  return {app, [options](Context &context) { return run_list(context, *options); }};
}

} // namespace messageu::cli
