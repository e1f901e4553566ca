// Decrypting a file message as it arrives: large writes into a temporary file, the digest of
// the plaintext on the way, and the ciphertext rebuilt when the guessed key was wrong.
#include <messageu/client/incoming_file.hpp>

#include <messageu/util/files.hpp>
#include <messageu/util/hex.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <new>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace messageu::client {
namespace {

constexpr std::string_view k_part_suffix = ".part";

// Direct I/O wants buffers, offsets and sizes aligned to the device's blocks; a page covers
// every usual block size.
constexpr std::size_t k_direct_alignment = 4096;
// The output buffer: a full write, plus what one piece can add past it.
constexpr std::size_t k_output_capacity =
    IncomingFile::k_write_size + IncomingFile::k_piece_size + k_direct_alignment;

} // namespace

std::string temporary_file_prefix(const std::filesystem::path &spool_directory) {
  // The same profile gives the same prefix whatever the working directory.
  std::error_code error;
  auto canonical = std::filesystem::weakly_canonical(spool_directory, error);
  auto digest = crypto::sha256(as_bytes((error ? spool_directory : canonical).string()));
  return ".messageu-" + to_hex(ByteView(digest).first(4)) + "-";
}

bool is_temporary_file_name(std::string_view name, std::string_view prefix) {
  return name.size() > prefix.size() + k_part_suffix.size() && name.starts_with(prefix) &&
         name.ends_with(k_part_suffix);
}

Result<IncomingFile> IncomingFile::create(const std::filesystem::path &directory,
                                          std::string_view prefix, const crypto::AesKey &key) {
  MESSAGEU_TRY(ensure_private_directory(directory, "directory"));
  std::string name(prefix);
  name.append("XXXXXX").append(k_part_suffix);
  std::string path = (directory / name).string();
  // mkostemps makes the file with mode 0600: it is private until it is published.
  UniqueFd fd(::mkostemps(path.data(), static_cast<int>(k_part_suffix.size()), O_CLOEXEC));
  if (!fd)
    return make_error(Errc::cannot_create, "cannot create a file in " + directory.string() + ": " +
                                               std::strerror(errno));
  try {
    return IncomingFile(std::move(fd), path, key);
  } catch (const std::exception &error) { // no memory for the buffers, or no thread
    // The descriptor went with the half-built IncomingFile, which closed it.
    ::unlink(path.c_str());
    return make_error(Errc::cannot_create,
                      "cannot prepare the received file " + path + ": " + error.what());
  }
}

void IncomingFile::FreeBuffer::operator()(Byte *buffer) const { std::free(buffer); }

IncomingFile::IncomingFile(UniqueFd fd, std::filesystem::path path, const crypto::AesKey &key)
    : m_fd(std::move(fd)), m_path(std::move(path)), m_key(key), m_decryptor(key) {
  for (auto &buffer : m_output) {
    buffer.reset(static_cast<Byte *>(std::aligned_alloc(k_direct_alignment, k_output_capacity)));
    if (!buffer)
      throw std::bad_alloc();
  }
  m_direct = set_direct_io(m_fd.get(), true);
  m_writer = std::make_unique<BackgroundWriter>(m_fd.get());
}

IncomingFile::IncomingFile(IncomingFile &&other) noexcept
    : m_fd(std::move(other.m_fd)), m_path(std::move(other.m_path)), m_key(other.m_key),
      m_decryptor(std::move(other.m_decryptor)), m_digest(std::move(other.m_digest)),
      m_direct(other.m_direct), m_output(std::move(other.m_output)), m_filling(other.m_filling),
      m_output_size(other.m_output_size), m_writer(std::move(other.m_writer)),
      m_plaintext_size(other.m_plaintext_size), m_tail(other.m_tail),
      m_tail_size(other.m_tail_size), m_released(std::exchange(other.m_released, true)) {}

IncomingFile::~IncomingFile() {
  m_writer.reset(); // before the file and the buffers it writes from go
  close_file();
  if (!m_released && !m_path.empty())
    ::unlink(m_path.c_str());
}

void IncomingFile::close_file() { m_fd.close(); }

void IncomingFile::remember_tail(ByteView ciphertext) {
  if (ciphertext.size() >= m_tail.size()) {
    std::copy(ciphertext.end() - static_cast<std::ptrdiff_t>(m_tail.size()), ciphertext.end(),
              m_tail.begin());
    m_tail_size = m_tail.size();
    return;
  }
  // Fewer new bytes than the tail holds: keep the newest of the old ones in front of them.
  auto kept = std::min(m_tail_size, m_tail.size() - ciphertext.size());
  std::copy(m_tail.begin() + static_cast<std::ptrdiff_t>(m_tail_size - kept),
            m_tail.begin() + static_cast<std::ptrdiff_t>(m_tail_size), m_tail.begin());
  std::copy(ciphertext.begin(), ciphertext.end(),
            m_tail.begin() + static_cast<std::ptrdiff_t>(kept));
  m_tail_size = kept + ciphertext.size();
}

