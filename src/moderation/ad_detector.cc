#include "moderation/ad_detector.h"

#include <hs/hs.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <utility>

#include "text/script.h"
#include "text/utf8.h"

namespace commentd::moderation {
namespace {

// ---------------------------------------------------------------------------
// Weights
//
// The policy deletes at 1.0 and holds at 0.6. The weights are set so that:
//  - a few self-promotion calls have no reading but an ad ("subscribe to
//    my channel", "sub4sub", "claim your prize"): 0.6, held on their own;
//  - one strong signal alone (a contact handle, a phone number, a casino
//    keyword, a money call) is 0.5: under the hold threshold, because each of
//    them also occurs in honest news comments ("North Korea earns foreign
//    currency from casinos", a hotline number, "DM me" in a joke);
//  - two strong signals of different kinds reach 1.0: the shape of an ad is
//    a lure plus a way to reach the seller;
//  - medium (0.35) and weak (0.2) keywords are words with an everyday news
//    meaning ("loan", "대출", "贷款", "betting") that only tip a comment over
//    when something else is there;
//  - the same finding repeated counts once, and each kind is capped. Calls
//    to action and contact handles address the reader, so two different
//    ones ("you have won ... claim your prize", "카톡 ... 텔레 ...") are an
//    ad on their own (cap 1.0). Keywords name a topic a news comment may
//    discuss (casinos in Macau, loans from China) and phone numbers may be
//    hotlines: alone they can at most have a comment held (0.8 and 0.5);
//  - repetition and shouting are style, not content: 0.2 each, capped at 0.2.
constexpr double kDecisive = 0.6;
constexpr double kStrong = 0.5;
constexpr double kMedium = 0.35;
constexpr double kWeak = 0.2;

enum class Kind : uint8_t {
  kContactHandle,
  kPhoneNumber,
  kMoneyCall,
  kSpamKeyword,
  kRepetition,
  kShouting,
};
constexpr size_t kKindCount = 6;

constexpr std::array<std::string_view, kKindCount> kKindNames = {
    "contact_handle", "phone_number", "money_call", "spam_keyword", "repetition", "shouting"};
constexpr std::array<double, kKindCount> kKindCaps = {1.0, 0.5, 1.0, 0.8, 0.2, 0.2};

// ---------------------------------------------------------------------------
// Patterns
//
// Two forms:
//  - kPhrases: '|'-separated literal phrases written as a writer would type
//    them. Each goes through Normalizer::LexicalString at Create, so it is
//    matched against the lexical view in the same shape the comment takes
//    there (katakana as hiragana, leetspeak folded, "c a s i n o" joined).
//    ASCII phrases are matched on word boundaries, CJK ones anywhere.
//  - kRegex: a Vectorscan expression over the folded view, for shapes that
//    carry digits or IDs (which the lexical view would leet-fold: "abc123"
//    becomes "abcize"). Written in folded form: lower case, ASCII digits and
//    colon, katakana as katakana.
enum class Form : uint8_t { kPhrases, kRegex };

struct PatternSpec {
  Kind kind;
  double weight;
  Form form;
  std::string_view text;
};

using K = Kind;
constexpr Form P = Form::kPhrases;
constexpr Form R = Form::kRegex;

constexpr PatternSpec kPatterns[] = {
    // --- contact_handle ----------------------------------------------------
    // Telegram handles and IDs.
    {K::kContactHandle, kStrong, R, R"(\b(telegram|tg)\s*(id)?\s*:?\s*@[a-z0-9_]{4,})"},
    {K::kContactHandle, kStrong, R, R"(\b(telegram|tg)\s*(id)?\s*:\s*@?[a-z][a-z0-9_]{3,})"},
    {K::kContactHandle, kStrong, R,
     R"((텔레그램|텔레|텔그|电报|電報|テレグラム)\s*(id|아이디)?\s*:?\s*@?[a-z][a-z0-9_]{3,})"},
    // Invitation links of the messengers.
    {K::kContactHandle, kStrong, R,
     R"(\b(t\.me|telegram\.me|wa\.me|line\.me|open\.kakao\.com|qm\.qq\.com|u\.wechat\.com)/[a-z0-9_+\-]+)"},
    // WhatsApp with a number, "WhatsApp me".
    {K::kContactHandle, kStrong, R,
     R"(\bwhats\s?app\s*(no\.?|number|num|me|us|only|id)?\s*:?\s*\+?\d)"},
    {K::kContactHandle, kStrong, R,
     R"(\b(whats\s?app|telegram|wechat|kakao(talk)?|viber)\s+(me|us)\b)"},
    {K::kContactHandle, kStrong, R,
     R"(\b(add|contact|message|msg|text|call|reach|dm|inbox|chat\s+with|find|follow)\s+(me|us)\s+(on|via|at|through|in)\s+(whats\s?app|telegram|tg|wechat|kik|snapchat|snap|skype|line|kakao(talk)?|viber|instagram|insta|ig|facebook|fb|twitter|tiktok)\b)"},
    {K::kContactHandle, kStrong, R,
     R"(\b(skype|kik|snapchat|snap|ig|insta|instagram)\s*(id)?\s*:\s*@?[a-z0-9_.]{3,})"},
    // WeChat / 微信 and its evasions (威信, 薇信, V信, vx, wx) with an ID.
    {K::kContactHandle, kStrong, R,
     R"((\bwechat|\bweixin|微信|威信|薇信|v信|\bvx|\bwx)\s*(id|号|號)?\s*:\s*[a-z0-9_\-]{5,})"},
    {K::kContactHandle, kStrong, R, R"((微信|威信|薇信|v信)\s*(号|號)?\s*[a-z][a-z0-9_\-]{4,})"},
    {K::kContactHandle, kStrong, R,
     R"((\bwechat|\bweixin|\bvx|\bwx)\s*(id)?\s*[a-z][a-z0-9_\-]{2,}\d[a-z0-9_\-]*)"},
    {K::kContactHandle, kStrong, R,
     R"(加\s*我?\s*(微信|威信|薇信|v信|vx\b|v\b|wx\b|qq\b|扣扣|电报|好友|:))"},
    // QQ number.
    {K::kContactHandle, kStrong, R, R"(\bqq\s*(号|號|群|id|no\.?)?\s*:?\s*[1-9]\d{4,10}\b)"},
    // KakaoTalk / 카톡 with an ID: after "id"/":"/"@", or one with a digit.
    {K::kContactHandle, kStrong, R,
     R"((카톡|카카오톡|카카오|오픈카톡|오픈톡|\bkakaotalk|\bkakao|\bkatalk|\bktalk)\s*(아이디|id)\s*:?\s*@?[a-z0-9_.]{3,})"},
    {K::kContactHandle, kStrong, R,
     R"((카톡|카카오톡|카카오|오픈카톡|오픈톡|\bkakaotalk|\bkakao|\bkatalk)\s*[:@]\s*[a-z0-9_.]{3,})"},
    {K::kContactHandle, kStrong, R,
     R"((카톡|카카오톡|오픈카톡|오픈톡|\bkakaotalk|\bkatalk)\s*[a-z][a-z0-9_.]*\d[a-z0-9_.]*)"},
    // LINE ID ("line" alone is an English word: require "id" or "@").
    {K::kContactHandle, kStrong, R,
     R"((\bline|ライン|라인)\s*(id|아이디)\s*:?\s*@?[a-z0-9_.\-]{3,})"},
    {K::kContactHandle, kStrong, R, R"((\bline|ライン)\s*@\s*[a-z0-9_.\-]{3,})"},
    // An e-mail address in a comment is almost always someone selling.
    {K::kContactHandle, kMedium, R,
     R"(\b[a-z0-9._%+\-]+@[a-z0-9\-]+(\.[a-z0-9\-]+)*\.[a-z]{2,}\b)"},
    {K::kContactHandle, kStrong, P,
     "오픈카톡|오픈톡|카톡문의|카톡 문의|카톡상담|카톡 상담|카톡추가|카톡 추가|카톡주세요|카톡 "
     "주세요|"
     "텔레문의|텔레 문의|텔레그램 문의|加微信|加我微信|加v信|加vx|加我vx|加qq|加扣扣|扫码加|"
     "line追加|ライン追加|ライン交換"},
    {K::kContactHandle, kMedium, P,
     "dm me|pm me|inbox me|hit me up|add me|dm for|私聊|私信我|联系我|加好友|友達追加|微信号|qq群|"
     "dm주세요|dm 주세요|쪽지주세요|쪽지 주세요|문의주세요|문의 주세요|친추|dmください|dmで"},

    // --- money_call --------------------------------------------------------
    {K::kMoneyCall, kStrong, P,
     "make money online|make money from home|make money fast|earn money online|earn money from "
     "home|"
     "earn extra cash|earn extra money|make extra money|easy money|click here|click the link|"
     "link in bio|link in my bio|buy now|order now|shop now|limited offer|limited time offer|"
     "free bitcoin|free btc|free crypto|double your bitcoin|double your money|guaranteed income|"
     "guaranteed profit|guaranteed returns|passive income|claim your reward|"
     "claim your free|you have won|you've won|you have been selected|congratulations you|cash "
     "prize|"
     "free entry|100% free|risk free|no credit check|check out my video|"
     "check out my new|check out my page|check out my website|check out my music|check out my song|"
     "visit my website|please subscribe|follow my page|promo code|"
     "discount code|coupon code|free gift|free iphone|binary options|forex signals|crypto signals|"
     "trading signals|get paid to"},
    {K::kMoneyCall, kDecisive, P,
     "check out my channel|check my channel|visit my channel|subscribe to my channel|"
     "sub to my channel|subscribe my channel|sub4sub|sub 4 sub|claim your prize"},
    {K::kMoneyCall, kMedium, P,
     "work from home|work at home|gift card|free trial|hiring now|financial freedom|"
     "investment platform|call now|apply now|act now|join now|sign up now|register now|"
     "check out my|my channel|my youtube channel|paid surveys|special offer|best price|lowest "
     "price|"
     "subscribe to me|sub my channel|watch my video|watch my videos|check my videos|"
     "check out this video|check out this playlist|like this comment|like my page|like this page|"
     "please donate|donate to me|follow me|reply stop|send stop|txt stop|text stop|unsubscribe|"
     "claim now|to claim"},
    {K::kMoneyCall, kStrong, P,
     "부업|재택알바|재택 알바|재택부업|고수익|당일지급|당일 지급|당일입금|수익보장|수익 보장|"
     "용돈벌이|리딩방|수익인증|가입코드|가입 코드|추천코드|추천인코드|알바모집|알바 모집"},
    {K::kMoneyCall, kMedium, P,
     "원금보장|원금 보장|투잡|부수입|무료상담|무료 상담|무료체험|선착순|상담문의|상담 문의"},
    {K::kMoneyCall, kStrong, P,
     "日赚|兼职|代开发票|刷单|稳赚|躺赚|网赚|轻松赚钱|在家赚钱|手机赚钱|招代理|免费领取|月入过万|"
     "高额返利"},
    {K::kMoneyCall, kMedium, P, "日结|返利|点击链接|扫码|有意者|详情咨询|咨询热线|限时优惠"},
    {K::kMoneyCall, kStrong, P,
     "副業|高収入|在宅ワーク|在宅で稼|不労所得|簡単に稼|誰でも稼|詳しくはプロフ|プロフ見て|"
     "プロフみて|"
     "今すぐ登録|ネットで稼|スマホで稼"},
    {K::kMoneyCall, kMedium, P, "稼げる|無料登録|即日払い|日払い|儲かる"},
    // "earn $500 a day": per day/hour/week only; a monthly wage is news.
    {K::kMoneyCall, kStrong, R,
     R"(\b(earn|earning|earns|make|making|makes)\s+(up\s+to\s+|over\s+|around\s+)?[$€£]\s?\d[\d,.]*\s*k?\+?\s*(usd|dollars)?\s*(a|an|per|every|each|/|in\s+a)\s*(day|hour|hr|week|wk)\b)"},
    {K::kMoneyCall, kStrong, R,
     R"(\b(earn|make)\s+\d[\d,.]*\s*k?\+?\s*(usd|dollars|bucks)\s*(a|an|per|every|/)\s*(day|hour|week)\b)"},
    // SMS premium shapes: "text WIN to 80086", "you won £1000".
    {K::kMoneyCall, kStrong, R, R"(\b(text|txt|send|reply)\s+[a-z0-9]+\s+to\s+\d{4,6}\b)"},
    {K::kMoneyCall, kStrong, R,
     R"(\b(won|win|claim)\s+(a\s+|an\s+|the\s+|your\s+)?(guaranteed\s+)?[$€£]\s?\d[\d,]*)"},
    {K::kMoneyCall, kMedium, R, R"([$€£]\s?\d[\d,]*\s*(cash|prize|award|reward|bonus)\b)"},
    // Premium-rate pricing: "150p per msg", "60p/min".
    {K::kMoneyCall, kStrong, R,
     R"(\b\d+\s?p\s?(/|per\s)\s?(min|msg|txt|text|wk|week|tone|call)\b)"},
    {K::kMoneyCall, kMedium, R, R"(\b\d{1,2}\s?%\s*(off|discount|cashback)\b)"},
    // 하루 10만원, 월 300만원 보장, 일당 15만.
    {K::kMoneyCall, kMedium, R, R"(하루\s*\d+\s*만\s*원)"},
    {K::kMoneyCall, kStrong, R, R"(월\s*\d{2,4}\s*만?\s*원?\s*(보장|가능|이상|수익))"},
    {K::kMoneyCall, kMedium, R, R"(일당\s*\d+)"},
    // 日入500, 月入过万 (not 每日入境: 境 is not a number).
    {K::kMoneyCall, kStrong, R, R"([日天]\s*[赚入]\s*[\d一二三四五六七八九十百千万])"},
    {K::kMoneyCall, kStrong, R, R"(月\s*[入赚]\s*[过上]?\s*[\d一二三四五六七八九十百千万])"},
    // 月収100万, 日給3万円.
    {K::kMoneyCall, kMedium, R, R"((月収|日収|日給|時給)\s*\d[\d,]*\s*(万|円))"},

    // --- spam_keyword ------------------------------------------------------
    {K::kSpamKeyword, kStrong, P,
     "casino|casinos|online casino|sportsbook|payday loan|payday loans|viagra|cialis|levitra|"
     "replica watches|replica watch|replica rolex|replica handbags|escort service|escort services|"
     "escort girls|call girls|hot singles|adult dating|sex cam|live sex|bet365|1xbet|baccarat|"
     "slot machines|online slots|casino bonus|free spins|online poker|online pharmacy|diet pills|"
     "male enhancement|penis enlargement"},
    {K::kSpamKeyword, kMedium, P, "poker|porn|onlyfans|hookup|nudes|ringtone|ringtones"},
    {K::kSpamKeyword, kWeak, P, "loan|loans|betting|gambling|lottery|roulette|jackpot|forex|slots"},
    {K::kSpamKeyword, kStrong, P,
     "카지노|바카라|토토사이트|토토 사이트|사설토토|스포츠토토|먹튀검증|먹튀 "
     "검증|먹튀사이트|출장안마|"
     "출장마사지|출장 마사지|파워볼|꽁머니|첫충|비아그라|시알리스|조건만남|슬롯사이트|홀덤사이트|"
     "릴게임|무직자대출|무직자 대출|당일대출|당일 대출|비상금대출|작업대출|대포통장"},
    {K::kSpamKeyword, kMedium, P, "레플리카|성인용품|홀덤|슬롯"},
    {K::kSpamKeyword, kWeak, P, "먹튀|도박|대출|사채"},
    {K::kSpamKeyword, kStrong, P,
     "博彩|六合彩|百家乐|娱乐城|裸聊|约炮|援交|伟哥|信用卡套现|小额贷款|无抵押贷款|快速贷款|"
     "网上赌场|线上赌场|时时彩|赌球"},
    {K::kSpamKeyword, kMedium, P, "赌场|发票|网贷|套现|棋牌|高仿|代孕"},
    {K::kSpamKeyword, kWeak, P, "彩票|赌博|贷款"},
    {K::kSpamKeyword, kStrong, P,
     "出会い系|カジノ|オンラインカジノ|闇金|バカラ|バイアグラ|スーパーコピー|ブランドコピー|セフレ|"
     "援助交際|即日融資|デリヘル"},
    {K::kSpamKeyword, kMedium, P, "競馬予想"},
    {K::kSpamKeyword, kWeak, P, "パチンコ|出会い|消費者金融|ギャンブル"},
};

// What a Vectorscan match id stands for (ids index State::patterns).
struct PatternInfo {
  Kind kind;
  double weight;
  uint32_t length;       // bytes of a phrase (a literal); 0 for a regex
  bool word_begin;       // a phrase starting with an ASCII word character
  bool word_end;         // ... ending with one: matched on word boundaries
  uint32_t regex_index;  // for a regex: its own start-of-match database
};

bool IsAsciiWordByte(unsigned char c) { return std::isalnum(c) || c == '_'; }

struct HsDatabaseDeleter {
  void operator()(hs_database_t* db) const { hs_free_database(db); }
};
using HsDatabase = std::unique_ptr<hs_database_t, HsDatabaseDeleter>;

base::Result<HsDatabase> Compile(const std::vector<std::string>& expressions,
                                 const std::vector<unsigned>& ids, unsigned extra_flags) {
  std::vector<const char*> c_expressions;
  std::vector<unsigned> flags;
  for (const std::string& e : expressions) {
    c_expressions.push_back(e.c_str());
    flags.push_back(HS_FLAG_UTF8 | HS_FLAG_CASELESS | extra_flags);
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(c_expressions.data(), flags.data(), ids.data(),
                       static_cast<unsigned>(c_expressions.size()), HS_MODE_BLOCK, nullptr, &db,
                       &error) != HS_SUCCESS) {
    std::string message = error != nullptr ? error->message : "unknown error";
    const int index = error != nullptr ? error->expression : -1;
    hs_free_compile_error(error);
    return base::InternalError("ad detector: Vectorscan rejected pattern {} ({}): {}", index,
                               index >= 0 ? expressions[static_cast<size_t>(index)] : "", message);
  }
  return HsDatabase(db);
}

// Phrases are literals: they compile in milliseconds where the same set as
// regexes takes seconds; word boundaries are checked after the match.
base::Result<HsDatabase> CompileLiterals(const std::vector<std::string>& literals,
                                         const std::vector<unsigned>& ids) {
  std::vector<const char*> expressions;
  std::vector<size_t> lengths;
  const std::vector<unsigned> flags(literals.size(), 0);
  for (const std::string& l : literals) {
    expressions.push_back(l.data());
    lengths.push_back(l.size());
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_lit_multi(expressions.data(), flags.data(), ids.data(), lengths.data(),
                           static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr, &db,
                           &error) != HS_SUCCESS) {
    std::string message = error != nullptr ? error->message : "unknown error";
    hs_free_compile_error(error);
    return base::InternalError("ad detector: Vectorscan rejected the phrases: {}", message);
  }
  return HsDatabase(db);
}

struct RawMatch {
  unsigned id;
  size_t from;
  size_t to;
};

struct ScanContext {
  const std::vector<PatternInfo>* patterns;
  std::string_view text;  // the view being scanned
  std::vector<RawMatch>* matches;
};

int OnMatch(unsigned id, unsigned long long from, unsigned long long to, unsigned /*flags*/,
            void* context) {
  auto* ctx = static_cast<ScanContext*>(context);
  const PatternInfo& info = (*ctx->patterns)[id];
  if (info.length != 0) {
    if (to < info.length) return 0;
    from = to - info.length;
    const auto at = [&](unsigned long long i) { return static_cast<unsigned char>(ctx->text[i]); };
    if (info.word_begin && from > 0 && IsAsciiWordByte(at(from - 1))) return 0;
    if (info.word_end && to < ctx->text.size() && IsAsciiWordByte(at(to))) return 0;
  }
  std::vector<RawMatch>& matches = *ctx->matches;
  // A regex with a repeat reports every end; keep one match per start,
  // extended to its furthest end.
  if (!matches.empty() && matches.back().id == id && matches.back().from == from) {
    matches.back().to = std::max<size_t>(matches.back().to, to);
  } else {
    matches.push_back(RawMatch{id, static_cast<size_t>(from), static_cast<size_t>(to)});
  }
  return 0;
}

// The prefilter only asks which regexes match at all (each reports once).
int OnPrefilterMatch(unsigned id, unsigned long long, unsigned long long, unsigned, void* context) {
  static_cast<std::vector<unsigned>*>(context)->push_back(id);
  return 0;
}

// A finding before overlaps, repeats and caps are applied.
struct Candidate {
  Kind kind;
  double weight;
  uint64_t key;  // the same key twice counts once
  text::Span span;
};

// ---------------------------------------------------------------------------
// Phone numbers
//
// A hand-written scanner: a regex cannot say "11 digits starting 13-19 but
// not 13,000,000,000 dollars". It reads a cluster of digit groups (joined by
// ' ', '-', '.', with an optional '+' and parenthesized area code), then
// takes from it the longest runs of groups, split at spaces, whose digits
// and grouping fit a numbering plan of one of the markets (Korea, China,
// Japan, North America, the UK for the SMS corpus). Everything else made of
// digits in news comments (dates, years, ranges, resolution and document
// numbers, money, decimals, lists of years) has too few or too many digits,
// is cut by '/' or ',', follows a currency sign, precedes a unit, or is
// rejected explicitly.

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

// ---------------------------------------------------------------------------
// Repetition
//
// Spam stretches attention marks ("$$$$", "!!!!!!!!", "👉👉👉👉") and
// repeats its slogan ("加微信加微信加微信加微信", "buy buy buy buy"). Writers
// repeat too, harmlessly: Korean laughter ㅋㅋㅋㅋ / ㅎㅎㅎ and crying ㅠㅠㅠ
// (jamo), Chinese 哈哈哈 and the cheer 666666 / 888 (digits), Japanese
// wwww, "hahaha", "lololol", "soooo". So single repeated letters, digits,
// jamo and two-letter Latin chunks are never counted.

bool IsSpaceCp(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
// A letter that makes a chunk a word: Latin, Hangul syllables, Kana, Han.
bool IsWordCp(char32_t c) {
  return text::IsLatin(c) || text::IsHangulSyllable(c) || text::IsKana(c) || text::IsHan(c);
}

// Minimum run length of a repeated mark, or 0 when the mark is not counted.
size_t MarkRunThreshold(char32_t c) {
  switch (c) {
    case '$':
    case U'€':
    case U'£':
    case U'¥':
    case U'₩':
    case U'💰':
    case U'💵':
    case U'💸':
    case U'🤑':
    case U'💲':
      return 4;
    case U'★':
    case U'☆':
    case U'✅':
    case U'✔':
    case U'👉':
    case U'➡':
    case U'☎':
    case U'📞':
    case U'✨':
      return 5;
    case '!':
    case '?':
      return 8;
    default:
      return 0;
  }
}

// Whether chunk c[0, len) may count as a repeated slogan (see above).
template <typename Ch>
bool CountableChunk(const Ch* c, size_t len) {
  // "haha" is "ha" twice: judged as the shorter chunk.
  if (len == 4 && c[0] == c[2] && c[1] == c[3]) return false;
  bool all_same = true, has_word = false, all_ascii = true;
  for (size_t k = 0; k < len; ++k) {
    // Jamo laughter, cheers in digits, and emoji codes like "[捂脸]".
    if (text::IsHangulJamo(c[k]) || IsSpaceCp(c[k]) || (c[k] >= '0' && c[k] <= '9') ||
        c[k] == '[' || c[k] == ']') {
      return false;
    }
    all_same &= c[k] == c[0];
    has_word |= IsWordCp(c[k]);
    all_ascii &= c[k] < 0x80;
  }
  return !all_same && has_word && !(all_ascii && len <= 2);
}

// Whether a whitespace-separated word may count when repeated.
template <typename Ch>
bool CountableWord(const Ch* c, size_t len) {
  bool has_word = false, all_ascii = true;
  for (size_t k = 0; k < len; ++k) {
    if (text::IsHangulJamo(c[k]) || (c[k] >= '0' && c[k] <= '9')) return false;
    has_word |= IsWordCp(c[k]);
    all_ascii &= c[k] < 0x80;
  }
  return has_word && (!all_ascii || len >= 3);
}

// Finds repeated marks, chunks and words in c[0, n) (code points, or bytes
// when the text is ASCII) and calls emit(from, to) with indexes into c.
template <typename Ch, typename Emit>
void FindRepetition(const Ch* c, size_t n, Emit&& emit) {
  if (n == 0) return;
  // One pass for runs of one mark and for chunks of 2-4 characters repeated
  // four times or more back to back. At distance d, such a repeat is a
  // stretch of positions k where c[k] == c[k - d]: 3 for a mark run of 4,
  // 3 * d for a chunk of d. The counters update without branches; only the
  // end of a long stretch (rare) takes one.
  size_t run[5] = {0, 0, 0, 0, 0};
  auto close_run = [&](size_t d, size_t k) {  // the stretch at distance d ended before k
    const size_t start = k - run[d] - d;
    if (d == 1) {
      const size_t threshold = MarkRunThreshold(c[start]);
      if (threshold != 0 && k - start >= threshold) emit(start, k);
    } else if (CountableChunk(c + start, d)) {
      emit(start, k);
    }
  };
  auto step = [&](size_t k, size_t d) {
    const size_t r = k >= d && c[k] == c[k - d] ? run[d] + 1 : 0;
    if (r == 0 && run[d] >= (d == 1 ? 3 : 3 * d)) close_run(d, k);
    run[d] = r;
  };
  for (size_t k = 1; k < n; ++k) {
    step(k, 1);
    step(k, 2);
    step(k, 3);
    step(k, 4);
  }
  for (size_t d = 1; d <= 4; ++d) {
    if (run[d] >= (d == 1 ? 3 : 3 * d)) close_run(d, n);
  }
  // The same word four times or more in a row: "buy buy buy buy".
  size_t prev_begin = 0, prev_len = 0, reps = 0, first = 0;
  auto close = [&] {
    if (reps >= 4 && CountableWord(c + prev_begin, prev_len)) emit(first, prev_begin + prev_len);
  };
  auto space = [&](size_t i) { return c[i] <= ' ' && IsSpaceCp(c[i]); };
  for (size_t i = 0; i < n;) {
    while (i < n && space(i)) ++i;
    if (i >= n) break;
    const size_t b = i;
    while (i < n && !space(i)) ++i;
    const size_t len = i - b;
    if (reps > 0 && len == prev_len && std::equal(c + b, c + i, c + prev_begin)) {
      ++reps;
    } else {
      close();
      reps = 1;
      first = b;
    }
    prev_begin = b;
    prev_len = len;
  }
  close();
}

void ScanRepetition(const text::NormalizedText& view, std::vector<Candidate>* out) {
  const std::string& s = view.text();
  uint64_t key = 0;
  auto add = [&](size_t from_byte, size_t to_byte) {
    out->push_back(Candidate{Kind::kRepetition, kWeak, ++key, view.ToOriginal(from_byte, to_byte)});
  };
  const auto* bytes = reinterpret_cast<const unsigned char*>(s.data());
  unsigned char high = 0;  // no early exit, so the loop vectorizes
  for (size_t i = 0; i < s.size(); ++i) high |= bytes[i];
  if (high < 0x80) {
    FindRepetition(bytes, s.size(), add);
    return;
  }
  // Code points and their byte offsets: on the stack for ordinary comments.
  constexpr size_t kStack = 1024;
  std::array<char32_t, kStack> stack_cps;
  std::array<uint32_t, kStack + 1> stack_off;
  std::vector<char32_t> heap_cps;
  std::vector<uint32_t> heap_off;
  char32_t* c = stack_cps.data();
  uint32_t* off = stack_off.data();
  if (s.size() > kStack) {
    heap_cps.resize(s.size());
    heap_off.resize(s.size() + 1);
    c = heap_cps.data();
    off = heap_off.data();
  }
  size_t n = 0;
  for (size_t pos = 0; pos < s.size();) {
    off[n] = static_cast<uint32_t>(pos);
    c[n++] = text::DecodeUtf8(s, &pos);
  }
  off[n] = static_cast<uint32_t>(s.size());
  FindRepetition(c, n, [&](size_t from, size_t to) { add(off[from], off[to]); });
}

// ---------------------------------------------------------------------------
// Shouting, on the original text (the views are case-folded): the whole
// comment, if it has at least 20 Latin letters and more than 70% of them
// are capitals; otherwise the longest run of all-capital words with 20
// capitals or more ("... BUY NOW LIMITED OFFER FOR EVERYONE").

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }

void ScanShouting(std::string_view original, std::vector<Candidate>* out) {
  // Both rules need 15 capitals (more than 70% of 20 letters); most comments
  // have fewer, and counting them is a vectorized loop.
  size_t capitals = 0;
  for (char ch : original) capitals += static_cast<unsigned char>(ch - 'A') < 26;
  if (capitals < 15) return;
  size_t letters = 0, upper = 0;
  size_t first = std::string_view::npos, last = 0;
  for (size_t i = 0; i < original.size(); ++i) {
    const char ch = original[i];
    if (IsUpper(ch) || IsLower(ch)) {
      ++letters;
      upper += IsUpper(ch);
      if (first == std::string_view::npos) first = i;
      last = i + 1;
    }
  }
  if (letters >= 20 && upper * 10 > letters * 7) {
    out->push_back(
        Candidate{Kind::kShouting, kWeak, 1,
                  text::Span{static_cast<uint32_t>(first), static_cast<uint32_t>(last)}});
    return;
  }
  // Runs of capital words; one-letter words ("A", "I") neither start nor
  // break a run, a word with a lower-case letter breaks it.
  size_t best_begin = 0, best_end = 0, best_count = 0;
  size_t run_begin = 0, run_end = 0, run_count = 0;
  size_t i = 0;
  while (i < original.size()) {
    if (!IsUpper(original[i]) && !IsLower(original[i])) {
      ++i;
      continue;
    }
    const size_t w = i;
    size_t caps = 0;
    bool lower = false;
    while (i < original.size() && (IsUpper(original[i]) || IsLower(original[i]))) {
      caps += IsUpper(original[i]);
      lower |= IsLower(original[i]);
      ++i;
    }
    if (lower) {
      run_count = 0;
    } else if (i - w >= 2) {
      if (run_count == 0) run_begin = w;
      run_end = i;
      run_count += caps;
      if (run_count > best_count) {
        best_count = run_count;
        best_begin = run_begin;
        best_end = run_end;
      }
    }
  }
  if (best_count >= 20) {
    out->push_back(
        Candidate{Kind::kShouting, kWeak, 1,
                  text::Span{static_cast<uint32_t>(best_begin), static_cast<uint32_t>(best_end)}});
  }
}

}  // namespace

// ---------------------------------------------------------------------------
// State

struct AdDetector::State {
  std::vector<PatternInfo> patterns;  // by Vectorscan id
  HsDatabase lexical_db;              // phrases (literals), over the lexical view
  // Regexes over the folded view. Start offsets make a database compile
  // slowly and scan slowly when many patterns share it, so one database
  // without them says which regexes match, and only those run again, each
  // from its own database with start offsets. Most comments match none.
  HsDatabase folded_prefilter_db;
  std::vector<HsDatabase> regex_dbs;  // by PatternInfo::regex_index
  hs_scratch_t* prototype = nullptr;

