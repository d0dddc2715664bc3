#include "training/datasets.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

namespace commentd::training {
namespace {

using base::Result;
using base::Status;

// One parsed row of a delimited file and the line it started on.
struct Row {
  size_t line = 0;
  std::vector<std::string> fields;
};

struct Table {
  std::string path;
  std::vector<std::string> header;
  std::vector<Row> rows;

  // Index of column `name`, or kInvalidArgument naming the file.
  Result<size_t> Column(std::string_view name) const {
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) {
      return base::InvalidArgumentError("{}:1: no column \"{}\" in the header", path, name);
    }
    return static_cast<size_t>(it - header.begin());
  }
};

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::NotFoundError("{}: cannot open (is --data the shared/data folder?)", path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Splits `contents` into rows of `delimiter`-separated fields. With `quoted`,
// a field that starts with '"' runs to the matching quote ("" is a literal
// quote) and may span lines, as Python's csv module writes them; without it
// quotes are ordinary characters. "\r\n" and a lone "\r" end lines too.
// Every row must have the header's field count.
Result<Table> ParseDelimited(const std::string& path, std::string_view contents, char delimiter,
                             bool quoted) {
  Table table;
  table.path = path;
  if (contents.starts_with("\xEF\xBB\xBF")) contents.remove_prefix(3);  // BOM
  std::vector<Row> rows;
  size_t i = 0;
  size_t line = 1;
  while (i < contents.size()) {
    Row row;
    row.line = line;
    std::string field;
    bool row_done = false;
    while (!row_done) {
      field.clear();
      if (quoted && i < contents.size() && contents[i] == '"') {
        const size_t open_line = line;
        ++i;
        bool closed = false;
        while (i < contents.size()) {
          const char c = contents[i];
          if (c == '"') {
            if (i + 1 < contents.size() && contents[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          field.push_back(c);
          ++i;
        }
        if (!closed) {
          return base::InvalidArgumentError("{}:{}: quoted field never closed", path, open_line);
        }
        if (i < contents.size() && contents[i] != delimiter && contents[i] != '\n' &&
            contents[i] != '\r') {
          return base::InvalidArgumentError("{}:{}: text after the closing quote of a field", path,
                                            line);
        }
      } else {
        while (i < contents.size() && contents[i] != delimiter && contents[i] != '\n' &&
               contents[i] != '\r') {
          field.push_back(contents[i++]);
        }
      }
      row.fields.push_back(field);
      if (i >= contents.size()) {
        row_done = true;
      } else if (contents[i] == delimiter) {
        ++i;
      } else {  // end of line: \n, \r\n or \r
        if (contents[i] == '\r' && i + 1 < contents.size() && contents[i + 1] == '\n') ++i;
        ++i;
        ++line;
        row_done = true;
      }
    }
    if (row.fields.size() == 1 && row.fields[0].empty()) continue;  // blank line
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return base::InvalidArgumentError("{}:1: empty file, expected a header", path);
  table.header = std::move(rows.front().fields);
  for (size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].fields.size() != table.header.size()) {
      return base::InvalidArgumentError("{}:{}: expected {} fields, found {}", path, rows[r].line,
                                        table.header.size(), rows[r].fields.size());
    }
    table.rows.push_back(std::move(rows[r]));
  }
  return table;
}

Result<Table> ReadDelimited(const std::string& path, char delimiter, bool quoted) {
  COMMENTD_ASSIGN_OR_RETURN(std::string contents, ReadFile(path));
  return ParseDelimited(path, contents, delimiter, quoted);
}

std::string Join(const std::string& dir, std::string_view relative) {
  return (std::filesystem::path(dir) / relative).string();
}

Status LabelError(const Table& table, const Row& row, std::string_view value,
                  std::string_view expected) {
  return base::InvalidArgumentError("{}:{}: label \"{}\" is not one of {}", table.path, row.line,
                                    value, expected);
}

// A corpus that ships a train and a test split gets its dev from the hash
// (90/10 of train); one without a test split gets 80/10/10.
Split CarveFromTrain(std::string_view text, bool has_test) {
  const Split s = HashSplit(text);
  if (has_test) return s == Split::kTest ? Split::kDev : Split::kTrain;  // 90/10
  return s;
}

Result<Dataset> ReadBeep(const std::string& dir) {
  Dataset ds{"beep", "ko", Task::kInappropriateLanguage, "hate or offensive", {}};
  // The authors publish train and dev (test labels are withheld): their dev
  // is our test, and our dev is carved from their train.
  for (const auto& [file, split] :
       {std::pair{"train.tsv", Split::kTrain}, std::pair{"dev.tsv", Split::kTest}}) {
    COMMENTD_ASSIGN_OR_RETURN(
        Table t, ReadDelimited(Join(dir, std::string("beep-korean-hate-speech/labeled/") + file),
                               '\t', /*quoted=*/true));
    COMMENTD_ASSIGN_OR_RETURN(size_t text_col, t.Column("comments"));
    COMMENTD_ASSIGN_OR_RETURN(size_t label_col, t.Column("hate"));
    for (const Row& row : t.rows) {
      const std::string& label = row.fields[label_col];
      if (label != "hate" && label != "offensive" && label != "none") {
        return LabelError(t, row, label, "hate, offensive, none");
      }
      Example ex{row.fields[text_col], label != "none", split};
      if (split == Split::kTrain) ex.split = CarveFromTrain(ex.text, /*has_test=*/true);
      ds.examples.push_back(std::move(ex));
    }
  }
  return ds;
}

Result<Dataset> ReadKmhas(const std::string& dir) {
  Dataset ds{"kmhas", "ko", Task::kInappropriateLanguage, "any hate class (label != 8)", {}};
  // Only the authors' valid and test files are available: valid is our
  // train (with dev carved from it), test stays test.
  for (const auto& [file, split] :
       {std::pair{"kmhas_valid.txt", Split::kTrain}, std::pair{"kmhas_test.txt", Split::kTest}}) {
    COMMENTD_ASSIGN_OR_RETURN(
        Table t, ReadDelimited(Join(dir, std::string("kmhas-korean-news-hate/") + file), '\t',
                               /*quoted=*/true));
    COMMENTD_ASSIGN_OR_RETURN(size_t text_col, t.Column("document"));
    COMMENTD_ASSIGN_OR_RETURN(size_t label_col, t.Column("label"));
    for (const Row& row : t.rows) {
      bool hate = false;
      bool any = false;
      std::string_view labels = row.fields[label_col];
      while (!labels.empty()) {
        const size_t comma = labels.find(',');
        std::string_view id = labels.substr(0, comma);
        while (!id.empty() && id.front() == ' ') id.remove_prefix(1);
        while (!id.empty() && id.back() == ' ') id.remove_suffix(1);
        if (id.size() != 1 || id[0] < '0' || id[0] > '8') {
          return LabelError(t, row, row.fields[label_col], "comma-separated ids 0..8");
        }
        any = true;
        if (id[0] != '8') hate = true;
        labels = comma == std::string_view::npos ? std::string_view() : labels.substr(comma + 1);
      }
      if (!any) return LabelError(t, row, row.fields[label_col], "comma-separated ids 0..8");
      Example ex{row.fields[text_col], hate, split};
      if (split == Split::kTrain) ex.split = CarveFromTrain(ex.text, /*has_test=*/true);
      ds.examples.push_back(std::move(ex));
    }
  }
  return ds;
}

Result<Dataset> ReadCold(const std::string& dir) {
  Dataset ds{"cold", "zh", Task::kInappropriateLanguage, "offensive (label 1)", {}};
  for (const auto& [file, split] :
       {std::pair{"train.csv", Split::kTrain}, std::pair{"dev.csv", Split::kDev},
        std::pair{"test.csv", Split::kTest}}) {
    COMMENTD_ASSIGN_OR_RETURN(
        Table t,
        ReadDelimited(Join(dir, std::string("cold-chinese-offensive/") + file), ',', true));
    COMMENTD_ASSIGN_OR_RETURN(size_t text_col, t.Column("TEXT"));
    COMMENTD_ASSIGN_OR_RETURN(size_t label_col, t.Column("label"));
    for (const Row& row : t.rows) {
      const std::string& label = row.fields[label_col];
      if (label != "0" && label != "1") return LabelError(t, row, label, "0, 1");
      ds.examples.push_back({row.fields[text_col], label == "1", split});
    }
  }
  return ds;
}

Result<Dataset> ReadDavidson(const std::string& dir) {
  Dataset ds{"davidson", "en", Task::kInappropriateLanguage, "hate or offensive (class 0, 1)", {}};
  COMMENTD_ASSIGN_OR_RETURN(
      Table t, ReadDelimited(Join(dir, "davidson-hate-offensive/labeled_data.csv"), ',', true));
  COMMENTD_ASSIGN_OR_RETURN(size_t text_col, t.Column("tweet"));
  COMMENTD_ASSIGN_OR_RETURN(size_t label_col, t.Column("class"));
  for (const Row& row : t.rows) {
    const std::string& label = row.fields[label_col];
    if (label != "0" && label != "1" && label != "2") return LabelError(t, row, label, "0, 1, 2");
    ds.examples.push_back({row.fields[text_col], label != "2", HashSplit(row.fields[text_col])});
  }
  return ds;
}

Result<Dataset> ReadOlid(const std::string& dir) {
  Dataset ds{"olid", "en", Task::kInappropriateLanguage, "OFF (level A)", {}};
  {
    COMMENTD_ASSIGN_OR_RETURN(
        Table t,
        ReadDelimited(Join(dir, "olid-offenseval2019/olid-training-v1.0.tsv"), '\t', false));
    COMMENTD_ASSIGN_OR_RETURN(size_t text_col, t.Column("tweet"));
    COMMENTD_ASSIGN_OR_RETURN(size_t label_col, t.Column("subtask_a"));
    for (const Row& row : t.rows) {
      const std::string& label = row.fields[label_col];
      if (label != "OFF" && label != "NOT") return LabelError(t, row, label, "OFF, NOT");
      const std::string& text = row.fields[text_col];
      ds.examples.push_back({text, label == "OFF", CarveFromTrain(text, /*has_test=*/true)});
    }
  }
  // The official test set: tweets and labels in two files joined on id.
  COMMENTD_ASSIGN_OR_RETURN(std::string labels_text,
                            ReadFile(Join(dir, "olid-offenseval2019/labels-levela.csv")));
  const std::string labels_path = Join(dir, "olid-offenseval2019/labels-levela.csv");
  std::map<std::string, bool> offensive;
  {
    std::string contents = labels_text;
    std::replace(contents.begin(), contents.end(), '\r', '\n');
    std::istringstream in(contents);
    std::string line;
    size_t line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.empty() || line == "id,subtask_a") continue;
      const size_t comma = line.find(',');
      const std::string label = comma == std::string::npos ? "" : line.substr(comma + 1);
      if (label != "OFF" && label != "NOT") {
        return base::InvalidArgumentError("{}: line \"{}\": expected id,OFF|NOT", labels_path,
                                          line);
      }
      offensive[line.substr(0, comma)] = label == "OFF";
    }
  }
  COMMENTD_ASSIGN_OR_RETURN(
      Table t, ReadDelimited(Join(dir, "olid-offenseval2019/testset-levela.tsv"), '\t', false));
  COMMENTD_ASSIGN_OR_RETURN(size_t id_col, t.Column("id"));
  COMMENTD_ASSIGN_OR_RETURN(size_t text_col, t.Column("tweet"));
  for (const Row& row : t.rows) {
    auto it = offensive.find(row.fields[id_col]);
    if (it == offensive.end()) {
      return base::InvalidArgumentError("{}:{}: id {} has no label in {}", t.path, row.line,
                                        row.fields[id_col], labels_path);
    }
    ds.examples.push_back({row.fields[text_col], it->second, Split::kTest});
  }
  return ds;
}

Result<Dataset> ReadFoxNews(const std::string& dir) {
  Dataset ds{"foxnews", "en", Task::kInappropriateLanguage, "hateful (label 1)", {}};
  const std::string path = Join(dir, "fox-news-hate-comments/fox-news-comments.json");
  COMMENTD_ASSIGN_OR_RETURN(std::string contents, ReadFile(path));
  struct Item {
    std::string title;
    Example ex;
  };
  std::vector<Item> items;
  std::istringstream in(contents);
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      return base::InvalidArgumentError("{}:{}: not a JSON object", path, line_no);
    }
    auto text = j.find("text");
    auto title = j.find("title");
    auto label = j.find("label");
    if (text == j.end() || !text->is_string() || title == j.end() || !title->is_string() ||
        label == j.end() || !label->is_number_integer()) {
      return base::InvalidArgumentError(
          "{}:{}: expected string \"text\", string \"title\" and integer \"label\"", path, line_no);
    }
    const int64_t value = label->get<int64_t>();
    if (value != 0 && value != 1) {
      return base::InvalidArgumentError("{}:{}: label {} is not one of 0, 1", path, line_no, value);
    }
    items.push_back({title->get<std::string>(), {text->get<std::string>(), value == 1}});
  }
  // Split by thread (article title) so that a test thread's context never
  // leaks into training: threads ordered by their seeded hash, the first is
  // test, the second dev, the rest train.
  std::vector<std::string> titles;
  for (const Item& item : items) titles.push_back(item.title);
  std::sort(titles.begin(), titles.end());
  titles.erase(std::unique(titles.begin(), titles.end()), titles.end());
  auto hash = [](const std::string& s) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
    return h;
  };
  std::stable_sort(titles.begin(), titles.end(),
                   [&](const std::string& a, const std::string& b) { return hash(a) < hash(b); });
  std::map<std::string, Split> split_of;
  for (size_t i = 0; i < titles.size(); ++i) {
    split_of[titles[i]] = i == 0 ? Split::kTest : i == 1 ? Split::kDev : Split::kTrain;
  }
  for (Item& item : items) {
    item.ex.split = split_of[item.title];
    ds.examples.push_back(std::move(item.ex));
  }
  return ds;
}

