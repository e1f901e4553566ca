// Command-line parsing with CLI11 and the one place where an outcome becomes an exit status.
#include "app.hpp"

#include "commands/commands.hpp"
#include "context.hpp"
#include "output.hpp"
#include "standard_streams.hpp"
#include "usage_errors.hpp"

#include <messageu/client/exit_code.hpp>
#include <messageu/util/version.hpp>

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstring>
#include <string>
#include <vector>

namespace messageu::cli {
namespace {

constexpr const char *k_description =
    "messageu: end-to-end encrypted messaging over a MessageU server.\n"
    "Every command does its work, prints its result and exits; nothing ever prompts.";

constexpr const char *k_footer = R"(Environment:
  MESSAGEU_HOME, MESSAGEU_SERVER, MESSAGEU_DIALECT, MESSAGEU_PROTOCOL, MESSAGEU_TIMEOUT,
  MESSAGEU_RETRIES, MESSAGEU_INSECURE_PROFILE stand for the options of the same name;
  NO_COLOR disables colour.

Exit status:
  0 success, 1 partly done (the rest kept and reported), 64 usage error, 65 bad data,
  66 input file not found, 67 unknown user, 68 unknown host, 69 the server answered with an error, 70 internal error,
  73 cannot create an output file, 74 local I/O error, 75 temporary failure (try again later),
  76 protocol error, 77 a user's key changed and is not trusted, or the profile is open to
  others, 78 configuration error.

Example:
  messageu --server 127.0.0.1:1357 register alice
  messageu send bob "hello"
  messageu pull)";

// The longest wait an option accepts: a day, far beyond any sensible timeout, and small enough
// that the milliseconds cannot overflow.
constexpr double k_max_seconds = 86400;

// A number of seconds in (0, k_max_seconds], or [0, k_max_seconds] when `zero_allowed`, with an
// error that reads like a sentence ("'0' is not a number of seconds above 0 to 86400").
CLI::Validator seconds_validator(bool zero_allowed) {
  std::string range = std::string(zero_allowed ? "from 0" : "above 0") + " to " +
                      std::to_string(static_cast<int>(k_max_seconds));
  return CLI::Validator(
      [zero_allowed, range](std::string &value) -> std::string {
        double seconds = 0;
        bool number = CLI::detail::lexical_cast(value, seconds);
        if (number && (zero_allowed ? seconds >= 0 : seconds > 0) && seconds <= k_max_seconds)
          return {};
        return "'" + value + "' is not a number of seconds " + range;
      },
      zero_allowed ? "NONNEGATIVE" : "POSITIVE");
}

// A whole number in [low, high], with an error that says so.
CLI::Validator count_validator(int low, int high) {
  std::string range = "from " + std::to_string(low) + " to " + std::to_string(high);
  return CLI::Validator(
      [low, high, range](std::string &value) -> std::string {
        int count = 0;
        if (CLI::detail::lexical_cast(value, count) && count >= low && count <= high)
          return {};
        return "'" + value + "' is not a whole number " + range;
      },
      "INT in [" + std::to_string(low) + " - " + std::to_string(high) + "]");
}

// The options as CLI11 fills them; empty strings stand for "not given".
struct ParsedOptions {
  std::string home;
  std::string server;
  GlobalOptions global;
};

void add_global_options(CLI::App &app, ParsedOptions &parsed) {
  auto &global = parsed.global;
  app.add_option("--home", parsed.home, "Profile directory (default: $XDG_CONFIG_HOME/messageu)")
      ->envname("MESSAGEU_HOME")
      ->type_name("DIR");
  app.add_option("--server", parsed.server, "Server address, overriding server.info")
      ->envname("MESSAGEU_SERVER")
      ->type_name("HOST:PORT");
  app.add_option("--dialect", global.dialect,
                 "Protocol codes to speak; auto (default) finds the server's and remembers it")
      ->envname("MESSAGEU_DIALECT")
      ->check(CLI::IsMember({"auto", "2025a", "2022", "2021c", "2026"}));
  app.add_option("--protocol", global.protocol,
                 "3: authenticated sessions when the server offers them (default); "
                 "2: classic only")
      ->envname("MESSAGEU_PROTOCOL")
      ->check(CLI::IsMember({2, 3}));
  app.add_flag("--json", global.json, "Machine output: one JSON object per line");
  app.add_flag("-q,--quiet", global.quiet, "Print nothing but data and errors");
  app.add_flag("-v,--verbose", global.verbose,
               "Diagnostics on stderr (requests, sizes, timings; never keys or contents)");
  app.add_option("--timeout", global.timeout_seconds,
                 "Connect and I/O timeout (default 10, at most 86400)")
      ->envname("MESSAGEU_TIMEOUT")
      ->type_name("SECONDS")
      ->check(seconds_validator(false));
  app.add_option("--retries", global.retries,
                 "Reconnect attempts when the server cannot be reached (default 2)")
      ->envname("MESSAGEU_RETRIES")
      ->type_name("N")
      ->check(count_validator(0, 100));
  app.add_option(
         "--lock-timeout", global.lock_timeout_seconds,
         "How long to wait for a profile another messageu holds (default 10, at most 86400)")
      ->type_name("SECONDS")
      ->check(seconds_validator(true));
  app.add_flag("--insecure-profile", global.insecure_profile,
               "Use a profile that others can read or change (warns instead of refusing)")
      ->envname("MESSAGEU_INSECURE_PROFILE");
}

std::vector<Command> add_commands(CLI::App &app) {
  return {add_register_command(app), add_whoami_command(app),     add_list_command(app),
          add_getkey_command(app),   add_requestkey_command(app), add_sendkey_command(app),
          add_send_command(app),     add_sendfile_command(app),   add_pull_command(app),
          add_contacts_command(app), add_trust_command(app),      add_completion_command(app),
          add_ping_command(app)};
}

GlobalOptions finish_options(const ParsedOptions &parsed) {
  GlobalOptions global = parsed.global;
  if (!parsed.home.empty())
    global.home = parsed.home;
  if (!parsed.server.empty())
    global.server = parsed.server;
  return global;
}

// A parse error is reported before the options are known: look for --json by hand.
bool wants_json(int argc, char **argv) {
  for (int index = 1; index < argc; ++index) {
    if (std::strcmp(argv[index], "--") == 0)
      return false;
    if (std::strcmp(argv[index], "--json") == 0)
      return true;
  }
  return false;
}

// The help to point at: the subcommand's when one was recognised.
std::string help_hint(CLI::App &app) {
  for (auto *command : app.get_subcommands())
    return "Run 'messageu " + command->get_name() + " --help' for usage.";
  return "Run 'messageu --help' for usage.";
}

std::vector<std::string> arguments_of(int argc, char **argv) {
  return std::vector<std::string>(argv + 1, argv + argc);
}

int report_usage_error(CLI::App &app, std::string message, int argc, char **argv) {
  Output output(OutputSettings{wants_json(argc, argv), false, false});
  if (!output.json())
    message += "\n" + help_hint(app);
  auto status = exit_status(ExitCode::usage);
  output.error(message, status);
  return status;
}

int run_command(const Command &command, const GlobalOptions &options) {
  Output output(OutputSettings{options.json, options.quiet, options.verbose});
  Context context(options, output);
  // Every command reports on stdout: with nowhere to report, do nothing at all.
  auto status = standard_streams::require_stdout();
  if (status)
    status = command.run(context);
  if (status)
    return 0;
  auto error = context.explain_failure(std::move(status).error());
  auto exit_status = messageu::exit_status(client::exit_code_for(error.code));
  // A reader that went away (`| head`) wants no complaint about it.
  if (!output.stdout_closed())
    output.error(error.message, exit_status);
  return exit_status;
}

} // namespace

