package io.statelock.adapter.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statelock.common.InvalidArgumentException;
import io.statelock.testing.TerraformStates;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two Terraform states compared by resource instance address, without values. */
class TerraformStateDiffTest {
    @TempDir
    Path dir;

    Path write(String name, String json) throws Exception {
        return Files.writeString(dir.resolve(name), json);
    }

    @Test
    void namesWhatWasAddedRemovedAndChangedByAddress() throws Exception {
        Path before = write("a", TerraformStates.state(1, "10.0.0.0/16", false));
        Path after = write("b", TerraformStates.state(2, "10.1.0.0/16", true));

        TerraformStateDiff.Diff diff = TerraformStateDiff.between(before, after);

        assertThat(diff.added()).containsExactly("module.net.aws_subnet.zone[\"b\"]");
        assertThat(diff.changed()).containsExactly("aws_vpc.main");
        assertThat(diff.removed()).isEmpty();
        assertThat(diff.unchanged()).isEqualTo(2); // zone["a"] and data.aws_region.current
        assertThat(TerraformStateDiff.between(after, before).removed())
                .containsExactly("module.net.aws_subnet.zone[\"b\"]");
        assertThat(diff.toString()).doesNotContain("s3cr3t");
    }

    @Test
    void numericIndexesAndDataSourcesHaveTerraformsAddresses() throws Exception {
        Path empty = write("e", "{\"version\":4,\"serial\":1,\"lineage\":\"L\",\"resources\":[]}");
        Path counted = write(
                "c",
                "{\"version\":4,\"serial\":2,\"lineage\":\"L\",\"resources\":["
                        + "{\"mode\":\"managed\",\"type\":\"null_resource\",\"name\":\"n\",\"instances\":"
                        + "[{\"index_key\":0,\"attributes\":{}},{\"index_key\":1,\"attributes\":{}}]},"
                        + "{\"mode\":\"data\",\"type\":\"aws_ami\",\"name\":\"x\",\"instances\":[{\"attributes\":{}}]}]}");

        assertThat(TerraformStateDiff.between(empty, counted).added())
                .containsExactly("data.aws_ami.x", "null_resource.n[0]", "null_resource.n[1]");
    }

    @Test
    void deposedObjectsEscapedIndexKeysAndNumbersAsWritten() throws Exception {
        String resource = "{\"mode\":\"managed\",\"type\":\"t\",\"name\":\"n\",\"instances\":["
                + "{\"index_key\":\"a\\\"b\",\"attributes\":{\"x\":0.30000000000000001}},"
                + "{\"index_key\":\"a\\\"b\",\"deposed\":\"00000001\",\"attributes\":{\"x\":1}}]}";
        Path before = write("d1", "{\"version\":4,\"resources\":[" + resource + "]}");
        Path after =
                write("d2", "{\"version\":4,\"resources\":[" + resource.replace("0.30000000000000001", "0.3") + "]}");

        TerraformStateDiff.Diff diff = TerraformStateDiff.between(before, after);

        assertThat(diff.changed()).containsExactly("t.n[\"a\\\"b\"]");
        assertThat(diff.unchanged()).isEqualTo(1); // the deposed object, an address of its own
        assertThat(TerraformStateDiff.instances(before, "from"))
                .containsOnlyKeys("t.n[\"a\\\"b\"]", "t.n[\"a\\\"b\"] (deposed object 00000001)");
    }

    @Test
    void aResourceThatIsNoObjectOrAValueTooLargeIsRefusedNotHalfCompared() throws Exception {
        Path state = write("s", TerraformStates.state(1, "10.0.0.0/16", false));
        Path odd = write("odd", "{\"resources\":[7]}");
        assertThatThrownBy(() -> TerraformStateDiff.between(state, odd))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("no object");
        Path huge = write(
                "huge",
                "{\"resources\":[{\"type\":\"local_file\",\"name\":\"f\",\"instances\":[{\"attributes\":"
                        + "{\"content\":\"" + "z".repeat(TerraformStateDiff.MAX_VALUE_CHARS + 1) + "\"}}]}]}");
        assertThatThrownBy(() -> TerraformStateDiff.between(state, huge))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("too large")
                .hasMessageNotContaining("zzz");
    }

    @Test
    void textsThatLookAlikeByteWiseAreStillDifferent() throws Exception {
        String two =
                "{\"resources\":[{\"type\":\"t\",\"name\":\"n\",\"instances\":[{\"attributes\":{\"v\":[\"a\",\"b\"]}}]}]}";
        String one = two.replace("[\"a\",\"b\"]", "[\"a\\u0000\\u0006b\"]");
        String surrogate = two.replace("[\"a\",\"b\"]", "[\"\\ud800\"]");
        String question = two.replace("[\"a\",\"b\"]", "[\"?\"]");
        assertThat(TerraformStateDiff.between(write("two", two), write("one", one))
                        .changed())
                .containsExactly("t.n");
        assertThat(TerraformStateDiff.between(write("sur", surrogate), write("q", question))
                        .changed())
                .containsExactly("t.n");
    }

    @Test
    void bytesThatAreNotUtf8AreABadArgumentNotAFailure() throws Exception {
        Path state = write("s", TerraformStates.state(1, "10.0.0.0/16", false));
        Path latin1 = dir.resolve("latin1");
        Files.write(
                latin1,
                "{\"resources\":[{\"type\":\"t\",\"name\":\"caf\u00e9\"}]}"
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> TerraformStateDiff.between(state, latin1))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("UTF-8");
    }

    @Test
    void bytesThatAreNoTerraformStateAreABadArgument() throws Exception {
        Path state = write("s", TerraformStates.state(1, "10.0.0.0/16", false));
        Path other = write("o", "[1,2,3]");
        assertThatThrownBy(() -> TerraformStateDiff.between(state, other))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("to");
        Path broken = write("x", "{\"resources\":[{\"mode\":");
        assertThatThrownBy(() -> TerraformStateDiff.between(broken, state))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("from");
    }
}
