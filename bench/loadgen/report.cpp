// Formatting of the run's figures; latencies in microseconds with one decimal.
#include "report.hpp"

#include <fmt/format.h>

namespace messageu::bench {
namespace {

double microseconds(std::chrono::nanoseconds value) {
  return static_cast<double>(value.count()) / 1000.0;
}

} // namespace

std::string format_json_report(const LoadOptions &options, const LoadReport &report) {
  return fmt::format(R"({{"op":"{}","mode":"{}","connections":{},"requests":{},"errors":{},)"
                     R"("rps":{:.1f},"p50_us":{:.1f},"p99_us":{:.1f}}})",
                     load_operation_name(options.operation), connection_mode_name(options.mode),
                     options.connections, report.requests, report.errors, report.rate(),
                     microseconds(report.latency.percentile(0.50)),
                     microseconds(report.latency.percentile(0.99)));
}

std::string format_text_report(const LoadOptions &options, const LoadReport &report) {
  auto line = fmt::format("{} {} connections={}: {} requests, {} errors in {:.1f} s: {:.0f} "
                          "requests/s, p50 {:.1f} us, p99 {:.1f} us",
                          load_operation_name(options.operation),
                          connection_mode_name(options.mode), options.connections, report.requests,
                          report.errors, std::chrono::duration<double>(report.elapsed).count(),
                          report.rate(), microseconds(report.latency.percentile(0.50)),
                          microseconds(report.latency.percentile(0.99)));
  if (report.connect_failures != 0)
    line += fmt::format(" ({} workers could not connect at the start)", report.connect_failures);
  return line;
}

} // namespace messageu::bench