  // Vectorscan scratch is per concurrent scan: a pool, grown on demand.
  mutable std::mutex mu;
  mutable std::vector<hs_scratch_t*> pool;

  ~State() {
    for (hs_scratch_t* s : pool) hs_free_scratch(s);
    hs_free_scratch(prototype);
  }

  hs_scratch_t* Acquire() const {
    std::lock_guard<std::mutex> lock(mu);
    if (!pool.empty()) {
      hs_scratch_t* s = pool.back();
      pool.pop_back();
      return s;
    }
    hs_scratch_t* s = nullptr;
    if (hs_clone_scratch(prototype, &s) != HS_SUCCESS) return nullptr;
    return s;
  }
  void Release(hs_scratch_t* s) const {
    if (s == nullptr) return;
    std::lock_guard<std::mutex> lock(mu);
    pool.push_back(s);
  }
};

base::Result<AdDetector> AdDetector::Create(const text::Normalizer& normalizer) {
  auto state = std::make_unique<State>();
  std::vector<std::string> literals, regexes;
  std::vector<unsigned> literal_ids, regex_ids;
  for (const PatternSpec& spec : kPatterns) {
    if (spec.form == Form::kRegex) {
      regex_ids.push_back(static_cast<unsigned>(state->patterns.size()));
      regexes.emplace_back(spec.text);
      state->patterns.push_back(PatternInfo{spec.kind, spec.weight, 0, false, false,
                                            static_cast<uint32_t>(regexes.size() - 1)});
      continue;
    }
    std::string_view rest = spec.text;
    while (!rest.empty()) {
      const size_t bar = rest.find('|');
      const std::string_view phrase = rest.substr(0, bar);
      rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 1);
      auto lexical = normalizer.LexicalString(phrase);
      if (!lexical.ok()) {
        return base::InternalError("ad detector: phrase \"{}\": {}", phrase,
                                   lexical.status().ToString());
      }
      if (lexical->empty()) continue;
      literal_ids.push_back(static_cast<unsigned>(state->patterns.size()));
      state->patterns.push_back(
          PatternInfo{spec.kind, spec.weight, static_cast<uint32_t>(lexical->size()),
                      IsAsciiWordByte(static_cast<unsigned char>(lexical->front())),
                      IsAsciiWordByte(static_cast<unsigned char>(lexical->back())), 0});
      literals.push_back(std::move(lexical).value());
    }
  }
  COMMENTD_ASSIGN_OR_RETURN(state->lexical_db, CompileLiterals(literals, literal_ids));
  COMMENTD_ASSIGN_OR_RETURN(state->folded_prefilter_db,
                            Compile(regexes, regex_ids, HS_FLAG_SINGLEMATCH));
  if (hs_alloc_scratch(state->lexical_db.get(), &state->prototype) != HS_SUCCESS ||
      hs_alloc_scratch(state->folded_prefilter_db.get(), &state->prototype) != HS_SUCCESS) {
    return base::InternalError("ad detector: cannot allocate Vectorscan scratch");
  }
  for (size_t r = 0; r < regexes.size(); ++r) {
    COMMENTD_ASSIGN_OR_RETURN(HsDatabase db,
                              Compile({regexes[r]}, {regex_ids[r]}, HS_FLAG_SOM_LEFTMOST));
    if (hs_alloc_scratch(db.get(), &state->prototype) != HS_SUCCESS) {
      return base::InternalError("ad detector: cannot allocate Vectorscan scratch");
    }
    state->regex_dbs.push_back(std::move(db));
  }
  return AdDetector(std::move(state));
}

