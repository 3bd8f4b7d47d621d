package io.statelock.adapter.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.util.Set;

/** A call in a {@code grpc-encoding} the service cannot read is answered UNIMPLEMENTED, before any message. */
final class RequestEncodings {
    private static final Metadata.Key<String> ENCODING =
            Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);
    private static final Set<String> ENCODINGS = Set.of("identity", "gzip");

    private RequestEncodings() {}

    /** True when the call was refused (and closed) for its encoding. */
    static boolean refused(ServerCall<?, ?> call, Metadata headers) {
        String encoding = headers.get(ENCODING);
        if (encoding != null && !ENCODINGS.contains(encoding)) {
            call.close(
                    Status.UNIMPLEMENTED.withDescription(
                            "grpc-encoding " + encoding + " is not supported; send identity or gzip"),
                    new Metadata());
            return true;
        }
        return false;
    }
}
