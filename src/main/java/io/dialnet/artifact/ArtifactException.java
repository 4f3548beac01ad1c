package io.dialnet.artifact;

/** An artifact that cannot be used: missing or inconsistent part, corrupt file, or newer format. */
public class ArtifactException extends Exception {
    private static final long serialVersionUID = 1L;

    public ArtifactException(String message) {
        super(message);
    }
}
