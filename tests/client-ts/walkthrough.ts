// A TypeScript integrator's walk through claimdesk, typed end to end by
// `openapi-typescript` (schema.d.ts, generated from the served document) and
// called through `openapi-fetch`: sign in, create users, store an article and
// read the claims extracted from it, take one claim to verified with sources
// and a verdict, read its history and its ClaimReview, then the errors an
// integrator has to handle (401, 412 with `current_version`, 422 with
// `errors`). Type-checked with `tsc --strict` and run against a live server
// by .ci/client-ts; CLAIMDESK_URL and CLAIMDESK_ADMIN_PASSWORD must be set.
//
// It is written the way the contract reads: a field the server always sends
// is used directly, and every response type comes from the schema.

import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Schemas = components["schemas"];
type Claim = Schemas["ClaimResponse"];
type Verdict = Schemas["VerdictResponse"];
type Problem = Schemas["Problem"];
type MatchKind = Schemas["MatchReason"]["kind"];
type Api = Client<paths>;

const BASE = requiredEnv("CLAIMDESK_URL");
const ADMIN_PASSWORD = requiredEnv("CLAIMDESK_ADMIN_PASSWORD");
const PASSWORD = "a long typescript passphrase";

const ARTICLE = {
  title: "Water main bursts",
  body:
    "The water board said 2,400 households lost supply on Tuesday. " +
    "Repairs to the 40-year-old main will cost about $3.2m, according to the city.",
  url: "https://news.example.org/2026/water-main",
  published_at: "2026-11-24T08:00:00Z",
};
const FIRST_CLAIM = "The water board said 2,400 households lost supply on Tuesday.";

// ---------------------------------------------------------------- helpers

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

