// Writes to a file on a thread of its own, one buffer at a time, so that the caller prepares
// the next buffer while the previous one goes to the device. Direct I/O makes each write wait
// for the device; with this, receiving, decrypting and hashing a file overlap that wait.
#pragma once

#include <messageu/util/bytes.hpp>
#include <messageu/util/result.hpp>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace messageu::client {

// Turns direct I/O (O_DIRECT) on or off for `fd`; false when the file system refuses.
bool set_direct_io(int fd, bool direct);

class BackgroundWriter {
public:
  // Writes go to `fd`, which must stay open until wait() returned or this is destroyed.
  explicit BackgroundWriter(int fd);
  BackgroundWriter(const BackgroundWriter &) = delete;
  BackgroundWriter &operator=(const BackgroundWriter &) = delete;
  // Waits for the write in progress, if any, and stops the thread.
  ~BackgroundWriter();

  // Waits for the previous write to end, then starts writing `bytes`, which must stay valid
  // and unchanged until the next call to write() or wait(). The previous write failed →
  // its error (Errc::io_error), and `bytes` is not written.
  Status write(ByteView bytes);
  // Waits for the write in progress, if any: its outcome.
  Status wait();

private:
  void run();

  int m_fd;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::optional<ByteView> m_pending; // set: a write to do or in progress
  Status m_outcome;                  // of the last write done
  bool m_stopping = false;
  std::thread m_thread;
};

} // namespace messageu::client
