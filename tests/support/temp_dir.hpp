// A temporary directory for one test, removed with everything in it when the test ends.
#pragma once

#include <filesystem>
#include <string>

namespace messageu::test {

class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::filesystem::path &path() const { return m_path; }
  std::string str() const { return m_path.string(); }
  std::filesystem::path operator/(const std::string &name) const { return m_path / name; }

private:
  std::filesystem::path m_path;
};

// Writes `content` to `path`, replacing it.
void write_file(const std::filesystem::path &path, const std::string &content);

} // namespace messageu::test
