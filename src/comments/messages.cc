#include "comments/messages.h"

#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>

#include "comments/comment_service.h"

namespace commentd::comments {

// Generated from web/messages/*.json by cmake/embed.cmake.
std::vector<std::pair<std::string_view, std::string_view>> MessageFiles();

namespace {

constexpr std::string_view kFallbackLanguage = "en";

base::Status Flatten(const nlohmann::json& object, const std::string& prefix, std::string_view file,
                     std::map<std::string, std::string, std::less<>>& out) {
  for (const auto& [key, value] : object.items()) {
    const std::string name = prefix.empty() ? key : prefix + "." + key;
    if (value.is_string()) {
      out[name] = value.get<std::string>();
    } else if (value.is_object() && prefix.empty()) {
      COMMENTD_RETURN_IF_ERROR(Flatten(value, name, file, out));
    } else {
      return base::InvalidArgumentError("{}: \"{}\" must be a string{}, got {}", file, name,
                                        prefix.empty() ? " or an object of strings" : "",
                                        value.type_name());
    }
  }
  return base::OkStatus();
}

void Replace(std::string& s, std::string_view placeholder, std::string_view with) {
  if (const size_t at = s.find(placeholder); at != std::string::npos) {
    s.replace(at, placeholder.size(), with);
  }
}

}  // namespace

base::Result<MessageCatalogue> MessageCatalogue::Create(
    const std::vector<std::pair<std::string_view, std::string_view>>& files) {
  std::map<std::string, Messages, std::less<>> by_lang;
  for (const auto& [file, text] : files) {
    if (file.size() <= 5 || file.substr(file.size() - 5) != ".json") {
      return base::InvalidArgumentError("{}: a message file is named <lang>.json", file);
    }
    const nlohmann::json object = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (object.is_discarded() || !object.is_object()) {
      return base::InvalidArgumentError("{}: not one JSON object", file);
    }
    Messages messages;
    COMMENTD_RETURN_IF_ERROR(Flatten(object, "", file, messages));
    by_lang[std::string(file.substr(0, file.size() - 5))] = std::move(messages);
  }
  if (!by_lang.contains(kFallbackLanguage)) {
    return base::InvalidArgumentError("no {}.json, the fallback language", kFallbackLanguage);
  }
  // Every key in every language: a key only some languages have would show
  // the others nothing.
  for (const auto& [lang, messages] : by_lang) {
    for (const auto& [other_lang, other] : by_lang) {
      for (const auto& [key, value] : other) {
        if (!messages.contains(key)) {
          return base::InvalidArgumentError("{}.json lacks \"{}\" (in {}.json)", lang, key,
                                            other_lang);
        }
      }
    }
  }
  return MessageCatalogue(std::move(by_lang));
}

const MessageCatalogue& MessageCatalogue::Builtin() {
  // Built once from constant data and never changed. The files are ours and
  // messages_test proves they parse, so an error here is a defect of the
  // build; value() aborts with its message.
  static const MessageCatalogue kBuiltin = Create(MessageFiles()).value();
  return kBuiltin;
}

std::vector<std::string> MessageCatalogue::Languages() const {
  std::vector<std::string> out;
  for (const auto& [lang, messages] : by_lang_) out.push_back(lang);
  return out;
}

std::vector<std::string> MessageCatalogue::Keys() const {
  std::vector<std::string> out;
  for (const auto& [key, value] : For(kFallbackLanguage)) out.push_back(key);
  return out;
}

const MessageCatalogue::Messages& MessageCatalogue::For(std::string_view lang) const {
  // "ko-KR" and "ko" both pick Korean.
  const std::string_view primary = lang.substr(0, lang.find_first_of("-_"));
  auto it = by_lang_.find(primary);
  if (it == by_lang_.end()) it = by_lang_.find(kFallbackLanguage);
  return it->second;
}

std::string_view MessageCatalogue::Get(std::string_view lang, std::string_view key) const {
  const Messages& messages = For(lang);
  const auto it = messages.find(key);
  return it == messages.end() ? std::string_view() : std::string_view(it->second);
}

std::string MessageCatalogue::Explain(const moderation::Verdict& verdict, std::string_view lang,
                                      bool edit_refused) const {
  if (verdict.decision == moderation::Decision::kPublish) return "";
  constexpr std::array<moderation::Rule, 4> kRules = {
      moderation::Rule::kLink, moderation::Rule::kAdvertisement,
      moderation::Rule::kInappropriateLanguage, moderation::Rule::kUnreadableText};
  // The rules that made the decision, each named once, in rule order.
  std::array<bool, kRules.size()> acted{};
  bool any = false;
  for (const moderation::Reason& r : verdict.reasons) {
    if (r.action == moderation::Decision::kPublish) continue;
    for (size_t i = 0; i < kRules.size(); ++i) {
      if (kRules[i] == r.rule) acted[i] = any = true;
    }
  }
  // A decision with no acting reason (e.g. a classifier score alone): name
  // every rule the publisher prints (all but unreadable_text).
  if (!any) acted = {true, true, true, false};
  std::string what;
  for (size_t i = 0; i < kRules.size(); ++i) {
    if (!acted[i]) continue;
    if (!what.empty()) what += Get(lang, "rule_separator");
    what += Get(lang, fmt::format("rules_in_sentence.{}", moderation::RuleName(kRules[i])));
  }
  std::string message(Get(lang, edit_refused ? "explain_edit_refused"
                                : verdict.decision == moderation::Decision::kDelete
                                    ? "explain_deleted"
                                    : "explain_held"));
  Replace(message, "{rules}", what);
  return message;
}

std::string ExplainVerdict(const moderation::Verdict& verdict, std::string_view lang,
                           bool edit_refused) {
  return MessageCatalogue::Builtin().Explain(verdict, lang, edit_refused);
}

}  // namespace commentd::comments
