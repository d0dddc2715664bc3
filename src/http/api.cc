#include "http/api.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "http/api_io.h"
#include "http/json_codec.h"
#include "http/status_to_http.h"
#include "moderation/verdict_json.h"

namespace commentd::http {
namespace {

using nlohmann::json;

constexpr std::string_view kSessionCookie = "commentd_session";

moderation::Decision DecisionOfState(comments::CommentState state) {
  switch (state) {
    case comments::CommentState::kPublished:
      return moderation::Decision::kPublish;
    case comments::CommentState::kHeld:
      return moderation::Decision::kHold;
    case comments::CommentState::kDeleted:
      return moderation::Decision::kDelete;
  }
  return moderation::Decision::kHold;
}

// The 201/200, 202 and 422 shapes of a moderated write. `decision` is what
// happened to the submitted text: for a post, the state it was stored in;
// for an edit, the engine's verdict (a refused edit of a published comment
// leaves the comment published, and the writer must hear of the refusal).
Response WriteOutcome(const comments::PostResult& result, moderation::Decision decision,
                      const std::string& message, std::string_view edit_token, bool created) {
  const int status = DecisionToHttp(decision, created);
  switch (decision) {
    case moderation::Decision::kPublish:
      return Json(status, {{"status", "published"},
                           {"comment", PublishedCommentToJson(result.comment)},
                           {"edit_token", edit_token}});
    case moderation::Decision::kHold:
      return Json(status, {{"status", "held"},
                           {"comment_id", result.comment.id},
                           {"edit_token", edit_token},
                           {"reasons", ReasonsToJson(result.verdict.reasons)},
                           {"message", message}});
    case moderation::Decision::kDelete:
      return Json(status, {{"status", "deleted"},
                           {"comment_id", result.comment.id},
                           {"reasons", ReasonsToJson(result.verdict.reasons)},
                           {"message", message}});
  }
  return Error(base::InternalError("unknown decision"));
}

}  // namespace

Api::Api(ApiOptions options, comments::Services services, std::shared_ptr<const base::Clock> clock,
         std::shared_ptr<Metrics> metrics)
    : options_(std::move(options)),
      services_(std::move(services)),
      clock_(std::move(clock)),
      metrics_(std::move(metrics)),
      post_per_ip_(options_.post_per_ip),
      post_per_author_(options_.post_per_author),
      misc_per_ip_(options_.misc_per_ip),
      login_per_ip_(options_.login_per_ip),
      page_cache_(options_.thread_cache_ttl.count() > 0 ? options_.page_cache_bytes : 0) {}

std::vector<Route> Api::Routes() {
  auto bind = [this](Response (Api::*method)(const Request&)) {
    return [this, method](const Request& r) { return (this->*method)(r); };
  };
  return {
      {"GET", "/healthz", bind(&Api::Health)},
      {"GET", "/metrics", bind(&Api::RenderMetrics)},
      {"GET", "/api/v1/threads/:thread/comments", bind(&Api::ListThread)},
      {"POST", "/api/v1/threads/:thread/comments", bind(&Api::PostComment)},
      {"POST", "/api/v1/check", bind(&Api::Check)},
      {"PATCH", "/api/v1/comments/:id", bind(&Api::EditComment)},
      {"DELETE", "/api/v1/comments/:id", bind(&Api::DeleteComment)},
      {"POST", "/api/v1/comments/:id/report", bind(&Api::ReportComment)},
      {"GET", "/api/v1/counts", bind(&Api::Counts)},
      {"POST", "/api/v1/auth/login", bind(&Api::Login)},
      {"POST", "/api/v1/auth/logout", bind(&Api::Logout)},
      {"GET", "/api/v1/auth/me", bind(&Api::Me)},
      {"GET", "/api/v1/mod/queues/:queue", bind(&Api::ListQueue)},
      {"POST", "/api/v1/mod/actions", bind(&Api::Act)},
      {"GET", "/api/v1/mod/comments/:id/revisions", bind(&Api::Revisions)},
      {"GET", "/api/v1/mod/audit", bind(&Api::Audit)},
      {"GET", "/api/v1/mod/stats", bind(&Api::Stats)},
      {"GET", "/api/v1/mod/policy", bind(&Api::GetPolicy)},
      {"PUT", "/api/v1/mod/policy", bind(&Api::PutPolicy)},
  };
}

std::optional<Response> Api::LimitAddress(RateLimiter& limiter, std::string_view what,
                                          const Request& r) {
  return Limit(limiter, what, services_.hasher->HashIp(r.peer_ip).current);
}

std::optional<Response> Api::Limit(RateLimiter& limiter, std::string_view what,
                                   std::string_view key) {
  if (!options_.rate_limit) return std::nullopt;
  const int retry_after = limiter.Acquire(key, clock_->Now());
  if (retry_after == 0) return std::nullopt;
  Response r = Error(
      base::ResourceExhaustedError("too many {}; try again in {} seconds", what, retry_after));
  r.headers.emplace_back("Retry-After", std::to_string(retry_after));
  return r;
}

base::Result<comments::Session> Api::RequireSession(const Request& r, bool write) const {
  const std::string_view token = r.Cookie(kSessionCookie);
  if (token.empty()) {
    return base::UnauthenticatedError("no session: log in at POST /api/v1/auth/login");
  }
  COMMENTD_ASSIGN_OR_RETURN(comments::Session session, services_.accounts->Authenticate(token));
  if (write) {
    const std::string_view csrf = r.Header("x-csrf-token");
    if (csrf.empty()) return base::PermissionDeniedError("header X-CSRF-Token is required");
    COMMENTD_RETURN_IF_ERROR(comments::AccountService::CheckCsrf(session, csrf));
  }
  return session;
}

Response Api::Health(const Request&) { return Json(200, {{"status", "ok"}}); }

namespace {

bool IsLoopback(std::string_view ip) {
  return ip.rfind("127.", 0) == 0 || ip == "::1" || ip.rfind("::ffff:127.", 0) == 0;
}

// Constant time in the length of `given`, so the token is not guessed byte by byte.
bool SameToken(std::string_view given, std::string_view want) {
  unsigned char diff = given.size() == want.size() ? 0 : 1;
  for (size_t i = 0; i < given.size(); ++i) {
    diff |= static_cast<unsigned char>(given[i] ^ (want.empty() ? 0 : want[i % want.size()]));
  }
  return diff == 0;
}

}  // namespace

Response Api::RenderMetrics(const Request& r) {
  // The counters show moderator activity: loopback (a scraper on the host)
  // or the token only. A request that came through a proxy is not loopback
  // even when the proxy is.
  const std::string_view auth = r.Header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  const bool token_ok = !options_.metrics_token.empty() && auth.rfind(kBearer, 0) == 0 &&
                        SameToken(auth.substr(kBearer.size()), options_.metrics_token);
  const bool local =
      IsLoopback(r.peer_ip) && r.Header("x-forwarded-for").empty() && r.Header("forwarded").empty();
  if (!token_ok && !local) {
    return Error(base::PermissionDeniedError(
        "/metrics is served to loopback clients and to \"Authorization: Bearer <metrics_token>\""));
  }
  Response out;
  out.content_type = "text/plain; version=0.0.4; charset=utf-8";
  out.body = metrics_->Render();
  out.body += fmt::format(
      "# HELP commentd_page_cache_bytes Bytes held by the rendered thread page cache.\n"
      "# TYPE commentd_page_cache_bytes gauge\n"
      "commentd_page_cache_bytes {}\n"
      "# HELP commentd_page_cache_budget_bytes The page cache's byte budget.\n"
      "# TYPE commentd_page_cache_budget_bytes gauge\n"
      "commentd_page_cache_budget_bytes {}\n"
      "# HELP commentd_page_cache_entries Pages in the rendered thread page cache.\n"
      "# TYPE commentd_page_cache_entries gauge\n"
      "commentd_page_cache_entries {}\n",
      page_cache_.bytes(), page_cache_.budget_bytes(), page_cache_.entries());
  return out;
}

namespace {

// The thread request a GET names, parsed (so "limit=01" and "limit=1" are
// one request), or the error answer.
base::Result<comments::ThreadRequest> ParseThreadRequest(const Request& r) {
  comments::ThreadRequest req;
  req.thread = std::string(r.Param("thread"));
  COMMENTD_ASSIGN_OR_RETURN(req.limit, IntQuery(r, "limit", req.limit));
  COMMENTD_ASSIGN_OR_RETURN(req.replies, IntQuery(r, "replies", req.replies));
  req.after = std::string(r.Query("after"));
  if (r.HasQuery("sort")) {
    auto sort = comments::ParseSortOrder(r.Query("sort"));
    if (!sort.ok()) return sort.status().WithContext("query parameter 'sort'");
    req.sort = *sort;
  }
  if (r.HasQuery("parent")) req.parent = std::string(r.Query("parent"));
  return req;
}

// One cache key per distinct parsed request.
std::string CacheKey(const comments::ThreadRequest& req) {
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}{}", req.thread, req.limit, req.replies, req.after,
                     static_cast<int>(req.sort), req.parent.has_value() ? "p" : "-",
                     req.parent.value_or(""));
}

}  // namespace

