// Fault tests of what messageu-server promises to keep (PROTOCOL.md §4): a message answered
// with 2103 survives a kill -9 in the middle of a storm of concurrent sends and the database
// stays sound, and a pull cut off by a reset connection deletes nothing, wherever it is cut.
#include "test_faults_support.hpp"

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <set>

namespace messageu::test {
namespace {

constexpr int k_storm_clients = 8;
// The kill comes once this many sends were acknowledged in all...
constexpr int k_acknowledged_before_kill = 1000;
// ...and each client stops after this many sends whatever happens.
constexpr int k_storm_max_sends = 5000;

// Mostly small contents (kept in the message's row), every 16th one large enough for the
// store's content directory, so that both ways of storing a content face the kill.
std::size_t storm_content_size(int number) {
  if (number % 16 == 15)
    return 100 * 1024;
  return 64 + static_cast<std::size_t>(number * 37 % 1500);
}

// Who gets message `number` of `sender`: each of the others in turn.
std::size_t storm_recipient(int sender, int number) {
  return static_cast<std::size_t>((sender + 1 + number % (k_storm_clients - 1)) % k_storm_clients);
}

struct Acknowledged {
  int sender = 0;
  int number = 0;
  MessageId id = 0;
};

// What the storm's clients saw, shared between their threads.
struct StormLedger {
  std::mutex mutex;
  std::vector<Acknowledged> acknowledged;
  std::vector<std::string> surprises; // answers other than 2103 before the server died
  std::atomic<int> count{0};

