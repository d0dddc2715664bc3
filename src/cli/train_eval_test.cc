// `commentd train` and `commentd eval` end to end on tiny corpora that the
// test writes (never the real data): train makes models that load, eval
// prints its table for every corpus and system.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
const char* kBinary = COMMENTD_BINARY_DIR "/src/cli/commentd";

struct Output {
  int exit_code = -1;
  std::string text;  // stdout and stderr
};

Output RunCommentd(const std::string& args) {
  Output out;
  const std::string cmd = std::string(kBinary) + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.text.append(buf, n);
  const int status = pclose(pipe);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

void Write(const fs::path& path, const std::string& contents) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << contents;
}

// Generated corpora in the shared/data layout: SMS spam/ham and OLID
// offensive/not, enough rows that every split has both classes.
fs::path WriteTinyCorpora() {
  const fs::path dir = fs::temp_directory_path() / "commentd_train_eval_test";
  fs::remove_all(dir);
  std::string sms = "Label\tSMS\n";
  std::string olid = "id\ttweet\tsubtask_a\tsubtask_b\tsubtask_c\n";
  std::string olid_test = "id\ttweet\n";
  std::string olid_labels = "id,subtask_a\n";
  for (int i = 0; i < 150; ++i) {
    const std::string n = std::to_string(i);
    sms += "spam\tWIN cash prize " + n + " call 0800 now to claim\n";
    sms += "ham\tsee you at dinner " + n + " tonight\n";
    olid += n + "\t@USER you stupid idiot " + n + "\tOFF\tTIN\tIND\n";
    olid += n + "0\t@USER thanks for the report " + n + "\tNOT\tNULL\tNULL\n";
  }
  for (int i = 0; i < 20; ++i) {
    const std::string n = std::to_string(i);
    olid_test += "9" + n + "\tshut up idiot " + n + "\n";
    olid_labels += "9" + n + ",OFF\n";
    olid_test += "8" + n + "\tgood report " + n + "\n";
    olid_labels += "8" + n + ",NOT\n";
  }
  Write(dir / "sms-spam-collection/SMSSpamCollection.tsv", sms);
  Write(dir / "olid-offenseval2019/olid-training-v1.0.tsv", olid);
  Write(dir / "olid-offenseval2019/testset-levela.tsv", olid_test);
  Write(dir / "olid-offenseval2019/labels-levela.csv", olid_labels);
  return dir;
}

TEST(TrainEvalCommandTest, TrainMakesModelsThatEvalLoadsAndReports) {
  const fs::path dir = WriteTinyCorpora();
  const std::string data = "--data " + dir.string() + " --dataset sms --dataset olid";
  const fs::path models = dir / "models";
  Output train = RunCommentd("train " + data + " --out " + models.string() +
                             " --dim 8 --epoch 5 --bucket 10000 --cutoff 1000");
  ASSERT_EQ(train.exit_code, 0) << train.text;
  EXPECT_TRUE(fs::exists(models / "advertisement.ftz")) << train.text;
  EXPECT_TRUE(fs::exists(models / "inappropriate_language.ftz")) << train.text;

  Output eval =
      RunCommentd("eval " + data + " --models " + models.string() + " --split test --tune");
  ASSERT_EQ(eval.exit_code, 0) << eval.text;
  EXPECT_NE(eval.text.find("| corpus "), std::string::npos) << eval.text;
  for (const char* row : {"| sms [spam]", "| olid [OFF (level A)]"}) {
    for (const char* system : {"rules", "model@0.5", "model ", "combined"}) {
      SCOPED_TRACE(std::string(row) + " " + system);
      EXPECT_NE(eval.text.find(std::string(row)), std::string::npos) << eval.text;
      const size_t at = eval.text.find(std::string(row));
      bool found = false;
      for (size_t pos = at; pos != std::string::npos; pos = eval.text.find(row, pos + 1)) {
        const size_t eol = eval.text.find('\n', pos);
        if (eval.text.substr(pos, eol - pos).find(system) != std::string::npos) found = true;
      }
      EXPECT_TRUE(found) << eval.text;
    }
  }
  EXPECT_NE(eval.text.find("Pooled by model and language"), std::string::npos);
  EXPECT_NE(eval.text.find("| inappropriate_language | en"), std::string::npos);
  EXPECT_NE(eval.text.find("classifier_delete_threshold ="), std::string::npos);
  // The tiny OLID test set is separable: the model alone at 0.5 finds all of it.
  EXPECT_NE(
      eval.text.find(
          "| olid [OFF (level A)]   | en   | model@0.5   |     40 |    20 | 1.000 | 1.000 | 1.000"),
      std::string::npos)
      << eval.text;
  fs::remove_all(dir);
}

TEST(TrainEvalCommandTest, MissingDataIsAUsageErrorNamingTheFile) {
  Output eval = RunCommentd("eval --data /nonexistent/commentd-data --dataset sms");
  EXPECT_EQ(eval.exit_code, 2);
  EXPECT_NE(eval.text.find("/nonexistent/commentd-data/sms-spam-collection/SMSSpamCollection.tsv"),
            std::string::npos)
      << eval.text;
}

}  // namespace
