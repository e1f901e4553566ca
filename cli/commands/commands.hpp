// The subcommands of messageu, one file each. Every add_* function declares its subcommand on
// `parent` (description, options, an example in the help) and returns how to run it once the
// command line has been parsed.
#pragma once

#include "../context.hpp"

#include <CLI/CLI.hpp>

#include <functional>

namespace messageu::cli {

struct Command {
  CLI::App *app = nullptr;
  std::function<Status(Context &)> run;
};

// Sets the one-line description and the "Example:" footer of a subcommand.
CLI::App *add_subcommand(CLI::App &parent, const std::string &name, const std::string &summary,
                         const std::string &example);

Command add_register_command(CLI::App &parent);
Command add_whoami_command(CLI::App &parent);
Command add_list_command(CLI::App &parent);
Command add_getkey_command(CLI::App &parent);
Command add_requestkey_command(CLI::App &parent);
Command add_sendkey_command(CLI::App &parent);
Command add_send_command(CLI::App &parent);
Command add_sendfile_command(CLI::App &parent);
Command add_pull_command(CLI::App &parent);
Command add_contacts_command(CLI::App &parent);
Command add_trust_command(CLI::App &parent);
Command add_completion_command(CLI::App &parent);
Command add_ping_command(CLI::App &parent);

} // namespace messageu::cli
