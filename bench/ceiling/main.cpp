// messageu-ceiling --port N [--bind ADDR] [--threads N]: serves fixed answers until SIGINT or
// SIGTERM. Prints `listening on ADDR:PORT` on stderr once it accepts, like messageu-server.
#include "ceiling_server.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <thread>

int main(int argc, char **argv) {
  CLI::App app{"The transport's ceiling: answers every MessageU request at once with a fixed "
               "valid response."};
  std::uint16_t port = 0;
  std::string bind_address = "127.0.0.1";
  std::size_t threads = std::max(1u, std::thread::hardware_concurrency());
  app.add_option("--port", port, "TCP port, 0 for any free one")->required();
  app.add_option("--bind", bind_address, "address to listen on")->capture_default_str();
  app.add_option("--threads", threads, "io_context threads (default: one per core)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &error) {
    return app.exit(error) == 0 ? 0 : 64;
  }
  try {
    messageu::bench::CeilingServer server(bind_address, port, threads);
    std::fprintf(stderr, "listening on %s:%u\n", bind_address.c_str(), server.port());
    std::fflush(stderr);
    server.run();
    return 0;
  } catch (const std::exception &error) {
    std::fprintf(stderr, "messageu-ceiling: %s\n", error.what());
    return 75;
  }
}
