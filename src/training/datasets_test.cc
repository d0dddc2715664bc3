#include "training/datasets.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

namespace commentd::training {
namespace {

namespace fs = std::filesystem;

// A data folder laid out like shared/data, written by the test.
class DatasetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("commentd_datasets_test_" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& relative, const std::string& contents) {
    const fs::path path = dir_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << contents;
  }
  std::string dir() const { return dir_.string(); }

 private:
  fs::path dir_;
};

std::map<std::string, int> CountSplits(const Dataset& ds) {
  std::map<std::string, int> counts;
  for (const Example& ex : ds.examples) ++counts[std::string(SplitName(ex.split))];
  return counts;
}

TEST_F(DatasetsTest, ReadsSmsWithoutQuotingAndMapsSpamToPositive) {
  Write("sms-spam-collection/SMSSpamCollection.tsv",
        "Label\tSMS\nham\tsee you at \"the\" cafe\nspam\tWIN a prize call 0800\n");
  auto ds = ReadDataset("sms", dir());
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  ASSERT_EQ(ds->examples.size(), 2u);
  EXPECT_EQ(ds->examples[0].text, "see you at \"the\" cafe");
  EXPECT_FALSE(ds->examples[0].positive);
  EXPECT_TRUE(ds->examples[1].positive);
  EXPECT_EQ(ds->task, Task::kAdvertisement);
  EXPECT_EQ(ds->language, "en");
}

TEST_F(DatasetsTest, ReadsQuotedMultilineTsvFieldsOfKmhas) {
  Write("kmhas-korean-news-hate/kmhas_valid.txt",
        "document\tlabel\n\"그는 \"\"천재\"\"다\nsecond line\"\t8\n좋은 기사\t2,3\n");
  Write("kmhas-korean-news-hate/kmhas_test.txt", "document\tlabel\n나쁜 말\t3\n");
  auto ds = ReadDataset("kmhas", dir());
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  ASSERT_EQ(ds->examples.size(), 3u);
  EXPECT_EQ(ds->examples[0].text, "그는 \"천재\"다\nsecond line");
  EXPECT_FALSE(ds->examples[0].positive);
  EXPECT_TRUE(ds->examples[1].positive);
  EXPECT_EQ(ds->examples[2].split, Split::kTest);
  EXPECT_NE(ds->examples[0].split, Split::kTest);  // valid is train + dev
}

TEST_F(DatasetsTest, FormatErrorNamesFileAndLine) {
  Write("kmhas-korean-news-hate/kmhas_valid.txt", "document\tlabel\nfine\t8\nbroken row\n");
  Write("kmhas-korean-news-hate/kmhas_test.txt", "document\tlabel\n");
  auto ds = ReadDataset("kmhas", dir());
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(ds.status().message().find("kmhas_valid.txt:3:"), std::string::npos)
      << ds.status().message();
}

TEST_F(DatasetsTest, UnknownLabelNamesFileLineAndValue) {
  Write("cold-chinese-offensive/train.csv",
        ",split,topic,label,TEXT\n1,train,race,1,文本\n2,train,race,7,x\n");
  Write("cold-chinese-offensive/dev.csv", ",split,topic,label,TEXT\n");
  Write("cold-chinese-offensive/test.csv", ",split,topic,label,fine-grained-label,TEXT\n");
  auto ds = ReadDataset("cold", dir());
  ASSERT_FALSE(ds.ok());
  EXPECT_NE(ds.status().message().find("train.csv:3: label \"7\""), std::string::npos)
      << ds.status().message();
}

TEST_F(DatasetsTest, UnclosedQuoteNamesTheLineItOpenedOn) {
  Write("davidson-hate-offensive/labeled_data.csv",
        ",count,hate_speech,offensive_language,neither,class,tweet\n0,3,0,0,3,2,ok\n"
        "1,3,0,3,0,1,\"never closed\n");
  auto ds = ReadDataset("davidson", dir());
  ASSERT_FALSE(ds.ok());
  EXPECT_NE(ds.status().message().find("labeled_data.csv:3: quoted field never closed"),
            std::string::npos)
      << ds.status().message();
}

TEST_F(DatasetsTest, MissingFileIsNotFoundNamingThePath) {
  auto ds = ReadDataset("youtube", dir());
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), base::StatusCode::kNotFound);
  EXPECT_NE(ds.status().message().find("Youtube01-Psy.csv"), std::string::npos);
}

