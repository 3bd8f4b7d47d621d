package io.statelock.client;

import java.util.function.Supplier;

/** Asks the user's supplier for the token; checks it can travel in a header. */
final class TokenProvider {
    private final Supplier<String> supplier;

    TokenProvider(Supplier<String> supplier) {
        this.supplier = supplier;
    }

    /**
     * The token to send, or null for none. Throws {@link TokenException} when the source fails.
     *
     * @param underLease take a cached token rather than wait for a fetch
     */
    String token(boolean underLease) {
        String raw;
        try {
            raw = underLease && supplier instanceof CachedToken c ? c.cached() : supplier.get();
        } catch (TokenException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TokenException(
                    "cannot obtain a bearer token from " + supplier + ": "
                            + e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : ""),
                    e);
        }
        String t = BearerTokens.normalize(raw);
        if (t.isEmpty()) {
            return null;
        }
        if (!BearerTokens.wellFormed(t)) {
            throw new TokenException("the bearer token from " + supplier
                    + " is malformed (it contains spaces, line breaks or non-ASCII characters)");
        }
        return t;
    }
}
