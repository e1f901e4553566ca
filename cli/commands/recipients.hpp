// Sending one content to several users (`send alice bob carol -`, `sendfile alice bob PATH`):
// each recipient in turn gets the content encrypted under the key shared with them, and one
// line of output (one JSON object with --json). A failure that concerns one recipient (an
// unknown user, a changed key, a 9000 for that user) does not stop the others; one that
// concerns them all (the server unreachable, the database failing) stops the rest. The
// outcome: every recipient served → success; some → Errc::partial (exit 1) naming those not
// served; none → the first recipient's error as it is.
#pragma once

#include "common.hpp"

#include <functional>
#include <string>
#include <vector>

namespace messageu::cli {

// CLI11 gives every positional argument to the USER list, so `send bob carol hi` parses as
// three users: moves the last one into `last` (the text or path, named `name` in the error).
// Fewer than two → Errc::invalid_argument (exit 64) "NAME is required".
Status take_last_argument(std::vector<std::string> &users, std::string &last,
                          std::string_view name);

// Sends the content to one recipient under `key` (the key shared with them).
using SendOne = std::function<Result<client::SentMessage>(Recipient &, const crypto::AesKey &)>;

// Sends to every user of `users` (names or ids) with `send_one`, reporting each as above.
// The caller holds the profile lock (a first key changes the profile).
Status send_to_each(Context &context, const std::vector<std::string> &users, MessageType type,
                    const SendOne &send_one);

} // namespace messageu::cli
