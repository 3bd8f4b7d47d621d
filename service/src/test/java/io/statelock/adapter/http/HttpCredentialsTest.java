package io.statelock.adapter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statelock.security.UnauthenticatedException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class HttpCredentialsTest {
    static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aBasicPasswordIsTheTokenWhateverTheUser() {
        assertThat(HttpCredentials.parse(basic("token:eyJ.a.b"))).isEqualTo(new HttpCredentials(null, "eyJ.a.b"));
        assertThat(HttpCredentials.parse(basic("x:eyJ.a.b")).bearer()).isEqualTo("Bearer eyJ.a.b");
        assertThat(HttpCredentials.parse("Bearer eyJ.c.d")).isEqualTo(new HttpCredentials(null, "eyJ.c.d"));
    }

    @Test
    void theLeaseUserCarriesTheLeaseAndOptionallyAToken() {
        assertThat(HttpCredentials.parse(basic("statelock-lease:Jq3abc")))
                .isEqualTo(new HttpCredentials("Jq3abc", null));
        assertThat(HttpCredentials.parse(basic("statelock-lease:Jq3abc:eyJ.a.b")))
                .isEqualTo(new HttpCredentials("Jq3abc", "eyJ.a.b"));
        assertThat(HttpCredentials.parse(basic("statelock-lease:"))).isEqualTo(HttpCredentials.NONE);
    }

    @Test
    void nothingOrEmptyIsNoCredentials() {
        assertThat(HttpCredentials.parse(null)).isEqualTo(HttpCredentials.NONE);
        assertThat(HttpCredentials.parse(" ")).isEqualTo(HttpCredentials.NONE);
        assertThat(HttpCredentials.parse(basic("token:")).token()).isNull();
    }

    @Test
    void malformedHeadersAreUnauthenticatedWithAReason() {
        assertThatThrownBy(() -> HttpCredentials.parse("Basic %%%"))
                .isInstanceOf(UnauthenticatedException.class)
                .hasMessageContaining("not base64");
        assertThatThrownBy(() -> HttpCredentials.parse(basic("no-colon")))
                .isInstanceOf(UnauthenticatedException.class)
                .hasMessageContaining("no ':'");
        assertThatThrownBy(() -> HttpCredentials.parse("Digest x"))
                .isInstanceOf(UnauthenticatedException.class)
                .hasMessageContaining("unsupported");
    }
}
