// Random bytes from the operating system's CSPRNG, for keys, nonces and the randomness RSA
// needs (OAEP seeds, blinding, prime search). Thread-safe and safe across fork(): nothing is
// cached in the process, every call asks the kernel.
#pragma once

#include <messageu/util/bytes.hpp>

#include <cstddef>

namespace messageu::crypto {

// Fills `out` with cryptographically secure random bytes. Never fails: if the operating
// system cannot provide randomness the process is aborted, since nothing secure can follow.
void fill_random(MutableByteView out);

// `count` cryptographically secure random bytes.
Bytes random_bytes(std::size_t count);

} // namespace messageu::crypto
