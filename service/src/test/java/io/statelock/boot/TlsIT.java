package io.statelock.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.statelock.proto.v1.DescribeRequest;
import io.statelock.proto.v1.LockServiceGrpc;
import io.statelock.testing.ServiceProcess;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS from PEM files with generated certificates; mTLS rejects a client without a certificate. */
class TlsIT {
    @TempDir
    Path dir;

    @BeforeEach
    void certificates() throws Exception {
        openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-subj",
                "/CN=statelock-test-ca",
                "-days",
                "1");
        openssl(
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=localhost");
        write("server.ext", "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        openssl(
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.pem",
                "-days",
                "1",
                "-extfile",
                "server.ext");
        openssl(
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "client.key",
                "-out",
                "client.csr",
                "-subj",
                "/CN=ci-runner");
        openssl(
                "x509",
                "-req",
                "-in",
                "client.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "client.pem",
                "-days",
                "1");
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", "client.key", "-out", "client-pk8.key");
    }

    @Test
    void servesGrpcOverTlsAndClosesThePlainPort() throws Exception {
        int plain = ServiceProcess.freePort();
        int tls = ServiceProcess.freePort();
        try (ServiceProcess service = ServiceProcess.start(
                plain,
                dir.resolve("tls.log"),
                "quarkus.http.ssl-port=" + tls,
                "statelock.tls.cert=" + dir.resolve("server.pem"),
                "statelock.tls.key=" + dir.resolve("server.key"),
                "statelock.embedded.data-dir=" + dir.resolve("data"))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", tls)
                    .sslContext(GrpcSslContexts.forClient()
                            .trustManager(dir.resolve("ca.pem").toFile())
                            .build())
                    .build();
            try {
                var status = LockServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .describe(
                                DescribeRequest.newBuilder().setKey("tls/check").build());
                assertThat(status.getKey()).isEqualTo("tls/check");
            } finally {
                channel.shutdownNow();
            }
            assertThatThrownBy(() -> new Socket("127.0.0.1", plain).close()).isInstanceOf(IOException.class);
        }
    }

    @Test
    void mutualTlsRejectsAClientWithoutACertificate() throws Exception {
        int tls = ServiceProcess.freePort();
        try (ServiceProcess service = ServiceProcess.start(
                ServiceProcess.freePort(),
                dir.resolve("mtls.log"),
                "quarkus.http.ssl-port=" + tls,
                "statelock.tls.cert=" + dir.resolve("server.pem"),
                "statelock.tls.key=" + dir.resolve("server.key"),
                "statelock.tls.client-ca=" + dir.resolve("ca.pem"),
                "statelock.embedded.data-dir=" + dir.resolve("data"))) {
            ManagedChannel anonymous = NettyChannelBuilder.forAddress("localhost", tls)
                    .sslContext(GrpcSslContexts.forClient()
                            .trustManager(dir.resolve("ca.pem").toFile())
                            .build())
                    .build();
            try {
                assertThatThrownBy(() -> LockServiceGrpc.newBlockingStub(anonymous)
                                .withDeadlineAfter(10, TimeUnit.SECONDS)
                                .describe(DescribeRequest.newBuilder()
                                        .setKey("tls/check")
                                        .build()))
                        .isInstanceOf(StatusRuntimeException.class);
            } finally {
                anonymous.shutdownNow();
            }
            SslContextBuilder withCert = GrpcSslContexts.forClient()
                    .trustManager(dir.resolve("ca.pem").toFile())
                    .keyManager(
                            dir.resolve("client.pem").toFile(),
                            dir.resolve("client-pk8.key").toFile());
            ManagedChannel client = NettyChannelBuilder.forAddress("localhost", tls)
                    .sslContext(withCert.build())
                    .build();
            try {
                var status = LockServiceGrpc.newBlockingStub(client)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .describe(
                                DescribeRequest.newBuilder().setKey("tls/check").build());
                assertThat(status.getHeld()).isFalse();
            } finally {
                client.shutdownNow();
            }
        }
    }

    private void write(String name, String content) throws IOException {
        java.nio.file.Files.writeString(dir.resolve(name), content);
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s", String.join(" ", args)).isZero();
    }
}
