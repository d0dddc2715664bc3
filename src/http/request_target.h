// The parts of a request target (RFC 9112 3.2: path and query) that
// commentd decodes itself rather than leaving to RESTinio: the query string
// and percent-decoding. Pure functions of their input, so the fuzzer
// (request_target_fuzzer.cc) reaches them without a server.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace commentd::http {

// `s` with its %XX escapes decoded and '+' read as a space (RESTinio's
// relaxed unescaping; a '+' is written "%2B"). A malformed escape ("%zz", a
// lone "%"), an escaped byte sequence that is not UTF-8, or a byte outside
// RFC 3986's characters leaves the whole of `s` as typed: the handler's
// validation then names it.
std::string PercentDecode(std::string_view s);

// "a=1&b=x%20y&c" as [("a","1"), ("b","x y"), ("c","")], in order, duplicates
// kept: split on '&', then on the first '='; both sides PercentDecode'd
// (application/x-www-form-urlencoded), so "%2B" is a '+'. Empty pairs
// ("a=1&&b") are skipped.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);

}  // namespace commentd::http