Response Api::ListThread(const Request& r) {
  auto req = ParseThreadRequest(r);
  if (!req.ok()) return Error(req.status());
  // Readers of a popular article ask for the same page over and over; a
  // rendered page is reused until a write or the TTL (see ApiOptions).
  const bool cache = options_.thread_cache_ttl.count() > 0 && page_cache_.budget_bytes() > 0;
  const std::string key = CacheKey(*req);
  const uint64_t generation = write_generation_.load();
  const base::Time now = clock_->Now();
  if (cache) {
    if (auto body = page_cache_.Find(key, generation, now, options_.thread_cache_ttl)) {
      Response hit;
      hit.body = std::move(*body);
      return hit;
    }
  }
  bool cacheable = false;
  Response page = RenderThread(*req, &cacheable);
  if (cache && cacheable) page_cache_.Insert(key, page.body, generation, now);
  return page;
}

Response Api::RenderThread(const comments::ThreadRequest& req, bool* cacheable) {
  auto page = services_.comments->ListThread(req);
  if (!page.ok()) return Error(page.status());
  // Any key names a thread; keeping empty pages would let a reader fill the
  // cache with threads that do not exist.
  *cacheable = !page->comments.empty();
  json list = json::array();
  for (const auto& node : page->comments) list.push_back(ThreadNodeToJson(node));
  return Json(200, {{"thread", page->thread},
                    {"counts", {{"published", page->published_count}}},
                    {"comments", std::move(list)},
                    {"next_cursor", page->next_cursor ? json(*page->next_cursor) : json(nullptr)}});
}

