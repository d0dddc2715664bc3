#include "http/request_target.h"

#include <restinio/utils/percent_encoding.hpp>

namespace commentd::http {

std::string PercentDecode(std::string_view s) {
  auto r =
      restinio::utils::try_unescape_percent_encoding<restinio::utils::relaxed_unescape_traits>(s);
  return r ? *r : std::string(s);
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string key = PercentDecode(pair.substr(0, eq));
    std::string value =
        eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1));
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

}  // namespace commentd::http