TEST_F(DatasetsTest, UnknownDatasetIsInvalidArgument) {
  auto ds = ReadDataset("nope", dir());
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), base::StatusCode::kInvalidArgument);
}

TEST_F(DatasetsTest, OlidJoinsTestLabelsByIdAcrossLineEndings) {
  Write("olid-offenseval2019/olid-training-v1.0.tsv",
        "id\ttweet\tsubtask_a\tsubtask_b\tsubtask_c\r\n1\t@USER you are great\tNOT\tNULL\tNULL\r\n"
        "2\t@USER shut up\tOFF\tUNT\tNULL\r\n");
  Write("olid-offenseval2019/testset-levela.tsv", "id\ttweet\r\n7\tnice day\r\n8\tidiot\r\n");
  Write("olid-offenseval2019/labels-levela.csv", "id,subtask_a\n8,OFF\r\n7,NOT\r\n");
  auto ds = ReadDataset("olid", dir());
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  ASSERT_EQ(ds->examples.size(), 4u);
  EXPECT_FALSE(ds->examples[0].positive);
  EXPECT_TRUE(ds->examples[1].positive);
  EXPECT_EQ(ds->examples[2].text, "nice day");
  EXPECT_FALSE(ds->examples[2].positive);
  EXPECT_TRUE(ds->examples[3].positive);
  EXPECT_EQ(ds->examples[3].split, Split::kTest);
}

TEST_F(DatasetsTest, OlidTestIdWithoutLabelIsAnError) {
  Write("olid-offenseval2019/olid-training-v1.0.tsv",
        "id\ttweet\tsubtask_a\tsubtask_b\tsubtask_c\n");
  Write("olid-offenseval2019/testset-levela.tsv", "id\ttweet\n7\tnice day\n");
  Write("olid-offenseval2019/labels-levela.csv", "id,subtask_a\n8,OFF\n");
  auto ds = ReadDataset("olid", dir());
  ASSERT_FALSE(ds.ok());
  EXPECT_NE(ds.status().message().find("testset-levela.tsv:2: id 7 has no label"),
            std::string::npos)
      << ds.status().message();
}

TEST_F(DatasetsTest, FoxNewsSplitsByThreadSoAThreadNeverStraddlesSplits) {
  std::string jsonl;
  for (int thread = 0; thread < 6; ++thread) {
    for (int i = 0; i < 5; ++i) {
      jsonl += "{\"title\": \"thread " + std::to_string(thread) + "\", \"text\": \"comment " +
               std::to_string(i) + "\", \"label\": " + std::to_string(i % 2) + "}\n";
    }
  }
  Write("fox-news-hate-comments/fox-news-comments.json", jsonl);
  auto ds = ReadDataset("foxnews", dir());
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  ASSERT_EQ(ds->examples.size(), 30u);
  const auto counts = CountSplits(*ds);
  EXPECT_EQ(counts.at("test"), 5);
  EXPECT_EQ(counts.at("dev"), 5);
  EXPECT_EQ(counts.at("train"), 20);
  for (int thread = 0; thread < 6; ++thread) {
    for (int i = 1; i < 5; ++i) {
      EXPECT_EQ(ds->examples[thread * 5 + i].split, ds->examples[thread * 5].split);
    }
  }
}

TEST_F(DatasetsTest, FoxNewsBadJsonNamesLine) {
  Write("fox-news-hate-comments/fox-news-comments.json",
        "{\"title\": \"t\", \"text\": \"a\", \"label\": 0}\n{\"title\": \"t\", \"text\": 5}\n");
  auto ds = ReadDataset("foxnews", dir());
  ASSERT_FALSE(ds.ok());
  EXPECT_NE(ds.status().message().find("fox-news-comments.json:2:"), std::string::npos)
      << ds.status().message();
}

TEST(HashSplitTest, IsDeterministicAndCloseTo80_10_10) {
  std::map<Split, int> counts;
  for (int i = 0; i < 10000; ++i) ++counts[HashSplit("comment number " + std::to_string(i))];
  EXPECT_NEAR(counts[Split::kTrain], 8000, 200);
  EXPECT_NEAR(counts[Split::kDev], 1000, 120);
  EXPECT_NEAR(counts[Split::kTest], 1000, 120);
  EXPECT_EQ(HashSplit("same text"), HashSplit("same text"));
  int differ = 0;
  for (int i = 0; i < 100; ++i) {
    const std::string t = "t" + std::to_string(i);
    differ += HashSplit(t, 1) != HashSplit(t, 2) ? 1 : 0;
  }
  EXPECT_GT(differ, 0);  // the seed matters
}

