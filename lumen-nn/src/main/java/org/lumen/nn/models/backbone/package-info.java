/**
 * Classification networks with torchvision's module layout and parameter names ({@code resnet18..101},
 * {@code densenet121/201}, {@code vgg16/19}, {@code squeezenet1_1}, {@code mobilenet_v2}, {@code efficientnet_b0},
 * {@code convnext_tiny}), built by name through {@link org.lumen.nn.models.backbone.Backbones}; each is a
 * {@link org.lumen.nn.models.backbone.Backbone} taking normalised {@code [N, C, H, W]} images (C input channels, 3
 * by default) to {@code [N, classes]} logits, so torchvision's weights load as they are. The blocks they share
 * (torchvision's {@code Conv2dNormActivation}, {@code SqueezeExcitation}, the inverted residual of MobileNetV2 and
 * EfficientNet) are package-private here. ResNet and MobileNetV2 take a norm layer, as torchvision's
 * {@code norm_layer}: the detection bodies are these classifiers' feature extractors with frozen norms.
 */
package org.lumen.nn.models.backbone;
