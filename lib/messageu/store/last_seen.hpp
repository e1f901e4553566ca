// LastSeen times as every server store reports them: UTC text, "YYYY-MM-DD HH:MM:SS.SSS".
#pragma once

#include <chrono>
#include <string>

namespace messageu::store {

std::string format_last_seen(std::chrono::system_clock::time_point time);

} // namespace messageu::store