TEST_F(DatasetsTest, WriteSplitTsvWritesOneLabelledLinePerExampleOfTheSplit) {
  Dataset ds;
  ds.examples = {{"spam\there\nnow", true, Split::kTest},
                 {"a train row", false, Split::kTrain},
                 {"clean\r", false, Split::kTest}};
  const std::string path = dir() + "/split.tsv";
  ASSERT_TRUE(WriteSplitTsv(ds, Split::kTest, path).ok());
  std::ifstream in(path, std::ios::binary);
  const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(written, "1\tspam here now\n0\tclean \n");
}

TEST_F(DatasetsTest, WriteSplitTsvToAMissingFolderIsInternalNamingThePath) {
  const std::string path = dir() + "/no/such/folder/split.tsv";
  const base::Status status = WriteSplitTsv(Dataset{}, Split::kTest, path);
  EXPECT_EQ(status.code(), base::StatusCode::kInternal);
  EXPECT_NE(status.message().find(path), std::string::npos);
}

TEST(SplitNameTest, ParseSplitReadsBackEveryNameAndRefusesOthers) {
  for (Split split : {Split::kTrain, Split::kDev, Split::kTest}) {
    EXPECT_EQ(ParseSplit(SplitName(split)), split);
  }
  EXPECT_EQ(ParseSplit("validation"), std::nullopt);
  EXPECT_EQ(ParseSplit(""), std::nullopt);
}

TEST_F(DatasetsTest, JaInspectionTakesMajorityVotesAndLeavesOutTheUndecided) {
  Write("ja-inspection-ai-toxic/data/subset.csv",
        "id,text,Not Toxic,Hard to Say,Toxic,Very Toxic,annotation_num\n"
        "1,良い天気ですね,3,1,0,0,4\n"         // clean: 3 of 4 say not toxic
        "2,お前は最低だ,0,1,1,2,4\n"           // positive: 3 of 4 toxic or very toxic
        "3,微妙な話だね,1,2,1,0,4\n"           // no majority either way: left out
        "4,\"引用 \"\"符\"\"\",2,0,1,0,3\n");  // clean: 2 of 3
  auto ds = ReadDataset("ja_inspection", dir());
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ(ds->language, "ja");
  EXPECT_EQ(ds->task, Task::kInappropriateLanguage);
  ASSERT_EQ(ds->examples.size(), 3u);
  EXPECT_FALSE(ds->examples[0].positive);
  EXPECT_TRUE(ds->examples[1].positive);
  EXPECT_EQ(ds->examples[2].text, "引用 \"符\"");
  EXPECT_FALSE(ds->examples[2].positive);
  for (const Example& ex : ds->examples) {
    const uint64_t bucket = HashBucket(ex.text);
    EXPECT_EQ(ex.split, bucket < 4 ? Split::kTrain : bucket < 7 ? Split::kDev : Split::kTest);
  }
}

TEST_F(DatasetsTest, JaInspectionVoteThatIsNotANumberNamesFileLineAndColumn) {
  Write("ja-inspection-ai-toxic/data/subset.csv",
        "id,text,Not Toxic,Hard to Say,Toxic,Very Toxic,annotation_num\n1,ok,3,0,x,0,3\n");
  auto ds = ReadDataset("ja_inspection", dir());
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(ds.status().message().find("subset.csv:2: column \"Toxic\""), std::string::npos)
      << ds.status().message();
}

TEST_F(DatasetsTest, ApeachMapsSpoiledToPositiveAndSplitsByHash) {
  Write("ko-apeach/APEACH/test.csv",
        "text,user_age,class,age\n좋은 의견입니다,30,Default,30\n\"너 같은 놈, "
        "꺼져\",20,Spoiled,20\n");
  auto ds = ReadDataset("apeach", dir());
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ(ds->language, "ko");
  ASSERT_EQ(ds->examples.size(), 2u);
  EXPECT_FALSE(ds->examples[0].positive);
  EXPECT_TRUE(ds->examples[1].positive);
  EXPECT_EQ(ds->examples[1].text, "너 같은 놈, 꺼져");
  EXPECT_EQ(ds->examples[1].split, HashSplit(ds->examples[1].text));
}

