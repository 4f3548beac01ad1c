/**
 * The architectures Dialnet can build by name: CIFAR ResNet-20/32/56, ResNet-18, VGG-11 (BN),
 * MobileNet V1, AlexNet (BN) and a small CNN for 28x28 images.
 */
package io.dialnet.nn.zoo;
