// messageu-loadgen: parse the options, resolve the server, register the users the load
// needs, drive the load, print one line of figures.
#include "load_driver.hpp"
#include "load_options.hpp"
#include "report.hpp"
#include "workload.hpp"

#include <messageu/util/exit_code.hpp>

#include <utility> // before Asio: g++ 12 in C++20 needs it

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdio>
#include <exception>
#include <string>

namespace {

using messageu::exit_status;
using messageu::ExitCode;

std::optional<boost::asio::ip::tcp::endpoint> resolve(const messageu::Endpoint &server) {
  boost::asio::io_context context;
  boost::asio::ip::tcp::resolver resolver(context);
  boost::system::error_code error;
  auto results = resolver.resolve(server.host, std::to_string(server.port), error);
  if (error || results.empty())
    return std::nullopt;
  return results.begin()->endpoint();
}

int run(const messageu::bench::LoadOptions &options) {
  using namespace messageu::bench;
  auto server = resolve(options.server);
  if (!server) {
    std::fprintf(stderr, "messageu-loadgen: cannot resolve %s\n", options.server.host.c_str());
    return exit_status(ExitCode::temporary_failure);
  }
  auto workload = Workload::prepare(options, *server);
  if (!workload) {
    std::fprintf(stderr, "messageu-loadgen: setup failed: %s\n", workload.error().message.c_str());
    return exit_status(workload.error().code == messageu::Errc::server_error
                           ? ExitCode::server_error
                           : ExitCode::temporary_failure);
  }
  auto report = run_load(options, *workload, *server);
  auto line =
      options.json ? format_json_report(options, report) : format_text_report(options, report);
  std::printf("%s\n", line.c_str());
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  auto parsed = messageu::bench::parse_load_options(argc, argv);
  if (!parsed.options)
    return parsed.exit_code;
  try {
    return run(*parsed.options);
  } catch (const std::exception &error) {
    std::fprintf(stderr, "messageu-loadgen: internal error: %s\n", error.what());
    return exit_status(ExitCode::internal);
  }
}
