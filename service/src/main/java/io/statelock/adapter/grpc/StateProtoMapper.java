package io.statelock.adapter.grpc;

import com.google.protobuf.util.Timestamps;
import io.statelock.lock.FencingTokens;
import io.statelock.proto.v1.StateConflict;
import io.statelock.state.StateConflictException;
import io.statelock.state.StateVersion;

/** Domain state versions to proto; no proto type goes further in than this package. */
final class StateProtoMapper {
    private StateProtoMapper() {}

    static io.statelock.proto.v1.StateVersion version(StateVersion v, FencingTokens fences) {
        return io.statelock.proto.v1.StateVersion.newBuilder()
                .setKey(v.key().value())
                .setVersion(v.version())
                .setSize(v.size())
                .setSha256(v.sha256())
                .setMd5(v.md5())
                .setFencingToken(fences.token(v.fenceCounter()))
                .setWrittenAt(Timestamps.fromMillis(v.writtenAtMs()))
                .setWrittenBy(v.writtenBy())
                .build();
    }

    /** The detail of a refused write: why, and the current and attempted serial and lineage. */
    static StateConflict conflict(StateConflictException e) {
        StateConflict.Builder b = StateConflict.newBuilder()
                .setKey(e.key().value())
                .setReason(
                        switch (e.reason()) {
                            case SERIAL_BEHIND -> StateConflict.Reason.SERIAL_BEHIND;
                            case LINEAGE_MISMATCH -> StateConflict.Reason.LINEAGE_MISMATCH;
                            case CONCURRENT_WRITES -> StateConflict.Reason.CONCURRENT_WRITES;
                        })
                .setCurrentSerial(-1)
                .setAttemptedSerial(e.attemptedSerial())
                .setAttemptedLineage(e.attemptedLineage());
        e.current()
                .ifPresent(c -> b.setCurrentVersion(c.version())
                        .setCurrentSerial(c.serial())
                        .setCurrentLineage(c.lineage()));
        return b.build();
    }
}
