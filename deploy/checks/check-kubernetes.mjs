// Validates Kubernetes manifests for statelock:
//  1. every document against the Kubernetes OpenAPI schema (kubernetes-models' validators:
//     types, required fields, enums, formats);
//  2. no unknown fields anywhere, by type-checking each document with the TypeScript compiler
//     against kubernetes-models' declarations (excess property checks) — a misspelt or misplaced
//     field fails instead of being dropped silently by the API server;
//  3. what a statelock deployment needs (replicas, probes, resources, non-root read-only root
//     filesystem, grace period longer than the drain, one port, PDB, IRSA, NetworkPolicy, policy
//     ConfigMap, DynamoDB + S3 + JWT settings).
//
//   node check-kubernetes.mjs [--partial] FILE...
// FILEs hold one or more YAML documents (e.g. `kubectl kustomize` output). --partial checks each
// document alone (1 and 2, and 3 for what a lone document shows), for manifests not rendered together.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import ts from "typescript";

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const partial = argv.includes("--partial");
const files = argv.filter((a) => !a.startsWith("--"));
if (files.length === 0) {
  console.error("usage: node check-kubernetes.mjs [--partial] FILE...");
  process.exit(2);
}

const failures = [];
let checks = 0;
const check = (ok, what) => {
  checks++;
  if (!ok) failures.push(what);
  return ok;
};

