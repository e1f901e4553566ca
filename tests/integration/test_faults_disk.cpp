// Fault tests of messageu-server on a full disk: its database lives on a small filesystem of
// its own (a tmpfs, or an ext4 image on a loop device where tmpfs cannot be mounted), filled
// by sends until they are refused with 9000. Everything acknowledged before is still there,
// byte for byte; once space returns (a filler file deleted) sends are stored again and the
// database is sound; and when only a little space returns, the recipient's pull deletes what
// it delivered and so makes room for new messages.
#include "test_faults_support.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/mount.h>

namespace messageu::test {
namespace {

constexpr std::size_t k_filesystem_mib = 16;
// The space given back once the disk is full: ample, so that the first test shows the server
// recovering at all. The second test gives back little, less than the stored messages take.
constexpr std::size_t k_filler_size = 6u << 20;
constexpr std::size_t k_small_filler_size = 1u << 20;
constexpr int k_max_sends = 4000; // far more than fit

// A small filesystem mounted on a fresh directory for as long as this object lives. It needs
// the right to mount (root, or CAP_SYS_ADMIN); problem() says why it could not be made.
class SmallFilesystem {
public:
  explicit SmallFilesystem(std::size_t mebibytes) : m_mount_point(m_parent / "disk") {
    std::filesystem::create_directory(m_mount_point);
    auto options = "size=" + std::to_string(mebibytes) + "m,mode=0700";
    if (::mount("messageu-faults", m_mount_point.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                options.c_str()) == 0) {
      m_mounted = true;
      return;
    }
    m_problem = std::string("mount tmpfs: ") + std::strerror(errno);
    mount_loop_image(mebibytes);
  }

  ~SmallFilesystem() {
    if (m_mounted && ::umount2(m_mount_point.c_str(), 0) != 0)
      ::umount2(m_mount_point.c_str(), MNT_DETACH);
  }

  SmallFilesystem(const SmallFilesystem &) = delete;
  SmallFilesystem &operator=(const SmallFilesystem &) = delete;

  bool mounted() const { return m_mounted; }
  const std::filesystem::path &path() const { return m_mount_point; }
  const std::string &problem() const { return m_problem; }

private:
  // The fallback: an ext4 image file, mounted through a loop device by mount(8).
  void mount_loop_image(std::size_t mebibytes) {
    auto mkfs = find_program("mkfs.ext4");
    if (mkfs.empty())
      mkfs = std::filesystem::exists("/sbin/mkfs.ext4") ? "/sbin/mkfs.ext4" : "";
    auto mount_program = find_program("mount");
    if (mkfs.empty() || mount_program.empty()) {
      m_problem += "; no mkfs.ext4 or mount program for a loop image";
      return;
    }
    auto image = (m_parent / "disk.img").string();
    std::filesystem::resize_file(write_empty(image), (2 * mebibytes) << 20);
    auto made = run({mkfs, "-q", "-F", image});
    auto mounted = made.exit_code == 0
                       ? run({mount_program, "-o", "loop", image, m_mount_point.string()})
                       : made;
    if (mounted.exit_code == 0) {
      m_mounted = true;
      return;
    }
    m_problem += "; loop image: " + mounted.err;
  }

  static std::string write_empty(const std::string &path) {
    std::ofstream(path, std::ios::binary).flush();
    return path;
  }

  TempDir m_parent;
  std::filesystem::path m_mount_point;
  bool m_mounted = false;
  std::string m_problem;
};

void write_filler(const std::filesystem::path &path, std::size_t size) {
  std::ofstream file(path, std::ios::binary);
  std::string block(64 * 1024, 'f');
  for (std::size_t written = 0; written < size; written += block.size())
    file.write(block.data(), static_cast<std::streamsize>(block.size()));
}

// Mostly contents kept in the message rows, every 8th one large enough for the files.
std::size_t disk_content_size(int number) { return number % 8 == 7 ? 200 * 1024 : 16 * 1024; }

struct Sent {
  int number = 0;
  MessageId id = 0;
};

// Checks that `pulled` holds every one of `sent`, in order, with the content sent.
void expect_all_intact(const std::vector<protocol::PulledMessage> &pulled,
                       const std::vector<Sent> &sent, const User &from) {
  ASSERT_EQ(pulled.size(), sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(pulled[i].header.message_id, sent[i].id) << "message " << i;
    EXPECT_EQ(pulled[i].header.sender, from.id);
    EXPECT_TRUE(pulled[i].content ==
                numbered_content(1, sent[i].number, disk_content_size(sent[i].number)))
        << "content of message " << sent[i].number << " differs";
  }
}

// A server whose database is on a small filesystem that also holds a filler file (the space
// to give back), with alice sending to bob.
class FaultsDisk : public ::testing::Test {
protected:
  void SetUp() override {
    if (!m_disk.mounted())
      GTEST_SKIP() << "cannot make a small filesystem for the database here: " << m_disk.problem();
  }

