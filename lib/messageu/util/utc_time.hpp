// Times as the client shows them: RFC 3339 in UTC with whole seconds ("2026-12-06T23:30:20Z"),
// the form `--json` promises (docs/JSON.md) and the text output shows.
#pragma once

#include <cstdint>
#include <string>

namespace messageu {

// `seconds` since the Unix epoch as RFC 3339 UTC, e.g. 0 → "1970-01-01T00:00:00Z".
std::string rfc3339_utc(std::int64_t seconds);

// Now, in seconds since the Unix epoch.
std::int64_t unix_seconds_now();

} // namespace messageu
