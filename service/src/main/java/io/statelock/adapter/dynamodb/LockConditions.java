package io.statelock.adapter.dynamodb;

import static io.statelock.adapter.dynamodb.LockItems.n;
import static io.statelock.adapter.dynamodb.LockItems.s;

import io.statelock.lock.LeaseOwner;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Pieces of the lock item's update and condition expressions that more than one transition uses. */
final class LockConditions {
    private static final Pattern NAME = Pattern.compile("#[A-Za-z]+");

    private LockConditions() {}

    /**
     * With authentication on, the lease must be the caller's: the owner its acquire recorded and, for a token
     * that has expired since, taken while that token was valid. Checked in the same write as the lease id
     * (the owner of a lease id never changes), so no read precedes the write.
     */
    static String ownedBy(LeaseOwner owner, Map<String, AttributeValue> values) {
        if (!owner.checked()) return "";
        values.put(":owner", s(owner.owner()));
        if (!owner.boundsAcquiredAt()) return " AND #owner = :owner";
        values.put(":acquiredBy", n(owner.acquiredNoLaterThanMs()));
        return " AND #owner = :owner AND #acquiredAt <= :acquiredBy";
    }

    /** Every attribute is named through a placeholder: key, owner, path and ttl are reserved words in DynamoDB. */
    static Map<String, String> names(String... expressions) {
        Map<String, String> names = new HashMap<>();
        for (String expression : expressions) {
            Matcher m = NAME.matcher(expression);
            while (m.find()) {
                names.put(m.group(), m.group().substring(1));
            }
        }
        return names;
    }
}
