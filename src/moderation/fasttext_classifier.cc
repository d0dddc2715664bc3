#include "moderation/fasttext_classifier.h"

#include <fasttext/args.h>
#include <fasttext/densematrix.h>
#include <fasttext/dictionary.h>
#include <fasttext/fasttext.h>
#include <fasttext/matrix.h>
#include <fasttext/vector.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>
#include <limits>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "text/script.h"
#include "text/utf8.h"

namespace commentd::moderation {
namespace {

constexpr std::string_view kYes = "__label__yes";
constexpr std::string_view kNo = "__label__no";

enum class CharClass { kSpace, kWord, kAlone };

// Scripts written without spaces between words (Han, Kana, Hangul) become
// one token per character: with word bigrams the model then sees character
// bigrams, which measured better on BEEP/K-MHaS/COLD than whole Korean
// eojeol with character n-grams (docs/evaluation.md). Punctuation and
// emoji stand alone so that "idiot!" and "idiot" share a feature.
CharClass Classify(char32_t c) {
  if (c < 0x80) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      return CharClass::kSpace;
    }
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
      return CharClass::kWord;
    }
    return CharClass::kAlone;
  }
  if (c == 0x00A0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 ||
      c == 0x202F || c == 0x205F) {
    return CharClass::kSpace;
  }
  if (text::IsCjkLetter(c) ||            // Hangul, Han, Kana (text/script.h)
      (c >= 0x2E80 && c <= 0x2FDF) ||    // CJK radicals
      (c >= 0x3001 && c <= 0x303F) ||    // CJK punctuation
      (c >= 0xFF00 && c <= 0xFFEF) ||    // halfwidth/fullwidth forms left by NFKC
      (c >= 0x2000 && c <= 0x2BFF) ||    // general punctuation, symbols, arrows
      (c >= 0x1F000 && c <= 0x1FAFF)) {  // emoji
    return CharClass::kAlone;
  }
  return CharClass::kWord;  // letters of alphabetic scripts, accents, etc.
}

}  // namespace

std::vector<FastTextToken> FastTextTokens(std::string_view lexical) {
  std::vector<FastTextToken> tokens;
  size_t word_begin = std::string_view::npos;
  size_t pos = 0;
  auto close_word = [&](size_t end) {
    if (word_begin != std::string_view::npos) {
      tokens.push_back({lexical.substr(word_begin, end - word_begin),
                        static_cast<uint32_t>(word_begin), static_cast<uint32_t>(end)});
      word_begin = std::string_view::npos;
    }
  };
  while (pos < lexical.size()) {
    const size_t begin = pos;
    // A byte that does not start a valid code point ends the word and is skipped.
    const text::CodePoint cp = text::DecodeAt(lexical, pos);
    pos += cp.len;
    if (!cp.valid) {
      close_word(begin);
      continue;
    }
    const char32_t c = cp.c;
    switch (Classify(c)) {
      case CharClass::kSpace:
        close_word(begin);
        break;
      case CharClass::kAlone:
        close_word(begin);
        tokens.push_back({lexical.substr(begin, pos - begin), static_cast<uint32_t>(begin),
                          static_cast<uint32_t>(pos)});
        break;
      case CharClass::kWord:
        if (word_begin == std::string_view::npos) word_begin = begin;
        break;
    }
  }
  close_word(lexical.size());
  return tokens;
}

std::string FastTextLine(std::string_view lexical) {
  std::string line;
  line.reserve(lexical.size() * 2);
  for (const FastTextToken& token : FastTextTokens(lexical)) {
    if (!line.empty()) line.push_back(' ');
    line.append(token.text);
  }
  return line;
}

namespace {

// fastText keeps the pieces a fast scorer needs (the input matrix, the
// pruned-bucket index) protected; these two subclasses only open them.
class OpenFastText : public fasttext::FastText {
 public:
  const fasttext::Matrix& input() const { return *input_; }
};

class OpenDictionary : public fasttext::Dictionary {
 public:
  OpenDictionary(std::shared_ptr<fasttext::Args> args, std::istream& in)
      : fasttext::Dictionary(std::move(args), in) {}
  int64_t prune_size() const { return pruneidx_size_; }
  const std::unordered_map<int32_t, int32_t>& prune_index() const { return pruneidx_; }
};

// Open-addressing map from a hashed bucket to its row in the pruned input
// matrix: fastText's std::unordered_map lookup was a fifth of scoring time.
class BucketIndex {
 public:
  explicit BucketIndex(const std::unordered_map<int32_t, int32_t>& index) {
    size_t capacity = 16;
    while (capacity < index.size() * 2) capacity <<= 1;
    mask_ = capacity - 1;
    keys_.assign(capacity, -1);
    values_.assign(capacity, 0);
    for (const auto& [key, value] : index) {
      size_t slot = Slot(key);
      while (keys_[slot] != -1) slot = (slot + 1) & mask_;
      keys_[slot] = key;
      values_[slot] = value;
    }
  }
  // The row offset of `key`, or -1 when the bucket was pruned.
  int32_t Find(int32_t key) const {
    for (size_t slot = Slot(key);; slot = (slot + 1) & mask_) {
      if (keys_[slot] == key) return values_[slot];
      if (keys_[slot] == -1) return -1;
    }
  }

