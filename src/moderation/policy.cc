#include "moderation/policy.h"

#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>
#include <toml.hpp>

#include "text/utf8.h"

namespace commentd::moderation {
namespace {

// Where a value stands in the policy file, for error messages: "policy.toml:7".
std::string Where(std::string_view source, const toml::value& v) {
  const toml::source_location loc(v.location());
  if (loc.line() == 0) return std::string(source);
  return fmt::format("{}:{}", source, loc.line());
}

class TableReader {
 public:
  TableReader(std::string_view source, std::string prefix, const toml::value& table)
      : source_(source), prefix_(std::move(prefix)), table_(table) {}

  base::Status Decision(const char* key, moderation::Decision* out) {
    const toml::value* v = Find(key);
    if (v == nullptr) return base::OkStatus();
    if (!v->is_string()) return TypeError(*v, key, "a string (delete, hold or allow)");
    auto d = ParseDecision(v->as_string().str);
    if (!d.ok()) return Error(*v, key, d.status().message());
    *out = *d;
    return base::OkStatus();
  }

  base::Status Bool(const char* key, bool* out) {
    const toml::value* v = Find(key);
    if (v == nullptr) return base::OkStatus();
    if (!v->is_boolean()) return TypeError(*v, key, "true or false");
    *out = v->as_boolean();
    return base::OkStatus();
  }

  // A number in [0, max].
  base::Status Number(const char* key, double max, double* out) {
    const toml::value* v = Find(key);
    if (v == nullptr) return base::OkStatus();
    double x;
    if (v->is_floating()) {
      x = v->as_floating();
    } else if (v->is_integer()) {
      x = static_cast<double>(v->as_integer());
    } else {
      return TypeError(*v, key, "a number");
    }
    if (!(x >= 0 && x <= max))
      return Error(*v, key, fmt::format("{} is not between 0 and {}", x, max));
    *out = x;
    return base::OkStatus();
  }

  base::Status Strings(const char* key, std::vector<std::string>* out) {
    const toml::value* v = Find(key);
    if (v == nullptr) return base::OkStatus();
    if (!v->is_array()) return TypeError(*v, key, "an array of strings");
    out->clear();
    for (const toml::value& item : v->as_array()) {
      if (!item.is_string()) return TypeError(item, key, "an array of strings");
      out->push_back(item.as_string().str);
    }
    return base::OkStatus();
  }

  bool Has(const char* key) const { return table_.as_table().count(key) > 0; }

  // The classifier thresholds of a section that has a classifier
  // ([inappropriate_language], [advertisement]): the section-wide
  // classifier_delete_threshold and classifier_hold_threshold, which, when
  // the file gives either, replace the built-in per-language ones; then the
  // per-language subtables.
  base::Status ClassifierSection(double* delete_threshold, double* hold_threshold,
                                 ThresholdsByLanguage* by_language) {
    if (Has("classifier_delete_threshold") || Has("classifier_hold_threshold")) {
      by_language->clear();
    }
    COMMENTD_RETURN_IF_ERROR(Number("classifier_delete_threshold", 1.0, delete_threshold));
    COMMENTD_RETURN_IF_ERROR(Number("classifier_hold_threshold", 1.0, hold_threshold));
    return LanguageThresholds({*delete_threshold, *hold_threshold}, by_language);
  }

  // Optional subtables [section.en], [section.ko], [section.zh], [section.ja]
  // of classifier thresholds; a threshold a subtable leaves out is the
  // section's (`fallback`, read before).
  base::Status LanguageThresholds(ClassifierThresholds fallback, ThresholdsByLanguage* out) {
    for (const char* language : {"en", "ko", "zh", "ja"}) {
      const toml::value* v = Find(language);
      if (v == nullptr) continue;
      if (!v->is_table()) {
        return TypeError(*v, language, "a table of classifier thresholds ([section.language])");
      }
      TableReader sub(source_, prefix_ + language + ".", *v);
      ClassifierThresholds t = ThresholdsFor(*out, language, fallback);
      COMMENTD_RETURN_IF_ERROR(sub.Number("classifier_delete_threshold", 1.0, &t.delete_threshold));
      COMMENTD_RETURN_IF_ERROR(sub.Number("classifier_hold_threshold", 1.0, &t.hold_threshold));
      COMMENTD_RETURN_IF_ERROR(sub.RejectUnknown());
      if (t.hold_threshold > t.delete_threshold) {
        return Error(*v, language,
                     fmt::format("classifier hold threshold {} is above the delete threshold {}",
                                 t.hold_threshold, t.delete_threshold));
      }
      (*out)[language] = t;
    }
    return base::OkStatus();
  }