Response Api::PostComment(const Request& r) {
  Response refusal;
  auto body = ParseBody(r, &refusal);
  if (!body.ok()) return refusal;
  comments::PostRequest req;
  req.thread = std::string(r.Param("thread"));
  auto author = RequiredString(*body, "author");
  if (!author.ok()) return Error(author.status());
  auto text = RequiredString(*body, "text");
  if (!text.ok()) return Error(text.status());
  auto parent = OptionalString(*body, "parent_id");
  if (!parent.ok()) return Error(parent.status());
  auto lang = OptionalString(*body, "lang");
  if (!lang.ok()) return Error(lang.status());
  req.author = std::move(*author);
  req.text = std::move(*text);
  req.parent_id = std::move(*parent);
  req.lang = lang->value_or("");
  req.ip = r.peer_ip;
  req.idempotency_key = std::string(r.Header("idempotency-key"));

  // The address is hashed and the name read once for the limits, the
  // checks and the post itself.
  comments::IpHashes ip = services_.hasher->HashIp(r.peer_ip);
  if (auto limited = Limit(post_per_ip_, "comments from this address", ip.current)) {
    return *limited;
  }
  auto writer = services_.comments->IdentifyWriter(req.author, std::move(ip));
  // Keyed on the name as readers see it: " Spammer" and "spammer" share a
  // bucket (a name that is not UTF-8 is refused just below).
  if (auto limited = Limit(post_per_author_, "comments by this author",
                           writer.ok() ? writer->name_key() : req.author)) {
    return *limited;
  }
  if (!writer.ok()) return Error(writer.status());
  // A name that may not be used is a 422 that names the field and says why,
  // in the shape of a comment the engine refused.
  if (const auto& refusal = writer->refusal()) {
    json reasons = json::array();
    for (const moderation::Reason& reason : refusal->reasons) {
      json j = moderation::ReasonToJson(reason);
      j["field"] = "author";
      reasons.push_back(std::move(j));
    }
    return Json(422, {{"status", "refused"},
                      {"field", "author"},
                      {"reasons", std::move(reasons)},
                      {"message", refusal->message},
                      {"error", {{"code", "invalid_argument"}, {"message", refusal->message}}}});
  }

  auto result = services_.comments->Post(req, *writer);
  if (!result.ok()) return Error(result.status());
  // Only a published comment changes what readers see; a held or refused
  // one leaves the cached pages right.
  if (result->comment.state == comments::CommentState::kPublished) InvalidatePages();
  if (!result->replayed) metrics_->RecordVerdict(result->verdict);
  const std::string language = PickLanguage(req.lang, r.Header("accept-language"));
  Response out = WriteOutcome(*result, DecisionOfState(result->comment.state),
                              comments::ExplainVerdict(result->verdict, language),
                              result->edit_token, /*created=*/true);
  if (result->replayed) out.headers.emplace_back("Idempotency-Replayed", "true");
  return out;
}

