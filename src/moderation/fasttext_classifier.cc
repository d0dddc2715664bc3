#include "moderation/fasttext_classifier.h"

#include <cmath>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fasttext/args.h>
#include <fasttext/densematrix.h>
#include <fasttext/dictionary.h>
#include <fasttext/fasttext.h>
#include <fasttext/vector.h>

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
  if (c == 0x00A0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200B) || c == 0x2028 ||
      c == 0x2029 || c == 0x202F || c == 0x205F) {
    return CharClass::kSpace;
  }
  if ((c >= 0x1100 && c <= 0x11FF) ||  // Hangul jamo
      (c >= 0x2E80 && c <= 0x2FDF) ||  // CJK radicals
      (c >= 0x3001 && c <= 0x303F) ||  // CJK punctuation
      (c >= 0x3040 && c <= 0x30FF) ||  // Hiragana, Katakana
      (c >= 0x3130 && c <= 0x318F) ||  // Hangul compatibility jamo (ㅋ, ㅠ)
      (c >= 0x3400 && c <= 0x4DBF) ||  // CJK extension A
      (c >= 0x4E00 && c <= 0x9FFF) ||  // CJK unified ideographs
      (c >= 0xAC00 && c <= 0xD7AF) ||  // Hangul syllables
      (c >= 0xF900 && c <= 0xFAFF) ||  // CJK compatibility ideographs
      (c >= 0xFF00 && c <= 0xFFEF) ||  // halfwidth/fullwidth forms left by NFKC
      (c >= 0x2000 && c <= 0x2BFF) ||  // general punctuation, symbols, arrows
      (c >= 0x1F000 && c <= 0x1FAFF) ||  // emoji
      (c >= 0x20000 && c <= 0x3134F)) {  // CJK extensions B..G
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
    // Decode one code point; skip a byte that does not start a valid one.
    const unsigned char lead = static_cast<unsigned char>(lexical[pos]);
    const size_t len = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3
                                                         : (lead >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || begin + len > lexical.size() ||
        !text::ValidateUtf8(lexical.substr(begin, len)).ok()) {
      close_word(begin);
      ++pos;
      continue;
    }
    const char32_t c = text::DecodeUtf8(lexical, &pos);
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

struct FastTextClassifier::Model {
  fasttext::FastText fasttext;
  int32_t yes = -1;  // label ids
  int32_t no = -1;
  std::vector<float> yes_minus_no;  // output row difference, for evidence
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
  try {
    model->fasttext.loadModel(path);
    auto dict = model->fasttext.getDictionary();
    for (int32_t i = 0; i < dict->nlabels(); ++i) {
      const std::string label = dict->getLabel(i);
      if (label == kYes) model->yes = i;
      if (label == kNo) model->no = i;
    }
    if (model->yes < 0 || model->no < 0 || dict->nlabels() != 2) {
      return base::InvalidArgumentError("{}: not a commentd model (needs exactly the labels {} {})",
                                        path, kYes, kNo);
    }
    auto output = model->fasttext.getOutputMatrix();
    const int64_t dim = output->size(1);
    model->yes_minus_no.resize(dim);
    for (int64_t j = 0; j < dim; ++j) {
      model->yes_minus_no[j] = output->at(model->yes, j) - output->at(model->no, j);
    }
  } catch (const std::exception& e) {
    return base::InvalidArgumentError("{}: cannot load fastText model: {}", path, e.what());
  }
  return std::unique_ptr<FastTextClassifier>(new FastTextClassifier(std::move(model)));
}

double FastTextClassifier::Probability(std::string_view lexical) const {
  std::istringstream in(FastTextLine(lexical) + "\n");
  std::vector<int32_t> words;
  std::vector<int32_t> labels;
  model_->fasttext.getDictionary()->getLine(in, words, labels);
  if (words.empty()) return 0;
  fasttext::Predictions predictions;
  model_->fasttext.predict(2, words, predictions, 0.0);
  for (const auto& [log_prob, label] : predictions) {
    if (label == model_->yes) return std::exp(log_prob);  // fastText predicts log-probabilities
  }
  return 0;
}

ClassifierScore FastTextClassifier::Score(const text::NormalizedText& lexical) const {
  ClassifierScore score;
  score.probability = Probability(lexical.text());
  if (score.probability < 0.5) return score;
  // Evidence: the token whose input rows (word + its character n-grams)
  // push the logit hardest towards yes. This is the linear part of the
  // model, one pass over the tokens; word bigrams are left out.
  const std::vector<FastTextToken> tokens = FastTextTokens(lexical.text());
  const int dim = model_->fasttext.getDimension();
  fasttext::Vector vec(dim);
  double best = 0;
  const FastTextToken* best_token = nullptr;
  auto dict = model_->fasttext.getDictionary();
  for (const FastTextToken& token : tokens) {
    const std::string word(token.text);
    const size_t rows = dict->getSubwords(word).size();
    if (rows == 0) continue;
    model_->fasttext.getWordVector(vec, word);  // mean of the rows
    double push = 0;
    for (int j = 0; j < dim; ++j) push += vec[j] * model_->yes_minus_no[j];
    push *= static_cast<double>(rows);
    if (push > best) {
      best = push;
      best_token = &token;
    }
  }
  if (best_token != nullptr) {
    score.evidence = lexical.ToOriginal(best_token->begin, best_token->end);
  }
  return score;
}

base::Status TrainFastTextModel(const std::vector<TrainingExample>& examples,
                                const FastTextTrainOptions& options,
                                const std::string& scratch_dir, const std::string& out_path) {
  size_t positives = 0;
  for (const TrainingExample& ex : examples) positives += ex.positive ? 1 : 0;
  if (positives == 0 || positives == examples.size()) {
    return base::InvalidArgumentError(
        "training needs both classes: {} examples, {} positive", examples.size(), positives);
  }
  std::error_code ec;
  std::filesystem::create_directories(scratch_dir, ec);
  const std::string input = (std::filesystem::path(scratch_dir) / "train.txt").string();
  {
    std::ofstream out(input, std::ios::binary | std::ios::trunc);
    if (!out) return base::InternalError("{}: cannot write training input", input);
    for (const TrainingExample& ex : examples) {
      const std::string line = FastTextLine(ex.lexical);
      if (line.empty()) continue;
      out << (ex.positive ? kYes : kNo) << ' ' << line << '\n';
    }
    if (!out) return base::InternalError("{}: write failed", input);
  }
  try {
    fasttext::Args args;
    args.input = input;
    args.output = out_path;
    args.model = fasttext::model_name::sup;
    args.loss = fasttext::loss_name::softmax;
    args.dim = options.dim;
    args.epoch = options.epoch;
    args.lr = options.lr;
    args.wordNgrams = options.word_ngrams;
    args.minn = options.minn;
    args.maxn = options.maxn;
    args.minCount = options.min_count;
    args.bucket = options.bucket;
    args.seed = options.seed;
    args.thread = 1;  // determinism: one thread, fixed seed
    args.verbose = 0;
    fasttext::FastText fasttext;
    fasttext.train(args);
    if (options.cutoff > 0) {
      fasttext::Args qargs = args;
      qargs.cutoff = options.cutoff;
      qargs.retrain = true;
      qargs.qnorm = true;
      qargs.qout = false;
      qargs.dsub = options.dsub;
      qargs.epoch = options.epoch;
      qargs.lr = options.lr;
      fasttext.quantize(qargs);
    }
    fasttext.saveModel(out_path);
  } catch (const std::exception& e) {
    return base::InternalError("training {} failed: {}", out_path, e.what());
  }
  return base::OkStatus();
}

}  // namespace commentd::moderation
