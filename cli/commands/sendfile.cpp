// `messageu sendfile USER... PATH`: encrypts a file while streaming it to the server (type 4)
// for each USER, with the same automatic key set-up as send. The size is checked before
// anything is sent; `-` copies stdin to a temporary file first, since the size must be known
// up front (and each recipient is sent the same copy).
#include "commands.hpp"

#include "../progress_bar.hpp"
#include "../standard_streams.hpp"
#include "common.hpp"
#include "recipients.hpp"

#include <messageu/client/outbox.hpp>
#include <messageu/protocol/header.hpp>
#include <messageu/util/files.hpp>
#include <messageu/util/unique_fd.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace messageu::cli {
namespace {

struct SendfileOptions {
  std::vector<std::string> users;
  std::string path;
};

// The file to send. A copy of stdin has no name: it lives as long as its descriptor, so not
// even a killed command leaves it behind, and it is reopened through /proc/self/fd.
struct InputFile {
  std::filesystem::path path;
  std::uint64_t size = 0;
  UniqueFd fd; // only for a copy of stdin
};

Result<std::uint64_t> readable_file_size(const std::filesystem::path &path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd)
    return make_error(Errc::file_not_found,
                      "file not found: " + path.string() + " (" + std::strerror(errno) + ")");
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0 || !S_ISREG(status.st_mode))
    return make_error(Errc::file_not_found,
                      "file not found: " + path.string() + " (not a regular file)");
  return static_cast<std::uint64_t>(status.st_size);
}

// Copies stdin into the profile (not /tmp, often a small memory file system).
Status spool_stdin(Context &context, InputFile &input) {
  MESSAGEU_TRY(standard_streams::require_stdin());
  auto directory = context.profile().spool_directory();
  MESSAGEU_TRY(ensure_private_directory(directory, "spool directory"));
  std::string path = (directory / "outgoing-XXXXXX").string();
  input.fd.reset(::mkostemp(path.data(), O_CLOEXEC));
  if (!input.fd)
    return make_error(Errc::cannot_create, "cannot create a temporary file in " +
                                               directory.string() + ": " + std::strerror(errno));
  ::unlink(path.c_str());
  input.path = "/proc/self/fd/" + std::to_string(input.fd.get());
  Bytes buffer(256 * 1024);
  return copy_fd(STDIN_FILENO, input.fd.get(), buffer, "standard input",
                 "the copy of standard input");
}

Status check_size(std::uint64_t size) {
  auto content = crypto::aes_ciphertext_size(size);
  if (content > protocol::k_max_content_size - protocol::k_send_prefix_size)
    return make_error(Errc::too_large,
                      "the file is too large for the protocol: " + std::to_string(size) +
                          " bytes encrypt to " + std::to_string(content) +
                          ", and a message holds at most 4 GiB");
  return {};
}

Status prepare_input(Context &context, const std::string &argument, InputFile &input) {
  if (argument == "-")
    MESSAGEU_TRY(spool_stdin(context, input));
  else
    input.path = argument;
  input.size = MESSAGEU_TRY(readable_file_size(input.path));
  return check_size(input.size);
}

Result<client::SentMessage> send_with_progress(Context &context, Recipient &recipient,
                                               const InputFile &input, const crypto::AesKey &key) {
  auto file = MESSAGEU_TRY(client::EncryptedFileContent::open(input.path, key));
  MESSAGEU_TRY(check_size(file.plaintext_size())); // it may have grown since the first look
  auto label =
      input.fd ? std::string("sending stdin") : "sending " + input.path.filename().string();
  ProgressBar bar(context.output(), label);
  file.set_progress([&bar](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
  auto sent = MESSAGEU_TRY(recipient.outbox.send_file(recipient.peer, file));
  bar.finish();
  return sent;
}

Status run_sendfile(Context &context, SendfileOptions options) {
  MESSAGEU_TRY(take_last_argument(options.users, options.path, "PATH"));
  InputFile input;
  MESSAGEU_TRY(prepare_input(context, options.path, input));
  MESSAGEU_TRY(context.lock_profile()); // a first key changes the profile
  return send_to_each(context, options.users, MessageType::file,
                      [&context, &input](Recipient &recipient, const crypto::AesKey &key) {
                        return send_with_progress(context, recipient, input, key);
                      });
}

} // namespace

Command add_sendfile_command(CLI::App &parent) {
  auto options = std::make_shared<SendfileOptions>();
  auto *app = add_subcommand(parent, "sendfile",
                             "Encrypt and send the file PATH (or stdin for -) to each USER",
                             "messageu sendfile bob ./report.pdf\n"
                             "  tar c photos | messageu sendfile bob -");
  app->add_option("USER", options->users, "One or more user names or 32-hex-digit ids")
      ->type_name("")
      ->required();
  // Only for the help: the last argument is taken from USER (take_last_argument).
  app->add_option("PATH", options->path,
                  "The file to send, after the users (required); - reads stdin")
      ->type_name("");
  return {app, [options](Context &context) { return run_sendfile(context, *options); }};
}

} // namespace messageu::cli
