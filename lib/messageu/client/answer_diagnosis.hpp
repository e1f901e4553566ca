// Words for answers that are not what the spoken dialect expects (PROTOCOL.md §3): a response
// code of another dialect, zeros, text, or no answer at all. Each error says what was seen and
// what to try, once and in words; the raw bytes are for --verbose only.
#pragma once

#include <messageu/protocol/dialect.hpp>
#include <messageu/util/bytes.hpp>
#include <messageu/util/endpoint.hpp>
#include <messageu/util/result.hpp>

#include <cstdint>
#include <optional>

namespace messageu::client {

// For a response header whose code is neither 9000 nor one of `spoken`'s response codes, the
// error that explains it (Errc::unexpected_code); nullopt when the code is `spoken`'s, which
// leaves judging the operation to the response reader.
std::optional<Error> diagnose_response_header(ByteView header_bytes, std::uint16_t code,
                                              protocol::Dialect spoken);

// The server closed the connection before answering (Errc::connection_closed).
Error closed_without_answer(const Endpoint &endpoint, protocol::Dialect spoken);

} // namespace messageu::client
