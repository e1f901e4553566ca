// messageu: the end-to-end encrypted messaging client. Everything happens in run_app; this
// only guarantees that no exception ends the program without an error message and exit 70.
#include "app.hpp"

#include <cstdio>
#include <exception>

int main(int argc, char **argv) {
  try {
    return messageu::cli::run_app(argc, argv);
  } catch (const std::exception &error) {
    std::fprintf(stderr, "messageu: internal error: %s\n", error.what());
  } catch (...) {
    std::fprintf(stderr, "messageu: internal error\n");
  }
  return 70;
}
