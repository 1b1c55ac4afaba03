/**
 * The Java half of the benchmarks ({@code benchmarks/*.sh}): {@link org.lumen.benchmarks.SideBySide} times
 * Lumen beside PyTorch on the same weights and input, after {@link org.lumen.benchmarks.OutputCheck} has checked
 * that the two give the same outputs; {@link org.lumen.benchmarks.SurveyRender} times the synthetic survey's
 * renderer. Not a library: nothing here is for other code to call.
 */
package org.lumen.benchmarks;
