// The server's decisions (PROTOCOL.md §4 and §10), as a pure function of the request, the
// connection's state and the store: no sockets, no threads. The session feeds it decoded
// requests and writes what it answers; unit tests call it directly over an in-memory store.
//
// Sends and pulls move contents of any size, so they come in steps with a handle in between:
//   send: begin_send (after the 21-byte prefix) → write_content (each chunk) → commit_sends
//         (many uploads in one durable commit: group commit) or discard_upload;
//   pull: handle() answers with a Reply naming a download → read_download (each chunk) →
//         finish_download (deletes the messages only if the response was delivered whole).
//         While a download streams, its messages are left out of other pulls.
//
// Not thread-safe: the server calls it from its one store thread.
#pragma once

#include "core/connection_state.hpp"
#include "core/pending_quota.hpp"
#include "core/pull_download.hpp"
#include "core/reply.hpp"
#include "core/request_rate.hpp"

#include <messageu/protocol/header.hpp>
#include <messageu/protocol/messages.hpp>
#include <messageu/store/server_store.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <variant>
#include <vector>

namespace messageu::server {

struct HandlerOptions {
  // --require-auth: every account is treated as protected.
  bool require_auth = false;
  // --protocol 2: behave as a classic server (PROTOCOL.md §10 "A classic server answers them
  // with 9000"): no CHALLENGE, AUTHENTICATE or ACK, no protected accounts, no acknowledged
  // pulls. For testing clients against a classic server.
  bool classic_only = false;
  // How long a CHALLENGE's nonce may be used.
  std::chrono::milliseconds challenge_lifetime{30'000};
  // --max-pending-messages and --max-pending-bytes: caps on what waits for one recipient;
  // --max-pending-share: the part of them one sender may take.
  PendingLimits pending{};
  // --max-request-rate: requests per second one connection may send (0: unlimited).
  std::uint32_t max_request_rate = 0;
};

using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

// The one mapping from an error to the answer: 9000 with the error's message as the log's
// note; storage failures are logged as errors.
Reply refusal(const Error &error);
// The refusal of a request above the connection's --max-request-rate.
Reply rate_refusal(const RequestRateLimit &rate);
// Whether `sender` may send and pull on this connection: a protected account (every account
// with --require-auth) only on a connection bound to it.
bool may_act(const HandlerOptions &options, const ClientId &sender, bool is_protected,
             const ConnectionState &connection);

class RequestHandler {
public:
  explicit RequestHandler(store::ServerStore &store, HandlerOptions options = {},
                          SteadyClock clock = &std::chrono::steady_clock::now);

  // Answers a request whose payload is complete in `payload`: every operation but send. A
  // pull's reply names a download to stream. Never fails: refusals are 9000 replies (with
  // close_after set for a failed AUTHENTICATE). A request above the connection's
  // --max-request-rate is refused whatever it is.
  Reply handle(const protocol::RequestFrame &frame, ByteView payload, ConnectionState &connection);

  // A send whose prefix was read (its type and size already checked by the protocol layer):
  // checks the request rate, the sender, the recipient, the account's protection and the
  // recipient's pending caps and the sender's share of them (--max-pending-*), and opens an
  // upload for
  // the content, writing `first_chunk` of it when the caller has it already. Refused → a 9000
  // reply (the caller skips the rest of the content and sends it).
  std::variant<Reply, UploadId> begin_send(const protocol::RequestFrame &frame,
                                           const protocol::SendPrefix &prefix,
                                           ConnectionState &connection, ByteView first_chunk = {});
  // Appends a chunk of the upload's content. Unknown upload → Errc::invalid_argument; more
  // bytes than declared → Errc::size_mismatch; a storage failure → Errc::storage. After a
  // failure the upload is discarded.
  Status write_content(UploadId upload, ByteView chunk);
  // Drops an upload that will not be committed (the connection broke); unknown ids are
  // ignored. Returns true when there was such an upload.
  bool discard_upload(UploadId upload);
  // Makes every upload's content durable and stores all their messages in one commit; one
  // reply per upload, in order: 2103 (recipient, message id) or 9000. The uploads are gone
  // afterwards, stored or not.
  std::vector<Reply> commit_sends(std::span<const UploadId> uploads);