Response Api::Check(const Request& r) {
  Response refusal;
  auto body = ParseTextBody(r, &refusal);
  if (!body.ok()) return refusal;
  if (auto limited = LimitAddress(misc_per_ip_, "requests from this address", r)) return *limited;
  auto result = services_.comments->Check(body->text, body->language);
  if (!result.ok()) return Error(result.status());
  metrics_->RecordVerdict(result->verdict);
  json out = moderation::VerdictToJson(result->verdict);
  out["message"] = result->message;
  return Json(200, out);
}

Response Api::EditComment(const Request& r) {
  const std::string_view token = r.Header("x-edit-token");
  if (token.empty()) return Error(base::PermissionDeniedError("header X-Edit-Token is required"));
  Response refusal;
  auto body = ParseTextBody(r, &refusal);
  if (!body.ok()) return refusal;
  if (auto limited = LimitAddress(post_per_ip_, "comments from this address", r)) return *limited;
  const std::string& language = body->language;
  auto result = services_.comments->Edit(r.Param("id"), token, body->text, language);
  if (!result.ok()) return Error(result.status());
  InvalidatePages();
  metrics_->RecordVerdict(result->verdict);
  return WriteOutcome(*result, result->verdict.decision,
                      comments::ExplainVerdict(result->verdict, language, result->edit_refused),
                      token, /*created=*/false);
}

Response Api::DeleteComment(const Request& r) {
  const std::string_view token = r.Header("x-edit-token");
  if (token.empty()) return Error(base::PermissionDeniedError("header X-Edit-Token is required"));
  base::Status s = services_.comments->Delete(r.Param("id"), token);
  if (!s.ok()) return Error(s);
  InvalidatePages();
  return NoContent();
}

Response Api::ReportComment(const Request& r) {
  Response refusal;
  auto body = ParseBody(r, &refusal);
  if (!body.ok()) return refusal;
  auto reason = OptionalString(*body, "reason");
  if (!reason.ok()) return Error(reason.status());
  if (auto limited = LimitAddress(misc_per_ip_, "requests from this address", r)) return *limited;
  base::Status s = services_.comments->Report(r.Param("id"), reason->value_or(""), r.peer_ip);
  if (!s.ok()) return Error(s);
  return Json(202, {{"status", "reported"}});
}

