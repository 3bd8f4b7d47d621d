// Parses every .tf file of a Terraform module with a real HCL parser (@cdktf/hcl2json, the
// hcl2json Go library compiled to WebAssembly) and checks what matters for statelock:
// encryption on, public access blocked, TLS only, point-in-time recovery, deletion protection,
// the lock table's schema, and the service's IAM action list.
//
//   node check-terraform.mjs DIR [--lock-actions dynamodb:GetItem,...] [--audit-actions dynamodb:Query,...]
//
// Exits 0 and prints "terraform: N checks passed" when all hold, 1 with one line per failure.
import { parse } from "@cdktf/hcl2json";
import fs from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
const dir = args[0];
if (!dir) {
  console.error("usage: node check-terraform.mjs DIR [--lock-actions A,B,...]");
  process.exit(2);
}
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const expectedLockActions = (flag("--lock-actions") ??
  "dynamodb:BatchGetItem,dynamodb:DescribeTable,dynamodb:GetItem,dynamodb:Query,dynamodb:Scan,dynamodb:UpdateItem")
  .split(",").map((s) => s.trim()).filter(Boolean).sort();
const expectedAuditActions = (flag("--audit-actions") ??
  "dynamodb:BatchWriteItem,dynamodb:DescribeTable,dynamodb:Query,dynamodb:Scan")
  .split(",").map((s) => s.trim()).filter(Boolean).sort();

const failures = [];
let checks = 0;
const check = (ok, what) => {
  checks++;
  if (!ok) failures.push(what);
  return ok;
};

// --- parse and merge the module -------------------------------------------------------------
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".tf")).sort();
check(files.length > 0, `no .tf files in ${dir}`);
const mod = { resource: {}, data: {}, variable: {}, output: {}, locals: [], terraform: [] };
const sources = [];
for (const f of files) {
  const text = fs.readFileSync(path.join(dir, f), "utf8");
  sources.push(text);
  let json;
  try {
    json = await parse(f, text);
  } catch (e) {
    check(false, `${f}: HCL parse error: ${e.message ?? e}`);
    continue;
  }
  for (const [k, v] of Object.entries(json)) {
    if (Array.isArray(v)) mod[k] = (mod[k] ?? []).concat(v);
    else if (k === "resource" || k === "data") {
      for (const [type, byName] of Object.entries(v)) {
        mod[k][type] = mod[k][type] ?? {};
        for (const [name, body] of Object.entries(byName)) {
          check(!(name in mod[k][type]), `${k} ${type}.${name} is declared twice`);
          mod[k][type][name] = body;
        }
      }
    } else mod[k] = { ...(mod[k] ?? {}), ...v };
  }
}
if (failures.length) finish();

const locals = Object.assign({}, ...mod.locals);
const one = (blocks) => (Array.isArray(blocks) ? blocks[0] : blocks);
const res = (type, name) => {
  const r = mod.resource[type]?.[name];
  check(r !== undefined, `resource ${type}.${name} is missing`);
  return one(r) ?? {};
};
const resourcesOfType = (type) => Object.entries(mod.resource[type] ?? {}).map(([n, b]) => [n, one(b)]);
const variableDefault = (expr) => {
  const m = /^\$\{var\.([A-Za-z0-9_]+)\}$/.exec(String(expr));
  return m ? one(mod.variable[m[1]])?.default : expr;
};
const isTrue = (v) => variableDefault(v) === true;
// "${local.x}" -> the local's literal value; lists of literals stay as they are.
const resolve = (v) => {
  const m = /^\$\{local\.([A-Za-z0-9_]+)\}$/.exec(String(v));
  return m && m[1] in locals ? locals[m[1]] : v;
};

// --- every var.X used is declared ------------------------------------------------------------
for (const m of sources.join("\n").matchAll(/\bvar\.([A-Za-z0-9_]+)/g)) {
  check(m[1] in mod.variable, `var.${m[1]} is used but not declared`);
}

// --- lock table: what the service creates and uses ---------------------------------------------
const tables = resourcesOfType("aws_dynamodb_table");
const lock = res("aws_dynamodb_table", "locks");
check(lock.billing_mode === "PAY_PER_REQUEST", "lock table: billing_mode must be PAY_PER_REQUEST (on-demand)");
check(lock.hash_key === "key" && lock.range_key === undefined, "lock table: hash key must be `key` and there is no range key");
const attrs = Object.fromEntries((lock.attribute ?? []).map((a) => [a.name, a.type]));
check(attrs.key === "S" && attrs.seg === "S" && Object.keys(attrs).length === 2,
  `lock table: attributes must be exactly key (S) and seg (S), got ${JSON.stringify(attrs)}`);
