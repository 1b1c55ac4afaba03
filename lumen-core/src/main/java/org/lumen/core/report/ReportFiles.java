package org.lumen.core.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.lumen.core.io.AtomicFiles;

/**
 * Atomic writes for the report writers. {@link AtomicFiles#write} does not flush the buffered stream it
 * hands to the writer, so whatever the writer leaves in the buffer is lost; this flushes it. Once
 * AtomicFiles flushes itself, this class can go.
 */
final class ReportFiles {
    private ReportFiles() {}

    static void write(Path file, AtomicFiles.Writer writer) throws IOException {
        AtomicFiles.write(file, out -> {
            writer.write(out);
            out.flush();
        });
    }

    static void writeUtf8(Path file, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(file, out -> out.write(bytes));
    }
}
