package io.statelock.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.statelock.security.Caller;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whose slots a Watch stream takes (statelock.watch.max-streams-per-caller). */
class WatchIdentityTest {
    @Test
    void theTokensSubjectUnderJwtTheRemoteHostWithAuthenticationOff() {
        Caller ci = new Caller("repo:acme/web:pull_request", Map.of(), Long.MAX_VALUE, false, false);
        assertThat(WatchIdentity.of(ci, "10.0.0.7:51234")).isEqualTo("subject repo:acme/web:pull_request");
        // Every connection of one host shares its slots; the port (one per connection) is not part of it.
        assertThat(WatchIdentity.of(Caller.ANONYMOUS, "10.0.0.7:51234")).isEqualTo("address 10.0.0.7");
        assertThat(WatchIdentity.of(Caller.ANONYMOUS, "10.0.0.7:40000")).isEqualTo("address 10.0.0.7");
        assertThat(WatchIdentity.of(Caller.ANONYMOUS, "0:0:0:0:0:0:0:1:51234")).isEqualTo("address 0:0:0:0:0:0:0:1");
        assertThat(WatchIdentity.of(Caller.ANONYMOUS, "")).isEqualTo("address unknown");
    }
}
