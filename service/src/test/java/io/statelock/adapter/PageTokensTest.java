package io.statelock.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statelock.common.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stores' page tokens keep the format earlier releases issued, and every malformed one is a bad page_token. */
class PageTokensTest {
    static final PageTokens AUDIT = new PageTokens("a1:", ':', 2, "is not a token this service issued");
    static final PageTokens LISTING = new PageTokens("", ':', 2, "is not a token from a previous List response");
    static final PageTokens ONE = new PageTokens("", ':', 1, "is not a token returned by List");

    static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void tokensAreTheMarkerAndTheBase64OfTheJoinedFields() {
        assertThat(AUDIT.encode("1700000000000", "0000000000000001-abc"))
                .isEqualTo("a1:" + b64("1700000000000:0000000000000001-abc"));
        assertThat(LISTING.encode("k1", "prod/net:work")).isEqualTo(b64("k1:prod/net:work"));
        assertThat(ONE.encode("prod/a:b")).isEqualTo(b64("prod/a:b"));
        assertThat(new PageTokens("d1:", '\n', 2, "x").encode("prod", "0001#x")).isEqualTo("d1:" + b64("prod\n0001#x"));
    }

    @Test
    void decodeSplitsAtTheFirstSeparatorOnly() {
        assertThat(LISTING.decode(LISTING.encode("s1", "a:b:c"))).containsExactly("s1", "a:b:c");
        assertThat(ONE.decode(b64("a:b"))).containsExactly("a:b");
        assertThat(AUDIT.decode("")).isEmpty();
        assertThat(AUDIT.decode(null)).isEmpty();
        assertThat(LISTING.decode(b64("k1:"))).containsExactly("k1", "");
    }

    @Test
    void aTokenOfAnotherShapeIsABadPageToken() {
        for (String token : List.of(
                "%%not a token%%",
                "d1:" + b64("1:x"), "a1:" + b64("no separator"), "a1:" + b64(":empty first"), "a1:***")) {
            assertThatThrownBy(() -> AUDIT.decode(token))
                    .as(token)
                    .isInstanceOfSatisfying(
                            InvalidArgumentException.class,
                            e -> assertThat(e.violations()).singleElement().satisfies(v -> {
                                assertThat(v.field()).isEqualTo("page_token");
                                assertThat(v.description()).isEqualTo("is not a token this service issued");
                            }));
        }
        assertThat(LISTING.invalid().getMessage())
                .isEqualTo("invalid argument: page_token: is not a token from a previous List response");
    }
}
