// The load generator's output: one human-readable line, or with --json exactly one JSON line
//   {"op":"list","mode":"persistent","connections":64,"requests":123,"errors":0,
//    "rps":24.6,"p50_us":210.5,"p99_us":900.1}
#pragma once

#include "load_driver.hpp"
#include "load_options.hpp"

#include <string>

namespace messageu::bench {

std::string format_json_report(const LoadOptions &options, const LoadReport &report);
std::string format_text_report(const LoadOptions &options, const LoadReport &report);

} // namespace messageu::bench
