/**
 * The lumen command line (picocli): one class per command, option parsing, messages and files only. Faults thrown
 * by the library as a file or a setting become one error line (Flags spells a setting as its flag) and exit code
 * 2; anything else is an internal failure, exit 1.
 */
package org.lumen.cli;
