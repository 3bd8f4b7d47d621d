package io.statelock.adapter.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2FrameListenerDecorator;
import io.netty.util.AttributeKey;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the gRPC message framing of a request's HTTP/2 DATA frames as they arrive, before the Vert.x gRPC server
 * does. That server reads only the low bit of a message's flag byte (a byte of 7 is a plain message to it) and
 * forgets bytes left over when the stream ends (a message followed by half a prefix is answered OK); the gRPC
 * spec makes both a broken request. This reader finds them and tells the call's {@link StreamEnds.End}, so the call
 * is answered INVALID_ARGUMENT before its method sees the message or the end.
 * <p>
 * One decorator per HTTP/2 connection, put in front of Vert.x' frame listener when the connection's first gRPC
 * request arrives; a stream is read only from its first byte (a request whose body began before the route reached
 * this filter is not judged, and is served as before).
 */
final class GrpcFraming extends Http2FrameListenerDecorator {
    private static final AttributeKey<GrpcFraming> ON_CONNECTION = AttributeKey.valueOf("statelock.grpc-framing");
    /** The message prefix: one flag byte (only bit 0, compressed, is defined) and a 4-byte length. */
    private static final int PREFIX = 5;

    /** Streams being read, by HTTP/2 stream id; touched on the connection's event loop only. */
    private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();

    private GrpcFraming(Http2FrameListener listener) {
        super(listener);
    }

    /**
     * Starts reading the framing of {@code request} for {@code end}; on the request's event loop. Does nothing
     * where the connection is not HTTP/2 as Vert.x builds it, or the body has begun.
     */
    static void watch(HttpServerRequest request, StreamEnds.End end) {
        if (request.bytesRead() > 0 || !(request.connection() instanceof io.vertx.core.net.impl.ConnectionBase base))
            return;
        ChannelHandlerContext ctx = base.channelHandlerContext();
        if (ctx == null || !(ctx.handler() instanceof Http2ConnectionHandler h2)) return;
        GrpcFraming framing = ctx.channel().attr(ON_CONNECTION).get();
        if (framing == null) {
            framing = new GrpcFraming(h2.decoder().frameListener());
            // The decoder wraps a listener it is given in its own guards (empty frames, reset floods) again.
            h2.decoder().frameListener(framing);
            ctx.channel().attr(ON_CONNECTION).set(framing);
        }
        int id = request.streamId();
        GrpcFraming on = framing;
        on.streams.put(id, new Stream(end));
        end.onEnd(() -> on.streams.remove(id));
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream)
            throws Http2Exception {
        Stream stream = streams.get(streamId);
        if (stream != null) {
            stream.read(data);
            if (endOfStream) {
                stream.ended();
                streams.remove(streamId);
            }
        }
        return super.onDataRead(ctx, streamId, data, padding, endOfStream);
    }

    /** One request's framing: where in a prefix or a message its next byte falls. */
    private static final class Stream {
        private final StreamEnds.End end;
        private int prefixRead;
        private long length;
        private long remaining;
        private boolean broken;

        Stream(StreamEnds.End end) {
            this.end = end;
        }

        void read(ByteBuf data) {
            int at = data.readerIndex();
            int stop = data.writerIndex();
            while (at < stop && !broken) {
                if (prefixRead < PREFIX) {
                    int b = data.getByte(at++) & 0xff;
                    if (prefixRead == 0 && (b & ~1) != 0) {
                        broken(String.format(
                                "a gRPC message's flag byte is 0x%02x: only bit 0 (compressed) may be set", b));
                    }
                    length = prefixRead == 0 ? 0 : (length << 8) | b;
                    prefixRead++;
                    if (prefixRead == PREFIX) {
                        remaining = length;
                        if (remaining == 0) prefixRead = 0;
                    }
                } else {
                    int take = (int) Math.min(remaining, stop - at);
                    at += take;
                    remaining -= take;
                    if (remaining == 0) prefixRead = 0;
                }
            }
        }

        void ended() {
            if (broken) return;
            if (prefixRead > 0 && prefixRead < PREFIX) {
                broken("the request ended " + prefixRead + " bytes into a gRPC message prefix (5 bytes)");
            } else if (prefixRead == PREFIX) {
                broken("the request ended " + remaining + " bytes short of the gRPC message's " + length + " bytes");
            }
        }

        private void broken(String reason) {
            broken = true;
            end.malformed(reason);
        }
    }
}
