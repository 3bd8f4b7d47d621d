package io.statelock.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.statelock.lock.port.LockTable;
import io.statelock.proto.v1.AcquireRequest;
import io.statelock.proto.v1.AcquireResponse;
import io.statelock.proto.v1.DescribeRequest;
import io.statelock.proto.v1.HeartbeatRequest;
import io.statelock.proto.v1.LockStatus;
import io.statelock.proto.v1.ReleaseRequest;
import io.statelock.state.port.BlobStore;
import io.statelock.state.port.StatePointers;
import io.statelock.testing.ChannelTest;
import io.statelock.testing.GrpcChannels;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bad-input sweep (issue 7): hundreds of malformed requests over gRPC and HTTP, each of which
 * must get its documented code (never INTERNAL, UNKNOWN or HTTP 500) with a message; afterwards the
 * service is healthy and the store, snapshotted before and after, has not changed at all. The case
 * table is written to {@code target/bad-input-sweep/}.
 */
@QuarkusTest
@TestProfile(SweepProfile.class)
class BadInputSweepTest extends ChannelTest {
    @Inject
    LockTable table;

    @Inject
    StatePointers pointers;

    @Inject
    BlobStore blobs;

    SweepFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new SweepFixture(channel, GrpcChannels.testPort()).setUp();
    }

    /** The cases this store runs. */
    List<SweepCase> cases(RawFrameCases frames) throws Exception {
        List<SweepCase> all = new ArrayList<>();
        all.addAll(LockCases.all(f));
        all.addAll(StateCases.all(f));
        all.addAll(PutStreams.all(f));
        all.addAll(RawGrpcCases.all(f));
        all.addAll(frames.all(f));
        all.addAll(HttpCases.all(f, SweepProfile.MAX_BODY));
        all.addAll(UiCases.all(f));
        return all;
    }

    @Test
    void everyMalformedRequestGetsItsDocumentedCodeAndChangesNothing() throws Exception {
        StoreSnapshot before = StoreSnapshot.take(table, pointers, blobs, f.prefix);
        List<String> failures = new ArrayList<>();
        Map<String, int[]> perCategory = new TreeMap<>();
        StringBuilder report =
                new StringBuilder("| category | case | expected | answer |\n| --- | --- | --- | --- |\n");
        List<SweepCase> cases;
        List<String> errors;
        try (RawFrameCases frames = new RawFrameCases(GrpcChannels.testPort());
                io.statelock.testing.CapturedLog log = io.statelock.testing.CapturedLog.of("")) {
            cases = cases(frames);
            for (SweepCase c : cases) {
                String problem;
                SweepCase.Outcome outcome = null;
                try {
                    outcome = c.probe().run();
                    problem = c.mismatch(outcome);
                } catch (Throwable t) {
                    problem = "the probe failed: " + t;
                }
                perCategory.computeIfAbsent(c.category(), k -> new int[2])[problem == null ? 0 : 1]++;
                report.append("| ")
                        .append(c.category())
                        .append(" | ")
                        .append(printable(c.name()))
                        .append(" | ")
                        .append(c.expected())
                        .append(c.field() == null ? "" : " (" + c.field() + ")")
                        .append(" | ")
                        .append(
                                outcome == null
                                        ? "-"
                                        : outcome.code() + ": " + printable(SweepCase.abbreviate(outcome.message())))
                        .append(" |\n");
                if (problem != null)
                    failures.add(c.category() + " | " + printable(c.name()) + " | expected " + c.expected() + " | "
                            + printable(problem));
            }
            // A client's mistake is no incident of the service's: nothing at ERROR.
            errors = log.linesWith("").stream()
                    .filter(l -> l.startsWith("ERROR") || l.startsWith("SEVERE"))
                    .toList();
        }
        writeReport(report);
        StringBuilder summary = new StringBuilder("bad-input sweep: " + cases.size() + " cases\n");
        perCategory.forEach(
                (cat, n) -> summary.append(String.format("  %-18s %4d passed %4d failed%n", cat, n[0], n[1])));
        System.out.println(summary);

        StoreSnapshot after = StoreSnapshot.take(table, pointers, blobs, f.prefix);
        assertThat(cases).hasSizeGreaterThanOrEqualTo(200);
        assertThat(failures).as("cases without their documented answer").isEmpty();
        assertThat(errors)
                .as("ERROR lines logged while malformed requests were answered")
                .isEmpty();
        assertThat(after.changesSince(before))
                .as("store changes made by malformed requests")
                .isEmpty();
        assertStillHealthy();
    }

    private void assertStillHealthy() throws Exception {
        HttpResponse<String> ready = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + GrpcChannels.testPort() + "/q/health/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"UP\"");
        // The fixture's holder still holds and can renew; a fresh key can be taken and given back.
        LockStatus held =
                f.locks().describe(DescribeRequest.newBuilder().setKey(f.held).build());
        assertThat(held.getHeld()).isTrue();
        assertThat(held.getFencingToken()).isEqualTo(f.heldLease.getFencingToken());
        f.locks()
                .heartbeat(HeartbeatRequest.newBuilder()
                        .setKey(f.held)
                        .setLeaseId(f.heldLease.getLeaseId())
                        .build());
        String fresh = f.prefix + "/after-the-sweep";
        AcquireResponse lease = f.locks()
                .acquire(AcquireRequest.newBuilder()
                        .setKey(fresh)
                        .setOwner("sweep-check")
                        .build());
        assertThat(f.locks()
                        .release(ReleaseRequest.newBuilder()
                                .setKey(fresh)
                                .setLeaseId(lease.getLeaseId())
                                .build())
                        .getReleased())
                .isTrue();
    }

    private void writeReport(StringBuilder report) throws Exception {
        Path dir = Path.of("target", "bad-input-sweep");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(getClass().getSimpleName() + ".md"), report);
    }

    /** Control characters and invisible code points made visible, so the table and failures can be read. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f || (cp >= 0x200b && cp <= 0x202e) || cp == 0xfeff || cp == '|') {
                b.append(String.format("\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }
}