Response Api::Counts(const Request& r) {
  if (r.Query("threads").empty()) {
    return Error(base::InvalidArgumentError(
        "query parameter 'threads' is required: a comma-separated list of thread keys"));
  }
  auto counts = services_.comments->Counts(SplitComma(r.Query("threads")));
  if (!counts.ok()) return Error(counts.status());
  json out = json::object();
  for (const auto& [thread, n] : *counts) out[thread] = n;
  return Json(200, {{"counts", std::move(out)}});
}

Response Api::Login(const Request& r) {
  Response refusal;
  auto body = ParseBody(r, &refusal);
  if (!body.ok()) return refusal;
  auto name = RequiredString(*body, "name");
  if (!name.ok()) return Error(name.status());
  auto password = RequiredString(*body, "password");
  if (!password.ok()) return Error(password.status());
  if (auto limited = LimitAddress(login_per_ip_, "login attempts from this address", r)) {
    return *limited;
  }
  auto login = services_.accounts->Login(*name, *password);
  if (!login.ok()) return Error(login.status());
  Response out = Json(200, {{"site_name", options_.site_name},
                            {"moderator", login->session.moderator},
                            {"csrf_token", login->session.csrf_token}});
  out.headers.emplace_back(
      "Set-Cookie", fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
                                kSessionCookie, login->session_token, options_.session_ttl.count(),
                                options_.secure_cookie ? "; Secure" : ""));
  return out;
}

Response Api::Logout(const Request& r) {
  const std::string_view token = r.Cookie(kSessionCookie);
  if (!token.empty()) {
    base::Status s = services_.accounts->Logout(token);
    if (!s.ok()) return Error(s);
  }
  Response out = NoContent();
  out.headers.emplace_back("Set-Cookie",
                           fmt::format("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
                                       kSessionCookie, options_.secure_cookie ? "; Secure" : ""));
  return out;
}

Response Api::Me(const Request& r) {
  auto session = RequireSession(r, /*write=*/false);
  if (!session.ok()) return Error(session.status());
  return Json(200, {{"moderator", session->moderator},
                    {"csrf_token", session->csrf_token},
                    {"site_name", options_.site_name}});
}

Response Api::ListQueue(const Request& r) {
  auto session = RequireSession(r, /*write=*/false);
  if (!session.ok()) return Error(session.status());
  auto queue = comments::ParseQueue(r.Param("queue"));
  if (!queue.ok()) {
    return Error(base::NotFoundError(
        "no queue \"{}\"; the queues are held, deleted, reported and published", r.Param("queue")));
  }
  auto limit = IntQuery(r, "limit", 50);
  if (!limit.ok()) return Error(limit.status());
  auto page = services_.desk->ListQueue(*queue, *limit, r.Query("after"));
  if (!page.ok()) return Error(page.status());
  return PageJson("comments", *page, ModCommentToJson);
}

Response Api::Act(const Request& r) {
  auto session = RequireSession(r, /*write=*/true);
  if (!session.ok()) return Error(session.status());
  Response refusal;
  auto body = ParseBody(r, &refusal);
  if (!body.ok()) return refusal;
  auto action_name = RequiredString(*body, "action");
  if (!action_name.ok()) return Error(action_name.status());
  auto action = comments::ParseModAction(*action_name);
  if (!action.ok()) return Error(action.status().WithContext("field 'action'"));
  auto ids = RequiredStringArray(*body, "comment_ids");
  if (!ids.ok()) return Error(ids.status());
  auto reason = OptionalString(*body, "reason");
  if (!reason.ok()) return Error(reason.status());
  auto revisions = OptionalRevisions(*body, "revisions");
  if (!revisions.ok()) return Error(revisions.status());
  comments::ActRequest req;
  req.action = *action;
  req.comment_ids = std::move(*ids);
  req.moderator = session->moderator;
  req.reason = reason->value_or("");
  req.revisions = std::move(*revisions);
  auto results = services_.desk->Act(req);
  if (!results.ok()) return Error(results.status());
  // One comment, edited since the moderator saw it: the request as a whole
  // conflicts with the server's state (409), and nothing changed.
  if (results->size() == 1 && results->front().stale) return Error(results->front().status);
  if (std::any_of(results->begin(), results->end(),
                  [](const comments::ActionResult& res) { return res.status.ok(); })) {
    InvalidatePages();
  }
  json list = json::array();
  for (const auto& res : *results) {
    if (res.status.ok()) {
      list.push_back({{"id", res.id}, {"ok", true}, {"revision", res.revision}});
    } else {
      json item = {{"id", res.id},
                   {"ok", false},
                   {"code", base::StatusCodeName(res.status.code())},
                   {"error", res.status.message()}};
      if (res.stale) item["stale"] = true;
      list.push_back(std::move(item));
    }
  }
  return Json(200, {{"results", std::move(list)}});
}