int run_app(int argc, char **argv) {
  // A closed stdout or a dropped connection must be an error value, not a signal.
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{k_description, "messageu"};
  app.fallthrough(); // inherited by the subcommands: global options may follow them
  app.require_subcommand(1);
  app.footer(k_footer);
  // An option given twice takes its last value, so a script may override an alias.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.set_version_flag("--version", "messageu " + std::string(k_version));
  ParsedOptions parsed;
  add_global_options(app, parsed);
  auto commands = add_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success &done) { // --help, --version
    // "-hello" reads as -h to CLI11: a text or a typo, not a request for help.
    if (auto mistaken = mistaken_help_argument(arguments_of(argc, argv)); !mistaken.empty())
      return report_usage_error(app, explain_mistaken_help(app, mistaken), argc, argv);
    return app.exit(done);
  } catch (const CLI::ParseError &error) {
    return report_usage_error(app, explain_usage_error(app, error, arguments_of(argc, argv)), argc,
                              argv);
  }
  for (const auto &command : commands)
    if (command.app->parsed())
      return run_command(command, finish_options(parsed));
  return exit_status(ExitCode::usage);
}

CLI::App *add_subcommand(CLI::App &parent, const std::string &name, const std::string &summary,
                         const std::string &example) {
  auto *command = parent.add_subcommand(name, summary);
  command->footer("Example:\n  " + example +
                  "\n\nThe global options (--home, --server, --json, --quiet, --verbose, ...) may "
                  "come\nbefore or after the command: see 'messageu --help'.");
  return command;
}

} // namespace messageu::cli
