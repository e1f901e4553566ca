// Errors as values: a closed set of error codes, an Error{code, message}, a Result<T> with
// std::expected's member names (std::expected is not available in C++20 here), and
// MESSAGEU_TRY to propagate an error to the caller in one line.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace messageu {

// The closed set of failure kinds. Each layer picks the one that tells its caller what to do;
// the CLI maps them to exit codes (CLI.md §6) and the server to response 9000.
enum class Errc {
  invalid_argument,  // the caller passed something unusable (usage error)
  bad_data,          // well-formed input with an invalid value: a bad name, too large a file
  truncated,         // fewer bytes than the format requires
  size_mismatch,     // a declared size disagrees with the format's fixed or derived size
  too_large,         // a declared size is above the configured limit
  unknown_code,      // a request or response code no dialect knows
  unexpected_code,   // a valid code, but not the one the exchange calls for
  bad_key,           // a key that does not parse, or is not RSA-1024 / 160 bytes
  decrypt_failed,    // wrong key, bad padding, bad OAEP encoding
  file_not_found,    // an input file is missing or unreadable
  cannot_create,     // an output file cannot be created
  io_error,          // a local read, write, fsync or rename failed
  unavailable,       // cannot connect, timed out, locked: try again later
  unknown_host,      // the server's host name does not exist (not a passing DNS failure)
  connection_closed, // the peer closed the connection before the exchange was complete
  server_error,      // the server answered 9000
  unknown_user,      // no such user name or id
  name_taken,        // registering a name that is already registered
  key_changed,       // a pinned key differs from the server's, or a downgrade was refused
  config,            // missing or invalid profile or configuration
  insecure_profile,  // the profile can be read or changed by others: refused, as ssh does
  storage,           // the database refused or failed (full disk, corruption)
  internal,          // a bug: an invariant did not hold
  partial,           // some items were handled, the others kept and reported one by one
};

// A short, stable name for an error code ("truncated"), for logs and JSON.
std::string_view errc_name(Errc code);

struct Error {
  Errc code;
  std::string message;

  friend bool operator==(const Error &, const Error &) = default;
};

inline Error make_error(Errc code, std::string message) { return Error{code, std::move(message)}; }

// Holds either a T or an Error. Implicitly constructible from both, so a function returning
// Result<T> may `return value;` or `return make_error(...)`.
template <typename T> class [[nodiscard]] Result {
public:
  using value_type = T;

  Result(const T &value) : m_state(std::in_place_index<0>, value) {}
  Result(T &&value) : m_state(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : m_state(std::in_place_index<1>, std::move(error)) {}
  template <typename U>
  requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::remove_cvref_t<U>, T> &&
           !std::is_same_v<std::remove_cvref_t<U>, Error> &&
           !std::is_same_v<std::remove_cvref_t<U>, Result>) Result(U &&value)
      : m_state(std::in_place_index<0>, T(std::forward<U>(value))) {}

  bool has_value() const { return m_state.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T &value() & { return checked_value(); }
  const T &value() const & { return const_cast<Result *>(this)->checked_value(); }
  T &&value() && { return std::move(checked_value()); }
  T &operator*() & { return value(); }
  const T &operator*() const & { return value(); }
  T &&operator*() && { return std::move(*this).value(); }
  T *operator->() { return &value(); }
  const T *operator->() const { return &value(); }

  const Error &error() const & {
    assert(!has_value());
    return std::get<1>(m_state);
  }
  Error &&error() && {
    assert(!has_value());
    return std::get<1>(std::move(m_state));
  }

  template <typename U> T value_or(U &&fallback) const & {
    return has_value() ? std::get<0>(m_state) : T(std::forward<U>(fallback));
  }

private:
  T &checked_value() {
    assert(has_value());
    return std::get<0>(m_state);
  }

  std::variant<T, Error> m_state;
};

template <> class [[nodiscard]] Result<void> {
public:
  using value_type = void;

  Result() = default;
  Result(Error error) : m_error(std::move(error)) {}

  bool has_value() const { return !m_error.has_value(); }
  explicit operator bool() const { return has_value(); }
  void value() const { assert(has_value()); }

  const Error &error() const & {
    assert(!has_value());
    return *m_error;
  }
  Error &&error() && {
    assert(!has_value());
    return std::move(*m_error);
  }

private:
  std::optional<Error> m_error;
};

using Status = Result<void>;

} // namespace messageu

// Evaluates a Result expression; on error returns that error from the enclosing function,
// otherwise yields the value. `auto id = MESSAGEU_TRY(parse_id(text));`
#define MESSAGEU_TRY(expression)                                                                   \
  __extension__({                                                                                  \
    auto &&messageu_try_result = (expression);                                                     \
    if (!messageu_try_result.has_value())                                                          \
      return std::move(messageu_try_result).error();                                               \
    std::move(messageu_try_result).value();                                                        \
  })