TEST_F(DatasetsTest, ApeachUnknownClassIsAnError) {
  Write("ko-apeach/APEACH/test.csv", "text,class\n문장,Maybe\n");
  auto ds = ReadDataset("apeach", dir());
  ASSERT_FALSE(ds.ok());
  EXPECT_NE(ds.status().message().find("test.csv:2: label \"Maybe\""), std::string::npos)
      << ds.status().message();
}

TEST_F(DatasetsTest, SwsrReadsTheCommentTextAndItsSexistLabel) {
  Write("zh-swsr/SWSR/SexComment.csv",
        "index,weibo_id,comment_text,gender,location,label,category,target\n"
        "0,a1,今天的新闻很好,女,北京,0,,\n1,a2,女人就该在家,男,其他,1,SCB,G\n");
  auto ds = ReadDataset("swsr", dir());
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ(ds->language, "zh");
  ASSERT_EQ(ds->examples.size(), 2u);
  EXPECT_EQ(ds->examples[0].text, "今天的新闻很好");
  EXPECT_FALSE(ds->examples[0].positive);
  EXPECT_TRUE(ds->examples[1].positive);
}

TEST_F(DatasetsTest, ConvAbuseCountsAnnotatorsWhoLabelledAndKeepsTheAuthorsSplits) {
  const std::string header =
      "example_id,user,"
      "Annotator1_is_abuse.1,Annotator1_is_abuse.0,Annotator1_is_abuse.-1,"
      "Annotator1_is_abuse.-2,Annotator1_is_abuse.-3,"
      "Annotator2_is_abuse.1,Annotator2_is_abuse.0,Annotator2_is_abuse.-1,"
      "Annotator2_is_abuse.-2,Annotator2_is_abuse.-3,"
      "Annotator3_is_abuse.1,Annotator3_is_abuse.0,Annotator3_is_abuse.-1,"
      "Annotator3_is_abuse.-2,Annotator3_is_abuse.-3\n";
  // Row 1: two of two annotators say abusive (the third did not label).
  // Row 2: one of three says abusive. Row 3: "1, 0" (labelled twice) counts.
  Write("en-convabuse/2_splits/ConvAbuseEMNLPtrain.csv",
        header + "1,you are stupid,0,0,1,0,0,0,0,0,1,0,,,,,\n" +
            "2,hello there,1,0,0,0,0,1,0,0,0,0,0,0,1,0,0\n");
  Write("en-convabuse/2_splits/ConvAbuseEMNLPvalid.csv",
        header + "3,shut up bot,,,,,,0,0,\"1, 0\",0,0,,,,,\n");
  Write("en-convabuse/2_splits/ConvAbuseEMNLPtest.csv", header);
  auto ds = ReadDataset("convabuse", dir());
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  ASSERT_EQ(ds->examples.size(), 3u);
  EXPECT_TRUE(ds->examples[0].positive);
  EXPECT_EQ(ds->examples[0].split, Split::kTrain);
  EXPECT_FALSE(ds->examples[1].positive);
  EXPECT_TRUE(ds->examples[2].positive);
  EXPECT_EQ(ds->examples[2].split, Split::kDev);
}

TEST_F(DatasetsTest, ConvAbuseRowThatNoAnnotatorLabelledIsAnError) {
  const std::string header =
      "user,Annotator1_is_abuse.1,Annotator1_is_abuse.0,Annotator1_is_abuse.-1,"
      "Annotator1_is_abuse.-2,Annotator1_is_abuse.-3\n";
  Write("en-convabuse/2_splits/ConvAbuseEMNLPtrain.csv", header + "hi,,,,,\n");
  Write("en-convabuse/2_splits/ConvAbuseEMNLPvalid.csv", header);
  Write("en-convabuse/2_splits/ConvAbuseEMNLPtest.csv", header);
  auto ds = ReadDataset("convabuse", dir());
  ASSERT_FALSE(ds.ok());
  EXPECT_NE(ds.status().message().find("ConvAbuseEMNLPtrain.csv:2:"), std::string::npos)
      << ds.status().message();
}

