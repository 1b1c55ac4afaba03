/**
 * Lumen's core, free of any deep-learning engine: the one exception type for bad input (LumenException: a file or
 * a setting, and what is wrong with it) and the version. Its sub-packages read and write the files users bring
 * (image, data, io), compute the metrics (metrics), draw and report (report, image overlays), hold geometry
 * (geometry) and make synthetic surveys (synth).
 */
package org.lumen.core;