  // After all known keys were read: any other key is a mistake worth naming.
  base::Status RejectUnknown() const {
    for (const auto& [key, value] : table_.as_table()) {
      if (!known_.contains(key)) {
        return base::InvalidArgumentError("{}: unknown key '{}{}'", Where(source_, value), prefix_,
                                          key);
      }
    }
    return base::OkStatus();
  }

 private:
  const toml::value* Find(const char* key) {
    known_.insert(key);
    const auto& t = table_.as_table();
    auto it = t.find(key);
    return it == t.end() ? nullptr : &it->second;
  }
  base::Status Error(const toml::value& v, const char* key, std::string_view message) const {
    return base::InvalidArgumentError("{}: key '{}{}': {}", Where(source_, v), prefix_, key,
                                      message);
  }
  base::Status TypeError(const toml::value& v, const char* key, std::string_view expected) const {
    return Error(v, key, fmt::format("expected {}", expected));
  }

  std::string_view source_;
  std::string prefix_;
  const toml::value& table_;
  std::set<std::string> known_;
};

base::Status ReadSection(std::string_view source, const toml::value& root, const char* name,
                         const std::function<base::Status(TableReader&)>& read) {
  const auto& t = root.as_table();
  auto it = t.find(name);
  if (it == t.end()) return base::OkStatus();
  if (!it->second.is_table()) {
    return base::InvalidArgumentError("{}: '{}' must be a table ([{}])", Where(source, it->second),
                                      name, name);
  }
  TableReader reader(source, std::string(name) + ".", it->second);
  COMMENTD_RETURN_IF_ERROR(read(reader));
  return reader.RejectUnknown();
}

base::Status CheckHoldBelowDelete(std::string_view source, std::string_view section, double hold,
                                  double del, std::string_view what) {
  if (hold > del) {
    return base::InvalidArgumentError(
        "{}: [{}] {}hold threshold {} is above the delete threshold {}", source, section, what,
        hold, del);
  }
  return base::OkStatus();
}

// toml11 parses arrays and inline tables by recursion, once per level: a
// 12 KB policy of nested '[' overflowed a worker's stack (PUT
// /api/v1/mod/policy) before any error was reported. A policy needs two
// levels (a table header, an array of strings); this scan refuses deeper
// nesting before toml11 sees the text.
constexpr int kMaxTomlDepth = 16;

struct TooDeep {
  size_t line = 0;
  size_t byte = 0;
};

// The first '[' or '{' past `max_depth` open ones, outside strings and
// comments, or nullopt. Table headers ("[a]", "[[a]]") count like arrays:
// they close on the same line, so they never reach the limit.
std::optional<TooDeep> FindTooDeep(std::string_view text, int max_depth) {
  int depth = 0;
  size_t line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (c == '#') {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      // Basic strings ("...", """...""") honour backslash escapes; literal
      // strings ('...', '''...''') do not; the multi-line forms may span
      // lines and may end with one or two more quotes.
      const std::string_view triple = c == '"' ? "\"\"\"" : "'''";
      const bool multi = text.substr(i, 3) == triple;
      const std::string_view quote = multi ? triple : triple.substr(0, 1);
      size_t j = i + quote.size();
      while (j < text.size()) {
        if (text.substr(j, quote.size()) == quote) {
          j += quote.size() - 1;
          for (int extra = 0; multi && extra < 2 && j + 1 < text.size() && text[j + 1] == c;
               ++extra) {
            ++j;
          }
          break;
        }
        if (text[j] == '\n') {
          if (!multi) {
            --j;  // unterminated: toml11 names it; the newline is counted below
            break;
          }
          ++line;
        } else if (c == '"' && text[j] == '\\' && j + 1 < text.size() && text[j + 1] != '\n') {
          ++j;  // an escaped character, perhaps a quote
        }
        ++j;
      }
      i = j;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return TooDeep{line, i};
    } else if (c == ']' || c == '}') {
      if (depth > 0) --depth;
    }
  }
  return std::nullopt;
}

}  // namespace

ClassifierThresholds ThresholdsFor(const ThresholdsByLanguage& by_language,
                                   std::string_view language, ClassifierThresholds fallback) {
  auto it = by_language.find(language);
  return it == by_language.end() ? fallback : it->second;
}

