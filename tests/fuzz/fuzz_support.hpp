// What every fuzz target shares: the libFuzzer entry point each one defines, a check that
// aborts with a message when an invariant fails (so both libFuzzer and the corpus replay
// report it as a crash), FuzzInput to carve the fuzzer's bytes into parameters, and ChunkPlan
// to split a byte stream into fuzzer-chosen chunks.
#pragma once

#include <messageu/util/bytes.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>

// Runs one input; defined once by every fuzz target. Returns 0 (libFuzzer's convention).
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size);

namespace messageu::fuzz {

[[noreturn]] inline void fail_check(const char *condition, const char *file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", file, line, condition);
  std::abort();
}

} // namespace messageu::fuzz

// Aborts the process when `condition` is false. Unlike assert(), it is never compiled out.
#define MESSAGEU_FUZZ_CHECK(condition)                                                             \
  ((condition) ? void(0) : ::messageu::fuzz::fail_check(#condition, __FILE__, __LINE__))

namespace messageu::fuzz {

// Consumes the fuzzer's bytes from the front. Reads past the end yield zeros, so every input,
// however short, maps to some parameters.
class FuzzInput {
public:
  FuzzInput(const std::uint8_t *data, std::size_t size) : m_rest(data, size) {}

  std::uint8_t byte() {
    if (m_rest.empty())
      return 0;
    auto value = m_rest.front();
    m_rest = m_rest.subspan(1);
    return value;
  }

  // The next `count` bytes, fewer if the input ends first.
  ByteView bytes(std::size_t count) {
    auto view = m_rest.first(std::min(count, m_rest.size()));
    m_rest = m_rest.subspan(view.size());
    return view;
  }

  template <std::size_t N> std::array<Byte, N> array() {
    std::array<Byte, N> out{};
    auto view = bytes(N);
    std::copy(view.begin(), view.end(), out.begin());
    return out;
  }

  // Everything not consumed yet.
  ByteView rest() const { return m_rest; }

private:
  ByteView m_rest;
};

// Chunk sizes for feeding a stream, cycling through four bytes chosen by the fuzzer: a byte
// b means b + 1 bytes, and 255 means everything that is left.
class ChunkPlan {
public:
  ChunkPlan() { m_sizes.fill(255); }
  explicit ChunkPlan(FuzzInput &input) : m_sizes(input.array<4>()) {}

  // Cuts the next chunk from the front of `stream` (never empty while `stream` is not).
  ByteView take(ByteView &stream) {
    auto code = m_sizes[m_next++ % m_sizes.size()];
    std::size_t size = code == 255 ? stream.size() : std::size_t{code} + 1;
    auto chunk = stream.first(std::min(size, stream.size()));
    stream = stream.subspan(chunk.size());
    return chunk;
  }

private:
  std::array<std::uint8_t, 4> m_sizes{};
  std::size_t m_next = 0;
};

// Feeds `stream` to an incremental reader (RequestReader or ResponseReader) in the plan's
// chunks, checking what every such reader owes: progress within a bound, need_more only once
// the chunk is used up, content pointing into the input. Every other event goes to
// `on_event(event, offset, rest)`, with the stream offset after it and what is left of the
// chunk; reading stops when it returns false. The offset at the end when the stream ran out;
// nullopt when `on_event` stopped the reading.
template <typename Reader, typename OnEvent>
std::optional<std::size_t> feed_reader(Reader &reader, ByteView stream, ChunkPlan plan,
                                       OnEvent on_event) {
  std::size_t offset = 0;
  // A generous bound: each event but content needs a header's worth of bytes or follows one.
  std::size_t budget = 8 * stream.size() + 16;
  while (!stream.empty()) {
    auto chunk = plan.take(stream);
    for (;;) {
      MESSAGEU_FUZZ_CHECK(budget-- > 0);
      auto before = chunk;
      auto event = reader.next(chunk);
      offset += before.size() - chunk.size();
      if (event == Reader::Event::need_more) {
        MESSAGEU_FUZZ_CHECK(chunk.empty());
        break;
      }
      if (event == Reader::Event::content)
        MESSAGEU_FUZZ_CHECK(reader.content().data() == before.data());
      if (!on_event(event, offset, chunk))
        return std::nullopt;
    }
  }
  return offset;
}

} // namespace messageu::fuzz
