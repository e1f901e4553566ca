// Usage errors as a person would write them. CLI11 reports what its parser saw ("The following
// argument was not expected: --jsn", a validator's range with a 309-digit bound); this names
// the word that was wrong and suggests the closest command or option ("did you mean
// --json?"), says that a value came from an environment variable when it did, and tells how
// to send a text that starts with '-' (after --).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace messageu::cli {

// The candidate closest to `word` by edit distance (a typo, a dropped or doubled letter), or
// the only candidate that starts with it; empty when none is close.
std::string closest_word(std::string_view word, const std::vector<std::string> &candidates);

// The message for a parse error of `app` (the root) on `arguments` (argv without argv[0]).
std::string explain_usage_error(CLI::App &app, const CLI::ParseError &error,
                                const std::vector<std::string> &arguments);

// CLI11 takes "-hello" for -h (help) followed by other letters: the argument that was mistaken
// for a request for help, or empty when help was really asked for.
std::string mistaken_help_argument(const std::vector<std::string> &arguments);

// The message for such an argument: it is not an option; a text starting with '-' goes
// after --.
std::string explain_mistaken_help(CLI::App &app, const std::string &argument);

} // namespace messageu::cli