base::Result<Policy> Policy::FromToml(std::string_view contents, std::string_view source) {
  // toml11 reads past the end of its buffer on some invalid UTF-8 (a literal
  // string key of stray lead bytes crashed policy_fuzzer), so only well-formed
  // text reaches it.
  if (const size_t bad = text::FindInvalidUtf8(contents); bad != std::string_view::npos) {
    return base::InvalidArgumentError("{}: not valid UTF-8 at byte {}", source, bad);
  }
  if (const auto deep = FindTooDeep(contents, kMaxTomlDepth)) {
    return base::InvalidArgumentError(
        "{}:{}: arrays and inline tables nest deeper than {} levels (at byte {})", source,
        deep->line, kMaxTomlDepth, deep->byte);
  }
  toml::value root;
  try {
    std::istringstream stream{std::string(contents)};
    root = toml::parse(stream, std::string(source));
  } catch (const std::exception& e) {
    // toml11's message spans several lines: "[error] what", then a drawing
    // of the offending line headed " N | ...". Keep what and N.
    const std::string full = e.what();
    std::string message = full.substr(0, full.find('\n'));
    if (message.rfind("[error] ", 0) == 0) message = message.substr(8);
    std::string location(source);
    std::istringstream lines(full);
    for (std::string line; std::getline(lines, line);) {
      const size_t bar = line.find(" | ");
      if (bar == std::string::npos) continue;
      const std::string number = line.substr(0, bar);
      const size_t digit = number.find_first_not_of(' ');
      if (digit != std::string::npos &&
          number.find_first_not_of("0123456789", digit) == std::string::npos) {
        location += ":" + number.substr(digit);
        break;
      }
    }
    return base::InvalidArgumentError("{}: not valid TOML: {}", location, message);
  }

  Policy policy;
  {
    const auto& t = root.as_table();
    if (auto it = t.find("version"); it != t.end()) {
      if (!it->second.is_string()) {
        return base::InvalidArgumentError("{}: key 'version': expected a string",
                                          Where(source, it->second));
      }
      policy.version = it->second.as_string().str;
    }
    for (const auto& [key, value] : t) {
      if (key != "version" && key != "link" && key != "inappropriate_language" &&
          key != "advertisement") {
        return base::InvalidArgumentError(
            "{}: unknown key '{}' (expected version, [link], [inappropriate_language], "
            "[advertisement])",
            Where(source, value), key);
      }
    }
  }
  COMMENTD_RETURN_IF_ERROR(ReadSection(source, root, "link", [&](TableReader& r) {
    COMMENTD_RETURN_IF_ERROR(r.Decision("action", &policy.link.action));
    return r.Strings("allowed_domains", &policy.link.allowed_domains);
  }));
  COMMENTD_RETURN_IF_ERROR(ReadSection(source, root, "inappropriate_language", [&](TableReader& r) {
    LanguagePolicy& p = policy.language;
    COMMENTD_RETURN_IF_ERROR(r.Decision("action", &p.action));
    COMMENTD_RETURN_IF_ERROR(r.Bool("allow_mild", &p.allow_mild));
    return r.ClassifierSection(&p.classifier_delete_threshold, &p.classifier_hold_threshold,
                               &p.classifier_by_language);
  }));
  COMMENTD_RETURN_IF_ERROR(ReadSection(source, root, "advertisement", [&](TableReader& r) {
    AdvertisementPolicy& p = policy.advertisement;
    COMMENTD_RETURN_IF_ERROR(r.Decision("action", &p.action));
    COMMENTD_RETURN_IF_ERROR(r.Number("threshold", 100.0, &p.threshold));
    COMMENTD_RETURN_IF_ERROR(r.Number("hold_threshold", 100.0, &p.hold_threshold));
    return r.ClassifierSection(&p.classifier_delete_threshold, &p.classifier_hold_threshold,
                               &p.classifier_by_language);
  }));
  COMMENTD_RETURN_IF_ERROR(CheckHoldBelowDelete(source, "advertisement",
                                                policy.advertisement.hold_threshold,
                                                policy.advertisement.threshold, ""));
  COMMENTD_RETURN_IF_ERROR(
      CheckHoldBelowDelete(source, "advertisement", policy.advertisement.classifier_hold_threshold,
                           policy.advertisement.classifier_delete_threshold, "classifier "));
  COMMENTD_RETURN_IF_ERROR(CheckHoldBelowDelete(
      source, "inappropriate_language", policy.language.classifier_hold_threshold,
      policy.language.classifier_delete_threshold, "classifier "));
  for (std::string& domain : policy.link.allowed_domains) {
    for (char& c : domain) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (domain.empty() || domain.find_first_of(" /:") != std::string::npos) {
      return base::InvalidArgumentError(
          "{}: [link] allowed_domains: '{}' is not a domain (write it like example.org)", source,
          domain);
    }
  }
  return policy;
}

base::Result<Policy> Policy::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::NotFoundError("policy file '{}' cannot be opened", path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return FromToml(buffer.str(), path);
}

}  // namespace commentd::moderation
