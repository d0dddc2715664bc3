// Feeds arbitrary header values to the header parsing commentd does itself:
// the client address from X-Forwarded-For behind trusted proxies (and its
// address key), cookies, and If-None-Match. None may crash; the client
// address is the peer or one of the forwarded entries.
//
// Input: newline-separated fields: trusted proxy entries (comma-separated),
// peer address, X-Forwarded-For, Cookie, a cookie name, If-None-Match, and
// a byte choosing the IPv6 prefix length.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/client_address.h"
#include "http/exchange.h"
#include "http/static_assets.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    const size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace commentd::http;
  std::vector<std::string_view> fields =
      Split(std::string_view(reinterpret_cast<const char*>(data), size), '\n');
  fields.resize(7);
  const auto& [proxies, peer, forwarded_for, cookie, cookie_name, if_none_match, bits] =
      std::tie(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6]);

  std::vector<std::string> entries;
  if (!proxies.empty()) {
    for (std::string_view e : Split(proxies, ',')) entries.emplace_back(e);
  }
  auto trusted = TrustedProxies::Create(entries);
  if (trusted.ok()) {
    const std::string client = trusted->ClientAddress(peer, forwarded_for);
    Check(client == peer || forwarded_for.find(client) != std::string_view::npos);
    (void)trusted->Trusts(peer);
    const int prefix_bits = bits.empty() ? 64 : 1 + static_cast<uint8_t>(bits[0]) % 128;
    (void)AddressKey(client, prefix_bits);
  }

  Request request;
  request.headers = {{"cookie", std::string(cookie)},
                     {"if-none-match", std::string(if_none_match)}};
  const std::string_view value = request.Cookie(cookie_name);
  Check(value.empty() || cookie.find(value) != std::string_view::npos);
  (void)StaticAssets::Matches(request.Header("if-none-match"), StaticAssets::ETagFor(cookie));
  return 0;
}
