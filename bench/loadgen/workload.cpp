// Registering the load's users and encoding each worker's requests.
#include "workload.hpp"

#include "connection_slot.hpp"
#include "watchdog.hpp"

#include <messageu/crypto/random.hpp>
#include <messageu/crypto/rsa.hpp>
#include <messageu/protocol/messages.hpp>
#include <messageu/util/hex.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>

namespace messageu::bench {
namespace {

namespace asio = boost::asio;
using protocol::Operation;

constexpr std::chrono::seconds k_setup_limit{120};

std::size_t users_needed(const LoadOptions &options) {
  switch (options.operation) {
  case LoadOperation::register_client: return 0;
  case LoadOperation::list: return 1;
  default: return std::clamp<std::size_t>(options.connections, 2, k_max_users);
  }
}

struct Registration {
  std::string name;
  PublicKeyBytes key{};
};

asio::awaitable<Result<std::vector<ClientId>>>
register_all(const std::vector<Registration> &registrations, const asio::ip::tcp::endpoint &server,
             protocol::Dialect dialect, ConnectionSlot &slot) {
  std::vector<ClientId> ids;
  for (const auto &registration : registrations) {
    auto payload = protocol::encode_register_payload({registration.name, registration.key});
    auto request =
        protocol::encode_request(ClientId{}, dialect, Operation::register_client, payload);
    Bytes answer;
    auto status = co_await exchange_on_new_connection(slot, server, request, dialect,
                                                      Operation::register_client, &answer);
    if (status == ExchangeStatus::server_error)
      co_return make_error(Errc::server_error,
                           "the server refused to register " + registration.name + " (9000)");
    if (status != ExchangeStatus::ok)
      co_return make_error(Errc::unavailable, "registering " + registration.name +
                                                  ": no valid answer from the server");
    auto id = protocol::decode_register_answer(answer);
    if (!id)
      co_return id.error();
    ids.push_back(*id);
  }
  co_return ids;
}

// Runs the registrations on a private io_context, guarded by a watchdog.
Result<std::vector<ClientId>> run_registrations(const std::vector<Registration> &registrations,
                                                const asio::ip::tcp::endpoint &server,
                                                protocol::Dialect dialect) {
  asio::io_context context;
  ConnectionSlot slot(context.get_executor());
  bool finished = false;
  Result<std::vector<ClientId>> result = make_error(Errc::internal, "registration did not run");
  asio::co_spawn(
      context,
      [&]() -> asio::awaitable<void> {
        result = co_await register_all(registrations, server, dialect, slot);
        finished = true;
      },
      asio::detached);
  Watchdog watchdog({&slot}, Clock::now() + k_setup_limit, [&] { return finished; });
  asio::co_spawn(context, watchdog.run(), asio::detached);
  context.run();
  return result;
}

} // namespace

Result<Workload> Workload::prepare(const LoadOptions &options,
                                   const asio::ip::tcp::endpoint &server) {
  // A random prefix keeps names unique across runs against the same database. Names are
  // letters and digits only ("lg3f9a...u0"): other servers refuse anything else.
  auto prefix = "lg" + to_hex(crypto::random_bytes(6));
  std::vector<Registration> users;
  for (std::size_t i = 0; i < users_needed(options); ++i)
    users.push_back(
        {prefix + "u" + std::to_string(i), crypto::RsaPrivateKey::generate().public_key()});
  auto spare_key =
      users.empty() ? crypto::RsaPrivateKey::generate().public_key() : users.front().key;
  // Recipients share the users' keys: nothing requires keys to be distinct, and making 1024
  // RSA keys would take seconds.
  std::vector<Registration> recipients;
  if (options.operation == LoadOperation::send)
    for (std::size_t i = 0; i < k_send_recipients; ++i)
      recipients.push_back({prefix + "r" + std::to_string(i), users[i % users.size()].key});
  auto user_ids = MESSAGEU_TRY(run_registrations(users, server, options.dialect));
  auto recipient_ids = MESSAGEU_TRY(run_registrations(recipients, server, options.dialect));
  return Workload(options, prefix, spare_key, std::move(user_ids), std::move(recipient_ids));
}

Workload::Workload(const LoadOptions &options, std::string name_prefix, PublicKeyBytes spare_key,
                   std::vector<ClientId> users, std::vector<ClientId> recipients)
    : m_options(options), m_name_prefix(std::move(name_prefix)), m_spare_key(spare_key),
      m_users(std::move(users)),
      m_recipients(std::make_shared<const std::vector<ClientId>>(std::move(recipients))),
      m_content(crypto::random_bytes(options.payload_size)) {}

WorkerPlan Workload::plan_for(std::size_t worker) const {
  WorkerPlan plan;
  plan.m_operation = m_options.operation;
  plan.m_dialect = m_options.dialect;
  plan.m_key = m_spare_key;
  // "n" ends the worker's number, so that worker 1's user 23 and worker 12's user 3 differ.
  plan.m_name_prefix = m_name_prefix + "w" + std::to_string(worker) + "n";
  plan.m_random_state = 0x9E3779B97F4A7C15ull * (worker + 1);
  if (m_users.empty())
    return plan;
  const auto &self = m_users[worker % m_users.size()];
  const auto &peer = m_users[(worker + 1) % m_users.size()];
  auto dialect = m_options.dialect;
  plan.m_list = protocol::encode_request(self, dialect, Operation::list_users, {});
  plan.m_getkey = protocol::encode_request(self, dialect, Operation::public_key,
                                           protocol::encode_public_key_request(peer));
  plan.m_send =
      protocol::encode_request(self, dialect, Operation::send_message,
                               protocol::encode_send_payload(peer, MessageType::text, m_content));
  plan.m_pull = protocol::encode_request(self, dialect, Operation::pull_messages, {});
  if (!m_recipients->empty()) {
    plan.m_recipients = m_recipients;
    plan.m_next_recipient = worker; // workers start spread over the recipients
  }
  return plan;
}

std::uint64_t WorkerPlan::next_random() {
  m_random_state ^= m_random_state << 13;
  m_random_state ^= m_random_state >> 7;
  m_random_state ^= m_random_state << 17;
  return m_random_state;
}

PlannedRequest WorkerPlan::register_request() {
  auto name = m_name_prefix + std::to_string(m_counter++);
  m_register = protocol::encode_request(ClientId{}, m_dialect, Operation::register_client,
                                        protocol::encode_register_payload({name, m_key}));
  return {m_register, Operation::register_client};
}

PlannedRequest WorkerPlan::send_request() {
  if (m_recipients) {
    // The recipient is the first field of the payload, right after the request header.
    const auto &recipient = (*m_recipients)[m_next_recipient++ % m_recipients->size()];
    std::copy(recipient.begin(), recipient.end(),
              m_send.begin() + static_cast<std::ptrdiff_t>(protocol::k_request_header_size));
  }
  return {m_send, Operation::send_message};
}

PlannedRequest WorkerPlan::next() {
  switch (m_operation) {
  case LoadOperation::list: return {m_list, Operation::list_users};
  case LoadOperation::getkey: return {m_getkey, Operation::public_key};
  case LoadOperation::send: return send_request();
  case LoadOperation::pull: return {m_pull, Operation::pull_messages};
  case LoadOperation::register_client: return register_request();
  case LoadOperation::mix: break;
  }
  auto draw = next_random() % 10;
  if (draw == 0)
    return {m_list, Operation::list_users};
  if (draw <= 3)
    return {m_getkey, Operation::public_key};
  if (draw <= 6)
    return {m_send, Operation::send_message};
  return {m_pull, Operation::pull_messages};
}

} // namespace messageu::bench
