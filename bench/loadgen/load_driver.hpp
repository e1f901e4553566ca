// Drives the load: the workers are spread over one io_context per thread; each worker is a
// coroutine sending request after request until the duration is over. In persistent mode
// every worker connects first, and the clock starts once all are connected. Only requests
// that complete inside the measured window count; a watchdog per thread bounds every request
// and stops everything shortly after the window, so a run always ends by itself.
#pragma once

#include "latency_histogram.hpp"
#include "load_options.hpp"
#include "workload.hpp"

#include <utility> // before Asio: g++ 12 in C++20 needs it

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>

namespace messageu::bench {

// The figures of one run.
struct LoadReport {
  std::uint64_t requests = 0; // completed with the expected success response, in the window
  std::uint64_t errors = 0;   // 9000 answers, I/O failures, malformed answers, timeouts
  std::chrono::nanoseconds elapsed{0}; // the measured window
  LatencyHistogram latency;            // of the successful requests
  std::uint64_t connect_failures = 0;  // persistent mode: workers that could not connect first

  double rate() const; // successful requests per second
};

LoadReport run_load(const LoadOptions &options, const Workload &workload,
                    const boost::asio::ip::tcp::endpoint &server);

} // namespace messageu::bench
