package io.statelock.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statelock.common.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every audit store must do; run on dynalite and on the embedded SQLite store. */
public abstract class AuditStoreContract {
    protected static final long T0 = 1_700_000_000_000L;
    /** A first segment of its own per test, so tests sharing a store do not see each other's rows. */
    protected final String unique =
            "a" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    protected abstract AuditStore store();

    protected static AuditEntry entry(long at, String key, String action) {
        return new AuditEntry(
                at,
                UUID.randomUUID().toString(),
                action,
                key,
                "repo:acme/network:ref:refs/heads/main",
                Map.of("repository", "acme/network", "groups", "a,b"),
                "granted",
                "old-owner",
                41,
                42,
                "why",
                "127.0.0.1:5555");
    }

    private List<AuditEntry> all(String prefix, long since, long until, int pageSize) {
        List<AuditEntry> out = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            AuditPage page = store().query(new AuditQuery(prefix, since, until, pageSize, token));
            assertThat(page.entries().size()).isLessThanOrEqualTo(pageSize);
            out.addAll(page.entries());
            token = page.nextPageToken();
            assertThat(++pages).as("pages").isLessThan(100);
        } while (!token.isEmpty());
        return out;
    }

    @Test
    void appendedRecordsComeBackWithEveryField() {
        AuditEntry e = entry(T0, unique + "/net/terraform.tfstate", "force-release");
        store().append(List.of(e));

        List<AuditEntry> found = all(unique + "/", 0, Long.MAX_VALUE, 10);

        assertThat(found).containsExactly(e);
    }

    @Test
    void emptyStringsAndNoClaimsSurvive() {
        AuditEntry e = new AuditEntry(T0, "id-1", "acquire", unique + "/k", "", Map.of(), "", "", 0, 0, "", "");
        store().append(List.of(e));

        assertThat(all(unique + "/", 0, Long.MAX_VALUE, 10)).containsExactly(e);
    }

    @Test
    void prefixSelectsKeysAndTimeRangeIsInclusive() {
        store().append(List.of(
                entry(T0, unique + "/net/a", "acquire"),
                entry(T0 + 10, unique + "/net/b", "release"),
                entry(T0 + 20, unique + "/dns/a", "acquire"),
                entry(T0 + 30, unique + "/net/c", "acquire"),
                entry(T0 + 40, unique + "x/net/a", "acquire")));

        assertThat(all(unique + "/net/", 0, Long.MAX_VALUE, 10))
                .extracting(AuditEntry::key)
                .containsExactly(unique + "/net/a", unique + "/net/b", unique + "/net/c");
        assertThat(all(unique + "/net/", T0 + 10, T0 + 30, 10))
                .extracting(AuditEntry::atMs)
                .containsExactly(T0 + 10, T0 + 30);
        assertThat(all(unique + "/", T0 + 11, T0 + 29, 10))
                .extracting(AuditEntry::key)
                .containsExactly(unique + "/dns/a");
        // A prefix without '/' spans first segments: unique/... and uniquex/...
        assertThat(all(unique, 0, Long.MAX_VALUE, 10)).hasSize(5);
        assertThat(all(unique + "/nothing", 0, Long.MAX_VALUE, 10)).isEmpty();
    }

    @Test
    void pagesCoverEveryRecordOnceInTimeOrder() {
        List<AuditEntry> written = new ArrayList<>();
        for (int i = 0; i < 23; i++) written.add(entry(T0 + i * 1000L, unique + "/k/" + i, "acquire"));
        // Several at the same millisecond: ordered by id, none lost at a page boundary.
        for (int i = 0; i < 4; i++) written.add(entry(T0 + 5000, unique + "/same/" + i, "acquire"));
        store().append(written);

        List<AuditEntry> found = all(unique + "/", 0, Long.MAX_VALUE, 5);

        assertThat(found).containsExactlyInAnyOrderElementsOf(written);
        assertThat(found).extracting(AuditEntry::atMs).isSorted();
        AuditPage first = store().query(new AuditQuery(unique + "/", 0, Long.MAX_VALUE, 5, ""));
        assertThat(first.entries()).hasSize(5);
        assertThat(first.nextPageToken()).isNotEmpty();
    }

    @Test
    void newestFirstPagesBackwardsThroughTimeWithoutLosingTies() {
        List<AuditEntry> written = new ArrayList<>();
        for (int i = 0; i < 13; i++) written.add(entry(T0 + i * 1000L, unique + "/back/" + i, "acquire"));
        for (int i = 0; i < 4; i++) written.add(entry(T0 + 5000, unique + "/tie/" + i, "acquire"));
        store().append(written);

        List<AuditEntry> found = new ArrayList<>();
        String token = "";
        do {
            AuditPage page = store().query(new AuditQuery(unique + "/", T0 + 1000, Long.MAX_VALUE, 4, token, true));
            assertThat(page.entries().size()).isLessThanOrEqualTo(4);
            found.addAll(page.entries());
            token = page.nextPageToken();
        } while (!token.isEmpty());

        assertThat(found)
                .containsExactlyInAnyOrderElementsOf(
                        written.stream().filter(e -> e.atMs() >= T0 + 1000).toList());
        assertThat(found.get(0).atMs()).isEqualTo(T0 + 12_000);
        assertThat(found).extracting(AuditEntry::atMs).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    @Test
    void largeBatchesAreWrittenWhole() {
        List<AuditEntry> written = new ArrayList<>();
        for (int i = 0; i < 60; i++) written.add(entry(T0 + i, unique + "/batch/" + i, "acquire"));
        store().append(written);

        assertThat(all(unique + "/batch/", 0, Long.MAX_VALUE, 1000)).hasSize(60);
    }

    @Test
    void aTokenCarriedToAnotherPrefixIsNeverAnOutage() {
        List<AuditEntry> written = new ArrayList<>();
        for (int i = 0; i < 3; i++) written.add(entry(T0 + i, unique + "/carried/" + i, "acquire"));
        store().append(written);
        String token = store().query(new AuditQuery(unique + "/", 0, Long.MAX_VALUE, 1, ""))
                .nextPageToken();
        assertThat(token).isNotEmpty();
        try {
            store().query(new AuditQuery("other" + unique + "/", 0, Long.MAX_VALUE, 1, token));
        } catch (InvalidArgumentException expected) {
            assertThat(expected.getMessage()).contains("page_token");
        }
    }

    @Test
    void aForeignPageTokenIsABadArgument() {
        assertThatThrownBy(() -> store().query(new AuditQuery(unique + "/", 0, Long.MAX_VALUE, 5, "garbage")))
                .isInstanceOf(InvalidArgumentException.class);
    }
}
