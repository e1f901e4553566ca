// `messageu pull`: fetches and handles every waiting message, losing none (CLI.md §3-§4):
//   1. the messages go into the spool in state.db (one synced transaction), and only then,
//      on an authenticated session, are they acknowledged so that the server deletes them;
//      large files from senders with a key are decrypted on the way into temporary files of
//      the save directory, so that their bytes are written once;
//   2. each spooled message is handled (keys kept, texts and files decrypted, files decrypted
//      on arrival given their names), printed, and only then dropped from the spool.
// The spool itself (rows, files, orphans, order) is the client::Inbox's; this file decides
// what to print and whether a message is delivered or kept.
// A pull that dies or cannot print leaves the rest in the spool for the next one, which
// prints them first. The inbox lock makes parallel pulls take turns; the profile lock, which
// sends and key changes take, is held only while answering a key request, so a send does not
// wait behind a long download.
// One message that cannot be handled (its file cannot be saved, it cannot be decrypted yet)
// never holds up the others: it stays in the spool with a warning naming it and the reason,
// every other message is delivered, and the pull ends "partly done" (exit 1).
// Text output is safe on a terminal: names and texts are escaped (printable()), content lines
// that look like the frame are quoted (message_block()), and the sender's id is shown.
//
// --exec CMD runs CMD for each message once it is handled, and the message leaves the spool
// only when CMD exits 0 (at-least-once delivery to scripts). --follow and --wait keep
// receiving (follow.cpp): each batch that arrives is spooled and delivered as one pull is.
#include "commands.hpp"

#include "../exec_hook.hpp"
#include "../progress_bar.hpp"
#include "common.hpp"
#include "pull.hpp"

#include <messageu/client/inbox.hpp>
#include <messageu/client/message_processor.hpp>
#include <messageu/client/message_text.hpp>
#include <messageu/client/outbox.hpp>
#include <messageu/client/requests.hpp>
#include <messageu/client/spool_writer.hpp>
#include <messageu/crypto/hash.hpp>
#include <messageu/util/base64.hpp>
#include <messageu/util/hex.hpp>
#include <messageu/util/text.hpp>
#include <messageu/util/utc_time.hpp>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>

