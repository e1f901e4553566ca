// Quoting message contents so that they cannot forge the frame around them.
#include <messageu/client/message_text.hpp>

#include <array>

namespace messageu::client {
namespace {

constexpr std::array<std::string_view, 3> k_frame_starts{"From: ", "Content:", "-----<EOM>-----"};

bool could_be_frame(std::string_view line) {
  auto unquoted = line.substr(std::min(line.find_first_not_of('>'), line.size()));
  for (auto start : k_frame_starts)
    if (unquoted.starts_with(start))
      return true;
  return false;
}

} // namespace

std::string quote_frame_lines(std::string_view content) {
  std::string out;
  out.reserve(content.size());
  while (true) {
    auto end = content.find('\n');
    auto line = content.substr(0, end);
    if (could_be_frame(line))
      out += '>';
    out += line;
    if (end == std::string_view::npos)
      return out;
    out += '\n';
    content.remove_prefix(end + 1);
  }
}

std::string message_block(std::string_view from, std::string_view received,
                          std::string_view content) {
  std::string block = "From: ";
  block.append(from).append("\nReceived: ").append(received).append("\nContent:\n");
  block += quote_frame_lines(content);
  block += "\n-----<EOM>-----\n\n";
  return block;
}

} // namespace messageu::client
