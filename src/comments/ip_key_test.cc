#include "comments/ip_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace commentd::comments {
namespace {

constexpr std::chrono::seconds kDay{24 * 60 * 60};

class IpKeyRingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "commentd-ipkey-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/ip.key";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<IpKeyRing> MustOpen(std::chrono::seconds period = kDay) {
    auto ring = IpKeyRing::Open(path_, period, clock_);
    EXPECT_TRUE(ring.ok()) << ring.status().ToString();
    return ring.ok() ? std::move(ring).value() : nullptr;
  }

  std::string FileText() const {
    std::ifstream in(path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  unsigned FileMode() const {
    struct stat st;
    EXPECT_EQ(::stat(path_.c_str(), &st), 0);
    return st.st_mode & 07777;
  }

  std::string dir_;
  std::string path_;
  // 2026-11-26T12:00:00Z
  std::shared_ptr<base::FakeClock> clock_ =
      std::make_shared<base::FakeClock>(base::FromUnixMicros(int64_t{1795003200} * 1000000));
};

TEST_F(IpKeyRingTest, CreatesTheKeyFileWithMode0600AndReadsItBack) {
  ::umask(022);
  auto ring = MustOpen();
  ASSERT_NE(ring, nullptr);
  EXPECT_EQ(FileMode(), 0600u);
  const IpKeyRing::Keys keys = ring->Now();
  EXPECT_EQ(keys.current.size(), 32u);
  EXPECT_EQ(keys.current, IpKeyRing::Next(keys.previous));
  auto again = MustOpen();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->Now().current, keys.current);  // a second node with the same file agrees
}

TEST_F(IpKeyRingTest, RefusesAKeyFileOthersCanRead) {
  ASSERT_NE(MustOpen(), nullptr);
  ASSERT_EQ(::chmod(path_.c_str(), 0644), 0);
  auto ring = IpKeyRing::Open(path_, kDay, clock_);
  ASSERT_FALSE(ring.ok());
  EXPECT_EQ(ring.status().code(), base::StatusCode::kPermissionDenied);
  EXPECT_NE(ring.status().message().find(path_), std::string::npos) << ring.status().message();
  EXPECT_NE(ring.status().message().find("chmod 600"), std::string::npos);
}

TEST_F(IpKeyRingTest, RefusesBrokenFilesAndAnotherPeriodLength) {
  ASSERT_NE(MustOpen(), nullptr);
  auto other_period = IpKeyRing::Open(path_, std::chrono::hours(1), clock_);
  EXPECT_EQ(other_period.status().code(), base::StatusCode::kFailedPrecondition);
  {
    std::ofstream out(path_, std::ios::trunc);
    out << "not a key\n";
  }
  EXPECT_EQ(IpKeyRing::Open(path_, kDay, clock_).status().code(),
            base::StatusCode::kFailedPrecondition);
  EXPECT_EQ(IpKeyRing::Open(path_, std::chrono::seconds(1), clock_).status().code(),
            base::StatusCode::kInvalidArgument);
}

TEST_F(IpKeyRingTest, RatchetsForwardEveryPeriodAndForgetsOlderKeys) {
  auto ring = MustOpen();
  ASSERT_NE(ring, nullptr);
  const IpKeyRing::Keys day0 = ring->Now();
  clock_->Advance(kDay);
  const IpKeyRing::Keys day1 = ring->Now();
  EXPECT_EQ(day1.period, day0.period + 1);
  EXPECT_NE(day1.current, day0.current);
  EXPECT_EQ(day1.previous, day0.current);  // bans of day 0 still match on day 1
  clock_->Advance(kDay);
  const IpKeyRing::Keys day2 = ring->Now();
  EXPECT_EQ(day2.previous, day1.current);
  EXPECT_EQ(FileMode(), 0600u);

  // The rewritten file holds day 1's key and nothing older: a node (or a
  // thief) starting from it gets days 1 and 2, and no ratchet step from
  // there ever gives day 0's key back.
  const auto hex = [](std::string_view bytes) {
    std::string out;
    for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
    return out;
  };
  EXPECT_NE(FileText().find(hex(day1.current)), std::string::npos) << FileText();
  EXPECT_EQ(FileText().find(hex(day0.current)), std::string::npos);
  EXPECT_EQ(FileText().find(hex(day0.previous)), std::string::npos);
  auto from_file = MustOpen();
  ASSERT_NE(from_file, nullptr);
  const IpKeyRing::Keys read = from_file->Now();
  EXPECT_EQ(read.current, day2.current);
  EXPECT_EQ(read.previous, day1.current);
  std::string key = read.previous;
  for (int step = 0; step < 1000; ++step) {
    ASSERT_NE(key, day0.current);
    ASSERT_NE(key, day0.previous);
    key = IpKeyRing::Next(key);
  }

  // A node that was stopped for a week catches up on start.
  clock_->Advance(7 * kDay);
  auto late = MustOpen();
  ASSERT_NE(late, nullptr);
  std::string expected = day2.current;
  for (int i = 0; i < 7; ++i) expected = IpKeyRing::Next(expected);
  EXPECT_EQ(late->Now().current, expected);
  EXPECT_EQ(ring->Now().current, expected);
}

TEST_F(IpKeyRingTest, WithoutAFileTheKeyLivesInMemoryOnly) {
  auto a = IpKeyRing::Open("", kDay, clock_);
  auto b = IpKeyRing::Open("", kDay, clock_);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE((*a)->Now().current, (*b)->Now().current);
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

}  // namespace
}  // namespace commentd::comments
