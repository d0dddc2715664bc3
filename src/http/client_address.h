// TrustedProxies: which peers may say, in X-Forwarded-For, whom they forward
// for. Behind nginx every request comes from the proxy's address; without
// this, all readers would share one rate limit and one IP hash.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace commentd::http {

// Immutable after Create; Thread-safe.
class TrustedProxies {
 public:
  // `entries`: addresses ("127.0.0.1", "::1") or networks ("10.0.0.0/8",
  // "fd00::/8"). kInvalidArgument naming the entry for anything else.
  static base::Result<TrustedProxies> Create(const std::vector<std::string>& entries);
  TrustedProxies() = default;  // trusts no one

  // The client's address: `peer` itself unless `peer` is trusted; then the
  // X-Forwarded-For list is read from the right (each proxy appends the
  // address it received from), skipping trusted proxies, and the first
  // address that is not one is the client. An entry that is not an address
  // stops the walk (the last good address is used): a client can prepend
  // anything it likes, but not past the proxies' own entries.
  std::string ClientAddress(std::string_view peer, std::string_view forwarded_for) const;

  bool Trusts(std::string_view address) const;

 private:
  struct Network {
    std::array<uint8_t, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
    int prefix = 128;
  };
  std::vector<Network> networks_;
};

// The key rate limits, bans, reports and IP hashes use for a client
// address. IPv4 is keyed on the address ("198.51.100.7"), an IPv4-mapped
// IPv6 address ("::ffff:198.51.100.7") on its IPv4 address, and other IPv6
// on its first `ipv6_prefix_bits` bits ("2001:db8:1:2::/64"): one
// subscriber usually gets a whole /64, so keying on the full address would
// give them 2^64 fresh rate-limit buckets and ban-free addresses. Text that
// is not an address comes back unchanged. `ipv6_prefix_bits` is 1..128.
std::string AddressKey(std::string_view address, int ipv6_prefix_bits);

}  // namespace commentd::http