const gsi = (lock.global_secondary_index ?? []).find((g) => g.name === "by-segment");
check(gsi && gsi.hash_key === "seg" && gsi.range_key === "key" && gsi.projection_type === "KEYS_ONLY",
  "lock table: global secondary index by-segment (hash seg, range key, projection KEYS_ONLY: a heartbeat must write no index entry) is missing or wrong");
check(!lock.ttl, "lock table: must have no TTL (expired records would take their fencing counters with them)");

for (const [name, t] of tables) {
  check(one(t.point_in_time_recovery)?.enabled === true, `table ${name}: point_in_time_recovery must be enabled`);
  check(one(t.server_side_encryption)?.enabled === true, `table ${name}: server_side_encryption must be enabled`);
  check(isTrue(t.deletion_protection_enabled), `table ${name}: deletion_protection_enabled must be true (by default)`);
  check((t.lifecycle ?? []).some((l) => l.prevent_destroy === true), `table ${name}: lifecycle prevent_destroy must be true`);
}
check(tables.some(([n]) => n === "audit"), "the audit table (aws_dynamodb_table.audit) is missing");

// --- state bucket -------------------------------------------------------------------------------
const buckets = resourcesOfType("aws_s3_bucket");
check(buckets.length === 1, `exactly one aws_s3_bucket expected, got ${buckets.length}`);
for (const [name] of buckets) {
  const ref = `\${aws_s3_bucket.${name}.id}`;
  const forBucket = (type) => resourcesOfType(type).filter(([, b]) => b.bucket === ref).map(([, b]) => b);
  const pab = forBucket("aws_s3_bucket_public_access_block")[0];
  check(pab && ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]
    .every((k) => pab[k] === true), `bucket ${name}: public access block with all four settings true is missing`);
  const ver = forBucket("aws_s3_bucket_versioning")[0];
  check(one(ver?.versioning_configuration)?.status === "Enabled", `bucket ${name}: versioning must be Enabled`);
  const sse = forBucket("aws_s3_bucket_server_side_encryption_configuration")[0];
  const byDefault = one(one(sse?.rule)?.apply_server_side_encryption_by_default);
  check(byDefault && byDefault.sse_algorithm, `bucket ${name}: default server-side encryption is missing`);
  check(byDefault && String(byDefault.sse_algorithm).includes("aws:kms") && String(byDefault.kms_master_key_id).includes("var.kms_key_arn"),
    `bucket ${name}: encryption must use the optional KMS key (var.kms_key_arn) when it is given`);
  const own = forBucket("aws_s3_bucket_ownership_controls")[0];
  check(one(own?.rule)?.object_ownership === "BucketOwnerEnforced", `bucket ${name}: ACLs must be disabled (BucketOwnerEnforced)`);
  const lc = forBucket("aws_s3_bucket_lifecycle_configuration")[0];
  check((lc?.rule ?? []).some((r) => r.status === "Enabled" && r.noncurrent_version_expiration),
    `bucket ${name}: a lifecycle rule expiring noncurrent versions is missing`);
  const pol = forBucket("aws_s3_bucket_policy")[0];
  const polDoc = /^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_]+)\.json\}$/.exec(String(pol?.policy));
  const stmts = polDoc ? one(mod.data.aws_iam_policy_document?.[polDoc[1]])?.statement ?? [] : [];
  check(stmts.some((s) => s.effect === "Deny" && (s.actions ?? []).includes("s3:*") &&
      (s.condition ?? []).some((c) => c.variable === "aws:SecureTransport" && c.test === "Bool" && c.values?.includes("false"))),
    `bucket ${name}: bucket policy must deny s3:* without TLS (aws:SecureTransport = false)`);
}

// --- the service's IAM policy --------------------------------------------------------------------
const svc = one(mod.data.aws_iam_policy_document?.service);
check(svc !== undefined, "data.aws_iam_policy_document.service is missing");
// A resource list built by a for expression comes out as one "${[for ...]}" string: kept as a list of it.
const statements = [...(svc?.statement ?? []),
  ...((svc?.dynamic?.statement ?? []).flatMap((d) => d.content ?? []))]
  .map((s) => (typeof s.resources === "string" ? { ...s, resources: [s.resources] } : s));
