package org.lumen.cli;

import org.lumen.core.LumenException;

/** How the command line spells the library's settings: {@code maxDet} is {@code --max-det}. */
final class Flags {
    private Flags() {}

    /** The flag of setting {@code name} (camel case to kebab case; a name already a flag is kept). */
    static String of(String name) {
        if (name.startsWith("-")) {
            return name;
        }
        StringBuilder b = new StringBuilder("--");
        for (char c : name.toCharArray()) {
            if (Character.isUpperCase(c)) {
                b.append('-').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The most images one forward pass may take ({@code --batch} of predict, val, compare, benchmark). */
    static final int MAX_BATCH = 1024;
    /** The most images explained together ({@code --batch} of explain and explain-eval: their gradients are held too). */
    static final int MAX_EXPLAIN_BATCH = 256;

    /**
     * {@code value}, checked to lie in {@code [min, max]}: the one range check of the command line's whole numbers.
     *
     * @throws LumenException naming {@code flag}: "must be between MIN and MAX, got VALUE"
     */
    static long between(String flag, long value, long min, long max) {
        if (value < min || value > max) {
            throw new LumenException(flag, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** The {@code error:} line's body for {@code e}: its file, or its setting as a flag, then what is wrong. */
    static String line(LumenException e) {
        return e.line(Flags::of);
    }
}
