package io.statelock.adapter.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statelock.lock.LockInfo;

/** LockInfo as a JSON column. */
final class InfoJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private InfoJson() {}

    static String write(LockInfo info) {
        try {
            return MAPPER.writeValueAsString(info);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("LockInfo is plain strings and cannot fail to serialize", e);
        }
    }

    static LockInfo read(String json) {
        if (json == null || json.isEmpty()) return LockInfo.EMPTY;
        try {
            return MAPPER.readValue(json, LockInfo.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt info column: " + e.getOriginalMessage(), e);
        }
    }
}
