// Fault test of messageu-server's request parsing under a storm of bad input: 3000 random,
// malformed and truncated request frames (from a fixed seed) over many connections, sent in
// random pieces. Every complete frame is answered (9000 when malformed, success for the valid
// requests mixed in), the connection stays usable unless the frame was one the server must
// close after (PROTOCOL.md §7, §10), and meanwhile another connection keeps being served.
#include "test_faults_support.hpp"

#include <atomic>
#include <random>

namespace messageu::test {
namespace {

constexpr int k_frames = 3000;
constexpr int k_storm_threads = 6;
constexpr int k_max_frames_per_connection = 40;
constexpr std::uint32_t k_max_message_size = 65536;
// The largest payload a request may declare: a send of the largest content, or an ACK of
// 65,536 ids (PROTOCOL.md §7, §10). Above it the server cannot skip the payload.
constexpr std::uint32_t k_largest_payload = std::max<std::uint32_t>(
    protocol::k_send_prefix_size + k_max_message_size, 4 * protocol::k_max_ack_ids);
constexpr std::uint32_t k_seed = 20250607;

// One frame to send and what the server must do with it.
struct Frame {
  Bytes bytes;
  std::size_t sent = 0;                // fewer than bytes.size(): a truncated frame
  std::optional<std::uint16_t> answer; // the response code; nullopt for a truncated frame
  bool closes = false;                 // the server closes the connection after answering
  std::string kind;
};

// Makes random frames, each with the answer the protocol requires for it.
class FrameMaker {
public:
  FrameMaker(std::uint32_t seed, const User &user, const User &other)
      : m_random(seed), m_user(user), m_other(other) {}

  Frame next() {
    switch (pick(10)) {
    case 0: return garbage_header();
    case 1: return oversized();
    case 2: return wrong_size();
    case 3:
    case 4: return garbage_payload();
    case 5: return bad_send();
    case 6:
    case 7: return valid();
    default: return truncated();
    }
  }

private:
  std::uint32_t pick(std::uint32_t below) { return m_random() % below; }
  Byte random_byte() { return static_cast<Byte>(m_random()); }

  Bytes random_bytes(std::size_t size) {
    Bytes bytes(size);
    for (auto &byte : bytes)
      byte = random_byte();
    return bytes;
  }

  ClientId random_id() {
    ClientId id{};
    for (auto &byte : id)
      byte = random_byte();
    return id;
  }

  Dialect random_dialect() { return k_all_dialects[pick(4)]; }

  std::uint16_t random_code(Operation operation) {
    return protocol::request_code(random_dialect(), operation);
  }

  // A payload size: mostly small, sometimes large enough that the server must skip it in
  // several reads, never above what it accepts.
  std::uint32_t random_payload_size() {
    return pick(10) == 0 ? 20'000 + pick(k_largest_payload - 20'000) : pick(2048);
  }

  Frame make(std::string kind, const ClientId &sender, std::uint16_t code, ByteView payload,
             std::optional<std::uint16_t> answer = protocol::k_error_code, bool closes = false) {
    auto version = static_cast<std::uint8_t>(pick(4) == 0 ? random_byte() : 2 + pick(2));
    auto bytes = request_frame(sender, code, payload, version);
    auto size = bytes.size();
    return Frame{std::move(bytes), size, answer, closes, std::move(kind)};
  }

  // Any 23 bytes with a payload size the server accepts, and that many random bytes.
  Frame garbage_header() {
    auto header = random_bytes(protocol::k_request_header_size);
    auto size = random_payload_size();
    store_le32(header.data() + 19, size);
    auto code = load_le16(header.data() + 17);
    auto meaning = protocol::decode_request_code(code);
    // An AUTHENTICATE of the right size fails (no challenge was made) and closes (§10); a send
    // whose declared content is above the maximum cannot be skipped and closes too.
    // An unknown code is skipped only when small; a known code closes when its size cannot
    // be right, and so does an AUTHENTICATE of the right size (it fails: no challenge was made,
    // §10) and a send whose declared content is above the maximum or disagrees with its
    // payload size (random bytes: almost always).
    bool closes =
        meaning ? (meaning->operation == Operation::send_message ||
                   !protocol::classify_request(protocol::RequestHeader{{}, 2, code, size}, {}) ||
                   meaning->operation == Operation::authenticate)
                : size > protocol::k_max_skipped_payload;
    Bytes bytes = header;
    auto payload = random_bytes(size);
    bytes.insert(bytes.end(), payload.begin(), payload.end());
    auto total = bytes.size();
    return Frame{std::move(bytes), total, protocol::k_error_code, closes, "garbage header"};
  }