 private:
  size_t Slot(int32_t key) const { return (static_cast<uint32_t>(key) * 0x9E3779B1u) & mask_; }
  size_t mask_ = 0;
  std::vector<int32_t> keys_;
  std::vector<int32_t> values_;
};

// fastText's string hash (FNV-1a over signed bytes), one byte at a time.
inline uint32_t HashByte(uint32_t h, char c) {
  return (h ^ static_cast<uint32_t>(static_cast<int8_t>(c))) * 16777619u;
}
constexpr uint32_t kHashSeed = 2166136261u;

// Bytes fastText's reader treats as word separators; a token made of one of
// them (only "\0" can be) is no word to it.
bool IsFastTextSeparator(std::string_view token) { return token.size() == 1 && token[0] == '\0'; }

}  // namespace

// A binary softmax model is linear up to its last step: with h the mean of
// the input rows of a comment, P(yes) = 1 / (1 + exp(-(out_yes - out_no) . h)).
// So each input row reduces, once at load, to one number, its push towards
// yes ((out_yes - out_no) . row), and a comment's score is the mean push of
// its rows. Each vocabulary word's rows (the word and its character n-grams)
// reduce further to their sum. Scores match fastText's own to float
// rounding (tested), from a table a few hundred kilobytes big instead of the
// quantized matrix's decoding, and in double precision: fastText's float
// log(p + 1e-5) cannot tell 0.99999 from 1, where the strictest language
// thresholds lie.
struct FastTextClassifier::Model {
  struct Word {
    uint32_t hash = 0;
    int32_t rows = -1;      // -1: empty slot; 0: a label, not a word
    double push = 0;        // sum of its rows' push
    std::string_view text;  // points into `dict`
  };

  std::string path;
  // fastText's own model, loaded again only by ProbabilityByFastText (tests):
  // the scorer needs none of it, and it costs megabytes.
  mutable std::once_flag reference_once;
  mutable std::unique_ptr<fasttext::FastText> reference;
  std::unique_ptr<BucketIndex> buckets;  // when the n-gram buckets were pruned
  int32_t yes = -1;                      // label ids
  int32_t no = -1;
  int32_t nwords = 0;
  int64_t prune_size = -1;  // fastText: -1 unpruned, 0 no n-grams, >0 pruned
  int minn = 0;
  int maxn = 0;
  int word_ngrams = 1;
  int32_t bucket = 0;
  std::string label_prefix;
  std::vector<double> row_push;  // per input row
  std::vector<Word> words;       // open addressing by fastText's word hash
  size_t words_mask = 0;
  std::vector<std::string> word_texts;  // storage behind Word::text

  // The sum of the pushes of a line's rows and how many rows there were.
  struct Sum {
    double push = 0;
    size_t rows = 0;
    void Add(const Sum& other) {
      push += other.push;
      rows += other.rows;
    }
  };

  const Word* FindWord(std::string_view text, uint32_t hash) const {
    for (size_t slot = hash & words_mask;; slot = (slot + 1) & words_mask) {
      const Word& w = words[slot];
      if (w.rows < 0) return nullptr;
      if (w.hash == hash && w.text == text) return &w;
    }
  }

  // fastText's pushHash: bucket `id` -> the push of its input row, if kept.
  void AddBucket(int32_t id, Sum* sum) const {
    if (prune_size == 0 || id < 0) return;
    if (prune_size > 0) {
      id = buckets->Find(id);
      if (id < 0) return;
    }
    sum->push += row_push[nwords + id];
    ++sum->rows;
  }

