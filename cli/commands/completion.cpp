// `messageu completion bash|zsh|fish`: prints the shell completion script, the same text as
// the files in completions/ (embedded at build time).
#include "commands.hpp"

#include "completion_scripts.hpp"

#include <memory>

namespace messageu::cli {
namespace {

struct CompletionOptions {
  std::string shell;
};

std::string_view script_for(const std::string &shell) {
  if (shell == "bash")
    return k_completion_bash;
  if (shell == "zsh")
    return k_completion_zsh;
  return k_completion_fish;
}

Status run_completion(Context &context, const CompletionOptions &options) {
  auto script = script_for(options.shell);
  if (script.empty())
    return make_error(Errc::internal, "this build has no completion script for " + options.shell);
  // The script itself, even with --json: it is meant for `source` or a completions directory.
  auto &output = context.output();
  if (output.json())
    return output.record(JsonObject().string("shell", options.shell).string("script", script));
  return output.text(script);
}

} // namespace

Command add_completion_command(CLI::App &parent) {
  auto options = std::make_shared<CompletionOptions>();
  auto *app = add_subcommand(parent, "completion", "Print the completion script for a shell",
                             "source <(messageu completion bash)");
  app->add_option("SHELL", options->shell, "bash, zsh or fish")
      ->type_name("")
      ->type_name("")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  return {app, [options](Context &context) { return run_completion(context, *options); }};
}

} // namespace messageu::cli