  void start(std::size_t filler_size) {
    write_filler(filler(), filler_size);
    m_server = std::make_unique<ServerProcess>(std::vector<std::string>{"--idle-timeout", "600"},
                                               database());
    m_alice = register_user(port(), "alice");
    m_bob = register_user(port(), "bob");
  }

  std::filesystem::path filler() const { return m_disk.path() / "filler"; }
  std::string database() const { return (m_disk.path() / "defensive.db").string(); }
  std::uint16_t port() const { return m_server->port(); }

  // One send from alice to bob on a fresh connection: the response code (0: no answer); an
  // acknowledged one is added to m_stored.
  std::uint16_t send(int number) {
    RawConnection connection(port());
    auto response = round_trip(
        connection, send_request(m_alice.id, m_bob.id, MessageType::file,
                                 numbered_content(1, number, disk_content_size(number))));
    if (!response)
      return 0;
    if (auto answer = protocol::decode_send_answer(response->payload); response->code == 2103)
      m_stored.push_back({number, answer ? answer->message_id : 0});
    return response->code;
  }

  // Sends until the disk is full: the first send refused with 9000 is the last; returns the
  // next message number. Fails the test if the disk never fills or a send is not answered.
  int fill() {
    for (int number = 0; number < k_max_sends; ++number) {
      auto code = send(number);
      EXPECT_NE(code, 0) << "send " << number << " unanswered";
      if (code != 2103) {
        EXPECT_EQ(code, protocol::k_error_code);
        return number + 1;
      }
    }
    ADD_FAILURE() << "the disk never filled after " << k_max_sends << " sends";
    return k_max_sends;
  }

  std::string log_end() { return "the server's log ends:\n" + last_lines(m_server->log(), 6); }

  SmallFilesystem m_disk{k_filesystem_mib};
  std::unique_ptr<ServerProcess> m_server;
  User m_alice{"", crypto::RsaPrivateKey::generate(), {}};
  User m_bob{"", crypto::RsaPrivateKey::generate(), {}};
  std::vector<Sent> m_stored;
};

TEST_F(FaultsDisk, RefusesSendsWhenFullKeepsWhatItStoredAndStoresAgainWhenSpaceReturns) {
  start(k_filler_size);
  // Bob's connection, authenticated before the disk fills: a version-3 pull on it reads the
  // waiting messages without deleting them, so it looks without needing to write.
  RawConnection bob_session(port());
  ASSERT_EQ(authenticate(bob_session, m_bob), 2106);
  auto number = fill();
  ASSERT_FALSE(HasFailure());
  // A full disk keeps answering: more sends are refused (or fit in what a refusal freed).
  for (int more = 0; more < 5; ++more, ++number) {
    auto code = send(number);
    ASSERT_TRUE(code == 2103 || code == protocol::k_error_code) << "answered " << code;
  }
  EXPECT_TRUE(m_server->process().running());
  expect_all_intact(pull_on(bob_session, m_bob.id, Dialect::v2025a, 3), m_stored, m_alice);
  RecordProperty("stored_when_full", static_cast<int>(m_stored.size()));

  // Space returns: sends are stored again, and everything is there.
  std::filesystem::remove(filler());
  for (int again = 0; again < 5; ++again, ++number)
    ASSERT_EQ(send(number), 2103) << "send " << again << " after space returned; " << log_end();
  expect_all_intact(pull_on(bob_session, m_bob.id, Dialect::v2025a, 3), m_stored, m_alice);
  // No refused send left its content behind in the content directory: one file per large message
  // kept.
  auto large = std::count_if(m_stored.begin(), m_stored.end(), [](const Sent &sent) {
    return disk_content_size(sent.number) > 64 * 1024;
  });
  EXPECT_EQ(content_file_count(database()), static_cast<std::size_t>(large));
  EXPECT_EQ(m_server->stop(), 0);
  EXPECT_EQ(integrity_check(database()), "ok");
}

TEST_F(FaultsDisk, APullAfterALittleSpaceReturnsDeletesWhatItDeliveredAndMakesRoom) {
  // Less space comes back than the messages take: pulling them is what frees the rest.
  start(k_small_filler_size);
  auto number = fill();
  ASSERT_FALSE(HasFailure());
  std::filesystem::remove(filler());
  expect_all_intact(pull(port(), m_bob.id), m_stored, m_alice);
  auto again = pull(port(), m_bob.id);
  EXPECT_TRUE(again.empty()) << again.size() << " messages delivered a second time; " << log_end();
  m_stored.clear();
  for (int more = 0; more < 5; ++more, ++number)
    ASSERT_EQ(send(number), 2103) << "send " << more << " after the pull; " << log_end();
  expect_all_intact(pull(port(), m_bob.id), m_stored, m_alice);
  EXPECT_EQ(m_server->stop(), 0);
  EXPECT_EQ(integrity_check(database()), "ok");
}

} // namespace
} // namespace messageu::test
