// Lazy access to the profile, the identity, state.db and the server.
#include "context.hpp"

#include <messageu/client/authentication.hpp>
#include <messageu/client/requests.hpp>
#include <messageu/protocol/dialect.hpp>

#include <chrono>
#include <filesystem>

namespace messageu::cli {
namespace {

std::chrono::milliseconds to_milliseconds(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000.0));
}

} // namespace

Context::Context(GlobalOptions options, Output &output)
    : m_options(std::move(options)), m_output(output),
      m_profile(client::resolve_home(m_options.home, client::Environment::from_process())) {}

Context::~Context() = default;

client::PermissionPolicy Context::permission_policy() const {
  client::PermissionPolicy policy;
  policy.enforce = !m_options.insecure_profile;
  policy.on_ignored = [this](std::string_view problem) { m_output.warning(problem); };
  return policy;
}

Status Context::check_profile_directory() {
  if (!m_directory_checked)
    MESSAGEU_TRY(client::check_profile_directory(m_profile.home(), permission_policy()));
  m_directory_checked = true;
  return {};
}

Result<client::ProfileLock> Context::acquire(const std::filesystem::path &path,
                                             std::string_view holder) {
  MESSAGEU_TRY(check_profile_directory());
  MESSAGEU_TRY(m_profile.ensure_directory());
  auto started = std::chrono::steady_clock::now();
  auto lock = client::ProfileLock::acquire(path, to_milliseconds(m_options.lock_timeout_seconds));
  if (!lock && lock.error().code == Errc::unavailable)
    return make_error(Errc::unavailable, std::string(holder) + " (" + path.string() +
                                             "); try again, or give it longer with --lock-timeout");
  if (!lock)
    return lock.error();
  auto waited = std::chrono::steady_clock::now() - started;
  if (waited > std::chrono::milliseconds(100))
    m_output.debug(
        "waited " +
        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(waited).count()) +
        " ms for " + path.filename().string());
  return lock;
}

Status Context::lock_profile() {
  if (!m_lock)
    m_lock.emplace(MESSAGEU_TRY(
        acquire(m_profile.lock_path(), "profile is locked by another messageu process")));
  return {};
}

void Context::unlock_profile() { m_lock.reset(); }

Status Context::lock_inbox() {
  if (!m_inbox_lock)
    m_inbox_lock.emplace(MESSAGEU_TRY(acquire(
        m_profile.inbox_lock_path(), "another messageu pull is receiving on this profile")));
  return {};
}

Result<const Identity *> Context::identity() {
  if (!m_identity) {
    MESSAGEU_TRY(check_profile_directory());
    auto info = MESSAGEU_TRY(client::load_my_info(m_profile.my_info_path(), permission_policy()));
    auto key = crypto::RsaPrivateKey::from_der(info.private_key_der);
    if (!key)
      return make_error(Errc::config,
                        m_profile.my_info_path().string() +
                            ": the private key does not load: " + key.error().message);
    m_identity.emplace(Identity{std::move(info), std::move(*key)});
  }
  return &*m_identity;
}

Result<client_state::ClientState *> Context::state() {
  if (!m_state) {
    MESSAGEU_TRY(check_profile_directory());
    MESSAGEU_TRY(m_profile.ensure_directory());
    auto state = MESSAGEU_TRY(client_state::ClientState::open(m_profile.state_db_path()));
    m_state.emplace(std::move(state));
  }
  return &*m_state;
}

Result<client_state::ClientState *> Context::existing_state() {
  MESSAGEU_TRY(check_profile_directory());
  std::error_code error;
  if (!m_state && !std::filesystem::exists(m_profile.state_db_path(), error))
    return static_cast<client_state::ClientState *>(nullptr);
  return state();
}

Result<Endpoint> Context::endpoint() const { return m_profile.server_endpoint(m_options.server); }

Result<client::LinkSettings> Context::dialect_settings(const Endpoint &endpoint) {
  client::LinkSettings settings;
  settings.endpoint = endpoint;
  if (auto named = protocol::dialect_from_name(m_options.dialect)) {
    settings.dialect = *named;
    return settings;
  }
  settings.dialect_mode = client::DialectMode::search;
  auto *state = MESSAGEU_TRY(existing_state());
  if (state == nullptr)
    return settings;
  auto remembered = MESSAGEU_TRY(state->remembered_server_dialect(to_string(endpoint)));
  if (auto dialect = protocol::dialect_from_name(remembered.value_or(""))) {
    settings.dialect = *dialect;
    settings.dialect_mode = client::DialectMode::remembered;
  }
  return settings;
}

