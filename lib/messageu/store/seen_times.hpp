// The LastSeen times a store has not written yet. Every request updates its sender's LastSeen,
// and a write per request would cost a commit per request, so a store keeps the newest time of
// each client here and writes them all at once, at most once a second, without a sync of its
// own (ServerStore::touch). The one buffer of them in the server: requests answered on the
// network thread record here directly.
//
// Thread-safe: one mutex, held for a map update or a swap.
#pragma once

#include <messageu/util/ids.hpp>
#include <messageu/util/result.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

namespace messageu::store {

class SeenTimes {
public:
  using Time = std::chrono::system_clock::time_point;
  using Times = std::map<ClientId, Time>;

  // Keeps the later of `when` and the time already kept for `id`.
  void record(const ClientId &id, Time when);
  // The time kept for `id`, if any.
  std::optional<Time> latest(const ClientId &id) const;
  // Whether a second passed since the last take() and times wait.
  bool due() const;
  // The times kept, and forgets them.
  Times take();
  // Puts back times that could not be written (later ones recorded meanwhile win).
  void restore(const Times &times);
  // Hands the times kept to `write` (not called when there are none) and forgets them, or
  // puts them back for the next call when it fails.
  Status flush(const std::function<Status(const Times &)> &write);

private:
  mutable std::mutex m_mutex;
  Times m_times;
  std::chrono::steady_clock::time_point m_taken = std::chrono::steady_clock::now();
};

} // namespace messageu::store
