// What the workers send. Before the load, the workload registers the users it needs (unique
// names, real RSA-1024 public keys, since a strict server parses them); then each worker gets
// a plan with its requests encoded once, so the hot path copies nothing:
//   list     the worker's user lists the users (only one user is registered, so the answer
//            is as small as the ceiling's unless other users exist on the server)
//   getkey   the worker's user asks for the next user's public key
//   send     the worker's user sends a text message (type 3) of --payload bytes to each of
//            k_send_recipients users in turn, registered for the purpose, so that no
//            recipient's inbox reaches a server's cap on waiting messages (ours refuses more
//            than 10,000 per recipient by default)
//   pull     the worker's user pulls its waiting messages (mostly none)
//   register a new unique user for every request (all with one key)
//   mix      per request, at random: 10% list, 30% getkey, 30% send (to the next user, whose
//            pulls then carry it), 30% pull
// Worker i acts as user i mod the number of users (at most k_max_users).
#pragma once

#include "load_options.hpp"

#include <messageu/protocol/dialect.hpp>
#include <messageu/util/bytes.hpp>
#include <messageu/util/ids.hpp>
#include <messageu/util/result.hpp>

#include <utility> // before Asio: g++ 12 in C++20 needs it

#include <boost/asio/ip/tcp.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace messageu::bench {

inline constexpr std::size_t k_max_users = 16;
inline constexpr std::size_t k_send_recipients = 1024;

// One request to send: its bytes (valid until the plan's next call) and what it asks.
struct PlannedRequest {
  ByteView bytes;
  protocol::Operation operation;
};

class WorkerPlan {
public:
  PlannedRequest next();

private:
  friend class Workload;

  PlannedRequest register_request();
  PlannedRequest send_request();
  // xorshift64: cheap, and deterministic for a given worker.
  std::uint64_t next_random();

  LoadOperation m_operation = LoadOperation::list;
  protocol::Dialect m_dialect = protocol::k_default_dialect;
  Bytes m_list;
  Bytes m_getkey;
  Bytes m_send;
  Bytes m_pull;
  Bytes m_register; // rebuilt for every register request
  // The send load's recipients: each send patches the next one into m_send.
  std::shared_ptr<const std::vector<ClientId>> m_recipients;
  std::size_t m_next_recipient = 0;
  PublicKeyBytes m_key{};
  std::string m_name_prefix;
  std::uint64_t m_counter = 0;
  std::uint64_t m_random_state = 0;
};

class Workload {
public:
  // Generates the keys and registers the users this load needs on `server`, each request on
  // its own connection. A registration the server refuses or cannot answer → Errc::unavailable
  // or Errc::server_error with what happened.
  static Result<Workload> prepare(const LoadOptions &options,
                                  const boost::asio::ip::tcp::endpoint &server);

  WorkerPlan plan_for(std::size_t worker) const;
  std::size_t user_count() const { return m_users.size(); }

private:
  Workload(const LoadOptions &options, std::string name_prefix, PublicKeyBytes spare_key,
           std::vector<ClientId> users, std::vector<ClientId> recipients);

  LoadOptions m_options;
  std::string m_name_prefix;
  PublicKeyBytes m_spare_key{}; // the key of the register load's users
  std::vector<ClientId> m_users;
  std::shared_ptr<const std::vector<ClientId>> m_recipients; // send load only
  Bytes m_content;                                           // the send load's message content
};

} // namespace messageu::bench