  // The end of a WAIT that was parked (Reply::wait_for): an acknowledged pull of what waits
  // for the connection's client now, empty (2104 with no messages) when nothing does.
  Reply end_wait(const protocol::RequestFrame &frame, ConnectionState &connection);
  // Told the recipient of every message stored, once its commit is durable (the server wakes
  // the connections waiting for it). Called on the store thread.
  void set_stored_listener(std::function<void(const ClientId &recipient)> listener) {
    m_stored_listener = std::move(listener);
  }

  // The next bytes of a pull's payload into `buffer` (0 once all was read). Unknown
  // download → Errc::invalid_argument; a storage failure → Errc::storage.
  Result<std::size_t> read_download(DownloadId download, MutableByteView buffer);
  // Ends a download. `delivered`: the whole response was written to the connection, so a
  // classic pull deletes the messages it carried; an acknowledged (version 3) pull and an
  // undelivered one delete nothing. Unknown download → Errc::invalid_argument.
  Status finish_download(DownloadId download, bool delivered);

  // Uploads and downloads in progress (for tests and diagnostics).
  std::size_t open_transfers() const { return m_uploads.size() + m_downloads.size(); }

private:
  struct Upload {
    protocol::Dialect dialect;
    ClientId sender{};
    ClientId recipient{};
    MessageType type = MessageType::text;
    std::uint64_t size = 0; // declared, and reserved in the pending quota
    std::unique_ptr<store::ContentSink> content;
  };
  struct Download {
    PullDownload payload;
    bool delete_when_delivered;
  };

  // The refusal of a request above the connection's rate; empty when it may go on.
  std::optional<Reply> check_rate(ConnectionState &connection);
  // Forgets an upload and gives back its reservation.
  void drop_upload(std::map<UploadId, Upload>::iterator upload);

  Reply register_client(const protocol::RequestFrame &frame, ByteView payload);
  Reply list_users(const protocol::RequestFrame &frame, const store::PublishedClient &sender);
  Reply public_key(const protocol::RequestFrame &frame, ByteView payload);
  Reply pull(const protocol::RequestFrame &frame, const store::PublishedClient &sender,
             const ConnectionState &connection);
  // Opens the download of what waits for `recipient`; `acknowledged`: nothing is deleted
  // until ACK, else what a delivered response carried is.
  Reply open_pull(const protocol::RequestFrame &frame, const ClientId &recipient,
                  bool acknowledged);
  // WAIT: served only on a connection bound to the sender, with a time of 1 to 300,000 ms.
  Reply wait(const protocol::RequestFrame &frame, const store::PublishedClient &sender,
             ByteView payload, const ConnectionState &connection);
  Reply challenge(const protocol::RequestFrame &frame, const store::PublishedClient &sender,
                  ConnectionState &connection);
  Reply authenticate(const protocol::RequestFrame &frame, const store::PublishedClient &sender,
                     ByteView payload, ConnectionState &connection);
  Reply ack(const protocol::RequestFrame &frame, const store::PublishedClient &sender,
            ByteView payload, const ConnectionState &connection);

  // The registered sender of a non-register request, which must not name another id than
  // the connection is bound to; updates its LastSeen.
  Result<store::PublishedClient> identify_sender(const protocol::RequestHeader &header,
                                                 const ConnectionState &connection);
  // The client with `id` as the store's snapshot has it, or, when the snapshot cannot say (a
  // store shared with other servers may not have heard of it yet), as the store reads it.
  Result<std::optional<store::PublishedClient>> find_client(const ClientId &id);
  // Send and pull of a protected account (all of them with --require-auth) are served only
  // on a connection bound to it.
  Status check_may_act(const store::PublishedClient &sender, const ConnectionState &connection);
  // Inserts the finished uploads' messages in one commit; fills their replies.
  void store_messages(std::vector<Upload> &uploads, std::span<const std::size_t> positions,
                      std::vector<Reply> &replies);

  store::ServerStore &m_store;
  HandlerOptions m_options;
  SteadyClock m_clock;
  PendingQuota m_quota;
  RequestRateLimit m_rate;
  std::uint64_t m_next_transfer = 1;
  std::map<UploadId, Upload> m_uploads;
  std::map<DownloadId, Download> m_downloads;
  // Messages some download is streaming: a concurrent pull of the same client (on another
  // connection) leaves them out, so that one connection's delivery never deletes a message
  // under another's response.
  std::set<MessageId> m_in_flight;
  std::function<void(const ClientId &)> m_stored_listener;
};

} // namespace messageu::server
