// Who may write: author names (reserved, look-alike, refused by the engine)
// and bans by name, look-alike name and address.
#pragma once

#include <gtest/gtest.h>

#include "comments/service_test_fixture.h"

namespace commentd::comments::testing {

TEST_P(CommentServiceTest, BanRefusesNewPostsFromTheAuthorNameAndAddress) {
  AddModerator();
  PostRequest spam = Request("Totally normal comment from a spammer.", "spammer");
  spam.ip = "198.51.100.9";
  const PostResult posted = MustPost(spam);
  const auto results = MustAct(ModAction::kBan, {posted.comment.id}, "repeat advertiser");
  ASSERT_EQ(results.size(), 1u);
  ASSERT_TRUE(results[0].status.ok()) << results[0].status.ToString();
  EXPECT_EQ(store_->GetComment(posted.comment.id)->state, CommentState::kDeleted);

  auto same_name = services_.comments->Post(Request(kCleanText, "spammer"));
  EXPECT_EQ(same_name.status().code(), base::StatusCode::kPermissionDenied);
  PostRequest same_ip = Request(kCleanText, "new-identity");
  same_ip.ip = "198.51.100.9";
  EXPECT_EQ(services_.comments->Post(same_ip).status().code(), base::StatusCode::kPermissionDenied);
  PostRequest innocent = Request(kCleanText, "someone-else");
  innocent.ip = "192.0.2.1";
  EXPECT_TRUE(services_.comments->Post(innocent).ok());
}

TEST_P(CommentServiceTest, ABannedAuthorIsRefusedUnderLookAlikeNames) {
  AddModerator();
  PostRequest spam = Request("Totally normal comment from a spammer.", "Spammer");
  spam.ip = "198.51.100.9";
  const PostResult posted = MustPost(spam);
  ASSERT_TRUE(MustAct(ModAction::kBan, {posted.comment.id}, "advertiser").at(0).status.ok());
  int n = 0;
  for (std::string_view name : {
           "spammer", "SPAMMER", " Spammer",
           "Spam\u200Bmer",                               // zero-width space
           "\u0405\u0440\u0430mm\u0435r",                 // Cyrillic S, r, a, e
           "Spammer\u00A0", "\u00A0Spammer",              // NBSP
           "\uFF33\uFF50\uFF41\uFF4D\uFF4D\uFF45\uFF52",  // fullwidth
       }) {
    SCOPED_TRACE(name);
    PostRequest again = Request(kCleanText, std::string(name));
    again.ip = fmt::format("192.0.2.{}", ++n);  // a fresh address each time
    EXPECT_EQ(services_.comments->Post(again).status().code(), base::StatusCode::kPermissionDenied);
  }
  PostRequest other = Request(kCleanText, "Spammerin");
  other.ip = "192.0.2.200";
  EXPECT_TRUE(services_.comments->Post(other).ok());
}

TEST_P(CommentServiceTest, ReservedNamesAndTheirLookAlikesAreRefusedNamingTheAuthorField) {
  AddModerator("alice.kim");
  for (std::string_view name :
       {"admin", "Moderator", "ENGINE", "author", "Adm\u0456n", "\uFF41\uFF44\uFF4D\uFF49\uFF4E",
        "alice.kim", "Alice.Kim", "ALICE\u200B.KIM"}) {
    SCOPED_TRACE(name);
    auto posted = services_.comments->Post(Request(kCleanText, std::string(name)));
    ASSERT_EQ(posted.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_TRUE(posted.status().message().starts_with("author:")) << posted.status().ToString();
  }
  EXPECT_TRUE(services_.comments->Post(Request(kCleanText, "alice")).ok());
  EXPECT_TRUE(services_.comments->Post(Request(kCleanText, "administrator of nothing")).ok());
  // A name of invisible characters only would show as no name at all.
  EXPECT_EQ(services_.comments->Post(Request(kCleanText, "\u200B\u2060\u202E")).status().code(),
            base::StatusCode::kInvalidArgument);
}

TEST_P(CommentServiceTest, TheSiteNameIsReservedWhenConfigured) {
  ServiceOptions options = FastOptions();
  options.reserved_names = {"Example News"};
  auto service = Services::Create(store_, clock_, DefaultEngine(), options);
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  EXPECT_EQ(service->comments->Post(Request(kCleanText, "example  NEWS")).status().code(),
            base::StatusCode::kInvalidArgument);
  EXPECT_TRUE(service->comments->Post(Request(kCleanText, "Example Newsreader")).ok());
}

TEST_P(CommentServiceTest, AnAuthorNameWithALinkOrAbuseIsRefusedWithTheReasons) {
  for (std::string_view name :
       {"www.best-casino.com", "http://spam.example.com/x", "BestCasino.Com", "fuck you"}) {
    SCOPED_TRACE(name);
    auto refusal = services_.comments->CheckAuthor(name);
    ASSERT_TRUE(refusal.ok()) << refusal.status().ToString();
    ASSERT_TRUE(refusal->has_value());
    EXPECT_FALSE((*refusal)->reasons.empty());
    EXPECT_TRUE((*refusal)->message.starts_with("author:")) << (*refusal)->message;
    auto posted = services_.comments->Post(Request(kCleanText, std::string(name)));
    ASSERT_EQ(posted.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_TRUE(posted.status().message().starts_with("author:")) << posted.status().ToString();
  }
  // Nothing was stored for the refused names.
  EXPECT_EQ(MustList(ThreadOf("nk/summit-2026")).comments.size(), 0u);
  auto fine = services_.comments->CheckAuthor("Kim Min-su");
  ASSERT_TRUE(fine.ok());
  EXPECT_FALSE(fine->has_value());
}

TEST_P(CommentServiceTest, LookAlikeAuthorNamesShareOneKey) {
  auto plain = services_.comments->AuthorKey("spammer");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*services_.comments->AuthorKey(" Spammer"), *plain);
  EXPECT_EQ(*services_.comments->AuthorKey("SPAM\u200BMER"), *plain);
  EXPECT_NE(*services_.comments->AuthorKey("spammers"), *plain);
}

TEST_P(CommentServiceTest, BannedAuthorCannotEditEarlierCommentsWithTheirEditTokens) {
  AddModerator();
  PostRequest first = Request("An ordinary first comment about the summit.", "spammer");
  const PostResult earlier = MustPost(first);
  ASSERT_EQ(earlier.comment.state, CommentState::kPublished);
  const PostResult later = MustPost(Request("Another ordinary comment, then spam.", "spammer"));
  ASSERT_TRUE(MustAct(ModAction::kBan, {later.comment.id}, "advertiser").at(0).status.ok());
  auto edited = services_.comments->Edit(earlier.comment.id, earlier.edit_token, kLinkText, "");
  EXPECT_EQ(edited.status().code(), base::StatusCode::kPermissionDenied)
      << edited.status().ToString();
  EXPECT_EQ(store_->GetComment(earlier.comment.id)->text, first.text);
}

TEST_P(CommentServiceTest, AWriterIsReadOnceAndPostedWithAsIfTheRequestNamedIt) {
  const IpHashes ip = services_.hasher->HashIp("203.0.113.7");
  auto writer = services_.comments->IdentifyWriter("  Reader Kim ", ip);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  EXPECT_EQ(writer->name(), "Reader Kim");
  EXPECT_EQ(writer->name_key(), *services_.comments->AuthorKey("Reader Kim"));
  EXPECT_FALSE(writer->refusal().has_value());
  EXPECT_EQ(writer->ip().current, ip.current);
  auto posted =
      services_.comments->Post(Request(kCleanText, "ignored: the writer names it"), *writer);
  ASSERT_TRUE(posted.ok()) << posted.status().ToString();
  EXPECT_EQ(posted->comment.author.name, "Reader Kim");
  EXPECT_EQ(posted->comment.author.ip_hash, ip.current);

  // A refused name is a value of the writer, and Post refuses it as the
  // one-argument Post does.
  auto reserved = services_.comments->IdentifyWriter("Admin", ip);
  ASSERT_TRUE(reserved.ok()) << reserved.status().ToString();
  ASSERT_TRUE(reserved->refusal().has_value());
  EXPECT_EQ(services_.comments->Post(Request(kCleanText), *reserved).status().message(),
            services_.comments->Post(Request(kCleanText, "Admin")).status().message());
  // An empty name is refused as a name (no visible character) by
  // IdentifyWriter, and as a field by Post.
  auto empty = services_.comments->IdentifyWriter("   ", ip);
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->refusal().has_value());
  EXPECT_EQ(services_.comments->Post(Request(kCleanText), *empty).status().message(),
            "author: must not be empty");
  EXPECT_EQ(services_.comments->IdentifyWriter(std::string(65, 'a'), ip).status().code(),
            base::StatusCode::kInvalidArgument);
}

}  // namespace commentd::comments::testing
