// messageu-server against hostile peers, each bound tried by exceeding it: a header or a
// request's fixed part that trickles in (--request-timeout), a content sent or an answer read
// too slowly (--min-receive-rate, --min-send-rate), one address holding too many connections
// (--max-connections-per-address), a full server (--max-connections: the idle or slowest make
// room), a slowloris attack from several addresses while a legitimate client is served,
// declared payload sizes that cannot be right for their code, and many connections that ask
// for a large user list and never read it (one shared copy, not one each). Peers play other hosts
// by binding to 127.0.0.x source addresses. Small option values keep each test to seconds.
#include "test_faults_support.hpp"

#include <atomic>
#include <fstream>
#include <limits>
#include <string>

namespace messageu::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string loopback(int host) { return "127.0.0." + std::to_string(host); }

// Sends `bytes` one at a time, `pause` apart, until they are all sent or the server has
// closed the connection; returns how many were sent before it closed.
std::size_t trickle(RawConnection &connection, ByteView bytes, milliseconds pause) {
  for (std::size_t sent = 0; sent < bytes.size(); ++sent) {
    if (peer_closed_now(connection.fd()) || !connection.send(bytes.subspan(sent, 1)))
      return sent;
    std::this_thread::sleep_for(pause);
  }
  return bytes.size();
}

TEST(ServerHostile, ClosesAHeaderThatTricklesInLongerThanTheRequestTimeout) {
  ServerProcess server({"--request-timeout", "1", "--idle-timeout", "60"});
  auto alice = register_user(server.port(), "alice");
  RawConnection slow(server.port());
  // 23 bytes, one every 150 ms: each byte is progress, but the header takes 3.3 s.
  auto sent = trickle(slow, request(alice.id, Operation::list_users), milliseconds(150));
  EXPECT_LT(sent, protocol::k_request_header_size);
  EXPECT_TRUE(slow.closed_by_peer());
  EXPECT_TRUE(eventually([&] { return server.log().find("request timeout") != std::string::npos; }))
      << last_lines(server.log(), 5);
}

TEST(ServerHostile, ClosesARegistrationWhosePayloadTricklesInLongerThanTheRequestTimeout) {
  ServerProcess server({"--request-timeout", "1"});
  RawConnection slow(server.port());
  auto key = crypto::RsaPrivateKey::generate();
  auto frame = request(ClientId{}, Operation::register_client,
                       protocol::encode_register_payload({"mallory", key.public_key()}));
  ASSERT_TRUE(slow.send(ByteView(frame).first(protocol::k_request_header_size + 100)));
  auto rest = ByteView(frame).subspan(protocol::k_request_header_size + 100);
  EXPECT_LT(trickle(slow, rest, milliseconds(50)), rest.size());
  EXPECT_TRUE(slow.closed_by_peer());
}

TEST(ServerHostile, ClosesASendWhoseContentArrivesBelowTheMinimumRateAndStoresNothing) {
  ServerProcess server({"--request-timeout", "1", "--min-receive-rate", "20000"});
  auto alice = register_user(server.port(), "alice");
  auto bob = register_user(server.port(), "bob");
  auto frame = send_request(alice.id, bob.id, MessageType::text, Bytes(1 << 20, 0x41));
  RawConnection slow(server.port());
  // Header, prefix and 64 KiB at once, then 500 bytes every 100 ms: 5,000 bytes/s.
  std::size_t sent = protocol::k_request_header_size + protocol::k_send_prefix_size + 65536;
  ASSERT_TRUE(slow.send(ByteView(frame).first(sent)));
  while (sent < frame.size() && !peer_closed_now(slow.fd())) {
    if (!slow.send(ByteView(frame).subspan(sent, 500)))
      break;
    sent += 500;
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_LT(sent, frame.size());
  EXPECT_TRUE(slow.closed_by_peer());
  EXPECT_TRUE(
      eventually([&] { return server.log().find("receive rate below") != std::string::npos; }));
  EXPECT_TRUE(pull(server.port(), bob.id).empty());

  // The same message sent at full speed is carried.
  RawConnection fast(server.port());
  auto sent_fast = round_trip(fast, frame);
  ASSERT_TRUE(sent_fast);
  EXPECT_EQ(sent_fast->code, 2103);
}

TEST(ServerHostile, ClosesAPullWhoseAnswerIsReadBelowTheMinimumRateAndDeletesNothing) {
  ServerProcess server({"--request-timeout", "1", "--min-send-rate", "100000"});
  auto alice = register_user(server.port(), "alice");
  auto bob = register_user(server.port(), "bob");
  auto content = Bytes(8 << 20, 0x42);
  {
    RawConnection sender(server.port());
    auto sent = round_trip(sender, send_request(alice.id, bob.id, MessageType::text, content));
    ASSERT_TRUE(sent && sent->code == 2103);
  }
  {
    // Asks for the 8 MiB and never reads: the server's writes stall once the buffers fill.
    RawConnection stalled(server.port(), "127.0.0.1", 4096);
    ASSERT_TRUE(stalled.send(request(bob.id, Operation::pull_messages)));
    EXPECT_TRUE(eventually(
        [&] { return server.log().find("send rate below") != std::string::npos; }, seconds(20)))
        << last_lines(server.log(), 5);
  }
  auto messages = pull(server.port(), bob.id);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].content, content);
}

