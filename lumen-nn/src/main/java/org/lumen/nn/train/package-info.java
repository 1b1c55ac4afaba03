/**
 * Training, one run for every task. {@link org.lumen.nn.train.TrainingRun} owns a run folder ({@code best/},
 * {@code last/}, {@code results.csv}, {@code results.png}), the epoch loop, resuming, checkpoints
 * ({@link org.lumen.nn.train.Checkpoints}, written atomically), provenance ({@link org.lumen.nn.train.Provenance},
 * with the {@link org.lumen.nn.train.DataFingerprint data fingerprint}), early stopping, stopping on request
 * ({@link org.lumen.nn.train.TrainingStop}) and callbacks; a task is a {@link org.lumen.nn.train.TrainingSpec}
 * whose {@link org.lumen.nn.train.TrainingTask} says how a batch is prepared, its loss and its metrics
 * ({@link org.lumen.nn.classify.Trainer} for classification, {@link org.lumen.nn.segment.SegmentationTrainer},
 * {@link org.lumen.nn.detect.DetectionTrainer}); a training mode beyond supervised training is a
 * {@link org.lumen.nn.train.TrainingHook} on batches and losses.
 *
 * <p>Also here: the configuration ({@link org.lumen.nn.train.TrainConfig}, built with its builder; defaults per
 * model family in {@link org.lumen.nn.train.TrainDefaults}), optimisers (AdamW, SGD), learning-rate schedules,
 * augmentation (images, boxes and masks together), losses, progress on the console, and libtorch's thread count.
 * Faults in settings are {@code LumenException.setting} with the setting's Java name ({@code warmup},
 * {@code classWeights}); a front end spells it its own way.
 */
package org.lumen.nn.train;
