package io.statelock.api.grpc;

import com.google.protobuf.Timestamp;
import io.statelock.lock.Fences;
import io.statelock.state.StateVersion;

/** Domain state versions to proto; no proto type goes further in than this package. */
final class StateProtoMapper {
    private StateProtoMapper() {
    }

    static io.statelock.proto.v1.StateVersion version(StateVersion v, Fences fences) {
        long ms = v.writtenAtMs();
        return io.statelock.proto.v1.StateVersion.newBuilder()
                .setKey(v.key().value())
                .setVersion(v.version())
                .setSize(v.size())
                .setSha256(v.sha256())
                .setMd5(v.md5())
                .setFencingToken(fences.token(v.fenceCounter()))
                .setWrittenAt(Timestamp.newBuilder().setSeconds(Math.floorDiv(ms, 1000))
                        .setNanos((int) Math.floorMod(ms, 1000) * 1_000_000))
                .setWrittenBy(v.writtenBy())
                .build();
    }
}
