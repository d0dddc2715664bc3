// Hosts for the link finder: parsing a host out of the view, and checking
// one against the syntax rules and the public suffix list (libpsl). Internal
// to the link finder (link_*.cc).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

struct psl_ctx_st;  // libpsl's psl_ctx_t

namespace commentd::text::links {

// What a host string is, once checked.
struct HostCheck {
  bool syntax_ok = false;
  bool ipv4 = false;
  bool ascii = true;
  int labels = 0;
  int suffix_labels = 0;  // labels of the ICANN public suffix; 0 = unknown
  std::string_view tld;
};

// Parses a host starting at t[pos]: labels of host characters separated by
// single dots. Stops before a dot that is not followed by a host character
// (a sentence end). Returns the end; *cuts gets the positions where an ASCII
// label runs into CJK letters or symbols (the places to cut an over-long
// host).
size_t ParseHost(std::string_view t, size_t pos, bool allow_cjk, std::vector<size_t>* cuts);

// The public suffix list and the host checks that need it. Thread-safe
// (libpsl only reads its context).
class SuffixList {
 public:
  explicit SuffixList(const psl_ctx_st* psl) : psl(psl) {}
  const psl_ctx_st* psl;

  // Number of labels of the longest ICANN public suffix of `host`, 0 when
  // the TLD is unknown. `host` is lower case.
  int SuffixLabels(const std::string& host) const;

  // The syntax of `host` (labels, IPv4, ASCII or IDN, TLD) and, when it has
  // a dot and parses, its ICANN public suffix.
  HostCheck Check(std::string_view host) const;
};

}  // namespace commentd::text::links