  // A header declaring more than any request may carry: answered 9000 at once, then closed,
  // since the rest of the stream cannot be framed.
  Frame oversized() {
    auto size = k_largest_payload + 1 + m_random() % (0xFFFF'FFFFu - k_largest_payload - 1);
    auto code = pick(2) == 0 ? static_cast<std::uint16_t>(m_random())
                             : random_code(Operation::send_message);
    ByteWriter header;
    header.bytes(random_id()).u8(2).u16(code).u32(size);
    auto bytes = header.take();
    auto total = bytes.size();
    return Frame{std::move(bytes), total, protocol::k_error_code, true, "oversized"};
  }

  // A known operation whose payload is not its fixed size: answered 9000, then closed.
  Frame wrong_size() {
    static constexpr std::array<std::pair<Operation, std::size_t>, 5> k_fixed = {{
        {Operation::register_client, protocol::k_register_payload_size},
        {Operation::list_users, 0},
        {Operation::public_key, protocol::k_public_key_request_size},
        {Operation::pull_messages, 0},
        {Operation::authenticate, protocol::k_authenticate_payload_size},
    }};
    auto [operation, fixed] = k_fixed[pick(k_fixed.size())];
    std::size_t size = pick(600);
    if (size == fixed)
      ++size;
    return make("wrong size", random_id(), random_code(operation), random_bytes(size),
                protocol::k_error_code, true);
  }

  // A known operation with its right size and random content, from an unknown sender.
  Frame garbage_payload() {
    switch (pick(5)) {
    case 0: // a random name and key: the key never parses
      return make("garbage register", ClientId{}, random_code(Operation::register_client),
                  random_bytes(protocol::k_register_payload_size));
    case 1: return make("unknown sender list", random_id(), random_code(Operation::list_users), {});
    case 2:
      return make("unknown key", m_user.id, random_code(Operation::public_key),
                  random_bytes(protocol::k_public_key_request_size));
    case 3:
      return make("unknown sender pull", random_id(), random_code(Operation::pull_messages), {});
    default: return make("unknown challenge", random_id(), random_code(Operation::challenge), {});
    }
  }

  // Sends that are malformed (type outside 1..4, a content size that disagrees with the
  // payload size, which closes the connection) or come from an unknown sender.
  Frame bad_send() {
    auto content = random_bytes(pick(3) == 0 ? pick(k_max_message_size) : pick(512));
    ByteWriter payload;
    auto type = static_cast<std::uint8_t>(1 + pick(4));
    auto declared = static_cast<std::uint32_t>(content.size());
    ClientId sender = m_user.id;
    bool disagrees = false;
    switch (pick(3)) {
    case 0: type = static_cast<std::uint8_t>(pick(2) == 0 ? 0 : 5 + pick(250)); break;
    case 1:
      declared += 1 + pick(1000);
      disagrees = true;
      break;
    default: sender = random_id(); break;
    }
    payload.bytes(m_other.id).u8(type).u32(declared).bytes(content);
    return make("bad send", sender, random_code(Operation::send_message), payload.buffer(),
                protocol::k_error_code, disagrees);
  }

  // A request a registered user may make, mixed in to show that good requests on the same
  // connections are still served.
  Frame valid() {
    auto dialect = random_dialect();
    if (pick(2) == 0)
      return Frame{request(m_user.id, Operation::list_users, {}, dialect), 23,
                   protocol::response_code(dialect, Operation::list_users), false, "list"};
    auto bytes = request(m_user.id, Operation::public_key,
                         protocol::encode_public_key_request(m_other.id), dialect);
    auto size = bytes.size();
    return Frame{std::move(bytes), size, protocol::response_code(dialect, Operation::public_key),
                 false, "public key"};
  }

  // Any of the frames above cut short; the client then hangs up.
  Frame truncated() {
    Frame frame;
    do
      frame = pick(2) == 0 ? garbage_header() : garbage_payload();
    while (frame.bytes.size() < 2);
    frame.sent = 1 + pick(static_cast<std::uint32_t>(frame.bytes.size() - 1));
    frame.answer.reset();
    frame.kind = "truncated " + frame.kind;
    return frame;
  }

  std::mt19937 m_random;
  const User &m_user;
  const User &m_other;
};

// Counts what the storm saw; failures keep a description of the first one.
struct Tally {
  std::atomic<int> frames{0};
  std::atomic<int> answered{0};
  std::atomic<int> failures{0};
  std::mutex mutex;
  std::string first_failure;