AdDetector::AdDetector(std::unique_ptr<State> state) : state_(std::move(state)) {}
AdDetector::AdDetector(AdDetector&&) noexcept = default;
AdDetector& AdDetector::operator=(AdDetector&&) noexcept = default;
AdDetector::~AdDetector() = default;

AdAssessment AdDetector::Assess(std::string_view original, const text::NormalizedText& folded,
                                const text::NormalizedText& lexical) const {
  std::vector<Candidate> candidates;
  std::vector<RawMatch> matches;

  hs_scratch_t* scratch = state_->Acquire();
  auto scan = [&](const hs_database_t* db, const text::NormalizedText& view) {
    if (scratch == nullptr || view.empty()) return;
    matches.clear();
    ScanContext context{&state_->patterns, view.text(), &matches};
    // A failed scan (only possible on scratch misuse) loses that view's
    // matches; the other signals still stand.
    if (hs_scan(db, view.text().data(), static_cast<unsigned>(view.size()), 0, scratch, OnMatch,
                &context) != HS_SUCCESS) {
      return;
    }
    for (const RawMatch& m : matches) {
      if (m.to <= m.from) continue;
      const PatternInfo& info = state_->patterns[m.id];
      candidates.push_back(Candidate{info.kind, info.weight, m.id, view.ToOriginal(m.from, m.to)});
    }
  };
  scan(state_->lexical_db.get(), lexical);
  std::vector<unsigned> matched_regexes;
  if (scratch != nullptr && !folded.empty() &&
      hs_scan(state_->folded_prefilter_db.get(), folded.text().data(),
              static_cast<unsigned>(folded.size()), 0, scratch, OnPrefilterMatch,
              &matched_regexes) == HS_SUCCESS) {
    for (unsigned id : matched_regexes) {
      scan(state_->regex_dbs[state_->patterns[id].regex_index].get(), folded);
    }
  }
  state_->Release(scratch);

  ScanPhones(folded.text(), &candidates, folded);
  ScanRepetition(folded, &candidates);
  ScanShouting(original, &candidates);

  // Within a kind: the strongest (then longest) of overlapping findings
  // wins, a key seen before counts 0, and the kind's total is capped.
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.weight != b.weight) return a.weight > b.weight;
    if (a.span.size() != b.span.size()) return a.span.size() > b.span.size();
    return a.span.begin < b.span.begin;
  });
  AdAssessment result;
  std::vector<const Candidate*> accepted;
  std::vector<uint64_t> seen_keys;
  size_t k = 0;
  while (k < candidates.size()) {
    const Kind kind = candidates[k].kind;
    accepted.clear();
    seen_keys.clear();
    double total = 0;
    for (; k < candidates.size() && candidates[k].kind == kind; ++k) {
      const Candidate& c = candidates[k];
      const bool overlaps = std::any_of(accepted.begin(), accepted.end(), [&](const Candidate* a) {
        return a->span.Overlaps(c.span);
      });
      if (overlaps) continue;
      accepted.push_back(&c);
      double weight = 0;
      if (std::find(seen_keys.begin(), seen_keys.end(), c.key) == seen_keys.end()) {
        seen_keys.push_back(c.key);
        weight = std::min(c.weight, kKindCaps[static_cast<size_t>(kind)] - total);
        weight = std::max(0.0, std::round(weight * 1e6) / 1e6);
        total += weight;
      }
      AdSignal signal;
      signal.span = c.span;
      signal.kind = std::string(kKindNames[static_cast<size_t>(kind)]);
      signal.match = std::string(original.substr(c.span.begin, c.span.size()));
      signal.weight = weight;
      result.signals.push_back(std::move(signal));
      result.score += weight;
    }
  }
  result.score = std::round(result.score * 1e6) / 1e6;
  std::sort(result.signals.begin(), result.signals.end(), [](const AdSignal& a, const AdSignal& b) {
    if (a.span.begin != b.span.begin) return a.span.begin < b.span.begin;
    return a.kind < b.kind;
  });
  return result;
}

}  // namespace commentd::moderation
