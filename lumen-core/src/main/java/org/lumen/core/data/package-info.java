/**
 * Datasets as users bring them, read and checked before any training: ImageFolder (classification), mask folders
 * (semantic segmentation), YOLO and COCO detection and instance datasets (data.yaml, label files, instances
 * JSON), deterministic splits, and the fault collection that names every bad file and line at once.
 */
package org.lumen.core.data;