  void record(const Acknowledged &entry) {
    std::lock_guard lock(mutex);
    acknowledged.push_back(entry);
    ++count;
  }
  void surprise(std::string what) {
    std::lock_guard lock(mutex);
    surprises.push_back(std::move(what));
  }
};

// One client of the storm: sends numbered messages until a request fails (the server is
// gone) or it has sent k_storm_max_sends. Even clients keep one connection, odd ones open one
// per request as classic clients do.
void storm_client(std::uint16_t port, const std::vector<User> &users, int sender,
                  StormLedger &ledger) {
  std::optional<RawConnection> kept;
  try {
    for (int number = 0; number < k_storm_max_sends; ++number) {
      const auto &recipient = users[storm_recipient(sender, number)];
      auto bytes = send_request(users[sender].id, recipient.id, MessageType::file,
                                numbered_content(sender, number, storm_content_size(number)));
      std::optional<RawConnection> fresh;
      if (sender % 2 == 0 && !kept)
        kept.emplace(port);
      if (sender % 2 == 1)
        fresh.emplace(port);
      auto response = round_trip(kept ? *kept : *fresh, bytes);
      if (!response)
        return;
      auto answer = protocol::decode_send_answer(response->payload);
      if (response->code != 2103 || !answer || answer->recipient != recipient.id) {
        ledger.surprise("client " + std::to_string(sender) + " message " + std::to_string(number) +
                        " answered " + std::to_string(response->code));
        return;
      }
      ledger.record({sender, number, answer->message_id});
    }
  } catch (const std::exception &) {
    // connect() refused: the server is gone.
  }
}

// Every waiting message of every user, by recipient index and message id.
using Mailboxes = std::map<std::pair<std::size_t, MessageId>, protocol::PulledMessage>;

Mailboxes pull_everything(std::uint16_t port, const std::vector<User> &users) {
  Mailboxes found;
  for (std::size_t recipient = 0; recipient < users.size(); ++recipient)
    for (auto &message : pull(port, users[recipient].id))
      found.emplace(std::make_pair(recipient, message.header.message_id), std::move(message));
  return found;
}

// The problems with what was pulled: a message that no client sent, came from another sender
// or to another recipient than its content says, differs from what was sent, or is there
// twice. Unacknowledged sends may be there or not: the kill came while they were in flight.
std::vector<std::string> check_pulled(const Mailboxes &found, const std::vector<User> &users) {
  std::vector<std::string> problems;
  std::set<std::pair<int, int>> seen;
  for (const auto &[key, message] : found) {
    auto origin = content_origin(message.content);
    auto where = "message " + std::to_string(key.second) + " to user " + std::to_string(key.first);
    if (!origin || origin->first < 0 || origin->first >= k_storm_clients) {
      problems.push_back(where + ": not a content any client sent");
      continue;
    }
    auto [sender, number] = *origin;
    if (message.header.sender != users[static_cast<std::size_t>(sender)].id ||
        storm_recipient(sender, number) != key.first)
      problems.push_back(where + ": wrong sender or recipient");
    if (message.content != numbered_content(sender, number, storm_content_size(number)))
      problems.push_back(where + ": content differs from what was sent");
    if (!seen.insert(*origin).second)
      problems.push_back(where + ": delivered twice");
  }
  return problems;
}

TEST(FaultsDurability, KeepsEveryAcknowledgedMessageThroughAKillNineDuringASendStorm) {
  TempDir directory;
  auto database = (directory / "defensive.db").string();
  std::vector<User> users;
  StormLedger ledger;
  {
    ServerProcess server({}, database);
    for (int i = 0; i < k_storm_clients; ++i)
      users.push_back(register_user(server.port(), "storm" + std::to_string(i)));
    std::vector<std::thread> clients;
    for (int sender = 0; sender < k_storm_clients; ++sender)
      clients.emplace_back(storm_client, server.port(), std::cref(users), sender, std::ref(ledger));
    bool reached = eventually([&] { return ledger.count.load() >= k_acknowledged_before_kill; },
                              std::chrono::seconds(90));
    server.process().signal(SIGKILL); // mid-storm: sends are in flight on every client
    for (auto &client : clients)
      client.join();
    EXPECT_EQ(server.process().wait(std::chrono::seconds(20)), 128 + SIGKILL);
    ASSERT_TRUE(reached) << "only " << ledger.count.load() << " sends acknowledged";
  }
  EXPECT_TRUE(ledger.surprises.empty()) << ledger.surprises.front();

  // The database as the kill left it, checked on a copy so the server reopens the original.
  TempDir copy;
  EXPECT_EQ(integrity_check(copy_database(database, copy.path())), "ok");

  ServerProcess restarted({}, database);
  auto found = pull_everything(restarted.port(), users);
  auto problems = check_pulled(found, users);
  EXPECT_TRUE(problems.empty()) << problems.size() << " problems, first: " << problems.front();
  std::size_t missing = 0;
  std::string first_missing;
  for (const auto &entry : ledger.acknowledged) {
    auto recipient = storm_recipient(entry.sender, entry.number);
    auto message = found.find({recipient, entry.id});
    if (message == found.end() ||
        content_origin(message->second.content) != std::make_pair(entry.sender, entry.number)) {
      if (missing++ == 0)
        first_missing = std::to_string(entry.sender) + ":" + std::to_string(entry.number) +
                        " (id " + std::to_string(entry.id) + ")";
    }
  }
  EXPECT_EQ(missing, 0u) << "acknowledged but not pulled, first: " << first_missing << " of "
                         << ledger.acknowledged.size() << " acknowledged";
  EXPECT_GE(found.size(), ledger.acknowledged.size());
  RecordProperty("acknowledged", static_cast<int>(ledger.acknowledged.size()));
  RecordProperty("pulled", static_cast<int>(found.size()));

  EXPECT_EQ(restarted.stop(SIGTERM), 0);
  EXPECT_EQ(integrity_check(database), "ok");
  EXPECT_EQ(content_file_count(database), 0u)
      << "content files left after every message was pulled";
}

// The pull test's messages: large ones and small ones between them, 24 MiB in all, far more
// than the two sockets' buffers hold, so that the server is still writing when the reset comes.
constexpr int k_cut_messages = 48;

std::size_t cut_content_size(int number) {
  return number % 2 == 0 ? (1u << 20) + static_cast<std::size_t>(number) * 1000
                         : 100 + static_cast<std::size_t>(number);
}

TEST(FaultsDurability, APullCutOffByAResetDeletesNothingWhereverItIsCut) {
  ServerProcess server;
  auto port = server.port();
  auto alice = register_user(port, "alice");
  auto bob = register_user(port, "bob");
  {
    RawConnection connection(port);
    for (int number = 0; number < k_cut_messages; ++number) {
      auto stored = round_trip(connection,
                               send_request(alice.id, bob.id, MessageType::file,
                                            numbered_content(0, number, cut_content_size(number))));
      ASSERT_TRUE(stored);
      ASSERT_EQ(stored->code, 2103);
    }
  }
  // Cut within the response header, within the first message's header, within its content,
  // and half way through the response.
  const std::vector<std::size_t> cuts = {3, 7 + 10, 7 + 25 + 5000, 12u << 20};
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    RawConnection connection(port);
    // A fixed receive buffer turns off the kernel's autotuning, which could otherwise take in
    // the whole response and let the server finish writing before the reset.
    int buffer = 256 * 1024;
    setsockopt(connection.fd(), SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    ASSERT_TRUE(connection.send(request(bob.id, Operation::pull_messages)));
    ASSERT_TRUE(connection.receive_exact(cuts[i], std::chrono::seconds(60))) << "cut " << cuts[i];
    connection.reset();
    // The server logs a request once it is done with it: only then may the next pull look.
    EXPECT_TRUE(eventually([&] { return logged_requests(server.log(), "pull(604)") == i + 1; },
                           std::chrono::seconds(30)))
        << "the server never finished the pull cut at " << cuts[i];
    // It saw the response cut short: the buffers did not take it all before the reset.
    EXPECT_EQ(count_occurrences(server.log(), "request=pull(604) result=none"), i + 1)
        << "the pull cut at " << cuts[i] << " was written completely";
  }
  auto messages = pull(port, bob.id);
  ASSERT_EQ(messages.size(), std::size_t{k_cut_messages});
  for (int number = 0; number < k_cut_messages; ++number) {
    const auto &message = messages[static_cast<std::size_t>(number)];
    EXPECT_EQ(message.header.sender, alice.id);
    EXPECT_TRUE(message.content == numbered_content(0, number, cut_content_size(number)))
        << "message " << number << " differs";
  }
  EXPECT_TRUE(pull(port, bob.id).empty());
}

} // namespace
} // namespace messageu::test
