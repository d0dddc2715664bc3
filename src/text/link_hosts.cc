#include "text/link_hosts.h"

#include <libpsl.h>

#include <array>

#include "text/link_chars.h"

namespace commentd::text::links {

size_t ParseHost(std::string_view t, size_t pos, bool allow_cjk, std::vector<size_t>* cuts) {
  size_t j = pos;
  size_t label_start = pos;
  bool prev_ascii = false;
  while (j < t.size() && j - pos <= 260) {  // hosts are at most 253 bytes
    const auto [cp, len, valid] = DecodeAt(t, j);
    if (cp == '.') {
      if (j == label_start || j + 1 >= t.size()) break;
      if (!IsHostChar(DecodeAt(t, j + 1).c, allow_cjk)) break;
      j += 1;
      label_start = j;
      prev_ascii = false;
      continue;
    }
    if (!IsHostChar(cp, allow_cjk)) break;
    if (prev_ascii && (IsCjkLetter(cp) || IsSymbol(cp)) && cuts != nullptr && cuts->size() < 8) {
      cuts->push_back(j);
    }
    prev_ascii = cp < 0x80;
    j += len;
  }
  return j;
}

int SuffixList::SuffixLabels(const std::string& host) const {
  int labels_after = 1;
  for (size_t p = host.size(); p > 0; --p) {
    if (host[p - 1] != '.') continue;
    ++labels_after;
  }
  // Longest first: try every label start from the left.
  size_t start = 0;
  int remaining = labels_after;
  while (true) {
    if (psl_is_public_suffix2(psl, host.c_str() + start, PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE)) {
      return remaining;
    }
    const size_t dot = host.find('.', start);
    if (dot == std::string::npos) return 0;
    start = dot + 1;
    --remaining;
  }
}

HostCheck SuffixList::Check(std::string_view host) const {
  HostCheck check;
  if (host.empty() || host.size() > 253) return check;
  std::array<std::string_view, 128> labels;
  size_t count = 0;
  size_t start = 0;
  while (true) {
    const size_t dot = host.find('.', start);
    const size_t end = dot == std::string_view::npos ? host.size() : dot;
    if (count == labels.size()) return check;
    labels[count++] = host.substr(start, end - start);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  check.labels = static_cast<int>(count);
  bool all_numeric = true;
  for (size_t i = 0; i < count; ++i) {
    const std::string_view label = labels[i];
    if (label.empty()) return check;
    const char first = label.front();
    const char last = label.back();
    if (first == '-' || first == '_' || last == '-' || last == '_') return check;
    size_t code_points = 0;
    bool label_ascii = true;
    bool numeric = true;
    for (size_t p = 0; p < label.size();) {
      const auto [cp, len, valid] = DecodeAt(label, p);
      if (cp >= 0x80) label_ascii = false;
      if (!IsAsciiDigit(cp)) numeric = false;
      p += len;
      ++code_points;
    }
    if (code_points > 63) return check;
    if (label.size() >= 4 && label.substr(2, 2) == "--" && label.substr(0, 2) == "xn" &&
        !label_ascii) {
      return check;  // "xn--" labels are punycode, ASCII by definition
    }
    if (!label_ascii) check.ascii = false;
    if (!numeric) all_numeric = false;
  }
  if (count == 4 && all_numeric) {
    for (size_t i = 0; i < count; ++i) {
      if (labels[i].size() > 3) return check;
      int value = 0;
      for (char c : labels[i]) value = value * 10 + (c - '0');
      if (value > 255) return check;
    }
    check.ipv4 = true;
    check.syntax_ok = true;
    return check;
  }
  const std::string_view tld = labels[count - 1];
  check.tld = tld;
  if (count == 1) {
    check.syntax_ok = tld.find('_') == std::string_view::npos;
    return check;
  }
  // The TLD is letters (or punycode); the registrable label and the TLD
  // take no underscore (subdomains may: "sub_domain.example.com").
  const bool punycode = tld.size() > 4 && tld.substr(0, 4) == "xn--";
  if (!punycode) {
    for (size_t p = 0; p < tld.size();) {
      const auto [cp, len, valid] = DecodeAt(tld, p);
      if (!(IsAsciiAlpha(cp) || IsNonAsciiLabelChar(cp) || IsCjkLetter(cp))) return check;
      p += len;
    }
  }
  if (labels[count - 2].find('_') != std::string_view::npos) return check;
  check.syntax_ok = true;
  check.suffix_labels = SuffixLabels(std::string(host));
  return check;
}

}  // namespace commentd::text::links
