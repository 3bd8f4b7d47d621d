package io.statelock.adapter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The key part of a Terraform http backend URL, percent-decoded as a path (not as a form). */
class TerraformHttpPathTest {
    @Test
    void plainKeysAreAsTheyAre() {
        assertThat(TerraformHttpRoutes.decodePath("prod/net/terraform.tfstate"))
                .isEqualTo("prod/net/terraform.tfstate");
        assertThat(TerraformHttpRoutes.decodePath("a:b=c@d_e-f.g")).isEqualTo("a:b=c@d_e-f.g");
    }

    @Test
    void aPlusIsAPlusNotASpace() {
        assertThat(TerraformHttpRoutes.decodePath("env/a+b")).isEqualTo("env/a+b");
        assertThat(TerraformHttpRoutes.decodePath("env/a%2Bb")).isEqualTo("env/a+b");
        assertThat(TerraformHttpRoutes.decodePath("env/my%20state")).isEqualTo("env/my state");
    }

    @Test
    void escapesAreUtf8() {
        assertThat(TerraformHttpRoutes.decodePath("%2Fprod%2Fx")).isEqualTo("/prod/x");
        assertThat(TerraformHttpRoutes.decodePath("prod/%E2%80%AEtxt")).isEqualTo("prod/\u202etxt");
        assertThat(TerraformHttpRoutes.decodePath("%d1%80rod")).isEqualTo("\u0440rod");
        // Invalid UTF-8 decodes to replacement characters, which no key may contain.
        assertThat(TerraformHttpRoutes.decodePath("prod/%C0%AE")).contains("\ufffd");
    }

    @Test
    void aMalformedEscapeIsRefused() {
        assertThatThrownBy(() -> TerraformHttpRoutes.decodePath("prod/%zz"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TerraformHttpRoutes.decodePath("prod/x%"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TerraformHttpRoutes.decodePath("prod/x%4"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
