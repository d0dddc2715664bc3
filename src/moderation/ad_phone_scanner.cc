#include "moderation/ad_phone_scanner.h"

#include <algorithm>
#include <cstdint>
#include <string>

namespace commentd::moderation::ads {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool EndsWithCurrency(std::string_view before) {
  while (!before.empty() && before.back() == ' ') before.remove_suffix(1);
  for (std::string_view sign : {"$", "€", "£", "¥", "₩", "￥", "￦", "us$", "rmb", "usd"}) {
    if (before.ends_with(sign)) return true;
  }
  return false;
}

bool StartsWithUnit(std::string_view after) {
  while (!after.empty() && after.front() == ' ') after.remove_prefix(1);
  for (std::string_view unit :
       {"%",    "원", "元", "円",   "달러", "dollar", "usd", "won",  "yen",
        "yuan", "만", "억", "명",   "년",   "年",     "个",  "人",   "people",
        "tons", "km", "kg", "美元", "万",   "亿",     "億",  "ドル", "人民币"}) {
    if (after.starts_with(unit)) return true;
  }
  return false;
}

// Classifies the candidate; returns its weight or 0.
double ClassifyPhone(bool plus, bool parens, const std::string& digits,
                     const std::vector<size_t>& groups, bool only_spaces) {
  if (digits.size() < 8 || digits.size() > 15) return 0;
  const size_t n = digits.size();
  int distinct = 0;
  {
    bool seen[10] = {};
    for (char d : digits) {
      if (!seen[d - '0']) ++distinct;
      seen[d - '0'] = true;
    }
  }
  if (distinct < 3) return 0;  // 1000000000, 010-0000-0000
  // Round figures: 13000000000 is money, not a mobile number.
  if (n >= 6 && digits.ends_with("000000")) return 0;
  if (plus) return n >= 10 && n <= 15 ? kStrong : 0;
  if (digits.starts_with("00")) return n >= 12 && n <= 15 ? kStrong : 0;
  if (digits[0] == '0') {
    // Korean mobile 010-1234-5678, Japanese mobile 090-1234-5678, landlines
    // 02-123-4567 / 03-1234-5678 / 010-12345678, UK 020 7946 0018, 0800...
    if (n == 10 || n == 11) return kStrong;
    if (n == 9 && groups.size() >= 3) return kStrong;
    return 0;
  }
  if (digits[0] == '1') {
    // Chinese mobile: 13812345678 or 138 1234 5678.
    if (n == 11 && digits[1] >= '3' && digits[1] <= '9' &&
        (groups.size() == 1 || (groups.size() == 3 && groups[0] == 3 && groups[1] == 4))) {
      return kStrong;
    }
    // North American with the trunk prefix: 1-800-555-0199.
    if (n == 11 && groups.size() == 4 && groups[0] == 1 && groups[1] == 3 && groups[2] == 3 &&
        !only_spaces) {
      return kStrong;
    }
    // Korean nationwide service numbers 1588-1234, but not ranges 1592-1598.
    if (n == 8 && groups.size() == 2 && groups[0] == 4 && !only_spaces &&
        (digits[1] == '5' || digits[1] == '6' || digits[1] == '8')) {
      const int first = std::stoi(digits.substr(0, 4));
      const int second = std::stoi(digits.substr(4, 4));
      if (second > first && second - first < 300) return 0;
      return kMedium;
    }
    return 0;
  }
  // North American (555) 123-4567 or 555-123-4567; spaces alone are prose.
  if (n == 10 && groups.size() == 3 && groups[0] == 3 && groups[1] == 3 &&
      (parens || !only_spaces)) {
    return kStrong;
  }
  return 0;
}

// One run of digits in a cluster, with what joins it to the previous one.
struct Group {
  size_t begin;       // first byte ('+', '(' or digit)
  size_t end;         // past the last digit (or ')')
  size_t digits;      // how many digits
  bool plus;          // written "+82"
  bool parens;        // written "(555)"
  bool space_before;  // the separator before it holds a space
  bool punct_before;  // the separator before it holds '-' or '.'
};

// Reads the cluster of digit groups starting at s[i]: groups joined by one
// to three of ' ', '-', '.'. Returns the index past the cluster.
size_t ReadCluster(std::string_view s, size_t i, std::vector<Group>* groups) {
  const size_t size = s.size();
  groups->clear();
  size_t p = i;
  bool space_before = false, punct_before = false;
  while (groups->size() < 24) {
    Group g{p, p, 0, false, false, space_before, punct_before};
    size_t q = p;
    if (q < size && s[q] == '+') {
      g.plus = true;
      ++q;
    }
    bool open = false;
    if (q < size && s[q] == '(') {
      open = true;
      ++q;
    }
    if (q >= size || !IsDigit(s[q])) break;
    const size_t digits_begin = q;
    while (q < size && IsDigit(s[q])) ++q;
    g.digits = q - digits_begin;
    if (open) {
      if (q >= size || s[q] != ')') break;
      g.parens = true;
      ++q;
    }
    g.end = q;
    groups->push_back(g);
    // The separator to the next group.
    size_t r = q;
    space_before = punct_before = false;
    while (r < size && r - q < 3 && (s[r] == ' ' || s[r] == '-' || s[r] == '.')) {
      (s[r] == ' ' ? space_before : punct_before) = true;
      ++r;
    }
    if (r == q || r >= size) break;
    if (!(IsDigit(s[r]) || s[r] == '(' || (s[r] == '+' && r + 1 < size && IsDigit(s[r + 1]))))
      break;
    if (s[r] == '+' && !space_before) break;
    p = r;
  }
  return groups->empty() ? i + 1 : groups->back().end;
}

// Whether groups [a, b] of a cluster read as one phone number; its weight.
double ClassifyGroups(std::string_view s, const std::vector<Group>& g, size_t a, size_t b,
                      std::string* digits) {
  if (a != b && std::any_of(g.begin() + static_cast<std::ptrdiff_t>(a) + 1,
                            g.begin() + static_cast<std::ptrdiff_t>(b) + 1,
                            [](const Group& x) { return x.plus; })) {
    return 0;
  }
  digits->clear();
  std::vector<size_t> lengths;
  bool parens = false, only_spaces = true;
  for (size_t k = a; k <= b; ++k) {
    for (size_t p = g[k].begin; p < g[k].end; ++p) {
      if (IsDigit(s[p])) digits->push_back(s[p]);
    }
    lengths.push_back(g[k].digits);
    parens |= g[k].parens;
    if (k > a && g[k].punct_before) only_spaces = false;
  }
  return ClassifyPhone(g[a].plus, parens, *digits, lengths, only_spaces);
}

}  // namespace

