// The request handler's streamed operations: send (upload, then group commit) and pull
// (download, then delete once delivered).
#include "core/request_handler.hpp"

namespace messageu::server {

using protocol::Operation;

std::variant<Reply, UploadId> RequestHandler::begin_send(const protocol::RequestFrame &frame,
                                                         const protocol::SendPrefix &prefix,
                                                         ConnectionState &connection,
                                                         ByteView first_chunk) {
  if (auto refused = check_rate(connection))
    return std::move(*refused);
  auto sender = identify_sender(frame.header, connection);
  if (!sender)
    return refusal(sender.error());
  if (auto allowed = check_may_act(*sender, connection); !allowed)
    return refusal(allowed.error());
  if (!is_valid_message_type(prefix.type))
    return refusal(make_error(Errc::bad_data, "message type outside 1..4"));
  auto recipient = find_client(prefix.recipient);
  if (!recipient)
    return refusal(recipient.error());
  if (!*recipient)
    return refusal(make_error(Errc::unknown_user, "unknown recipient"));
  if (auto reserved = m_quota.reserve(sender->id, prefix.recipient, prefix.content_size);
      !reserved) {
    if (reserved.error().code == Errc::storage)
      return refusal(reserved.error());
    return Reply::error("pending cap reached: " + reserved.error().message, LogLevel::warn);
  }
  auto content = m_store.begin_content(prefix.content_size);
  if (!content) {
    m_quota.release(sender->id, prefix.recipient, prefix.content_size);
    return refusal(content.error());
  }
  auto id = m_next_transfer++;
  m_uploads.emplace(id, Upload{frame.dialect, sender->id, prefix.recipient,
                               static_cast<MessageType>(prefix.type), prefix.content_size,
                               std::move(*content)});
  if (!first_chunk.empty())
    if (auto written = write_content(id, first_chunk); !written)
      return refusal(written.error());
  return id;
}

Status RequestHandler::write_content(UploadId upload, ByteView chunk) {
  auto found = m_uploads.find(upload);
  if (found == m_uploads.end())
    return make_error(Errc::invalid_argument, "unknown upload");
  auto written = found->second.content->write(chunk);
  if (!written)
    drop_upload(found); // its sink removes what it had stored
  return written;
}

void RequestHandler::drop_upload(std::map<UploadId, Upload>::iterator upload) {
  m_quota.release(upload->second.sender, upload->second.recipient, upload->second.size);
  m_uploads.erase(upload);
}

bool RequestHandler::discard_upload(UploadId upload) {
  auto found = m_uploads.find(upload);
  if (found == m_uploads.end())
    return false;
  drop_upload(found);
  return true;
}

std::vector<Reply> RequestHandler::commit_sends(std::span<const UploadId> uploads) {
  std::vector<Reply> replies(uploads.size());
  std::vector<Upload> finished;
  std::vector<std::size_t> positions; // where each finished upload's reply goes
  for (std::size_t index = 0; index < uploads.size(); ++index) {
    auto found = m_uploads.find(uploads[index]);
    if (found == m_uploads.end()) {
      replies[index] = Reply::error("unknown upload", LogLevel::error);
      continue;
    }
    auto upload = std::move(found->second);
    m_uploads.erase(found);
    // Durable content first (a spool file is fsynced here), then the rows.
    if (auto done = upload.content->finish(); !done) {
      m_quota.release(upload.sender, upload.recipient, upload.size);
      replies[index] = refusal(done.error());
      continue;
    }
    finished.push_back(std::move(upload));
    positions.push_back(index);
  }
  if (!finished.empty())
    store_messages(finished, positions, replies);
  return replies;
}

void RequestHandler::store_messages(std::vector<Upload> &uploads,
                                    std::span<const std::size_t> positions,
                                    std::vector<Reply> &replies) {
  std::vector<store::NewMessage> messages;
  messages.reserve(uploads.size());
  for (auto &upload : uploads)
    messages.push_back({upload.recipient, upload.sender, upload.type, std::move(upload.content)});
  auto ids = m_store.insert_messages(messages);
  for (std::size_t index = 0; index < uploads.size(); ++index) {
    auto &reply = replies[positions[index]];
    // Stored (the store counts it now) or not, the upload's reservation ends.
    m_quota.release(uploads[index].sender, uploads[index].recipient, uploads[index].size);
    if (!ids) {
      reply = refusal(ids.error());
      continue;
    }
    if (m_stored_listener)
      m_stored_listener(uploads[index].recipient);
    reply = Reply::success(uploads[index].dialect, Operation::send_message,
                           protocol::encode_send_answer({uploads[index].recipient, (*ids)[index]}));
  }
}

Reply RequestHandler::pull(const protocol::RequestFrame &frame,
                           const store::PublishedClient &sender,
                           const ConnectionState &connection) {
  if (auto allowed = check_may_act(sender, connection); !allowed)
    return refusal(allowed.error());
  // A version-3 pull on a connection bound to the requester deletes nothing: ACK does.
  bool acknowledged = !m_options.classic_only &&
                      frame.header.version >= protocol::k_authenticated_version &&
                      connection.bound_client == sender.id;
  return open_pull(frame, sender.id, acknowledged);
}

Reply RequestHandler::open_pull(const protocol::RequestFrame &frame, const ClientId &recipient,
                                bool acknowledged) {
  auto waiting = m_store.pending_messages(recipient);
  if (!waiting)
    return refusal(waiting.error());
  std::erase_if(*waiting, [this](const auto &message) { return m_in_flight.contains(message.id); });
  auto id = m_next_transfer++;
  auto &download =
      m_downloads.emplace(id, Download{PullDownload(recipient, std::move(*waiting)), !acknowledged})
          .first->second;
  for (auto message_id : download.payload.message_ids())
    m_in_flight.insert(message_id);
  auto reply = Reply::success(frame.dialect, protocol::Operation::pull_messages, {});
  reply.download = id;
  reply.streamed_size = download.payload.payload_size();
  return reply;
}

Reply RequestHandler::wait(const protocol::RequestFrame &frame,
                           const store::PublishedClient &sender, ByteView payload,
                           const ConnectionState &connection) {
  if (connection.bound_client != sender.id)
    return refusal(make_error(Errc::invalid_argument, "wait on a connection not authenticated"));
  auto milliseconds = protocol::decode_wait_payload(payload);
  if (!milliseconds)
    return refusal(milliseconds.error());
  auto reply = open_pull(frame, sender.id, true);
  if (reply.is_error() || reply.streamed_size > 0)
    return reply;
  // Nothing waits: no download stays open while the connection is parked.
  m_downloads.erase(*reply.download);
  reply.download.reset();
  reply.wait_for = std::chrono::milliseconds(*milliseconds);
  return reply;
}

Reply RequestHandler::end_wait(const protocol::RequestFrame &frame, ConnectionState &connection) {
  auto sender = identify_sender(frame.header, connection);
  if (!sender)
    return refusal(sender.error());
  if (connection.bound_client != sender->id)
    return refusal(make_error(Errc::invalid_argument, "wait on a connection not authenticated"));
  return open_pull(frame, sender->id, true);
}

Result<std::size_t> RequestHandler::read_download(DownloadId download, MutableByteView buffer) {
  auto found = m_downloads.find(download);
  if (found == m_downloads.end())
    return make_error(Errc::invalid_argument, "unknown download");
  return found->second.payload.read(m_store, buffer);
}

Status RequestHandler::finish_download(DownloadId download, bool delivered) {
  auto found = m_downloads.find(download);
  if (found == m_downloads.end())
    return make_error(Errc::invalid_argument, "unknown download");
  auto finished = std::move(found->second);
  m_downloads.erase(found);
  auto ids = finished.payload.message_ids();
  for (auto message_id : ids)
    m_in_flight.erase(message_id);
  // Only a response that reached the connection whole may delete what it carried.
  if (!delivered || !finished.delete_when_delivered || !finished.payload.finished() || ids.empty())
    return {};
  auto deleted = m_store.delete_messages(finished.payload.recipient(), ids);
  if (!deleted)
    return deleted.error();
  return {};
}

} // namespace messageu::server
