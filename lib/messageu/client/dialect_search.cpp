// ServerLink's half for --dialect auto (PROTOCOL.md §3): the dialect is found by the first
// request that can tell the dialects apart without side effects (register, whose success ends
// the search, or a list with the sender's id), and searched again only when the server
// refuses both a request and a list in the remembered dialect.
#include <messageu/client/server_link.hpp>
#include <messageu/util/ids.hpp>

namespace messageu::client {
namespace {

using protocol::Operation;

// The operations every dialect numbers; the version 3 extension is refused by classic
// servers in any dialect, so its refusals say nothing about the dialect.
bool is_classic(Operation operation) { return operation <= Operation::pull_messages; }

bool refused(const Result<Bytes> &result) {
  return !result && result.error().code == Errc::server_error;
}

std::string all_dialect_names() {
  std::string names;
  for (auto dialect : protocol::k_detection_order)
    names += (names.empty() ? "" : ", ") + std::string(protocol::dialect_name(dialect));
  return names;
}

} // namespace

bool ServerLink::can_probe() const { return m_sender != ClientId{}; }

Result<Bytes> ServerLink::list_probe() {
  return run(Request{Operation::list_users, {}, nullptr}, nullptr);
}

Error ServerLink::every_dialect_refused(Operation operation) const {
  auto server = to_string(m_settings.endpoint);
  auto refused = "server responded with an error in every dialect (" + all_dialect_names() + "): ";
  if (operation == Operation::register_client)
    return make_error(Errc::server_error, refused + "the name is taken, or the server at " +
                                              server + " is not a MessageU server");
  if (m_sender == ClientId{})
    return make_error(Errc::config, refused + "the server at " + server +
                                        " refuses an unregistered client, or it is not a "
                                        "MessageU server");
  // A registered profile refused in every dialect will be refused again until the profile or
  // the server changes: a configuration error, like a missing registration.
  return make_error(Errc::config, refused + "this server does not know you (id " +
                                      client_id_to_hex(m_sender) + "): register again, or check " +
                                      "--server (" + server + "); or it is not a MessageU server");
}

Status ServerLink::dialect_found(protocol::Dialect dialect) {
  m_settings.dialect = dialect;
  m_settings.dialect_mode = DialectMode::fixed; // settled for the rest of the command
  report("the server speaks dialect " + std::string(protocol::dialect_name(dialect)));
  if (m_dialect_listener)
    return m_dialect_listener(dialect);
  return {};
}

Result<Bytes> ServerLink::search(Operation operation, const Attempt &attempt,
                                 std::optional<protocol::Dialect> skip) {
  auto before = m_settings.dialect;
  for (auto candidate : protocol::k_detection_order) {
    if (candidate == skip)
      continue;
    m_settings.dialect = candidate;
    report("dialect auto: trying " + std::string(protocol::dialect_name(candidate)));
    auto result = attempt();
    if (refused(result))
      continue;
    if (!result) { // not a refusal (a lost connection, a malformed answer): nothing learnt
      m_settings.dialect = before;
      return result;
    }
    MESSAGEU_TRY(dialect_found(candidate));
    return result;
  }
  m_settings.dialect = before;
  return every_dialect_refused(operation);
}

Status ServerLink::settle_dialect() {
  if (m_settings.dialect_mode != DialectMode::search)
    return {};
  MESSAGEU_TRY(search(
      Operation::list_users, [this] { return list_probe(); }, std::nullopt));
  return {};
}

Result<Bytes> ServerLink::in_dialect(Operation operation, const Attempt &attempt, bool repeatable) {
  if (m_settings.dialect_mode == DialectMode::search) {
    bool tells_dialects_apart = operation == Operation::register_client ||
                                (operation == Operation::list_users && can_probe());
    if (tells_dialects_apart)
      return search(operation, attempt, std::nullopt);
    if (can_probe())
      MESSAGEU_TRY(settle_dialect());
  }
  auto result = attempt();
  if (m_settings.dialect_mode != DialectMode::remembered || !is_classic(operation))
    return result;
  if (!refused(result)) {
    if (result) // the server still speaks the remembered dialect
      m_settings.dialect_mode = DialectMode::fixed;
    return result;
  }
  return recheck_after_refusal(operation, attempt, repeatable, std::move(result));
}

Result<Bytes> ServerLink::recheck_after_refusal(Operation operation, const Attempt &attempt,
                                                bool repeatable, Result<Bytes> refusal) {
  auto remembered = m_settings.dialect;
  if (operation == Operation::register_client)
    return search(operation, attempt, remembered);
  if (!can_probe())
    return refusal;
  if (operation != Operation::list_users) {
    auto probe = list_probe();
    if (!refused(probe)) { // it still speaks the dialect (or cannot tell): the refusal stands
      if (probe)
        m_settings.dialect_mode = DialectMode::fixed;
      return refusal;
    }
  }
  report("the server refuses dialect " + std::string(protocol::dialect_name(remembered)) +
         ", which it spoke before: searching again");
  auto found = search(
      Operation::list_users, [this] { return list_probe(); }, remembered);
  if (!found || operation == Operation::list_users)
    return found;
  if (repeatable)
    return attempt();
  return make_error(Errc::server_error,
                    "the server at " + to_string(m_settings.endpoint) + " now speaks dialect " +
                        std::string(protocol::dialect_name(m_settings.dialect)) + ", not " +
                        std::string(protocol::dialect_name(remembered)) +
                        " as before: nothing was sent; run the command again");
}

} // namespace messageu::client
