package io.statelock.state.port;

import io.statelock.state.TerraformMeta;
import java.nio.file.Path;

/** Port to reading Terraform's {@code serial} and {@code lineage} out of the bytes of a state write. */
public interface TerraformMetaReader {

    /**
     * The serial and lineage of the file's top-level object, read without loading the file; {@link TerraformMeta#NONE}
     * for anything that is not such an object (other bytes are stored as they are). Never throws for the content.
     */
    TerraformMeta read(Path file);
}