  void fail(const std::string &what) {
    if (failures++ == 0) {
      std::lock_guard lock(mutex);
      first_failure = what;
    }
  }
};

// Sends `bytes` in 1 to 4 pieces, so that frames also arrive split across reads.
bool send_in_pieces(RawConnection &connection, ByteView bytes, std::mt19937 &random) {
  auto pieces = 1 + random() % 4;
  std::size_t offset = 0;
  for (std::uint32_t piece = 1; piece <= pieces && offset < bytes.size(); ++piece) {
    auto size = piece == pieces ? bytes.size() - offset
                                : std::min<std::size_t>(bytes.size() - offset,
                                                        1 + random() % (bytes.size() + 1));
    if (!connection.send(bytes.subspan(offset, size)))
      return false;
    offset += size;
  }
  return true;
}

// One frame on `connection`; false when the connection has ended (as the frame required, or
// by a failure, which is tallied).
bool exchange(RawConnection &connection, const Frame &frame, std::mt19937 &random, Tally &tally) {
  ++tally.frames;
  auto describe = [&] {
    return frame.kind + " (" + std::to_string(frame.bytes.size()) + " bytes)";
  };
  if (!send_in_pieces(connection, ByteView(frame.bytes).first(frame.sent), random)) {
    // A frame the server closes at its header or prefix may find the connection closed
    // before all of it is sent: that is the closing the frame asks for.
    if (!frame.closes)
      tally.fail("could not send " + describe());
    return false;
  }
  if (!frame.answer) { // truncated: hang up, politely or not
    if (random() % 2 == 0)
      connection.reset();
    return false;
  }
  auto response = connection.receive_response(std::chrono::seconds(20));
  if (!response) {
    tally.fail("no answer to " + describe());
    return false;
  }
  ++tally.answered;
  if (response->code != *frame.answer)
    tally.fail(describe() + " answered " + std::to_string(response->code) + " instead of " +
               std::to_string(*frame.answer));
  if (frame.closes) {
    if (!connection.closed_by_peer(std::chrono::seconds(20)))
      tally.fail("the connection stayed open after " + describe());
    return false;
  }
  return true;
}

// One storm thread: connections one after another, each carrying a random number of frames,
// until it has made its share of frames.
void storm(std::uint16_t port, const User &user, const User &other, int index, int share,
           Tally &tally) {
  FrameMaker maker(k_seed + static_cast<std::uint32_t>(index), user, other);
  std::mt19937 random(k_seed * 3 + static_cast<std::uint32_t>(index));
  for (int made = 0; made < share;) {
    std::optional<RawConnection> connection;
    try {
      connection.emplace(port);
    } catch (const std::exception &) {
      tally.fail("cannot connect");
      return;
    }
    auto count = 1 + static_cast<int>(random() % k_max_frames_per_connection);
    for (int i = 0; i < count && made < share; ++i) {
      ++made;
      if (!exchange(*connection, maker.next(), random, tally))
        break;
    }
  }
}

// Valid requests, on one kept connection and on fresh ones, until `done`: the server serves
// them throughout the storm.
struct Watch {
  int served = 0;
  int failed = 0;
};

Watch watch(std::uint16_t port, const User &user, const std::atomic<bool> &done) {
  Watch result;
  std::optional<RawConnection> kept(port);
  for (int round = 0; round < 100'000 && !done.load(); ++round) {
    std::optional<RawConnection> fresh;
    if (round % 4 == 3)
      fresh.emplace(port);
    auto list = round_trip(fresh ? *fresh : *kept, request(user.id, Operation::list_users));
    (list && list->code == 2101 ? result.served : result.failed)++;
    if (!list && !fresh)
      kept.emplace(port);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return result;
}

TEST(FaultsFrames, AnswersEveryCompleteFrameOfARandomStormAndKeepsServing) {
  ServerProcess server({"--max-message-size", std::to_string(k_max_message_size)});
  auto port = server.port();
  auto alice = register_user(port, "alice");
  auto bob = register_user(port, "bob");
  std::atomic<bool> done{false};
  Tally tally;
  Watch watched;
  std::thread watcher([&] { watched = watch(port, bob, done); });
  std::vector<std::thread> threads;
  for (int index = 0; index < k_storm_threads; ++index)
    threads.emplace_back(storm, port, std::cref(alice), std::cref(bob), index,
                         k_frames / k_storm_threads, std::ref(tally));
  for (auto &thread : threads)
    thread.join();
  done = true;
  watcher.join();

  EXPECT_EQ(tally.frames.load(), k_frames);
  EXPECT_EQ(tally.failures.load(), 0) << "first: " << tally.first_failure;
  EXPECT_GT(tally.answered.load(), k_frames / 2);
  EXPECT_GE(watched.served, 1);
  EXPECT_EQ(watched.failed, 0);
  EXPECT_TRUE(server.process().running());
  auto after = pull(port, bob.id);
  EXPECT_TRUE(after.empty()) << "a malformed send was stored";
  auto log = server.log();
  auto error = log.find("session ended by an error");
  EXPECT_EQ(error, std::string::npos) << log.substr(error == std::string::npos ? 0 : error, 300);
  RecordProperty("answered", tally.answered.load());
  RecordProperty("watch_requests", watched.served);
}

} // namespace
} // namespace messageu::test
