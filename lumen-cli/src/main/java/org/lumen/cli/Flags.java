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

    /** The {@code error:} line's body for {@code e}: its file, or its setting as a flag, then what is wrong. */
    static String line(LumenException e) {
        return e.line(Flags::of);
    }
}