  // The character n-grams of an out-of-vocabulary `word` (fastText's
  // computeSubwords on "<word>"); `w` is scratch space.
  void AddCharNgrams(std::string_view word, std::string* w, Sum* sum) const {
    w->clear();
    w->push_back('<');
    w->append(word);
    w->push_back('>');
    const size_t size = w->size();
    const char* b = w->data();
    for (size_t i = 0; i < size; ++i) {
      if ((b[i] & 0xC0) == 0x80) continue;
      uint32_t h = kHashSeed;
      for (size_t j = i, n = 1; j < size && n <= static_cast<size_t>(maxn); ++n) {
        h = HashByte(h, b[j++]);
        while (j < size && (b[j] & 0xC0) == 0x80) h = HashByte(h, b[j++]);
        if (n >= static_cast<size_t>(minn) && !(n == 1 && (i == 0 || j == size))) {
          AddBucket(static_cast<int32_t>(h % static_cast<uint32_t>(bucket)), sum);
        }
      }
    }
  }

  // What fastText's getLine reads from the line of `tokens` (each token's
  // rows, then end of line, then the word n-grams). When `per_token` is
  // set, it receives each token's own sum.
  Sum Line(const std::vector<FastTextToken>& tokens, std::vector<Sum>* per_token) const {
    Sum total;
    std::vector<int32_t> hashes;
    hashes.reserve(tokens.size() + 1);
    std::string scratch;
    auto add = [&](std::string_view token) {
      Sum sum;
      uint32_t h = kHashSeed;
      for (char c : token) h = HashByte(h, c);
      if (const Word* w = FindWord(token, h)) {
        if (w->rows == 0) return sum;  // a label
        sum.push = w->push;
        sum.rows = static_cast<size_t>(w->rows);
      } else if (token.substr(0, label_prefix.size()) == label_prefix) {
        return sum;
      } else if (token != fasttext::Dictionary::EOS && maxn > 0) {
        AddCharNgrams(token, &scratch, &sum);
      }
      hashes.push_back(static_cast<int32_t>(h));
      total.Add(sum);
      return sum;
    };
    for (const FastTextToken& token : tokens) {
      const Sum sum = IsFastTextSeparator(token.text) ? Sum{} : add(token.text);
      if (per_token) per_token->push_back(sum);
    }
    add(fasttext::Dictionary::EOS);
    for (size_t i = 0; i < hashes.size(); ++i) {  // fastText's addWordNgrams
      uint64_t h = static_cast<uint64_t>(static_cast<int64_t>(hashes[i]));
      for (size_t j = i + 1; j < hashes.size() && j < i + static_cast<size_t>(word_ngrams); ++j) {
        h = h * 116049371 + static_cast<uint64_t>(static_cast<int64_t>(hashes[j]));
        AddBucket(static_cast<int32_t>(h % static_cast<uint64_t>(bucket)), &total);
      }
    }
    return total;
  }

  static double Probability(const Sum& sum) {
    if (sum.rows == 0) return 0;
    const double margin = sum.push / static_cast<double>(sum.rows);
    return 1.0 / (1.0 + std::exp(-margin));
  }

  // Reduces the loaded model to row pushes and the word table.
  void Build(const OpenFastText& fasttext, const OpenDictionary& dict) {
    const fasttext::Matrix& input = fasttext.input();
    auto output = fasttext.getOutputMatrix();
    const int dim = fasttext.getDimension();
    std::vector<double> direction(dim);
    for (int j = 0; j < dim; ++j) {
      direction[j] = static_cast<double>(output->at(yes, j)) - output->at(no, j);
    }
    const int64_t rows = input.size(0);
    row_push.resize(static_cast<size_t>(rows));
    fasttext::Vector row(dim);
    for (int64_t i = 0; i < rows; ++i) {
      row.zero();
      input.addRowToVector(row, static_cast<int32_t>(i));
      double push = 0;
      for (int j = 0; j < dim; ++j) push += direction[j] * row[j];
      row_push[static_cast<size_t>(i)] = push;
    }
    const int32_t size = nwords + dict.nlabels();
    size_t capacity = 16;
    while (capacity < static_cast<size_t>(size) * 2) capacity <<= 1;
    words.assign(capacity, Word{});
    words_mask = capacity - 1;
    word_texts.resize(static_cast<size_t>(size));
    for (int32_t id = 0; id < size; ++id) {
      word_texts[id] = dict.getWord(id);
      Word w;
      w.text = word_texts[id];
      w.hash = dict.hash(word_texts[id]);
      if (dict.getType(id) == fasttext::entry_type::label) {
        w.rows = 0;
      } else if (maxn <= 0) {
        w.rows = 1;
        w.push = row_push[id];
      } else {
        const std::vector<int32_t>& sub = dict.getSubwords(id);
        w.rows = static_cast<int32_t>(sub.size());
        for (int32_t r : sub) w.push += row_push[r];
      }
      size_t slot = w.hash & words_mask;
      while (words[slot].rows >= 0) slot = (slot + 1) & words_mask;
      words[slot] = w;
    }
  }
};

