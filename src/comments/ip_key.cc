#include "comments/ip_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

namespace commentd::comments {
namespace {

constexpr std::string_view kMagic = "commentd-ip-key 1";
constexpr size_t kKeyBytes = crypto_generichash_KEYBYTES;  // 32
constexpr std::string_view kRatchetLabel = "commentd ip key ratchet";

std::string Hex(std::string_view bytes) {
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  hex.pop_back();
  return hex;
}

bool ParseInt(std::string_view s, int64_t* out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// The "name value" line `name` of a key file, or empty.
std::string_view Field(std::string_view text, std::string_view name) {
  size_t at = 0;
  while (at < text.size()) {
    const size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line = text.substr(at, end - at);
    if (line.size() > name.size() && line.substr(0, name.size()) == name &&
        line[name.size()] == ' ') {
      return line.substr(name.size() + 1);
    }
    at = end + 1;
  }
  return {};
}

}  // namespace

int64_t IpKeyRing::PeriodOf(base::Time t, std::chrono::seconds period) {
  const int64_t seconds = base::ToUnixMicros(t) / 1000000;
  const int64_t n = period.count();
  return seconds >= 0 ? seconds / n : -((-seconds + n - 1) / n);
}

std::string IpKeyRing::Next(std::string_view key) {
  std::string next(kKeyBytes, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(next.data()), next.size(),
                     reinterpret_cast<const unsigned char*>(kRatchetLabel.data()),
                     kRatchetLabel.size(), reinterpret_cast<const unsigned char*>(key.data()),
                     key.size());
  return next;
}

base::Result<std::unique_ptr<IpKeyRing>> IpKeyRing::Open(std::string path,
                                                         std::chrono::seconds period,
                                                         std::shared_ptr<const base::Clock> clock) {
  if (clock == nullptr) return base::InvalidArgumentError("ip key: clock must not be null");
  if (period < kMinPeriod || period > kMaxPeriod) {
    return base::InvalidArgumentError("ip_key_rotation_seconds: must be {}..{}, got {}",
                                      kMinPeriod.count(), kMaxPeriod.count(), period.count());
  }
  if (sodium_init() < 0) return base::InternalError("libsodium failed to initialize");
  const int64_t now_period = PeriodOf(clock->Now(), period);
  std::string fresh(kKeyBytes, '\0');
  randombytes_buf(fresh.data(), fresh.size());
  if (path.empty()) {
    return std::unique_ptr<IpKeyRing>(
        new IpKeyRing("", period, std::move(clock), now_period - 1, std::move(fresh)));
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return base::InternalError("ip key file {}: {}", path, std::strerror(errno));
    }
    std::unique_ptr<IpKeyRing> ring(
        new IpKeyRing(path, period, std::move(clock), now_period - 1, std::move(fresh)));
    base::MutexLock lock(&ring->mu_);
    COMMENTD_RETURN_IF_ERROR(ring->WriteFile());
    return ring;
  }
  // The key is what keeps IP hashes unreadable: refuse rather than use a
  // key that other accounts may already have copied.
  if ((st.st_mode & 077) != 0) {
    return base::PermissionDeniedError(
        "ip key file {}: mode {:04o} lets other users read it; run chmod 600 {} (and consider "
        "deleting it to start a new key)",
        path, st.st_mode & 07777, path);
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in) return base::InternalError("ip key file {}: cannot be read", path);
  const std::string text = buffer.str();
  if (text.substr(0, kMagic.size()) != kMagic) {
    return base::FailedPreconditionError("ip key file {}: not a commentd ip key file", path);
  }
  int64_t file_seconds = 0;
  int64_t file_period = 0;
  if (!ParseInt(Field(text, "period_seconds"), &file_seconds) ||
      !ParseInt(Field(text, "period"), &file_period)) {
    return base::FailedPreconditionError("ip key file {}: period lines are missing or broken",
                                         path);
  }
  if (file_seconds != period.count()) {
    return base::FailedPreconditionError(
        "ip key file {}: made for a rotation every {} seconds, configured {}; every node must use "
        "the same, or delete the file to start a new key",
        path, file_seconds, period.count());
  }
  const std::string_view hex = Field(text, "key");
  std::string key(kKeyBytes, '\0');
  size_t key_len = 0;
  if (hex.size() != 2 * kKeyBytes ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), hex.data(),
                     hex.size(), nullptr, &key_len, nullptr) != 0 ||
      key_len != kKeyBytes) {
    return base::FailedPreconditionError("ip key file {}: the key line is not {} hex digits", path,
                                         2 * kKeyBytes);
  }
  std::unique_ptr<IpKeyRing> ring(
      new IpKeyRing(path, period, std::move(clock), file_period, std::move(key)));
  ring->Now();  // ratchets a file left behind by a stopped node
  {
    base::MutexLock lock(&ring->mu_);
    COMMENTD_RETURN_IF_ERROR(ring->write_status_);
  }
  return ring;
}

IpKeyRing::IpKeyRing(std::string path, std::chrono::seconds period,
                     std::shared_ptr<const base::Clock> clock, int64_t base_period,
                     std::string base_key)
    : path_(std::move(path)),
      period_(period),
      clock_(std::move(clock)),
      base_period_(base_period),
      base_key_(std::move(base_key)) {}

IpKeyRing::Keys IpKeyRing::Now() {
  const int64_t period = PeriodOf(clock_->Now(), period_);
  base::MutexLock lock(&mu_);
  if (period - 1 > base_period_) {
    // Every step is taken (no shortcut exists, by design); at the shortest
    // period a year offline is ~530,000 BLAKE2b calls, well under a second.
    while (base_period_ < period - 1) {
      base_key_ = Next(base_key_);
      ++base_period_;
    }
    if (!path_.empty()) write_status_ = WriteFile();
  }
  Keys keys;
  if (period <= base_period_) {
    keys.period = base_period_;
    keys.current = base_key_;
  } else {
    keys.period = period;
    keys.previous = base_key_;
    keys.current = Next(base_key_);
  }
  return keys;
}

base::Status IpKeyRing::last_write_status() const {
  base::MutexLock lock(&mu_);
  return write_status_;
}

base::Status IpKeyRing::WriteFile() const {
  const std::string contents = fmt::format(
      "{}\n# The key that hashes readers' IP addresses (docs/security.md). Keep it\n"
      "# secret (mode 0600); every node of a site starts from the same file.\n"
      "period_seconds {}\nperiod {}\nkey {}\n",
      kMagic, period_.count(), base_period_, Hex(base_key_));
  // Per process: nodes sharing the file (e.g. on NFS) may rewrite it at once;
  // each writes the same bytes, and each rename is atomic.
  const std::string tmp = fmt::format("{}.tmp.{}", path_, ::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return base::InternalError("ip key file {}: {}", tmp, std::strerror(errno));
  bool ok = ::fchmod(fd, 0600) == 0;  // O_TRUNC keeps an existing file's mode
  size_t written = 0;
  while (ok && written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path_.c_str()) != 0) {
    const std::string error = std::strerror(ok ? errno : saved);
    ::unlink(tmp.c_str());
    return base::InternalError("ip key file {}: cannot write it: {}", path_, error);
  }
  // The rename is durable once the directory is.
  const size_t slash = path_.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path_.substr(0, slash + 1);
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return base::OkStatus();
}

}  // namespace commentd::comments
