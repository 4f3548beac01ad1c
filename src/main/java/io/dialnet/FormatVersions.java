package io.dialnet;

/**
 * The format versions a reader of Dialnet's files accepts: every version from {@code oldest} (older
 * ones are retired) to {@code newest} (the one this Dialnet writes; newer ones come from a newer
 * Dialnet). Frozen files of each version stay in {@code src/test/resources/frozen/}, and a test
 * checks that each is read as written or refused by name (docs/ARCHITECTURE.md, "Formats").
 *
 * @param oldest the oldest version still read
 * @param newest the version written
 */
public record FormatVersions(int oldest, int newest) {
    public FormatVersions {
        if (oldest < 1 || newest < oldest) {
            throw new IllegalArgumentException("format versions " + oldest + ".." + newest);
        }
    }

    /** Why a file that declares {@code format} cannot be read (one sentence), or {@code null} when it can. */
    public String problem(int format) {
        if (format < 1) {
            return "declares no valid format version";
        }
        if (format > newest) {
            return "format " + format + " was written by a newer Dialnet; this one reads " + range();
        }
        if (format < oldest) {
            return "format " + format + " is retired; this Dialnet reads " + range()
                    + " (read it with an older Dialnet and write it again)";
        }
        return null;
    }

    private String range() {
        return oldest == newest ? "format " + newest : "formats " + oldest + " to " + newest;
    }
}
