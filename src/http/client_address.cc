#include "http/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>

namespace commentd::http {
namespace {

// `text` as 16 bytes (IPv4 mapped into IPv6, ::ffff:a.b.c.d), or nullopt.
std::optional<std::array<uint8_t, 16>> ParseAddress(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string s(text);
  std::array<uint8_t, 16> out{};
  in_addr v4;
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    out[10] = 0xff;
    out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

base::Result<TrustedProxies> TrustedProxies::Create(const std::vector<std::string>& entries) {
  TrustedProxies proxies;
  for (const std::string& entry : entries) {
    const size_t slash = entry.find('/');
    const std::string_view address = std::string_view(entry).substr(0, slash);
    auto bytes = ParseAddress(address);
    if (!bytes) {
      return base::InvalidArgumentError(
          "trusted proxy \"{}\": not an IP address or network (write 10.0.0.1 or 10.0.0.0/8)",
          entry);
    }
    const bool v4 = address.find(':') == std::string_view::npos;
    Network network{*bytes, 128};
    if (slash != std::string::npos) {
      const std::string_view digits = std::string_view(entry).substr(slash + 1);
      int prefix = -1;
      const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
      const int max = v4 ? 32 : 128;
      if (ec != std::errc() || ptr != digits.data() + digits.size() || prefix < 0 || prefix > max) {
        return base::InvalidArgumentError("trusted proxy \"{}\": prefix must be 0..{}", entry, max);
      }
      network.prefix = v4 ? prefix + 96 : prefix;
    }
    proxies.networks_.push_back(network);
  }
  return proxies;
}

bool TrustedProxies::Trusts(std::string_view address) const {
  if (networks_.empty()) return false;
  auto bytes = ParseAddress(address);
  if (!bytes) return false;
  for (const Network& n : networks_) {
    bool match = true;
    for (int bit = 0; bit < n.prefix && match; bit += 8) {
      const int bits = std::min(8, n.prefix - bit);
      const uint8_t mask = static_cast<uint8_t>(0xff << (8 - bits));
      match = ((*bytes)[bit / 8] & mask) == (n.bytes[bit / 8] & mask);
    }
    if (match) return true;
  }
  return false;
}

std::string TrustedProxies::ClientAddress(std::string_view peer,
                                          std::string_view forwarded_for) const {
  std::string client(peer);
  if (!Trusts(peer)) return client;
  while (!forwarded_for.empty()) {
    const size_t comma = forwarded_for.rfind(',');
    const std::string_view entry =
        Trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    forwarded_for =
        comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    if (!ParseAddress(entry)) break;
    client = std::string(entry);
    if (!Trusts(entry)) break;
  }
  return client;
}

std::string AddressKey(std::string_view address, int ipv6_prefix_bits) {
  auto bytes = ParseAddress(address);
  if (!bytes) return std::string(address);
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  char text[INET6_ADDRSTRLEN] = {};
  if (std::memcmp(bytes->data(), kMapped, sizeof kMapped) == 0) {
    inet_ntop(AF_INET, bytes->data() + 12, text, sizeof text);
    return text;
  }
  const int prefix = std::clamp(ipv6_prefix_bits, 1, 128);
  for (int bit = prefix; bit < 128; ++bit) {
    (*bytes)[bit / 8] = static_cast<uint8_t>((*bytes)[bit / 8] & ~(0x80 >> (bit % 8)));
  }
  inet_ntop(AF_INET6, bytes->data(), text, sizeof text);
  return fmt::format("{}/{}", text, prefix);
}

}  // namespace commentd::http