Result<Dataset> ReadYoutube(const std::string& dir) {
  Dataset ds{"youtube", "en", Task::kAdvertisement, "spam (label 1)", {}};
  for (const char* file : {"Youtube01-Psy.csv", "Youtube02-KatyPerry.csv", "Youtube03-LMFAO.csv"}) {
    COMMENTD_ASSIGN_OR_RETURN(
        Table t,
        ReadDelimited(Join(dir, std::string("youtube-spam-collection/") + file), ',', true));
    COMMENTD_ASSIGN_OR_RETURN(size_t text_col, t.Column("CONTENT"));
    COMMENTD_ASSIGN_OR_RETURN(size_t label_col, t.Column("label"));
    for (const Row& row : t.rows) {
      const std::string& label = row.fields[label_col];
      if (label != "0" && label != "1") return LabelError(t, row, label, "0, 1");
      ds.examples.push_back({row.fields[text_col], label == "1", HashSplit(row.fields[text_col])});
    }
  }
  return ds;
}

Result<Dataset> ReadSms(const std::string& dir) {
  Dataset ds{"sms", "en", Task::kAdvertisement, "spam", {}};
  COMMENTD_ASSIGN_OR_RETURN(
      Table t, ReadDelimited(Join(dir, "sms-spam-collection/SMSSpamCollection.tsv"), '\t', false));
  COMMENTD_ASSIGN_OR_RETURN(size_t text_col, t.Column("SMS"));
  COMMENTD_ASSIGN_OR_RETURN(size_t label_col, t.Column("Label"));
  for (const Row& row : t.rows) {
    const std::string& label = row.fields[label_col];
    if (label != "spam" && label != "ham") return LabelError(t, row, label, "spam, ham");
    ds.examples.push_back({row.fields[text_col], label == "spam", HashSplit(row.fields[text_col])});
  }
  return ds;
}

