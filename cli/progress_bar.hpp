// A progress bar on stderr for long transfers (sendfile, files in pull): bytes done, total,
// rate and time left, redrawn in place at most a few times a second. It draws only when stderr
// is a terminal and --quiet is off (Output::progress_enabled), so pipes and logs never see it.
#pragma once

#include "output.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace messageu::cli {

class ProgressBar {
public:
  ProgressBar(const Output &output, std::string label);
  ProgressBar(const ProgressBar &) = delete;
  ProgressBar &operator=(const ProgressBar &) = delete;
  // Ends the bar's line if one was drawn.
  ~ProgressBar();

  // Starts over for another transfer with a new label.
  void restart(std::string label);
  void update(std::uint64_t done, std::uint64_t total);
  // Draws the final state and ends the line.
  void finish();

private:
  void draw(std::uint64_t done, std::uint64_t total);

  const Output &m_output;
  bool m_enabled;
  std::string m_label;
  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_last_draw;
  bool m_drawn = false;
  std::uint64_t m_done = 0;
  std::uint64_t m_total = 0;
};

// "1.5 MiB", "512 B": sizes as people read them.
std::string human_size(double bytes);

} // namespace messageu::cli
