// Drawing the progress bar: one line rewritten with '\r'.
#include "progress_bar.hpp"

#include <array>
#include <cstdio>

namespace messageu::cli {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto k_redraw_interval = std::chrono::milliseconds(200);
constexpr int k_bar_width = 24;

std::string format_duration(double seconds) {
  if (seconds < 0 || seconds > 359999)
    return "--:--";
  auto total = static_cast<long>(seconds + 0.5);
  std::array<char, 32> text{};
  if (total >= 3600)
    std::snprintf(text.data(), text.size(), "%ld:%02ld:%02ld", total / 3600, total / 60 % 60,
                  total % 60);
  else
    std::snprintf(text.data(), text.size(), "%ld:%02ld", total / 60, total % 60);
  return text.data();
}

} // namespace

std::string human_size(double bytes) {
  static constexpr std::array<const char *, 5> units{"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < units.size()) {
    bytes /= 1024;
    ++unit;
  }
  std::array<char, 32> text{};
  if (unit == 0)
    std::snprintf(text.data(), text.size(), "%.0f %s", bytes, units[unit]);
  else
    std::snprintf(text.data(), text.size(), "%.1f %s", bytes, units[unit]);
  return text.data();
}

ProgressBar::ProgressBar(const Output &output, std::string label)
    : m_output(output), m_enabled(output.progress_enabled()), m_label(std::move(label)),
      m_start(Clock::now()) {}

ProgressBar::~ProgressBar() {
  if (m_drawn)
    m_output.stderr_raw("\n");
}

void ProgressBar::restart(std::string label) {
  if (m_drawn)
    m_output.stderr_raw("\n");
  m_drawn = false;
  m_label = std::move(label);
  m_start = Clock::now();
  m_done = 0;
  m_total = 0;
}

void ProgressBar::update(std::uint64_t done, std::uint64_t total) {
  m_done = done;
  m_total = total;
  if (!m_enabled)
    return;
  auto now = Clock::now();
  if (m_drawn && now - m_last_draw < k_redraw_interval && done < total)
    return;
  m_last_draw = now;
  draw(done, total);
}

void ProgressBar::finish() {
  if (!m_enabled)
    return;
  draw(m_done, m_total);
  m_output.stderr_raw("\n");
  m_drawn = false;
}

void ProgressBar::draw(std::uint64_t done, std::uint64_t total) {
  double fraction = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
  auto filled = static_cast<int>(fraction * k_bar_width);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(k_bar_width, '.');
  double elapsed = std::chrono::duration<double>(Clock::now() - m_start).count();
  double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  double left = rate > 0 ? static_cast<double>(total - done) / rate : -1;
  std::array<char, 16> percent{};
  std::snprintf(percent.data(), percent.size(), "%3.0f%%", fraction * 100);
  std::string line = "\r" + m_label + " [" + bar + "] " + percent.data() + " " +
                     human_size(static_cast<double>(done)) + " / " +
                     human_size(static_cast<double>(total)) + "  " + human_size(rate) + "/s  ETA " +
                     format_duration(left) + "   ";
  m_output.stderr_raw(line);
  m_drawn = true;
}

} // namespace messageu::cli