// --- read the documents -------------------------------------------------------------------------
const docs = [];
for (const file of files) {
  const all = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"), { uniqueKeys: true, strict: true });
  for (const d of all) {
    if (d.errors.length) {
      check(false, `${file}: YAML error: ${d.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const obj = d.toJS();
    if (obj == null) continue;
    const where = `${path.basename(file)}: ${obj.kind ?? "?"}/${obj.metadata?.name ?? "?"}`;
    docs.push({ obj, where, file });
  }
}
check(docs.length > 0, "no documents");

// --- 1. schema validation --------------------------------------------------------------------------
const modulePath = (apiVersion, kind) => {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return `kubernetes-models/${group ? `${group}/` : ""}${version}/${kind}`;
};
for (const d of docs) {
  const { apiVersion, kind } = d.obj;
  if (!check(typeof apiVersion === "string" && typeof kind === "string", `${d.where}: apiVersion and kind are required`)) continue;
  d.module = modulePath(apiVersion, kind);
  let Model;
  try {
    Model = (await import(d.module))[kind];
  } catch {
    check(false, `${d.where}: unknown apiVersion/kind ${apiVersion} ${kind}`);
    d.module = undefined;
    continue;
  }
  try {
    new Model(d.obj).validate();
    checks++;
  } catch (e) {
    check(false, `${d.where}: schema: ${e.message}`);
  }
}

// --- 2. no unknown fields: TypeScript excess property checks ------------------------------------------
{
  const known = docs.filter((d) => d.module);
  const lines = [];
  known.forEach((d, i) => {
    lines.push(`import type { I${d.obj.kind} as T${i} } from "${d.module}";`);
  });
  known.forEach((d, i) => {
    d.line = lines.length + 1;
    lines.push(`export const doc${i}: T${i} = ${JSON.stringify(d.obj)};`);
  });
  const tmp = fs.mkdtempSync(path.join(here, ".tscheck-"));
  const file = path.join(tmp, "manifests.ts");
  try {
    fs.writeFileSync(file, lines.join("\n") + "\n");
    const program = ts.createProgram([file], {
      strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2020, lib: ["lib.es5.d.ts"],
      module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).filter((x) => x.file?.fileName === file || !x.file);
    for (const diag of diagnostics) {
      const line = diag.file ? diag.file.getLineAndCharacterOfPosition(diag.start).line + 1 : 0;
      const d = known.find((k) => k.line === line);
      const text = ts.flattenDiagnosticMessageText(diag.messageText, " ");
      check(false, `${d ? d.where : "manifests"}: type check: ${text.length > 400 ? text.slice(0, 400) + "…" : text}`);
    }
    checks++;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// --- 3. what a statelock deployment needs (each FILE is one set, e.g. one rendered overlay) -----------
let setFile;
const ofKind = (kind) => docs.filter((d) => d.file === setFile && d.obj.kind === kind).map((d) => d.obj);
const subset = (sel, labels) => sel && Object.keys(sel).length > 0 &&
  Object.entries(sel).every(([k, v]) => labels?.[k] === v);
const seconds = (s) => {
  const m = /^(\d+)(ms|s|m)?$/.exec(String(s ?? "").trim());
  if (!m) return NaN;
  return m[2] === "ms" ? Number(m[1]) / 1000 : m[2] === "m" ? Number(m[1]) * 60 : Number(m[1]);
};

for (setFile of files) {
  const deployments = ofKind("Deployment");
  if (!partial) {
    for (const kind of ["Deployment", "Service", "PodDisruptionBudget", "ServiceAccount", "NetworkPolicy", "ConfigMap"]) {
      check(ofKind(kind).length >= 1, `a ${kind} is missing`);
    }
  }
  for (const dep of deployments) {
    const name = `Deployment/${dep.metadata?.name}`;
    const spec = dep.spec ?? {};
    const pod = spec.template?.spec ?? {};
    const podLabels = spec.template?.metadata?.labels ?? {};
    check((spec.replicas ?? 1) >= 2, `${name}: replicas must be 2 or more`);
    check(subset(spec.selector?.matchLabels, podLabels), `${name}: selector must match the pod template's labels`);
    check(pod.securityContext?.runAsNonRoot === true, `${name}: pod securityContext.runAsNonRoot must be true`);
    check(Number(pod.securityContext?.runAsUser) > 0, `${name}: pod securityContext.runAsUser must be a non-root uid`);
    check(pod.automountServiceAccountToken === false, `${name}: automountServiceAccountToken must be false (the service never calls the Kubernetes API)`);
    const containers = pod.containers ?? [];
    check(containers.length === 1, `${name}: exactly one container expected`);
    for (const c of containers) {
      const cn = `${name} container ${c.name}`;
      const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
      const sc = c.securityContext ?? {};
      check(sc.readOnlyRootFilesystem === true, `${cn}: readOnlyRootFilesystem must be true`);
      check(sc.allowPrivilegeEscalation === false, `${cn}: allowPrivilegeEscalation must be false`);
      check((sc.capabilities?.drop ?? []).includes("ALL"), `${cn}: capabilities must drop ALL`);
      for (const r of ["cpu", "memory"]) {
        check(c.resources?.requests?.[r] !== undefined, `${cn}: resources.requests.${r} is missing`);
      }
      check(c.resources?.limits?.memory !== undefined, `${cn}: resources.limits.memory is missing`);
      const ports = c.ports ?? [];
      check(ports.length === 1 && ports[0].containerPort === 8080, `${cn}: exactly one port, 8080 (gRPC, HTTP and health share it)`);
      const probe = (p, pathWanted, what) => check(p?.httpGet?.path === pathWanted &&
          (p.httpGet.port === 8080 || p.httpGet.port === ports[0]?.name), `${cn}: ${what} must GET ${pathWanted} on the service port`);
      probe(c.livenessProbe, "/q/health/live", "livenessProbe");
      probe(c.readinessProbe, "/q/health/ready", "readinessProbe");
      // Deployment settings: bind all interfaces, DynamoDB + S3, JWT.
      const want = { QUARKUS_HTTP_HOST: "0.0.0.0", STATELOCK_STORE: "dynamodb", STATELOCK_BLOB: "s3", STATELOCK_AUTH_MODE: "jwt",
        QUARKUS_LOG_CONSOLE_JSON_ENABLED: "true" };
      for (const [k, v] of Object.entries(want)) check(env[k] === v, `${cn}: env ${k} must be ${v}, got ${env[k]}`);
      for (const k of ["STATELOCK_DYNAMODB_TABLE", "STATELOCK_DYNAMODB_AUDIT_TABLE", "STATELOCK_S3_BUCKET", "MP_JWT_VERIFY_PUBLICKEY_LOCATION", "MP_JWT_VERIFY_ISSUER",
        "MP_JWT_VERIFY_AUDIENCES", "STATELOCK_AUTH_POLICY_FILE", "QUARKUS_DYNAMODB_AWS_REGION"]) {
        check(typeof env[k] === "string" && env[k].length > 0, `${cn}: env ${k} must be set`);
      }
      check(env.STATELOCK_DYNAMODB_CREATE_TABLE !== "true", `${cn}: the service must not create the table (deploy/terraform does; no CreateTable in its IAM policy)`);
      check(env.STATELOCK_AUTH_ALLOW_INSECURE === undefined, `${cn}: STATELOCK_AUTH_ALLOW_INSECURE must not be set`);
      check(!Object.keys(env).some((k) => /SECRET|ACCESS_KEY|PASSWORD|TOKEN/.test(k)), `${cn}: no credentials in env (IRSA provides them)`);
      // Graceful termination longer than the drain.
      const drain = (Number.isNaN(seconds(env.QUARKUS_SHUTDOWN_TIMEOUT)) ? 10 : seconds(env.QUARKUS_SHUTDOWN_TIMEOUT));
      const cmd = c.lifecycle?.preStop?.exec?.command ?? [];
      const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? (cmd[0] === "sleep" ? Number(cmd[1]) : 0);
      check(Number(pod.terminationGracePeriodSeconds ?? 30) > drain + preStop,
        `${cn}: terminationGracePeriodSeconds (${pod.terminationGracePeriodSeconds ?? 30}) must exceed preStop (${preStop}) + quarkus.shutdown.timeout (${drain})`);
      // The only writable places are volumes; the policy file comes from a mounted ConfigMap.
      const mounts = c.volumeMounts ?? [];
      check(mounts.some((m) => m.mountPath === "/tmp"), `${cn}: /tmp must be a writable volume (the root filesystem is read-only)`);
      const policyFile = env.STATELOCK_AUTH_POLICY_FILE ?? "";
      const policyMount = mounts.find((m) => policyFile.startsWith(m.mountPath.replace(/\/?$/, "/")));
      const policyVolume = (pod.volumes ?? []).find((v) => v.name === policyMount?.name);
      if (check(policyVolume?.configMap?.name, `${cn}: ${policyFile} must be inside a mounted ConfigMap volume`) && !partial) {
        const cm = ofKind("ConfigMap").find((m) => m.metadata?.name === policyVolume.configMap.name);
        const key = policyFile.slice(policyMount.mountPath.replace(/\/?$/, "/").length);
        check(cm && typeof cm.data?.[key] === "string", `${cn}: ConfigMap ${policyVolume.configMap.name} must hold ${key}`);
      }
    }
    if (!partial) {
      const sa = ofKind("ServiceAccount").find((s) => s.metadata?.name === pod.serviceAccountName);
      check(sa, `${name}: its ServiceAccount ${pod.serviceAccountName} is missing`);
      check(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(sa?.metadata?.annotations?.["eks.amazonaws.com/role-arn"] ?? ""),
        `${name}: ServiceAccount ${pod.serviceAccountName} needs an IRSA annotation eks.amazonaws.com/role-arn with a role ARN`);
      const services = ofKind("Service").filter((s) => subset(s.spec?.selector, podLabels));
      check(services.length === 1, `${name}: exactly one Service must select its pods, got ${services.length}`);
      for (const s of services) {
        const sp = s.spec.ports ?? [];
        const cport = containers[0]?.ports?.[0];
        check(sp.length === 1 && (sp[0].targetPort === cport?.name || sp[0].targetPort === cport?.containerPort),
          `Service/${s.metadata.name}: exactly one port, targeting the container's port`);
      }
      const pdbs = ofKind("PodDisruptionBudget").filter((p) => subset(p.spec?.selector?.matchLabels, podLabels));
      check(pdbs.length === 1, `${name}: exactly one PodDisruptionBudget must select its pods`);
      for (const p of pdbs) {
        const ok = p.spec.maxUnavailable !== undefined ? Number(p.spec.maxUnavailable) >= 1 && Number(p.spec.maxUnavailable) < (spec.replicas ?? 1)
          : Number(p.spec.minAvailable) >= 1 && Number(p.spec.minAvailable) < (spec.replicas ?? 1);
        check(ok, `PodDisruptionBudget/${p.metadata.name}: must keep at least one pod and still allow one eviction`);
      }
      const nps = ofKind("NetworkPolicy").filter((n) => subset(n.spec?.podSelector?.matchLabels, podLabels));
      check(nps.length >= 1, `${name}: no NetworkPolicy selects its pods`);
      for (const n of nps) {
        check((n.spec.policyTypes ?? []).includes("Ingress") && (n.spec.policyTypes ?? []).includes("Egress"),
          `NetworkPolicy/${n.metadata.name}: must restrict both Ingress and Egress`);
        const cport = containers[0]?.ports?.[0];
        check((n.spec.ingress ?? []).some((r) => (r.ports ?? []).some((p) => p.port === cport?.name || p.port === cport?.containerPort)),
          `NetworkPolicy/${n.metadata.name}: must admit the service port`);
      }
    }
  }
}

if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  console.error(`kubernetes: ${failures.length} of ${checks} checks failed`);
  process.exit(1);
}
console.log(`kubernetes: ${docs.length} documents valid, ${checks} checks passed`);
