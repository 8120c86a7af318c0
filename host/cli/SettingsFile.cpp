#include "cli/SettingsFile.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace aicore::host {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& what, const std::string& path, int err) {
  throw SettingsFileError(what + " " + path + ": " + std::strerror(err));
}

// Writes `text` to a new file beside `path` and renames it over `path`, so a reader sees the old
// file or the new one, never a part.
void replace_atomically(const std::string& path, const std::string& text, mode_t mode) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) fail("cannot create", tmp, errno);
  ::fchmod(fd, mode);  // the umask must not narrow, nor O_TRUNC of a leftover keep, the permissions
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      fail("cannot write", tmp, err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    fail("cannot write", tmp, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    fail("cannot replace", path, err);
  }
}

}  // namespace

std::optional<std::string> read_settings_file(const std::string& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) return std::nullopt;
  if (ec) throw SettingsFileError("cannot read " + path + ": " + ec.message());
  if (status.type() != fs::file_type::regular) throw SettingsFileError(path + " is not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) fail("cannot read", path, errno);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw SettingsFileError("cannot read " + path);
  return text.str();
}

void write_settings_file(const std::string& path, const std::string& text) {
  std::error_code ec;
  // Through a symlink to its target: renaming over the link would cut it.
  std::string target = path;
  if (fs::symlink_status(path, ec).type() == fs::file_type::symlink) {
    target = fs::weakly_canonical(path, ec).string();
    if (ec) throw SettingsFileError("cannot follow the link " + path + ": " + ec.message());
  }
  ec.clear();
  const fs::path folder = fs::path(target).parent_path();
  if (!folder.empty()) {
    fs::create_directories(folder, ec);
    if (ec) throw SettingsFileError("cannot create " + folder.string() + ": " + ec.message());
  }
  mode_t mode = 0600;
  if (const auto previous = read_settings_file(target)) {
    struct stat st {};
    if (::stat(target.c_str(), &st) == 0) mode = st.st_mode & 07777;
    replace_atomically(target + ".bak", *previous, mode);
  }
  replace_atomically(target, text, mode);
}

}  // namespace aicore::host
