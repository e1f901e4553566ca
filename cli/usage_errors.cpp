// Finding the word a parse error is about, and the closest known word to suggest.
#include "usage_errors.hpp"

#include <algorithm>
#include <cstdlib>
#include <numeric>

namespace messageu::cli {
namespace {

// The commands whose last argument is free text or a path, which may start with '-'.
bool takes_free_argument(const CLI::App *command) {
  return command != nullptr && (command->get_name() == "send" || command->get_name() == "sendfile");
}

std::size_t edit_distance(std::string_view from, std::string_view to) {
  std::vector<std::size_t> row(to.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= from.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= to.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (from[i - 1] != to[j - 1])});
      diagonal = above;
    }
  }
  return row[to.size()];
}

// The subcommand that was recognised, or nullptr.
CLI::App *parsed_command(CLI::App &app) {
  auto commands = app.get_subcommands();
  return commands.empty() ? nullptr : commands.front();
}

std::vector<std::string> command_names(const CLI::App &app) {
  std::vector<std::string> names;
  for (const auto *command : app.get_subcommands({}))
    names.push_back(command->get_name());
  return names;
}

// Every long option (--name) of `app` and, when given, of `command`.
std::vector<std::string> option_names(const CLI::App &app, const CLI::App *command) {
  std::vector<std::string> names;
  for (const auto *scope : {&app, command}) {
    if (scope == nullptr)
      continue;
    for (const auto *option : scope->get_options())
      for (const auto &name : option->get_lnames())
        names.push_back("--" + name);
  }
  return names;
}

// "--timeout=5" → "--timeout".
std::string option_word(const std::string &argument) {
  return argument.substr(0, argument.find('='));
}

bool is_known_option(CLI::App &app, CLI::App *command, const std::string &argument) {
  auto word = option_word(argument);
  return app.get_option_no_throw(word) != nullptr ||
         (command != nullptr && command->get_option_no_throw(word) != nullptr);
}

// True for an option of the root that takes a value (--home DIR): its value is not a word.
bool takes_value(CLI::App &app, const std::string &argument) {
  if (argument.find('=') != std::string::npos)
    return false;
  const auto *option = app.get_option_no_throw(argument);
  return option != nullptr && option->get_items_expected_min() > 0;
}

// The first argument before "--" that starts with '-' and is no option of the command.
std::string first_unknown_option(CLI::App &app, CLI::App *command,
                                 const std::vector<std::string> &arguments) {
  for (const auto &argument : arguments) {
    if (argument == "--")
      break;
    if (argument.size() > 1 && argument[0] == '-' && !is_known_option(app, command, argument))
      return argument;
  }
  return {};
}

// The first word that is neither an option nor an option's value: what was meant as a command.
std::string first_word(CLI::App &app, const std::vector<std::string> &arguments) {
  for (std::size_t index = 0; index < arguments.size(); ++index) {
    const auto &argument = arguments[index];
    if (argument == "--")
      return index + 1 < arguments.size() ? arguments[index + 1] : std::string();
    if (argument.empty() || argument[0] != '-')
      return argument;
    if (takes_value(app, argument))
      ++index;
  }
  return {};
}

std::string suggestion(std::string_view word, const std::vector<std::string> &candidates) {
  auto closest = closest_word(word, candidates);
  return closest.empty() ? std::string() : "; did you mean " + closest + "?";
}

// How to pass a text or path that starts with '-' (send and sendfile).
std::string dash_hint(const CLI::App *command, const std::string &argument) {
  if (!takes_free_argument(command) || argument.empty())
    return {};
  return "\nIf " + argument + " is the " +
         (command->get_name() == "send" ? std::string("text") : std::string("file")) +
         ", put -- before it: messageu " + command->get_name() + " USER -- " + argument;
}

std::string unknown_option(CLI::App &app, CLI::App *command, const std::string &argument) {
  return "unknown option " + option_word(argument) +
         suggestion(option_word(argument), option_names(app, command)) +
         dash_hint(command, argument);
}

// A value rejected for "--name: ...": when --name is not on the command line, the value came
// from its environment variable, and the message says so.
std::string blame_environment(CLI::App &app, const std::string &message,
                              const std::vector<std::string> &arguments) {
  auto colon = message.find(':');
  if (!message.starts_with("--") || colon == std::string::npos)
    return message;
  auto name = message.substr(0, colon);
  const auto *option = app.get_option_no_throw(name);
  if (option == nullptr || option->get_envname().empty())
    return message;
  bool typed =
      std::any_of(arguments.begin(), arguments.end(), [&name](const std::string &argument) {
        return argument == name || argument.starts_with(name + "=");
      });
  if (typed)
    return message;
  const char *value = std::getenv(option->get_envname().c_str());
  return "environment variable " + option->get_envname() + "=" + (value ? value : "") + ":" +
         message.substr(colon + 1) + " (it stands for " + name + ")";
}

// CLI11's "The following arguments were not expected: a b" as "unexpected argument: a b".
std::string unexpected_arguments(const std::string &message) {
  auto colon = message.find(": ");
  return "unexpected argument: " +
         (colon == std::string::npos ? message : message.substr(colon + 2));
}

} // namespace

std::string closest_word(std::string_view word, const std::vector<std::string> &candidates) {
  std::string best;
  auto best_distance = std::max<std::size_t>(1, std::min<std::size_t>(2, word.size() / 3)) + 1;
  std::vector<std::string> extending;
  for (const auto &candidate : candidates) {
    auto distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
    if (word.size() >= 2 && candidate.starts_with(word))
      extending.push_back(candidate);
  }
  if (best.empty() && extending.size() == 1)
    return extending.front();
  return best;
}

// CLI11 names some errors after the app rather than their kind: the kind is the type.
template <typename Kind> bool is(const CLI::ParseError &error) {
  return dynamic_cast<const Kind *>(&error) != nullptr;
}

std::string explain_usage_error(CLI::App &app, const CLI::ParseError &error,
                                const std::vector<std::string> &arguments) {
  auto *command = parsed_command(app);
  bool extras = is<CLI::ExtrasError>(error);
  bool missing = is<CLI::RequiredError>(error) || is<CLI::ArgumentMismatch>(error);
  if (command == nullptr) {
    auto unknown = first_unknown_option(app, nullptr, arguments);
    auto word = first_word(app, arguments);
    if (!word.empty())
      return "unknown command " + word + suggestion(word, command_names(app));
    if (!unknown.empty())
      return unknown_option(app, nullptr, unknown);
    if (missing)
      return "a command is required: register, whoami, ping, list, getkey, requestkey, "
             "sendkey, send, sendfile, pull, contacts, trust or completion";
  }
  if (extras || missing) {
    auto unknown = first_unknown_option(app, command, arguments);
    if (!unknown.empty())
      return unknown_option(app, command, unknown);
  }
  if (extras)
    return unexpected_arguments(error.what());
  return blame_environment(app, error.what(), arguments);
}

std::string mistaken_help_argument(const std::vector<std::string> &arguments) {
  for (const auto &argument : arguments) {
    if (argument == "--")
      return {};
    // -h, --help and combined short flags such as -qh are real requests for help.
    if (argument.starts_with("-h") && argument.size() > 2 &&
        argument.find_first_not_of("hqv", 1) != std::string::npos)
      return argument;
  }
  return {};
}

std::string explain_mistaken_help(CLI::App &app, const std::string &argument) {
  auto *command = parsed_command(app);
  return unknown_option(app, command, argument);
}

} // namespace messageu::cli
