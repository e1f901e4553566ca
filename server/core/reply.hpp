// What the server answers to one request: a response code and its payload (in memory, or
// streamed from a pull's download), plus what the session and the log need to know: whether
// to close the connection afterwards, and why a request was refused.
#pragma once

#include "core/log.hpp"

#include <messageu/protocol/dialect.hpp>
#include <messageu/protocol/header.hpp>
#include <messageu/store/record_blocks.hpp>
#include <messageu/util/bytes.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace messageu::server {

// Handles of the transfers the request handler keeps for a session between steps.
using UploadId = std::uint64_t;
using DownloadId = std::uint64_t;

struct Reply {
  std::uint16_t code = protocol::k_error_code;
  Bytes payload;                      // the whole payload, unless `download` or `shared` is set
  std::optional<DownloadId> download; // a pull: `streamed_size` bytes come from the download
  store::SharedPayload shared;        // a list: views of the shared list, when its owner is set
  std::uint32_t streamed_size = 0;
  bool close_after = false;        // close the connection once the reply is written
  std::string note;                // why it was refused, for the log (never secrets)
  LogLevel level = LogLevel::info; // the level of the request's log line
  // A WAIT with nothing waiting yet (PROTOCOL.md §11): the session parks the connection this
  // long, then has RequestHandler::end_wait answer it; no download is open meanwhile.
  std::optional<std::chrono::milliseconds> wait_for;

  // 9000 with no payload.
  static Reply error(std::string note, LogLevel level = LogLevel::info, bool close_after = false);
  // The success response of `operation` in `dialect`.
  static Reply success(protocol::Dialect dialect, protocol::Operation operation, Bytes payload);
  // The same with a payload written from shared views (a user list).
  static Reply success_shared(protocol::Dialect dialect, protocol::Operation operation,
                              store::SharedPayload payload);

  bool is_error() const { return code == protocol::k_error_code; }
  std::uint32_t payload_size() const;
  // The in-memory payload in one buffer, shared or not (a copy for a shared one).
  Bytes payload_bytes() const;
  // The 7-byte response header (server version 2).
  protocol::ResponseHeader header() const;
};

} // namespace messageu::server
