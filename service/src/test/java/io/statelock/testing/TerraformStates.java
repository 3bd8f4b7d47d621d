package io.statelock.testing;

/** Small Terraform states for tests: a VPC, a subnet per zone, and a data source, as Terraform 1.x writes them. */
public final class TerraformStates {
    private TerraformStates() {}

    /**
     * State {@code serial} of lineage {@code L}: {@code aws_vpc.main} with {@code cidr}, {@code
     * module.net.aws_subnet.zone["a"]} (and {@code ["b"]} when {@code withZoneB}), and {@code data.aws_region.current}.
     */
    public static String state(long serial, String cidr, boolean withZoneB) {
        String zoneB = withZoneB ? ",{\"index_key\":\"b\",\"attributes\":{\"cidr_block\":\"10.0.2.0/24\"}}" : "";
        return "{\"version\":4,\"terraform_version\":\"1.11.4\",\"serial\":" + serial
                + ",\"lineage\":\"L\",\"outputs\":{},\"resources\":["
                + "{\"mode\":\"managed\",\"type\":\"aws_vpc\",\"name\":\"main\",\"provider\":\"p\",\"instances\":"
                + "[{\"attributes\":{\"cidr_block\":\"" + cidr + "\",\"secret\":\"s3cr3t-" + cidr + "\"}}]},"
                + "{\"module\":\"module.net\",\"mode\":\"managed\",\"type\":\"aws_subnet\",\"name\":\"zone\","
                + "\"provider\":\"p\",\"instances\":[{\"index_key\":\"a\",\"attributes\":{\"cidr_block\":\"10.0.1.0/24\"}}"
                + zoneB + "]},"
                + "{\"mode\":\"data\",\"type\":\"aws_region\",\"name\":\"current\",\"provider\":\"p\",\"instances\":"
                + "[{\"attributes\":{\"name\":\"eu-west-1\"}}]}]}";
    }
}
