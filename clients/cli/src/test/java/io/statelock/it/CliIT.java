package io.statelock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.statelock.testing.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives clients/bin/statelock against the real service, as a CI job would. */
class CliIT {
    static StatelockService service;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        service = StatelockService.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
    }

    Cli cli() {
        return new Cli(dir, service.addr());
    }

    static String key(String name) {
        return "it/cli/" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * True if the process exists and is not a zombie (a killed orphan stays a zombie until init
     * reaps it, which can take seconds; ProcessHandle.isAlive counts zombies as alive).
     */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String state = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 2)[0];
            return !state.equals("Z") && !state.equals("X");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static long awaitPid(Path file) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                String s = Files.readString(file).trim();
                if (!s.isEmpty()) {
                    return Long.parseLong(s);
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError(file + " never written");
    }

    static JsonObject json(String s) {
        return JsonParser.parseString(s.trim()).getAsJsonObject();
    }

    @Test
    void aWrappedTerraformOnTheHttpBackendJoinsTheWrappersLease() throws Exception {
        String key = key("wrapped");
        Path codes = dir.resolve("wrapped.codes");
        // What Terraform's http backend does with the exported TF_HTTP_* settings: LOCK, then UNLOCK.
        String child = "curl -s -o /dev/null -w '%{http_code}\\n' -X \"$TF_HTTP_LOCK_METHOD\" "
                + "-u \"$TF_HTTP_USERNAME:$TF_HTTP_PASSWORD\" -H 'Content-Type: application/json' "
                + "-d '{\"ID\":\"tf-lock-1\",\"Operation\":\"OperationTypeApply\"}' \"$TF_HTTP_LOCK_ADDRESS\" >> "
                + codes
                + " && curl -s -o /dev/null -w '%{http_code}\\n' -X \"$TF_HTTP_UNLOCK_METHOD\" "
                + "-u \"$TF_HTTP_USERNAME:$TF_HTTP_PASSWORD\" -H 'Content-Type: application/json' "
                + "-d '{\"ID\":\"tf-lock-1\"}' \"$TF_HTTP_UNLOCK_ADDRESS\" >> " + codes;
        Cli.Run run = cli().start("run", "--key", key, "--ttl", "10s", "--", "sh", "-c", child);
        assertEquals(0, run.await(Duration.ofSeconds(60)), run.toString());
        assertEquals(List.of("200", "200"), Files.readAllLines(codes), "LOCK and UNLOCK under the wrapper's lease");
    }

    @Test
    void twoConcurrentRunsSerialize() throws Exception {
        String key = key("serialize");
        Path log = dir.resolve("sections.log");
        // Each child records its critical section with nanosecond wall-clock stamps and its token.
        String child = "echo \"start $(date +%s%N) $STATELOCK_FENCING_TOKEN\" >> " + log
                + "; sleep 1.5; echo \"end $(date +%s%N) $STATELOCK_FENCING_TOKEN\" >> " + log;
        Cli.Run a = cli().start("run", "--key", key, "--ttl", "3s", "--wait", "30s", "--", "sh", "-c", child);
        Cli.Run b = cli().start("run", "--key", key, "--ttl", "3s", "--wait", "30s", "--", "sh", "-c", child);
        assertEquals(0, a.await(Duration.ofSeconds(40)), a.toString());
        assertEquals(0, b.await(Duration.ofSeconds(40)), b.toString());

        List<String> lines = Files.readAllLines(log);
        assertEquals(4, lines.size(), String.join("\n", lines));
        // Sections in time order: start, end, start, end, from the same token each time.
        List<long[]> sections = new ArrayList<>();
        for (int i = 0; i < 4; i += 2) {
            String[] s = lines.get(i).split(" ");
            String[] e = lines.get(i + 1).split(" ");
            assertEquals("start", s[0], String.join("\n", lines));
            assertEquals("end", e[0], String.join("\n", lines));
            assertEquals(s[2], e[2], "a section starts and ends under one lease");
            sections.add(new long[] {Long.parseLong(s[1]), Long.parseLong(e[1]), Long.parseLong(s[2])});
        }
        assertTrue(sections.get(0)[1] <= sections.get(1)[0], "critical sections overlap: " + lines);
        assertTrue(sections.get(1)[2] > sections.get(0)[2], "second holder has a greater fencing token");
        // Released after each run: nobody holds it now.
        JsonObject status = json(cli().run("status", key, "--json").stdout());
        assertFalse(status.get("held").getAsBoolean());
    }

    @Test
    void forceUnlockKillsChildAndGrandchildAndExits76() throws Exception {
        String key = key("force");
        Path childPid = dir.resolve("child.pid");
        Path grandchildPid = dir.resolve("grandchild.pid");
        Cli.Run run = cli().start(
                        "run",
                        "--key",
                        key,
                        "--ttl",
                        "3s",
                        "--kill-grace",
                        "5s",
                        "--",
                        "sh",
                        "-c",
                        "sleep 1000 & echo $! > " + grandchildPid + "; echo $$ > " + childPid + "; wait");
        long child = awaitPid(childPid);
        long grandchild = awaitPid(grandchildPid);
        assertTrue(alive(child) && alive(grandchild));

        Cli.Run force = cli().run("force-unlock", key, "--reason", "test: break it");
        assertEquals(0, force.code(), force.toString());
        assertTrue(force.stdout().contains("lock broken"), force.toString());

        assertEquals(76, run.await(Duration.ofSeconds(15)), run.toString());
        assertFalse(alive(child), "child stopped");
        assertFalse(alive(grandchild), "grandchild (same process group) stopped");
        assertTrue(run.stderr().contains(" lost"), run.toString());
    }

    @Test
    void childIgnoringSigtermIsKilledAfterTheGrace() throws Exception {
        String key = key("ignore-term");
        Path childPid = dir.resolve("child.pid");
        Cli.Run run = cli().start(
                        "run",
                        "--key",
                        key,
                        "--ttl",
                        "3s",
                        "--kill-grace",
                        "2s",
                        "--",
                        "sh",
                        "-c",
                        "trap '' TERM; echo $$ > " + childPid + "; while :; do sleep 0.1; done");
        long child = awaitPid(childPid);
        // t0 before the force: the running CLI may see the loss while force-unlock's own JVM is still exiting.
        long t0 = System.nanoTime();
        cli().run("force-unlock", key, "--reason", "test");
        // The loss is seen within ttl/3 (1 s); SIGKILL follows 2 s after SIGTERM.
        Thread.sleep(
                1500 - Math.min(1500, Duration.ofNanos(System.nanoTime() - t0).toMillis()));
        assertTrue(alive(child), "child ignoring SIGTERM survives until the grace runs out");
        assertEquals(76, run.await(Duration.ofSeconds(15)), run.toString());
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertFalse(alive(child));
        assertTrue(ms >= 2000, "killed only after the grace: " + ms + " ms");
        assertTrue(ms < 8000, "killed soon after the grace: " + ms + " ms");
        assertTrue(run.stderr().contains("SIGKILL"), run.toString());
    }

    @Test
    void exitCodesPropagate() throws Exception {
        String key = key("codes");
        Cli.Run ok = cli().run("run", "--key", key, "--", "sh", "-c", "test -n \"$STATELOCK_LEASE_ID\" && exit 0");
        assertEquals(0, ok.code(), ok.toString());
        Cli.Run seven = cli().run("run", "--key", key, "--", "sh", "-c", "exit 7");
        assertEquals(7, seven.code(), seven.toString());
        // After run, the lock is released even though the child failed.
        assertFalse(
                json(cli().run("status", key, "--json").stdout()).get("held").getAsBoolean());

        // 75: held by someone else, not acquired within --wait.
        Cli.Run holder = cli().run("acquire", "--key", key, "--ttl", "30s", "--owner", "other@host", "--json");
        assertEquals(0, holder.code(), holder.toString());
        Cli.Run busy = cli().run("run", "--key", key, "--", "true");
        assertEquals(75, busy.code(), busy.toString());
        assertTrue(busy.stderr().contains("held by other@host"), busy.toString());
        Cli.Run busyWait = cli().run("run", "--key", key, "--wait", "1s", "--", "true");
        assertEquals(75, busyWait.code(), busyWait.toString());
        String leaseId = json(holder.stdout()).get("lease_id").getAsString();
        assertEquals(
                0, cli().run("release", "--key", key, "--lease-id", leaseId).code());

        // 69: nothing listens there.
        Cli.Run unreachable = new Cli(dir, "127.0.0.1:" + StatelockService.freePort())
                .run("run", "--key", key, "--retry-timeout", "1s", "--", "true");
        assertEquals(69, unreachable.code(), unreachable.toString());
        // 64: usage errors, locally and as judged by the service.
        assertEquals(64, cli().run("run", "--key", key).code());
        assertEquals(64, cli().run("status").code());
        assertEquals(64, cli().run("run", "--key", "/bad/../key", "--", "true").code());
        assertEquals(64, cli().run("nonsense").code());
        // 76 from heartbeat of a lease that is gone.
        assertEquals(
                76, cli().run("heartbeat", "--key", key, "--lease-id", leaseId).code());
        for (Cli.Run r : List.of(busy, unreachable)) {
            assertFalse(r.stderr().contains("\tat "), "no stack trace: " + r);
        }
    }

    @Test
    void waitingPrintsProgressLines() throws Exception {
        String key = key("progress");
        Cli.Run holder = cli().run(
                        "acquire",
                        "--key",
                        key,
                        "--ttl",
                        "30s",
                        "--owner",
                        "ci@runner-7",
                        "--operation",
                        "apply",
                        "--json");
        String leaseId = json(holder.stdout()).get("lease_id").getAsString();
        Cli.Run waiter = cli().start(
                        "run",
                        "--key",
                        key,
                        "--wait",
                        "30s",
                        "--progress-interval",
                        "1s",
                        "--",
                        "sh",
                        "-c",
                        "echo got-it");
        Thread.sleep(4500);
        assertTrue(waiter.process.isAlive(), "still waiting: " + waiter);
        assertEquals(
                0, cli().run("release", "--key", key, "--lease-id", leaseId).code());
        assertEquals(0, waiter.await(Duration.ofSeconds(20)), waiter.toString());
        assertTrue(waiter.stdout().contains("got-it"));

        Pattern line = Pattern.compile("waiting for " + Pattern.quote(key)
                + ": held by ci@runner-7 \\(apply\\) for [0-9.]+m?s?[0-9]*s?, expires in [0-9.hms]+");
        Matcher m = line.matcher(waiter.stderr());
        int count = 0;
        while (m.find()) {
            count++;
        }
        assertTrue(count >= 2, "progress lines at a steady pace, got " + count + ":\n" + waiter.stderr());
    }

    @Test
    void acquireRerunWithItsRequestIdGetsTheSameLeaseAndWithoutOneIsRefused() throws Exception {
        String key = key("request-id");
        String[] step = {
            "acquire",
            "--key",
            key,
            "--ttl",
            "20s",
            "--owner",
            "ci@runner-7",
            "--request-id",
            "pipeline-981-apply",
            "--json"
        };
        JsonObject first = json(cli().run(step).stdout());
        JsonObject rerun = json(cli().run(step).stdout()); // the same step, re-run after a lost answer
        assertEquals(first.get("lease_id").getAsString(), rerun.get("lease_id").getAsString());
        assertEquals(
                first.get("fencing_token").getAsLong(),
                rerun.get("fencing_token").getAsLong());
        Cli.Run other = cli().run("acquire", "--key", key, "--ttl", "20s", "--owner", "ci@runner-7", "--json");
        assertEquals(75, other.code(), "same owner, no request id: a new acquire, refused while held; " + other);
        assertEquals(64, cli().run("acquire", "--key", key, "--request-id", " ").code());
        assertEquals(
                0,
                cli().run(
                                "release",
                                "--key",
                                key,
                                "--lease-id",
                                first.get("lease_id").getAsString())
                        .code());
    }

    @Test
    void jsonOutputParses() throws Exception {
        String key = key("json");
        JsonObject lease = json(cli().run(
                        "acquire",
                        "--key",
                        key,
                        "--ttl",
                        "20s",
                        "--owner",
                        "ci@runner-7",
                        "--operation",
                        "apply",
                        "--label",
                        "env=prod",
                        "--json")
                .stdout());
        String leaseId = lease.get("lease_id").getAsString();
        long fence = lease.get("fencing_token").getAsLong();
        assertEquals(key, lease.get("key").getAsString());
        assertTrue(fence > 0);
        assertEquals(20000, lease.get("ttl_ms").getAsLong());

        JsonObject hb = json(cli().run("heartbeat", "--key", key, "--lease-id", leaseId, "--json")
                .stdout());
        assertEquals(fence, hb.get("fencing_token").getAsLong());

        JsonObject status = json(cli().run("status", key, "--json").stdout());
        assertTrue(status.get("held").getAsBoolean());
        assertEquals("ci@runner-7", status.get("owner").getAsString());
        assertEquals("apply", status.getAsJsonObject("info").get("operation").getAsString());
        assertEquals(
                "prod",
                status.getAsJsonObject("info")
                        .getAsJsonObject("labels")
                        .get("env")
                        .getAsString());
        assertEquals(fence, status.get("fencing_token").getAsLong());
        Secrets.assertNoPartOf("status", status.toString(), leaseId); // the lease id is a secret: never in status

        JsonArray list = JsonParser.parseString(
                        cli().run("list", "--prefix", key, "--held", "--json").stdout())
                .getAsJsonArray();
        assertEquals(1, list.size());
        assertEquals(key, list.get(0).getAsJsonObject().get("key").getAsString());

        Cli.Run force =
                cli().run("force-unlock", key, "--reason", "json test", "--fence", Long.toString(fence), "--json");
        JsonObject forced = json(force.stdout());
        assertTrue(forced.get("released").getAsBoolean(), force.toString());
        assertEquals(
                "ci@runner-7", forced.getAsJsonObject("previous").get("owner").getAsString());

        // Forced operations are audited before they answer, so the record is there at once.
        JsonArray audit = JsonParser.parseString(cli().run("audit", "--prefix", key, "--since", "1h", "--json")
                        .stdout())
                .getAsJsonArray();
        boolean found = false;
        for (JsonElement e : audit) {
            JsonObject r = e.getAsJsonObject();
            if (r.get("action").getAsString().equals("force-release")
                    && r.get("reason").getAsString().equals("json test")) {
                assertEquals(key, r.get("key").getAsString());
                assertEquals("ci@runner-7", r.get("previous_owner").getAsString());
                found = true;
            }
        }
        assertTrue(found, "force-release with its reason in the audit trail: " + audit);
        assertEquals(64, cli().run("audit", "--since", "yesterday").code(), "bad --since is a usage error");

        JsonObject released = json(cli().run("release", "--key", key, "--lease-id", leaseId, "--json")
                .stdout());
        assertFalse(released.get("released").getAsBoolean(), "already broken");

        JsonElement empty = JsonParser.parseString(
                cli().run("list", "--prefix", key + "/none", "--json").stdout());
        assertEquals(0, empty.getAsJsonArray().size());
    }

    @Test
    void acquireTextIsShellEvaluable() throws Exception {
        String key = key("eval");
        Path out = dir.resolve("eval.out");
        String script = "set -e; eval \"$(\"$0\" acquire --key " + key + " --ttl 20s)\"; "
                + "echo \"$STATELOCK_FENCING_TOKEN\" > " + out + "; \"$0\" heartbeat >/dev/null; \"$0\" release";
        ProcessBuilder pb = new ProcessBuilder(
                        "sh", "-c", script, Cli.launcher().toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("eval.log").toFile());
        pb.environment().put("STATELOCK_ADDR", service.addr());
        Process p = pb.start();
        p.getOutputStream().close();
        assertEquals(0, p.waitFor(), Files.readString(dir.resolve("eval.log")));
        assertTrue(Long.parseLong(Files.readString(out).trim()) > 0);
        assertFalse(
                json(cli().run("status", key, "--json").stdout()).get("held").getAsBoolean());
    }

    @Test
    void sigtermToTheCliIsForwardedAndTheLockReleasedAfterTheChildExits() throws Exception {
        String key = key("sigterm");
        Path childPid = dir.resolve("child.pid");
        Path gotTerm = dir.resolve("got-term");
        Cli.Run run = cli().start(
                        "run",
                        "--key",
                        key,
                        "--ttl",
                        "5s",
                        "--",
                        "sh",
                        "-c",
                        "trap 'echo term > " + gotTerm + "; exit 3' TERM; echo $$ > " + childPid
                                + "; while :; do sleep 0.1; done");
        long child = awaitPid(childPid);
        run.process.destroy(); // SIGTERM to the CLI (the launcher execs java)
        assertEquals(3, run.await(Duration.ofSeconds(15)), run.toString());
        assertTrue(Files.exists(gotTerm), "child got the forwarded SIGTERM");
        assertFalse(alive(child));
        assertFalse(
                json(cli().run("status", key, "--json").stdout()).get("held").getAsBoolean(),
                "lock released after the child ended");
    }

    @Test
    void killingTheCliWithSigkillStillStopsTheChild() throws Exception {
        String key = key("kill9");
        Path childPid = dir.resolve("child.pid");
        Cli.Run run = cli().start(
                        "run",
                        "--key",
                        key,
                        "--ttl",
                        "3s",
                        "--kill-grace",
                        "1s",
                        "--",
                        "sh",
                        "-c",
                        "echo $$ > " + childPid + "; while :; do sleep 0.1; done");
        long child = awaitPid(childPid);
        run.process.destroyForcibly(); // SIGKILL: no handler, no shutdown hook runs
        run.await(Duration.ofSeconds(10));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (alive(child) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(alive(child), "the guard stopped the child of a killed statelock");
    }

    @Test
    void sigintWhileWaitingGivesUpWithoutRunningTheCommand() throws Exception {
        String key = key("sigint-wait");
        Cli.Run holder = cli().run("acquire", "--key", key, "--ttl", "30s", "--json");
        String leaseId = json(holder.stdout()).get("lease_id").getAsString();
        Path ran = dir.resolve("ran");
        Cli.Run waiter = cli().start("run", "--key", key, "--wait", "60s", "--", "sh", "-c", "touch " + ran);
        Thread.sleep(2500);
        new ProcessBuilder("kill", "-INT", Long.toString(waiter.process.pid()))
                .start()
                .waitFor();
        assertEquals(130, waiter.await(Duration.ofSeconds(10)), waiter.toString());
        assertFalse(Files.exists(ran), "the command never ran");
        // The holder is untouched and nobody else got the lock.
        JsonObject status = json(cli().run("status", key, "--json").stdout());
        assertTrue(status.get("held").getAsBoolean());
        assertEquals(
                json(holder.stdout()).get("fencing_token").getAsLong(),
                status.get("fencing_token").getAsLong());
        cli().run("release", "--key", key, "--lease-id", leaseId);
    }
}