// True when a cell of a 0/1 vote column says 1. ConvAbuse writes an
// annotator who labelled an utterance twice as "1, 0": any 1 counts.
bool VotedFor(std::string_view cell) { return cell.find('1') != std::string_view::npos; }

// A vote count column: a decimal number, or kInvalidArgument naming the cell.
Result<int> VoteCount(const Table& table, const Row& row, size_t column) {
  const std::string& cell = row.fields[column];
  int value = 0;
  if (cell.empty() || cell.size() > 3 ||
      !std::all_of(cell.begin(), cell.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return base::InvalidArgumentError("{}:{}: column \"{}\" is \"{}\", expected a vote count",
                                      table.path, row.line, table.header[column], cell);
  }
  for (char c : cell) value = value * 10 + (c - '0');
  return value;
}

Result<Dataset> ReadJaInspection(const std::string& dir) {
  // The only native Japanese comment set: annotator votes on four toxicity
  // levels. Positive when more than half the annotators chose Toxic or Very
  // Toxic (a comment most readers would call rude or hateful, what the
  // publisher deletes); clean when more than half chose Not Toxic. The rest
  // (mostly "Hard to Say": toxic only in some context) is left out, since
  // neither answer can be scored as an error. 437 rows, 309 kept (29
  // positive): too few to learn Japanese abuse from, enough to measure clean
  // Japanese comments. Splits by a wider hash rule than 80/10/10 so that dev
  // (tuning) and test each get about a hundred comments: buckets 0-3 train
  // (clean Japanese comments teach the ad model), 4-6 dev, 7-9 test.
  Dataset ds{"ja_inspection",
             "ja",
             Task::kInappropriateLanguage,
             "toxic or very toxic (majority of votes)",
             {}};
  COMMENTD_ASSIGN_OR_RETURN(
      Table t, ReadDelimited(Join(dir, "ja-inspection-ai-toxic/data/subset.csv"), ',', true));
  COMMENTD_ASSIGN_OR_RETURN(size_t text_col, t.Column("text"));
  COMMENTD_ASSIGN_OR_RETURN(size_t not_toxic_col, t.Column("Not Toxic"));
  COMMENTD_ASSIGN_OR_RETURN(size_t toxic_col, t.Column("Toxic"));
  COMMENTD_ASSIGN_OR_RETURN(size_t very_toxic_col, t.Column("Very Toxic"));
  COMMENTD_ASSIGN_OR_RETURN(size_t annotators_col, t.Column("annotation_num"));
  for (const Row& row : t.rows) {
    COMMENTD_ASSIGN_OR_RETURN(int not_toxic, VoteCount(t, row, not_toxic_col));
    COMMENTD_ASSIGN_OR_RETURN(int toxic, VoteCount(t, row, toxic_col));
    COMMENTD_ASSIGN_OR_RETURN(int very_toxic, VoteCount(t, row, very_toxic_col));
    COMMENTD_ASSIGN_OR_RETURN(int annotators, VoteCount(t, row, annotators_col));
    const bool positive = 2 * (toxic + very_toxic) > annotators;
    const bool clean = 2 * not_toxic > annotators;
    if (!positive && !clean) continue;
    const std::string& text = row.fields[text_col];
    const uint64_t bucket = HashBucket(text, kSplitSeed);
    const Split split = bucket < 4 ? Split::kTrain : bucket < 7 ? Split::kDev : Split::kTest;
    ds.examples.push_back({text, positive, split});
  }
  return ds;
}

Result<Dataset> ReadApeach(const std::string& dir) {
  // Crowd-written Korean comments on ten hate topics; the authors publish
  // one evaluation file, so the hash rule carves all three splits. Its clean
  // half talks about the same topics without hate: hard negatives.
  Dataset ds{"apeach", "ko", Task::kInappropriateLanguage, "Spoiled (hate or offensive)", {}};
  COMMENTD_ASSIGN_OR_RETURN(Table t,
                            ReadDelimited(Join(dir, "ko-apeach/APEACH/test.csv"), ',', true));
  COMMENTD_ASSIGN_OR_RETURN(size_t text_col, t.Column("text"));
  COMMENTD_ASSIGN_OR_RETURN(size_t label_col, t.Column("class"));
  for (const Row& row : t.rows) {
    const std::string& label = row.fields[label_col];
    if (label != "Spoiled" && label != "Default")
      return LabelError(t, row, label, "Spoiled, Default");
    ds.examples.push_back(
        {row.fields[text_col], label == "Spoiled", HashSplit(row.fields[text_col])});
  }
  return ds;
}

Result<Dataset> ReadSwsr(const std::string& dir) {
  // Weibo comments on gender topics (the user metadata columns are not
  // read); no authors' split, so the hash rule.
  Dataset ds{"swsr", "zh", Task::kInappropriateLanguage, "sexist (label 1)", {}};
  COMMENTD_ASSIGN_OR_RETURN(Table t,
                            ReadDelimited(Join(dir, "zh-swsr/SWSR/SexComment.csv"), ',', true));
  COMMENTD_ASSIGN_OR_RETURN(size_t text_col, t.Column("comment_text"));
  COMMENTD_ASSIGN_OR_RETURN(size_t label_col, t.Column("label"));
  for (const Row& row : t.rows) {
    const std::string& label = row.fields[label_col];
    if (label != "0" && label != "1") return LabelError(t, row, label, "0, 1");
    ds.examples.push_back({row.fields[text_col], label == "1", HashSplit(row.fields[text_col])});
  }
  return ds;
}

Result<Dataset> ReadConvAbuse(const std::string& dir) {
  // Users' messages to chatbots, labelled by up to eight annotators each.
  // Positive when more than half of those who labelled it chose mildly,
  // strongly or very strongly abusive; the authors' three splits.
  Dataset ds{
      "convabuse", "en", Task::kInappropriateLanguage, "abusive (majority of annotators)", {}};
  for (const auto& [file, split] : {std::pair{"ConvAbuseEMNLPtrain.csv", Split::kTrain},
                                    std::pair{"ConvAbuseEMNLPvalid.csv", Split::kDev},
                                    std::pair{"ConvAbuseEMNLPtest.csv", Split::kTest}}) {
    COMMENTD_ASSIGN_OR_RETURN(
        Table t, ReadDelimited(Join(dir, std::string("en-convabuse/2_splits/") + file), ',', true));
    COMMENTD_ASSIGN_OR_RETURN(size_t text_col, t.Column("user"));
    struct Annotator {
      std::array<size_t, 5> columns;  // is_abuse.1, .0, .-1, .-2, .-3
    };
    std::vector<Annotator> annotators;
    for (int a = 1;; ++a) {
      if (!t.Column(fmt::format("Annotator{}_is_abuse.1", a)).ok()) break;
      Annotator annotator;
      size_t i = 0;
      for (const char* level : {"1", "0", "-1", "-2", "-3"}) {
        COMMENTD_ASSIGN_OR_RETURN(annotator.columns[i++],
                                  t.Column(fmt::format("Annotator{}_is_abuse.{}", a, level)));
      }
      annotators.push_back(annotator);
    }
    if (annotators.empty()) {
      return base::InvalidArgumentError("{}:1: no column \"Annotator1_is_abuse.1\" in the header",
                                        t.path);
    }
    for (const Row& row : t.rows) {
      int voted = 0;
      int abusive = 0;
      for (const Annotator& a : annotators) {
        bool any = false;
        for (size_t c : a.columns) any = any || !row.fields[c].empty();
        if (!any) continue;
        ++voted;
        if (VotedFor(row.fields[a.columns[2]]) || VotedFor(row.fields[a.columns[3]]) ||
            VotedFor(row.fields[a.columns[4]])) {
          ++abusive;
        }
      }
      if (voted == 0) {
        return base::InvalidArgumentError("{}:{}: no annotator labelled this row", t.path,
                                          row.line);
      }
      ds.examples.push_back({row.fields[text_col], 2 * abusive > voted, split});
    }
  }
  return ds;
}

Result<Dataset> ReadCivil(const std::string& dir) {
  // Civil Comments news comments with the toxic-spans annotations: each
  // worker either marked toxic spans, called the whole comment toxic, or
  // ticked "not toxic". Positive when fewer than half ticked "not toxic",
  // clean when more than half did; ties are left out. The SemEval splits
  // cover only the comments with spans (nearly all toxic), so every comment
  // is split by the hash rule.
  Dataset ds{"civil", "en", Task::kInappropriateLanguage, "toxic (majority of workers)", {}};
  COMMENTD_ASSIGN_OR_RETURN(
      Table votes,
      ReadDelimited(Join(dir, "en-toxic-spans-civil/data/annotations.csv"), ',', true));
  COMMENTD_ASSIGN_OR_RETURN(size_t vote_id_col, votes.Column("comment_id"));
  COMMENTD_ASSIGN_OR_RETURN(size_t not_toxic_col, votes.Column("not toxic"));
  std::map<std::string, std::pair<int, int>> tally;  // id -> (workers, "not toxic")
  for (const Row& row : votes.rows) {
    const std::string& flag = row.fields[not_toxic_col];
    if (flag != "True" && flag != "False") return LabelError(votes, row, flag, "True, False");
    auto& [workers, not_toxic] = tally[row.fields[vote_id_col]];
    ++workers;
    if (flag == "True") ++not_toxic;
  }
  COMMENTD_ASSIGN_OR_RETURN(
      Table t, ReadDelimited(Join(dir, "en-toxic-spans-civil/data/comments.csv"), ',', true));
  COMMENTD_ASSIGN_OR_RETURN(size_t id_col, t.Column("comment_id"));
  COMMENTD_ASSIGN_OR_RETURN(size_t text_col, t.Column("comment_text"));
  for (const Row& row : t.rows) {
    auto it = tally.find(row.fields[id_col]);
    if (it == tally.end()) {
      return base::InvalidArgumentError("{}:{}: comment {} has no annotation in {}", t.path,
                                        row.line, row.fields[id_col], votes.path);
    }
    const auto [workers, not_toxic] = it->second;
    if (2 * not_toxic == workers) continue;
    ds.examples.push_back(
        {row.fields[text_col], 2 * not_toxic < workers, HashSplit(row.fields[text_col])});
  }
  return ds;
}

Result<Dataset> ReadImplicitHate(const std::string& dir) {
  // Tweets of extremist accounts and their followers, stage-1 labels; no
  // authors' split, so the hash rule. Its not_hate tweets are political but
  // civil: hard negatives.
  Dataset ds{"implicit_hate", "en", Task::kInappropriateLanguage, "implicit or explicit hate", {}};
  COMMENTD_ASSIGN_OR_RETURN(
      Table t,
      ReadDelimited(
          Join(dir, "en-implicit-hate/implicit-hate-corpus/implicit_hate_v1_stg1_posts.tsv"), '\t',
          true));
  COMMENTD_ASSIGN_OR_RETURN(size_t text_col, t.Column("post"));
  COMMENTD_ASSIGN_OR_RETURN(size_t label_col, t.Column("class"));
  for (const Row& row : t.rows) {
    const std::string& label = row.fields[label_col];
    if (label != "not_hate" && label != "implicit_hate" && label != "explicit_hate") {
      return LabelError(t, row, label, "not_hate, implicit_hate, explicit_hate");
    }
    ds.examples.push_back(
        {row.fields[text_col], label != "not_hate", HashSplit(row.fields[text_col])});
  }
  return ds;
}

}  // namespace

