package org.lumen.core;

/** The Lumen version, for provenance records. */
public final class Version {
    public static final String VERSION = "0.1.0-SNAPSHOT";

    private Version() {}
}
