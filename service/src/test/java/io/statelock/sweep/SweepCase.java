package io.statelock.sweep;

import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * One malformed request of the sweep: what it is, the documented answer it must get, and how to
 * send it. {@link #expected} is a gRPC code name ({@code INVALID_ARGUMENT}, {@code OK} …) or
 * {@code HTTP nnn}; for INVALID_ARGUMENT the field the answer must name may be given too. Every
 * error must carry a message, except a {@link #bareAnswer}: one the gRPC or HTTP transport gives
 * before any statelock code runs (an oversized message, broken HTTP/1.1 framing), which has none.
 */
record SweepCase(String category, String name, String expected, String field, boolean bareAnswer, Probe probe) {

    /** Sends the request; returns what came back. */
    interface Probe {
        Outcome run() throws Exception;
    }

    /** A gRPC call: returns normally (OK) or throws the call's {@link StatusRuntimeException}. */
    interface GrpcCall {
        Object call() throws Exception;
    }

    /** The answer: a code in the same form as {@link #expected}, its message, and the fields a BadRequest named. */
    record Outcome(String code, String message, java.util.List<String> fields) {
        static Outcome of(Throwable t) {
            Status s = Status.fromThrowable(t);
            java.util.List<String> fields = new java.util.ArrayList<>();
            com.google.rpc.Status detail = StatusProto.fromThrowable(t);
            if (detail != null) {
                for (com.google.protobuf.Any any : detail.getDetailsList()) {
                    if (!any.is(BadRequest.class)) continue;
                    try {
                        any.unpack(BadRequest.class).getFieldViolationsList().forEach(v -> fields.add(v.getField()));
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        fields.add("<unreadable BadRequest>");
                    }
                }
            }
            return new Outcome(s.getCode().name(), s.getDescription() == null ? "" : s.getDescription(), fields);
        }
    }

    static SweepCase grpc(String category, String name, Status.Code expected, GrpcCall call) {
        return grpc(category, name, expected, null, call);
    }

    /** An INVALID_ARGUMENT case whose answer must name {@code field} in its BadRequest detail. */
    static SweepCase invalid(String category, String name, String field, GrpcCall call) {
        return grpc(category, name, Status.Code.INVALID_ARGUMENT, field, call);
    }

    static SweepCase grpc(String category, String name, Status.Code expected, String field, GrpcCall call) {
        return new SweepCase(category, name, expected.name(), field, false, () -> {
            try {
                call.call();
                return new Outcome("OK", "", java.util.List.of());
            } catch (StatusRuntimeException e) {
                return Outcome.of(e);
            }
        });
    }

    /** An HTTP request sent as it is; {@code expected} is a status, or {@code CLOSED} for a connection closed unanswered. */
    static SweepCase http(String category, String name, String expected, RawHttp http, RawHttp.Request request) {
        return new SweepCase(category, name, expected, null, false, () -> http.send(request));
    }

    static SweepCase http(String category, String name, int expected, RawHttp http, RawHttp.Request request) {
        return http(category, name, "HTTP " + expected, http, request);
    }

    /** The same case, answered by the transport itself (no message expected). */
    SweepCase bare() {
        return new SweepCase(category, name, expected, field, true, probe);
    }

    /** Whether {@code outcome} is the documented answer: the code, a message for every error, the named field. */
    String mismatch(Outcome outcome) {
        if (!outcome.code().equals(expected)) return "got " + outcome.code() + ": " + abbreviate(outcome.message());
        boolean error = !expected.equals("OK") && !expected.startsWith("HTTP 2") && !expected.equals("CLOSED");
        if (error && !bareAnswer && outcome.message().isBlank()) return "no message says what is wrong";
        if (field != null && !outcome.fields().contains(field)) {
            return "BadRequest names " + outcome.fields() + ", not " + field + " (" + abbreviate(outcome.message())
                    + ")";
        }
        return null;
    }

    static String abbreviate(String s) {
        String oneLine = s.replace('\n', ' ');
        return oneLine.length() <= 160 ? oneLine : oneLine.substring(0, 160) + "…";
    }
}
