// Saving a received file (type 4, CLI.md §4): decrypted while streaming into a temporary file
// in the save directory, synced, then renamed to `<sender>-<message id>` without ever
// replacing an existing file (a suffix .1, .2 ... is added instead). The SHA-256 of the
// plaintext is computed on the way, for `pull --json`.
#pragma once

#include <messageu/client/content_source.hpp>
#include <messageu/client/spooled_content.hpp>
#include <messageu/crypto/hash.hpp>
#include <messageu/store/client_state.hpp>

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

// `<sender>-<id>` with path separators replaced and no leading dot, so that a sender's name
// cannot place the file outside the save directory or hide it.
std::string received_file_name(std::string_view sender, MessageId id);

// The first of `keys` (newest first) under which `content` decrypts with valid padding, or
// nullopt. Only the last two blocks are decrypted to tell.
Result<std::optional<crypto::AesKey>> find_file_key(SpooledContent &content,
                                                    std::span<const store::AesKeyBytes> keys);

// Decrypts `content` under `key` into a new file in `directory` (created, mode 0700, when
// missing) named after `base_name`. Errors: the directory or the file cannot be created →
// Errc::cannot_create; a write, sync or rename fails → Errc::io_error; the content does not
// decrypt after all → Errc::decrypt_failed. No partial file is left behind on any error.
Result<SavedFile> save_received_file(SpooledContent &content, const crypto::AesKey &key,
                                     const std::filesystem::path &directory,
                                     std::string_view base_name,
                                     const ProgressCallback &progress = {});

} // namespace messageu::client
