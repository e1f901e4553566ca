// Helpers shared by the server store tests: ids, keys, contents and whole messages.
#pragma once

#include <messageu/store/server_store.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

namespace messageu::store::test {

inline ClientId client_id(Byte seed) {
  ClientId id{};
  std::fill(id.begin(), id.end(), seed);
  id[0] = 0xc0; // distinct from a key made with the same seed
  return id;
}

inline PublicKeyBytes public_key(Byte seed) {
  PublicKeyBytes key{};
  for (std::size_t i = 0; i < key.size(); ++i)
    key[i] = static_cast<Byte>(seed + i);
  return key;
}

// `size` bytes of a pattern that differs from position to position and seed to seed.
inline Bytes pattern(std::size_t size, std::uint32_t seed = 1) {
  Bytes bytes(size);
  std::uint32_t state = seed * 2654435761u + 1;
  for (auto &byte : bytes) {
    state = state * 1664525u + 1013904223u;
    byte = static_cast<Byte>(state >> 24);
  }
  return bytes;
}

// A finished sink holding `content`, written in chunks of `chunk` bytes.
inline std::unique_ptr<ContentSink> stage(ServerStore &store, ByteView content,
                                          std::size_t chunk = 8192) {
  auto sink = store.begin_content(content.size());
  EXPECT_TRUE(sink) << sink.error().message;
  for (std::size_t offset = 0; offset < content.size(); offset += chunk) {
    auto status = (*sink)->write(content.subspan(offset, std::min(chunk, content.size() - offset)));
    EXPECT_TRUE(status) << status.error().message;
  }
  auto status = (*sink)->finish();
  EXPECT_TRUE(status) << status.error().message;
  return std::move(sink).value();
}

inline NewMessage message(ServerStore &store, const ClientId &to, const ClientId &from,
                          ByteView content, MessageType type = MessageType::text) {
  return NewMessage{to, from, type, stage(store, content)};
}

// Inserts one message and returns its id.
inline MessageId insert_one(ServerStore &store, const ClientId &to, const ClientId &from,
                            ByteView content, MessageType type = MessageType::text) {
  std::vector<NewMessage> batch;
  batch.push_back(message(store, to, from, content, type));
  auto ids = store.insert_messages(batch);
  EXPECT_TRUE(ids) << ids.error().message;
  return ids && ids->size() == 1 ? ids->front() : 0;
}

// Reads a stored content to its end in chunks of `chunk` bytes.
inline Bytes read_all(StoredContentReader &reader, std::size_t chunk = 7000) {
  Bytes content;
  Bytes buffer(chunk);
  for (;;) {
    auto count = reader.read(buffer);
    EXPECT_TRUE(count) << count.error().message;
    if (!count || *count == 0)
      return content;
    content.insert(content.end(), buffer.begin(), buffer.begin() + static_cast<long>(*count));
  }
}

inline Bytes read_content(ServerStore &store, MessageId id) {
  auto reader = store.open_content(id);
  EXPECT_TRUE(reader) << reader.error().message;
  if (!reader)
    return {};
  return read_all(**reader);
}

} // namespace messageu::store::test