namespace messageu::cli {
namespace {

constexpr std::string_view k_cannot_decrypt = "can't decrypt message";

// Everything the handling of spooled messages works with.
struct Delivery {
  Context &context;
  client::Inbox &inbox;
  client::UserDirectory &directory;
  client::Outbox &outbox;
  client::MessageProcessor &processor;
  const PullOptions &options;
  bool names_unavailable = false;
  std::optional<Error> reply_error;
  std::size_t unreadable_keys = 0; // symmetric keys that this profile can never decrypt
  bool quiet_when_empty = false;   // following: an empty batch says nothing
};

// Restarts the bar whenever a new transfer begins (its count starts over).
client::ProgressCallback progress_for(ProgressBar &bar, std::string label) {
  auto last = std::make_shared<std::uint64_t>(0);
  return [&bar, label = std::move(label), last](std::uint64_t done, std::uint64_t total) {
    if (done < *last || *last == 0)
      bar.restart(label);
    *last = done == 0 ? 1 : done;
    bar.update(done, total);
  };
}

Status commit_and_acknowledge(Context &context, client::ServerLink &link,
                              client::SpoolWriter &writer) {
  MESSAGEU_TRY(writer.commit());
  context.output().debug("spooled " + std::to_string(writer.new_message_count()) +
                         " new message(s) of " + std::to_string(writer.pulled_ids().size()));
  if (!link.authenticated() || writer.pulled_ids().empty())
    return {};
  // Only now that they are safe on disk may the server forget them.
  auto deleted = MESSAGEU_TRY(client::acknowledge(link, writer.pulled_ids()));
  context.output().debug("acknowledged; the server deleted " + std::to_string(deleted));
  return {};
}

Status fetch_into_spool(Context &context, client::Inbox &inbox, client_state::ClientState &state,
                        client::ServerLink &link, const std::filesystem::path &save_directory) {
  MESSAGEU_TRY(inbox.remove_orphans(save_directory));
  client::SpoolWriter writer(inbox, state, link.authenticated());
  writer.decrypt_files_into(save_directory);
  ProgressBar bar(context.output(), "receiving file");
  writer.set_progress(progress_for(bar, "receiving file"));
  MESSAGEU_TRY(client::pull_messages(link, writer));
  return commit_and_acknowledge(context, link, writer);
}

client::Peer sender_of(Delivery &delivery, const ClientId &id) {
  if (!delivery.names_unavailable) {
    auto name = delivery.directory.display_name(id);
    if (name)
      return client::Peer{id, *name == client_id_to_hex(id) ? "" : *name};
    delivery.names_unavailable = true;
    delivery.context.output().warning("cannot look up the senders' names: " + name.error().message);
  }
  return client::Peer{id, ""};
}

// A fresh key changes the profile as sendkey does: under the profile lock, for that only.
Result<client::SharedKey> send_fresh_key_locked(Delivery &delivery, const client::Peer &sender) {
  MESSAGEU_TRY(delivery.context.lock_profile());
  auto sent = delivery.outbox.send_fresh_key(sender);
  delivery.context.unlock_profile();
  return sent;
}

std::optional<client::SentMessage> reply_with_key(Delivery &delivery, const client::Peer &sender) {
  auto sent = send_fresh_key_locked(delivery, sender);
  if (sent)
    return sent->key_message;
  delivery.context.output().warning("cannot answer the key request of " + sender.label() + ": " +
                                    sent.error().message);
  if (!delivery.reply_error)
    delivery.reply_error = sent.error();
  return std::nullopt;
}

std::string content_text(const client::ReceivedMessage &message, bool raw) {
  if (!message.decrypted)
    return std::string(k_cannot_decrypt);
  switch (message.type) {
  case MessageType::key_request: return "Request for symmetric key";
  case MessageType::symmetric_key: return "symmetric key received";
  case MessageType::text: {
    auto text = as_chars(message.text);
    return raw ? std::string(text) : printable(text, LineBreaks::keep);
  }
  case MessageType::file: return printable(message.file->path.string());
  }
  return {};
}

// "bob <id>": the id tells a look-alike name ("bob ", "Bob") from the one it imitates.
std::string from_line(const client::Peer &sender) {
  return printable(sender.label()) + " <" + client_id_to_hex(sender.id) + ">";
}

// The user argument that names `sender` in a command to paste: the name when the shell takes
// it as one plain word, else the id.
std::string user_argument(const client::Peer &sender) {
  auto plain = [](char character) {
    return std::isalnum(static_cast<unsigned char>(character)) != 0 || character == '_' ||
           character == '-' || character == '.';
  };
  auto name = sender.label();
  bool usable =
      !name.empty() && name.front() != '-' && std::all_of(name.begin(), name.end(), plain);
  return usable ? name : client_id_to_hex(sender.id);
}

// When the message reached this client; messages spooled by an older messageu have no time.
std::string received_text(const client::ReceivedMessage &message) {
  return message.received ? rfc3339_utc(*message.received) : "unknown";
}

JsonObject message_fields(const client::Peer &sender, const client::ReceivedMessage &message,
                          const std::optional<client::SentMessage> &reply, bool kept) {
  JsonObject record;
  record.number("id", message.id);
  add_peer_fields(record, client::Peer{sender.id, sender.label()}, "from", "from_id");
  record.string("type", message_type_name(message.type));
  if (!message.decrypted)
    return record.string("error", k_cannot_decrypt).boolean("kept", kept);
  if (message.type == MessageType::text) {
    auto text = as_chars(message.text);
    record.string("text", text);
    if (!is_valid_utf8(text)) // "text" then holds U+FFFD for the bytes that are not UTF-8
      record.string("text_base64", base64_encode(message.text));
  }
  if (message.type == MessageType::file)
    record.string("path", message.file->path.string())
        .number("size", message.file->size)
        .string("sha256", to_hex(message.file->sha256));
  if (reply)
    record.number("key_sent", reply->message_id);
  return record;
}

JsonObject message_record(const client::Peer &sender, const client::ReceivedMessage &message,
                          const std::optional<client::SentMessage> &reply, bool kept) {
  auto record = message_fields(sender, message, reply, kept);
  if (message.received)
    return record.string("received", rfc3339_utc(*message.received));
  return record.null("received");
}

// `kept`: a message that could not be decrypted stays in the spool.
Status print_message(Delivery &delivery, const client::Peer &sender,
                     const client::ReceivedMessage &message,
                     const std::optional<client::SentMessage> &reply, bool kept = false) {
  auto &output = delivery.context.output();
  if (output.json())
    return output.record(message_record(sender, message, reply, kept));
  return output.text(client::message_block(from_line(sender), received_text(message),
                                           content_text(message, delivery.options.raw)));
}

// "message 7 from bob <id>", for warnings.
std::string describe(const client_state::SpooledMessage &message, const client::Peer &sender) {
  return "message " + std::to_string(message.message_id) + " from " + from_line(sender);
}

// A message whose content cannot be decrypted with any key kept for its sender may become
// readable once the sender sends their key again: it stays in the spool, unless the user
// gave up on such messages.
Status handle_undecryptable(Delivery &delivery, const client_state::SpooledMessage &message,
                            const client::Peer &sender, const client::ReceivedMessage &received) {
  // A symmetric key is encrypted with this profile's public key: if the private key cannot
  // open it now, it never will, so keeping it would only repeat the warning at every pull.
  bool hopeless = message.type == MessageType::symmetric_key;
  bool discard = delivery.options.discard_undecryptable || hopeless;
  MESSAGEU_TRY(print_message(delivery, sender, received, std::nullopt, !discard));
  auto &output = delivery.context.output();
  if (hopeless) {
    ++delivery.unreadable_keys;
    output.warning(describe(message, sender) +
                   " is a key this profile cannot decrypt: dropped; ask " +
                   printable(sender.label()) + " for their key again: messageu requestkey " +
                   user_argument(sender));
    return delivery.inbox.delivered(message);
  }
  if (discard) {
    output.warning(describe(message, sender) + " cannot be decrypted: discarded");
    return delivery.inbox.delivered(message);
  }
  delivery.inbox.keep(message);
  output.warning(describe(message, sender) + " cannot be decrypted: kept for the next pull; ask " +
                 printable(sender.label()) + " for their key again: messageu requestkey " +
                 user_argument(sender));
  return {};
}

Environment exec_environment(const client::Peer &sender, const client::ReceivedMessage &message) {
  Environment environment{{"MESSAGEU_FROM", sender.label()},
                          {"MESSAGEU_FROM_ID", client_id_to_hex(sender.id)},
                          {"MESSAGEU_MESSAGE_ID", std::to_string(message.id)},
                          {"MESSAGEU_TYPE", std::string(message_type_name(message.type))},
                          {"MESSAGEU_FILE", ""}};
  if (message.type == MessageType::file)
    environment.back().second = message.file->path.string();
  return environment;
}

// How a hook failed, for the warning that keeps its message.
std::string hook_failure(const Result<HookOutcome> &outcome, double time_limit_seconds) {
  if (!outcome)
    return "could not run: " + outcome.error().message;
  if (outcome->timed_out)
    return "ran longer than " + seconds_text(time_limit_seconds) +
           " s (--exec-timeout) and was stopped";
  return "exited with status " + std::to_string(outcome->status);
}

// --exec: the message leaves the spool only when the command took it (exit status 0).
Status run_exec(Delivery &delivery, const client_state::SpooledMessage &message,
                const client::Peer &sender, const client::ReceivedMessage &received) {
  auto &output = delivery.context.output();
  auto limit = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::duration<double>(delivery.options.exec_timeout_seconds));
  auto outcome =
      run_hook(delivery.options.exec, received.text, exec_environment(sender, received), limit);
  if (outcome && outcome->status == 0 && !outcome->timed_out)
    return delivery.inbox.delivered(message);
  delivery.inbox.keep(message);
  // The spool still holds the content: the retry saves the file again, under the same name
  // rather than beside a copy.
  if (received.type == MessageType::file) {
    std::error_code ignored;
    std::filesystem::remove(received.file->path, ignored);
  }
  output.warning(describe(message, sender) + " kept for the next pull: the --exec command " +
                 hook_failure(outcome, delivery.options.exec_timeout_seconds));
  return {};
}

// Errors that concern every message alike (the database fails) end the pull; the others
// concern this message only.
bool concerns_one_message(const Error &error) {
  return error.code != Errc::storage && error.code != Errc::internal;
}

Status handle(Delivery &delivery, const client_state::SpooledMessage &message) {
  auto sender = sender_of(delivery, message.sender);
  auto processed = delivery.processor.process(message, sender.label());
  if (!processed && concerns_one_message(processed.error())) {
    delivery.inbox.keep(message);
    delivery.context.output().warning(describe(message, sender) +
                                      " kept for the next pull: " + processed.error().message);
    return {};
  }
  auto received = MESSAGEU_TRY(std::move(processed));
  if (!received.decrypted)
    return handle_undecryptable(delivery, message, sender, received);
  std::optional<client::SentMessage> reply;
  if (message.type == MessageType::key_request && delivery.options.reply_key_requests)
    reply = reply_with_key(delivery, sender);
  MESSAGEU_TRY(print_message(delivery, sender, received, reply));
  if (!delivery.options.exec.empty())
    return run_exec(delivery, message, sender, received);
  return delivery.inbox.delivered(message);
}

Status deliver_all(Delivery &delivery) {
  auto &inbox = delivery.inbox;
  MESSAGEU_TRY(inbox.start_delivery());
  while (const auto *message = inbox.next())
    MESSAGEU_TRY(handle(delivery, *message));
  if (inbox.taken_count() == 0 && !delivery.quiet_when_empty)
    delivery.context.output().note("no new messages");
  if (delivery.reply_error)
    return *delivery.reply_error;
  if (inbox.kept_count() > 0)
    return make_error(Errc::partial, std::to_string(inbox.kept_count()) + " of " +
                                         std::to_string(inbox.taken_count()) +
                                         " message(s) kept for the next pull");
  if (delivery.unreadable_keys > 0)
    return make_error(Errc::partial, std::to_string(delivery.unreadable_keys) + " of " +
                                         std::to_string(inbox.taken_count()) +
                                         " message(s) were keys that cannot be decrypted");
  return {};
}

std::filesystem::path save_directory(Context &context, const PullOptions &options) {
  auto directory = options.save_dir.empty() ? context.profile().files_directory()
                                            : std::filesystem::path(options.save_dir);
  std::error_code ignored;
  auto absolute = std::filesystem::absolute(directory, ignored);
  return absolute.empty() ? directory : absolute;
}

// Delivers what the spool holds (what was just fetched, and what earlier pulls kept).
Result<std::size_t> deliver_spool(Context &context, const PullOptions &options,
                                  client::Inbox &inbox, bool quiet_when_empty) {
  const auto *me = MESSAGEU_TRY(context.identity());
  auto *link = MESSAGEU_TRY(context.user_link());
  auto *directory = MESSAGEU_TRY(context.directory());
  auto *state = MESSAGEU_TRY(context.state());
  auto save_to = save_directory(context, options);
  client::Outbox outbox(*link, *state, *directory);
  client::MessageProcessor processor(*state, me->private_key, save_to);
  ProgressBar bar(context.output(), "saving file");
  processor.set_progress(progress_for(bar, "saving file"));
  Delivery delivery{context, inbox, *directory,   outbox, processor,
                    options, false, std::nullopt, 0,      quiet_when_empty};
  MESSAGEU_TRY(deliver_all(delivery));
  return inbox.taken_count();
}

} // namespace

