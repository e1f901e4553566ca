// One content to several recipients, with a line of output for each.
#include "recipients.hpp"

#include <messageu/client/exit_code.hpp>

#include <optional>

namespace messageu::cli {
namespace {

// A user that could not be served, and why.
struct Failure {
  std::string user;
  Error error;
};

// Errors about one recipient; any other error would fail the next recipient the same way.
bool concerns_one_recipient(const Error &error) {
  switch (error.code) {
  case Errc::unknown_user:
  case Errc::key_changed:
  case Errc::server_error:
  case Errc::bad_data: return true;
  default: return false;
  }
}

Result<client::SentMessage> send_to(Context &context, const std::string &user,
                                    const SendOne &send_one, client::Peer &peer) {
  auto recipient = MESSAGEU_TRY(open_recipient(context, user));
  peer = recipient.peer;
  auto key = MESSAGEU_TRY(shared_key(context, recipient));
  return send_one(recipient, key);
}

// With several recipients a text line names the user: MESSAGE_ID<TAB>USER.
Status print_sent_to(Context &context, const std::string &user, const client::Peer &peer,
                     const client::SentMessage &sent, MessageType type, bool several) {
  if (!several)
    return print_sent(context, peer, sent, type);
  return context.output().result(std::to_string(sent.message_id) + "\t" + printable(user),
                                 sent_record(peer, sent, type));
}

// A recipient not served: a warning naming them (text), or their own object (JSON).
Status report_failure(Context &context, const Failure &failure, bool several) {
  if (!several)
    return {};
  auto &output = context.output();
  if (!output.json()) {
    output.warning("not sent to " + printable(failure.user) + ": " + failure.error.message);
    return {};
  }
  JsonObject record;
  record.string("to", failure.user)
      .string("error", failure.error.message)
      .number("exit_code",
              static_cast<std::uint64_t>(exit_status(client::exit_code_for(failure.error.code))));
  return output.record(record);
}

Error outcome_error(const std::vector<Failure> &failures, std::size_t total) {
  if (failures.size() == total)
    return failures.front().error;
  std::string names;
  for (const auto &failure : failures)
    names +=
        (names.empty() ? "" : ", ") + printable(failure.user) + " (" + failure.error.message + ")";
  return make_error(Errc::partial, "sent to " + std::to_string(total - failures.size()) + " of " +
                                       std::to_string(total) + " recipients; not to " + names);
}

} // namespace

Status take_last_argument(std::vector<std::string> &users, std::string &last,
                          std::string_view name) {
  if (users.size() < 2)
    return make_error(Errc::invalid_argument, std::string(name) + " is required after the USER");
  last = std::move(users.back());
  users.pop_back();
  return {};
}

Status send_to_each(Context &context, const std::vector<std::string> &users, MessageType type,
                    const SendOne &send_one) {
  bool several = users.size() > 1;
  std::vector<Failure> failures;
  std::optional<Error> stopped; // an error that concerns every recipient left
  for (const auto &user : users) {
    client::Peer peer;
    auto sent =
        stopped ? Result<client::SentMessage>(*stopped) : send_to(context, user, send_one, peer);
    if (sent) {
      MESSAGEU_TRY(print_sent_to(context, user, peer, *sent, type, several));
      continue;
    }
    failures.push_back(Failure{user, sent.error()});
    if (!concerns_one_recipient(sent.error()))
      stopped = sent.error();
    MESSAGEU_TRY(report_failure(context, failures.back(), several));
  }
  if (failures.empty())
    return {};
  return outcome_error(failures, users.size());
}

} // namespace messageu::cli
