"""PyTorch eager reference for `dialnet bench training`: the same ResNet-20 (1x1 projection
shortcuts at stage changes), SGD Nesterov + weight decay, batch 128, synthetic data.

Cross-check only (Dialnet itself is Java). Usage: python3 pytorch_resnet20_step.py THREADS [channels_last]
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(int(sys.argv[1]))
channels_last = len(sys.argv) > 2 and sys.argv[2] == "channels_last"


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.sc = None
        if stride != 1 or cin != cout:
            self.sc = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return F.relu(y + (x if self.sc is None else self.sc(x)))


class ResNet20(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.b = nn.BatchNorm2d(16)
        blocks, cin = [], 16
        for i, c in enumerate([16, 32, 64]):
            for j in range(3):
                blocks.append(Block(cin, c, 2 if i > 0 and j == 0 else 1))
                cin = c
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.blocks(F.relu(self.b(self.c(x))))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


model = ResNet20()
x = torch.randn(128, 3, 32, 32)
if channels_last:
    model = model.to(memory_format=torch.channels_last)
    x = x.to(memory_format=torch.channels_last)
y = torch.randint(0, 10, (128,))
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
for i in range(40):
    if i == 10:
        start = time.time()
    opt.zero_grad()
    F.cross_entropy(model(x), y).backward()
    opt.step()
step = (time.time() - start) / 30
print("torch %s, %d threads%s: train step %.1f ms => %.0f img/s"
      % (torch.__version__, torch.get_num_threads(), ", channels_last" if channels_last else "", step * 1e3, 128 / step))
