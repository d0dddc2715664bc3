// The message catalogue: what a writer reads, in the four languages of the
// publisher's readers (en, ko, zh, ja): the rule names, the explanation of a
// verdict (ExplainVerdict) and every string of the embed widget. The one copy
// is web/messages/<lang>.json; the server embeds those files at build time
// for its own messages and serves the same files to the widget.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "moderation/verdict.h"

namespace commentd::comments {

// Immutable after Create. Thread-safe.
class MessageCatalogue {
 public:
  // `files` are (file name "<lang>.json", contents) pairs, one JSON object
  // per language whose values are strings or objects of strings ("rules":
  // {"link": ...} is the key "rules.link"). kInvalidArgument naming the file
  // and the key for malformed JSON, a value of another type, or a language
  // missing a key that another language has (every key is in every
  // language). "en" must be among them: it is the fallback language.
  static base::Result<MessageCatalogue> Create(
      const std::vector<std::pair<std::string_view, std::string_view>>& files);

  // The catalogue built from web/messages/ (embedded at build time). Parsed
  // on first use; the build's unit test proves it parses.
  static const MessageCatalogue& Builtin();

  // The languages, sorted ("en", "ja", "ko", "zh").
  std::vector<std::string> Languages() const;
  // Every key, sorted; the same in every language.
  std::vector<std::string> Keys() const;

  // The message `key` in `lang` ("ko-KR" and "ko" both pick Korean; a
  // language not in the catalogue is English). Empty for an unknown key.
  std::string_view Get(std::string_view lang, std::string_view key) const;

  // The explanation for the writer of why a comment was held or deleted
  // (empty for publish): the explain_* message with {rules} replaced by the
  // names of the rules that made the decision. With `edit_refused`, that the
  // edit was not applied and the published version stays.
  std::string Explain(const moderation::Verdict& verdict, std::string_view lang,
                      bool edit_refused) const;

 private:
  using Messages = std::map<std::string, std::string, std::less<>>;
  explicit MessageCatalogue(std::map<std::string, Messages, std::less<>> by_lang)
      : by_lang_(std::move(by_lang)) {}
  const Messages& For(std::string_view lang) const;

  std::map<std::string, Messages, std::less<>> by_lang_;
};

}  // namespace commentd::comments
