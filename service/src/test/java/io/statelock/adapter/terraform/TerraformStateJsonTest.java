package io.statelock.adapter.terraform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.statelock.common.InvalidArgumentException;
import io.statelock.state.TerraformMeta;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Serial and lineage of state files, and the http backend's strict check of a body. */
class TerraformStateJsonTest {
    @TempDir
    Path dir;

    final TerraformStateJson json = new TerraformStateJson();

    Path file(String content) throws IOException {
        return Files.writeString(dir.resolve("state-" + System.nanoTime()), content, StandardCharsets.UTF_8);
    }

    TerraformMeta read(String content) throws IOException {
        return json.read(file(content));
    }

    @Test
    void terraformStateHasItsSerialAndLineage() throws IOException {
        String state = "{\"version\":4,\"terraform_version\":\"1.9.0\",\"serial\":7,\"lineage\":\"3f2a-b\","
                + "\"outputs\":{\"a\":{\"value\":\"}\\\"{\"}},\"resources\":[{\"a\":[1,2,{\"b\":null}]}]}";
        assertThat(read(state)).isEqualTo(new TerraformMeta(7, "3f2a-b"));
        assertThat(TerraformStateJson.check(file(state))).isEqualTo(new TerraformMeta(7, "3f2a-b"));
        // Any order, any whitespace.
        assertThat(read(" {\n \"lineage\" : \"L\" ,\t\"serial\" : 0 }")).isEqualTo(new TerraformMeta(0, "L"));
    }

    @Test
    void theRestOfTheFileIsNotReadOnceBothAreFound() throws IOException {
        // What follows the pair is never looked at by the reader (the strict check refuses it).
        Path truncated = file("{\"serial\":3,\"lineage\":\"L\",\"resources\":[{\"a\":");
        assertThat(json.read(truncated)).isEqualTo(new TerraformMeta(3, "L"));
        assertThatThrownBy(() -> TerraformStateJson.check(truncated))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void anythingElseIsNotTerraformState() throws IOException {
        assertThat(read("not json at all")).isEqualTo(TerraformMeta.NONE);
        assertThat(read("")).isEqualTo(TerraformMeta.NONE);
        assertThat(read("[1,2]")).isEqualTo(TerraformMeta.NONE);
        assertThat(read("{\"serial\":1}")).isEqualTo(TerraformMeta.NONE);
        assertThat(read("{\"lineage\":\"L\"}")).isEqualTo(TerraformMeta.NONE);
        assertThat(read("{\"serial\":1,\"lineage\":\"\"}")).isEqualTo(TerraformMeta.NONE);
        assertThat(read("{\"serial\":-1,\"lineage\":\"L\"}")).isEqualTo(TerraformMeta.NONE);
        assertThat(read("{\"serial\":\"1\",\"lineage\":\"L\"}")).isEqualTo(TerraformMeta.NONE);
        assertThat(read("{\"serial\":1,\"lineage\":2}")).isEqualTo(TerraformMeta.NONE);
        assertThat(read("{\"serial\":9223372036854775808,\"lineage\":\"L\"}")).isEqualTo(TerraformMeta.NONE);
        // Any serial a long holds is Terraform's: none is too large to be checked.
        assertThat(read("{\"serial\":9223372036854775807,\"lineage\":\"L\"}"))
                .isEqualTo(new TerraformMeta(Long.MAX_VALUE, "L"));
        assertThat(read("{\"nested\":{\"serial\":1,\"lineage\":\"L\"}}")).isEqualTo(TerraformMeta.NONE);
        assertThat(read("{\"serial\":1,")).isEqualTo(TerraformMeta.NONE);
        assertThat(json.read(dir.resolve("missing"))).isEqualTo(TerraformMeta.NONE);
    }

    @Test
    void bytesThatAreNotUtf8AreNotTerraformState() throws IOException {
        Path latin1 = Files.write(
                dir.resolve("latin1"),
                "{\"x\":\"caf\u00e9\",\"serial\":1,\"lineage\":\"L\"}".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(json.read(latin1)).isEqualTo(TerraformMeta.NONE);
    }

    @Test
    void theStrictCheckRefusesWhatTerraformCouldNotReadBack() throws IOException {
        for (String body : new String[] {
            "[1]",
            "{\"version\":\"4\"}",
            "{\"serial\":-1}",
            "{\"serial\":1.5}",
            "{\"lineage\":7}",
            "{\"serial\":1} {}",
            "{\"serial\":1",
            "\"text\""
        }) {
            Path f = file(body);
            assertThatThrownBy(() -> TerraformStateJson.check(f))
                    .as(body)
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("nothing stored");
        }
        // Valid JSON without one of the three: refused, naming what is missing (stored, it would turn the serial and
        // lineage checks of every later write off).
        assertThatThrownBy(() -> TerraformStateJson.check(file("{\"version\":4,\"serial\":2}")))
                .hasMessageContaining("lineage is missing");
        assertThatThrownBy(() -> TerraformStateJson.check(file("{}"))).hasMessageContaining("version is missing");
        assertThatThrownBy(() -> TerraformStateJson.check(file("{\"version\":4,\"lineage\":\"L\"}")))
                .hasMessageContaining("serial is missing");
        assertThatThrownBy(() -> TerraformStateJson.check(file("{\"version\":4,\"serial\":1,\"lineage\":\"\"}")))
                .hasMessageContaining("lineage must be a non-empty string");
        assertThat(TerraformStateJson.check(file("{\"version\":4,\"serial\":1000000000000000000,\"lineage\":\"L\"}")))
                .isEqualTo(new TerraformMeta(1_000_000_000_000_000_000L, "L"));
    }

    @Test
    void theStrictCheckRefusesARepeatedNameTheReaderWouldTakeFirst() throws IOException {
        // Go reads the last of two names, the reader the pair as it stood when first complete: the check refuses both.
        String body = "{\"version\":4,\"serial\":1,\"serial\":2,\"lineage\":\"L\",\"serial\":3,\"lineage\":\"M\"}";
        assertThat(read(body)).isEqualTo(new TerraformMeta(2, "L"));
        assertThatThrownBy(() -> TerraformStateJson.check(file(body)))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("Duplicate field 'serial'");
    }

    @Test
    void theStrictCheckTakesUtf8Only() throws IOException {
        String state = "{\"version\":4,\"serial\":1,\"lineage\":\"L\"}";
        Path bom = Files.write(dir.resolve("bom"), ("\uFEFF" + state).getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> TerraformStateJson.check(bom)).hasMessageContaining("byte-order mark");
        Path utf16 = Files.write(dir.resolve("utf16"), state.getBytes(StandardCharsets.UTF_16));
        assertThatThrownBy(() -> TerraformStateJson.check(utf16)).hasMessageContaining("not UTF-8");
        Path latin1 = Files.write(
                dir.resolve("latin1"),
                "{\"version\":4,\"x\":\"caf\u00e9\",\"serial\":1,\"lineage\":\"L\"}"
                        .getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> TerraformStateJson.check(latin1)).hasMessageContaining("not UTF-8");
    }
}