TEST_F(DatasetsTest, CivilLabelsByTheMajorityOfNotToxicVotesAndLeavesOutTies) {
  Write("en-toxic-spans-civil/data/comments.csv",
        "comment_id,comment_text\n10,\"The council, again, delayed it.\"\n11,what an idiot\n"
        "12,hard to say\n");
  Write("en-toxic-spans-civil/data/annotations.csv",
        "annotation,comment_id,worker,country,all toxic,not toxic\n"
        "0,10,1,USA,False,True\n1,10,2,USA,False,True\n2,10,3,USA,False,False\n"
        "3,11,1,USA,True,False\n4,11,2,USA,False,False\n5,11,3,USA,False,True\n"
        "6,12,1,USA,False,True\n7,12,2,USA,False,False\n");
  auto ds = ReadDataset("civil", dir());
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ(ds->language, "en");
  ASSERT_EQ(ds->examples.size(), 2u);
  EXPECT_EQ(ds->examples[0].text, "The council, again, delayed it.");
  EXPECT_FALSE(ds->examples[0].positive);
  EXPECT_TRUE(ds->examples[1].positive);
  EXPECT_EQ(ds->examples[1].split, HashSplit("what an idiot"));
}

TEST_F(DatasetsTest, CivilCommentWithoutAnnotationsNamesItsId) {
  Write("en-toxic-spans-civil/data/comments.csv", "comment_id,comment_text\n99,text\n");
  Write("en-toxic-spans-civil/data/annotations.csv",
        "annotation,comment_id,worker,country,all toxic,not toxic\n");
  auto ds = ReadDataset("civil", dir());
  ASSERT_FALSE(ds.ok());
  EXPECT_NE(ds.status().message().find("comment 99 has no annotation"), std::string::npos)
      << ds.status().message();
}

TEST_F(DatasetsTest, ImplicitHateCountsImplicitAndExplicitAsPositive) {
  Write("en-implicit-hate/implicit-hate-corpus/implicit_hate_v1_stg1_posts.tsv",
        "post\tclass\n\"vote \"\"no\"\" on the bill\"\tnot_hate\nthey are vermin\texplicit_hate\n"
        "you know what they are like\timplicit_hate\n");
  auto ds = ReadDataset("implicit_hate", dir());
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  ASSERT_EQ(ds->examples.size(), 3u);
  EXPECT_EQ(ds->examples[0].text, "vote \"no\" on the bill");
  EXPECT_FALSE(ds->examples[0].positive);
  EXPECT_TRUE(ds->examples[1].positive);
  EXPECT_TRUE(ds->examples[2].positive);
}

TEST(HashBucketTest, HashSplitIsTheBucketRule) {
  for (const char* text : {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"}) {
    const uint64_t bucket = HashBucket(text);
    EXPECT_LT(bucket, 10u);
    EXPECT_EQ(HashSplit(text), bucket < 8    ? Split::kTrain
                               : bucket == 8 ? Split::kDev
                                             : Split::kTest);
  }
}

// The real corpora, when present: row counts as verified in their SOURCE.md.
TEST(SharedDataTest, ReadsEveryDatasetWithItsVerifiedRowCount) {
  const char* env = std::getenv("COMMENTD_DATA");
  const std::string data = env != nullptr ? env : COMMENTD_SOURCE_DIR "/../shared/data";
  if (!fs::exists(fs::path(data) / "olid-offenseval2019")) {
    GTEST_SKIP() << "shared data not found at " << data << " (set COMMENTD_DATA)";
  }
  const std::map<std::string, std::pair<size_t, size_t>> expected = {
      {"olid", {14100, 4640}},     {"davidson", {24783, 20620}},
      {"foxnews", {1528, 435}},    {"beep", {8367, 4721}},
      {"kmhas", {30715, 14009}},   {"cold", {37480, 18041}},
      {"youtube", {1138, 586}},    {"sms", {5574, 747}},
      {"civil", {16071, 11275}},  // 29 ties left out
      {"convabuse", {4185, 579}},  {"implicit_hate", {21480, 8189}},
      {"apeach", {3770, 1922}},    {"swsr", {8969, 3093}},
      {"ja_inspection", {309, 29}}};  // 128 without a majority left out
  for (const std::string& name : DatasetNames()) {
    SCOPED_TRACE(name);
    auto ds = ReadDataset(name, data);
    ASSERT_TRUE(ds.ok()) << ds.status().ToString();
    size_t positives = 0;
    for (const Example& ex : ds->examples) positives += ex.positive ? 1 : 0;
    EXPECT_EQ(ds->examples.size(), expected.at(name).first);
    EXPECT_EQ(positives, expected.at(name).second);
    const auto counts = CountSplits(*ds);
    EXPECT_GT(counts.count("train") ? counts.at("train") : 0, 0);
    EXPECT_GT(counts.count("dev") ? counts.at("dev") : 0, 0);
    EXPECT_GT(counts.count("test") ? counts.at("test") : 0, 0);
  }
}

}  // namespace
}  // namespace commentd::training
