package io.statelock.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one rule for the prefix of List, Watch and Audit requests. */
class KeyPrefixTest {
    @Test
    void emptyOrNullIsEveryKey() {
        assertThat(KeyPrefix.of(null)).isEqualTo(KeyPrefix.of(""));
        assertThat(KeyPrefix.of(null).isEmpty()).isTrue();
        assertThat(KeyPrefix.of("").matches(new LockKey("prod/a"))).isTrue();
    }

    @Test
    void aPrefixMayEndInsideASegment() {
        KeyPrefix p = KeyPrefix.of("prod/net");

        assertThat(p.matches(new LockKey("prod/network/terraform.tfstate"))).isTrue();
        assertThat(p.matches("prod/ne")).isFalse();
        assertThat(KeyPrefix.of("prod/").matches("prod/a")).isTrue();
        assertThat(KeyPrefix.of("a..b").value()).isEqualTo("a..b");
    }

    @Test
    void theUpperBoundSortsAfterEveryKeyUnderThePrefixAndBeforeTheNextOne() {
        KeyPrefix p = KeyPrefix.of("prod/");

        assertThat("prod/zzz".compareTo(p.upperBound())).isNegative();
        assertThat("prod/~".compareTo(p.upperBound())).isZero();
        assertThat("prod0".compareTo(p.upperBound())).isPositive();
    }

    @Test
    void anythingElseIsABadPrefixArgument() {
        for (String bad : List.of("/prod", "prod dev", "prod/*", "x".repeat(LockKey.MAX_LENGTH + 1), "é")) {
            assertThatThrownBy(() -> KeyPrefix.of(bad))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            InvalidArgumentException.class,
                            e -> assertThat(e.violations()).singleElement().satisfies(v -> {
                                assertThat(v.field()).isEqualTo("prefix");
                                assertThat(v.description())
                                        .isEqualTo(
                                                "must be a key prefix: up to 512 of A-Z a-z 0-9 . _ / : = @ + -, not starting with '/'");
                            }));
        }
        assertThat(KeyPrefix.of("x".repeat(LockKey.MAX_LENGTH)).value()).hasSize(LockKey.MAX_LENGTH);
    }
}