void ScanPhones(std::string_view s, std::vector<Candidate>* out, const text::NormalizedText& view) {
  const size_t size = s.size();
  std::vector<Group> groups;
  std::string digits;
  size_t i = 0;
  while (i < size) {
    // Next digit; a '+' or '(' right before it (and not yet read) starts
    // the cluster.
    const size_t from = i;
    while (i < size && !IsDigit(s[i])) ++i;
    if (i >= size) break;
    if (i > from && (s[i - 1] == '+' || s[i - 1] == '(')) --i;
    const size_t cluster_end = ReadCluster(s, i, &groups);
    size_t cluster_digits = 0;
    for (const Group& g : groups) cluster_digits += g.digits;
    if (groups.empty() || cluster_digits < 8) {  // years, amounts, dates: no phone
      i = std::max(cluster_end, i + 1);
      continue;
    }
    // Left boundary: not inside a word, a decimal, a document number, money.
    bool left_ok = true;
    if (i > 0) {
      const char p = s[i - 1];
      const bool after_digit_punct =
          (p == '.' || p == ',' || p == ':' || p == '-' || p == '/') && i >= 2 && IsDigit(s[i - 2]);
      left_ok = !(IsAsciiAlnum(p) || p == '/' || p == '\\' || p == '#' || p == '@' ||
                  after_digit_punct || EndsWithCurrency(s.substr(0, i)));
    }
    // Right boundary of the cluster: not glued to a word, not a decimal or a
    // thousands group, not a quantity ("13000000000 dollars").
    bool right_ok = true;
    if (cluster_end < size) {
      const char a = s[cluster_end];
      if (IsAsciiAlnum(a)) right_ok = false;
      if ((a == '.' || a == ',' || a == '/' || a == ':') && cluster_end + 1 < size &&
          IsDigit(s[cluster_end + 1])) {
        right_ok = false;
      }
      if (right_ok && StartsWithUnit(s.substr(cluster_end))) right_ok = false;
    }
    // Phones inside the cluster: a phone starts at the cluster start or after
    // a space, ends at the cluster end or before a space, and is the longest
    // such run of at most six groups that fits a numbering plan.
    const size_t n = groups.size();
    size_t a = 0;
    while (a < n) {
      const bool start_ok = a == 0 ? left_ok : groups[a].space_before;
      size_t found = n;
      double weight = 0;
      if (start_ok) {
        for (size_t b = std::min(n - 1, a + 5) + 1; b-- > a;) {
          const bool end_ok = b == n - 1 ? right_ok : groups[b + 1].space_before;
          if (!end_ok) continue;
          weight = ClassifyGroups(s, groups, a, b, &digits);
          if (weight > 0) {
            found = b;
            break;
          }
        }
      }
      if (found == n) {
        ++a;
        continue;
      }
      uint64_t key = 1469598103934665603ull;  // FNV-1a of the digits
      for (char d : digits) key = (key ^ static_cast<unsigned char>(d)) * 1099511628211ull;
      out->push_back(Candidate{Kind::kPhoneNumber, weight, key,
                               view.ToOriginal(groups[a].begin, groups[found].end)});
      a = found + 1;
    }
    i = cluster_end;
  }
}

}  // namespace commentd::moderation::ads
