package io.statelock.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statelock.client.StatelockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI over TLS (CA file) and mutual TLS (client certificate) to the packaged service, with
 * JWT authentication on as well; certificates are generated with openssl.
 */
class TlsCliIT {
    static Path certs;
    static Jwts jwts;
    static StatelockService tls;
    static int tlsPort;
    static StatelockService mtls;
    static int mtlsPort;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        certs = Files.createTempDirectory("statelock-tls-it");
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
        Files.writeString(certs.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
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
        // The same key in the traditional PKCS#1 form ("BEGIN RSA PRIVATE KEY"), e.g. cert-manager's default.
        openssl("rsa", "-in", "client.key", "-traditional", "-out", "client-rsa.key");
        jwts = new Jwts(certs);

        tlsPort = StatelockService.freePort();
        List<String> props = new ArrayList<>(jwts.serviceProperties());
        props.addAll(List.of(
                "quarkus.http.ssl-port=" + tlsPort,
                "statelock.tls.cert=" + certs.resolve("server.pem"),
                "statelock.tls.key=" + certs.resolve("server.key")));
        tls = StatelockService.start(StatelockService.freePort(), props, () -> probe(tlsPort, false));

        mtlsPort = StatelockService.freePort();
        List<String> mprops = new ArrayList<>(props);
        mprops.set(mprops.indexOf("quarkus.http.ssl-port=" + tlsPort), "quarkus.http.ssl-port=" + mtlsPort);
        mprops.add("statelock.tls.client-ca=" + certs.resolve("ca.pem"));
        mtls = StatelockService.start(StatelockService.freePort(), mprops, () -> probe(mtlsPort, true));
    }

    @AfterAll
    static void stop() throws Exception {
        for (StatelockService s : new StatelockService[] {tls, mtls}) {
            if (s != null) {
                s.close();
            }
        }
    }

    static StatelockClient probe(int port, boolean clientCert) {
        StatelockClient.Builder b = StatelockClient.builder()
                .target("localhost:" + port)
                .tls(certs.resolve("ca.pem"))
                .callTimeout(Duration.ofSeconds(2))
                .retryTimeout(Duration.ZERO);
        if (clientCert) {
            b.clientCertificate(certs.resolve("client.pem"), certs.resolve("client.key"));
        }
        return b.build();
    }

    Cli cli(int port) {
        return new Cli(dir, "localhost:" + port).env("STATELOCK_TOKEN", jwts.locker(300));
    }

    @Test
    void tlsWithACaFileAndAToken() throws Exception {
        Cli c = cli(tlsPort).env("STATELOCK_CA_FILE", certs.resolve("ca.pem").toString());
        Cli.Run status = c.run("status", "teams/acme/tls");
        assertEquals(0, status.code(), status.toString());
        Cli.Run run = c.run("run", "--key", "teams/acme/tls", "--ttl", "3s", "--", "sh", "-c", "sleep 1.5; echo done");
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.stdout().contains("done"), run.toString());
    }

    @Test
    void tlsWithoutTrustingTheServersCaFails() throws Exception {
        Cli.Run r = cli(tlsPort).run("status", "--tls", "--retry-timeout", "1s", "teams/acme/tls");
        System.out.println(
                "TLS, CA not trusted: exit " + r.code() + ": " + r.stderr().strip());
        assertEquals(69, r.code(), r.toString());
        assertTrue(r.stderr().contains("TLS handshake failed"), r.toString());
        assertEquals(1, r.stderr().strip().lines().count(), r.toString());
    }

    @Test
    void mutualTlsWithAClientCertificate() throws Exception {
        Cli c = cli(mtlsPort).env("STATELOCK_CA_FILE", certs.resolve("ca.pem").toString());
        Cli.Run flags = c.run(
                "status",
                "--client-cert",
                certs.resolve("client.pem").toString(),
                "--client-key",
                certs.resolve("client.key").toString(),
                "teams/acme/mtls");
        assertEquals(0, flags.code(), flags.toString());
        Cli.Run env = c.env("STATELOCK_CLIENT_CERT", certs.resolve("client.pem").toString())
                .env("STATELOCK_CLIENT_KEY", certs.resolve("client-rsa.key").toString())
                .run("run", "--key", "teams/acme/mtls", "--ttl", "3s", "--", "true");
        assertEquals(0, env.code(), env.toString());
    }

    @Test
    void mutualTlsWithoutAClientCertificateFails() throws Exception {
        Cli.Run r = cli(mtlsPort)
                .env("STATELOCK_CA_FILE", certs.resolve("ca.pem").toString())
                .run("status", "--retry-timeout", "1s", "teams/acme/mtls");
        System.out.println("mTLS without a client certificate: exit " + r.code() + ": "
                + r.stderr().strip());
        // The handshake completes (the service requests, not demands, a certificate) and the service
        // answers HTTP 401 before any gRPC handling; grpc-java maps that to UNAUTHENTICATED: exit 77.
        assertEquals(77, r.code(), r.toString());
        assertTrue(
                r.stderr().contains("client certificate required") && r.stderr().contains("--client-cert"),
                r.toString());
        assertEquals(1, r.stderr().strip().lines().count(), r.toString());
    }

    @Test
    void aClientCertificateWithoutItsKeyIsAUsageError() throws Exception {
        Cli.Run r = cli(mtlsPort)
                .run("status", "--client-cert", certs.resolve("client.pem").toString(), "k");
        assertEquals(64, r.code(), r.toString());
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .directory(certs.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        certs.resolve("openssl.log").toFile()))
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl " + String.join(" ", args));
        assertEquals(
                0,
                p.exitValue(),
                "openssl " + String.join(" ", args) + ": " + Files.readString(certs.resolve("openssl.log")));
    }
}
