// The messageu program: parses the command line (global options before or after the
// subcommand, environment variables), runs the chosen subcommand and turns its outcome into
// output and an exit status (CLI.md §2, §6).
#pragma once

namespace messageu::cli {

// Runs messageu with the process's arguments; returns the exit status.
int run_app(int argc, char **argv);

} // namespace messageu::cli
