package io.statelock.testing;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Plain SDK clients for an {@link S3Proxy} of the test kit (path-style, its test credentials); callers close them. */
public final class S3ProxyClients {
    private S3ProxyClients() {}

    public static S3Client of(S3Proxy proxy) {
        return of(proxy.endpoint());
    }

    /** The same client reaching the server through {@code endpoint} (a proxy in front of it). */
    public static S3Client of(URI endpoint) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3Proxy.IDENTITY, S3Proxy.CREDENTIAL)))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }
}