Result<std::size_t> pull_batch(Context &context, const PullOptions &options,
                               bool quiet_when_empty) {
  auto *link = MESSAGEU_TRY(context.user_link());
  auto *state = MESSAGEU_TRY(context.state());
  client::Inbox inbox(*state, context.profile().spool_directory());
  MESSAGEU_TRY(fetch_into_spool(context, inbox, *state, *link, save_directory(context, options)));
  return deliver_spool(context, options, inbox, quiet_when_empty);
}

Result<std::size_t> wait_batch(Context &context, const PullOptions &options,
                               std::uint32_t milliseconds,
                               const std::function<void()> &on_arrival) {
  auto *link = MESSAGEU_TRY(context.user_link());
  auto *state = MESSAGEU_TRY(context.state());
  auto save_to = save_directory(context, options);
  client::Inbox inbox(*state, context.profile().spool_directory());
  ProgressBar bar(context.output(), "receiving file");
  // The spool is touched only once the first message comes.
  std::optional<client::SpoolWriter> writer;
  LazyPullHandler handler([&]() -> Result<client::PullHandler *> {
    on_arrival();
    MESSAGEU_TRY(inbox.remove_orphans(save_to));
    writer.emplace(inbox, *state, true);
    writer->decrypt_files_into(save_to);
    writer->set_progress(progress_for(bar, "receiving file"));
    return &*writer;
  });
  MESSAGEU_TRY(link->exchange_wait(milliseconds, handler));
  if (!writer)
    return std::size_t{0};
  MESSAGEU_TRY(commit_and_acknowledge(context, *link, *writer));
  return deliver_spool(context, options, inbox, true);
}

