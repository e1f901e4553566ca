// The classic text layout of a received message (CLI.md §3), made unforgeable: whatever a
// message holds, a reader of `pull`'s output can tell where one message ends and the next
// begins, and who sent it.
//
//   From: NAME <32-hex-digit id>
//   Received: TIME (when it reached this client, RFC 3339 UTC; the protocol has no send time)
//   Content:
//   CONTENT
//   -----<EOM>-----
//   (an empty line)
//
// A content line that could be taken for the frame is quoted as mboxrd quotes "From " lines:
// a line made of zero or more '>' followed by "From: ", "Content:" or "-----<EOM>-----" gets
// one more '>' in front, so that removing one '>' from such lines gives the text back.
#pragma once

#include <string>
#include <string_view>

namespace messageu::client {

// `content` with every line that could be taken for the frame quoted as above.
std::string quote_frame_lines(std::string_view content);

// The block for one message; `from`, `received` and `content` are put in as they are (escape
// them first for a terminal), except that content lines are quoted with quote_frame_lines().
std::string message_block(std::string_view from, std::string_view received,
                          std::string_view content);

} // namespace messageu::client
