// A request handler over a real in-memory store, with a clock the test moves by hand, and
// helpers that run each operation the way a session does (send: begin, chunks, commit;
// pull: read the download in small chunks, then finish it).
#pragma once

#include "core/auth_proof.hpp"
#include "core/request_handler.hpp"

#include "support/vectors.hpp"

#include <messageu/crypto/authentication_proof.hpp>
#include <messageu/crypto/rsa.hpp>
#include <messageu/protocol/messages.hpp>
#include <messageu/store/sqlite_server_store.hpp>
#include <messageu/util/base64.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

namespace messageu::server::test {

using protocol::Dialect;
using protocol::Operation;

// The status of a reply: its code, or the note it was refused with.
inline ::testing::AssertionResult has_code(const Reply &reply, std::uint16_t code) {
  if (reply.code == code)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "code " << reply.code << " instead of " << code << " (note: " << reply.note << ")";
}

// A private key from the shared vectors (made by an unrelated implementation).
inline crypto::RsaPrivateKey vector_key(const std::string &file) {
  auto vectors = messageu::test::load_vectors(file);
  auto der = base64_decode(vectors.get<std::string>("private_key_pkcs8_base64"));
  EXPECT_TRUE(der);
  auto key = crypto::RsaPrivateKey::from_der(*der);
  EXPECT_TRUE(key) << key.error().message;
  return std::move(key).value();
}

struct PullResult {
  Reply reply;
  Bytes payload;
};

class HandlerTest : public ::testing::Test {
protected:
  HandlerTest() { make_handler({}); }

  void make_handler(HandlerOptions options) {
    if (!m_store) {
      auto store = store::SqliteServerStore::open_in_memory();
      EXPECT_TRUE(store) << store.error().message;
      m_store = std::move(store).value();
    }
    m_handler = std::make_unique<RequestHandler>(*m_store, options, [this] { return m_now; });
  }

  static protocol::RequestFrame frame(Operation operation, const ClientId &sender,
                                      std::size_t payload_size, Dialect dialect = Dialect::v2025a,
                                      std::uint8_t version = protocol::k_classic_version) {
    protocol::RequestHeader header{sender, version, protocol::request_code(dialect, operation),
                                   static_cast<std::uint32_t>(payload_size)};
    return protocol::RequestFrame{header, dialect, operation};
  }

  Reply call(Operation operation, const ClientId &sender, ByteView payload,
             ConnectionState &connection, Dialect dialect = Dialect::v2025a,
             std::uint8_t version = protocol::k_classic_version) {
    return m_handler->handle(frame(operation, sender, payload.size(), dialect, version), payload,
                             connection);
  }

  Reply register_user(const std::string &name, const PublicKeyBytes &key,
                      Dialect dialect = Dialect::v2025a) {
    ConnectionState connection;
    auto payload = protocol::encode_register_payload({name, key});
    return call(Operation::register_client, ClientId{}, payload, connection, dialect);
  }

  ClientId registered(const std::string &name, const PublicKeyBytes &key) {
    auto reply = register_user(name, key);
    EXPECT_TRUE(has_code(reply, 2100));
    auto id = protocol::decode_register_answer(reply.payload);
    EXPECT_TRUE(id);
    return id.value_or(ClientId{});
  }

  // A whole send, the way a session runs it, with the content in chunks of `chunk` bytes.
  Reply send(const ClientId &sender, const ClientId &recipient, std::uint8_t type, ByteView content,
             ConnectionState &connection, Dialect dialect = Dialect::v2025a,
             std::size_t chunk = 4096) {
    protocol::SendPrefix prefix{recipient, type, static_cast<std::uint32_t>(content.size())};
    auto started = m_handler->begin_send(
        frame(Operation::send_message, sender, 21 + content.size(), dialect), prefix, connection);
    if (auto *refused = std::get_if<Reply>(&started))
      return *refused;
    auto upload = std::get<UploadId>(started);
    for (std::size_t offset = 0; offset < content.size(); offset += chunk) {
      auto written = m_handler->write_content(
          upload, content.subspan(offset, std::min(chunk, content.size() - offset)));
      if (!written)
        return refusal(written.error());
    }
    auto upload_ids = std::vector<UploadId>{upload};
    return m_handler->commit_sends(upload_ids).at(0);
  }

  Reply send_text(const ClientId &sender, const ClientId &recipient, const std::string &text) {
    ConnectionState connection;
    return send(sender, recipient, 3, as_bytes(text), connection);
  }

  // A whole pull: the reply, then its payload read `chunk` bytes at a time; the download is
  // finished as delivered when `delivered`.
  PullResult pull(const ClientId &sender, ConnectionState &connection, bool delivered = true,
                  std::uint8_t version = protocol::k_classic_version, std::size_t chunk = 1000) {
    PullResult result{
        call(Operation::pull_messages, sender, {}, connection, Dialect::v2025a, version), {}};
    if (!result.reply.download)
      return result;
    Bytes buffer(chunk);
    for (;;) {
      auto count = m_handler->read_download(*result.reply.download, buffer);
      EXPECT_TRUE(count) << count.error().message;
      if (!count || *count == 0)
        break;
      result.payload.insert(result.payload.end(), buffer.begin(),
                            buffer.begin() + static_cast<std::ptrdiff_t>(*count));
    }
    auto finished = m_handler->finish_download(*result.reply.download, delivered);
    EXPECT_TRUE(finished) << finished.error().message;
    return result;
  }

  std::vector<protocol::PulledMessage> pull_messages(const ClientId &sender) {
    ConnectionState connection;
    auto result = pull(sender, connection);
    EXPECT_TRUE(has_code(result.reply, 2104));
    auto messages = protocol::decode_pull_payload(result.payload);
    EXPECT_TRUE(messages) << messages.error().message;
    return messages.value_or(std::vector<protocol::PulledMessage>{});
  }

  std::size_t waiting_for(const ClientId &recipient) {
    auto waiting = m_store->pending_messages(recipient);
    EXPECT_TRUE(waiting);
    return waiting ? waiting->size() : 0;
  }

  // CHALLENGE, decrypt with `key`, AUTHENTICATE: the reply to the AUTHENTICATE.
  Reply authenticate(const ClientId &client, const crypto::RsaPrivateKey &key,
                     ConnectionState &connection) {
    auto challenge = call(Operation::challenge, client, {}, connection, Dialect::v2025a, 3);
    EXPECT_TRUE(has_code(challenge, 2105));
    auto nonce = key.decrypt(challenge.payload);
    EXPECT_TRUE(nonce) << nonce.error().message;
    Nonce nonce_bytes{};
    std::copy_n(nonce->begin(), std::min(nonce->size(), nonce_bytes.size()), nonce_bytes.begin());
    auto proof = crypto::authentication_proof(nonce_bytes, client, challenge.payload);
    return call(Operation::authenticate, client, proof, connection, Dialect::v2025a, 3);
  }

  std::unique_ptr<store::SqliteServerStore> m_store;
  // Kept up to date by the handler, as in the server.
  std::unique_ptr<RequestHandler> m_handler;
  std::chrono::steady_clock::time_point m_now =
      std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
};

} // namespace messageu::server::test