const allAllowed = [];
for (const s of statements) {
  const actions = resolve(s.actions);
  check(Array.isArray(actions), `statement ${s.sid}: actions must be a literal list (or a local holding one)`);
  if (!Array.isArray(actions)) continue;
  check((s.effect ?? "Allow") === "Allow", `statement ${s.sid}: the service policy only allows`);
  for (const a of actions) {
    allAllowed.push(a);
    check(!a.includes("*"), `statement ${s.sid}: wildcard action ${a}`);
  }
  for (const r of s.resources ?? []) check(r !== "*", `statement ${s.sid}: resource "*"`);
  check((s.resources ?? []).length > 0, `statement ${s.sid}: no resources`);
}
// DeleteItem on the lock table only for state-version items: a LeadingKeys condition naming exactly "/v/*".
const onLocks = (s) => (s.resources ?? []).some((r) => String(r).includes("aws_dynamodb_table.locks."));
const leadingKeys = (s) => (s.condition ?? []).find((c) => c.variable === "dynamodb:LeadingKeys");
const versionStmt = statements.filter((s) => onLocks(s) && leadingKeys(s));
check(versionStmt.length === 1, `exactly one statement on the lock table's state-version items expected, got ${versionStmt.length}`);
if (versionStmt.length === 1) {
  const c = leadingKeys(versionStmt[0]);
  check(JSON.stringify(resolve(versionStmt[0].actions)) === JSON.stringify(["dynamodb:DeleteItem"]),
    "the state-version statement allows exactly dynamodb:DeleteItem");
  check(c.test === "ForAllValues:StringLike" && JSON.stringify(resolve(c.values)) === JSON.stringify(["/v/*"]),
    "the state-version statement: condition ForAllValues:StringLike dynamodb:LeadingKeys [\"/v/*\"]");
  check(JSON.stringify(versionStmt[0].resources) === JSON.stringify(["${aws_dynamodb_table.locks.arn}"]),
    "the state-version statement: resource exactly the lock table");
}
const lockStmt = statements.filter((s) => onLocks(s) && !leadingKeys(s));
check(lockStmt.length === 1, `exactly one statement on the lock table expected, got ${lockStmt.length}`);
if (lockStmt.length === 1) {
  const got = [...resolve(lockStmt[0].actions)].sort();
  check(JSON.stringify(got) === JSON.stringify(expectedLockActions),
    `lock table actions must be exactly ${expectedLockActions.join(", ")}; got ${got.join(", ")}`);
  check(lockStmt[0].resources.length === 2 && lockStmt[0].resources.includes("${aws_dynamodb_table.locks.arn}")
      && lockStmt[0].resources.includes("${aws_dynamodb_table.locks.arn}/index/by-segment"),
    "lock table statement: resources must be exactly the table and its by-segment index");
}
const auditStmt = statements.filter((s) => (s.resources ?? []).some((r) => String(r).includes("aws_dynamodb_table.audit.")));
check(auditStmt.length === 1, `exactly one statement on the audit table expected, got ${auditStmt.length}`);
if (auditStmt.length === 1) {
  const got = [...resolve(auditStmt[0].actions)].sort();
  check(JSON.stringify(got) === JSON.stringify(expectedAuditActions),
    `audit table actions must be exactly ${expectedAuditActions.join(", ")}; got ${got.join(", ")}`);
  for (const a of ["dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:PutItem"]) {
    check(!got.includes(a) || expectedAuditActions.includes(a), `the audit trail is append-only: no ${a}`);
  }
}
// Terraform's own lock table (statelock.terraform-s3.dynamodb-table): a plain run's stale lock is broken there.
const onTerraformLocks = (s) => JSON.stringify(s.resources ?? []) === JSON.stringify(["${statement.value}"])
  && s.sid === "TerraformLockTable";
check(statements.filter((s) => !(onLocks(s) && leadingKeys(s)) && !onTerraformLocks(s))
    .every((s) => !(resolve(s.actions) ?? []).includes("dynamodb:DeleteItem")),
  "the service policy must never allow dynamodb:DeleteItem but on state-version items (fencing counters) and on Terraform's own lock table");
const lockFiles = statements.filter((s) => s.sid === "TerraformLockFiles");
check(lockFiles.length === 1 && lockFiles.every((s) => (s.resources ?? []).every((r) => String(r).includes("/*.tflock"))),
  "Terraform lock files: the statement may only reach <bucket>/*.tflock objects");
for (const forbidden of ["dynamodb:DeleteTable", "dynamodb:UpdateTimeToLive", "s3:DeleteObjectVersion", "s3:PutBucketPolicy"]) {
  check(!allAllowed.includes(forbidden), `the service policy must not allow ${forbidden}`);
}

finish();

function finish() {
  if (failures.length) {
    for (const f of failures) console.error(`FAIL ${f}`);
    console.error(`terraform: ${failures.length} of ${checks} checks failed`);
    process.exit(1);
  }
  console.log(`terraform: ${files.length} files parsed, ${checks} checks passed`);
  process.exit(0);
}