void Context::remember_found_dialect(client::ServerLink &link) {
  link.set_dialect_listener(
      [this, server = to_string(link.settings().endpoint)](protocol::Dialect dialect) -> Status {
        auto *state = MESSAGEU_TRY(this->state());
        return state->remember_server_dialect(server, protocol::dialect_name(dialect));
      });
}

Result<client::ServerLink *> Context::make_link(const ClientId &sender) {
  auto settings = MESSAGEU_TRY(dialect_settings(MESSAGEU_TRY(endpoint())));
  settings.timeout = to_milliseconds(m_options.timeout_seconds);
  settings.retries = m_options.retries;
  m_link.emplace(std::move(settings), sender);
  if (m_output.verbose())
    m_link->set_observer([this](std::string_view line) { m_output.debug(line); });
  if (m_link->settings().dialect_mode != client::DialectMode::fixed)
    remember_found_dialect(*m_link);
  return &*m_link;
}

Result<client::ServerLink *> Context::link() {
  if (m_link)
    return &*m_link;
  ClientId sender{};
  if (m_profile.is_registered())
    sender = MESSAGEU_TRY(identity())->info.id;
  return make_link(sender);
}

// --protocol 2 towards a server that authenticated this profile: it serves this account only
// on authenticated connections now (PROTOCOL.md §10), so say why it may refuse.
Status Context::warn_if_protected(client_state::ClientState &state, const Endpoint &endpoint) {
  auto remembered = MESSAGEU_TRY(state.remembered_server_protocol(to_string(endpoint)));
  if (remembered == client_state::ServerProtocol::authenticated)
    m_output.warning("--protocol 2: this server has authenticated this profile before, so it "
                     "may refuse to serve it without an authenticated session");
  return {};
}

Result<client::ServerLink *> Context::user_link() {
  if (m_user_link_ready)
    return &*m_link;
  const auto *me = MESSAGEU_TRY(identity());
  auto *state = MESSAGEU_TRY(this->state());
  auto *link = m_link ? &*m_link : MESSAGEU_TRY(make_link(me->info.id));
  auto choice = m_options.protocol == 2 ? client::ProtocolChoice::classic_only
                                        : client::ProtocolChoice::authenticate_if_offered;
  if (choice == client::ProtocolChoice::classic_only)
    MESSAGEU_TRY(warn_if_protected(*state, link->settings().endpoint));
  auto kind = MESSAGEU_TRY(client::start_session(*link, me->private_key, *state, choice));
  m_output.debug(kind == client::SessionKind::authenticated
                     ? "session authenticated as " + client_id_to_hex(me->info.id) + " (protocol 3)"
                     : std::string(choice == client::ProtocolChoice::classic_only
                                       ? "classic protocol (--protocol 2), not authenticated"
                                       : "the server offers no authenticated sessions: classic "
                                         "protocol, not authenticated"));
  m_user_link_ready = true;
  return link;
}

Result<client::ServerLink *> Context::restart_session() {
  if (m_link)
    m_link->use_connection_per_request();
  m_user_link_ready = false;
  return user_link();
}

Result<client::UserDirectory *> Context::directory() {
  if (!m_directory) {
    auto *me = MESSAGEU_TRY(identity());
    auto *state = MESSAGEU_TRY(this->state());
    auto *link = MESSAGEU_TRY(this->link());
    m_directory = std::make_unique<client::UserDirectory>(*state, *link,
                                                          client::Peer{me->info.id, me->info.name});
  }
  return m_directory.get();
}

Error Context::explain_failure(Error error) {
  // No identity: register (a 9000 there is about the name). Authenticated: the server knows us.
  if (error.code != Errc::server_error || !m_identity || !m_link || m_link->authenticated())
    return error;
  auto known = client::server_knows_sender(*m_link);
  if (!known || *known)
    return error;
  std::string advice =
      "register again, or check --server (" + to_string(m_link->settings().endpoint) + ")";
  // A dialect named on the command line is never searched: the server may speak another one.
  if (auto named = protocol::dialect_from_name(m_options.dialect))
    advice += ", or the server does not speak dialect " +
              std::string(protocol::dialect_name(*named)) + " (try --dialect auto)";
  return make_error(Errc::config, "this server does not know you (id " +
                                      client_id_to_hex(m_identity->info.id) + "): " + advice);
}

} // namespace messageu::cli
