// messageu: the end-to-end encrypted messaging client. Everything happens in run_app; this
// first makes the standard descriptors safe (before anything can be opened in their place),
// and guarantees that no exception ends the program without an error message and exit 70.
#include "app.hpp"
#include "standard_streams.hpp"

#include <messageu/util/exit_code.hpp>

#include <cstdio>
#include <exception>

int main(int argc, char **argv) {
  if (!messageu::cli::standard_streams::make_safe()) {
    std::fprintf(stderr, "messageu: error: a standard stream is closed and /dev/null cannot be "
                         "opened in its place\n");
    return messageu::exit_status(messageu::ExitCode::io_error);
  }
  try {
    return messageu::cli::run_app(argc, argv);
  } catch (const std::exception &error) {
    std::fprintf(stderr, "messageu: internal error: %s\n", error.what());
  } catch (...) {
    std::fprintf(stderr, "messageu: internal error\n");
  }
  return messageu::exit_status(messageu::ExitCode::internal);
}
