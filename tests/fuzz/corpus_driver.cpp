// A main() for builds without libFuzzer: runs a fuzz target's LLVMFuzzerTestOneInput once on
// every file of the corpus directories (or single files) named on the command line, in name
// order, so that the seed corpora and the kept crash inputs run as ordinary tests in every
// build. A broken invariant aborts the process, which fails the test.
//
// Usage: fuzz_replay_<target> PATH...   (exit 0 after running at least one input, else 1)
#include "fuzz_support.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

namespace {

namespace fs = std::filesystem;

// The files to run for one command-line argument: the regular files of a directory, sorted,
// or the file itself. An unreadable or missing path gives none.
std::vector<fs::path> inputs_of(const fs::path &argument) {
  std::error_code error;
  if (!fs::is_directory(argument, error))
    return fs::is_regular_file(argument, error) ? std::vector<fs::path>{argument}
                                                : std::vector<fs::path>{};
  std::vector<fs::path> files;
  for (const auto &entry : fs::directory_iterator(argument, error))
    if (entry.is_regular_file(error))
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

bool run_file(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return false;
  }
  std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(in)),
                                 std::istreambuf_iterator<char>());
  // Named on stderr first, so that an abort inside shows which input caused it.
  std::fprintf(stderr, "running %s (%zu bytes)\n", path.c_str(), data.size());
  LLVMFuzzerTestOneInput(data.data(), data.size());
  return true;
}

} // namespace

int main(int argc, char **argv) {
  std::size_t ran = 0;
  bool all_read = true;
  for (int index = 1; index < argc; ++index) {
    auto files = inputs_of(argv[index]);
    if (files.empty()) {
      std::fprintf(stderr, "no inputs in %s\n", argv[index]);
      all_read = false;
    }
    for (const auto &file : files) {
      all_read = run_file(file) && all_read;
      ++ran;
    }
  }
  std::fprintf(stderr, "ran %zu inputs\n", ran);
  return all_read && ran > 0 ? 0 : 1;
}