std::string_view SplitName(Split split) {
  switch (split) {
    case Split::kTrain:
      return "train";
    case Split::kDev:
      return "dev";
    case Split::kTest:
      return "test";
  }
  return "?";
}

std::optional<Split> ParseSplit(std::string_view name) {
  for (Split split : {Split::kTrain, Split::kDev, Split::kTest}) {
    if (SplitName(split) == name) return split;
  }
  return std::nullopt;
}

base::Status WriteSplitTsv(const Dataset& dataset, Split split, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  for (const Example& ex : dataset.examples) {
    if (ex.split != split) continue;
    std::string text = ex.text;
    for (char& c : text) {
      if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    }
    out << (ex.positive ? 1 : 0) << '\t' << text << '\n';
  }
  if (!out) return base::InternalError("{}: cannot write", path);
  return base::OkStatus();
}

moderation::Rule RuleOf(Task task) {
  return task == Task::kAdvertisement ? moderation::Rule::kAdvertisement
                                      : moderation::Rule::kInappropriateLanguage;
}

std::string_view TaskName(Task task) {
  switch (task) {
    case Task::kAdvertisement:
      return "advertisement";
    case Task::kInappropriateLanguage:
      return "inappropriate_language";
  }
  return "?";
}

const std::vector<std::string>& DatasetNames() {
  // Not read: ko-kosbi (LLM-written sentences labelled for social bias, not
  // abuse: its "unsafe" stereotypes are not what the publisher deletes) and
  // en-stormfront (sentences inside a tar.gz; reading it needs a tar and
  // gzip reader for 1,196 hateful sentences that implicit_hate already
  // covers in kind).
  static const std::vector<std::string> kNames = {
      "olid",  "davidson", "foxnews", "civil", "convabuse",     "implicit_hate", "beep",
      "kmhas", "apeach",   "cold",    "swsr",  "ja_inspection", "youtube",       "sms"};
  return kNames;
}

