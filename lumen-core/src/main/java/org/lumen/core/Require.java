package org.lumen.core;

/** Argument checks for builders and constructors, each failing with one {@link IllegalArgumentException} that names the argument. */
public final class Require {
    private Require() {}

    /**
     * {@code value}, checked to be at least {@code min}.
     *
     * @throws IllegalArgumentException "{@code <what> must be at least <min>, got <value>}"
     */
    public static int atLeast(String what, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
        }
        return value;
    }
}
