// Saving a received file (type 4, CLI.md §4) under `<sender>-<message id>` in the save
// directory, without ever replacing an existing file (a suffix .1, .2 ... is added instead).
// A file decrypted as it arrived (IncomingFile) only gets its name (a hard link, or a synced
// copy on another file system); a raw one is decrypted while streaming into a temporary file,
// synced, then renamed. The SHA-256 of the plaintext is computed on the way, for `pull --json`.
#pragma once

#include <messageu/client/content_source.hpp>
#include <messageu/client/spooled_content.hpp>
#include <messageu/client_state/client_state.hpp>
#include <messageu/crypto/hash.hpp>

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace messageu::client {

struct SavedFile {
  std::filesystem::path path;
  std::uint64_t size = 0;
  crypto::Sha256Digest sha256{};
};

// The longest file name most file systems take (NAME_MAX), in bytes.
constexpr std::size_t k_max_file_name = 255;
// What the names made from a base name add to it: the temporary name used while writing
// (a leading dot and ".partial-XXXXXX") and the uniqueness suffix (".1", ".2" ...), which is
// never longer.
constexpr std::size_t k_received_file_name_extra = 16;
constexpr std::size_t k_max_received_file_base_name = k_max_file_name - k_received_file_name_extra;

// `<sender>-<id>`, safe whatever the sender's name holds: every byte that is not printable
// ASCII, a space, '/' or '\' becomes '_', and a name that starts with '.' or '-' gets a '_'
// in front, so that it cannot place the file outside the save directory, hide it or be taken
// for an option. The sender's part is cut so that the whole name, with the suffix and the
// temporary name save_received_file() may add, fits k_max_file_name.
std::string received_file_name(std::string_view sender, MessageId id);

// The first of `keys` (newest first) under which a ciphertext ending with `tail` (its last
// two blocks, or its only one) has valid padding, or nullopt. In CBC the last block decrypts
// from itself and the block before it alone.
std::optional<crypto::AesKey> find_key_for_tail(ByteView tail,
                                                std::span<const client_state::AesKeyBytes> keys);

// find_key_for_tail() on the last two blocks of `content`; nullopt for a content that is not
// whole blocks. A read failure → Errc::io_error.
Result<std::optional<crypto::AesKey>>
find_file_key(SpooledContent &content, std::span<const client_state::AesKeyBytes> keys);

// Decrypts `content` (read from its current position to its end) under `key` into a new file
// in `directory` (created, mode 0700, when missing) named after `base_name`. Errors: the
// directory or the file cannot be created → Errc::cannot_create; a read, write, sync or
// rename fails → Errc::io_error; the content does not decrypt after all →
// Errc::decrypt_failed. No partial file is left behind on any error.
Result<SavedFile> save_received_file(ContentSource &content, const crypto::AesKey &key,
                                     const std::filesystem::path &directory,
                                     std::string_view base_name,
                                     const ProgressCallback &progress = {});

// Gives the decrypted file of `message` (`decrypted` and `content_path` set) its name in
// `directory` (created when missing), with the mode any new file would get (the umask's):
// a hard link, so that the temporary name stays until the message is dropped and a pull
// that dies before then publishes it again rather than losing it; a synced copy when the
// directory is on another file system. Errors: the directory or the copy cannot be created
// → Errc::cannot_create; the file is missing, or a link, copy or sync fails →
// Errc::io_error. No partial file is left under a final name on any error.
Result<SavedFile> publish_decrypted_file(const client_state::SpooledMessage &message,
                                         const std::filesystem::path &directory,
                                         std::string_view base_name);

} // namespace messageu::client