namespace {

Status run_pull(Context &context, const PullOptions &options) {
  // One pull (or follow) at a time receives and delivers, so that nothing prints twice; the
  // profile stays free for sends.
  MESSAGEU_TRY(context.lock_inbox());
  if (options.follow || options.wait_seconds)
    return follow(context, options);
  MESSAGEU_TRY(pull_batch(context, options, false));
  return {};
}

} // namespace

Command add_pull_command(CLI::App &parent) {
  auto options = std::make_shared<PullOptions>();
  auto *app = add_subcommand(parent, "pull", "Fetch, decrypt and print every waiting message",
                             "messageu pull --save-dir ~/Downloads --json");
  app->add_option("--save-dir", options->save_dir,
                  "Where received files are saved (default: PROFILE/files)")
      ->type_name("DIR");
  app->add_flag("--reply-key-requests", options->reply_key_requests,
                "Answer each key request with a fresh symmetric key (for unattended use)");
  app->add_flag("--discard-undecryptable", options->discard_undecryptable,
                "Drop the messages that cannot be decrypted instead of keeping them");
  app->add_flag("--raw", options->raw,
                "Print texts as they are, control characters and escape sequences included");
  add_follow_options(*app, *options);
  return {app, [options](Context &context) { return run_pull(context, *options); }};
}

} // namespace messageu::cli
