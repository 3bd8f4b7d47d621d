package io.statelock.adapter;

import io.statelock.common.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The page tokens of the stores' listings (lock records, audit records): a version marker (possibly empty),
 * then the URL-safe Base64, without padding, of the position's fields joined by one separator. Opaque to
 * callers. A token that does not decode to that shape, or whose fields the store finds meaningless
 * ({@link #invalid()}), is a bad {@code page_token} with the store's message, never a crash.
 */
public final class PageTokens {
    private final String marker;
    private final String separator;
    private final int fields;
    private final String invalidMessage;

    /**
     * @param marker         what every token starts with, outside the Base64 (a store and format version)
     * @param separator      between fields; the last field may contain it
     * @param fields         how many fields a position has
     * @param invalidMessage what a caller is told about a token this codec did not issue
     */
    public PageTokens(String marker, char separator, int fields, String invalidMessage) {
        this.marker = marker;
        this.separator = String.valueOf(separator);
        this.fields = fields;
        this.invalidMessage = invalidMessage;
    }

    public String encode(String... position) {
        if (position.length != fields) throw new IllegalArgumentException("a position has " + fields + " fields");
        return marker
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(String.join(separator, position).getBytes(StandardCharsets.UTF_8));
    }

    /** The fields of the position {@code token} names (the first never empty), or none for no token: the first page. */
    public List<String> decode(String token) {
        if (token == null || token.isEmpty()) return List.of();
        // A token of another version or store is a bad argument, not a crash.
        if (!token.startsWith(marker)) throw invalid();
        String decoded;
        try {
            decoded =
                    new String(Base64.getUrlDecoder().decode(token.substring(marker.length())), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        List<String> position = Arrays.asList(decoded.split(Pattern.quote(separator), fields));
        if (position.size() != fields || position.get(0).isEmpty()) throw invalid();
        return position;
    }

    /** The answer to a token whose fields decode but name no position of this listing. */
    public InvalidArgumentException invalid() {
        return InvalidArgumentException.of("page_token", invalidMessage);
    }
}