FastTextClassifier::FastTextClassifier(std::unique_ptr<Model> model) : model_(std::move(model)) {}
FastTextClassifier::~FastTextClassifier() = default;

base::Result<std::unique_ptr<FastTextClassifier>> FastTextClassifier::Create(
    const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return base::NotFoundError("{}: no such model file", path);
  }
  auto model = std::make_unique<Model>();
  model->path = path;
  try {
    OpenFastText fasttext;
    fasttext.loadModel(path);
    auto dict = fasttext.getDictionary();
    for (int32_t i = 0; i < dict->nlabels(); ++i) {
      const std::string label = dict->getLabel(i);
      if (label == kYes) model->yes = i;
      if (label == kNo) model->no = i;
    }
    if (model->yes < 0 || model->no < 0 || dict->nlabels() != 2) {
      return base::InvalidArgumentError("{}: not a commentd model (needs exactly the labels {} {})",
                                        path, kYes, kNo);
    }
    const fasttext::Args args = fasttext.getArgs();
    if (args.loss != fasttext::loss_name::softmax) {
      return base::InvalidArgumentError("{}: commentd models use the softmax loss", path);
    }
    // A copy of the dictionary whose pruned-bucket index can be read.
    std::stringstream saved;
    dict->save(saved);
    const OpenDictionary open_dict(std::make_shared<fasttext::Args>(args), saved);
    model->nwords = open_dict.nwords();
    model->prune_size = open_dict.prune_size();
    if (model->prune_size > 0) {
      model->buckets = std::make_unique<BucketIndex>(open_dict.prune_index());
    }
    model->minn = args.minn;
    model->maxn = args.maxn;
    model->word_ngrams = args.wordNgrams;
    model->bucket = args.bucket;
    model->label_prefix = args.label;
    model->Build(fasttext, open_dict);
  } catch (const std::exception& e) {
    return base::InvalidArgumentError("{}: cannot load fastText model: {}", path, e.what());
  }
  return std::unique_ptr<FastTextClassifier>(new FastTextClassifier(std::move(model)));
}

double FastTextClassifier::Probability(std::string_view lexical) const {
  return Model::Probability(model_->Line(FastTextTokens(lexical), nullptr));
}

double FastTextClassifier::ProbabilityByFastText(std::string_view lexical) const {
  std::call_once(model_->reference_once, [this] {
    auto reference = std::make_unique<fasttext::FastText>();
    try {
      reference->loadModel(model_->path);
      model_->reference = std::move(reference);
    } catch (const std::exception&) {
      // The file changed since Create; reported as NaN below.
    }
  });
  if (model_->reference == nullptr) return std::numeric_limits<double>::quiet_NaN();
  std::istringstream in(FastTextLine(lexical) + "\n");
  std::vector<int32_t> words;
  std::vector<int32_t> labels;
  model_->reference->getDictionary()->getLine(in, words, labels);
  if (words.empty()) return 0;
  fasttext::Predictions predictions;
  model_->reference->predict(2, words, predictions, 0.0);
  for (const auto& [log_prob, label] : predictions) {
    // fastText predicts log(p + 1e-5) in floats.
    if (label == model_->yes) {
      return std::clamp(std::exp(static_cast<double>(log_prob)) - 1e-5, 0.0, 1.0);
    }
  }
  return 0;
}

ClassifierScore FastTextClassifier::Score(std::string_view model_text,
                                          const text::NormalizedText& lexical) const {
  ClassifierScore score;
  // Token offsets in `model_text` are offsets in the lexical view: the two
  // have the same length and differ only where spans were masked.
  if (model_text.size() != lexical.size()) return score;
  const std::vector<FastTextToken> tokens = FastTextTokens(model_text);
  std::vector<Model::Sum> per_token;
  per_token.reserve(tokens.size());
  score.probability = Model::Probability(model_->Line(tokens, &per_token));
  if (score.probability < 0.5) return score;
  // Evidence: the token whose rows (word + its character n-grams) push
  // hardest towards yes; word bigrams are left out.
  double best = 0;
  const FastTextToken* best_token = nullptr;
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (per_token[k].push > best) {
      best = per_token[k].push;
      best_token = &tokens[k];
    }
  }
  if (best_token != nullptr) {
    score.evidence = lexical.ToOriginal(best_token->begin, best_token->end);
  }
  return score;
}

std::string_view FastTextLabel(bool positive) { return positive ? kYes : kNo; }

}  // namespace commentd::moderation
