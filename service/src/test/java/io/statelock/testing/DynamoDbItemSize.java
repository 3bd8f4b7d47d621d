package io.statelock.testing;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An item's size as DynamoDB counts it for capacity and for its 400 KB limit: per attribute its name's UTF-8
 * bytes plus its value's (a string its UTF-8 bytes, a number about one byte per two digits plus one, a map or
 * list 3 bytes plus one per element plus its elements, a boolean or null one byte).
 */
public final class DynamoDbItemSize {
    private DynamoDbItemSize() {}

    public static int of(Map<String, AttributeValue> item) {
        int size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += e.getKey().getBytes(StandardCharsets.UTF_8).length + value(e.getValue());
        }
        return size;
    }

    private static int value(AttributeValue v) {
        if (v.s() != null) return v.s().getBytes(StandardCharsets.UTF_8).length;
        if (v.n() != null) return (new BigDecimal(v.n()).precision() + 1) / 2 + 1;
        if (v.bool() != null || Boolean.TRUE.equals(v.nul())) return 1;
        if (v.hasM()) return 3 + v.m().size() + of(v.m());
        if (v.hasL()) {
            int size = 3 + v.l().size();
            for (AttributeValue e : v.l()) size += value(e);
            return size;
        }
        if (v.b() != null) return v.b().asByteArray().length;
        return 0;
    }
}