uint64_t HashBucket(std::string_view text, uint64_t seed) {
  // FNV-1a over the seed's decimal digits, a NUL, then the text.
  uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&h](unsigned char c) { h = (h ^ c) * 0x100000001b3ull; };
  for (char c : std::to_string(seed)) mix(static_cast<unsigned char>(c));
  mix(0);
  for (char c : text) mix(static_cast<unsigned char>(c));
  return h % 10;
}

Split HashSplit(std::string_view text, uint64_t seed) {
  const uint64_t bucket = HashBucket(text, seed);
  return bucket < 8 ? Split::kTrain : bucket == 8 ? Split::kDev : Split::kTest;
}

base::Result<Dataset> ReadDataset(std::string_view name, const std::string& data_dir) {
  if (name == "beep") return ReadBeep(data_dir);
  if (name == "kmhas") return ReadKmhas(data_dir);
  if (name == "cold") return ReadCold(data_dir);
  if (name == "davidson") return ReadDavidson(data_dir);
  if (name == "olid") return ReadOlid(data_dir);
  if (name == "foxnews") return ReadFoxNews(data_dir);
  if (name == "youtube") return ReadYoutube(data_dir);
  if (name == "sms") return ReadSms(data_dir);
  if (name == "civil") return ReadCivil(data_dir);
  if (name == "convabuse") return ReadConvAbuse(data_dir);
  if (name == "implicit_hate") return ReadImplicitHate(data_dir);
  if (name == "apeach") return ReadApeach(data_dir);
  if (name == "swsr") return ReadSwsr(data_dir);
  if (name == "ja_inspection") return ReadJaInspection(data_dir);
  return base::InvalidArgumentError("unknown dataset \"{}\"", name);
}

}  // namespace commentd::training
