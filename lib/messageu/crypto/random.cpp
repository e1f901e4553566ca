// Random bytes straight from the kernel (getrandom), falling back to Crypto++'s reader of
// /dev/urandom on a kernel without the system call. No state is kept in the process, so two
// threads, or a parent and a forked child, never share a generator.
#include <messageu/crypto/random.hpp>

#include <cryptopp/osrng.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <sys/random.h>

namespace messageu::crypto {
namespace {

// Reads from /dev/urandom through Crypto++; false if that fails too.
bool fill_from_device(MutableByteView out) {
  try {
    CryptoPP::OS_GenerateRandomBlock(false, out.data(), out.size());
    return true;
  } catch (const CryptoPP::Exception &) {
    return false;
  }
}

} // namespace

void fill_random(MutableByteView out) {
  std::size_t done = 0;
  while (done < out.size()) {
    // getrandom returns at most 32 MiB per call and may be interrupted by a signal.
    auto got = getrandom(out.data() + done, out.size() - done, 0);
    if (got > 0) {
      done += static_cast<std::size_t>(got);
    } else if (got < 0 && errno == EINTR) {
      continue;
    } else if (fill_from_device(out.subspan(done))) {
      return;
    } else {
      std::fputs("messageu: the operating system provides no random bytes\n", stderr);
      std::abort();
    }
  }
}

Bytes random_bytes(std::size_t count) {
  Bytes out(count);
  fill_random(out);
  return out;
}

} // namespace messageu::crypto
