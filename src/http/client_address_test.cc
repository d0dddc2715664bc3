#include "http/client_address.h"

#include <gtest/gtest.h>

namespace commentd::http {
namespace {

TEST(TrustedProxiesTest, ReadsForwardedForOnlyFromTrustedPeers) {
  auto proxies = TrustedProxies::Create({"127.0.0.1", "10.0.0.0/8", "fd00::/8"});
  ASSERT_TRUE(proxies.ok()) << proxies.status().ToString();
  struct Case {
    const char* peer;
    const char* forwarded_for;
    const char* client;
  };
  const Case cases[] = {
      {"203.0.113.9", "198.51.100.1", "203.0.113.9"},  // not a proxy: its header is ignored
      {"127.0.0.1", "198.51.100.1", "198.51.100.1"},
      {"127.0.0.1", "", "127.0.0.1"},                           // no header
      {"127.0.0.1", "198.51.100.1, 10.1.2.3", "198.51.100.1"},  // two proxies
      {"127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"},   // client-made entry ignored
      {"127.0.0.1", "garbage, 198.51.100.1", "198.51.100.1"},
      {"127.0.0.1", "198.51.100.1, garbage", "127.0.0.1"},  // proxy entry broken
      {"127.0.0.1", "10.0.0.1, 10.0.0.2", "10.0.0.1"},      // all trusted: leftmost
      {"10.200.0.1", "2001:db8::1", "2001:db8::1"},
      {"fd12::1", "[2001:db8::2]", "[2001:db8::2]"},
      {"11.0.0.1", "198.51.100.1", "11.0.0.1"},  // outside 10/8
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.peer) + " <- " + c.forwarded_for);
    EXPECT_EQ(proxies->ClientAddress(c.peer, c.forwarded_for), c.client);
  }
}

TEST(TrustedProxiesTest, TrustsNoOneByDefault) {
  EXPECT_EQ(TrustedProxies().ClientAddress("127.0.0.1", "198.51.100.1"), "127.0.0.1");
}

TEST(TrustedProxiesTest, BadEntriesAreNamed) {
  for (const char* bad : {"localhost", "10.0.0.0/33", "10.0.0.0/x", "::1/129", ""}) {
    SCOPED_TRACE(bad);
    auto proxies = TrustedProxies::Create({bad});
    ASSERT_FALSE(proxies.ok());
    EXPECT_EQ(proxies.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_NE(proxies.status().message().find(std::string("\"") + bad + "\""), std::string::npos)
        << proxies.status().ToString();
  }
}

TEST(AddressKeyTest, KeysIpv6OnItsNetworkPrefixAndIpv4OnTheAddress) {
  struct Case {
    const char* address;
    int prefix;
    const char* key;
  };
  const Case cases[] = {
      {"198.51.100.7", 64, "198.51.100.7"},
      {"::ffff:198.51.100.7", 64, "198.51.100.7"},  // IPv4-mapped: the IPv4 address
      {"[::ffff:198.51.100.7]", 64, "198.51.100.7"},
      {"2001:db8:1:2:aaaa:bbbb:cccc:dddd", 64, "2001:db8:1:2::/64"},
      {"2001:db8:1:2::1", 64, "2001:db8:1:2::/64"},  // the same /64: the same key
      {"[2001:db8:1:2:ffff::9]", 64, "2001:db8:1:2::/64"},
      {"2001:db8:1:3::1", 64, "2001:db8:1:3::/64"},  // the next /64 differs
      {"2001:db8:1:2:aaaa::1", 56, "2001:db8:1::/56"},
      {"2001:db8:1:2::1", 128, "2001:db8:1:2::1/128"},
      {"2001:db8:1:2::1", 60, "2001:db8:1::/60"},
      {"not an address", 64, "not an address"},
      {"", 64, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.address) + " /" + std::to_string(c.prefix));
    EXPECT_EQ(AddressKey(c.address, c.prefix), c.key);
  }
}

}  // namespace
}  // namespace commentd::http