TEST(ServerHostile, RefusesConnectionsAboveThePerAddressCapAndServesOtherAddresses) {
  ServerProcess server({"--max-connections-per-address", "5"});
  auto alice = register_user(server.port(), "alice");
  auto list = request(alice.id, Operation::list_users);
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < 5; ++i) {
    held.push_back(std::make_unique<RawConnection>(server.port(), "127.0.0.2"));
    auto answer = round_trip(*held.back(), list);
    ASSERT_TRUE(answer && answer->code == 2101) << "connection " << i;
  }
  RawConnection sixth(server.port(), "127.0.0.2");
  sixth.send(list);
  EXPECT_TRUE(sixth.closed_by_peer());
  RawConnection other(server.port(), "127.0.0.3");
  auto answer = round_trip(other, list);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->code, 2101);
  EXPECT_TRUE(eventually(
      [&] { return server.log().find("connections from its address") != std::string::npos; }));
  // Once one closes, the address may connect again.
  held.pop_back();
  EXPECT_TRUE(eventually([&] {
    RawConnection again(server.port(), "127.0.0.2");
    auto reply = round_trip(again, list);
    return reply && reply->code == 2101;
  }));
}

TEST(ServerHostile, AFullServerClosesTheSlowestMidRequestConnectionToServeANewcomer) {
  ServerProcess server({"--max-connections", "8", "--max-connections-per-address", "4"});
  auto alice = register_user(server.port(), "alice");
  std::this_thread::sleep_for(milliseconds(300)); // the registration's connection is gone
  // Eight connections from two addresses, each with a few bytes of a header: mid-request.
  auto frame = request(alice.id, Operation::list_users);
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 8; ++i) {
    slow.push_back(std::make_unique<RawConnection>(server.port(), loopback(2 + i / 4).c_str()));
    ASSERT_TRUE(slow.back()->send(ByteView(frame).first(3)));
  }
  std::this_thread::sleep_for(milliseconds(200));
  RawConnection newcomer(server.port());
  auto answer = round_trip(newcomer, frame);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->code, 2101);
  EXPECT_TRUE(eventually([&] {
    return std::count_if(slow.begin(), slow.end(),
                         [](const auto &c) { return peer_closed_now(c->fd()); }) == 1;
  }));
  EXPECT_TRUE(eventually(
      [&] { return server.log().find("among the slowest mid-request") != std::string::npos; }));
}

// Connections from `first_host`.. that each send a byte of a header now and then, reopened
// when the server closes them, more than the caps allow, until `stop`.
void slowloris(std::uint16_t port, int first_host, int hosts, int per_host,
               const std::atomic<bool> &stop, std::atomic<int> &opened) {
  std::vector<std::unique_ptr<RawConnection>> held;
  while (!stop) {
    std::erase_if(held, [](const auto &connection) {
      return peer_closed_now(connection->fd()) || !connection->send(as_bytes("x"));
    });
    for (int host = first_host; host < first_host + hosts && !stop; ++host)
      for (int i = 0; i < per_host && held.size() < std::size_t(hosts * per_host); ++i) {
        try {
          held.push_back(std::make_unique<RawConnection>(port, loopback(host).c_str()));
          ++opened;
        } catch (const std::exception &) {
          break; // the backlog is full for a moment
        }
      }
    std::this_thread::sleep_for(milliseconds(100));
  }
}

TEST(ServerHostile, ALegitimateClientIsServedWhileASlowlorisAttackRuns) {
  ServerProcess server(
      {"--max-connections", "20", "--max-connections-per-address", "5", "--request-timeout", "1"});
  auto port = server.port();
  auto alice = register_user(port, "alice");
  auto bob = register_user(port, "bob");
  std::atomic<bool> stop{false};
  std::atomic<int> opened{0};
  // Six addresses, eight connections each: above both caps.
  std::thread attack(slowloris, port, 2, 6, 8, std::cref(stop), std::ref(opened));
  std::this_thread::sleep_for(milliseconds(500));
  Clock::duration longest{};
  for (int round = 0; round < 10; ++round) {
    auto started = Clock::now();
    RawConnection client(port);
    auto text = "hello " + std::to_string(round);
    auto sent =
        round_trip(client, send_request(alice.id, bob.id, MessageType::text, as_bytes(text)));
    ASSERT_TRUE(sent) << "round " << round << "\n" << last_lines(server.log(), 10);
    ASSERT_EQ(sent->code, 2103);
    longest = std::max(longest, Clock::now() - started);
    std::this_thread::sleep_for(milliseconds(200));
  }
  stop = true;
  attack.join();
  // "Not locked out", with a bound far above any loaded machine's noise.
  EXPECT_LT(longest, seconds(5));
  EXPECT_GT(opened.load(), 48);
  EXPECT_EQ(pull(port, bob.id).size(), 10u);
  RecordProperty("longest_wait_ms",
                 static_cast<int>(std::chrono::duration_cast<milliseconds>(longest).count()));
}

