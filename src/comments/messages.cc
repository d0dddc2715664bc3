// The writer-facing explanation of a verdict, in the four languages of the
// publisher's readers. Kept short: the reasons with their byte spans go
// along in the response for the widget to highlight.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "comments/comment_service.h"

namespace commentd::comments {
namespace {

struct Language {
  std::string_view code;
  std::array<std::string_view, 4> rule_names;  // indexed by moderation::Rule
  std::string_view separator;
  std::string_view deleted;  // "{}" is replaced by the list of rules
  std::string_view held;
  std::string_view edit_refused;  // an edit of a published comment was held or deleted
};

constexpr std::array<Language, 4> kLanguages = {{
    {"en",
     {"a link", "advertising", "inappropriate language", "unreadable text"},
     ", ",
     "Your comment was not published because it contains {}. Advertisements, links with an http "
     "address and inappropriate language will be deleted.",
     "Your comment is waiting for a moderator because it may contain {}. It will appear once a "
     "moderator approves it.",
     "Your edit was not applied because it may contain {}. The earlier version of your comment "
     "stays published."},
    {"ko",
     {"링크", "광고", "부적절한 표현", "읽을 수 없는 문자"},
     ", ",
     "댓글이 게시되지 않았습니다. 다음이 포함되어 있습니다: {}. 광고, http 주소가 있는 링크, "
     "부적절한 표현은 삭제됩니다.",
     "댓글이 검토를 기다리고 있습니다. 다음이 포함되어 있을 수 있습니다: {}. 운영자가 승인하면 "
     "게시됩니다.",
     "수정 내용이 반영되지 않았습니다. 다음이 포함되어 있을 수 있습니다: {}. 이전 댓글이 그대로 "
     "게시되어 있습니다."},
    {"zh",
     {"链接", "广告", "不当言论", "无法识别的文字"},
     "、",
     "您的评论未被发布，因为其中包含{}。广告、带有http地址的链接和不当言论将被删除。",
     "您的评论正在等待审核，因为其中可能包含{}。管理员批准后将会发布。",
     "您的修改未被采用，因为其中可能包含{}。您之前的评论仍然保持发布。"},
    {"ja",
     {"リンク", "広告", "不適切な表現", "読み取れない文字"},
     "、",
     "コメントは掲載されませんでした。{}が含まれています。広告、httpアドレスのリンク、"
     "不適切な表現は削除されます。",
     "コメントは確認待ちです。{}が含まれている可能性があります。管理者が承認すると掲載されます。",
     "編集は反映されませんでした。{}が含まれている可能性があります。編集前のコメントがそのまま"
     "掲載されています。"},
}};

const Language& FindLanguage(std::string_view lang) {
  // "ko-KR" and "ko" both pick Korean.
  const std::string_view primary = lang.substr(0, lang.find_first_of("-_"));
  for (const Language& l : kLanguages) {
    if (l.code == primary) return l;
  }
  return kLanguages[0];
}

}  // namespace

std::string ExplainVerdict(const moderation::Verdict& verdict, std::string_view lang,
                           bool edit_refused) {
  if (verdict.decision == moderation::Decision::kPublish) return "";
  const Language& language = FindLanguage(lang);
  // The rules that made the decision, each named once, in rule order.
  std::array<bool, 4> seen{};
  for (const moderation::Reason& r : verdict.reasons) {
    if (r.action == moderation::Decision::kPublish) continue;
    const auto index = static_cast<size_t>(r.rule);
    if (index < seen.size()) seen[index] = true;
  }
  std::string what;
  for (size_t i = 0; i < seen.size(); ++i) {
    if (!seen[i]) continue;
    if (!what.empty()) what += language.separator;
    what += language.rule_names[i];
  }
  if (what.empty()) {
    // A decision with no acting reason (e.g. a classifier score alone):
    // name every rule the publisher prints.
    for (size_t i = 0; i < 3; ++i) {
      if (!what.empty()) what += language.separator;
      what += language.rule_names[i];
    }
  }
  const std::string_view pattern = edit_refused ? language.edit_refused
                                   : verdict.decision == moderation::Decision::kDelete
                                       ? language.deleted
                                       : language.held;
  return fmt::format(fmt::runtime(pattern), what);
}

}  // namespace commentd::comments
