package io.statelock.adapter.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shared commits on a real SQLite file: each transaction stays atomic and sees those queued before it. */
class GroupCommitTest {
    private static final int THREADS = 32;

    @TempDir
    Path dir;

    private Connection connection;
    private GroupCommit commits;
    private ExecutorService pool;

    @BeforeEach
    void open() throws SQLException {
        connection = new org.sqlite.JDBC().connect("jdbc:sqlite:" + dir.resolve("t.db"), new java.util.Properties());
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE rows (name TEXT PRIMARY KEY, n INTEGER NOT NULL)");
            s.execute("CREATE TABLE counter (n INTEGER NOT NULL)");
            s.execute("INSERT INTO counter VALUES (0)");
        }
        connection.setAutoCommit(false);
        commits = new GroupCommit(connection);
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void close() throws SQLException {
        pool.shutdownNow();
        connection.close();
    }

    @Test
    void concurrentIncrementsEachSeeThePreviousOneAndAllCommit() throws Exception {
        List<Future<Long>> results = racing(i -> commits.run(c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE counter SET n = n + 1");
                try (ResultSet rs = s.executeQuery("SELECT n FROM counter")) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }));
        Set<Long> seen = new TreeSet<>();
        for (Future<Long> f : results) seen.add(f.get(30, TimeUnit.SECONDS));
        // Like serial commits: every caller got its own value, 1..THREADS, and the last one is stored.
        assertThat(seen).hasSize(THREADS).contains(1L, (long) THREADS);
        assertThat(count("SELECT n FROM counter")).isEqualTo(THREADS);
    }

    @Test
    void anErrorMidTransactionLeavesNoneOfItsWritesForTheNextCommit() throws Exception {
        assertThatThrownBy(() -> commits.run(c -> {
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("UPDATE counter SET n = n + 100");
                    }
                    throw new StackOverflowError("simulated");
                }))
                .isInstanceOf(StackOverflowError.class);
        // The next transaction commits; the half-done one must not ride along with it.
        long after = commits.run(c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE counter SET n = n + 1");
                try (ResultSet rs = s.executeQuery("SELECT n FROM counter")) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        assertThat(after).isEqualTo(1);
        assertThat(count("SELECT n FROM counter")).isEqualTo(1);
    }

    @Test
    void aFailingTransactionIsUndoneAloneAndItsCallerSeesTheFailure() throws Exception {
        // A first transaction holds the connection until every other caller has queued, so they share one commit.
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch letGo = new java.util.concurrent.CountDownLatch(1);
        Future<Long> gate = pool.submit(() -> commits.run(c -> {
            holding.countDown();
            try {
                letGo.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return -1L;
        }));
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        List<Future<Long>> results = racing(
                i -> commits.run(c -> {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO rows VALUES (?, ?)")) {
                        ps.setString(1, "row-" + i);
                        ps.setLong(2, i);
                        ps.executeUpdate();
                    }
                    if (i % 4 == 0) throw new IllegalStateException("refused " + i); // after its write: must be undone
                    return (long) i;
                }),
                THREADS - 1);
        Thread.sleep(500); // lets the racing callers queue behind the gate (the test passes without it, batching less)
        letGo.countDown();
        assertThat(gate.get(30, TimeUnit.SECONDS)).isEqualTo(-1L);
        int failed = 0;
        for (int i = 0; i < results.size(); i++) {
            try {
                results.get(i).get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause())
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("refused " + i);
                failed++;
            }
        }
        int n = THREADS - 1;
        int refused = (n + 3) / 4; // i = 0, 4, 8, ... below n
        assertThat(failed).isEqualTo(refused);
        assertThat(count("SELECT count(*) FROM rows")).isEqualTo(n - refused);
        assertThat(count("SELECT count(*) FROM rows WHERE n % 4 = 0")).isZero();
    }

    @Test
    void anSqlErrorIsTheStoreBeingUnavailable() {
        assertThatThrownBy(() -> commits.run(c -> {
                    try (Statement s = c.createStatement()) {
                        return s.executeUpdate("INSERT INTO no_such_table VALUES (1)");
                    }
                }))
                .isInstanceOf(io.statelock.common.StoreUnavailableException.class);
        // The connection is still usable afterwards.
        assertThat(commits.<Integer>run(c -> 1).intValue()).isEqualTo(1);
    }

    private interface Call {
        long run(int index) throws Exception;
    }

    private List<Future<Long>> racing(Call call) {
        return racing(call, THREADS);
    }

    private List<Future<Long>> racing(Call call, int threads) {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Long>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            results.add(pool.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                return call.run(index);
            }));
        }
        return results;
    }

    private long count(String sql) throws SQLException {
        return commits.run(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
