package io.statelock.client;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.function.LongSupplier;

/** The gRPC implementation of {@link StatelockClient}: one channel, shared by its three parts. */
final class GrpcStatelockClient implements StatelockClient {
    private final ClientCore core;
    private final GrpcLocks locks;
    private final GrpcStates states;
    private final GrpcAdmin admin;

    GrpcStatelockClient(
            ManagedChannel channel,
            boolean ownsChannel,
            Duration callTimeout,
            Duration retryTimeout,
            LongSupplier nanoClock) {
        this(channel, ownsChannel, callTimeout, retryTimeout, nanoClock, null);
    }

    GrpcStatelockClient(
            ManagedChannel channel,
            boolean ownsChannel,
            Duration callTimeout,
            Duration retryTimeout,
            LongSupplier nanoClock,
            TokenProvider tokens) {
        this.core = new ClientCore(channel, ownsChannel, callTimeout, retryTimeout, nanoClock, tokens);
        this.locks = new GrpcLocks(core);
        this.states = new GrpcStates(core);
        this.admin = new GrpcAdmin(core);
    }

    static StatelockClient create(StatelockClient.Builder b) {
        ChannelCredentials creds;
        if (b.plaintext) {
            creds = InsecureChannelCredentials.create();
        } else {
            TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
            if (b.caFile != null) {
                try {
                    tls.trustManager(b.caFile.toFile());
                } catch (IOException | RuntimeException e) {
                    throw new StatelockException(
                            "CLIENT", "cannot read CA file " + b.caFile + ": " + e.getMessage(), e);
                }
            }
            if (b.clientCert != null) {
                try (InputStream cert = Files.newInputStream(b.clientCert)) {
                    tls.keyManager(cert, new ByteArrayInputStream(Pem.privateKeyPkcs8(b.clientKey)));
                } catch (IOException | RuntimeException e) {
                    throw new StatelockException(
                            "CLIENT",
                            "cannot read client certificate " + b.clientCert + " / key " + b.clientKey + ": "
                                    + e.getMessage(),
                            e);
                }
            }
            creds = tls.build();
        }
        ManagedChannelBuilder<?> builder;
        try {
            builder = Grpc.newChannelBuilder(b.target, creds);
        } catch (RuntimeException e) {
            // e.g. a certificate or key netty cannot parse
            throw new StatelockException(
                    "CLIENT", "cannot set up the connection to " + b.target + ": " + e.getMessage(), e);
        }
        TokenProvider tokens = b.tokenSupplier == null ? null : new TokenProvider(b.tokenSupplier);
        if (tokens != null) {
            builder.intercept(new BearerToken(tokens));
        }
        return new GrpcStatelockClient(builder.build(), true, b.callTimeout, b.retryTimeout, System::nanoTime, tokens);
    }

    @Override
    public Locks locks() {
        return locks;
    }

    @Override
    public States state() {
        return states;
    }

    @Override
    public Admin admin() {
        return admin;
    }

    @Override
    public void close() {
        core.close();
    }
}
