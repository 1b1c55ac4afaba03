/**
 * torchvision's two-stage detectors, Faster R-CNN and Mask R-CNN with an FPN, assembled from torchvision's parts
 * under its state-dict names: {@link org.lumen.nn.models.rcnn.RcnnTransform} (normalise, resize to min size 800 /
 * max size 1333, batch, boxes back to the image), {@link org.lumen.nn.models.rcnn.BackboneWithFpn}
 * ({@code backbone.body}, a {@link org.lumen.nn.models.rcnn.RcnnBody}: {@link org.lumen.nn.models.rcnn.ResNetBody}
 * or {@link org.lumen.nn.models.rcnn.MobileNetV2Body} with {@link org.lumen.nn.layers.FrozenBatchNorm2d};
 * {@code backbone.fpn}, a {@link org.lumen.nn.models.rcnn.FeaturePyramidNetwork}),
 * {@link org.lumen.nn.models.rcnn.AnchorGenerator}, {@link org.lumen.nn.models.rcnn.RegionProposalNetwork}
 * ({@code rpn.head}) and {@link org.lumen.nn.models.rcnn.RoiHeads} ({@code roi_heads.box_head},
 * {@code box_predictor}, and Mask R-CNN's {@code mask_head}, {@code mask_predictor}). Training losses are
 * torchvision's ({@link org.lumen.nn.models.rcnn.FasterRcnnLoss}, {@link org.lumen.nn.models.rcnn.MaskRcnnLoss});
 * {@link org.lumen.nn.models.rcnn.FasterRcnnNet} and {@link org.lumen.nn.models.rcnn.MaskRcnnNet} present the models
 * as Lumen detectors (labels 0-based without the background).
 */
package org.lumen.nn.models.rcnn;