Response Api::Revisions(const Request& r) {
  auto session = RequireSession(r, /*write=*/false);
  if (!session.ok()) return Error(session.status());
  auto listed = services_.desk->ListRevisions(r.Param("id"));
  if (!listed.ok()) return Error(listed.status());
  json list = json::array();
  for (const auto& rev : listed->revisions) {
    list.push_back(RevisionToJson(rev, listed->comment.revision));
  }
  return Json(200,
              {{"comment", ModCommentToJson(listed->comment)}, {"revisions", std::move(list)}});
}

Response Api::Audit(const Request& r) {
  auto session = RequireSession(r, /*write=*/false);
  if (!session.ok()) return Error(session.status());
  auto limit = IntQuery(r, "limit", 50);
  if (!limit.ok()) return Error(limit.status());
  auto page = services_.desk->ListAudit(*limit, r.Query("after"));
  if (!page.ok()) return Error(page.status());
  return PageJson("entries", *page, AuditEntryToJson);
}

Response Api::Stats(const Request& r) {
  auto session = RequireSession(r, /*write=*/false);
  if (!session.ok()) return Error(session.status());
  auto days = IntQuery(r, "days", 30);
  if (!days.ok()) return Error(days.status());
  auto stats = services_.desk->Stats(*days);
  if (!stats.ok()) return Error(stats.status());
  json list = json::array();
  for (const auto& d : *stats) list.push_back(DayStatsToJson(d));
  return Json(200, {{"days", std::move(list)}});
}

namespace {

json PolicyToJson(const comments::StoredPolicy& stored, std::string_view in_force) {
  return {
      {"revision", stored.revision},
      {"toml", stored.toml},
      {"set_by", stored.revision == 0 ? json(nullptr) : json(stored.set_by)},
      {"set_at", stored.revision == 0 ? json(nullptr) : json(base::FormatRfc3339(stored.set_at))},
      {"in_force", in_force}};
}

}  // namespace

Response Api::GetPolicy(const Request& r) {
  auto session = RequireSession(r, /*write=*/false);
  if (!session.ok()) return Error(session.status());
  auto stored = services_.policy->GetPolicy();
  if (!stored.ok()) return Error(stored.status());
  const auto engine = services_.policy->engine();
  return Json(200, PolicyToJson(*stored, engine ? engine->policy().version : ""));
}

Response Api::PutPolicy(const Request& r) {
  auto session = RequireSession(r, /*write=*/true);
  if (!session.ok()) return Error(session.status());
  Response refusal;
  auto body = ParseBody(r, &refusal);
  if (!body.ok()) return refusal;
  auto toml = RequiredString(*body, "toml");
  if (!toml.ok()) return Error(toml.status());
  auto stored = services_.policy->SetPolicy(session->moderator, *toml);
  if (!stored.ok()) return Error(stored.status());
  InvalidatePages();
  const auto engine = services_.policy->engine();
  return Json(200, PolicyToJson(*stored, engine ? engine->policy().version : ""));
}

}  // namespace commentd::http
