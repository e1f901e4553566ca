// Ids and public keys made up by the tests of state.db and of the trust policy kept in it.
#pragma once

#include <messageu/util/ids.hpp>

#include <cstddef>

namespace messageu::test {

inline ClientId make_id(Byte seed) {
  ClientId id{};
  for (std::size_t i = 0; i < id.size(); ++i)
    id[i] = static_cast<Byte>(seed + i);
  return id;
}

inline PublicKeyBytes make_key(Byte seed) {
  PublicKeyBytes key{};
  key.fill(seed);
  return key;
}

} // namespace messageu::test