// A header declaring `size` for `code`, and nothing after it.
Bytes bare_header(const ClientId &sender, std::uint16_t code, std::uint32_t size) {
  protocol::RequestHeader header{sender, 2, code, size};
  auto bytes = protocol::encode_request_header(header);
  return Bytes(bytes.begin(), bytes.end());
}

TEST(ServerHostile, AnswersASizeThatCannotBeRightForItsCodeAtOnceAndCloses) {
  ServerProcess server;
  auto alice = register_user(server.port(), "alice");
  for (auto operation :
       {Operation::list_users, Operation::register_client, Operation::pull_messages,
        Operation::public_key, Operation::challenge, Operation::authenticate, Operation::ack}) {
    RawConnection connection(server.port());
    auto code = protocol::request_code(Dialect::v2025a, operation);
    ASSERT_TRUE(connection.send(bare_header(alice.id, code, 0xFFFFFFFF)));
    auto answer = connection.receive_response(seconds(5));
    ASSERT_TRUE(answer) << "code " << code;
    EXPECT_EQ(answer->code, protocol::k_error_code);
    EXPECT_TRUE(connection.closed_by_peer(seconds(5))) << "code " << code;
  }
  // An unknown code: closed when its payload is larger than any known fixed one...
  RawConnection large(server.port());
  ASSERT_TRUE(large.send(bare_header(alice.id, 4242, 0x10000000)));
  auto answer = large.receive_response(seconds(5));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->code, protocol::k_error_code);
  EXPECT_TRUE(large.closed_by_peer(seconds(5)));
  // ... and skipped when small, the connection going on.
  RawConnection small(server.port());
  auto unknown = request_frame(alice.id, 4242, Bytes(1000, 7));
  auto refused = round_trip(small, unknown);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, protocol::k_error_code);
  auto list = round_trip(small, request(alice.id, Operation::list_users));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->code, 2101);
}

// Registers `count` users (one key for all), pipelined; returns the first one's id.
ClientId register_many(std::uint16_t port, int count) {
  auto key = crypto::RsaPrivateKey::generate().public_key();
  RawConnection connection(port);
  ClientId first{};
  constexpr int k_batch = 500;
  for (int start = 0; start < count; start += k_batch) {
    Bytes frames;
    int end = std::min(count, start + k_batch);
    for (int n = start; n < end; ++n) {
      auto one = request(ClientId{}, Operation::register_client,
                         protocol::encode_register_payload({"user" + std::to_string(n), key}));
      frames.insert(frames.end(), one.begin(), one.end());
    }
    EXPECT_TRUE(connection.send(frames));
    for (int n = start; n < end; ++n) {
      auto answer = connection.receive_response();
      if (!answer || answer->code != 2100) {
        ADD_FAILURE() << "registration " << n << " failed";
        return first;
      }
      if (n == 0)
        std::copy(answer->payload.begin(), answer->payload.end(), first.begin());
    }
  }
  return first;
}

// The resident memory of process `pid`, in KiB (VmRSS).
long resident_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stol(line.substr(6));
  return -1;
}

TEST(ServerHostile, ConnectionsThatNeverReadTheirListAnswersShareOneCopyOfIt) {
  constexpr int k_users = 3000;
  constexpr int k_connections = 100;
  constexpr long k_answer_kib = (k_users - 1) * 271 / 1024; // about 0.8 MiB
  ServerProcess server;
  auto requester = register_many(server.port(), k_users);
  std::this_thread::sleep_for(milliseconds(300));
  auto before = resident_kib(server.process().pid());
  ASSERT_GT(before, 0);
  // Twenty pipelined lists on each, a small receive buffer, nothing read: every connection's
  // answer stays blocked in its write (the server reads no next request meanwhile).
  auto lists = Bytes{};
  for (int i = 0; i < 20; ++i) {
    auto one = request(requester, Operation::list_users);
    lists.insert(lists.end(), one.begin(), one.end());
  }
  std::vector<std::unique_ptr<RawConnection>> stalled;
  for (int i = 0; i < k_connections; ++i) {
    stalled.push_back(
        std::make_unique<RawConnection>(server.port(), loopback(2 + i / 50).c_str(), 4096));
    ASSERT_TRUE(stalled.back()->send(lists));
  }
  long peak = before;
  for (int sample = 0; sample < 20; ++sample) {
    std::this_thread::sleep_for(milliseconds(100));
    peak = std::max(peak, resident_kib(server.process().pid()));
  }
  // One copy per connection would be 100 answers (80 MiB); a shared one costs one answer
  // plus each connection's small buffers. The bound allows 20 answers' worth.
  EXPECT_LT(peak - before, 20 * k_answer_kib) << "RSS " << before << " KiB -> " << peak << " KiB";
  RecordProperty("rss_growth_kib", static_cast<int>(peak - before));
  // And the answers are whole when read.
  auto answer = stalled.front()->receive_response(seconds(10));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->code, 2101);
  EXPECT_EQ(answer->payload.size(), std::size_t(k_users - 1) * 271);
}

} // namespace
} // namespace messageu::test