function equal<T>(actual: T, expected: T, what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** An Error that names the request and carries the problem document. */
function failed(what: string, response: Response, problem: Problem): Error {
  return new Error(`${what}: HTTP ${response.status} ${problem.title}: ${problem.detail} ${JSON.stringify(problem)}`);
}

/** The error an expected failure did not produce. */
function unexpectedSuccess(what: string, response: Response): Error {
  return new Error(`${what}: expected an error, got HTTP ${response.status}`);
}

function first<T>(items: readonly T[], what: string): T {
  const item = items[0];
  if (item === undefined) throw new Error(`${what}: empty`);
  return item;
}

function step(title: string): void {
  console.log(`-- ${title}`);
}

const anonymous: Api = createClient<paths>({ baseUrl: BASE });

async function signIn(email: string, password: string): Promise<Api> {
  const { data, error, response } = await anonymous.POST("/api/v1/auth/login", { body: { email, password } });
  if (error) throw failed(`sign in with ${email}`, response, error);
  equal(data.token_type, "Bearer", "token_type");
  return createClient<paths>({ baseUrl: BASE, headers: { Authorization: `Bearer ${data.access_token}` } });
}

async function createUser(
  admin: Api,
  email: string,
  role: Schemas["RoleName"],
): Promise<{ user: Schemas["UserResponse"]; api: Api }> {
  const display_name = email.split("@")[0] ?? email;
  const { data, error, response } = await admin.POST("/api/v1/users", {
    body: { email, display_name, password: PASSWORD, role },
  });
  if (error) throw failed(`create ${email}`, response, error);
  equal(response.status, 201, "create user status");
  equal(data.role, role, "role");
  return { user: data, api: await signIn(email, PASSWORD) };
}

async function move(api: Api, claim: Claim, body: Schemas["TransitionRequest"], ifMatch?: string): Promise<Claim> {
  const { data, error, response } = await api.POST("/api/v1/claims/{id}/transitions", {
    params: { path: { id: claim.id }, header: ifMatch === undefined ? {} : { "If-Match": ifMatch } },
    body,
  });
  if (error) throw failed(`move ${claim.id} to ${body.to}`, response, error);
  equal(data.status, body.to, "status after the move");
  return data;
}

/** Who is quoted, for a fact-check page. */
function byline(claim: Claim): string {
  return claim.claimant === null ? "unattributed" : claim.claimant;
}

/** The verdict line of a fact-check page; null while there is none. */
function verdictLine(verdict: Verdict | null): string | null {
  if (verdict === null) return null;
  const approval: string = verdict.approved_by === null ? "awaiting approval" : `approved by ${verdict.approved_by}`;
  return `${verdict.rating}: ${verdict.summary} (${approval})`;
}

const MATCH_LABELS: Record<MatchKind, string> = {
  shared_quantity: "same number",
  shared_terms: "same rare words",
  same_claimant: "same claimant",
  different_quantity: "another number",
  different_names: "other names",
  different_detail: "a detail swapped",
  opposite_direction: "opposite direction",
  similar_meaning: "same meaning",
};

// ---------------------------------------------------------------- the walk

step("sign in, and a 401 names its scheme");
const admin = await signIn("admin@localhost", ADMIN_PASSWORD);
{
  const { data, error, response } = await admin.GET("/api/v1/me");
  if (error) throw failed("me", response, error);
  equal(data.role, "admin", "admin role");
  equal(data.email, "admin@localhost", "admin email");
}
{
  const { data, error, response } = await anonymous.GET("/api/v1/me");
  if (data) throw unexpectedSuccess("me without a token", response);
  equal(response.status, 401, "anonymous status");
  equal(error.status, 401, "problem status");
  check(response.headers.get("WWW-Authenticate")?.startsWith("Bearer") === true, "401 carries WWW-Authenticate: Bearer");
}

step("users: a checker and two editors");
const checker = await createUser(admin, "ts-checker@example.org", "checker");
const editor = await createUser(admin, "ts-editor@example.org", "editor");
const approver = await createUser(admin, "ts-editor2@example.org", "editor");

step("an article, with the claims extracted from it");
const article = await (async () => {
  const { data, error, response } = await checker.api.POST("/api/v1/articles", { body: ARTICLE });
  if (error) throw failed("create the article", response, error);
  equal(response.status, 201, "article status");
  return data;
})();
equal(article.title, ARTICLE.title, "article title");
equal(article.url, ARTICLE.url, "article url");
equal(article.claims.length, 2, "extracted claims");
const claim = first(article.claims, "claims");
equal(claim.text, FIRST_CLAIM, "first claim");
equal(claim.status, "unverified", "new claim status");
equal(claim.article_id, article.id, "claim article");
equal(byline(claim), "The water board", "claimant");
equal(claim.assignee_id, null, "new claims have no assignee");
equal(verdictLine(claim.verdict), null, "new claims have no verdict");
check(claim.anchored && claim.start === 0, "first claim is anchored at the start of the body");
const households = first(claim.quantities, "quantities");
equal([households.value, households.unit], [2400, "households"], "quantity");

step("the checker takes the claim and adds sources");
const started = await move(checker.api, claim, { to: "in_progress" });
equal(started.assignee_id, checker.user.id, "the checker took the claim");
const sources: Schemas["AddSource"][] = [
  {
    url: "https://Water.Example.org:443/incident-report",
    stance: "supports",
    title: "Incident report",
    publisher: "Water board",
  },
  {
    url: "https://stats.example.gov/outages/2026-11",
    stance: "refutes",
    title: "Outage statistics",
    note: "Counts 2,150 households.",
  },
];
for (const body of sources) {
  const { data, error, response } = await checker.api.POST("/api/v1/claims/{id}/sources", {
    params: { path: { id: claim.id } },
    body,
  });
  if (error) throw failed(`add ${body.url}`, response, error);
  equal(response.status, 201, "source status");
  equal([data.claim_id, data.stance, data.created_by], [claim.id, body.stance, checker.user.id], "source");
}
const urls = ["https://stats.example.gov/outages/2026-11", "https://water.example.org/incident-report"];
{
  const { data, error, response } = await checker.api.GET("/api/v1/claims/{id}/sources", {
    params: { path: { id: claim.id } },
  });
  if (error) throw failed("list sources", response, error);
  equal(data.items.map((source) => source.normalized_url).sort(), urls, "sources, normalised");
}

step("the checker proposes a verdict; an editor who did not propose it approves");
const verdict: Schemas["VerdictRequest"] = {
  rating: "mostly_true",
  summary: "The board's log lists 2,400 homes; the statistics office counts 2,150.",
};
const proposed = await move(checker.api, started, { to: "in_review", verdict });
check(proposed.verdict !== null, "a claim in review has a verdict");
equal([proposed.verdict.rating, proposed.verdict.proposed_by], [verdict.rating, checker.user.id], "proposed verdict");
equal(verdictLine(proposed.verdict), `${verdict.rating}: ${verdict.summary} (awaiting approval)`, "verdict line");
{
  const { data, error, response } = await checker.api.POST("/api/v1/claims/{id}/transitions", {
    params: { path: { id: claim.id } },
    body: { to: "verified" },
  });
  if (data) throw unexpectedSuccess("a checker approving", response);
  equal([response.status, error.status], [403, 403], "a checker may not approve");
}
// Approve only the version just read: If-Match with the bare version number.
const verified = await move(approver.api, proposed, { to: "verified" }, String(proposed.version));
check(verified.verdict !== null, "a verified claim has a verdict");
equal(verified.verdict.approved_by, approver.user.id, "approved by the second editor");
check(verified.verdict.approved_at !== null, "approval time");
equal(
  verdictLine(verified.verdict),
  `${verdict.rating}: ${verdict.summary} (approved by ${approver.user.id})`,
  "verdict line after approval",
);

step("history: typed events, oldest first");
{
  const { data, error, response } = await editor.api.GET("/api/v1/claims/{id}/history", {
    params: { path: { id: claim.id } },
  });
  if (error) throw failed("history", response, error);
  const moves: string[] = [];
  const stances: string[] = [];
  let createdText = "";
  let proposedRating = "";
  for (const event of data.items) {
    equal(event.claim_id, claim.id, "event claim");
    switch (event.kind) {
      case "created":
        createdText = event.data.text;
        equal(event.actor_id, checker.user.id, "created by the checker");
        break;
      case "transitioned":
        moves.push(`${event.data.from}->${event.data.to}`);
        if (event.data.verdict !== null && event.data.to === "in_review") proposedRating = event.data.verdict.rating;
        break;
      case "source_added":
        stances.push(event.data.source.stance);
        break;
      case "edited":
        throw new Error(`unexpected edit of ${event.data.fields.map((field) => field.name).join(", ")}`);
      default:
        throw new Error(`unexpected event ${event.kind}`);
    }
  }
  equal(createdText, FIRST_CLAIM, "created event text");
  equal(moves, ["unverified->in_progress", "in_progress->in_review", "in_review->verified"], "transitions");
  equal(stances, ["supports", "refutes"], "sources in history");
  equal(proposedRating, verdict.rating, "the proposed verdict in history");
}

step("ClaimReview: typed fields");
{
  const { data: review, error, response } = await editor.api.GET("/api/v1/claims/{id}/claimreview", {
    params: { path: { id: claim.id } },
  });
  if (error) throw failed("claimreview", response, error);
  equal(response.headers.get("content-type"), "application/ld+json", "ClaimReview media type");
  equal(review["@type"], "ClaimReview", "@type");
  equal(review.claimReviewed, FIRST_CLAIM, "claimReviewed");
  equal(review.reviewBody, verdict.summary, "reviewBody");
  const rating: string = review.reviewRating.alternateName;
  equal(rating, "Mostly true", "reviewRating.alternateName");
  equal(
    [review.reviewRating.ratingValue, review.reviewRating.worstRating, review.reviewRating.bestRating],
    [4, 1, 5],
    "mostly true on the 1..5 scale",
  );
  equal(review.itemReviewed.appearance?.url, ARTICLE.url, "itemReviewed.appearance");
  equal(review.citation.map((work) => work.url).sort(), urls, "citation");
}

step("the same claim in another article points at the verified one");
{
  const { data, error, response } = await editor.api.POST("/api/v1/articles", {
    body: { title: "Outage follow-up", body: `${FIRST_CLAIM} Crews worked overnight.` },
  });
  if (error) throw failed("create the second article", response, error);
  const repeat = first(data.claims, "claims of the second article");
  // Matching runs moments after the write (docs/tracking.md): read it again.
  let already = repeat.similar_verified;
  for (let attempt = 0; already === null && attempt < 50; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await editor.api.GET("/api/v1/claims/{id}", { params: { path: { id: repeat.id } } });
    if (again.error) throw failed("read the repeat", again.response, again.error);
    already = again.data.similar_verified;
  }
  check(already !== null, "the repeat has similar_verified within 5 s");
  equal([already.claim_id, already.rating], [claim.id, verdict.rating], "similar_verified");
  const similar = await editor.api.GET("/api/v1/claims/{id}/similar", { params: { path: { id: repeat.id } } });
  if (similar.error) throw failed("similar", similar.response, similar.error);
  const best = first(similar.data.items, "similar claims");
  equal(best.claim_id, claim.id, "best match");
  const reasons: string[] = best.reasons.map((reason) => {
    const label: string = MATCH_LABELS[reason.kind];
    return label;
  });
  check(reasons.includes(MATCH_LABELS.shared_quantity), `shared quantity among ${reasons.join(", ")}`);
}

step("a stale If-Match is 412 with current_version");
{
  const second = article.claims[1];
  if (second === undefined) throw new Error("the article has no second claim");
  const stale = String(second.version);
  const { data: edited, error, response } = await editor.api.PATCH("/api/v1/claims/{id}", {
    params: { path: { id: second.id }, header: { "If-Match": stale } },
    body: { claimant: "the city engineer" },
  });
  if (error) throw failed("edit the claimant", response, error);
  equal(edited.version, second.version + 1, "version after the edit");
  equal(response.headers.get("ETag"), `"${edited.version}"`, "ETag after the edit");
  equal(byline(edited), "the city engineer", "edited claimant");
  const again = await editor.api.PATCH("/api/v1/claims/{id}", {
    params: { path: { id: second.id }, header: { "If-Match": stale } },
    body: { claimant: "the mayor" },
  });
  if (again.data) throw unexpectedSuccess("a stale If-Match", again.response);
  equal([again.response.status, again.error.status], [412, 412], "stale If-Match");
  equal(again.error.current_version, edited.version, "current_version");
}

step("an invalid body is 422 with errors");
{
  const { data, error, response } = await editor.api.POST("/api/v1/articles", {
    body: { title: "", body: "Ministers said 40 schools will open." },
  });
  if (data) throw unexpectedSuccess("an empty title", response);
  equal(response.status, 422, "empty title status");
  equal(response.headers.get("content-type"), "application/problem+json", "problem media type");
  const broken = first(error.errors, "errors of an empty title");
  equal(broken.field, "title", "errors[0].field");
  check(broken.message.length > 0, "errors[0].message");
}
{
  // A client older than the server's enum: the typed body is replaced on the
  // wire by a status this server does not know.
  const { data, error, response } = await editor.api.POST("/api/v1/claims/{id}/transitions", {
    params: { path: { id: claim.id } },
    body: { to: "in_progress", note: "reopen" },
    bodySerializer: () => JSON.stringify({ to: "archived", note: "reopen" }),
  });
  if (data) throw unexpectedSuccess("an unknown status", response);
  equal(response.status, 422, "unknown status");
  equal(first(error.errors, "errors of an unknown status").field, "to", "errors[0].field");
}

console.log("TypeScript client walkthrough: every step passed");