void IncomingFile::append(ByteView plaintext) {
  std::copy(plaintext.begin(), plaintext.end(), output() + m_output_size);
  m_output_size += plaintext.size();
}

Status IncomingFile::flush(bool all) {
  auto whole = m_direct ? m_output_size - m_output_size % k_direct_alignment : m_output_size;
  if (whole > 0) {
    // write() returns once the other buffer is written: it can take the rest of this one.
    MESSAGEU_TRY(m_writer->write(ByteView(output(), whole)));
    auto *rest = output() + whole;
    m_filling = 1 - m_filling;
    m_output_size -= whole;
    std::copy(rest, rest + m_output_size, output());
  }
  if (!all)
    return {};
  MESSAGEU_TRY(m_writer->wait());
  if (m_output_size == 0)
    return {};
  // The end of the file is not a whole block: written through the page cache.
  if (m_direct && !set_direct_io(m_fd.get(), false))
    return make_error(Errc::io_error,
                      std::string("cannot write the received file: ") + std::strerror(errno));
  m_direct = false;
  MESSAGEU_TRY(write_all_to_fd(m_fd.get(), ByteView(output(), m_output_size), "the received file"));
  m_output_size = 0;
  return {};
}

Status IncomingFile::update(ByteView ciphertext) {
  remember_tail(ciphertext);
  while (!ciphertext.empty()) {
    auto piece = ciphertext.first(std::min(ciphertext.size(), k_piece_size));
    ciphertext = ciphertext.subspan(piece.size());
    auto *start = output() + m_output_size;
    auto count =
        m_decryptor.update_into(piece, std::span<Byte>(start, k_output_capacity - m_output_size));
    // Hashed now, while the bytes just decrypted are still in the cache.
    m_digest.update(ByteView(start, count));
    m_output_size += count;
    m_plaintext_size += count;
    if (m_output_size >= k_write_size)
      MESSAGEU_TRY(flush(false));
  }
  return {};
}

Result<std::optional<client_state::DecryptedContent>> IncomingFile::finish() {
  Bytes last;
  if (!m_decryptor.finish(last)) {
    // Every block but the last is in the file or the output; the last is in m_tail.
    MESSAGEU_TRY(flush(true));
    return std::optional<client_state::DecryptedContent>{};
  }
  m_digest.update(last);
  m_plaintext_size += last.size();
  append(last);
  MESSAGEU_TRY(flush(true));
  if (::fsync(m_fd.get()) != 0)
    return make_error(Errc::io_error,
                      std::string("cannot sync the received file: ") + std::strerror(errno));
  close_file();
  client_state::DecryptedContent decrypted;
  decrypted.key = m_key;
  decrypted.ciphertext_tail.assign(m_tail.begin(),
                                   m_tail.begin() + static_cast<std::ptrdiff_t>(m_tail_size));
  decrypted.plaintext_size = m_plaintext_size;
  decrypted.sha256 = m_digest.finish();
  return std::optional<client_state::DecryptedContent>{std::move(decrypted)};
}

Status IncomingFile::write_ciphertext(int fd) {
  if (!m_fd || m_tail_size < crypto::k_aes_block_size)
    return make_error(Errc::internal, "no decrypted blocks to encrypt again");
  MESSAGEU_TRY(m_writer->wait());
  if ((m_direct && !set_direct_io(m_fd.get(), false)) || ::lseek(m_fd.get(), 0, SEEK_SET) != 0)
    return make_error(Errc::io_error,
                      std::string("cannot rewind a received file: ") + std::strerror(errno));
  // No padding: the file holds whole blocks, and the last ciphertext block is appended as is.
  crypto::AesCbcEncryptor encryptor(m_key);
  Bytes plaintext(k_write_size);
  Bytes ciphertext;
  ciphertext.reserve(k_write_size);
  while (true) {
    auto count = MESSAGEU_TRY(read_full_from_fd(m_fd.get(), plaintext, "a received file"));
    if (count == 0)
      break;
    ciphertext.clear();
    encryptor.update(ByteView(plaintext).first(count), ciphertext);
    MESSAGEU_TRY(write_all_to_fd(fd, ciphertext, "to the spool"));
  }
  auto last_block =
      ByteView(m_tail).subspan(m_tail_size - crypto::k_aes_block_size, crypto::k_aes_block_size);
  return write_all_to_fd(fd, last_block, "to the spool");
}

} // namespace messageu::client
