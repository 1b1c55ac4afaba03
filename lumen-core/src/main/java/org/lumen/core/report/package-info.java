/**
 * Writing what a run reports: results.csv (one row per epoch, continued on resume), metrics.json, CSV and JSON
 * helpers, training-curve and metric plots, and the self-contained HTML report of the demo.
 */
package org.lumen.core.report;
